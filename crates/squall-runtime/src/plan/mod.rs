//! The physical plan: a pure function from a validated [`Topology`] and its config to tasks,
//! executors, the stream table and routes. The runtime only executes a plan.
//!
//! - [`tasks`]: Storm's task numbering (components sorted by id, `__acker` included, ids from 1).
//! - [`executors`]: Storm's partition of a component's tasks into executors, then squall's chaining,
//!   which moves a consumer's tasks into its producer's executors where that cannot change results.
//! - [`streams`]: every declared stream gets a topology-wide index, an interned schema and the list
//!   of its consumers with their groupings and sorted target tasks.

mod executors;
mod streams;
mod tasks;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use squall_api::{ComponentId, Config, Grouping, StreamSchema, TaskId, Topology};

pub use executors::ExecutorPlan;
pub use streams::{ConsumerRoute, StreamPlan};

/// What a component is in the running topology.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComponentRole {
    /// A user spout.
    Spout,
    /// A user bolt.
    Bolt,
    /// The system acker (`__acker`).
    Acker,
}

/// One component of the plan.
#[derive(Clone, Debug)]
pub struct ComponentPlan {
    /// Its id.
    pub id: ComponentId,
    /// Spout, bolt or acker.
    pub role: ComponentRole,
    /// Its task ids, ascending and contiguous.
    pub tasks: Vec<TaskId>,
    /// Its effective config: the topology's, overlaid with the component keys Storm allows.
    pub config: Config,
    /// Indexes into [`Plan::streams`] of the streams it emits.
    pub outputs: Vec<usize>,
    /// Its inputs: (index into [`Plan::streams`], grouping).
    pub inputs: Vec<(usize, Grouping)>,
}

/// Where a task lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskPlacement {
    /// The component, as an index into [`Plan::components`].
    pub component: usize,
    /// The executor hosting the task, as an index into [`Plan::executors`].
    pub executor: usize,
    /// The worker process hosting that executor.
    pub worker: u32,
}

/// A topology expanded into tasks, executors and routes.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The topology's name.
    pub name: String,
    /// The topology config with defaults filled in.
    pub config: Config,
    /// Every component, user and system, sorted by id.
    pub components: Vec<ComponentPlan>,
    /// Every stream, indexed by its topology-wide stream index.
    pub streams: Vec<StreamPlan>,
    /// Every executor.
    pub executors: Vec<ExecutorPlan>,
    /// Placement of task `t` at index `t - 1`.
    pub placements: Vec<TaskPlacement>,
    /// The acker tasks, ascending (empty when reliability is off).
    pub ackers: Vec<TaskId>,
    /// The number of worker processes.
    pub workers: u32,
}

impl Plan {
    /// Expands `topology` under `config` (the topology config; defaults are filled in here).
    pub fn new(name: &str, topology: &Topology, config: &Config) -> Plan {
        let config = config.with_defaults();
        let workers = u32::try_from(config.workers()).unwrap_or(u32::MAX).max(1);
        let mut components = tasks::number_tasks(topology, &config);
        let streams = streams::stream_table(topology, &mut components);
        let executors = executors::plan_executors(topology, &components, &streams, &config, workers);
        let total_tasks = components.iter().map(|c| c.tasks.len()).sum();
        let mut placements = vec![TaskPlacement { component: 0, executor: 0, worker: 0 }; total_tasks];
        for (ci, c) in components.iter().enumerate() {
            for t in &c.tasks {
                placements[task_index(*t)].component = ci;
            }
        }
        for (ei, e) in executors.iter().enumerate() {
            for t in &e.tasks {
                let p = &mut placements[task_index(*t)];
                p.executor = ei;
                p.worker = e.worker;
            }
        }
        let ackers = components
            .iter()
            .find(|c| c.role == ComponentRole::Acker)
            .map(|c| c.tasks.clone())
            .unwrap_or_default();
        Plan { name: name.to_owned(), config, components, streams, executors, placements, ackers, workers }
    }

    /// The placement of `task`, if it exists.
    pub fn placement(&self, task: TaskId) -> Option<&TaskPlacement> {
        usize::try_from(task.0).ok().and_then(|t| t.checked_sub(1)).and_then(|i| self.placements.get(i))
    }

    /// The component owning `task`.
    pub fn component_of(&self, task: TaskId) -> Option<&ComponentPlan> {
        self.placement(task).map(|p| &self.components[p.component])
    }

    /// The index of the component with this id.
    pub fn component_index(&self, id: &str) -> Option<usize> {
        self.components.binary_search_by(|c| c.id.as_str().cmp(id)).ok()
    }

    /// The index of stream `stream` of component `component`.
    pub fn stream_index(&self, component: &str, stream: &str) -> Option<usize> {
        let c = &self.components[self.component_index(component)?];
        c.outputs.iter().copied().find(|&s| self.streams[s].schema.stream == stream)
    }

    /// The schema of stream `index`.
    pub fn schema(&self, index: usize) -> &'static StreamSchema {
        self.streams[index].schema
    }

    /// Total number of tasks.
    pub fn task_count(&self) -> usize {
        self.placements.len()
    }

    /// True when tuple trees are tracked (at least one acker).
    pub fn reliable(&self) -> bool {
        !self.ackers.is_empty()
    }

    /// The acker task tracking `root`.
    pub fn acker_for(&self, root: u64) -> TaskId {
        // Roots are uniformly random 64-bit values, so a plain modulus spreads them evenly.
        let n = self.ackers.len() as u64;
        self.ackers[usize::try_from(root % n).unwrap_or(0)]
    }

    /// A short human description: components, tasks, executors, streams and groupings.
    pub fn describe(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(out, "topology '{}' on {} worker(s)", self.name, self.workers);
        for c in &self.components {
            let execs = self.executors.iter().filter(|e| e.component == self.component_index_of(c)).count();
            let role = match c.role {
                ComponentRole::Spout => "spout",
                ComponentRole::Bolt => "bolt",
                ComponentRole::Acker => "acker",
            };
            let (first, last) = (c.tasks.first().map_or(0, |t| t.0), c.tasks.last().map_or(0, |t| t.0));
            let _ = writeln!(
                out,
                "  {role} {:<20} tasks [{first}..{last}] ({} task(s)), {execs} own executor(s)",
                c.id.as_str(),
                c.tasks.len()
            );
            for (s, g) in &c.inputs {
                let schema = self.streams[*s].schema;
                let _ = writeln!(out, "    <- {}:{} {g}", schema.component, schema.stream);
            }
        }
        for e in &self.executors {
            if e.tasks.len() > e.head_tasks {
                let chained: Vec<String> = e.tasks[e.head_tasks..]
                    .iter()
                    .filter_map(|t| self.component_of(*t).map(|c| format!("{}:{t}", c.id)))
                    .collect();
                let _ = writeln!(
                    out,
                    "  executor {} [{}..{}] chains {}",
                    self.components[e.component].id,
                    e.tasks[0],
                    e.tasks[e.head_tasks - 1],
                    chained.join(", ")
                );
            }
        }
        out
    }

    fn component_index_of(&self, c: &ComponentPlan) -> usize {
        self.component_index(c.id.as_str()).unwrap_or(usize::MAX)
    }

    /// A hash of everything workers must agree on (components, tasks, streams and their fields,
    /// groupings, executors and their workers): workers with different fingerprints refuse each
    /// other's connections.
    pub fn fingerprint(&self) -> u64 {
        use std::fmt::Write;
        let mut text = String::new();
        let _ = write!(text, "{}|{}|", self.name, self.workers);
        for c in &self.components {
            let _ = write!(text, "{}:{:?}:{:?};", c.id, c.role, c.tasks);
        }
        for s in &self.streams {
            let _ =
                write!(text, "{}:{}:{}:{}[", s.schema.component, s.schema.stream, s.schema.fields, s.direct);
            for r in &s.consumers {
                let _ = write!(text, "{}:{}:{:?},", r.component, r.grouping, r.targets);
            }
            text.push(']');
        }
        for e in &self.executors {
            let _ = write!(text, "{:?}@{};", e.tasks, e.worker);
        }
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    }

    /// Per component id, its task ids: the shape every task's context carries.
    pub fn task_map(&self) -> BTreeMap<ComponentId, Vec<TaskId>> {
        self.components.iter().map(|c| (c.id.clone(), c.tasks.clone())).collect()
    }
}

/// Index of task `t` in per-task tables (task ids start at 1).
pub(crate) fn task_index(t: TaskId) -> usize {
    usize::try_from(t.0 - 1).expect("user task ids start at 1")
}
