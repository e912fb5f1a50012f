use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): An AIS PV's `claimRef` without `namespace` or `name`, or with a `kind` other than `PersistentVolumeClaim`.
    pub struct ClaimRefInvalid {
        code: "AIS207",
        name: "claim-ref-invalid",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for ClaimRefInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
