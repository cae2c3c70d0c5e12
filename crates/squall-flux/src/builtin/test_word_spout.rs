//! `org.apache.storm.testing.TestWordSpout`: random words from Storm's list, one every 100 ms.

use std::sync::Arc;

use squall_api::{
    OutputDeclarer, SharedClock, Spout, SpoutCollector, SpoutFactory, TopologyContext, config, system_clock,
    values,
};

use crate::{ArgError, ObjectSpec};

/// Storm's word list.
pub const WORDS: [&str; 5] = ["nathan", "mike", "jackson", "golda", "bertels"];

/// Milliseconds between two emits (Storm sleeps this long in every `nextTuple`).
pub const EMIT_INTERVAL_MS: u64 = 100;

/// An unreliable spout emitting a word picked at random from [`WORDS`] on the default stream
/// (field `word`), at most one every [`EMIT_INTERVAL_MS`] of its context's clock. Storm's sleeps;
/// this one returns without emitting until the interval has passed, so `next_tuple` never blocks
/// and a simulated clock controls it. Not distributed, it asks for `topology.max.task.parallelism`
/// 1, as Storm's does.
pub struct TestWordSpout {
    distributed: bool,
    clock: SharedClock,
    next_emit_ms: u64,
    rng: fastrand::Rng,
}

impl TestWordSpout {
    /// Storm's `new TestWordSpout()`: distributed.
    pub fn new() -> Self {
        Self::with_distributed(true)
    }

    /// Storm's `new TestWordSpout(isDistributed)`.
    pub fn with_distributed(distributed: bool) -> Self {
        Self { distributed, clock: system_clock(), next_emit_ms: 0, rng: fastrand::Rng::new() }
    }

    /// This spout picking words with a seeded generator (for tests).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.rng = fastrand::Rng::with_seed(seed);
        self
    }
}

impl Default for TestWordSpout {
    fn default() -> Self {
        Self::new()
    }
}

impl Spout for TestWordSpout {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        declarer.declare(["word"]);
    }

    fn open(&mut self, context: &TopologyContext) -> Result<(), squall_api::ComponentError> {
        self.clock = context.clock().clone();
        Ok(())
    }

    fn next_tuple(&mut self, collector: &mut SpoutCollector<'_>) {
        let now = self.clock.now_millis();
        if now < self.next_emit_ms {
            return;
        }
        self.next_emit_ms = now.saturating_add(EMIT_INTERVAL_MS);
        let word = WORDS[self.rng.usize(..WORDS.len())];
        collector.emit(values![word]);
    }

    fn component_config(&self) -> squall_api::Config {
        let mut c = squall_api::Config::new();
        if !self.distributed {
            c.set(config::TOPOLOGY_MAX_TASK_PARALLELISM, 1);
        }
        c
    }
}

/// The Flux factory: no arguments, or `isDistributed`.
pub(crate) fn factory(spec: &ObjectSpec) -> Result<SpoutFactory, ArgError> {
    spec.expect_constructor_only()?;
    spec.args.expect_len(0..=1, "optionally isDistributed, true or false")?;
    let distributed = if spec.args.is_empty() { true } else { spec.args.bool(0)? };
    Ok(Arc::new(move || Box::new(TestWordSpout::with_distributed(distributed))))
}
