//! YAML in (with the file, line and column of a bad field) and out.
//!
//! Reading uses the project's own positioned reader (`aisgate_lint::source`, saphyr-parser);
//! writing uses saphyr's emitter, with multi-line strings as literal blocks.

use std::borrow::Cow;
use std::fmt::Write as _;

use aisgate_core::JsonPath;
use aisgate_lint::source::{Limits, SourceError, parse};
use saphyr::{Mapping, Scalar, Yaml, YamlEmitter};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A YAML file that could not be read into the expected shape.
#[derive(Debug, thiserror::Error)]
pub enum YamlError {
    #[error("{file}:{error}")]
    Syntax { file: String, error: SourceError },
    #[error("{file}: expected one YAML document, found none")]
    Empty { file: String },
    #[error("{file}:{line}:{column}: {field}: {message}")]
    Field { file: String, line: usize, column: usize, field: String, message: String },
}

/// The first document of `text` as JSON.
pub fn to_value(text: &str, file: &str) -> Result<Value, YamlError> {
    let parsed = parse(text, &Limits::default());
    if let Some(error) = parsed.error {
        return Err(YamlError::Syntax { file: file.to_owned(), error });
    }
    parsed.documents.into_iter().next().map(|d| d.value).ok_or_else(|| YamlError::Empty { file: file.to_owned() })
}

/// The first document of `text` decoded as `T`; a bad field is reported at its line.
pub fn decode<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, YamlError> {
    let parsed = parse(text, &Limits::default());
    if let Some(error) = parsed.error {
        return Err(YamlError::Syntax { file: file.to_owned(), error });
    }
    let document = parsed.documents.into_iter().next().ok_or_else(|| YamlError::Empty { file: file.to_owned() })?;
    serde_path_to_error::deserialize(&document.value).map_err(|error| {
        let mut path = JsonPath::root();
        let mut field = String::new();
        for segment in error.path() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => {
                    path = path.index(*index);
                    let _ = write!(field, "[{index}]");
                }
                serde_path_to_error::Segment::Map { key } | serde_path_to_error::Segment::Enum { variant: key } => {
                    path = path.key_of(key);
                    if !field.is_empty() {
                        field.push('.');
                    }
                    field.push_str(key);
                }
                serde_path_to_error::Segment::Unknown => {}
            }
        }
        let message = error.into_inner().to_string();
        // An unknown key is at fault itself; for a bad value, point at the value.
        let key = if message.starts_with("unknown field") { document.key_position(&path) } else { None };
        let position = key.unwrap_or_else(|| document.position(&path));
        YamlError::Field {
            file: file.to_owned(),
            line: position.line,
            column: position.column,
            field: if field.is_empty() { "(root)".to_owned() } else { field },
            message,
        }
    })
}

/// A string node.
#[must_use]
pub fn string(text: impl Into<String>) -> Yaml<'static> {
    Yaml::Value(Scalar::String(Cow::Owned(text.into())))
}

/// A mapping node with its keys in the given order.
#[must_use]
pub fn mapping<'a>(entries: impl IntoIterator<Item = (&'a str, Yaml<'static>)>) -> Yaml<'static> {
    let mut mapping = Mapping::new();
    for (key, value) in entries {
        mapping.insert(string(key), value);
    }
    Yaml::Mapping(mapping)
}

/// A JSON value as a YAML node (object keys in the map's order).
#[must_use]
pub fn to_yaml(value: &Value) -> Yaml<'static> {
    match value {
        Value::Null => Yaml::Value(Scalar::Null),
        Value::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Value(Scalar::Integer(i)),
            None => Yaml::Value(Scalar::FloatingPoint(n.as_f64().unwrap_or_default().into())),
        },
        Value::String(s) => string(s.as_str()),
        Value::Array(items) => Yaml::Sequence(items.iter().map(to_yaml).collect()),
        Value::Object(map) => {
            let mut mapping = Mapping::new();
            for (key, value) in map {
                mapping.insert(string(key.as_str()), to_yaml(value));
            }
            Yaml::Mapping(mapping)
        }
    }
}

/// `node` as a YAML document (multi-line strings as literal blocks), without the leading
/// `---`, ending with a newline.
#[must_use]
pub fn emit(node: &Yaml<'_>) -> String {
    let mut out = String::new();
    let mut emitter = YamlEmitter::new(&mut out);
    emitter.multiline(true);
    // Writing to a String cannot fail.
    let _ = emitter.dump(node);
    let body = out.strip_prefix("---\n").unwrap_or(&out);
    let mut body = body.to_owned();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    body
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn emits_block_yaml_that_reads_back_the_same() {
        let value = json!({"version": "0.1.0", "list": [{"name": "policy", "url": "https://x"}], "flag": true,
            "text": "line one\nline two: with colon\n", "empty": [], "n": 3});
        let text = emit(&to_yaml(&value));
        assert_eq!(to_value(&text, "t.yml").unwrap(), value);
        assert!(text.starts_with("empty: []\nflag: true\nlist:\n"), "{text}");
        assert!(text.contains("text: |\n"), "{text}");
    }
}
