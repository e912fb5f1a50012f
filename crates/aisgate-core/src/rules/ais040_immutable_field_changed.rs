use serde_json::Value;

use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// On an update (admission UPDATE, or the CLI with `--old`), compares the new object with
    /// the previous version and flags every change to a field that cannot change on a running
    /// cluster:
    ///
    /// - `AIStore`, in `proxySpec` or `targetSpec`: `mounts`, `hostPort`, `servicePort`,
    ///   `portPublic`, `portIntraControl`, `portIntraData`, `nodeSelector`, `affinity`,
    ///   `disablePodAntiAffinity`, `hostNetwork`, `externalAccess`;
    /// - AIS `StatefulSet`: `spec.volumeClaimTemplates`, `spec.selector`, `spec.serviceName`.
    ///
    /// Values are compared as written (`51081` and `"51081"` differ); a field set to `null`
    /// counts as unset, and so does an empty `mounts`, `nodeSelector` or
    /// `volumeClaimTemplates`. Each change is reported at the field in the new object, or at
    /// its nearest existing parent when it was removed.
    ///
    /// ## Why is this bad?
    /// The AIS operator's webhook refuses any update of these `AIStore` fields ("cannot update
    /// spec for an existing cluster"), and the API server refuses any update of these
    /// `StatefulSet` fields ("updates to statefulset spec for fields other than … are
    /// forbidden"). Catching the change in CI says which field is at fault before a
    /// `kubectl apply` or a CD pipeline sync fails, or keeps failing on every retry.
    ///
    /// ## Example
    /// Previous version:
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     mounts:
    ///       - {path: /ais/nvme0n1, size: 3Ti, storageClass: ais-local-storage}
    /// ```
    ///
    /// New version, refused:
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     mounts:
    ///       - {path: /ais/nvme0n1, size: 3Ti, storageClass: ais-local-storage}
    ///       - {path: /ais/nvme1n1, size: 3Ti, storageClass: ais-local-storage}
    /// ```
    ///
    /// Use instead: keep these fields as they are. To change them, recreate the object: for
    /// an `AIStore`, delete it without `cleanupData` and create it again (the targets keep their
    /// PVs); for a hand-written `StatefulSet`, delete it with
    /// `kubectl delete --cascade=orphan` and create the new version.
    pub struct ImmutableFieldChanged {
        code: "AIS040",
        name: "immutable-field-changed",
        severity: Deny,
        scope: Update,
        kinds: [AiStore, StatefulSet],
        summary: "An update changes a field the operator or the API server refuses to change on an existing object",
        fix: None,
    }
}

/// The `AIStore` role fields the operator refuses to change.
const AISTORE_FIELDS: [&str; 11] = [
    "mounts",
    "hostPort",
    "servicePort",
    "portPublic",
    "portIntraControl",
    "portIntraData",
    "nodeSelector",
    "affinity",
    "disablePodAntiAffinity",
    "hostNetwork",
    "externalAccess",
];

/// The immutable `StatefulSet` fields.
const STATEFULSET_FIELDS: [&str; 3] = ["volumeClaimTemplates", "selector", "serviceName"];

/// Fields that are lists or maps: empty is the same as unset.
const COLLECTIONS: [&str; 3] = ["mounts", "nodeSelector", "volumeClaimTemplates"];

/// Longest string value quoted in a message.
const MAX_QUOTED: usize = 32;

/// The value of `field` at `path`, `None` when unset.
fn value_at<'v>(raw: &'v Value, path: &JsonPath, field: &str) -> Option<&'v Value> {
    path.lookup(raw).filter(|value| match value {
        Value::Null => false,
        Value::Array(items) => !(items.is_empty() && COLLECTIONS.contains(&field)),
        Value::Object(map) => !(map.is_empty() && COLLECTIONS.contains(&field)),
        _ => true,
    })
}

/// `path`, or its nearest ancestor present in `raw`.
fn nearest_existing(raw: &Value, path: &JsonPath) -> JsonPath {
    let mut at = path.clone();
    while at.lookup(raw).is_none() && !at.segments().is_empty() {
        at = at.parent();
    }
    at
}

/// A scalar written briefly; `None` for lists, maps and long strings.
fn brief(value: &Value) -> Option<String> {
    match value {
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if s.chars().count() <= MAX_QUOTED => Some(format!("\"{s}\"")),
        _ => None,
    }
}

/// What changed, in a few words; with the values when `detailed` and they are short.
fn describe(label: &str, before: Option<&Value>, after: Option<&Value>, detailed: bool) -> String {
    let brief = |value: Option<&Value>| if detailed { value.and_then(brief) } else { None };
    match (before, after) {
        (None, _) => match brief(after) {
            Some(value) => format!("{label} added ({value})"),
            None => format!("{label} added"),
        },
        (_, None) => match brief(before) {
            Some(value) => format!("{label} removed (was {value})"),
            None => format!("{label} removed"),
        },
        _ => match (brief(before), brief(after)) {
            (Some(old), Some(new)) => format!("{label} changed from {old} to {new}"),
            _ => format!("{label} changed"),
        },
    }
}

fn compare(
    check: &Check<'_>,
    old: &Value,
    fields: &[(JsonPath, String, &str)],
    consequence: &str,
    out: &mut Vec<Violation>,
) {
    let new = check.subject.raw;
    for (path, label, field) in fields {
        let (before, after) = (value_at(old, path, field), value_at(new, path, field));
        if before == after {
            continue;
        }
        let mut message = format!("{}; {consequence}", describe(label, before, after, true));
        if message.chars().count() > crate::finding::MAX_MESSAGE {
            message = format!("{}; {consequence}", describe(label, before, after, false));
        }
        out.push(Violation::new(nearest_existing(new, path), message));
    }
}

impl Rule for ImmutableFieldChanged {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let Some(old) = check.old else { return };
        match (check.object(), &old.object) {
            (AisObject::AiStore(_), AisObject::AiStore(_)) => {
                let mut fields = Vec::new();
                for role in ["proxySpec", "targetSpec"] {
                    for field in AISTORE_FIELDS {
                        fields.push((
                            JsonPath::from_keys("spec").key(role).key(field),
                            format!("{role}.{field}"),
                            field,
                        ));
                    }
                }
                compare(check, old.raw, &fields, "the operator rejects this update: revert it", out);
            }
            (AisObject::StatefulSet(..), AisObject::StatefulSet(..)) => {
                let fields: Vec<_> = STATEFULSET_FIELDS
                    .iter()
                    .map(|field| (JsonPath::from_keys("spec").key(field), (*field).to_owned(), *field))
                    .collect();
                compare(check, old.raw, &fields, "immutable, the API server rejects this update: revert it", out);
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
    fn unset_values() {
        let raw = json!({"spec": {"a": null, "mounts": [], "nodeSelector": {}, "affinity": {}, "hostPort": 0}});
        let spec = JsonPath::from_keys("spec");
        assert_eq!(value_at(&raw, &spec.key("a"), "a"), None);
        assert_eq!(value_at(&raw, &spec.key("mounts"), "mounts"), None);
        assert_eq!(value_at(&raw, &spec.key("nodeSelector"), "nodeSelector"), None);
        assert_eq!(value_at(&raw, &spec.key("affinity"), "affinity"), Some(&json!({})));
        assert_eq!(value_at(&raw, &spec.key("hostPort"), "hostPort"), Some(&json!(0)));
    }

    #[test]
    fn nearest_parent() {
        let raw = json!({"spec": {"targetSpec": {}}});
        let path = JsonPath::from_keys("spec.targetSpec.hostPort");
        assert_eq!(nearest_existing(&raw, &path).to_string(), "$.spec.targetSpec");
        assert_eq!(nearest_existing(&json!({}), &path).to_string(), "$");
    }

    #[test]
    fn descriptions() {
        let (a, b) = (json!(51081), json!("51081"));
        assert_eq!(describe("x", Some(&a), Some(&b), true), "x changed from 51081 to \"51081\"");
        assert_eq!(describe("x", Some(&json!([1])), Some(&json!([2])), true), "x changed");
        assert_eq!(describe("x", Some(&a), Some(&b), false), "x changed");
        assert_eq!(describe("x", None, Some(&a), true), "x added (51081)");
        assert_eq!(describe("x", Some(&json!({})), None, true), "x removed");
        assert_eq!(describe("x", Some(&json!(true)), None, true), "x removed (was true)");
    }
}
