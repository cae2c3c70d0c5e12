//! [`FixedTupleSpout`]: a reliable spout over a fixed list of tuples.

use std::collections::VecDeque;

use squall_api::{DEFAULT_STREAM, Fields, OutputDeclarer, Spout, SpoutCollector, Value, Values};

/// Emits each of its tuples once with a message id (its index), replays failed ones, and declares
/// itself finished once every tuple was acked. Storm's `FixedTupleSpout`/`FeederSpout` for tests.
#[derive(Clone)]
pub struct FixedTupleSpout {
    fields: Fields,
    stream: String,
    tuples: Vec<Values>,
    next: usize,
    replay: VecDeque<usize>,
    outstanding: usize,
}

impl FixedTupleSpout {
    /// A spout declaring `fields` on the default stream and emitting `tuples` there.
    pub fn new(fields: impl Into<Fields>, tuples: Vec<Values>) -> Self {
        Self::on_stream(DEFAULT_STREAM, fields, tuples)
    }

    /// A spout declaring `fields` on `stream` and emitting `tuples` there.
    pub fn on_stream(stream: &str, fields: impl Into<Fields>, tuples: Vec<Values>) -> Self {
        Self {
            fields: fields.into(),
            stream: stream.to_owned(),
            tuples,
            next: 0,
            replay: VecDeque::new(),
            outstanding: 0,
        }
    }
}

impl Spout for FixedTupleSpout {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare_stream(&self.stream, self.fields.clone());
    }

    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        let index = match self.replay.pop_front() {
            Some(i) => i,
            None if self.next < self.tuples.len() => {
                self.next += 1;
                self.next - 1
            }
            None => return,
        };
        self.outstanding += 1;
        let id = i64::try_from(index).unwrap_or(i64::MAX);
        out.emit_to(&self.stream, self.tuples[index].clone(), Some(Value::I64(id)));
    }

    fn ack(&mut self, _: Value) {
        self.outstanding = self.outstanding.saturating_sub(1);
    }

    fn fail(&mut self, msg_id: Value) {
        self.outstanding = self.outstanding.saturating_sub(1);
        if let Some(i) = msg_id.as_i64().and_then(|i| usize::try_from(i).ok()) {
            self.replay.push_back(i);
        }
    }

    fn is_finished(&self) -> bool {
        self.next >= self.tuples.len() && self.replay.is_empty() && self.outstanding == 0
    }
}
