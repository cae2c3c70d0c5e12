//! [`CheckpointForwarder`]: carries checkpoints through a bolt that keeps no state.

use squall_api::{
    Bolt, BoltCollector, ComponentError, Config, OutputDeclarer, TopologyContext, Tuple, values,
};

use super::output::AnchoredOutput;
use super::{checkpoint_fields, checkpoint_upstream};
use crate::checkpoint::{
    Aligner, Alignment, CHECKPOINT_FIELD_ACTION, CHECKPOINT_FIELD_TXID, CHECKPOINT_STREAM,
};

/// Storm's `CheckpointTupleForwarder`: wraps a bolt of a stateful topology that keeps no state,
/// aligns the checkpoint tuples it receives across its upstream tasks and forwards each (action,
/// txid) once on `$checkpoint`, anchored to the last copy. Data tuples go to the wrapped bolt,
/// whose emits must be anchored.
pub struct CheckpointForwarder {
    inner: Box<dyn Bolt>,
    aligner: Aligner,
    component: String,
}

impl CheckpointForwarder {
    /// Wraps `inner`.
    pub fn new(inner: Box<dyn Bolt>) -> Self {
        Self { inner, aligner: Aligner::new(1), component: String::new() }
    }
}

impl Bolt for CheckpointForwarder {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        self.inner.declare_outputs(declarer);
        declarer.declare_stream(CHECKPOINT_STREAM, [CHECKPOINT_FIELD_TXID, CHECKPOINT_FIELD_ACTION]);
    }

    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        self.component = context.this_component_id().to_string();
        self.aligner = Aligner::new(checkpoint_upstream(context));
        self.inner.prepare(context)
    }

    fn execute(&mut self, tuple: Tuple, collector: &mut BoltCollector<'_>) {
        if tuple.source_stream() != CHECKPOINT_STREAM {
            let mut out = AnchoredOutput { inner: collector, component: &self.component };
            self.inner.execute(tuple, &mut BoltCollector::new(&mut out));
            return;
        }
        let Some((txid, action)) = checkpoint_fields(&tuple) else {
            collector.report_error(&format!("malformed checkpoint tuple {tuple:?}"));
            collector.ack(&tuple);
            return;
        };
        if self.aligner.arrive(tuple.source_task(), action, txid) == Alignment::Act {
            self.aligner.acted(action, txid);
            collector.emit_to(CHECKPOINT_STREAM, &[&tuple], values![txid, action.as_str()]);
        }
        collector.ack(&tuple);
    }

    fn wake(&mut self, collector: &mut BoltCollector<'_>) {
        let mut out = AnchoredOutput { inner: collector, component: &self.component };
        self.inner.wake(&mut BoltCollector::new(&mut out));
    }

    fn cleanup(&mut self) {
        self.inner.cleanup();
    }

    fn component_config(&self) -> Config {
        self.inner.component_config()
    }
}
