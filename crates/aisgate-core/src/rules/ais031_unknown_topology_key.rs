use crate::declare_rule;
use crate::model::AisObject;
use crate::model::affinity::Affinity;
use crate::model::aistore::Role;
use crate::names;
use crate::path::{JsonPath, MakePath};
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a required pod anti-affinity term (`requiredDuringSchedulingIgnoredDuringExecution`)
    /// whose `topologyKey` is not a label nodes normally carry, in the `affinity` of an
    /// `AIStore`'s `proxySpec` or `targetSpec`, or in the pod template of an AIS `StatefulSet`.
    /// Known keys are `kubernetes.io/hostname`, `topology.kubernetes.io/zone`,
    /// `topology.kubernetes.io/region`, and those listed in the `topologyKeys` setting (add
    /// the labels your nodes really carry there, e.g. a rack label).
    ///
    /// ## Why is this bad?
    /// The scheduler groups nodes by the value of the topology key; nodes without that label
    /// belong to no group, and the term never keeps two pods apart. The legacy AIS Helm chart
    /// used `topology.kubernetes.io/node`, which nodes do not carry: its "one target per node"
    /// never held, and several targets could land on one node, sharing its host ports and
    /// failing together with it.
    ///
    /// ## Example
    /// ```yaml
    /// affinity:
    ///   podAntiAffinity:
    ///     requiredDuringSchedulingIgnoredDuringExecution:
    ///       - topologyKey: topology.kubernetes.io/node
    ///         labelSelector:
    ///           matchLabels: {app: ais, component: target}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// affinity:
    ///   podAntiAffinity:
    ///     requiredDuringSchedulingIgnoredDuringExecution:
    ///       - topologyKey: kubernetes.io/hostname
    ///         labelSelector:
    ///           matchLabels: {app: ais, component: target}
    /// ```
    pub struct UnknownTopologyKey {
        code: "AIS031",
        name: "unknown-topology-key",
        severity: Warn,
        scope: Object,
        kinds: [AiStore, StatefulSet],
        summary: "A required pod anti-affinity term uses a topologyKey nodes do not carry: it never keeps pods apart",
        fix: None,
    }
}

/// The node labels Kubernetes sets on every node (or cloud providers set on every node).
const WELL_KNOWN_KEYS: [&str; 3] =
    ["kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region"];

/// Checks the terms of `affinity`, whose path `at` makes (only for a finding).
fn check_affinity(affinity: Option<&Affinity>, at: &dyn MakePath, extra: &[String], out: &mut Vec<Violation>) {
    let terms = affinity
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .and_then(|a| a.required_during_scheduling_ignored_during_execution.as_ref());
    for (i, term) in terms.into_iter().flatten().enumerate() {
        let key = term.topology_key.as_str();
        if WELL_KNOWN_KEYS.contains(&key) || extra.iter().any(|k| k == key) {
            continue;
        }
        let message = if key.is_empty() {
            "empty topologyKey: the term never keeps pods apart; use kubernetes.io/hostname".to_owned()
        } else {
            names::fit_message(key, |k| {
                format!(
                    "topologyKey {k} is not a node label: the term never keeps pods apart; use kubernetes.io/hostname"
                )
            })
        };
        let terms_path = at.make().keys("podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution");
        out.push(Violation::new(terms_path.index(i).key("topologyKey"), message));
    }
}

impl Rule for UnknownTopologyKey {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let extra = &check.settings.topology_keys;
        match check.object() {
            AisObject::AiStore(ais) => {
                for role in [Role::Proxy, Role::Target] {
                    let at = || JsonPath::from_keys("spec").key(role.spec_key()).key("affinity");
                    check_affinity(ais.role(role).affinity.as_ref(), &at, extra, out);
                }
            }
            AisObject::StatefulSet(sts, _) => {
                let at = || JsonPath::from_keys("spec.template.spec.affinity");
                check_affinity(sts.spec.template.spec.affinity.as_ref(), &at, extra, out);
            }
            _ => {}
        }
    }
}
