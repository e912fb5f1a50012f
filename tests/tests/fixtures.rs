//! Every fixture through the engine.
//!
//! `fixtures/<rule-name>/deny-*.yaml` must raise that rule exactly at the paths its
//! `# expect: <path>` header lines list; `allow-*.yaml` must not raise it. Every finding of
//! every rule (message, path, position) and every admission fix is snapshotted, so wording
//! changes show up in review. A fixture may carry `# settings: <json>` and an old version
//! for update rules in `<name>.old.yaml`.

use std::fmt::Write as _;

use aisgate_core::engine::FixScope;
use aisgate_core::{Engine, Operation, registry};
use aisgate_tests::fixtures::{Fixture, all_fixtures};

fn render(fixture: &Fixture) -> String {
    let engine = Engine::new(fixture.settings.clone(), aisgate_tests::fixtures::today());
    let mut out = String::new();
    for object in &fixture.objects {
        let operation = if object.old.is_some() { Operation::Update } else { Operation::Create };
        let outcome = engine
            .check_and_fix(&object.value, object.old.as_ref(), operation, FixScope::Admission)
            .unwrap_or_else(|e| panic!("{}: {e}", fixture.name));
        let Some(outcome) = outcome else {
            let _ = writeln!(out, "{}: not an AIS object", object.label);
            continue;
        };
        let before = engine.check(&object.value, object.old.as_ref()).unwrap().unwrap();
        for finding in &before.findings {
            let at = object.document.position(&aisgate_lint::source::join(&object.base, &finding.path));
            let _ = write!(
                out,
                "{} {} {} {} {}:{}\n    {}\n",
                finding.object, finding.code, finding.rule, finding.severity, at.line, at.column, finding.path
            );
            let _ = writeln!(out, "    {}", finding.message);
        }
        for change in &outcome.changes {
            let _ = writeln!(out, "{}: admission: {}", object.label, change.headline());
        }
        if !outcome.changes.is_empty() {
            let verdict = if outcome.report.denied() { "still denied" } else { "admitted" };
            let _ = writeln!(out, "{}: after fixes: {verdict}", object.label);
        }
    }
    out
}

#[test]
fn every_fixture_raises_exactly_what_it_expects() {
    let fixtures = all_fixtures();
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let engine = Engine::new(fixture.settings.clone(), aisgate_tests::fixtures::today());
        let mut paths = Vec::new();
        for object in &fixture.objects {
            let report =
                engine.check(&object.value, object.old.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", fixture.name));
            for finding in report.iter().flat_map(|r| &r.findings) {
                if finding.message.chars().count() > 120 {
                    failures.push(format!("{}: message over 120 characters: {}", fixture.name, finding.message));
                }
                if finding.rule == fixture.rule {
                    paths.push(finding.path.to_string());
                }
            }
        }
        paths.sort();
        let mut expected = fixture.expected_paths.clone();
        expected.sort();
        if fixture.deny && expected.is_empty() {
            failures.push(format!("{}: a deny fixture needs `# expect: <path>` lines", fixture.name));
        }
        if paths != expected {
            failures.push(format!("{}: {} raised at {paths:?}, expected {expected:?}", fixture.name, fixture.rule));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(fixtures.len() >= 2 * registry::RULES.len(), "only {} fixtures", fixtures.len());
}

#[test]
fn fixture_findings_snapshots() {
    for fixture in all_fixtures() {
        insta::with_settings!({snapshot_suffix => fixture.name.replace('/', "__"), prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!("fixture", render(&fixture));
        });
    }
}
