use crate::bundle::{BundleCheck, BundleViolation};
use crate::context::{EntryId, Object};
use crate::declare_rule;
use crate::model::AisObject;
use crate::model::aistore::Role;
use crate::model::map::SmallMap;
use crate::model::statefulset::{self, StatefulSet};
use crate::model::volume::{PersistentVolume, PersistentVolumeClaim};
use crate::names::{self, ClaimName};
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Checks the names AIS data claims go by:
    /// - a target `StatefulSet`'s data `volumeClaimTemplates` must be named `<cluster>` followed
    ///   by the template's `mountPath` with every `/` replaced by `-` (cluster `ais`, mount
    ///   `/ais/nvme0n1`: `ais-ais-nvme0n1`). The cluster is the `app.kubernetes.io/name`
    ///   label, else the `StatefulSet` name without `-target`; the mountPath is where a
    ///   container mounts the template. Templates whose name ends in `-state` (the operator's
    ///   state claim) and templates no container mounts are left alone;
    /// - an AIS PVC must be named `<template>-<cluster>-<role>-<ordinal>`, as the `StatefulSet`
    ///   controller names claims (`ais-ais-nvme0n1-ais-target-0`), with the cluster of its
    ///   `app.kubernetes.io/name` label when it has one;
    /// - an AIS PV's `claimRef.name` must be such a name, for the cluster of its `cluster` or
    ///   `app.kubernetes.io/name` label when it has one.
    ///
    /// Across objects, the cluster comes from the `AIStore` or target `StatefulSet` of the
    /// claim's namespace when the PV or PVC has no cluster label: a `claimRef.name` or PVC
    /// name in the documentation's `<namespace>-…` form for one of that cluster's templates
    /// is flagged, and so is a name that is not a claim of the namespace's only cluster.
    ///
    /// The seed documentation states the convention as `<namespace>-<path>-<pod>`; the operator
    /// uses the cluster name. Both agree when the cluster is named like its namespace. Where
    /// they differ, the message says which name each form gives, and a name that follows the
    /// documentation's form instead of the operator's is flagged.
    ///
    /// ## Why is this bad?
    /// Pre-bound PVs (`claimRef`), the PV charts and playbooks, and cleanup automation all
    /// compute claim names from this convention. A PV pre-bound to a name no claim will ever
    /// have stays `Available` while the target's real claim finds no volume and the target
    /// stays `Pending`; a template named differently produces claims that no prepared PV is
    /// bound to.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: ais-target
    ///   labels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: target,
    ///            app.kubernetes.io/managed-by: ais-operator}
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: ais-node
    ///           volumeMounts: [{name: data0, mountPath: /ais/nvme0n1}]
    ///   volumeClaimTemplates:
    ///     - metadata: {name: data0}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///           volumeMounts: [{name: ais-ais-nvme0n1, mountPath: /ais/nvme0n1}]
    ///   volumeClaimTemplates:
    ///     - metadata: {name: ais-ais-nvme0n1}
    /// ```
    pub struct ClaimNameConvention {
        code: "AIS105",
        name: "claim-name-convention",
        severity: Warn,
        scope: ObjectAndBundle,
        kinds: [StatefulSet, PersistentVolume, PersistentVolumeClaim],
        summary: "An AIS claim template, PVC or PV claimRef name does not follow <cluster><mount-path>-<cluster>-target-<i>",
        fix: None,
    }
}

fn short(text: &str) -> String {
    names::abbreviate(text, 40)
}

/// If `template` follows the documentation's `<namespace>-…` form where the operator would use
/// `<cluster>-…`, the operator's template name.
fn operator_form_of_docs_form(template: &str, namespace: Option<&str>, cluster: &str) -> Option<String> {
    let namespace = namespace.filter(|ns| !ns.is_empty() && *ns != cluster)?;
    if template.starts_with(&format!("{cluster}-")) {
        return None;
    }
    let rest = template.strip_prefix(namespace).filter(|rest| rest.starts_with('-'))?;
    Some(format!("{cluster}{rest}"))
}

fn check_templates(sts: &StatefulSet, out: &mut Vec<Violation>) {
    let cluster = sts.cluster(Role::Target);
    let namespace = sts.metadata.namespace.as_deref().filter(|ns| !ns.is_empty());
    for (t, template) in sts.spec.volume_claim_templates.iter().enumerate() {
        let Some(name) = template.metadata.name.as_deref() else { continue };
        if name.ends_with("-state") {
            continue;
        }
        let mut paths: Vec<&str> = Vec::new();
        for (_, _, container) in sts.containers() {
            for mount in container.volume_mounts.iter().filter(|m| m.name == name) {
                if !paths.contains(&mount.mount_path.as_str()) {
                    paths.push(mount.mount_path.as_str());
                }
            }
        }
        let Some(path) = paths.first().copied() else { continue };
        if paths.iter().any(|p| names::claim_template_name(&cluster, p) == name) {
            continue;
        }
        let expected = short(&names::claim_template_name(&cluster, path));
        let at = JsonPath::from_keys("spec.volumeClaimTemplates").index(t).keys("metadata.name");
        let docs = namespace.filter(|ns| *ns != cluster).map(|ns| names::claim_template_name(ns, path));
        let follows_docs = docs.as_deref() == Some(name);
        let (name, path, cluster) = (short(name), short(path), short(&cluster));
        let message = match docs {
            Some(_) if follows_docs => names::first_fitting(vec![
                format!(
                    "template {name} follows the docs' <namespace> form; the operator names it {expected} (cluster {cluster})"
                ),
                format!("template {name} uses the namespace, not cluster {cluster}: the operator names it {expected}"),
                format!("rename template to {expected} (<cluster><mountPath>)"),
            ]),
            Some(docs) => {
                let docs = short(&docs);
                names::first_fitting(vec![
                    format!(
                        "template {name} for {path} should be {expected} (<cluster><mountPath>; docs' <namespace> form: {docs})"
                    ),
                    format!(
                        "template {name} should be {expected} (<cluster><mountPath>; docs' <namespace> form: {docs})"
                    ),
                    format!("rename template to {expected} (<cluster><mountPath>)"),
                ])
            }
            None => names::first_fitting(vec![
                format!(
                    "template {name} for {path} should be {expected} (<cluster><mountPath>): PVs keyed on that name won't bind"
                ),
                format!("template {name} should be {expected} (<cluster><mountPath>): PVs keyed on it won't bind"),
                format!("rename template to {expected} (<cluster><mountPath>)"),
            ]),
        };
        out.push(Violation::new(at, message));
    }
}

/// Checks a claim name against `<template>-<cluster>-<role>-<ordinal>`; `what` names the field.
fn claim_name_problem(
    name: &str,
    what: &str,
    cluster: Option<&str>,
    role: Option<Role>,
    namespace: Option<&str>,
) -> Option<String> {
    // Shown only in a finding: built then.
    let shown = || short(name);
    let Some(claim) = ClaimName::parse(name) else {
        let role = role.map_or("target", Role::as_str);
        let form = match cluster {
            Some(c) => format!("<template>-{}-{role}-<i>", short(c)),
            None => format!("<template>-<cluster>-{role}-<i>"),
        };
        let consequence =
            if what == "PVC" { "no StatefulSet pod will use it" } else { "no target's claim will bind this PV" };
        let shown = shown();
        return Some(names::first_fitting(vec![
            format!("{what} {shown} is not {form}: {consequence}; use that form"),
            format!("{what} {shown} is not {form}; use that form"),
        ]));
    };
    if let Some(role) = role
        && role.as_str() != claim.role
    {
        let shown = shown();
        return Some(names::first_fitting(vec![
            format!(
                "{what} {shown} names a {} claim but the object is labelled {}; use -{}-<i>",
                claim.role,
                role.as_str(),
                role.as_str()
            ),
            format!("{what} {shown} names a {} claim, labelled {}", claim.role, role.as_str()),
        ]));
    }
    let cluster = cluster?;
    let ordinal = claim.ordinal;
    let role = claim.role;
    let Some(template) = claim.prefix.strip_suffix(cluster).and_then(|t| t.strip_suffix('-')).filter(|t| !t.is_empty())
    else {
        let c = short(cluster);
        let shown = shown();
        return Some(names::first_fitting(vec![
            format!(
                "{what} {shown} is not a claim of StatefulSet {c}-{role}: expected <template>-{c}-{role}-{ordinal}"
            ),
            format!("{what} {shown} is not <template>-{c}-{role}-{ordinal}"),
        ]));
    };
    if template.ends_with("-state") {
        return None; // The operator's state template is `<namespace>-<cluster>-state` by design.
    }
    let operator = operator_form_of_docs_form(template, namespace, cluster)?;
    let operator = short(&format!("{operator}-{cluster}-{role}-{ordinal}"));
    let shown = shown();
    Some(names::first_fitting(vec![
        format!("{what} {shown} follows the docs' <namespace> form; the operator's claim is {operator}"),
        format!("{what} {shown} uses the namespace; the operator's claim is {operator}"),
        format!("use the operator's claim name {operator}"),
    ]))
}

fn check_pvc(pvc: &PersistentVolumeClaim, out: &mut Vec<Violation>) {
    let Some(name) = pvc.metadata.name.as_deref() else { return };
    let cluster = pvc.metadata.label("app.kubernetes.io/name");
    let role = statefulset::classify_labels(&pvc.metadata.labels, false).map(|w| w.role);
    let namespace = pvc.metadata.namespace.as_deref();
    if let Some(message) = claim_name_problem(name, "PVC", cluster, role, namespace) {
        out.push(Violation::new(JsonPath::from_keys("metadata.name"), message));
    }
}

fn check_pv(pv: &PersistentVolume, out: &mut Vec<Violation>) {
    let Some(claim_ref) = &pv.spec.claim_ref else { return };
    let Some(name) = claim_ref.name.as_deref() else { return };
    let cluster = pv.metadata.label("cluster").or_else(|| pv.metadata.label("app.kubernetes.io/name"));
    let namespace = claim_ref.namespace.as_deref();
    if let Some(message) = claim_name_problem(name, "claimRef.name", cluster, None, namespace) {
        out.push(Violation::new(JsonPath::from_keys("spec.claimRef.name"), message));
    }
}

impl Rule for ClaimNameConvention {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        match check.object() {
            AisObject::StatefulSet(sts, workload) if workload.role == Role::Target => check_templates(sts, out),
            AisObject::PersistentVolumeClaim(pvc) => check_pvc(pvc, out),
            AisObject::PersistentVolume(pv) => check_pv(pv, out),
            _ => {}
        }
    }

    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        Self::bundle(check, out);
    }
}

/// The bundle half: a claim name judged against the clusters of its namespace.
fn bundle_problem(check: &BundleCheck<'_>, name: &str, what: &str, namespace: &str) -> Option<(String, EntryId)> {
    if check.analysis.claim(namespace, name).is_some() {
        return None;
    }
    let clusters: Vec<_> = check.analysis.clusters_in(namespace).map(|(_, c)| c).collect();
    for cluster in &clusters {
        let Some((template, _)) = super::ais402_claim_ref_out_of_range::split_claim(name, cluster) else { continue };
        if super::ais402_claim_ref_out_of_range::docs_form_of_known_template(template, cluster) {
            let message = claim_name_problem(name, what, Some(&cluster.name), None, Some(namespace))?;
            return Some((message, cluster.source));
        }
        return None;
    }
    match clusters.as_slice() {
        [only] if ClaimName::parse(name).is_some_and(|c| c.role == "target") => {
            let message = claim_name_problem(name, what, Some(&only.name), None, Some(namespace))?;
            Some((message, only.source))
        }
        _ => None,
    }
}

impl ClaimNameConvention {
    fn bundle(check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        let has_cluster_label = |labels: &SmallMap| labels.contains_key("app.kubernetes.io/name");
        for &id in check.context.persistent_volumes() {
            let Some(pv) = check.pv(id) else { continue };
            if pv.metadata.labels.contains_key("cluster") || has_cluster_label(&pv.metadata.labels) {
                continue; // The single-object half knows the cluster.
            }
            let Some(claim_ref) = &pv.spec.claim_ref else { continue };
            let (Some(namespace), Some(name)) = (claim_ref.namespace.as_deref(), claim_ref.name.as_deref()) else {
                continue;
            };
            if let Some((message, source)) = bundle_problem(check, name, "claimRef.name", namespace) {
                out.push(BundleViolation::new(id, JsonPath::from_keys("spec.claimRef.name"), message, vec![source]));
            }
        }
        for &id in check.context.claims() {
            let Some(entry) = check.context.entry(id) else { continue };
            let Object::PersistentVolumeClaim(pvc) = &entry.object else { continue };
            if has_cluster_label(&pvc.metadata.labels) {
                continue;
            }
            let Some(name) = pvc.metadata.name.as_deref() else { continue };
            if let Some((message, source)) = bundle_problem(check, name, "PVC", entry.namespace()) {
                out.push(BundleViolation::new(id, JsonPath::from_keys("metadata.name"), message, vec![source]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_form() {
        assert_eq!(operator_form_of_docs_form("store-ais-sdc", Some("store"), "ais"), Some("ais-ais-sdc".to_owned()));
        assert_eq!(operator_form_of_docs_form("ais-ais-sdc", Some("ais"), "ais"), None);
        assert_eq!(operator_form_of_docs_form("ais-prod-sdc", Some("ais"), "ais-prod"), None);
        assert_eq!(operator_form_of_docs_form("storex-sdc", Some("store"), "ais"), None);
    }

    #[test]
    fn claim_names() {
        assert_eq!(
            claim_name_problem("ais-ais-sdc-ais-target-3", "PVC", Some("ais"), Some(Role::Target), Some("ais")),
            None
        );
        assert!(claim_name_problem("ais-sdc", "PVC", None, None, None).is_some());
        assert!(claim_name_problem("ais-ais-sdc-other-target-0", "PVC", Some("ais"), None, None).is_some());
        assert!(claim_name_problem("ais-ais-sdc-ais-proxy-0", "PVC", Some("ais"), Some(Role::Target), None).is_some());
        let docs = claim_name_problem("store-ais-sdc-ais-target-3", "claimRef.name", Some("ais"), None, Some("store"));
        assert!(docs.is_some_and(|m| m.contains("ais-ais-sdc-ais-target-3")));
    }
}
