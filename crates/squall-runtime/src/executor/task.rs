//! A task inside an executor: the user's instance and the runtime state that goes with it.

use std::time::Instant;

use squall_api::{
    Bolt, ComponentError, Spout, StreamId, StreamSchema, TaskId, TopologyContext, Value, Values,
};

use crate::acker::{Acker, IdMap, PendingRoots};
use crate::routing::{Grouper, Targets};
use crate::stats::{CapacityWindow, ReportedError, TaskCounters};

/// The component instance a task runs.
pub(crate) enum Instance {
    /// A spout.
    Spout(Box<dyn Spout>),
    /// A bolt.
    Bolt(Box<dyn Bolt>),
    /// The system acker.
    Acker(Acker),
    /// Nothing: the instance failed and awaits a restart (or the topology stops).
    Broken,
}

/// A tracked spout emit awaiting its tree's completion.
pub(crate) struct PendingTuple {
    /// The user's message id.
    pub msg_id: Value,
    /// The output stream (index into the task's outputs).
    pub stream: usize,
    /// When it was emitted, for the trees sampled for complete latency.
    pub emitted: Option<Instant>,
}

/// One output stream of a task, with the groupers of its consumers.
pub(crate) struct OutStream {
    /// The stream id.
    pub name: StreamId,
    /// Its topology-wide index.
    pub index: usize,
    /// Its interned schema.
    pub schema: &'static StreamSchema,
    /// True for a direct stream.
    pub direct: bool,
    /// One grouper per consumer component with a regular grouping.
    pub groupers: Vec<Grouper>,
    /// The single task every emit goes to, when the stream has one consumer whose grouper can only
    /// pick that task (a chained consumer, a single-task consumer): emits skip the grouper.
    pub fixed: Option<TaskId>,
    /// Every consumer component (plan index) and whether it subscribes with direct grouping.
    pub consumers: Vec<(usize, bool)>,
}

/// Throttling of reported errors (`topology.max.error.report.per.interval` per
/// `topology.error.throttle.interval.secs`).
pub(crate) struct ErrorThrottle {
    pub window_start_ms: u64,
    pub in_window: u64,
    pub interval_ms: u64,
    pub max_per_interval: u64,
}

/// The runtime state of one task.
pub(crate) struct TaskCore {
    pub task: TaskId,
    pub component: usize,
    pub context: TopologyContext,
    pub outputs: Vec<OutStream>,
    /// Input schemas, for per-input statistics; ticks are counted after the last one.
    pub inputs: Vec<&'static StreamSchema>,
    /// Targets of the latest emit.
    pub targets: Targets,
    /// The (pointer, length) of the stream name last emitted on, and its output index.
    pub last_stream: ((usize, usize), usize),
    pub counters: TaskCounters,
    pub rng: fastrand::Rng,
    pub pending: PendingRoots<PendingTuple>,
    pub max_pending: usize,
    pub emitted_in_call: u32,
    /// Spout message ids to ack once `next_tuple` returns (reliability off: Storm acks at emit).
    pub unreliable_acks: Vec<Value>,
    /// Trees that completed (true) or failed (false) inside this executor during `next_tuple`.
    pub local_results: Vec<(PendingTuple, bool)>,
    /// Process-latency samples in flight: first anchor edge → execute start.
    pub sampled: IdMap<Instant>,
    pub sample_countdown: u32,
    /// Countdown to the next tracked emit sampled for complete latency.
    pub complete_countdown: u32,
    pub debug: bool,
    pub fatal: Option<ComponentError>,
    pub errors: Vec<ReportedError>,
    pub throttle: ErrorThrottle,
    pub started: bool,
    pub active: bool,
    pub finished: bool,
    pub capture: Option<Vec<(usize, Values)>>,
    pub capacity: CapacityWindow,
    pub tick_period_ms: Option<u64>,
}

impl TaskCore {
    /// The index of output stream `name`.
    #[inline]
    pub fn output_index(&mut self, name: &str) -> Option<usize> {
        // Components name streams with string constants: the same pointer as last time is the
        // same stream, without comparing bytes.
        let key = (name.as_ptr() as usize, name.len());
        if key == self.last_stream.0 {
            return Some(self.last_stream.1);
        }
        let index = self.outputs.iter().position(|o| o.name == name)?;
        self.last_stream = (key, index);
        Some(index)
    }

    /// The input index of a tuple with `schema` (ticks and unknown sources map to the last slot).
    #[inline]
    pub fn input_index(&self, schema: &'static StreamSchema) -> usize {
        self.inputs.iter().position(|s| std::ptr::eq(*s, schema)).unwrap_or(self.inputs.len())
    }

    /// Records an error report, throttled.
    pub fn report(&mut self, now_ms: u64, message: String) {
        let t = &mut self.throttle;
        if now_ms.saturating_sub(t.window_start_ms) >= t.interval_ms {
            t.window_start_ms = now_ms;
            t.in_window = 0;
        }
        if t.in_window >= t.max_per_interval {
            return;
        }
        t.in_window += 1;
        tracing::warn!(component = %self.context.this_component_id(), task = self.task.0, "{message}");
        if self.errors.len() >= 10 {
            self.errors.remove(0);
        }
        self.errors.push(ReportedError { time_ms: now_ms, task: self.task.0, message });
    }
}

/// A task: its runtime state and its instance.
pub(crate) struct TaskSlot {
    pub core: TaskCore,
    pub instance: Instance,
}
