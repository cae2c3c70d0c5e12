//! [`WorkerId`] and [`TransportConfig`]: who this worker is, whom it sends to, and the transport's
//! bounds and timings.

use std::collections::BTreeSet;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use squall_wire::Limits;

use crate::TransportError;

/// A worker process of the topology, as an index into the cluster's assignment (Storm's
/// `node+port`, numbered by whoever builds the plan). It travels in the [`Hello`](squall_wire::Hello)
/// as its decimal text, so a peer is identified by the hello it sends, not by its address.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct WorkerId(pub u32);

impl WorkerId {
    /// The id as sent in a hello's `worker_id` field.
    pub(crate) fn hello_text(self) -> String {
        self.0.to_string()
    }

    /// Parses a hello's `worker_id` field: decimal digits that fit a `u32`, nothing else.
    pub(crate) fn from_hello_text(text: &str) -> Option<Self> {
        if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok().map(WorkerId)
    }
}

impl fmt::Display for WorkerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "worker {}", self.0)
    }
}

/// Everything [`Transport::start`](crate::Transport::start) needs besides the listener and the
/// receiving side. Build one with [`TransportConfig::new`] and adjust fields.
#[derive(Clone, Debug)]
pub struct TransportConfig {
    /// This worker.
    pub me: WorkerId,
    /// The topology id; a peer of another topology is refused.
    pub topology_id: String,
    /// The plan's fingerprint; a peer running another plan is refused.
    pub plan_fingerprint: u64,
    /// The workers this one sends to and where they listen. Each gets one outbound connection, one
    /// writer thread and one bounded queue. Inbound connections are accepted from any worker of the
    /// same topology and plan, listed here or not.
    pub peers: Vec<(WorkerId, SocketAddr)>,
    /// Capacity of each peer's send queue, in batches (at least 1). A full queue is remote
    /// backpressure: `try_send` hands the batch back.
    pub queue_batches: usize,
    /// Frame bounds, for decoding what peers send and encoding what we send. Both ends must agree.
    pub limits: Limits,
    /// First delay before reconnecting after a failure; doubled on each further failure.
    pub reconnect_min: Duration,
    /// Largest delay between reconnection attempts.
    pub reconnect_max: Duration,
    /// A connection that sent nothing for this long sends a heartbeat.
    pub heartbeat_every: Duration,
    /// A peer from which nothing (no frame, no heartbeat) arrived for this long is disconnected.
    /// Also bounds connecting and the handshake. Must exceed `heartbeat_every`, by a wide margin
    /// on a loaded machine.
    pub peer_timeout: Duration,
    /// The writer gathers queued batches (one frame each) into one socket write up to about this
    /// many bytes.
    pub max_frame_coalesce_bytes: usize,
    /// Most inbound connections served at once (each has a reader thread); further ones are
    /// closed as soon as they are accepted. Bounds what a flood of connections can cost.
    pub max_inbound_connections: usize,
}

impl TransportConfig {
    /// A configuration with no peers and the defaults: 64 batches per queue, default [`Limits`],
    /// reconnect delays 100 ms–5 s, heartbeats every 1 s, peer timeout 10 s, 64 KiB writes, 128
    /// inbound connections.
    pub fn new(me: WorkerId, topology_id: impl Into<String>, plan_fingerprint: u64) -> Self {
        Self {
            me,
            topology_id: topology_id.into(),
            plan_fingerprint,
            peers: Vec::new(),
            queue_batches: 64,
            limits: Limits::default(),
            reconnect_min: Duration::from_millis(100),
            reconnect_max: Duration::from_secs(5),
            heartbeat_every: Duration::from_secs(1),
            peer_timeout: Duration::from_secs(10),
            max_frame_coalesce_bytes: 64 << 10,
            max_inbound_connections: 128,
        }
    }

    /// Adds a peer this worker sends to.
    pub fn peer(mut self, worker: WorkerId, addr: SocketAddr) -> Self {
        self.peers.push((worker, addr));
        self
    }

    /// Checks the configuration once, before any thread starts.
    ///
    /// # Errors
    /// [`TransportError::Config`] naming the first problem: a peer listed twice or equal to `me`,
    /// a zero queue, zero durations, `reconnect_min > reconnect_max`, or
    /// `peer_timeout <= heartbeat_every`.
    pub fn validate(&self) -> Result<(), TransportError> {
        let bad = |why: String| Err(TransportError::Config(why));
        let mut seen = BTreeSet::new();
        for (w, _) in &self.peers {
            if *w == self.me {
                return bad(format!("{w} is this worker and cannot be its own peer"));
            }
            if !seen.insert(*w) {
                return bad(format!("{w} is listed twice in peers"));
            }
        }
        if self.queue_batches == 0 || self.max_inbound_connections == 0 {
            return bad("queue_batches and max_inbound_connections must be at least 1".into());
        }
        if self.reconnect_min.is_zero() || self.heartbeat_every.is_zero() {
            return bad("reconnect_min and heartbeat_every must be positive".into());
        }
        if self.reconnect_min > self.reconnect_max {
            return bad("reconnect_min exceeds reconnect_max".into());
        }
        if self.peer_timeout <= self.heartbeat_every {
            return bad("peer_timeout must exceed heartbeat_every".into());
        }
        Ok(())
    }

    /// How long a blocking read waits before the reader re-checks silence and shutdown.
    pub(crate) fn read_tick(&self) -> Duration {
        (self.peer_timeout / 4).clamp(Duration::from_millis(5), Duration::from_millis(250))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_text_round_trips_and_rejects_junk() {
        assert_eq!(WorkerId::from_hello_text(&WorkerId(42).hello_text()), Some(WorkerId(42)));
        assert_eq!(WorkerId::from_hello_text("4294967295"), Some(WorkerId(u32::MAX)));
        for junk in ["", "4294967296", "-1", "+1", "1 ", "w1", "99999999999"] {
            assert_eq!(WorkerId::from_hello_text(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn validate_names_the_problem() {
        let addr: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let ok = TransportConfig::new(WorkerId(1), "t", 7).peer(WorkerId(2), addr);
        assert!(ok.validate().is_ok());
        let twice = ok.clone().peer(WorkerId(2), addr);
        assert!(twice.validate().unwrap_err().to_string().contains("twice"));
        let me = ok.clone().peer(WorkerId(1), addr);
        assert!(me.validate().unwrap_err().to_string().contains("own peer"));
        let mut slow = ok.clone();
        slow.peer_timeout = slow.heartbeat_every;
        assert!(slow.validate().is_err());
        let mut zero = ok;
        zero.queue_batches = 0;
        assert!(zero.validate().is_err());
    }
}
