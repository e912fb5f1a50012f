use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): On UPDATE of an AIStore: a change to `mounts`, `hostPort`, any port, `nodeSelector`, `affinity`, `disablePodAntiAffinity`, `hostNetwork` or `externalAccess` of either role. On UPDATE of an AIS StatefulSet: a change to `volumeClaimTemplates`, `selector` or `serviceName`.
    pub struct ImmutableFieldChanged {
        code: "AIS040",
        name: "immutable-field-changed",
        severity: Deny,
        scope: Update,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for ImmutableFieldChanged {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
