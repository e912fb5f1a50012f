use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): `scaleDownMode: decommission`, or `safe_decommission` with `configToUpdate.rebalance.enabled: false`.
    pub struct DestructiveScaleDown {
        code: "AIS033",
        name: "destructive-scale-down",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for DestructiveScaleDown {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
