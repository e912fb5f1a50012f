use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): A proxy or target StatefulSet with `replicas > 1` and no required anti-affinity term over its own pods with `topologyKey: kubernetes.io/hostname`, where nothing says co-location is meant (see AIS020 for what says so; proxies are never meant to share). All replicas may land on one node: one node failure takes the whole role down.
    pub struct MissingPodAntiAffinity {
        code: "AIS101",
        name: "missing-pod-anti-affinity",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for MissingPodAntiAffinity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
