//! Building stateful topologies: [`StatefulTopologyBuilder`] and the rewriting of storm-model §6.2.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use squall_api::{
    Bolt, BoltDeclarer, BoltFactory, ComponentDef, ComponentId, ComponentKind, Config, Fields,
    GlobalStreamId, Grouping, InvalidTopology, SpoutFactory, StreamDeclaration, StreamId, Subscription,
    Topology, TopologyBuilder,
};

use crate::bolt::{CheckpointForwarder, StatefulBolt, StatefulBoltExecutor};
use crate::checkpoint::{
    CHECKPOINT_COMPONENT, CHECKPOINT_FIELD_ACTION, CHECKPOINT_FIELD_TXID, CHECKPOINT_STREAM, CheckpointSpout,
};
use crate::dedup::Dedup;

type StatefulFactory = Arc<dyn Fn(Option<Dedup>) -> Box<dyn Bolt> + Send + Sync>;

struct StatefulEntry {
    make: StatefulFactory,
    dedup: Option<Dedup>,
}

/// A [`TopologyBuilder`] that knows stateful bolts: Storm's `TopologyBuilder.setBolt(id,
/// IStatefulBolt, …)`. It dereferences to the plain builder for spouts and other bolts, and
/// [`build`](Self::build) rewrites the topology for checkpointing (see [`with_checkpointing`]).
///
/// ```
/// use squall_api::{values, BoltCollector, OutputDeclarer, Spout, SpoutCollector, Tuple};
/// use squall_state::{KeyValueState, StatefulBolt, StatefulTopologyBuilder};
/// # struct Words;
/// # impl Spout for Words {
/// #     fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["word", "line", "index"]); }
/// #     fn next_tuple(&mut self, _: &mut SpoutCollector<'_>) {}
/// # }
/// # struct Count;
/// # impl StatefulBolt for Count {
/// #     type Key = String;
/// #     type Value = u64;
/// #     fn declare_outputs(&self, _: &mut OutputDeclarer) {}
/// #     fn execute(&mut self, t: Tuple, _: &mut KeyValueState<String, u64>, c: &mut BoltCollector<'_>) { c.ack(&t); }
/// # }
///
/// let mut builder = StatefulTopologyBuilder::new();
/// builder.set_spout("words", 1, || Words);
/// builder
///     .set_stateful_bolt("count", 2, || Count)
///     .with_dedup_fields(["line", "index"])
///     .fields_grouping("words", ["word"]);
/// let topology = builder.build()?;
/// assert!(topology.component("$checkpointspout").is_some());
/// # Ok::<(), squall_api::InvalidTopology>(())
/// ```
#[derive(Default)]
pub struct StatefulTopologyBuilder {
    builder: TopologyBuilder,
    stateful: BTreeMap<String, StatefulEntry>,
}

impl StatefulTopologyBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a stateful bolt with `parallelism` executors; `factory` makes one instance per task.
    pub fn set_stateful_bolt<B, F>(
        &mut self,
        id: &str,
        parallelism: u32,
        factory: F,
    ) -> StatefulBoltDeclarer<'_>
    where
        B: StatefulBolt,
        F: Fn() -> B + Send + Sync + 'static,
    {
        let make: StatefulFactory = Arc::new(move |dedup: Option<Dedup>| {
            let executor = StatefulBoltExecutor::new(factory());
            Box::new(match dedup {
                Some(d) => executor.with_dedup(d),
                None => executor,
            })
        });
        let probe = make.clone();
        let declarer = self.builder.set_bolt_factory(id, parallelism, Arc::new(move || probe(None)));
        let entry = match self.stateful.entry(id.to_owned()) {
            std::collections::btree_map::Entry::Occupied(mut e) => {
                // A duplicate id; the build reports it.
                e.insert(StatefulEntry { make, dedup: None });
                e.into_mut()
            }
            std::collections::btree_map::Entry::Vacant(e) => e.insert(StatefulEntry { make, dedup: None }),
        };
        StatefulBoltDeclarer { declarer, dedup: &mut entry.dedup }
    }

    /// The plain builder with every stateful bolt wrapped and the topology rewritten for
    /// checkpointing.
    pub fn into_builder(self) -> TopologyBuilder {
        let StatefulTopologyBuilder { mut builder, stateful } = self;
        for def in builder.components_mut() {
            if let Some(entry) = stateful.get(def.id.as_str()) {
                let make = entry.make.clone();
                let dedup = entry.dedup.clone();
                let factory: BoltFactory = Arc::new(move || make(dedup.clone()));
                def.kind = ComponentKind::Bolt(factory);
            }
        }
        let ids: Vec<&str> = stateful.keys().map(String::as_str).collect();
        with_checkpointing(builder, &ids)
    }

    /// Rewrites the topology for checkpointing and validates it.
    ///
    /// # Errors
    /// [`InvalidTopology`] as [`TopologyBuilder::build`].
    pub fn build(self) -> Result<Topology, InvalidTopology> {
        self.into_builder().build()
    }
}

impl Deref for StatefulTopologyBuilder {
    type Target = TopologyBuilder;
    fn deref(&self) -> &TopologyBuilder {
        &self.builder
    }
}

impl DerefMut for StatefulTopologyBuilder {
    fn deref_mut(&mut self) -> &mut TopologyBuilder {
        &mut self.builder
    }
}

/// Settings and subscriptions of a stateful bolt just added; dereferences to [`BoltDeclarer`] for
/// groupings (set the deduplication first: groupings return the plain declarer).
pub struct StatefulBoltDeclarer<'a> {
    declarer: BoltDeclarer<'a>,
    dedup: &'a mut Option<Dedup>,
}

impl StatefulBoltDeclarer<'_> {
    /// Makes this bolt's state exactly-once by deduplicating inputs ([`crate::dedup`]).
    pub fn with_dedup(&mut self, dedup: Dedup) -> &mut Self {
        *self.dedup = Some(dedup);
        self
    }

    /// [`with_dedup`](Self::with_dedup) with an unbounded record keyed by these fields.
    pub fn with_dedup_fields<I, S>(&mut self, fields: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.with_dedup(Dedup::fields(fields))
    }
}

impl<'a> Deref for StatefulBoltDeclarer<'a> {
    type Target = BoltDeclarer<'a>;
    fn deref(&self) -> &BoltDeclarer<'a> {
        &self.declarer
    }
}

impl<'a> DerefMut for StatefulBoltDeclarer<'a> {
    fn deref_mut(&mut self) -> &mut BoltDeclarer<'a> {
        &mut self.declarer
    }
}

/// Storm's topology rewriting for stateful topologies (storm-model §6.2), on a builder whose
/// components `stateful` are already stateful executors (for example added with
/// `set_bolt(id, n, || StatefulBoltExecutor::new(MyBolt))`, or by a loader):
///
/// - adds the spout `$checkpointspout` (parallelism 1) emitting on `$checkpoint` (`txid`,
///   `action`);
/// - wraps every other bolt in a [`CheckpointForwarder`] and declares `$checkpoint` on it;
/// - subscribes every bolt to `$checkpoint` with all grouping: from `$checkpointspout` where it
///   consumes a spout, else from each upstream bolt (not from itself).
///
/// Without stateful bolts the builder is returned unchanged.
pub fn with_checkpointing(mut builder: TopologyBuilder, stateful: &[&str]) -> TopologyBuilder {
    if stateful.is_empty() {
        return builder;
    }
    let spouts: BTreeSet<ComponentId> =
        builder.components().filter(|c| c.is_spout()).map(|c| c.id.clone()).collect();
    let checkpoint_fields = Fields::from([CHECKPOINT_FIELD_TXID, CHECKPOINT_FIELD_ACTION]);
    for def in builder.components_mut() {
        let ComponentKind::Bolt(factory) = &def.kind else { continue };
        if !stateful.contains(&def.id.as_str()) {
            let inner = factory.clone();
            def.kind = ComponentKind::Bolt(Arc::new(move || Box::new(CheckpointForwarder::new(inner()))));
        }
        if def.output(CHECKPOINT_STREAM).is_none() {
            def.outputs.push(StreamDeclaration {
                id: StreamId::new(CHECKPOINT_STREAM),
                fields: checkpoint_fields.clone(),
                direct: false,
            });
        }
        let sources: BTreeSet<ComponentId> = def
            .inputs
            .iter()
            .filter(|s| s.source.stream != CHECKPOINT_STREAM)
            .map(|s| {
                if spouts.contains(&s.source.component) {
                    ComponentId::new(CHECKPOINT_COMPONENT)
                } else {
                    s.source.component.clone()
                }
            })
            .filter(|c| *c != def.id)
            .collect();
        for component in sources {
            let source = GlobalStreamId { component, stream: StreamId::new(CHECKPOINT_STREAM) };
            if !def.inputs.iter().any(|s| s.source == source) {
                def.inputs.push(Subscription { source, grouping: Grouping::All });
            }
        }
    }
    let factory: SpoutFactory = Arc::new(|| Box::new(CheckpointSpout::new()));
    builder.add_component(ComponentDef {
        id: ComponentId::new(CHECKPOINT_COMPONENT),
        kind: ComponentKind::Spout(factory),
        parallelism: 1,
        num_tasks: None,
        config: Config::new(),
        outputs: vec![StreamDeclaration {
            id: StreamId::new(CHECKPOINT_STREAM),
            fields: checkpoint_fields,
            direct: false,
        }],
        inputs: vec![],
    });
    builder
}

#[cfg(test)]
mod tests;
