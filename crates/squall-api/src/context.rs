//! [`TopologyContext`]: what a task knows about itself and the topology it runs in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{ComponentId, Config, Fields, SharedClock, StreamDeclaration, Subscription, TaskId, TaskWaker};

/// The shape of one component as its peers see it.
#[derive(Clone, Debug)]
pub struct ComponentInfo {
    /// Its task ids, ascending.
    pub tasks: Vec<TaskId>,
    /// Its output streams.
    pub outputs: Vec<StreamDeclaration>,
    /// Its input subscriptions.
    pub inputs: Vec<Subscription>,
}

/// The topology as every task sees it: names, config, components and their tasks.
#[derive(Clone, Debug)]
pub struct TopologyInfo {
    /// The topology's name.
    pub name: String,
    /// The topology config with defaults filled in.
    pub config: Config,
    /// Every component (system components included), by id.
    pub components: BTreeMap<ComponentId, ComponentInfo>,
    /// The directory shell components run in (the topology's resources directory), if any.
    pub resources_dir: Option<PathBuf>,
}

impl TopologyInfo {
    /// The component that owns `task`.
    pub fn component_for_task(&self, task: TaskId) -> Option<&ComponentId> {
        self.components.iter().find(|(_, c)| c.tasks.binary_search(&task).is_ok()).map(|(id, _)| id)
    }
}

/// What a task is told when it starts: its own ids, the topology's shape, its effective config.
#[derive(Clone)]
pub struct TopologyContext {
    topology: Arc<TopologyInfo>,
    component: ComponentId,
    task: TaskId,
    config: Arc<Config>,
    clock: SharedClock,
    waker: TaskWaker,
}

impl TopologyContext {
    /// A context for `task` of `component`, whose effective config is `config` (the topology's with
    /// the component's allowed overrides).
    pub fn new(
        topology: Arc<TopologyInfo>,
        component: ComponentId,
        task: TaskId,
        config: Arc<Config>,
    ) -> Self {
        Self { topology, component, task, config, clock: crate::system_clock(), waker: TaskWaker::noop() }
    }

    /// This context with `clock` as the time source (the runtime passes its own, tests a simulated one).
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// This context with `waker` as the task's waker.
    pub fn with_waker(mut self, waker: TaskWaker) -> Self {
        self.waker = waker;
        self
    }

    /// The clock this task reads time from. Components read time here rather than from the system,
    /// so that tests with a simulated clock control them too.
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// A waker that makes the runtime call this task's [`Bolt::wake`](crate::Bolt::wake) hook.
    pub fn waker(&self) -> &TaskWaker {
        &self.waker
    }

    /// This task's id.
    pub fn this_task_id(&self) -> TaskId {
        self.task
    }

    /// This task's index among its component's tasks (0-based).
    pub fn this_task_index(&self) -> usize {
        self.this_component_tasks().iter().position(|t| *t == self.task).unwrap_or(0)
    }

    /// This task's component id.
    pub fn this_component_id(&self) -> &ComponentId {
        &self.component
    }

    /// The tasks of this task's component.
    pub fn this_component_tasks(&self) -> &[TaskId] {
        self.component_tasks(self.component.as_str())
    }

    /// The tasks of `component`, ascending; empty for an unknown component.
    pub fn component_tasks(&self, component: &str) -> &[TaskId] {
        self.topology.components.get(component).map_or(&[], |c| &c.tasks)
    }

    /// The component that owns `task`.
    pub fn component_for_task(&self, task: TaskId) -> Option<&ComponentId> {
        self.topology.component_for_task(task)
    }

    /// The fields `component` declares on `stream`.
    pub fn output_fields(&self, component: &str, stream: &str) -> Option<&Fields> {
        self.topology.components.get(component)?.outputs.iter().find(|s| s.id == stream).map(|s| &s.fields)
    }

    /// This component's output streams.
    pub fn this_outputs(&self) -> &[StreamDeclaration] {
        self.topology.components.get(&self.component).map_or(&[], |c| &c.outputs)
    }

    /// This component's inputs.
    pub fn this_inputs(&self) -> &[Subscription] {
        self.topology.components.get(&self.component).map_or(&[], |c| &c.inputs)
    }

    /// The topology's name.
    pub fn topology_name(&self) -> &str {
        &self.topology.name
    }

    /// The whole topology as tasks see it.
    pub fn topology(&self) -> &TopologyInfo {
        &self.topology
    }

    /// This component's effective config (defaults, topology config, allowed component overrides).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The directory shell components run in, if the topology has one.
    pub fn resources_dir(&self) -> Option<&Path> {
        self.topology.resources_dir.as_deref()
    }
}

impl std::fmt::Debug for TopologyContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TopologyContext")
            .field("topology", &self.topology.name)
            .field("component", &self.component)
            .field("task", &self.task)
            .finish_non_exhaustive()
    }
}
