//! The bolt side of the checkpoint protocol, driven tuple by tuple through a real
//! [`StatefulBoltExecutor`] with a recording collector: INITSTATE buffering, alignment across two
//! upstream tasks, acks held until COMMIT and failed at ROLLBACK, anchored emits, deduplication.
#![allow(clippy::unwrap_used, reason = "test helpers panic on failure")]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use squall_api::config::TOPOLOGY_NAME;
use squall_api::{
    Bolt, BoltCollector, BoltOutput, ComponentError, ComponentId, ComponentInfo, Config, Fields,
    GlobalStreamId, Grouping, MessageId, OutputDeclarer, StreamDeclaration, StreamId, StreamSchema,
    Subscription, TaskId, TopologyContext, TopologyInfo, Tuple, Values, values,
};
use squall_state::{
    CheckpointState, Dedup, InMemoryProvider, KeyValueState, Phase, StateProvider, StatefulBolt,
    StatefulBoltExecutor,
};

const SPLIT_A: TaskId = TaskId(2);
const SPLIT_B: TaskId = TaskId(3);
const COUNT: TaskId = TaskId(4);

/// What the executor did through its collector.
#[derive(Debug, Clone, PartialEq)]
enum Event {
    Emit { stream: String, anchors: Vec<u64>, values: Values },
    Ack(u64),
    Fail(u64),
    Error(String),
    Fatal(String),
}

/// Tuples are told apart by the root of their message id.
fn root(t: &Tuple) -> u64 {
    t.message_id().anchors().first().map_or(0, |a| a.0)
}

#[derive(Default)]
struct Recorder {
    events: Vec<Event>,
    targets: Vec<TaskId>,
}

impl BoltOutput for Recorder {
    fn emit(&mut self, stream: &str, anchors: &[&Tuple], values: Values) -> &[TaskId] {
        self.events.push(Event::Emit {
            stream: stream.into(),
            anchors: anchors.iter().map(|t| root(t)).collect(),
            values,
        });
        &self.targets
    }
    fn emit_direct(&mut self, _: TaskId, stream: &str, anchors: &[&Tuple], values: Values) {
        self.emit(stream, anchors, values);
    }
    fn ack(&mut self, tuple: &Tuple) {
        self.events.push(Event::Ack(root(tuple)));
    }
    fn fail(&mut self, tuple: &Tuple) {
        self.events.push(Event::Fail(root(tuple)));
    }
    fn reset_timeout(&mut self, _: &Tuple) {}
    fn report_error(&mut self, error: &str) {
        self.events.push(Event::Error(error.into()));
    }
    fn fatal(&mut self, error: ComponentError) {
        self.events.push(Event::Fatal(error.to_string()));
    }
}

/// Counts words; records what it executed; emits unanchored when told to.
struct Words {
    executed: Arc<Mutex<Vec<String>>>,
    unanchored: bool,
}

impl StatefulBolt for Words {
    type Key = String;
    type Value = u64;
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word", "count"]);
    }
    fn execute(&mut self, t: Tuple, state: &mut KeyValueState<String, u64>, out: &mut BoltCollector<'_>) {
        let word = t.get_str(0).unwrap().to_owned();
        self.executed.lock().unwrap().push(word.clone());
        let n = state.get_or(word.as_str(), 0) + 1;
        state.put(word.clone(), n);
        if self.unanchored {
            out.emit(&[], values![word, n as i64]);
        } else {
            out.emit(&[&t], values![word, n as i64]);
        }
        out.ack(&t);
    }
}

struct Harness {
    executor: StatefulBoltExecutor<Words>,
    executed: Arc<Mutex<Vec<String>>>,
    provider: InMemoryProvider,
    next_root: u64,
}

fn context(name: &str) -> TopologyContext {
    let checkpoint = Fields::from(["txid", "action"]);
    let decl = |id: &str, fields: &Fields| StreamDeclaration {
        id: StreamId::new(id),
        fields: fields.clone(),
        direct: false,
    };
    let sub = |c: &str, s: &str, g: Grouping| Subscription {
        source: GlobalStreamId { component: ComponentId::new(c), stream: StreamId::new(s) },
        grouping: g,
    };
    let words = Fields::from(["word", "line", "index", "done_below"]);
    let mut components = BTreeMap::new();
    components.insert(
        ComponentId::new("$checkpointspout"),
        ComponentInfo {
            tasks: vec![TaskId(1)],
            outputs: vec![decl("$checkpoint", &checkpoint)],
            inputs: vec![],
        },
    );
    components.insert(
        ComponentId::new("split"),
        ComponentInfo {
            tasks: vec![SPLIT_A, SPLIT_B],
            outputs: vec![decl("default", &words), decl("$checkpoint", &checkpoint)],
            inputs: vec![],
        },
    );
    components.insert(
        ComponentId::new("count"),
        ComponentInfo {
            tasks: vec![COUNT],
            outputs: vec![
                decl("default", &Fields::from(["word", "count"])),
                decl("$checkpoint", &checkpoint),
            ],
            inputs: vec![
                sub("split", "default", Grouping::Fields(Fields::from(["word"]))),
                sub("split", "$checkpoint", Grouping::All),
            ],
        },
    );
    let mut config = Config::new();
    config.set(TOPOLOGY_NAME, name);
    let info =
        TopologyInfo { name: name.into(), config: config.with_defaults(), components, resources_dir: None };
    TopologyContext::new(Arc::new(info), ComponentId::new("count"), COUNT, Arc::new(config.with_defaults()))
}

impl Harness {
    fn new(name: &str, dedup: Option<Dedup>, unanchored: bool) -> Self {
        InMemoryProvider::clear(name);
        let executed = Arc::new(Mutex::new(vec![]));
        let mut executor = StatefulBoltExecutor::new(Words { executed: executed.clone(), unanchored });
        if let Some(d) = dedup {
            executor = executor.with_dedup(d);
        }
        executor.prepare(&context(name)).expect("prepared");
        Self { executor, executed, provider: InMemoryProvider::named(name), next_root: 100 }
    }

    fn run(&mut self, tuple: Tuple) -> Vec<Event> {
        let mut rec = Recorder::default();
        self.executor.execute(tuple, &mut BoltCollector::new(&mut rec));
        rec.events
    }

    /// A data tuple from split task A; returns its root.
    fn word(&mut self, word: &str, line: i64, index: i64) -> (Tuple, u64) {
        self.next_root += 1;
        let schema =
            StreamSchema::intern("split", "default", &Fields::from(["word", "line", "index", "done_below"]));
        let t =
            Tuple::new(schema, SPLIT_A, values![word, line, index, 0], MessageId::root(self.next_root, 7));
        (t, self.next_root)
    }

    fn checkpoint(&mut self, from: TaskId, txid: i64, action: &str) -> (Tuple, u64) {
        self.next_root += 1;
        let schema = StreamSchema::intern("split", "$checkpoint", &Fields::from(["txid", "action"]));
        (Tuple::new(schema, from, values![txid, action], MessageId::root(self.next_root, 9)), self.next_root)
    }

    /// Sends (txid, action) from both split tasks; returns the events of the second copy.
    fn aligned(&mut self, txid: i64, action: &str) -> (Vec<Event>, u64) {
        let (first, r1) = self.checkpoint(SPLIT_A, txid, action);
        assert_eq!(self.run(first), vec![Event::Ack(r1)], "the first copy of {action}({txid}) only waits");
        let (second, r2) = self.checkpoint(SPLIT_B, txid, action);
        (self.run(second), r2)
    }

    fn executed(&self) -> Vec<String> {
        self.executed.lock().unwrap().clone()
    }

    fn stored(&self) -> squall_state::backend::Stored {
        self.provider.open("count-4").unwrap().load().unwrap()
    }
}

fn forwarded(txid: i64, action: &str, anchor: u64) -> Event {
    Event::Emit { stream: "$checkpoint".into(), anchors: vec![anchor], values: values![txid, action] }
}

#[test]
fn data_before_initstate_is_buffered_then_run_in_order() {
    let mut h = Harness::new("protocol-buffering", None, false);
    let (a, ra) = h.word("cow", 0, 0);
    let (b, rb) = h.word("moon", 0, 1);
    assert!(h.run(a).is_empty(), "buffered: not executed, not acked");
    assert!(h.run(b).is_empty());
    assert!(h.executed().is_empty());
    let (events, anchor) = h.aligned(-1, "INITSTATE");
    assert_eq!(h.executed(), vec!["cow", "moon"]);
    assert_eq!(
        events,
        vec![
            Event::Emit { stream: "default".into(), anchors: vec![ra], values: values!["cow", 1] },
            Event::Emit { stream: "default".into(), anchors: vec![rb], values: values!["moon", 1] },
            forwarded(-1, "INITSTATE", anchor),
            Event::Ack(anchor),
        ],
        "replayed, acks held, checkpoint forwarded and acked"
    );
}

#[test]
fn a_prepare_before_initstate_fails_and_forces_a_recovery() {
    let mut h = Harness::new("protocol-early-prepare", None, false);
    let (events, anchor) = h.aligned(0, "PREPARE");
    assert_eq!(events, vec![Event::Fail(anchor)]);
}

#[test]
fn a_checkpoint_acts_only_once_both_upstream_tasks_sent_it() {
    let mut h = Harness::new("protocol-alignment", None, false);
    h.aligned(-1, "INITSTATE");
    let (w, _) = h.word("cow", 0, 0);
    h.run(w);
    let (first, r1) = h.checkpoint(SPLIT_A, 0, "PREPARE");
    assert_eq!(h.run(first), vec![Event::Ack(r1)]);
    let (again, r1b) = h.checkpoint(SPLIT_A, 0, "PREPARE");
    assert_eq!(h.run(again), vec![Event::Ack(r1b)], "a second copy from the same task does not complete it");
    assert_eq!(h.stored().prepared, None, "nothing prepared yet");
    let (second, r2) = h.checkpoint(SPLIT_B, 0, "PREPARE");
    assert_eq!(h.run(second), vec![forwarded(0, "PREPARE", r2), Event::Ack(r2)]);
    assert_eq!(h.stored().prepared.map(|p| p.txid), Some(0));
    // Older transactions are acked and ignored.
    let (stale, r3) = h.checkpoint(SPLIT_A, -1, "COMMIT");
    assert_eq!(h.run(stale), vec![Event::Ack(r3)]);
    let (stale, r4) = h.checkpoint(SPLIT_B, -1, "COMMIT");
    assert_eq!(h.run(stale), vec![Event::Ack(r4)]);
}

#[test]
fn acks_are_held_until_commit_and_only_those_the_prepare_covered_are_released() {
    let mut h = Harness::new("protocol-commit", None, false);
    h.aligned(-1, "INITSTATE");
    let (a, ra) = h.word("cow", 0, 0);
    let events = h.run(a);
    assert!(!events.contains(&Event::Ack(ra)), "held: {events:?}");
    h.aligned(0, "PREPARE");
    let (b, rb) = h.word("cow", 0, 1);
    h.run(b);
    let (events, anchor) = h.aligned(0, "COMMIT");
    assert_eq!(events, vec![Event::Ack(ra), forwarded(0, "COMMIT", anchor), Event::Ack(anchor)]);
    assert_eq!(h.stored().manifest.and_then(|m| m.txid), Some(0));
    h.aligned(1, "PREPARE");
    let (events, _) = h.aligned(1, "COMMIT");
    assert_eq!(events[0], Event::Ack(rb));
}

#[test]
fn a_rollback_fails_the_prepared_and_the_not_yet_prepared_acks() {
    let mut h = Harness::new("protocol-rollback", None, false);
    h.aligned(-1, "INITSTATE");
    let (a, ra) = h.word("cow", 0, 0);
    h.run(a);
    h.aligned(0, "PREPARE");
    let (b, rb) = h.word("moon", 0, 1);
    h.run(b);
    let (events, anchor) = h.aligned(0, "ROLLBACK");
    assert_eq!(
        events,
        vec![Event::Fail(ra), Event::Fail(rb), forwarded(0, "ROLLBACK", anchor), Event::Ack(anchor)]
    );
    assert_eq!(h.stored().prepared, None);
    // The state went back too: "cow" counts from scratch, PREPARE(0) is accepted again.
    let (c, rc) = h.word("cow", 1, 0);
    let events = h.run(c);
    assert_eq!(
        events,
        vec![Event::Emit { stream: "default".into(), anchors: vec![rc], values: values!["cow", 1] }]
    );
    let (events, anchor) = h.aligned(0, "PREPARE");
    assert_eq!(events, vec![forwarded(0, "PREPARE", anchor), Event::Ack(anchor)]);
}

#[test]
fn duplicates_are_skipped_their_outputs_repeated_and_their_acks_held() {
    let mut h = Harness::new("protocol-dedup", Some(Dedup::fields(["line", "index"])), false);
    h.aligned(-1, "INITSTATE");
    let (a, _) = h.word("cow", 0, 0);
    h.run(a);
    let (dup, rd) = h.word("cow", 0, 0);
    let events = h.run(dup);
    assert_eq!(h.executed(), vec!["cow"], "the duplicate did not reach the bolt");
    assert_eq!(
        events,
        vec![Event::Emit { stream: "default".into(), anchors: vec![rd], values: values!["cow", 1] }]
    );
    h.aligned(0, "PREPARE");
    let (events, _) = h.aligned(0, "COMMIT");
    assert!(events.contains(&Event::Ack(rd)), "acked with the commit: {events:?}");
    // The record is part of the committed state: a fresh task recognizes the input too (once the
    // checkpoint spout's state says txid 0 is committed, as it would).
    let mut spout: KeyValueState<String, CheckpointState> =
        KeyValueState::open(&h.provider, "$checkpointspout-1").unwrap();
    spout.put("__state".into(), CheckpointState { txid: 0, phase: Phase::Committed });
    spout.commit_now().unwrap();
    let mut again = Harness {
        executor: StatefulBoltExecutor::new(Words { executed: h.executed.clone(), unanchored: false })
            .with_dedup(Dedup::fields(["line", "index"])),
        executed: h.executed.clone(),
        provider: h.provider.clone(),
        next_root: 1000,
    };
    again.executor.prepare(&context("protocol-dedup")).unwrap();
    again.aligned(0, "INITSTATE");
    let (dup, _) = again.word("cow", 0, 0);
    again.run(dup);
    assert_eq!(h.executed(), vec!["cow"]);
    let state = KeyValueState::<String, u64>::open(&again.provider as &dyn StateProvider, "count-4").unwrap();
    assert_eq!(state.get("cow"), Some(&1));
}

#[test]
fn an_unanchored_emit_is_refused() {
    let mut h = Harness::new("protocol-anchoring", None, true);
    h.aligned(-1, "INITSTATE");
    let (w, _) = h.word("cow", 0, 0);
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| h.run(w))).unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert_eq!(message, "component 'count': Bolts in a stateful topology must emit anchored tuples.");
}
