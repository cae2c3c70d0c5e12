//! Results: one [`Row`] per run, printed as a line of a human table and as one JSON line, and the
//! median over repetitions.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value as Json;
use squall::stats::LatencySummary;

use crate::measure::median;

/// Latency percentiles, milliseconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Latency {
    /// Samples.
    pub count: u64,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// 99.9th percentile.
    pub p999_ms: f64,
    /// Largest.
    pub max_ms: f64,
    /// Mean.
    pub mean_ms: f64,
}

impl From<&LatencySummary> for Latency {
    fn from(l: &LatencySummary) -> Self {
        Self {
            count: l.count,
            p50_ms: l.p50_ms,
            p99_ms: l.p99_ms,
            p999_ms: l.p999_ms,
            max_ms: l.max_ms,
            mean_ms: l.mean_ms,
        }
    }
}

impl Latency {
    /// Percentiles of a histogram of microseconds.
    pub fn from_us(h: &hdrhistogram::Histogram<u64>) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        Self {
            count: h.len(),
            p50_ms: ms(h.value_at_quantile(0.5)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p999_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
            mean_ms: h.mean() / 1000.0,
        }
    }
}

/// One result.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The workload's name (`const-null`, `word-count`, …).
    pub workload: String,
    /// Its parameters (parallelism, grouping, acking, chaining, batch size, …).
    #[serde(flatten)]
    pub params: BTreeMap<String, Json>,
    /// Repetition number from 1, or `None` on the median row.
    pub rep: Option<u32>,
    /// True on the row that stands for all repetitions (the median by throughput).
    pub summary: bool,
    /// What is counted: `tuples`, `words`, `events`, `records`.
    pub unit: String,
    /// Units per second over the steady span (first to last record at the sinks, after warm-up).
    pub tuples_per_s: f64,
    /// Units per second of the whole run, submit to stop.
    pub wall_per_s: f64,
    /// Units counted.
    pub count: u64,
    /// Submit to stop, seconds.
    pub wall_s: f64,
    /// User plus system CPU seconds of the process during the run.
    pub cpu_s: f64,
    /// Units per CPU second.
    pub per_cpu_s: f64,
    /// Peak resident memory during the run (VmHWM), MiB.
    pub peak_rss_mib: f64,
    /// Latency percentiles where meaningful (complete latency with acking on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
    /// Correctness check: `ok`, or what failed.
    pub check: String,
    /// Anything else worth keeping.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Json>,
}

impl Row {
    /// Fills in what every topology run measures: `count` records at a steady `rate` (records/s),
    /// the run's wall time, CPU, peak memory, and the complete latency of component `spout` if it
    /// tracked any tree.
    pub fn measured(mut self, count: u64, rate: f64, outcome: &crate::measure::Outcome, spout: &str) -> Self {
        self.count = count;
        self.tuples_per_s = rate;
        self.wall_s = outcome.wall.as_secs_f64();
        self.wall_per_s = count as f64 / self.wall_s;
        self.cpu_s = outcome.cpu_s;
        self.per_cpu_s = if outcome.cpu_s > 0.0 { count as f64 / outcome.cpu_s } else { 0.0 };
        self.peak_rss_mib = outcome.peak_rss_mib;
        self.latency = outcome
            .stats
            .component(spout)
            .and_then(|c| c.complete_latency.as_ref())
            .filter(|l| l.count > 0)
            .map(Latency::from);
        self
    }

    /// A row for `workload` with nothing measured yet.
    pub fn new(workload: &str, unit: &str) -> Self {
        Self {
            workload: workload.to_owned(),
            params: BTreeMap::new(),
            rep: None,
            summary: false,
            unit: unit.to_owned(),
            tuples_per_s: 0.0,
            wall_per_s: 0.0,
            count: 0,
            wall_s: 0.0,
            cpu_s: 0.0,
            per_cpu_s: 0.0,
            peak_rss_mib: 0.0,
            latency: None,
            check: "ok".to_owned(),
            extra: BTreeMap::new(),
        }
    }

    /// Adds a parameter.
    pub fn param(mut self, key: &str, value: impl Into<Json>) -> Self {
        self.params.insert(key.to_owned(), value.into());
        self
    }

    /// Adds an extra field.
    pub fn set(&mut self, key: &str, value: impl Into<Json>) {
        self.extra.insert(key.to_owned(), value.into());
    }

    /// A row read back from its JSON line, enough to plot it: the named fields, the latency, and
    /// every other key as a parameter (a JSON line does not say which keys were parameters).
    pub fn from_json(v: &Json) -> Option<Self> {
        let m = v.as_object()?;
        let mut row =
            Row::new(m.get("workload")?.as_str()?, m.get("unit").and_then(Json::as_str).unwrap_or(""));
        row.summary = m.get("summary").and_then(Json::as_bool).unwrap_or(false);
        row.tuples_per_s = m.get("tuples_per_s").and_then(Json::as_f64).unwrap_or(0.0);
        if let Some(l) = m.get("latency") {
            let g = |k: &str| l.get(k).and_then(Json::as_f64).unwrap_or(0.0);
            row.latency = Some(Latency {
                count: l.get("count").and_then(Json::as_u64).unwrap_or(0),
                p50_ms: g("p50_ms"),
                p99_ms: g("p99_ms"),
                p999_ms: g("p999_ms"),
                max_ms: g("max_ms"),
                mean_ms: g("mean_ms"),
            });
        }
        for (k, v) in m {
            if !matches!(k.as_str(), "workload" | "unit" | "summary" | "tuples_per_s" | "latency") {
                row.params.insert(k.clone(), v.clone());
            }
        }
        Some(row)
    }

    /// The parameters as `k=v` words, for the table.
    pub fn label(&self) -> String {
        self.params
            .iter()
            .map(|(k, v)| match v {
                Json::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Prints rows and appends their JSON lines to a file if asked.
pub struct Reporter {
    out: Option<PathBuf>,
    header_printed: bool,
    /// Every row reported so far (the smoke run and the sweep look at them).
    pub rows: Vec<Row>,
}

impl Reporter {
    /// Prints to stdout, and appends JSON lines to `out` if given.
    pub fn new(out: Option<PathBuf>) -> Self {
        Self { out, header_printed: false, rows: Vec::new() }
    }

    /// Prints one row: a table line, then its JSON line.
    ///
    /// # Errors
    /// The JSON file cannot be written.
    pub fn emit(&mut self, mut row: Row) -> anyhow::Result<()> {
        row.extra.entry("load1".to_owned()).or_insert_with(|| crate::measure::load1().into());
        let mut stdout = std::io::stdout().lock();
        if !self.header_printed {
            writeln!(
                stdout,
                "{:<14} {:>5} {:>14} {:>7} {:>8} {:>9} {:>9} {:>9}  {:<6} params",
                "workload", "rep", "rate/s", "unit", "cpu s", "rss MiB", "p50 ms", "p99 ms", "check"
            )?;
            self.header_printed = true;
        }
        let (p50, p99) = row
            .latency
            .as_ref()
            .map_or(("-".into(), "-".into()), |l| (format!("{:.3}", l.p50_ms), format!("{:.3}", l.p99_ms)));
        let rep = row.rep.map_or("med".to_owned(), |r| r.to_string());
        writeln!(
            stdout,
            "{:<14} {:>5} {:>14.0} {:>7} {:>8.2} {:>9.1} {:>9} {:>9}  {:<6} {}",
            row.workload,
            rep,
            row.tuples_per_s,
            row.unit,
            row.cpu_s,
            row.peak_rss_mib,
            p50,
            p99,
            if row.check == "ok" { "ok" } else { "FAIL" },
            row.label()
        )?;
        let json = serde_json::to_string(&row)?;
        writeln!(stdout, "{json}")?;
        if let Some(path) = &self.out {
            let mut f = OpenOptions::new().create(true).append(true).open(path)?;
            writeln!(f, "{json}")?;
        }
        self.rows.push(row);
        Ok(())
    }

    /// Reports each repetition, then (for more than one) the median row: the repetition with the
    /// median throughput, marked `summary`, with the min and max throughput over all of them.
    ///
    /// # Errors
    /// The JSON file cannot be written.
    pub fn emit_reps(&mut self, mut reps: Vec<Row>) -> anyhow::Result<()> {
        let n = reps.len();
        for (i, r) in reps.iter_mut().enumerate() {
            r.rep = Some(i as u32 + 1);
            r.summary = n == 1;
            self.emit(r.clone())?;
        }
        if n > 1 {
            // The median of the repetitions that ran correctly; a failed one only marks the row.
            let good: Vec<&Row> = reps.iter().filter(|r| r.check == "ok").collect();
            let rates: Vec<f64> = good.iter().map(|r| r.tuples_per_s).collect();
            let med = median(&rates);
            let mut row = good
                .iter()
                .find(|r| r.tuples_per_s == med)
                .map(|r| (*r).clone())
                .unwrap_or_else(|| reps[0].clone());
            row.rep = None;
            row.summary = true;
            row.set("reps", n as u64);
            row.set("reps_ok", good.len() as u64);
            row.set("tuples_per_s_min", rates.iter().copied().fold(f64::INFINITY, f64::min));
            row.set("tuples_per_s_max", rates.iter().copied().fold(0.0, f64::max));
            if let Some(bad) = reps.iter().find(|r| r.check != "ok") {
                row.check.clone_from(&bad.check);
            }
            self.emit(row)?;
        }
        Ok(())
    }

    /// Every failed check so far, with its workload and parameters.
    pub fn failures(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| r.check != "ok")
            .map(|r| format!("{} [{}]: {}", r.workload, r.label(), r.check))
            .collect()
    }
}
