use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): Targets may share nodes and have no host ports, and no `externalAccess`/`enableExternalLB`: targets are reachable only inside the cluster. Informational: correct for internal-only clusters.
    pub struct SharedNodeWithoutExternalAccess {
        code: "AIS024",
        name: "shared-node-without-external-access",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for SharedNodeWithoutExternalAccess {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
