//! Measuring a run: process CPU time and memory from `/proc`, running a topology to completion, and
//! the sink-side [`Probe`] that times the steady state the way the peers do (first to last record
//! seen by the sinks).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use squall::prelude::*;
use squall::{RunningTopology, Topology};

/// Kernel clock ticks per second in `/proc/*/stat` (`USER_HZ`, fixed at 100 in Linux's ABI).
const USER_HZ: f64 = 100.0;

/// User plus system CPU seconds of this process so far, all threads (exited ones included).
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12th and 13th after the name.
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / USER_HZ
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`).
pub fn status_kib(field: &str) -> u64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else { return 0 };
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The 1-minute load average, to spot runs measured on a busy machine.
pub fn load1() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0)
}

/// Resident memory now, MiB.
pub fn rss_mib() -> f64 {
    status_kib("VmRSS") as f64 / 1024.0
}

/// Peak resident memory since the last [`reset_peak_rss`] (or the start), MiB.
pub fn peak_rss_mib() -> f64 {
    status_kib("VmHWM") as f64 / 1024.0
}

/// Resets the peak resident size to the current one (`/proc/self/clear_refs`, Linux 4.0+), so each
/// workload's peak is its own. Without it the peak covers the whole process, which is still an
/// upper bound.
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// What running one topology to completion took.
pub struct Outcome {
    /// Final statistics.
    pub stats: TopologyStats,
    /// When `submit` was called.
    pub submitted: Instant,
    /// Submit to stopped.
    pub wall: Duration,
    /// CPU seconds of the process during the run.
    pub cpu_s: f64,
    /// Peak resident memory during the run, MiB.
    pub peak_rss_mib: f64,
}

/// Submits `topology` to a fresh local cluster and waits until every spout is finished and every
/// tuple tree complete (at most `timeout`), measuring CPU and peak memory around it.
///
/// # Errors
/// The topology failed or timed out.
pub fn run_bounded(
    name: &str,
    config: &Config,
    topology: Topology,
    timeout: Duration,
) -> anyhow::Result<Outcome> {
    let cluster = LocalCluster::new();
    reset_peak_rss();
    let cpu0 = cpu_seconds();
    let submitted = Instant::now();
    cluster
        .submit(name, config, topology, RunOptions::new())
        .with_context(|| format!("submitting {name}"))?;
    let running: RunningTopology = cluster.take(name)?;
    let stats = running.run_to_completion(timeout).with_context(|| format!("running {name}"))?;
    let wall = submitted.elapsed();
    Ok(Outcome { stats, submitted, wall, cpu_s: cpu_seconds() - cpu0, peak_rss_mib: peak_rss_mib() })
}

/// How often (in records) a sink reads the clock: rarely enough to cost nothing per record.
const STAMP_EVERY: u64 = 1024;

/// What one sink task saw.
#[derive(Clone, Debug)]
pub struct ProbeReport {
    /// Records received.
    pub received: u64,
    /// When the first arrived.
    pub first: Option<Instant>,
    /// Start of the measured span (the first stamp after the warm-up) and the count then.
    pub start: Option<(Instant, u64)>,
    /// The latest stamp and the count then.
    pub last: Option<(Instant, u64)>,
}

/// Counts records at a sink and reads the clock every [`STAMP_EVERY`] records; reports at cleanup.
pub struct Probe {
    warmup: Duration,
    report: ProbeReport,
    out: Arc<Mutex<Vec<ProbeReport>>>,
}

impl Probe {
    /// A probe that starts measuring `warmup` after its first record and reports into `out`.
    pub fn new(warmup: Duration, out: Arc<Mutex<Vec<ProbeReport>>>) -> Self {
        Self { warmup, report: ProbeReport { received: 0, first: None, start: None, last: None }, out }
    }

    /// One record arrived.
    #[inline]
    pub fn saw(&mut self) {
        self.report.received += 1;
        if self.report.received % STAMP_EVERY == 1 {
            self.stamp();
        }
    }

    #[cold]
    fn stamp(&mut self) {
        let now = Instant::now();
        let r = &mut self.report;
        let first = *r.first.get_or_insert(now);
        if r.start.is_none() && now.duration_since(first) >= self.warmup {
            r.start = Some((now, r.received));
        }
        r.last = Some((now, r.received));
    }

    /// Hands the report over (call from `cleanup`).
    pub fn finish(&mut self) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        out.push(self.report.clone());
    }
}

/// The sinks' reports combined.
#[derive(Clone, Copy, Debug, Default)]
pub struct Steady {
    /// Records received by all sinks.
    pub received: u64,
    /// Records per second over the measured span (after warm-up, first to last stamp).
    pub rate: f64,
    /// The measured span.
    pub span_s: f64,
    /// First record at any sink, after `since`.
    pub first_after: Option<Duration>,
}

/// Combines sink reports: Σ counted / (latest last stamp − earliest start stamp). If the run was
/// shorter than the warm-up, measures from the first record instead.
pub fn combine(reports: &[ProbeReport], since: Instant) -> Steady {
    let received = reports.iter().map(|r| r.received).sum();
    let first = reports.iter().filter_map(|r| r.first).min();
    let starts: Vec<(Instant, u64)> =
        reports.iter().filter_map(|r| r.start.or(r.first.map(|f| (f, 1)))).collect();
    let start = starts.iter().map(|s| s.0).min();
    let last = reports.iter().filter_map(|r| r.last.map(|l| l.0)).max();
    let counted: u64 = reports
        .iter()
        .filter_map(|r| {
            let (_, c0) = r.start.or(r.first.map(|f| (f, 1)))?;
            Some(r.last?.1.saturating_sub(c0))
        })
        .sum();
    let span_s = match (start, last) {
        (Some(s), Some(l)) => l.duration_since(s).as_secs_f64(),
        _ => 0.0,
    };
    Steady {
        received,
        rate: if span_s > 0.0 { counted as f64 / span_s } else { 0.0 },
        span_s,
        first_after: first.map(|f| f.saturating_duration_since(since)),
    }
}

/// A shared place components hand their end-of-run results to (locked once per task at cleanup).
pub fn collector<T>() -> Arc<Mutex<Vec<T>>> {
    Arc::new(Mutex::new(Vec::new()))
}

/// Takes what was handed in.
pub fn take<T>(c: &Arc<Mutex<Vec<T>>>) -> Vec<T> {
    std::mem::take(&mut *c.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Median of `xs` (the lower middle for an even count); 0 for none.
pub fn median(xs: &[f64]) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    if v.is_empty() { 0.0 } else { v[(v.len() - 1) / 2] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_and_memory_are_read() {
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        assert!(x != 1);
        assert!(cpu_seconds() >= 0.0);
        assert!(rss_mib() > 0.0);
        reset_peak_rss();
        assert!(peak_rss_mib() > 0.0);
    }

    #[test]
    fn median_takes_the_middle() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.0);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn probe_measures_between_stamps() {
        let out = collector();
        let mut p = Probe::new(Duration::ZERO, out.clone());
        let t0 = Instant::now();
        for _ in 0..10_000 {
            p.saw();
        }
        p.finish();
        let reports = take(&out);
        let s = combine(&reports, t0);
        assert_eq!(s.received, 10_000);
        assert!(s.rate > 0.0);
    }
}
