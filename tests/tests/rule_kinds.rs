//! The kinds each rule on one object declares (`kinds:` in `declare_rule!`) are right: the
//! engine calls a rule's check only on objects of those kinds, so a rule must find nothing on
//! any other kind. Every rule runs here on every object of the fixtures, the bundle scenarios,
//! the examples and the corpus (when present), with the old version of each object where a
//! fixture has one and with the object as its own old version, bypassing the engine.

use std::path::Path;

use aisgate_core::registry::RULES;
use aisgate_core::rule::{Check, Kinds};
use aisgate_core::{Engine, Settings};
use aisgate_tests::fixtures::{all_fixtures, all_scenarios, repo_root};
use serde_json::Value;

/// An object to judge, with its previous version if it has one, and the settings it is read with.
struct Sample {
    origin: String,
    object: Value,
    old: Option<Value>,
    settings: Settings,
}

fn objects_of(text: &str) -> Vec<Value> {
    let parsed = aisgate_lint::source::parse(text, &aisgate_lint::Limits::default());
    let mut out = Vec::new();
    for document in &parsed.documents {
        for (_, value) in aisgate_lint::objects(document).unwrap_or_default() {
            out.push(value.clone());
        }
    }
    out
}

fn files_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return files };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_in(&path));
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn samples() -> Vec<Sample> {
    let mut samples = Vec::new();
    for fixture in all_fixtures() {
        for object in fixture.objects {
            samples.push(Sample {
                origin: format!("fixtures/{} {}", fixture.name, object.label),
                object: object.value,
                old: object.old,
                settings: fixture.settings.clone(),
            });
        }
    }
    for scenario in all_scenarios() {
        for object in scenario.objects() {
            let origin = format!("fixtures/bundles/{}", scenario.name);
            samples.push(Sample { origin, object, old: None, settings: scenario.settings.clone() });
        }
    }
    let corpus = repo_root().join("../shared/corpus");
    for file in files_in(&repo_root().join("examples")).into_iter().chain(files_in(&corpus)) {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        for object in objects_of(&text) {
            let origin = file.display().to_string();
            samples.push(Sample { origin, object, old: None, settings: Settings::default() });
        }
    }
    samples
}

#[test]
fn every_rule_finds_nothing_on_kinds_it_does_not_declare() {
    let samples = samples();
    let mut judged = [0_usize; 4];
    let mut calls = 0;
    for sample in &samples {
        let engine = Engine::new(sample.settings.clone(), None);
        let Ok(Some(subject)) = engine.decode(&sample.object) else { continue };
        let kind = subject.object.kind();
        judged[kind as usize] += 1;
        let old = sample.old.as_ref().and_then(|old| engine.decode(old).ok().flatten());
        let olds = [None, Some(&subject), old.as_ref()];
        for rule in RULES.iter().filter(|rule| rule.meta().scope.per_object()) {
            let meta = rule.meta();
            if meta.kinds.contains(kind) {
                continue;
            }
            for old in olds {
                let check = Check { subject: &subject, old, settings: engine.settings() };
                let mut violations = Vec::new();
                rule.check(&check, &mut violations);
                calls += 1;
                assert!(
                    violations.is_empty(),
                    "{} ({}) found {violations:?} on {kind:?} ({}), a kind it does not declare",
                    meta.code,
                    meta.name,
                    sample.origin
                );
            }
        }
    }
    // Every kind is represented, by several objects (103, 56, 78 and 9 when written).
    assert!(judged.iter().all(|&n| n >= 5), "objects judged per kind: {judged:?}");
    assert!(calls > 1000, "{calls} calls");
}

#[test]
fn every_rule_on_one_object_judges_some_kind() {
    for rule in RULES {
        let meta = rule.meta();
        if meta.scope.per_object() {
            assert_ne!(meta.kinds, Kinds::NONE, "{}: judges no kind", meta.code);
        }
    }
}
