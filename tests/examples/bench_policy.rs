//! Benchmark of the compiled policy in a waPC host (wapc + wasmtime-provider), against the
//! same requests through the engine natively and, when given, another policy module (the
//! anchor). Everything is measured twice: with policy-server's engine (epoch interruption,
//! which its evaluation time limit needs: production) and with wasmtime-provider's defaults
//! (no epoch checks compiled in), each side by side with the anchor.
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
//!   answer JSON bytes, which are not decoded in the timed loop; the last request is the
//!   target StatefulSet as an API server sends it, with `metadata.managedFields`;
//! - with `AISGATE_ANCHOR_WASM=<module>` (and optionally `AISGATE_ANCHOR_REQUEST=<json>`),
//!   the same figures for another policy on its PVC request, and the ratios to it: the
//!   anchor in docs/performance.md.
//!
//! Figures that are compared are measured side by side: each table's calls are timed in
//! rounds, every call a block of the round in turn (aisgate's, the native engine's, the
//! anchor's), so that a change in the host's speed during the run (other processes, the CPU's
//! clock) falls on both sides of a ratio alike instead of on whichever was measured then.
//!
//! `--quick` runs a few iterations only: CI (scripts/test) checks that the benchmark runs.
//! `--engine policy-server` or `--engine provider-defaults` measures with that engine only
//! (`--profile`: policy-server's unless `--engine provider-defaults`).
//! `--cold-only [<count>] [<module.wasm>...]` times only cold starts (21 unless `<count>`), of
//! the shipped module, the anchor when given and each other module named, in turns: variants
//! of the module against each other (docs/performance.md, "Cold start").
//! `--profile <case> <native|warm|fresh> <calls>` makes only those calls of one case (numbered
//! from 0 in the order printed), untimed: for `valgrind --tool=callgrind` or `perf`, whose
//! counts then cover the requests and a fixed setup (compare against `<calls>` 0).

use std::time::{Duration, Instant};

use aisgate_tests::fixtures::repo_root;
use aisgate_tests::wapc_host::{
    Cluster, CompiledPolicy, HostEngine, PolicyHost, admission_request, policy_wasm, with_managed_fields,
};
use serde_json::{Value, json};

/// Calls timed per request, warm and on a fresh instance, in `rounds` rounds of blocks (each
/// after [`BLOCK_WARM_UP`] untimed calls); cold starts (a new engine each) of which the
/// median is reported.
struct Iterations {
    rounds: usize,
    warm: usize,
    fresh: usize,
    cold: usize,
}

/// The engines measured, in order: each with its `--engine` name and its title.
const ENGINES: [(HostEngine, &str, &str); 2] = [
    (
        HostEngine::PolicyServer,
        "policy-server",
        "policy-server's engine: epoch interruption (its evaluation time limit)",
    ),
    (HostEngine::ProviderDefaults, "provider-defaults", "wasmtime-provider's defaults: no epoch interruption"),
];

const FULL: Iterations = Iterations { rounds: 10, warm: 10_000, fresh: 1_000, cold: 5 };
const QUICK: Iterations = Iterations { rounds: 1, warm: 20, fresh: 5, cold: 1 };

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

/// Untimed calls at the start of each block: the block before evicted this call's code and
/// data from the caches, which would otherwise show as a slow first call in every block.
const BLOCK_WARM_UP: usize = 100;

/// Times `calls` each `total` times, in `rounds` rounds of one block per call, and
/// summarises each call's timings.
fn interleaved(rounds: usize, total: usize, calls: &mut [Box<dyn FnMut() + '_>]) -> Vec<Summary> {
    let per_round = total.div_ceil(rounds);
    let mut samples: Vec<Vec<Duration>> = calls.iter().map(|_| Vec::with_capacity(per_round * rounds)).collect();
    for _ in 0..rounds {
        for (call, timings) in calls.iter_mut().zip(&mut samples) {
            for _ in 0..BLOCK_WARM_UP.min(per_round) {
                call();
            }
            for _ in 0..per_round {
                let start = Instant::now();
                call();
                timings.push(start.elapsed());
            }
        }
    }
    samples.into_iter().map(Summary::of).collect()
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

fn row(label: &str, bytes: usize, summary: &Summary) {
    println!("{label:<46} {bytes:>6}  {summary}");
}

/// Prints a table of every module's cases under `title`, taking their summaries in order
/// from `summaries`; returns them per module.
fn table(title: &str, modules: &[Module<'_>], summaries: &mut impl Iterator<Item = Summary>) -> Vec<Vec<Summary>> {
    header(title);
    let mut per_module = Vec::new();
    for module in modules {
        let mut module_summaries = Vec::new();
        for case in module.cases {
            let summary = summaries.next().unwrap();
            row(case.label, case.payload.len(), &summary);
            module_summaries.push(summary);
        }
        per_module.push(module_summaries);
    }
    per_module
}

/// A policy module under test and the requests it is measured on.
struct Module<'a> {
    name: &'a str,
    wasm: &'a [u8],
    cases: &'a [Case],
}

/// One cold start of a module: a new engine compiling it on every core, then instantiating
/// it; the compile alone; and the same cold start on one compiler thread.
#[derive(Clone, Copy)]
struct ColdStart {
    total: Duration,
    compile: Duration,
    one_thread: Duration,
}

/// A cold start of `module` with `engine`, and the module as it compiled on every core.
fn cold_start(module: &Module<'_>, engine: HostEngine) -> (ColdStart, CompiledPolicy) {
    let start = Instant::now();
    let policy = CompiledPolicy::compile(module.wasm, engine, true);
    let compile = start.elapsed();
    let start = Instant::now();
    drop(policy.instantiate(Cluster::default()));
    let total = compile + start.elapsed();
    // What a host that compiles modules one at a time, or a busy machine, pays.
    let start = Instant::now();
    drop(CompiledPolicy::compile(module.wasm, engine, false).instantiate(Cluster::default()));
    (ColdStart { total, compile, one_thread: start.elapsed() }, policy)
}

/// What was measured of one module: cold start, fresh instance alone, and per case warm and
/// fresh-instance `validate`.
struct Measured {
    /// Medians of the cold starts (each field on its own).
    cold_start: ColdStart,
    /// p50 of a fresh instance without a call.
    fresh_alone: Duration,
    warm: Vec<Summary>,
    fresh: Vec<Summary>,
}

/// Cold starts of `modules` in turns, printed; each module's medians, and each module as the
/// last cold start compiled it.
fn cold_starts(
    modules: &[Module<'_>],
    engine: HostEngine,
    iterations: &Iterations,
) -> (Vec<ColdStart>, Vec<CompiledPolicy>) {
    // A single cold start is noisy on a loaded machine: the median of a few, in turns.
    let mut samples: Vec<Vec<ColdStart>> = modules.iter().map(|_| Vec::new()).collect();
    let mut compiled: Vec<Option<CompiledPolicy>> = modules.iter().map(|_| None).collect();
    for _ in 0..iterations.cold {
        for ((module, samples), kept) in modules.iter().zip(&mut samples).zip(&mut compiled) {
            let (sample, policy) = cold_start(module, engine);
            samples.push(sample);
            *kept = Some(policy);
        }
    }
    println!("cold start: new engine, compile, instantiate; median of {} in turns (min - max)", iterations.cold);
    let medians = modules
        .iter()
        .zip(&samples)
        .map(|(module, samples)| {
            let sorted = |field: fn(&ColdStart) -> Duration| {
                let mut values: Vec<Duration> = samples.iter().map(field).collect();
                values.sort();
                values
            };
            let (total, compile, one_thread) = (sorted(|c| c.total), sorted(|c| c.compile), sorted(|c| c.one_thread));
            let median = ColdStart {
                total: total[total.len() / 2],
                compile: compile[compile.len() / 2],
                one_thread: one_thread[one_thread.len() / 2],
            };
            println!(
                "{:<8} {} bytes; cold start {:.1?} (compile {:.1?} + instantiate; {:.1?} - {:.1?}), on one compiler thread {:.1?}",
                module.name,
                module.wasm.len(),
                median.total,
                median.compile,
                total[0],
                total[total.len() - 1],
                median.one_thread,
            );
            median
        })
        .collect();
    (medians, compiled.into_iter().map(|policy| policy.expect("at least one cold start")).collect())
}

/// The floors of `modules` in turns, printed; returns each module's fresh instance alone (p50).
fn floors(
    modules: &[Module<'_>],
    compiled: &[CompiledPolicy],
    hosts: &[PolicyHost],
    iterations: &Iterations,
) -> Vec<Duration> {
    header("floors: what every request pays before the policy's own work");
    let mut calls: Vec<Box<dyn FnMut()>> = Vec::new();
    for host in hosts {
        calls.push(Box::new(|| {
            std::hint::black_box(host.call_bytes("protocol_version", b"").unwrap());
        }));
    }
    let round_trips = interleaved(iterations.rounds, iterations.warm, &mut calls);
    let mut calls: Vec<Box<dyn FnMut()>> = Vec::new();
    for policy in compiled {
        calls.push(Box::new(|| {
            std::hint::black_box(policy.instantiate(Cluster::default()));
        }));
        calls.push(Box::new(|| {
            let host: PolicyHost = policy.instantiate(Cluster::default());
            std::hint::black_box(host.call_bytes("protocol_version", b"").unwrap());
        }));
    }
    let fresh_floors = interleaved(iterations.rounds, iterations.fresh, &mut calls);
    let mut fresh_alone = Vec::new();
    for (i, module) in modules.iter().enumerate() {
        row(&format!("{}: warm round trip (protocol_version)", module.name), 0, &round_trips[i]);
        row(&format!("{}: fresh instance alone (no call)", module.name), 0, &fresh_floors[2 * i]);
        row(&format!("{}: fresh instance + protocol_version", module.name), 0, &fresh_floors[2 * i + 1]);
        fresh_alone.push(fresh_floors[2 * i].p50);
    }
    fresh_alone
}

/// Measures `modules` side by side with `engine` (and, for the first, its cases natively)
/// and prints the tables; returns each module's figures and the native ones.
fn run(modules: &[Module<'_>], engine: HostEngine, iterations: &Iterations) -> (Vec<Measured>, Vec<Summary>) {
    let (cold, compiled) = cold_starts(modules, engine, iterations);
    let hosts: Vec<PolicyHost> = compiled.iter().map(|c| c.instantiate(Cluster::default())).collect();

    let fresh_alone = floors(modules, &compiled, &hosts, iterations);

    // Warm: every module's cases and the first module's natively, in turns (`interleaved`
    // warms each block up).
    let mut calls: Vec<Box<dyn FnMut()>> = Vec::new();
    for (module, host) in modules.iter().zip(&hosts) {
        for case in module.cases {
            let answer = host.call_raw("validate", &case.payload).unwrap();
            assert_eq!(answer["mutated_object"].is_object(), case.mutates, "{}: {answer}", case.label);
            calls.push(Box::new(|| {
                std::hint::black_box(host.call_bytes("validate", &case.payload).unwrap());
            }));
        }
    }
    let ours = modules[0].cases;
    for case in ours {
        calls.push(Box::new(|| {
            std::hint::black_box(aisgate_policy::validate(std::hint::black_box(&case.payload)).unwrap());
        }));
    }
    let mut warm_summaries = interleaved(iterations.rounds, iterations.warm, &mut calls).into_iter();
    let warm = table("warm validate (one instance)", modules, &mut warm_summaries);
    let native: Vec<Summary> = warm_summaries.collect();

    let mut calls: Vec<Box<dyn FnMut()>> = Vec::new();
    for (module, policy) in modules.iter().zip(&compiled) {
        for case in module.cases {
            calls.push(Box::new(|| {
                let host: PolicyHost = policy.instantiate(Cluster::default());
                std::hint::black_box(host.call_bytes("validate", &case.payload).unwrap());
            }));
        }
    }
    let mut fresh_summaries = interleaved(iterations.rounds, iterations.fresh, &mut calls).into_iter();
    let fresh = table("fresh instance + validate (policy-server's per-request path)", modules, &mut fresh_summaries);

    header("native engine (aisgate_policy::validate, same bytes)");
    for (case, summary) in ours.iter().zip(&native) {
        row(case.label, case.payload.len(), summary);
    }
    let measured = cold
        .into_iter()
        .zip(fresh_alone)
        .zip(warm.into_iter().zip(fresh))
        .map(|((cold_start, fresh_alone), (warm, fresh))| Measured { cold_start, fresh_alone, warm, fresh })
        .collect();
    (measured, native)
}

/// `calls` requests of `case` and nothing else, for profilers (`--profile`), with `engine`.
fn profile(case: &Case, place: &str, calls: usize, engine: HostEngine) {
    match place {
        "native" => {
            for _ in 0..calls {
                std::hint::black_box(aisgate_policy::validate(std::hint::black_box(&case.payload)).unwrap());
            }
        }
        "warm" => {
            let host = CompiledPolicy::compile(policy_wasm(), engine, true).instantiate(Cluster::default());
            for _ in 0..calls {
                std::hint::black_box(host.call_bytes("validate", &case.payload).unwrap());
            }
        }
        "fresh" => {
            let compiled = CompiledPolicy::compile(policy_wasm(), engine, true);
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
        case("target StatefulSet with managedFields", &with_managed_fields(&sts), &defaults, false),
    ];
    let args: Vec<String> = std::env::args().collect();
    // `--engine <name>`: that engine only.
    let only = args.iter().position(|arg| arg == "--engine").map(|at| {
        let name = args.get(at + 1).map_or("", String::as_str);
        let Some((engine, ..)) = ENGINES.iter().find(|(_, known, _)| *known == name) else {
            panic!("usage: --engine <policy-server|provider-defaults>, not `{name}`")
        };
        *engine
    });
    if let Some(at) = args.iter().position(|arg| arg == "--profile") {
        let number = |i: usize| args.get(at + i).and_then(|a| a.parse::<usize>().ok());
        let (Some(case), Some(place), Some(calls)) = (number(1), args.get(at + 2), number(3)) else {
            panic!("usage: --profile <case> <native|warm|fresh> <calls>");
        };
        profile(&cases[case], place, calls, only.unwrap_or(HostEngine::PolicyServer));
        return;
    }
    let mut iterations = if args.iter().any(|arg| arg == "--quick") { QUICK } else { FULL };
    // `--cold-only [<count>] [<module.wasm>...]`: cold starts only, of these modules too.
    let cold_only = args.iter().position(|arg| arg == "--cold-only").map(|at| {
        let rest = args.get(at + 1..).unwrap_or_default();
        let count = rest.first().and_then(|count| count.parse::<usize>().ok());
        let named = rest.iter().skip(usize::from(count.is_some())).take_while(|arg| !arg.starts_with("--"));
        (count.unwrap_or(21).max(1), named.map(|path| (path.clone(), std::fs::read(path).unwrap())).collect::<Vec<_>>())
    });
    if let Some((count, _)) = &cold_only {
        iterations.cold = *count;
    }

    let anchor = std::env::var_os("AISGATE_ANCHOR_WASM").map(|path| {
        let module = std::fs::read(&path).unwrap();
        let request: Value = match std::env::var_os("AISGATE_ANCHOR_REQUEST") {
            Some(path) => serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap(),
            None => admission_request("CREATE", &pvc, None),
        };
        let settings = json!({"deniedStorageClasses": ["slow"]});
        let payload = serde_json::to_vec(&json!({"request": request, "settings": settings})).unwrap();
        println!("anchor: {}", std::path::Path::new(&path).display());
        (module, [Case { label: "anchor PersistentVolumeClaim", payload, mutates: false }])
    });
    let mut modules = vec![Module { name: "aisgate", wasm: policy_wasm(), cases: &cases }];
    if let Some((wasm, cases)) = &anchor {
        modules.push(Module { name: "anchor", wasm, cases });
    }
    for (path, wasm) in cold_only.iter().flat_map(|(_, named)| named) {
        modules.push(Module { name: path, wasm, cases: &[] });
    }
    for (engine, _, title) in ENGINES {
        if only.is_some_and(|only| only != engine) {
            continue;
        }
        println!("\n=== {title} ===");
        if cold_only.is_some() {
            let (medians, _) = cold_starts(&modules, engine, &iterations);
            for (module, cold) in modules.iter().zip(&medians).skip(1) {
                let (total, one_thread) =
                    (ratio(medians[0].total, cold.total), ratio(medians[0].one_thread, cold.one_thread));
                println!("aisgate / {}: cold start {total:.2}x, on one compiler thread {one_thread:.2}x", module.name);
            }
            continue;
        }
        let (measured, native) = run(&modules, engine, &iterations);
        ratios(&cases, &measured, &native);
    }
}

/// Prints the wasm / native ratios of the first module's cases and, with an anchor, the
/// ratios to it.
fn ratios(cases: &[Case], measured: &[Measured], native: &[Summary]) {
    println!("\nwasm / native, p50");
    let ours = &measured[0];
    for ((case, warm), native) in cases.iter().zip(&ours.warm).zip(native) {
        println!("{:<46} {:>6.2}x", case.label, ratio(warm.p50, native.p50));
    }
    if let Some(anchor) = measured.get(1) {
        println!("\naisgate / anchor (PVC, p50)");
        println!("{:<46} {:>6.2}x", "cold start", ratio(ours.cold_start.total, anchor.cold_start.total));
        println!(
            "{:<46} {:>6.2}x",
            "cold start on one compiler thread",
            ratio(ours.cold_start.one_thread, anchor.cold_start.one_thread)
        );
        println!("{:<46} {:>6.2}x", "warm validate", ratio(ours.warm[0].p50, anchor.warm[0].p50));
        println!("{:<46} {:>6.2}x", "fresh instance + validate", ratio(ours.fresh[0].p50, anchor.fresh[0].p50));
        // The first call's own cost: what a fresh instance adds to the instance alone.
        let first_call = |m: &Measured| m.fresh[0].p50.saturating_sub(m.fresh_alone);
        println!(
            "{:<46} {:>6.2}x ({:.1?} against {:.1?})",
            "first validate (fresh + validate - alone)",
            ratio(first_call(ours), first_call(anchor)),
            first_call(ours),
            first_call(anchor)
        );
    }
}
