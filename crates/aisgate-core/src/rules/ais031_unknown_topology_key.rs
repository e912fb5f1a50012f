use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): A required pod anti-affinity term uses a `topologyKey` that nodes do not normally carry (anything but `kubernetes.io/hostname`, `topology.kubernetes.io/zone`, `topology.kubernetes.io/region` and the settings' extra keys), e.g. the legacy `topology.kubernetes.io/node`: it never blocks co-location.
    pub struct UnknownTopologyKey {
        code: "AIS031",
        name: "unknown-topology-key",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for UnknownTopologyKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
