//! The multilang message model: every message both ways, as serde types.
//!
//! - [`child`]: what a subprocess writes ([`ChildMessage`]), parsed leniently where Storm is lenient
//!   (absent and `null` keys alike, `anchors` as a list or one string) and strictly where Storm dies
//!   (a `task` that is not an integer).
//! - [`host`]: what the host writes: the [`Handshake`], [`TupleMessage`]s (heartbeats included),
//!   task-id replies and [`SpoutCommand`]s.
//! - [`context`]: the handshake's `context` object, built from a [`TopologyContext`](squall_api::TopologyContext).

pub mod child;
pub mod context;
pub mod host;

pub use child::{ChildMessage, Emit, LogLevel};
pub use context::{GroupingJson, HandshakeContext};
pub use host::{HEARTBEAT_STREAM, Handshake, SpoutCommand, TupleMessage, encode_task_ids};
