use crate::bundle::{BundleCheck, BundleViolation, Cluster, labelled_for};
use crate::context::{EntryId, HashMap};
use crate::declare_rule;
use crate::model::volume::PersistentVolume;
use crate::names;
use crate::path::JsonPath;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Compares a PV's `storageClassName` with the class of the claim it is meant for (the
    /// mount's `storageClass`, the template's `storageClassName`, or the default class when
    /// the input has a default StorageClass):
    /// - an unbound PV that a cluster's template selects (its `selector` matches, or the PV
    ///   is labelled `cluster: <cluster>`) but whose class differs: it never binds (deny);
    /// - a PV pre-bound (`claimRef`) to a target claim of another class: it binds anyway,
    ///   since pre-binding skips the class check, but the class misleads (warn). A PV without
    ///   a class counts as class `""`.
    ///
    /// ## Why is this bad?
    /// The PV controller binds an unbound PV only to claims of its exact class: the claim
    /// waits and the target stays `Pending` while the PV sits `Available`. A pre-bound PV
    /// of another class works until someone re-creates it without the `claimRef`, or until
    /// tooling that counts a class's volumes gets the capacity plan wrong.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     size: 1
    ///     mounts: [{path: /ais/sda, size: 5T, storageClass: ais-local-storage,
    ///               selector: {matchLabels: {mpath: pv-ais-sda}}}]
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-sda, labels: {mpath: pv-ais-sda}}
    /// spec:
    ///   storageClassName: local-storage
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   storageClassName: ais-local-storage
    /// ```
    pub struct StorageClassMismatch {
        code: "AIS408",
        name: "storage-class-mismatch",
        severity: Deny,
        scope: Bundle,
        summary: "A PV meant for a target claim has another storage class: never binds (unbound) or misleads (pre-bound)",
        fix: None,
    }
}

fn class_path(check: &BundleCheck<'_>, id: EntryId) -> JsonPath {
    let at = JsonPath::from_keys("spec.storageClassName");
    check.context.entry(id).map_or_else(|| at.clone(), |e| at.nearest_existing(e.raw()))
}

fn shown_class(class: &str) -> String {
    if class.is_empty() { "none".to_owned() } else { names::abbreviate(class, 30) }
}

/// The class a cluster's templates would want this unbound PV to have, if one selects it.
fn wanted_class<'c>(cluster: &'c Cluster, pv: &PersistentVolume) -> Option<&'c str> {
    let labelled = labelled_for(pv, &cluster.name);
    if cluster.templates.iter().any(|t| t.accepts(pv)) {
        return None;
    }
    cluster
        .templates
        .iter()
        .filter(|t| t.selector.as_ref().map_or(labelled, |_| t.selects(pv)))
        .find_map(|t| t.class.as_deref())
}

impl Rule for StorageClassMismatch {
    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        let analysis = check.analysis;
        for claim in &analysis.claims {
            let Some(class) = analysis.template_of(claim).and_then(|t| t.class.as_deref()) else { continue };
            let source = analysis.clusters.get(claim.cluster).map(|c| c.source);
            for &id in &claim.pre_bound {
                let Some(pv) = check.pv(id) else { continue };
                if pv.class() == class {
                    continue;
                }
                let (has, wants) = (shown_class(pv.class()), shown_class(class));
                let message = names::first_fitting(vec![
                    format!(
                        "class {has}, but its claim {} asks {wants}: binds only as pre-bound; set {wants}",
                        names::abbreviate(&claim.name, 40)
                    ),
                    format!("class {has}, but its claim asks {wants}: binds only because pre-bound; set {wants}"),
                ]);
                out.push(
                    BundleViolation::new(id, class_path(check, id), message, source.into_iter().collect()).warning(),
                );
            }
        }
        // Unbound PVs: the clusters that label or select them.
        // Owned keys: the map type the context's indexes already use (one instance fewer).
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::default();
        let mut selecting = Vec::new();
        for (c, cluster) in analysis.clusters.iter().enumerate() {
            by_name.entry(cluster.name.clone()).or_default().push(c);
            if cluster.templates.iter().any(|t| t.selector.is_some()) {
                selecting.push(c);
            }
        }
        for &id in check.context.persistent_volumes() {
            let Some(pv) = check.pv(id).filter(|pv| pv.spec.claim_ref.is_none()) else { continue };
            let mut clusters: Vec<usize> = ["cluster", "app.kubernetes.io/name"]
                .iter()
                .filter_map(|key| pv.metadata.label(key))
                .flat_map(|name| by_name.get(name).into_iter().flatten().copied())
                .chain(selecting.iter().copied())
                .collect();
            crate::sort::sort(&mut clusters);
            clusters.dedup();
            for c in clusters {
                let Some(cluster) = analysis.clusters.get(c) else { continue };
                let Some(class) = wanted_class(cluster, pv) else { continue };
                if class == pv.class() {
                    continue; // Another field keeps it out (AIS409, access or volume mode).
                }
                let (has, wants) = (shown_class(pv.class()), shown_class(class));
                let message = names::first_fitting(vec![
                    format!(
                        "class {has}, but the {} claims it is meant for ask {wants}: it never binds; set {wants}",
                        cluster.display()
                    ),
                    format!("class {has}, but its claims ask {wants}: it never binds; set {wants}"),
                ]);
                out.push(BundleViolation::new(id, class_path(check, id), message, vec![cluster.source]));
            }
        }
    }
}
