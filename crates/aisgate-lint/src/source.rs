//! Reading manifests: multi-document YAML (and JSON, a subset of it) into JSON values, with
//! the line and column of every node so findings point at real locations.
//!
//! YAML is read with saphyr-parser's event stream (a maintained YAML 1.2 parser) and built
//! into `serde_json::Value` here, because the position of each node is what the event
//! stream gives and a generic deserializer throws away. Scalars resolve by the YAML 1.2 core
//! schema; `<<` merge keys are honoured as Kubernetes' YAML reader does.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

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

/// How a node is written; decides which text edits `fix` can make in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeStyle {
    /// A plain scalar with text.
    Plain,
    /// A single- or double-quoted scalar.
    Quoted,
    /// A literal (`|`) or folded (`>`) block scalar.
    BlockScalar,
    /// A value left empty (`key:`), read as null.
    Empty,
    /// `*anchor`.
    Alias,
    BlockMapping,
    FlowMapping,
    BlockSequence,
    FlowSequence,
}

/// Where a node (and its key, for mapping values) is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Where the value starts.
    pub position: Position,
    /// Where its key starts, for a mapping value.
    pub key: Option<Position>,
    /// Byte offset of the key, for a mapping value.
    pub key_start: Option<usize>,
    /// Byte range of the value's content: from its first to just after its last character
    /// (comments and line breaks after it excluded; a block scalar from its first line of text).
    pub span: Range<usize>,
    pub style: NodeStyle,
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
    nodes: NodeIndex,
}

/// No key offset (a sequence item or the root).
const NO_KEY: usize = usize::MAX;
/// Mappings with more keys than this have them sorted, for lookups by binary search.
const SORTED_KEYS: usize = 16;

/// A node as the index holds it: byte offsets from the start of the text read, and where
/// its key and its children are in the index's arenas.
#[derive(Debug, Clone)]
struct Entry {
    span: Range<usize>,
    /// `NO_KEY` when not a mapping value.
    key_start: usize,
    /// Its key, in `NodeIndex::keys`.
    key: Range<usize>,
    /// Its children, in `NodeIndex::children`: in order for a sequence; for a mapping in
    /// order, or sorted by key when there are more than `SORTED_KEYS`.
    children: Range<usize>,
    style: NodeStyle,
}

/// The nodes of a document, found by path one step at a time. Nodes hold byte offsets only
/// and keys live in one string, so building the index allocates only as its arrays grow;
/// lines and columns are worked out when asked for, from a table of line starts built on
/// first use over a copy of the document's text.
#[derive(Debug, Clone, Default)]
struct NodeIndex {
    entries: Vec<Entry>,
    keys: String,
    children: Vec<usize>,
    root: Option<usize>,
    /// The document's text: from `region` (the start of its first line) to its last node.
    source: String,
    region: usize,
    /// The line `region` is on.
    first_line: usize,
    /// Where the text read starts in the whole text (offsets in `entries` count from there).
    shift: usize,
    /// The offset of the document's first node, which is at [`Document::start`].
    start: Option<usize>,
    /// Byte offsets in `source` where its lines start, built on first use.
    lines: OnceLock<Vec<usize>>,
}

impl NodeIndex {
    fn key(&self, id: usize) -> &str {
        self.entries.get(id).and_then(|entry| self.keys.get(entry.key.clone())).unwrap_or_default()
    }

    fn child(&self, entry: &Entry, segment: &Segment) -> Option<usize> {
        let children = self.children.get(entry.children.clone())?;
        match (segment, entry.style) {
            (Segment::Index(i), NodeStyle::BlockSequence | NodeStyle::FlowSequence) => children.get(*i).copied(),
            (Segment::Key(key), NodeStyle::BlockMapping | NodeStyle::FlowMapping) => {
                if children.len() > SORTED_KEYS {
                    // Sorted by key, then in order: the last of equal keys (`<<`) wins.
                    let after = children.partition_point(|&c| self.key(c) <= &**key);
                    children.get(after.checked_sub(1)?).copied().filter(|&c| self.key(c) == key)
                } else {
                    children.iter().rev().copied().find(|&c| self.key(c) == key)
                }
            }
            _ => None,
        }
    }

    /// The node `path` names, if any; and else the nearest of its parents that exists.
    fn nearest(&self, path: &JsonPath) -> Option<(usize, bool)> {
        let mut id = self.root?;
        for segment in path.segments() {
            match self.entries.get(id).and_then(|entry| self.child(entry, segment)) {
                Some(child) => id = child,
                None => return Some((id, false)),
            }
        }
        Some((id, true))
    }

    fn get(&self, path: &JsonPath) -> Option<&Entry> {
        match self.nearest(path)? {
            (id, true) => self.entries.get(id),
            (_, false) => None,
        }
    }

    /// The line and column of a byte offset of the text read.
    fn locate(&self, offset: usize) -> Position {
        let lines = self.lines.get_or_init(|| line_starts(&self.source));
        let at = offset.saturating_sub(self.region).min(self.source.len());
        let line = lines.partition_point(|&start| start <= at).saturating_sub(1);
        let start = lines.get(line).copied().unwrap_or_default();
        let before = self.source.get(start..at).unwrap_or_default();
        let column = if before.is_ascii() { before.len() } else { before.chars().count() };
        Position { line: self.first_line + line, column: column + 1 }
    }
}

/// Where the lines of `text` start: `\n`, `\r\n` and a lone `\r` end a line, as for the parser.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    if memchr::memchr(b'\r', bytes).is_none() {
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        return starts;
    }
    starts.extend(
        memchr::memchr2_iter(b'\n', b'\r', bytes)
            .filter(|&i| bytes.get(i) == Some(&b'\n') || bytes.get(i + 1) != Some(&b'\n'))
            .map(|i| i + 1),
    );
    starts
}

/// Line breaks in `bytes`, counted as [`line_starts`] counts them.
fn count_breaks(bytes: &[u8]) -> usize {
    let newlines = memchr::memchr_iter(b'\n', bytes).count();
    newlines + memchr::memchr_iter(b'\r', bytes).filter(|&i| bytes.get(i + 1) != Some(&b'\n')).count()
}

impl Document {
    /// The line and column of a byte offset of the text read (as `NodeIndex` counts them).
    fn at(&self, offset: usize) -> Position {
        // The first node, where every object of a document that is not a `List` starts, is
        // where the parser put it: no need for the table of line starts.
        if self.nodes.start == Some(offset) { self.start } else { self.nodes.locate(offset) }
    }

    /// The position of the node `path` names: a scalar or flow value where it starts; its
    /// key when the value is empty (`key:`) or a block collection (whose first line is its
    /// first child's); a missing node falls back to its nearest existing parent.
    #[must_use]
    pub fn position(&self, path: &JsonPath) -> Position {
        let Some(entry) = self.nodes.nearest(path).and_then(|(id, _)| self.nodes.entries.get(id)) else {
            return self.start;
        };
        match entry.style {
            NodeStyle::Empty | NodeStyle::BlockMapping | NodeStyle::BlockSequence if entry.key_start != NO_KEY => {
                self.at(entry.key_start)
            }
            _ => self.at(entry.span.start),
        }
    }

    /// The position of the key of a mapping entry, if `path` names one.
    #[must_use]
    pub fn key_position(&self, path: &JsonPath) -> Option<Position> {
        let entry = self.nodes.get(path)?;
        (entry.key_start != NO_KEY).then(|| self.at(entry.key_start))
    }

    /// The line breaks before the document's region (the line where it begins): what
    /// [`parse_region`] needs to read the document again alone.
    #[must_use]
    pub fn region_lines(&self) -> usize {
        self.nodes.first_line.saturating_sub(1)
    }

    /// The node `path` names, if it is in the text (nodes copied by an alias or a `<<`
    /// merge are not).
    #[must_use]
    pub fn node(&self, path: &JsonPath) -> Option<Node> {
        let entry = self.nodes.get(path)?;
        let key_start = (entry.key_start != NO_KEY).then_some(entry.key_start);
        let shift = self.nodes.shift;
        Some(Node {
            position: self.at(entry.span.start),
            key: key_start.map(|start| self.at(start)),
            key_start: key_start.map(|start| start + shift),
            span: entry.span.start + shift..entry.span.end + shift,
            style: entry.style,
        })
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
    if let Err(error) = check_size(text, limits) {
        parsed.error = Some(error);
        return parsed;
    }
    let text = body(text);
    let sources = helm_sources(text);
    parsed.error = parse_each(text, 0..text.len(), limits, |mut document, _| {
        let previous = parsed.documents.last().map(|prev| prev.start.line);
        document.helm_source = helm_source(&sources, previous, document.start.line);
        parsed.documents.push(document);
    });
    parsed
}

/// Refuses an input over `limits.max_input_bytes`.
pub fn check_size(text: &str, limits: &Limits) -> Result<(), SourceError> {
    if text.len() <= limits.max_input_bytes {
        return Ok(());
    }
    Err(SourceError::at(
        Position { line: 1, column: 1 },
        Limits::refusal(&format!("input is {} bytes", text.len()), limits.max_input_bytes, "bytes", "maxInputBytes"),
    ))
}

/// The text the reader reads: without a byte order mark. Byte offsets (node spans, document
/// regions) count from here.
#[must_use]
pub fn body(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The Helm template named by the last `# Source:` line (`sources`, from [`helm_sources`]) at
/// or before a document's first line and after the previous document's first line.
#[must_use]
pub fn helm_source(sources: &[(usize, String)], previous_start: Option<usize>, start: usize) -> Option<String> {
    let i = sources.partition_point(|(line, _)| *line <= start);
    let (line, source) = sources.get(i.checked_sub(1)?)?;
    previous_start.is_none_or(|prev| prev < *line).then(|| source.clone())
}

/// Reads the documents of `text[range]` one at a time, handing each to `each` with the byte
/// offset where its region starts (the start of the line where the document begins), then
/// dropping it: memory holds one document at a time. `range` must start at a line start
/// (see [`split`]); positions and byte offsets are those in the whole `text`. Stops at the
/// first error, which it returns. Helm sources are left for the caller to fill.
pub fn parse_each(
    text: &str,
    range: Range<usize>,
    limits: &Limits,
    each: impl FnMut(Document, usize),
) -> Option<SourceError> {
    // Lines before the slice (it starts at a line start; `split` never splits a text with a lone `\r`).
    let lines_before =
        text.get(..range.start).map_or(0, |before| memchr::memchr_iter(b'\n', before.as_bytes()).count());
    parse_region(text, range, lines_before, limits, each)
}

/// [`parse_each`] where the line breaks before `range` are known (a document's
/// [`Document::region_lines`]): the work grows with the range, not with what is before it.
pub fn parse_region(
    text: &str,
    range: Range<usize>,
    lines_before: usize,
    limits: &Limits,
    mut each: impl FnMut(Document, usize),
) -> Option<SourceError> {
    read_region(text, range, lines_before, limits, |document, region| {
        each(document, region);
        None
    })
}

/// [`parse_each`] lending each document to `read` rather than giving it: the next document
/// reuses its position index's memory.
pub fn read_each(
    text: &str,
    range: Range<usize>,
    limits: &Limits,
    mut read: impl FnMut(&Document, usize),
) -> Option<SourceError> {
    let lines_before =
        text.get(..range.start).map_or(0, |before| memchr::memchr_iter(b'\n', before.as_bytes()).count());
    read_region(text, range, lines_before, limits, |document, region| {
        read(&document, region);
        Some(document)
    })
}

/// Reads the documents of `text[range]`; `each` may give a document back for its memory to be reused.
fn read_region(
    text: &str,
    range: Range<usize>,
    lines_before: usize,
    limits: &Limits,
    mut each: impl FnMut(Document, usize) -> Option<Document>,
) -> Option<SourceError> {
    let slice = text.get(range.clone()).unwrap_or_default();
    let shift = Shift { bytes: range.start, lines: lines_before };
    let mut builder = Builder::new(slice, limits);
    // At the end of the input the parser points at the line after the last one, even when the
    // input does not end with a line break: an error there is put at the end of the last line.
    let in_text = |at: Position| {
        let at = shift.position(at);
        let end = end_position(text.get(..range.end).unwrap_or(text));
        if at.line > end.line { end } else { at }
    };
    for event in Parser::new_from_str(slice) {
        let (event, span) = match event {
            Ok(pair) => pair,
            Err(error) => {
                let marker = error.marker();
                let at = in_text(Position { line: marker.line(), column: marker.col() + 1 });
                return Some(SourceError::at(at, format!("YAML syntax error: {}", error.info())));
            }
        };
        match builder.on_event(event, &span) {
            Ok(Some((mut document, region))) => {
                shift.document(&mut document);
                if let Some(done) = each(document, region + shift.bytes) {
                    builder.spare = Some(done.nodes);
                }
            }
            Ok(None) => {}
            Err(mut error) => {
                let at = in_text(Position { line: error.line, column: error.column });
                (error.line, error.column) = (at.line, at.column);
                return Some(error);
            }
        }
    }
    None
}

/// Where a slice of a text starts in it.
#[derive(Debug, Clone, Copy)]
struct Shift {
    bytes: usize,
    lines: usize,
}

impl Shift {
    fn position(self, at: Position) -> Position {
        Position { line: at.line + self.lines, column: at.column }
    }

    fn document(self, document: &mut Document) {
        document.start = self.position(document.start);
        document.nodes.shift = self.bytes;
        document.nodes.first_line += self.lines;
    }
}

/// Splits `text` into at most `parts` ranges of about equal size, each starting at a
/// document marker (`---` at the start of a line), so that each can be read on its own
/// with [`parse_each`]. A `---` line always starts a document (YAML forbids it inside one),
/// so reading the parts one after the other gives what reading the whole text gives. Texts
/// with directives (`%YAML`, `%TAG`: they belong to the next document) or lone `\r` line
/// breaks are not split, nor texts that may hold aliases (`*`: the limit on the nodes
/// aliases copy counts over the whole input).
#[must_use]
pub fn split(text: &str, parts: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    if parts <= 1 || !splittable(text) || memchr::memchr(b'*', bytes).is_some() {
        return std::iter::once(0..text.len()).collect();
    }
    let mut ranges = Vec::with_capacity(parts);
    let mut start = 0;
    for k in 1..parts {
        let target = (text.len() / parts * k).max(start + 1);
        let Some(at) = next_marker(bytes, target) else { break };
        ranges.push(start..at);
        start = at;
    }
    ranges.push(start..text.len());
    ranges
}

/// Whether documents of `text` can be read on their own ([`split`], [`parse_each`] of one
/// document's region): no directives, no lone `\r` line breaks.
#[must_use]
pub fn splittable(text: &str) -> bool {
    let bytes = text.as_bytes();
    let lone_cr = memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'));
    bytes.first() != Some(&b'%') && memchr::memmem::find(bytes, b"\n%").is_none() && !lone_cr
}

/// The start of the first `---` marker line at or after `from` (which need not be a line start).
fn next_marker(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        if (i == 0 || bytes.get(i - 1) == Some(&b'\n'))
            && bytes.get(i..i + 3) == Some(b"---")
            && bytes.get(i + 3).is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            return Some(i);
        }
        i = memchr::memchr(b'\n', bytes.get(i..)?).map(|n| i + n + 1)?;
    }
    None
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
#[must_use]
pub fn helm_sources(text: &str) -> Vec<(usize, String)> {
    const MARK: &[u8] = b"# Source: ";
    let bytes = text.as_bytes();
    let (mut line, mut counted) = (1, 0);
    let mut sources = Vec::new();
    for at in memchr::memmem::find_iter(bytes, MARK) {
        if at != 0 && bytes.get(at - 1) != Some(&b'\n') {
            continue;
        }
        line += bytes.get(counted..at).map_or(0, |b| memchr::memchr_iter(b'\n', b).count());
        counted = at;
        let rest = bytes.get(at + MARK.len()..).unwrap_or_default();
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let source = text.get(at + MARK.len()..at + MARK.len() + end).unwrap_or_default();
        sources.push((line, source.trim().to_owned()));
    }
    sources
}

/// A key read in a mapping, waiting for its value.
struct PendingKey {
    key: String,
    start: usize,
}

enum Content {
    Sequence(Vec<Value>),
    Mapping { map: Map<String, Value>, pending_key: Option<PendingKey>, merges: Vec<Value> },
}

struct Frame {
    /// The collection's node id.
    id: usize,
    /// Where its children start in `Builder::children`.
    children: usize,
    content: Content,
    anchor: usize,
    flow: bool,
    /// Byte offset just after the last character of the content so far.
    end: usize,
}

struct Builder<'t, 'l> {
    text: &'t str,
    /// Byte offset of each character, when the text is not ASCII (the parser counts characters).
    char_offsets: Option<Vec<usize>>,
    limits: &'l Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    nodes: NodeIndex,
    /// The children of the open collections, innermost last.
    children: Vec<usize>,
    /// Nodes in the previous document: room to make for the next one.
    previous_nodes: usize,
    /// The index of a document read, for its memory.
    spare: Option<NodeIndex>,
    alias_nodes: usize,
    start: Option<Position>,
    /// Byte offset of the start of the line where the current document begins.
    region: usize,
    /// Line breaks before `counted` (`region` of the previous document).
    breaks: usize,
    counted: usize,
    /// Just after the last character of the document's last node so far.
    end: usize,
    root: Option<Value>,
}

/// Just after the closing quote of the quoted scalar starting at byte `start`.
fn quoted_end(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = *bytes.get(start)?;
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

impl<'t, 'l> Builder<'t, 'l> {
    fn new(text: &'t str, limits: &'l Limits) -> Self {
        let char_offsets = (!text.is_ascii())
            .then(|| text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect());
        Self {
            text,
            char_offsets,
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: NodeIndex::default(),
            children: Vec::new(),
            previous_nodes: 0,
            spare: None,
            alias_nodes: 0,
            start: None,
            region: 0,
            breaks: 0,
            counted: 0,
            end: 0,
            root: None,
        }
    }

    /// The byte offset of a parser marker (which counts characters).
    fn byte(&self, char_index: usize) -> usize {
        match &self.char_offsets {
            None => char_index,
            Some(offsets) => offsets.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    /// The byte range and style of a scalar's text.
    fn scalar_span(&self, span: &Span, style: ScalarStyle, empty: bool) -> (Range<usize>, NodeStyle) {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index());
        match style {
            ScalarStyle::Plain if empty && start == end => (start..start, NodeStyle::Empty),
            ScalarStyle::Plain => (start..end, NodeStyle::Plain),
            // The parser's span of a quoted scalar may run on over a trailing comment.
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                (start..quoted_end(self.text.as_bytes(), start).unwrap_or(end), NodeStyle::Quoted)
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let content = self.text.get(start..end).unwrap_or_default().trim_end();
                (start..start + content.len(), NodeStyle::BlockScalar)
            }
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: &Span) -> Result<Option<(Document, usize)>, SourceError> {
        let position = Position::of(span);
        match event {
            Event::DocumentStart(_) => self.begin_document(span),
            Event::DocumentEnd => {
                let value = self.root.take().unwrap_or(Value::Null);
                let start = self.start.unwrap_or(position);
                let mut nodes = std::mem::take(&mut self.nodes);
                self.previous_nodes = nodes.entries.len();
                let end = self.end.clamp(self.region, self.text.len());
                nodes.source.push_str(self.text.get(self.region..end).unwrap_or_default());
                return Ok(Some((Document { value, start, helm_source: None, nodes }, self.region)));
            }
            Event::Scalar(text, style, anchor, tag) => {
                let (range, node_style) = self.scalar_span(span, style, text.is_empty());
                if self.key_slot() {
                    self.set_key(text.into_owned(), position, range.start)?;
                    self.end = self.end.max(range.start);
                } else {
                    let value = resolve_scalar(text, style, tag.as_ref().map(|t| t.suffix.as_str()));
                    if anchor > 0 {
                        self.anchors.insert(anchor, value.clone());
                    }
                    self.push_value(value, position, range, node_style);
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
                let range = self.byte(span.start.index())..self.byte(span.end.index());
                if self.key_slot() {
                    let key = match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    self.set_key(key, position, range.start)?;
                    self.end = self.end.max(range.start);
                } else {
                    self.push_value(value, position, range, NodeStyle::Alias);
                }
            }
            Event::SequenceStart(anchor, _) => {
                let flow = !span.is_empty();
                let style = if flow { NodeStyle::FlowSequence } else { NodeStyle::BlockSequence };
                let (id, start) = self.open(position, span, style)?;
                let children = self.children.len();
                let content = Content::Sequence(Vec::new());
                self.stack.push(Frame { id, children, content, anchor, flow, end: start });
            }
            Event::MappingStart(anchor, _) => {
                let flow = !span.is_empty();
                let style = if flow { NodeStyle::FlowMapping } else { NodeStyle::BlockMapping };
                let (id, start) = self.open(position, span, style)?;
                let children = self.children.len();
                let content = Content::Mapping { map: Map::new(), pending_key: None, merges: Vec::new() };
                self.stack.push(Frame { id, children, content, anchor, flow, end: start });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else { return Ok(None) };
                let value = match frame.content {
                    Content::Sequence(items) => Value::Array(items),
                    Content::Mapping { mut map, merges, .. } => {
                        for merge in merges {
                            merge_into(&mut map, merge);
                        }
                        Value::Object(map)
                    }
                };
                if frame.anchor > 0 {
                    self.anchors.insert(frame.anchor, value.clone());
                }
                // A block collection ends with its last child; a flow one just after its closing
                // bracket (the parser's span may run on over a trailing comment).
                let end = if frame.flow { self.byte(span.start.index()) + 1 } else { frame.end };
                self.close(frame.id, frame.children, value, end);
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(None)
    }

    /// Starts a document: its region starts at the start of the line of `span`.
    fn begin_document(&mut self, span: &Span) {
        let at = self.byte(span.start.index()).min(self.text.len());
        let bytes = self.text.as_bytes();
        self.region = bytes.get(..at).and_then(|b| memchr::memrchr(b'\n', b)).map_or(0, |n| n + 1);
        self.breaks += count_breaks(bytes.get(self.counted..self.region).unwrap_or_default());
        self.counted = self.region;
        self.end = self.region;
        self.nodes = match self.spare.take() {
            Some(mut spare) => {
                spare.entries.clear();
                spare.children.clear();
                spare.keys.clear();
                spare.source.clear();
                spare.root = None;
                spare.shift = 0;
                spare.start = None;
                spare.lines = OnceLock::new();
                NodeIndex { region: self.region, first_line: self.breaks + 1, ..spare }
            }
            None => NodeIndex {
                entries: Vec::with_capacity(self.previous_nodes),
                children: Vec::with_capacity(self.previous_nodes),
                region: self.region,
                first_line: self.breaks + 1,
                ..NodeIndex::default()
            },
        };
        self.children.clear();
        self.anchors.clear();
        self.start = None;
        self.root = None;
    }

    /// Whether the next scalar is a mapping key.
    fn key_slot(&self) -> bool {
        matches!(self.stack.last(), Some(Frame { content: Content::Mapping { pending_key: None, .. }, .. }))
    }

    fn set_key(&mut self, key: String, position: Position, start: usize) -> Result<(), SourceError> {
        if let Some(Frame { content: Content::Mapping { map, pending_key, .. }, .. }) = self.stack.last_mut() {
            if key != "<<" && map.contains_key(&key) {
                return Err(SourceError::at(position, format!("duplicate key `{key}` in a mapping")));
            }
            *pending_key = Some(PendingKey { key, start });
        }
        Ok(())
    }

    /// Adds a node to the innermost collection (none, or a mapping waiting for its key: the
    /// document's root); returns its id.
    fn add_node(&mut self, span: Range<usize>, style: NodeStyle) -> usize {
        let id = self.nodes.entries.len();
        let (mut key_start, mut key) = (NO_KEY, 0..0);
        match self.stack.last().map(|frame| &frame.content) {
            Some(Content::Sequence(_)) => self.children.push(id),
            Some(Content::Mapping { pending_key: Some(pending), .. }) => {
                let from = self.nodes.keys.len();
                self.nodes.keys.push_str(&pending.key);
                (key_start, key) = (pending.start, from..self.nodes.keys.len());
                self.children.push(id);
            }
            None | Some(Content::Mapping { pending_key: None, .. }) => self.nodes.root = Some(id),
        }
        self.end = self.end.max(span.end);
        self.nodes.entries.push(Entry { span, key_start, key, children: 0..0, style });
        id
    }

    /// Records where a collection starts; returns its node id and byte offset.
    fn open(&mut self, position: Position, span: &Span, style: NodeStyle) -> Result<(usize, usize), SourceError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(SourceError::at(
                position,
                Limits::refusal("nesting too deep", self.limits.max_depth, "levels", "maxDepth"),
            ));
        }
        let start = self.byte(span.start.index());
        self.started(position, start);
        let id = self.add_node(start..start, style);
        Ok((id, start))
    }

    /// Closes the collection `id` whose children start at `children` in `self.children`.
    fn close(&mut self, id: usize, children: usize, value: Value, end: usize) {
        let NodeIndex { entries, keys, children: arena, .. } = &mut self.nodes;
        let from = arena.len();
        arena.extend(self.children.get(children..).unwrap_or_default());
        self.children.truncate(children);
        let to = arena.len();
        let mut mapping = false;
        if let Some(entry) = entries.get_mut(id) {
            entry.span.end = end;
            entry.children = from..to;
            mapping = matches!(entry.style, NodeStyle::BlockMapping | NodeStyle::FlowMapping);
        }
        if mapping && to - from > SORTED_KEYS {
            let key = |c: usize| entries.get(c).and_then(|e| keys.get(e.key.clone())).unwrap_or_default();
            if let Some(sorted) = arena.get_mut(from..to) {
                sorted.sort_by(|&a, &b| key(a).cmp(key(b)).then(a.cmp(&b)));
            }
        }
        self.end = self.end.max(end);
        // The parent collection (or the document) receives it.
        self.attach(value, end);
    }

    /// Notes where the document's content starts, at its first node.
    fn started(&mut self, position: Position, offset: usize) {
        if self.stack.is_empty() && self.start.is_none() {
            self.start = Some(position);
            self.nodes.start = Some(offset);
        }
    }

    fn push_value(&mut self, value: Value, position: Position, span: Range<usize>, style: NodeStyle) {
        self.started(position, span.start);
        let end = span.end;
        self.add_node(span, style);
        self.attach(value, end);
    }

    fn attach(&mut self, value: Value, end: usize) {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(value);
            return;
        };
        frame.end = frame.end.max(end);
        match &mut frame.content {
            Content::Sequence(items) => items.push(value),
            Content::Mapping { map, pending_key, merges } => {
                if let Some(pending) = pending_key.take() {
                    if pending.key == "<<" {
                        merges.push(value);
                    } else {
                        map.insert(pending.key, value);
                    }
                }
            }
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
/// A string takes the parser's own text, without a copy.
fn resolve_scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&str>) -> Value {
    resolve_non_string(&text, style, tag).unwrap_or_else(|| Value::String(text.into_owned()))
}

/// The value of a scalar that is not a string, if it is not one.
fn resolve_non_string(text: &str, style: ScalarStyle, tag: Option<&str>) -> Option<Value> {
    match tag {
        Some("str") => return None,
        Some("null") => return Some(Value::Null),
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return None;
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let t = text;
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    let looks_numeric = unsigned.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if !looks_numeric {
        return None;
    }
    if let Some(hex) = t.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(Value::from);
    }
    if let Some(octal) = t.strip_prefix("0o") {
        return i64::from_str_radix(octal, 8).ok().map(Value::from);
    }
    if unsigned.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(int) = t.parse::<i64>() {
            return Some(Value::from(int));
        }
        if let Ok(int) = t.parse::<u64>() {
            return Some(Value::from(int));
        }
    }
    let is_float = unsigned.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if is_float
        && let Ok(float) = t.parse::<f64>()
        && let Some(number) = Number::from_f64(float)
    {
        return Some(Value::Number(number));
    }
    None
}

/// The path of a node below `base` (List items are documents of their own).
#[must_use]
pub fn join(base: &JsonPath, path: &JsonPath) -> JsonPath {
    let mut joined = base.clone();
    for segment in path.segments() {
        joined = match segment {
            Segment::Key(key) => joined.key_of(key),
            Segment::Index(i) => joined.index(*i),
        };
    }
    joined
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

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
    fn helm_sources_are_found_at_line_starts() {
        let lines = |text: &str| -> Vec<(usize, String)> {
            text.lines()
                .enumerate()
                .filter_map(|(i, line)| line.strip_prefix("# Source: ").map(|s| (i + 1, s.trim().to_owned())))
                .collect()
        };
        for text in [
            "# Source: a/b.yaml\nkind: A\n",
            "x: 1 # Source: not/this\n# Source:  c/d.yaml \r\n---\n\n# Source: e\n# Source: f",
            "# Source: \n\r\n# Source: g\rh\n",
            "",
        ] {
            assert_eq!(helm_sources(text), lines(text), "{text:?}");
        }
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

    /// Found by fuzzing (`lint_input`, CI run of 2026-11-22): the empty key of a second
    /// explicit `?` entry is read at the end of the input, which the parser puts a line past
    /// the last one when the input does not end with a line break.
    #[test]
    fn an_error_on_a_key_at_end_of_input_points_at_the_last_line() {
        for (text, expected) in [
            ("?\n? ", "2:3: duplicate key `` in a mapping"),
            ("?\r? ", "2:3: duplicate key `` in a mapping"),
            ("?\n?\n", "2:2: duplicate key `` in a mapping"),
        ] {
            assert_eq!(parse(text, &Limits::default()).error.unwrap().to_string(), expected, "{text:?}");
        }
    }

    #[test]
    fn spans_cover_exactly_the_value() {
        let text = "a: 1\nb:\n  - x\n  - {c: true, d: \"5\"} # flow\nq: 'it''s' # c\nlit: |\n  hello\n\nempty:\nz: \"\u{e9}t\u{e9}\" # accents\n";
        let doc = one(text);
        let slice = |path: &JsonPath| {
            let node = doc.node(path).unwrap();
            (&text[node.span.clone()], node.style)
        };
        assert_eq!(slice(&JsonPath::from_keys("a")), ("1", NodeStyle::Plain));
        assert_eq!(slice(&JsonPath::from_keys("b")), ("- x\n  - {c: true, d: \"5\"}", NodeStyle::BlockSequence));
        assert_eq!(slice(&JsonPath::from_keys("b").index(1)), ("{c: true, d: \"5\"}", NodeStyle::FlowMapping));
        assert_eq!(slice(&JsonPath::from_keys("q")), ("'it''s'", NodeStyle::Quoted));
        assert_eq!(slice(&JsonPath::from_keys("lit")), ("hello", NodeStyle::BlockScalar));
        assert_eq!(slice(&JsonPath::from_keys("empty")), ("", NodeStyle::Empty));
        assert_eq!(slice(&JsonPath::from_keys("z")), ("\"\u{e9}t\u{e9}\"", NodeStyle::Quoted));
        assert_eq!(slice(&JsonPath::root()).1, NodeStyle::BlockMapping);
        assert!(text[doc.node(&JsonPath::root()).unwrap().span.clone()].ends_with("t\u{e9}\""));
        let key_start = doc.node(&JsonPath::from_keys("q")).unwrap().key_start.unwrap();
        assert_eq!(&text[key_start..key_start + 2], "q:");
        // A block collection is located at its key, and so is an empty value.
        assert_eq!(doc.position(&JsonPath::from_keys("b")), Position { line: 2, column: 1 });
        assert_eq!(doc.position(&JsonPath::from_keys("empty")), Position { line: 9, column: 1 });
    }

    /// Lines and columns come from byte offsets and a table of line starts: they count
    /// characters (not bytes) and every YAML line break, as the parser does.
    #[test]
    fn positions_count_characters_and_every_line_break() {
        let at = |text: &str, path: JsonPath| one(text).position(&path);
        let crlf = "a: 1\r\nb:\r\n  - x\r\n  - {c: \"\u{e9}t\u{e9}\", d: 5}\r\n";
        assert_eq!(at(crlf, JsonPath::from_keys("b").index(1).key("d")), Position { line: 4, column: 19 });
        assert_eq!(at("a: 1\rb: [x,\r y]\rc: 2\r", JsonPath::from_keys("b").index(1)), Position { line: 3, column: 2 });
        assert_eq!(
            at("\u{e9}\u{e9}: \"\u{20ac}\"\nz: {\u{1f600}: 1, y: 2}\n", JsonPath::from_keys("z.y")),
            Position { line: 2, column: 14 }
        );
        assert_eq!(at("a: b\nc: [1,\t2]\n", JsonPath::from_keys("c").index(1)), Position { line: 2, column: 8 });
        // A value left empty at the very end of the input is on the last line (the parser
        // puts the end of the input on the line after it).
        assert_eq!(at("items:\n- x\n- ", JsonPath::from_keys("items").index(1)), Position { line: 3, column: 3 });
        // A mapping with many keys is searched in sorted order.
        let many = (0..40).fold(String::new(), |mut text, i| {
            let _ = writeln!(text, "k{i}: {i}");
            text
        });
        assert_eq!(at(&many, JsonPath::from_keys("k7")), Position { line: 8, column: 5 });
        assert_eq!(at(&many, JsonPath::from_keys("k39")), Position { line: 40, column: 6 });
        assert_eq!(at(&many, JsonPath::from_keys("zz")), Position { line: 1, column: 1 });
    }

    #[test]
    fn json_input_and_bom() {
        let doc = one("\u{feff}{\"kind\": \"PersistentVolume\", \"spec\": {\"capacity\": {\"storage\": \"5T\"}}}");
        assert_eq!(doc.value["spec"]["capacity"]["storage"], "5T");
    }
}
