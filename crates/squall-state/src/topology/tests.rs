use squall_api::{BoltCollector, OutputDeclarer, Spout, SpoutCollector, Tuple};

use super::*;
use crate::KeyValueState;

struct Source;
impl Spout for Source {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
    }
    fn next_tuple(&mut self, _: &mut SpoutCollector<'_>) {}
}

struct Pass;
impl squall_api::Bolt for Pass {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
    }
    fn execute(&mut self, t: Tuple, c: &mut BoltCollector<'_>) {
        c.ack(&t);
    }
}

struct Count;
impl StatefulBolt for Count {
    type Key = String;
    type Value = u64;
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, _: &mut KeyValueState<String, u64>, c: &mut BoltCollector<'_>) {
        c.ack(&t);
    }
}

fn checkpoint_inputs(t: &Topology, id: &str) -> Vec<String> {
    let mut v: Vec<String> = t
        .component(id)
        .unwrap()
        .inputs
        .iter()
        .filter(|s| s.source.stream == CHECKPOINT_STREAM)
        .map(|s| {
            assert!(matches!(s.grouping, Grouping::All), "all grouping");
            s.source.component.to_string()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn rewriting_adds_the_checkpoint_spout_and_subscribes_every_bolt() {
    let mut b = StatefulTopologyBuilder::new();
    b.set_spout("a", 1, || Source);
    b.set_spout("b", 1, || Source);
    b.set_bolt("split", 2, || Pass).shuffle_grouping("a").shuffle_grouping("b");
    b.set_bolt("loop", 1, || Pass).shuffle_grouping("split").shuffle_grouping("loop");
    b.set_stateful_bolt("count", 3, || Count).fields_grouping("split", ["word"]).shuffle_grouping("a");
    let t = b.build().expect("valid");
    let spout = t.component(CHECKPOINT_COMPONENT).expect("added");
    assert_eq!(spout.parallelism, 1);
    assert_eq!(spout.output(CHECKPOINT_STREAM).unwrap().fields, Fields::from(["txid", "action"]));
    assert_eq!(checkpoint_inputs(&t, "split"), vec!["$checkpointspout"], "two spouts, one checkpoint input");
    assert_eq!(checkpoint_inputs(&t, "loop"), vec!["split"], "no checkpoint from itself");
    assert_eq!(checkpoint_inputs(&t, "count"), vec!["$checkpointspout", "split"]);
    for id in ["split", "loop", "count"] {
        assert!(t.component(id).unwrap().output(CHECKPOINT_STREAM).is_some(), "{id} forwards checkpoints");
    }
}

#[test]
fn without_stateful_bolts_nothing_changes() {
    let mut b = StatefulTopologyBuilder::new();
    b.set_spout("a", 1, || Source);
    b.set_bolt("split", 2, || Pass).shuffle_grouping("a");
    let t = b.build().unwrap();
    assert!(t.component(CHECKPOINT_COMPONENT).is_none());
    assert!(t.component("split").unwrap().output(CHECKPOINT_STREAM).is_none());
}

#[test]
fn with_checkpointing_works_on_a_plain_builder() {
    let mut b = TopologyBuilder::new();
    b.set_spout("a", 1, || Source);
    b.set_bolt("count", 1, || StatefulBoltExecutor::new(Count)).shuffle_grouping("a");
    let t = with_checkpointing(b, &["count"]).build().unwrap();
    assert_eq!(checkpoint_inputs(&t, "count"), vec!["$checkpointspout"]);
}
