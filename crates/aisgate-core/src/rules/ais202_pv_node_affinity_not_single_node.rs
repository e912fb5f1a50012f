use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): Required node affinity that does not pin exactly one node: several terms, several values, `NotIn`/`Exists`/`DoesNotExist`, or a key other than `kubernetes.io/hostname`.
    pub struct PvNodeAffinityNotSingleNode {
        code: "AIS202",
        name: "pv-node-affinity-not-single-node",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for PvNodeAffinityNotSingleNode {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
