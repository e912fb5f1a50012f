//! Linting in two steps that `aisgate lint` and `aisgate plan` share: [`read`] parses the
//! inputs and runs the rules on each object as its document is parsed, keeping only what
//! the rules across objects read (the typed objects, where each object is); then
//! [`Read::inventory`] and [`Read::judge`] run the rules across objects and finish the report.
//!
//! Memory holds the input text, the typed objects and one parsed document per worker, not
//! every document's JSON and position index: a finding across objects reads the documents
//! it is about again ([`RawSource`]). Large inputs are split at document markers
//! ([`source::split`]) and read on every core.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use aisgate_core::context::{Decoded, RawSource};
use aisgate_core::engine::sort_bundle_findings;
use aisgate_core::{BundleFinding, Context as _, Engine, Inventory, JsonPath, ObjectRef, bundle::Analysis};
use serde_json::Value;

use crate::report::{LintReport, RelatedObject, ReportError, ReportFinding, ReportObject, SuppressedBy};
use crate::source::{self, Document, Limits, Position, SourceError};
use crate::{
    AnnotationExemption, Input, Previous, annotation_exemption, annotation_suppression, identity, is_kubernetes_object,
    names, object_ref, objects,
};

/// Inputs smaller than this are read by one thread: splitting costs more than it saves.
const MIN_PART_BYTES: usize = 64 << 10;

/// Fewer objects than this are judged across objects by one thread: the rules across
/// objects take about 0.6 ms per thousand objects, a thread about 0.05 ms to start.
const MIN_PARALLEL_OBJECTS: usize = 1000;

/// How [`read`] spreads the work.
#[derive(Debug, Clone, Copy)]
pub struct Parallelism {
    /// Threads, the caller's included.
    pub threads: usize,
    /// Smallest part a file is split into, in bytes.
    pub min_part_bytes: usize,
    /// Fewest objects whose rules across objects run on several threads.
    pub min_parallel_objects: usize,
}

impl Default for Parallelism {
    /// One thread per core (one where threads are not available, as in wasm).
    fn default() -> Self {
        let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        Self { threads, min_part_bytes: MIN_PART_BYTES, min_parallel_objects: MIN_PARALLEL_OBJECTS }
    }
}

impl Parallelism {
    /// The parts a text is read in: one per thread, none smaller than `min_part_bytes`.
    fn parts(self, text: &str) -> Vec<Range<usize>> {
        source::split(text, (text.len() / self.min_part_bytes.max(1)).clamp(1, self.threads.max(1)))
    }

    /// The threads the work after reading gets for this many objects: one below
    /// `min_parallel_objects`.
    fn threads_for(self, objects: usize) -> usize {
        if objects < self.min_parallel_objects { 1 } else { self.threads.max(1) }
    }
}

/// One object as read: judged on its own, and what the rules across objects need of it.
#[derive(Debug)]
struct ObjectRead {
    base: JsonPath,
    start: Position,
    reference: ReportObject,
    findings: Vec<ReportFinding>,
    errors: Vec<ReportError>,
    inventory_error: Option<ReportError>,
    exemption: Option<AnnotationExemption>,
    decoded: Option<Decoded>,
}

/// One document as read.
#[derive(Debug)]
struct DocumentRead {
    start: Position,
    /// Byte offset of the start of its region (see [`source::parse_each`]), and the line
    /// breaks before it.
    region: usize,
    region_lines: usize,
    /// `None`: not a Kubernetes object.
    objects: Option<Vec<ObjectRead>>,
    /// `List` items that are not objects.
    errors: Vec<ReportError>,
}

/// One part of a file as read.
#[derive(Debug, Default)]
struct PartRead {
    documents: Vec<DocumentRead>,
    error: Option<SourceError>,
    /// Read on to the end of the file (after an error in the part alone).
    to_end: bool,
}

/// A file the rules across objects may read again.
#[derive(Debug)]
struct FileRead<'i> {
    name: &'i str,
    /// The text as the reader reads it ([`source::body`]).
    text: &'i str,
    /// Whether a document can be read again from its region alone ([`source::splittable`]).
    splittable: bool,
    /// Per document: where its region starts (byte offset, line breaks before it), and its Helm source.
    regions: Vec<(usize, usize)>,
    helm_sources: Vec<Option<String>>,
}

/// A document read again, with its file and its index there.
type DocumentAt = ((usize, usize), Arc<Document>);

/// Where a kept object is.
#[derive(Debug)]
struct Kept {
    file: usize,
    document: usize,
    base: JsonPath,
    start: Position,
    /// Boxed: rare, and a large bundle keeps one `Kept` per object.
    exemption: Option<Box<AnnotationExemption>>,
}

/// Inputs parsed and judged object by object; the rules across objects are still to run.
#[derive(Debug)]
pub struct Read<'i> {
    report: Mutex<LintReport>,
    /// Errors reported after those of the objects: decoding for the rules across objects, then syntax.
    inventory_errors: Vec<ReportError>,
    file_errors: Vec<ReportError>,
    order: Vec<&'i str>,
    limits: Limits,
    /// How the rules across objects may be spread.
    parallelism: Parallelism,
    files: Vec<FileRead<'i>>,
    kept: Vec<Kept>,
    decoded: Mutex<Vec<Option<Decoded>>>,
    /// The document read again last: findings come object by object.
    last: Mutex<Option<DocumentAt>>,
    /// Documents of files that cannot be read a document at a time, read in one pass.
    prefetched: Mutex<HashMap<(usize, usize), Arc<Document>>>,
}

/// Parses `inputs` and runs the rules on each object; `old` holds previous versions of
/// objects for update rules.
#[must_use]
pub fn read<'i>(engine: &Engine, inputs: &[Input<'i>], old: &[Input<'_>], limits: &Limits) -> Read<'i> {
    read_with(engine, inputs, old, limits, Parallelism::default())
}

/// [`read`] with the work spread as `parallelism` says.
#[must_use]
pub fn read_with<'i>(
    engine: &Engine,
    inputs: &[Input<'i>],
    old: &[Input<'_>],
    limits: &Limits,
    parallelism: Parallelism,
) -> Read<'i> {
    let mut report = LintReport::default();
    let old_parsed = parse_old(old, limits, &mut report.errors);
    let previous: Previous<'_> = old_parsed
        .iter()
        .flat_map(|parsed| &parsed.documents)
        .flat_map(|document| objects(document).unwrap_or_default())
        .map(|(_, value)| (identity(value), value))
        .collect();
    let admitted = admit(inputs, limits, &mut report);

    // Parts: (file, byte range of its text).
    let mut texts = Vec::with_capacity(admitted.len());
    let mut jobs = Vec::new();
    let mut size_errors = vec![None; admitted.len()];
    for (f, input) in admitted.iter().enumerate() {
        if let Err(error) = source::check_size(input.text, limits) {
            size_errors[f] = Some(error);
            texts.push("");
            continue;
        }
        let text = source::body(input.text);
        texts.push(text);
        jobs.extend(parallelism.parts(text).into_iter().map(|range| (f, range)));
    }
    let parts = run_parallel(&jobs, parallelism.threads, |(f, range)| {
        let (name, text) = (admitted.get(*f).map_or("", |i| i.name), texts.get(*f).copied().unwrap_or_default());
        read_part(engine, name, text, range.clone(), limits, &previous)
    });

    let (files, documents_read, file_errors) = merge(&admitted, &texts, size_errors, parts, &jobs);
    for document in documents_read.iter().flatten() {
        report.summary.documents += 1;
        if document.objects.is_none() {
            report.summary.skipped += 1;
        }
        report.errors.extend(document.errors.iter().cloned());
    }
    let total_objects: usize = documents_read.iter().flatten().map(|d| d.objects.as_ref().map_or(0, Vec::len)).sum();
    if total_objects > limits.max_objects
        && let Some((f, object)) = documents_read
            .iter()
            .enumerate()
            .flat_map(|(f, documents)| documents.iter().flat_map(|d| d.objects.iter().flatten()).map(move |o| (f, o)))
            .nth(limits.max_objects)
    {
        let name = files.get(f).map_or("", |file| file.name);
        let what = "too many objects; this one and all after it are not checked";
        let refusal = Limits::refusal(what, limits.max_objects, "objects", "maxObjects");
        report.errors.push(ReportError::new(name, object.start.line, object.start.column, refusal));
    }

    let mut kept = Vec::with_capacity(total_objects.min(limits.max_objects));
    let mut decoded = Vec::with_capacity(kept.capacity());
    let mut inventory_errors = Vec::new();
    'files: for (f, documents) in documents_read.into_iter().enumerate() {
        let helm = files.get(f).map(|file| &file.helm_sources);
        for (d, document) in documents.into_iter().enumerate() {
            let helm_source = helm.and_then(|h| h.get(d)).cloned().flatten();
            for object in document.objects.into_iter().flatten() {
                if kept.len() >= limits.max_objects {
                    break 'files;
                }
                report.summary.objects += 1;
                report.objects.push(object.reference);
                report.errors.extend(object.errors);
                for mut finding in object.findings {
                    finding.helm_source.clone_from(&helm_source);
                    report.push(finding);
                }
                inventory_errors.extend(object.inventory_error);
                decoded.push(object.decoded);
                kept.push(Kept {
                    file: f,
                    document: d,
                    base: object.base,
                    start: object.start,
                    exemption: object.exemption.map(Box::new),
                });
            }
        }
    }
    Read {
        report: Mutex::new(report),
        inventory_errors,
        file_errors,
        order: inputs.iter().map(|i| i.name).collect(),
        limits: *limits,
        parallelism,
        files,
        kept,
        decoded: Mutex::new(decoded),
        last: Mutex::new(None),
        prefetched: Mutex::new(HashMap::new()),
    }
}

/// The inputs within the total size limit; those past it are refused, not read.
fn admit<'i>(inputs: &[Input<'i>], limits: &Limits, report: &mut LintReport) -> Vec<Input<'i>> {
    let mut total_bytes = 0_usize;
    let mut admitted = Vec::with_capacity(inputs.len());
    for input in inputs {
        report.summary.files += 1;
        total_bytes = total_bytes.saturating_add(input.text.len());
        if total_bytes > limits.max_total_bytes {
            let what = format!("this input brings the run to {total_bytes} bytes; it is not read");
            let refusal = Limits::refusal(&what, limits.max_total_bytes, "bytes", "maxTotalBytes");
            report.errors.push(ReportError::new(input.name, 1, 1, refusal));
            continue;
        }
        admitted.push(*input);
    }
    admitted
}

/// Parses the previous versions of objects (`--old`), reporting their syntax errors.
fn parse_old(old: &[Input<'_>], limits: &Limits, errors: &mut Vec<ReportError>) -> Vec<source::Parsed> {
    let parsed: Vec<source::Parsed> = old.iter().map(|input| source::parse(input.text, limits)).collect();
    for (input, parsed) in old.iter().zip(&parsed) {
        if let Some(error) = &parsed.error {
            errors.push(ReportError::new(input.name, error.line, error.column, error.message.clone()));
        }
    }
    parsed
}

/// The parts read, file by file in input order; a file's parts after one that read to its
/// end are dropped. Returns the files, their documents and their syntax errors.
fn merge<'i>(
    admitted: &[Input<'i>],
    texts: &[&'i str],
    mut size_errors: Vec<Option<SourceError>>,
    parts: Vec<PartRead>,
    jobs: &[(usize, Range<usize>)],
) -> (Vec<FileRead<'i>>, Vec<Vec<DocumentRead>>, Vec<ReportError>) {
    let mut files: Vec<FileRead<'i>> = Vec::with_capacity(admitted.len());
    let mut documents_read: Vec<Vec<DocumentRead>> = Vec::with_capacity(admitted.len());
    let mut file_errors = Vec::new();
    let mut parts = parts.into_iter().zip(jobs).peekable();
    for (f, input) in admitted.iter().enumerate() {
        let text = texts.get(f).copied().unwrap_or_default();
        let mut documents = Vec::new();
        let mut error = size_errors.get_mut(f).and_then(Option::take);
        let mut ended = false;
        while let Some((part, _)) = parts.next_if(|(_, (file, _))| *file == f) {
            if ended {
                continue;
            }
            documents.extend(part.documents);
            error = part.error;
            ended = part.to_end || error.is_some();
        }
        if let Some(error) = error {
            file_errors.push(ReportError::new(input.name, error.line, error.column, error.message));
        }
        let sources = source::helm_sources(text);
        let mut helm_sources = Vec::with_capacity(documents.len());
        let mut previous_start = None;
        for document in &documents {
            helm_sources.push(source::helm_source(&sources, previous_start, document.start.line));
            previous_start = Some(document.start.line);
        }
        files.push(FileRead {
            name: input.name,
            text,
            splittable: source::splittable(text),
            regions: documents.iter().map(|d| (d.region, d.region_lines)).collect(),
            helm_sources,
        });
        documents_read.push(documents);
    }

    (files, documents_read, file_errors)
}

/// The value behind a lock; a thread that panicked holding it (none does) left it whole.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `job` over `jobs` on up to `threads` threads (this one included); results in job order.
fn run_parallel<J: Sync, R: Send + Default>(jobs: &[J], threads: usize, job: impl Fn(&J) -> R + Sync) -> Vec<R> {
    let results: Vec<Mutex<R>> = jobs.iter().map(|_| Mutex::new(R::default())).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let (Some(j), Some(slot)) = (jobs.get(i), results.get(i)) else { break };
            let result = job(j);
            if let Ok(mut slot) = slot.lock() {
                *slot = result;
            }
        }
    };
    if threads <= 1 || jobs.len() <= 1 {
        work();
    } else {
        std::thread::scope(|scope| {
            for _ in 1..threads.min(jobs.len()) {
                // Where threads cannot start (wasm), this thread does all the work.
                let _ = std::thread::Builder::new().spawn_scoped(scope, work);
            }
            work();
        });
    }
    results.into_iter().map(|slot| slot.into_inner().unwrap_or_default()).collect()
}

/// Reads one part of a file; after an error, reads again from the part's start to the end
/// of the file, as one reader would (what follows a syntax error is not read).
fn read_part(
    engine: &Engine,
    name: &str,
    text: &str,
    range: Range<usize>,
    limits: &Limits,
    previous: &Previous<'_>,
) -> PartRead {
    let mut part = PartRead::default();
    let file: Arc<str> = name.into();
    let each = |document: &Document, region| part_document(engine, &file, document, region, previous);
    let mut documents = Vec::new();
    part.error = source::read_each(text, range.clone(), limits, |document, region| {
        documents.push(each(document, region));
    });
    if part.error.is_some() && range.end < text.len() {
        documents.clear();
        part.error = source::read_each(text, range.start..text.len(), limits, |document, region| {
            documents.push(each(document, region));
        });
        part.to_end = true;
    }
    part.documents = documents;
    part
}

/// Runs the rules on each object of a document; keeps what the rules across objects read.
fn part_document(
    engine: &Engine,
    file: &Arc<str>,
    document: &Document,
    region: usize,
    previous: &Previous<'_>,
) -> DocumentRead {
    let name = &**file;
    let region_lines = document.region_lines();
    let mut read = DocumentRead { start: document.start, region, region_lines, objects: None, errors: Vec::new() };
    let Some(found) = objects(document) else { return read };
    // A List item that is not an object is not checked: say so rather than drop it.
    let value = &document.value;
    let is_list = value.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List"));
    let items = value.get("items").and_then(Value::as_array).filter(|_| is_list);
    for (i, _) in items.into_iter().flatten().enumerate().filter(|(_, item)| !is_kubernetes_object(item)) {
        let at = document.position(&JsonPath::root().key("items").index(i));
        read.errors.push(ReportError::new(
            name,
            at.line,
            at.column,
            format!("$.items[{i}] is not a Kubernetes object (it needs apiVersion and kind); not checked"),
        ));
    }
    let position = |base: &JsonPath, path: &JsonPath| document.position(&source::join(base, path));
    let mut objects_read = Vec::with_capacity(found.len());
    for (base, value) in found {
        let start = document.position(&base);
        let old = if previous.is_empty() { None } else { previous.get(&identity(value)).copied() };
        let (checked, decoded) = engine.check_and_decode(value, old);
        // The report names the object with the context's reference when they agree (they
        // differ only for a name the server generates): one copy per object, not two.
        let reference = match &decoded {
            Ok(Some(decoded)) if names(value, &decoded.reference) => Arc::clone(&decoded.reference),
            _ => Arc::new(object_ref(value)),
        };
        let mut object = ObjectRead {
            start,
            reference: ReportObject {
                object: reference,
                file: Arc::clone(file),
                line: start.line,
                column: start.column,
                checked: false,
            },
            findings: Vec::new(),
            errors: Vec::new(),
            inventory_error: None,
            exemption: None,
            decoded: None,
            base,
        };
        match annotation_exemption(value) {
            Ok(exemption) => object.exemption = exemption,
            Err((path, message)) => {
                let at = position(&object.base, &path);
                object.errors.push(ReportError::new(name, at.line, at.column, message));
            }
        }
        match checked {
            Ok(Some(checked)) => {
                object.reference.checked = true;
                for finding in checked.findings {
                    let suppressed = annotation_suppression(object.exemption.as_ref(), finding.code);
                    let at = position(&object.base, &finding.path);
                    object.findings.push(ReportFinding::new(name, at, None, finding, suppressed, Vec::new()));
                }
                for suppressed in checked.suppressed {
                    let by = Some((SuppressedBy::Settings, suppressed.reason));
                    let at = position(&object.base, &suppressed.finding.path);
                    object.findings.push(ReportFinding::new(name, at, None, suppressed.finding, by, Vec::new()));
                }
            }
            Ok(None) => {}
            Err(error) => {
                let at = position(&object.base, &error.path);
                object.errors.push(ReportError::new(name, at.line, at.column, error.to_string()));
            }
        }
        match decoded {
            Ok(decoded) => object.decoded = decoded,
            // Targeted kinds already reported their decoding errors.
            Err(_) if engine.decode(value).is_err() => {}
            Err(error) => {
                let at = position(&object.base, &error.path);
                object.inventory_error = Some(ReportError::new(name, at.line, at.column, error.to_string()));
            }
        }
        objects_read.push(object);
    }
    read.objects = Some(objects_read);
    read
}

impl Read<'_> {
    /// The objects the rules across objects read, each tagged with its index among the
    /// objects read (its origin). Takes the decoded objects: call it once.
    #[must_use]
    pub fn inventory(&self) -> Inventory<'_> {
        let decoded = std::mem::take(&mut *lock(&self.decoded));
        let objects = decoded.iter().flatten().count();
        let mut inventory = Inventory::with_capacity(objects);
        let decoded = decoded.into_iter().enumerate().filter_map(|(origin, decoded)| Some((decoded?, origin)));
        inventory.insert_all_decoded(decoded, self, self.parallelism.threads_for(objects) > 1);
        inventory
    }

    /// Runs the rules across objects over `inventory` (from [`Read::inventory`]) with its
    /// analysis, and finishes the report. Takes the report: call it once.
    #[must_use]
    pub fn judge(&self, engine: &Engine, inventory: &Inventory<'_>, analysis: &Analysis) -> LintReport {
        let mut report = std::mem::take(&mut *lock(&self.report));
        report.errors.extend(self.inventory_errors.iter().cloned());
        let found = self.check_bundle(engine, inventory, analysis);
        let subjects = found.iter().filter_map(|f| self.kept.get(inventory.entry(f.subject)?.origin));
        self.prefetch(subjects.map(|kept| (kept.file, kept.document)).collect());
        for found in found {
            let place = |id: usize| {
                let entry = inventory.entry(id)?;
                self.kept.get(entry.origin).map(|kept| (kept, entry))
            };
            let Some((kept, _)) = place(found.subject) else { continue };
            let suppressed = match found.suppressed {
                Some(reason) => Some((SuppressedBy::Settings, reason)),
                None => annotation_suppression(kept.exemption.as_deref(), found.finding.code),
            };
            let related = found
                .related
                .iter()
                .filter_map(|&id| {
                    let (at, entry) = place(id)?;
                    Some(RelatedObject {
                        object: ObjectRef::clone(&entry.reference),
                        file: self.files.get(at.file).map(|f| f.name).unwrap_or_default().to_owned(),
                        line: at.start.line,
                        column: at.start.column,
                    })
                })
                .collect();
            let name = self.files.get(kept.file).map(|f| f.name).unwrap_or_default();
            match self.document(kept.file, kept.document) {
                Some(document) => report.push_finding(name, &document, &kept.base, found.finding, suppressed, related),
                None => report.push(ReportFinding::new(name, kept.start, None, found.finding, suppressed, related)),
            }
        }
        report.errors.extend(self.file_errors.iter().cloned());
        report.finish(&self.order);
        report
    }

    /// Drops `inventory` (from [`Read::inventory`]): a large one's typed objects half on
    /// another thread, where threads can start (freeing them takes about as long as the rules
    /// across objects).
    pub fn drop_inventory(&self, inventory: Inventory<'_>) {
        if self.parallelism.threads_for(inventory.len()) <= 1 {
            return;
        }
        let mut first = inventory.into_entries();
        let second = first.split_off(first.len() / 2);
        std::thread::scope(|scope| {
            // Where the thread cannot start, its half is dropped here.
            let _ = std::thread::Builder::new().spawn_scoped(scope, move || drop(second));
            drop(first);
        });
    }

    /// The findings of the rules across objects, as [`Engine::check_bundle_with`] gives them;
    /// the rules run on the threads of [`Parallelism`] when there are enough objects.
    fn check_bundle(&self, engine: &Engine, inventory: &Inventory<'_>, analysis: &Analysis) -> Vec<BundleFinding> {
        if inventory.is_empty() {
            return Vec::new();
        }
        let threads = self.parallelism.threads_for(inventory.len());
        let rules = engine.bundle_rules();
        let mut found: Vec<BundleFinding> =
            run_parallel(rules, threads, |&rule| engine.check_bundle_rule(rule, inventory, analysis))
                .into_iter()
                .flatten()
                .collect();
        sort_bundle_findings(&mut found);
        found
    }

    /// A document read again, with its Helm source: from its region alone (the work grows
    /// with the document, not with the file), else from the file's start.
    fn document(&self, file: usize, index: usize) -> Option<Arc<Document>> {
        if let Some((at, document)) = &*lock(&self.last)
            && *at == (file, index)
        {
            return Some(Arc::clone(document));
        }
        if let Some(document) = lock(&self.prefetched).get(&(file, index)) {
            return Some(Arc::clone(document));
        }
        let f = self.files.get(file)?;
        let limits = &self.limits;
        let mut found = None;
        if f.splittable {
            // Its region alone: it must read as exactly this one document.
            let (start, lines) = *f.regions.get(index)?;
            let end = f.regions.get(index + 1).map_or(f.text.len(), |(end, _)| *end);
            let mut documents = Vec::new();
            let error = source::parse_region(f.text, start..end, lines, limits, |document, _| documents.push(document));
            if error.is_none() && documents.len() == 1 {
                found = documents.pop();
            }
        }
        if found.is_none() {
            let mut i = 0;
            let _ = source::parse_each(f.text, 0..f.text.len(), limits, |document, _| {
                if i == index {
                    found = Some(document);
                }
                i += 1;
            });
        }
        let mut document = found?;
        document.helm_source = f.helm_sources.get(index).cloned().flatten();
        let document = Arc::new(document);
        *lock(&self.last) = Some(((file, index), Arc::clone(&document)));
        Some(document)
    }

    /// Reads the documents `needed` (file, document) of files that cannot be read a document
    /// at a time in one pass per file, rather than one pass per document.
    fn prefetch(&self, mut needed: Vec<(usize, usize)>) {
        needed.retain(|&(file, _)| self.files.get(file).is_some_and(|f| !f.splittable));
        needed.sort_unstable();
        needed.dedup();
        let mut prefetched = lock(&self.prefetched);
        for (file, wanted) in needed.chunk_by(|a, b| a.0 == b.0).filter_map(|c| Some((c.first()?.0, c))) {
            let Some(f) = self.files.get(file) else { continue };
            let mut i = 0;
            let _ = source::parse_each(f.text, 0..f.text.len(), &self.limits, |mut document, _| {
                if wanted.binary_search(&(file, i)).is_ok() {
                    document.helm_source = f.helm_sources.get(i).cloned().flatten();
                    prefetched.insert((file, i), Arc::new(document));
                }
                i += 1;
            });
        }
    }
}

impl RawSource for Read<'_> {
    fn raw(&self, origin: usize) -> Option<Value> {
        let kept = self.kept.get(origin)?;
        let document = self.document(kept.file, kept.document)?;
        kept.base.lookup(&document.value).cloned()
    }
}

/// Parses `inputs` as [`read`] does (split into the same parts, on the same threads) and
/// drops each document: what reading alone costs, for benchmarks. Returns the number of
/// documents.
#[must_use]
pub fn parse_only(inputs: &[Input<'_>], limits: &Limits, parallelism: Parallelism) -> usize {
    let mut jobs = Vec::new();
    for input in inputs {
        let text = source::body(input.text);
        jobs.extend(parallelism.parts(text).into_iter().map(|range| (text, range)));
    }
    run_parallel(&jobs, parallelism.threads, |(text, range)| {
        let mut documents = 0;
        let _ = source::read_each(text, range.clone(), limits, |_, _| documents += 1);
        documents
    })
    .into_iter()
    .sum()
}
