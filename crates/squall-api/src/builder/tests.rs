use super::*;
use crate::{BoltCollector, SpoutCollector, Tuple, values};

struct TestSpout;
impl Spout for TestSpout {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
        d.declare_stream("pairs", ["left", "right"]);
        d.declare_direct_stream("direct", ["x"]);
    }
    fn next_tuple(&mut self, c: &mut SpoutCollector<'_>) {
        c.emit(values!["w"]);
    }
}

struct TestBolt;
impl Bolt for TestBolt {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["out"]);
    }
    fn execute(&mut self, t: Tuple, c: &mut BoltCollector<'_>) {
        c.ack(&t);
    }
}

struct BadDeclarations;
impl Bolt for BadDeclarations {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["a", "a"]);
        d.declare_stream("s", ["x"]);
        d.declare_stream("s", ["y"]);
    }
    fn execute(&mut self, _: Tuple, _: &mut BoltCollector<'_>) {}
}

fn messages(builder: TopologyBuilder) -> Vec<String> {
    builder.build().unwrap_err().0.iter().map(ToString::to_string).collect()
}

#[test]
fn a_valid_topology_builds() {
    let mut b = TopologyBuilder::new();
    b.set_spout("spout", 2, || TestSpout);
    b.set_bolt("bolt", 3, || TestBolt)
        .fields_grouping("spout", ["word"])
        .grouping_on("spout", "pairs", Grouping::PartialKey(Fields::from(["left"])))
        .direct_grouping("spout", "direct")
        .set_num_tasks(6);
    let t = b.build().unwrap();
    assert_eq!(t.components().count(), 2);
    let bolt = t.component("bolt").unwrap();
    assert_eq!((bolt.parallelism, bolt.num_tasks), (3, Some(6)));
    assert_eq!(bolt.inputs.len(), 3);
}

#[test]
fn every_structural_problem_is_named() {
    let mut b = TopologyBuilder::new();
    b.set_spout("spout", 1, || TestSpout);
    b.set_spout("spout", 1, || TestSpout);
    b.set_bolt("zero", 0, || TestBolt).shuffle_grouping("spout");
    b.set_bolt("ghost", 1, || TestBolt).shuffle_grouping("nobody");
    b.set_bolt("nostream", 1, || TestBolt).grouping_on("spout", "missing", Grouping::Shuffle);
    b.set_bolt("nofield", 1, || TestBolt).fields_grouping("spout", ["wrod"]);
    b.set_bolt("notdirect", 1, || TestBolt).direct_grouping("spout", "default");
    b.set_bolt("needsdirect", 1, || TestBolt).grouping_on("spout", "direct", Grouping::Shuffle);
    b.set_bolt("__reserved", 1, || TestBolt).shuffle_grouping("spout");
    b.set_bolt("twice", 1, || TestBolt).shuffle_grouping("spout").all_grouping("spout");
    b.set_bolt("tasks", 1, || TestBolt).shuffle_grouping("spout").set_num_tasks(0);
    b.set_bolt("conf", 1, || TestBolt).shuffle_grouping("spout").add_configuration("topology.debug", 3);
    assert_eq!(
        messages(b),
        vec![
            "component id 'spout' is used more than once",
            "component '__reserved': id '__reserved' is reserved (ids starting with '__' belong to the system)",
            "component 'conf': config key 'topology.debug': expected true or false, got integer (3)",
            "component 'ghost' subscribes to unknown component 'nobody'",
            "component 'needsdirect' uses shuffle grouping on stream 'spout:direct', which is a direct stream (it needs direct grouping)",
            "component 'nofield' groups stream 'spout:default' by field 'wrod', which that stream does not declare (its fields: [word])",
            "component 'nostream' subscribes to stream 'missing' of 'spout', which declares no such stream (it declares: default, pairs, direct)",
            "component 'notdirect' uses direct grouping on stream 'spout:default', which is not a direct stream",
            "component 'tasks': number of tasks must be at least 1, got 0",
            "component 'twice' subscribes to 'spout:default' more than once",
            "component 'zero': parallelism must be at least 1, got 0",
        ]
    );
}

#[test]
fn declaration_mistakes_are_reported_with_the_component() {
    let mut b = TopologyBuilder::new();
    b.set_bolt("decl", 1, || BadDeclarations);
    assert_eq!(
        messages(b),
        vec![
            "component 'decl': stream 'default' declares field 'a' more than once",
            "component 'decl': stream 's' is declared more than once",
        ]
    );
}
