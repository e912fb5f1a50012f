//! Reading split into parts on several threads gives the report one reader gives: every
//! fixture and example alone, and all of them as one stream (where a part may start after
//! a syntax error, or hold a bundle finding whose document is read again); the rules across
//! objects run on several threads too.

mod common;

use std::path::Path;

use aisgate_core::{Engine, Settings};
use aisgate_lint::{Input, Limits, LintReport, Parallelism};
use common::{fixture_and_example_files, repo_root};

fn lint(inputs: &[Input<'_>], parallelism: Parallelism) -> (String, Vec<String>) {
    let engine = Engine::new(Settings::default(), None);
    let limits = Limits { max_input_bytes: usize::MAX, ..Limits::default() };
    let read = aisgate_lint::read_with(&engine, inputs, &[], &limits, parallelism);
    let inventory = read.inventory();
    let analysis = aisgate_core::bundle::Analysis::new(&inventory, engine.settings());
    let report: LintReport = read.judge(&engine, &inventory, &analysis);
    let objects = report.objects.iter().map(|o| format!("{o:?}")).collect();
    (serde_json::to_string_pretty(&report).unwrap(), objects)
}

const ONE: Parallelism = Parallelism { threads: 1, min_part_bytes: usize::MAX, min_parallel_objects: usize::MAX };
/// A part per document marker, on three threads; the rules across objects on three threads too.
const MANY: Parallelism = Parallelism { threads: 3, min_part_bytes: 1, min_parallel_objects: 1 };

#[test]
fn split_reading_reports_what_one_reader_reports() {
    let root = repo_root();
    let files = fixture_and_example_files();
    assert!(files.len() > 50, "{} files", files.len());
    let texts: Vec<(String, String)> = files
        .iter()
        .filter_map(|p| Some((p.strip_prefix(&root).ok()?.display().to_string(), std::fs::read_to_string(p).ok()?)))
        .collect();
    for (name, text) in &texts {
        let inputs = [Input { name, text }];
        assert_eq!(lint(&inputs, ONE), lint(&inputs, MANY), "{name}");
    }
    // All as one stream, documents separated by markers (but for the few that are never
    // split: with aliases, directives or lone carriage returns).
    let mut stream = String::new();
    for (_, text) in &texts {
        if text.contains('*') || !aisgate_lint::source::splittable(text) {
            continue;
        }
        stream.push_str("---\n");
        stream.push_str(text);
        if !stream.ends_with('\n') {
            stream.push('\n');
        }
    }
    let parts = aisgate_lint::source::split(&stream, 8);
    assert_eq!(parts.len(), 8, "the stream is split");
    let inputs = [Input { name: "all.yaml", text: &stream }];
    let (report, _) = lint(&inputs, ONE);
    assert!(report.contains("\"AIS404\""), "findings across objects");
    assert_eq!(lint(&inputs, ONE), lint(&inputs, MANY));
    // A syntax error in the middle: what follows is not read.
    let middle = parts[4].start;
    let broken = format!("{}---\nkind: [1,\n{}", &stream[..middle], &stream[middle..]);
    let inputs = [Input { name: "broken.yaml", text: &broken }];
    let (report, _) = lint(&inputs, ONE);
    assert!(report.contains("YAML syntax error"), "an error");
    assert_eq!(lint(&inputs, ONE), lint(&inputs, MANY));
    // And every file at once, each split.
    let inputs: Vec<Input<'_>> = texts.iter().map(|(name, text)| Input { name, text }).collect();
    assert_eq!(lint(&inputs, ONE), lint(&inputs, MANY));
}

#[test]
fn splits_at_document_markers_only() {
    let text = "a: 1\n---\nb: |\n  ---x\n---   \nc: 3\n----\n--- # c\nd: 4\n";
    let parts = aisgate_lint::source::split(text, 10);
    let starts: Vec<&str> = parts.iter().map(|r| &text[r.start..r.start + 4]).collect();
    assert_eq!(starts, vec!["a: 1", "---\n", "--- ", "--- "]);
    assert_eq!(parts.last().unwrap().end, text.len());
    // Directives and lone carriage returns keep a text whole.
    assert_eq!(aisgate_lint::source::split("%YAML 1.2\n---\na: 1\n---\nb: 2\n", 4).len(), 1);
    assert_eq!(aisgate_lint::source::split("a: 1\r---\rb: 2\r", 4).len(), 1);
}

/// Files that cannot be read a document at a time (a directive, lone carriage returns) are
/// read again in one pass for their findings across objects, which land where they would
/// in the same documents without the directive or with `\n` line breaks.
#[test]
fn findings_across_objects_in_files_read_whole() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/bundles/seed-same-disk-twice");
    let aistore = std::fs::read_to_string(root.join("aistore.yaml")).unwrap();
    let storage = std::fs::read_to_string(root.join("storage.yaml")).unwrap();
    let findings = |storage: &str| {
        let inputs = [Input { name: "aistore.yaml", text: &aistore }, Input { name: "storage.yaml", text: storage }];
        let (report, _) = lint(&inputs, MANY);
        let report: serde_json::Value = serde_json::from_str(&report).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"] == "storage.yaml")
            .map(|f| (f["code"].to_string(), f["path"].to_string(), f["line"].as_u64().unwrap()))
            .collect::<Vec<_>>()
    };
    let plain = findings(&storage);
    assert_eq!(plain.len(), 2, "{plain:?}");
    let directive = findings(&format!("%YAML 1.2\n---\n{storage}"));
    let shifted: Vec<_> = plain.iter().map(|(code, path, line)| (code.clone(), path.clone(), line + 2)).collect();
    assert_eq!(directive, shifted);
    assert_eq!(findings(&storage.replace('\n', "\r")), plain);
}
