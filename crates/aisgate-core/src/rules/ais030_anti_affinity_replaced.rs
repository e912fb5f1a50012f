use crate::declare_rule;
use crate::model::AisObject;
use crate::model::aistore::Role;
use crate::model::statefulset::HOSTNAME_LABEL;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `AIStore` whose `proxySpec.affinity.podAntiAffinity` or
    /// `targetSpec.affinity.podAntiAffinity` is set but has no
    /// `requiredDuringSchedulingIgnoredDuringExecution` term with
    /// `topologyKey: kubernetes.io/hostname`. Not raised for targets with
    /// `targetSpec.disablePodAntiAffinity: true`, which opt out of one target per node.
    ///
    /// ## Why is this bad?
    /// The operator keeps one proxy and one target per node with a required pod
    /// anti-affinity over `kubernetes.io/hostname`. A user-supplied `podAntiAffinity`
    /// *replaces* that default instead of adding to it. A spec that only adds a preference
    /// (say, spreading over zones) silently drops the one-per-node guarantee: several
    /// targets may land on one node, so one node failure takes several of them down, and
    /// host ports make the extra pods `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     affinity:
    ///       podAntiAffinity:
    ///         preferredDuringSchedulingIgnoredDuringExecution:
    ///           - weight: 100
    ///             podAffinityTerm:
    ///               topologyKey: topology.kubernetes.io/zone
    ///               labelSelector:
    ///                 matchLabels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: target}
    /// ```
    ///
    /// Use instead (restate the operator's default next to the addition):
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     affinity:
    ///       podAntiAffinity:
    ///         requiredDuringSchedulingIgnoredDuringExecution:
    ///           - topologyKey: kubernetes.io/hostname
    ///             labelSelector:
    ///               matchLabels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: target}
    ///         preferredDuringSchedulingIgnoredDuringExecution:
    ///           - weight: 100
    ///             podAffinityTerm:
    ///               topologyKey: topology.kubernetes.io/zone
    ///               labelSelector:
    ///                 matchLabels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: target}
    /// ```
    pub struct AntiAffinityReplaced {
        code: "AIS030",
        name: "anti-affinity-replaced",
        severity: Warn,
        scope: Object,
        kinds: [AiStore],
        summary: "An AIStore podAntiAffinity replaces the operator's one-per-node default without a required hostname term",
        fix: None,
    }
}

impl Rule for AntiAffinityReplaced {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        for role in [Role::Proxy, Role::Target] {
            if role == Role::Target && ais.targets_share_nodes() {
                continue;
            }
            let spec = ais.role(role);
            let Some(anti_affinity) = spec.affinity.as_ref().and_then(|a| a.pod_anti_affinity.as_ref()) else {
                continue;
            };
            let keeps_one_per_node = anti_affinity
                .required_during_scheduling_ignored_during_execution
                .iter()
                .flatten()
                .any(|term| term.topology_key == HOSTNAME_LABEL);
            if !keeps_one_per_node {
                let key = role.spec_key();
                out.push(Violation::new(
                    JsonPath::from_keys("spec").key(key).keys("affinity.podAntiAffinity"),
                    format!(
                        "{key} podAntiAffinity replaces the operator's one-per-node default; \
                         add a required kubernetes.io/hostname term"
                    ),
                ));
            }
        }
    }
}
