//! aisgate as a Kubewarden policy (waPC, `wasm32-wasip1`).
//!
//! A thin front door: decode the admission request and settings, call the engine, encode the
//! decision. Deny findings reject with every message; warn findings and every fix become
//! admission warnings; fixes return the whole edited object (edited as JSON, so fields the
//! compiled k8s-openapi does not know survive). Anything of a targeted kind that cannot be
//! read is rejected (fail closed).

// A panic traps the module and the API server reports "internal server error".
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

use aisgate_core::engine::FixScope;
use aisgate_core::settings::{Date, Limits, date_from_unix};
use aisgate_core::{Engine, Operation, Settings, Severity};
use kubewarden_policy_sdk::request::KubernetesAdmissionRequest;
use kubewarden_policy_sdk::response::ValidationResponse;
use kubewarden_policy_sdk::settings::SettingsValidationResponse;
use kubewarden_policy_sdk::wapc_guest::{self as guest, CallResult};
use serde::Deserialize;
use serde_json::Value;

/// Registers the waPC functions policy-server calls.
#[expect(unsafe_code, reason = "the waPC host calls this exported symbol by name")]
#[unsafe(no_mangle)]
pub extern "C" fn wapc_init() {
    guest::register_function("validate", validate);
    guest::register_function("validate_settings", validate_settings);
    guest::register_function("protocol_version", kubewarden_policy_sdk::protocol_version_guest);
}

/// The `validate` payload: settings stay raw JSON so that every settings error is ours to word.
#[derive(Deserialize)]
struct ValidationPayload {
    request: KubernetesAdmissionRequest,
    #[serde(default)]
    settings: Value,
}

/// Only the settings of a `validate` payload, read before the request when the payload is
/// over the default size limit: settings may raise it. The request is skipped, not built.
#[derive(Deserialize)]
struct PayloadSettings {
    #[serde(default)]
    settings: Value,
}

/// The request size guard: `Some(rejection)` when `size` is over `limit`.
fn oversized(size: usize, limit: usize) -> Option<ValidationResponse> {
    (size > limit).then(|| {
        let what = format!("aisgate: the admission request is {size} bytes");
        // 413: Content Too Large.
        ValidationResponse {
            code: Some(413),
            ..reject(Limits::refusal(&what, limit, "bytes", "maxRequestBytes"), Vec::new())
        }
    })
}

/// Why the payload is not a `validate` request, worded for the user.
fn unreadable(error: &serde_json::Error) -> String {
    let message = error.to_string();
    // serde_json refuses nesting past 128 levels, a limit fixed in the reader.
    match message.strip_prefix("recursion limit exceeded") {
        Some(at) => format!(
            "aisgate: cannot read the admission request: nesting deeper than 128 levels{at} (a fixed limit of the policy's JSON reader)"
        ),
        None => format!("aisgate: cannot read the admission request: {message}"),
    }
}

fn today() -> Option<Date> {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    date_from_unix(i64::try_from(seconds).ok()?)
}

fn respond(response: &ValidationResponse) -> CallResult {
    Ok(serde_json::to_vec(response)?)
}

fn reject(message: String, warnings: Vec<String>) -> ValidationResponse {
    ValidationResponse {
        accepted: false,
        message: Some(message),
        code: Some(400),
        mutated_object: None,
        audit_annotations: None,
        warnings: (!warnings.is_empty()).then_some(warnings),
    }
}

fn accept(mutated_object: Option<Value>, warnings: Vec<String>) -> ValidationResponse {
    ValidationResponse {
        accepted: true,
        message: None,
        code: None,
        mutated_object,
        audit_annotations: None,
        warnings: (!warnings.is_empty()).then_some(warnings),
    }
}

/// Evaluates an admission request (the `validate` payload) and returns the response.
#[must_use]
pub fn evaluate(payload: &[u8]) -> ValidationResponse {
    let size = payload.len();
    let default_limit = Limits::default().max_request_bytes;
    if size > default_limit {
        let limit = serde_json::from_slice::<PayloadSettings>(payload)
            .ok()
            .and_then(|p| Settings::from_json(&p.settings).ok())
            .map_or(default_limit, |settings| settings.limits.max_request_bytes);
        if let Some(rejection) = oversized(size, limit) {
            return rejection;
        }
    }
    let payload: ValidationPayload = match serde_json::from_slice(payload) {
        Ok(payload) => payload,
        Err(error) => return reject(unreadable(&error), Vec::new()),
    };
    let settings = match Settings::from_json(&payload.settings) {
        Ok(settings) => settings,
        Err(error) => return reject(format!("aisgate: invalid {error}"), Vec::new()),
    };
    // Settings may also lower the limit.
    if let Some(rejection) = oversized(size, settings.limits.max_request_bytes) {
        return rejection;
    }
    let request = payload.request;
    let operation = match request.operation.as_str() {
        "CREATE" => Operation::Create,
        "UPDATE" => Operation::Update,
        // DELETE and CONNECT carry nothing to check.
        "DELETE" | "CONNECT" => return accept(None, Vec::new()),
        // Not from an API server: refuse rather than let it through unchecked.
        other => {
            return reject(
                format!(
                    "aisgate: cannot read the admission request: operation `{other}`; expected CREATE, UPDATE, DELETE or CONNECT"
                ),
                Vec::new(),
            );
        }
    };
    // An UPDATE always carries the previous version; without it the update rules cannot run.
    if operation == Operation::Update && request.old_object.is_null() {
        return reject(
            "aisgate: cannot read the admission request: an UPDATE without oldObject".to_owned(),
            Vec::new(),
        );
    }
    let old = (operation == Operation::Update).then_some(&request.old_object);
    let engine = Engine::new(settings, today());
    let outcome = match engine.check_and_fix(&request.object, old, operation, FixScope::Admission) {
        Ok(Some(outcome)) => outcome,
        Ok(None) => return accept(None, Vec::new()),
        Err(error) => {
            let kind = if request.kind.kind.is_empty() { "object" } else { request.kind.kind.as_str() };
            let what = if request.name.is_empty() { kind.to_owned() } else { format!("{kind} {}", request.name) };
            return reject(format!("aisgate: cannot read {what}: {error}"), Vec::new());
        }
    };
    let mut warnings: Vec<String> = outcome.changes.iter().map(aisgate_core::Change::headline).collect();
    let mut denials = Vec::new();
    for finding in &outcome.report.findings {
        match finding.severity {
            Severity::Deny => denials.push(finding.headline()),
            Severity::Warn => warnings.push(finding.headline()),
        }
    }
    if denials.is_empty() {
        accept(outcome.fixed, warnings)
    } else {
        // Nothing is stored, so no fix took effect: report only the findings.
        warnings.retain(|w| !w.contains(": fixed: "));
        reject(denials.join("; "), warnings)
    }
}

/// waPC `validate`.
pub fn validate(payload: &[u8]) -> CallResult {
    respond(&evaluate(payload))
}

/// Checks settings (the `validate_settings` payload).
#[must_use]
pub fn check_settings(payload: &[u8]) -> SettingsValidationResponse {
    let result = serde_json::from_slice::<Value>(payload)
        .map_err(|error| format!("settings are not JSON: {error}"))
        .and_then(|value| Settings::from_json(&value).map_err(|error| error.to_string()));
    match result {
        Ok(_) => SettingsValidationResponse { valid: true, message: None },
        Err(message) => SettingsValidationResponse { valid: false, message: Some(message) },
    }
}

/// waPC `validate_settings`.
pub fn validate_settings(payload: &[u8]) -> CallResult {
    Ok(serde_json::to_vec(&check_settings(payload))?)
}
