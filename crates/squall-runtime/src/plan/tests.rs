use squall_api::{
    Bolt, BoltCollector, Config, OutputDeclarer, Spout, SpoutCollector, TaskId, TopologyBuilder, Tuple,
};

use super::*;

struct S;
impl Spout for S {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
    }
    fn next_tuple(&mut self, _: &mut SpoutCollector<'_>) {}
}
struct B;
impl Bolt for B {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
    }
    fn execute(&mut self, _: Tuple, _: &mut BoltCollector<'_>) {}
}

fn ids(v: &[TaskId]) -> Vec<i32> {
    v.iter().map(|t| t.0).collect()
}

#[test]
fn tasks_are_numbered_by_component_id_from_one_with_the_acker_included() {
    let mut b2 = TopologyBuilder::new();
    b2.set_spout("words", 2, || S);
    b2.set_bolt("count", 2, || B).fields_grouping("words", ["word"]).set_num_tasks(4);
    let topology = b2.build().expect("valid");
    let plan = Plan::new("t", &topology, &Config::new());
    // Sorted: "__acker" < "count" < "words".
    let names: Vec<&str> = plan.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(names, ["__acker", "count", "words"]);
    assert_eq!(ids(&plan.components[0].tasks), [1]);
    assert_eq!(ids(&plan.components[1].tasks), [2, 3, 4, 5]);
    assert_eq!(ids(&plan.components[2].tasks), [6, 7]);
    // Hint 2 with 4 tasks: executors [2,3] and [4,5] (Storm's example).
    let count_execs: Vec<Vec<i32>> =
        plan.executors.iter().filter(|e| e.component == 1).map(|e| ids(&e.tasks)).collect();
    assert_eq!(count_execs, [vec![2, 3], vec![4, 5]]);
    assert_eq!(plan.ackers, vec![TaskId(1)]);
    assert_eq!(plan.component_of(TaskId(4)).map(|c| c.id.as_str()), Some("count"));
}

#[test]
fn uneven_partition_gives_the_first_executors_one_task_more() {
    let parts = executors::partition(&(1..=7).map(TaskId).collect::<Vec<_>>(), 3);
    assert_eq!(parts.iter().map(|p| ids(p)).collect::<Vec<_>>(), [vec![1, 2, 3], vec![4, 5], vec![6, 7]]);
    let parts = executors::partition(&(1..=2).map(TaskId).collect::<Vec<_>>(), 5);
    assert_eq!(parts.len(), 2, "never more executors than tasks");
}

#[test]
fn zero_ackers_turn_tracking_off() {
    let mut b = TopologyBuilder::new();
    b.set_spout("s", 1, || S);
    let mut config = Config::new();
    config.set_acker_executors(0);
    let plan = Plan::new("t", &b.build().expect("valid"), &config);
    assert!(!plan.reliable());
    assert_eq!(plan.components.len(), 1);
}

fn chain_plan(build: impl FnOnce(&mut TopologyBuilder), chaining: bool) -> Plan {
    let mut b = TopologyBuilder::new();
    build(&mut b);
    let mut config = Config::new();
    config.set_chaining(chaining).set_acker_executors(0);
    Plan::new("t", &b.build().expect("valid"), &config)
}

#[test]
fn local_or_shuffle_with_equal_parallelism_is_chained_one_to_one() {
    let plan = chain_plan(
        |b| {
            b.set_spout("a", 2, || S);
            b.set_bolt("b", 2, || B).local_or_shuffle_grouping("a");
            b.set_bolt("c", 2, || B).none_grouping("b");
            b.set_bolt("d", 3, || B).shuffle_grouping("c");
        },
        true,
    );
    // a: 1-2, b: 3-4, c: 5-6, d: 7-9.
    let execs: Vec<Vec<i32>> = plan.executors.iter().map(|e| ids(&e.tasks)).collect();
    assert_eq!(execs, [vec![1, 3, 5], vec![2, 4, 6], vec![7], vec![8], vec![9]]);
    let off = chain_plan(
        |b| {
            b.set_spout("a", 2, || S);
            b.set_bolt("b", 2, || B).local_or_shuffle_grouping("a");
        },
        false,
    );
    assert_eq!(off.executors.len(), 4);
}

#[test]
fn a_single_task_consumer_of_a_single_executor_is_chained_whatever_the_grouping() {
    let plan = chain_plan(
        |b| {
            b.set_spout("a", 1, || S);
            b.set_bolt("b", 1, || B).fields_grouping("a", ["word"]);
        },
        true,
    );
    assert_eq!(plan.executors.len(), 1);
    assert_eq!(plan.executors[0].head_tasks, 1);
}

#[test]
fn shuffle_fields_unequal_parallelism_and_several_producers_are_not_chained() {
    let plan = chain_plan(
        |b| {
            b.set_spout("a", 2, || S);
            b.set_spout("a2", 2, || S);
            b.set_bolt("b", 2, || B).shuffle_grouping("a");
            b.set_bolt("c", 2, || B).fields_grouping("a", ["word"]);
            b.set_bolt("d", 3, || B).local_or_shuffle_grouping("a");
            b.set_bolt("e", 2, || B).local_or_shuffle_grouping("a").local_or_shuffle_grouping("a2");
        },
        true,
    );
    assert!(plan.executors.iter().all(|e| e.tasks.len() == e.head_tasks), "nothing chained");
}

#[test]
fn cycles_are_never_chained() {
    let plan = chain_plan(
        |b| {
            b.set_spout("s", 1, || S);
            b.set_bolt("x", 1, || B).shuffle_grouping("s").shuffle_grouping("y");
            b.set_bolt("y", 1, || B).shuffle_grouping("x");
        },
        true,
    );
    // y's only producer is x, but y reaches x: no chaining of y; x has two producers.
    assert!(plan.executors.iter().all(|e| e.tasks.len() == e.head_tasks));
}

#[test]
fn executors_are_dealt_round_robin_over_workers() {
    let mut b = TopologyBuilder::new();
    b.set_spout("s", 3, || S);
    let mut config = Config::new();
    config.set_workers(2).set_acker_executors(1).set_chaining(false);
    let plan = Plan::new("t", &b.build().expect("valid"), &config);
    let workers: Vec<u32> = plan.executors.iter().map(|e| e.worker).collect();
    assert_eq!(workers, [0, 1, 0, 1]);
    assert!(plan.describe().contains("spout s"));
}
