//! [`Grouping`]: how a stream's tuples are spread over a consumer's tasks, and the trait for custom
//! groupings.

use std::fmt;
use std::sync::Arc;

use crate::{Fields, GlobalStreamId, TaskId, Value};

/// A user-defined grouping: given a tuple, picks the consumer tasks it goes to.
///
/// One instance exists per producer executor and stream; it is prepared with the consumer's task
/// ids in ascending order.
pub trait CustomStreamGrouping: Send {
    /// Called once before the first tuple with the stream and the consumer's sorted task ids.
    fn prepare(&mut self, stream: &GlobalStreamId, targets: &[TaskId]);

    /// Appends the target tasks for a tuple with these values to `out` (which arrives empty).
    /// Every id must be one of the targets given to [`prepare`](Self::prepare).
    fn choose_tasks(&mut self, source_task: TaskId, values: &[Value], out: &mut Vec<TaskId>);
}

/// Makes a fresh [`CustomStreamGrouping`] for each producer executor.
pub type CustomGroupingFactory = Arc<dyn Fn() -> Box<dyn CustomStreamGrouping> + Send + Sync>;

/// A stream grouping: one of Storm's built-in rules, or a custom one.
#[derive(Clone)]
pub enum Grouping {
    /// Spread evenly over all tasks (load-aware unless `topology.disable.loadaware.messaging`).
    Shuffle,
    /// Tuples with equal values in these fields go to the same task.
    Fields(Fields),
    /// Each key goes to the less loaded of two candidate tasks chosen by hashing these fields.
    PartialKey(Fields),
    /// Every task receives a copy.
    All,
    /// Everything goes to the task with the lowest id.
    Global,
    /// The producer does not care: a uniformly random task per tuple.
    None,
    /// The emitter names the task, on a stream declared direct.
    Direct,
    /// Prefer tasks in the emitter's own worker; shuffle among them, or among all if none.
    LocalOrShuffle,
    /// A user-defined rule, named for messages and plans.
    Custom {
        /// A name shown in plans and errors.
        name: String,
        /// Builds one grouping instance per producer executor.
        factory: CustomGroupingFactory,
    },
}

impl Grouping {
    /// A custom grouping built by `factory` for each producer executor.
    pub fn custom<G, F>(name: impl Into<String>, factory: F) -> Self
    where
        G: CustomStreamGrouping + 'static,
        F: Fn() -> G + Send + Sync + 'static,
    {
        Grouping::Custom { name: name.into(), factory: Arc::new(move || Box::new(factory())) }
    }

    /// The grouping's name as Storm's UI and multilang context spell it.
    pub fn kind(&self) -> &'static str {
        match self {
            Grouping::Shuffle => "SHUFFLE",
            Grouping::Fields(_) | Grouping::Global => "FIELDS",
            Grouping::PartialKey(_) | Grouping::Custom { .. } => "CUSTOM_SERIALIZED",
            Grouping::All => "ALL",
            Grouping::None => "NONE",
            Grouping::Direct => "DIRECT",
            Grouping::LocalOrShuffle => "LOCAL_OR_SHUFFLE",
        }
    }

    /// The fields the grouping reads, if any.
    pub fn fields(&self) -> Option<&Fields> {
        match self {
            Grouping::Fields(f) | Grouping::PartialKey(f) => Some(f),
            _ => None,
        }
    }
}

impl fmt::Debug for Grouping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Grouping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grouping::Shuffle => f.write_str("shuffle"),
            Grouping::Fields(fields) => write!(f, "fields{fields}"),
            Grouping::PartialKey(fields) => write!(f, "partial-key{fields}"),
            Grouping::All => f.write_str("all"),
            Grouping::Global => f.write_str("global"),
            Grouping::None => f.write_str("none"),
            Grouping::Direct => f.write_str("direct"),
            Grouping::LocalOrShuffle => f.write_str("local-or-shuffle"),
            Grouping::Custom { name, .. } => write!(f, "custom({name})"),
        }
    }
}
