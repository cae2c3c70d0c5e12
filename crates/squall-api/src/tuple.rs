//! [`Tuple`]: one message on a stream, and [`MessageId`], its place in the tuple trees being tracked.

use std::cell::Cell;
use std::fmt;
use std::mem::ManuallyDrop;

use smallvec::SmallVec;

use crate::{StreamSchema, TaskId, Value, Values};

/// Where a tuple sits in the trees the acker tracks: for each root (spout tuple) it descends from,
/// the edge id of this tuple in that root's tree. Empty for untracked tuples. Storm's `MessageId`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MessageId {
    anchors: ManuallyDrop<SmallVec<[(u64, u64); 1]>>,
}

impl MessageId {
    /// An untracked tuple's id.
    pub fn untracked() -> Self {
        Self::default()
    }

    /// An id with a single root and edge: what a spout's tracked emit creates.
    pub fn root(root: u64, edge: u64) -> Self {
        let mut anchors = SmallVec::new();
        anchors.push((root, edge));
        Self { anchors: ManuallyDrop::new(anchors) }
    }

    /// XORs `edge` into the entry for `root`, adding the entry if absent.
    pub fn xor_edge(&mut self, root: u64, edge: u64) {
        match self.anchors.iter_mut().find(|(r, _)| *r == root) {
            Some((_, e)) => *e ^= edge,
            None => self.anchors.push((root, edge)),
        }
    }

    /// The (root, edge) pairs.
    pub fn anchors(&self) -> &[(u64, u64)] {
        &self.anchors
    }

    /// True if this tuple belongs to no tracked tree.
    pub fn is_untracked(&self) -> bool {
        self.anchors.is_empty()
    }
}

/// An id with one root or none (nearly all of them) owns no memory; skipping the generic
/// small-vector drop saves work on every tuple.
impl Drop for MessageId {
    #[inline]
    fn drop(&mut self) {
        if self.anchors.spilled() {
            drop(ManuallyDrop::into_inner(std::mem::take(&mut self.anchors)));
        }
    }
}

/// Builds an id from (root, edge) pairs with distinct roots, as received from another worker.
impl FromIterator<(u64, u64)> for MessageId {
    fn from_iter<I: IntoIterator<Item = (u64, u64)>>(iter: I) -> Self {
        Self { anchors: ManuallyDrop::new(iter.into_iter().collect()) }
    }
}

impl fmt::Debug for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.anchors.iter().map(|(r, e)| (format!("{r:x}"), format!("{e:x}")))).finish()
    }
}

/// One tuple: its values, the stream and task it came from, and its [`MessageId`].
///
/// Values are read by index ([`Tuple::get`]) or by field name ([`Tuple::get_by_field`]). A tuple is
/// handed to a bolt by value; acking it or anchoring to it takes a reference.
pub struct Tuple {
    values: Values,
    schema: &'static StreamSchema,
    source_task: TaskId,
    id: MessageId,
    /// XOR of the edge ids of the tuples anchored to this one (Storm's per-input `ackVal`).
    ack_val: Cell<u64>,
}

impl Tuple {
    /// A tuple on the stream `schema`, emitted by `source_task`. Runtimes and tests build tuples;
    /// components receive them.
    pub fn new(schema: &'static StreamSchema, source_task: TaskId, values: Values, id: MessageId) -> Self {
        Self { values, schema, source_task, id, ack_val: Cell::new(0) }
    }

    /// A tick tuple for a bolt ticking every `rate_secs` seconds.
    pub fn tick(rate_secs: u64) -> Self {
        let rate = i64::try_from(rate_secs).unwrap_or(i64::MAX);
        Self::new(StreamSchema::tick(), crate::SYSTEM_TASK, crate::values![rate], MessageId::untracked())
    }

    /// The value at `index`.
    pub fn get(&self, index: usize) -> Option<&Value> {
        self.values.get(index)
    }

    /// The value of the field called `field`.
    pub fn get_by_field(&self, field: &str) -> Option<&Value> {
        self.schema.fields.index_of(field).and_then(|i| self.values.get(i))
    }

    /// The string at `index`, if there is one.
    pub fn get_str(&self, index: usize) -> Option<&str> {
        self.get(index).and_then(Value::as_str)
    }

    /// The integer at `index`, if there is one.
    pub fn get_i64(&self, index: usize) -> Option<i64> {
        self.get(index).and_then(Value::as_i64)
    }

    /// The number at `index` as a float, if there is one.
    pub fn get_f64(&self, index: usize) -> Option<f64> {
        self.get(index).and_then(Value::as_f64)
    }

    /// All values in field order.
    pub fn values(&self) -> &Values {
        &self.values
    }

    /// Takes the values out of the tuple.
    pub fn into_values(self) -> Values {
        self.values
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True if the tuple has no values.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The fields of the stream this tuple travels on.
    pub fn fields(&self) -> &crate::Fields {
        &self.schema.fields
    }

    /// The schema of the stream this tuple travels on.
    pub fn schema(&self) -> &'static StreamSchema {
        self.schema
    }

    /// The component that emitted this tuple.
    pub fn source_component(&self) -> &str {
        self.schema.component.as_str()
    }

    /// The stream this tuple was emitted on.
    pub fn source_stream(&self) -> &str {
        self.schema.stream.as_str()
    }

    /// The task that emitted this tuple.
    pub fn source_task(&self) -> TaskId {
        self.source_task
    }

    /// The tuple's place in the tracked tuple trees.
    pub fn message_id(&self) -> &MessageId {
        &self.id
    }

    /// True for tick tuples (source `__system`, stream `__tick`).
    pub fn is_tick(&self) -> bool {
        std::ptr::eq(self.schema, StreamSchema::tick())
            || (self.schema.component == crate::SYSTEM_COMPONENT && self.schema.stream == crate::TICK_STREAM)
    }

    /// The XOR of the edge ids anchored to this tuple so far. Used by runtimes when the tuple is acked.
    pub fn ack_val(&self) -> u64 {
        self.ack_val.get()
    }

    /// Records that a new tuple with edge id `edge` was anchored to this one. Used by runtimes.
    pub fn xor_ack_val(&self, edge: u64) {
        self.ack_val.set(self.ack_val.get() ^ edge);
    }

    /// A copy of this tuple for another target: same values and source, its own message id and a
    /// fresh ack value.
    pub fn clone_with_id(&self, id: MessageId) -> Self {
        Self::new(self.schema, self.source_task, self.values.clone(), id)
    }
}

impl fmt::Debug for Tuple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "source: {}:{}, stream: {}, id: {:?}, {:?}",
            self.schema.component, self.source_task, self.schema.stream, self.id, &*self.values
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Fields, values};

    #[test]
    fn reads_by_index_and_field() {
        let schema = StreamSchema::intern("split", "default", &Fields::from(["word", "n"]));
        let t = Tuple::new(schema, TaskId(3), values!["cow", 2], MessageId::untracked());
        assert_eq!(t.get_str(0), Some("cow"));
        assert_eq!(t.get_by_field("n"), Some(&Value::I64(2)));
        assert_eq!(t.get_by_field("missing"), None);
        assert_eq!(t.source_component(), "split");
        assert_eq!(t.source_task(), TaskId(3));
        assert!(!t.is_tick());
        assert!(Tuple::tick(5).is_tick());
    }

    #[test]
    fn message_id_merges_roots() {
        let mut id = MessageId::root(1, 0b01);
        id.xor_edge(1, 0b10);
        id.xor_edge(7, 5);
        assert_eq!(id.anchors(), &[(1, 0b11), (7, 5)]);
    }
}
