//! Test harness: a recording collector, hand-built contexts, the Python interpreter, log capture.
#![allow(dead_code)]

pub mod logs;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use squall_api::{
    BoltCollector, BoltOutput, ComponentError, ComponentId, ComponentInfo, Config, Fields, GlobalStreamId,
    Grouping, MessageId, SpoutOutput, StreamDeclaration, StreamId, StreamSchema, Subscription, TaskId,
    TaskWaker, TopologyContext, TopologyInfo, Tuple, Value, Values,
};

/// One thing a component did through its collector.
#[derive(Clone, Debug, PartialEq)]
pub enum Rec {
    Emit {
        stream: String,
        anchors: Vec<Vec<Value>>,
        values: Vec<Value>,
        direct: Option<i32>,
        msg_id: Option<Value>,
    },
    Ack(Vec<Value>),
    Fail(Vec<Value>),
    ResetTimeout(Vec<Value>),
    Error(String),
    Fatal(String),
}

/// A recording [`BoltOutput`]/[`SpoutOutput`]: records everything, returns chosen task ids.
#[derive(Default)]
pub struct Recorder {
    pub recs: Vec<Rec>,
    pub tasks: HashMap<String, Vec<TaskId>>,
    last: Vec<TaskId>,
}

impl Recorder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Emits on `stream` return these task ids (default: none).
    pub fn with_tasks(mut self, stream: &str, tasks: &[i32]) -> Self {
        self.tasks.insert(stream.to_owned(), tasks.iter().copied().map(TaskId).collect());
        self
    }

    pub fn fatal(&self) -> Option<&str> {
        self.recs.iter().find_map(|r| match r {
            Rec::Fatal(e) => Some(e.as_str()),
            _ => None,
        })
    }

    pub fn emits(&self) -> Vec<&Rec> {
        self.recs.iter().filter(|r| matches!(r, Rec::Emit { .. })).collect()
    }

    pub fn count(&self, f: impl Fn(&Rec) -> bool) -> usize {
        self.recs.iter().filter(|r| f(r)).count()
    }

    fn tasks_for(&mut self, stream: &str) -> &[TaskId] {
        self.last = self.tasks.get(stream).cloned().unwrap_or_default();
        &self.last
    }
}

fn vals(t: &Tuple) -> Vec<Value> {
    t.values().to_vec()
}

impl BoltOutput for Recorder {
    fn emit(&mut self, stream: &str, anchors: &[&Tuple], values: Values) -> &[TaskId] {
        let anchors = anchors.iter().map(|t| vals(t)).collect();
        self.recs.push(Rec::Emit {
            stream: stream.into(),
            anchors,
            values: values.into_vec(),
            direct: None,
            msg_id: None,
        });
        self.tasks_for(stream)
    }
    fn emit_direct(&mut self, task: TaskId, stream: &str, anchors: &[&Tuple], values: Values) {
        let anchors = anchors.iter().map(|t| vals(t)).collect();
        self.recs.push(Rec::Emit {
            stream: stream.into(),
            anchors,
            values: values.into_vec(),
            direct: Some(task.get()),
            msg_id: None,
        });
    }
    fn ack(&mut self, tuple: &Tuple) {
        self.recs.push(Rec::Ack(vals(tuple)));
    }
    fn fail(&mut self, tuple: &Tuple) {
        self.recs.push(Rec::Fail(vals(tuple)));
    }
    fn reset_timeout(&mut self, tuple: &Tuple) {
        self.recs.push(Rec::ResetTimeout(vals(tuple)));
    }
    fn report_error(&mut self, error: &str) {
        self.recs.push(Rec::Error(error.into()));
    }
    fn fatal(&mut self, error: ComponentError) {
        self.recs.push(Rec::Fatal(error.to_string()));
    }
}

impl SpoutOutput for Recorder {
    fn emit(&mut self, stream: &str, values: Values, msg_id: Option<Value>) -> &[TaskId] {
        self.recs.push(Rec::Emit {
            stream: stream.into(),
            anchors: vec![],
            values: values.into_vec(),
            direct: None,
            msg_id,
        });
        self.tasks_for(stream)
    }
    fn emit_direct(&mut self, task: TaskId, stream: &str, values: Values, msg_id: Option<Value>) {
        self.recs.push(Rec::Emit {
            stream: stream.into(),
            anchors: vec![],
            values: values.into_vec(),
            direct: Some(task.get()),
            msg_id,
        });
    }
    fn report_error(&mut self, error: &str) {
        self.recs.push(Rec::Error(error.into()));
    }
    fn fatal(&mut self, error: ComponentError) {
        self.recs.push(Rec::Fatal(error.to_string()));
    }
}

/// The Python interpreter with pystorm: `SQUALL_PYTHON`, else `$SQUALL_VENV/bin/python3`, else
/// `<workspace>/target/squall-venv/bin/python3`.
pub fn python() -> String {
    if let Ok(p) = std::env::var("SQUALL_PYTHON") {
        return p;
    }
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venv =
        std::env::var_os("SQUALL_VENV").map_or_else(|| workspace.join("target/squall-venv"), PathBuf::from);
    let python = venv.join("bin/python3");
    assert!(
        python.exists(),
        "no Python interpreter with pystorm at {}: run scripts/python-venv.sh first (or set SQUALL_PYTHON)",
        python.display()
    );
    python.to_string_lossy().into_owned()
}

/// argv running `script` (in tests/python) with the venv's interpreter.
pub fn py(script: &str, args: &[&str]) -> Vec<String> {
    let mut argv = vec![python(), script.to_owned()];
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    argv
}

pub fn python_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python")
}

fn decl(id: &str, fields: &[&str], direct: bool) -> StreamDeclaration {
    StreamDeclaration { id: StreamId::new(id), fields: Fields::from(fields), direct }
}

/// A small topology: spout `lines` (task 2, stream default [line]) → bolt `<name>` (task 5,
/// streams default [word, length], lengths [word], direct [word] direct) → `count` (tasks 3, 4).
pub fn topology(bolt: &str, bolt_outputs: Vec<StreamDeclaration>) -> TopologyInfo {
    let mut components = BTreeMap::new();
    let sub = |c: &str, s: &str, g| Subscription {
        source: GlobalStreamId { component: ComponentId::new(c), stream: StreamId::new(s) },
        grouping: g,
    };
    components.insert(
        ComponentId::new("__acker"),
        ComponentInfo { tasks: vec![TaskId(1)], outputs: vec![], inputs: vec![] },
    );
    components.insert(
        ComponentId::new("lines"),
        ComponentInfo {
            tasks: vec![TaskId(2)],
            outputs: vec![decl("default", &["line"], false)],
            inputs: vec![],
        },
    );
    components.insert(
        ComponentId::new(bolt),
        ComponentInfo {
            tasks: vec![TaskId(5)],
            outputs: bolt_outputs,
            inputs: vec![sub("lines", "default", Grouping::Shuffle)],
        },
    );
    components.insert(
        ComponentId::new("count"),
        ComponentInfo {
            tasks: vec![TaskId(3), TaskId(4)],
            outputs: vec![],
            inputs: vec![sub(bolt, "default", Grouping::Fields(Fields::from(["word"])))],
        },
    );
    TopologyInfo {
        name: "words".into(),
        config: Config::new(),
        components,
        resources_dir: Some(python_dir()),
    }
}

/// The bolt outputs most tests declare.
pub fn bolt_outputs() -> Vec<StreamDeclaration> {
    vec![
        decl("default", &["word", "length"], false),
        decl("lengths", &["word"], false),
        decl("direct", &["word"], true),
    ]
}

/// A context for `component` at `task`, with a waker that signals the returned channel.
pub fn context(
    topology: TopologyInfo,
    component: &str,
    task: i32,
    config: Config,
) -> (TopologyContext, Receiver<()>) {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let waker = TaskWaker::new(move || {
        let _ = tx.try_send(());
    });
    let mut effective = config;
    effective.set("topology.name", "words");
    let ctx = TopologyContext::new(
        Arc::new(topology),
        ComponentId::new(component),
        TaskId(task),
        Arc::new(effective),
    )
    .with_waker(waker);
    (ctx, rx)
}

/// A config with a short subprocess timeout.
pub fn config_with_timeout(secs: i64) -> Config {
    let mut c = Config::new();
    c.set("topology.subprocess.timeout.secs", secs);
    c
}

/// An input tuple from `lines` (task 2) on the default stream.
pub fn line(text: &str) -> Tuple {
    let schema = StreamSchema::intern("lines", "default", &Fields::from(["line"]));
    Tuple::new(schema, TaskId(2), Values::from(vec![Value::from(text)]), MessageId::untracked())
}

/// Calls `wake` each time the bolt's waker fires until `done` holds; panics at the deadline.
pub fn pump<B: squall_api::Bolt>(
    bolt: &mut B,
    rec: &mut Recorder,
    woken: &Receiver<()>,
    within: Duration,
    done: impl Fn(&Recorder) -> bool,
) {
    let deadline = Instant::now() + within;
    while !done(rec) {
        let now = Instant::now();
        assert!(now < deadline, "condition not reached within {within:?}; recorded: {:#?}", rec.recs);
        if woken.recv_timeout(deadline - now).is_ok() {
            bolt.wake(&mut BoltCollector::new(rec));
        }
    }
}
