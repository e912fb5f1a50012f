//! aisgate for JavaScript: the engine compiled to `wasm32-unknown-unknown` and bound with
//! wasm-bindgen (interfaces.md §4), for Node and browsers.
//!
//! A front door like the CLI: it decodes JavaScript arguments, calls `aisgate_lint` (the CLI's
//! own YAML reader, report and rule catalog), and hands back the same JSON the CLI prints.
//! [`api`] holds the plain-Rust calls (tested on the host); the `#[wasm_bindgen]` functions
//! below only convert JavaScript values in and out.

// A panic in wasm aborts with an opaque `unreachable` trap instead of a message.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod api;

use js_sys::JSON;
use wasm_bindgen::prelude::*;

pub use api::{Error, LintOptions, SettingsInput};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

/// Lints manifests (multi-document YAML or JSON) and returns the CLI's JSON report.
/// Its TypeScript declaration, with the optional arguments, is in `types.d.ts`.
#[wasm_bindgen(skip_typescript)]
pub fn lint(text: &str, settings: Option<JsValue>, options: Option<JsValue>) -> Result<JsValue, JsError> {
    let settings = settings_text(settings)?;
    let options = lint_options(options)?;
    let settings = settings
        .as_ref()
        .map(|(text, is_text)| if *is_text { SettingsInput::Text(text) } else { SettingsInput::Object(text) });
    let report = api::lint(text, settings, &options, today())?;
    to_js(&report)
}

/// Applies the fixes `aisgate fix` applies and returns the fixed text (the input when nothing
/// needed fixing). Its TypeScript declaration is in `types.d.ts`.
#[wasm_bindgen(skip_typescript)]
pub fn fix(text: &str, settings: Option<JsValue>) -> Result<String, JsError> {
    let settings = settings_text(settings)?;
    let settings = settings
        .as_ref()
        .map(|(text, is_text)| if *is_text { SettingsInput::Text(text) } else { SettingsInput::Object(text) });
    Ok(api::fix(text, settings, today())?)
}

/// The rules, in code order: code, name, default severity, scope, summary and the fix
/// each offers.
#[wasm_bindgen(unchecked_return_type = "RuleInfo[]")]
pub fn rules() -> Result<JsValue, JsError> {
    to_js(&aisgate_lint::catalog::rules())
}

/// A rule's documentation (Markdown), by code (`AIS020`) or name
/// (`host-port-on-shared-node`), as `aisgate explain` prints it. Throws for an unknown rule.
#[wasm_bindgen]
pub fn explain(code_or_name: &str) -> Result<String, JsError> {
    Ok(aisgate_lint::catalog::explain(code_or_name).map_err(Error::from)?)
}

/// The settings every field of which is at its default, as the policy and the CLI start
/// from: rule levels, mutation switches, storage classes.
#[wasm_bindgen(js_name = defaultSettings, unchecked_return_type = "Settings")]
pub fn default_settings() -> Result<JsValue, JsError> {
    to_js(&aisgate_core::Settings::default())
}

/// The version of the engine, the same as `aisgate --version`.
#[wasm_bindgen]
#[must_use]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Settings given as text pass through; an object is turned into JSON text, so both go
/// through the CLI's settings reader.
fn settings_text(settings: Option<JsValue>) -> Result<Option<(String, bool)>, Error> {
    let Some(settings) = settings.filter(|s| !s.is_undefined() && !s.is_null()) else {
        return Ok(None);
    };
    if let Some(text) = settings.as_string() {
        return Ok(Some((text, true)));
    }
    if !settings.is_object() || js_sys::Array::is_array(&settings) {
        return Err(Error::Argument("settings: expected an object, YAML or JSON text, or null".to_owned()));
    }
    json_text(&settings, "settings").map(|json| Some((json, false)))
}

fn lint_options(options: Option<JsValue>) -> Result<LintOptions, Error> {
    let Some(options) = options.filter(|o| !o.is_undefined() && !o.is_null()) else {
        return Ok(LintOptions::default());
    };
    if !options.is_object() || js_sys::Array::is_array(&options) {
        return Err(Error::Argument("options: expected an object with `file`, `old` or `today`".to_owned()));
    }
    LintOptions::from_json(&json_text(&options, "options")?)
}

fn json_text(value: &JsValue, what: &str) -> Result<String, Error> {
    JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| Error::Argument(format!("{what}: not representable as JSON")))
}

/// The report as a JavaScript value: serialized by serde exactly as the CLI writes it, then
/// parsed by the JavaScript engine, so field names and shapes cannot drift.
fn to_js(value: &impl serde::Serialize) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    JSON::parse(&text).map_err(|_| JsError::new("internal error: the report is not valid JSON"))
}

/// Today's UTC date from the JavaScript clock (`std::time` has no clock on this target).
fn today() -> Option<aisgate_core::settings::Date> {
    let iso = String::from(js_sys::Date::new_0().to_iso_string());
    aisgate_core::settings::parse_date(iso.get(..10)?)
}
