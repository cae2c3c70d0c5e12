//! [`Aligner`]: act on a checkpoint once every upstream task has delivered it.

use std::collections::{BTreeSet, HashMap};

use squall_api::TaskId;

use super::Action;

/// What to do with one checkpoint tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alignment {
    /// Not every upstream task delivered this (action, txid) yet: ack the tuple and wait.
    Wait,
    /// The last upstream copy arrived: act on it (then forward it and ack it).
    Act,
    /// An older transaction than the last one acted on: ack and ignore it.
    Stale,
}

/// Storm's checkpoint alignment (`BaseStatefulBoltExecutor`): a bolt fed by *n* upstream tasks on
/// `$checkpoint` acts on an (action, txid) only when all *n* delivered it.
///
/// Two departures from Storm, both to survive failures in the middle of an alignment:
/// - Copies are counted per upstream task, not in total, so a retried action (a recovery step
///   emitted again after a failure) that one task delivers twice cannot stand in for another
///   task's copy.
/// - Partial alignments more than one txid behind the last acted-on txid are dropped: the spout
///   never returns to them, and Storm would keep them forever.
#[derive(Clone, Debug)]
pub struct Aligner {
    upstream: usize,
    seen: HashMap<(Action, i64), BTreeSet<TaskId>>,
    last_txid: Option<i64>,
}

impl Aligner {
    /// An aligner for a bolt with `upstream` tasks feeding its `$checkpoint` inputs (at least 1).
    pub fn new(upstream: usize) -> Self {
        Self { upstream: upstream.max(1), seen: HashMap::new(), last_txid: None }
    }

    /// The number of upstream tasks.
    pub fn upstream(&self) -> usize {
        self.upstream
    }

    /// The last txid acted on (after a ROLLBACK(t): t − 1).
    pub fn last_txid(&self) -> Option<i64> {
        self.last_txid
    }

    /// Partial alignments being tracked.
    pub fn pending(&self) -> usize {
        self.seen.len()
    }

    /// A copy of (`action`, `txid`) arrived from `source`. On [`Alignment::Act`] the caller acts,
    /// then calls [`acted`](Self::acted) if it succeeded.
    pub fn arrive(&mut self, source: TaskId, action: Action, txid: i64) -> Alignment {
        let seen = self.seen.entry((action, txid)).or_default();
        seen.insert(source);
        if seen.len() < self.upstream {
            return Alignment::Wait;
        }
        self.seen.remove(&(action, txid));
        if self.last_txid.is_some_and(|last| txid < last) { Alignment::Stale } else { Alignment::Act }
    }

    /// (`action`, `txid`) was carried out: later copies of older transactions are stale.
    pub fn acted(&mut self, action: Action, txid: i64) {
        let last = if action == Action::Rollback { txid - 1 } else { txid };
        self.last_txid = Some(last);
        self.seen.retain(|(_, t), _| *t >= last - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: TaskId = TaskId(1);
    const B: TaskId = TaskId(2);

    #[test]
    fn acts_once_both_upstream_tasks_delivered() {
        let mut al = Aligner::new(2);
        assert_eq!(al.arrive(A, Action::Prepare, 0), Alignment::Wait);
        assert_eq!(al.arrive(A, Action::Prepare, 0), Alignment::Wait, "a second copy from A is not B's");
        assert_eq!(al.arrive(B, Action::Prepare, 0), Alignment::Act);
        al.acted(Action::Prepare, 0);
        assert_eq!(al.pending(), 0);
        assert_eq!(al.arrive(B, Action::Commit, 0), Alignment::Wait);
        assert_eq!(al.arrive(A, Action::Commit, 0), Alignment::Act);
    }

    #[test]
    fn older_transactions_are_stale_and_a_rollback_reopens_its_txid() {
        let mut al = Aligner::new(1);
        assert_eq!(al.arrive(A, Action::Prepare, 5), Alignment::Act);
        al.acted(Action::Prepare, 5);
        assert_eq!(al.arrive(A, Action::Commit, 4), Alignment::Stale);
        assert_eq!(al.arrive(A, Action::Rollback, 5), Alignment::Act);
        al.acted(Action::Rollback, 5);
        assert_eq!(al.last_txid(), Some(4));
        assert_eq!(al.arrive(A, Action::InitState, 4), Alignment::Act);
        al.acted(Action::InitState, 4);
        assert_eq!(al.arrive(A, Action::Prepare, 5), Alignment::Act, "the rolled-back txid comes again");
    }

    #[test]
    fn partial_alignments_far_behind_are_dropped() {
        let mut al = Aligner::new(2);
        assert_eq!(al.arrive(A, Action::Prepare, 1), Alignment::Wait);
        assert_eq!(al.arrive(A, Action::Prepare, 2), Alignment::Wait);
        assert_eq!(al.pending(), 2);
        al.acted(Action::Commit, 3);
        assert_eq!(al.pending(), 1, "txid 1 is more than one behind 3");
    }
}
