//! The configuration keys squall knows: names, kinds and typed accessors.

use super::Config;
use crate::Value;

/// The kind of value a known key takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KeyKind {
    /// An integer at least this large.
    Int(i64),
    /// An integer at least this large, or null (unset).
    OptInt(i64),
    /// A number in this closed range.
    Float(f64, f64),
    /// A number in this closed range, or null (unset).
    OptFloat(f64, f64),
    /// A boolean.
    Bool,
    /// A string.
    Str,
    /// A string or null.
    OptStr,
}

impl KeyKind {
    pub(super) fn check(self, v: &Value) -> Result<(), String> {
        match (self, v) {
            (KeyKind::OptInt(_) | KeyKind::OptStr | KeyKind::OptFloat(..), Value::Null) => Ok(()),
            (KeyKind::Int(min) | KeyKind::OptInt(min), Value::I64(n)) if *n >= min => Ok(()),
            (KeyKind::Int(min) | KeyKind::OptInt(min), Value::I64(n)) => {
                Err(format!("must be at least {min}, got {n}"))
            }
            (KeyKind::Float(lo, hi) | KeyKind::OptFloat(lo, hi), v)
                if v.as_f64().is_some_and(|f| (lo..=hi).contains(&f)) =>
            {
                Ok(())
            }
            (KeyKind::Float(lo, hi) | KeyKind::OptFloat(lo, hi), v) if v.as_f64().is_some() => {
                Err(format!("must be between {lo} and {hi}, got {v}"))
            }
            (KeyKind::Bool, Value::Bool(_)) | (KeyKind::Str | KeyKind::OptStr, Value::Str(_)) => Ok(()),
            (kind, v) => Err(format!("expected {}, got {} ({v})", kind.describe(), v.kind())),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            KeyKind::Int(_) => "an integer",
            KeyKind::OptInt(_) => "an integer or null",
            KeyKind::Float(..) => "a number",
            KeyKind::OptFloat(..) => "a number or null",
            KeyKind::Bool => "true or false",
            KeyKind::Str => "a string",
            KeyKind::OptStr => "a string or null",
        }
    }
}

macro_rules! keys {
    ($($(#[$doc:meta])* $konst:ident = $name:literal : $kind:expr;)*) => {
        $( $(#[$doc])* pub const $konst: &str = $name; )*
        /// Every key squall knows, with the kind of value it takes.
        pub const KNOWN_KEYS: &[(&str, KeyKind)] = &[$(($name, $kind)),*];
    };
}

keys! {
    /// Name of the topology (set on submission).
    TOPOLOGY_NAME = "topology.name": KeyKind::OptStr;
    /// Worker processes to run the topology on.
    TOPOLOGY_WORKERS = "topology.workers": KeyKind::Int(1);
    /// Acker executors; unset means one per worker, 0 turns tracking off.
    TOPOLOGY_ACKER_EXECUTORS = "topology.acker.executors": KeyKind::OptInt(0);
    /// Tasks per component; unset means the parallelism hint.
    TOPOLOGY_TASKS = "topology.tasks": KeyKind::OptInt(1);
    /// Cap on the tasks and executors of any component.
    TOPOLOGY_MAX_TASK_PARALLELISM = "topology.max.task.parallelism": KeyKind::OptInt(1);
    /// Seconds a tuple tree may take before it is failed.
    TOPOLOGY_MESSAGE_TIMEOUT_SECS = "topology.message.timeout.secs": KeyKind::Int(1);
    /// False turns message timeouts off.
    TOPOLOGY_ENABLE_MESSAGE_TIMEOUTS = "topology.enable.message.timeouts": KeyKind::Bool;
    /// Tracked tuple trees pending per spout task before `next_tuple` stops being called.
    TOPOLOGY_MAX_SPOUT_PENDING = "topology.max.spout.pending": KeyKind::OptInt(1);
    /// Logs every emit, ack and execute at DEBUG.
    TOPOLOGY_DEBUG = "topology.debug": KeyKind::Bool;
    /// Seconds between tick tuples; unset means no ticks.
    TOPOLOGY_TICK_TUPLE_FREQ_SECS = "topology.tick.tuple.freq.secs": KeyKind::OptInt(1);
    /// Fraction of executions whose latency is timed.
    TOPOLOGY_STATS_SAMPLE_RATE = "topology.stats.sample.rate": KeyKind::Float(0.0001, 1.0);
    /// Tuples an executor's receive queue holds.
    TOPOLOGY_EXECUTOR_RECEIVE_BUFFER_SIZE = "topology.executor.receive.buffer.size": KeyKind::Int(2);
    /// Tuples buffered per destination before one hand-off.
    TOPOLOGY_PRODUCER_BATCH_SIZE = "topology.producer.batch.size": KeyKind::Int(1);
    /// Messages a worker's transfer queue holds.
    TOPOLOGY_TRANSFER_BUFFER_SIZE = "topology.transfer.buffer.size": KeyKind::Int(2);
    /// Tuples buffered per remote destination before one hand-off.
    TOPOLOGY_TRANSFER_BATCH_SIZE = "topology.transfer.batch.size": KeyKind::Int(1);
    /// Milliseconds after which a partial batch is flushed; 0 flushes only when the producer idles.
    TOPOLOGY_BATCH_FLUSH_INTERVAL_MILLIS = "topology.batch.flush.interval.millis": KeyKind::Int(0);
    /// Spout loop iterations between receive-queue checks when acking is off.
    TOPOLOGY_SPOUT_RECVQ_SKIPS = "topology.spout.recvq.skips": KeyKind::Int(1);
    /// Idle spout iterations answered by returning at once.
    TOPOLOGY_SPOUT_WAIT_LEVEL1 = "topology.spout.wait.progressive.level1.count": KeyKind::Int(0);
    /// Further idle spout iterations answered by yielding.
    TOPOLOGY_SPOUT_WAIT_LEVEL2 = "topology.spout.wait.progressive.level2.count": KeyKind::Int(0);
    /// Milliseconds an idle spout then sleeps per iteration.
    TOPOLOGY_SPOUT_WAIT_LEVEL3_MS = "topology.spout.wait.progressive.level3.sleep.millis": KeyKind::Int(0);
    /// Empty-queue bolt iterations answered by returning at once.
    TOPOLOGY_BOLT_WAIT_LEVEL1 = "topology.bolt.wait.progressive.level1.count": KeyKind::Int(0);
    /// Further empty-queue bolt iterations answered by yielding.
    TOPOLOGY_BOLT_WAIT_LEVEL2 = "topology.bolt.wait.progressive.level2.count": KeyKind::Int(0);
    /// Milliseconds an idle bolt then waits at most per iteration.
    TOPOLOGY_BOLT_WAIT_LEVEL3_MS = "topology.bolt.wait.progressive.level3.sleep.millis": KeyKind::Int(0);
    /// Blocked-output iterations answered by returning at once.
    TOPOLOGY_BACKPRESSURE_WAIT_LEVEL1 = "topology.backpressure.wait.progressive.level1.count": KeyKind::Int(0);
    /// Further blocked-output iterations answered by yielding.
    TOPOLOGY_BACKPRESSURE_WAIT_LEVEL2 = "topology.backpressure.wait.progressive.level2.count": KeyKind::Int(0);
    /// Milliseconds a blocked executor then waits at most per iteration.
    TOPOLOGY_BACKPRESSURE_WAIT_LEVEL3_MS = "topology.backpressure.wait.progressive.level3.sleep.millis": KeyKind::Int(0);
    /// True: shuffle is plain round-robin over a permutation, not load-aware.
    TOPOLOGY_DISABLE_LOADAWARE_MESSAGING = "topology.disable.loadaware.messaging": KeyKind::Bool;
    /// Average target load above which load-aware shuffle widens its scope.
    TOPOLOGY_LOCALITYAWARE_HIGHER_BOUND = "topology.localityaware.higher.bound": KeyKind::Float(0.0, 1.0);
    /// Average target load below which load-aware shuffle narrows its scope.
    TOPOLOGY_LOCALITYAWARE_LOWER_BOUND = "topology.localityaware.lower.bound": KeyKind::Float(0.0, 1.0);
    /// Seconds of the error-report throttling window.
    TOPOLOGY_ERROR_THROTTLE_INTERVAL_SECS = "topology.error.throttle.interval.secs": KeyKind::Int(1);
    /// Errors reported per executor per throttling window.
    TOPOLOGY_MAX_ERROR_REPORT_PER_INTERVAL = "topology.max.error.report.per.interval": KeyKind::Int(1);
    /// Milliseconds between state checkpoints.
    TOPOLOGY_STATE_CHECKPOINT_INTERVAL_MS = "topology.state.checkpoint.interval.ms": KeyKind::Int(100);
    /// Stateful topologies: the state backend, by Storm's provider class name (unset means
    /// `org.apache.storm.state.InMemoryKeyValueStateProvider`); see `squall-state` for the names it maps.
    TOPOLOGY_STATE_PROVIDER = "topology.state.provider": KeyKind::OptStr;
    /// Stateful topologies: the state backend's settings as a JSON object, e.g.
    /// `{"jedisPoolConfig": {"host": "127.0.0.1", "port": 6379}}` for Redis.
    TOPOLOGY_STATE_PROVIDER_CONFIG = "topology.state.provider.config": KeyKind::OptStr;
    /// Tuples in flight to a shell bolt's subprocess.
    TOPOLOGY_SHELLBOLT_MAX_PENDING = "topology.shellbolt.max.pending": KeyKind::Int(1);
    /// The multilang serializer class.
    TOPOLOGY_MULTILANG_SERIALIZER = "topology.multilang.serializer": KeyKind::Str;
    /// Windowed bolts: the window length as a number of tuples.
    TOPOLOGY_BOLTS_WINDOW_LENGTH_COUNT = "topology.bolts.window.length.count": KeyKind::OptInt(1);
    /// Windowed bolts: the window length in milliseconds (used when no length count is set).
    TOPOLOGY_BOLTS_WINDOW_LENGTH_DURATION_MS = "topology.bolts.window.length.duration.ms": KeyKind::OptInt(1);
    /// Windowed bolts: the window slides after this many tuples.
    TOPOLOGY_BOLTS_SLIDING_INTERVAL_COUNT = "topology.bolts.window.sliding.interval.count": KeyKind::OptInt(1);
    /// Windowed bolts: the window slides every this many milliseconds (used when no slide count is set).
    TOPOLOGY_BOLTS_SLIDING_INTERVAL_DURATION_MS = "topology.bolts.window.sliding.interval.duration.ms": KeyKind::OptInt(1);
    /// Windowed bolts in event time: how far (ms) tuple timestamps may run out of order; unset means 0.
    TOPOLOGY_BOLTS_TUPLE_TIMESTAMP_MAX_LAG_MS = "topology.bolts.tuple.timestamp.max.lag.ms": KeyKind::OptInt(0);
    /// Windowed bolts in event time: milliseconds between watermarks; unset means 1000.
    TOPOLOGY_BOLTS_WATERMARK_EVENT_INTERVAL_MS = "topology.bolts.watermark.event.interval.ms": KeyKind::OptInt(1);
    /// Windowed bolts in event time: the stream late tuples are emitted on (field `late_tuple`).
    TOPOLOGY_BOLTS_LATE_TUPLE_STREAM = "topology.bolts.late.tuple.stream": KeyKind::OptStr;
    /// Seconds without a heartbeat before a worker or subprocess is considered dead.
    SUPERVISOR_WORKER_TIMEOUT_SECS = "supervisor.worker.timeout.secs": KeyKind::Int(1);
    /// Seconds a multilang subprocess may stay silent before it is considered dead; unset means
    /// `supervisor.worker.timeout.secs`.
    TOPOLOGY_SUBPROCESS_TIMEOUT_SECS = "topology.subprocess.timeout.secs": KeyKind::OptInt(1);
    /// squall only: fuse chainable producer/consumer pairs into one thread.
    SQUALL_CHAINING = "squall.chaining": KeyKind::Bool;
    /// squall only: milliseconds between tick tuples, for components that need ticks finer than a
    /// second (window triggers); takes precedence over `topology.tick.tuple.freq.secs` when set.
    SQUALL_TICK_TUPLE_FREQ_MILLIS = "squall.tick.tuple.freq.millis": KeyKind::OptInt(1);
    /// squall only: the fraction of tracked spout emits timed for complete latency (percentiles);
    /// unset means `topology.stats.sample.rate`. Latency benchmarks set 1.0.
    SQUALL_COMPLETE_LATENCY_SAMPLE_RATE = "squall.complete.latency.sample.rate": KeyKind::OptFloat(0.000001, 1.0);
    /// squall only: complete tuple trees that never leave a chained executor without acker
    /// messages (on by default; off sends every init and ack to the acker, as Storm does).
    SQUALL_LOCAL_ACKING = "squall.acking.local": KeyKind::Bool;
    /// squall only: how many times within a minute an executor whose component declared itself
    /// broken (a dead subprocess) is restarted before the topology stops with that error.
    SQUALL_EXECUTOR_RESTARTS_PER_MINUTE = "squall.executor.restarts.per.minute": KeyKind::Int(0);
}

/// Keys a component's own config may override (Storm's executor whitelist).
pub const COMPONENT_KEYS: &[&str] = &[
    TOPOLOGY_DEBUG,
    TOPOLOGY_MAX_SPOUT_PENDING,
    TOPOLOGY_MAX_TASK_PARALLELISM,
    TOPOLOGY_TICK_TUPLE_FREQ_SECS,
    SQUALL_TICK_TUPLE_FREQ_MILLIS,
    TOPOLOGY_TASKS,
    "topology.transactional.id",
    "topology.sleep.spout.wait.strategy.time.ms",
    "topology.spout.wait.strategy",
    TOPOLOGY_STATE_PROVIDER,
    TOPOLOGY_STATE_PROVIDER_CONFIG,
    TOPOLOGY_BOLTS_WINDOW_LENGTH_COUNT,
    TOPOLOGY_BOLTS_WINDOW_LENGTH_DURATION_MS,
    TOPOLOGY_BOLTS_SLIDING_INTERVAL_COUNT,
    TOPOLOGY_BOLTS_SLIDING_INTERVAL_DURATION_MS,
    TOPOLOGY_BOLTS_TUPLE_TIMESTAMP_MAX_LAG_MS,
    TOPOLOGY_BOLTS_WATERMARK_EVENT_INTERVAL_MS,
    TOPOLOGY_BOLTS_LATE_TUPLE_STREAM,
];

/// The kind of a known key, or `None` for a key squall does not know.
pub fn key_kind(key: &str) -> Option<KeyKind> {
    KNOWN_KEYS.iter().find(|(k, _)| *k == key).map(|(_, kind)| *kind)
}

fn non_negative(v: Option<i64>) -> Option<u64> {
    v.and_then(|n| u64::try_from(n).ok())
}

impl Config {
    /// `topology.workers`.
    pub fn workers(&self) -> u64 {
        non_negative(self.get_i64(TOPOLOGY_WORKERS)).unwrap_or(1).max(1)
    }
    /// Sets `topology.workers`.
    pub fn set_workers(&mut self, n: u64) -> &mut Self {
        self.set(TOPOLOGY_WORKERS, i64::try_from(n).unwrap_or(i64::MAX))
    }
    /// `topology.acker.executors`, with unset meaning one per worker.
    pub fn acker_executors(&self) -> u64 {
        non_negative(self.get_i64(TOPOLOGY_ACKER_EXECUTORS)).unwrap_or_else(|| self.workers())
    }
    /// Sets `topology.acker.executors` (0 turns tracking off).
    pub fn set_acker_executors(&mut self, n: u64) -> &mut Self {
        self.set(TOPOLOGY_ACKER_EXECUTORS, i64::try_from(n).unwrap_or(i64::MAX))
    }
    /// `topology.message.timeout.secs`.
    pub fn message_timeout_secs(&self) -> u64 {
        non_negative(self.get_i64(TOPOLOGY_MESSAGE_TIMEOUT_SECS)).unwrap_or(30).max(1)
    }
    /// Sets `topology.message.timeout.secs`.
    pub fn set_message_timeout_secs(&mut self, secs: u64) -> &mut Self {
        self.set(TOPOLOGY_MESSAGE_TIMEOUT_SECS, i64::try_from(secs).unwrap_or(i64::MAX))
    }
    /// `topology.enable.message.timeouts`.
    pub fn message_timeouts_enabled(&self) -> bool {
        self.get_bool(TOPOLOGY_ENABLE_MESSAGE_TIMEOUTS).unwrap_or(true)
    }
    /// `topology.max.spout.pending`, if set.
    pub fn max_spout_pending(&self) -> Option<u64> {
        non_negative(self.get_i64(TOPOLOGY_MAX_SPOUT_PENDING))
    }
    /// Sets `topology.max.spout.pending`.
    pub fn set_max_spout_pending(&mut self, n: u64) -> &mut Self {
        self.set(TOPOLOGY_MAX_SPOUT_PENDING, i64::try_from(n).unwrap_or(i64::MAX))
    }
    /// `topology.debug`.
    pub fn debug(&self) -> bool {
        self.get_bool(TOPOLOGY_DEBUG).unwrap_or(false)
    }
    /// Sets `topology.debug`.
    pub fn set_debug(&mut self, on: bool) -> &mut Self {
        self.set(TOPOLOGY_DEBUG, on)
    }
    /// `topology.tick.tuple.freq.secs`, if set.
    pub fn tick_tuple_freq_secs(&self) -> Option<u64> {
        non_negative(self.get_i64(TOPOLOGY_TICK_TUPLE_FREQ_SECS)).filter(|s| *s > 0)
    }
    /// Sets `topology.tick.tuple.freq.secs`.
    pub fn set_tick_tuple_freq_secs(&mut self, secs: u64) -> &mut Self {
        self.set(TOPOLOGY_TICK_TUPLE_FREQ_SECS, i64::try_from(secs).unwrap_or(i64::MAX))
    }
    /// The tick period in milliseconds: `squall.tick.tuple.freq.millis` if set, else
    /// `topology.tick.tuple.freq.secs` × 1000; `None` when the component does not tick.
    pub fn tick_period_millis(&self) -> Option<u64> {
        non_negative(self.get_i64(SQUALL_TICK_TUPLE_FREQ_MILLIS))
            .filter(|ms| *ms > 0)
            .or_else(|| self.tick_tuple_freq_secs().map(|s| s.saturating_mul(1000)))
    }
    /// Sets `squall.tick.tuple.freq.millis`.
    pub fn set_tick_period_millis(&mut self, ms: u64) -> &mut Self {
        self.set(SQUALL_TICK_TUPLE_FREQ_MILLIS, i64::try_from(ms).unwrap_or(i64::MAX))
    }
    /// `squall.executor.restarts.per.minute`.
    pub fn executor_restarts_per_minute(&self) -> u64 {
        non_negative(self.get_i64(SQUALL_EXECUTOR_RESTARTS_PER_MINUTE)).unwrap_or(3)
    }
    /// `topology.tasks`, if set.
    pub fn tasks(&self) -> Option<u64> {
        non_negative(self.get_i64(TOPOLOGY_TASKS)).filter(|n| *n > 0)
    }
    /// `topology.max.task.parallelism`, if set.
    pub fn max_task_parallelism(&self) -> Option<u64> {
        non_negative(self.get_i64(TOPOLOGY_MAX_TASK_PARALLELISM)).filter(|n| *n > 0)
    }
    /// `topology.stats.sample.rate`.
    pub fn stats_sample_rate(&self) -> f64 {
        self.get_f64(TOPOLOGY_STATS_SAMPLE_RATE).unwrap_or(0.05).clamp(0.0001, 1.0)
    }
    /// `topology.executor.receive.buffer.size`.
    pub fn receive_buffer_size(&self) -> usize {
        self.usize_or(TOPOLOGY_EXECUTOR_RECEIVE_BUFFER_SIZE, 32768).max(2)
    }
    /// `topology.producer.batch.size`.
    pub fn producer_batch_size(&self) -> usize {
        self.usize_or(TOPOLOGY_PRODUCER_BATCH_SIZE, 256).max(1)
    }
    /// Sets `topology.producer.batch.size`.
    pub fn set_producer_batch_size(&mut self, n: usize) -> &mut Self {
        self.set(TOPOLOGY_PRODUCER_BATCH_SIZE, i64::try_from(n).unwrap_or(i64::MAX))
    }
    /// `topology.batch.flush.interval.millis`.
    pub fn batch_flush_interval_millis(&self) -> u64 {
        non_negative(self.get_i64(TOPOLOGY_BATCH_FLUSH_INTERVAL_MILLIS)).unwrap_or(1)
    }
    /// `topology.disable.loadaware.messaging`.
    pub fn loadaware_messaging_disabled(&self) -> bool {
        self.get_bool(TOPOLOGY_DISABLE_LOADAWARE_MESSAGING).unwrap_or(false)
    }
    /// `squall.acking.local`.
    pub fn local_acking(&self) -> bool {
        self.get_bool(SQUALL_LOCAL_ACKING).unwrap_or(true)
    }
    /// `squall.chaining`.
    pub fn chaining(&self) -> bool {
        self.get_bool(SQUALL_CHAINING).unwrap_or(true)
    }
    /// Sets `squall.chaining`.
    pub fn set_chaining(&mut self, on: bool) -> &mut Self {
        self.set(SQUALL_CHAINING, on)
    }
    /// `topology.name`, if set.
    pub fn topology_name(&self) -> Option<&str> {
        self.get_str(TOPOLOGY_NAME)
    }
    /// The three levels of a progressive wait strategy: `prefix` is `spout`, `bolt` or `backpressure`.
    pub fn wait_levels(&self, prefix: &str) -> (u64, u64, u64) {
        let get = |level: &str, default: u64| {
            non_negative(self.get_i64(&format!("topology.{prefix}.wait.progressive.{level}")))
                .unwrap_or(default)
        };
        (get("level1.count", 1), get("level2.count", 1000), get("level3.sleep.millis", 1))
    }
    /// `topology.error.throttle.interval.secs` and `topology.max.error.report.per.interval`.
    pub fn error_throttle(&self) -> (u64, u64) {
        (
            non_negative(self.get_i64(TOPOLOGY_ERROR_THROTTLE_INTERVAL_SECS)).unwrap_or(10).max(1),
            non_negative(self.get_i64(TOPOLOGY_MAX_ERROR_REPORT_PER_INTERVAL)).unwrap_or(5),
        )
    }

    fn usize_or(&self, key: &str, default: usize) -> usize {
        non_negative(self.get_i64(key)).and_then(|n| usize::try_from(n).ok()).unwrap_or(default)
    }
}
