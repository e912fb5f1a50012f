//! Bugs found by fuzzing, property tests and the bad-input corpus, each pinned by the
//! smallest input that showed it. (The reader's end-of-input position is pinned next to
//! the reader: `syntax_error_at_end_of_input_points_at_the_last_line` in source.rs.)

use aisgate_core::engine::FixScope;
use aisgate_core::{Engine, Operation, Settings};
use aisgate_tests::fixtures::today;
use serde_json::{Value, json};

fn evaluate(request: &Value) -> Value {
    let payload = serde_json::to_vec(&json!({"request": request, "settings": {}})).unwrap();
    serde_json::to_value(aisgate_policy::evaluate(&payload)).unwrap()
}

fn pv() -> Value {
    json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"}, "spec": {"storageClassName": "standard"}})
}

/// proptest: `fix` was not idempotent. Moving the removed `spec.disablePodAntiAffinity` into
/// `targetSpec` (AIS001) turns on node sharing, which makes the host port an AIS020 finding
/// whose fix then only ran on the second `fix`. Fixes now run until nothing changes.
#[test]
fn fix_moves_removed_field_then_strips_the_host_port_it_exposes_in_one_pass() {
    let settings = Settings::from_json(&json!({"mutations": {"stripHostPortOnSharedNodes": true}})).unwrap();
    let engine = Engine::new(settings, today());
    let aistore = json!({"apiVersion": "ais.nvidia.com/v1beta1", "kind": "AIStore",
        "metadata": {"name": "ais", "namespace": "ais"},
        "spec": {"disablePodAntiAffinity": true, "proxySpec": {}, "stateStorage": {"hostPath": {"prefix": "/etc/ais"}},
                 "targetSpec": {"hostPort": 51080}}});
    let outcome = engine.check_and_fix(&aistore, None, Operation::Create, FixScope::Offline).unwrap().unwrap();
    let codes: Vec<&str> = outcome.changes.iter().map(|c| c.code).collect();
    assert_eq!(codes, ["AIS001", "AIS020"]);
    let fixed = outcome.fixed.unwrap();
    assert_eq!(fixed["spec"]["targetSpec"], json!({"disablePodAntiAffinity": true}));
    let again = engine.check_and_fix(&fixed, None, Operation::Create, FixScope::Offline).unwrap().unwrap();
    assert!(again.changes.is_empty() && again.fixed.is_none(), "{:?}", again.changes);
}

/// bad-input corpus: a request without an operation (or a misspelt one) was accepted
/// unchecked, as if it were a DELETE. Only DELETE and CONNECT are accepted unchecked now.
#[test]
fn unknown_operations_are_rejected_not_accepted_unchecked() {
    for operation in ["", "create", "PATCH"] {
        let request = json!({"uid": "u", "kind": {"group": "", "version": "v1", "kind": "PersistentVolume"},
            "name": "pv1", "operation": operation, "object": pv()});
        let answer = evaluate(&request);
        assert_eq!(answer["accepted"], json!(false), "{operation}");
        assert_eq!(
            answer["message"],
            json!(format!(
                "aisgate: cannot read the admission request: operation `{operation}`; expected CREATE, UPDATE, DELETE or CONNECT"
            ))
        );
    }
}

/// bad-input corpus: an UPDATE without `oldObject` skipped the update rules (AIS040) silently.
#[test]
fn update_without_old_object_is_rejected() {
    let request = json!({"uid": "u", "kind": {"group": "", "version": "v1", "kind": "PersistentVolume"},
        "name": "pv1", "operation": "UPDATE", "object": pv()});
    assert_eq!(
        evaluate(&request)["message"],
        json!("aisgate: cannot read the admission request: an UPDATE without oldObject")
    );
}

/// bad-input corpus: `apiVersion: core/v1` made a PVC "not a kind aisgate checks", so it was
/// accepted untouched (and skipped by the CLI) instead of being refused with the fix.
#[test]
fn core_v1_is_refused_with_the_right_api_version() {
    let engine = Engine::new(Settings::default(), today());
    let pvc = json!({"apiVersion": "core/v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "c", "namespace": "ais"}});
    assert_eq!(
        engine.check(&pvc, None).unwrap_err().to_string(),
        "$.apiVersion: apiVersion `core/v1` is not supported for PersistentVolumeClaim; expected `v1`"
    );
}
