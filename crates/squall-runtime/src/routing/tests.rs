use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use proptest::prelude::*;
use squall_api::{Fields, Grouping, StreamSchema, TaskId, Value};

use super::*;

fn schema() -> &'static StreamSchema {
    StreamSchema::intern("src", "default", &Fields::from(["word", "n"]))
}

fn tasks(ids: &[i32]) -> Vec<TaskId> {
    ids.iter().map(|i| TaskId(*i)).collect()
}

fn settings(disabled: bool) -> GrouperSettings {
    GrouperSettings { loadaware_disabled: disabled, higher_bound: 0.8, lower_bound: 0.2 }
}

fn grouper(g: Grouping, targets: &[TaskId], locality: Locality, seed: u64) -> Grouper {
    Grouper::new(&g, schema(), targets, &locality, Arc::new(NoLoad), &settings(true), seed)
}

fn pick(g: &mut Grouper, values: &[Value]) -> Targets {
    let mut out = Targets::new();
    g.choose(TaskId(1), values, &mut out);
    out
}

#[test]
fn global_picks_the_lowest_task_and_all_reaches_every_task() {
    let t = tasks(&[5, 3, 9]);
    let mut g = grouper(Grouping::Global, &t, Locality::default(), 1);
    assert_eq!(pick(&mut g, &[Value::from("x")]).as_slice(), &tasks(&[3])[..]);
    let mut a = grouper(Grouping::All, &t, Locality::default(), 1);
    assert_eq!(pick(&mut a, &[]).as_slice(), &t[..]);
}

#[test]
fn round_robin_shuffle_is_exactly_even() {
    let t = tasks(&[1, 2, 3, 4]);
    let mut g = grouper(Grouping::Shuffle, &t, Locality::default(), 42);
    let mut counts = BTreeMap::new();
    for _ in 0..400 {
        *counts.entry(pick(&mut g, &[])[0]).or_insert(0) += 1;
    }
    assert_eq!(counts.values().copied().collect::<Vec<_>>(), vec![100; 4]);
}

#[test]
fn local_or_shuffle_stays_in_the_executor_then_the_worker() {
    let t = tasks(&[1, 2, 3, 4]);
    let locality = Locality { same_executor: tasks(&[3]), same_worker: tasks(&[2, 3]) };
    let mut g = grouper(Grouping::LocalOrShuffle, &t, locality, 1);
    for _ in 0..50 {
        assert_eq!(pick(&mut g, &[])[0], TaskId(3));
    }
    let locality = Locality { same_executor: vec![], same_worker: tasks(&[2, 4]) };
    let mut g = grouper(Grouping::LocalOrShuffle, &t, locality, 1);
    let seen: BTreeSet<TaskId> = (0..50).map(|_| pick(&mut g, &[])[0]).collect();
    assert_eq!(seen, tasks(&[2, 4]).into_iter().collect());
    let mut g = grouper(Grouping::LocalOrShuffle, &t, Locality::default(), 1);
    let seen: BTreeSet<TaskId> = (0..50).map(|_| pick(&mut g, &[])[0]).collect();
    assert_eq!(seen.len(), 4, "no local task: shuffle over all");
}

#[test]
fn partial_key_splits_a_hot_key_over_two_tasks() {
    let t = tasks(&[1, 2, 3, 4, 5, 6, 7, 8]);
    let mut g = grouper(Grouping::PartialKey(Fields::from(["word"])), &t, Locality::default(), 1);
    let mut counts = BTreeMap::new();
    for _ in 0..1000 {
        *counts.entry(pick(&mut g, &[Value::from("hot"), Value::I64(0)])[0]).or_insert(0u32) += 1;
    }
    assert_eq!(counts.len(), 2, "a key has exactly two candidates: {counts:?}");
    assert!(counts.values().all(|c| *c == 500), "balanced between them: {counts:?}");
}

struct EveryOther(Vec<TaskId>, usize);
impl squall_api::CustomStreamGrouping for EveryOther {
    fn prepare(&mut self, _: &squall_api::GlobalStreamId, targets: &[TaskId]) {
        self.0 = targets.to_vec();
    }
    fn choose_tasks(&mut self, _: TaskId, _: &[Value], out: &mut Vec<TaskId>) {
        self.1 += 1;
        out.push(self.0[self.1 % self.0.len()]);
        if self.1 == 3 {
            out.push(TaskId(999));
        }
    }
}

#[test]
fn custom_grouping_answers_are_checked_against_its_targets() {
    let t = tasks(&[10, 11]);
    let mut g =
        grouper(Grouping::custom("every-other", || EveryOther(vec![], 0)), &t, Locality::default(), 1);
    assert_eq!(pick(&mut g, &[])[0], TaskId(11));
    assert_eq!(pick(&mut g, &[])[0], TaskId(10));
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pick(&mut g, &[]))).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("custom grouping 'every-other' chose task 999"), "{msg}");
}

/// Loads set by the test.
struct Loads(Mutex<BTreeMap<TaskId, f64>>);
impl LoadSource for Loads {
    fn load(&self, task: TaskId) -> f64 {
        self.0.lock().unwrap().get(&task).copied().unwrap_or(0.0)
    }
}

#[test]
fn load_aware_shuffle_shifts_away_from_loaded_tasks_and_widens_its_scope() {
    let loads = Arc::new(Loads(Mutex::new(BTreeMap::new())));
    let mut g = LoadAware::new(tasks(&[1, 2]), tasks(&[1, 2, 3, 4]), loads.clone(), settings(false), 7);
    assert_eq!(g.scope_targets(), &tasks(&[1, 2])[..], "starts worker-local");
    // Task 1 loaded: its weight drops, task 2 gets most of the ring.
    loads.0.lock().unwrap().insert(TaskId(1), 0.5);
    let count = |g: &mut LoadAware| {
        let mut counts = BTreeMap::new();
        for _ in 0..9_000 {
            *counts.entry(g.next_target()).or_insert(0u32) += 1;
        }
        counts
    };
    for _ in 0..5 {
        g.refresh();
    }
    // Weights 50 and 100 (−10 per refresh for the loaded task): one third and two thirds.
    let counts = count(&mut g);
    assert!((2900..3100).contains(&counts[&TaskId(1)]), "{counts:?}");
    for _ in 0..5 {
        g.refresh();
    }
    let counts = count(&mut g);
    assert_eq!(counts.get(&TaskId(1)), None, "weight 0: no slots left: {counts:?}");
    // Both local tasks overloaded: widen to every task; relieved: narrow again.
    loads.0.lock().unwrap().extend([(TaskId(1), 0.95), (TaskId(2), 0.95)]);
    g.refresh();
    assert_eq!(g.scope_targets(), &tasks(&[1, 2, 3, 4])[..]);
    loads.0.lock().unwrap().extend([(TaskId(1), 0.0), (TaskId(2), 0.0)]);
    g.refresh();
    assert_eq!(g.scope_targets(), &tasks(&[1, 2])[..]);
}

proptest! {
    #[test]
    fn fields_grouping_sends_equal_keys_to_the_same_task_in_every_grouper(
        words in proptest::collection::vec("[a-z]{1,12}", 1..50), n in 1usize..9, seed_a in any::<u64>(), seed_b in any::<u64>()
    ) {
        let t: Vec<TaskId> = (1..=n as i32).map(TaskId).collect();
        let g = Grouping::Fields(Fields::from(["word"]));
        let mut a = grouper(g.clone(), &t, Locality::default(), seed_a);
        let mut b = grouper(g, &t, Locality::default(), seed_b);
        for w in &words {
            let x = pick(&mut a, &[Value::from(w.as_str()), Value::I64(1)]);
            let y = pick(&mut b, &[Value::from(w.as_str()), Value::I64(2)]);
            prop_assert_eq!(x.len(), 1);
            prop_assert_eq!(&x, &y, "same key, same task, whatever the other fields");
            prop_assert!(t.contains(&x[0]));
            let again = pick(&mut a, &[Value::from(w.as_str()), Value::I64(3)]);
            prop_assert_eq!(x, again);
        }
    }

    #[test]
    fn every_grouping_only_picks_its_targets(kind in 0u8..6, n in 1usize..8, seed in any::<u64>(), key in any::<i64>()) {
        let t: Vec<TaskId> = (10..10 + n as i32).map(TaskId).collect();
        let g = match kind {
            0 => Grouping::Shuffle,
            1 => Grouping::Fields(Fields::from(["n"])),
            2 => Grouping::PartialKey(Fields::from(["n"])),
            3 => Grouping::None,
            4 => Grouping::LocalOrShuffle,
            _ => Grouping::Global,
        };
        let mut gr = Grouper::new(&g, schema(), &t, &Locality::default(), Arc::new(NoLoad), &settings(seed % 2 == 0), seed);
        for i in 0..64 {
            let out = pick(&mut gr, &[Value::from("w"), Value::I64(key.wrapping_add(i))]);
            prop_assert_eq!(out.len(), 1);
            prop_assert!(t.contains(&out[0]));
        }
    }

    #[test]
    fn round_robin_is_even_over_whole_rounds(n in 1usize..10, rounds in 1usize..20, seed in any::<u64>()) {
        let t: Vec<TaskId> = (1..=n as i32).map(TaskId).collect();
        let mut g = grouper(Grouping::Shuffle, &t, Locality::default(), seed);
        let mut counts = BTreeMap::new();
        for _ in 0..n * rounds {
            *counts.entry(pick(&mut g, &[])[0]).or_insert(0usize) += 1;
        }
        prop_assert!(counts.values().all(|c| *c == rounds));
    }
}

#[test]
fn a_grouper_with_one_possible_target_says_so() {
    let one = tasks(&[4]);
    let many = tasks(&[4, 5]);
    for g in [
        Grouping::Shuffle,
        Grouping::LocalOrShuffle,
        Grouping::None,
        Grouping::Fields(Fields::from(["word"])),
        Grouping::All,
    ] {
        assert_eq!(grouper(g.clone(), &one, Locality::default(), 1).fixed_target(), Some(TaskId(4)), "{g}");
        assert_eq!(grouper(g.clone(), &many, Locality::default(), 1).fixed_target(), None, "{g}");
    }
    assert_eq!(grouper(Grouping::Global, &many, Locality::default(), 1).fixed_target(), Some(TaskId(4)));
    let chained = Locality { same_executor: tasks(&[5]), same_worker: many.clone() };
    assert_eq!(grouper(Grouping::LocalOrShuffle, &many, chained, 1).fixed_target(), Some(TaskId(5)));
    assert_eq!(grouper(Grouping::Direct, &one, Locality::default(), 1).fixed_target(), None);
}
