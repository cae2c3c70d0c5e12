//! Test doubles: recording collectors, contexts, a manual clock, and scratch directories.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use squall_api::{
    BoltOutput, Clock, ComponentError, ComponentId, ComponentInfo, Config, Fields, MessageId, SpoutOutput,
    StreamSchema, TaskId, TopologyContext, TopologyInfo, Tuple, Value, Values,
};

/// What a spout emitted.
#[derive(Debug, Default)]
pub struct SpoutRecord {
    pub emits: Vec<(String, Values, Option<Value>)>,
    pub errors: Vec<String>,
    pub fatal: Vec<String>,
    no_tasks: Vec<TaskId>,
}

impl SpoutOutput for SpoutRecord {
    fn emit(&mut self, stream: &str, values: Values, msg_id: Option<Value>) -> &[TaskId] {
        self.emits.push((stream.to_owned(), values, msg_id));
        &self.no_tasks
    }
    fn emit_direct(&mut self, _task: TaskId, stream: &str, values: Values, msg_id: Option<Value>) {
        self.emits.push((stream.to_owned(), values, msg_id));
    }
    fn report_error(&mut self, error: &str) {
        self.errors.push(error.to_owned());
    }
    fn fatal(&mut self, error: ComponentError) {
        self.fatal.push(error.to_string());
    }
}

impl SpoutRecord {
    /// Takes the emits recorded so far as (first value as text, message id).
    pub fn take(&mut self) -> Vec<(String, Option<Value>)> {
        self.emits.drain(..).map(|(_, v, id)| (v[0].to_string(), id)).collect()
    }
}

/// What a bolt emitted, acked and failed (tuples named by their first value).
#[derive(Debug, Default)]
pub struct BoltRecord {
    pub emits: Vec<(String, Values)>,
    pub acked: Vec<String>,
    pub failed: Vec<String>,
    pub errors: Vec<String>,
    no_tasks: Vec<TaskId>,
}

fn name(t: &Tuple) -> String {
    t.get(0).map(ToString::to_string).unwrap_or_default()
}

impl BoltOutput for BoltRecord {
    fn emit(&mut self, stream: &str, _anchors: &[&Tuple], values: Values) -> &[TaskId] {
        self.emits.push((stream.to_owned(), values));
        &self.no_tasks
    }
    fn emit_direct(&mut self, _task: TaskId, stream: &str, _anchors: &[&Tuple], values: Values) {
        self.emits.push((stream.to_owned(), values));
    }
    fn ack(&mut self, tuple: &Tuple) {
        self.acked.push(name(tuple));
    }
    fn fail(&mut self, tuple: &Tuple) {
        self.failed.push(name(tuple));
    }
    fn reset_timeout(&mut self, _tuple: &Tuple) {}
    fn report_error(&mut self, error: &str) {
        self.errors.push(error.to_owned());
    }
    fn fatal(&mut self, error: ComponentError) {
        self.errors.push(error.to_string());
    }
}

/// A clock that moves only when told to.
#[derive(Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    pub fn at(ms: u64) -> Arc<Self> {
        Arc::new(Self(AtomicU64::new(ms)))
    }
    pub fn advance(&self, ms: u64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
    fn wait_until(&self, _deadline_ms: u64, _max_wait: Duration) {}
    fn is_simulated(&self) -> bool {
        true
    }
}

/// A context for task `index` (of `tasks`) of component `component`, with this resources directory.
pub fn context(component: &str, index: usize, tasks: usize, resources_dir: Option<&Path>) -> TopologyContext {
    let task_ids: Vec<TaskId> = (1..=tasks).map(|t| TaskId(i32::try_from(t).expect("few tasks"))).collect();
    let info = ComponentInfo { tasks: task_ids.clone(), outputs: Vec::new(), inputs: Vec::new() };
    let topology = TopologyInfo {
        name: "test".to_owned(),
        config: Config::new(),
        components: BTreeMap::from([(ComponentId::new(component), info)]),
        resources_dir: resources_dir.map(Path::to_path_buf),
    };
    TopologyContext::new(
        Arc::new(topology),
        ComponentId::new(component),
        task_ids[index],
        Arc::new(Config::new()),
    )
}

/// A tuple from `source` on the default stream with these fields and values.
pub fn tuple(source: &str, fields: &[&str], values: Values) -> Tuple {
    let schema = StreamSchema::intern(source, "default", &Fields::from(fields));
    Tuple::new(schema, TaskId(1), values, MessageId::untracked())
}

/// A fresh, empty scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("squall-flux").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}
