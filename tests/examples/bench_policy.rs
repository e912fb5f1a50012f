//! Benchmark of the compiled policy in a waPC host: cold start, then warm `validate` calls
//! on the example target StatefulSet, a PV and a PVC. A benchmark, not a test: run it with
//! `cargo run --release -p aisgate-tests --example bench_policy` (or without `--release`:
//! the dev profile already optimises wasmtime, and the guest is always the release module).

use std::time::{Duration, Instant};

use aisgate_tests::fixtures::repo_root;
use aisgate_tests::wapc_host::{Cluster, PolicyHost, admission_request, policy_wasm};
use serde_json::{Value, json};

fn read_object(path: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
    let parsed = aisgate_lint::source::parse(&text, &aisgate_lint::Limits::default());
    parsed.documents.into_iter().next().unwrap().value
}

/// The `per_mille`-th of a thousand sorted samples (500 = median).
fn percentile(sorted: &[Duration], per_mille: usize) -> Duration {
    sorted[(sorted.len() - 1) * per_mille / 1000]
}

fn bench(host: &PolicyHost, label: &str, object: &Value, settings: &Value, iterations: usize) {
    let payload =
        serde_json::to_vec(&json!({"request": admission_request("CREATE", object, None), "settings": settings}))
            .unwrap();
    for _ in 0..100 {
        host.call_raw("validate", &payload).unwrap();
    }
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let start = Instant::now();
        host.call_raw("validate", &payload).unwrap();
        samples.push(start.elapsed());
    }
    samples.sort();
    println!(
        "{label:<44} {:>5} B  min {:>8.1?}  p50 {:>8.1?}  p90 {:>8.1?}  p99 {:>8.1?}",
        payload.len(),
        samples[0],
        percentile(&samples, 500),
        percentile(&samples, 900),
        percentile(&samples, 990)
    );
}

fn main() {
    let wasm = policy_wasm();
    println!("policy module: {} bytes", wasm.len());
    let start = Instant::now();
    let host = PolicyHost::new(wasm, Cluster::default());
    println!("cold start (compile + instantiate): {:.1?}", start.elapsed());
    let sts = read_object("examples/generated/ais-target-statefulset.yaml");
    let storage = std::fs::read_to_string(repo_root().join("examples/storage.yaml")).unwrap();
    let docs = aisgate_lint::source::parse(&storage, &aisgate_lint::Limits::default()).documents;
    let pv = docs[1].value.clone();
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "ais-ais-nvme0n1-ais-target-0", "namespace": "ais",
                     "labels": {"app.kubernetes.io/name": "ais", "app.kubernetes.io/component": "target"}},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "ais-local-storage", "resources": {"requests": {"storage": "3Ti"}}}});
    let iterations = 5_000;
    bench(&host, "target StatefulSet (operator-shaped)", &sts, &json!({}), iterations);
    bench(
        &host,
        "target StatefulSet, stripHostPort mutation",
        &sts,
        &json!({"mutations": {"stripHostPortOnSharedNodes": true}}),
        iterations,
    );
    bench(&host, "PersistentVolume", &pv, &json!({}), iterations);
    bench(&host, "PersistentVolumeClaim", &pvc, &json!({}), iterations);
}
