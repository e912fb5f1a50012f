use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): A non-hostPath mount without `size` (the claim requests no storage) or without `storageClass` (the cluster's default class applies, rarely a local-disk class).
    pub struct MountWithoutSizeOrClass {
        code: "AIS012",
        name: "mount-without-size-or-class",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for MountWithoutSizeOrClass {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
