use crate::declare_rule;
use crate::model::AisObject;
use crate::model::volume::PvNodeAffinity;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an AIS data `PersistentVolume` backed by a node's disk (`hostPath` or `local`)
    /// that has no `spec.nodeAffinity.required`.
    ///
    /// ## Why is this bad?
    /// A `hostPath` PV names a directory, not a node. Without node affinity the scheduler
    /// may start the target on any node and the volume then points at whatever that node
    /// has at the path: the target silently writes to the wrong disk (or to the root
    /// filesystem), and after a reschedule its data is on another machine. A `local` PV
    /// without node affinity is refused by the API server. Every AIS data PV must pin the
    /// one node that holds its disk.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-nvme0n1}
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   capacity: {storage: 3Ti}
    ///   accessModes: [ReadWriteOnce]
    ///   hostPath: {path: /ais/nvme0n1}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   capacity: {storage: 3Ti}
    ///   accessModes: [ReadWriteOnce]
    ///   hostPath: {path: /ais/nvme0n1}
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - {key: kubernetes.io/hostname, operator: In, values: [node1]}
    /// ```
    pub struct PvWithoutNodeAffinity {
        code: "AIS201",
        name: "pv-without-node-affinity",
        severity: Deny,
        scope: Object,
        kinds: [PersistentVolume],
        summary: "An AIS hostPath or local PV has no required node affinity: it is not tied to the node holding its disk",
        fix: None,
    }
}

impl Rule for PvWithoutNodeAffinity {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::PersistentVolume(pv) = check.object() else { return };
        let Some((source, _)) = pv.disk_path() else { return };
        let path = match &pv.spec.node_affinity {
            None => JsonPath::from_keys("spec"),
            Some(PvNodeAffinity::Other(affinity)) if affinity.required.is_none() => {
                JsonPath::from_keys("spec.nodeAffinity")
            }
            Some(_) => return,
        };
        let message = if source == "local" {
            "local PV without nodeAffinity.required is refused by the API server; pin kubernetes.io/hostname In [<node>]"
        } else {
            "hostPath PV without nodeAffinity.required follows the pod to any node: wrong disk; pin kubernetes.io/hostname"
        };
        out.push(Violation::new(path, message));
    }
}
