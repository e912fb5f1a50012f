//! What both benchmarks measure with: peak memory, CPU time and repeated timing.

use std::time::{Duration, Instant};

/// The process's peak resident memory so far, in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user + system, every thread) this process has used, from `/proc/self/stat`
/// (clock ticks, taken as the usual 100 per second): on a shared machine wall time also
/// counts waiting.
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Median wall time and mean CPU time of `runs` calls (at least one), and the last result.
pub fn measure<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Option<Duration>, T) {
    let runs = runs.max(1);
    let cpu_start = cpu_time();
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        samples.push(start.elapsed());
    }
    let cpu =
        cpu_start.zip(cpu_time()).map(|(start, end)| end.saturating_sub(start) / u32::try_from(runs).unwrap_or(1));
    samples.sort();
    let Some(last) = last else { unreachable!("runs is at least one") };
    (samples[samples.len() / 2], cpu, last)
}
