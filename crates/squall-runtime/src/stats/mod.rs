//! Statistics as Storm defines them (`storm-model.md` §9): per task and component, emitted,
//! transferred, executed, acked, failed, execute/process/complete latency and capacity.
//!
//! Executors count into plain per-task [`TaskCounters`] on their own thread (no atomics on the tuple
//! path) and publish a [`TaskStats`] snapshot about once a second and when they stop; the
//! [`TopologyStats`] a caller reads is the latest snapshot of every task, aggregated per component.
//!
//! Deliberate differences from Storm: counts are exact (Storm samples 5% of events and scales);
//! latencies are means over the events sampled at `topology.stats.sample.rate`, as in Storm;
//! complete latency is measured by the spout from emit to the acker's answer and also kept as a
//! histogram for percentiles; statistics cover the whole run (Storm also keeps 10-minute, 3-hour and
//! 1-day windows), except capacity, which uses Storm's 10-minute window.

mod aggregate;
mod counters;
mod snapshot;

pub use counters::{CapacityWindow, TaskCounters};
pub use snapshot::{ComponentStats, ExecutorStats, LatencySummary, ReportedError, TaskStats, TopologyStats};

/// Metric names, as Storm's UI and metrics use them.
pub mod names {
    /// Tuples emitted.
    pub const EMITTED: &str = "emitted";
    /// Tuple copies sent to consumer tasks.
    pub const TRANSFERRED: &str = "transferred";
    /// Tuples given to `execute`.
    pub const EXECUTED: &str = "executed";
    /// Inputs acked (bolts) or trees completed (spouts).
    pub const ACKED: &str = "acked";
    /// Inputs failed (bolts) or trees failed or timed out (spouts).
    pub const FAILED: &str = "failed";
    /// Mean milliseconds inside `execute`.
    pub const EXECUTE_LATENCY: &str = "execute_latency_ms";
    /// Mean milliseconds from the start of `execute` to the ack.
    pub const PROCESS_LATENCY: &str = "process_latency_ms";
    /// Mean milliseconds from a spout's emit to the completion of its tree.
    pub const COMPLETE_LATENCY: &str = "complete_latency_ms";
    /// Fraction of the last 10 minutes spent executing.
    pub const CAPACITY: &str = "capacity";
}
