//! Signals from other threads to an executor: stop, activation changes, timer events that could not
//! be queued, wakes from components' own threads, and the counters an executor publishes for the
//! "is the topology done?" check. Everything here is read with one relaxed load per loop iteration.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use crossbeam_channel::Sender;

use crate::message::Batch;

/// Stop the executor.
pub(crate) const STOP: u32 = 1;
/// The topology's active flag changed.
pub(crate) const ACTIVITY: u32 = 2;
/// A task's waker fired (see [`Signals::wake_bits`]).
pub(crate) const WAKE: u32 = 4;
/// Publish statistics now.
pub(crate) const PUBLISH: u32 = 8;
/// A rotation was due but the queue was full.
pub(crate) const ROTATE: u32 = 16;
/// A tick was due but the queue was full (see [`Signals::tick_bits`]).
pub(crate) const TICK: u32 = 32;

/// The signal board of one executor.
pub(crate) struct Signals {
    /// Pending signal bits.
    pub flags: AtomicU32,
    /// Slots whose waker fired (bit = slot index, modulo 64).
    pub wake_bits: AtomicU64,
    /// Slots with a tick that could not be queued (bit = slot index, modulo 64).
    pub tick_bits: AtomicU64,
    /// The executor's own queue, to wake it from a blocking receive.
    pub sender: Sender<Batch>,
    /// Counted messages this executor has handed on (published copy of its outbox counter).
    pub sent: AtomicU64,
    /// Counted messages this executor has finished processing.
    pub done: AtomicU64,
    /// True when every spout task here declared itself finished and has no pending tree.
    pub finished: AtomicBool,
    /// Tracked trees pending at spout tasks here.
    pub pending: AtomicU64,
    /// True once the executor's thread has exited.
    pub exited: AtomicBool,
    /// Tuples waiting in the executor's overflow, as last published, and the most ever seen.
    pub overflow: AtomicU64,
    /// The largest overflow published.
    pub max_overflow: AtomicU64,
    /// True while the executor waits with nothing to do (its counters are then up to date).
    pub idle: AtomicBool,
    /// Batches from other workers that found the queue full, in arrival order (Storm's overflow
    /// queue); bounded by the congestion notices sent to the senders.
    pub remote_overflow: Mutex<VecDeque<Batch>>,
    /// Messages in `remote_overflow`.
    pub remote_overflow_len: AtomicUsize,
    /// Incremented each time the executor publishes its statistics.
    pub published: AtomicU64,
}

impl Signals {
    pub(crate) fn new(sender: Sender<Batch>, has_spouts: bool) -> Self {
        Self {
            flags: AtomicU32::new(0),
            wake_bits: AtomicU64::new(0),
            tick_bits: AtomicU64::new(0),
            sender,
            sent: AtomicU64::new(0),
            done: AtomicU64::new(0),
            finished: AtomicBool::new(!has_spouts),
            pending: AtomicU64::new(0),
            exited: AtomicBool::new(false),
            published: AtomicU64::new(0),
            idle: AtomicBool::new(false),
            remote_overflow: Mutex::new(VecDeque::new()),
            remote_overflow_len: AtomicUsize::new(0),
            overflow: AtomicU64::new(0),
            max_overflow: AtomicU64::new(0),
        }
    }

    /// Raises `bits` and wakes the executor if it is blocked on its queue.
    pub(crate) fn raise(&self, bits: u32) {
        self.flags.fetch_or(bits, Ordering::AcqRel);
        self.nudge();
    }

    /// Wakes the executor if it waits on an empty queue (an empty batch is only a wake-up).
    pub(crate) fn nudge(&self) {
        if self.sender.is_empty() {
            let _ = self.sender.try_send(Vec::new());
        }
    }

    /// Hands a batch from another worker to this executor without blocking: into its queue, or,
    /// when the queue is full or earlier batches already wait, into its overflow (order kept).
    pub(crate) fn deliver_remote(&self, batch: Batch) {
        let batch = if self.remote_overflow_len.load(Ordering::Acquire) == 0 {
            match self.sender.try_send(batch) {
                Ok(()) => return,
                Err(e) => e.into_inner(),
            }
        } else {
            batch
        };
        let n = batch.len();
        crate::shared::lock(&self.remote_overflow).push_back(batch);
        self.remote_overflow_len.fetch_add(n, Ordering::AcqRel);
        self.nudge();
    }

    /// Takes up to `max` batches from the overflow.
    pub(crate) fn take_remote_overflow(&self, max: usize) -> Vec<Batch> {
        let mut q = crate::shared::lock(&self.remote_overflow);
        let take = q.len().min(max);
        let batches: Vec<Batch> = q.drain(..take).collect();
        let n: usize = batches.iter().map(Vec::len).sum();
        self.remote_overflow_len.fetch_sub(n, Ordering::AcqRel);
        batches
    }

    /// Marks slot `slot`'s waker as fired.
    pub(crate) fn wake_slot(&self, slot: usize) {
        self.wake_bits.fetch_or(1 << (slot % 64), Ordering::AcqRel);
        self.raise(WAKE);
    }
}
