use crate::bundle::{BundleCheck, BundleViolation, Template, labelled_for};
use crate::declare_rule;
use crate::model::volume::PersistentVolume;
use crate::names;
use crate::path::JsonPath;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a PV whose `capacity.storage` is below what the claim it is meant for requests
    /// (`floor` of the mount `size`, or the template's `resources.requests.storage`):
    /// - a PV pre-bound (`claimRef`) to a target claim;
    /// - an unbound PV that a cluster's template selects (its `selector` matches, or the PV
    ///   is labelled `cluster: <cluster>`) with the right class, access and volume modes,
    ///   but that is too small for every template that would take it.
    ///
    /// ## Why is this bad?
    /// The PV controller binds only volumes at least as large as the request. The PV stays
    /// `Available`, and the claim waits for a volume that never comes: the target stays
    /// `Pending`. A PV of `5T` for a mount of `5Ti` (10% larger) is the usual slip.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     size: 1
    ///     mounts: [{path: /ais/sda, size: 5Ti, storageClass: ais-local-storage}]
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-sda}
    /// spec:
    ///   capacity: {storage: 5T}
    ///   claimRef: {namespace: ais, name: ais-ais-sda-ais-target-0}
    /// ```
    ///
    /// Use instead: a capacity at least the request (or a smaller mount size).
    /// ```yaml
    ///   capacity: {storage: 5Ti}
    /// ```
    pub struct CapacityBelowRequest {
        code: "AIS407",
        name: "capacity-below-request",
        severity: Deny,
        scope: Bundle,
        summary: "The PV meant for a target claim is smaller than the claim's request: it never binds",
        fix: None,
    }
}

fn too_small(pv: &PersistentVolume, template: &Template) -> bool {
    matches!((template.request, pv.capacity_bytes()), (Some(request), Some(capacity)) if capacity < request)
}

fn message(pv: &PersistentVolume, template: &Template, claim: &str) -> String {
    let capacity = names::abbreviate(pv.capacity_text().unwrap_or_default(), 20);
    let request = names::abbreviate(template.request_text.as_deref().unwrap_or_default(), 20);
    names::first_fitting(vec![
        format!("capacity {capacity} is below the {request} request of {claim}: it never binds; raise capacity"),
        format!("capacity {capacity} is below the {request} request of its claim: it never binds"),
    ])
}

impl Rule for CapacityBelowRequest {
    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        let at = JsonPath::from_keys("spec.capacity.storage");
        let analysis = check.analysis;
        for claim in &analysis.claims {
            let Some(template) = analysis.template_of(claim) else { continue };
            let source = analysis.clusters.get(claim.cluster).map(|c| c.source);
            for &id in &claim.pre_bound {
                let Some(pv) = check.pv(id) else { continue };
                if too_small(pv, template) {
                    let shown = names::abbreviate(&claim.name, 50);
                    out.push(BundleViolation::new(
                        id,
                        at.clone(),
                        message(pv, template, &shown),
                        source.into_iter().collect(),
                    ));
                }
            }
        }
        for cluster in &analysis.clusters {
            let classes =
                crate::sort::sorted_set(cluster.templates.iter().filter_map(|t| t.class.as_deref()).collect());
            for class in classes {
                for &id in check.context.unbound_volumes_of_class(class) {
                    let Some(pv) = check.pv(id) else { continue };
                    let takers: Vec<&Template> = cluster
                        .templates
                        .iter()
                        .filter(|t| t.accepts(pv) && (t.selector.is_some() || labelled_for(pv, &cluster.name)))
                        .collect();
                    let Some(first) = takers.first() else { continue };
                    if takers.iter().all(|t| too_small(pv, t)) {
                        let claims =
                            names::abbreviate(&format!("{} claims of {}", first.name, cluster.statefulset), 60);
                        out.push(BundleViolation::new(
                            id,
                            at.clone(),
                            message(pv, first, &claims),
                            vec![cluster.source],
                        ));
                    }
                }
            }
        }
    }
}
