use crate::declare_rule;
use crate::model::AisObject;
use crate::model::aistore::Role;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an AIS proxy or target `StatefulSet` with more than one replica whose pod
    /// anti-affinity has only `preferredDuringSchedulingIgnoredDuringExecution` terms and no
    /// `requiredDuringSchedulingIgnoredDuringExecution` term.
    ///
    /// Not raised when co-location is meant (the shared-node annotation, or a nodeSelector
    /// pinning one `kubernetes.io/hostname`): spreading as a preference is then the point.
    ///
    /// ## Why is this bad?
    /// A preferred term is a scoring hint, not a constraint. When nodes are busy, cordoned or
    /// short of resources, the scheduler still places several proxies or targets on one
    /// node, and that node's failure takes them all down. The operator's own default is a
    /// required term on `kubernetes.io/hostname`; a user `affinity.podAntiAffinity` in the
    /// `AIStore` replaces it, so a preferred-only affinity there ends up here.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: 4
    ///   template:
    ///     spec:
    ///       affinity:
    ///         podAntiAffinity:
    ///           preferredDuringSchedulingIgnoredDuringExecution:
    ///             - weight: 100
    ///               podAffinityTerm:
    ///                 labelSelector:
    ///                   matchLabels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: target}
    ///                 topologyKey: kubernetes.io/hostname
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///       affinity:
    ///         podAntiAffinity:
    ///           requiredDuringSchedulingIgnoredDuringExecution:
    ///             - labelSelector:
    ///                 matchLabels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: target}
    ///               topologyKey: kubernetes.io/hostname
    /// ```
    pub struct PreferredAntiAffinityOnly {
        code: "AIS102",
        name: "preferred-anti-affinity-only",
        severity: Warn,
        scope: Object,
        kinds: [StatefulSet],
        summary: "AIS pods spread only by preferred anti-affinity, which does not guarantee one pod per node",
        fix: None,
    }
}

impl Rule for PreferredAntiAffinityOnly {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::StatefulSet(sts, workload) = check.object() else { return };
        let replicas = sts.replicas();
        if replicas <= 1 || sts.sharing(workload, &check.settings.shared_node_annotation).is_some() {
            return;
        }
        let Some(anti) = sts.spec.template.spec.affinity.as_ref().and_then(|a| a.pod_anti_affinity.as_ref()) else {
            return;
        };
        let preferred = anti.preferred_during_scheduling_ignored_during_execution.as_deref().unwrap_or_default();
        let required = anti.required_during_scheduling_ignored_during_execution.as_deref().unwrap_or_default();
        if preferred.is_empty() || !required.is_empty() {
            return;
        }
        let roles = match workload.role {
            Role::Proxy => "proxies",
            Role::Target => "targets",
        };
        out.push(Violation::new(
            JsonPath::from_keys("spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution"),
            format!("only preferred pod anti-affinity: the scheduler may still put {replicas} {roles} on one node; make the term required"),
        ));
    }
}
