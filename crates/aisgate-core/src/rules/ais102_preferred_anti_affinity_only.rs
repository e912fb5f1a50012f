use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): Only `preferredDuringScheduling…` anti-affinity: not a guarantee.
    pub struct PreferredAntiAffinityOnly {
        code: "AIS102",
        name: "preferred-anti-affinity-only",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for PreferredAntiAffinityOnly {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
