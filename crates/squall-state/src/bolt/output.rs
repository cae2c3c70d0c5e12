//! The collectors user bolts see inside a stateful topology: anchored emits only, and (for stateful
//! bolts) acks held until the covering checkpoint commits.

use squall_api::{BoltCollector, BoltOutput, ComponentError, MessageId, TaskId, Tuple, Values};

use crate::checkpoint::{BoltProtocol, CHECKPOINT_STREAM};
use crate::dedup::{Deduper, Identity, Output, output};

/// Storm's rule for every bolt of a stateful topology.
fn check_emit(component: &str, stream: &str, anchors: &[&Tuple]) {
    assert!(
        !anchors.is_empty(),
        "component '{component}': Bolts in a stateful topology must emit anchored tuples."
    );
    assert!(
        stream != CHECKPOINT_STREAM,
        "component '{component}': the stream '{CHECKPOINT_STREAM}' belongs to the checkpoint protocol"
    );
}

/// A copy of `t` to ack later: same ids, same accumulated ack value.
pub(crate) fn held_copy(t: &Tuple) -> Tuple {
    let copy = t.clone_with_id(t.message_id().clone());
    copy.xor_ack_val(t.ack_val());
    copy
}

/// The collector of a non-stateful bolt in a stateful topology (Storm's `AnchoringOutputCollector`).
pub(crate) struct AnchoredOutput<'c, 'a> {
    pub inner: &'c mut BoltCollector<'a>,
    pub component: &'c str,
}

impl BoltOutput for AnchoredOutput<'_, '_> {
    fn emit(&mut self, stream: &str, anchors: &[&Tuple], values: Values) -> &[TaskId] {
        check_emit(self.component, stream, anchors);
        self.inner.emit_to(stream, anchors, values)
    }

    fn emit_direct(&mut self, task: TaskId, stream: &str, anchors: &[&Tuple], values: Values) {
        check_emit(self.component, stream, anchors);
        self.inner.emit_direct(task, stream, anchors, values);
    }

    fn ack(&mut self, tuple: &Tuple) {
        self.inner.ack(tuple);
    }

    fn fail(&mut self, tuple: &Tuple) {
        self.inner.fail(tuple);
    }

    fn reset_timeout(&mut self, tuple: &Tuple) {
        self.inner.reset_timeout(tuple);
    }

    fn report_error(&mut self, error: &str) {
        self.inner.report_error(error);
    }

    fn fatal(&mut self, error: ComponentError) {
        self.inner.fatal(error);
    }
}

/// What one call into a stateful bolt did, for deduplication.
#[derive(Default)]
pub(crate) struct Scope {
    /// The input being executed and its identity, until it is acked or failed.
    pub current: Option<(MessageId, Identity)>,
    /// Emits anchored to the current input.
    pub outputs: Vec<Output>,
    /// Inputs acked during the call, to record once it returns.
    pub applied: Vec<(Identity, Vec<Output>)>,
}

/// The collector of a stateful bolt (Storm's `AckTrackingOutputCollector` plus anchoring).
pub(crate) struct StatefulOutput<'c, 'a> {
    pub inner: &'c mut BoltCollector<'a>,
    pub component: &'c str,
    pub protocol: &'c mut BoltProtocol<Tuple>,
    pub deduper: Option<&'c mut Deduper>,
    pub scope: &'c mut Scope,
}

impl StatefulOutput<'_, '_> {
    fn note_emit(&mut self, stream: &str, task: Option<i32>, anchors: &[&Tuple], values: &Values) {
        if let Some((id, _)) = &self.scope.current
            && anchors.iter().any(|a| a.message_id() == id)
        {
            self.scope.outputs.push(output(stream, task, values));
        }
    }
}

impl BoltOutput for StatefulOutput<'_, '_> {
    fn emit(&mut self, stream: &str, anchors: &[&Tuple], values: Values) -> &[TaskId] {
        check_emit(self.component, stream, anchors);
        if self.deduper.is_some() {
            self.note_emit(stream, None, anchors, &values);
        }
        self.inner.emit_to(stream, anchors, values)
    }

    fn emit_direct(&mut self, task: TaskId, stream: &str, anchors: &[&Tuple], values: Values) {
        check_emit(self.component, stream, anchors);
        if self.deduper.is_some() {
            self.note_emit(stream, Some(task.0), anchors, &values);
        }
        self.inner.emit_direct(task, stream, anchors, values);
    }

    fn ack(&mut self, tuple: &Tuple) {
        if let Some(deduper) = self.deduper.as_deref_mut() {
            let is_current = self.scope.current.as_ref().is_some_and(|(id, _)| id == tuple.message_id());
            let applied = if is_current {
                self.scope
                    .current
                    .take()
                    .map(|(_, identity)| (identity, std::mem::take(&mut self.scope.outputs)))
            } else {
                deduper.identify(tuple).map(|identity| (identity, vec![]))
            };
            self.scope.applied.extend(applied);
        }
        if !tuple.message_id().is_untracked() {
            self.protocol.user_ack(held_copy(tuple));
        }
    }

    fn fail(&mut self, tuple: &Tuple) {
        if self.scope.current.as_ref().is_some_and(|(id, _)| id == tuple.message_id()) {
            self.scope.current = None;
            self.scope.outputs.clear();
        }
        self.inner.fail(tuple);
    }

    fn reset_timeout(&mut self, tuple: &Tuple) {
        self.inner.reset_timeout(tuple);
    }

    fn report_error(&mut self, error: &str) {
        self.inner.report_error(error);
    }

    fn fatal(&mut self, error: ComponentError) {
        self.inner.fatal(error);
    }
}
