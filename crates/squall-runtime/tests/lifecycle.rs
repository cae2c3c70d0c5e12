//! Lifecycle and routing end to end: activation, kill with close/cleanup, ticks on a simulated
//! clock, direct grouping, task ids returned by emits, contexts, and backpressure.
#![allow(clippy::unwrap_used, reason = "tests and probes may panic on failure")]

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Counter, SimClock, await_cond, config};
use squall_api::{
    Bolt, BoltCollector, ComponentError, OutputDeclarer, Spout, SpoutCollector, TaskId, TopologyBuilder,
    TopologyContext, Tuple, values,
};
use squall_runtime::{LocalCluster, RunOptions};

#[derive(Clone, Default)]
struct Calls(Arc<Mutex<Vec<String>>>);
impl Calls {
    fn push(&self, s: &str) {
        let mut v = self.0.lock().unwrap();
        if v.last().map(String::as_str) != Some(s) {
            v.push(s.to_owned());
        }
    }
    fn get(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

struct Recorder {
    calls: Calls,
    emitted: Counter,
}
impl Spout for Recorder {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["n"]);
    }
    fn open(&mut self, _: &TopologyContext) -> Result<(), ComponentError> {
        self.calls.push("open");
        Ok(())
    }
    fn activate(&mut self) {
        self.calls.push("activate");
    }
    fn deactivate(&mut self) {
        self.calls.push("deactivate");
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        self.calls.push("next_tuple");
        self.emitted.add(1);
        out.emit(values![1]);
    }
    fn close(&mut self) {
        self.calls.push("close");
    }
}

struct Cleaner(Calls);
impl Bolt for Cleaner {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn prepare(&mut self, _: &TopologyContext) -> Result<(), ComponentError> {
        self.0.push("prepare");
        Ok(())
    }
    fn execute(&mut self, _: Tuple, _: &mut BoltCollector<'_>) {}
    fn cleanup(&mut self) {
        self.0.push("cleanup");
    }
}

#[test]
fn spouts_follow_activation_and_kill_closes_everything_once() {
    let (spout_calls, bolt_calls, emitted) = (Calls::default(), Calls::default(), Counter::default());
    let (s2, b2, e2) = (spout_calls.clone(), bolt_calls.clone(), emitted.clone());
    let mut b = TopologyBuilder::new();
    b.set_spout("rec", 1, move || Recorder { calls: s2.clone(), emitted: e2.clone() });
    b.set_bolt("clean", 1, move || Cleaner(b2.clone())).shuffle_grouping("rec");
    let cluster = LocalCluster::new();
    cluster.submit("life", &config(0), b.build().unwrap(), RunOptions::new().inactive(true)).unwrap();
    await_cond(Duration::from_secs(5), "open", || spout_calls.get() == ["open"]);
    assert_eq!(emitted.get(), 0, "inactive: next_tuple is not called");
    cluster.activate("life").unwrap();
    await_cond(Duration::from_secs(5), "emits", || emitted.get() > 10);
    cluster.deactivate("life").unwrap();
    await_cond(Duration::from_secs(5), "deactivate", || {
        spout_calls.get().last().map(String::as_str) == Some("deactivate")
    });
    let after = emitted.get();
    cluster.activate("life").unwrap();
    await_cond(Duration::from_secs(5), "emits again", || emitted.get() > after + 10);
    cluster.kill("life", Duration::from_millis(20)).unwrap();
    assert_eq!(
        spout_calls.get(),
        ["open", "activate", "next_tuple", "deactivate", "activate", "next_tuple", "deactivate", "close"]
    );
    assert_eq!(bolt_calls.get(), ["prepare", "cleanup"]);
}

struct Ticked(Arc<Mutex<Vec<i64>>>);
impl Bolt for Ticked {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, _: &mut BoltCollector<'_>) {
        assert!(t.is_tick());
        assert_eq!(t.source_component(), "__system");
        assert_eq!(t.source_stream(), "__tick");
        self.0.lock().unwrap().push(t.get_i64(0).unwrap());
    }
}

struct Idle;
impl Spout for Idle {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["x"]);
    }
    fn next_tuple(&mut self, _: &mut SpoutCollector<'_>) {}
}

#[test]
fn tick_tuples_follow_the_simulated_clock() {
    let ticks = Arc::new(Mutex::new(Vec::new()));
    let t2 = ticks.clone();
    let mut b = TopologyBuilder::new();
    b.set_spout("idle", 1, || Idle);
    b.set_bolt("ticked", 2, move || Ticked(t2.clone())).shuffle_grouping("idle").set_tick_frequency_secs(5);
    let clock = SimClock::new();
    let cluster = LocalCluster::new();
    cluster.submit("ticks", &config(0), b.build().unwrap(), RunOptions::new().clock(clock.clone())).unwrap();
    // Waiting for something not to happen has no condition to await: give the timer a moment in
    // which a wrong tick would show, then check none did.
    std::thread::sleep(Duration::from_millis(50));
    assert!(ticks.lock().unwrap().is_empty(), "no time passed, no ticks");
    clock.advance(4_999);
    clock.advance(1);
    await_cond(Duration::from_secs(5), "one tick per task", || ticks.lock().unwrap().len() == 2);
    clock.advance(12_000);
    await_cond(Duration::from_secs(5), "two more per task", || ticks.lock().unwrap().len() == 6);
    assert!(ticks.lock().unwrap().iter().all(|r| *r == 5), "rate_secs is the period");
    cluster.kill("ticks", Duration::ZERO).unwrap();
}

/// Sends each number directly to task (n mod tasks) of `sink`, and an `all` copy of each.
struct Director {
    n: i64,
    sink_tasks: Vec<TaskId>,
    returned: Arc<Mutex<Vec<Vec<TaskId>>>>,
}
impl Spout for Director {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare_direct_stream("direct", ["n"]);
        d.declare_stream("everyone", ["n"]);
    }
    fn open(&mut self, ctx: &TopologyContext) -> Result<(), ComponentError> {
        self.sink_tasks = ctx.component_tasks("sink").to_vec();
        assert_eq!(ctx.output_fields("director", "direct").map(|f| f.len()), Some(1));
        Ok(())
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if self.n < 30 {
            let t = self.sink_tasks[(self.n as usize) % self.sink_tasks.len()];
            out.emit_direct(t, "direct", values![self.n], Some(self.n.into()));
            let targets = out.emit_to("everyone", values![self.n], None).to_vec();
            self.returned.lock().unwrap().push(targets);
            self.n += 1;
        }
    }
}

/// What each (task, stream) received.
type Seen = Arc<Mutex<BTreeMap<(TaskId, String), Vec<i64>>>>;

struct Sink(Seen, TaskId);
impl Bolt for Sink {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn prepare(&mut self, ctx: &TopologyContext) -> Result<(), ComponentError> {
        self.1 = ctx.this_task_id();
        assert_eq!(ctx.this_component_tasks()[ctx.this_task_index()], self.1);
        Ok(())
    }
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        self.0
            .lock()
            .unwrap()
            .entry((self.1, t.source_stream().to_owned()))
            .or_default()
            .push(t.get_i64(0).unwrap());
        out.ack(&t);
    }
}

#[test]
fn direct_grouping_reaches_the_chosen_task_and_all_grouping_returns_every_task() {
    let seen = Arc::new(Mutex::new(BTreeMap::new()));
    let returned = Arc::new(Mutex::new(Vec::new()));
    let (s2, r2) = (seen.clone(), returned.clone());
    let mut b = TopologyBuilder::new();
    b.set_spout("director", 1, move || Director { n: 0, sink_tasks: vec![], returned: r2.clone() });
    b.set_bolt("sink", 3, move || Sink(s2.clone(), TaskId(0)))
        .direct_grouping("director", "direct")
        .grouping_on("director", "everyone", squall_api::Grouping::All);
    let cluster = LocalCluster::new();
    cluster.submit("d", &config(1), b.build().unwrap(), RunOptions::new()).unwrap();
    let running = cluster.take("d").unwrap();
    await_cond(Duration::from_secs(10), "all delivered", || {
        seen.lock().unwrap().values().map(Vec::len).sum::<usize>() == 30 + 90
    });
    let stats = running.kill(Duration::ZERO).unwrap();
    let seen = seen.lock().unwrap();
    // Tasks: __acker 1, director 2, sink 3..5.
    for (i, task) in [3, 4, 5].into_iter().enumerate() {
        let direct = &seen[&(TaskId(task), "direct".to_owned())];
        assert_eq!(direct, &(0..30).filter(|n| n % 3 == i as i64).collect::<Vec<_>>());
        assert_eq!(seen[&(TaskId(task), "everyone".to_owned())].len(), 30);
    }
    assert!(returned.lock().unwrap().iter().all(|t| t == &[TaskId(3), TaskId(4), TaskId(5)]));
    let d = stats.component("director").unwrap();
    assert_eq!((d.emitted, d.transferred), (60, 30 + 90));
}

/// Emits as fast as allowed, `n` in all.
struct Firehose(i64, i64);
impl Spout for Firehose {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["n"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if self.0 < self.1 {
            out.emit(values![self.0]);
            self.0 += 1;
        }
    }
    fn is_finished(&self) -> bool {
        self.0 >= self.1
    }
}

/// Spins for `micros` per tuple and records what it saw.
struct Slow(u64, Arc<Mutex<Vec<i64>>>);
impl Bolt for Slow {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, _: &mut BoltCollector<'_>) {
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_micros(self.0) {
            std::hint::spin_loop();
        }
        self.1.lock().unwrap().push(t.get_i64(0).unwrap());
    }
}

#[test]
fn a_slow_bolt_throttles_its_spout_with_bounded_queues_and_loses_nothing() {
    const N: i64 = 20_000;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let mut b = TopologyBuilder::new();
    b.set_spout("hose", 1, || Firehose(0, N));
    b.set_bolt("slow", 1, move || Slow(20, s2.clone())).shuffle_grouping("hose");
    let mut conf = config(0);
    conf.set("topology.executor.receive.buffer.size", 1024);
    conf.set_producer_batch_size(64).set_chaining(false);
    let cluster = LocalCluster::new();
    cluster.submit("bp", &conf, b.build().unwrap(), RunOptions::new()).unwrap();
    let running = cluster.take("bp").unwrap();
    let mut worst = 0i64;
    while !running.is_finished() {
        let stats = running.stats();
        let emitted = stats.component("hose").unwrap().emitted as i64;
        let executed = stats.component("slow").unwrap().executed as i64;
        worst = worst.max(emitted - executed);
        for e in &stats.executors {
            assert!(e.queued_batches <= e.queue_capacity_batches);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let stats = running.kill(Duration::ZERO).unwrap();
    // In flight at most: the queue (1024 tuples), one batch in overflow, one partial batch.
    assert!(worst <= 1024 + 2 * 64, "in flight grew to {worst}");
    assert!(worst > 0);
    assert!(stats.executors.iter().all(|e| e.max_overflow_tuples <= 64), "{:?}", stats.executors);
    assert_eq!(*seen.lock().unwrap(), (0..N).collect::<Vec<_>>(), "nothing dropped, order kept");
}

/// Passes every tuple on.
struct Relay;
impl Bolt for Relay {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["n"]);
    }
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        out.emit(&[], values![t.get_i64(0).unwrap()]);
    }
}

#[test]
fn a_bolt_released_from_backpressure_with_nothing_left_still_lets_the_run_finish() {
    // Regression: a bolt that last waited for room downstream, then found nothing to do, never
    // raised its idle flag again, so the finished check waited forever.
    for round in 0..5 {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let mut b = TopologyBuilder::new();
        b.set_spout("hose", 1, || Firehose(0, 3_000));
        b.set_bolt("relay", 1, || Relay).shuffle_grouping("hose");
        b.set_bolt("slow", 1, move || Slow(20, s2.clone())).shuffle_grouping("relay");
        let mut conf = config(0);
        conf.set("topology.executor.receive.buffer.size", 64);
        conf.set_producer_batch_size(8).set_chaining(false);
        let cluster = LocalCluster::new();
        cluster.submit("bp2", &conf, b.build().unwrap(), RunOptions::new()).unwrap();
        let stats = cluster.take("bp2").unwrap().run_to_completion(Duration::from_secs(20)).unwrap();
        assert_eq!(seen.lock().unwrap().len(), 3_000, "round {round}");
        assert!(stats.executors.iter().any(|e| e.max_overflow_tuples > 0), "the relay was held back");
    }
}
