use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): A nodeSelector or node affinity using `nvidia.com/ais-target`, `nvidia.com/ais-proxy` or `nvidia.com/ais-initial-primary-proxy` whose value does not follow `<release>-ais`, `<release>-ais-electable`, `<release>-ais` respectively (release from the `release` label, else from the name).
    pub struct NodeLabelConvention {
        code: "AIS501",
        name: "node-label-convention",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for NodeLabelConvention {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
