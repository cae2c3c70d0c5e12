//! Stateful windows survive a restart: a tumbling count window summing numbers keeps its totals
//! in checkpointed state; after a kill the spout starts over, and with message ids the windows
//! refill without evaluating any window twice.
#![allow(clippy::unwrap_used, reason = "test helpers panic on failure")]

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use squall_api::config::TOPOLOGY_STATE_CHECKPOINT_INTERVAL_MS;
use squall_api::{Config, OutputDeclarer, Spout, SpoutCollector, Topology, Value, values};
use squall_runtime::{LocalCluster, RunOptions};
use squall_state::window::{StatefulWindowedBolt, stateful_windowed};
use squall_state::{InMemoryProvider, KeyValueState, StatefulTopologyBuilder, load_committed, namespace};
use squall_window::{Length, Window, WindowCollector, WindowOptions};

const TOTAL: i64 = 100;

/// Emits (n, id = n) for n in 0..TOTAL, tracked, replaying failures.
struct Numbers {
    next: i64,
    replay: VecDeque<i64>,
}

impl Spout for Numbers {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["n", "id"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        let n = match self.replay.pop_front() {
            Some(n) => n,
            None if self.next < TOTAL => {
                self.next += 1;
                self.next - 1
            }
            None => return,
        };
        out.emit_with_id(values![n, n], n);
    }
    fn fail(&mut self, id: Value) {
        self.replay.extend(id.as_i64());
    }
}

/// Per window: counts it, adds its sum to the total, records the sum under its first number.
/// Fails the first PREPARE of the txids in `failing` (forcing rollbacks).
#[derive(Default)]
struct Sums {
    failing: Vec<i64>,
}

impl StatefulWindowedBolt for Sums {
    type Key = String;
    type Value = i64;
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["sum"]);
    }
    fn execute(
        &mut self,
        w: &Window<'_>,
        state: &mut KeyValueState<String, i64>,
        out: &mut WindowCollector<'_, '_>,
    ) {
        let numbers: Vec<i64> = w.tuples().iter().filter_map(|t| t.get_i64(0)).collect();
        let sum: i64 = numbers.iter().sum();
        state.put("windows".into(), state.get_or("windows", 0) + 1);
        state.put("total".into(), state.get_or("total", 0) + sum);
        let first = numbers.iter().min().copied().unwrap_or(-1);
        assert!(state.put(format!("w{first}"), sum).is_none(), "window starting at {first} evaluated twice");
        out.emit(values![sum]);
    }
    fn pre_prepare(
        &mut self,
        txid: i64,
        _: &mut KeyValueState<String, i64>,
    ) -> Result<(), squall_api::Failed> {
        match self.failing.iter().position(|t| *t == txid) {
            Some(i) => {
                self.failing.remove(i);
                Err(squall_api::Failed::new(format!("chaos at PREPARE({txid})")))
            }
            None => Ok(()),
        }
    }
}

fn topology(message_ids: bool) -> Topology {
    topology_failing(message_ids, vec![])
}

fn topology_failing(message_ids: bool, failing: Vec<i64>) -> Topology {
    let mut b = StatefulTopologyBuilder::new();
    b.set_spout("numbers", 1, || Numbers { next: 0, replay: VecDeque::new() });
    b.set_stateful_bolt("sums", 1, move || {
        let bolt =
            stateful_windowed(Sums { failing: failing.clone() }, WindowOptions::tumbling(Length::count(5)));
        if message_ids { bolt.with_message_id_field("id") } else { bolt }
    })
    .shuffle_grouping("numbers");
    b.build().unwrap()
}

fn committed(name: &str, task: squall_api::TaskId) -> HashMap<String, i64> {
    load_committed(&InMemoryProvider::named(name), &namespace("sums", task)).unwrap()
}

/// Runs until the committed number of windows reaches `windows`; returns the committed state.
fn run_until(cluster: &LocalCluster, name: &str, message_ids: bool, windows: i64) -> HashMap<String, i64> {
    run_topology_until(cluster, name, topology(message_ids), windows).0
}

/// Also returns the number of failed checkpoints (recoveries).
fn run_topology_until(
    cluster: &LocalCluster,
    name: &str,
    topology: Topology,
    windows: i64,
) -> (HashMap<String, i64>, u64) {
    let mut config = Config::new();
    config.set(TOPOLOGY_STATE_CHECKPOINT_INTERVAL_MS, 100);
    config.set_max_spout_pending(20);
    cluster.submit(name, &config, topology, RunOptions::new()).unwrap();
    let running = cluster.take(name).unwrap();
    let task = running.plan().task_map()["sums"][0];
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(e) = running.failure() {
            panic!("{name}: {e}");
        }
        let state = committed(name, task);
        if state.get("windows").copied().unwrap_or(0) >= windows {
            let stats = running.kill(Duration::ZERO).unwrap();
            return (state, stats.component("$checkpointspout").unwrap().failed);
        }
        assert!(Instant::now() < deadline, "{name}: {state:?} after 60 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn windows_refill_after_a_restart_without_firing_twice() {
    let name = "windows-message-ids";
    InMemoryProvider::clear(name);
    let cluster = LocalCluster::new();
    let before = run_until(&cluster, name, true, 4);
    assert!(before["windows"] < TOTAL / 5, "killed mid-run: {before:?}");
    let after = run_until(&cluster, name, true, TOTAL / 5);
    assert_eq!(after["windows"], TOTAL / 5);
    assert_eq!(after["total"], (0..TOTAL).sum::<i64>());
    for first in (0..TOTAL).step_by(5) {
        assert_eq!(after[&format!("w{first}")], 5 * first + 10, "window {first}");
    }
}

#[test]
fn without_message_ids_a_restart_evaluates_windows_again() {
    let name = "windows-no-message-ids";
    InMemoryProvider::clear(name);
    let cluster = LocalCluster::new();
    let before = run_until(&cluster, name, false, 4);
    let first_window = before.keys().filter_map(|k| k.strip_prefix('w')?.parse::<i64>().ok()).min().unwrap();
    // The replay starts again at 0 and evaluates window 0 a second time: Sums panics on that,
    // which stops the run with the message.
    let mut config = Config::new();
    config.set(TOPOLOGY_STATE_CHECKPOINT_INTERVAL_MS, 100);
    config.set_max_spout_pending(20);
    cluster.submit(name, &config, topology(false), RunOptions::new()).unwrap();
    let error = cluster.take(name).unwrap().run_to_completion(Duration::from_secs(60)).unwrap_err();
    assert!(
        error.to_string().contains(&format!("window starting at {first_window} evaluated twice")),
        "{error}"
    );
}

#[test]
fn windows_refill_after_a_rollback_without_firing_twice() {
    let name = "windows-rollback";
    InMemoryProvider::clear(name);
    let cluster = LocalCluster::new();
    let (after, recoveries) =
        run_topology_until(&cluster, name, topology_failing(true, vec![1, 2, 4]), TOTAL / 5);
    assert!(recoveries >= 3, "three prepares failed: {recoveries} recoveries");
    assert_eq!(after["windows"], TOTAL / 5);
    assert_eq!(after["total"], (0..TOTAL).sum::<i64>());
}
