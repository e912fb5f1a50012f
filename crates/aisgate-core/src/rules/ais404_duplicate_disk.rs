use crate::bundle::{BundleCheck, BundleViolation};
use crate::context::{EntryId, Object};
use crate::declare_rule;
use crate::names;
use crate::path::JsonPath;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags PVs pinned (by required node affinity on `kubernetes.io/hostname`) to the same
    /// node whose `hostPath` or `local` paths are equal or nested (`/ais/sda` and
    /// `/ais/sda/data`), where at least one of them is an AIS PV. Paths are compared by
    /// component, so `/ais/sda` and `/ais/sda-x` are different disks and a trailing `/`
    /// changes nothing.
    ///
    /// ## Why is this bad?
    /// Both PVs are one filesystem. Two targets (or two mountpaths of one target) then
    /// write the same disk: AIS sees one fsid twice and refuses the second mountpath, or
    /// two targets overwrite each other's objects and capacity is counted twice.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-sda}
    /// spec:
    ///   hostPath: {path: /ais/sda}
    ///   nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions:
    ///     [{key: kubernetes.io/hostname, operator: In, values: [node1]}]}]}}
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-sda-2}
    /// spec:
    ///   hostPath: {path: /ais/sda/2}
    ///   nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions:
    ///     [{key: kubernetes.io/hostname, operator: In, values: [node1]}]}]}}
    /// ```
    ///
    /// Use instead: one PV per disk, each on its own mounted filesystem.
    /// ```yaml
    ///   hostPath: {path: /ais/sdb}
    /// ```
    pub struct DuplicateDisk {
        code: "AIS404",
        name: "duplicate-disk",
        severity: Deny,
        scope: Bundle,
        summary: "Two PVs on one node point at the same or nested paths: two mountpaths share one disk",
        fix: None,
    }
}

fn components(path: &str) -> Vec<&str> {
    path.split('/').filter(|c| !c.is_empty() && *c != ".").collect()
}

impl Rule for DuplicateDisk {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        let context = check.context;
        let nodes = crate::sort::sorted_set(
            context.persistent_volumes().iter().filter_map(|&id| check.pv(id)?.pinned_node()).collect(),
        );
        for node in nodes {
            // Sorted by path component, a nested path directly follows its ancestors.
            let mut disks: Vec<(Vec<&str>, &str, EntryId, bool)> = context
                .volumes_on_node(node)
                .iter()
                .filter_map(|&id| {
                    let entry = context.entry(id)?;
                    let Object::PersistentVolume(pv, ais) = &entry.object else { return None };
                    let (key, path) = pv.disk_path()?;
                    let relevant = *ais || check.analysis.claim_of_volume(id).is_some();
                    Some((components(path), key, id, relevant))
                })
                .collect();
            crate::sort::sort_by(&mut disks, |a, b| (&a.0, a.2).cmp(&(&b.0, b.2)));
            let mut ancestors: Vec<(Vec<&str>, EntryId, bool)> = Vec::new();
            for (path, key, id, relevant) in disks {
                while ancestors.last().is_some_and(|(a, _, _)| !path.starts_with(a)) {
                    ancestors.pop();
                }
                for (ancestor, other, other_relevant) in &ancestors {
                    if !(relevant || *other_relevant) {
                        continue;
                    }
                    let shown_node = names::abbreviate(node, 40);
                    let shown_path = format!("/{}", path.join("/"));
                    let (this, that) = (check.name(id), check.name(*other));
                    // Worded from each side, so it does not depend on which PV came first.
                    let (here, there) = if *ancestor == path {
                        ("the same path as", "the same path as")
                    } else {
                        ("inside the path of", "the parent path of")
                    };
                    let message = names::first_fitting(vec![
                        format!(
                            "{key} {shown_path} on {shown_node} is {here} PV {that}: one disk, two PVs; use a separate disk"
                        ),
                        format!("same disk on {shown_node} as PV {that}; give each PV its own disk"),
                    ]);
                    let at = JsonPath::root().key("spec").key(key).key("path");
                    out.push(BundleViolation::new(id, at.clone(), message, vec![*other]));
                    let (other_key, other_path) = context
                        .entry(*other)
                        .and_then(|e| e.as_pv())
                        .and_then(|pv| pv.disk_path())
                        .map_or((key, shown_path.clone()), |(k, p)| (k, format!("/{}", components(p).join("/"))));
                    let message = names::first_fitting(vec![
                        format!(
                            "{other_key} {other_path} on {shown_node} is {there} PV {this}: one disk, two PVs; use a separate disk"
                        ),
                        format!("same disk on {shown_node} as PV {this}; give each PV its own disk"),
                    ]);
                    let at = JsonPath::root().key("spec").key(other_key).key("path");
                    out.push(BundleViolation::new(*other, at, message, vec![id]));
                }
                ancestors.push((path, id, relevant));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_by_component() {
        assert_eq!(components("/ais/sda/"), vec!["ais", "sda"]);
        let mut paths = vec![components("/ais/sda-x"), components("/ais/sda/x"), components("/ais/sda")];
        paths.sort();
        assert_eq!(paths, vec![vec!["ais", "sda"], vec!["ais", "sda", "x"], vec!["ais", "sda-x"]]);
    }
}
