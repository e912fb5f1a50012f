use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): A mount path that is relative, has `//`, `/./`, `/../`, a trailing `/`, or repeats another mount's path, or is nested in another mount's path (same disk twice).
    pub struct MountPathInvalid {
        code: "AIS010",
        name: "mount-path-invalid",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for MountPathInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
