//! [`Window`]: what a windowed bolt evaluates, and [`WindowCollector`]: what it emits through.

use squall_api::{BoltCollector, ComponentError, DEFAULT_STREAM, TaskId, Tuple, Values};

/// One activation of a window: Storm's `TupleWindow`. Every list is in arrival order.
#[derive(Debug)]
pub struct Window<'a> {
    pub(crate) tuples: Vec<&'a Tuple>,
    pub(crate) new: Vec<&'a Tuple>,
    pub(crate) expired: Vec<&'a Tuple>,
    pub(crate) start: Option<i64>,
    pub(crate) end: i64,
}

impl<'a> Window<'a> {
    /// A window with these contents (the adapter builds windows; this is for tests of user bolts).
    pub fn new(
        tuples: Vec<&'a Tuple>,
        new: Vec<&'a Tuple>,
        expired: Vec<&'a Tuple>,
        start: Option<i64>,
        end: i64,
    ) -> Self {
        Self { tuples, new, expired, start, end }
    }

    /// Every tuple in the window (Storm's `get()`). Never empty: empty windows are not evaluated.
    pub fn tuples(&self) -> &[&'a Tuple] {
        &self.tuples
    }

    /// The tuples that were not in the previous evaluated window (Storm's `getNew()`).
    pub fn new_tuples(&self) -> &[&'a Tuple] {
        &self.new
    }

    /// The tuples that left the window since the previous evaluation (Storm's `getExpired()`). They
    /// have already been acked: read them, do not anchor to them.
    pub fn expired(&self) -> &[&'a Tuple] {
        &self.expired
    }

    /// The window start in milliseconds: end − length for duration lengths, `None` for count
    /// lengths (Storm's `getStartTimestamp()`).
    pub fn start_timestamp(&self) -> Option<i64> {
        self.start
    }

    /// The reference time in milliseconds: the window end in event time, the trigger time in
    /// processing time (Storm's `getEndTimestamp()`).
    pub fn end_timestamp(&self) -> i64 {
        self.end
    }

    /// The number of tuples in the window.
    pub fn len(&self) -> usize {
        self.tuples.len()
    }

    /// True if the window holds no tuple (never the case for a window passed to `execute`).
    pub fn is_empty(&self) -> bool {
        self.tuples.is_empty()
    }
}

/// What a [`WindowedBolt`](crate::WindowedBolt) emits through while evaluating a window: Storm's
/// `WindowedOutputCollector`. Plain emits are anchored to every tuple of the current window, so a
/// result fails and replays with its inputs; the `_anchored` variants take explicit anchors
/// (pass `&[]` for an unanchored emit).
///
/// Inputs are acked by the window itself when they expire, so there is no `ack`.
pub struct WindowCollector<'c, 'a> {
    inner: &'c mut BoltCollector<'a>,
    anchors: &'c [&'c Tuple],
}

impl<'c, 'a> WindowCollector<'c, 'a> {
    /// A collector whose plain emits are anchored to `anchors` (the window's tuples).
    pub fn new(inner: &'c mut BoltCollector<'a>, anchors: &'c [&'c Tuple]) -> Self {
        Self { inner, anchors }
    }

    /// Emits on the default stream, anchored to the window; returns the target tasks.
    pub fn emit(&mut self, values: impl Into<Values>) -> &[TaskId] {
        self.inner.emit_to(DEFAULT_STREAM, self.anchors, values)
    }

    /// Emits on `stream`, anchored to the window; returns the target tasks.
    pub fn emit_to(&mut self, stream: &str, values: impl Into<Values>) -> &[TaskId] {
        self.inner.emit_to(stream, self.anchors, values)
    }

    /// Emits on the direct stream `stream` to `task`, anchored to the window.
    pub fn emit_direct(&mut self, task: TaskId, stream: &str, values: impl Into<Values>) {
        self.inner.emit_direct(task, stream, self.anchors, values);
    }

    /// Emits on the default stream anchored to `anchors` only; returns the target tasks.
    pub fn emit_anchored(&mut self, anchors: &[&Tuple], values: impl Into<Values>) -> &[TaskId] {
        self.inner.emit_to(DEFAULT_STREAM, anchors, values)
    }

    /// Emits on `stream` anchored to `anchors` only; returns the target tasks.
    pub fn emit_to_anchored(
        &mut self,
        stream: &str,
        anchors: &[&Tuple],
        values: impl Into<Values>,
    ) -> &[TaskId] {
        self.inner.emit_to(stream, anchors, values)
    }

    /// Emits on the direct stream `stream` to `task`, anchored to `anchors` only.
    pub fn emit_direct_anchored(
        &mut self,
        task: TaskId,
        stream: &str,
        anchors: &[&Tuple],
        values: impl Into<Values>,
    ) {
        self.inner.emit_direct(task, stream, anchors, values);
    }

    /// The tuples plain emits are anchored to.
    pub fn anchors(&self) -> &[&Tuple] {
        self.anchors
    }

    /// Restarts the message timeout of every tree `tuple` belongs to (useful for long windows).
    pub fn reset_timeout(&mut self, tuple: &Tuple) {
        self.inner.reset_timeout(tuple);
    }

    /// Reports an error without stopping the task.
    pub fn report_error(&mut self, error: &str) {
        self.inner.report_error(error);
    }

    /// Declares this task instance broken beyond repair; see `BoltCollector::fatal`.
    pub fn fatal(&mut self, error: ComponentError) {
        self.inner.fatal(error);
    }
}
