//! The command line: one subcommand per workload, the run options they share, and the dispatch.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Reporter;
use crate::workloads::raw_queue::Queue;
use crate::workloads::ysb::Shape;
use crate::workloads::{Edge, Limit, Settings, const_null, latency, raw_queue, startup, word_count, ysb};

/// squall's benchmark workloads.
#[derive(Parser, Debug)]
#[command(name = "squall-bench", version, about)]
pub struct Cli {
    /// Also append every JSON result line to this file.
    #[arg(long, global = true)]
    pub out: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

/// On or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    /// On.
    On,
    /// Off.
    Off,
}

impl OnOff {
    fn on(self) -> bool {
        self == OnOff::On
    }
}

/// Options every topology workload takes. List options (comma-separated) run every combination.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Tasks per component (spouts and bolts alike), e.g. `1,2`.
    #[arg(short, long, value_delimiter = ',', default_value = "1")]
    parallelism: Vec<u32>,
    /// Message ids and acker executors (`topology.acker.executors: 0` when off).
    #[arg(long, value_delimiter = ',', default_value = "off")]
    acking: Vec<OnOff>,
    /// Fuse producers and consumers into one thread where allowed (`squall.chaining`).
    #[arg(long, value_delimiter = ',', default_value = "on")]
    chaining: Vec<OnOff>,
    /// `topology.producer.batch.size` (default: squall's default).
    #[arg(long, value_delimiter = ',')]
    batch_size: Vec<usize>,
    /// Records to send in total (sentences for word count, events for ysb).
    #[arg(long, conflicts_with = "duration")]
    records: Option<u64>,
    /// Send for this many seconds (after the warm-up) instead of a number of records.
    #[arg(long)]
    duration: Option<f64>,
    /// Seconds at the start left out of the steady rate.
    #[arg(long, default_value_t = 0.0)]
    warmup: f64,
    /// Repetitions of each combination; a median row follows them.
    #[arg(long, default_value_t = 1)]
    reps: u32,
    /// Seconds a run may take before it fails as hung, reporting what was still pending.
    #[arg(long, default_value_t = 600.0)]
    timeout: f64,
    /// `topology.max.spout.pending` when acking (0: unlimited).
    #[arg(long, default_value_t = 10_000)]
    max_pending: u64,
    /// Extra config, `KEY=VALUE` (VALUE as JSON when it parses, else a string); repeatable. To
    /// measure a switch side by side, e.g. `-c squall.acking.local=false`.
    #[arg(short = 'c', value_name = "KEY=VALUE")]
    config: Vec<String>,
}

fn secs(what: &str, s: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(s)
        .with_context(|| format!("{what} must be a non-negative number of seconds, not {s}"))
}

impl RunArgs {
    /// Every combination of the list options, with `records` as the default size.
    fn settings(&self, default_records: u64) -> anyhow::Result<Vec<Settings>> {
        let limit = match (self.records, self.duration) {
            (_, Some(d)) => Limit::Duration(secs("--duration", d)?),
            (Some(n), None) => Limit::Records(n),
            (None, None) => Limit::Records(default_records),
        };
        let warmup = secs("--warmup", self.warmup)?;
        let timeout = secs("--timeout", self.timeout)?;
        anyhow::ensure!(self.parallelism.iter().all(|p| *p > 0), "--parallelism must be at least 1");
        let batches: Vec<Option<usize>> = if self.batch_size.is_empty() {
            vec![None]
        } else {
            self.batch_size.iter().map(|b| Some(*b)).collect()
        };
        anyhow::ensure!(batches.iter().flatten().all(|b| *b > 0), "--batch-size must be at least 1");
        let mut extra = Vec::new();
        for kv in &self.config {
            let (key, value) = kv.split_once('=').with_context(|| format!("-c {kv}: expected KEY=VALUE"))?;
            let value: squall::Value =
                serde_json::from_str(value).unwrap_or_else(|_| squall::Value::from(value));
            extra.push((key.to_owned(), value));
        }
        let mut out = Vec::new();
        for &parallelism in &self.parallelism {
            for acking in &self.acking {
                for chaining in &self.chaining {
                    for batch_size in &batches {
                        out.push(Settings {
                            parallelism,
                            acking: acking.on(),
                            chaining: chaining.on(),
                            batch_size: *batch_size,
                            max_pending: (self.max_pending > 0).then_some(self.max_pending),
                            limit,
                            warmup,
                            timeout,
                            extra: extra.clone(),
                        });
                    }
                }
            }
        }
        Ok(out)
    }
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Storm-perf's ConstSpout → NullBolt: `(seq, "some data")` as fast as allowed, one no-op bolt.
    ConstNull {
        #[command(flatten)]
        run: RunArgs,
        /// Spout → bolt grouping(s).
        #[arg(long, value_delimiter = ',', default_value = "shuffle")]
        grouping: Vec<Edge>,
    },
    /// ConstSpout → identity bolt → NullBolt (one more hop).
    ConstIdNull {
        #[command(flatten)]
        run: RunArgs,
        /// Grouping(s) on both edges.
        #[arg(long, value_delimiter = ',', default_value = "shuffle")]
        grouping: Vec<Edge>,
    },
    /// Sentences → split → fields grouping on the word → count (a HashMap), checked at the end.
    WordCount {
        #[command(flatten)]
        run: RunArgs,
        /// Spout → split grouping(s).
        #[arg(long, value_delimiter = ',', default_value = "local-or-shuffle")]
        grouping: Vec<Edge>,
    },
    /// The Yahoo Streaming Benchmark query on generated ad events, window counts checked.
    Ysb {
        #[command(flatten)]
        run: RunArgs,
        /// Grouping(s) on the edges before the join (the window is fields-grouped).
        #[arg(long, value_delimiter = ',', default_value = "local-or-shuffle")]
        grouping: Vec<Edge>,
        /// Campaigns.
        #[arg(long, default_value_t = 100)]
        campaigns: usize,
        /// Ads per campaign.
        #[arg(long, default_value_t = 10)]
        ads_per_campaign: usize,
        /// Events per second of event time (how many events a 10 s window holds / 10).
        #[arg(long, default_value_t = 100_000)]
        event_rate: u64,
    },
    /// Complete latency of the acked word count at fixed sentence rates (ThroughputVsLatency).
    /// Acking is always on; unless given, runs last 5 s after a 1 s warm-up (`--warmup 0` counts
    /// as not given).
    Latency {
        #[command(flatten)]
        run: RunArgs,
        /// Spout → split grouping.
        #[arg(long, default_value = "local-or-shuffle")]
        grouping: Edge,
        /// Target rates in sentences/s; with neither this nor --sweep, runs unpaced once.
        #[arg(long, value_delimiter = ',')]
        rate: Vec<f64>,
        /// Measure the maximum rate unpaced, then run at fractions of it.
        #[arg(long)]
        sweep: bool,
        /// Fractions of the maximum a sweep runs at.
        #[arg(long, value_delimiter = ',', default_values_t = latency::DEFAULT_FRACTIONS)]
        fractions: Vec<f64>,
        /// Use this maximum (sentences/s) instead of measuring it.
        #[arg(long)]
        max_rate: Option<f64>,
        /// Draw the sweep's throughput-vs-latency curve into this SVG file.
        #[arg(long)]
        plot: Option<PathBuf>,
    },
    /// Two threads, no engine: the fastest batched hand-off of the same records.
    RawQueue {
        /// Records per run.
        #[arg(long, default_value_t = 50_000_000)]
        records: u64,
        /// Records per batch.
        #[arg(long, default_value_t = 256)]
        batch_size: usize,
        /// Queue(s) to measure (default: all).
        #[arg(long, value_delimiter = ',')]
        queue: Vec<Queue>,
        /// Repetitions; a median row follows them.
        #[arg(long, default_value_t = 1)]
        reps: u32,
    },
    /// Submit → first tuple executed, and memory at rest.
    Startup {
        /// Topologies started.
        #[arg(long, default_value_t = 20)]
        reps: u32,
        /// Parallelism of the word count measured at rest.
        #[arg(short, long, default_value_t = 1)]
        parallelism: u32,
    },
    /// Every workload, small, with its correctness checks; fails if any check fails.
    Smoke,
    /// Ratios (squall against peers, raw queue, itself) from a results file, as Markdown.
    Summary {
        /// A results file (JSON lines from `--out` plus the peers' lines).
        input: PathBuf,
    },
    /// Draws the throughput-vs-latency curve of the latency rows in a results file.
    Plot {
        /// A results file with `latency` rows.
        input: PathBuf,
        /// The SVG to write.
        output: PathBuf,
    },
}

/// Runs `reps` repetitions of `one` per settings combination and edge. A repetition that fails to
/// run (a hung or failed topology) becomes a row whose check says why, and the rest go on.
fn matrix(
    rep: &mut Reporter,
    workload: &str,
    all: &[Settings],
    edges: &[Edge],
    reps: u32,
    mut one: impl FnMut(&Settings, Edge) -> anyhow::Result<crate::report::Row>,
) -> anyhow::Result<()> {
    for s in all {
        for &e in edges {
            let rows = (0..reps.max(1))
                .map(|_| {
                    one(s, e).unwrap_or_else(|err| {
                        let mut row = s.row(workload, "").param("grouping", e.name());
                        row.check = format!("FAIL {err:#}");
                        row
                    })
                })
                .collect();
            rep.emit_reps(rows)?;
        }
    }
    Ok(())
}

/// Runs the parsed command.
///
/// # Errors
/// A workload failed to run, a correctness check failed, or a file could not be written.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let mut rep = Reporter::new(cli.out.clone());
    match cli.cmd {
        Cmd::ConstNull { run, grouping } => {
            matrix(&mut rep, "const-null", &run.settings(50_000_000)?, &grouping, run.reps, |s, e| {
                const_null::run(s, e, 0)
            })?;
        }
        Cmd::ConstIdNull { run, grouping } => {
            matrix(&mut rep, "const-id-null", &run.settings(30_000_000)?, &grouping, run.reps, |s, e| {
                const_null::run(s, e, 1)
            })?;
        }
        Cmd::WordCount { run, grouping } => {
            matrix(&mut rep, "word-count", &run.settings(5_000_000)?, &grouping, run.reps, word_count::run)?;
        }
        Cmd::Ysb { run, grouping, campaigns, ads_per_campaign, event_rate } => {
            anyhow::ensure!(
                campaigns > 0 && ads_per_campaign > 0 && event_rate > 0,
                "ysb sizes must be positive"
            );
            let shape =
                Shape { campaigns, ads_per_campaign, events_per_event_second: event_rate, window_ms: 10_000 };
            matrix(&mut rep, "ysb", &run.settings(5_000_000)?, &grouping, run.reps, |s, e| {
                ysb::run(s, e, &shape)
            })?;
        }
        Cmd::Latency { mut run, grouping, rate, sweep, fractions, max_rate, plot } => {
            if run.duration.is_none() && run.records.is_none() {
                run.duration = Some(latency::DEFAULT_SECS.as_secs_f64());
            }
            if run.warmup == 0.0 {
                run.warmup = 1.0;
            }
            run.acking = vec![OnOff::On];
            anyhow::ensure!(
                rate.iter().chain(&fractions).all(|r| *r > 0.0),
                "rates and fractions must be positive"
            );
            for s in run.settings(0)? {
                latency_runs(&mut rep, &s, grouping, &rate, sweep, &fractions, max_rate, run.reps)?;
            }
            if let Some(path) = plot {
                let points =
                    crate::plot::points(&rep.rows.iter().filter(|r| r.summary).cloned().collect::<Vec<_>>());
                crate::plot::latency_curve(
                    &points,
                    "squall word count: complete latency vs throughput",
                    &path,
                )?;
                println!("plot: {}", path.display());
            }
        }
        Cmd::RawQueue { records, batch_size, queue, reps } => {
            let queues = if queue.is_empty() { Queue::ALL.to_vec() } else { queue };
            for q in queues {
                let rows = (0..reps.max(1)).map(|_| raw_queue::run(q, records, batch_size)).collect();
                rep.emit_reps(rows)?;
            }
        }
        Cmd::Startup { reps, parallelism } => {
            anyhow::ensure!(parallelism > 0, "--parallelism must be at least 1");
            rep.emit(startup::memory_at_rest(parallelism)?)?;
            rep.emit(startup::startup(reps)?)?;
        }
        Cmd::Smoke => crate::smoke::run(&mut rep)?,
        Cmd::Summary { input } => print!("{}", crate::summary::summarize(&input)?),
        Cmd::Plot { input, output } => {
            let text =
                std::fs::read_to_string(&input).with_context(|| format!("reading {}", input.display()))?;
            let rows: Vec<crate::report::Row> = text
                .lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter(|v| v.get("summary").and_then(serde_json::Value::as_bool) == Some(true))
                .filter_map(|v| crate::report::Row::from_json(&v))
                .collect();
            crate::plot::latency_curve(
                &crate::plot::points(&rows),
                "squall word count: complete latency vs throughput",
                &output,
            )?;
            println!("plot: {}", output.display());
        }
    }
    let failures = rep.failures();
    anyhow::ensure!(
        failures.is_empty(),
        "{} correctness check(s) failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    Ok(())
}

/// The latency runs for one settings combination: given rates, or a sweep (maximum first).
#[allow(clippy::too_many_arguments)] // the latency subcommand's options, passed through
pub fn latency_runs(
    rep: &mut Reporter,
    s: &Settings,
    grouping: Edge,
    rates: &[f64],
    sweep: bool,
    fractions: &[f64],
    max_rate: Option<f64>,
    reps: u32,
) -> anyhow::Result<()> {
    let run_reps = |rep: &mut Reporter, rate: Option<f64>| -> anyhow::Result<f64> {
        let rows = (0..reps.max(1))
            .map(|_| latency::run_at(s, grouping, rate))
            .collect::<anyhow::Result<Vec<_>>>()?;
        rep.emit_reps(rows)?;
        let last = rep.rows.last().map_or(0.0, |r| r.tuples_per_s);
        Ok(last / word_count::WORDS_PER_SENTENCE as f64)
    };
    if sweep {
        let max = match max_rate {
            Some(m) => m,
            None => run_reps(rep, None)?,
        };
        anyhow::ensure!(max > 0.0, "the unpaced run measured no throughput");
        for r in latency::sweep_rates(max, fractions) {
            run_reps(rep, Some(r))?;
        }
    } else if rates.is_empty() {
        run_reps(rep, None)?;
    } else {
        for &r in rates {
            run_reps(rep, Some(r))?;
        }
    }
    Ok(())
}
