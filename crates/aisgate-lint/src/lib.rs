//! Offline linting, shared by the `aisgate` CLI and the JavaScript package: manifests in
//! (files' text), the versioned JSON report out. No file IO here; callers read the files.

pub mod catalog;
pub mod fix;
pub mod read;
pub mod report;
pub mod settings;
pub mod source;

use std::collections::HashMap;

use aisgate_core::{Engine, Inventory, JsonPath, ObjectRef, bundle::Analysis, registry};
use serde_json::Value;

pub use fix::{AppliedChange, FixOutcome, FixedFile, fix};
pub use read::{Parallelism, Read, read, read_with};
pub use report::{LintReport, RelatedObject, ReportError, ReportFinding, ReportObject, Summary, SuppressedBy};
pub use settings::{SettingsTextError, parse_settings, parse_settings_value};
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

pub(crate) fn is_kubernetes_object(value: &Value) -> bool {
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

/// An object's `apiVersion`, kind, namespace and name as written; `""` for each one absent
/// or not a string.
fn written_identity(value: &Value) -> (&str, &str, &str, &str) {
    fn text(value: Option<&Value>) -> &str {
        value.and_then(Value::as_str).unwrap_or_default()
    }
    let metadata = value.get("metadata");
    (
        text(value.get("apiVersion")),
        text(value.get("kind")),
        text(metadata.and_then(|m| m.get("namespace"))),
        text(metadata.and_then(|m| m.get("name"))),
    )
}

/// Identity of an object for matching `--old` versions.
pub(crate) fn identity(value: &Value) -> (String, String, String, String) {
    let (api_version, kind, namespace, name) = written_identity(value);
    (api_version.to_owned(), kind.to_owned(), namespace.to_owned(), name.to_owned())
}

/// Where an object of the inputs is: its file, document and place in the document.
#[derive(Debug, Clone, Copy)]
pub struct Location<'d> {
    pub file: &'d str,
    pub document: &'d Document,
    pub base: &'d JsonPath,
}

impl Location<'_> {
    /// The line and column of `path` inside the object.
    #[must_use]
    pub fn position(&self, path: &JsonPath) -> Position {
        self.document.position(&source::join(self.base, path))
    }
}

/// Every object of some parsed inputs, in order, with where it is.
#[derive(Debug)]
pub struct Gathered<'d> {
    pub objects: Vec<(Location<'d>, &'d Value)>,
}

/// Parsed inputs and the positions of their objects' `List` items.
#[derive(Debug)]
pub struct ParsedInputs<'a> {
    pub files: Vec<(&'a str, Parsed)>,
    /// Per file and document, where its objects sit; `None`: not a Kubernetes object.
    bases: Vec<Vec<Option<Vec<JsonPath>>>>,
}

impl<'a> ParsedInputs<'a> {
    /// Parses every input.
    #[must_use]
    pub fn parse(inputs: &[Input<'a>], limits: &Limits) -> Self {
        let files: Vec<(&str, Parsed)> = inputs.iter().map(|i| (i.name, source::parse(i.text, limits))).collect();
        let bases = files
            .iter()
            .map(|(_, parsed)| {
                parsed
                    .documents
                    .iter()
                    .map(|d| objects(d).map(|found| found.into_iter().map(|(base, _)| base).collect()))
                    .collect()
            })
            .collect();
        Self { files, bases }
    }

    /// Every Kubernetes object, with its location.
    #[must_use]
    pub fn gather(&self) -> Gathered<'_> {
        let mut gathered = Vec::new();
        for ((name, parsed), bases) in self.files.iter().zip(&self.bases) {
            for (document, bases) in parsed.documents.iter().zip(bases) {
                let Some(bases) = bases else { continue };
                for ((_, value), base) in objects(document).unwrap_or_default().into_iter().zip(bases) {
                    gathered.push((Location { file: name, document, base }, value));
                }
            }
        }
        Gathered { objects: gathered }
    }
}

/// Fills a context with every object gathered; an object's origin is its index in
/// `gathered.objects`. Returns the objects that could not be read as context (kinds the
/// single-object check does not read: StorageClass, Node) with their errors.
#[must_use]
pub fn inventory<'d>(
    engine: &Engine,
    gathered: &Gathered<'d>,
) -> (Inventory<'d>, Vec<(usize, aisgate_core::DecodeError)>) {
    let mut inventory = Inventory::new();
    let mut errors = Vec::new();
    for (origin, (_, value)) in gathered.objects.iter().enumerate() {
        if let Err(error) = inventory.insert(value, origin, engine.settings()) {
            errors.push((origin, error));
        }
    }
    (inventory, errors)
}

/// The annotation that exempts an object from rules offline (`aisgate.io/ignore: AIS020,mutable-image-tag`).
pub const IGNORE_ANNOTATION: &str = "aisgate.io/ignore";
/// The reason an [`IGNORE_ANNOTATION`] must come with.
pub const IGNORE_REASON_ANNOTATION: &str = "aisgate.io/ignore-reason";

/// Rule codes an object's annotation exempts, and the reason given.
#[derive(Debug)]
pub(crate) struct AnnotationExemption {
    codes: Vec<&'static str>,
    reason: String,
}

/// The rules an object's own annotations exempt it from, offline only: admission never reads
/// them (an object must not exempt itself there). `Err` holds the annotation's path and what
/// is wrong with it.
pub(crate) fn annotation_exemption(object: &Value) -> Result<Option<AnnotationExemption>, (JsonPath, String)> {
    let on = |key: &str| object.get("metadata").and_then(|m| m.get("annotations")).and_then(|a| a.get(key));
    // Most objects have no such annotation: no path is built for them.
    let Some(ignore) = on(IGNORE_ANNOTATION) else { return Ok(None) };
    let at = JsonPath::from_keys("metadata.annotations").key(IGNORE_ANNOTATION);
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
    let reason = on(IGNORE_REASON_ANNOTATION).and_then(Value::as_str).map(str::trim);
    match reason {
        Some(reason) if !reason.is_empty() => Ok(Some(AnnotationExemption { codes, reason: reason.to_owned() })),
        _ => Err((
            at,
            format!("{IGNORE_ANNOTATION} needs {IGNORE_REASON_ANNOTATION}: say why these findings are accepted"),
        )),
    }
}

/// How an object's annotation suppresses a finding of rule `code`, if it does.
pub(crate) fn annotation_suppression(
    exemption: Option<&AnnotationExemption>,
    code: &str,
) -> Option<(SuppressedBy, String)> {
    exemption
        .filter(|exemption| exemption.codes.contains(&code))
        .map(|exemption| (SuppressedBy::Annotation, exemption.reason.clone()))
}

/// Whether `reference` is what [`object_ref`] makes of `value`, without making it.
pub(crate) fn names(value: &Value, reference: &ObjectRef) -> bool {
    let (api_version, kind, namespace, name) = written_identity(value);
    api_version == reference.api_version
        && kind == reference.kind
        && reference.namespace.as_deref() == (!namespace.is_empty()).then_some(namespace)
        && name == reference.name
}

/// The object's reference as reports show it, for any Kubernetes object.
pub(crate) fn object_ref(value: &Value) -> ObjectRef {
    let (api_version, kind, namespace, name) = written_identity(value);
    ObjectRef {
        api_version: ObjectRef::known(api_version),
        kind: ObjectRef::known(kind),
        namespace: (!namespace.is_empty()).then(|| namespace.to_owned()),
        name: name.to_owned(),
    }
}

/// Lints `inputs`; `old` holds previous versions of objects for update rules. Single-object
/// rules run on each object; bundle rules run once over every object of every input.
#[must_use]
pub fn lint(engine: &Engine, inputs: &[Input<'_>], old: &[Input<'_>], limits: &Limits) -> LintReport {
    let read = read(engine, inputs, old, limits);
    let inventory = read.inventory();
    let analysis = Analysis::new(&inventory, engine.settings());
    let report = read.judge(engine, &inventory, &analysis);
    drop(analysis);
    read.drop_inventory(inventory);
    report
}

/// Previous versions of objects, by identity (`--old`).
pub(crate) type Previous<'v> = HashMap<(String, String, String, String), &'v Value>;
