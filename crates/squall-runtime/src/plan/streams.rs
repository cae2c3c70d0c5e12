//! The stream table: one entry per declared stream, with its topology-wide index, interned schema
//! and consumers. The index is what the wire format carries instead of names.

use squall_api::{Grouping, StreamSchema, TaskId, Topology};

use super::ComponentPlan;

/// One consumer of a stream.
#[derive(Clone, Debug)]
pub struct ConsumerRoute {
    /// The consuming component, as an index into the plan's components.
    pub component: usize,
    /// How tuples are spread over its tasks.
    pub grouping: Grouping,
    /// Its tasks, ascending (what groupers are prepared with).
    pub targets: Vec<TaskId>,
}

/// One declared stream.
#[derive(Clone, Debug)]
pub struct StreamPlan {
    /// The emitting component, as an index into the plan's components.
    pub component: usize,
    /// Component, stream id and fields, interned.
    pub schema: &'static StreamSchema,
    /// True for a direct stream.
    pub direct: bool,
    /// Its consumers, ordered by component id.
    pub consumers: Vec<ConsumerRoute>,
}

pub(super) fn stream_table(topology: &Topology, components: &mut [ComponentPlan]) -> Vec<StreamPlan> {
    let index_of = |components: &[ComponentPlan], id: &str| {
        components.binary_search_by(|c| c.id.as_str().cmp(id)).expect("every component is planned")
    };
    let mut streams = Vec::new();
    for def in topology.components() {
        let ci = index_of(components, def.id.as_str());
        for decl in &def.outputs {
            let schema = StreamSchema::intern(def.id.as_str(), decl.id.as_str(), &decl.fields);
            let consumers = topology
                .consumers_of(&squall_api::GlobalStreamId {
                    component: def.id.clone(),
                    stream: decl.id.clone(),
                })
                .map(|(consumer, grouping)| {
                    let cj = index_of(components, consumer.id.as_str());
                    ConsumerRoute {
                        component: cj,
                        grouping: grouping.clone(),
                        targets: components[cj].tasks.clone(),
                    }
                })
                .collect::<Vec<_>>();
            let index = streams.len();
            components[ci].outputs.push(index);
            for c in &consumers {
                components[c.component].inputs.push((index, c.grouping.clone()));
            }
            streams.push(StreamPlan { component: ci, schema, direct: decl.direct, consumers });
        }
    }
    streams
}
