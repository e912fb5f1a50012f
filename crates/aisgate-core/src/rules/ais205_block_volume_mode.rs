use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): `volumeMode: Block` on an AIS PV, PVC or claim template.
    pub struct BlockVolumeMode {
        code: "AIS205",
        name: "block-volume-mode",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for BlockVolumeMode {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
