use crate::declare_rule;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// TODO(catalog): An AIS data PV backed by NFS, CephFS, GlusterFS, iSCSI or a CSI driver the settings list as networked: no xattrs, no per-disk scaling.
    pub struct PvNetworkFilesystem {
        code: "AIS206",
        name: "pv-network-filesystem",
        severity: Warn,
        scope: Object,
        summary: "TODO",
        fix: None,
    }
}

impl Rule for PvNetworkFilesystem {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}
}
