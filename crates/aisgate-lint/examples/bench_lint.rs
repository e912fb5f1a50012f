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

use std::time::Duration;

use aisgate_core::{Engine, Settings};
use aisgate_lint::{Input, Limits, fix, lint, source};

mod measure;
use measure::{measure, peak_rss_kib};

const AISTORE: &str = include_str!("../../../examples/aistore.yaml");
const STATEFULSET: &str = include_str!("../../../examples/generated/ais-target-statefulset.yaml");
const STORAGE: &str = include_str!("../../../examples/storage.yaml");
const OBJECTS_PER_CLUSTER: usize = 7;

/// One cluster's objects, in namespace `ais-<i>` with PV and node names prefixed by `c<i>-`.
fn cluster(i: usize, out: &mut String) {
    for template in [AISTORE, STATEFULSET, STORAGE] {
        out.push_str("---\n# Source: ais/templates/bundle.yaml\n");
        let text = template
            .replace("namespace: ais\n", &format!("namespace: ais-{i}\n"))
            .replace("name: node-a-pv", &format!("name: c{i}-node-a-pv"))
            .replace("name: node-b-pv", &format!("name: c{i}-node-b-pv"))
            // Each cluster on its own nodes: clusters sharing node-a's disks are a quadratic
            // number of AIS404 findings, not a bundle anyone lints.
            .replace("values: [node-a]", &format!("values: [c{i}-node-a]"))
            .replace("values: [node-b]", &format!("values: [c{i}-node-b]"))
            .replace("name: ais-local-storage\n", &format!("name: ais-local-storage-{i}\n"));
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
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
    let baseline = peak_rss_kib();

    let (parse_time, parse_cpu, parsed) = measure(3, || source::parse(&bundle, &limits));
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    drop(parsed);
    let after_parse = peak_rss_kib();
    let (lint_time, lint_cpu, report) = measure(3, || lint(&engine, &inputs, &[], &limits));
    let after_lint = peak_rss_kib();
    let (fix_time, fix_cpu, fixed) = measure(3, || fix(&engine, &inputs, &limits));
    let after_fix = peak_rss_kib();

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
    for (label, wall, cpu) in
        [("parse", parse_time, parse_cpu), ("lint (parse + rules)", lint_time, lint_cpu), ("fix", fix_time, fix_cpu)]
    {
        let (per_second, mb_per_second) = rate(wall);
        print!("{label:<22} wall {wall:>9.1?}  {per_second:>9.0} objects/s  {mb_per_second:>6.1} MB/s");
        if let Some(cpu) = cpu.filter(|cpu| !cpu.is_zero()) {
            let (per_second, mb_per_second) = rate(cpu);
            print!(" | cpu {cpu:>9.1?}  {per_second:>9.0} objects/s  {mb_per_second:>6.1} MB/s");
        }
        println!();
    }
    let changes: usize = fixed.files.iter().map(|f| f.changes.len()).sum();
    println!("fix: {changes} changes");
    let mib = |kib: Option<u64>| kib.map_or_else(|| "?".to_owned(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0));
    println!(
        "peak memory (VmHWM): {} with the input generated, {} after parse, {} after lint, {} after fix",
        mib(baseline),
        mib(after_parse),
        mib(after_lint),
        mib(after_fix)
    );
}
