use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `targetSpec.mounts[].path` that is not a clean absolute path (relative, with
    /// `//`, `/./` or `/../`, or a trailing `/`), that repeats another mount's path, or that
    /// lies inside another mount's path. Paths are compared after cleaning, so `/ais/sda/`
    /// repeats `/ais/sda`.
    ///
    /// ## Why is this bad?
    /// Each mount is one AIS mountpath backed by its own volume, and AIS expects every
    /// mountpath to be a separate filesystem (its own disk). The same path twice gives the
    /// target container two volume mounts at one path, which Kubernetes refuses, so no target
    /// pod is created. A path inside another mounts one disk within the other's directory
    /// tree: the outer mountpath then also holds the inner disk's content, and objects and
    /// capacity are counted on the wrong disk.
    ///
    /// A sloppy path also yields a sloppy claim name: the operator derives the claim template
    /// name from the path (`/` becomes `-`), so `//` or a trailing `/` give names that differ
    /// from the PVs prepared for them, or are not valid names at all (AIS011).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     mounts:
    ///       - {path: /ais/sda, size: 5Ti, storageClass: ais-local-storage}
    ///       - {path: /ais/sda/cache, size: 1Ti, storageClass: ais-local-storage}
    ///       - {path: ais/sdb/, size: 5Ti, storageClass: ais-local-storage}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     mounts:
    ///       - {path: /ais/sda, size: 5Ti, storageClass: ais-local-storage}
    ///       - {path: /ais/sdb, size: 5Ti, storageClass: ais-local-storage}
    /// ```
    pub struct MountPathInvalid {
        code: "AIS010",
        name: "mount-path-invalid",
        severity: Deny,
        scope: Object,
        kinds: [AiStore],
        summary: "A mount path that is not clean and absolute, or repeats or lies inside another mount's path",
        fix: None,
    }
}

/// What is wrong with the spelling of a mount path, in a fixed order.
fn syntax_problems(path: &str) -> Vec<&'static str> {
    let mut problems = Vec::new();
    if path.is_empty() {
        problems.push("is empty");
        return problems;
    }
    if !path.starts_with('/') {
        problems.push("is relative");
    }
    if path.contains("//") {
        problems.push("has //");
    }
    if path.split('/').any(|segment| segment == ".") {
        problems.push("has /./");
    }
    if path.split('/').any(|segment| segment == "..") {
        problems.push("has /../");
    }
    if path == "/" {
        problems.push("is the root directory");
    } else if path.ends_with('/') {
        problems.push("ends with /");
    }
    problems
}

/// The path made absolute and cleaned as Go's `path.Clean` does.
fn clean(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    format!("/{}", segments.join("/"))
}

/// Whether `inner` lies strictly below `outer` (both cleaned).
fn is_inside(inner: &str, outer: &str) -> bool {
    outer == "/" && inner != "/" || inner.strip_prefix(outer).is_some_and(|rest| rest.starts_with('/'))
}

impl Rule for MountPathInvalid {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        let mounts_path = JsonPath::from_keys("spec.targetSpec.mounts");
        let mounts: Vec<(usize, &str, String)> = ais
            .spec
            .target_spec
            .mounts
            .iter()
            .enumerate()
            .filter_map(|(i, mount)| mount.path.as_deref().map(|path| (i, path, clean(path))))
            .collect();

        for (i, path, cleaned) in &mounts {
            let at = mounts_path.index(*i).key("path");
            let problems = syntax_problems(path);
            if !problems.is_empty() {
                let mut message = format!("mount path {}: use a clean absolute path", problems.join(", "));
                let suggestion = format!("{message} such as {cleaned}");
                if cleaned != "/" && suggestion.chars().count() <= crate::finding::MAX_MESSAGE {
                    message = suggestion;
                }
                out.push(Violation::new(at.clone(), message));
            }
            for (j, other, other_cleaned) in &mounts {
                if i == j || path.is_empty() || other.is_empty() {
                    continue;
                }
                // A path that repeats an earlier one is reported once, as a repeat; nesting is
                // judged against the first mount of each path only.
                let first_of_its_path = !mounts.iter().any(|(k, _, c)| k < j && c == other_cleaned);
                let relation = if cleaned == other_cleaned && j < i {
                    "repeats"
                } else if first_of_its_path && is_inside(cleaned, other_cleaned) {
                    "lies inside"
                } else {
                    continue;
                };
                let mut message = format!(
                    "mount path {relation} mounts[{j}] {other}: the same disk twice; give each mount its own disk"
                );
                if message.chars().count() > crate::finding::MAX_MESSAGE {
                    message =
                        format!("mount path {relation} mounts[{j}]: the same disk twice; give each mount its own disk");
                }
                out.push(Violation::new(at.clone(), message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling() {
        assert!(syntax_problems("/ais/sda").is_empty());
        assert_eq!(syntax_problems("ais//sda/"), ["is relative", "has //", "ends with /"]);
        assert_eq!(syntax_problems("/ais/./sda/../sdb"), ["has /./", "has /../"]);
        assert_eq!(syntax_problems("/"), ["is the root directory"]);
        assert_eq!(syntax_problems(""), ["is empty"]);
    }

    #[test]
    fn cleaning_and_nesting() {
        assert_eq!(clean("ais//sda/"), "/ais/sda");
        assert_eq!(clean("/ais/./sda/../sdb"), "/ais/sdb");
        assert!(is_inside("/ais/sda/x", "/ais/sda"));
        assert!(!is_inside("/ais/sdab", "/ais/sda"));
        assert!(!is_inside("/ais/sda", "/ais/sda"));
        assert!(is_inside("/ais", "/"));
    }
}
