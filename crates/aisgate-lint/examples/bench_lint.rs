//! Lint (and fix) throughput on a generated bundle, and peak memory. A benchmark, not a test:
//!
//! ```sh
//! cargo run --release -p aisgate-lint --example bench_lint            # 10,010 objects
//! cargo run --release -p aisgate-lint --example bench_lint -- 50000   # at least 50,000
//! ```
//!
//! The bundle repeats the repository's examples (an AIStore, the target StatefulSet the
//! operator generates from it, a StorageClass and four PVs) once per namespace, as one
//! multi-document YAML stream such as `helm template` writes. Peak memory is the process's
//! high-water mark (`VmHWM`, Linux), read before and after linting.

use std::time::{Duration, Instant};

use aisgate_core::{Engine, Settings};
use aisgate_lint::{Input, Limits, fix, lint, source};

const AISTORE: &str = include_str!("../../../examples/aistore.yaml");
const STATEFULSET: &str = include_str!("../../../examples/generated/ais-target-statefulset.yaml");
const STORAGE: &str = include_str!("../../../examples/storage.yaml");
const OBJECTS_PER_CLUSTER: usize = 7;

/// One cluster's objects, in namespace `ais-<i>` with PV names prefixed by `c<i>-`.
fn cluster(i: usize, out: &mut String) {
    for template in [AISTORE, STATEFULSET, STORAGE] {
        out.push_str("---\n# Source: ais/templates/bundle.yaml\n");
        let text = template
            .replace("namespace: ais\n", &format!("namespace: ais-{i}\n"))
            .replace("name: node-a-pv", &format!("name: c{i}-node-a-pv"))
            .replace("name: node-b-pv", &format!("name: c{i}-node-b-pv"))
            .replace("name: ais-local-storage\n", &format!("name: ais-local-storage-{i}\n"));
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
}

/// The process's peak resident memory so far, in KiB.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        samples.push(start.elapsed());
    }
    (median(samples), last.unwrap())
}

#[allow(clippy::cast_precision_loss)]
fn main() {
    let wanted: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let clusters = wanted.div_ceil(OBJECTS_PER_CLUSTER);
    let mut bundle = String::new();
    for i in 0..clusters {
        cluster(i, &mut bundle);
    }
    let limits = Limits { max_input_bytes: usize::MAX, ..Limits::default() };
    let engine = Engine::new(Settings::default(), None);
    let inputs = [Input { name: "bundle.yaml", text: &bundle }];
    let baseline = peak_kib();

    let (parse_time, parsed) = time(3, || source::parse(&bundle, &limits));
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    drop(parsed);
    let (lint_time, report) = time(3, || lint(&engine, &inputs, &[], &limits));
    let after_lint = peak_kib();
    let (fix_time, fixed) = time(3, || fix(&engine, &inputs, &limits));
    let after_fix = peak_kib();

    let objects = report.summary.objects;
    assert!(objects >= wanted, "generated {objects} objects, wanted {wanted}");
    assert!(report.errors.is_empty() && fixed.errors.is_empty());
    let mb = bundle.len() as f64 / 1e6;
    let rate = |d: Duration| (objects as f64 / d.as_secs_f64(), mb / d.as_secs_f64());
    println!(
        "bundle: {objects} objects in {} documents, {:.1} MB; {} findings",
        report.summary.documents,
        mb,
        report.findings.len()
    );
    for (label, duration) in [("parse", parse_time), ("lint (parse + rules)", lint_time), ("fix", fix_time)] {
        let (per_second, mb_per_second) = rate(duration);
        println!("{label:<22} {duration:>10.1?}  {per_second:>9.0} objects/s  {mb_per_second:>6.1} MB/s");
    }
    let changes: usize = fixed.files.iter().map(|f| f.changes.len()).sum();
    println!("fix: {changes} changes");
    if let (Some(baseline), Some(after_lint), Some(after_fix)) = (baseline, after_lint, after_fix) {
        println!(
            "peak memory (VmHWM): {:.1} MiB with the input generated, {:.1} MiB after lint, {:.1} MiB after fix",
            baseline as f64 / 1024.0,
            after_lint as f64 / 1024.0,
            after_fix as f64 / 1024.0
        );
    }
}
