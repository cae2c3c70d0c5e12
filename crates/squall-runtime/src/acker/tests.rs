use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;

const SPOUT: TaskId = TaskId(7);

#[test]
fn storm_example_completes_once() {
    // Root r to A and B (edges a, b); A emits a child to C (edge c) and acks; B acks; C acks.
    let (r, a, b, c) = (1, 0b0001, 0b0010, 0b0100);
    let mut acker = Acker::new();
    assert_eq!(acker.handle(AckerInput::Init { root: r, value: a ^ b, spout_task: SPOUT }, 0), None);
    assert_eq!(acker.handle(AckerInput::Ack { root: r, value: a ^ c }, 1), None);
    assert_eq!(acker.handle(AckerInput::Ack { root: r, value: b }, 2), None);
    assert_eq!(
        acker.handle(AckerInput::Ack { root: r, value: c }, 5),
        Some(AckerOutput::Acked { spout_task: SPOUT, root: r, latency_ms: 5 })
    );
    assert_eq!(acker.pending(), 0);
}

#[test]
fn acks_before_init_wait_for_the_spout_task() {
    let mut acker = Acker::new();
    assert_eq!(acker.handle(AckerInput::Ack { root: 9, value: 3 }, 0), None);
    assert_eq!(
        acker.handle(AckerInput::Init { root: 9, value: 3, spout_task: SPOUT }, 0),
        Some(AckerOutput::Acked { spout_task: SPOUT, root: 9, latency_ms: 0 })
    );
}

#[test]
fn a_root_without_targets_completes_on_init() {
    let mut acker = Acker::new();
    assert!(matches!(
        acker.handle(AckerInput::Init { root: 4, value: 0, spout_task: SPOUT }, 0),
        Some(AckerOutput::Acked { .. })
    ));
}

#[test]
fn fail_before_init_fails_when_the_spout_is_known() {
    let mut acker = Acker::new();
    assert_eq!(acker.handle(AckerInput::Fail { root: 2 }, 0), None);
    assert_eq!(
        acker.handle(AckerInput::Init { root: 2, value: 5, spout_task: SPOUT }, 0),
        Some(AckerOutput::Failed { spout_task: SPOUT, root: 2 })
    );
}

#[test]
fn reset_is_reported_and_keeps_the_entry() {
    let mut acker = Acker::new();
    acker.handle(AckerInput::Init { root: 3, value: 5, spout_task: SPOUT }, 0);
    assert_eq!(
        acker.handle(AckerInput::ResetTimeout { root: 3 }, 0),
        Some(AckerOutput::TimeoutReset { spout_task: SPOUT, root: 3 })
    );
    assert_eq!(acker.pending(), 1);
}

#[test]
fn entries_are_dropped_after_three_rotations_unless_reset() {
    let mut acker = Acker::new();
    acker.handle(AckerInput::Init { root: 1, value: 5, spout_task: SPOUT }, 0);
    acker.handle(AckerInput::Init { root: 2, value: 5, spout_task: SPOUT }, 0);
    assert_eq!(acker.rotate(), 0);
    assert_eq!(acker.rotate(), 0);
    acker.handle(AckerInput::ResetTimeout { root: 2 }, 0);
    assert_eq!(acker.rotate(), 1, "root 1 is dropped");
    assert_eq!(acker.pending(), 1, "root 2 moved to the newest bucket");
}

#[test]
fn pending_roots_time_out_after_two_rotations() {
    let mut p = PendingRoots::new();
    p.insert(1, "a");
    assert!(p.rotate().is_empty());
    p.insert(2, "b");
    assert_eq!(p.rotate(), vec![(1, "a")]);
    assert!(p.reset(2));
    assert!(p.rotate().is_empty(), "reset moved root 2 to the newest bucket");
    assert_eq!(p.remove(2), Some("b"));
    assert!(p.is_empty());
}

/// A tuple in the model: its id (root → edge XOR) and its ack value.
#[derive(Clone, Debug)]
struct ModelTuple {
    id: BTreeMap<u64, u64>,
    ack_val: u64,
}

/// Simulates bolts processing random trees with Storm's collector arithmetic, delivers the acker
/// messages in a random order, and checks every root gets exactly one correct answer.
fn run_model(seed: u64, roots: usize, max_children: usize, fail_percent: u64, multi_anchor: bool) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut messages: Vec<AckerInput> = Vec::new();
    let mut live: Vec<ModelTuple> = Vec::new();
    let mut failed_roots = BTreeSet::new();
    let root_ids: Vec<u64> = (0..roots).map(|_| rng.u64(1..)).collect();
    for &r in &root_ids {
        let mut init = 0;
        for _ in 0..rng.usize(0..=3) {
            let e = rng.u64(..);
            init ^= e;
            live.push(ModelTuple { id: BTreeMap::from([(r, e)]), ack_val: 0 });
        }
        messages.push(AckerInput::Init { root: r, value: init, spout_task: SPOUT });
    }
    let mut budget = 200;
    while !live.is_empty() {
        let t = live.swap_remove(rng.usize(0..live.len()));
        let mut t = t;
        budget -= 1;
        let children = if budget > 0 { rng.usize(0..=max_children) } else { 0 };
        for _ in 0..children {
            let mut id = BTreeMap::new();
            let e = rng.u64(..);
            t.ack_val ^= e;
            for r in t.id.keys() {
                *id.entry(*r).or_insert(0) ^= e;
            }
            if multi_anchor && !live.is_empty() && rng.bool() {
                let other = rng.usize(0..live.len());
                let e2 = rng.u64(..);
                live[other].ack_val ^= e2;
                let other_roots: Vec<u64> = live[other].id.keys().copied().collect();
                for r in other_roots {
                    *id.entry(r).or_insert(0) ^= e2;
                }
            }
            live.push(ModelTuple { id, ack_val: 0 });
        }
        if rng.u64(0..100) < fail_percent {
            for r in t.id.keys() {
                failed_roots.insert(*r);
                messages.push(AckerInput::Fail { root: *r });
            }
        } else {
            for (r, e) in &t.id {
                messages.push(AckerInput::Ack { root: *r, value: e ^ t.ack_val });
            }
        }
    }
    rng.shuffle(&mut messages);
    let mut acker = Acker::new();
    let mut answers: BTreeMap<u64, Vec<AckerOutput>> = BTreeMap::new();
    for (i, m) in messages.into_iter().enumerate() {
        if let Some(out) = acker.handle(m, i as u64) {
            let root = match out {
                AckerOutput::Acked { root, .. } | AckerOutput::Failed { root, .. } => root,
                AckerOutput::TimeoutReset { .. } => unreachable!("no resets sent"),
            };
            answers.entry(root).or_default().push(out);
        }
    }
    for r in root_ids {
        let got = answers.get(&r).cloned().unwrap_or_default();
        assert_eq!(got.len(), 1, "root {r:x} must be answered exactly once, got {got:?}");
        if failed_roots.contains(&r) {
            assert!(matches!(got[0], AckerOutput::Failed { spout_task: SPOUT, .. }), "{got:?}");
        } else {
            assert!(matches!(got[0], AckerOutput::Acked { spout_task: SPOUT, .. }), "{got:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_trees_in_random_ack_orders_complete_exactly_once(
        seed in any::<u64>(), roots in 1usize..6, max_children in 0usize..4, multi in any::<bool>()
    ) {
        run_model(seed, roots, max_children, 0, multi);
    }

    #[test]
    fn a_fail_anywhere_fails_the_root_once(
        seed in any::<u64>(), roots in 1usize..6, max_children in 0usize..4, multi in any::<bool>()
    ) {
        run_model(seed, roots, max_children, 15, multi);
    }
}
