//! `latency`: Storm's ThroughputVsLatency. The word count driven at a fixed sentence rate by a
//! paced spout with message ids and acking on; `squall.complete.latency.sample.rate` 1.0 so every
//! tree's complete latency is recorded. Reports complete-latency percentiles from the spout's
//! statistics, whether the rate was held, and, in sweep mode, a curve over fractions of the
//! maximum rate measured first with the same topology unpaced.

use std::time::Duration;

use super::word_count::{self, Pacing, WORDS_PER_SENTENCE};
use super::{Edge, Settings};
use crate::measure::{collector, combine, run_bounded, take};
use crate::report::{Latency, Row};

/// Config key for the fraction of tracked emits timed for complete latency.
const COMPLETE_SAMPLE_RATE: &str = "squall.complete.latency.sample.rate";

/// A rate counts as held when the sinks saw at least this fraction of it.
const HELD: f64 = 0.95;

/// Runs the acked word count once at `rate` sentences/s (`None`: unpaced, to find the maximum).
///
/// # Errors
/// The topology failed; wrong counts are reported in the row's `check`.
pub fn run_at(settings: &Settings, edge: Edge, rate: Option<f64>) -> anyhow::Result<Row> {
    let mut settings = settings.clone();
    settings.acking = true;
    if rate.is_some() {
        // Paced runs bound themselves; a pending limit would only hide a backlog.
        settings.max_pending = None;
    }
    let timings = collector();
    let pacing = Pacing { rate, timings: Some(timings.clone()) };
    let wc = word_count::topology(&settings, edge, pacing)?;
    let mut config = settings.config();
    config.set(COMPLETE_SAMPLE_RATE, 1.0);
    let outcome = run_bounded("latency", &config, wc.topology, settings.timeout)?;
    let steady = combine(&take(&wc.probes), outcome.submitted);
    let emitted = take(&wc.emitted);
    let sentences: u64 = emitted.iter().flatten().sum();

    let mut row = settings.row("latency", "words").param("grouping", edge.name());
    row.params.insert("target_sentences_per_s".into(), rate.map_or(serde_json::Value::Null, Into::into));
    row = row.measured(steady.received, steady.rate, &outcome, "spout");
    let achieved = steady.rate / WORDS_PER_SENTENCE as f64;
    row.set("sentences_per_s", achieved);
    if let Some(r) = rate {
        row.set("rate_held", achieved >= HELD * r);
        row.set("achieved_fraction", achieved / r);
    }
    let mut spout_side = word_count::new_histogram();
    for h in take(&timings) {
        spout_side.add(&h).map_err(|e| anyhow::anyhow!("merging latency histograms: {e}"))?;
    }
    if !spout_side.is_empty() {
        row.set("spout_side_after_warmup", serde_json::to_value(Latency::from_us(&spout_side))?);
    }
    row.check = if steady.received != sentences * WORDS_PER_SENTENCE {
        format!("FAIL {} words counted, {} expected", steady.received, sentences * WORDS_PER_SENTENCE)
    } else if row.latency.as_ref().is_none_or(|l| l.count == 0) {
        "FAIL no complete latency recorded".to_owned()
    } else {
        word_count::check_counts(&emitted, &take(&wc.counts))
    };
    Ok(row)
}

/// The rates a sweep runs at: `fractions` of `max`.
pub fn sweep_rates(max: f64, fractions: &[f64]) -> Vec<f64> {
    fractions.iter().map(|f| (max * f).max(1.0)).collect()
}

/// The default sweep: 10 % to 100 % of the maximum.
pub const DEFAULT_FRACTIONS: [f64; 7] = [0.1, 0.25, 0.5, 0.6, 0.75, 0.9, 1.0];

/// Seconds a latency run lasts by default after its warm-up.
pub const DEFAULT_SECS: Duration = Duration::from_secs(5);
