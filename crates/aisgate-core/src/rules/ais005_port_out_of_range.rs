use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): Any of `servicePort`, `portPublic`, `portIntraControl`, `portIntraData`, `hostPort` outside 1..65535 or a string that is not a number, in either role.
    pub struct PortOutOfRange {
        code: "AIS005",
        name: "port-out-of-range",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for PortOutOfRange {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
