//! Offline linting, shared by the `aisgate` CLI and the JavaScript package: manifests in
//! (files' text), the versioned JSON report out. No file IO here; callers read the files.

pub mod report;
pub mod source;

use std::collections::HashMap;

use aisgate_core::{Engine, JsonPath};
use serde_json::Value;

pub use report::{LintReport, ReportError, ReportFinding, Summary};
pub use source::{Document, Limits, Parsed, Position, SourceError};

/// One input: a file name (or `-` for stdin) and its text.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// A Kubernetes object found in a document: the document itself or one item of a `List`.
#[derive(Debug, Clone, Copy)]
pub struct Manifest<'d> {
    pub document: &'d Document,
    /// Where the object sits in its document (`$` or `$.items[3]`).
    pub base: &'d JsonPath,
    pub value: &'d Value,
}

fn is_kubernetes_object(value: &Value) -> bool {
    value.get("apiVersion").is_some_and(Value::is_string) && value.get("kind").is_some_and(Value::is_string)
}

/// The Kubernetes objects of a document, with `List` kinds expanded; `None` when the
/// document is not a Kubernetes object (Helm values, empty documents).
#[must_use]
pub fn objects(document: &Document) -> Option<Vec<(JsonPath, &Value)>> {
    let value = &document.value;
    if !is_kubernetes_object(value) {
        return None;
    }
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
    if kind.ends_with("List")
        && let Some(items) = value.get("items").and_then(Value::as_array)
    {
        let base = JsonPath::root().key("items");
        return Some(
            items
                .iter()
                .enumerate()
                .filter(|(_, item)| is_kubernetes_object(item))
                .map(|(i, item)| (base.index(i), item))
                .collect(),
        );
    }
    Some(vec![(JsonPath::root(), value)])
}

/// Identity of an object for matching `--old` versions.
fn identity(value: &Value) -> (String, String, String, String) {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
    let metadata = value.get("metadata");
    (
        text(value.get("apiVersion")),
        text(value.get("kind")),
        text(metadata.and_then(|m| m.get("namespace"))),
        text(metadata.and_then(|m| m.get("name"))),
    )
}

/// Lints `inputs`; `old` holds previous versions of objects for update rules.
#[must_use]
pub fn lint(engine: &Engine, inputs: &[Input<'_>], old: &[Input<'_>], limits: &Limits) -> LintReport {
    let mut report = LintReport::default();
    let old_parsed: Vec<(&str, Parsed)> =
        old.iter().map(|input| (input.name, source::parse(input.text, limits))).collect();
    let mut previous: HashMap<_, &Value> = HashMap::new();
    for (name, parsed) in &old_parsed {
        if let Some(error) = &parsed.error {
            report.errors.push(ReportError::new(name, error.line, error.column, error.message.clone()));
        }
        for document in &parsed.documents {
            for (_, value) in objects(document).unwrap_or_default() {
                previous.insert(identity(value), value);
            }
        }
    }
    let mut total_bytes = 0_usize;
    'inputs: for input in inputs {
        report.summary.files += 1;
        total_bytes = total_bytes.saturating_add(input.text.len());
        if total_bytes > limits.max_total_bytes {
            let what = format!("this input brings the run to {total_bytes} bytes; it is not read");
            report.errors.push(ReportError::new(
                input.name,
                1,
                1,
                Limits::refusal(&what, limits.max_total_bytes, "bytes", "maxTotalBytes"),
            ));
            continue;
        }
        let parsed = source::parse(input.text, limits);
        for document in &parsed.documents {
            report.summary.documents += 1;
            let Some(found) = objects(document) else {
                report.summary.skipped += 1;
                continue;
            };
            // A List item that is not an object is not checked: say so rather than drop it.
            let is_list = document.value.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List"));
            let items = document.value.get("items").and_then(Value::as_array).filter(|_| is_list);
            for (i, _) in items.into_iter().flatten().enumerate().filter(|(_, item)| !is_kubernetes_object(item)) {
                let at = document.position(&JsonPath::root().key("items").index(i));
                report.errors.push(ReportError::new(
                    input.name,
                    at.line,
                    at.column,
                    format!("$.items[{i}] is not a Kubernetes object (it needs apiVersion and kind); not checked"),
                ));
            }
            for (base, value) in found {
                if report.summary.objects == limits.max_objects {
                    let at = document.position(&base);
                    let what = "too many objects; this one and all after it are not checked";
                    report.errors.push(ReportError::new(
                        input.name,
                        at.line,
                        at.column,
                        Limits::refusal(what, limits.max_objects, "objects", "maxObjects"),
                    ));
                    break 'inputs;
                }
                report.summary.objects += 1;
                let old = previous.get(&identity(value)).copied();
                match engine.check(value, old) {
                    Ok(Some(checked)) => {
                        for finding in checked.findings {
                            report.push_finding(input.name, document, &base, finding, None);
                        }
                        for suppressed in checked.suppressed {
                            report.push_finding(
                                input.name,
                                document,
                                &base,
                                suppressed.finding,
                                Some(suppressed.reason),
                            );
                        }
                    }
                    Ok(None) => {}
                    Err(error) => {
                        let at = document.position(&source::join(&base, &error.path));
                        report.errors.push(ReportError::new(input.name, at.line, at.column, error.to_string()));
                    }
                }
            }
        }
        if let Some(error) = parsed.error {
            report.errors.push(ReportError::new(input.name, error.line, error.column, error.message));
        }
    }
    report.finish();
    report
}
