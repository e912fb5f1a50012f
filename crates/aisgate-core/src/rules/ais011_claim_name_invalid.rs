use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): The claim template name a mount or a volumeClaimTemplate yields is not a DNS-1123 label or is longer than 63 characters; or a resulting claim name `<template>-<statefulset>-<ordinal>` (for the highest ordinal) is longer than 253; or a pod name `<statefulset>-<ordinal>` is longer than 63. Applies to AIStore mounts and to StatefulSet `volumeClaimTemplates`.
    pub struct ClaimNameInvalid {
        code: "AIS011",
        name: "claim-name-invalid",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for ClaimNameInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
