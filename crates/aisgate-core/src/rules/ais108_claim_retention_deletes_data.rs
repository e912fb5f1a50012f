use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): `persistentVolumeClaimRetentionPolicy.whenDeleted` or `whenScaled` is `Delete` on a target StatefulSet (or `pvcRetentionPolicy` on the AIStore): claims and, with a Delete reclaim policy, data go with it.
    pub struct ClaimRetentionDeletesData {
        code: "AIS108",
        name: "claim-retention-deletes-data",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for ClaimRetentionDeletesData {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
