//! Stream groupings at run time: a [`Grouper`] per (emitting task, stream, consumer component)
//! picks the consumer tasks each tuple goes to.
//!
//! Placement rules follow Storm (`storm-model.md` §2) with these deliberate differences:
//! - fields and partial-key groupings hash with [`fields_hash`], a fixed, documented hash (not
//!   Java's `hashCode`); partial key draws its two candidates from two seeds of that hash;
//! - groupers exist per emitting task rather than per executor (round-robin state is per task);
//! - local-or-shuffle prefers consumer tasks in the emitter's own executor (chained, see
//!   [`crate::plan`]), then those in its worker, then all.

mod hash;
mod shuffle;
mod targets;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use squall_api::{Config, CustomStreamGrouping, GlobalStreamId, Grouping, StreamSchema, TaskId, Value};

pub use hash::{fields_hash, pick};
pub use shuffle::{LoadAware, RoundRobin};
pub use targets::Targets;

/// Reads the load of a consumer task: its receive queue's fill ratio in `[0, 1]` (1.0 if unknown).
pub trait LoadSource: Send + Sync {
    /// The load of `task`.
    fn load(&self, task: TaskId) -> f64;
}

/// A load source that knows nothing: every task is equally (un)loaded.
#[derive(Debug, Default)]
pub struct NoLoad;

impl LoadSource for NoLoad {
    fn load(&self, _: TaskId) -> f64 {
        0.0
    }
}

/// Settings a grouper is built with (from the topology config).
#[derive(Clone, Debug)]
pub struct GrouperSettings {
    /// `topology.disable.loadaware.messaging`: plain round-robin shuffle instead of load-aware.
    pub loadaware_disabled: bool,
    /// `topology.localityaware.higher.bound`.
    pub higher_bound: f64,
    /// `topology.localityaware.lower.bound`.
    pub lower_bound: f64,
}

impl GrouperSettings {
    /// The settings in `config`.
    pub fn from_config(config: &Config) -> Self {
        Self {
            loadaware_disabled: config.loadaware_messaging_disabled(),
            higher_bound: config
                .get_f64(squall_api::config::TOPOLOGY_LOCALITYAWARE_HIGHER_BOUND)
                .unwrap_or(0.8),
            lower_bound: config
                .get_f64(squall_api::config::TOPOLOGY_LOCALITYAWARE_LOWER_BOUND)
                .unwrap_or(0.2),
        }
    }
}

/// Where the consumer's tasks sit relative to the emitter.
#[derive(Clone, Debug, Default)]
pub struct Locality {
    /// Consumer tasks in the emitter's executor (called directly).
    pub same_executor: Vec<TaskId>,
    /// Consumer tasks in the emitter's worker process.
    pub same_worker: Vec<TaskId>,
}

/// Chooses consumer tasks for one (emitter, stream, consumer component).
pub enum Grouper {
    /// Shuffle with load awareness off: an even round-robin.
    RoundRobin(RoundRobin),
    /// Storm's default load-aware shuffle.
    LoadAware(Box<LoadAware>),
    /// Fields grouping: hash of the grouping values modulo the number of targets.
    Fields {
        /// Positions of the grouping fields in the stream's values.
        indices: Vec<usize>,
        /// The targets, ascending.
        targets: Vec<TaskId>,
    },
    /// Partial key grouping: the less used of two hashed candidates.
    PartialKey {
        /// Positions of the grouping fields (empty: the first value).
        indices: Vec<usize>,
        /// The targets, ascending.
        targets: Vec<TaskId>,
        /// Tuples this grouper sent to each target.
        sent: Vec<u64>,
    },
    /// Every target.
    All(Vec<TaskId>),
    /// The lowest target.
    Global(TaskId),
    /// None grouping: a uniformly random target per tuple.
    Random {
        /// The targets.
        targets: Vec<TaskId>,
        /// Randomness.
        rng: fastrand::Rng,
    },
    /// Direct grouping: regular emits are refused; the emitter names the task.
    Direct,
    /// A user grouping, with the valid targets to check its answers against.
    Custom {
        /// The user's grouping.
        grouping: Box<dyn CustomStreamGrouping>,
        /// The targets it was prepared with.
        targets: Vec<TaskId>,
        /// Scratch space for its answers.
        scratch: Vec<TaskId>,
        /// Its name, for errors.
        name: String,
    },
}

impl Grouper {
    /// Builds the grouper for `grouping` over `targets` (ascending) of a consumer of `schema`.
    pub fn new(
        grouping: &Grouping,
        schema: &StreamSchema,
        targets: &[TaskId],
        locality: &Locality,
        loads: Arc<dyn LoadSource>,
        settings: &GrouperSettings,
        seed: u64,
    ) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed);
        let indices = |fields: &squall_api::Fields| -> Vec<usize> {
            fields.iter().filter_map(|f| schema.fields.index_of(f)).collect()
        };
        let shuffle = |local: Vec<TaskId>, all: Vec<TaskId>, rng: &mut fastrand::Rng| {
            if settings.loadaware_disabled || all.len() == 1 {
                Grouper::RoundRobin(RoundRobin::new(&all, rng))
            } else {
                Grouper::LoadAware(Box::new(LoadAware::new(
                    local,
                    all,
                    loads.clone(),
                    settings.clone(),
                    rng.u64(..),
                )))
            }
        };
        match grouping {
            Grouping::Shuffle => shuffle(locality.same_worker.clone(), targets.to_vec(), &mut rng),
            Grouping::LocalOrShuffle => {
                let candidates = if !locality.same_executor.is_empty() {
                    locality.same_executor.clone()
                } else if !locality.same_worker.is_empty() {
                    locality.same_worker.clone()
                } else {
                    targets.to_vec()
                };
                if locality.same_executor.is_empty() {
                    shuffle(candidates.clone(), candidates, &mut rng)
                } else {
                    // Calls within one thread never queue: load awareness has nothing to measure.
                    Grouper::RoundRobin(RoundRobin::new(&candidates, &mut rng))
                }
            }
            Grouping::Fields(fields) => {
                Grouper::Fields { indices: indices(fields), targets: targets.to_vec() }
            }
            Grouping::PartialKey(fields) => Grouper::PartialKey {
                indices: if fields.is_empty() { vec![0] } else { indices(fields) },
                targets: targets.to_vec(),
                sent: vec![0; targets.len()],
            },
            Grouping::All => Grouper::All(targets.to_vec()),
            Grouping::Global => Grouper::Global(targets.iter().copied().min().unwrap_or_default()),
            Grouping::None => {
                if locality.same_executor.len() == targets.len() || targets.len() == 1 {
                    Grouper::Random { targets: targets.to_vec(), rng }
                } else if !locality.same_executor.is_empty() {
                    // Chained 1:1 (see plan::executors): none grouping promises no task, so the
                    // emitter's own thread serves.
                    Grouper::Random { targets: locality.same_executor.clone(), rng }
                } else {
                    Grouper::Random { targets: targets.to_vec(), rng }
                }
            }
            Grouping::Direct => Grouper::Direct,
            Grouping::Custom { name, factory } => {
                let mut grouping = factory();
                let stream =
                    GlobalStreamId { component: schema.component.clone(), stream: schema.stream.clone() };
                grouping.prepare(&stream, targets);
                Grouper::Custom {
                    grouping,
                    targets: targets.to_vec(),
                    scratch: Vec::new(),
                    name: name.clone(),
                }
            }
        }
    }

    /// The one task this grouper always picks, if it can only ever pick one (a single candidate
    /// under shuffle, local-or-shuffle, none, fields or partial key; global): emits then skip it.
    pub fn fixed_target(&self) -> Option<TaskId> {
        match self {
            Grouper::RoundRobin(r) => r.only(),
            Grouper::LoadAware(l) => l.only(),
            Grouper::Fields { targets, .. }
            | Grouper::PartialKey { targets, .. }
            | Grouper::Random { targets, .. }
                if targets.len() == 1 =>
            {
                Some(targets[0])
            }
            Grouper::All(targets) if targets.len() == 1 => Some(targets[0]),
            Grouper::Global(t) => Some(*t),
            _ => None,
        }
    }

    /// True for a direct grouping.
    pub fn is_direct(&self) -> bool {
        matches!(self, Grouper::Direct)
    }

    /// Appends the targets of a tuple with `values` emitted by `source` to `out`.
    ///
    /// # Panics
    /// For a direct grouping (callers check [`is_direct`](Self::is_direct) first), and when a custom
    /// grouping answers a task it was not prepared with (the user's bug, reported with its name).
    #[inline]
    pub fn choose(&mut self, source: TaskId, values: &[Value], out: &mut Targets) {
        match self {
            Grouper::RoundRobin(r) => out.push(r.next_target()),
            Grouper::LoadAware(l) => out.push(l.next_target()),
            Grouper::Fields { indices, targets } => {
                let h = fields_hash(values, indices);
                out.push(targets[pick(h, targets.len())]);
            }
            Grouper::PartialKey { indices, targets, sent } => {
                let h = fields_hash(values, indices);
                let i = pick(h, targets.len());
                let mut j = pick(h.rotate_left(32).wrapping_mul(0x9E37_79B9_7F4A_7C15), targets.len());
                if j == i {
                    j = (j + 1) % targets.len();
                }
                let pick = if sent[j] < sent[i] { j } else { i };
                sent[pick] += 1;
                out.push(targets[pick]);
            }
            Grouper::All(targets) => out.extend_from_slice(targets),
            Grouper::Global(t) => out.push(*t),
            Grouper::Random { targets, rng } => out.push(targets[rng.usize(0..targets.len())]),
            Grouper::Direct => panic!("Cannot do regular emit to direct stream"),
            Grouper::Custom { grouping, targets, scratch, name } => {
                scratch.clear();
                grouping.choose_tasks(source, values, scratch);
                for t in scratch.iter() {
                    assert!(
                        targets.binary_search(t).is_ok(),
                        "custom grouping '{name}' chose task {t}, which is not one of its targets {targets:?}"
                    );
                }
                out.extend_from_slice(scratch);
            }
        }
    }
}
