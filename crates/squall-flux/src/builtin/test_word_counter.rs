//! `org.apache.storm.testing.TestWordCounter`: counts words in memory, emits `[word, count]`.

use std::collections::HashMap;
use std::sync::Arc;

use squall_api::{
    BasicBolt, BasicBoltAdapter, BasicCollector, BoltFactory, Failed, OutputDeclarer, Tuple, Value, values,
};

use crate::{ArgError, ObjectSpec};

/// A basic bolt keeping a count per word (the value at index 0) and emitting `[word, count]` on the
/// default stream (fields `word`, `count`) for each input, anchored; inputs are acked
/// automatically. A value that is not a string is counted by its text.
#[derive(Default)]
pub struct TestWordCounter {
    counts: HashMap<String, i64>,
}

impl TestWordCounter {
    /// A counter with no counts.
    pub fn new() -> Self {
        Self::default()
    }
}

impl BasicBolt for TestWordCounter {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        declarer.declare(["word", "count"]);
    }

    fn execute(&mut self, tuple: &Tuple, collector: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        let word = tuple.get(0).ok_or_else(|| Failed::reported("TestWordCounter needs a word at index 0"))?;
        let key = match word {
            Value::Str(s) => s.to_string(),
            other => other.to_string(),
        };
        let count = self.counts.entry(key).or_insert(0);
        *count += 1;
        collector.emit(values![word.clone(), *count]);
        Ok(())
    }
}

/// The Flux factory: no arguments.
pub(crate) fn factory(spec: &ObjectSpec) -> Result<BoltFactory, ArgError> {
    spec.expect_constructor_only()?;
    spec.args.expect_len(0..=0, "")?;
    Ok(Arc::new(|| Box::new(BasicBoltAdapter(TestWordCounter::new()))))
}
