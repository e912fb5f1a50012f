use serde_json::{Map, Value};

use crate::declare_rule;
use crate::model::AisObject;
use crate::path::{JsonPath, Segment};
use crate::rule::{Check, FixInput, FixMeta, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags AIStore fields that were removed from the CRD:
    ///
    /// | field | instead |
    /// |---|---|
    /// | `spec.disablePodAntiAffinity` | `spec.targetSpec.disablePodAntiAffinity` |
    /// | `spec.enableNodeNameHost: true` | `spec.publicNetDNSMode: Node` |
    /// | `spec.targetSpec.allowSharedNoDisks` | `mounts[].label` |
    /// | `spec.tlsCertificate`, `spec.tlsSecretName`, `spec.tlsCertManagerIssuerName` | `spec.tls` |
    /// | `spec.logSidecarImage`, `spec.logSidecarResources` | `spec.logSidecar.image`, `spec.logSidecar.resources` |
    /// | `spec.enablePromExporter` | nothing: delete it |
    ///
    /// ## Why is this bad?
    /// The API server prunes unknown fields of a custom resource silently (unless the client
    /// asks for strict field validation), so the setting never reaches the operator and the
    /// cluster behaves as if it were not there. The worst case is
    /// `spec.disablePodAntiAffinity: true`, still used by the official multi-target sample:
    /// with a current operator the targets keep their required anti-affinity, so the second
    /// target on a node stays `Pending`.
    ///
    /// Because pruning happens before admission webhooks run, the policy never sees these
    /// fields: only offline linting (`aisgate lint`, CI) can catch them.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   size: 2
    ///   disablePodAntiAffinity: true
    ///   enableNodeNameHost: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   size: 2
    ///   publicNetDNSMode: Node
    ///   targetSpec:
    ///     disablePodAntiAffinity: true
    /// ```
    ///
    /// ## Fix
    /// Offline `fix` only (admission never sees the field): moves `spec.disablePodAntiAffinity`
    /// to `spec.targetSpec.disablePodAntiAffinity` unless that is already set, turns
    /// `spec.enableNodeNameHost: true` into `spec.publicNetDNSMode: Node` unless a mode is
    /// already set, and deletes the other removed fields.
    pub struct RemovedField {
        code: "AIS001",
        name: "removed-field",
        severity: Deny,
        scope: Object,
        kinds: [AiStore],
        summary: "A field removed from the AIStore CRD: the API server silently prunes it and the cluster ignores it",
        fix: Some(FixMeta {
            mutation: None,
            create_only: false,
            summary: "move to the replacement field where one exists, else delete",
        }),
    }
}

const PRUNED: &str = "removed field, silently pruned by the API server";

/// The removed fields without a field-for-field replacement: dotted path, advice.
const DROPPED: &[(&str, &str)] = &[
    ("spec.enablePromExporter", "delete it"),
    ("spec.logSidecarImage", "use spec.logSidecar.image instead"),
    ("spec.logSidecarResources", "use spec.logSidecar.resources instead"),
    ("spec.targetSpec.allowSharedNoDisks", "delete it (share disks with mounts[].label)"),
    ("spec.tlsCertManagerIssuerName", "configure TLS in spec.tls instead"),
    ("spec.tlsCertificate", "configure TLS in spec.tls instead"),
    ("spec.tlsSecretName", "configure TLS in spec.tls instead"),
];

const ANTI_AFFINITY: &str = "disablePodAntiAffinity";
const NODE_NAME_HOST: &str = "enableNodeNameHost";
const DNS_MODE: &str = "publicNetDNSMode";

/// A field that is present and not null.
fn present<'v>(raw: &'v Value, dotted: &'static str) -> Option<&'v Value> {
    JsonPath::from_keys(dotted).lookup(raw).filter(|v| !v.is_null())
}

impl Rule for RemovedField {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(_) = check.object() else { return };
        let raw = check.subject.raw;

        if let Some(value) = present(raw, "spec.disablePodAntiAffinity") {
            let message = if present(raw, "spec.targetSpec.disablePodAntiAffinity").is_some() {
                format!("{PRUNED}; spec.targetSpec.disablePodAntiAffinity is already set: delete this one")
            } else if value == &Value::Bool(true) {
                format!("{PRUNED}: targets keep anti-affinity; set spec.targetSpec.disablePodAntiAffinity")
            } else {
                format!("{PRUNED}; use spec.targetSpec.disablePodAntiAffinity instead")
            };
            out.push(Violation::new(JsonPath::from_keys("spec").key(ANTI_AFFINITY), message));
        }

        if let Some(value) = present(raw, "spec.enableNodeNameHost") {
            let message = if value != &Value::Bool(true) {
                format!("{PRUNED}; delete it (publicNetDNSMode IP is the default)")
            } else if present(raw, "spec.publicNetDNSMode").is_some() {
                format!("{PRUNED}; spec.publicNetDNSMode is already set: delete this one")
            } else {
                format!("{PRUNED}: public hostnames stay IPs; set spec.publicNetDNSMode: Node")
            };
            out.push(Violation::new(JsonPath::from_keys("spec").key(NODE_NAME_HOST), message));
        }

        for (dotted, advice) in DROPPED {
            if present(raw, dotted).is_some() {
                out.push(Violation::new(JsonPath::from_keys(dotted), format!("{PRUNED}; {advice}")));
            }
        }
    }

    fn fix(&self, object: &mut Value, input: &FixInput<'_>) -> Option<String> {
        let path = &input.violation.path;
        let Some(Segment::Key(key)) = path.last() else { return None };
        let key = key.clone();
        let spec_path = JsonPath::from_keys("spec");
        if *path == spec_path.key(ANTI_AFFINITY) {
            let spec = spec_path.lookup_mut(object)?.as_object_mut()?;
            let value = spec.remove(ANTI_AFFINITY)?;
            return Some(move_anti_affinity(spec, value));
        }
        if *path == spec_path.key(NODE_NAME_HOST) {
            let spec = spec_path.lookup_mut(object)?.as_object_mut()?;
            let value = spec.remove(NODE_NAME_HOST)?;
            let unset = spec.get(DNS_MODE).is_none_or(Value::is_null);
            if value == Value::Bool(true) && unset {
                spec.insert(DNS_MODE.to_owned(), Value::String("Node".to_owned()));
                return Some(format!("replaced spec.{NODE_NAME_HOST}: true with spec.{DNS_MODE}: Node"));
            }
            return Some(format!("removed spec.{NODE_NAME_HOST} (pruned by the API server)"));
        }
        if !DROPPED.iter().any(|(dotted, _)| JsonPath::from_keys(dotted) == *path) {
            return None;
        }
        path.parent().lookup_mut(object)?.as_object_mut()?.remove(&*key)?;
        Some(format!("removed {} (pruned by the API server)", path.to_string().trim_start_matches("$.")))
    }
}

/// Puts a removed `spec.disablePodAntiAffinity` value in `spec.targetSpec` unless it is set there.
fn move_anti_affinity(spec: &mut Map<String, Value>, value: Value) -> String {
    let removed = format!("removed spec.{ANTI_AFFINITY}");
    if !value.is_boolean() {
        return format!("{removed} (not a boolean)");
    }
    let target = spec.entry("targetSpec").or_insert_with(|| Value::Object(Map::new()));
    if target.is_null() {
        *target = Value::Object(Map::new());
    }
    let Some(target) = target.as_object_mut() else {
        return format!("{removed} (spec.targetSpec is not an object)");
    };
    if target.get(ANTI_AFFINITY).is_some_and(|v| !v.is_null()) {
        return format!("{removed} (spec.targetSpec.{ANTI_AFFINITY} already set)");
    }
    let text = value.to_string();
    target.insert(ANTI_AFFINITY.to_owned(), value);
    format!("moved spec.{ANTI_AFFINITY}: {text} to spec.targetSpec.{ANTI_AFFINITY}")
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::engine::FixScope;
    use crate::rule::Operation;
    use crate::testing::{aistore, fixed};

    fn fix(object: &Value, scope: FixScope) -> Value {
        fixed(object, Operation::Create, scope)
    }

    #[test]
    fn moves_to_replacements_offline_and_is_idempotent() {
        let object = aistore(json!({
            "size": 2, "stateStorage": {"hostPath": {"prefix": "/etc/ais"}},
            "disablePodAntiAffinity": true, "enableNodeNameHost": true, "tlsSecretName": "tls", "enablePromExporter": false,
        }));
        let fixed = fix(&object, FixScope::Offline);
        let spec = &fixed["spec"];
        assert_eq!(spec["targetSpec"]["disablePodAntiAffinity"], json!(true));
        assert_eq!(spec["publicNetDNSMode"], json!("Node"));
        for removed in ["disablePodAntiAffinity", "enableNodeNameHost", "tlsSecretName", "enablePromExporter"] {
            assert!(spec.get(removed).is_none(), "{removed} left");
        }
        assert_eq!(fix(&fixed, FixScope::Offline), fixed);
    }

    #[test]
    fn never_overwrites_a_replacement() {
        let object = aistore(json!({
            "size": 2, "stateStorage": {"hostPath": {"prefix": "/etc/ais"}}, "publicNetDNSMode": "Pod",
            "disablePodAntiAffinity": true, "enableNodeNameHost": true,
            "targetSpec": {"disablePodAntiAffinity": false, "allowSharedNoDisks": true},
        }));
        let fixed = fix(&object, FixScope::Offline);
        assert_eq!(fixed["spec"]["targetSpec"], json!({"disablePodAntiAffinity": false}));
        assert_eq!(fixed["spec"]["publicNetDNSMode"], json!("Pod"));
        assert!(fixed["spec"].get("disablePodAntiAffinity").is_none());
    }

    #[test]
    fn not_applied_at_admission() {
        let object = aistore(
            json!({"size": 2, "stateStorage": {"hostPath": {"prefix": "/etc/ais"}}, "disablePodAntiAffinity": true}),
        );
        assert_eq!(fix(&object, FixScope::Admission), object);
    }
}
