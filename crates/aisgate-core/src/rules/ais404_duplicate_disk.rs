use crate::bundle::{BundleCheck, BundleViolation};
use crate::context::{EntryId, Object};
use crate::declare_rule;
use crate::names;
use crate::path::JsonPath;
use crate::rule::Rule;

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

/// A path's components: `/ais//sda/./` is `ais`, `sda`.
fn components(path: &str) -> impl Iterator<Item = &str> + Clone {
    path.split('/').filter(|c| !c.is_empty() && *c != ".")
}

/// Whether every component of `ancestor` begins `path`.
fn is_within(path: &str, ancestor: &str) -> bool {
    let mut path = components(path);
    components(ancestor).all(|c| path.next() == Some(c))
}

/// `path` as its components joined: `/ais/sda`.
fn normalized(path: &str) -> String {
    let mut text = String::with_capacity(path.len());
    for component in components(path) {
        text.push('/');
        text.push_str(component);
    }
    if text.is_empty() {
        text.push('/');
    }
    text
}

impl Rule for DuplicateDisk {
    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        let context = check.context;
        let mut disks: Vec<(&'static str, &str, EntryId, bool)> = Vec::new();
        let mut ancestors: Vec<(&str, EntryId, bool)> = Vec::new();
        for &first in context.persistent_volumes() {
            let Some(node) = check.pv(first).and_then(|pv| pv.pinned_node()) else { continue };
            let on_node = context.volumes_on_node(node);
            // Each node once (at its first PV), and only where two PVs could share a disk.
            if on_node.first() != Some(&first) || on_node.len() < 2 {
                continue;
            }
            disks.clear();
            disks.extend(on_node.iter().filter_map(|&id| {
                let entry = context.entry(id)?;
                let Object::PersistentVolume(pv, ais) = &entry.object else { return None };
                let (key, path) = pv.disk_path()?;
                let relevant = *ais || check.analysis.claim_of_volume(id).is_some();
                Some((key, path, id, relevant))
            }));
            // By path component: a nested path directly follows its ancestors.
            crate::sort::sort_by(&mut disks, |a, b| components(a.1).cmp(components(b.1)).then(a.2.cmp(&b.2)));
            ancestors.clear();
            for &(key, path, id, relevant) in &disks {
                while ancestors.last().is_some_and(|&(ancestor, _, _)| !is_within(path, ancestor)) {
                    ancestors.pop();
                }
                for &(ancestor, other, other_relevant) in &ancestors {
                    if !(relevant || other_relevant) {
                        continue;
                    }
                    let shown_node = names::abbreviate(node, 40);
                    let shown_path = normalized(path);
                    let (this, that) = (check.name(id), check.name(other));
                    // Worded from each side, so it does not depend on which PV came first.
                    let (here, there) = if components(ancestor).eq(components(path)) {
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
                    out.push(BundleViolation::new(id, at.clone(), message, vec![other]));
                    let (other_key, other_path) = context
                        .entry(other)
                        .and_then(|e| e.as_pv())
                        .and_then(|pv| pv.disk_path())
                        .map_or((key, shown_path.clone()), |(k, p)| (k, normalized(p)));
                    let message = names::first_fitting(vec![
                        format!(
                            "{other_key} {other_path} on {shown_node} is {there} PV {this}: one disk, two PVs; use a separate disk"
                        ),
                        format!("same disk on {shown_node} as PV {this}; give each PV its own disk"),
                    ]);
                    let at = JsonPath::root().key("spec").key(other_key).key("path");
                    out.push(BundleViolation::new(other, at, message, vec![id]));
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
        assert_eq!(components("/ais/sda/").collect::<Vec<_>>(), vec!["ais", "sda"]);
        let mut paths = vec!["/ais/sda-x", "/ais/sda/x", "/ais/./sda"];
        paths.sort_by(|a, b| components(a).cmp(components(b)));
        assert_eq!(paths, vec!["/ais/./sda", "/ais/sda/x", "/ais/sda-x"]);
        assert!(is_within("/ais/sda/x", "/ais/sda/"));
        assert!(!is_within("/ais/sda-x", "/ais/sda"));
        assert_eq!(normalized("/ais//sda/./"), "/ais/sda");
        assert_eq!(normalized("/"), "/");
    }
}
