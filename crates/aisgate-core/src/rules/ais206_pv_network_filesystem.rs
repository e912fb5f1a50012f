use crate::declare_rule;
use crate::model::AisObject;
use crate::names;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an AIS data `PersistentVolume` backed by network storage: an `nfs`, `cephfs`,
    /// `glusterfs` or `iscsi` volume, or a `csi` volume whose driver is listed in the
    /// `networkCsiDrivers` setting (e.g. `nfs.csi.k8s.io`; the list is empty by default).
    ///
    /// ## Why is this bad?
    /// Generic guides recommend network filesystems for shared (`ReadWriteMany`) storage,
    /// but AIS targets are built for local disks, one filesystem (XFS recommended) per
    /// mountpath. NFS lacks the extended attributes AIS keeps its metadata in: the target
    /// fails with `FATAL ERROR: operation not supported`. Every network volume also routes
    /// disk I/O through the network and a shared server, defeating AIS's per-disk scaling
    /// and its assumption that each mountpath is an independent disk.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: ais-pv-nvme0n1}
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   nfs: {server: nfs.example.com, path: /exports/ais}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   hostPath: {path: /ais/nvme0n1}
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - {key: kubernetes.io/hostname, operator: In, values: [node1]}
    /// ```
    pub struct PvNetworkFilesystem {
        code: "AIS206",
        name: "pv-network-filesystem",
        severity: Warn,
        scope: Object,
        kinds: [PersistentVolume],
        summary: "An AIS data PV is backed by network storage (NFS, CephFS, GlusterFS, iSCSI or a networked CSI driver)",
        fix: None,
    }
}

impl Rule for PvNetworkFilesystem {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::PersistentVolume(pv) = check.object() else { return };
        let sources = [
            (
                "nfs",
                pv.spec.nfs.is_some(),
                "NFS volume: no xattrs (AIS fails: operation not supported), no per-disk scaling; use local disks",
            ),
            (
                "cephfs",
                pv.spec.cephfs.is_some(),
                "CephFS volume: a network filesystem defeats AIS's per-disk scaling; use local disks (XFS)",
            ),
            (
                "glusterfs",
                pv.spec.glusterfs.is_some(),
                "GlusterFS volume: a network filesystem defeats AIS's per-disk scaling; use local disks (XFS)",
            ),
            (
                "iscsi",
                pv.spec.iscsi.is_some(),
                "iSCSI volume: disk I/O crosses the network, defeating AIS's per-disk scaling; use local disks",
            ),
        ];
        for (key, present, message) in sources {
            if present {
                out.push(Violation::new(JsonPath::from_keys("spec").key(key), message));
            }
        }
        if let Some(csi) = &pv.spec.csi
            && check.settings.network_csi_drivers.contains(&csi.driver)
        {
            out.push(Violation::new(
                JsonPath::from_keys("spec.csi.driver"),
                format!(
                    "CSI driver {} is in networkCsiDrivers: AIS needs local disks with xattrs; use local PVs",
                    names::abbreviate(&csi.driver, 30)
                ),
            ));
        }
    }
}
