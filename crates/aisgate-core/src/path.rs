//! JSONPath locations of findings.
//!
//! Findings point at the offending node with a JSONPath such as
//! `$.spec.template.spec.containers[0].ports[1].hostPort`. The display form uses dot notation
//! where a key is a plain identifier and `['…']` otherwise (label keys hold `/` and `.`);
//! [`JsonPath::normalized`] gives the RFC 9535 normalized form that jsonpath-rust returns, so
//! exemption queries can be compared with finding locations.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

/// One step of a path: an object key or an array index. Keys written in the code are
/// borrowed, so that rules build and copy paths without allocating for them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    Key(Cow<'static, str>),
    Index(usize),
}

/// Makes a finding's path when a rule reports one (rules pass `&|| ...`), so that objects
/// without findings build none. A trait rather than `dyn Fn() -> JsonPath`: a closure's `Fn`
/// vtable puts two functions in the policy module's function table (the closure and its
/// `call_once` shim), this trait's one, and each costs wasmtime a trampoline at compile time
/// (docs/performance.md, "Cold start").
pub(crate) trait MakePath {
    fn make(&self) -> JsonPath;
}

impl<F: Fn() -> JsonPath> MakePath for F {
    fn make(&self) -> JsonPath {
        self()
    }
}

/// A path from the root of an object to one of its nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JsonPath {
    segments: Vec<Segment>,
}

impl JsonPath {
    /// The root, `$`.
    #[must_use]
    pub fn root() -> Self {
        Self::default()
    }

    /// Builds a path from dot-separated keys: `JsonPath::from_keys("spec.targetSpec")`.
    #[must_use]
    pub fn from_keys(dotted: &'static str) -> Self {
        Self::root().keys(dotted)
    }

    /// A copy of this path with room for `more` segments: rules extend paths step by step,
    /// and a plain clone would be reallocated by the first push.
    #[cfg_attr(aisgate_policy_module, optimize(speed))]
    fn with_room(&self, more: usize) -> Self {
        let mut segments = Vec::with_capacity(self.segments.len() + more);
        segments.extend_from_slice(&self.segments);
        Self { segments }
    }

    /// This path extended by an object key written in the code (not copied).
    #[must_use]
    pub fn key(&self, key: &'static str) -> Self {
        self.with(Cow::Borrowed(key))
    }

    /// This path extended by an object key read from data (copied).
    #[must_use]
    pub fn key_of(&self, key: &str) -> Self {
        self.with(Cow::Owned(key.to_owned()))
    }

    fn with(&self, key: Cow<'static, str>) -> Self {
        let mut path = self.with_room(1);
        path.segments.push(Segment::Key(key));
        path
    }

    /// This path extended by several object keys given as `a.b.c`.
    #[must_use]
    pub fn keys(&self, dotted: &'static str) -> Self {
        // Room counted by bytes, so the keys are split once.
        let mut path = self.with_room(dotted.bytes().filter(|&b| b == b'.').count() + 1);
        path.segments.extend(dotted.split('.').filter(|k| !k.is_empty()).map(|key| Segment::Key(Cow::Borrowed(key))));
        path
    }

    /// This path extended by an array index.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        let mut path = self.with_room(1);
        path.segments.push(Segment::Index(index));
        path
    }

    #[must_use]
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The path without its last step; the root is its own parent.
    #[must_use]
    pub fn parent(&self) -> Self {
        let mut path = self.clone();
        path.segments.pop();
        path
    }

    /// The last step, if any.
    #[must_use]
    pub fn last(&self) -> Option<&Segment> {
        self.segments.last()
    }

    /// Whether `self` is `ancestor` or lies below it.
    #[must_use]
    pub fn starts_with(&self, ancestor: &JsonPath) -> bool {
        self.segments.starts_with(&ancestor.segments)
    }

    /// The RFC 9535 normalized path: `$['spec']['containers'][0]`.
    #[must_use]
    pub fn normalized(&self) -> String {
        let mut out = String::from("$");
        for segment in &self.segments {
            match segment {
                Segment::Key(key) => {
                    out.push_str("['");
                    for c in key.chars() {
                        match c {
                            '\'' => out.push_str("\\'"),
                            '\\' => out.push_str("\\\\"),
                            c => out.push(c),
                        }
                    }
                    out.push_str("']");
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// Parses the normalized form written by [`JsonPath::normalized`] (and by jsonpath-rust).
    #[must_use]
    pub fn parse_normalized(text: &str) -> Option<Self> {
        let mut rest = text.strip_prefix('$')?;
        let mut path = Self::root();
        while !rest.is_empty() {
            rest = rest.strip_prefix('[')?;
            if let Some(quoted) = rest.strip_prefix('\'') {
                let mut key = String::new();
                let mut chars = quoted.char_indices();
                let end = loop {
                    let (i, c) = chars.next()?;
                    match c {
                        '\\' => key.push(chars.next()?.1),
                        '\'' => break i,
                        c => key.push(c),
                    }
                };
                rest = quoted.get(end + 1..)?.strip_prefix(']')?;
                path.segments.push(Segment::Key(Cow::Owned(key)));
            } else {
                let end = rest.find(']')?;
                let index = rest.get(..end)?.parse().ok()?;
                rest = rest.get(end + 1..)?;
                path.segments.push(Segment::Index(index));
            }
        }
        Some(path)
    }

    /// The node this path names in `value`, if it exists.
    #[must_use]
    pub fn lookup<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        self.segments.iter().try_fold(value, |node, segment| match segment {
            Segment::Key(key) => node.get(&**key),
            Segment::Index(i) => node.get(*i),
        })
    }

    /// This path if it exists in `value`, else its nearest existing ancestor (for findings
    /// about a missing field: `$.spec.targetSpec` when `size` is absent).
    #[must_use]
    pub fn nearest_existing(&self, value: &Value) -> Self {
        let mut path = self.clone();
        while !path.segments.is_empty() && path.lookup(value).is_none() {
            path.segments.pop();
        }
        path
    }

    /// The node this path names in `value`, mutably, if it exists.
    pub fn lookup_mut<'v>(&self, value: &'v mut Value) -> Option<&'v mut Value> {
        self.segments.iter().try_fold(value, |node, segment| match segment {
            Segment::Key(key) => node.get_mut(&**key),
            Segment::Index(i) => node.get_mut(*i),
        })
    }
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for segment in &self.segments {
            match segment {
                Segment::Key(key) if is_identifier(key) => write!(f, ".{key}")?,
                Segment::Key(key) => write!(f, "['{}']", key.replace('\\', "\\\\").replace('\'', "\\'"))?,
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

impl serde::Serialize for JsonPath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_dotted_and_bracketed_keys() {
        let path = JsonPath::from_keys("metadata.labels").key("app.kubernetes.io/name");
        assert_eq!(path.to_string(), "$.metadata.labels['app.kubernetes.io/name']");
        let path = JsonPath::from_keys("spec.template.spec.containers").index(0).key("ports").index(1);
        assert_eq!(path.to_string(), "$.spec.template.spec.containers[0].ports[1]");
    }

    #[test]
    fn normalized_round_trips() {
        let path = JsonPath::from_keys("spec").key("it's").index(3).key("a\\b");
        let text = path.normalized();
        assert_eq!(text, "$['spec']['it\\'s'][3]['a\\\\b']");
        assert_eq!(JsonPath::parse_normalized(&text), Some(path));
        assert_eq!(JsonPath::parse_normalized("$"), Some(JsonPath::root()));
        assert_eq!(JsonPath::parse_normalized("$['x'"), None);
    }
}
