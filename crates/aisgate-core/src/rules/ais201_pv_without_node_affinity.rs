use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): An AIS data PV (hostPath or local) with no `nodeAffinity.required`.
    pub struct PvWithoutNodeAffinity {
        code: "AIS201",
        name: "pv-without-node-affinity",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for PvWithoutNodeAffinity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
