use crate::bundle::{BundleCheck, BundleViolation, Cluster, labelled_for};
use crate::declare_rule;
use crate::model::map::SmallMap;
use crate::model::volume::PersistentVolume;
use crate::names;
use crate::path::JsonPath;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an unbound PV of the class a cluster's claim templates ask for, meant for that
    /// cluster (labelled `cluster: <cluster>` or `app.kubernetes.io/name: <cluster>`, or
    /// carrying a label key the templates select on and no cluster label), whose labels
    /// satisfy the `selector` of none of the cluster's templates of that class.
    ///
    /// ## Why is this bad?
    /// A claim with a `selector` binds only PVs whose labels satisfy it. A PV labelled
    /// `mpath: pv-sda` for a selector on `mpath: pv-ais-sda` stays `Available` while the
    /// claim waits and the target stays `Pending`. The create-target-pv chart and the
    /// cluster chart derive these labels from the mount path: edited by hand, they drift.
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
    ///               selector: {matchLabels: {cluster: ais, mpath: pv-ais-sda}}}]
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-sda, labels: {cluster: ais, mpath: pv-sda}}
    /// spec:
    ///   storageClassName: ais-local-storage
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata: {name: node1-pv-ais-sda, labels: {cluster: ais, mpath: pv-ais-sda}}
    /// ```
    pub struct SelectorMismatch {
        code: "AIS409",
        name: "selector-mismatch",
        severity: Deny,
        scope: Bundle,
        summary: "A PV of the right class meant for a cluster satisfies none of its claim selectors: it never binds",
        fix: None,
    }
}

/// Whether the PV looks meant for the cluster: labelled for it, or carrying a key its
/// selectors use and no cluster label of its own.
fn meant_for(pv: &PersistentVolume, cluster: &Cluster, class: &str) -> bool {
    if labelled_for(pv, &cluster.name) {
        return true;
    }
    let own_cluster = ["cluster", "app.kubernetes.io/name"].iter().any(|k| pv.metadata.labels.contains_key(k));
    !own_cluster
        && cluster
            .templates
            .iter()
            .filter(|t| t.class.as_deref() == Some(class))
            .filter_map(|t| t.selector.as_ref()?.match_labels.as_ref())
            .flat_map(SmallMap::keys)
            .any(|key| pv.metadata.labels.contains_key(key))
}

impl Rule for SelectorMismatch {
    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        for cluster in &check.analysis.clusters {
            let classes = crate::sort::sorted_set(
                cluster.templates.iter().filter(|t| t.selector.is_some()).filter_map(|t| t.class.as_deref()).collect(),
            );
            for class in classes {
                for &id in check.context.unbound_volumes_of_class(class) {
                    let Some(pv) = check.pv(id) else { continue };
                    let of_class: Vec<_> =
                        cluster.templates.iter().filter(|t| t.class.as_deref() == Some(class)).collect();
                    if of_class.iter().any(|t| t.selects(pv)) || !meant_for(pv, cluster, class) {
                        continue;
                    }
                    let wanted: Vec<String> = of_class
                        .iter()
                        .filter_map(|t| t.selector.as_ref()?.match_labels.as_ref())
                        .flat_map(|labels| labels.iter().map(|(k, v)| format!("{k}={v}")))
                        .filter(|pair| {
                            let (k, v) = pair.split_once('=').unwrap_or_default();
                            pv.metadata.label(k) != Some(v)
                        })
                        .collect();
                    let wanted = names::abbreviate(&crate::sort::sorted_set(wanted).join(", "), 50);
                    let sts = cluster.display();
                    let short = format!("labels match no claim selector of {sts}: it never binds; fix the labels");
                    let message = if wanted.is_empty() {
                        short
                    } else {
                        names::first_fitting(vec![
                            format!(
                                "labels match no claim selector of {sts} (missing {wanted}): it never binds; fix the labels"
                            ),
                            short,
                        ])
                    };
                    let at = check.context.entry(id).map_or_else(JsonPath::root, |e| {
                        JsonPath::from_keys("metadata.labels").nearest_existing(e.raw())
                    });
                    out.push(BundleViolation::new(id, at, message, vec![cluster.source]));
                }
            }
        }
    }
}
