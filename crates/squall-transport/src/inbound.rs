//! [`Inbound`]: how the runtime receives batches and connection events, and [`PeerEvent`].

use std::net::SocketAddr;

use squall_wire::WireMessage;

use crate::{TransportError, WorkerId};

/// The runtime's receiving side. One value serves every connection; its methods are called on the
/// transport's threads (one reader thread per inbound connection, one writer thread per peer).
pub trait Inbound: Send + Sync + 'static {
    /// Takes the messages of one or more batch frames from `from`, in the order sent. Take what you
    /// need (`messages.drain(..)`); whatever is left is cleared afterwards and the vector's capacity
    /// reused. Heartbeats are not delivered.
    ///
    /// Called on the connection's reader thread, which reads nothing more from that peer until this
    /// returns: blocking here is what pushes backpressure to the sender (its TCP window fills, then
    /// its queue, then its `try_send` returns `Full`). Keep it short (queue or overflow internally);
    /// [`Transport::shutdown`](crate::Transport::shutdown) waits for calls in progress.
    fn deliver(&self, from: WorkerId, messages: &mut Vec<WireMessage>);

    /// A connection changed state. `peer` is `None` only for an inbound connection that failed
    /// before its hello said who it is. Called on transport threads; keep it short. The default
    /// ignores events.
    fn peer_event(&self, peer: Option<WorkerId>, event: PeerEvent) {
        let _ = (peer, event);
    }
}

/// Which connection an event is about: ours to the peer, or the peer's to us.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Link {
    /// The connection this worker opened to send to the peer.
    Outbound,
    /// A connection the peer opened to send to this worker.
    Inbound,
}

/// A change in a connection's state, reported through [`Inbound::peer_event`].
#[derive(Debug)]
#[non_exhaustive]
pub enum PeerEvent {
    /// The handshake succeeded; batches flow.
    Connected {
        /// Which connection.
        link: Link,
        /// The peer's address.
        addr: SocketAddr,
    },
    /// An established connection ended (not reported for the transport's own shutdown). On an
    /// outbound link the batches being written are lost; queued ones wait for the reconnect.
    Disconnected {
        /// Which connection.
        link: Link,
        /// The peer's address.
        addr: SocketAddr,
        /// Why.
        reason: TransportError,
    },
    /// A connection was closed before it was established: the hello was missing, invalid or
    /// mismatched, or (inbound) the bytes were garbage. An outbound link keeps retrying with backoff.
    Rejected {
        /// Which connection.
        link: Link,
        /// The peer's address.
        addr: SocketAddr,
        /// Why.
        reason: TransportError,
    },
}

impl PeerEvent {
    /// The connection the event is about.
    pub fn link(&self) -> Link {
        match self {
            PeerEvent::Connected { link, .. }
            | PeerEvent::Disconnected { link, .. }
            | PeerEvent::Rejected { link, .. } => *link,
        }
    }
}
