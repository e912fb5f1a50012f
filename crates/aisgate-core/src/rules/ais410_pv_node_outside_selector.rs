use crate::bundle::{BundleCheck, BundleViolation, node_admits};
use crate::declare_rule;
use crate::model::statefulset::HOSTNAME_LABEL;
use crate::names;
use crate::path::JsonPath;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a PV meant for a cluster's targets (pre-bound to one of its claims, or unbound
    /// and labelled for the cluster or selected by one of its templates) whose node cannot
    /// run those targets: the target `nodeSelector` pins `kubernetes.io/hostname` to
    /// another node, or the input's `Node` object for the PV's node lacks a nodeSelector
    /// label. PVs on nodes the input has no Node object for are left alone.
    ///
    /// ## Why is this bad?
    /// A local or hostPath PV is usable only on its node. If no target may run there, the PV
    /// is never used; a pre-bound one also keeps its claim's target `Pending` (the pod needs
    /// a node that satisfies both the nodeSelector and the volume's node affinity).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     size: 1
    ///     nodeSelector: {kubernetes.io/hostname: node1}
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node2-pv-ais-sda}
    /// spec:
    ///   claimRef: {namespace: ais, name: ais-ais-sda-ais-target-0}
    ///   nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions:
    ///     [{key: kubernetes.io/hostname, operator: In, values: [node2]}]}]}}
    /// ```
    ///
    /// Use instead: the PV on a node the targets may use.
    /// ```yaml
    ///     [{key: kubernetes.io/hostname, operator: In, values: [node1]}]}]}}
    /// ```
    pub struct PvNodeOutsideSelector {
        code: "AIS410",
        name: "pv-node-outside-selector",
        severity: Warn,
        scope: Bundle,
        summary: "A PV meant for a cluster's targets sits on a node their nodeSelector excludes",
        fix: None,
    }
}

impl Rule for PvNodeOutsideSelector {
    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        for (c, cluster) in check.analysis.clusters.iter().enumerate() {
            for id in check.analysis.volumes_meant_for(c, check.context) {
                let Some(node) = check.pv(id).and_then(|pv| pv.pinned_node()) else { continue };
                if node_admits(check.context, node, &cluster.node_selector) != Some(false) {
                    continue;
                }
                let shown = names::abbreviate(node, 30);
                let sts = cluster.display();
                let why = if let Some(pinned) = cluster.pinned_node().filter(|pinned| *pinned != node) {
                    format!("the nodeSelector pins {}", names::abbreviate(pinned, 30))
                } else {
                    {
                        let missing = check
                            .context
                            .node(node)
                            .and_then(|n| {
                                cluster
                                    .node_selector
                                    .iter()
                                    .find(|(k, v)| *k != HOSTNAME_LABEL && n.metadata.label(k) != Some(&**v))
                            })
                            .map(|(k, v)| names::abbreviate(&format!("{k}={v}"), 40))
                            .unwrap_or_default();
                        format!("lacks {missing}")
                    }
                };
                let message = names::first_fitting(vec![
                    format!("node {shown} can't run {sts} pods ({why}): the PV is never used; move it or the selector"),
                    format!("node {shown} can't run {sts} pods ({why}): the PV is never used"),
                    format!("node {shown} can't run {sts} pods: the PV is never used"),
                ]);
                out.push(
                    BundleViolation::new(id, JsonPath::from_keys("spec.nodeAffinity"), message, vec![cluster.source])
                        .warning(),
                );
            }
        }
    }
}
