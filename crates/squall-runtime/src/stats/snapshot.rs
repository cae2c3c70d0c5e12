//! Published statistics: per task, per component and for the whole topology.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Percentiles of a latency distribution, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    /// Number of measurements.
    pub count: u64,
    /// Mean.
    pub mean_ms: f64,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// 99.9th percentile.
    pub p999_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

impl LatencySummary {
    /// Summarises a histogram of microseconds.
    pub fn from_histogram_us(h: &hdrhistogram::Histogram<u64>) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        Self {
            count: h.len(),
            mean_ms: h.mean() / 1000.0,
            p50_ms: ms(h.value_at_quantile(0.5)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p999_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
        }
    }
}

/// An error a component reported (through `report_error`, a panic or a fatal failure).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportedError {
    /// Milliseconds since the Unix epoch, by the topology's clock.
    pub time_ms: u64,
    /// The task that reported it.
    pub task: i32,
    /// The message.
    pub message: String,
}

/// The statistics of one task.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TaskStats {
    /// Its component.
    pub component: String,
    /// Its task id.
    pub task: i32,
    /// The executor running it (index in the plan).
    pub executor: usize,
    /// Tuples emitted, per output stream.
    pub emitted: BTreeMap<String, u64>,
    /// Copies sent to consumer tasks, per output stream.
    pub transferred: BTreeMap<String, u64>,
    /// Tuples executed, per input `component:stream`.
    pub executed: BTreeMap<String, u64>,
    /// Bolts: inputs acked per input `component:stream`; spouts: trees completed per stream.
    pub acked: BTreeMap<String, u64>,
    /// Bolts: inputs failed per input; spouts: trees failed or timed out per stream.
    pub failed: BTreeMap<String, u64>,
    /// Mean sampled execute latency, ms.
    pub execute_latency_ms: f64,
    /// Mean sampled process latency (start of execute to ack), ms.
    pub process_latency_ms: f64,
    /// Spouts: complete latency percentiles.
    pub complete_latency: Option<LatencySummary>,
    /// Fraction of the last 10 minutes (or the uptime, if shorter) spent executing.
    pub capacity: f64,
    /// Tuple trees of this spout task awaiting completion.
    pub pending: u64,
    /// The latest errors this task reported (at most 10).
    pub errors: Vec<ReportedError>,
}

/// The statistics of one component: its tasks' sums, latency means weighted by samples, the
/// maximum capacity over its executors.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ComponentStats {
    /// Its id.
    pub component: String,
    /// "spout", "bolt" or "acker".
    pub kind: String,
    /// Number of tasks.
    pub tasks: usize,
    /// Number of executors running its tasks.
    pub executors: usize,
    /// Σ emitted.
    pub emitted: u64,
    /// Σ transferred.
    pub transferred: u64,
    /// Σ executed.
    pub executed: u64,
    /// Σ acked.
    pub acked: u64,
    /// Σ failed.
    pub failed: u64,
    /// Mean execute latency, ms.
    pub execute_latency_ms: f64,
    /// Mean process latency, ms.
    pub process_latency_ms: f64,
    /// Spouts: complete latency over all tasks.
    pub complete_latency: Option<LatencySummary>,
    /// Largest capacity of an executor running its tasks.
    pub capacity: f64,
    /// Latest errors of its tasks.
    pub errors: Vec<ReportedError>,
}

/// The queues of one executor.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ExecutorStats {
    /// The executor's index in the plan.
    pub executor: usize,
    /// Its tasks.
    pub tasks: Vec<i32>,
    /// Batches waiting in its receive queue now.
    pub queued_batches: usize,
    /// The receive queue's capacity in batches.
    pub queue_capacity_batches: usize,
    /// Tuples waiting in its overflow (blocked output) when it last published.
    pub overflow_tuples: u64,
    /// The most tuples ever seen waiting in its overflow.
    pub max_overflow_tuples: u64,
}

/// Statistics of a whole topology.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TopologyStats {
    /// The topology's name.
    pub topology: String,
    /// Seconds since it started.
    pub uptime_secs: f64,
    /// Per component, by id.
    pub components: Vec<ComponentStats>,
    /// Per task, by task id.
    pub tasks: Vec<TaskStats>,
    /// Per executor: queue lengths.
    pub executors: Vec<ExecutorStats>,
}

impl TopologyStats {
    /// The statistics of `component`.
    pub fn component(&self, component: &str) -> Option<&ComponentStats> {
        self.components.iter().find(|c| c.component == component)
    }

    /// The statistics of `task`.
    pub fn task(&self, task: i32) -> Option<&TaskStats> {
        self.tasks.iter().find(|t| t.task == task)
    }

    /// A fixed-width table, one row per component, as `squall local` prints at the end of a run.
    pub fn table(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<20} {:>5} {:>12} {:>12} {:>12} {:>10} {:>8} {:>9} {:>9} {:>9} {:>8}",
            "component",
            "tasks",
            "emitted",
            "transferred",
            "executed",
            "acked",
            "failed",
            "exec ms",
            "proc ms",
            "compl ms",
            "capacity"
        );
        for c in &self.components {
            let complete =
                c.complete_latency.as_ref().map_or("-".to_owned(), |l| format!("{:.3}", l.mean_ms));
            let _ = writeln!(
                out,
                "{:<20} {:>5} {:>12} {:>12} {:>12} {:>10} {:>8} {:>9.3} {:>9.3} {:>9} {:>8.3}",
                c.component,
                c.tasks,
                c.emitted,
                c.transferred,
                c.executed,
                c.acked,
                c.failed,
                c.execute_latency_ms,
                c.process_latency_ms,
                complete,
                c.capacity
            );
        }
        out
    }
}
