use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an AIStore whose state storage (where each AIS node keeps its configuration and
    /// metadata) is missing or ambiguous:
    /// - no `spec.stateStorage` and neither of the deprecated `hostpathPrefix` /
    ///   `stateStorageClass`;
    /// - a `spec.stateStorage` that sets no mode or several of `hostPath`, `pvc`, `emptyDir`;
    /// - `stateStorage.emptyDir` together with `shutdownCluster: true`.
    ///
    /// ## Why is this bad?
    /// The operator's validating webhook rejects all three, so the object never becomes a
    /// cluster; this rule reports it in CI, before `kubectl apply`. `emptyDir` state is
    /// ephemeral: a shut-down cluster loses its state and cannot restart as the same cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   size: 3
    ///   stateStorage:
    ///     hostPath: {prefix: /etc/ais}
    ///     pvc: {storageClass: local-path}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   size: 3
    ///   stateStorage:
    ///     hostPath: {prefix: /etc/ais}
    /// ```
    pub struct StateStorageUndefined {
        code: "AIS003",
        name: "state-storage-undefined",
        severity: Deny,
        scope: Object,
        kinds: [AiStore],
        summary: "No state storage, several stateStorage modes, or emptyDir state with shutdownCluster",
        fix: None,
    }
}

impl Rule for StateStorageUndefined {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        let spec = &ais.spec;
        match &spec.state_storage {
            None if spec.hostpath_prefix.is_none() && spec.state_storage_class.is_none() => {
                out.push(Violation::new(
                    JsonPath::from_keys("spec").nearest_existing(check.subject.raw),
                    "no state storage: set stateStorage.hostPath.prefix, stateStorage.pvc.storageClass or stateStorage.emptyDir",
                ));
            }
            None => {}
            Some(storage) => {
                let modes = storage.modes();
                let path = JsonPath::from_keys("spec.stateStorage");
                match modes.as_slice() {
                    [] => {
                        // `emptyDir:` with nothing after it is null, not `{}`: the mode is not set.
                        let null = [
                            ("emptyDir", "write emptyDir: {}"),
                            ("hostPath", "set hostPath.prefix"),
                            ("pvc", "set pvc.storageClass"),
                        ]
                        .into_iter()
                        .find(|(mode, _)| {
                            path.key(mode).lookup(check.subject.raw).is_some_and(serde_json::Value::is_null)
                        });
                        let message = match null {
                            Some((mode, advice)) => format!("stateStorage.{mode} is null, so no mode is set: {advice}"),
                            None => "stateStorage sets no mode: set exactly one of hostPath, pvc, emptyDir".to_owned(),
                        };
                        out.push(Violation::new(path, message));
                    }
                    [_] => {}
                    several => out.push(Violation::new(
                        path,
                        format!(
                            "stateStorage sets {}: keep exactly one of hostPath, pvc, emptyDir",
                            several.join(" and ")
                        ),
                    )),
                }
                if storage.empty_dir.is_some() && spec.shutdown_cluster == Some(true) {
                    out.push(Violation::new(
                        JsonPath::from_keys("spec.shutdownCluster"),
                        "shutdownCluster with emptyDir state loses the cluster state: use hostPath or pvc state storage",
                    ));
                }
            }
        }
    }
}
