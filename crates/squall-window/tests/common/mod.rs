//! Test doubles: a simulated clock, a recording `BoltOutput`, a hand-made context, and a harness
//! that drives a `Windowed` bolt with them.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use squall_api::config::COMPONENT_KEYS;
use squall_api::{
    Bolt, BoltCollector, BoltOutput, Clock, ComponentError, ComponentId, ComponentInfo, Config, Fields,
    GlobalStreamId, Grouping, MessageId, OutputDeclarer, StreamDeclaration, StreamSchema, Subscription,
    TaskId, TopologyContext, TopologyInfo, Tuple, Value, values,
};
use squall_window::{Window, WindowCollector, WindowOptions, Windowed, WindowedBolt, windowed};

/// A clock that moves only when the test sets it.
#[derive(Default)]
pub struct TestClock(AtomicU64);

impl TestClock {
    pub fn set(&self, ms: u64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_millis(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
    fn wait_until(&self, _deadline_ms: u64, _max_wait: Duration) {}
    fn is_simulated(&self) -> bool {
        true
    }
}

/// What a bolt did through its collector. Tuples are named by their first value.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    Emit { stream: String, anchors: Vec<i64>, values: Vec<Value> },
    Ack(i64),
    Fail(i64),
    Reset(i64),
    Error(String),
    Fatal(String),
}

fn name(t: &Tuple) -> i64 {
    t.get_i64(0).expect("test tuples carry an integer name in field 0")
}

#[derive(Default)]
pub struct Recorder {
    pub out: Vec<Out>,
    targets: Vec<TaskId>,
}

impl BoltOutput for Recorder {
    fn emit(&mut self, stream: &str, anchors: &[&Tuple], values: squall_api::Values) -> &[TaskId] {
        let anchors = anchors.iter().map(|t| name(t)).collect();
        self.out.push(Out::Emit { stream: stream.to_owned(), anchors, values: values.into_vec() });
        &self.targets
    }
    fn emit_direct(&mut self, _task: TaskId, stream: &str, anchors: &[&Tuple], values: squall_api::Values) {
        self.emit(stream, anchors, values);
    }
    fn ack(&mut self, tuple: &Tuple) {
        self.out.push(Out::Ack(name(tuple)));
    }
    fn fail(&mut self, tuple: &Tuple) {
        self.out.push(Out::Fail(name(tuple)));
    }
    fn reset_timeout(&mut self, tuple: &Tuple) {
        self.out.push(Out::Reset(name(tuple)));
    }
    fn report_error(&mut self, error: &str) {
        self.out.push(Out::Error(error.to_owned()));
    }
    fn fatal(&mut self, error: ComponentError) {
        self.out.push(Out::Fatal(error.to_string()));
    }
}

/// One evaluated window, by tuple names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub all: Vec<i64>,
    pub new: Vec<i64>,
    pub expired: Vec<i64>,
    pub start: Option<i64>,
    pub end: i64,
}

pub fn seen(all: &[i64], new: &[i64], expired: &[i64], start: Option<i64>, end: i64) -> Seen {
    Seen { all: all.to_vec(), new: new.to_vec(), expired: expired.to_vec(), start, end }
}

/// A windowed bolt that records every window and emits the sum of the names, anchored to the window.
#[derive(Default)]
pub struct Summer {
    pub windows: Vec<Seen>,
}

impl WindowedBolt for Summer {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["sum"]);
    }
    fn execute(&mut self, window: &Window<'_>, out: &mut WindowCollector<'_, '_>) {
        let names = |ts: &[&Tuple]| ts.iter().map(|t| name(t)).collect::<Vec<_>>();
        let all = names(window.tuples());
        out.emit(values![all.iter().sum::<i64>()]);
        self.windows.push(Seen {
            all,
            new: names(window.new_tuples()),
            expired: names(window.expired()),
            start: window.start_timestamp(),
            end: window.end_timestamp(),
        });
    }
}

pub const SPOUT: &str = "spout";
pub const BOLT: &str = "win";

/// The schema of test tuples from `component`'s default stream: a name and a timestamp.
pub fn schema(component: &str) -> &'static StreamSchema {
    StreamSchema::intern(component, "default", &Fields::from(["n", "ts"]))
}

pub fn tuple(component: &str, n: i64, ts: i64) -> Tuple {
    let id = MessageId::root(n.unsigned_abs() + 1, 1);
    Tuple::new(schema(component), TaskId(1), values![n, ts], id)
}

/// A context for the single task of `BOLT`, declaring `outputs`, subscribed to the default stream of
/// each of `sources`, with `config` as its effective config.
pub fn context(
    outputs: Vec<StreamDeclaration>,
    sources: &[&str],
    config: Config,
    clock: Arc<TestClock>,
) -> TopologyContext {
    let mut components = BTreeMap::new();
    for (i, source) in sources.iter().enumerate() {
        let decl =
            StreamDeclaration { id: "default".into(), fields: Fields::from(["n", "ts"]), direct: false };
        let task = TaskId(i32::try_from(i).expect("a few sources") + 10);
        components.insert(
            ComponentId::new(source),
            ComponentInfo { tasks: vec![task], outputs: vec![decl], inputs: vec![] },
        );
    }
    let inputs = sources
        .iter()
        .map(|s| Subscription {
            source: GlobalStreamId { component: ComponentId::new(s), stream: "default".into() },
            grouping: Grouping::Shuffle,
        })
        .collect();
    components.insert(ComponentId::new(BOLT), ComponentInfo { tasks: vec![TaskId(1)], outputs, inputs });
    let info = TopologyInfo { name: "test".into(), config: config.clone(), components, resources_dir: None };
    TopologyContext::new(Arc::new(info), ComponentId::new(BOLT), TaskId(1), Arc::new(config))
        .with_clock(clock)
}

/// The effective config a runtime gives the bolt: the topology's, with the component's own keys that
/// Storm allows per component on top.
pub fn effective_config(topology: &Config, component: &Config) -> Config {
    let mut config = topology.clone();
    for (key, value) in component.iter() {
        if COMPONENT_KEYS.contains(&key) {
            config.set(key, value.clone());
        }
    }
    config
}

/// A prepared `Windowed<B>` with its recorder and clock.
pub struct Harness<B: WindowedBolt> {
    pub bolt: Windowed<B>,
    pub rec: Recorder,
    pub clock: Arc<TestClock>,
}

impl<B: WindowedBolt> Harness<B> {
    /// Prepares `windowed(bolt, options)` at time `start` with the topology config `topology`,
    /// subscribed to `sources`.
    pub fn try_new(
        bolt: B,
        options: WindowOptions,
        topology: &Config,
        sources: &[&str],
        start: u64,
    ) -> Result<Self, ComponentError> {
        let mut bolt = windowed(bolt, options);
        let clock = Arc::new(TestClock::default());
        clock.set(start);
        let mut declarer = OutputDeclarer::new();
        bolt.declare_outputs(&mut declarer);
        let (outputs, problems) = declarer.into_parts();
        assert!(problems.is_empty(), "{problems:?}");
        let config = effective_config(topology, &bolt.component_config());
        let ctx = context(outputs, sources, config, clock.clone());
        bolt.prepare(&ctx)?;
        Ok(Self { bolt, rec: Recorder::default(), clock })
    }

    pub fn new(bolt: B, options: WindowOptions) -> Self {
        Self::try_new(bolt, options, &Config::new(), &[SPOUT], 0).expect("prepares")
    }

    pub fn at(&mut self, ms: u64) -> &mut Self {
        self.clock.set(ms);
        self
    }

    /// Delivers tuple `n` with timestamp `ts` from `SPOUT`.
    pub fn send(&mut self, n: i64, ts: i64) -> &mut Self {
        self.send_from(SPOUT, n, ts)
    }

    pub fn send_from(&mut self, component: &str, n: i64, ts: i64) -> &mut Self {
        let t = tuple(component, n, ts);
        self.bolt.execute(t, &mut BoltCollector::new(&mut self.rec));
        self
    }

    pub fn tick(&mut self) -> &mut Self {
        self.bolt.execute(Tuple::tick(1), &mut BoltCollector::new(&mut self.rec));
        self
    }

    /// Takes what was recorded so far.
    pub fn take(&mut self) -> Vec<Out> {
        std::mem::take(&mut self.rec.out)
    }
}

impl<B: WindowedBolt + SeesWindows> Harness<B> {
    /// The windows the user's bolt evaluated so far.
    pub fn windows(&self) -> &[Seen] {
        self.bolt.inner().windows_seen()
    }
}

/// Access to recorded windows for the harness.
pub trait SeesWindows {
    fn windows_seen(&self) -> &[Seen];
}

impl SeesWindows for Summer {
    fn windows_seen(&self) -> &[Seen] {
        &self.windows
    }
}

pub fn acks(out: &[Out]) -> Vec<i64> {
    out.iter().filter_map(|o| if let Out::Ack(n) = o { Some(*n) } else { None }).collect()
}

pub fn sum_emit(sum: i64, anchors: &[i64]) -> Out {
    Out::Emit { stream: "default".into(), anchors: anchors.to_vec(), values: vec![Value::I64(sum)] }
}
