use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): Proxy and target use the same host port (AIStore: `proxySpec.hostPort == targetSpec.hostPort`; bundle: a proxy and a target workload whose pods can share a node bind the same `hostPort`/protocol). Proxies and targets run side by side by design.
    pub struct ProxyTargetHostPortClash {
        code: "AIS022",
        name: "proxy-target-host-port-clash",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for ProxyTargetHostPortClash {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
