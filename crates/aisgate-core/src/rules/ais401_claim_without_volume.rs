use crate::bundle::{BundleCheck, BundleViolation, ordinal_ranges};
use crate::declare_rule;
use crate::names;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// For every target data claim whose storage class is provisioned by hand (a
    /// `kubernetes.io/no-provisioner` StorageClass, a class PVs are given for, or one listed
    /// in the `staticStorageClasses` setting), looks for the PV that will bind it: one
    /// pre-bound to the claim by `claimRef` with enough capacity and the same volume mode, or
    /// else an unbound PV of the claim's class whose labels satisfy the template `selector`
    /// and whose access modes, volume mode and capacity fit. Each PV serves one claim.
    /// Claims are `<template>-<statefulset>-<ordinal>` for every ordinal below the target
    /// replica count and every data mount (or `volumeClaimTemplates` entry).
    ///
    /// ## Why is this bad?
    /// Nothing creates volumes of such a class: a claim without a PV stays `Pending`, and so
    /// does the target pod that needs it. With `podManagementPolicy: Parallel` the other
    /// targets start, so the cluster comes up a target short and looks healthy.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     size: 2
    ///     mounts:
    ///       - {path: /ais/sda, size: 5T, storageClass: ais-local-storage}
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-sda}
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   capacity: {storage: 5T}
    ///   accessModes: [ReadWriteOnce]
    ///   hostPath: {path: /ais/sda}
    ///   claimRef: {namespace: ais, name: ais-ais-sda-ais-target-0}
    /// ```
    ///
    /// Use instead: one PV per target and mount.
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node2-pv-ais-sda}
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   capacity: {storage: 5T}
    ///   accessModes: [ReadWriteOnce]
    ///   hostPath: {path: /ais/sda}
    ///   claimRef: {namespace: ais, name: ais-ais-sda-ais-target-1}
    /// ```
    pub struct ClaimWithoutVolume {
        code: "AIS401",
        name: "claim-without-volume",
        severity: Deny,
        scope: Bundle,
        summary: "A target claim of a hand-provisioned class has no PV that can bind: that target stays Pending",
        fix: None,
    }
}

impl Rule for ClaimWithoutVolume {
    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        let analysis = check.analysis;
        for (c, cluster) in analysis.clusters.iter().enumerate() {
            // Ordinals without a volume, as (template, ordinal), grouped by template.
            let mut missing: Vec<(usize, u32)> = Vec::new();
            for claim in analysis.claims_of(c) {
                let static_class = cluster.templates.get(claim.template).is_some_and(|t| t.static_class);
                if static_class && claim.volume.is_none() {
                    missing.push((claim.template, claim.ordinal));
                }
            }
            crate::sort::sort_by(&mut missing, |a, b| a.0.cmp(&b.0));
            for group in missing.chunk_by(|a, b| a.0 == b.0) {
                let Some(&(t, _)) = group.first() else { continue };
                let ordinals: Vec<u32> = group.iter().map(|&(_, ordinal)| ordinal).collect();
                let Some(template) = cluster.templates.get(t) else { continue };
                let related: Vec<_> = analysis
                    .claims_of(c)
                    .iter()
                    .filter(|claim| claim.template == t)
                    .flat_map(|claim| claim.pre_bound.iter().copied())
                    .collect();
                let mount = names::abbreviate(template.mount_path.as_deref().unwrap_or(&template.name), 30);
                let class = names::abbreviate(template.class.as_deref().unwrap_or_default(), 30);
                let size = template.request_text.as_deref().unwrap_or("any size");
                let (which, stay) = if ordinals.len() == 1 { ("target", "it stays") } else { ("targets", "they stay") };
                let list = ordinal_ranges(&ordinals, 4);
                let count = ordinals.len();
                let message = names::first_fitting(vec![
                    format!(
                        "{mount}: no PV can bind the claim of {which} {list} (class {class}, {size}): {stay} Pending; add PVs"
                    ),
                    format!("{mount}: {count} {which} ({list}) have no PV that can bind; add {class} PVs"),
                    format!("{count} {which} have no PV that can bind; add PVs"),
                ]);
                out.push(BundleViolation::new(cluster.source, template.path.clone(), message, related));
            }
        }
    }
}
