//! squall's public topology API: what a Rust user writes components and topologies against.
//!
//! This crate owns the vocabulary of Storm's model and nothing that moves data: [`Spout`], [`Bolt`]
//! and [`BasicBolt`]; [`Tuple`], [`Value`] and [`Fields`]; the collectors components emit, ack and
//! fail through; stream [`Grouping`]s; the [`TopologyBuilder`] that validates a graph into a
//! [`Topology`]; [`Config`] under Storm's key names; and the [`TopologyContext`] a task starts with.
//! Running a topology is the job of `squall-runtime` (see the `squall` facade crate for local mode).
//!
//! ```
//! use squall_api::{values, BasicBolt, BasicCollector, Failed, OutputDeclarer, TopologyBuilder, Tuple};
//!
//! struct Exclaim;
//! impl BasicBolt for Exclaim {
//!     fn declare_outputs(&self, d: &mut OutputDeclarer) {
//!         d.declare(["word"]);
//!     }
//!     fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
//!         let word = t.get_str(0).ok_or_else(|| Failed::new("no word"))?;
//!         out.emit(values![format!("{word}!!!")]);
//!         Ok(())
//!     }
//! }
//!
//! let mut builder = TopologyBuilder::new();
//! builder.set_basic_bolt("exclaim", 2, || Exclaim).shuffle_grouping("nowhere");
//! let err = builder.build().unwrap_err();
//! assert_eq!(err.to_string(), "invalid topology: component 'exclaim' subscribes to unknown component 'nowhere'");
//! ```

#![deny(missing_docs)]

mod builder;
mod clock;
mod collector;
mod component;
pub mod config;
mod context;
mod declarer;
mod error;
mod fields;
mod grouping;
mod ids;
mod schema;
mod topology;
mod tuple;
mod value;
mod values;

pub use builder::{BoltDeclarer, SpoutDeclarer, TopologyBuilder};
pub use clock::{Clock, SharedClock, SystemClock, TaskWaker, system_clock};
pub use collector::{BasicCollector, BoltCollector, BoltOutput, SpoutCollector, SpoutOutput};
pub use component::{BasicBolt, BasicBoltAdapter, Bolt, ComponentError, Failed, Spout};
pub use config::{Config, ConfigProblem};
pub use context::{ComponentInfo, TopologyContext, TopologyInfo};
pub use declarer::{OutputDeclarer, StreamDeclaration};
pub use error::{InvalidTopology, TopologyError};
pub use fields::Fields;
pub use grouping::{CustomGroupingFactory, CustomStreamGrouping, Grouping};
pub use ids::{
    ACKER_COMPONENT, ComponentId, DEFAULT_STREAM, GlobalStreamId, SYSTEM_COMPONENT, SYSTEM_TASK, StreamId,
    TICK_STREAM, TaskId,
};
pub use schema::StreamSchema;
pub use topology::{BoltFactory, ComponentDef, ComponentKind, SpoutFactory, Subscription, Topology};
pub use tuple::{MessageId, Tuple};
pub use value::Value;
pub use values::Values;
