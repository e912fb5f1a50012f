use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): An AIS PV or PVC (or claim template) whose access modes are not exactly one of `ReadWriteOnce`/`ReadWriteOncePod`, e.g. `ReadWriteMany` on a local disk.
    pub struct AccessModeInvalid {
        code: "AIS204",
        name: "access-mode-invalid",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for AccessModeInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
