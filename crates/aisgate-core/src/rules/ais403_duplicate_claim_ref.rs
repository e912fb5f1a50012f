use crate::bundle::{BundleCheck, BundleViolation, name_list};
use crate::declare_rule;
use crate::names::{self, ClaimName};
use crate::path::JsonPath;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags PVs pre-bound (`spec.claimRef`) to the same AIS claim: same namespace and name,
    /// where the name is a target claim (`<template>-<cluster>-target-<i>`) or one a known
    /// cluster's targets will make. Each PV of the group is reported, naming the others.
    ///
    /// ## Why is this bad?
    /// A claim binds one PV. The others stay `Available` forever, reserved for a claim that
    /// already has its volume: usually a copy-paste slip, and the disk meant for another
    /// target is missing (that target stays `Pending`, AIS401).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-sda}
    /// spec:
    ///   claimRef: {namespace: ais, name: ais-ais-sda-ais-target-0}
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node2-pv-ais-sda}
    /// spec:
    ///   claimRef: {namespace: ais, name: ais-ais-sda-ais-target-0}
    /// ```
    ///
    /// Use instead: one claim per PV.
    /// ```yaml
    ///   claimRef: {namespace: ais, name: ais-ais-sda-ais-target-1}
    /// ```
    pub struct DuplicateClaimRef {
        code: "AIS403",
        name: "duplicate-claim-ref",
        severity: Deny,
        scope: Bundle,
        summary: "Several PVs are pre-bound to the same AIS claim: all but one stay unused",
        fix: None,
    }
}

impl Rule for DuplicateClaimRef {
    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        // Groups by claim; the index answers each claim's PVs, visited once per claim.
        let mut groups: Vec<((&str, &str), &[usize])> = Vec::new();
        for &id in check.context.persistent_volumes() {
            let Some(claim_ref) = check.pv(id).and_then(|pv| pv.spec.claim_ref.as_ref()) else { continue };
            let (namespace, name) =
                (claim_ref.namespace.as_deref().unwrap_or_default(), claim_ref.name.as_deref().unwrap_or_default());
            let bound = check.context.volumes_bound_to(namespace, name);
            let is_ais = ClaimName::parse(name).is_some() || check.analysis.claim(namespace, name).is_some();
            if bound.len() > 1 && is_ais {
                groups.push(((namespace, name), bound));
            }
        }
        // By claim, once each (the PVs of one claim are one list).
        crate::sort::sort_by(&mut groups, |a, b| a.0.cmp(&b.0));
        groups.dedup_by(|a, b| a.0 == b.0);
        for ((namespace, name), volumes) in groups {
            for &id in volumes {
                let others = name_list(volumes.iter().filter(|&&v| v != id).map(|&v| check.name(v)), 3);
                let claim = names::abbreviate(&format!("{namespace}/{name}"), 50);
                let message = names::first_fitting(vec![
                    format!("{claim} is also the claimRef of {others}: a claim binds one PV, the rest stay unused"),
                    format!("claimRef also used by {others}: only one of them will bind"),
                ]);
                let related = volumes.iter().copied().filter(|&v| v != id).collect();
                out.push(BundleViolation::new(id, JsonPath::from_keys("spec.claimRef"), message, related));
            }
        }
    }
}
