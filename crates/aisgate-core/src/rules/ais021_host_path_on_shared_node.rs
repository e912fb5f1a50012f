use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): A `useHostPath: true` mount (or a target hostPath data volume with no per-pod subPath) while targets may share a node: co-located targets write one directory.
    pub struct HostPathOnSharedNode {
        code: "AIS021",
        name: "host-path-on-shared-node",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for HostPathOnSharedNode {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
