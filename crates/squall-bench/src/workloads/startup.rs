//! `startup`: how long a local topology takes from `submit` to its first executed tuple (a const
//! spout → null bolt on two threads), and the process's memory at rest: before any topology, and
//! with the word count submitted but inactive (threads and queues up, no traffic). Memory under
//! load is each throughput row's `peak_rss_mib`.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use squall::prelude::*;

use super::word_count::{self, Pacing};
use super::{Edge, Limit, Settings};
use crate::measure::{cpu_seconds, median, peak_rss_mib, reset_peak_rss, rss_mib};
use crate::report::Row;

/// Emits `(seq, "some data")` without end.
struct Endless(i64);

impl Spout for Endless {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["seq", "str"]);
    }

    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        self.0 += 1;
        out.emit(values![self.0, "some data"]);
    }
}

/// Notes when its first tuple arrives.
struct First(Arc<OnceLock<Instant>>, bool);

impl Bolt for First {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}

    fn execute(&mut self, tuple: Tuple, out: &mut BoltCollector<'_>) {
        if !self.1 {
            self.1 = true;
            let _ = self.0.set(Instant::now());
        }
        out.ack(&tuple);
    }
}

/// Submit → first tuple executed, `reps` times; the row holds the median and the worst.
///
/// # Errors
/// A topology failed to start or no tuple arrived within 10 s.
pub fn startup(reps: u32) -> anyhow::Result<Row> {
    let (mut first_ms, mut submit_ms, mut kill_ms) = (Vec::new(), Vec::new(), Vec::new());
    let cpu0 = cpu_seconds();
    let t_all = Instant::now();
    for rep in 0..reps.max(1) {
        let seen = Arc::new(OnceLock::new());
        let mut b = TopologyBuilder::new();
        b.set_spout("spout", 1, || Endless(0));
        let s = seen.clone();
        b.set_bolt("null", 1, move || First(s.clone(), false)).shuffle_grouping("spout");
        let topology = b.build()?;
        let mut config = Config::new();
        config.set_acker_executors(0).set_chaining(false);
        let cluster = LocalCluster::new();
        let name = format!("startup-{rep}");
        let t0 = Instant::now();
        cluster.submit(&name, &config, topology, RunOptions::new())?;
        submit_ms.push(t0.elapsed().as_secs_f64() * 1e3);
        let deadline = t0 + Duration::from_secs(10);
        let first = loop {
            if let Some(t) = seen.get() {
                break *t;
            }
            anyhow::ensure!(Instant::now() < deadline, "no tuple executed within 10 s of submit");
            std::thread::sleep(Duration::from_micros(50));
        };
        first_ms.push(first.duration_since(t0).as_secs_f64() * 1e3);
        let k0 = Instant::now();
        cluster.kill(&name, Duration::ZERO)?;
        kill_ms.push(k0.elapsed().as_secs_f64() * 1e3);
    }
    let mut row = Row::new("startup", "ms").param("reps", reps.max(1));
    row.summary = true;
    row.wall_s = t_all.elapsed().as_secs_f64();
    row.cpu_s = cpu_seconds() - cpu0;
    row.peak_rss_mib = peak_rss_mib();
    row.count = first_ms.len() as u64;
    row.set("startup_ms", median(&first_ms));
    row.set("startup_ms_max", first_ms.iter().copied().fold(0.0, f64::max));
    row.set("submit_ms", median(&submit_ms));
    row.set("kill_ms", median(&kill_ms));
    Ok(row)
}

/// Resident memory before any topology and with the word count (parallelism `p`, acking on)
/// submitted but inactive.
///
/// # Errors
/// The topology could not be started.
pub fn memory_at_rest(p: u32) -> anyhow::Result<Row> {
    let baseline = rss_mib();
    let settings = Settings {
        parallelism: p,
        acking: true,
        chaining: true,
        batch_size: None,
        max_pending: None,
        limit: Limit::Records(1),
        warmup: Duration::ZERO,
        timeout: super::RUN_TIMEOUT,
        extra: Vec::new(),
    };
    let wc = word_count::topology(&settings, Edge::LocalOrShuffle, Pacing::default())?;
    let cluster = LocalCluster::new();
    reset_peak_rss();
    cluster.submit("at-rest", &settings.config(), wc.topology, RunOptions::new().inactive(true))?;
    std::thread::sleep(Duration::from_millis(500));
    let at_rest = rss_mib();
    let threads = std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count());
    cluster.kill("at-rest", Duration::ZERO)?;
    let mut row = Row::new("memory", "MiB").param("parallelism", p).param("topology", "word-count");
    row.summary = true;
    row.peak_rss_mib = peak_rss_mib();
    row.set("rss_before_mib", baseline);
    row.set("rss_at_rest_mib", at_rest);
    row.set("threads_at_rest", threads as u64);
    Ok(row)
}
