//! What bundle rules share: each AIS cluster as the cluster will see it, the claims its
//! targets will make, and which PV each claim binds, worked out once per check.
//!
//! A cluster comes from an `AIStore` (the operator's view: a removed field counts as absent)
//! or, where no `AIStore` of that name is known, from a target `StatefulSet`. Its claims are
//! every data claim template × ordinal. Binding follows the PV controller: a PV pre-bound by
//! `claimRef` binds when its capacity and volume mode fit (class, selector and access modes
//! are not checked); otherwise the smallest unbound PV whose class, selector, access modes,
//! volume mode and capacity all fit. Everything is indexed (by claim, class, node), so the
//! work grows with the number of objects, not with their pairs.

use std::fmt::Write as _;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::context::{ByHashOne, Context, EntryId, HashMap, Object, hash_of};
use crate::finding::Severity;
use crate::model::affinity::{Affinity, LabelSelector};
use crate::model::aistore::{AiStore, Role};
use crate::model::map::SmallMap;
use crate::model::statefulset::{AisWorkload, HOSTNAME_LABEL, StatefulSet};
use crate::model::volume::{ClaimSpec, PersistentVolume};
use crate::names;
use crate::path::JsonPath;
use crate::quantity::Quantity;
use crate::settings::Settings;
use crate::sort;

/// What a bundle rule's check reads.
#[derive(Clone, Copy)]
pub struct BundleCheck<'a> {
    pub context: &'a dyn Context,
    pub analysis: &'a Analysis,
    pub settings: &'a Settings,
}

impl std::fmt::Debug for BundleCheck<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BundleCheck").field("clusters", &self.analysis.clusters.len()).finish_non_exhaustive()
    }
}

impl BundleCheck<'_> {
    /// The PV with this id.
    #[must_use]
    pub fn pv(&self, id: EntryId) -> Option<&PersistentVolume> {
        self.context.entry(id)?.as_pv()
    }

    /// The name of the object with this id, cut for messages.
    #[must_use]
    pub fn name(&self, id: EntryId) -> String {
        self.context.entry(id).map(|e| names::abbreviate(e.name(), 40)).unwrap_or_default()
    }
}

/// One problem across objects; the engine turns it into a [`crate::Finding`] on `subject`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleViolation {
    pub subject: EntryId,
    pub path: JsonPath,
    pub message: String,
    pub at_most: Option<Severity>,
    /// The other objects involved.
    pub related: Vec<EntryId>,
}

impl BundleViolation {
    #[must_use]
    pub fn new(subject: EntryId, path: JsonPath, message: impl Into<String>, related: Vec<EntryId>) -> Self {
        Self { subject, path, message: message.into(), at_most: None, related }
    }

    /// Only ever a warning, whatever the rule's level.
    #[must_use]
    pub fn warning(mut self) -> Self {
        self.at_most = Some(Severity::Warn);
        self
    }
}

/// A data claim template of a target StatefulSet (written, or generated from a mount).
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub mount_path: Option<String>,
    /// The class claims ask for: written, else the default class when known.
    pub class: Option<String>,
    pub selector: Option<LabelSelector>,
    pub access_modes: Vec<String>,
    pub volume_mode: String,
    /// `floor(size)` in bytes.
    pub request: Option<u128>,
    pub request_text: Option<String>,
    /// The template (or mount) in the cluster's source object.
    pub path: JsonPath,
    /// Volumes of the class are made by hand: every claim needs a PV.
    pub static_class: bool,
}

impl Template {
    /// Whether an unbound PV could ever serve this template's claims (capacity aside).
    #[must_use]
    pub fn accepts(&self, pv: &PersistentVolume) -> bool {
        self.class.as_deref() == Some(pv.class())
            && self.selects(pv)
            && self.access_modes.iter().all(|mode| pv.spec.access_modes.contains(mode))
            && pv.volume_mode() == self.volume_mode
    }

    /// Whether the PV's labels satisfy the selector (no selector: every PV).
    #[must_use]
    pub fn selects(&self, pv: &PersistentVolume) -> bool {
        self.selector.as_ref().is_none_or(|s| names::selector_matches(s, &pv.metadata.labels))
    }

    #[must_use]
    pub fn fits(&self, pv: &PersistentVolume) -> bool {
        self.fits_capacity(pv.capacity_bytes())
    }

    /// [`Template::fits`] for a PV of this capacity ([`PersistentVolume::capacity_bytes`]).
    fn fits_capacity(&self, capacity: Option<u128>) -> bool {
        match (self.request, capacity) {
            (Some(request), Some(capacity)) => capacity >= request,
            (None, _) => true,
            (Some(_), None) => false,
        }
    }
}

/// A host port a workload's pods bind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    pub port: i64,
    pub protocol: String,
    pub path: JsonPath,
}

/// A proxy or target workload, for host ports and node placement.
#[derive(Debug, Clone)]
pub struct Workload {
    pub source: EntryId,
    pub role: Role,
    pub namespace: String,
    pub cluster: String,
    pub node_selector: SmallMap,
    pub host_ports: Vec<HostPort>,
}

/// An AIS cluster's targets.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// The `AIStore` or target `StatefulSet` it comes from.
    pub source: EntryId,
    pub namespace: String,
    pub name: String,
    /// The target StatefulSet's name (pods and claims are named after it).
    pub statefulset: String,
    /// Target replicas; `None` when unknown (autoscaled `size: -1` without Node objects).
    pub replicas: Option<u32>,
    pub replicas_path: JsonPath,
    pub node_selector: SmallMap,
    /// Required anti-affinity keeps one target per node.
    pub one_per_node: bool,
    pub templates: Vec<Template>,
    /// First of this cluster's claims in [`Analysis::claims`].
    pub first_claim: usize,
}

impl Cluster {
    /// The node the target nodeSelector pins by host name, if any.
    #[must_use]
    pub fn pinned_node(&self) -> Option<&str> {
        self.node_selector.text(HOSTNAME_LABEL)
    }

    /// `ais/ais-target`, for messages.
    #[must_use]
    pub fn display(&self) -> String {
        names::abbreviate(&self.statefulset, 40)
    }
}

/// One claim a target pod will make.
#[derive(Debug, Clone)]
pub struct Claim {
    pub cluster: usize,
    pub template: usize,
    pub ordinal: u32,
    pub name: String,
    /// Every PV whose `claimRef` names this claim.
    pub pre_bound: Vec<EntryId>,
    /// The PV it binds, if any.
    pub volume: Option<EntryId>,
}

/// Clusters, claims and bindings of a context.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub clusters: Vec<Cluster>,
    pub claims: Vec<Claim>,
    /// Proxy and target workloads (AIStore roles and AIS StatefulSets).
    pub workloads: Vec<Workload>,
    clusters_by_namespace: HashMap<String, Vec<usize>>,
    /// Claims by namespace and name (filed under a hash of the pair, not a copy).
    claim_by_name: ByHashOne<(String, String)>,
    /// The claim each bound PV serves, by entry id (`NO_CLAIM`: none).
    claim_of_volume: Vec<usize>,
}

/// No claim binds this PV.
const NO_CLAIM: usize = usize::MAX;

fn port_number(port: Option<&IntOrString>) -> Option<i64> {
    port.and_then(crate::model::aistore::port_number).filter(|p| *p != 0)
}

fn has_required_hostname_term(affinity: Option<&Affinity>) -> bool {
    affinity
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .and_then(|a| a.required_during_scheduling_ignored_during_execution.as_ref())
        .is_some_and(|terms| terms.iter().any(|t| t.topology_key == HOSTNAME_LABEL))
}

fn request_of(size: Option<&serde_json::Value>) -> (Option<u128>, Option<String>) {
    let text = match size {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => return (None, None),
    };
    (Quantity::parse(&text).ok().and_then(|q| q.floor()), Some(text))
}

/// Whether claims of `class` need hand-made PVs.
fn is_static(class: Option<&str>, context: &dyn Context, settings: &Settings) -> bool {
    let Some(class) = class else { return false };
    if settings.static_storage_classes.iter().any(|c| c == class) {
        return true;
    }
    match context.storage_class(class) {
        Some(sc) => sc.is_static(),
        None => context.has_volumes_of_class(class),
    }
}

impl Analysis {
    /// Works out clusters, claims and bindings.
    #[must_use]
    pub fn new(context: &dyn Context, settings: &Settings) -> Self {
        let mut analysis = Self::default();
        // (namespace, cluster) of each AIStore: a few, searched in a list (a set of its own
        // type was 2 KB of the policy module).
        let mut aistore_clusters: Vec<(&str, &str)> = Vec::new();
        for &id in context.aistores() {
            let Some(entry) = context.entry(id) else { continue };
            let Object::AiStore(ais) = &entry.object else { continue };
            aistore_clusters.push((entry.namespace(), ais.cluster()));
            analysis.add_aistore(id, entry.namespace(), ais, context, settings);
        }
        for &id in context.stateful_sets() {
            let Some(entry) = context.entry(id) else { continue };
            let Object::StatefulSet(sts, Some(workload)) = &entry.object else { continue };
            let cluster = sts.cluster(workload.role);
            if aistore_clusters.contains(&(entry.namespace(), cluster.as_str())) {
                continue; // The AIStore says what the operator will make of it.
            }
            analysis.add_statefulset(id, entry.namespace(), sts, workload, context, settings);
        }
        for (index, cluster) in analysis.clusters.iter().enumerate() {
            analysis.clusters_by_namespace.entry(cluster.namespace.clone()).or_default().push(index);
        }
        analysis.bind(context);
        analysis
    }

    fn add_aistore(&mut self, id: EntryId, namespace: &str, ais: &AiStore, context: &dyn Context, settings: &Settings) {
        let cluster = ais.cluster().to_owned();
        for role in [Role::Proxy, Role::Target] {
            let spec = ais.role(role);
            let host_ports = port_number(spec.host_port.as_ref())
                .map(|port| HostPort {
                    port,
                    protocol: "TCP".to_owned(),
                    path: JsonPath::root().key("spec").key(role.spec_key()).key("hostPort"),
                })
                .into_iter()
                .collect();
            self.workloads.push(Workload {
                source: id,
                role,
                namespace: namespace.to_owned(),
                cluster: cluster.clone(),
                node_selector: spec.node_selector.clone(),
                host_ports,
            });
        }
        let target = &ais.spec.target_spec;
        let one_per_node = match target.affinity.as_ref().and_then(|a| a.pod_anti_affinity.as_ref()) {
            Some(_) => has_required_hostname_term(target.affinity.as_ref()),
            None => !ais.targets_share_nodes(),
        };
        let replicas_key = if target.size.is_some() { "spec.targetSpec.size" } else { "spec.size" };
        let replicas = match ais.target_size() {
            Some(n) if n >= 0 => u32::try_from(n).ok(),
            // Autoscaled: one target per node matching the nodeSelector, when nodes are known.
            Some(-1) if !context.nodes().is_empty() => {
                u32::try_from(matching_nodes(context, &target.node_selector).len()).ok()
            }
            _ => None,
        };
        let mut templates = Vec::new();
        for (i, mount) in target.mounts.iter().enumerate() {
            let Some(path) = mount.path.as_deref() else { continue };
            if mount.use_host_path == Some(true) {
                continue;
            }
            let class = mount.storage_class.clone().or_else(|| context.default_storage_class().map(str::to_owned));
            let (request, request_text) = request_of(mount.size.as_ref());
            templates.push(Template {
                name: names::claim_template_name(&cluster, path),
                mount_path: Some(path.to_owned()),
                static_class: is_static(class.as_deref(), context, settings),
                class,
                selector: mount.selector.clone(),
                access_modes: vec!["ReadWriteOnce".to_owned()],
                volume_mode: "Filesystem".to_owned(),
                request,
                request_text,
                path: JsonPath::from_keys("spec.targetSpec.mounts").index(i),
            });
        }
        self.clusters.push(Cluster {
            source: id,
            namespace: namespace.to_owned(),
            statefulset: format!("{cluster}-target"),
            name: cluster,
            replicas,
            replicas_path: JsonPath::from_keys(replicas_key),
            node_selector: target.node_selector.clone(),
            one_per_node,
            templates,
            first_claim: 0,
        });
    }

    fn add_statefulset(
        &mut self,
        id: EntryId,
        namespace: &str,
        sts: &StatefulSet,
        workload: &AisWorkload,
        context: &dyn Context,
        settings: &Settings,
    ) {
        let cluster = sts.cluster(workload.role);
        let pod = &sts.spec.template.spec;
        let mut host_ports = Vec::new();
        for (key, c, container) in sts.running_containers() {
            for (p, port) in container.ports.iter().enumerate() {
                let at = JsonPath::from_keys("spec.template.spec").key(key).index(c).key("ports").index(p);
                let (number, field) = match port.host_port {
                    Some(host) if host != 0 => (i64::from(host), "hostPort"),
                    _ if sts.host_network() => (i64::from(port.container_port), "containerPort"),
                    _ => continue,
                };
                let protocol = port.protocol.clone().unwrap_or_else(|| "TCP".to_owned());
                host_ports.push(HostPort { port: number, protocol, path: at.key(field) });
            }
        }
        self.workloads.push(Workload {
            source: id,
            role: workload.role,
            namespace: namespace.to_owned(),
            cluster: cluster.clone(),
            node_selector: pod.node_selector.clone(),
            host_ports,
        });
        if workload.role != Role::Target {
            return;
        }
        let name = sts.metadata.display_name();
        let mut templates = Vec::new();
        for (i, template) in sts.spec.volume_claim_templates.iter().enumerate() {
            let Some(template_name) = template.metadata.name.clone() else { continue };
            if template_name.ends_with("-state") {
                continue;
            }
            let mount_path = sts
                .containers()
                .flat_map(|(_, _, c)| &c.volume_mounts)
                .find(|m| m.name == template_name)
                .map(|m| m.mount_path.clone());
            templates.push(template_of(template_name, mount_path, &template.spec, i, context, settings));
        }
        let one_per_node = sts.sharing(workload, &settings.shared_node_annotation).is_none()
            && has_required_hostname_term(pod.affinity.as_ref());
        self.clusters.push(Cluster {
            source: id,
            namespace: namespace.to_owned(),
            name: cluster,
            statefulset: name,
            replicas: u32::try_from(sts.replicas()).ok(),
            replicas_path: JsonPath::from_keys("spec.replicas"),
            node_selector: pod.node_selector.clone(),
            one_per_node,
            templates,
            first_claim: 0,
        });
    }

    /// Expected claims, then bindings: pre-bound first (they take their PVs whatever else
    /// asks), then unbound claims take the smallest fitting unbound PV.
    fn bind(&mut self, context: &dyn Context) {
        let namespaces: Vec<String> = self.clusters.iter().map(|c| c.namespace.clone()).collect();
        for (c, cluster) in self.clusters.iter_mut().enumerate() {
            cluster.first_claim = self.claims.len();
            let Some(replicas) = cluster.replicas else { continue };
            for (t, template) in cluster.templates.iter().enumerate() {
                // `<template>-<statefulset>-<ordinal>`: the prefix formatted once per template.
                let prefix = format!("{}-{}-", template.name, cluster.statefulset);
                for ordinal in 0..replicas {
                    let mut name = String::with_capacity(prefix.len() + 10);
                    name.push_str(&prefix);
                    let _ = write!(name, "{ordinal}");
                    let pre_bound = context.volumes_bound_to(&cluster.namespace, &name).to_vec();
                    let volume = pre_bound.iter().copied().find(|&id| {
                        context
                            .entry(id)
                            .and_then(|e| e.as_pv())
                            .is_some_and(|pv| template.fits(pv) && pv.volume_mode() == template.volume_mode)
                    });
                    let key = (cluster.namespace.as_str(), name.as_str());
                    let claims = &self.claims;
                    let holds = |i: usize| {
                        claims.get(i).is_some_and(|other| {
                            other.name == key.1 && namespaces.get(other.cluster).is_some_and(|ns| ns == key.0)
                        })
                    };
                    let is = |(ns, n): &(String, String)| (ns.as_str(), n.as_str()) == key;
                    let owned = || (key.0.to_owned(), key.1.to_owned());
                    self.claim_by_name.insert(hash_of(key), claims.len(), holds, is, owned);
                    self.claims.push(Claim { cluster: c, template: t, ordinal, name, pre_bound, volume });
                }
            }
        }
        let mut taken = vec![false; context.len()];
        for claim in &self.claims {
            if let Some(slot) = claim.volume.and_then(|volume| taken.get_mut(volume)) {
                *slot = true;
            }
        }
        // Unbound claims, template by template: candidates sorted by capacity once per template.
        let mut start = 0;
        while start < self.claims.len() {
            let (cluster, template) = self.claims.get(start).map(|c| (c.cluster, c.template)).unwrap_or_default();
            let end = self
                .claims
                .get(start..)
                .unwrap_or_default()
                .iter()
                .position(|c| (c.cluster, c.template) != (cluster, template))
                .map_or(self.claims.len(), |offset| start + offset);
            let Some(template) = self.clusters.get(cluster).and_then(|c| c.templates.get(template)) else {
                start = end;
                continue;
            };
            let mut candidates: Vec<(u128, EntryId)> = template
                .class
                .as_deref()
                .map(|class| context.unbound_volumes_of_class(class))
                .unwrap_or_default()
                .iter()
                .filter_map(|&id| {
                    let pv = context.entry(id)?.as_pv().filter(|pv| template.accepts(pv))?;
                    let capacity = pv.capacity_bytes();
                    template.fits_capacity(capacity).then(|| (capacity.unwrap_or_default(), id))
                })
                .collect();
            sort::sort(&mut candidates);
            let mut next = candidates.iter().map(|(_, id)| *id);
            for claim in self.claims.get_mut(start..end).into_iter().flatten() {
                if claim.volume.is_some() {
                    continue;
                }
                claim.volume = next.by_ref().find(|&id| taken.get(id).is_some_and(|taken| !taken));
                if let Some(slot) = claim.volume.and_then(|volume| taken.get_mut(volume)) {
                    *slot = true;
                }
            }
            start = end;
        }
        self.claim_of_volume = vec![NO_CLAIM; context.len()];
        for (index, claim) in self.claims.iter().enumerate() {
            if let Some(slot) = claim.volume.and_then(|volume| self.claim_of_volume.get_mut(volume)) {
                *slot = index;
            }
        }
    }

    /// The clusters of a namespace.
    pub fn clusters_in(&self, namespace: &str) -> impl Iterator<Item = (usize, &Cluster)> {
        self.clusters_by_namespace
            .get(namespace)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.clusters.get(i).map(|c| (i, c)))
    }

    /// The expected claim with this name, if any.
    #[must_use]
    pub fn claim(&self, namespace: &str, name: &str) -> Option<&Claim> {
        let key = (namespace, name);
        let holds = |i: usize| {
            self.claims.get(i).is_some_and(|claim| {
                claim.name == name && self.clusters.get(claim.cluster).is_some_and(|c| c.namespace == namespace)
            })
        };
        let is = |(ns, n): &(String, String)| (ns.as_str(), n.as_str()) == key;
        self.claims.get(self.claim_by_name.get(hash_of(key), holds, is)?)
    }

    /// The claim a PV binds, if any.
    #[must_use]
    pub fn claim_of_volume(&self, volume: EntryId) -> Option<&Claim> {
        self.claims.get(*self.claim_of_volume.get(volume)?)
    }

    /// A cluster's claims.
    #[must_use]
    pub fn claims_of(&self, cluster: usize) -> &[Claim] {
        let Some(c) = self.clusters.get(cluster) else { return &[] };
        let end = self.clusters.get(cluster + 1).map_or(self.claims.len(), |next| next.first_claim);
        self.claims.get(c.first_claim..end).unwrap_or_default()
    }

    #[must_use]
    pub fn template_of(&self, claim: &Claim) -> Option<&Template> {
        self.clusters.get(claim.cluster)?.templates.get(claim.template)
    }

    /// PVs that are meant for a cluster: pre-bound to its claims, or unbound and labelled
    /// for it (`cluster` or `app.kubernetes.io/name`), or selected by a template's selector;
    /// in order, once each.
    #[must_use]
    pub fn volumes_meant_for(&self, cluster: usize, context: &dyn Context) -> Vec<EntryId> {
        let mut volumes = Vec::new();
        let Some(c) = self.clusters.get(cluster) else { return volumes };
        for claim in self.claims_of(cluster) {
            volumes.extend(claim.pre_bound.iter().copied());
        }
        let classes = sort::sorted_set(c.templates.iter().filter_map(|t| t.class.as_deref()).collect());
        for class in classes {
            for &id in context.unbound_volumes_of_class(class) {
                let Some(pv) = context.entry(id).and_then(|e| e.as_pv()) else { continue };
                if labelled_for(pv, &c.name) || c.templates.iter().any(|t| t.selector.is_some() && t.accepts(pv)) {
                    volumes.push(id);
                }
            }
        }
        sort::sorted_set(volumes)
    }
}

fn template_of(
    name: String,
    mount_path: Option<String>,
    spec: &ClaimSpec,
    index: usize,
    context: &dyn Context,
    settings: &Settings,
) -> Template {
    let class = spec.storage_class_name.clone().or_else(|| context.default_storage_class().map(str::to_owned));
    let (request, request_text) = request_of(spec.resources.requests.get("storage"));
    let access_modes =
        if spec.access_modes.is_empty() { vec!["ReadWriteOnce".to_owned()] } else { spec.access_modes.clone() };
    Template {
        name,
        mount_path,
        static_class: is_static(class.as_deref(), context, settings),
        class,
        selector: spec.selector.clone(),
        access_modes,
        volume_mode: spec.volume_mode.clone().unwrap_or_else(|| "Filesystem".to_owned()),
        request,
        request_text,
        path: JsonPath::from_keys("spec.volumeClaimTemplates").index(index),
    }
}

/// The PV carries a `cluster` or `app.kubernetes.io/name` label naming this cluster.
#[must_use]
pub fn labelled_for(pv: &PersistentVolume, cluster: &str) -> bool {
    ["cluster", "app.kubernetes.io/name"].iter().any(|key| pv.metadata.label(key) == Some(cluster))
}

/// The Node objects that satisfy a nodeSelector.
#[must_use]
pub fn matching_nodes(context: &dyn Context, node_selector: &SmallMap) -> Vec<EntryId> {
    context
        .nodes()
        .iter()
        .copied()
        .filter(|&id| {
            matches!(context.entry(id).map(|e| &e.object), Some(Object::Node(node))
                if node.satisfies(node_selector) && node.spec.unschedulable != Some(true))
        })
        .collect()
}

/// Whether a node (by host name) can run pods with this nodeSelector: `Some(false)` when the
/// selector pins another host, or the Node object lacks a label; `None` when unknown.
#[must_use]
pub fn node_admits(context: &dyn Context, hostname: &str, node_selector: &SmallMap) -> Option<bool> {
    if let Some(pinned) = node_selector.text(HOSTNAME_LABEL)
        && pinned != hostname
    {
        return Some(false);
    }
    let node = context.node(hostname)?;
    Some(node.satisfies(node_selector))
}

/// A list of names for a message: sorted, at most `max` shown, then `+N`.
#[must_use]
pub fn name_list<I: IntoIterator<Item = String>>(items: I, max: usize) -> String {
    let items = sort::sorted_set(items.into_iter().collect());
    let shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    let mut text = shown.join(", ");
    if items.len() > max {
        let _ = write!(text, " +{}", items.len() - max);
    }
    text
}

/// Ordinals as compact ranges: `0-2, 5`.
#[must_use]
pub fn ordinal_ranges(ordinals: &[u32], max_ranges: usize) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for &o in ordinals {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == o => *end = o,
            _ => ranges.push((o, o)),
        }
    }
    let mut parts: Vec<String> =
        ranges.iter().take(max_ranges).map(|(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") }).collect();
    if ranges.len() > max_ranges {
        parts.push("…".to_owned());
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(ordinal_ranges(&[0, 1, 2, 5, 7, 8], 5), "0-2, 5, 7-8");
        assert_eq!(ordinal_ranges(&[0, 2, 4, 6], 2), "0, 2, …");
    }

    #[test]
    fn lists() {
        assert_eq!(name_list(["b".to_owned(), "a".to_owned(), "c".to_owned()], 2), "a, b +1");
    }
}
