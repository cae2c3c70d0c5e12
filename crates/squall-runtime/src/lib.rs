//! squall's runtime: it turns a validated [`Topology`](squall_api::Topology) into running threads.
//!
//! It owns planning ([`plan`]: task ids, executors, chaining, the stream table), routing
//! ([`routing`]: every Storm grouping), guaranteed processing ([`acker`]: the XOR acker and the
//! spouts' pending roots), executors (queues, batching, backpressure, ticks, timeouts, restarts),
//! statistics ([`stats`]) and local mode ([`LocalCluster`]). It leaves the component API to
//! `squall-api`, the wire format to `squall-wire` and the Flux loader to `squall-flux`.
//!
//! ```
//! use squall_api::{values, BasicBolt, BasicCollector, Config, Failed, OutputDeclarer, Spout,
//!                  SpoutCollector, TopologyBuilder, Tuple};
//! use squall_runtime::{LocalCluster, RunOptions};
//! use std::time::Duration;
//!
//! struct Numbers(i64);
//! impl Spout for Numbers {
//!     fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["n"]); }
//!     fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
//!         if self.0 < 100 { out.emit_with_id(values![self.0], self.0); self.0 += 1; }
//!     }
//!     fn is_finished(&self) -> bool { self.0 >= 100 }
//! }
//! struct Double;
//! impl BasicBolt for Double {
//!     fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["n2"]); }
//!     fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
//!         out.emit(values![t.get_i64(0).unwrap_or(0) * 2]);
//!         Ok(())
//!     }
//! }
//!
//! let mut builder = TopologyBuilder::new();
//! builder.set_spout("numbers", 1, || Numbers(0));
//! builder.set_basic_bolt("double", 2, || Double).shuffle_grouping("numbers");
//! let cluster = LocalCluster::new();
//! cluster.submit("doubling", &Config::new(), builder.build()?, RunOptions::new())?;
//! let stats = cluster.take("doubling")?.run_to_completion(Duration::from_secs(30))?;
//! assert_eq!(stats.component("numbers").unwrap().acked, 100);
//! assert_eq!(stats.component("double").unwrap().executed, 100);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

pub mod acker;
mod error;
pub(crate) mod executor;
mod local;
pub(crate) mod message;
pub mod plan;
mod pool;
pub mod routing;
pub(crate) mod shared;
pub mod sink;
pub mod stats;
mod timer;
pub mod worker;

pub use error::RuntimeError;
pub use local::{CapturedTuple, LocalCluster, Progress, RunOptions, RunningTopology};
pub use plan::Plan;
pub use sink::{RemoteSink, RemoteSinks};
pub use stats::TopologyStats;
