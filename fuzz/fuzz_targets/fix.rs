//! `fix` (every mutation switched on) over the objects of arbitrary YAML text, at admission
//! and offline. Never a panic; a fixed object is still the same AIS object, fixing it again
//! changes nothing (idempotent), and its JSON Patch applies cleanly to the original and
//! touches only the places the changes name.
#![no_main]

use aisgate_core::engine::FixScope;
use aisgate_core::path::Segment;
use aisgate_core::{Engine, JsonPath, Operation, Settings};
use aisgate_lint::{Limits, source};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fn pointer(path: &JsonPath) -> String {
    path.segments()
        .iter()
        .map(|segment| match segment {
            Segment::Key(key) => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            Segment::Index(i) => format!("/{i}"),
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let settings = Settings::from_json(&json!({"mutations": {
        "retainReclaimPolicy": true, "addPodAntiAffinity": true,
        "stripHostPortOnSharedNodes": true, "migrateDeprecatedFields": true}}))
    .expect("valid settings");
    let engine = Engine::new(settings, aisgate_core::settings::parse_date("2026-11-21"));
    let parsed = source::parse(text, &Limits::default());
    for document in &parsed.documents {
        for (_, object) in aisgate_lint::objects(document).unwrap_or_default() {
            for scope in [FixScope::Admission, FixScope::Offline] {
                let Ok(Some(outcome)) = engine.check_and_fix(object, None, Operation::Create, scope) else { continue };
                let Some(fixed) = outcome.fixed else {
                    assert!(outcome.changes.is_empty());
                    continue;
                };
                assert!(!outcome.changes.is_empty(), "changed without a change record");
                let again = engine
                    .check_and_fix(&fixed, None, Operation::Create, scope)
                    .expect("the fixed object decodes")
                    .expect("the fixed object is still an AIS object");
                assert!(again.changes.is_empty(), "not idempotent: {:?}", again.changes);
                let patch = json_patch::diff(object, &fixed);
                let mut patched = object.clone();
                json_patch::patch(&mut patched, &patch).expect("the patch applies to the original");
                assert_eq!(patched, fixed);
                let allowed: Vec<String> = outcome.changes.iter().map(|c| pointer(&c.path.parent())).collect();
                for operation in &patch.0 {
                    let path = operation.path().to_string();
                    assert!(
                        allowed.iter().any(|a| path.starts_with(a.as_str())),
                        "patch touches {path}, outside {allowed:?}"
                    );
                }
            }
        }
    }
});
