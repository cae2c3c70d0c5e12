//! `smoke`: every workload with small counts and its correctness checks, fast enough for CI in a
//! debug build. It asserts correctness only, never speed.

use std::time::Duration;

use crate::report::Reporter;
use crate::workloads::raw_queue::{self, Queue};
use crate::workloads::ysb::{self, Shape};
use crate::workloads::{Edge, Limit, Settings, const_null, startup, word_count};

fn settings(p: u32, acking: bool, chaining: bool, records: u64) -> Settings {
    Settings {
        parallelism: p,
        acking,
        chaining,
        batch_size: None,
        max_pending: Some(1000),
        limit: Limit::Records(records),
        warmup: Duration::ZERO,
        timeout: Duration::from_secs(30),
        extra: Vec::new(),
    }
}

/// Runs the smoke suite, reporting into `rep`; the caller fails on any failed check.
///
/// # Errors
/// A workload could not run, or a file could not be written.
pub fn run(rep: &mut Reporter) -> anyhow::Result<()> {
    for p in [1, 2] {
        for edge in [Edge::Shuffle, Edge::LocalOrShuffle] {
            for acking in [false, true] {
                for chaining in [true, false] {
                    rep.emit_reps(vec![const_null::run(&settings(p, acking, chaining, 20_000), edge, 0)?])?;
                }
            }
        }
        rep.emit_reps(vec![const_null::run(&settings(p, true, false, 10_000), Edge::Shuffle, 1)?])?;
        for edge in [Edge::LocalOrShuffle, Edge::Shuffle] {
            for acking in [false, true] {
                rep.emit_reps(vec![word_count::run(&settings(p, acking, true, 5_000), edge)?])?;
            }
        }
        let shape = Shape { events_per_event_second: 200, ..Shape::default() };
        rep.emit_reps(vec![ysb::run(&settings(p, false, true, 6_000), Edge::LocalOrShuffle, &shape)?])?;
    }
    // Small batches and a timed run.
    let mut s = settings(1, false, false, 0);
    s.batch_size = Some(7);
    s.limit = Limit::Duration(Duration::from_millis(200));
    rep.emit_reps(vec![const_null::run(&s, Edge::Shuffle, 0)?])?;
    // A short latency sweep with its plot.
    let mut lat = settings(1, true, true, 0);
    lat.limit = Limit::Duration(Duration::from_millis(400));
    lat.warmup = Duration::from_millis(100);
    crate::cli::latency_runs(rep, &lat, Edge::LocalOrShuffle, &[], true, &[0.25, 0.5], None, 1)?;
    for q in Queue::ALL {
        rep.emit_reps(vec![raw_queue::run(q, 200_000, 256)])?;
    }
    rep.emit_reps(vec![startup::memory_at_rest(1)?])?;
    rep.emit_reps(vec![startup::startup(3)?])?;

    // The plot and the summary from what was just measured.
    let dir = std::env::temp_dir().join(format!("squall-bench-smoke-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let points = crate::plot::points(&rep.rows);
    crate::plot::latency_curve(&points, "smoke", &dir.join("latency.svg"))?;
    let results = dir.join("results.jsonl");
    let lines: Vec<String> = rep.rows.iter().map(serde_json::to_string).collect::<Result<_, _>>()?;
    std::fs::write(&results, lines.join("\n"))?;
    let summary = crate::summary::summarize(&results)?;
    anyhow::ensure!(
        summary.contains("| const-null | shuffle |") && summary.contains("| word-count | local-or-shuffle |"),
        "the summary lost the const-null or word-count rows:\n{summary}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let failed = rep.failures().len();
    println!("smoke: {} results, {} failed checks", rep.rows.len(), failed);
    Ok(())
}
