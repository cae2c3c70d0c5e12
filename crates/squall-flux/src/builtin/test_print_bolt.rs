//! `org.apache.storm.flux.examples.TestPrintBolt`: prints every tuple to standard output.

use std::io::Write;
use std::sync::Arc;

use squall_api::{BasicBolt, BasicBoltAdapter, BasicCollector, BoltFactory, Failed, OutputDeclarer, Tuple};

use crate::{ArgError, ObjectSpec};

/// A basic bolt that writes each input tuple on its own line to standard output and declares no
/// output: Storm's Flux example `TestPrintBolt`. Printing is this component's whole job (a user
/// names it in a Flux file to see tuples), the one place this library writes to stdout.
#[derive(Clone, Copy, Debug, Default)]
pub struct TestPrintBolt;

impl BasicBolt for TestPrintBolt {
    fn declare_outputs(&self, _declarer: &mut OutputDeclarer) {}

    fn execute(&mut self, tuple: &Tuple, _collector: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        // A closed stdout (a pipe whose reader left) must not fail the tuple: printing is best effort.
        let _ = writeln!(std::io::stdout().lock(), "{tuple:?}");
        Ok(())
    }
}

/// The Flux factory: no arguments.
pub(crate) fn factory(spec: &ObjectSpec) -> Result<BoltFactory, ArgError> {
    spec.expect_constructor_only()?;
    spec.args.expect_len(0..=0, "")?;
    Ok(Arc::new(|| Box::new(BasicBoltAdapter(TestPrintBolt))))
}
