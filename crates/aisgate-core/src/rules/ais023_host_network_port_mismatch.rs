use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): `hostNetwork: true` with a `hostPort` that is set and differs from the container port (`servicePort`).
    pub struct HostNetworkPortMismatch {
        code: "AIS023",
        name: "host-network-port-mismatch",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for HostNetworkPortMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
