use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): `nodeImage`, `initImage` or a container image of an AIS StatefulSet with tag `latest` or no tag and no digest.
    pub struct MutableImageTag {
        code: "AIS034",
        name: "mutable-image-tag",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for MutableImageTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
