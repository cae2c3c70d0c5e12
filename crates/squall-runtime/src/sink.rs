//! Where an executor's batches go: another executor's queue in this process, or a peer worker
//! through the transport. The outbox treats both alike (try to hand over, hold the batch when the
//! destination is full), which is what lets the in-process path become a network send.

use std::time::Duration;

use crossbeam_channel::{SendTimeoutError, Sender, TrySendError};

use crate::message::Batch;

/// A destination for batches in another process.
pub trait RemoteSink: Send {
    /// Hands `batch` over without blocking; `Err` gives it back when the destination cannot take
    /// it now (its buffers are full, or a target task is congested).
    fn try_send(&self, batch: Batch) -> Result<(), Batch>;
    /// Hands `batch` over, waiting up to `timeout` for room.
    fn send_timeout(&self, batch: Batch, timeout: Duration) -> Result<(), Batch>;
    /// Batches waiting to be written, and the most that may wait (for load-aware shuffle).
    fn load(&self) -> (usize, usize);
}

/// The peer workers of this process, as the transport provides them.
pub trait RemoteSinks: Send + Sync {
    /// A fresh handle for sending batches to worker `worker` (one per executor).
    fn sink(&self, worker: u32) -> Box<dyn RemoteSink>;
    /// The load of the connection to `worker`: pending batches over capacity, in `[0, 1]`.
    fn load(&self, worker: u32) -> f64;
}

/// One destination of an outbox.
pub(crate) enum Sink {
    /// An executor's queue in this process.
    Local(Sender<Batch>),
    /// A peer worker.
    Remote(Box<dyn RemoteSink>),
    /// An executor of another worker, reached through that worker's remote sink instead.
    Elsewhere,
}

/// The outcome of handing a batch to a sink.
pub(crate) enum Handoff {
    /// Taken.
    Sent,
    /// Not taken now: hold it and retry.
    Full(Batch),
    /// The destination is gone (shutting down): drop it.
    Gone,
}

impl Sink {
    pub(crate) fn try_send(&self, batch: Batch) -> Handoff {
        match self {
            Sink::Local(s) => match s.try_send(batch) {
                Ok(()) => Handoff::Sent,
                Err(TrySendError::Full(b)) => Handoff::Full(b),
                Err(TrySendError::Disconnected(_)) => Handoff::Gone,
            },
            Sink::Remote(r) => match r.try_send(batch) {
                Ok(()) => Handoff::Sent,
                Err(b) => Handoff::Full(b),
            },
            Sink::Elsewhere => Handoff::Gone,
        }
    }

    pub(crate) fn send_timeout(&self, batch: Batch, timeout: Duration) -> Handoff {
        match self {
            Sink::Local(s) => match s.send_timeout(batch, timeout) {
                Ok(()) => Handoff::Sent,
                Err(SendTimeoutError::Timeout(b)) => Handoff::Full(b),
                Err(SendTimeoutError::Disconnected(_)) => Handoff::Gone,
            },
            Sink::Remote(r) => match r.send_timeout(batch, timeout) {
                Ok(()) => Handoff::Sent,
                Err(b) => Handoff::Full(b),
            },
            Sink::Elsewhere => Handoff::Gone,
        }
    }
}
