use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): StatefulSet name longer than 52 characters (`controller-revision-hash` label overflows 63).
    pub struct StatefulsetNameTooLong {
        code: "AIS107",
        name: "statefulset-name-too-long",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for StatefulsetNameTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
