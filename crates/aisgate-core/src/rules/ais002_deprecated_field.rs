use serde_json::{Map, Value};

use crate::declare_rule;
use crate::model::AisObject;
use crate::path::{JsonPath, Segment};
use crate::rule::{Check, FixInput, FixMeta, Operation, Rule, Violation};
use crate::settings::Mutation;

declare_rule! {
    /// ## What it does
    /// Flags deprecated AIStore fields and names their replacements:
    ///
    /// | deprecated | instead |
    /// |---|---|
    /// | `spec.hostpathPrefix` | `spec.stateStorage.hostPath.prefix` |
    /// | `spec.stateStorageClass` | `spec.stateStorage.pvc.storageClass` |
    /// | `spec.enableExternalLB: true` | `spec.proxySpec.externalAccess: {}` and `spec.targetSpec.externalAccess: {}` |
    /// | `spec.enableExternalLB: false` | nothing (the default) |
    /// | `spec.clusterDomain` | nothing: the operator uses the domain it is configured with or discovers |
    /// | `spec.proxySpec.capabilities`, `spec.targetSpec.capabilities` | `aisContainerSecurityContext` of the same role |
    ///
    /// A legacy state-storage field next to `spec.stateStorage` is reported as ignored: the
    /// operator uses `stateStorage` and disregards `hostpathPrefix` and `stateStorageClass`
    /// (and with both legacy fields, `stateStorageClass` wins over `hostpathPrefix`).
    ///
    /// ## Why is this bad?
    /// The operator still accepts these fields, but they are on their way out: a future
    /// operator rejects or ignores them, and a spec mixing old and new forms is easy to
    /// misread (which state storage is in force?).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   size: 3
    ///   hostpathPrefix: /etc/ais
    ///   enableExternalLB: true
    ///   clusterDomain: cluster.local
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   size: 3
    ///   stateStorage:
    ///     hostPath:
    ///       prefix: /etc/ais
    ///   proxySpec:
    ///     externalAccess: {}
    ///   targetSpec:
    ///     externalAccess: {}
    /// ```
    ///
    /// ## Fix
    /// On by default (`mutations.migrateDeprecatedFields`): the policy moves each value to its
    /// replacement and deletes the deprecated field. A replacement that is already set is
    /// never overwritten: the deprecated field is just deleted, except `capabilities`, which
    /// is left for a person to merge when `aisContainerSecurityContext` is set too (both are
    /// security contexts; dropping one could drop `privileged: true`). `clusterDomain` is
    /// deleted. On UPDATE, `enableExternalLB: true` is left alone: the operator refuses to
    /// turn `externalAccess` on for an existing cluster.
    pub struct DeprecatedField {
        code: "AIS002",
        name: "deprecated-field",
        severity: Warn,
        scope: Object,
        kinds: [AiStore],
        summary: "A deprecated AIStore field: hostpathPrefix, stateStorageClass, enableExternalLB, clusterDomain, capabilities",
        fix: Some(FixMeta {
            mutation: Some(Mutation::MigrateDeprecatedFields),
            create_only: false,
            summary: "move the value to its replacement (never overwriting one) and delete the deprecated field",
        }),
    }
}

const HOSTPATH_PREFIX: &str = "hostpathPrefix";
const STATE_STORAGE_CLASS: &str = "stateStorageClass";
const STATE_STORAGE: &str = "stateStorage";
const EXTERNAL_LB: &str = "enableExternalLB";
const EXTERNAL_ACCESS: &str = "externalAccess";
const CLUSTER_DOMAIN: &str = "clusterDomain";
const CAPABILITIES: &str = "capabilities";
const SECURITY_CONTEXT: &str = "aisContainerSecurityContext";
const ROLE_SPECS: [&str; 2] = ["proxySpec", "targetSpec"];

fn set(value: Option<&Value>) -> bool {
    value.is_some_and(|v| !v.is_null())
}

fn text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

/// The roles whose `externalAccess` is not set yet.
fn roles_without_external_access(spec: &Value) -> Vec<&'static str> {
    ROLE_SPECS.into_iter().filter(|role| !set(spec.get(*role).and_then(|r| r.get(EXTERNAL_ACCESS)))).collect()
}

impl Rule for DeprecatedField {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(_) = check.object() else { return };
        let Some(spec) = check.subject.raw.get("spec") else { return };
        let at = JsonPath::from_keys("spec");
        let has_state_storage = set(spec.get(STATE_STORAGE));

        if let Some(prefix) = spec.get(HOSTPATH_PREFIX).filter(|v| !v.is_null()) {
            let message = if has_state_storage {
                "deprecated and ignored because stateStorage is set: delete it".to_owned()
            } else if set(spec.get(STATE_STORAGE_CLASS)) {
                "deprecated and ignored because stateStorageClass takes precedence: delete it".to_owned()
            } else {
                format!("deprecated: use stateStorage.hostPath.prefix: {}", text(prefix))
            };
            out.push(Violation::new(at.key(HOSTPATH_PREFIX), message));
        }

        if let Some(class) = spec.get(STATE_STORAGE_CLASS).filter(|v| !v.is_null()) {
            let message = if has_state_storage {
                "deprecated and ignored because stateStorage is set: delete it".to_owned()
            } else {
                format!("deprecated: use stateStorage.pvc.storageClass: {}", text(class))
            };
            out.push(Violation::new(at.key(STATE_STORAGE_CLASS), message));
        }

        if let Some(lb) = spec.get(EXTERNAL_LB).filter(|v| !v.is_null()) {
            let missing = roles_without_external_access(spec);
            let message = if lb != &Value::Bool(true) {
                "deprecated; false is the default: delete it".to_owned()
            } else if missing.is_empty() {
                "deprecated and redundant: both roles set externalAccess; delete it".to_owned()
            } else {
                let fields: Vec<String> = missing.iter().map(|role| format!("{role}.externalAccess: {{}}")).collect();
                format!("deprecated: set {} instead", fields.join(" and "))
            };
            out.push(Violation::new(at.key(EXTERNAL_LB), message));
        }

        if set(spec.get(CLUSTER_DOMAIN)) {
            out.push(Violation::new(
                at.key(CLUSTER_DOMAIN),
                "deprecated: delete it; the operator uses the cluster domain it is configured with or discovers",
            ));
        }

        for role in ROLE_SPECS {
            let role_spec = spec.get(role);
            if set(role_spec.and_then(|r| r.get(CAPABILITIES))) {
                let message = if set(role_spec.and_then(|r| r.get(SECURITY_CONTEXT))) {
                    format!("deprecated: merge it into {role}.{SECURITY_CONTEXT} (already set) and delete it")
                } else {
                    format!("deprecated: move it to {role}.{SECURITY_CONTEXT}")
                };
                out.push(Violation::new(at.key(role).key(CAPABILITIES), message));
            }
        }
    }

    fn fix(&self, object: &mut Value, input: &FixInput<'_>) -> Option<String> {
        let path = &input.violation.path;
        let Some(Segment::Key(key)) = path.last() else { return None };
        let spec_path = JsonPath::from_keys("spec");
        if path.parent() != spec_path {
            // `spec.<role>.capabilities` becomes that role's `aisContainerSecurityContext`;
            // with both set, only a person can merge them.
            if key != CAPABILITIES {
                return None;
            }
            let role_path = path.parent();
            let role_spec = role_path.lookup_mut(object)?.as_object_mut()?;
            if set(role_spec.get(SECURITY_CONTEXT)) {
                return None;
            }
            let context = role_spec.remove(CAPABILITIES)?;
            role_spec.insert(SECURITY_CONTEXT.to_owned(), context);
            let role_path = role_path.to_string();
            let role_path = role_path.trim_start_matches("$.");
            return Some(format!("moved {role_path}.{CAPABILITIES} to {role_path}.{SECURITY_CONTEXT}"));
        }
        let spec = spec_path.lookup_mut(object)?.as_object_mut()?;
        match &**key {
            HOSTPATH_PREFIX => {
                // With stateStorageClass as well, the operator uses the class: migrate that one.
                let keep_legacy_choice = set(spec.get(STATE_STORAGE)) || set(spec.get(STATE_STORAGE_CLASS));
                let prefix = spec.remove(HOSTPATH_PREFIX)?;
                Some(migrate_state_storage(spec, HOSTPATH_PREFIX, prefix, "hostPath", "prefix", keep_legacy_choice))
            }
            STATE_STORAGE_CLASS => {
                let keep = set(spec.get(STATE_STORAGE));
                let class = spec.remove(STATE_STORAGE_CLASS)?;
                Some(migrate_state_storage(spec, STATE_STORAGE_CLASS, class, "pvc", "storageClass", keep))
            }
            EXTERNAL_LB => {
                let enabled = spec.get(EXTERNAL_LB)? == &Value::Bool(true);
                if enabled && input.operation == Operation::Update {
                    return None; // The operator refuses to toggle externalAccess on an existing cluster.
                }
                spec.remove(EXTERNAL_LB)?;
                if !enabled {
                    return Some(format!("removed deprecated spec.{EXTERNAL_LB}: false"));
                }
                let mut added = Vec::new();
                for role in ROLE_SPECS {
                    let entry = spec.entry(role).or_insert_with(|| Value::Object(Map::new()));
                    if entry.is_null() {
                        *entry = Value::Object(Map::new());
                    }
                    if let Some(role_spec) = entry.as_object_mut()
                        && role_spec.get(EXTERNAL_ACCESS).is_none_or(Value::is_null)
                    {
                        role_spec.insert(EXTERNAL_ACCESS.to_owned(), Value::Object(Map::new()));
                        added.push(format!("spec.{role}.{EXTERNAL_ACCESS}"));
                    }
                }
                if added.is_empty() {
                    return Some(format!("removed deprecated spec.{EXTERNAL_LB}: true (externalAccess already set)"));
                }
                Some(format!("replaced spec.{EXTERNAL_LB}: true with {} (empty)", added.join(" and ")))
            }
            CLUSTER_DOMAIN => {
                let domain = spec.remove(CLUSTER_DOMAIN)?;
                Some(format!("removed deprecated spec.{CLUSTER_DOMAIN} ({})", text(&domain)))
            }
            _ => None,
        }
    }
}

/// Moves a legacy state-storage value to `spec.stateStorage.<mode>.<field>`, unless
/// `keep` (the replacement or a choice that wins over it is already set).
fn migrate_state_storage(
    spec: &mut Map<String, Value>,
    legacy: &str,
    value: Value,
    mode: &str,
    field: &str,
    keep: bool,
) -> String {
    if keep {
        return format!("removed deprecated spec.{legacy} (ignored by the operator)");
    }
    let shown = text(&value);
    let mut inner = Map::new();
    inner.insert(field.to_owned(), value);
    let mut storage = Map::new();
    storage.insert(mode.to_owned(), Value::Object(inner));
    spec.insert(STATE_STORAGE.to_owned(), Value::Object(storage));
    format!("moved spec.{legacy}: {shown} to spec.{STATE_STORAGE}.{mode}.{field}")
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::engine::FixScope;
    use crate::rule::Operation;
    use crate::testing::{aistore, fixed};

    fn fix(object: &Value, operation: Operation) -> Value {
        fixed(object, operation, FixScope::Admission)
    }

    #[test]
    fn migrates_and_is_idempotent() {
        let object = aistore(json!({
            "size": 3, "hostpathPrefix": "/etc/ais", "enableExternalLB": true, "clusterDomain": "cluster.local",
            "targetSpec": {"capabilities": {"privileged": true}, "externalAccess": {"annotations": {"a": "b"}}},
        }));
        let fixed = fix(&object, Operation::Create);
        assert_eq!(
            fixed["spec"],
            json!({
                "size": 3, "stateStorage": {"hostPath": {"prefix": "/etc/ais"}},
                "proxySpec": {"externalAccess": {}},
                "targetSpec": {"externalAccess": {"annotations": {"a": "b"}}, "aisContainerSecurityContext": {"privileged": true}},
            })
        );
        assert_eq!(fix(&fixed, Operation::Create), fixed);
    }

    #[test]
    fn capabilities_never_replace_a_security_context() {
        let object = aistore(json!({
            "size": 3, "stateStorage": {"emptyDir": {}},
            "targetSpec": {"capabilities": {"privileged": true}, "aisContainerSecurityContext": {"runAsUser": 1000}},
        }));
        assert_eq!(fix(&object, Operation::Create), object);
    }

    #[test]
    fn the_class_wins_over_the_prefix_and_state_storage_over_both() {
        let both = aistore(json!({"size": 3, "hostpathPrefix": "/etc/ais", "stateStorageClass": "local-path"}));
        assert_eq!(
            fix(&both, Operation::Create)["spec"],
            json!({"size": 3, "stateStorage": {"pvc": {"storageClass": "local-path"}}})
        );
        let current = aistore(
            json!({"size": 3, "stateStorage": {"emptyDir": {}}, "hostpathPrefix": "/etc/ais", "stateStorageClass": "x"}),
        );
        assert_eq!(fix(&current, Operation::Create)["spec"], json!({"size": 3, "stateStorage": {"emptyDir": {}}}));
    }

    #[test]
    fn external_lb_is_left_alone_on_update() {
        let object = aistore(json!({"size": 3, "stateStorage": {"emptyDir": {}}, "enableExternalLB": true}));
        assert_eq!(fix(&object, Operation::Update), object);
        let off = aistore(json!({"size": 3, "stateStorage": {"emptyDir": {}}, "enableExternalLB": false}));
        assert_eq!(fix(&off, Operation::Update)["spec"], json!({"size": 3, "stateStorage": {"emptyDir": {}}}));
    }
}
