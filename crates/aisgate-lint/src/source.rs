//! Reading manifests: multi-document YAML (and JSON, a subset of it) into JSON values, with
//! the line and column of every node so findings point at real locations.
//!
//! YAML is read with saphyr-parser's event stream (a maintained YAML 1.2 parser) and built
//! into `serde_json::Value` here, because the position of each node is what the event
//! stream gives and a generic deserializer throws away. Scalars resolve by the YAML 1.2 core
//! schema; `<<` merge keys are honoured as Kubernetes' YAML reader does.

use std::collections::HashMap;

use aisgate_core::JsonPath;
use aisgate_core::path::Segment;
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};

/// Guards against hostile input: part of the settings (`limits`), so that each refusal can
/// name the setting that raises it.
pub use aisgate_core::settings::Limits;

/// A line and column, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    fn of(span: &Span) -> Self {
        Self { line: span.start.line(), column: span.start.col() + 1 }
    }
}

/// Where a node and its key (for mapping values) are in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NodePosition {
    value: Position,
    key: Option<Position>,
}

/// An unreadable input, with its location.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct SourceError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl SourceError {
    fn at(position: Position, message: impl Into<String>) -> Self {
        Self { line: position.line, column: position.column, message: message.into() }
    }
}

/// One YAML document.
#[derive(Debug, Clone)]
pub struct Document {
    pub value: Value,
    /// Where the document's content starts.
    pub start: Position,
    /// The template named by the Helm `# Source:` comment before the document.
    pub helm_source: Option<String>,
    positions: HashMap<JsonPath, NodePosition>,
}

impl Document {
    /// The position of the node `path` names: the value, or its key when `prefer_key`;
    /// a missing node falls back to its nearest existing parent.
    #[must_use]
    pub fn position(&self, path: &JsonPath) -> Position {
        let mut path = path.clone();
        loop {
            if let Some(node) = self.positions.get(&path) {
                return node.value;
            }
            if path.segments().is_empty() {
                return self.start;
            }
            path = path.parent();
        }
    }

    /// The position of the key of a mapping entry, if `path` names one.
    #[must_use]
    pub fn key_position(&self, path: &JsonPath) -> Option<Position> {
        self.positions.get(path).and_then(|node| node.key)
    }
}

/// The documents of one input; documents before a syntax error are kept.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub error: Option<SourceError>,
}

/// Parses multi-document YAML or JSON text.
#[must_use]
pub fn parse(text: &str, limits: &Limits) -> Parsed {
    let mut parsed = Parsed::default();
    if text.len() > limits.max_input_bytes {
        parsed.error = Some(SourceError::at(
            Position { line: 1, column: 1 },
            Limits::refusal(
                &format!("input is {} bytes", text.len()),
                limits.max_input_bytes,
                "bytes",
                "maxInputBytes",
            ),
        ));
        return parsed;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sources = helm_sources(text);
    let mut builder = Builder::new(limits);
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(pair) => pair,
            Err(error) => {
                let marker = error.marker();
                let at = Position { line: marker.line(), column: marker.col() + 1 };
                // At the end of the input the parser points at the line after the last one.
                let end = end_position(text);
                let at = if at.line > end.line { end } else { at };
                parsed.error = Some(SourceError::at(at, format!("YAML syntax error: {}", error.info())));
                break;
            }
        };
        match builder.on_event(event, &span) {
            Ok(Some(mut document)) => {
                document.helm_source = sources
                    .iter()
                    .rev()
                    .find(|(line, _)| *line <= document.start.line)
                    .filter(|(line, _)| parsed.documents.last().is_none_or(|prev| prev.start.line < *line))
                    .map(|(_, source)| source.clone());
                parsed.documents.push(document);
            }
            Ok(None) => {}
            Err(error) => {
                parsed.error = Some(error);
                break;
            }
        }
    }
    parsed
}

/// The position just after the last character of the last line (YAML line breaks: `\n`,
/// `\r\n`, `\r`); a final line break does not start another line.
fn end_position(text: &str) -> Position {
    let body = text.strip_suffix("\r\n").or_else(|| text.strip_suffix(['\n', '\r'])).unwrap_or(text);
    let mut end = Position { line: 1, column: 1 };
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' || (c == '\r' && chars.peek() != Some(&'\n')) {
            end = Position { line: end.line + 1, column: 1 };
        } else if c != '\r' {
            end.column += 1;
        }
    }
    end
}

/// `# Source: chart/templates/x.yaml` comments written by `helm template`, with their lines.
fn helm_sources(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| line.strip_prefix("# Source: ").map(|source| (i + 1, source.trim().to_owned())))
        .collect()
}

enum Frame {
    Sequence { items: Vec<Value>, anchor: usize },
    Mapping { map: Map<String, Value>, anchor: usize, pending_key: Option<(String, Position)>, merges: Vec<Value> },
}

struct Builder<'l> {
    limits: &'l Limits,
    stack: Vec<Frame>,
    path: JsonPath,
    anchors: HashMap<usize, Value>,
    positions: HashMap<JsonPath, NodePosition>,
    alias_nodes: usize,
    start: Option<Position>,
    root: Option<Value>,
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Self {
        Self {
            limits,
            stack: Vec::new(),
            path: JsonPath::root(),
            anchors: HashMap::new(),
            positions: HashMap::new(),
            alias_nodes: 0,
            start: None,
            root: None,
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: &Span) -> Result<Option<Document>, SourceError> {
        let position = Position::of(span);
        match event {
            Event::DocumentStart(_) => {
                self.positions.clear();
                self.anchors.clear();
                self.start = None;
                self.root = None;
            }
            Event::DocumentEnd => {
                let value = self.root.take().unwrap_or(Value::Null);
                let start = self.start.unwrap_or(position);
                return Ok(Some(Document {
                    value,
                    start,
                    helm_source: None,
                    positions: std::mem::take(&mut self.positions),
                }));
            }
            Event::Scalar(text, style, anchor, tag) => {
                let key_slot = matches!(self.stack.last(), Some(Frame::Mapping { pending_key: None, .. }));
                if key_slot {
                    self.set_key(text.into_owned(), position)?;
                } else {
                    let value = resolve_scalar(&text, style, tag.as_ref().map(|t| t.suffix.as_str()));
                    if anchor > 0 {
                        self.anchors.insert(anchor, value.clone());
                    }
                    self.push_value(value, position);
                }
            }
            Event::Alias(anchor) => {
                let value = self
                    .anchors
                    .get(&anchor)
                    .cloned()
                    .ok_or_else(|| SourceError::at(position, "alias to an unknown anchor"))?;
                self.alias_nodes += count_nodes(&value);
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(SourceError::at(
                        position,
                        Limits::refusal(
                            "aliases expand to too many nodes (a possible YAML bomb)",
                            self.limits.max_alias_nodes,
                            "nodes",
                            "maxAliasNodes",
                        ),
                    ));
                }
                if let Some(Frame::Mapping { pending_key: None, .. }) = self.stack.last() {
                    let key = match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    self.set_key(key, position)?;
                } else {
                    self.push_value(value, position);
                }
            }
            Event::SequenceStart(anchor, _) => {
                self.open(position)?;
                self.stack.push(Frame::Sequence { items: Vec::new(), anchor });
            }
            Event::MappingStart(anchor, _) => {
                self.open(position)?;
                self.stack.push(Frame::Mapping { map: Map::new(), anchor, pending_key: None, merges: Vec::new() });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match self.stack.pop() {
                    Some(Frame::Sequence { items, anchor }) => (Value::Array(items), anchor),
                    Some(Frame::Mapping { mut map, anchor, merges, .. }) => {
                        for merge in merges {
                            merge_into(&mut map, merge);
                        }
                        (Value::Object(map), anchor)
                    }
                    None => return Ok(None),
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, value.clone());
                }
                self.close(value);
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(None)
    }

    fn set_key(&mut self, key: String, position: Position) -> Result<(), SourceError> {
        if let Some(Frame::Mapping { map, pending_key, .. }) = self.stack.last_mut() {
            if key != "<<" && map.contains_key(&key) {
                return Err(SourceError::at(position, format!("duplicate key `{key}` in a mapping")));
            }
            *pending_key = Some((key, position));
        }
        Ok(())
    }

    /// The path and key position of the node about to be added to the innermost collection.
    fn next_slot(&self) -> (JsonPath, Option<Position>) {
        match self.stack.last() {
            Some(Frame::Sequence { items, .. }) => (self.path.index(items.len()), None),
            Some(Frame::Mapping { pending_key: Some((key, at)), .. }) => (self.path.key(key), Some(*at)),
            _ => (self.path.clone(), None),
        }
    }

    fn open(&mut self, position: Position) -> Result<(), SourceError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(SourceError::at(
                position,
                Limits::refusal("nesting too deep", self.limits.max_depth, "levels", "maxDepth"),
            ));
        }
        if self.stack.is_empty() {
            self.start.get_or_insert(position);
        }
        let (path, key) = self.next_slot();
        self.positions.insert(path.clone(), NodePosition { value: position, key });
        self.path = path;
        Ok(())
    }

    fn close(&mut self, value: Value) {
        self.path = self.path.parent();
        // `open` moved the path to the collection; its parent collection receives it.
        self.attach(value);
    }

    fn push_value(&mut self, value: Value, position: Position) {
        if self.stack.is_empty() {
            self.start.get_or_insert(position);
        }
        let (path, key) = self.next_slot();
        self.positions.insert(path, NodePosition { value: position, key });
        self.attach(value);
    }

    fn attach(&mut self, value: Value) {
        match self.stack.last_mut() {
            Some(Frame::Sequence { items, .. }) => items.push(value),
            Some(Frame::Mapping { map, pending_key, merges, .. }) => {
                if let Some((key, _)) = pending_key.take() {
                    if key == "<<" {
                        merges.push(value);
                    } else {
                        map.insert(key, value);
                    }
                }
            }
            None => self.root = Some(value),
        }
    }
}

/// Applies a `<<` merge: keys already present win; a list of mappings merges in order.
fn merge_into(map: &mut Map<String, Value>, merge: Value) {
    match merge {
        Value::Object(source) => {
            for (key, value) in source {
                map.entry(key).or_insert(value);
            }
        }
        Value::Array(sources) => {
            for source in sources {
                merge_into(map, source);
            }
        }
        _ => {}
    }
}

fn count_nodes(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}

/// Resolves a scalar by the YAML 1.2 core schema (quoted scalars and `!!str` are strings).
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    let string = || Value::String(text.to_owned());
    match tag {
        Some("str") => return string(),
        Some("null") => return Value::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return string();
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let t = text;
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    let looks_numeric = unsigned.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if !looks_numeric {
        return string();
    }
    if let Some(hex) = t.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).map_or_else(|_| string(), Value::from);
    }
    if let Some(octal) = t.strip_prefix("0o") {
        return i64::from_str_radix(octal, 8).map_or_else(|_| string(), Value::from);
    }
    if unsigned.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(int) = t.parse::<i64>() {
            return Value::from(int);
        }
        if let Ok(int) = t.parse::<u64>() {
            return Value::from(int);
        }
    }
    let is_float = unsigned.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if is_float
        && let Ok(float) = t.parse::<f64>()
        && let Some(number) = Number::from_f64(float)
    {
        return Value::Number(number);
    }
    string()
}

/// The path of a node below `base` (List items are documents of their own).
#[must_use]
pub fn join(base: &JsonPath, path: &JsonPath) -> JsonPath {
    let mut joined = base.clone();
    for segment in path.segments() {
        joined = match segment {
            Segment::Key(key) => joined.key(key),
            Segment::Index(i) => joined.index(*i),
        };
    }
    joined
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn one(text: &str) -> Document {
        let parsed = parse(text, &Limits::default());
        assert_eq!(parsed.error, None);
        parsed.documents.into_iter().next().unwrap()
    }

    #[test]
    fn values_and_positions() {
        let doc = one("a: 1\nb:\n  - x\n  - {c: true, d: \"5\"}\ne: 1.5\nf: 0x10\ng: ~\n");
        assert_eq!(doc.value, json!({"a": 1, "b": ["x", {"c": true, "d": "5"}], "e": 1.5, "f": 16, "g": null}));
        let at = |p: JsonPath| doc.position(&p);
        assert_eq!(at(JsonPath::from_keys("a")), Position { line: 1, column: 4 });
        assert_eq!(doc.key_position(&JsonPath::from_keys("a")), Some(Position { line: 1, column: 1 }));
        assert_eq!(at(JsonPath::from_keys("b").index(0)), Position { line: 3, column: 5 });
        assert_eq!(at(JsonPath::from_keys("b").index(1).key("d")), Position { line: 4, column: 18 });
        // A missing node points at its nearest parent.
        assert_eq!(at(JsonPath::from_keys("b").index(1).key("zz")), Position { line: 4, column: 5 });
    }

    #[test]
    fn documents_helm_sources_and_errors() {
        let text = "---\n# Source: ais/templates/a.yaml\nkind: A\n---\n# Source: ais/templates/b.yaml\nkind: B\n---\nkind: [\n";
        let parsed = parse(text, &Limits::default());
        assert_eq!(parsed.documents.len(), 2);
        assert_eq!(parsed.documents[0].helm_source.as_deref(), Some("ais/templates/a.yaml"));
        assert_eq!(parsed.documents[1].helm_source.as_deref(), Some("ais/templates/b.yaml"));
        // The unclosed `[` runs to the end of the input: reported on the last line.
        let error = parsed.error.unwrap();
        assert_eq!(error.line, 8);
    }

    #[test]
    fn merges_anchors_and_refuses_bombs() {
        let doc = one("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n");
        assert_eq!(doc.value["use"], json!({"x": 1, "y": 3}));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..6 {
            let prev = if i == 0 { "a".to_owned() } else { format!("l{}", i - 1) };
            let refs = vec![format!("*{prev}"); 10].join(", ");
            bomb.extend([format!("l{i}: &l{i} [{refs}]\n")]);
        }
        let error = parse(&bomb, &Limits::default()).error.unwrap();
        assert_eq!(
            error.to_string(),
            "5:45: aliases expand to too many nodes (a possible YAML bomb), over the limit of 100000 nodes; raise it with the setting limits.maxAliasNodes"
        );
    }

    #[test]
    fn refuses_duplicates_depth_and_size() {
        assert_eq!(
            parse("a: 1\na: 2\n", &Limits::default()).error.unwrap().to_string(),
            "2:1: duplicate key `a` in a mapping"
        );
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(
            parse(&deep, &Limits::default()).error.unwrap().to_string(),
            "1:129: nesting too deep, over the limit of 128 levels; raise it with the setting limits.maxDepth"
        );
        let small = Limits { max_input_bytes: 3, ..Limits::default() };
        assert_eq!(
            parse("a: 1\n", &small).error.unwrap().to_string(),
            "1:1: input is 5 bytes, over the limit of 3 bytes; raise it with the setting limits.maxInputBytes"
        );
    }

    /// Found by fuzzing (`lint_input`): an error at the end of the input pointed at a line
    /// after the last one.
    #[test]
    fn syntax_error_at_end_of_input_points_at_the_last_line() {
        for (text, expected) in [
            ("a: 1\nb", "2:2: YAML syntax error: simple key expected"),
            ("a: 1\nb\n", "2:2: YAML syntax error: simple key expect ':'"),
            ("a: 1\r\nbc\r\n", "2:3: YAML syntax error: simple key expect ':'"),
            ("a:\n  - x\n  y", "3:4: YAML syntax error: simple key expected"),
        ] {
            assert_eq!(parse(text, &Limits::default()).error.unwrap().to_string(), expected, "{text:?}");
        }
    }

    #[test]
    fn json_input_and_bom() {
        let doc = one("\u{feff}{\"kind\": \"PersistentVolume\", \"spec\": {\"capacity\": {\"storage\": \"5T\"}}}");
        assert_eq!(doc.value["spec"]["capacity"]["storage"], "5T");
    }
}
