use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): Neither `spec.size` nor both role sizes; a size that is 0 or below -1; size -1 (autoscale) without that role's `nodeSelector`.
    pub struct ClusterSizeInvalid {
        code: "AIS004",
        name: "cluster-size-invalid",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for ClusterSizeInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
