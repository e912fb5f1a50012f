//! Benchmark of the compiled policy in a waPC host (wapc + wasmtime-provider, as
//! policy-server runs it), against the same requests through the engine natively.
//!
//! `cargo run --profile bench -p aisgate-tests --example bench_policy`: the `bench` profile
//! optimises the host (wasmtime, and the native engine the wasm is compared with) as release
//! does, without its whole-program LTO; the guest is always the shipped module. Reports:
//! - cold start: a new engine compiling the module, then instantiating it (the median of 5),
//!   with wasmtime's default of compiling on every core, and on one compiler thread;
//! - floors: a warm waPC round trip, a fresh instance alone and with a first
//!   `protocol_version` call;
//! - per request, warm `validate` on one long-lived instance, `validate` on a fresh
//!   instance of the compiled module (policy-server's per-request path), and the same
//!   request through `aisgate_policy::validate` natively (the wasm/native ratio); both
//!   answer JSON bytes, which are not decoded in the timed loop;
//! - with `AISGATE_ANCHOR_WASM=<module>` (and optionally `AISGATE_ANCHOR_REQUEST=<json>`),
//!   the same figures for another policy on its PVC request, and the ratios to it: the
//!   anchor in docs/performance.md.
//!
//! `--quick` runs a few iterations only: CI (scripts/test) checks that the benchmark runs.
//! `--profile <case> <native|warm|fresh> <calls>` makes only those calls of one case (numbered
//! from 0 in the order printed), untimed: for `valgrind --tool=callgrind` or `perf`, whose
//! counts then cover the requests and a fixed setup (compare against `<calls>` 0).

use std::time::{Duration, Instant};

use aisgate_tests::fixtures::repo_root;
use aisgate_tests::wapc_host::{Cluster, CompiledPolicy, PolicyHost, admission_request, policy_wasm};
use serde_json::{Value, json};

/// Calls timed per request: warm (after 100 warm-up calls) and on a fresh instance; cold
/// starts (a new engine each) of which the median is reported.
struct Iterations {
    warm: usize,
    fresh: usize,
    cold: usize,
}

const FULL: Iterations = Iterations { warm: 5_000, fresh: 300, cold: 5 };
const QUICK: Iterations = Iterations { warm: 20, fresh: 5, cold: 1 };

fn read_documents(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
    let parsed = aisgate_lint::source::parse(&text, &aisgate_lint::Limits::default());
    parsed.documents.into_iter().map(|d| d.value).collect()
}

/// min, p50, p90, p99 of some timings.
#[derive(Debug, Clone, Copy)]
struct Summary {
    min: Duration,
    p50: Duration,
    p90: Duration,
    p99: Duration,
}

impl Summary {
    fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        let at = |per_mille: usize| samples[(samples.len() - 1) * per_mille / 1000];
        Self { min: samples[0], p50: at(500), p90: at(900), p99: at(990) }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:>8.1?} {:>8.1?} {:>8.1?} {:>8.1?}", self.min, self.p50, self.p90, self.p99)
    }
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

/// What one module measured: cold start, then per case warm, fresh and native figures.
struct Measured {
    cold_start: Duration,
    cold_start_one_thread: Duration,
    /// p50 of a fresh instance without a call.
    fresh_alone: Duration,
    warm: Vec<Summary>,
    fresh: Vec<Summary>,
    native: Vec<Summary>,
}

/// Warm and fresh-instance figures for `cases` on `module`; native figures when `native`.
fn run(module: &[u8], cases: &[Case], native: bool, iterations: &Iterations) -> Measured {
    // A single cold start is noisy on a loaded machine: the median of a few.
    let mut cold = Vec::new();
    let mut compiled = None;
    for _ in 0..iterations.cold {
        let start = Instant::now();
        let policy = CompiledPolicy::new(module);
        let compile = start.elapsed();
        let start = Instant::now();
        drop(policy.instantiate(Cluster::default()));
        cold.push((compile + start.elapsed(), compile));
        compiled = Some(policy);
    }
    cold.sort();
    let (cold_start, compile) = cold[cold.len() / 2];
    let compiled = compiled.unwrap();
    let host = compiled.instantiate(Cluster::default());
    println!(
        "module {} bytes; cold start {cold_start:.1?} (compile {compile:.1?} + instantiate), median of {} (min {:.1?}, max {:.1?})",
        module.len(),
        cold.len(),
        cold[0].0,
        cold[cold.len() - 1].0,
    );
    // The same on one compiler thread: what a host that compiles modules one at a time, or a
    // busy machine, pays.
    let mut one_thread: Vec<Duration> = (0..iterations.cold)
        .map(|_| {
            let start = Instant::now();
            drop(CompiledPolicy::on_one_thread(module).instantiate(Cluster::default()));
            start.elapsed()
        })
        .collect();
    one_thread.sort();
    let cold_start_one_thread = one_thread[one_thread.len() / 2];
    println!("cold start on one compiler thread {cold_start_one_thread:.1?}, median of {}", one_thread.len());
    let mut measured = Measured {
        cold_start,
        cold_start_one_thread,
        fresh_alone: Duration::ZERO,
        warm: vec![],
        fresh: vec![],
        native: vec![],
    };
    header("floors: what every request pays before the policy's own work");
    let round_trip = Summary::of(time(iterations.warm, || {
        std::hint::black_box(host.call_bytes("protocol_version", b"").unwrap());
    }));
    println!("{:<46} {:>6}  {round_trip}", "waPC round trip (protocol_version, warm)", 0);
    let rehydrate = Summary::of(time(iterations.fresh, || {
        std::hint::black_box(compiled.instantiate(Cluster::default()));
    }));
    println!("{:<46} {:>6}  {rehydrate}", "fresh instance alone (no call)", 0);
    measured.fresh_alone = rehydrate.p50;
    let first_round_trip = Summary::of(time(iterations.fresh, || {
        let host: PolicyHost = compiled.instantiate(Cluster::default());
        std::hint::black_box(host.call_bytes("protocol_version", b"").unwrap());
    }));
    println!("{:<46} {:>6}  {first_round_trip}", "fresh instance + protocol_version", 0);
    header("warm validate (one instance)");
    for case in cases {
        let answer = host.call_raw("validate", &case.payload).unwrap();
        assert_eq!(answer["mutated_object"].is_object(), case.mutates, "{}: {answer}", case.label);
        for _ in 0..100 {
            host.call_bytes("validate", &case.payload).unwrap();
        }
        let summary = Summary::of(time(iterations.warm, || {
            std::hint::black_box(host.call_bytes("validate", &case.payload).unwrap());
        }));
        println!("{:<46} {:>6}  {summary}", case.label, case.payload.len());
        measured.warm.push(summary);
    }
    header("fresh instance + validate (policy-server's per-request path)");
    for case in cases {
        let summary = Summary::of(time(iterations.fresh, || {
            let host: PolicyHost = compiled.instantiate(Cluster::default());
            std::hint::black_box(host.call_bytes("validate", &case.payload).unwrap());
        }));
        println!("{:<46} {:>6}  {summary}", case.label, case.payload.len());
        measured.fresh.push(summary);
    }
    if native {
        header("native engine (aisgate_policy::validate, same bytes)");
        for case in cases {
            for _ in 0..100 {
                std::hint::black_box(aisgate_policy::validate(&case.payload).unwrap());
            }
            let summary = Summary::of(time(iterations.warm, || {
                std::hint::black_box(aisgate_policy::validate(std::hint::black_box(&case.payload)).unwrap());
            }));
            println!("{:<46} {:>6}  {summary}", case.label, case.payload.len());
            measured.native.push(summary);
        }
    }
    measured
}

/// `calls` requests of `case` and nothing else, for profilers (`--profile`).
fn profile(case: &Case, place: &str, calls: usize) {
    match place {
        "native" => {
            for _ in 0..calls {
                std::hint::black_box(aisgate_policy::validate(std::hint::black_box(&case.payload)).unwrap());
            }
        }
        "warm" => {
            let host = CompiledPolicy::new(policy_wasm()).instantiate(Cluster::default());
            for _ in 0..calls {
                std::hint::black_box(host.call_bytes("validate", &case.payload).unwrap());
            }
        }
        "fresh" => {
            let compiled = CompiledPolicy::new(policy_wasm());
            for _ in 0..calls {
                let host = compiled.instantiate(Cluster::default());
                std::hint::black_box(host.call_bytes("validate", &case.payload).unwrap());
            }
        }
        other => panic!("--profile: `{other}` is not native, warm or fresh"),
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
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
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--profile") {
        let number = |i: usize| args.get(at + i).and_then(|a| a.parse::<usize>().ok());
        let (Some(case), Some(place), Some(calls)) = (number(1), args.get(at + 2), number(3)) else {
            panic!("usage: --profile <case> <native|warm|fresh> <calls>");
        };
        profile(&cases[case], place, calls);
        return;
    }
    let iterations = if args.iter().any(|arg| arg == "--quick") { QUICK } else { FULL };
    println!("aisgate policy");
    let ours = run(policy_wasm(), &cases, true, &iterations);
    println!("\nwasm / native, p50");
    for ((case, warm), native) in cases.iter().zip(&ours.warm).zip(&ours.native) {
        println!("{:<46} {:>6.2}x", case.label, ratio(warm.p50, native.p50));
    }

    if let Some(anchor) = std::env::var_os("AISGATE_ANCHOR_WASM") {
        let module = std::fs::read(&anchor).unwrap();
        let request: Value = match std::env::var_os("AISGATE_ANCHOR_REQUEST") {
            Some(path) => serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap(),
            None => admission_request("CREATE", &pvc, None),
        };
        let settings = json!({"deniedStorageClasses": ["slow"]});
        let payload = serde_json::to_vec(&json!({"request": request, "settings": settings})).unwrap();
        println!("\nanchor: {}", std::path::Path::new(&anchor).display());
        let anchor = run(
            &module,
            &[Case { label: "anchor PersistentVolumeClaim", payload, mutates: false }],
            false,
            &iterations,
        );
        println!("\naisgate / anchor (PVC, p50)");
        println!("{:<46} {:>6.2}x", "cold start", ratio(ours.cold_start, anchor.cold_start));
        println!(
            "{:<46} {:>6.2}x",
            "cold start on one compiler thread",
            ratio(ours.cold_start_one_thread, anchor.cold_start_one_thread)
        );
        println!("{:<46} {:>6.2}x", "warm validate", ratio(ours.warm[0].p50, anchor.warm[0].p50));
        println!("{:<46} {:>6.2}x", "fresh instance + validate", ratio(ours.fresh[0].p50, anchor.fresh[0].p50));
        // The first call's own cost: what a fresh instance adds to the instance alone.
        let first_call = |m: &Measured| m.fresh[0].p50.saturating_sub(m.fresh_alone);
        println!(
            "{:<46} {:>6.2}x ({:.1?} against {:.1?})",
            "first validate (fresh + validate - alone)",
            ratio(first_call(&ours), first_call(&anchor)),
            first_call(&ours),
            first_call(&anchor)
        );
    }
}
