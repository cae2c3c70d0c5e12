//! squall's worker-to-worker TCP transport.
//!
//! This crate owns the sockets between the worker processes of one topology: each worker listens
//! on one port and keeps one outbound connection to each peer it sends to. It moves batches of
//! [`WireMessage`](squall_wire::WireMessage)s and knows nothing of bolts, executors or routing:
//! the runtime hands it batches ([`Outgoing`]) through a per-peer [`PeerSender`] and receives
//! decoded batches through its [`Inbound`] implementation. The bytes are `squall-wire`'s format.
//!
//! Main types: [`Transport`] (start, senders, stats, shutdown), [`TransportConfig`], [`WorkerId`],
//! [`PeerSender`], [`Outgoing`], [`Inbound`], [`PeerEvent`], [`TransportStats`], [`TransportError`].
//!
//! # Threading model
//!
//! Plain std threads over blocking sockets (a worker has a handful of peers):
//!
//! * **one acceptor** polls the non-blocking listener every 20 ms, spawns a reader per accepted
//!   connection, and writes a heartbeat on every established inbound connection each
//!   `heartbeat_every` (so the sending peer can tell we are alive even when it has nothing to send);
//! * **one reader per inbound connection** reads the peer's hello, answers with ours, then decodes
//!   frames into one reused vector and calls [`Inbound::deliver`]: all frames that arrived in one
//!   read go in one call (at most 4096 messages per call). It blocks only on its socket and in
//!   `deliver`; while `deliver` blocks nothing more is read, which is how a slow receiver pushes
//!   back: the TCP window fills, the peer's writer blocks, its queue fills, its `try_send` says
//!   [`TrySendError::Full`];
//! * **one writer per outbound peer** connects, exchanges hellos, then takes batches from the
//!   peer's bounded queue (`queue_batches`), encodes each as one frame, gathers queued frames into
//!   one write up to `max_frame_coalesce_bytes`, and writes a heartbeat after `heartbeat_every` of
//!   idleness;
//! * **one watcher per outbound connection** reads its reverse direction (the peer's hello, then its
//!   heartbeats), so a peer that closes or falls silent is noticed while there is nothing to write.
//!
//! # Failures
//!
//! * **Handshake.** Both sides send a hello; a peer of another topology or plan, or whose worker id
//!   is not a decimal `u32`, is refused ([`PeerEvent::Rejected`]) and the connection closed. The
//!   writer keeps retrying with backoff, so a peer restarted with the right plan is then accepted.
//! * **Disconnect.** On a write error, EOF, or `peer_timeout` without any frame from the peer, the
//!   writer reports [`PeerEvent::Disconnected`], **drops the batches it was writing** (they may or may
//!   not have arrived; their tracked tuples time out at their spouts and are replayed, as in Storm),
//!   keeps the queue (producers then see `Full`), and reconnects after `reconnect_min`, doubling the
//!   delay on each failure up to `reconnect_max`. Batches written into a connection the peer had
//!   already closed are lost the same way: TCP reports the loss only on a later write.
//! * **Garbage.** Bytes that do not decode (bad magic, an oversized length, a truncated frame, a
//!   batch before the hello, a second hello) close that connection with the [`WireError`](squall_wire::WireError),
//!   logged, counted in [`TransportStats`] and reported as a peer event (with no worker id if it never
//!   sent a valid hello). Frames decoded before the bad one are still delivered. The worker and the
//!   listener carry on.
//! * **Order.** Batches to one peer arrive in the order queued, within one connection. Across a
//!   reconnect the old connection's last frames may still be read while the new one delivers.
//!
//! Memory per connection is bounded by [`Limits`](squall_wire::Limits) (one frame, its decode
//! budget, one 64 KiB read chunk); each queue by `queue_batches`.
//!
//! # Example
//!
//! ```
//! use std::net::TcpListener;
//! use std::sync::{Arc, mpsc};
//! use squall_api::{TaskId, Value};
//! use squall_transport::{Inbound, Outgoing, Transport, TransportConfig, WorkerId};
//! use squall_wire::{BatchWriter, TupleRef, WireError, WireMessage};
//!
//! struct Words(Vec<&'static str>);
//! impl Outgoing for Words {
//!     fn encode(&self, w: &mut BatchWriter<'_>) -> Result<(), WireError> {
//!         for word in &self.0 {
//!             let values = [Value::from(*word)];
//!             w.push_tuple(TupleRef { target_task: TaskId(3), stream: 0, source_task: TaskId(1), anchors: &[], values: &values })?;
//!         }
//!         Ok(())
//!     }
//!     fn messages(&self) -> usize { self.0.len() }
//! }
//!
//! struct Collect(mpsc::Sender<WireMessage>);
//! impl Inbound for Collect {
//!     fn deliver(&self, _from: WorkerId, messages: &mut Vec<WireMessage>) {
//!         for m in messages.drain(..) { let _ = self.0.send(m); }
//!     }
//! }
//!
//! let (tx, rx) = mpsc::channel();
//! let b_listener = TcpListener::bind("127.0.0.1:0")?;
//! let b_config = TransportConfig::new(WorkerId(2), "wordcount-1", 0xfeed);
//! let b = Transport::<Words>::start(b_config, b_listener, Arc::new(Collect(tx)))?;
//!
//! let a_config = TransportConfig::new(WorkerId(1), "wordcount-1", 0xfeed).peer(WorkerId(2), b.local_addr());
//! let (ignore, _) = mpsc::channel();
//! let a = Transport::start(a_config, TcpListener::bind("127.0.0.1:0")?, Arc::new(Collect(ignore)))?;
//! a.sender(WorkerId(2)).expect("a configured peer").try_send(Words(vec!["hello", "world"])).expect("room");
//!
//! let first = rx.recv_timeout(std::time::Duration::from_secs(10)).expect("delivered");
//! let WireMessage::Tuple(t) = first else { panic!("a tuple") };
//! assert_eq!(t.values[0], Value::from("hello"));
//! a.shutdown();
//! b.shutdown();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod config;
mod conn;
mod error;
mod inbound;
mod listener;
mod outbound;
mod sender;
mod shutdown;
mod stats;
mod transport;

pub use config::{TransportConfig, WorkerId};
pub use error::TransportError;
pub use inbound::{Inbound, Link, PeerEvent};
pub use sender::{Outgoing, PeerSender, SendTimeoutError, TrySendError};
pub use stats::{PeerStats, TransportStats};
pub use transport::Transport;
