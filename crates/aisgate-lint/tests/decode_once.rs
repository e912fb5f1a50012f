//! `Engine::check_and_decode` (one decoding per object, what `lint` uses) answers what
//! `Engine::check` and `context::decode_entry` answer on their own: on every object of the
//! fixtures and examples, as created, as updated from itself, and from an unreadable old
//! version; and on objects that fail to decode.

mod common;

use aisgate_core::context::decode_entry;
use aisgate_core::{Engine, Settings};
use aisgate_lint::{Limits, source};
use common::fixture_and_example_files;
use serde_json::{Value, json};

fn assert_same(engine: &Engine, object: &Value, old: Option<&Value>, what: &str) {
    let (checked, decoded) = engine.check_and_decode(object, old);
    assert_eq!(checked, engine.check(object, old), "{what}: the check");
    let alone = decode_entry(object, engine.settings());
    assert_eq!(format!("{decoded:?}"), format!("{alone:?}"), "{what}: the decoded object");
}

#[test]
fn decoding_once_answers_what_checking_and_decoding_answer() {
    let files = fixture_and_example_files();
    let engines = [
        Engine::new(Settings::default(), None),
        Engine::new(Settings::from_json(&json!({"aisStorageClasses": ["local-path", "standard"]})).unwrap(), None),
    ];
    let broken_old = json!({"apiVersion": "v1", "kind": "PersistentVolume", "spec": {"capacity": 5}});
    let mut objects = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let parsed = source::parse(&text, &Limits::default());
        for document in &parsed.documents {
            for (base, object) in aisgate_lint::objects(document).unwrap_or_default() {
                objects += 1;
                let what = format!("{} line {} {base}", path.display(), document.start.line);
                for engine in &engines {
                    assert_same(engine, object, None, &what);
                    assert_same(engine, object, Some(object), &what);
                    assert_same(engine, object, Some(&broken_old), &what);
                }
            }
        }
    }
    assert!(objects > 100, "{objects} objects");
    let engine = &engines[0];
    for object in [
        json!([1, 2]),
        json!({"apiVersion": 1, "kind": "PersistentVolume"}),
        json!({"apiVersion": "core/v1", "kind": "PersistentVolume", "metadata": {"name": "pv"}}),
        json!({"apiVersion": "v1", "kind": "PersistentVolume", "spec": {"capacity": 5}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"labels": 5}}),
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "provisioner": 5}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "b"}}),
    ] {
        assert_same(engine, &object, None, &object.to_string());
        assert_same(engine, &object, Some(&broken_old), &object.to_string());
    }
}
