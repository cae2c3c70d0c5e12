//! [`Topology`]: a validated graph of components, ready to be planned and run.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::{Bolt, ComponentId, Config, GlobalStreamId, Grouping, Spout, StreamDeclaration};

/// Makes a fresh spout instance for each task.
pub type SpoutFactory = Arc<dyn Fn() -> Box<dyn Spout> + Send + Sync>;
/// Makes a fresh bolt instance for each task.
pub type BoltFactory = Arc<dyn Fn() -> Box<dyn Bolt> + Send + Sync>;

/// Whether a component is a spout or a bolt, with its factory.
#[derive(Clone)]
pub enum ComponentKind {
    /// A spout.
    Spout(SpoutFactory),
    /// A bolt.
    Bolt(BoltFactory),
}

impl fmt::Debug for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ComponentKind::Spout(_) => "spout",
            ComponentKind::Bolt(_) => "bolt",
        })
    }
}

/// A bolt's input: a stream of another component and how it is grouped over this bolt's tasks.
#[derive(Clone, Debug)]
pub struct Subscription {
    /// The producer and its stream.
    pub source: GlobalStreamId,
    /// The grouping.
    pub grouping: Grouping,
}

/// One component of a topology.
#[derive(Clone, Debug)]
pub struct ComponentDef {
    /// Its id.
    pub id: ComponentId,
    /// Spout or bolt, with the factory for its task instances.
    pub kind: ComponentKind,
    /// Executors to start with (Storm's parallelism hint); at least 1.
    pub parallelism: u32,
    /// Tasks, if set apart from the parallelism hint; at least 1.
    pub num_tasks: Option<u32>,
    /// The component's own config: what the component asked for, overlaid by builder settings.
    pub config: Config,
    /// Its output streams.
    pub outputs: Vec<StreamDeclaration>,
    /// Its input subscriptions (empty for spouts).
    pub inputs: Vec<Subscription>,
}

impl ComponentDef {
    /// True for spouts.
    pub fn is_spout(&self) -> bool {
        matches!(self.kind, ComponentKind::Spout(_))
    }

    /// The declaration of output stream `stream`.
    pub fn output(&self, stream: &str) -> Option<&StreamDeclaration> {
        self.outputs.iter().find(|s| s.id == stream)
    }
}

/// A validated topology: every subscription names a declared stream, every grouping field exists,
/// ids are unique. Built by [`TopologyBuilder::build`](crate::TopologyBuilder::build).
#[derive(Clone, Debug)]
pub struct Topology {
    pub(crate) components: BTreeMap<ComponentId, ComponentDef>,
}

impl Topology {
    /// The components, ordered by id.
    pub fn components(&self) -> impl Iterator<Item = &ComponentDef> {
        self.components.values()
    }

    /// The component with this id.
    pub fn component(&self, id: &str) -> Option<&ComponentDef> {
        self.components.get(id)
    }

    /// The spouts, ordered by id.
    pub fn spouts(&self) -> impl Iterator<Item = &ComponentDef> {
        self.components.values().filter(|c| c.is_spout())
    }

    /// The bolts, ordered by id.
    pub fn bolts(&self) -> impl Iterator<Item = &ComponentDef> {
        self.components.values().filter(|c| !c.is_spout())
    }

    /// Replaces the factory of spout `id`, keeping its declared outputs (testing: mocked sources).
    /// Returns false if `id` is not a spout of this topology.
    pub fn replace_spout(&mut self, id: &str, factory: SpoutFactory) -> bool {
        match self.components.get_mut(id) {
            Some(def) if def.is_spout() => {
                def.kind = ComponentKind::Spout(factory);
                true
            }
            _ => false,
        }
    }

    /// The subscriptions to `source`: (consumer, grouping) pairs, ordered by consumer id.
    pub fn consumers_of(&self, source: &GlobalStreamId) -> impl Iterator<Item = (&ComponentDef, &Grouping)> {
        self.components.values().flat_map(move |c| {
            c.inputs.iter().filter(move |s| &s.source == source).map(move |s| (c, &s.grouping))
        })
    }
}
