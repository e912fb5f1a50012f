use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): A `volumeMounts[].name` that is neither in `volumes` nor in `volumeClaimTemplates` (the legacy chart shipped this bug).
    pub struct VolumeMountUnresolved {
        code: "AIS106",
        name: "volume-mount-unresolved",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for VolumeMountUnresolved {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
