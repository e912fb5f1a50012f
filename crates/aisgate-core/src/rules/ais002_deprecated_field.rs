use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): `hostpathPrefix` → `stateStorage.hostPath.prefix`; `stateStorageClass` → `stateStorage.pvc.storageClass`; `enableExternalLB: true` → `proxySpec.externalAccess: {}` and `targetSpec.externalAccess: {}` (`false` is simply removed); `clusterDomain`, `capabilities`: removed with a note.
    pub struct DeprecatedField {
        code: "AIS002",
        name: "deprecated-field",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for DeprecatedField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
