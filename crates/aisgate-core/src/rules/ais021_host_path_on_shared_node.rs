use serde_json::Value;

use crate::declare_rule;
use crate::model::AisObject;
use crate::model::statefulset::{Sharing, StatefulSet};
use crate::names;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags AIS target data on a host directory while targets may share a node:
    ///
    /// - an `AIStore` mount with `useHostPath: true` when `targetSpec.disablePodAntiAffinity`
    ///   is `true`;
    /// - in a target `StatefulSet` meant to share nodes (see `host-port-on-shared-node` for
    ///   what says so), a writable `hostPath` directory mounted without a per-pod
    ///   `subPathExpr` (one that expands a variable set from `metadata.name` or
    ///   `metadata.uid`, such as the operator's `$(MY_POD)`). A fixed `subPath` is the same
    ///   for every pod and does not help. Read-only mounts, hostPath files, sockets and
    ///   devices, and system paths (`/dev`, `/proc`, `/sys`, `/run`, `/var/run`) are not
    ///   reported.
    ///
    /// ## Why is this bad?
    /// The operator turns a `useHostPath` mount into the host directory
    /// `<path>/<namespace>/<cluster>/target`, with no per-pod subdirectory. Two targets on
    /// one node then use the same directory as their mountpath and write their objects and
    /// metadata into one place, where each can overwrite what the other stored. The same
    /// holds for any hostPath directory a hand-written `StatefulSet` mounts for every
    /// replica. (The operator itself isolates its hostPath state and log directories with
    /// `subPathExpr: $(MY_POD)`.)
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     size: 4
    ///     disablePodAntiAffinity: true
    ///     mounts:
    ///       - path: /ais/nvme0n1
    ///         useHostPath: true
    /// ```
    ///
    /// Use instead: one PV per target and disk:
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     size: 4
    ///     disablePodAntiAffinity: true
    ///     mounts:
    ///       - path: /ais/nvme0n1
    ///         size: 3Ti
    ///         storageClass: ais-local-storage
    /// ```
    ///
    /// In a hand-written `StatefulSet`, give the hostPath mount a per-pod subdirectory:
    /// ```yaml
    /// env:
    ///   - name: MY_POD
    ///     valueFrom: {fieldRef: {fieldPath: metadata.name}}
    /// volumeMounts:
    ///   - name: ais-fs
    ///     mountPath: /mnt/data/ais
    ///     subPathExpr: $(MY_POD)
    /// ```
    pub struct HostPathOnSharedNode {
        code: "AIS021",
        name: "host-path-on-shared-node",
        severity: Deny,
        scope: Object,
        kinds: [AiStore, StatefulSet],
        summary: "Targets that may share a node keep data in one hostPath directory: co-located targets overwrite each other",
        fix: None,
    }
}

/// Host paths that are system interfaces, shared by design.
const SYSTEM_PATHS: [&str; 5] = ["/dev", "/proc", "/sys", "/run", "/var/run"];

/// hostPath types that are not a directory a target writes data into.
const NOT_DIRECTORIES: [&str; 5] = ["File", "FileOrCreate", "Socket", "CharDevice", "BlockDevice"];

fn why(sharing: Sharing) -> &'static str {
    match sharing {
        Sharing::OperatorWithoutAntiAffinity => "no anti-affinity",
        Sharing::Annotated => "annotated",
        Sharing::PinnedToOneNode => "pinned to one node",
    }
}

fn is_system_path(path: &str) -> bool {
    SYSTEM_PATHS
        .iter()
        .any(|system| path.strip_prefix(system).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// The variable names `$(NAME)` in a `subPathExpr` (`$$(NAME)` is an escaped literal).
fn variables(expr: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = expr;
    while let Some(start) = rest.find("$(") {
        let escaped = rest.get(..start).is_some_and(|before| before.ends_with('$'));
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(end) = after.find(')') else { break };
        if !escaped {
            names.push(after.get(..end).unwrap_or_default());
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    names
}

/// Whether a `subPathExpr` differs from pod to pod: it expands a variable the container sets
/// from `metadata.name` or `metadata.uid`, or one it does not define in `env` (it may come
/// from `envFrom`; given the benefit of the doubt).
fn per_pod(expr: &str, env: Option<&Value>) -> bool {
    let env = env.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    variables(expr).into_iter().any(|name| {
        match env.iter().find(|var| var.get("name").and_then(Value::as_str) == Some(name)) {
            None => true,
            Some(var) => matches!(
                var.pointer("/valueFrom/fieldRef/fieldPath").and_then(Value::as_str),
                Some("metadata.name" | "metadata.uid")
            ),
        }
    })
}

fn check_statefulset(sts: &StatefulSet, sharing: Sharing, raw: &Value, out: &mut Vec<Violation>) {
    let volumes = &sts.spec.template.spec.volumes;
    for (key, i, container) in sts.containers() {
        // Made only for a mount of a shared host path.
        let container_path = || JsonPath::from_keys("spec.template.spec").key(key).index(i);
        for (j, mount) in container.volume_mounts.iter().enumerate() {
            if mount.read_only == Some(true) {
                continue;
            }
            let Some(host_path) = volumes.iter().find(|v| v.name == mount.name).and_then(|v| v.host_path.as_ref())
            else {
                continue;
            };
            if is_system_path(&host_path.path)
                || host_path.type_.as_deref().is_some_and(|t| NOT_DIRECTORIES.contains(&t))
            {
                continue;
            }
            let mount_path = container_path().key("volumeMounts").index(j);
            let why = why(sharing);
            let (path, message) = match (
                mount.sub_path_expr.as_deref().filter(|e| !e.is_empty()),
                mount.sub_path.as_deref(),
            ) {
                (Some(expr), _) if per_pod(expr, container_path().key("env").lookup(raw)) => continue,
                (Some(_), _) => (
                    mount_path.key("subPathExpr"),
                    names::fit_message(&host_path.path, |p| {
                        format!(
                            "subPathExpr of hostPath {p} is not per pod ({why}): co-located targets share it; use $(MY_POD)"
                        )
                    }),
                ),
                (None, Some(sub)) if !sub.is_empty() => (
                    mount_path.key("subPath"),
                    names::fit_message(&host_path.path, |p| {
                        format!(
                            "fixed subPath of hostPath {p} is shared by targets on one node ({why}); use subPathExpr $(MY_POD)"
                        )
                    }),
                ),
                _ => (
                    mount_path,
                    names::fit_message(&host_path.path, |p| {
                        format!("hostPath {p} is shared by targets on one node ({why}); add a per-pod subPathExpr")
                    }),
                ),
            };
            out.push(Violation::new(path, message));
        }
    }
}

impl Rule for HostPathOnSharedNode {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        match check.object() {
            AisObject::AiStore(ais) if ais.targets_share_nodes() => {
                let mounts = JsonPath::from_keys("spec.targetSpec.mounts");
                for (i, mount) in ais.spec.target_spec.mounts.iter().enumerate() {
                    if mount.use_host_path != Some(true) {
                        continue;
                    }
                    let path = mount.path.as_deref().unwrap_or("(no path)");
                    out.push(Violation::new(
                        mounts.index(i).key("useHostPath"),
                        names::fit_message(path, |p| {
                            format!("useHostPath mount {p}: targets sharing a node write one directory; use a PVC mount instead")
                        }),
                    ));
                }
            }
            AisObject::StatefulSet(sts, workload) => {
                if let Some(sharing) = sts.sharing(workload, &check.settings.shared_node_annotation) {
                    check_statefulset(sts, sharing, check.subject.raw, out);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn finds_variables() {
        assert_eq!(variables("$(MY_POD)"), vec!["MY_POD"]);
        assert_eq!(variables("data/$(NS)/$(POD)"), vec!["NS", "POD"]);
        assert_eq!(variables("$$(MY_POD)"), Vec::<&str>::new());
        assert_eq!(variables("$(OPEN"), Vec::<&str>::new());
    }

    #[test]
    fn per_pod_expressions() {
        let env = json!([
            {"name": "MY_POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "MY_NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
            {"name": "FIXED", "value": "x"},
        ]);
        assert!(per_pod("$(MY_POD)", Some(&env)));
        assert!(per_pod("$(MY_NODE)/$(MY_POD)", Some(&env)));
        assert!(!per_pod("$(MY_NODE)", Some(&env)));
        assert!(!per_pod("$(FIXED)", Some(&env)));
        assert!(!per_pod("static", Some(&env)));
        assert!(per_pod("$(FROM_ENV_FROM)", Some(&env)));
        assert!(per_pod("$(FROM_ENV_FROM)", None));
    }

    #[test]
    fn system_paths() {
        assert!(is_system_path("/dev"));
        assert!(is_system_path("/var/run/docker.sock"));
        assert!(!is_system_path("/device"));
        assert!(!is_system_path("/ais/sda"));
    }

    #[test]
    fn fits_long_values() {
        let long = format!("/{}", "x".repeat(200));
        let message = names::fit_message(&long, |p| format!("hostPath {p} is shared"));
        assert_eq!(message.chars().count(), crate::finding::MAX_MESSAGE);
        assert!(message.contains('…'));
        assert_eq!(names::fit_message("/ais/sda", |p| format!("hostPath {p}")), "hostPath /ais/sda");
    }
}
