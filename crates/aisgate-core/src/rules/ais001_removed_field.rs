use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): A field removed from the CRD (§2). `spec.disablePodAntiAffinity` moves to `spec.targetSpec.disablePodAntiAffinity`; `spec.enableNodeNameHost: true` becomes `spec.publicNetDNSMode: Node`; others are dropped with a note. Offline only in practice: the API server prunes these before admission (§7), so the message must say that the cluster will silently ignore it.
    pub struct RemovedField {
        code: "AIS001",
        name: "removed-field",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for RemovedField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
