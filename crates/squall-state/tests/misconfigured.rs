//! Stateful topologies that cannot work are refused at start with a message saying why.
#![allow(clippy::unwrap_used, reason = "test helpers panic on failure")]

mod common;

use std::time::Duration;

use common::word_count::{Sentences, WordCount};
use squall_api::{Config, TopologyBuilder};
use squall_runtime::{LocalCluster, RunOptions};
use squall_state::backend::IN_MEMORY_PROVIDER;
use squall_state::{
    Dedup, InMemoryProvider, KeyValueState, StatefulBolt, StatefulBoltExecutor, StatefulTopologyBuilder,
};

fn failure(name: &str, config: &Config, topology: squall_api::Topology) -> String {
    InMemoryProvider::clear(name);
    let cluster = LocalCluster::new();
    cluster.submit(name, config, topology, RunOptions::new()).unwrap();
    cluster.take(name).unwrap().run_to_completion(Duration::from_secs(30)).unwrap_err().to_string()
}

struct Sink;
impl StatefulBolt for Sink {
    type Key = String;
    type Value = u64;
    fn declare_outputs(&self, _: &mut squall_api::OutputDeclarer) {}
    fn execute(
        &mut self,
        t: squall_api::Tuple,
        _: &mut KeyValueState<String, u64>,
        c: &mut squall_api::BoltCollector<'_>,
    ) {
        c.ack(&t);
    }
}

#[test]
fn a_stateful_topology_without_acking_is_refused() {
    let mut wc = WordCount::new("misconfigured-acking", 5, IN_MEMORY_PROVIDER, None);
    wc.config.set_acker_executors(0);
    let error = failure(&wc.name, &wc.config, wc.topology(0));
    assert!(
        error.starts_with(
            "component '$checkpointspout' task 1 failed to start: a stateful topology needs tuple tracking"
        ),
        "{error}"
    );
}

#[test]
fn dedup_fields_missing_from_an_input_are_refused() {
    let mut b = StatefulTopologyBuilder::new();
    b.set_spout("sentences", 1, || Sentences::new(5));
    b.set_stateful_bolt("sink", 1, || Sink)
        .with_dedup(Dedup::fields(["line", "index"]))
        .shuffle_grouping("sentences");
    let error = failure("misconfigured-dedup", &Config::new(), b.build().unwrap());
    assert!(
        error.contains(
            "stateful bolt 'sink' deduplicates inputs by fields [\"line\", \"index\"], but its input 'sentences:default' \
             has no field 'index' (its fields: [line, sentence, done_below])"
        ),
        "{error}"
    );
}

#[test]
fn a_stateful_bolt_outside_a_rewritten_topology_is_refused() {
    let mut b = TopologyBuilder::new();
    b.set_spout("sentences", 1, || Sentences::new(5));
    b.set_bolt("sink", 1, || StatefulBoltExecutor::new(Sink)).shuffle_grouping("sentences");
    let error = failure("misconfigured-plain", &Config::new(), b.build().unwrap());
    assert!(error.contains("stateful bolt 'sink' receives no '$checkpoint' stream"), "{error}");
}
