//! The capacity-planning view: per node, the target pods that can land there, their disks
//! (PV, path, capacity) and host ports. Built from the same [`Analysis`] the bundle rules
//! use, so the plan and the findings never disagree.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::bundle::{Analysis, matching_nodes};
use crate::context::{Context, Object};

/// One disk of a target pod: the claim and the PV it binds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedDisk {
    pub claim: String,
    /// Where the pod mounts it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mount_path: Option<String>,
    /// The PV that binds the claim; `None`: no PV can (AIS401), or dynamically provisioned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<String>,
    /// The claim's class, when a provisioner (not a hand-made PV) gives it a volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_by: Option<String>,
}

/// How a target pod is tied to a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Placement {
    /// Its pre-bound PVs pin this node.
    Pinned,
    /// Unbound PVs on this node fit its claims (the scheduler may pick other fitting ones).
    Matched,
    /// The nodeSelector (or the Node objects) allow this node; the scheduler picks one.
    Possible,
}

/// A target pod in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedTarget {
    /// `namespace/statefulset`.
    pub statefulset: String,
    pub pod: String,
    pub placement: Placement,
    pub disks: Vec<PlannedDisk>,
    /// `51081/TCP`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub host_ports: Vec<String>,
}

/// One node of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedNode {
    pub node: String,
    pub targets: Vec<PlannedTarget>,
}

/// The plan of a context.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Nodes by name.
    pub nodes: Vec<PlannedNode>,
    /// Targets no node can be named for: no PV pins them and nothing lists candidate nodes,
    /// or their PVs pin several nodes (AIS405).
    pub unplaced: Vec<PlannedTarget>,
}

/// Works out the plan.
#[must_use]
pub fn plan(context: &dyn Context, analysis: &Analysis) -> Plan {
    let mut nodes: BTreeMap<String, Vec<PlannedTarget>> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for (c, cluster) in analysis.clusters.iter().enumerate() {
        let host_ports: Vec<String> = analysis
            .workloads
            .iter()
            .filter(|w| w.source == cluster.source && w.role == crate::model::aistore::Role::Target)
            .flat_map(|w| w.host_ports.iter().map(|p| format!("{}/{}", p.port, p.protocol)))
            .collect();
        // Candidate nodes when no PV pins a pod.
        let candidates: Vec<String> = if context.nodes().is_empty() {
            cluster.pinned_node().map(str::to_owned).into_iter().collect()
        } else {
            matching_nodes(context, &cluster.node_selector)
                .into_iter()
                .filter_map(|id| match &context.entry(id)?.object {
                    Object::Node(node) => Some(node.hostname().to_owned()),
                    _ => None,
                })
                .collect()
        };
        let mut pods: BTreeMap<u32, (Vec<PlannedDisk>, BTreeSet<String>, bool)> = BTreeMap::new();
        if let Some(replicas) = cluster.replicas {
            for ordinal in 0..replicas {
                pods.insert(ordinal, (Vec::new(), BTreeSet::new(), true));
            }
        }
        for claim in analysis.claims_of(c) {
            let template = cluster.templates.get(claim.template);
            let pv =
                claim.volume.and_then(|id| Some((context.entry(id)?.name().to_owned(), context.entry(id)?.as_pv()?)));
            let entry = pods.entry(claim.ordinal).or_default();
            if let Some(node) = pv.as_ref().and_then(|(_, pv)| pv.pinned_node()) {
                entry.1.insert(node.to_owned());
                entry.2 &= claim.volume.is_some_and(|v| claim.pre_bound.contains(&v));
            }
            entry.0.push(PlannedDisk {
                claim: claim.name.clone(),
                mount_path: template.and_then(|t| t.mount_path.clone()),
                volume: pv.as_ref().map(|(name, _)| name.clone()),
                path: pv.as_ref().and_then(|(_, pv)| pv.disk_path()).map(|(_, path)| path.to_owned()),
                capacity: pv.as_ref().and_then(|(_, pv)| pv.capacity_text()).map(str::to_owned),
                provisioned_by: template.filter(|t| !t.static_class && pv.is_none()).and_then(|t| t.class.clone()),
            });
        }
        for (ordinal, (disks, pinned, pre_bound)) in pods {
            let target = |placement| PlannedTarget {
                statefulset: format!("{}/{}", cluster.namespace, cluster.statefulset),
                pod: format!("{}-{ordinal}", cluster.statefulset),
                placement,
                disks: disks.clone(),
                host_ports: host_ports.clone(),
            };
            match pinned.len() {
                1 => {
                    let node = pinned.into_iter().next().unwrap_or_default();
                    let placement = if pre_bound { Placement::Pinned } else { Placement::Matched };
                    nodes.entry(node).or_default().push(target(placement));
                }
                0 if !candidates.is_empty() => {
                    for node in &candidates {
                        nodes.entry(node.clone()).or_default().push(target(Placement::Possible));
                    }
                }
                _ => unplaced.push(target(Placement::Possible)),
            }
        }
    }
    Plan { nodes: nodes.into_iter().map(|(node, targets)| PlannedNode { node, targets }).collect(), unplaced }
}
