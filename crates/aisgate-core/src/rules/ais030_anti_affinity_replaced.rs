use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): AIStore `proxySpec.affinity.podAntiAffinity` or `targetSpec.affinity.podAntiAffinity` is set but has no required term with `topologyKey: kubernetes.io/hostname`: it replaces the operator's default rather than adding to it (§3). Not raised for targets with `disablePodAntiAffinity: true`.
    pub struct AntiAffinityReplaced {
        code: "AIS030",
        name: "anti-affinity-replaced",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for AntiAffinityReplaced {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
