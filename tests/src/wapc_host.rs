//! The compiled policy in a waPC host, as policy-server runs it: wasmtime + waPC with its
//! engine configuration and evaluation time limit, host calls answered from test data,
//! `mutated_object` turned into a JSON Patch.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::fixtures::repo_root;

/// The release policy module as it ships, built once per test process by
/// [`xtask::policy_build::build`] (the same build as `make policy.wasm`).
///
/// `AISGATE_POLICY_WASM` points at a prebuilt module instead (CI builds it once).
pub fn policy_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| {
        if let Some(path) = std::env::var_os("AISGATE_POLICY_WASM") {
            return std::fs::read(&path)
                .unwrap_or_else(|e| panic!("AISGATE_POLICY_WASM={}: {e}", PathBuf::from(path).display()));
        }
        let root = repo_root();
        let built = xtask::policy_build::build(&root, &xtask::policy_build::default_target_dir(&root))
            .unwrap_or_else(|e| panic!("building the policy module: {e}"));
        std::fs::read(&built).unwrap_or_else(|e| panic!("{}: {e}", built.display()))
    })
}

thread_local! {
    static SHARED_HOST: PolicyHost = PolicyHost::new(policy_wasm(), Cluster::default());
}

/// Runs `f` with this test thread's instance of the shipped module, whose cluster is empty
/// and never replayed: compiled once per thread (a waPC instance is not `Send`: one per
/// thread, as one per policy-server worker) and shared by the tests that need no cluster.
pub fn with_policy<T>(f: impl FnOnce(&PolicyHost) -> T) -> T {
    SHARED_HOST.with(f)
}

/// Kubernetes objects the host serves to `kubernetes/*` lookups, by (apiVersion, kind): a
/// replayed cluster. Lookups of a kind in `failing` fail as an unreachable API server would.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    pub objects: BTreeMap<(String, String), Vec<Value>>,
    pub failing: Vec<String>,
    /// Every lookup answered, as `operation kind [namespace]`.
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Cluster {
    /// A cluster holding these objects.
    pub fn of(objects: impl IntoIterator<Item = Value>) -> Self {
        let mut cluster = Self::default();
        for object in objects {
            let key = (
                object["apiVersion"].as_str().unwrap_or_default().to_owned(),
                object["kind"].as_str().unwrap_or_default().to_owned(),
            );
            cluster.objects.entry(key).or_default().push(object);
        }
        cluster
    }

    fn list(&self, api_version: &str, kind: &str, namespace: Option<&str>) -> Result<Vec<Value>, String> {
        let entry = match namespace {
            Some(ns) => format!("by_namespace {kind} {ns}"),
            None => format!("all {kind}"),
        };
        self.log.lock().unwrap().push(entry);
        if self.failing.iter().any(|k| k == kind) {
            return Err(format!("the server could not find the requested resource ({kind})"));
        }
        Ok(self
            .objects
            .get(&(api_version.to_owned(), kind.to_owned()))
            .into_iter()
            .flatten()
            .filter(|o| namespace.is_none() || o["metadata"]["namespace"].as_str() == namespace)
            .cloned()
            .collect())
    }

    fn answer(&self, operation: &str, payload: &[u8]) -> Result<Vec<u8>, String> {
        let request: Value = serde_json::from_slice(payload).map_err(|e| e.to_string())?;
        let api_version = request["api_version"].as_str().unwrap_or_default();
        let kind = request["kind"].as_str().unwrap_or_default();
        let namespace = match operation {
            "list_resources_by_namespace" => Some(request["namespace"].as_str().unwrap_or_default()),
            "list_resources_all" => None,
            other => return Err(format!("unexpected kubernetes operation {other}")),
        };
        let items = self.list(api_version, kind, namespace)?;
        let list = json!({"apiVersion": api_version, "kind": format!("{kind}List"), "metadata": {}, "items": items});
        serde_json::to_vec(&list).map_err(|e| e.to_string())
    }
}

/// policy-server's evaluation time limit (`--policy-timeout`, 2 s by default) in ticks of the
/// epoch it advances once a second.
pub const EVALUATION_LIMIT_TICKS: u64 = 2;

/// The error of a call interrupted at its time limit (what policy-server answers with 500).
pub const OUT_OF_TIME: &str = "Guest call failure: guest code interrupted, execution deadline exceeded";

/// What an instance's calls are bounded by, as policy-server bounds them.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The guest's linear memory cap (a failed `memory.grow` aborts the guest: the call
    /// returns `Err`); `None`, wasmtime's default.
    pub max_memory_bytes: Option<usize>,
    /// Epoch ticks (one a second) a call may run before it is interrupted (the call returns
    /// `Err`, which policy-server answers with code 500).
    pub evaluation_ticks: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_memory_bytes: None, evaluation_ticks: EVALUATION_LIMIT_TICKS }
    }
}

impl Limits {
    /// policy-server's default limits, with the guest's memory capped at `max_memory_bytes`.
    #[must_use]
    pub fn memory(max_memory_bytes: usize) -> Self {
        Self { max_memory_bytes: Some(max_memory_bytes), ..Self::default() }
    }

    fn epoch_deadlines(self) -> wasmtime_provider::EpochDeadlines {
        // `wapc_init` runs when the instance is made; only the calls get `evaluation_ticks`.
        wasmtime_provider::EpochDeadlines { wapc_init: EVALUATION_LIMIT_TICKS, wapc_func: self.evaluation_ticks }
    }
}

/// How a host's wasmtime engine is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostEngine {
    /// policy-server's: wasmtime's defaults, and epoch interruption for its evaluation time
    /// limit (on by default). Compiled code then checks the epoch at every function entry and
    /// loop header, which the cold start and every call pay for. What every test runs.
    PolicyServer,
    /// wasmtime-provider's builder without an engine of its own: wasmtime's defaults, no epoch
    /// interruption (the waPC host of issue 7's anchor figures).
    ProviderDefaults,
}

impl HostEngine {
    /// A new engine so configured, compiling a module's functions on every core (`parallel`,
    /// wasmtime's default) or one after the other on one thread. policy-server's engine gets a
    /// thread that advances its epoch once a second while it lives, as policy-server's does.
    /// With `AISGATE_PERF_MAP` set, the engine writes `/tmp/perf-<pid>.map`, so that `perf
    /// report` names the guest's functions (of a module built with its names).
    fn engine(self, parallel: bool) -> wasmtime::Engine {
        let mut config = wasmtime::Config::default();
        config.epoch_interruption(self == Self::PolicyServer);
        config.parallel_compilation(parallel);
        if std::env::var_os("AISGATE_PERF_MAP").is_some() {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        let engine = wasmtime::Engine::new(&config).expect("a wasmtime engine");
        if self == Self::PolicyServer {
            let ticking = engine.weak();
            std::thread::spawn(move || {
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(1));
                    let Some(engine) = ticking.upgrade() else { break };
                    engine.increment_epoch();
                }
            });
        }
        engine
    }

    /// The calls' deadlines under `limits`, for an engine that interrupts.
    fn deadlines(self, limits: Limits) -> Option<wasmtime_provider::EpochDeadlines> {
        (self == Self::PolicyServer).then(|| limits.epoch_deadlines())
    }
}

/// A compiled policy module, ready to instantiate: what policy-server keeps per policy
/// when it gives each evaluation a fresh instance.
pub struct CompiledPolicy {
    pre: wasmtime_provider::WasmtimeEngineProviderPre,
    deadlines: Option<wasmtime_provider::EpochDeadlines>,
}

impl std::fmt::Debug for CompiledPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CompiledPolicy")
    }
}

impl CompiledPolicy {
    /// Compiles `wasm` with a new engine configured as policy-server's.
    pub fn new(wasm: &[u8]) -> Self {
        Self::compile(wasm, HostEngine::PolicyServer, true)
    }

    /// Compiles `wasm` with a new engine configured as `engine` says, its functions on every
    /// core (`parallel`, wasmtime's default) or one after the other on one thread.
    pub fn compile(wasm: &[u8], engine: HostEngine, parallel: bool) -> Self {
        Self::with_limits(wasm, engine, parallel, Limits::default())
    }

    /// [`CompiledPolicy::compile`], its instances bounded by `limits`.
    fn with_limits(wasm: &[u8], engine: HostEngine, parallel: bool, limits: Limits) -> Self {
        let mut builder =
            wasmtime_provider::WasmtimeEngineProviderBuilder::new().module_bytes(wasm).engine(engine.engine(parallel));
        if let Some(max) = limits.max_memory_bytes {
            builder = builder.enable_resource_limits(wasmtime_provider::ResourceLimits {
                max_memory_size: Some(max),
                max_table_elements: None,
            });
        }
        let pre = builder.build_pre().expect("compile the policy module");
        Self { pre, deadlines: engine.deadlines(limits) }
    }

    /// A new instance of the compiled module in a waPC host, bounded by the limits it was
    /// compiled with.
    pub fn instantiate(&self, cluster: Cluster) -> PolicyHost {
        let engine = self.pre.rehydrate(self.deadlines).expect("instantiate the policy module");
        PolicyHost::with_engine(Box::new(engine), cluster)
    }
}

impl aisgate_policy::ClusterLookup for Cluster {
    fn list(&self, api_version: &str, kind: &str, namespace: Option<&str>) -> Result<Vec<Value>, String> {
        Cluster::list(self, api_version, kind, namespace)
    }
}

/// The policy module instantiated in a waPC host.
pub struct PolicyHost {
    host: wapc::WapcHost,
    cluster: std::sync::Arc<std::sync::Mutex<Cluster>>,
}

impl std::fmt::Debug for PolicyHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PolicyHost")
    }
}

impl PolicyHost {
    /// Compiles and instantiates the module with policy-server's default limits; `cluster`
    /// answers Kubernetes lookups.
    pub fn new(wasm: &[u8], cluster: Cluster) -> Self {
        Self::with_limits(wasm, cluster, Limits::default())
    }

    /// As [`PolicyHost::new`], with these limits.
    pub fn with_limits(wasm: &[u8], cluster: Cluster, limits: Limits) -> Self {
        CompiledPolicy::with_limits(wasm, HostEngine::PolicyServer, true, limits).instantiate(cluster)
    }

    fn with_engine(engine: Box<dyn wapc::WebAssemblyEngineProvider>, cluster: Cluster) -> Self {
        let cluster = std::sync::Arc::new(std::sync::Mutex::new(cluster));
        let answering = cluster.clone();
        let callback =
            move |_id: u64, binding: &str, namespace: &str, operation: &str, payload: &[u8]| match (binding, namespace)
            {
                ("kubewarden", "tracing") => Ok(Vec::new()),
                ("kubewarden", "kubernetes") => {
                    let cluster = answering.lock().expect("cluster lock").clone();
                    cluster.answer(operation, payload).map_err(Into::into)
                }
                _ => Err(format!("unexpected host call {binding}/{namespace}/{operation}").into()),
            };
        let host = wapc::WapcHost::new(engine, Some(Box::new(callback))).expect("instantiate the policy module");
        Self { host, cluster }
    }

    /// Replays another cluster from now on (compiling the module once per test thread).
    pub fn replay(&self, cluster: Cluster) {
        *self.cluster.lock().expect("cluster lock") = cluster;
    }

    /// Calls a waPC function and decodes its JSON answer.
    pub fn call(&self, function: &str, payload: &Value) -> Value {
        let bytes = serde_json::to_vec(payload).expect("encode payload");
        self.call_raw(function, &bytes).unwrap_or_else(|e| panic!("{function} failed: {e}"))
    }

    /// Calls a waPC function with raw bytes; `Err` when the guest returned an error or trapped.
    pub fn call_raw(&self, function: &str, payload: &[u8]) -> Result<Value, String> {
        let answer = self.call_bytes(function, payload)?;
        serde_json::from_slice(&answer).map_err(|e| e.to_string())
    }

    /// Calls a waPC function with raw bytes and returns the guest's answer undecoded (what
    /// policy-server receives; benchmarks time this).
    pub fn call_bytes(&self, function: &str, payload: &[u8]) -> Result<Vec<u8>, String> {
        self.host.call(function, payload).map_err(|e| e.to_string())
    }

    /// `validate` for an AdmissionRequest with settings.
    pub fn validate(&self, request: &Value, settings: &Value) -> Value {
        self.call("validate", &json!({"request": request, "settings": settings}))
    }
}

/// The JSON Patch policy-server sends for a `mutated_object` (as `json_patch::diff` computes it).
pub fn patch_for(original: &Value, response: &Value) -> Option<json_patch::Patch> {
    let mutated = response.get("mutated_object").filter(|m| !m.is_null())?;
    Some(json_patch::diff(original, mutated))
}

/// An AdmissionRequest for `object` (and `old` on UPDATE), shaped as the API server sends it.
pub fn admission_request(operation: &str, object: &Value, old: Option<&Value>) -> Value {
    let api_version = object["apiVersion"].as_str().unwrap_or_default();
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let kind = object["kind"].as_str().unwrap_or_default();
    json!({
        "uid": "00000000-0000-0000-0000-000000000000",
        "kind": {"group": group, "version": version, "kind": kind},
        "resource": {"group": group, "version": version, "resource": format!("{}s", kind.to_lowercase())},
        // The API server always sends a string here, whatever the object says.
        "name": object["metadata"]["name"].as_str().unwrap_or_default(),
        "namespace": object["metadata"]["namespace"].as_str().unwrap_or_default(),
        "operation": operation,
        "userInfo": {"username": "kubernetes-admin", "groups": ["system:masters"]},
        "object": object,
        "oldObject": old.cloned().unwrap_or(Value::Null),
        "dryRun": false,
        "options": {}
    })
}

/// `object` as an API server sends it, with `metadata.managedFields`: one entry per field
/// manager, whose `fieldsV1` names every field the manager set (`f:<name>`, list items by key
/// as `k:{"name":...}`, else by value or index), as large as the object itself. Objects without a
/// `metadata` map are returned as they are.
#[must_use]
pub fn with_managed_fields(object: &Value) -> Value {
    fn fields(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut set: serde_json::Map<String, Value> =
                    map.iter().map(|(key, value)| (format!("f:{key}"), fields(value))).collect();
                set.insert(".".to_owned(), json!({}));
                Value::Object(set)
            }
            Value::Array(items) => Value::Object(
                (items.iter().enumerate())
                    .map(|(i, item)| {
                        let key = match item.get("name") {
                            Some(name) => format!("k:{{\"name\":{name}}}"),
                            None if item.is_object() || item.is_array() => format!("i:{i}"),
                            None => format!("v:{item}"),
                        };
                        (key, fields(item))
                    })
                    .collect(),
            ),
            _ => json!({}),
        }
    }
    let mut object = object.clone();
    let Some(metadata) = object.get("metadata").filter(|m| m.is_object()) else { return object };
    let owned = json!({"f:metadata": fields(metadata), "f:spec": fields(&object["spec"])});
    object["metadata"]["managedFields"] = json!([
        {"apiVersion": object["apiVersion"], "fieldsType": "FieldsV1", "fieldsV1": owned,
         "manager": "ais-operator", "operation": "Update", "time": "2026-11-20T10:00:00Z"},
        {"apiVersion": object["apiVersion"], "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {".": {}, "f:phase": {}}},
         "manager": "kube-controller-manager", "operation": "Update", "subresource": "status", "time": "2026-11-20T10:01:00Z"}
    ]);
    object
}
