//! [`BoltProtocol`]: the bolt side of checkpointing — buffering, alignment, deferred acks — without
//! I/O.

use squall_api::TaskId;

use super::{Action, Aligner, Alignment};

/// What the executor must do once a checkpoint action succeeded.
#[derive(Debug, PartialEq, Eq)]
pub enum Finished<T> {
    /// Nothing beyond forwarding and acking the checkpoint tuple.
    Nothing,
    /// COMMIT: really ack these user-acked inputs now.
    Ack(Vec<T>),
    /// ROLLBACK: fail these user-acked inputs, whose effects were rolled back.
    Fail(Vec<T>),
    /// First INITSTATE: process these inputs that arrived before the state was initialized, in
    /// order.
    Replay(Vec<T>),
}

/// Storm's `StatefulBoltExecutor` bookkeeping (storm-model §6.4) as a pure state machine over the
/// executor's tuples `T`.
///
/// - Data before the first INITSTATE is buffered ([`data`](Self::data)) and replayed after it.
/// - Acks the user gives are held ([`user_ack`](Self::user_ack)); a PREPARE moves them to the
///   prepared set; the COMMIT of that transaction releases them; a ROLLBACK fails the prepared set
///   and everything acked since.
/// - Checkpoint tuples are aligned across upstream tasks by an [`Aligner`].
///
/// The executor asks [`checkpoint`](Self::checkpoint) what to do with each checkpoint tuple; on
/// [`Alignment::Act`] it runs the state step (`prepare_commit`, `commit`, `rollback`, `init_state`)
/// and, if that succeeded, calls [`done`](Self::done), which returns the acks, fails or replays to
/// carry out.
#[derive(Debug)]
pub struct BoltProtocol<T> {
    aligner: Aligner,
    initialized: bool,
    buffered: Vec<T>,
    acked: Vec<T>,
    prepared: Vec<T>,
}

impl<T> BoltProtocol<T> {
    /// A bolt with `upstream` tasks feeding its `$checkpoint` inputs.
    pub fn new(upstream: usize) -> Self {
        Self {
            aligner: Aligner::new(upstream),
            initialized: false,
            buffered: vec![],
            acked: vec![],
            prepared: vec![],
        }
    }

    /// True once the first INITSTATE was carried out.
    pub fn is_initialized(&self) -> bool {
        self.initialized
    }

    /// A data tuple arrived: `Some` to process it now, `None` if it was buffered until INITSTATE.
    pub fn data(&mut self, tuple: T) -> Option<T> {
        if self.initialized {
            Some(tuple)
        } else {
            self.buffered.push(tuple);
            None
        }
    }

    /// The user acked `tuple`: hold the ack until the transaction covering it commits.
    pub fn user_ack(&mut self, tuple: T) {
        self.acked.push(tuple);
    }

    /// Acks held: (since the last prepare, covered by the prepared transaction).
    pub fn held(&self) -> (usize, usize) {
        (self.acked.len(), self.prepared.len())
    }

    /// A checkpoint tuple (`action`, `txid`) arrived from `source`.
    pub fn checkpoint(&mut self, source: TaskId, action: Action, txid: i64) -> Alignment {
        self.aligner.arrive(source, action, txid)
    }

    /// The state step of (`action`, `txid`) succeeded; returns what to do with held tuples.
    pub fn done(&mut self, action: Action, txid: i64) -> Finished<T> {
        self.aligner.acted(action, txid);
        match action {
            Action::Prepare => {
                self.prepared.append(&mut self.acked);
                Finished::Nothing
            }
            Action::Commit => Finished::Ack(std::mem::take(&mut self.prepared)),
            Action::Rollback => {
                let mut failed = std::mem::take(&mut self.prepared);
                failed.append(&mut self.acked);
                Finished::Fail(failed)
            }
            Action::InitState if !self.initialized => {
                self.initialized = true;
                Finished::Replay(std::mem::take(&mut self.buffered))
            }
            Action::InitState => Finished::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    const UP: TaskId = TaskId(1);

    #[test]
    fn buffers_until_initstate_then_replays_in_order() {
        let mut p = BoltProtocol::new(1);
        assert_eq!(p.data(1), None);
        assert_eq!(p.data(2), None);
        assert_eq!(p.checkpoint(UP, Action::InitState, -1), Alignment::Act);
        assert_eq!(p.done(Action::InitState, -1), Finished::Replay(vec![1, 2]));
        assert_eq!(p.data(3), Some(3));
        assert_eq!(p.done(Action::InitState, -1), Finished::Nothing, "only the first INITSTATE initializes");
    }

    #[test]
    fn rollback_fails_the_prepared_and_the_not_yet_prepared_acks() {
        let mut p = BoltProtocol::new(1);
        p.done(Action::InitState, -1);
        p.user_ack("a");
        p.done(Action::Prepare, 0);
        p.user_ack("b");
        assert_eq!(p.held(), (1, 1));
        assert_eq!(p.done(Action::Rollback, 0), Finished::Fail(vec!["a", "b"]));
        assert_eq!(p.held(), (0, 0));
    }

    #[test]
    fn commit_releases_only_what_the_prepare_covered() {
        let mut p = BoltProtocol::new(1);
        p.done(Action::InitState, -1);
        p.user_ack("a");
        p.done(Action::Prepare, 0);
        p.user_ack("b");
        assert_eq!(p.done(Action::Commit, 0), Finished::Ack(vec!["a"]));
        p.done(Action::Prepare, 1);
        assert_eq!(p.done(Action::Commit, 1), Finished::Ack(vec!["b"]));
    }

    #[derive(Clone, Debug)]
    enum Ev {
        Data,
        AckOldest,
        Checkpoint(Action),
    }

    fn ev() -> impl Strategy<Value = Ev> {
        prop_oneof![
            4 => Just(Ev::Data),
            4 => Just(Ev::AckOldest),
            1 => Just(Ev::Checkpoint(Action::Prepare)),
            1 => Just(Ev::Checkpoint(Action::Commit)),
            1 => Just(Ev::Checkpoint(Action::Rollback)),
            1 => Just(Ev::Checkpoint(Action::InitState)),
        ]
    }

    proptest! {
        /// Every user ack ends exactly once: released by the COMMIT of a transaction prepared after
        /// it, or failed by a ROLLBACK; data before INITSTATE is processed once, in order.
        #[test]
        fn every_ack_is_released_or_failed_exactly_once(events in proptest::collection::vec(ev(), 1..150)) {
            let mut p: BoltProtocol<u32> = BoltProtocol::new(1);
            let mut next = 0u32;
            let mut processing: Vec<u32> = vec![]; // processed, not yet acked by the user
            let mut processed_order: Vec<u32> = vec![];
            let mut acked_at_epoch: std::collections::HashMap<u32, u32> = Default::default();
            let mut epoch = 0u32; // prepares so far
            let mut prepared_epoch: Option<u32> = None;
            let mut finished: BTreeSet<u32> = BTreeSet::new();
            let mut txid = 0i64;
            for e in events {
                match e {
                    Ev::Data => {
                        if let Some(t) = p.data(next) {
                            processing.push(t);
                            processed_order.push(t);
                        }
                        next += 1;
                    }
                    Ev::AckOldest => {
                        if !processing.is_empty() {
                            let t = processing.remove(0);
                            acked_at_epoch.insert(t, epoch);
                            p.user_ack(t);
                        }
                    }
                    Ev::Checkpoint(action) => {
                        if action == Action::Prepare && !p.is_initialized() {
                            continue; // the executor fails the checkpoint tuple instead
                        }
                        match p.done(action, txid) {
                            Finished::Nothing => {}
                            Finished::Replay(ts) => {
                                prop_assert!(ts.windows(2).all(|w| w[0] < w[1]));
                                for t in ts {
                                    processing.push(t);
                                    processed_order.push(t);
                                }
                            }
                            Finished::Ack(ts) => {
                                for t in ts {
                                    let at = acked_at_epoch[&t];
                                    prop_assert!(prepared_epoch.is_some_and(|pe| at < pe), "{t} released by a commit not covering it");
                                    prop_assert!(finished.insert(t), "{t} finished twice");
                                }
                            }
                            Finished::Fail(ts) => {
                                for t in ts {
                                    prop_assert!(finished.insert(t), "{t} finished twice");
                                }
                            }
                        }
                        match action {
                            Action::Prepare => { epoch += 1; prepared_epoch = Some(epoch); }
                            Action::Commit | Action::Rollback => { prepared_epoch = None; txid += 1; }
                            Action::InitState => {}
                        }
                    }
                }
            }
            // Drain: a final prepare and commit release everything still held.
            if p.is_initialized() {
                p.done(Action::Prepare, txid);
                if let Finished::Ack(ts) = p.done(Action::Commit, txid) {
                    for t in ts { prop_assert!(finished.insert(t)); }
                }
            }
            let acked: BTreeSet<u32> = acked_at_epoch.keys().copied().collect();
            if p.is_initialized() {
                prop_assert_eq!(finished, acked);
            }
            let mut sorted = processed_order.clone();
            sorted.sort_unstable();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), processed_order.len(), "a tuple was processed twice");
        }
    }
}
