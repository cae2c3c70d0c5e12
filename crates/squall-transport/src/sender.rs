//! The sending side: [`Outgoing`] (what the runtime hands over), [`PeerSender`] (its handle on one
//! peer's bounded queue) and the errors that hand a batch back.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use crossbeam_channel::Sender;
use squall_wire::{BatchWriter, WireError};

use crate::WorkerId;
use crate::stats::PeerCounters;

/// A batch the runtime sends: it encodes itself into one frame. The runtime's batches hold its own
/// tuple type and write them with [`BatchWriter::push_tuple`] (borrowing, no copies) or
/// [`BatchWriter::push`].
///
/// A batch must fit one frame under the transport's [`Limits`](squall_wire::Limits) (16 MiB and a
/// 64 MiB decode budget by default): one that does not (`encode` returns an error, typically
/// [`WireError::BatchFull`]) is dropped, logged and counted, never sent.
pub trait Outgoing: Send + 'static {
    /// Writes the batch's messages into `writer`, in order.
    ///
    /// # Errors
    /// Whatever the writer refuses; the whole batch is then dropped (nothing of it is sent).
    fn encode(&self, writer: &mut BatchWriter<'_>) -> Result<(), WireError>;

    /// How many messages the batch holds (for statistics on dropped batches).
    fn messages(&self) -> usize;
}

/// A handle on one peer's bounded send queue. Cheap to clone; `Send`. The peer's writer thread
/// drains the queue into the connection; while the connection is down the queue keeps its batches
/// and fills, which is how remote backpressure reaches the caller.
pub struct PeerSender<O> {
    pub(crate) peer: WorkerId,
    pub(crate) tx: Sender<O>,
    pub(crate) counters: Arc<PeerCounters>,
}

impl<O> Clone for PeerSender<O> {
    fn clone(&self) -> Self {
        Self { peer: self.peer, tx: self.tx.clone(), counters: Arc::clone(&self.counters) }
    }
}

impl<O> fmt::Debug for PeerSender<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PeerSender")
            .field("peer", &self.peer)
            .field("len", &self.tx.len())
            .field("capacity", &self.tx.capacity())
            .finish()
    }
}

impl<O: Outgoing> PeerSender<O> {
    /// The peer this sends to.
    pub fn peer(&self) -> WorkerId {
        self.peer
    }

    /// Queues `batch` without blocking.
    ///
    /// # Errors
    /// [`TrySendError::Full`] when the queue is full (remote backpressure: keep the batch and retry
    /// later), [`TrySendError::Disconnected`] after the transport shut down. Both hand it back.
    pub fn try_send(&self, batch: O) -> Result<(), TrySendError<O>> {
        self.tx.try_send(batch).map_err(|e| match e {
            crossbeam_channel::TrySendError::Full(b) => TrySendError::Full(b),
            crossbeam_channel::TrySendError::Disconnected(b) => TrySendError::Disconnected(b),
        })
    }

    /// Queues `batch`, waiting up to `timeout` for room.
    ///
    /// # Errors
    /// [`SendTimeoutError::Timeout`] if the queue stayed full, [`SendTimeoutError::Disconnected`]
    /// after the transport shut down. Both hand the batch back.
    pub fn send_timeout(&self, batch: O, timeout: Duration) -> Result<(), SendTimeoutError<O>> {
        self.tx.send_timeout(batch, timeout).map_err(|e| match e {
            crossbeam_channel::SendTimeoutError::Timeout(b) => SendTimeoutError::Timeout(b),
            crossbeam_channel::SendTimeoutError::Disconnected(b) => SendTimeoutError::Disconnected(b),
        })
    }

    /// Batches waiting in the queue (not counting those the writer took and is writing).
    pub fn len(&self) -> usize {
        self.tx.len()
    }

    /// True if no batch waits in the queue.
    pub fn is_empty(&self) -> bool {
        self.tx.is_empty()
    }

    /// The queue's capacity in batches.
    pub fn capacity(&self) -> usize {
        self.tx.capacity().unwrap_or(usize::MAX)
    }

    /// Whether the connection to the peer is currently established (handshake done).
    pub fn is_connected(&self) -> bool {
        self.counters.connected.load(Relaxed)
    }
}

/// Why [`PeerSender::try_send`] handed a batch back.
pub enum TrySendError<O> {
    /// The queue is full: the peer is slow, or the connection is down.
    Full(O),
    /// The transport shut down.
    Disconnected(O),
}

/// Why [`PeerSender::send_timeout`] handed a batch back.
pub enum SendTimeoutError<O> {
    /// The queue stayed full for the whole timeout.
    Timeout(O),
    /// The transport shut down.
    Disconnected(O),
}

impl<O> TrySendError<O> {
    /// The batch handed back.
    pub fn into_inner(self) -> O {
        match self {
            TrySendError::Full(b) | TrySendError::Disconnected(b) => b,
        }
    }

    /// True for [`TrySendError::Full`].
    pub fn is_full(&self) -> bool {
        matches!(self, TrySendError::Full(_))
    }
}

impl<O> SendTimeoutError<O> {
    /// The batch handed back.
    pub fn into_inner(self) -> O {
        match self {
            SendTimeoutError::Timeout(b) | SendTimeoutError::Disconnected(b) => b,
        }
    }

    /// True for [`SendTimeoutError::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, SendTimeoutError::Timeout(_))
    }
}

impl<O> fmt::Debug for TrySendError<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrySendError::Full(_) => "Full(..)",
            TrySendError::Disconnected(_) => "Disconnected(..)",
        })
    }
}

impl<O> fmt::Display for TrySendError<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrySendError::Full(_) => "the peer's send queue is full",
            TrySendError::Disconnected(_) => "the transport is shut down",
        })
    }
}

impl<O> std::error::Error for TrySendError<O> {}

impl<O> fmt::Debug for SendTimeoutError<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SendTimeoutError::Timeout(_) => "Timeout(..)",
            SendTimeoutError::Disconnected(_) => "Disconnected(..)",
        })
    }
}

impl<O> fmt::Display for SendTimeoutError<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SendTimeoutError::Timeout(_) => "the peer's send queue stayed full",
            SendTimeoutError::Disconnected(_) => "the transport is shut down",
        })
    }
}

impl<O> std::error::Error for SendTimeoutError<O> {}
