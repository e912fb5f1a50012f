//! Benchmark of the rules across objects on generated clusters: one AIStore with N targets
//! and two disks each (one PV pre-bound by claimRef, one unbound and selected by labels),
//! one Node per target, a no-provisioner StorageClass. Reports the time of the whole
//! `lint` (parse, object rules, bundle rules), of the bundle rules alone, and the peak RSS.
//! A benchmark, not a test:
//! `cargo run --release -p aisgate-lint --example bench_bundle -- 1000` (one size per run,
//! so each peak RSS is its own).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use aisgate_core::{Engine, Settings};
use aisgate_lint::{Input, Limits};

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

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let targets: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let runs: usize = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(5);
    let text = generate(targets);
    let engine = Engine::new(Settings::default(), None);
    let limits = Limits { max_input_bytes: 1 << 30, ..Limits::default() };
    let inputs = [Input { name: "generated.yaml", text: &text }];

    let report = aisgate_lint::lint(&engine, &inputs, &[], &limits);
    assert!(report.errors.is_empty(), "{:?}", report.errors.first());
    assert_eq!(report.summary.objects, 2 + 3 * targets);
    assert_eq!(report.summary.deny, 0, "a clean cluster: {:?}", report.findings.first());

    let whole = best_of(runs, || {
        let _ = aisgate_lint::lint(&engine, &inputs, &[], &limits);
    });
    let parsed = aisgate_lint::ParsedInputs::parse(&inputs, &limits);
    let gathered = parsed.gather();
    let bundle = best_of(runs, || {
        let (inventory, _) = aisgate_lint::inventory(&engine, &gathered);
        let findings = engine.check_bundle(&inventory);
        assert!(findings.is_empty());
    });
    println!(
        "targets {targets:>6}  objects {:>6}  input {:>6} KiB  lint {:>8.1} ms  bundle rules {:>7.1} ms  peak RSS {:>7} KiB",
        report.summary.objects,
        text.len() / 1024,
        whole.as_secs_f64() * 1e3,
        bundle.as_secs_f64() * 1e3,
        peak_rss_kib().unwrap_or_default()
    );
}
