//! The output side of an executor: one partial batch per destination queue, flushed when full, when
//! the executor goes idle, or after the flush interval; and, when a destination queue is full, an
//! overflow list (Storm's pending-emits) so that `emit` never blocks and nothing is dropped. While
//! anything overflows, the executor stops taking new input (bolts) or calling `next_tuple`
//! (spouts), which carries backpressure hop by hop back to the spouts.

use std::collections::VecDeque;
use std::time::Duration;

use std::sync::Arc;

use crate::acker::AckerInput;
use crate::message::{Batch, Message};
use crate::pool::BatchPool;
use crate::sink::{Handoff, Sink};

struct Slot {
    sink: Sink,
    buf: Batch,
    overflow: VecDeque<Batch>,
}

/// Per-destination batching with overflow.
pub(crate) struct Outbox {
    slots: Vec<Slot>,
    batch_size: usize,
    /// Slots holding a partial batch.
    dirty: Vec<usize>,
    /// Slots with overflow.
    blocked: Vec<usize>,
    /// Messages for this executor itself (a task emitting to a task before it in this executor).
    pub(crate) to_self: VecDeque<Message>,
    /// Counted messages handed to destinations so far (see [`Message::counts`]).
    pub(crate) sent: u64,
    /// Where empty batch buffers come from.
    pool: Arc<BatchPool>,
    /// The tuple tree a spout of this executor is emitting right now, while its first tuples run
    /// through chained bolts (see [`LocalTree`]).
    pub(crate) local_tree: Option<LocalTree>,
}

/// A tree kept inside one executor while a spout's emit runs through chained bolts: acks of its
/// tuples XOR into a local ledger instead of travelling to an acker. If the tree never leaves the
/// executor and the ledger reaches zero, the root completes without any acker message; otherwise
/// the acker gets one init carrying the ledger so far, and the tree carries on as usual. XOR being
/// commutative, folding early acks into the init is exactly what the acker would have computed.
pub(crate) struct LocalTree {
    pub root: u64,
    pub ledger: u64,
    /// A tuple of the tree went to a queue (another executor, or this one's own queue).
    pub escaped: bool,
    /// A tuple of the tree was failed.
    pub failed: bool,
}

impl Outbox {
    /// An outbox over `sinks`, one per destination.
    pub(crate) fn new(sinks: Vec<Sink>, batch_size: usize, pool: Arc<BatchPool>) -> Self {
        let slots =
            sinks.into_iter().map(|sink| Slot { sink, buf: Vec::new(), overflow: VecDeque::new() }).collect();
        Self {
            slots,
            batch_size: batch_size.max(1),
            dirty: Vec::new(),
            blocked: Vec::new(),
            to_self: VecDeque::new(),
            sent: 0,
            pool,
            local_tree: None,
        }
    }

    /// Queues `msg` for destination `slot`, sending the batch when it is full.
    #[inline]
    pub(crate) fn push(&mut self, slot: usize, msg: Message) {
        if msg.counts() {
            self.sent += 1;
        }
        let s = &mut self.slots[slot];
        if s.buf.is_empty() {
            if s.buf.capacity() == 0 {
                s.buf = self.pool.take();
            }
            self.dirty.push(slot);
        }
        s.buf.push(msg);
        if s.buf.len() >= self.batch_size {
            self.flush_slot(slot);
            if let Some(i) = self.dirty.iter().rposition(|d| *d == slot) {
                self.dirty.swap_remove(i);
            }
        }
    }

    /// Queues an acker message for `slot`, folding an ack into the previous one when both are acks
    /// of the same root for the same acker (XOR is associative: the acker ends up with the same
    /// ledger from one message instead of several). A bolt acking the words of one sentence one
    /// after another thus sends one message per sentence.
    #[inline]
    pub(crate) fn push_acker(&mut self, slot: usize, msg: Message) {
        if let Message::ToAcker { acker, input: AckerInput::Ack { root, value } } = &msg
            && let Some(Message::ToAcker {
                acker: last_acker,
                input: AckerInput::Ack { root: last_root, value: last },
            }) = self.slots[slot].buf.last_mut()
            && last_acker == acker
            && last_root == root
        {
            *last ^= *value;
            return;
        }
        self.push(slot, msg);
    }

    fn flush_slot(&mut self, slot: usize) {
        let s = &mut self.slots[slot];
        if s.buf.is_empty() {
            return;
        }
        // The next batch for this slot takes a recycled buffer when it starts.
        let batch = std::mem::take(&mut s.buf);
        if !s.overflow.is_empty() {
            s.overflow.push_back(batch);
            return;
        }
        match s.sink.try_send(batch) {
            Handoff::Sent => {}
            Handoff::Full(batch) => {
                s.overflow.push_back(batch);
                self.blocked.push(slot);
            }
            // The receiver is gone: the topology is shutting down; drop the batch.
            Handoff::Gone => {}
        }
    }

    /// Sends every partial batch.
    pub(crate) fn flush_all(&mut self) {
        while let Some(slot) = self.dirty.pop() {
            self.flush_slot(slot);
        }
    }

    /// True if some batches wait for room at their destination.
    #[inline]
    pub(crate) fn is_blocked(&self) -> bool {
        !self.blocked.is_empty()
    }

    /// True if partial batches wait to be sent.
    #[inline]
    pub(crate) fn has_partial(&self) -> bool {
        !self.dirty.is_empty()
    }

    /// Offers overflowed batches again, in order; returns true if everything went out.
    pub(crate) fn retry_overflow(&mut self) -> bool {
        let mut i = 0;
        while i < self.blocked.len() {
            let slot = self.blocked[i];
            let s = &mut self.slots[slot];
            while let Some(batch) = s.overflow.pop_front() {
                match s.sink.try_send(batch) {
                    Handoff::Sent => {}
                    Handoff::Full(batch) => {
                        s.overflow.push_front(batch);
                        break;
                    }
                    Handoff::Gone => s.overflow.clear(),
                }
            }
            if s.overflow.is_empty() {
                self.blocked.swap_remove(i);
            } else {
                i += 1;
            }
        }
        self.blocked.is_empty()
    }

    /// Waits up to `timeout` for room at the first blocked destination, sending one batch there if
    /// room appears. Parks the thread instead of spinning.
    pub(crate) fn wait_for_room(&mut self, timeout: Duration) {
        let Some(&slot) = self.blocked.first() else { return };
        let s = &mut self.slots[slot];
        let Some(batch) = s.overflow.pop_front() else { return };
        match s.sink.send_timeout(batch, timeout) {
            Handoff::Sent => {}
            Handoff::Full(batch) => s.overflow.push_front(batch),
            Handoff::Gone => s.overflow.clear(),
        }
        if s.overflow.is_empty() {
            self.blocked.retain(|b| *b != slot);
        }
    }

    /// Tuples waiting in overflow.
    pub(crate) fn overflow_len(&self) -> usize {
        self.slots.iter().map(|s| s.overflow.iter().map(Vec::len).sum::<usize>()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use squall_api::TaskId;

    fn ack(root: u64, value: u64) -> Message {
        Message::ToAcker { acker: TaskId(1), input: AckerInput::Ack { root, value } }
    }

    #[test]
    fn consecutive_acks_of_one_root_fold_into_one_message() {
        let (tx, rx) = crossbeam_channel::bounded(4);
        let mut out = Outbox::new(vec![Sink::Local(tx)], 16, Arc::new(BatchPool::new(4, 16)));
        out.push_acker(0, ack(7, 0b0011));
        out.push_acker(0, ack(7, 0b0101));
        out.push_acker(0, ack(8, 1));
        out.push_acker(0, Message::ToAcker { acker: TaskId(1), input: AckerInput::Fail { root: 8 } });
        out.push_acker(0, ack(8, 2));
        out.flush_all();
        let batch = rx.try_recv().unwrap();
        let got: Vec<(u64, Option<u64>)> = batch
            .iter()
            .map(|m| match m {
                Message::ToAcker { input: AckerInput::Ack { root, value }, .. } => (*root, Some(*value)),
                Message::ToAcker { input, .. } => (input.root(), None),
                _ => unreachable!(),
            })
            .collect();
        // 7: one ack carrying 0b0011 ^ 0b0101; 8: the fail keeps its place between the acks.
        assert_eq!(got, vec![(7, Some(0b0110)), (8, Some(1)), (8, None), (8, Some(2))]);
        assert_eq!(out.sent, 4, "a folded ack is not a message in flight");
    }
}
