//! Only settings exempt (docs/security.md): nothing an object says about itself removes a
//! deny finding at admission. Every fixture object goes through the policy with and without
//! annotations and labels that look like exemptions; the decision must not move.

use aisgate_tests::fixtures::all_fixtures;
use aisgate_tests::wapc_host::admission_request;
use serde_json::{Map, Value, json};

/// Annotations and labels an object might use to try to exempt itself.
const SELF_EXEMPTIONS: [(&str, &str); 8] = [
    ("aisgate.io/ignore", "all"),
    ("aisgate.io/exempt", "true"),
    ("aisgate.io/skip-rules", "AIS020,AIS101,AIS201,AIS203"),
    ("aisgate.io/rules", "off"),
    ("aisgate.io/exemption-reason", "trust me"),
    ("policies.kubewarden.io/skip", "true"),
    ("io.kubewarden.policy.exempt", "aisgate"),
    ("admission.kubernetes.io/ignore", "true"),
];

fn evaluate(object: &Value, old: Option<&Value>, settings: &Value) -> Value {
    let operation = if old.is_some() { "UPDATE" } else { "CREATE" };
    let request = admission_request(operation, object, old);
    let payload = serde_json::to_vec(&json!({"request": request, "settings": settings})).unwrap();
    serde_json::to_value(aisgate_policy::evaluate(&payload)).unwrap()
}

/// `object` with `entries` added to `metadata.<field>` (created when missing).
fn with_metadata(object: &Value, field: &str, entries: &[(&str, &str)]) -> Value {
    let mut object = object.clone();
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        let map = metadata.entry(field).or_insert_with(|| Value::Object(Map::new()));
        if let Some(map) = map.as_object_mut() {
            for (key, value) in entries {
                map.insert((*key).to_owned(), Value::from(*value));
            }
        }
    }
    object
}

fn deny_findings(answer: &Value) -> Vec<String> {
    answer["message"]
        .as_str()
        .filter(|_| answer["accepted"] == json!(false))
        .map(|m| m.split("; ").filter(|part| part.starts_with("AIS")).map(str::to_owned).collect())
        .unwrap_or_default()
}

#[test]
fn object_annotations_and_labels_never_exempt() {
    let mut checked = 0;
    for fixture in all_fixtures() {
        let settings = if fixture.settings_json.is_null() { json!({}) } else { fixture.settings_json.clone() };
        for object in &fixture.objects {
            let plain = evaluate(&object.value, object.old.as_ref(), &settings);
            for field in ["annotations", "labels"] {
                let dressed = with_metadata(&object.value, field, &SELF_EXEMPTIONS);
                let answer = evaluate(&dressed, object.old.as_ref(), &settings);
                assert_eq!(answer["accepted"], plain["accepted"], "{} ({}): {field}", fixture.name, object.label);
                assert_eq!(
                    deny_findings(&answer),
                    deny_findings(&plain),
                    "{} ({}): {field}",
                    fixture.name,
                    object.label
                );
            }
            checked += usize::from(plain["accepted"] == json!(false));
        }
    }
    assert!(checked >= 50, "only {checked} rejected fixture objects tried");
}

#[test]
fn shared_node_annotation_removes_no_deny_finding() {
    let mut statefulsets = 0;
    for fixture in all_fixtures() {
        let settings = if fixture.settings_json.is_null() { json!({}) } else { fixture.settings_json.clone() };
        for object in fixture.objects.iter().filter(|o| o.value["kind"] == json!("StatefulSet")) {
            // The reason in a message may change (annotated rather than pinned); the rules may not.
            let rules = |answer: &Value| -> Vec<String> {
                deny_findings(answer).iter().filter_map(|f| f.split(':').next().map(str::to_owned)).collect()
            };
            let plain = rules(&evaluate(&object.value, object.old.as_ref(), &settings));
            let shared = with_metadata(&object.value, "annotations", &[("aisgate.io/shared-nodes", "true")]);
            let with_annotation = rules(&evaluate(&shared, object.old.as_ref(), &settings));
            for finding in &plain {
                assert!(
                    with_annotation.contains(finding),
                    "{} ({}): the shared-node annotation removed `{finding}`",
                    fixture.name,
                    object.label
                );
            }
            statefulsets += 1;
        }
    }
    assert!(statefulsets >= 20, "only {statefulsets} StatefulSets tried");
}
