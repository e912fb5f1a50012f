use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `volumeMode: Block` on an AIS `PersistentVolume`, an AIS `PersistentVolumeClaim`,
    /// or a `volumeClaimTemplates` entry of an AIS `StatefulSet`.
    ///
    /// ## Why is this bad?
    /// A `Block` volume reaches the pod as a raw device, not a mounted directory. An AIS
    /// target stores objects as files in a mountpath and keeps its metadata in extended
    /// attributes, so it needs a filesystem (XFS recommended) on every disk; it cannot use a
    /// raw device. A claim binds only to a PV of the same volume mode, so a `Block` claim
    /// template also never binds to the filesystem PVs made for the targets.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-nvme0n1}
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   volumeMode: Block
    ///   local: {path: /dev/nvme0n1}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   volumeMode: Filesystem
    ///   local: {path: /ais/nvme0n1}
    /// ```
    pub struct BlockVolumeMode {
        code: "AIS205",
        name: "block-volume-mode",
        severity: Deny,
        scope: Object,
        kinds: [StatefulSet, PersistentVolume, PersistentVolumeClaim],
        summary: "An AIS PV, PVC or claim template uses volumeMode Block: AIS needs a filesystem with xattrs",
        fix: None,
    }
}

const MESSAGE: &str =
    "volumeMode Block gives targets a raw device; AIS needs a filesystem with xattrs: use Filesystem (the default)";

impl Rule for BlockVolumeMode {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let object = check.object();
        if let AisObject::PersistentVolume(pv) = object
            && pv.spec.volume_mode.as_deref() == Some("Block")
        {
            out.push(Violation::new(JsonPath::from_keys("spec.volumeMode"), MESSAGE));
        }
        for (at, spec) in object.claim_specs() {
            if spec.volume_mode.as_deref() == Some("Block") {
                out.push(Violation::new(at.path().key("volumeMode"), MESSAGE));
            }
        }
    }
}
