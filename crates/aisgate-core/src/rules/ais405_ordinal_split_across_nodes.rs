use crate::bundle::{BundleCheck, BundleViolation, name_list};
use crate::context::EntryId;
use crate::declare_rule;
use crate::names;
use crate::path::JsonPath;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// For every target pod of a known cluster, takes the PVs pre-bound (`claimRef`) to its
    /// claims (one per data mount) and the node each pins by required node affinity. When
    /// they pin different nodes, every one of those PVs is reported, naming the others.
    ///
    /// ## Why is this bad?
    /// A pod runs on one node and a local or hostPath volume is usable only on its own node.
    /// The scheduler finds no node that satisfies both volumes' node affinity: the pod stays
    /// `Pending` with `node(s) had volume node affinity conflict`, forever.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-sda}
    /// spec:
    ///   claimRef: {namespace: ais, name: ais-ais-sda-ais-target-0}
    ///   nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions:
    ///     [{key: kubernetes.io/hostname, operator: In, values: [node1]}]}]}}
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node2-pv-ais-sdb}
    /// spec:
    ///   claimRef: {namespace: ais, name: ais-ais-sdb-ais-target-0}
    ///   nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions:
    ///     [{key: kubernetes.io/hostname, operator: In, values: [node2]}]}]}}
    /// ```
    ///
    /// Use instead: all disks of one target on one node.
    /// ```yaml
    ///     [{key: kubernetes.io/hostname, operator: In, values: [node1]}]}]}}
    /// ```
    pub struct OrdinalSplitAcrossNodes {
        code: "AIS405",
        name: "ordinal-split-across-nodes",
        severity: Deny,
        scope: Bundle,
        summary: "The PVs pre-bound to one target pod's claims pin different nodes: the pod can never schedule",
        fix: None,
    }
}

impl Rule for OrdinalSplitAcrossNodes {
    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        for (c, cluster) in check.analysis.clusters.iter().enumerate() {
            // Each claim's pre-bound PV and the node it pins, in claim order.
            let pinned: Vec<(u32, &str, EntryId)> = check
                .analysis
                .claims_of(c)
                .iter()
                .filter_map(|claim| {
                    let volume =
                        claim.volume.filter(|v| claim.pre_bound.contains(v)).or(claim.pre_bound.first().copied())?;
                    let node = check.pv(volume)?.pinned_node()?;
                    Some((claim.ordinal, node, volume))
                })
                .collect();
            // The first node each ordinal's PVs pin, and whether another pins elsewhere: one
            // pass without a map or set per pod (a cluster has thousands of pods).
            let ordinals = pinned.iter().map(|&(ordinal, ..)| ordinal as usize + 1).max().unwrap_or(0);
            let mut first_node: Vec<Option<&str>> = vec![None; ordinals];
            let mut split = vec![false; ordinals];
            for &(ordinal, node, _) in &pinned {
                let (Some(first), Some(split)) =
                    (first_node.get_mut(ordinal as usize), split.get_mut(ordinal as usize))
                else {
                    continue;
                };
                match first {
                    None => *first = Some(node),
                    Some(first) if *first != node => *split = true,
                    Some(_) => {}
                }
            }
            let mut volumes_of_split: Vec<(u32, &str, EntryId)> =
                pinned.into_iter().filter(|&(ordinal, ..)| split.get(ordinal as usize) == Some(&true)).collect();
            // By ordinal; a pod's PVs stay in claim order.
            crate::sort::sort_by(&mut volumes_of_split, |a, b| a.0.cmp(&b.0));
            for volumes in volumes_of_split.chunk_by(|a, b| a.0 == b.0) {
                let Some(&(ordinal, ..)) = volumes.first() else { continue };
                let nodes = crate::sort::sorted_set(volumes.iter().map(|&(_, node, _)| node).collect());
                let pod = names::abbreviate(&format!("{}-{ordinal}", cluster.statefulset), 40);
                for &(_, node, id) in volumes {
                    let others: Vec<&(u32, &str, EntryId)> = volumes.iter().filter(|(_, n, _)| *n != node).collect();
                    let elsewhere = name_list(
                        others.iter().map(|(_, n, v)| format!("{} on {}", check.name(*v), names::abbreviate(n, 30))),
                        2,
                    );
                    let message = names::first_fitting(vec![
                        format!(
                            "pod {pod} needs this PV on {} and {elsewhere}: it can never schedule; keep its disks on one node",
                            names::abbreviate(node, 30)
                        ),
                        format!(
                            "pod {pod}'s PVs pin {} nodes: it can never schedule; keep its disks on one node",
                            nodes.len()
                        ),
                    ]);
                    let mut related: Vec<EntryId> = others.iter().map(|(_, _, v)| *v).collect();
                    related.push(cluster.source);
                    out.push(BundleViolation::new(id, JsonPath::from_keys("spec.nodeAffinity"), message, related));
                }
            }
        }
    }
}
