//! Benchmark of the largest admission requests in the compiled policy (docs/security.md,
//! limits): a 10 MB StatefulSet, refused by the default request limit and, with the limit
//! raised, evaluated in full; CREATE and UPDATE (object twice). Reports the time per call
//! (policy-server's default deadline is 2 s) and the smallest guest memory cap each call
//! fits in. A benchmark, not a test:
//! `cargo run --release -p aisgate-tests --example bench_large_request` (or without
//! `--release`; the guest is always the release module).

use std::time::{Duration, Instant};

use aisgate_tests::large::large_statefulset;
use aisgate_tests::wapc_host::{Cluster, Limits, OUT_OF_TIME, PolicyHost, admission_request, policy_wasm};
use serde_json::{Value, json};

const MIB: usize = 1 << 20;

fn payload(request: &Value, settings: &Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"request": request, "settings": settings})).unwrap()
}

/// The smallest memory cap (in MiB steps) under which a fresh module answers `payload`.
fn smallest_cap(payload: &[u8]) -> usize {
    let (mut low, mut high) = (1, 512);
    while low < high {
        let mid = usize::midpoint(low, high);
        let host = PolicyHost::with_limits(policy_wasm(), Cluster::default(), Limits::memory(mid * MIB));
        match host.call_raw("validate", payload) {
            Ok(_) => high = mid,
            // Out of time is not out of memory: the cap would be misread.
            Err(error) if error == OUT_OF_TIME => panic!("{mid} MiB: {error}"),
            Err(_) => low = mid + 1,
        }
    }
    low
}

fn bench(label: &str, payload: &[u8]) {
    let host = PolicyHost::with_limits(policy_wasm(), Cluster::default(), Limits::memory(256 * MIB));
    let answer = host.call_raw("validate", payload).expect("answered under 256 MiB");
    let mut samples: Vec<Duration> = (0..15)
        .map(|_| {
            let start = Instant::now();
            host.call_raw("validate", payload).unwrap();
            start.elapsed()
        })
        .collect();
    samples.sort();
    println!(
        "{label:<44} {:>9} B  min {:>8.1?}  p50 {:>8.1?}  max {:>8.1?}  fits in {:>3} MiB  accepted={} code={}",
        payload.len(),
        samples[0],
        samples[samples.len() / 2],
        samples[samples.len() - 1],
        smallest_cap(payload),
        answer["accepted"],
        answer["code"],
    );
}

fn main() {
    let sts = large_statefulset(10_000_000);
    let create = admission_request("CREATE", &sts, None);
    let update = admission_request("UPDATE", &sts, Some(&sts));
    let raised = json!({"limits": {"maxRequestBytes": 64 * MIB}});
    bench("10 MB StatefulSet CREATE, default limit", &payload(&create, &json!({})));
    bench("10 MB StatefulSet CREATE, limit raised", &payload(&create, &raised));
    bench("10 MB StatefulSet UPDATE (20 MB), raised", &payload(&update, &raised));
    let one_mb = admission_request("CREATE", &large_statefulset(1_000_000), None);
    bench("1 MB StatefulSet CREATE", &payload(&one_mb, &json!({})));
}
