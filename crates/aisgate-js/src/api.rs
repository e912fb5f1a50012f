//! The package's calls in plain Rust: what the JavaScript functions do once their arguments
//! are decoded. No wasm-bindgen types here, so the host tests run them.

use aisgate_core::settings::{Date, parse_date};
use aisgate_core::{Engine, Settings, SettingsError};
use aisgate_lint::catalog::UnknownRule;
use aisgate_lint::{Input, LintReport, SettingsTextError};
use serde::Deserialize;

/// Why a call throws. Messages are the CLI's (without its `aisgate:` prefix), the settings
/// text called `settings` where the CLI names the settings file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Settings(#[from] SettingsTextError),
    /// Settings given as an object: the field and what is allowed, no position.
    #[error(transparent)]
    SettingsObject(SettingsError),
    #[error(transparent)]
    UnknownRule(#[from] UnknownRule),
    /// An argument of the wrong shape.
    #[error("{0}")]
    Argument(String),
    /// Input `fix` could not read or fix, each as `-:line:column: message` (the CLI's errors).
    #[error("{0}")]
    Unfixable(String),
}

/// `lint`'s third argument.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LintOptions {
    /// The file name findings and errors carry (the CLI's path); `-` by default, as for stdin.
    pub file: Option<String>,
    /// The previous version of the objects, for update rules (the CLI's `--old`).
    pub old: Option<String>,
    /// The date exemptions' `expires` is judged against, `YYYY-MM-DD`; today (UTC) by default.
    pub today: Option<String>,
}

impl LintOptions {
    /// Reads options from their JSON text; unknown keys are refused by name.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        serde_json::from_str(text).map_err(|e| {
            // serde_json appends " at line 1 column N" of the JSON it was given, which the
            // caller never wrote: drop it.
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            Error::Argument(format!("options: {message}"))
        })
    }
}

/// The settings argument: text as written (YAML or JSON), or an object's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsInput<'a> {
    Text(&'a str),
    /// JSON the caller never saw: errors name the field but no line or column.
    Object(&'a str),
}

impl SettingsInput<'_> {
    fn read(self) -> Result<Settings, Error> {
        match self {
            SettingsInput::Text(text) => Ok(aisgate_lint::parse_settings(text)?),
            SettingsInput::Object(json) => aisgate_lint::parse_settings(json).map_err(|error| match error.invalid {
                Some(invalid) => Error::SettingsObject(invalid),
                None => Error::Settings(error),
            }),
        }
    }
}

/// The name old versions carry in errors.
const OLD_FILE: &str = "old";

/// Lints `text` as `aisgate lint --format json` does. `today` is the clock's date, used
/// unless the options name one.
pub fn lint(
    text: &str,
    settings: Option<SettingsInput<'_>>,
    options: &LintOptions,
    today: Option<Date>,
) -> Result<LintReport, Error> {
    let settings = match settings {
        Some(input) => input.read()?,
        None => Settings::default(),
    };
    let today =
        match options.today.as_deref() {
            Some(text) => Some(parse_date(text).ok_or_else(|| {
                Error::Argument(format!("options.today: `{text}` is not a date; expected YYYY-MM-DD"))
            })?),
            None => today,
        };
    let engine = Engine::new(settings, today);
    let inputs = [Input { name: options.file.as_deref().unwrap_or("-"), text }];
    let old: Vec<Input<'_>> = options.old.iter().map(|text| Input { name: OLD_FILE, text }).collect();
    let limits = engine.settings().limits;
    Ok(aisgate_lint::lint(&engine, &inputs, &old, &limits))
}

/// Fixes `text` as `aisgate fix` does: the offline fixes plus the mutations the settings
/// turn on; documents it does not change stay byte-identical. Unreadable input throws.
pub fn fix(text: &str, settings: Option<SettingsInput<'_>>, today: Option<Date>) -> Result<String, Error> {
    let settings = match settings {
        Some(input) => input.read()?,
        None => Settings::default(),
    };
    let engine = Engine::new(settings, today);
    let limits = engine.settings().limits;
    let outcome = aisgate_lint::fix(&engine, &[Input { name: "-", text }], &limits);
    if !outcome.errors.is_empty() {
        let errors: Vec<String> =
            outcome.errors.iter().map(|e| format!("{}:{}:{}: {}", e.file, e.line, e.column, e.message)).collect();
        return Err(Error::Unfixable(errors.join("; ")));
    }
    Ok(outcome.files.into_iter().next().map_or_else(|| text.to_owned(), |file| file.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AIS020 deny fixture: the same text the playground's browser test pastes.
    const HOST_PORT_ON_SHARED_NODES: &str =
        include_str!("../../../fixtures/host-port-on-shared-node/deny-aistore-host-port.yaml");

    fn today() -> Option<Date> {
        parse_date("2026-11-21")
    }

    #[test]
    fn fix_removes_the_host_port_and_leaves_the_rest() {
        let settings = SettingsInput::Text("mutations: {stripHostPortOnSharedNodes: true}");
        let fixed = fix(HOST_PORT_ON_SHARED_NODES, Some(settings), today()).unwrap();
        assert_eq!(fixed, HOST_PORT_ON_SHARED_NODES.replace("    hostPort: 51081\n", ""));
        assert_eq!(fix(&fixed, Some(settings), today()).unwrap(), fixed, "fixing the fixed text changes nothing");
        assert_eq!(fix(HOST_PORT_ON_SHARED_NODES, None, today()).unwrap(), HOST_PORT_ON_SHARED_NODES, "off by default");
    }

    #[test]
    fn fix_refuses_unreadable_input() {
        assert_eq!(
            fix("a: [1, 2\n", None, today()).unwrap_err().to_string(),
            "-:1:9: YAML syntax error: while parsing a flow sequence, expected ',' or ']'"
        );
    }

    #[test]
    fn reports_as_the_cli_does() {
        let options = LintOptions { file: Some("ais.yaml".to_owned()), ..LintOptions::default() };
        let report = lint(HOST_PORT_ON_SHARED_NODES, None, &options, today()).unwrap();
        let json = serde_json::to_value(&report).unwrap();
        let finding = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "AIS020")
            .unwrap_or_else(|| panic!("{json:#}"));
        assert_eq!(finding["rule"], "host-port-on-shared-node");
        assert_eq!(finding["severity"], "deny");
        assert_eq!(finding["path"], "$.spec.targetSpec.hostPort");
        assert_eq!(finding["file"], "ais.yaml");
        let host_port_line = HOST_PORT_ON_SHARED_NODES.lines().position(|line| line.contains("hostPort:")).unwrap() + 1;
        assert_eq!((finding["line"].as_u64(), finding["column"].as_u64()), (Some(host_port_line as u64), Some(15)));
        assert_eq!(json["version"], 1);
        assert_eq!(json["summary"]["objects"], 1);
    }

    #[test]
    fn settings_switch_rules_off() {
        let settings = r#"{"rules": {"host-port-on-shared-node": "off"}}"#;
        let report =
            lint(HOST_PORT_ON_SHARED_NODES, Some(SettingsInput::Object(settings)), &LintOptions::default(), today())
                .unwrap();
        assert!(report.findings.iter().all(|f| f.code != "AIS020"), "{:?}", report.findings);
        assert!(report.findings.iter().all(|f| f.file == "-"));
    }

    #[test]
    fn bad_settings_throw_the_cli_message() {
        let unknown = "rules.nope: unknown rule; use a rule name or code from `aisgate rules` \
                       (e.g. host-port-on-shared-node or AIS020)";
        let text = Some(SettingsInput::Text("rules: {nope: off}"));
        let error = lint("", text, &LintOptions::default(), today()).unwrap_err();
        assert_eq!(error.to_string(), format!("settings:1:15: invalid settings: {unknown}"));
        let object = Some(SettingsInput::Object(r#"{"rules":{"nope":"off"}}"#));
        let error = lint("", object, &LintOptions::default(), today()).unwrap_err();
        assert_eq!(error.to_string(), format!("settings: {unknown}"));
        let error = lint("", Some(SettingsInput::Text("rules: [")), &LintOptions::default(), today()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "settings:1:9: YAML syntax error: while parsing a node, did not find expected node content"
        );
    }

    #[test]
    fn options_are_checked_by_name() {
        assert_eq!(
            LintOptions::from_json(r#"{"file": "a.yaml", "old": "x: 1", "today": "2027-01-01"}"#).unwrap(),
            LintOptions {
                file: Some("a.yaml".to_owned()),
                old: Some("x: 1".to_owned()),
                today: Some("2027-01-01".to_owned())
            }
        );
        assert_eq!(
            LintOptions::from_json(r#"{"fil": "a.yaml"}"#).unwrap_err().to_string(),
            "options: unknown field `fil`, expected one of `file`, `old`, `today`"
        );
        let options = LintOptions { today: Some("tomorrow".to_owned()), ..LintOptions::default() };
        assert_eq!(
            lint("", None, &options, today()).unwrap_err().to_string(),
            "options.today: `tomorrow` is not a date; expected YYYY-MM-DD"
        );
    }

    #[test]
    fn unreadable_text_is_an_error_in_the_report_not_a_throw() {
        let report = lint("kind: [\n", None, &LintOptions::default(), today()).unwrap();
        assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
        assert_eq!((report.errors[0].file.as_str(), report.errors[0].line), ("-", 1));
    }
}
