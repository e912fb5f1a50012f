use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): `targetSpec.pdb.enabled: true` with `maxUnavailable` unset or 0: node drains block forever.
    pub struct PdbBlocksDrain {
        code: "AIS032",
        name: "pdb-blocks-drain",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for PdbBlocksDrain {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
