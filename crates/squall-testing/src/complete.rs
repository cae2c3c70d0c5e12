//! Running a topology to completion on mocked data and capturing what every component emitted.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use squall_api::{Config, SpoutFactory, Topology, Values};
use squall_runtime::{LocalCluster, RunOptions, RuntimeError, TopologyStats};

use crate::FixedTupleSpout;

/// Data for spouts to be replaced: spout id → tuples it emits on its first declared stream.
#[derive(Clone, Default)]
pub struct MockedSources {
    data: BTreeMap<String, Vec<Values>>,
}

impl MockedSources {
    /// No mocked spouts.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces spout `id` by one emitting `tuples`.
    pub fn with(mut self, id: &str, tuples: Vec<Values>) -> Self {
        self.data.insert(id.to_owned(), tuples);
        self
    }
}

/// What a completed run produced.
pub struct CompletedTopology {
    /// Every emitted tuple: (component, stream) → values, in emit order per task.
    pub emitted: BTreeMap<(String, String), Vec<Values>>,
    /// The final statistics.
    pub stats: TopologyStats,
}

impl CompletedTopology {
    /// The tuples `component` emitted on `stream` (empty if none).
    pub fn emitted(&self, component: &str, stream: &str) -> Vec<Values> {
        self.emitted.get(&(component.to_owned(), stream.to_owned())).cloned().unwrap_or_default()
    }
}

/// [`complete_topology_with`] with default options and a 60-second limit.
///
/// # Errors
/// As [`complete_topology_with`].
pub fn complete_topology(
    topology: Topology,
    config: &Config,
    mocked: MockedSources,
) -> Result<CompletedTopology, RuntimeError> {
    complete_topology_with(topology, config, mocked, RunOptions::new(), Duration::from_secs(60))
}

/// Replaces the spouts named in `mocked` by [`FixedTupleSpout`]s with the same declared stream,
/// runs the topology in local mode with capture on until every spout is finished and no tuple tree
/// is pending (at most `timeout`), and returns every emitted tuple per component and stream.
///
/// # Errors
/// A component failure, or [`RuntimeError::Timeout`] if the run did not complete in time (for
/// example because an unmocked spout never declares itself finished).
pub fn complete_topology_with(
    mut topology: Topology,
    config: &Config,
    mocked: MockedSources,
    options: RunOptions,
    timeout: Duration,
) -> Result<CompletedTopology, RuntimeError> {
    for (id, tuples) in mocked.data {
        let Some(def) = topology.component(&id) else { continue };
        let Some(decl) = def.outputs.first() else { continue };
        let spout = FixedTupleSpout::on_stream(decl.id.as_str(), decl.fields.clone(), tuples);
        let factory: SpoutFactory = Arc::new(move || Box::new(spout.clone()));
        topology.replace_spout(&id, factory);
    }
    let cluster = LocalCluster::new();
    cluster.submit("complete-topology", config, topology, options.capture(true))?;
    let running = cluster.take("complete-topology")?;
    let waited = running.wait_until_finished(timeout);
    let stats = running.stats();
    let captured = running.captured();
    running.kill(Duration::ZERO)?;
    waited?;
    let mut emitted: BTreeMap<(String, String), Vec<Values>> = BTreeMap::new();
    for c in captured {
        emitted.entry((c.component, c.stream)).or_default().push(c.values);
    }
    Ok(CompletedTopology { emitted, stats })
}
