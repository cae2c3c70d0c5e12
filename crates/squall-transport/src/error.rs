//! [`TransportError`]: why the transport could not start, and why a connection ended.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use squall_wire::WireError;

/// An error of the transport. Returned by [`Transport::start`](crate::Transport::start), and
/// carried as the reason of a [`PeerEvent`](crate::PeerEvent) when a connection is refused or ends.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The configuration is unusable (see [`TransportConfig::validate`](crate::TransportConfig::validate)).
    #[error("invalid transport configuration: {0}")]
    Config(String),
    /// The listener could not be inspected or configured.
    #[error("listener: {0}")]
    Listener(#[source] io::Error),
    /// A thread could not be started.
    #[error("could not spawn the {what} thread: {source}")]
    Spawn {
        /// Which thread.
        what: &'static str,
        /// The operating system's error.
        source: io::Error,
    },
    /// Connecting to a peer failed.
    #[error("connecting to {addr}: {source}")]
    Connect {
        /// The peer's address.
        addr: SocketAddr,
        /// The operating system's error.
        source: io::Error,
    },
    /// Reading from or writing to an established connection failed.
    #[error("connection i/o: {0}")]
    Io(#[from] io::Error),
    /// The peer sent bytes that do not decode (garbage, an oversized length, a truncated frame,
    /// a batch before the hello, a second hello). The connection is closed: its framing can no
    /// longer be trusted.
    #[error("peer sent an invalid frame: {0}")]
    Wire(#[from] WireError),
    /// The peer's hello names another topology or plan ([`WireError::TopologyMismatch`],
    /// [`WireError::PlanMismatch`]).
    #[error("handshake refused: {0}")]
    Handshake(#[source] WireError),
    /// The peer's hello names a worker id that is not a decimal `u32`.
    #[error("peer's worker id {0:?} is not a worker index")]
    BadWorkerId(String),
    /// The peer's hello names a worker other than the one this connection was opened to.
    #[error("connected to {expected} but the peer says it is worker {found}")]
    WrongWorker {
        /// Whom we meant to reach.
        expected: crate::WorkerId,
        /// Whom the hello names.
        found: u32,
    },
    /// The peer closed the connection cleanly, between frames.
    #[error("peer closed the connection")]
    Closed,
    /// Nothing arrived from the peer (no frame, no heartbeat) for longer than `peer_timeout`.
    #[error("peer silent for {0:?}")]
    Silent(Duration),
    /// The peer sent data on the reverse direction of an outbound connection, which carries only
    /// its hello and heartbeats.
    #[error("peer sent {0} data messages on the reverse direction of our outbound connection")]
    UnexpectedData(usize),
    /// The transport is shutting down.
    #[error("transport shut down")]
    Shutdown,
}

impl TransportError {
    /// True when the peer misbehaved (bytes that do not decode, a bad or mismatched hello, data
    /// where none belongs), as opposed to the network or a peer going away.
    pub fn is_protocol_error(&self) -> bool {
        matches!(
            self,
            TransportError::Wire(_)
                | TransportError::Handshake(_)
                | TransportError::BadWorkerId(_)
                | TransportError::WrongWorker { .. }
                | TransportError::UnexpectedData(_)
        )
    }
}
