//! [`OutputDeclarer`]: how a component declares its output streams and their fields.

use crate::{DEFAULT_STREAM, Fields, StreamId};

/// One declared output stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamDeclaration {
    /// The stream id.
    pub id: StreamId,
    /// Its fields, in order.
    pub fields: Fields,
    /// True for a direct stream: the emitter chooses the target task.
    pub direct: bool,
}

/// Collects a component's output declarations. Mistakes (a field named twice, a stream declared
/// twice) are kept and reported when the topology is built, with the component's id.
#[derive(Debug, Default)]
pub struct OutputDeclarer {
    streams: Vec<StreamDeclaration>,
    problems: Vec<String>,
}

impl OutputDeclarer {
    /// An empty declarer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares the `"default"` stream with these fields.
    pub fn declare(&mut self, fields: impl Into<Fields>) -> &mut Self {
        self.declare_stream_with(DEFAULT_STREAM, fields.into(), false)
    }

    /// Declares the stream `id` with these fields.
    pub fn declare_stream(&mut self, id: &str, fields: impl Into<Fields>) -> &mut Self {
        self.declare_stream_with(id, fields.into(), false)
    }

    /// Declares the direct stream `id`: tuples on it go to the task the emitter names.
    pub fn declare_direct_stream(&mut self, id: &str, fields: impl Into<Fields>) -> &mut Self {
        self.declare_stream_with(id, fields.into(), true)
    }

    fn declare_stream_with(&mut self, id: &str, fields: Fields, direct: bool) -> &mut Self {
        if let Some(dup) = fields.first_duplicate() {
            self.problems.push(format!("stream '{id}' declares field '{dup}' more than once"));
        }
        if self.streams.iter().any(|s| s.id == id) {
            self.problems.push(format!("stream '{id}' is declared more than once"));
            return self;
        }
        self.streams.push(StreamDeclaration { id: StreamId::new(id), fields, direct });
        self
    }

    /// The declared streams in declaration order.
    pub fn streams(&self) -> &[StreamDeclaration] {
        &self.streams
    }

    /// The declaration mistakes seen so far.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Takes the declarations and mistakes out.
    pub fn into_parts(self) -> (Vec<StreamDeclaration>, Vec<String>) {
        (self.streams, self.problems)
    }
}
