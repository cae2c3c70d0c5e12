//! Guaranteed processing end to end: replays after fails, timeouts on a simulated clock,
//! max-spout-pending, multi-anchoring, unanchored emits and timeout resets.
#![allow(clippy::unwrap_used, reason = "tests and probes may panic on failure")]

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Counter, SimClock, await_cond, config};
use squall_api::{
    Bolt, BoltCollector, OutputDeclarer, Spout, SpoutCollector, TopologyBuilder, Tuple, Value, values,
};
use squall_runtime::{LocalCluster, RunOptions};

/// Emits ids 0..n with message ids, replays fails, records every callback.
struct Source {
    next: i64,
    n: i64,
    replay: VecDeque<i64>,
    acked: Arc<Mutex<Vec<i64>>>,
    failed: Arc<Mutex<Vec<i64>>>,
    outstanding: i64,
    max_outstanding: Arc<Mutex<i64>>,
}

impl Source {
    fn new(n: i64, acked: Arc<Mutex<Vec<i64>>>, failed: Arc<Mutex<Vec<i64>>>, max: Arc<Mutex<i64>>) -> Self {
        Self { next: 0, n, replay: VecDeque::new(), acked, failed, outstanding: 0, max_outstanding: max }
    }
}

impl Spout for Source {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["id"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        let id = match self.replay.pop_front() {
            Some(id) => id,
            None if self.next < self.n => {
                self.next += 1;
                self.next - 1
            }
            None => return,
        };
        self.outstanding += 1;
        let mut max = self.max_outstanding.lock().unwrap();
        *max = (*max).max(self.outstanding);
        out.emit_with_id(values![id], id);
    }
    fn ack(&mut self, id: Value) {
        self.outstanding -= 1;
        self.acked.lock().unwrap().push(id.as_i64().unwrap());
    }
    fn fail(&mut self, id: Value) {
        self.outstanding -= 1;
        let id = id.as_i64().unwrap();
        self.failed.lock().unwrap().push(id);
        self.replay.push_back(id);
    }
    fn is_finished(&self) -> bool {
        self.next >= self.n && self.replay.is_empty() && self.outstanding == 0
    }
}

/// Fails the first attempt of every id divisible by `every`; emits two children anchored to the input.
struct FailSome {
    every: i64,
    seen: BTreeSet<i64>,
}
impl Bolt for FailSome {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["id", "part"]);
    }
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        let id = t.get_i64(0).unwrap();
        if id % self.every == 0 && self.seen.insert(id) {
            out.fail(&t);
            return;
        }
        out.emit(&[&t], values![id, 0]);
        out.emit(&[&t], values![id, 1]);
        out.ack(&t);
    }
}

/// Acks everything and records the ids it saw.
struct Sink(Arc<Mutex<BTreeMap<i64, u64>>>);
impl Bolt for Sink {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        *self.0.lock().unwrap().entry(t.get_i64(0).unwrap()).or_insert(0) += 1;
        out.ack(&t);
    }
}

type Shared<T> = Arc<Mutex<T>>;

fn callbacks() -> (Shared<Vec<i64>>, Shared<Vec<i64>>, Shared<i64>) {
    (Default::default(), Default::default(), Default::default())
}

#[test]
fn failed_tuples_are_replayed_until_every_message_is_acked_once() {
    let (acked, failed, max) = callbacks();
    let seen = Arc::new(Mutex::new(BTreeMap::new()));
    let mut b = TopologyBuilder::new();
    let (a2, f2, m2) = (acked.clone(), failed.clone(), max.clone());
    b.set_spout("source", 1, move || Source::new(1000, a2.clone(), f2.clone(), m2.clone()));
    // Fields grouping: a replay reaches the task that failed the first attempt.
    b.set_bolt("flaky", 3, || FailSome { every: 7, seen: BTreeSet::new() }).fields_grouping("source", ["id"]);
    let s2 = seen.clone();
    b.set_bolt("sink", 2, move || Sink(s2.clone())).shuffle_grouping("flaky");
    let cluster = LocalCluster::new();
    cluster.submit("r", &config(2), b.build().unwrap(), RunOptions::new()).unwrap();
    let stats = cluster.take("r").unwrap().run_to_completion(Duration::from_secs(60)).unwrap();
    let mut acked = acked.lock().unwrap().clone();
    acked.sort();
    assert_eq!(acked, (0..1000).collect::<Vec<_>>(), "every message acked exactly once");
    let mut failed = failed.lock().unwrap().clone();
    failed.sort();
    assert_eq!(
        failed,
        (0..1000).filter(|i| i % 7 == 0).collect::<Vec<_>>(),
        "each first attempt failed once"
    );
    // Both children of every message reached the sink (replays only after a fail, before any child).
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1000);
    assert!(seen.values().all(|c| *c == 2));
    let s = stats.component("source").unwrap();
    assert_eq!((s.acked, s.failed), (1000, 143));
    assert_eq!(stats.component("flaky").unwrap().failed, 143);
}

/// Holds (never acks) the first attempt of each tuple, or resets its timeout, as configured.
struct Holder {
    held: Vec<Tuple>,
    reset: bool,
    attempts: BTreeMap<i64, u32>,
}
impl Bolt for Holder {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        if t.is_tick() {
            if self.reset {
                for h in &self.held {
                    out.reset_timeout(h);
                }
            }
            return;
        }
        let id = t.get_i64(0).unwrap();
        let n = self.attempts.entry(id).or_insert(0);
        *n += 1;
        if *n == 1 {
            self.held.push(t);
        } else {
            out.ack(&t);
        }
    }
}

/// The clock, the acked and failed ids, and the running topology.
type Timed = (Arc<SimClock>, Shared<Vec<i64>>, Shared<Vec<i64>>, squall_runtime::RunningTopology);

fn timeout_topology(reset: bool) -> Timed {
    let (acked, failed, max) = callbacks();
    let mut b = TopologyBuilder::new();
    let (a2, f2, m2) = (acked.clone(), failed.clone(), max.clone());
    b.set_spout("source", 1, move || Source::new(3, a2.clone(), f2.clone(), m2.clone()));
    b.set_bolt("holder", 1, move || Holder { held: vec![], reset, attempts: BTreeMap::new() })
        .shuffle_grouping("source")
        .set_tick_frequency_secs(10);
    let clock = SimClock::new();
    let mut conf = config(1);
    conf.set_message_timeout_secs(30);
    let cluster = LocalCluster::new();
    cluster.submit("t", &conf, b.build().unwrap(), RunOptions::new().clock(clock.clone())).unwrap();
    (clock, acked, failed, cluster.take("t").unwrap())
}

#[test]
fn unacked_trees_time_out_between_one_and_two_timeouts_and_are_replayed() {
    let (clock, acked, failed, running) = timeout_topology(false);
    let executed = |r: &squall_runtime::RunningTopology| r.stats().component("holder").unwrap().executed;
    await_cond(Duration::from_secs(10), "3 tuples held", || executed(&running) >= 3);
    clock.advance(30_000);
    // One rotation: not yet timed out (Storm fails between T and 2T).
    await_cond(Duration::from_secs(10), "ticks processed", || {
        running.stats().component("holder").unwrap().executed >= 6
    });
    assert!(failed.lock().unwrap().is_empty());
    clock.advance(30_000);
    await_cond(Duration::from_secs(10), "timeouts", || failed.lock().unwrap().len() == 3);
    running.wait_until_finished(Duration::from_secs(10)).unwrap();
    let mut a = acked.lock().unwrap().clone();
    a.sort();
    assert_eq!(a, vec![0, 1, 2]);
    let stats = running.kill(Duration::ZERO).unwrap();
    assert_eq!(stats.component("source").unwrap().failed, 3);
}

#[test]
fn reset_timeout_keeps_a_held_tree_alive() {
    let (clock, _acked, failed, running) = timeout_topology(true);
    await_cond(Duration::from_secs(10), "3 tuples held", || {
        running.stats().component("holder").unwrap().executed >= 3
    });
    for round in 1..=6u64 {
        // Each 10 s the holder ticks and resets every held tree; timeouts rotate every 30 s.
        clock.advance(10_000);
        await_cond(Duration::from_secs(10), "tick", || {
            running.stats().component("holder").unwrap().executed >= 3 + round
        });
        // Let the reset reach the acker and the spout before time moves on.
        await_cond(Duration::from_secs(10), "quiet", || {
            running.stats().executors.iter().all(|e| e.queued_batches == 0)
        });
    }
    assert!(failed.lock().unwrap().is_empty(), "60 s passed, yet resets kept every tree alive");
    drop(running);
}

#[test]
fn max_spout_pending_bounds_trees_in_flight() {
    let (acked, failed, max) = callbacks();
    let mut b = TopologyBuilder::new();
    let (a2, f2, m2) = (acked.clone(), failed.clone(), max.clone());
    b.set_spout("source", 1, move || Source::new(5_000, a2.clone(), f2.clone(), m2.clone()))
        .set_max_spout_pending(16);
    let s = Arc::new(Mutex::new(BTreeMap::new()));
    let s2 = s.clone();
    b.set_bolt("sink", 2, move || Sink(s2.clone())).shuffle_grouping("source");
    let cluster = LocalCluster::new();
    cluster.submit("p", &config(1), b.build().unwrap(), RunOptions::new()).unwrap();
    cluster.take("p").unwrap().run_to_completion(Duration::from_secs(60)).unwrap();
    assert_eq!(acked.lock().unwrap().len(), 5_000);
    let max = *max.lock().unwrap();
    assert!((2..=16).contains(&max), "at most 16 trees pending, saw {max}");
}

/// Joins pairs: buffers one tuple per id from each side, emits anchored to both, acks both.
struct Join {
    left: BTreeMap<i64, Tuple>,
    right: BTreeMap<i64, Tuple>,
}
impl Bolt for Join {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["id"]);
    }
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        let id = t.get_i64(0).unwrap();
        let (mine, other) = if t.source_component() == "left" {
            (&mut self.left, &mut self.right)
        } else {
            (&mut self.right, &mut self.left)
        };
        match other.remove(&id) {
            Some(o) => {
                out.emit(&[&t, &o], values![id]);
                out.ack(&t);
                out.ack(&o);
            }
            None => {
                mine.insert(id, t);
            }
        }
    }
}

/// Fails ids divisible by 5 (first time) and acks the rest.
struct FailFifth(BTreeSet<i64>);
impl Bolt for FailFifth {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        let id = t.get_i64(0).unwrap();
        if id % 5 == 0 && self.0.insert(id) { out.fail(&t) } else { out.ack(&t) }
    }
}

#[test]
fn multi_anchored_join_completes_both_roots_and_a_fail_fails_both() {
    let (la, lf, lm) = callbacks();
    let (ra, rf, rm) = callbacks();
    let mut b = TopologyBuilder::new();
    b.set_spout("left", 1, move || Source::new(200, la.clone(), lf.clone(), lm.clone()));
    b.set_spout("right", 1, move || Source::new(200, ra.clone(), rf.clone(), rm.clone()));
    b.set_bolt("join", 1, || Join { left: BTreeMap::new(), right: BTreeMap::new() })
        .fields_grouping("left", ["id"])
        .fields_grouping("right", ["id"]);
    b.set_bolt("check", 2, || FailFifth(BTreeSet::new())).fields_grouping("join", ["id"]);
    let cluster = LocalCluster::new();
    cluster.submit("j", &config(2), b.build().unwrap(), RunOptions::new()).unwrap();
    let stats = cluster.take("j").unwrap().run_to_completion(Duration::from_secs(60)).unwrap();
    for side in ["left", "right"] {
        let s = stats.component(side).unwrap();
        assert_eq!(s.acked, 200, "{side}: every root completes");
        // Each failed join output fails the root on both sides once; the replays then pair up again.
        assert_eq!(s.failed, 40, "{side}: ids divisible by 5 fail once");
    }
}

/// Emits without message ids; counts callbacks.
struct Untracked {
    left: u32,
    callbacks: Counter,
}
impl Spout for Untracked {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["id"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if self.left > 0 {
            self.left -= 1;
            out.emit(values![self.left as i64]);
        }
    }
    fn ack(&mut self, _: Value) {
        self.callbacks.add(1);
    }
    fn fail(&mut self, _: Value) {
        self.callbacks.add(1);
    }
    fn is_finished(&self) -> bool {
        self.left == 0
    }
}

/// Re-emits unanchored, then fails the input.
struct Unanchor;
impl Bolt for Unanchor {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["id"]);
    }
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        out.emit(&[], values![t.get_i64(0).unwrap()]);
        out.ack(&t);
    }
}

#[test]
fn emits_without_message_id_or_anchors_are_never_tracked() {
    let untracked_callbacks = Counter::default();
    let c2 = untracked_callbacks.clone();
    let mut b = TopologyBuilder::new();
    b.set_spout("untracked", 1, move || Untracked { left: 100, callbacks: c2.clone() });
    b.set_bolt("unanchor", 1, || Unanchor).shuffle_grouping("untracked");
    b.set_bolt("fail", 1, || FailFifth(BTreeSet::new())).shuffle_grouping("unanchor");
    let (acked, failed, max) = callbacks();
    b.set_spout("tracked", 1, move || Source::new(50, acked.clone(), failed.clone(), max.clone()));
    b.set_bolt("unanchor2", 1, || Unanchor).shuffle_grouping("tracked");
    b.set_bolt("fail2", 1, || FailFifth(BTreeSet::new())).shuffle_grouping("unanchor2");
    let cluster = LocalCluster::new();
    cluster.submit("u", &config(1), b.build().unwrap(), RunOptions::new()).unwrap();
    let stats = cluster.take("u").unwrap().run_to_completion(Duration::from_secs(30)).unwrap();
    assert_eq!(untracked_callbacks.get(), 0, "no message id: no ack or fail callbacks");
    let t = stats.component("tracked").unwrap();
    assert_eq!((t.acked, t.failed), (50, 0), "fails downstream of an unanchored emit do not reach the root");
    assert_eq!(stats.component("fail2").unwrap().failed, 10);
}

/// Acks each input when the next one arrives (and the last one at a tick): trees outlive the
/// spout's emit.
struct AckLater(Option<Tuple>);
impl Bolt for AckLater {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        if let Some(previous) = self.0.take() {
            out.ack(&previous);
        }
        if !t.is_tick() {
            self.0 = Some(t);
        }
    }
}

fn chained(
    bolt: impl Fn() -> Box<dyn Bolt> + Send + Sync + 'static,
    n: i64,
) -> squall_runtime::TopologyStats {
    let (acked, failed, max) = callbacks();
    let mut b = TopologyBuilder::new();
    b.set_spout("source", 1, move || Source::new(n, acked.clone(), failed.clone(), max.clone()));
    b.set_bolt_factory("bolt", 1, std::sync::Arc::new(bolt))
        .local_or_shuffle_grouping("source")
        .add_configuration("squall.tick.tuple.freq.millis", 50);
    let cluster = LocalCluster::new();
    cluster.submit("c", &config(1), b.build().unwrap(), RunOptions::new()).unwrap();
    cluster.take("c").unwrap().run_to_completion(Duration::from_secs(30)).unwrap()
}

#[test]
fn chained_trees_complete_without_acker_traffic() {
    let stats = chained(|| Box::new(FailSome { every: i64::MAX, seen: BTreeSet::new() }), 1_000);
    assert_eq!(stats.component("source").unwrap().acked, 1_000);
    assert_eq!(stats.component("__acker").unwrap().executed, 0, "every tree completed inside the executor");
}

#[test]
fn a_fail_inside_a_chained_tree_fails_the_root_without_the_acker() {
    let stats = chained(|| Box::new(FailSome { every: 10, seen: BTreeSet::new() }), 1_000);
    let s = stats.component("source").unwrap();
    assert_eq!((s.acked, s.failed), (1_000, 100), "first attempts of multiples of ten fail, replays succeed");
    assert_eq!(stats.component("__acker").unwrap().executed, 0);
}

#[test]
fn a_tree_outliving_the_emit_completes_through_the_acker() {
    let stats = chained(|| Box::new(AckLater(None)), 500);
    assert_eq!(stats.component("source").unwrap().acked, 500);
    assert!(stats.component("__acker").unwrap().executed >= 500, "init and late ack went to the acker");
}
