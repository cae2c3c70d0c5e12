//! Testing helpers for squall topologies, in the spirit of Storm's `Testing` and `FeederSpout`.
//!
//! - [`SimulatedClock`]: time that moves only when a test says so, so timeouts, tick tuples and
//!   windows are tested without sleeping.
//! - [`FixedTupleSpout`]: a reliable spout emitting a fixed list of tuples, replaying failed ones,
//!   finished once all are acked.
//! - [`complete_topology`]: replaces chosen spouts with fixed data, runs the topology until every
//!   spout finished and every tuple tree completed, and returns every tuple each component emitted,
//!   per stream.
//!
//! It owns nothing the runtime needs; it builds on `squall-api` and `squall-runtime`.
//!
//! ```
//! use squall_api::{values, BasicBolt, BasicCollector, Config, Failed, OutputDeclarer, TopologyBuilder, Tuple};
//! use squall_testing::{complete_topology, FixedTupleSpout, MockedSources};
//!
//! struct Upper;
//! impl BasicBolt for Upper {
//!     fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["word"]); }
//!     fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
//!         out.emit(values![t.get_str(0).unwrap_or("").to_uppercase()]);
//!         Ok(())
//!     }
//! }
//!
//! let mut b = TopologyBuilder::new();
//! b.set_spout("words", 1, || FixedTupleSpout::new(["word"], vec![]));
//! b.set_basic_bolt("upper", 2, || Upper).shuffle_grouping("words");
//! let mocked = MockedSources::new().with("words", vec![values!["a"], values!["b"]]);
//! let result = complete_topology(b.build()?, &Config::new(), mocked)?;
//! let mut out = result.emitted("upper", "default");
//! out.sort_by_key(|v| v[0].to_string());
//! assert_eq!(out, vec![values!["A"], values!["B"]]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod clock;
mod complete;
mod spout;

pub use clock::SimulatedClock;
pub use complete::{CompletedTopology, MockedSources, complete_topology, complete_topology_with};
pub use spout::FixedTupleSpout;
