use std::convert::Infallible;

use proptest::prelude::*;

use super::*;

fn state(txid: i64, phase: Phase) -> CheckpointState {
    CheckpointState { txid, phase }
}

/// Polls with a recording save; returns the emitted step.
fn poll(m: &mut CheckpointMachine, now: u64, saved: &mut Vec<CheckpointState>) -> Option<(i64, Action)> {
    m.poll(now, |s| {
        saved.push(s);
        Ok::<(), Infallible>(())
    })
    .unwrap()
}

fn ack(m: &mut CheckpointMachine, txid: i64, saved: &mut Vec<CheckpointState>) {
    m.ack(txid, |s| {
        saved.push(s);
        Ok::<(), Infallible>(())
    })
    .unwrap();
}

#[test]
fn recovery_from_preparing_rolls_back_then_initializes() {
    let mut saved = vec![];
    let mut m = CheckpointMachine::new(state(5, Phase::Preparing), 1000);
    assert_eq!(poll(&mut m, 0, &mut saved), Some((5, Action::Rollback)));
    assert_eq!(poll(&mut m, 0, &mut saved), None, "one step at a time");
    ack(&mut m, 5, &mut saved);
    assert_eq!(saved, vec![state(4, Phase::Committed)]);
    assert_eq!(poll(&mut m, 0, &mut saved), Some((4, Action::InitState)));
    ack(&mut m, 4, &mut saved);
    assert!(!m.is_recovering());
    assert_eq!(saved.len(), 1, "INITSTATE's ack stores nothing");
    // Normal operation resumes with the rolled-back txid.
    assert_eq!(poll(&mut m, 0, &mut saved), Some((5, Action::Prepare)));
    assert_eq!(saved.last(), Some(&state(5, Phase::Preparing)));
}

#[test]
fn recovery_from_committing_commits_then_initializes() {
    let mut saved = vec![];
    let mut m = CheckpointMachine::new(state(5, Phase::Committing), 1000);
    assert_eq!(poll(&mut m, 0, &mut saved), Some((5, Action::Commit)));
    ack(&mut m, 5, &mut saved);
    assert_eq!(saved, vec![state(5, Phase::Committed)]);
    assert_eq!(poll(&mut m, 0, &mut saved), Some((5, Action::InitState)));
    ack(&mut m, 5, &mut saved);
    assert!(!m.is_recovering());
}

#[test]
fn recovery_from_committed_only_initializes_and_failed_steps_are_retried() {
    let mut saved = vec![];
    let mut m = CheckpointMachine::new(state(5, Phase::Committed), 1000);
    assert_eq!(poll(&mut m, 0, &mut saved), Some((5, Action::InitState)));
    m.fail(5);
    assert!(m.is_recovering());
    assert_eq!(poll(&mut m, 0, &mut saved), Some((5, Action::InitState)), "retried");
    ack(&mut m, 5, &mut saved);
    assert!(!m.is_recovering());
    assert!(saved.is_empty());
}

#[test]
fn normal_operation_prepares_commits_and_waits_for_the_interval() {
    let mut saved = vec![];
    let mut m = CheckpointMachine::new(CheckpointState::INITIAL, 1000);
    assert_eq!(poll(&mut m, 10, &mut saved), Some((-1, Action::InitState)));
    ack(&mut m, -1, &mut saved);
    assert!(m.is_idle());
    assert_eq!(poll(&mut m, 10, &mut saved), Some((0, Action::Prepare)), "first checkpoint at once");
    ack(&mut m, 0, &mut saved);
    assert_eq!(poll(&mut m, 11, &mut saved), Some((0, Action::Commit)), "commit right after the prepare");
    ack(&mut m, 0, &mut saved);
    assert_eq!(
        saved,
        vec![state(0, Phase::Preparing), state(0, Phase::Committing), state(0, Phase::Committed)]
    );
    assert!(m.is_idle());
    assert_eq!(poll(&mut m, 1010, &mut saved), None, "interval not elapsed");
    assert_eq!(poll(&mut m, 1011, &mut saved), Some((1, Action::Prepare)));
}

#[test]
fn acks_for_other_txids_are_ignored_and_a_failure_recovers() {
    let mut saved = vec![];
    let mut m = CheckpointMachine::new(state(3, Phase::Committed), 1000);
    poll(&mut m, 0, &mut saved);
    ack(&mut m, 3, &mut saved);
    assert_eq!(poll(&mut m, 0, &mut saved), Some((4, Action::Prepare)));
    ack(&mut m, 7, &mut saved);
    assert_eq!(m.in_flight(), Some((4, Action::Prepare)), "a stray ack changes nothing");
    m.fail(4);
    assert_eq!(poll(&mut m, 0, &mut saved), Some((4, Action::Rollback)));
}

#[test]
fn a_failed_save_emits_nothing_and_changes_nothing() {
    let mut m = CheckpointMachine::new(state(3, Phase::Committed), 1000);
    let mut saved = vec![];
    poll(&mut m, 0, &mut saved);
    ack(&mut m, 3, &mut saved);
    assert_eq!(m.poll(0, |_| Err("disk full")), Err("disk full"));
    assert_eq!(m.current(), state(3, Phase::Committed));
    assert_eq!(m.in_flight(), None);
    assert_eq!(poll(&mut m, 0, &mut saved), Some((4, Action::Prepare)));
    assert_eq!(m.ack(4, |_| Err("disk full")), Err("disk full"));
    assert!(m.is_recovering(), "an ack that could not be stored means recovery");
    assert_eq!(poll(&mut m, 0, &mut saved), Some((4, Action::Rollback)));
}

#[test]
fn the_interval_is_floored_at_100_ms() {
    assert_eq!(CheckpointMachine::new(CheckpointState::INITIAL, 5).interval_ms(), MIN_INTERVAL_MS);
}

/// A stateful bolt as the protocol sees it: its committed and prepared txids.
#[derive(Clone, Copy, Debug, Default)]
struct ModelBolt {
    committed: Option<i64>,
    prepared: Option<i64>,
}

impl ModelBolt {
    fn apply(&mut self, txid: i64, action: Action) {
        match action {
            Action::Prepare => self.prepared = Some(txid),
            Action::Commit => {
                if self.prepared == Some(txid) {
                    self.committed = Some(txid);
                    self.prepared = None;
                } else {
                    assert!(
                        self.committed.unwrap_or(-1) >= txid,
                        "COMMIT({txid}) of a bolt that never prepared it"
                    );
                }
            }
            Action::Rollback => self.prepared = None,
            Action::InitState => {}
        }
    }
}

#[derive(Clone, Debug)]
enum Event {
    /// Poll after this many milliseconds.
    Poll(u64),
    /// The tuple in flight is acked (all bolts did the action).
    Ack,
    /// The tuple in flight fails; `true`: the bolts did the action anyway.
    Fail(bool),
    /// The next save fails.
    BreakSave,
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        3 => (0u64..300).prop_map(Event::Poll),
        4 => Just(Event::Ack),
        1 => any::<bool>().prop_map(Event::Fail),
        1 => Just(Event::BreakSave),
    ]
}

proptest! {
    /// Whatever fails, every stored state agrees with what the bolts hold, stored states follow
    /// only the protocol's transitions, and each emitted action matches the stored state.
    #[test]
    fn stored_state_always_matches_the_bolts(events in proptest::collection::vec(event(), 1..200)) {
        let mut m = CheckpointMachine::new(CheckpointState::INITIAL, 100);
        let mut stored = CheckpointState::INITIAL;
        let mut bolt = ModelBolt::default();
        let mut now = 0u64;
        let mut broken = false;
        for e in events {
            match e {
                Event::BreakSave => broken = true,
                Event::Poll(dt) => {
                    now += dt;
                    let before = stored;
                    let step = m.poll(now, |s| {
                        if std::mem::take(&mut broken) { return Err(()); }
                        stored = s;
                        Ok(())
                    });
                    if let Ok(Some((txid, action))) = step {
                        let expected = match action {
                            Action::Prepare => (!m.is_recovering(), Phase::Preparing),
                            Action::Rollback => (m.is_recovering(), Phase::Preparing),
                            Action::Commit => (true, Phase::Committing),
                            Action::InitState => (m.is_recovering(), Phase::Committed),
                        };
                        prop_assert!(expected.0, "{action} while recovering = {}", m.is_recovering());
                        prop_assert_eq!(stored, CheckpointState { txid, phase: expected.1 });
                        if stored != before {
                            prop_assert_eq!(before.next_state(false), stored);
                        }
                    }
                }
                Event::Ack | Event::Fail(_) => {
                    let Some((txid, action)) = m.in_flight() else { continue };
                    let did = !matches!(e, Event::Fail(false));
                    if did {
                        bolt.apply(txid, action);
                    }
                    if let Event::Ack = e {
                        let before = stored;
                        let recovering = m.is_recovering();
                        let _ = m.ack(txid, |s| {
                            if std::mem::take(&mut broken) { return Err(()); }
                            stored = s;
                            Ok(())
                        });
                        if stored != before {
                            prop_assert_eq!(before.next_state(recovering), stored);
                        }
                    } else {
                        m.fail(txid);
                    }
                }
            }
            prop_assert_eq!(m.current(), stored);
            prop_assert!(
                stored.accepts_bolt(bolt.committed, bolt.prepared),
                "stored {} but the bolt holds {:?}", stored, bolt
            );
        }
    }

    /// Without failures, checkpoints keep committing.
    #[test]
    fn without_failures_every_checkpoint_commits(rounds in 1usize..20) {
        let mut m = CheckpointMachine::new(CheckpointState::INITIAL, 100);
        let mut now = 0;
        let mut committed = vec![];
        while committed.len() < rounds {
            now += 101;
            while let Some((txid, action)) = m.poll(now, |_| Ok::<(), ()>(())).unwrap() {
                if action == Action::Commit {
                    committed.push(txid);
                }
                m.ack(txid, |_| Ok::<(), ()>(())).unwrap();
            }
        }
        prop_assert_eq!(committed, (0..rounds as i64).collect::<Vec<_>>());
    }
}
