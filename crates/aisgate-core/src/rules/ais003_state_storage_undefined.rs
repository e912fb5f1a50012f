use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): No state storage (no `stateStorage`, `hostpathPrefix` or `stateStorageClass`), more than one `stateStorage` mode, or `emptyDir` with `shutdownCluster: true`. Mirrors the operator webhook so CI catches it before the cluster does.
    pub struct StateStorageUndefined {
        code: "AIS003",
        name: "state-storage-undefined",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for StateStorageUndefined {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
