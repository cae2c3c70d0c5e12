//! [`TopologyBuilder`]: declare spouts and bolts, wire them with groupings, and validate.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::topology::{BoltFactory, SpoutFactory};
use crate::{
    BasicBolt, BasicBoltAdapter, Bolt, ComponentDef, ComponentId, ComponentKind, Config, DEFAULT_STREAM,
    Fields, GlobalStreamId, Grouping, InvalidTopology, OutputDeclarer, Spout, StreamId, Subscription,
    Topology, TopologyError,
};

/// Builds a [`Topology`]: Storm's `TopologyBuilder`.
///
/// ```
/// use squall_api::{TopologyBuilder, Fields};
/// # use squall_api::{Spout, Bolt, SpoutCollector, BoltCollector, OutputDeclarer, Tuple, values};
/// # struct Words; impl Spout for Words {
/// #   fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["word"]); }
/// #   fn next_tuple(&mut self, c: &mut SpoutCollector<'_>) { c.emit(values!["cow"]); } }
/// # struct Count; impl Bolt for Count {
/// #   fn declare_outputs(&self, _: &mut OutputDeclarer) {}
/// #   fn execute(&mut self, t: Tuple, c: &mut BoltCollector<'_>) { c.ack(&t); } }
/// let mut builder = TopologyBuilder::new();
/// builder.set_spout("words", 2, || Words);
/// builder.set_bolt("count", 4, || Count).fields_grouping("words", ["word"]).set_num_tasks(8);
/// let topology = builder.build().expect("valid");
/// assert_eq!(topology.component("count").unwrap().num_tasks, Some(8));
/// ```
#[derive(Default)]
pub struct TopologyBuilder {
    components: Vec<ComponentDef>,
    declaration_problems: Vec<TopologyError>,
}

impl TopologyBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a spout with `parallelism` executors; `factory` makes one instance per task.
    pub fn set_spout<S, F>(&mut self, id: &str, parallelism: u32, factory: F) -> SpoutDeclarer<'_>
    where
        S: Spout,
        F: Fn() -> S + Send + Sync + 'static,
    {
        let factory: SpoutFactory = Arc::new(move || Box::new(factory()));
        self.set_spout_factory(id, parallelism, factory)
    }

    /// Adds a spout from a boxed factory (used by loaders that pick components by name).
    pub fn set_spout_factory(
        &mut self,
        id: &str,
        parallelism: u32,
        factory: SpoutFactory,
    ) -> SpoutDeclarer<'_> {
        let probe = factory();
        let mut declarer = OutputDeclarer::new();
        probe.declare_outputs(&mut declarer);
        let config = probe.component_config();
        self.push(id, parallelism, ComponentKind::Spout(factory), declarer, config);
        SpoutDeclarer { def: self.components.last_mut().expect("just pushed") }
    }

    /// Adds a bolt with `parallelism` executors; `factory` makes one instance per task.
    pub fn set_bolt<B, F>(&mut self, id: &str, parallelism: u32, factory: F) -> BoltDeclarer<'_>
    where
        B: Bolt,
        F: Fn() -> B + Send + Sync + 'static,
    {
        let factory: BoltFactory = Arc::new(move || Box::new(factory()));
        self.set_bolt_factory(id, parallelism, factory)
    }

    /// Adds a [`BasicBolt`]: its emits are anchored to the input and inputs are acked automatically.
    pub fn set_basic_bolt<B, F>(&mut self, id: &str, parallelism: u32, factory: F) -> BoltDeclarer<'_>
    where
        B: BasicBolt,
        F: Fn() -> B + Send + Sync + 'static,
    {
        self.set_bolt(id, parallelism, move || BasicBoltAdapter(factory()))
    }

    /// Adds a bolt from a boxed factory (used by loaders that pick components by name).
    pub fn set_bolt_factory(&mut self, id: &str, parallelism: u32, factory: BoltFactory) -> BoltDeclarer<'_> {
        let probe = factory();
        let mut declarer = OutputDeclarer::new();
        probe.declare_outputs(&mut declarer);
        let config = probe.component_config();
        self.push(id, parallelism, ComponentKind::Bolt(factory), declarer, config);
        BoltDeclarer { def: self.components.last_mut().expect("just pushed") }
    }

    fn push(
        &mut self,
        id: &str,
        parallelism: u32,
        kind: ComponentKind,
        declarer: OutputDeclarer,
        config: Config,
    ) {
        let (outputs, problems) = declarer.into_parts();
        self.declaration_problems.extend(
            problems
                .into_iter()
                .map(|problem| TopologyError::BadDeclaration { component: id.to_owned(), problem }),
        );
        self.components.push(ComponentDef {
            id: ComponentId::new(id),
            kind,
            parallelism,
            num_tasks: None,
            config,
            outputs,
            inputs: Vec::new(),
        });
    }

    /// The components added so far, for wrappers that rewrite a topology before it is built (for
    /// example to wrap bolts or add subscriptions to a checkpoint stream).
    pub fn components_mut(&mut self) -> impl Iterator<Item = &mut ComponentDef> {
        self.components.iter_mut()
    }

    /// The components added so far.
    pub fn components(&self) -> impl Iterator<Item = &ComponentDef> {
        self.components.iter()
    }

    /// Adds a fully formed component definition (loaders and topology rewriters).
    pub fn add_component(&mut self, def: ComponentDef) {
        self.components.push(def);
    }

    /// Validates the graph and returns the topology.
    ///
    /// # Errors
    /// [`InvalidTopology`] listing every problem: duplicate or reserved ids, zero parallelism,
    /// subscriptions to unknown components or streams, groupings on undeclared fields, direct
    /// groupings on non-direct streams (and the reverse), bad component config values.
    pub fn build(self) -> Result<Topology, InvalidTopology> {
        let mut problems = self.declaration_problems;
        let mut components = BTreeMap::new();
        for def in self.components {
            if components.contains_key(&def.id) {
                problems.push(TopologyError::DuplicateComponent(def.id.to_string()));
                continue;
            }
            components.insert(def.id.clone(), def);
        }
        for def in components.values() {
            check_component(def, &components, &mut problems);
        }
        if problems.is_empty() { Ok(Topology { components }) } else { Err(InvalidTopology(problems)) }
    }
}

fn check_component(
    def: &ComponentDef,
    all: &BTreeMap<ComponentId, ComponentDef>,
    problems: &mut Vec<TopologyError>,
) {
    let name = def.id.to_string();
    if name.is_empty() {
        problems.push(TopologyError::EmptyId);
    }
    if def.id.is_reserved() {
        problems.push(TopologyError::ReservedId { component: name.clone(), id: name.clone() });
    }
    for s in &def.outputs {
        if s.id.is_reserved() {
            problems.push(TopologyError::ReservedId { component: name.clone(), id: s.id.to_string() });
        }
    }
    if def.parallelism == 0 {
        problems.push(TopologyError::ZeroParallelism { component: name.clone(), what: "parallelism" });
    }
    if def.num_tasks == Some(0) {
        problems.push(TopologyError::ZeroParallelism { component: name.clone(), what: "number of tasks" });
    }
    if let Err(bad) = def.config.validate() {
        problems.extend(
            bad.into_iter().map(|problem| TopologyError::BadConfig { component: name.clone(), problem }),
        );
    }
    let mut seen = BTreeSet::new();
    for sub in &def.inputs {
        check_subscription(&name, sub, all, problems);
        if !seen.insert(&sub.source) {
            problems.push(TopologyError::DuplicateSubscription {
                component: name.clone(),
                source_component: sub.source.component.to_string(),
                stream: sub.source.stream.to_string(),
            });
        }
    }
}

fn check_subscription(
    name: &str,
    sub: &Subscription,
    all: &BTreeMap<ComponentId, ComponentDef>,
    problems: &mut Vec<TopologyError>,
) {
    let source_component = sub.source.component.to_string();
    let stream = sub.source.stream.to_string();
    let Some(producer) = all.get(&sub.source.component) else {
        problems.push(TopologyError::UnknownComponent { component: name.to_owned(), source_component });
        return;
    };
    let Some(decl) = producer.output(&stream) else {
        let declared = producer.outputs.iter().map(|s| s.id.to_string()).collect::<Vec<_>>().join(", ");
        let declared = if declared.is_empty() { "none".to_owned() } else { declared };
        problems.push(TopologyError::UnknownStream {
            component: name.to_owned(),
            source_component,
            stream,
            declared,
        });
        return;
    };
    if let Some(fields) = sub.grouping.fields() {
        for field in fields.iter().filter(|f| !decl.fields.contains(f)) {
            problems.push(TopologyError::UnknownField {
                component: name.to_owned(),
                source_component: source_component.clone(),
                stream: stream.clone(),
                field: field.to_owned(),
                fields: decl.fields.clone(),
            });
        }
    }
    let is_direct = matches!(sub.grouping, Grouping::Direct);
    if is_direct != decl.direct {
        problems.push(TopologyError::DirectMismatch {
            component: name.to_owned(),
            source_component,
            stream,
            grouping: sub.grouping.to_string(),
            declared: if decl.direct {
                "a direct stream (it needs direct grouping)"
            } else {
                "not a direct stream"
            },
        });
    }
}

/// Settings of a spout just added to a [`TopologyBuilder`].
pub struct SpoutDeclarer<'a> {
    def: &'a mut ComponentDef,
}

/// Settings and subscriptions of a bolt just added to a [`TopologyBuilder`].
pub struct BoltDeclarer<'a> {
    def: &'a mut ComponentDef,
}

macro_rules! common_settings {
    ($t:ident) => {
        impl<'a> $t<'a> {
            /// Sets the number of tasks (default: the parallelism hint).
            pub fn set_num_tasks(&mut self, n: u32) -> &mut Self {
                self.def.num_tasks = Some(n);
                self
            }

            /// Adds a configuration entry for this component only.
            pub fn add_configuration(&mut self, key: &str, value: impl Into<crate::Value>) -> &mut Self {
                self.def.config.set(key, value);
                self
            }

            /// Turns `topology.debug` on or off for this component.
            pub fn set_debug(&mut self, on: bool) -> &mut Self {
                self.def.config.set_debug(on);
                self
            }
        }
    };
}
common_settings!(SpoutDeclarer);
common_settings!(BoltDeclarer);

impl SpoutDeclarer<'_> {
    /// Sets `topology.max.spout.pending` for this spout.
    pub fn set_max_spout_pending(&mut self, n: u64) -> &mut Self {
        self.def.config.set_max_spout_pending(n);
        self
    }
}

impl BoltDeclarer<'_> {
    /// Subscribes to `stream` of `component` with `grouping`.
    pub fn grouping_on(&mut self, component: &str, stream: &str, grouping: Grouping) -> &mut Self {
        self.def.inputs.push(Subscription {
            source: GlobalStreamId { component: ComponentId::new(component), stream: StreamId::new(stream) },
            grouping,
        });
        self
    }

    /// Subscribes to the default stream of `component` with `grouping`.
    pub fn grouping(&mut self, component: &str, grouping: Grouping) -> &mut Self {
        self.grouping_on(component, DEFAULT_STREAM, grouping)
    }

    /// Shuffle grouping on `component`'s default stream.
    pub fn shuffle_grouping(&mut self, component: &str) -> &mut Self {
        self.grouping(component, Grouping::Shuffle)
    }

    /// Fields grouping on `component`'s default stream.
    pub fn fields_grouping(&mut self, component: &str, fields: impl Into<Fields>) -> &mut Self {
        self.grouping(component, Grouping::Fields(fields.into()))
    }

    /// Partial-key grouping on `component`'s default stream.
    pub fn partial_key_grouping(&mut self, component: &str, fields: impl Into<Fields>) -> &mut Self {
        self.grouping(component, Grouping::PartialKey(fields.into()))
    }

    /// All grouping on `component`'s default stream.
    pub fn all_grouping(&mut self, component: &str) -> &mut Self {
        self.grouping(component, Grouping::All)
    }

    /// Global grouping on `component`'s default stream.
    pub fn global_grouping(&mut self, component: &str) -> &mut Self {
        self.grouping(component, Grouping::Global)
    }

    /// None grouping on `component`'s default stream.
    pub fn none_grouping(&mut self, component: &str) -> &mut Self {
        self.grouping(component, Grouping::None)
    }

    /// Direct grouping on `component`'s stream `stream` (which must be declared direct).
    pub fn direct_grouping(&mut self, component: &str, stream: &str) -> &mut Self {
        self.grouping_on(component, stream, Grouping::Direct)
    }

    /// Local-or-shuffle grouping on `component`'s default stream.
    pub fn local_or_shuffle_grouping(&mut self, component: &str) -> &mut Self {
        self.grouping(component, Grouping::LocalOrShuffle)
    }

    /// Sets `topology.tick.tuple.freq.secs` for this bolt.
    pub fn set_tick_frequency_secs(&mut self, secs: u64) -> &mut Self {
        self.def.config.set_tick_tuple_freq_secs(secs);
        self
    }
}

#[cfg(test)]
mod tests;
