use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): A capacity or size that is not a valid Kubernetes quantity, is zero or negative; warn-level message when it is fractional in bytes (e.g. `5.8Ti`).
    pub struct CapacityInvalid {
        code: "AIS208",
        name: "capacity-invalid",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for CapacityInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
