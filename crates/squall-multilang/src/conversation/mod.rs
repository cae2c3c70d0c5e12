//! The multilang conversation as pure state machines: messages in, decisions out, no I/O.
//!
//! [`BoltConversation`] owns the inputs in flight to a bolt child (id → tuple) and turns each child
//! message into a [`BoltStep`] after checking it against Storm's rules (known anchors and ids,
//! declared streams, direct streams only with a task). [`SpoutConversation`] tracks the command a
//! spout child is answering and turns its messages into [`SpoutStep`]s until `sync`. The process
//! edge ([`ShellBolt`](crate::ShellBolt), [`ShellSpout`](crate::ShellSpout)) feeds them and applies
//! their decisions through the collectors.

mod bolt;
mod spout;
mod streams;

pub use bolt::{BoltConversation, BoltStep, EmitRequest};
pub use spout::{SpoutConversation, SpoutEmit, SpoutRequest, SpoutStep};
pub use streams::StreamTable;
