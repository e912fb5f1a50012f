//! aisgate as a Kubewarden policy (waPC, `wasm32-wasip1`).
//!
//! A thin front door: decode the admission request and settings, call the engine, encode the
//! decision. Deny findings reject with every message; warn findings and every fix become
//! admission warnings; fixes return the whole edited object (edited as JSON, so fields the
//! compiled k8s-openapi does not know survive). Anything of a targeted kind that cannot be
//! read is rejected (fail closed).

// A panic traps the module and the API server reports "internal server error".
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

use std::cell::RefCell;
use std::rc::Rc;

use aisgate_core::engine::FixScope;
use aisgate_core::settings::{Date, FailurePolicy, Limits, SettingsError, date_from_unix};
use aisgate_core::{Engine, Finding, Inventory, Operation, Settings, Severity};
use kubewarden_policy_sdk::host_capabilities::kubernetes::{ListAllResourcesRequest, ListResourcesByNamespaceRequest};
use kubewarden_policy_sdk::response::ValidationResponse;
use kubewarden_policy_sdk::settings::SettingsValidationResponse;
use kubewarden_policy_sdk::wapc_guest::{self as guest, CallResult};
use serde_json::Value;

mod arena;
#[cfg(any(target_family = "wasm", test))]
mod memcmp;

use aisgate_policy_io::{Level, ManagedFields, Payload, answer, json_of, read_payload, utf8};

/// Registers the waPC functions policy-server calls.
#[expect(unsafe_code, reason = "the waPC host calls this exported symbol by name")]
#[unsafe(no_mangle)]
pub extern "C" fn wapc_init() {
    guest::register_function("validate", validate);
    guest::register_function("validate_settings", validate_settings);
    guest::register_function("protocol_version", kubewarden_policy_sdk::protocol_version_guest);
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

/// An engine with the settings (as JSON) and the day it was made for.
type CachedEngine = (Value, Option<Date>, Rc<Engine>);

thread_local! {
    /// The engine for the settings of the last request: policy-server sends the same
    /// settings with every request, and checking them (rule names, globs, JSONPath queries)
    /// is not free.
    static ENGINE: RefCell<Option<CachedEngine>> = const { RefCell::new(None) };
}

/// Whether `settings` have an exemption that expires: only then does the day matter.
fn dated(settings: &Settings) -> bool {
    settings.exemptions.iter().any(|exemption| exemption.expires.is_some())
}

/// Whether `settings` exempt by JSONPath `paths`, which may select anything in an object, its
/// `metadata.managedFields` too: then the object is read whole.
fn selects_by_path(settings: &Settings) -> bool {
    settings.exemptions.iter().any(|exemption| !exemption.paths.is_empty())
}

/// How to read the objects of the next request: whole when the settings of the last one (the
/// cached engine's; policy-server sends the same with every request) select by path, so that
/// such settings do not cost every request a second read.
fn managed_fields_for_next_request() -> ManagedFields {
    ENGINE.with(|cache| match &*cache.borrow() {
        Some((_, _, engine)) if selects_by_path(engine.settings()) => ManagedFields::Keep,
        _ => ManagedFields::Skip,
    })
}

/// The engine for `settings` (checked once per distinct settings, and once a day when an
/// exemption expires: only then is the clock read, a host call). Made outside the request's
/// region: it is kept for the requests after this one.
fn engine_for(settings: &Value) -> Result<Rc<Engine>, SettingsError> {
    ENGINE.with(|cache| {
        if let Some((cached, day, engine)) = &*cache.borrow()
            && cached == settings
            && (!dated(engine.settings()) || *day == today())
        {
            return Ok(Rc::clone(engine));
        }
        arena::outside(|| {
            let checked = Settings::from_json(settings)?;
            let day = if dated(&checked) { today() } else { None };
            let engine = Rc::new(Engine::new(checked, day));
            *cache.borrow_mut() = Some((settings.clone(), day, Rc::clone(&engine)));
            Ok(engine)
        })
    })
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

/// Where cluster objects come from at admission: the host's Kubernetes lookups in
/// production, a replayed cluster in tests.
pub trait ClusterLookup {
    /// Lists the objects of a kind in one namespace, or in the whole cluster (`None`).
    fn list(&self, api_version: &str, kind: &str, namespace: Option<&str>) -> Result<Vec<Value>, String>;
}

/// The policy host: `kubernetes/list_resources_by_namespace` and `kubernetes/list_resources_all`.
#[derive(Debug, Clone, Copy, Default)]
pub struct HostLookup;

impl ClusterLookup for HostLookup {
    fn list(&self, api_version: &str, kind: &str, namespace: Option<&str>) -> Result<Vec<Value>, String> {
        let (operation, request) = match namespace {
            Some(namespace) => (
                "list_resources_by_namespace",
                serde_json::to_vec(&ListResourcesByNamespaceRequest {
                    api_version: api_version.to_owned(),
                    kind: kind.to_owned(),
                    namespace: namespace.to_owned(),
                    label_selector: None,
                    field_selector: None,
                    field_masks: None,
                }),
            ),
            None => (
                "list_resources_all",
                serde_json::to_vec(&ListAllResourcesRequest {
                    api_version: api_version.to_owned(),
                    kind: kind.to_owned(),
                    label_selector: None,
                    field_selector: None,
                    field_masks: None,
                }),
            ),
        };
        let request = request.map_err(|e| e.to_string())?;
        // Raw JSON, not the SDK's typed lists: the AIStore CRD has no k8s-openapi type, and
        // the engine reads JSON so fields unknown to k8s-openapi survive.
        let answer = guest::host_call("kubewarden", "kubernetes", operation, &request).map_err(|e| e.to_string())?;
        let mut list = json_of(&answer).map_err(|e| format!("unreadable answer: {e}"))?;
        match list.get_mut("items").map(Value::take) {
            Some(Value::Array(items)) => Ok(items),
            Some(Value::Null) | None => Ok(Vec::new()),
            Some(_) => Err("answer's items is not a list".to_owned()),
        }
    }
}

/// Kinds whose objects live in namespaces (looked up in the object's namespace).
const NAMESPACED: &[&str] = &["AIStore", "StatefulSet", "PersistentVolumeClaim"];

/// The namespace whose AIStores, StatefulSets and PVCs matter for `object`: its own, or for
/// a PV the namespace of its `claimRef`; `None` (every namespace) for an unbound PV.
fn namespace_of(object: &Value, request_namespace: &str) -> Option<String> {
    let own = object.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or(request_namespace);
    if !own.is_empty() {
        return Some(own.to_owned());
    }
    object.pointer("/spec/claimRef/namespace").and_then(Value::as_str).filter(|ns| !ns.is_empty()).map(str::to_owned)
}

/// Bundle findings on `object`, judged against the cluster's objects.
fn cluster_findings(
    engine: &Engine,
    object: &Value,
    request_namespace: &str,
    lookup: &dyn ClusterLookup,
) -> Result<Vec<Finding>, String> {
    let namespace = namespace_of(object, request_namespace);
    let mut listed = Vec::new();
    for (api_version, kind) in aisgate_core::context::KINDS {
        let scope = if NAMESPACED.contains(kind) { namespace.as_deref() } else { None };
        let items = lookup.list(api_version, kind, scope).map_err(|e| {
            let place = scope.map_or_else(|| "the cluster".to_owned(), |ns| format!("namespace {ns}"));
            format!("listing {kind}s in {place} failed: {e}")
        })?;
        listed.extend(items);
    }
    let mut inventory = Inventory::new();
    for (origin, item) in listed.iter().enumerate() {
        // An object the cluster holds but this version cannot read does not block others.
        let _ = inventory.insert(item, origin, engine.settings());
    }
    let Some(subject) = inventory.insert(object, listed.len(), engine.settings()).map_err(|e| e.to_string())? else {
        return Ok(Vec::new());
    };
    Ok(engine
        .check_bundle(&inventory)
        .into_iter()
        .filter(|found| found.subject == subject && found.suppressed.is_none())
        .map(|found| found.finding)
        .collect())
}

/// Evaluates an admission request (the `validate` payload) and returns the response.
/// Native only: in the module the response is in the request's memory, which `validate`
/// writes out before it is reset.
#[cfg(not(target_family = "wasm"))]
#[must_use]
pub fn evaluate(payload: &[u8]) -> ValidationResponse {
    evaluate_with(payload, &HostLookup)
}

/// [`evaluate`] with cluster objects from `lookup` (used when `clusterContext.enabled`).
#[cfg(not(target_family = "wasm"))]
#[must_use]
pub fn evaluate_with(payload: &[u8], lookup: &dyn ClusterLookup) -> ValidationResponse {
    decide(payload, lookup, |response| response)
}

/// waPC `validate`: the response written as JSON.
pub fn validate(payload: &[u8]) -> CallResult {
    Ok(decide(payload, &HostLookup, |response| arena::outside(|| answer(&response)))?)
}

/// Decides on an admission request and hands the response to `finish` while the request's
/// memory is in use: in the module, what `finish` returns must be made [`arena::outside`]
/// the request's region.
fn decide<R>(payload: &[u8], lookup: &dyn ClusterLookup, finish: impl FnOnce(ValidationResponse) -> R) -> R {
    let size = payload.len();
    // Checked once, for the settings of an oversized payload and for the payload.
    let text = utf8(payload);
    let default_limit = Limits::default().max_request_bytes;
    if size > default_limit {
        let limit = (text.as_ref().ok())
            .and_then(|text| read_payload(text, Level::SettingsOnly, ManagedFields::Skip).ok())
            .and_then(|p| Settings::from_json(&p.settings).ok())
            .map_or(default_limit, |settings| settings.limits.max_request_bytes);
        if let Some(rejection) = oversized(size, limit) {
            return finish(rejection);
        }
    }
    let text = match text {
        Ok(text) => text,
        Err(error) => return finish(reject(unreadable(&error), Vec::new())),
    };
    // SAFETY: what outlives the request is made outside the region: the engine cached for
    // the settings (`engine_for`) and what `finish` returns (its contract).
    #[expect(unsafe_code, reason = "the request's memory is a region reset after the request")]
    unsafe {
        arena::with_request(
            size,
            || read_payload(text, Level::Payload, managed_fields_for_next_request()),
            |read| {
                finish(match read {
                    Ok(request) => evaluate_request(request, text, lookup),
                    Err(error) => reject(unreadable(error), Vec::new()),
                })
            },
        )
    }
}

/// `fixed` (the object read without its `metadata.managedFields`) with them back as the
/// request has them, so that the object returned changes only what the fixes changed. Only
/// they are read from `text` this time; the rest is skipped.
fn with_managed_fields(mut fixed: Value, text: &str) -> Result<Value, serde_json::Error> {
    let mut request = read_payload(text, Level::Payload, ManagedFields::Only)?;
    let managed_fields =
        (request.object.get_mut("metadata")).and_then(|metadata| metadata.get_mut("managedFields")).map(Value::take);
    if let (Some(managed_fields), Some(Value::Object(metadata))) = (managed_fields, fixed.get_mut("metadata")) {
        metadata.insert("managedFields".to_owned(), managed_fields);
    }
    Ok(fixed)
}

/// [`decide`] on a payload read from `text`.
fn evaluate_request(request: &Payload<'_>, text: &str, lookup: &dyn ClusterLookup) -> ValidationResponse {
    let engine = match engine_for(&request.settings) {
        Ok(engine) => engine,
        Err(error) => return reject(format!("aisgate: invalid {error}"), Vec::new()),
    };
    // Settings may also lower the limit.
    if let Some(rejection) = oversized(text.len(), engine.settings().limits.max_request_bytes) {
        return rejection;
    }
    // Settings that select by path, new since the last request: the object read whole again.
    let reread;
    let request = if request.managed_fields_skipped && selects_by_path(engine.settings()) {
        reread = match read_payload(text, Level::Payload, ManagedFields::Keep) {
            Ok(request) => request,
            Err(error) => return reject(unreadable(&error), Vec::new()),
        };
        &reread
    } else {
        request
    };
    let operation = match &*request.operation {
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
    let outcome = match engine.check_and_fix(&request.object, old, operation, FixScope::Admission) {
        Ok(Some(outcome)) => outcome,
        Ok(None) => return accept(None, Vec::new()),
        Err(error) => {
            let kind = if request.kind.is_empty() { "object" } else { &request.kind };
            let what = if request.name.is_empty() { kind.to_owned() } else { format!("{kind} {}", request.name) };
            return reject(format!("aisgate: cannot read {what}: {error}"), Vec::new());
        }
    };
    let mut warnings: Vec<String> = outcome.changes.iter().map(aisgate_core::Change::headline).collect();
    let mut findings = outcome.report.findings;
    let context = engine.settings().cluster_context;
    if context.enabled {
        // Judge what will be stored: the fixed object when a fix changed it.
        let judged = outcome.fixed.as_ref().unwrap_or(&request.object);
        match cluster_findings(&engine, judged, &request.namespace, lookup) {
            Ok(more) => {
                findings.extend(more);
                aisgate_core::sort::sort_by(&mut findings, aisgate_core::engine::finding_order);
                findings.dedup_by(|a, b| (a.code, &a.path, &a.message) == (b.code, &b.path, &b.message));
            }
            Err(error) if context.failure_policy == FailurePolicy::Fail => {
                return reject(
                    format!("aisgate: cluster context unavailable (clusterContext.failurePolicy: fail): {error}"),
                    warnings.into_iter().filter(|w| !w.contains(": fixed: ")).collect(),
                );
            }
            Err(error) => {
                warnings.push(format!("aisgate: rules across objects not checked (cluster lookup failed): {error}"));
            }
        }
    }
    let mut denials = Vec::new();
    for finding in &findings {
        match finding.severity {
            Severity::Deny => denials.push(finding.headline()),
            Severity::Warn => warnings.push(finding.headline()),
        }
    }
    if denials.is_empty() {
        match outcome.fixed {
            Some(fixed) if request.managed_fields_skipped => match with_managed_fields(fixed, text) {
                Ok(fixed) => accept(Some(fixed), warnings),
                Err(error) => reject(unreadable(&error), Vec::new()),
            },
            fixed => accept(fixed, warnings),
        }
    } else {
        // Nothing is stored, so no fix took effect: report only the findings.
        warnings.retain(|w| !w.contains(": fixed: "));
        reject(denials.join("; "), warnings)
    }
}

/// Checks settings (the `validate_settings` payload).
#[must_use]
pub fn check_settings(payload: &[u8]) -> SettingsValidationResponse {
    let result = json_of(payload)
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
