//! The compiled policy.wasm in a waPC host, as policy-server runs it.
//!
//! Every fixture goes through the module as an AdmissionRequest (CREATE, or UPDATE when it
//! has an old version). The response must equal what the same code returns natively, carry
//! every engine finding (deny in the message, warn in the warnings), and its mutation must
//! be a clean JSON Patch that changes only what the fixes meant to change.

use aisgate_core::engine::FixScope;
use aisgate_core::{Engine, Operation, Severity};
use aisgate_tests::fixtures::{Fixture, all_fixtures, today};
use aisgate_tests::wapc_host::{admission_request, patch_for, with_managed_fields, with_policy};
use serde_json::{Value, json};

fn operation_of(old: Option<&Value>) -> &'static str {
    if old.is_some() { "UPDATE" } else { "CREATE" }
}

fn settings_of(fixture: &Fixture) -> Value {
    if fixture.settings_json.is_null() { json!({}) } else { fixture.settings_json.clone() }
}

/// JSON pointer form of a finding path's node.
fn pointer(path: &aisgate_core::JsonPath) -> String {
    path.segments()
        .iter()
        .map(|s| match s {
            aisgate_core::path::Segment::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            aisgate_core::path::Segment::Index(i) => format!("/{i}"),
        })
        .collect()
}

#[test]
fn protocol_version_is_v1() {
    let answer = with_policy(|h| h.call_raw("protocol_version", b"").unwrap());
    assert_eq!(answer, json!("v1"));
}

#[test]
fn every_fixture_through_the_wasm_module_matches_the_engine() {
    for fixture in all_fixtures() {
        let settings = settings_of(&fixture);
        let engine = Engine::new(fixture.settings.clone(), today());
        for object in &fixture.objects {
            let name = format!("{} ({})", fixture.name, object.label);
            let request = admission_request(operation_of(object.old.as_ref()), &object.value, object.old.as_ref());
            let response = with_policy(|h| h.validate(&request, &settings));

            // Same code, natively: the wasm build changes nothing.
            let payload = serde_json::to_vec(&json!({"request": request, "settings": settings})).unwrap();
            let native = serde_json::to_value(aisgate_policy::evaluate(&payload)).unwrap();
            assert_eq!(response, native, "{name}: wasm and native responses differ");

            // The decision and messages follow the engine's findings after fixes.
            let operation = if object.old.is_some() { Operation::Update } else { Operation::Create };
            let outcome =
                engine.check_and_fix(&object.value, object.old.as_ref(), operation, FixScope::Admission).unwrap();
            let Some(outcome) = outcome else {
                assert_eq!(
                    response,
                    json!({"accepted": true, "message": null, "code": null, "mutated_object": null, "audit_annotations": null, "warnings": null}),
                    "{name}"
                );
                continue;
            };
            let denials: Vec<String> = outcome
                .report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Deny)
                .map(aisgate_core::Finding::headline)
                .collect();
            let warns: Vec<String> = outcome
                .report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Warn)
                .map(aisgate_core::Finding::headline)
                .collect();
            let warnings: Vec<String> =
                response["warnings"].as_array().into_iter().flatten().map(|w| w.as_str().unwrap().to_owned()).collect();
            for warn in &warns {
                assert!(warnings.contains(warn), "{name}: warning missing: {warn}");
            }
            if denials.is_empty() {
                assert_eq!(response["accepted"], json!(true), "{name}");
                for change in &outcome.changes {
                    assert!(warnings.contains(&change.headline()), "{name}: no warning for fix {}", change.headline());
                }
                assert_eq!(warnings.len(), warns.len() + outcome.changes.len(), "{name}: {warnings:?}");
            } else {
                assert_eq!(response["accepted"], json!(false), "{name}");
                assert_eq!(response["message"], json!(denials.join("; ")), "{name}");
                assert!(response["mutated_object"].is_null(), "{name}: a rejected request carries no mutation");
            }

            // Mutations: a clean patch, only where the fixes point, idempotent.
            if let Some(patch) = patch_for(&object.value, &response) {
                assert!(!outcome.changes.is_empty(), "{name}: mutated without a change");
                let mut patched = object.value.clone();
                json_patch::patch(&mut patched, &patch).unwrap_or_else(|e| panic!("{name}: patch does not apply: {e}"));
                assert_eq!(patched, response["mutated_object"], "{name}");
                let allowed: Vec<String> = outcome.changes.iter().map(|c| pointer(&c.path.parent())).collect();
                for op in &patch.0 {
                    let path = op.path().to_string();
                    assert!(
                        allowed.iter().any(|a| path.starts_with(a.as_str())),
                        "{name}: patch touches {path}, outside {allowed:?}"
                    );
                }
                let again = admission_request(operation_of(object.old.as_ref()), &patched, object.old.as_ref());
                let second = with_policy(|h| h.validate(&again, &settings));
                assert!(
                    second["mutated_object"].is_null(),
                    "{name}: mutating the mutated object changed it again: {second}"
                );
            }
        }
    }
}

/// The policy skips `metadata.managedFields` when it reads a request (no rule reads them):
/// every fixture, sent with them as an API server sends it, gets the answer it gets without
/// them, and a mutated object keeps them as they were, so the patch is the same.
#[test]
fn managed_fields_change_no_answer_and_survive_every_mutation() {
    let mut mutated = 0;
    for fixture in all_fixtures() {
        let settings = settings_of(&fixture);
        for object in &fixture.objects {
            let name = format!("{} ({})", fixture.name, object.label);
            let operation = operation_of(object.old.as_ref());
            let without = with_policy(|h| {
                h.validate(&admission_request(operation, &object.value, object.old.as_ref()), &settings)
            });
            let managed = with_managed_fields(&object.value);
            let old = object.old.as_ref().map(with_managed_fields);
            let with = with_policy(|h| h.validate(&admission_request(operation, &managed, old.as_ref()), &settings));
            let mut expected = without.clone();
            if let Some(fixed) = expected["mutated_object"].as_object_mut() {
                mutated += 1;
                fixed["metadata"]["managedFields"] = managed["metadata"]["managedFields"].clone();
                assert_eq!(
                    patch_for(&managed, &with).map(|p| serde_json::to_value(p).unwrap()),
                    patch_for(&object.value, &without).map(|p| serde_json::to_value(p).unwrap()),
                    "{name}"
                );
            }
            assert_eq!(with, expected, "{name}");
        }
    }
    assert!(mutated >= 5, "only {mutated} fixtures mutate: the survival of managedFields is barely tested");
}

/// An exemption path may select through anything in the object, `metadata.managedFields`
/// too: with exemption paths set, the object is judged whole, whether the settings are new
/// (the object read again) or those of the request before (read whole at once).
#[test]
fn exemption_paths_see_managed_fields() {
    let fixture = aisgate_tests::fixtures::load(
        &aisgate_tests::fixtures::repo_root()
            .join("fixtures/host-port-on-shared-node/deny-operator-statefulset-host-port.yaml"),
    );
    let sts = with_managed_fields(&fixture.objects[0].value);
    let settings = json!({"exemptions": [{"rules": ["host-port-on-shared-node"], "reason": "managed by the operator",
        "paths": ["$.spec.template.spec.containers[?$.metadata.managedFields[0].manager == 'ais-operator']"]}]});
    let host_port = "AIS020 host-port-on-shared-node";
    let message = |object: &Value| {
        let request = admission_request("CREATE", object, None);
        let (after_other_settings, after_same) = with_policy(|h| {
            h.validate(&request, &json!({}));
            (h.validate(&request, &settings), h.validate(&request, &settings))
        });
        assert_eq!(after_other_settings, after_same);
        after_same["message"].as_str().unwrap_or_default().to_owned()
    };
    let without = message(&fixture.objects[0].value);
    assert!(without.contains(host_port), "{without}");
    let exempt = message(&sts);
    assert!(!exempt.contains(host_port), "{exempt}");
    let mut other_manager = sts.clone();
    other_manager["metadata"]["managedFields"][0]["manager"] = json!("kubectl");
    assert_eq!(message(&other_manager), without);
}

/// Skipped is not unread: a managed field that is not JSON fails the request at the same
/// place as before, in `serde_json`'s words for a value it skips (for a trailing comma, that a
/// value was expected there).
#[test]
fn malformed_managed_fields_are_still_refused() {
    let pv =
        json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1", "managedFields": "HOLE"}});
    let payload =
        serde_json::to_string(&json!({"request": admission_request("CREATE", &pv, None), "settings": {}})).unwrap();
    for (hole, skipped_says) in
        [("[{\"manager\": tru}]", None), ("[\"\\q\"]", None), ("{\"a\" 1}", None), ("[1,]", Some("expected value"))]
    {
        let payload = payload.replace("\"HOLE\"", hole);
        let error = serde_json::from_str::<Value>(&payload).unwrap_err();
        let expected = match skipped_says {
            None => error.to_string(),
            Some(words) => format!("{words} at line {} column {}", error.line(), error.column()),
        };
        let answer = with_policy(|h| h.call_raw("validate", payload.as_bytes())).unwrap();
        assert_eq!(answer["accepted"], json!(false), "{hole}");
        assert_eq!(
            answer["message"],
            json!(format!("aisgate: cannot read the admission request: {expected}")),
            "{hole}"
        );
    }
}

#[test]
fn fields_unknown_to_k8s_openapi_survive_mutation() {
    let pv = json!({
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": "node1-pv-ais-sda", "labels": {"mpath": "pv-ais-sda"}, "x-future": {"kept": [1, 2]}},
        "spec": {
            "storageClassName": "ais-local-storage", "persistentVolumeReclaimPolicy": "Delete",
            "capacity": {"storage": "5T"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/ais/sda", "futureFlag": true},
            "volumeAttributesClassName": "fast", "someAlphaField": {"x": "y"},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["node1"]}]}]}}
        }
    });
    let response = with_policy(|h| h.validate(&admission_request("CREATE", &pv, None), &json!({})));
    assert_eq!(response["accepted"], json!(true), "{response}");
    let mut expected = pv.clone();
    expected["spec"]["persistentVolumeReclaimPolicy"] = json!("Retain");
    assert_eq!(response["mutated_object"], expected);
    let patch = patch_for(&pv, &response).unwrap();
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!([{"op": "replace", "path": "/spec/persistentVolumeReclaimPolicy", "value": "Retain"}])
    );
    assert_eq!(
        response["warnings"],
        json!(["AIS203 pv-reclaim-deletes-data: fixed: set persistentVolumeReclaimPolicy to Retain (was Delete)"])
    );
}

#[test]
fn mutation_switched_off_rejects_instead() {
    let pv = json!({
        "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"},
        "spec": {"storageClassName": "ais-local-storage", "persistentVolumeReclaimPolicy": "Recycle", "capacity": {"storage": "1Ti"},
                 "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/ais/sdb"},
                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["n1"]}]}]}}}
    });
    let settings = json!({"mutations": {"retainReclaimPolicy": false}});
    let response = with_policy(|h| h.validate(&admission_request("CREATE", &pv, None), &settings));
    assert_eq!(response["accepted"], json!(false));
    assert_eq!(
        response["message"],
        json!(
            "AIS203 pv-reclaim-deletes-data: reclaim policy Recycle destroys target data when the claim is released; set Retain"
        )
    );
    // On UPDATE the reclaim policy is not rewritten (create-only fix): the request is judged as is.
    let response = with_policy(|h| h.validate(&admission_request("UPDATE", &pv, Some(&pv)), &json!({})));
    assert_eq!(response["accepted"], json!(false));
    assert!(response["mutated_object"].is_null());
}

#[test]
fn settings_accepted_and_refused() {
    let cases = [
        (json!({}), json!({"valid": true, "message": null})),
        (
            json!({"rules": {"AIS034": "off"}, "mutations": {"addPodAntiAffinity": true}}),
            json!({"valid": true, "message": null}),
        ),
        (
            json!({"rules": {"mutable-image-tag": "ignore"}}),
            json!({"valid": false, "message": "settings: rules.mutable-image-tag: unknown variant `ignore`, expected one of `deny`, `warn`, `off`"}),
        ),
        (
            json!({"exemptions": [{"rules": ["AIS020"]}]}),
            json!({"valid": false, "message": "settings: exemptions[0].reason: required: say why these findings are accepted"}),
        ),
        (
            json!({"aisStorageClass": ["x"]}),
            json!({"valid": false, "message": "settings: (root): unknown field `aisStorageClass`, expected one of `rules`, `mutations`, `exemptions`, `aisStorageClasses`, `staticStorageClasses`, `topologyKeys`, `sharedNodeAnnotation`, `networkCsiDrivers`, `statefulSetSelector`, `clusterContext`, `limits`"}),
        ),
    ];
    for (settings, expected) in cases {
        let answer = with_policy(|h| h.call("validate_settings", &settings));
        assert_eq!(answer, expected, "{settings}");
    }
    let answer = with_policy(|h| h.call_raw("validate_settings", b"{not json").unwrap());
    assert_eq!(answer["valid"], json!(false));
    assert!(answer["message"].as_str().unwrap().starts_with("settings are not JSON: "), "{answer}");
}

#[test]
fn malformed_requests_are_rejected_with_a_reason_never_a_trap() {
    let sts = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "ais-target", "namespace": "ais",
        "labels": {"app.kubernetes.io/name": "ais", "app.kubernetes.io/component": "target", "app.kubernetes.io/managed-by": "ais-operator"}},
        "spec": {"replicas": "three"}});
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not json".to_vec(), "aisgate: cannot read the admission request: expected ident at line 1 column 2"),
        (
            serde_json::to_vec(&json!({"request": admission_request("CREATE", &sts, None), "settings": {}})).unwrap(),
            "aisgate: cannot read StatefulSet ais-target: $.spec.replicas: invalid type: string \"three\", expected i32",
        ),
        (
            serde_json::to_vec(&json!({"request": admission_request("CREATE", &json!({"apiVersion": "apps/v1beta2", "kind": "StatefulSet", "metadata": {"name": "x"}}), None), "settings": {}})).unwrap(),
            "aisgate: cannot read StatefulSet x: $.apiVersion: apiVersion `apps/v1beta2` is not supported for StatefulSet; expected `apps/v1`",
        ),
        (
            serde_json::to_vec(&json!({"request": admission_request("CREATE", &json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "x"}}), None), "settings": {"bogus": 1}})).unwrap(),
            "aisgate: invalid settings: (root): unknown field `bogus`, expected one of `rules`, `mutations`, `exemptions`, `aisStorageClasses`, `staticStorageClasses`, `topologyKeys`, `sharedNodeAnnotation`, `networkCsiDrivers`, `statefulSetSelector`, `clusterContext`, `limits`",
        ),
    ];
    for (payload, message) in cases {
        let answer = with_policy(|h| h.call_raw("validate", &payload)).unwrap_or_else(|e| panic!("trapped: {e}"));
        assert_eq!(answer["accepted"], json!(false), "{answer}");
        assert_eq!(answer["message"], json!(message));
    }
    // A request whose object is not an object at all.
    let mut request = admission_request("CREATE", &json!({"apiVersion": "v1", "kind": "PersistentVolume"}), None);
    request["object"] = json!([1, 2]);
    request["name"] = json!("pv1");
    let answer = with_policy(|h| h.validate(&request, &json!({})));
    assert_eq!(
        answer["message"],
        json!("aisgate: cannot read PersistentVolume pv1: $: expected a Kubernetes object (a JSON object)")
    );
}

#[test]
fn delete_and_foreign_objects_are_accepted_untouched() {
    let mut request = admission_request(
        "DELETE",
        &json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "x"}}),
        None,
    );
    request["object"] = Value::Null;
    let accepted = json!({"accepted": true, "message": null, "code": null, "mutated_object": null, "audit_annotations": null, "warnings": null});
    assert_eq!(with_policy(|h| h.validate(&request, &json!({}))), accepted);
    // A PV with a Delete policy that is not an AIS volume is none of aisgate's business.
    let pv = json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pg-data"},
        "spec": {"storageClassName": "standard", "persistentVolumeReclaimPolicy": "Delete", "capacity": {"storage": "10Gi"}}});
    assert_eq!(with_policy(|h| h.validate(&admission_request("CREATE", &pv, None), &json!({}))), accepted);
}

#[test]
fn annotations_on_the_object_cannot_exempt_it() {
    let pv = json!({"apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": "pv1", "annotations": {"aisgate.io/ignore": "AIS201,pv-without-node-affinity", "aisgate.io/ignore-reason": "trust me"}},
        "spec": {"storageClassName": "ais-local-storage", "capacity": {"storage": "1Ti"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/ais/sdb"}}});
    let answer = with_policy(|h| h.validate(&admission_request("CREATE", &pv, None), &json!({})));
    assert_eq!(answer["accepted"], json!(false));
    assert!(answer["message"].as_str().unwrap().contains("AIS201 pv-without-node-affinity"), "{answer}");
    // Settings can.
    let settings =
        json!({"exemptions": [{"rules": ["AIS201"], "names": ["pv*"], "reason": "lab node", "expires": "2099-12-31"}]});
    let answer = with_policy(|h| h.validate(&admission_request("CREATE", &pv, None), &settings));
    assert_eq!(answer["accepted"], json!(true), "{answer}");
    // An expired exemption does not.
    let settings = json!({"exemptions": [{"rules": ["AIS201"], "reason": "lab node", "expires": "2020-01-01"}]});
    let answer = with_policy(|h| h.validate(&admission_request("CREATE", &pv, None), &settings));
    assert_eq!(answer["accepted"], json!(false));
}
