use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): A target StatefulSet's data `volumeClaimTemplates` name is not `<cluster>` + its mountPath with `/` → `-` (cluster from `app.kubernetes.io/name`, else the StatefulSet name without `-target`); an AIS PVC's name is not `<template>-<cluster>-<role>-<ordinal>`; a PV's `claimRef.name` does not parse as such a name. Pre-bound PVs and automation key on these names. The message shows the expected name and, where cluster and namespace differ, says which the seed documentation's `<namespace>-…` form would give.
    pub struct ClaimNameConvention {
        code: "AIS105",
        name: "claim-name-convention",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for ClaimNameConvention {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
