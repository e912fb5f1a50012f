//! Settings text (YAML or JSON, the policy's schema) into [`Settings`]: the one reader the
//! CLI's `--settings` file and the JavaScript package's `settings` argument share, so both
//! report a bad setting with the same message, at its line and column.

use aisgate_core::{JsonPath, Settings, SettingsError};
use serde_json::Value;

use crate::source::{self, Limits, Position};

/// Settings text that could not be read, or that the schema refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsTextError {
    /// Where in the text; `None` when the text holds no document at all.
    pub at: Option<Position>,
    pub message: String,
    /// The schema's refusal (field and allowed values), when the text was readable.
    pub invalid: Option<SettingsError>,
}

impl SettingsTextError {
    fn at(at: Position, message: String) -> Self {
        Self { at: Some(at), message, invalid: None }
    }

    /// The message for settings read from `file`: `file:3:5: invalid settings: rules.x: …`.
    #[must_use]
    pub fn in_file(&self, file: &str) -> String {
        match self.at {
            Some(at) => format!("{file}:{}:{}: {}", at.line, at.column, self.message),
            None => format!("{file}: {}", self.message),
        }
    }
}

/// Without a file name: the text is called `settings`.
impl std::fmt::Display for SettingsTextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_file("settings"))
    }
}

impl std::error::Error for SettingsTextError {}

/// Reads settings from YAML or JSON text holding one document; an empty text means the defaults.
pub fn parse_settings(text: &str) -> Result<Settings, SettingsTextError> {
    parse_settings_value(text).map(|(settings, _)| settings)
}

/// [`parse_settings`], also returning the settings as JSON (`Null` for defaults), as the
/// policy receives them.
pub fn parse_settings_value(text: &str) -> Result<(Settings, Value), SettingsTextError> {
    if text.trim().is_empty() {
        return Ok((Settings::default(), Value::Null));
    }
    let parsed = source::parse(text, &Limits::default());
    if let Some(error) = parsed.error {
        return Err(SettingsTextError::at(Position { line: error.line, column: error.column }, error.message));
    }
    let mut documents = parsed.documents.into_iter();
    let Some(document) = documents.next() else {
        return Err(SettingsTextError {
            at: None,
            message: "empty: expected one YAML or JSON document".to_owned(),
            invalid: None,
        });
    };
    if let Some(extra) = documents.next() {
        return Err(SettingsTextError::at(extra.start, "expected one document, found another here".to_owned()));
    }
    match Settings::from_json(&document.value) {
        Ok(settings) => Ok((settings, document.value)),
        Err(error) => Err(SettingsTextError {
            at: Some(document.position(&field_path(&error))),
            message: format!("invalid {error}"),
            invalid: Some(error),
        }),
    }
}

/// The node a settings error is about: its field (`exemptions[0].reason`), or for an unknown
/// key, that key.
fn field_path(error: &SettingsError) -> JsonPath {
    let mut path = JsonPath::root();
    if error.field != "(root)" {
        for part in error.field.split('.') {
            let mut pieces = part.split('[');
            if let Some(key) = pieces.next().filter(|key| !key.is_empty()) {
                path = path.key_of(key);
            }
            for index in pieces.filter_map(|piece| piece.trim_end_matches(']').parse().ok()) {
                path = path.index(index);
            }
        }
    }
    if let Some(unknown) = error.message.strip_prefix("unknown field `").and_then(|rest| rest.split('`').next()) {
        path = path.key_of(unknown);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_yaml_and_json_alike() {
        let from_yaml = parse_settings("rules:\n  mutable-image-tag: off\n").unwrap();
        let from_json = parse_settings(r#"{"rules": {"mutable-image-tag": "off"}}"#).unwrap();
        assert_eq!(from_yaml, from_json);
        assert_eq!(from_yaml.level("AIS034", "mutable-image-tag", aisgate_core::Severity::Warn), None);
        assert_eq!(parse_settings(" \n").unwrap(), Settings::default());
        let (_, value) = parse_settings_value("topologyKeys: [example.com/rack]\n").unwrap();
        assert_eq!(value, serde_json::json!({"topologyKeys": ["example.com/rack"]}));
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let error = parse_settings("rules:\n  a: [\n").unwrap_err();
        assert_eq!(
            error.in_file("s.yaml"),
            "s.yaml:2:7: YAML syntax error: while parsing a node, did not find expected node content"
        );
        assert_eq!(error.to_string(), error.in_file("settings"));
        assert_eq!(error.invalid, None);
    }

    #[test]
    fn schema_errors_point_at_the_field() {
        let error =
            parse_settings("mutations:\n  retainReclaimPolicy: true\nrules:\n  no-such-rule: off\n").unwrap_err();
        assert_eq!(
            error.in_file("s.yaml"),
            "s.yaml:4:17: invalid settings: rules.no-such-rule: unknown rule; use a rule name or code \
             from `aisgate rules` (e.g. host-port-on-shared-node or AIS020)"
        );
        assert_eq!(error.invalid.map(|e| e.field), Some("rules.no-such-rule".to_owned()));

        let error =
            parse_settings("exemptions:\n  - rules: [AIS020]\n    reason: x\n    expire: 2027-01-01\n").unwrap_err();
        assert_eq!(error.at, Some(Position { line: 4, column: 13 }), "{error}");
        assert!(error.message.starts_with("invalid settings: exemptions[0]: unknown field `expire`"), "{error}");
    }

    #[test]
    fn one_document_only() {
        let error = parse_settings("rules: {}\n---\nrules: {}\n").unwrap_err();
        assert_eq!(error.in_file("s.yaml"), "s.yaml:3:1: expected one document, found another here");
        let error = parse_settings("# only a comment\n").unwrap_err();
        assert_eq!(error.in_file("s.yaml"), "s.yaml: empty: expected one YAML or JSON document");
    }
}
