//! Failing components never hang the process: panics, start errors, undeclared streams, and
//! components that declare themselves broken (restarted within a budget).
#![allow(clippy::unwrap_used, reason = "tests and probes may panic on failure")]

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use common::{Counter, SimClock, await_cond, config};
use squall_api::{
    Bolt, BoltCollector, ComponentError, OutputDeclarer, Spout, SpoutCollector, TopologyBuilder,
    TopologyContext, Tuple, Value, values,
};
use squall_runtime::{LocalCluster, RunOptions, RuntimeError};

struct Numbers {
    next: i64,
    n: i64,
    outstanding: i64,
    acked: Counter,
    replay: Vec<i64>,
}
impl Numbers {
    fn new(n: i64, acked: Counter) -> Self {
        Self { next: 0, n, outstanding: 0, acked, replay: Vec::new() }
    }
}
impl Spout for Numbers {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["n"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if let Some(id) = self.replay.pop() {
            self.outstanding += 1;
            out.emit_with_id(values![id], id);
        } else if self.next < self.n {
            self.outstanding += 1;
            out.emit_with_id(values![self.next], self.next);
            self.next += 1;
        }
    }
    fn ack(&mut self, _: Value) {
        self.outstanding -= 1;
        self.acked.add(1);
    }
    fn fail(&mut self, id: Value) {
        self.outstanding -= 1;
        self.replay.push(id.as_i64().unwrap_or(0));
    }
    fn is_finished(&self) -> bool {
        self.next >= self.n && self.outstanding == 0 && self.replay.is_empty()
    }
}

struct Bomb {
    at: i64,
}
impl Bolt for Bomb {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        let n = t.get_i64(0).unwrap();
        if n == self.at {
            panic!("boom on {n}");
        }
        out.ack(&t);
    }
}

struct Tidy(Counter);
impl Bolt for Tidy {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        out.ack(&t);
    }
    fn cleanup(&mut self) {
        self.0.add(1);
    }
}

fn run(b: TopologyBuilder, options: RunOptions) -> Result<squall_runtime::TopologyStats, RuntimeError> {
    let cluster = LocalCluster::new();
    cluster.submit("f", &config(1), b.build().unwrap(), options)?;
    cluster.take("f").unwrap().run_to_completion(Duration::from_secs(30))
}

#[test]
fn a_panicking_bolt_stops_the_topology_with_a_report_naming_it() {
    let cleaned = Counter::default();
    let c2 = cleaned.clone();
    let mut b = TopologyBuilder::new();
    b.set_spout("numbers", 1, || Numbers::new(1_000, Counter::default()));
    b.set_bolt("bomb", 2, || Bomb { at: 500 }).shuffle_grouping("numbers");
    b.set_bolt("tidy", 1, move || Tidy(c2.clone())).shuffle_grouping("numbers");
    let started = Instant::now();
    let err = run(b, RunOptions::new()).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(20), "no hang");
    match &err {
        RuntimeError::Panicked { component, task, message } => {
            assert_eq!(component, "bomb");
            assert!([2, 3].contains(task), "task {task}");
            assert_eq!(message, "boom on 500");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().starts_with("component 'bomb' task "), "{err}");
    assert_eq!(cleaned.get(), 1, "other executors shut down in order");
}

struct BadPrepare;
impl Bolt for BadPrepare {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn prepare(&mut self, ctx: &TopologyContext) -> Result<(), ComponentError> {
        Err(ComponentError::new(format!("cannot reach the database from task {}", ctx.this_task_id())))
    }
    fn execute(&mut self, _: Tuple, _: &mut BoltCollector<'_>) {}
}

#[test]
fn a_prepare_error_is_reported_with_component_and_task() {
    let mut b = TopologyBuilder::new();
    b.set_spout("numbers", 1, || Numbers::new(10, Counter::default()));
    b.set_bolt("db", 1, || BadPrepare).shuffle_grouping("numbers");
    let err = run(b, RunOptions::new()).unwrap_err();
    // Tasks: __acker 1, db 2, numbers 3.
    assert_eq!(
        err.to_string(),
        "component 'db' task 2 failed to start: cannot reach the database from task 2"
    );
}

struct WrongStream;
impl Bolt for WrongStream {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["x"]);
    }
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        out.emit_to("nope", &[&t], values![1]);
    }
}

#[test]
fn emitting_on_an_undeclared_stream_names_component_and_stream() {
    let mut b = TopologyBuilder::new();
    b.set_spout("numbers", 1, || Numbers::new(10, Counter::default()));
    b.set_bolt("wrong", 1, || WrongStream).shuffle_grouping("numbers");
    let err = run(b, RunOptions::new()).unwrap_err().to_string();
    assert!(
        err.contains("component 'wrong' task 3 panicked: component 'wrong' task 3: emit on stream 'nope', which it does not declare"),
        "{err}"
    );
}

/// Declares itself broken on the first tuple of its first `broken` instances (instance 0 is the
/// one the builder makes to read the declared outputs).
struct Fragile {
    instance: u32,
    broken: u32,
    executed: u32,
}
static INSTANCES: AtomicU32 = AtomicU32::new(0);
static INSTANCES2: AtomicU32 = AtomicU32::new(0);

impl Bolt for Fragile {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        self.executed += 1;
        if self.instance < self.broken && self.executed == 1 {
            out.fatal(ComponentError::new(format!("subprocess died (instance {})", self.instance)));
            return;
        }
        out.ack(&t);
    }
}

#[test]
fn a_broken_instance_is_restarted_and_its_lost_tuple_replayed_after_the_timeout() {
    let acked = Counter::default();
    let a2 = acked.clone();
    let mut b = TopologyBuilder::new();
    b.set_spout("numbers", 1, move || Numbers::new(20, a2.clone()));
    b.set_bolt("fragile", 1, || Fragile {
        instance: INSTANCES.fetch_add(1, Ordering::SeqCst),
        broken: 2,
        executed: 0,
    })
    .shuffle_grouping("numbers");
    let clock = SimClock::new();
    let cluster = LocalCluster::new();
    let mut conf = config(1);
    conf.set_message_timeout_secs(10).set_chaining(false);
    cluster.submit("r", &conf, b.build().unwrap(), RunOptions::new().clock(clock.clone())).unwrap();
    let running = cluster.take("r").unwrap();
    await_cond(Duration::from_secs(10), "19 acks", || acked.get() == 19);
    let errors = running.stats().component("fragile").unwrap().errors.clone();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message, "failed: subprocess died (instance 1)");
    // The tuple lost with the broken instance times out and is replayed to the new one.
    clock.advance(10_000);
    await_cond(Duration::from_secs(5), "first rotation", || {
        running.stats().executors.iter().all(|e| e.queued_batches == 0)
    });
    clock.advance(10_000);
    running.wait_until_finished(Duration::from_secs(10)).unwrap();
    assert_eq!(acked.get(), 20);
    let stats = running.kill(Duration::ZERO).unwrap();
    assert_eq!(stats.component("numbers").unwrap().failed, 1);
}

#[test]
fn repeated_failures_beyond_the_budget_stop_the_topology() {
    let mut b = TopologyBuilder::new();
    b.set_spout("numbers", 1, || Numbers::new(20, Counter::default()));
    b.set_bolt("fragile", 1, || Fragile {
        instance: INSTANCES2.fetch_add(1, Ordering::SeqCst),
        broken: 100,
        executed: 0,
    })
    .shuffle_grouping("numbers")
    .add_configuration("squall.executor.restarts.per.minute", 2);
    let err = run(b, RunOptions::new()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("component 'fragile' task 2 failed 3 time(s) within a minute (restart budget 2); last error: subprocess died"),
        "{text}"
    );
}

struct PanickyOpen;
impl Spout for PanickyOpen {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn open(&mut self, _: &TopologyContext) -> Result<(), ComponentError> {
        let v: Vec<u8> = Vec::new();
        let _ = v[3];
        Ok(())
    }
    fn next_tuple(&mut self, _: &mut SpoutCollector<'_>) {}
}

#[test]
fn a_panic_in_open_is_reported() {
    let mut b = TopologyBuilder::new();
    b.set_spout("opener", 1, || PanickyOpen);
    let err = run(b, RunOptions::new()).unwrap_err().to_string();
    assert!(err.starts_with("component 'opener' task 2 panicked: index out of bounds"), "{err}");
}
