//! Benchmark of offline linting on generated clusters: one AIStore with N targets and two
//! disks each (one PV pre-bound by claimRef, one unbound and selected by labels), one Node
//! per target, a no-provisioner StorageClass, as one multi-document YAML stream.
//! A benchmark, not a test. One command runs both sizes and compares them:
//!
//! ```sh
//! cargo run --release -p aisgate-lint --example bench_bundle             # 1,000 and 10,000 targets
//! cargo run --release -p aisgate-lint --example bench_bundle -- 2000     # one size
//! cargo run -p aisgate-lint --example bench_bundle -- --quick            # CI: 100 and 1,000, one run
//! cargo run --release -p aisgate-lint --example bench_bundle -- --lint-only 10000 3   # lint alone, for profilers
//! cargo run --release -p aisgate-lint --example bench_bundle -- --parse-only 10000 3  # its parsing alone
//! cargo run --release -p aisgate-lint --example bench_bundle -- --write 1000 bundle.yaml  # the bundle, for other tools
//! ```
//!
//! Each size runs in a child process of its own, so that each peak memory (`VmHWM`, Linux)
//! is that size's. Per size it prints the parse-only time (`source::parse`, the reader
//! `lint` uses), the whole `lint` (parse, rules on each object, rules across objects) as
//! wall time (median) and CPU time (user + system of every thread, mean), objects per
//! second and MB/s for both, lint over parse, the rules across objects alone, and the peak
//! memory; and the lint of the same cluster with a finding across objects on every PV (each
//! document is read again for its finding's line). Then the time ratios (wall and CPU) of
//! the larger size to the smaller.

// The CLI's allocator (crates/aisgate-cli/src/main.rs), so that this measures what `aisgate lint` runs.
#[cfg(not(any(target_env = "msvc", target_family = "wasm")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

use aisgate_core::{Engine, Settings};
use aisgate_lint::{Input, Limits, Parallelism, source};

mod measure;
use measure::{measure, peak_rss_kib};

fn generate(targets: usize) -> String {
    let mut text = String::new();
    let _ = write!(
        text,
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: ais-local-storage}}\n\
         provisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\n---\n\
         apiVersion: ais.nvidia.com/v1beta1\nkind: AIStore\nmetadata: {{name: ais, namespace: ais}}\nspec:\n\
         \x20 nodeImage: aistorage/aisnode:v3.31\n  initImage: aistorage/ais-init:v3.31\n\
         \x20 stateStorage: {{hostPath: {{prefix: /etc/ais}}}}\n  proxySpec: {{size: 3}}\n\
         \x20 targetSpec:\n    size: {targets}\n    mounts:\n\
         \x20     - {{path: /ais/sda, size: 5T, storageClass: ais-local-storage}}\n\
         \x20     - {{path: /ais/sdb, size: 5T, storageClass: ais-local-storage,\n\
         \x20        selector: {{matchLabels: {{cluster: ais, mpath: pv-ais-sdb}}}}}}\n"
    );
    for i in 0..targets {
        let node = format!("node{i}");
        let affinity = format!(
            "  nodeAffinity: {{required: {{nodeSelectorTerms: [{{matchExpressions: [{{key: kubernetes.io/hostname, operator: In, values: [{node}]}}]}}]}}}}\n"
        );
        let _ = write!(
            text,
            "---\napiVersion: v1\nkind: Node\nmetadata: {{name: {node}, labels: {{kubernetes.io/hostname: {node}}}}}\n\
             ---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {node}-pv-ais-sda}}\nspec:\n\
             \x20 storageClassName: ais-local-storage\n  capacity: {{storage: 5T}}\n  accessModes: [ReadWriteOnce]\n\
             \x20 persistentVolumeReclaimPolicy: Retain\n  hostPath: {{path: /ais/sda}}\n\
             \x20 claimRef: {{namespace: ais, name: ais-ais-sda-ais-target-{i}}}\n{affinity}\
             ---\napiVersion: v1\nkind: PersistentVolume\n\
             metadata: {{name: {node}-pv-ais-sdb, labels: {{cluster: ais, mpath: pv-ais-sdb}}}}\nspec:\n\
             \x20 storageClassName: ais-local-storage\n  capacity: {{storage: 5T}}\n  accessModes: [ReadWriteOnce]\n\
             \x20 persistentVolumeReclaimPolicy: Retain\n  hostPath: {{path: /ais/sdb}}\n{affinity}"
        );
    }
    text
}

/// Benchmarks one size in this process; prints one line and the lint wall time in ms (for the parent).
#[allow(clippy::cast_precision_loss)]
fn one(targets: usize, runs: usize) {
    let text = generate(targets);
    let engine = Engine::new(Settings::default(), None);
    let limits = Limits { max_input_bytes: 1 << 30, ..Limits::default() };
    let inputs = [Input { name: "generated.yaml", text: &text }];

    let report = aisgate_lint::lint(&engine, &inputs, &[], &limits);
    assert!(report.errors.is_empty(), "{:?}", report.errors.first());
    assert_eq!(report.summary.objects, 2 + 3 * targets);
    assert_eq!(report.summary.deny, 0, "a clean cluster: {:?}", report.findings.first());
    drop(report);

    let (lint, lint_cpu, ()) = measure(runs, || {
        let _ = aisgate_lint::lint(&engine, &inputs, &[], &limits);
    });
    // Peak memory of linting, before the timings below that keep every document parsed at once.
    let peak = peak_rss_kib().unwrap_or_default();
    // Parsing alone, with the reader `lint` uses: the same parts on the same threads.
    let (parse, parse_cpu, ()) = measure(runs, || {
        let documents = aisgate_lint::read::parse_only(&inputs, &limits, Parallelism::default());
        assert_eq!(documents, 2 + 3 * targets);
    });
    // And as `source::parse` reads (one thread, every document kept).
    let (parse_kept, _, ()) = measure(runs, || assert!(source::parse(&text, &limits).error.is_none()));
    // Every PV with a finding across objects (both disks of a node at one path: AIS404), so
    // that every document is read again for its finding's line.
    let duplicated = text.replace("hostPath: {path: /ais/sdb}", "hostPath: {path: /ais/sda}");
    let inputs_with_findings = [Input { name: "generated.yaml", text: &duplicated }];
    let (with_findings, _, ()) = measure(runs, || {
        let report = aisgate_lint::lint(&engine, &inputs_with_findings, &[], &limits);
        assert_eq!(report.findings.len(), 2 * targets);
    });
    let bundle = {
        let parsed = aisgate_lint::ParsedInputs::parse(&inputs, &limits);
        let gathered = parsed.gather();
        let (inventory, _) = aisgate_lint::inventory(&engine, &gathered);
        measure(runs, || assert!(engine.check_bundle(&inventory).is_empty())).0
    };

    let objects = 2 + 3 * targets;
    let mb = text.len() as f64 / 1e6;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let per_second = |d: Duration| objects as f64 / d.as_secs_f64();
    let cpu = |cpu: Option<Duration>| {
        cpu.filter(|cpu| !cpu.is_zero()).map_or_else(|| "cpu ?".to_owned(), |cpu| format!("cpu {:>6.1} ms", ms(cpu)))
    };
    let per_core = lint_cpu.filter(|cpu| !cpu.is_zero()).map_or(0.0, per_second);
    println!(
        "targets {targets:>6}  objects {objects:>6}  {mb:>4.1} MB  threads {}\n  \
         lint  {:>7.1} ms ({}) {:>7.0} objects/s {:>5.1} MB/s; per CPU-second {per_core:>7.0} objects/s\n  \
         parse {:>7.1} ms ({}) alone, same reader; lint/parse {:>4.2} wall, {} CPU; source::parse (all kept, one thread) {:>7.1} ms\n  \
         rules across objects {:>6.1} ms; peak memory (VmHWM) of lint {:>6.1} MiB\n  \
         lint with a finding across objects on every PV {:>7.1} ms",
        Parallelism::default().threads,
        ms(lint),
        cpu(lint_cpu),
        per_second(lint),
        mb / lint.as_secs_f64(),
        ms(parse),
        cpu(parse_cpu),
        lint.as_secs_f64() / parse.as_secs_f64(),
        lint_cpu
            .zip(parse_cpu)
            .filter(|(_, p)| !p.is_zero())
            .map_or_else(|| "?".to_owned(), |(l, p)| format!("{:.2}", l.as_secs_f64() / p.as_secs_f64())),
        ms(parse_kept),
        ms(bundle),
        peak as f64 / 1024.0,
        ms(with_findings),
    );
    println!("lint-ms {} {}", ms(lint), lint_cpu.map_or(0.0, ms));
}

/// Lints one size `runs` times and nothing else: for profilers (`perf record`, heaptrack).
fn lint_only(targets: usize, runs: usize) {
    let text = generate(targets);
    let engine = Engine::new(Settings::default(), None);
    let limits = Limits { max_input_bytes: 1 << 30, ..Limits::default() };
    let inputs = [Input { name: "generated.yaml", text: &text }];
    for _ in 0..runs {
        let report = aisgate_lint::lint(&engine, &inputs, &[], &limits);
        assert_eq!(report.summary.objects, 2 + 3 * targets);
    }
}

/// Parses one size `runs` times as `lint` reads (`read::parse_only`) and nothing else: the
/// baseline of `--lint-only`, for profilers.
fn parse_only(targets: usize, runs: usize) {
    let text = generate(targets);
    let limits = Limits { max_input_bytes: 1 << 30, ..Limits::default() };
    let inputs = [Input { name: "generated.yaml", text: &text }];
    for _ in 0..runs {
        let documents = aisgate_lint::read::parse_only(&inputs, &limits, Parallelism::default());
        assert_eq!(documents, 2 + 3 * targets);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, targets, runs] = args.as_slice()
        && flag == "--one"
    {
        one(targets.parse().unwrap_or(1000), runs.parse().unwrap_or(5));
        return;
    }
    if let [flag, targets, runs] = args.as_slice()
        && flag == "--lint-only"
    {
        lint_only(targets.parse().unwrap_or(1000), runs.parse().unwrap_or(5));
        return;
    }
    if let [flag, targets, runs] = args.as_slice()
        && flag == "--parse-only"
    {
        parse_only(targets.parse().unwrap_or(1000), runs.parse().unwrap_or(5));
        return;
    }
    if let [flag, targets, file] = args.as_slice()
        && flag == "--write"
    {
        // The same bundle for another tool (docs/performance.md, "Against Checkov").
        std::fs::write(file, generate(targets.parse().unwrap_or(1000))).expect("write the bundle");
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let sizes: Vec<usize> = match args.iter().find_map(|a| a.parse().ok()) {
        Some(size) => vec![size],
        None if quick => vec![100, 1000],
        None => vec![1000, 10_000],
    };
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let mut times = Vec::new();
    for size in sizes {
        // Enough runs to time the small size well; fewer for the large one.
        let runs = if quick { 1 } else { (20_000 / size).clamp(3, 20) };
        let output = Command::new(&exe).args(["--one", &size.to_string(), &runs.to_string()]).output().expect("run");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8_lossy(&output.stdout);
        for line in stdout.lines() {
            match line.strip_prefix("lint-ms ").and_then(|ms| ms.split_once(' ')) {
                Some((wall, cpu)) => {
                    times.push((size, wall.parse::<f64>().unwrap_or_default(), cpu.parse::<f64>().unwrap_or_default()));
                }
                None => println!("{line}"),
            }
        }
    }
    if let [(small, wall_a, cpu_a), (large, wall_b, cpu_b)] = times.as_slice() {
        let cpu = if *cpu_a > 0.0 { format!("{:.1}x", cpu_b / cpu_a) } else { "?".to_owned() };
        println!("{}x the input: {:.1}x the lint wall time, {cpu} the lint CPU time", large / small, wall_b / wall_a);
    }
}
