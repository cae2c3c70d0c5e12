//! Storm's multilang protocol for squall: [`ShellBolt`] and [`ShellSpout`] run components written
//! in Python (pystorm, streamparse, Storm's `storm.py`), Ruby or Node unchanged, one child process
//! per task, speaking the protocol byte for byte as storm-interfaces.md §1 specifies.
//!
//! This crate owns the protocol and the child processes: the framing ([`codec`]), the messages
//! both ways ([`message`]), the conversation rules as pure state machines ([`conversation`]), and
//! the process edge (spawning in the topology's resources directory, the handshake with its PID
//! directory, reader/writer/stderr/heartbeat threads, timeouts, killing and reaping). It leaves
//! running topologies to `squall-runtime` and reading Flux files (`FluxShellBolt`,
//! `FluxShellSpout`) to `squall-flux`; both only construct these components.
//!
//! A child that dies, writes invalid JSON or an unknown command, acks an unknown id, or stops
//! answering heartbeats is reported through the collector's `fatal` with the component, task, the
//! command in progress and the offending input (or its exit status and the tail of its stderr);
//! the runtime then restarts the executor with fresh instances.
//!
//! The child's `log` messages become `tracing` events (target `squall_multilang::shell_log`, fields
//! `component`, `task`, `pid`) at the level the child asked for; its stderr is logged at INFO
//! (target `squall_multilang::stderr`). `metrics` messages are logged at DEBUG only: squall has no
//! metrics registry yet.
//!
//! ```no_run
//! use squall_api::TopologyBuilder;
//! use squall_multilang::{ShellBolt, ShellSpout};
//!
//! let words = ShellSpout::new(vec!["python3".into(), "words_spout.py".into()]).with_output_fields(["word"]);
//! let upper = ShellBolt::new(vec!["python3".into(), "upper_bolt.py".into()])
//!     .with_output_fields(["word", "length"])
//!     .with_component_config("topology.tick.tuple.freq.secs", 10);
//! let mut builder = TopologyBuilder::new();
//! builder.set_spout("words", 1, move || words.clone());
//! builder.set_bolt("upper", 2, move || upper.clone()).shuffle_grouping("words");
//! let topology = builder.build().expect("a valid topology");
//! # let _ = topology;
//! ```

#![deny(missing_docs)]

mod bolt;
pub mod codec;
pub mod conversation;
mod error;
pub mod message;
mod process;
mod shell;
mod spout;

pub use bolt::ShellBolt;
pub use error::{ChildFailure, DecodeError, Error, MAX_QUOTED_INPUT, ProtocolError, quote_input};
pub use spout::ShellSpout;

/// Factories hand clones of these to every task (`move || bolt.clone()`), from any thread.
const _: fn() = || {
    fn factory_ready<T: Clone + Send + Sync + 'static>() {}
    factory_ready::<ShellBolt>();
    factory_ready::<ShellSpout>();
};
