//! Collectors: what a component emits, acks and fails through.
//!
//! A collector is handed to each call ([`Spout::next_tuple`](crate::Spout::next_tuple),
//! [`Bolt::execute`](crate::Bolt::execute)); it wraps the runtime's side, the [`SpoutOutput`] and
//! [`BoltOutput`] traits, which a runtime (or a test harness) implements.

use crate::{ComponentError, DEFAULT_STREAM, TaskId, Tuple, Value, Values};

/// The runtime's side of a spout collector.
pub trait SpoutOutput {
    /// Emits `values` on `stream`, tracked if `msg_id` is given; returns the target tasks.
    ///
    /// # Panics
    /// If the component did not declare `stream`, or declared it direct.
    fn emit(&mut self, stream: &str, values: Values, msg_id: Option<Value>) -> &[TaskId];
    /// Emits `values` on the direct stream `stream` to `task`.
    ///
    /// # Panics
    /// If the component did not declare `stream` as a direct stream.
    fn emit_direct(&mut self, task: TaskId, stream: &str, values: Values, msg_id: Option<Value>);
    /// Reports an error for this task without stopping it.
    fn report_error(&mut self, error: &str);
    /// Declares this task instance broken beyond repair (for example its subprocess died): the
    /// runtime stops calling it, reports `error` with the component and task, and restarts the
    /// executor with fresh instances within `squall.executor.restarts.per.minute`, else stops the
    /// topology with the error. Tuples in flight to it time out and are replayed by their spouts.
    fn fatal(&mut self, error: ComponentError);
}

/// The runtime's side of a bolt collector.
pub trait BoltOutput {
    /// Emits `values` on `stream`, anchored to `anchors`; returns the target tasks.
    ///
    /// # Panics
    /// If the component did not declare `stream`, or declared it direct.
    fn emit(&mut self, stream: &str, anchors: &[&Tuple], values: Values) -> &[TaskId];
    /// Emits `values` on the direct stream `stream` to `task`, anchored to `anchors`.
    ///
    /// # Panics
    /// If the component did not declare `stream` as a direct stream.
    fn emit_direct(&mut self, task: TaskId, stream: &str, anchors: &[&Tuple], values: Values);
    /// Declares `tuple` processed.
    fn ack(&mut self, tuple: &Tuple);
    /// Fails every tree `tuple` belongs to.
    fn fail(&mut self, tuple: &Tuple);
    /// Restarts the timeout of every tree `tuple` belongs to.
    fn reset_timeout(&mut self, tuple: &Tuple);
    /// Reports an error for this task without stopping it.
    fn report_error(&mut self, error: &str);
    /// Declares this task instance broken beyond repair (for example its subprocess died): the
    /// runtime stops calling it, reports `error` with the component and task, and restarts the
    /// executor with fresh instances within `squall.executor.restarts.per.minute`, else stops the
    /// topology with the error. Tuples in flight to it time out and are replayed by their spouts.
    fn fatal(&mut self, error: ComponentError);
}

/// What a spout emits through.
pub struct SpoutCollector<'a> {
    out: &'a mut dyn SpoutOutput,
}

impl<'a> SpoutCollector<'a> {
    /// Wraps the runtime's side.
    pub fn new(out: &'a mut dyn SpoutOutput) -> Self {
        Self { out }
    }

    /// Emits an untracked tuple on the default stream; returns the target tasks.
    pub fn emit(&mut self, values: impl Into<Values>) -> &[TaskId] {
        self.out.emit(DEFAULT_STREAM, values.into(), None)
    }

    /// Emits a tracked tuple on the default stream: [`Spout::ack`](crate::Spout::ack) or
    /// [`Spout::fail`](crate::Spout::fail) is later called with `msg_id`.
    pub fn emit_with_id(&mut self, values: impl Into<Values>, msg_id: impl Into<Value>) -> &[TaskId] {
        self.out.emit(DEFAULT_STREAM, values.into(), Some(msg_id.into()))
    }

    /// Emits on a named stream, tracked if `msg_id` is given.
    pub fn emit_to(&mut self, stream: &str, values: impl Into<Values>, msg_id: Option<Value>) -> &[TaskId] {
        self.out.emit(stream, values.into(), msg_id)
    }

    /// Emits on a direct stream to one task, tracked if `msg_id` is given.
    pub fn emit_direct(
        &mut self,
        task: TaskId,
        stream: &str,
        values: impl Into<Values>,
        msg_id: Option<Value>,
    ) {
        self.out.emit_direct(task, stream, values.into(), msg_id);
    }

    /// Reports an error (shown with the component's statistics) without stopping the task.
    pub fn report_error(&mut self, error: &str) {
        self.out.report_error(error);
    }

    /// Declares this task instance broken beyond repair; see [`SpoutOutput::fatal`]. Return from the
    /// current call promptly after calling it: the runtime calls nothing more on this instance.
    pub fn fatal(&mut self, error: ComponentError) {
        self.out.fatal(error);
    }
}

/// What a bolt emits, acks and fails through.
pub struct BoltCollector<'a> {
    out: &'a mut dyn BoltOutput,
}

impl<'a> BoltCollector<'a> {
    /// Wraps the runtime's side.
    pub fn new(out: &'a mut dyn BoltOutput) -> Self {
        Self { out }
    }

    /// Emits on the default stream anchored to `anchors` (pass `&[]` for an unanchored emit);
    /// returns the target tasks.
    pub fn emit(&mut self, anchors: &[&Tuple], values: impl Into<Values>) -> &[TaskId] {
        self.out.emit(DEFAULT_STREAM, anchors, values.into())
    }

    /// Emits on a named stream anchored to `anchors`; returns the target tasks.
    pub fn emit_to(&mut self, stream: &str, anchors: &[&Tuple], values: impl Into<Values>) -> &[TaskId] {
        self.out.emit(stream, anchors, values.into())
    }

    /// Emits on a direct stream to one task, anchored to `anchors`.
    pub fn emit_direct(&mut self, task: TaskId, stream: &str, anchors: &[&Tuple], values: impl Into<Values>) {
        self.out.emit_direct(task, stream, anchors, values.into());
    }

    /// Declares `tuple` processed.
    pub fn ack(&mut self, tuple: &Tuple) {
        self.out.ack(tuple);
    }

    /// Fails every tuple tree `tuple` belongs to, so their spouts can replay.
    pub fn fail(&mut self, tuple: &Tuple) {
        self.out.fail(tuple);
    }

    /// Restarts the message timeout of every tree `tuple` belongs to.
    pub fn reset_timeout(&mut self, tuple: &Tuple) {
        self.out.reset_timeout(tuple);
    }

    /// Reports an error (shown with the component's statistics) without stopping the task.
    pub fn report_error(&mut self, error: &str) {
        self.out.report_error(error);
    }

    /// Declares this task instance broken beyond repair; see [`SpoutOutput::fatal`]. Return from the
    /// current call promptly after calling it: the runtime calls nothing more on this instance.
    pub fn fatal(&mut self, error: ComponentError) {
        self.out.fatal(error);
    }
}

/// What a [`BasicBolt`](crate::BasicBolt) emits through: every emit is anchored to the input.
pub struct BasicCollector<'c, 'a> {
    inner: &'c mut BoltCollector<'a>,
    input: &'c Tuple,
}

impl<'c, 'a> BasicCollector<'c, 'a> {
    /// Wraps a bolt collector for the processing of `input`.
    pub fn new(inner: &'c mut BoltCollector<'a>, input: &'c Tuple) -> Self {
        Self { inner, input }
    }

    /// Emits on the default stream, anchored to the input; returns the target tasks.
    pub fn emit(&mut self, values: impl Into<Values>) -> &[TaskId] {
        self.inner.emit(&[self.input], values)
    }

    /// Emits on a named stream, anchored to the input; returns the target tasks.
    pub fn emit_to(&mut self, stream: &str, values: impl Into<Values>) -> &[TaskId] {
        self.inner.emit_to(stream, &[self.input], values)
    }

    /// Emits on a direct stream to one task, anchored to the input.
    pub fn emit_direct(&mut self, task: TaskId, stream: &str, values: impl Into<Values>) {
        self.inner.emit_direct(task, stream, &[self.input], values);
    }

    /// Reports an error without failing the input.
    pub fn report_error(&mut self, error: &str) {
        self.inner.report_error(error);
    }
}
