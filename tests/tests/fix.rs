//! `fix` over every fixture: the text it writes reads back as exactly what the engine fixed,
//! documents it does not change stay byte-identical, and fixing its own output changes nothing.

use aisgate_core::engine::FixScope;
use aisgate_core::{Engine, JsonPath, Operation, Settings};
use aisgate_lint::source::{self, Limits};
use aisgate_lint::{Input, fix, objects};
use aisgate_tests::fixtures::{all_fixtures, today};
use serde_json::{Value, json};

/// The fixture's settings, and the same with every mutation switched on.
fn engines(settings_json: &Value) -> Vec<Engine> {
    let mut all_on = if settings_json.is_object() { settings_json.clone() } else { json!({}) };
    all_on["mutations"] = json!({"retainReclaimPolicy": true, "addPodAntiAffinity": true,
        "stripHostPortOnSharedNodes": true, "migrateDeprecatedFields": true});
    [settings_json.clone(), all_on]
        .iter()
        .map(|json| Engine::new(Settings::from_json(json).unwrap(), today()))
        .collect()
}

#[test]
fn fix_reads_back_as_the_engine_fix_keeps_untouched_documents_and_is_idempotent() {
    let limits = Limits::default();
    let mut fixed_documents = 0;
    for fixture in all_fixtures() {
        for engine in engines(&fixture.settings_json) {
            let input = Input { name: "fixture.yaml", text: &fixture.text };
            let outcome = fix(&engine, &[input], &limits);
            assert_eq!(outcome.errors, [], "{}", fixture.name);
            let fixed = &outcome.files[0];
            let before = source::parse(&fixture.text, &limits);
            let after = source::parse(&fixed.text, &limits);
            assert_eq!(after.error, None, "{}: fixed text unreadable:\n{}", fixture.name, fixed.text);
            assert_eq!(before.documents.len(), after.documents.len(), "{}", fixture.name);
            for (old, new) in before.documents.iter().zip(&after.documents) {
                let mut expected = old.value.clone();
                for (base, value) in objects(old).unwrap_or_default() {
                    let outcome = engine.check_and_fix(value, None, Operation::Create, FixScope::Offline).unwrap();
                    if let Some(object) = outcome.and_then(|o| o.fixed) {
                        *base.lookup_mut(&mut expected).unwrap() = object;
                    }
                }
                assert_eq!(new.value, expected, "{}: fixed document differs from the engine's fix", fixture.name);
                let span = |text: &str, document: &source::Document| {
                    document.node(&JsonPath::root()).map(|node| text[node.span.clone()].to_owned())
                };
                if expected == old.value {
                    assert_eq!(
                        span(&fixture.text, old),
                        span(&fixed.text, new),
                        "{}: untouched document changed",
                        fixture.name
                    );
                } else {
                    fixed_documents += 1;
                }
            }
            let again = fix(&engine, &[Input { name: "fixture.yaml", text: &fixed.text }], &limits);
            assert_eq!(again.files[0].text, fixed.text, "{}: fix of fix changed the text", fixture.name);
            assert_eq!(again.files[0].changes, [], "{}", fixture.name);
            // Everything outside the changed documents is byte-identical, comments included.
            if fixed.changes.is_empty() {
                assert_eq!(fixed.text, fixture.text, "{}", fixture.name);
            }
        }
    }
    assert!(fixed_documents >= 10, "only {fixed_documents} fixture documents were fixed");
}
