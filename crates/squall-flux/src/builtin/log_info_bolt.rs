//! `org.apache.storm.flux.wrappers.bolts.LogInfoBolt`: logs every tuple at INFO.

use std::sync::Arc;

use squall_api::{
    BasicBolt, BasicBoltAdapter, BasicCollector, BoltFactory, ComponentError, Failed, OutputDeclarer,
    TopologyContext, Tuple,
};

use crate::{ArgError, ObjectSpec};

/// A basic bolt that logs each input tuple at INFO (through `tracing`, target
/// `squall_flux::LogInfoBolt`, with the component id) and declares no output.
#[derive(Default)]
pub struct LogInfoBolt {
    component: String,
}

impl LogInfoBolt {
    /// A logging bolt.
    pub fn new() -> Self {
        Self::default()
    }
}

impl BasicBolt for LogInfoBolt {
    fn declare_outputs(&self, _declarer: &mut OutputDeclarer) {}

    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        self.component = context.this_component_id().to_string();
        Ok(())
    }

    fn execute(&mut self, tuple: &Tuple, _collector: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        tracing::info!(target: "squall_flux::LogInfoBolt", component = %self.component, "{tuple:?}");
        Ok(())
    }
}

/// The Flux factory: no arguments.
pub(crate) fn factory(spec: &ObjectSpec) -> Result<BoltFactory, ArgError> {
    spec.expect_constructor_only()?;
    spec.args.expect_len(0..=0, "")?;
    Ok(Arc::new(|| Box::new(BasicBoltAdapter(LogInfoBolt::new()))))
}
