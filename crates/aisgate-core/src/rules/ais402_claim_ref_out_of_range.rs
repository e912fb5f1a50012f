use crate::bundle::{Analysis, BundleCheck, BundleViolation, Cluster};
use crate::declare_rule;
use crate::names;
use crate::path::JsonPath;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a PV pre-bound (`spec.claimRef`) to a claim of a known target `StatefulSet`
    /// (`<template>-<statefulset>-<ordinal>`) that no target will ever make: the ordinal is
    /// at or above the target replica count, or the template is not one of the cluster's
    /// data claim templates (mounts of the `AIStore`, `volumeClaimTemplates` of the
    /// `StatefulSet`). A name in the documentation's `<namespace>-…` form is AIS105's.
    ///
    /// ## Why is this bad?
    /// The PV stays `Available`, reserved for a claim that never comes: its disk is unused
    /// while the capacity plan counts it. After a scale-down it is the disk of a removed
    /// target, whose data the next scale-up expects to find (or a leftover to clean up).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     size: 2
    ///     mounts: [{path: /ais/sda, size: 5T, storageClass: ais-local-storage}]
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node3-pv-ais-sda}
    /// spec:
    ///   claimRef: {namespace: ais, name: ais-ais-sda-ais-target-2}
    /// ```
    ///
    /// Use instead: pre-bind PVs to ordinals below the replica count (`ais-target-0`,
    /// `ais-target-1`), or raise `size` to use the disk.
    /// ```yaml
    ///   claimRef: {namespace: ais, name: ais-ais-sda-ais-target-1}
    /// ```
    pub struct ClaimRefOutOfRange {
        code: "AIS402",
        name: "claim-ref-out-of-range",
        severity: Warn,
        scope: Bundle,
        summary: "A PV is pre-bound to a target claim no target will make (ordinal beyond the replicas, or unknown template)",
        fix: None,
    }
}

/// A claim name split against a cluster's StatefulSet: `(template, ordinal)`.
#[must_use]
pub fn split_claim<'n>(name: &'n str, cluster: &Cluster) -> Option<(&'n str, u32)> {
    let (rest, ordinal) = name.rsplit_once('-')?;
    if ordinal.is_empty()
        || !ordinal.bytes().all(|b| b.is_ascii_digit())
        || (ordinal.len() > 1 && ordinal.starts_with('0'))
    {
        return None;
    }
    let template = rest.strip_suffix(cluster.statefulset.as_str())?.strip_suffix('-')?;
    (!template.is_empty()).then_some((template, ordinal.parse().ok()?))
}

/// Whether `template` is the documentation's `<namespace>-<path>` form of one of the cluster's templates.
#[must_use]
pub fn docs_form_of_known_template(template: &str, cluster: &Cluster) -> bool {
    let Some(rest) = template.strip_prefix(cluster.namespace.as_str()) else { return false };
    cluster.namespace != cluster.name
        && rest.starts_with('-')
        && cluster.templates.iter().any(|t| t.name == format!("{}{rest}", cluster.name))
}

fn check_volume(analysis: &Analysis, namespace: &str, name: &str) -> Option<(usize, String)> {
    for (c, cluster) in analysis.clusters_in(namespace) {
        let Some((template, ordinal)) = split_claim(name, cluster) else { continue };
        let shown_claim = names::abbreviate(name, 50);
        let sts = cluster.display();
        if cluster.templates.iter().any(|t| t.name == template) {
            let replicas = cluster.replicas?;
            if ordinal < replicas {
                return None;
            }
            return Some((
                c,
                names::first_fitting(vec![
                    format!(
                        "pre-bound to {shown_claim}, but {sts} has {replicas} replicas (0-{}): PV stays unused; check size",
                        replicas.saturating_sub(1)
                    ),
                    format!("pre-bound to ordinal {ordinal}, but {sts} has {replicas} replicas: the PV stays unused"),
                ]),
            ));
        }
        if docs_form_of_known_template(template, cluster) {
            return None;
        }
        let known = crate::bundle::name_list(cluster.templates.iter().map(|t| names::abbreviate(&t.name, 30)), 3);
        let template = names::abbreviate(template, 40);
        return Some((
            c,
            names::first_fitting(vec![
                format!(
                    "pre-bound to template {template}, which {sts} does not have (templates: {known}): PV stays unused"
                ),
                format!("pre-bound to template {template}, which {sts} does not have: the PV stays unused"),
            ]),
        ));
    }
    None
}

impl Rule for ClaimRefOutOfRange {
    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        for &id in check.context.persistent_volumes() {
            let Some(claim_ref) = check.pv(id).and_then(|pv| pv.spec.claim_ref.as_ref()) else { continue };
            let (Some(namespace), Some(name)) = (claim_ref.namespace.as_deref(), claim_ref.name.as_deref()) else {
                continue;
            };
            if check.analysis.claim(namespace, name).is_some() {
                continue;
            }
            if let Some((cluster, message)) = check_volume(check.analysis, namespace, name) {
                let source = check.analysis.clusters.get(cluster).map(|c| c.source);
                out.push(
                    BundleViolation::new(
                        id,
                        JsonPath::from_keys("spec.claimRef.name"),
                        message,
                        source.into_iter().collect(),
                    )
                    .warning(),
                );
            }
        }
    }
}
