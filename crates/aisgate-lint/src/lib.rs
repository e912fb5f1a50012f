//! Offline linting, shared by the `aisgate` CLI and the JavaScript package: manifests in
//! (files' text), the versioned JSON report out. No file IO here; callers read the files.

pub mod fix;
pub mod report;
pub mod source;

use std::collections::HashMap;

use aisgate_core::{Engine, JsonPath, ObjectRef, registry};
use serde_json::Value;

pub use fix::{AppliedChange, FixOutcome, FixedFile, fix};
pub use report::{LintReport, ReportError, ReportFinding, ReportObject, Summary, SuppressedBy};
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

/// The annotation that exempts an object from rules offline (`aisgate.io/ignore: AIS020,mutable-image-tag`).
pub const IGNORE_ANNOTATION: &str = "aisgate.io/ignore";
/// The reason an [`IGNORE_ANNOTATION`] must come with.
pub const IGNORE_REASON_ANNOTATION: &str = "aisgate.io/ignore-reason";

/// Rule codes an object's annotation exempts, and the reason given.
struct AnnotationExemption {
    codes: Vec<&'static str>,
    reason: String,
}

/// The rules an object's own annotations exempt it from, offline only: admission never reads
/// them (an object must not exempt itself there). `Err` holds the annotation's path and what
/// is wrong with it.
fn annotation_exemption(object: &Value) -> Result<Option<AnnotationExemption>, (JsonPath, String)> {
    let annotations = JsonPath::from_keys("metadata.annotations");
    let Some(ignore) = annotations.key(IGNORE_ANNOTATION).lookup(object) else { return Ok(None) };
    let at = annotations.key(IGNORE_ANNOTATION);
    let Some(list) = ignore.as_str() else {
        return Err((at, format!("{IGNORE_ANNOTATION} must be a string: rule codes or names, comma-separated")));
    };
    let mut codes = Vec::new();
    for name in list.split(',').map(str::trim).filter(|name| !name.is_empty()) {
        let Some(rule) = registry::find(name) else {
            return Err((at, format!("{IGNORE_ANNOTATION}: no rule `{name}`; `aisgate rules` lists them")));
        };
        codes.push(rule.meta().code);
    }
    let reason = annotations.key(IGNORE_REASON_ANNOTATION).lookup(object).and_then(Value::as_str).map(str::trim);
    match reason {
        Some(reason) if !reason.is_empty() => Ok(Some(AnnotationExemption { codes, reason: reason.to_owned() })),
        _ => Err((
            at,
            format!("{IGNORE_ANNOTATION} needs {IGNORE_REASON_ANNOTATION}: say why these findings are accepted"),
        )),
    }
}

/// The object's reference as reports show it, for any Kubernetes object.
fn object_ref(value: &Value) -> ObjectRef {
    let (api_version, kind, namespace, name) = identity(value);
    ObjectRef { api_version, kind, namespace: (!namespace.is_empty()).then_some(namespace), name }
}

/// Lints `inputs`; `old` holds previous versions of objects for update rules. Every input is
/// read before any is judged, so rules across objects can see them all.
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
    let parsed: Vec<Parsed> = inputs.iter().map(|input| source::parse(input.text, limits)).collect();
    for (input, parsed) in inputs.iter().zip(&parsed) {
        report.summary.files += 1;
        let (first_finding, first_suppressed) = (report.findings.len(), report.suppressed.len());
        for document in &parsed.documents {
            report.summary.documents += 1;
            let Some(found) = objects(document) else {
                report.summary.skipped += 1;
                continue;
            };
            for (base, value) in found {
                report.summary.objects += 1;
                let start = document.position(&base);
                let mut entry = ReportObject {
                    object: object_ref(value),
                    file: input.name.to_owned(),
                    line: start.line,
                    column: start.column,
                    checked: false,
                };
                let old = previous.get(&identity(value)).copied();
                match engine.check(value, old) {
                    Ok(Some(checked)) => {
                        entry.checked = true;
                        let exemption = match annotation_exemption(value) {
                            Ok(exemption) => exemption,
                            Err((path, message)) => {
                                let at = document.position(&source::join(&base, &path));
                                report.errors.push(ReportError::new(input.name, at.line, at.column, message));
                                None
                            }
                        };
                        for finding in checked.findings {
                            let suppressed = exemption
                                .as_ref()
                                .filter(|exemption| exemption.codes.contains(&finding.code))
                                .map(|exemption| (SuppressedBy::Annotation, exemption.reason.clone()));
                            report.push_finding(input.name, document, &base, finding, suppressed);
                        }
                        for suppressed in checked.suppressed {
                            let by = Some((SuppressedBy::Settings, suppressed.reason));
                            report.push_finding(input.name, document, &base, suppressed.finding, by);
                        }
                    }
                    Ok(None) => {}
                    Err(error) => {
                        let at = document.position(&source::join(&base, &error.path));
                        report.errors.push(ReportError::new(input.name, at.line, at.column, error.to_string()));
                    }
                }
                report.objects.push(entry);
            }
        }
        if let Some(error) = &parsed.error {
            report.errors.push(ReportError::new(input.name, error.line, error.column, error.message.clone()));
        }
        // Within a file, findings in text order.
        let order = |f: &ReportFinding| (f.line, f.column, f.code, f.message.clone());
        report.findings.get_mut(first_finding..).unwrap_or_default().sort_by_key(order);
        report.suppressed.get_mut(first_suppressed..).unwrap_or_default().sort_by_key(order);
    }
    report.finish();
    report
}
