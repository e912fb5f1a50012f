//! Settings text (YAML or JSON, the policy's schema) into [`Settings`]: the one reader the
//! CLI's `--settings` file and the JavaScript package's `settings` argument share.

use aisgate_core::{Settings, SettingsError};

use crate::source::{self, Limits, SourceError};

/// Settings text that could not be read or is not valid settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsTextError {
    /// Not YAML (or JSON).
    #[error("settings:{0}")]
    Syntax(SourceError),
    /// Read, but refused by the schema.
    #[error(transparent)]
    Invalid(#[from] SettingsError),
}

impl SettingsTextError {
    /// The message for settings read from `file`: `file:3:5: …` for syntax, `file: settings: field: …` otherwise.
    #[must_use]
    pub fn in_file(&self, file: &str) -> String {
        match self {
            SettingsTextError::Syntax(error) => format!("{file}:{error}"),
            SettingsTextError::Invalid(error) => format!("{file}: {error}"),
        }
    }
}

/// Reads settings from YAML or JSON text; the first document counts, an empty text means defaults.
pub fn parse_settings(text: &str) -> Result<Settings, SettingsTextError> {
    let parsed = source::parse(text, &Limits::default());
    if let Some(error) = parsed.error {
        return Err(SettingsTextError::Syntax(error));
    }
    let value = parsed.documents.into_iter().next().map(|document| document.value).unwrap_or_default();
    Ok(Settings::from_json(&value)?)
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
        assert_eq!(parse_settings("").unwrap(), Settings::default());
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let error = parse_settings("rules:\n  a: [\n").unwrap_err();
        let SettingsTextError::Syntax(at) = &error else { panic!("{error:?}") };
        assert_eq!((at.line, at.column), (3, 1));
        assert_eq!(error.to_string(), format!("settings:3:1: {}", at.message));
        assert_eq!(error.in_file("s.yaml"), format!("s.yaml:3:1: {}", at.message));
    }

    #[test]
    fn schema_errors_name_the_field() {
        let error = parse_settings("rules:\n  no-such-rule: off\n").unwrap_err();
        assert!(matches!(error, SettingsTextError::Invalid(_)));
        let message = "rules.no-such-rule: unknown rule; use a rule name or code from `aisgate rules` \
                       (e.g. host-port-on-shared-node or AIS020)";
        assert_eq!(error.to_string(), format!("settings: {message}"));
        assert_eq!(error.in_file("s.yaml"), format!("s.yaml: settings: {message}"));
    }
}
