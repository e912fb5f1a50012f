use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): Two ports in one pod template (containers and sidecar init containers with `restartPolicy: Always`) share `(hostIP, hostPort, protocol)`; with `hostNetwork: true` every `containerPort` counts as a host port.
    pub struct DuplicateHostPort {
        code: "AIS103",
        name: "duplicate-host-port",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for DuplicateHostPort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
