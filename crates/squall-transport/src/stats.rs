//! Statistics: per-peer counters the transport's threads bump, and the snapshots
//! [`Transport::stats`](crate::Transport::stats) returns.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use crate::WorkerId;

/// Live counters of one peer, shared by its writer, its readers and the snapshotting caller.
#[derive(Debug, Default)]
pub(crate) struct PeerCounters {
    pub(crate) frames_sent: AtomicU64,
    pub(crate) messages_sent: AtomicU64,
    pub(crate) bytes_sent: AtomicU64,
    pub(crate) heartbeats_sent: AtomicU64,
    pub(crate) frames_received: AtomicU64,
    pub(crate) messages_received: AtomicU64,
    pub(crate) bytes_received: AtomicU64,
    pub(crate) heartbeats_received: AtomicU64,
    pub(crate) connects: AtomicU64,
    pub(crate) reconnects: AtomicU64,
    pub(crate) connect_failures: AtomicU64,
    pub(crate) disconnects: AtomicU64,
    pub(crate) rejected: AtomicU64,
    pub(crate) errors: AtomicU64,
    pub(crate) dropped_batches: AtomicU64,
    pub(crate) dropped_messages: AtomicU64,
    pub(crate) inbound_connections: AtomicU64,
    pub(crate) connected: AtomicBool,
}

pub(crate) fn bump(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Relaxed);
}

/// Counters of every peer seen, created on first sight (outbound peers at start, inbound ones at
/// their hello), plus what could not be attributed to a peer.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    peers: Mutex<BTreeMap<WorkerId, Arc<PeerCounters>>>,
    pub(crate) anonymous_connections: AtomicU64,
    pub(crate) anonymous_errors: AtomicU64,
    pub(crate) accept_errors: AtomicU64,
    pub(crate) refused_connections: AtomicU64,
}

impl Registry {
    /// The counters of `peer`, created if new. Called once per connection, never per frame.
    pub(crate) fn peer(&self, peer: WorkerId) -> Arc<PeerCounters> {
        let mut peers = self.peers.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(peers.entry(peer).or_default())
    }

    pub(crate) fn snapshot(&self, queues: &BTreeMap<WorkerId, (usize, usize)>) -> TransportStats {
        let peers = self.peers.lock().unwrap_or_else(|p| p.into_inner());
        let peers = peers
            .iter()
            .map(|(&worker, c)| {
                let (queue_len, queue_capacity) = queues.get(&worker).copied().unwrap_or((0, 0));
                PeerStats {
                    worker,
                    connected: c.connected.load(Relaxed),
                    queue_len,
                    queue_capacity,
                    frames_sent: c.frames_sent.load(Relaxed),
                    messages_sent: c.messages_sent.load(Relaxed),
                    bytes_sent: c.bytes_sent.load(Relaxed),
                    heartbeats_sent: c.heartbeats_sent.load(Relaxed),
                    frames_received: c.frames_received.load(Relaxed),
                    messages_received: c.messages_received.load(Relaxed),
                    bytes_received: c.bytes_received.load(Relaxed),
                    heartbeats_received: c.heartbeats_received.load(Relaxed),
                    connects: c.connects.load(Relaxed),
                    reconnects: c.reconnects.load(Relaxed),
                    connect_failures: c.connect_failures.load(Relaxed),
                    disconnects: c.disconnects.load(Relaxed),
                    rejected: c.rejected.load(Relaxed),
                    errors: c.errors.load(Relaxed),
                    dropped_batches: c.dropped_batches.load(Relaxed),
                    dropped_messages: c.dropped_messages.load(Relaxed),
                    inbound_connections: c.inbound_connections.load(Relaxed),
                }
            })
            .collect();
        TransportStats {
            peers,
            anonymous_connections: self.anonymous_connections.load(Relaxed),
            anonymous_errors: self.anonymous_errors.load(Relaxed),
            accept_errors: self.accept_errors.load(Relaxed),
            refused_connections: self.refused_connections.load(Relaxed),
        }
    }
}

/// A snapshot of the transport's counters. Counts are totals since start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransportStats {
    /// One entry per peer seen (configured peers always), by worker id.
    pub peers: Vec<PeerStats>,
    /// Inbound connections that never produced a valid hello (so no peer to charge them to).
    pub anonymous_connections: u64,
    /// Errors on those connections: garbage, oversized or truncated frames, missing or bad hellos.
    pub anonymous_errors: u64,
    /// Failed `accept` calls on the listener (and reader threads that could not be spawned).
    pub accept_errors: u64,
    /// Inbound connections closed at once because `max_inbound_connections` readers were running.
    pub refused_connections: u64,
}

impl TransportStats {
    /// The entry of `worker`, if it was ever seen.
    pub fn peer(&self, worker: WorkerId) -> Option<&PeerStats> {
        self.peers.iter().find(|p| p.worker == worker)
    }

    /// Every error counted, attributed to a peer or not.
    pub fn total_errors(&self) -> u64 {
        self.anonymous_errors + self.accept_errors + self.peers.iter().map(|p| p.errors).sum::<u64>()
    }
}

/// Counters of one peer, both directions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeerStats {
    /// The peer.
    pub worker: WorkerId,
    /// Whether our outbound connection to it is established.
    pub connected: bool,
    /// Batches waiting in its send queue.
    pub queue_len: usize,
    /// The send queue's capacity (0 if we do not send to this peer).
    pub queue_capacity: usize,
    /// Batch frames written to it, heartbeats excluded.
    pub frames_sent: u64,
    /// Messages in those frames.
    pub messages_sent: u64,
    /// Bytes written to it, hellos and heartbeats included.
    pub bytes_sent: u64,
    /// Heartbeat frames written to it: on our outbound connection when idle, and on its inbound
    /// connections to us every `heartbeat_every`.
    pub heartbeats_sent: u64,
    /// Batch frames received from it, heartbeats excluded.
    pub frames_received: u64,
    /// Messages delivered from it.
    pub messages_received: u64,
    /// Bytes read from it, all frames included.
    pub bytes_received: u64,
    /// Heartbeat frames received from it.
    pub heartbeats_received: u64,
    /// Outbound handshakes that succeeded.
    pub connects: u64,
    /// Of those, the ones after the first.
    pub reconnects: u64,
    /// Outbound connection attempts that failed before a handshake (refused, timed out).
    pub connect_failures: u64,
    /// Established connections (either direction) that ended.
    pub disconnects: u64,
    /// Handshakes refused (either direction).
    pub rejected: u64,
    /// Errors on its connections (either direction): i/o, decoding, timeouts, encode failures.
    pub errors: u64,
    /// Batches that were taken from the queue but never fully written: lost in a disconnect, or
    /// unencodable. Their tracked tuples time out at their spouts and are replayed.
    pub dropped_batches: u64,
    /// Messages in those batches.
    pub dropped_messages: u64,
    /// Inbound connections it opened to us that passed the handshake.
    pub inbound_connections: u64,
}
