//! Benchmark of the compiled policy in a waPC host (wapc + wasmtime-provider, as
//! policy-server runs it), against the same requests through the engine natively.
//!
//! `cargo run -p aisgate-tests --example bench_policy` (the dev profile optimises wasmtime;
//! the guest is always the shipped release module). Reports:
//! - cold start: compile the module (new engine), then instantiate it;
//! - per request, warm `validate` on one long-lived instance, `validate` on a fresh
//!   instance of the compiled module (policy-server's per-request path), and the same
//!   request through `aisgate_policy::validate` natively (the wasm/native ratio);
//! - with `AISGATE_ANCHOR_WASM=<module>` (and optionally `AISGATE_ANCHOR_REQUEST=<json>`),
//!   the same figures for another policy on its PVC request: the anchor in docs/performance.md.

use std::time::{Duration, Instant};

use aisgate_tests::fixtures::repo_root;
use aisgate_tests::wapc_host::{Cluster, CompiledPolicy, PolicyHost, admission_request, policy_wasm};
use serde_json::{Value, json};

const WARM_ITERATIONS: usize = 5_000;
const FRESH_ITERATIONS: usize = 300;

fn read_documents(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
    let parsed = aisgate_lint::source::parse(&text, &aisgate_lint::Limits::default());
    parsed.documents.into_iter().map(|d| d.value).collect()
}

/// min, p50, p90, p99 of `samples`.
fn summary(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let at = |per_mille: usize| samples[(samples.len() - 1) * per_mille / 1000];
    format!("{:>8.1?} {:>8.1?} {:>8.1?} {:>8.1?}", samples[0], at(500), at(900), at(990))
}

fn time(iterations: usize, mut call: impl FnMut()) -> Vec<Duration> {
    (0..iterations)
        .map(|_| {
            let start = Instant::now();
            call();
            start.elapsed()
        })
        .collect()
}

struct Case {
    label: &'static str,
    payload: Vec<u8>,
    /// Whether the answer is expected to carry a mutated object.
    mutates: bool,
}

fn case(label: &'static str, object: &Value, settings: &Value, mutates: bool) -> Case {
    let payload =
        serde_json::to_vec(&json!({"request": admission_request("CREATE", object, None), "settings": settings}))
            .unwrap();
    Case { label, payload, mutates }
}

fn header(title: &str) {
    println!("\n{title}");
    println!("{:<46} {:>6}  {:<36}", "request", "bytes", "     min      p50      p90      p99");
}

/// Warm and fresh-instance figures for `cases` on `module`; native figures when `native`.
fn run(module: &[u8], cases: &[Case], native: bool) {
    let start = Instant::now();
    let compiled = CompiledPolicy::new(module);
    let compile = start.elapsed();
    let start = Instant::now();
    let host = compiled.instantiate(Cluster::default());
    let instantiate = start.elapsed();
    println!("module {} bytes; cold start: compile {compile:.1?} + instantiate {instantiate:.1?}", module.len());
    header("warm validate (one instance)");
    for case in cases {
        let answer = host.call_raw("validate", &case.payload).unwrap();
        assert_eq!(answer["mutated_object"].is_object(), case.mutates, "{}: {answer}", case.label);
        for _ in 0..100 {
            host.call_raw("validate", &case.payload).unwrap();
        }
        let samples = time(WARM_ITERATIONS, || {
            host.call_raw("validate", &case.payload).unwrap();
        });
        println!("{:<46} {:>6}  {}", case.label, case.payload.len(), summary(samples));
    }
    header("fresh instance + validate (policy-server's per-request path)");
    for case in cases {
        let samples = time(FRESH_ITERATIONS, || {
            let host: PolicyHost = compiled.instantiate(Cluster::default());
            host.call_raw("validate", &case.payload).unwrap();
        });
        println!("{:<46} {:>6}  {}", case.label, case.payload.len(), summary(samples));
    }
    if native {
        header("native engine (aisgate_policy::validate, same bytes)");
        for case in cases {
            let samples = time(WARM_ITERATIONS, || {
                std::hint::black_box(aisgate_policy::validate(std::hint::black_box(&case.payload)).unwrap());
            });
            println!("{:<46} {:>6}  {}", case.label, case.payload.len(), summary(samples));
        }
    }
}

fn main() {
    let sts = read_documents("examples/generated/ais-target-statefulset.yaml").remove(0);
    let storage = read_documents("examples/storage.yaml");
    let pv = storage.iter().find(|d| d["kind"] == "PersistentVolume").unwrap().clone();
    let mut pv_delete = pv.clone();
    pv_delete["spec"]["persistentVolumeReclaimPolicy"] = json!("Delete");
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "ais-ais-nvme0n1-ais-target-0", "namespace": "ais",
                     "labels": {"app.kubernetes.io/name": "ais", "app.kubernetes.io/component": "target"}},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "ais-local-storage", "resources": {"requests": {"storage": "3Ti"}}}});
    let defaults = json!({});
    let cases = [
        case("PersistentVolumeClaim", &pvc, &defaults, false),
        case("PersistentVolume (Retain)", &pv, &defaults, false),
        case("PersistentVolume (Delete -> Retain mutation)", &pv_delete, &defaults, true),
        case("target StatefulSet (operator-shaped)", &sts, &defaults, false),
        case(
            "target StatefulSet (strip hostPort mutation)",
            &sts,
            // The shared hostPath is made a warning so the request is admitted, mutated.
            &json!({"mutations": {"stripHostPortOnSharedNodes": true}, "rules": {"host-path-on-shared-node": "warn"}}),
            true,
        ),
    ];
    println!("aisgate policy");
    run(policy_wasm(), &cases, true);

    if let Some(anchor) = std::env::var_os("AISGATE_ANCHOR_WASM") {
        let module = std::fs::read(&anchor).unwrap();
        let request: Value = match std::env::var_os("AISGATE_ANCHOR_REQUEST") {
            Some(path) => serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap(),
            None => admission_request("CREATE", &pvc, None),
        };
        let settings = json!({"deniedStorageClasses": ["slow"]});
        let payload = serde_json::to_vec(&json!({"request": request, "settings": settings})).unwrap();
        println!("\nanchor: {}", std::path::Path::new(&anchor).display());
        run(&module, &[Case { label: "anchor PersistentVolumeClaim", payload, mutates: false }], false);
    }
}
