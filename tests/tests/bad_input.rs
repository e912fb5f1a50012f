//! The bad-input corpus (`tests/bad-input/`) through the compiled policy: every payload is
//! answered (never a trap), the same as natively, and everything that cannot be read is
//! rejected with a reason. The CLI side of the same corpus is
//! `crates/aisgate-cli/tests/bad_input.rs`.

use std::path::{Path, PathBuf};

use aisgate_core::{Engine, Settings};
use aisgate_lint::{Limits, source};
use aisgate_tests::fixtures::{repo_root, today};
use aisgate_tests::wapc_host::{admission_request, with_policy};
use serde_json::{Value, json};

fn cases(kind: &str) -> Vec<PathBuf> {
    let dir = repo_root().join("tests/bad-input").join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// `validate` in the wasm module; the same answer natively.
fn validate(payload: &[u8]) -> Value {
    let answer = with_policy(|host| host.call_raw("validate", payload)).unwrap_or_else(|e| panic!("trapped: {e}"));
    let native = serde_json::to_value(aisgate_policy::evaluate(payload)).unwrap();
    assert_eq!(answer, native, "wasm and native answers differ");
    answer
}

#[test]
fn the_corpus_has_at_least_40_cases() {
    let total: usize = ["manifests", "admission", "settings"].iter().map(|kind| cases(kind).len()).sum();
    assert!(total >= 40, "{total} cases");
}

#[test]
fn admission_payloads_are_rejected_with_a_reason() {
    for path in cases("admission") {
        let name = stem(&path);
        let answer = validate(&std::fs::read(&path).unwrap());
        assert_eq!(answer["accepted"], json!(false), "{name}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| m.starts_with("aisgate: ")), "{name}: {answer}");
        insta::assert_yaml_snapshot!(format!("admission__{name}"), answer);
    }
}

#[test]
fn objects_read_from_bad_manifests_are_rejected_unless_readable() {
    let engine = Engine::new(Settings::default(), today());
    for path in cases("manifests") {
        let name = stem(&path);
        // Not UTF-8: nothing reaches the policy (the API server speaks UTF-8 JSON); the CLI test covers it.
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let parsed = source::parse(&text, &Limits::default());
        let mut answers = Vec::new();
        for document in &parsed.documents {
            for (_, object) in aisgate_lint::objects(document).unwrap_or_default() {
                let request = admission_request("CREATE", object, None);
                let answer = validate(&serde_json::to_vec(&json!({"request": request, "settings": {}})).unwrap());
                if let Err(error) = engine.check(object, None) {
                    assert_eq!(answer["accepted"], json!(false), "{name}: accepted what it cannot read: {answer}");
                    // The reason is the engine's, unless the object's name already spoils the request.
                    let message = answer["message"].as_str().unwrap();
                    assert!(
                        message.ends_with(&format!(": {error}"))
                            || message.starts_with("aisgate: cannot read the admission request: "),
                        "{name}: {message} does not give {error}"
                    );
                }
                let label = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                let object_name = format!("{} {}", label(&object["kind"]), label(&object["metadata"]["name"]));
                answers.push(json!({"object": object_name, "answer": answer}));
            }
        }
        if name.starts_with("finding-") {
            assert!(answers.iter().all(|a| a["answer"]["accepted"] == json!(false)), "{name}: {answers:?}");
        }
        insta::assert_yaml_snapshot!(
            format!("manifest__{name}"),
            json!({"readerError": parsed.error.map(|e| e.to_string()), "policy": answers})
        );
    }
}

#[test]
fn bad_settings_are_refused_by_validate_settings_and_validate() {
    let pv = json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"}, "spec": {"storageClassName": "standard"}});
    for path in cases("settings") {
        let name = stem(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = source::parse(&text, &Limits::default());
        let snapshot = if let Some(error) = parsed.error {
            // Not YAML at all: only the CLI reads settings files; its test covers it.
            json!({"readerError": error.to_string()})
        } else {
            let settings = parsed.documents.into_iter().next().map(|d| d.value).unwrap_or_default();
            let verdict =
                with_policy(|host| host.call_raw("validate_settings", &serde_json::to_vec(&settings).unwrap()))
                    .unwrap();
            assert_eq!(verdict["valid"], json!(false), "{name}: {verdict}");
            let message = verdict["message"].as_str().unwrap().to_owned();
            assert!(message.starts_with("settings: "), "{name}: {message}");
            let request = admission_request("CREATE", &pv, None);
            let answer = validate(&serde_json::to_vec(&json!({"request": request, "settings": settings})).unwrap());
            assert_eq!(answer["accepted"], json!(false), "{name}");
            assert_eq!(answer["message"], json!(format!("aisgate: invalid {message}")), "{name}");
            json!({"validate_settings": verdict})
        };
        insta::assert_yaml_snapshot!(format!("settings__{name}"), snapshot);
    }
}
