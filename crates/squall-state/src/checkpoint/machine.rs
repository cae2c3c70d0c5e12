//! [`CheckpointMachine`]: the checkpoint spout's recovery and normal state machine, without I/O.

use super::{Action, CheckpointState, Phase};

/// The lowest checkpoint interval Storm allows, in milliseconds.
pub const MIN_INTERVAL_MS: u64 = 100;

/// Storm's `CheckpointSpout` logic (storm-model §6.3) as a pure state machine.
///
/// It knows the last *stored* [`CheckpointState`] and whether it is recovering. The spout calls
/// [`poll`](Self::poll) from `next_tuple` and emits what it returns (one tracked tuple, message id
/// = txid), then reports the tuple's fate with [`ack`](Self::ack) or [`fail`](Self::fail). Every
/// state change goes through the `save` callback *before* the machine adopts it, so the stored
/// state never lags the emitted actions: a failed save leaves the machine where it was (in
/// recovery when an ack could not be recorded).
///
/// Recovery, at every start and after any failure:
///
/// | stored | emit | on ack |
/// |---|---|---|
/// | PREPARING(t) | ROLLBACK(t) | store COMMITTED(t−1), continue |
/// | COMMITTING(t) | COMMIT(t) | store COMMITTED(t), continue |
/// | COMMITTED(t) | INITSTATE(t) | recovery done |
///
/// Normal: COMMITTED(t) and the interval elapsed → store PREPARING(t+1), emit PREPARE(t+1); ack →
/// store COMMITTING(t+1), emit COMMIT(t+1) at the next poll; ack → store COMMITTED(t+1).
#[derive(Clone, Debug)]
pub struct CheckpointMachine {
    current: CheckpointState,
    recovering: bool,
    in_flight: Option<(i64, Action)>,
    interval_ms: u64,
    last_prepare_ms: Option<u64>,
}

impl CheckpointMachine {
    /// A machine starting from the stored state `stored`, in recovery, checkpointing every
    /// `interval_ms` (at least [`MIN_INTERVAL_MS`]).
    pub fn new(stored: CheckpointState, interval_ms: u64) -> Self {
        Self {
            current: stored,
            recovering: true,
            in_flight: None,
            interval_ms: interval_ms.max(MIN_INTERVAL_MS),
            last_prepare_ms: None,
        }
    }

    /// The stored state.
    pub fn current(&self) -> CheckpointState {
        self.current
    }

    /// True until an INITSTATE was acked.
    pub fn is_recovering(&self) -> bool {
        self.recovering
    }

    /// The emitted action awaiting its ack or fail.
    pub fn in_flight(&self) -> Option<(i64, Action)> {
        self.in_flight
    }

    /// True between checkpoints: recovered, nothing in flight, the last transaction committed.
    pub fn is_idle(&self) -> bool {
        !self.recovering && self.in_flight.is_none() && self.current.phase == Phase::Committed
    }

    /// The checkpoint interval in milliseconds.
    pub fn interval_ms(&self) -> u64 {
        self.interval_ms
    }

    /// What to emit now (as txid and action), if anything.
    ///
    /// # Errors
    /// The error of `save`; nothing is emitted then and the machine is unchanged.
    pub fn poll<E>(
        &mut self,
        now_ms: u64,
        save: impl FnOnce(CheckpointState) -> Result<(), E>,
    ) -> Result<Option<(i64, Action)>, E> {
        if self.in_flight.is_some() {
            return Ok(None);
        }
        if !self.recovering && self.current.phase == Phase::Committed {
            let due = self.last_prepare_ms.is_none_or(|last| now_ms.saturating_sub(last) > self.interval_ms);
            if !due {
                return Ok(None);
            }
            let next = self.current.next_state(false);
            save(next)?;
            self.current = next;
            self.last_prepare_ms = Some(now_ms);
        }
        let step = (self.current.txid, self.current.next_action(self.recovering));
        self.in_flight = Some(step);
        Ok(Some(step))
    }

    /// The emitted tuple with message id `txid` was acked. Acks for anything but the tuple in
    /// flight are ignored.
    ///
    /// # Errors
    /// The error of `save`; the machine then goes (back) to recovery from the state it had.
    pub fn ack<E>(
        &mut self,
        txid: i64,
        save: impl FnOnce(CheckpointState) -> Result<(), E>,
    ) -> Result<(), E> {
        match self.in_flight {
            Some((t, _)) if t == txid => {}
            _ => return Ok(()),
        }
        self.in_flight = None;
        let next = self.current.next_state(self.recovering);
        if self.recovering && next == self.current {
            self.recovering = false;
            return Ok(());
        }
        if let Err(e) = save(next) {
            self.recovering = true;
            return Err(e);
        }
        self.current = next;
        Ok(())
    }

    /// The emitted tuple failed or timed out: recover.
    pub fn fail(&mut self, txid: i64) {
        let _ = txid; // Storm recovers on any failure of the tuple in flight.
        if self.in_flight.take().is_some() {
            self.recovering = true;
        }
    }
}

#[cfg(test)]
mod tests;
