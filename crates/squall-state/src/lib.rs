//! Stateful bolts for squall: Storm's key-value state, its checkpointing protocol, state backends,
//! and exactly-once state through input deduplication (storm-model §6).
//!
//! **What this crate owns.**
//! - The state API: [`KeyValueState`] (typed over serde keys and values, transactional with
//!   Storm's `prepare_commit`/`commit`/`rollback`), and the [`StatefulBolt`] trait, which receives
//!   its state in every call.
//! - Checkpointing ([`checkpoint`]): the `$checkpointspout` ([`CheckpointSpout`]) with Storm's
//!   recovery and normal state machine ([`CheckpointMachine`]), alignment across upstream tasks
//!   ([`Aligner`]), deferred acks and INITSTATE buffering ([`BoltProtocol`]), the executors that
//!   carry them out ([`StatefulBoltExecutor`], [`CheckpointForwarder`]), and the topology
//!   rewriting ([`StatefulTopologyBuilder`], [`with_checkpointing`]).
//! - Backends chosen by `topology.state.provider` ([`backend`]): in-memory (a test double of
//!   durability), redb on local disk, Redis.
//! - Exactly-once state ([`dedup`]): stateful bolts skip inputs they already applied, recognized
//!   by identity fields and recorded in the same transactions as their state.
//! - Stateful windows (`window`, cargo feature `window`, on by default): windowed bolts with
//!   checkpointed state whose windows refill after a failure without firing twice.
//!
//! Running topologies is `squall-runtime`'s job; this crate depends on the API alone.
//!
//! **Departures from Storm.** The state is held in memory, decoded, and written to the backend at
//! each prepare and commit (Storm's Redis state reads through). Committing an already committed
//! txid is a no-op rather than an error, so a recovery may repeat a COMMIT. Corrupt or missing
//! checkpoint data stops the component with an error naming it and the txid. Checkpoint alignment
//! counts copies per upstream task. The checkpoint spout reports itself finished between
//! checkpoints, so bounded local runs end. Stored data uses squall's own encoding (postcard), not
//! Java serialization.
//!
//! ```
//! use squall_api::{values, BoltCollector, Config, OutputDeclarer, Spout, SpoutCollector, Tuple, Value};
//! use squall_state::{InMemoryProvider, KeyValueState, StatefulBolt, StatefulTopologyBuilder, load_committed, namespace};
//!
//! /// Three numbers, each tracked.
//! struct Numbers(i64);
//! impl Spout for Numbers {
//!     fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["n"]); }
//!     fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
//!         if self.0 < 3 { out.emit_with_id(values![self.0], self.0); self.0 += 1; }
//!     }
//!     fn is_finished(&self) -> bool { self.0 >= 3 }
//! }
//!
//! /// Keeps the running sum under key "sum".
//! struct Sum;
//! impl StatefulBolt for Sum {
//!     type Key = String;
//!     type Value = i64;
//!     fn declare_outputs(&self, _: &mut OutputDeclarer) {}
//!     fn execute(&mut self, t: Tuple, state: &mut KeyValueState<String, i64>, out: &mut BoltCollector<'_>) {
//!         let sum = state.get_or("sum", 0) + t.get_i64(0).unwrap_or(0);
//!         state.put("sum".into(), sum);
//!         out.ack(&t);
//!     }
//! }
//!
//! let mut builder = StatefulTopologyBuilder::new();
//! builder.set_spout("numbers", 1, || Numbers(0));
//! builder.set_stateful_bolt("sum", 1, || Sum).shuffle_grouping("numbers");
//! let mut config = Config::new();
//! config.set("topology.state.checkpoint.interval.ms", 100);
//! let cluster = squall_runtime::LocalCluster::new();
//! cluster.submit("doc-sum", &config, builder.build()?, squall_runtime::RunOptions::new())?;
//! let running = cluster.take("doc-sum")?;
//! let task = running.plan().task_map()["sum"][0];
//! running.run_to_completion(std::time::Duration::from_secs(60))?;
//!
//! // The in-memory store is named after the topology; the task's state after component and task.
//! let provider = InMemoryProvider::named("doc-sum");
//! let committed = load_committed::<String, i64>(&provider, &namespace("sum", task))?;
//! assert_eq!(committed.get("sum"), Some(&3));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

pub mod backend;
pub mod bolt;
pub mod checkpoint;
mod codec;
pub mod dedup;
mod error;
mod state;
mod topology;
#[cfg(feature = "window")]
pub mod window;

#[cfg(feature = "redb")]
pub use backend::RedbProvider;
#[cfg(feature = "redis")]
pub use backend::RedisProvider;
pub use backend::{InMemoryProvider, NamespaceStore, StateProvider, provider_from_config};
pub use bolt::{CheckpointForwarder, StatefulBolt, StatefulBoltExecutor};
pub use checkpoint::{
    Action, Aligner, BoltProtocol, CheckpointMachine, CheckpointSpout, CheckpointState, Phase,
};
pub use codec::StoredValue;
pub use dedup::{CompletedPrefix, Dedup};
pub use error::StateError;
pub use state::{KeyValueState, StateKey, StateValue, load_committed, namespace};
pub use topology::{StatefulBoltDeclarer, StatefulTopologyBuilder, with_checkpointing};
