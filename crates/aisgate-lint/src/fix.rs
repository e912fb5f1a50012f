//! `fix`: the engine's offline fixes written back into the source text.
//!
//! The engine fixes JSON values; this module turns each fixed object into edits of the text
//! at the byte spans the reader recorded, so documents it does not change stay
//! byte-identical and comments around an edit survive. Every edited document is read back
//! and compared with the engine's fixed value; when an in-place edit cannot be made safely
//! (flow collections, a mapping that would become empty, aliases) or does not read back
//! exactly, that one document is re-emitted from the fixed value instead, and the change
//! says so. A document that cannot be written back either way is left unchanged, with an
//! error.

use std::fmt::Write as _;
use std::ops::Range;

use aisgate_core::engine::FixScope;
use aisgate_core::{Engine, JsonPath, Operation};
use saphyr::{Scalar, Yaml, YamlEmitter};
use saphyr_parser::ScalarStyle;
use serde_json::{Map, Value};

use crate::report::ReportError;
use crate::source::{self, Document, Limits, NodeStyle};
use crate::{Input, objects};

/// Added to a change's message when its document had to be re-emitted.
pub const REWRITTEN_NOTE: &str = "document re-emitted: its comments are lost";

/// One fix applied to an input, located where the original text had the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedChange {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub code: &'static str,
    pub rule: &'static str,
    pub message: String,
}

/// One input after fixing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedFile {
    pub name: String,
    /// The fixed text; byte-identical to the input when nothing changed.
    pub text: String,
    pub changes: Vec<AppliedChange>,
}

/// What [`fix`] did to every input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixOutcome {
    pub files: Vec<FixedFile>,
    /// Unreadable input and objects that could not be fixed, as in the lint report.
    pub errors: Vec<ReportError>,
}

/// Applies the engine's offline fixes ([`FixScope::Offline`]) to every input.
#[must_use]
pub fn fix(engine: &Engine, inputs: &[Input<'_>], limits: &Limits) -> FixOutcome {
    let mut outcome = FixOutcome::default();
    for input in inputs {
        let file = fix_input(engine, input, limits, &mut outcome.errors);
        outcome.files.push(file);
    }
    outcome
}

/// A document the engine changed.
struct Plan {
    index: usize,
    fixed: Value,
    changes: Vec<AppliedChange>,
    /// Re-emit the whole document instead of editing it in place.
    rewrite: bool,
}

/// A replacement of a byte range of the input.
#[derive(Debug)]
struct Edit {
    range: Range<usize>,
    text: String,
}

fn fix_input(engine: &Engine, input: &Input<'_>, limits: &Limits, errors: &mut Vec<ReportError>) -> FixedFile {
    let parsed = source::parse(input.text, limits);
    let mut plans = Vec::new();
    for (index, document) in parsed.documents.iter().enumerate() {
        if let Some(plan) = plan_document(engine, input.name, index, document, errors) {
            plans.push(plan);
        }
    }
    if let Some(error) = &parsed.error {
        errors.push(ReportError::new(input.name, error.line, error.column, error.message.clone()));
    }
    let mut text = apply(input.text, &parsed.documents, &mut plans);
    // Read the result back: a document whose edits do not give the engine's value exactly is
    // re-emitted; one that still does not is left as it was.
    for round in 0..2 {
        let reread = source::parse(&text, limits);
        let mut wrong = plans
            .iter_mut()
            .filter(|plan| reread.documents.get(plan.index).is_none_or(|document| document.value != plan.fixed))
            .peekable();
        if wrong.peek().is_none() {
            break;
        }
        for plan in wrong {
            if round == 0 && !plan.rewrite {
                plan.rewrite = true;
            } else {
                let at = parsed.documents.get(plan.index).map(|d| d.start).unwrap_or_default();
                errors.push(ReportError::new(
                    input.name,
                    at.line,
                    at.column,
                    "cannot write the fixes of this document back as YAML; left unchanged".to_owned(),
                ));
                plan.changes.clear();
            }
        }
        plans.retain(|plan| !plan.changes.is_empty());
        text = apply(input.text, &parsed.documents, &mut plans);
    }
    let mut changes: Vec<AppliedChange> = Vec::new();
    for plan in plans {
        for mut change in plan.changes {
            if plan.rewrite {
                let _ = write!(change.message, " ({REWRITTEN_NOTE})");
            }
            changes.push(change);
        }
    }
    changes.sort_by_key(|change| (change.line, change.column));
    FixedFile { name: input.name.to_owned(), text, changes }
}

/// Runs the engine's fixes over the objects of one document.
fn plan_document(
    engine: &Engine,
    file: &str,
    index: usize,
    document: &Document,
    errors: &mut Vec<ReportError>,
) -> Option<Plan> {
    let mut fixed_document: Option<Value> = None;
    let mut changes = Vec::new();
    for (base, value) in objects(document)? {
        match engine.check_and_fix(value, None, Operation::Create, FixScope::Offline) {
            Ok(Some(outcome)) => {
                let Some(fixed) = outcome.fixed else { continue };
                let target = fixed_document.get_or_insert_with(|| document.value.clone());
                if let Some(slot) = base.lookup_mut(target) {
                    *slot = fixed;
                }
                for change in outcome.changes {
                    let at = document.position(&source::join(&base, &change.path));
                    changes.push(AppliedChange {
                        file: file.to_owned(),
                        line: at.line,
                        column: at.column,
                        code: change.code,
                        rule: change.rule,
                        message: change.description,
                    });
                }
            }
            Ok(None) => {}
            Err(error) => {
                let at = document.position(&source::join(&base, &error.path));
                errors.push(ReportError::new(file, at.line, at.column, error.to_string()));
            }
        }
    }
    let fixed = fixed_document?;
    Some(Plan { index, fixed, changes, rewrite: false })
}

/// The input with every plan's edits; plans whose in-place edits are not possible switch to
/// re-emission.
fn apply(text: &str, documents: &[Document], plans: &mut [Plan]) -> String {
    let mut edits = Vec::new();
    for plan in plans.iter_mut() {
        let Some(document) = documents.get(plan.index) else { continue };
        if !plan.rewrite {
            let mut in_place = Vec::new();
            let planned = plan_edits(document, text, &JsonPath::root(), &document.value, &plan.fixed, &mut in_place);
            if planned.is_some() && !overlapping(&mut in_place) {
                edits.extend(in_place);
                continue;
            }
            plan.rewrite = true;
        }
        if let Some(edit) = rewrite_document(document, text, &plan.fixed) {
            edits.push(edit);
        }
    }
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut at = 0;
    for edit in edits {
        out.push_str(text.get(at..edit.range.start).unwrap_or_default());
        out.push_str(&edit.text);
        at = edit.range.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// Sorts `edits` and tells whether any two overlap.
fn overlapping(edits: &mut [Edit]) -> bool {
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    edits.windows(2).any(|pair| matches!(pair, [a, b] if b.range.start < a.range.end))
}

/// Plans in-place edits turning the node at `path` from `before` into `after`; `None` when
/// that cannot be done safely in place.
fn plan_edits(
    document: &Document,
    text: &str,
    path: &JsonPath,
    before: &Value,
    after: &Value,
    edits: &mut Vec<Edit>,
) -> Option<()> {
    if before == after {
        return Some(());
    }
    let node = document.node(path)?;
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => {
            let removed: Vec<&String> = old.keys().filter(|key| !new.contains_key(*key)).collect();
            let added: Vec<(&String, &Value)> = new.iter().filter(|(key, _)| !old.contains_key(*key)).collect();
            if !removed.is_empty() || !added.is_empty() {
                if node.style != NodeStyle::BlockMapping || removed.len() == old.len() {
                    return None;
                }
                edit_block_mapping(document, text, path, old, &removed, &added, edits)?;
            }
            for (key, old_value) in old {
                if let Some(new_value) = new.get(key) {
                    plan_edits(document, text, &path.key_of(key), old_value, new_value, edits)?;
                }
            }
            Some(())
        }
        (Value::Array(old), Value::Array(new)) if old.len() == new.len() => {
            for (i, (old_item, new_item)) in old.iter().zip(new).enumerate() {
                plan_edits(document, text, &path.index(i), old_item, new_item, edits)?;
            }
            Some(())
        }
        (old, new) if is_scalar(old) && is_scalar(new) => {
            if !matches!(node.style, NodeStyle::Plain | NodeStyle::Quoted) {
                return None;
            }
            let written = text.get(node.span.clone()).unwrap_or_default();
            edits.push(Edit { range: node.span.clone(), text: scalar_text(new, written) });
            Some(())
        }
        _ => None,
    }
}

fn is_scalar(value: &Value) -> bool {
    !value.is_object() && !value.is_array()
}

/// Removes and adds entries of a block mapping: a removed entry takes its lines with it
/// (comments on them included); added entries go after the last entry, at its indentation.
fn edit_block_mapping(
    document: &Document,
    text: &str,
    path: &JsonPath,
    old: &Map<String, Value>,
    removed: &[&String],
    added: &[(&String, &Value)],
    edits: &mut Vec<Edit>,
) -> Option<()> {
    // The entries as written, in text order (keys merged in with `<<` are not in the text).
    let mut entries = Vec::with_capacity(old.len());
    for key in old.keys() {
        let node = document.node(&path.key_of(key))?;
        entries.push((key, node.key_start?, node.span.end));
    }
    entries.sort_by_key(|&(_, key_start, _)| key_start);
    let mut last_line_removed = false;
    for key in removed {
        let i = entries.iter().position(|(k, _, _)| k == key)?;
        let &(_, key_start, end) = entries.get(i)?;
        let line = line_start(text, key_start);
        let indented = text.get(line..key_start)?.bytes().all(|b| b == b' ');
        let range = if indented {
            last_line_removed |= i + 1 == entries.len();
            line..line_end(text, end)
        } else {
            // `- key: value` as the first entry of a sequence item: the next entry moves up.
            let &(_, next_start, _) = entries.get(i + 1)?;
            key_start..next_start
        };
        edits.push(Edit { range, text: String::new() });
    }
    if !added.is_empty() {
        let &(_, key_start, end) = entries.last()?;
        let indent = " ".repeat(key_start - line_start(text, key_start));
        let at = line_end(text, end);
        let mut insert = String::new();
        // The last line may lack its line break; none is needed if that line goes.
        if at == text.len() && !text.ends_with('\n') && !last_line_removed {
            insert.push('\n');
        }
        let mapping = Value::Object(added.iter().map(|(k, v)| ((*k).clone(), (*v).clone())).collect());
        for line in emit(&to_yaml(&mapping, None))?.lines() {
            if !line.is_empty() {
                insert.push_str(&indent);
            }
            insert.push_str(line);
            insert.push('\n');
        }
        edits.push(Edit { range: at..at, text: insert });
    }
    Some(())
}

/// The byte offset where the line holding `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text.get(..at).and_then(|head| head.rfind('\n')).map_or(0, |i| i + 1)
}

/// The byte offset just after the line break ending the line where content ends at `end`.
fn line_end(text: &str, end: usize) -> usize {
    if end > 0 && text.as_bytes().get(end - 1) == Some(&b'\n') {
        return end;
    }
    text.get(end..).and_then(|tail| tail.find('\n')).map_or(text.len(), |i| end + i + 1)
}

/// A scalar as YAML that reads back as the same value, on one line, quoted the way the value
/// it replaces was (so JSON stays JSON).
fn scalar_text(value: &Value, replaced: &str) -> String {
    if let Value::String(string) = value {
        if replaced.starts_with('"') {
            return value.to_string();
        }
        if replaced.starts_with('\'') && !string.contains('\n') {
            return format!("'{}'", string.replace('\'', "''"));
        }
    }
    let emitted = emit(&to_yaml(value, None)).unwrap_or_default();
    if emitted.is_empty() || emitted.contains('\n') {
        // JSON strings are valid double-quoted YAML scalars.
        return value.to_string();
    }
    emitted
}

/// Re-emits a whole document from its fixed value, keeping the original order of keys; a
/// JSON document stays JSON.
fn rewrite_document(document: &Document, text: &str, fixed: &Value) -> Option<Edit> {
    let root = document.node(&JsonPath::root())?;
    let is_json = text.get(root.span.clone()).is_some_and(|written| written.starts_with(['{', '[']));
    let emitted = if is_json {
        let mut out = String::new();
        write_json(&mut out, fixed, document, &JsonPath::root(), 0);
        out
    } else {
        emit(&to_yaml(fixed, Some((document, &JsonPath::root()))))?
    };
    let indent = " ".repeat(root.span.start - line_start(text, root.span.start));
    let mut out = String::with_capacity(emitted.len());
    for (i, line) in emitted.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&indent);
            }
        }
        out.push_str(line);
    }
    Some(Edit { range: root.span.clone(), text: out })
}

/// The keys of the mapping at `path`, in the order the document wrote them (new keys last).
fn ordered_keys<'m>(map: &'m Map<String, Value>, document: &Document, path: &JsonPath) -> Vec<&'m String> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by_key(|key| document.node(&path.key_of(key)).and_then(|node| node.key_start).unwrap_or(usize::MAX));
    keys
}

/// Pretty JSON (two-space indent) with keys in the document's order.
fn write_json(out: &mut String, value: &Value, document: &Document, path: &JsonPath, depth: usize) {
    let pad = |out: &mut String, depth: usize| out.extend(std::iter::repeat_n("  ", depth));
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push_str("{\n");
            let entries = ordered_keys(map, document, path).into_iter().filter_map(|key| Some((key, map.get(key)?)));
            for (i, (key, child)) in entries.enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                pad(out, depth + 1);
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(": ");
                write_json(out, child, document, &path.key_of(key), depth + 1);
            }
            out.push('\n');
            pad(out, depth);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                pad(out, depth + 1);
                write_json(out, item, document, &path.index(i), depth + 1);
            }
            out.push('\n');
            pad(out, depth);
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Block YAML for `yaml`, without the document marker.
fn emit(yaml: &Yaml<'_>) -> Option<String> {
    let mut out = String::new();
    YamlEmitter::new(&mut out).dump(yaml).ok()?;
    let body = out.strip_prefix("---\n").or_else(|| out.strip_prefix("---"))?;
    // A kept trailing line break makes the emitter end the document; edits cannot carry that.
    if body.ends_with("...") {
        return None;
    }
    Some(body.to_owned())
}

/// Converts a JSON value for the emitter; with `order`, mapping keys keep the order they had
/// in that document.
fn to_yaml<'v>(value: &'v Value, order: Option<(&Document, &JsonPath)>) -> Yaml<'v> {
    let plain = |text: String| Yaml::Representation(text.into(), ScalarStyle::Plain, None);
    match value {
        Value::Null => plain("null".to_owned()),
        Value::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
        // Numbers keep their JSON spelling, so large integers and floats read back exactly.
        Value::Number(n) => plain(n.to_string()),
        Value::String(s) => Yaml::Value(Scalar::String(s.as_str().into())),
        Value::Array(items) => Yaml::Sequence(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| match order {
                    Some((document, path)) => to_yaml(item, Some((document, &path.index(i)))),
                    None => to_yaml(item, None),
                })
                .collect(),
        ),
        Value::Object(map) => {
            let keys = match order {
                Some((document, path)) => ordered_keys(map, document, path),
                None => map.keys().collect(),
            };
            let entries = keys.into_iter().filter_map(|key| Some((key, map.get(key)?)));
            Yaml::Mapping(
                entries
                    .map(|(key, child)| {
                        let child = match order {
                            Some((document, path)) => to_yaml(child, Some((document, &path.key_of(key)))),
                            None => to_yaml(child, None),
                        };
                        (Yaml::Value(Scalar::String(key.as_str().into())), child)
                    })
                    .collect(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use aisgate_core::Settings;

    use super::*;

    fn fix_text(text: &str) -> (String, Vec<AppliedChange>, Vec<ReportError>) {
        let settings = Settings::from_json(
            &serde_json::json!({"mutations": {"stripHostPortOnSharedNodes": true, "addPodAntiAffinity": true}}),
        )
        .unwrap();
        let engine = Engine::new(settings, None);
        let outcome = fix(&engine, &[Input { name: "x.yaml", text }], &Limits::default());
        let file = outcome.files.into_iter().next().unwrap();
        (file.text, file.changes, outcome.errors)
    }

    const PV: &str = "apiVersion: v1
kind: PersistentVolume
metadata:
  name: ais-pv-0 # the first disk
spec:
  storageClassName: ais-local-storage
  persistentVolumeReclaimPolicy: Delete # was the default
  capacity: {storage: 1Ti}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /ais/sda}
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions:
            - {key: kubernetes.io/hostname, operator: In, values: [node-0]}
";

    #[test]
    fn replaces_a_scalar_in_place_keeping_comments() {
        let text = format!(
            "# leading comment\n{PV}---\n# untouched\nkind: ConfigMap\napiVersion: v1\nmetadata: {{name: x}}\n"
        );
        let (fixed, changes, errors) = fix_text(&text);
        assert_eq!(errors, []);
        assert_eq!(
            fixed,
            text.replace("persistentVolumeReclaimPolicy: Delete #", "persistentVolumeReclaimPolicy: Retain #")
        );
        assert_eq!(changes.len(), 1);
        let change = &changes[0];
        assert_eq!((change.line, change.column, change.code), (8, 34, "AIS203"));
        assert_eq!(fix_text(&fixed).0, fixed);
    }

    #[test]
    fn removes_and_moves_entries_by_lines() {
        let text = "apiVersion: ais.nvidia.com/v1beta1
kind: AIStore
metadata:
  name: ais
  namespace: ais
spec:
  size: 2 # two nodes
  # removed in operator v2
  disablePodAntiAffinity: true
  stateStorage: {hostPath: {prefix: /etc/ais}}
  enablePromExporter: false
  targetSpec:
    servicePort: 51081
    portPublic: 51081
    portIntraControl: 51082
    portIntraData: 51083
    mounts:
      - path: /ais/sda
        size: 1Ti
        storageClass: ais-local-storage
  proxySpec:
    servicePort: 51080
    portPublic: 51080
    portIntraControl: 51081
    portIntraData: 51082
";
        let (fixed, changes, errors) = fix_text(text);
        assert_eq!(errors, []);
        let expected =
            text.replace("  disablePodAntiAffinity: true\n", "").replace("  enablePromExporter: false\n", "").replace(
                "        storageClass: ais-local-storage\n",
                "        storageClass: ais-local-storage\n    disablePodAntiAffinity: true\n",
            );
        assert_eq!(fixed, expected);
        let summary: Vec<_> = changes.iter().map(|c| (c.code, c.line, c.message.as_str())).collect();
        assert_eq!(
            summary,
            [
                ("AIS001", 9, "moved spec.disablePodAntiAffinity: true to spec.targetSpec.disablePodAntiAffinity"),
                ("AIS001", 11, "removed spec.enablePromExporter (pruned by the API server)"),
            ]
        );
        assert_eq!(fix_text(&fixed).0, fixed);
    }

    #[test]
    fn re_emits_a_document_it_cannot_edit_in_place() {
        let text = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: p, labels: {mpath: sda}}\nspec: {persistentVolumeReclaimPolicy: Delete, storageClassName: ais-local-storage, capacity: {storage: 1Ti}, accessModes: [ReadWriteOnce], hostPath: {path: /ais/sda}, nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [n0]}]}]}}}\n";
        let (fixed, changes, errors) = fix_text(text);
        assert_eq!(errors, []);
        assert!(fixed.contains("spec: {persistentVolumeReclaimPolicy: Retain,"), "{fixed}");
        assert_eq!(changes.len(), 1);
        // A flow mapping whose key is removed cannot be edited in place.
        let text = "apiVersion: ais.nvidia.com/v1beta1\nkind: AIStore\nmetadata: {name: ais, namespace: ais}\nspec: {size: 1, stateStorage: {emptyDir: {}}, enablePromExporter: true}\n";
        let (fixed, changes, errors) = fix_text(text);
        assert_eq!(errors, []);
        assert_eq!(
            fixed,
            "apiVersion: ais.nvidia.com/v1beta1\nkind: AIStore\nmetadata:\n  name: ais\n  namespace: ais\nspec:\n  size: 1\n  stateStorage:\n    emptyDir: {}\n"
        );
        assert!(changes[0].message.ends_with(&format!("({REWRITTEN_NOTE})")), "{changes:?}");
        assert_eq!(fix_text(&fixed).0, fixed);
    }

    #[test]
    fn json_stays_json() {
        let text = "{\"apiVersion\": \"v1\", \"kind\": \"PersistentVolume\", \"metadata\": {\"name\": \"p\", \"labels\": {\"mpath\": \"sda\"}},\n \"spec\": {\"persistentVolumeReclaimPolicy\": \"Delete\", \"storageClassName\": \"ais-local-storage\", \"capacity\": {\"storage\": \"1Ti\"}, \"accessModes\": [\"ReadWriteOnce\"], \"hostPath\": {\"path\": \"/ais/sda\"}, \"nodeAffinity\": {\"required\": {\"nodeSelectorTerms\": [{\"matchExpressions\": [{\"key\": \"kubernetes.io/hostname\", \"operator\": \"In\", \"values\": [\"n0\"]}]}]}}}}\n";
        let (fixed, _, errors) = fix_text(text);
        assert_eq!(errors, []);
        assert_eq!(fixed, text.replace("\"Delete\"", "\"Retain\""));
        // Re-emitted JSON is JSON, keys in their order.
        let text = "{\"apiVersion\": \"ais.nvidia.com/v1beta1\", \"kind\": \"AIStore\", \"metadata\": {\"name\": \"ais\", \"namespace\": \"ais\"},\n \"spec\": {\"size\": 1, \"stateStorage\": {\"emptyDir\": {}}, \"enablePromExporter\": true}}\n";
        let (fixed, _, errors) = fix_text(text);
        assert_eq!(errors, []);
        let expected = "{\n  \"apiVersion\": \"ais.nvidia.com/v1beta1\",\n  \"kind\": \"AIStore\",\n  \"metadata\": {\n    \"name\": \"ais\",\n    \"namespace\": \"ais\"\n  },\n  \"spec\": {\n    \"size\": 1,\n    \"stateStorage\": {\n      \"emptyDir\": {}\n    }\n  }\n}\n";
        assert_eq!(fixed, expected);
        assert_eq!(serde_json::from_str::<Value>(&fixed).unwrap()["spec"]["size"], 1);
    }

    #[test]
    fn untouched_and_unreadable_input_stay_as_they_are() {
        let text = "# only a comment\n---\nkind: [\n";
        let (fixed, changes, errors) = fix_text(text);
        assert_eq!(fixed, text);
        assert_eq!(changes, []);
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column), (3, 8));
    }
}
