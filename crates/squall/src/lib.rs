//! **squall** runs Apache Storm's stream-processing model in Rust: topologies of spouts and bolts
//! joined by stream groupings, guaranteed (acked) processing, tick tuples, windows, shell
//! components speaking Storm's multilang protocol, and a local mode — built to be fast.
//!
//! This is the crate a Rust user depends on. It re-exports the API ([`squall_api`]), local mode
//! from the runtime ([`LocalCluster`]), windowed bolts ([`window`]), stateful bolts ([`state`]),
//! shell components ([`multilang`]), worker processes ([`cluster`]) and testing helpers ([`testing`]). The [`prelude`] has what a topology needs.
//!
//! ```
//! use squall::prelude::*;
//!
//! struct Count(u64, u64);
//! impl Spout for Count {
//!     fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["n"]); }
//!     fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
//!         if self.0 < self.1 { out.emit_with_id(values![self.0 as i64], self.0 as i64); self.0 += 1; }
//!     }
//!     fn is_finished(&self) -> bool { self.0 >= self.1 }
//! }
//! struct Square;
//! impl BasicBolt for Square {
//!     fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["square"]); }
//!     fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
//!         let n = t.get_i64(0).ok_or_else(|| Failed::new("not a number"))?;
//!         out.emit(values![n * n]);
//!         Ok(())
//!     }
//! }
//!
//! let mut builder = TopologyBuilder::new();
//! builder.set_spout("numbers", 1, || Count(0, 1000));
//! builder.set_basic_bolt("square", 2, || Square).shuffle_grouping("numbers");
//! let stats = squall::run_local("squares", &Config::new(), builder.build()?)?;
//! assert_eq!(stats.component("numbers").unwrap().acked, 1000);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

use std::time::Duration;

pub use squall_api::*;
pub use squall_runtime::{
    CapturedTuple, LocalCluster, Plan, RunOptions, RunningTopology, RuntimeError, TopologyStats, stats,
};

/// Windowed bolts: sliding and tumbling, by count and duration, processing and event time.
pub mod window {
    pub use squall_window::*;
}

/// Shell components: spouts and bolts in other languages over Storm's multilang protocol.
pub mod multilang {
    pub use squall_multilang::*;
}

/// Running a topology over several worker processes under a local supervisor.
pub mod cluster {
    pub use squall_cluster::*;
}

/// Stateful bolts with checkpoints: key-value state, backends (memory, disk, Redis), exactly-once
/// deduplication, stateful windows.
pub mod state {
    pub use squall_state::*;
}

/// Testing helpers: simulated time, fixed-tuple spouts, runs to completion with captured emits.
pub mod testing {
    pub use squall_testing::*;
}

/// What writing a topology needs, in one import.
pub mod prelude {
    pub use squall_api::{
        BasicBolt, BasicCollector, Bolt, BoltCollector, ComponentError, Config, Failed, Fields, Grouping,
        OutputDeclarer, Spout, SpoutCollector, TaskId, TopologyBuilder, TopologyContext, Tuple, Value,
        Values, values,
    };
    pub use squall_runtime::{LocalCluster, RunOptions, TopologyStats};
}

/// Runs `topology` locally until every spout declares itself finished and every tuple tree
/// completed (at most ten minutes), then shuts it down and returns its statistics. The one-line way
/// to run a bounded topology, as the examples do.
///
/// With `topology.workers` above 1 the topology runs over that many worker processes, started from
/// this same program: in each of them, this call runs that worker's share of the executors and
/// exits the process when the run ends (so code before it runs in every worker too).
///
/// # Errors
/// A component failure (panic, failed `prepare`, too many restarts) or a timeout.
pub fn run_local(name: &str, config: &Config, topology: Topology) -> Result<TopologyStats, RuntimeError> {
    squall_cluster::submit(name, config, topology, RunOptions::new())?
        .run_to_completion(Duration::from_secs(600))
}

/// The README's examples, compiled and run as doctests so they cannot rot.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
