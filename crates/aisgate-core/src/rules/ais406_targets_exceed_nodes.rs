use crate::bundle::{Analysis, BundleCheck, BundleViolation, matching_nodes, name_list, node_admits};
use crate::context::{Context, EntryId, Object};
use crate::declare_rule;
use crate::names;
use crate::rule::Rule;
use crate::sort;

declare_rule! {
    /// ## What it does
    /// Counts the nodes that can host a cluster's targets and compares them with the target
    /// replica count. The nodes are the `Node` objects whose labels satisfy the target
    /// `nodeSelector` when the input has Node objects; else the one node a
    /// `kubernetes.io/hostname` nodeSelector pins; else, for hand-provisioned storage, the
    /// distinct nodes of the PVs meant for the cluster.
    ///
    /// - With one target per node enforced (required pod anti-affinity on
    ///   `kubernetes.io/hostname`, which the operator adds unless
    ///   `targetSpec.disablePodAntiAffinity: true`), more replicas than such nodes is reported.
    ///   A removed field such as `spec.disablePodAntiAffinity` counts as absent, as it does in
    ///   the cluster.
    /// - With shared nodes allowed and a single node able to host targets, that node must
    ///   host all of them: reported when it has fewer PVs for a mount than targets.
    ///
    /// ## Why is this bad?
    /// The targets beyond the node count stay `Pending` (`didn't match pod anti-affinity
    /// rules`, or no volume left on the node): the cluster runs short of targets and their
    /// disks, and rebalancing waits for targets that never come.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   disablePodAntiAffinity: true   # removed in operator v2: ignored
    ///   targetSpec:
    ///     size: 2
    ///     nodeSelector: {kubernetes.io/hostname: node1}
    /// ```
    ///
    /// Use instead: opt into shared nodes where the CRD reads it (and give each target its
    /// own disks), or add nodes.
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     size: 2
    ///     disablePodAntiAffinity: true
    ///     nodeSelector: {kubernetes.io/hostname: node1}
    /// ```
    pub struct TargetsExceedNodes {
        code: "AIS406",
        name: "targets-exceed-nodes",
        severity: Deny,
        scope: Bundle,
        summary: "More targets than nodes able to host them (one per node), or than a shared node has disks",
        fix: None,
    }
}

/// Where the capable nodes come from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Nodes,
    Selector,
    Volumes,
}

/// The host names of the nodes able to host a cluster's targets (in order, once each), the
/// objects that say so, and how they were found; `None` when nothing in the context says.
fn capable_nodes(
    context: &dyn Context,
    analysis: &Analysis,
    cluster: usize,
) -> Option<(Vec<String>, Vec<EntryId>, Source)> {
    let c = analysis.clusters.get(cluster)?;
    if !context.nodes().is_empty() {
        let ids = matching_nodes(context, &c.node_selector);
        let names = ids
            .iter()
            .filter_map(|&id| match &context.entry(id)?.object {
                Object::Node(node) => Some(node.hostname().to_owned()),
                _ => None,
            })
            .collect();
        return Some((sort::sorted_set(names), ids, Source::Nodes));
    }
    if let Some(node) = c.pinned_node() {
        return Some((vec![node.to_owned()], Vec::new(), Source::Selector));
    }
    if !c.templates.iter().any(|t| t.static_class) {
        return None;
    }
    let mut names = Vec::new();
    let mut ids = Vec::new();
    for id in analysis.volumes_meant_for(cluster, context) {
        let Some(node) = context.entry(id).and_then(|e| e.as_pv()).and_then(|pv| pv.pinned_node()) else { continue };
        if node_admits(context, node, &c.node_selector) != Some(false) {
            names.push(node.to_owned());
            ids.push(id);
        }
    }
    (!names.is_empty()).then(|| (sort::sorted_set(names), ids, Source::Volumes))
}

/// By template (its index), the distinct disk paths on `node` that the cluster's claims of
/// it could use, and a PV of each.
fn disks_on_node(check: &BundleCheck<'_>, cluster: usize, node: &str) -> Vec<(Vec<String>, Vec<EntryId>)> {
    let Some(c) = check.analysis.clusters.get(cluster) else { return Vec::new() };
    let mut disks: Vec<(Vec<String>, Vec<EntryId>)> = vec![(Vec::new(), Vec::new()); c.templates.len()];
    for &id in check.context.volumes_on_node(node) {
        let Some(pv) = check.pv(id) else { continue };
        let path = pv.disk_path().map_or_else(|| check.name(id), |(_, p)| p.trim_end_matches('/').to_owned());
        for (t, template) in c.templates.iter().enumerate() {
            let usable = match &pv.spec.claim_ref {
                Some(claim) => check
                    .analysis
                    .claim(claim.namespace.as_deref().unwrap_or_default(), claim.name.as_deref().unwrap_or_default())
                    .is_some_and(|claim| claim.cluster == cluster && claim.template == t),
                None => template.accepts(pv) && template.fits(pv),
            };
            if let Some((paths, ids)) = disks.get_mut(t).filter(|(paths, _)| usable && !paths.contains(&path)) {
                paths.push(path.clone());
                ids.push(id);
            }
        }
    }
    disks
}

impl Rule for TargetsExceedNodes {
    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        for (c, cluster) in check.analysis.clusters.iter().enumerate() {
            let Some(replicas) = cluster.replicas.filter(|r| *r > 0) else { continue };
            let Some((nodes, ids, source)) = capable_nodes(check.context, check.analysis, c) else { continue };
            // Counting PV nodes while claims lack PVs says nothing AIS401 does not say better.
            if source == Source::Volumes && check.analysis.claims_of(c).iter().any(|claim| claim.volume.is_none()) {
                continue;
            }
            let count = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
            let listed = name_list(nodes.iter().map(|n| names::abbreviate(n, 30)), 2);
            if cluster.one_per_node {
                if replicas <= count {
                    continue;
                }
                let pending = replicas - count;
                let stay = if pending == 1 { "1 stays" } else { &format!("{pending} stay") };
                let by = match source {
                    Source::Nodes if count == 1 => "1 Node matches the nodeSelector".to_owned(),
                    Source::Nodes => format!("{count} Nodes match the nodeSelector"),
                    Source::Selector => "the nodeSelector pins one node".to_owned(),
                    Source::Volumes if count == 1 => "their PVs are on 1 node".to_owned(),
                    Source::Volumes => format!("their PVs are on {count} nodes"),
                };
                let message = if count == 0 {
                    format!("{replicas} targets but no Node matches the target nodeSelector: all stay Pending")
                } else {
                    names::first_fitting(vec![
                        format!(
                            "{replicas} targets need a node each (required anti-affinity), but {by} ({listed}): {stay} Pending"
                        ),
                        format!(
                            "{replicas} targets need a node each (required anti-affinity), but {by}: {stay} Pending"
                        ),
                        format!("{replicas} targets need a node each, but {by}: {stay} Pending"),
                    ])
                };
                out.push(BundleViolation::new(cluster.source, cluster.replicas_path.clone(), message, ids));
            } else if let [node] = nodes.iter().collect::<Vec<_>>().as_slice() {
                // One node must host every target: each needs its own disk per mount.
                let disks = disks_on_node(check, c, node);
                for (t, template) in cluster.templates.iter().enumerate() {
                    if !template.static_class {
                        continue;
                    }
                    let (count, volumes) =
                        disks.get(t).map_or((0, Vec::new()), |(paths, ids)| (paths.len(), ids.clone()));
                    let count = u32::try_from(count).unwrap_or(u32::MAX);
                    if replicas <= count {
                        continue;
                    }
                    let mount = names::abbreviate(template.mount_path.as_deref().unwrap_or(&template.name), 30);
                    let node = names::abbreviate(node, 30);
                    let pending = replicas - count;
                    let stay = if pending == 1 { "1 stays".to_owned() } else { format!("{pending} stay") };
                    let disks = if count == 1 { "1 disk".to_owned() } else { format!("{count} disks") };
                    let message = names::first_fitting(vec![
                        format!(
                            "{replicas} targets share node {node}, which has {disks} for {mount}: {stay} Pending; add PVs"
                        ),
                        format!("{replicas} targets share one node with {disks} for {mount}: {stay} Pending; add PVs"),
                    ]);
                    out.push(BundleViolation::new(cluster.source, cluster.replicas_path.clone(), message, volumes));
                }
            }
        }
    }
}
