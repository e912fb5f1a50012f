use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): `servicePort != portPublic`, or `hostPort` set and `!= portPublic` (clients are redirected to `portPublic`).
    pub struct PublicPortMismatch {
        code: "AIS006",
        name: "public-port-mismatch",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for PublicPortMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
