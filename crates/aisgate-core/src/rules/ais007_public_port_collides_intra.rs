use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): `portPublic` equals `portIntraControl` or `portIntraData` in one role.
    pub struct PublicPortCollidesIntra {
        code: "AIS007",
        name: "public-port-collides-intra",
        severity: Deny,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for PublicPortCollidesIntra {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
