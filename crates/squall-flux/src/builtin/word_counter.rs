//! `org.apache.storm.flux.examples.WordCounter`: emits `[word, 1]` for every input.

use std::sync::Arc;

use squall_api::{
    BasicBolt, BasicBoltAdapter, BasicCollector, BoltFactory, Failed, OutputDeclarer, Tuple, values,
};

use crate::{ArgError, ObjectSpec};

/// A basic bolt emitting `[word, 1]` (fields `word`, `count`) for each input, anchored, where `word`
/// is the input's value at index 0: Storm's Flux example `WordCounter`.
#[derive(Clone, Copy, Debug, Default)]
pub struct WordCounter;

impl BasicBolt for WordCounter {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        declarer.declare(["word", "count"]);
    }

    fn execute(&mut self, tuple: &Tuple, collector: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        let word = tuple.get(0).ok_or_else(|| Failed::reported("WordCounter needs a word at index 0"))?;
        collector.emit(values![word.clone(), 1]);
        Ok(())
    }
}

/// The Flux factory: no arguments.
pub(crate) fn factory(spec: &ObjectSpec) -> Result<BoltFactory, ArgError> {
    spec.expect_constructor_only()?;
    spec.args.expect_len(0..=0, "")?;
    Ok(Arc::new(|| Box::new(BasicBoltAdapter(WordCounter))))
}
