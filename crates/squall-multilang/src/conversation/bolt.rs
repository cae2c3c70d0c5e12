//! [`BoltConversation`]: the host side of an asynchronous bolt conversation (storm-interfaces.md §1.5).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use squall_api::{TaskId, Value, Values};

use super::StreamTable;
use crate::error::ProtocolError;
use crate::message::child::id_text;
use crate::message::{ChildMessage, LogLevel};

/// A checked emit, ready for the collector: the stream is declared, a direct task is present
/// exactly when the stream is direct, every anchor is pending.
#[derive(Clone, Debug, PartialEq)]
pub struct EmitRequest {
    /// The stream to emit on.
    pub stream: String,
    /// The pending input ids to anchor to (fetch the inputs with [`BoltConversation::anchors`]).
    pub anchors: Vec<String>,
    /// The values.
    pub values: Values,
    /// The target of an emit-direct.
    pub direct_task: Option<TaskId>,
    /// True when the child waits for the task ids: write them back, in order.
    pub reply_task_ids: bool,
}

/// What the host does about one child message.
#[derive(Debug, PartialEq)]
pub enum BoltStep<T> {
    /// Emit through the collector.
    Emit(EmitRequest),
    /// Ack this input, now forgotten.
    Ack(T),
    /// Fail this input, now forgotten.
    Fail(T),
    /// Log this at this level.
    Log {
        /// The level.
        level: LogLevel,
        /// The text.
        msg: String,
    },
    /// Report this as a component error (`Shell Process Exception: <msg>`); keep running.
    ReportError(String),
    /// A metric update.
    Metric {
        /// The metric's name.
        name: String,
        /// Its parameters.
        params: Value,
    },
    /// A heartbeat answer: nothing to do beyond having heard from the child.
    Sync,
    /// A command Storm ignores.
    Ignored(String),
}

/// The inputs in flight to one bolt child, and the rules its messages must follow.
///
/// `T` is the input (a [`Tuple`](squall_api::Tuple) in the shell bolt; anything in tests).
#[derive(Debug)]
pub struct BoltConversation<T> {
    pending: HashMap<String, T>,
    streams: StreamTable,
    rng: fastrand::Rng,
}

impl<T> BoltConversation<T> {
    /// A conversation for a component with these output streams; `seed` seeds the delivery ids.
    pub fn new(streams: StreamTable, seed: u64) -> Self {
        Self { pending: HashMap::new(), streams, rng: fastrand::Rng::with_seed(seed) }
    }

    /// Registers `input` for delivery and returns its id (the decimal form of a random 64-bit
    /// integer, as Storm chooses them, distinct from every pending id) and the stored input.
    pub fn register(&mut self, input: T) -> (String, &T) {
        let id = self.fresh_id();
        match self.pending.entry(id) {
            Entry::Vacant(slot) => {
                let id = slot.key().clone();
                (id, slot.insert(input))
            }
            Entry::Occupied(_) => unreachable!("fresh_id returns an id that is not pending"),
        }
    }

    /// An id for a heartbeat tuple: random, distinct from every pending id, never registered (so
    /// a child acking it dies, as in Storm).
    pub fn fresh_id(&mut self) -> String {
        loop {
            let id = self.rng.i64(..).to_string();
            if !self.pending.contains_key(&id) {
                return id;
            }
        }
    }

    /// The pending input registered under `id`.
    pub fn pending(&self, id: &str) -> Option<&T> {
        self.pending.get(id)
    }

    /// How many inputs are pending (delivered or queued, not yet acked or failed).
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// The inputs an emit is anchored to.
    pub fn anchors(&self, emit: &EmitRequest) -> Vec<&T> {
        emit.anchors.iter().filter_map(|id| self.pending.get(id)).collect()
    }

    /// Decides what to do about one message from the child.
    ///
    /// # Errors
    /// The rule the message breaks: an ack/fail/anchor of an id that is not pending, an emit on an
    /// undeclared stream or with a wrong direct task, a `pid` message after the handshake. Each is
    /// fatal for the child, as in Storm.
    pub fn step(&mut self, msg: ChildMessage) -> Result<BoltStep<T>, ProtocolError> {
        Ok(match msg {
            ChildMessage::Emit(emit) => {
                let (stream, direct_task) = self.streams.check(emit.stream.as_deref(), emit.task)?;
                if let Some(missing) = emit.anchors.iter().find(|a| !self.pending.contains_key(*a)) {
                    return Err(ProtocolError::UnknownAnchor { id: missing.clone() });
                }
                BoltStep::Emit(EmitRequest {
                    stream: stream.to_owned(),
                    reply_task_ids: direct_task.is_none() && emit.need_task_ids,
                    direct_task,
                    anchors: emit.anchors,
                    values: emit.tuple,
                })
            }
            ChildMessage::Ack { id } => {
                BoltStep::Ack(self.take(&id).ok_or_else(|| ProtocolError::UnknownAck { id: id_text(&id) })?)
            }
            ChildMessage::Fail { id } => {
                BoltStep::Fail(self.take(&id).ok_or_else(|| ProtocolError::UnknownFail { id: id_text(&id) })?)
            }
            ChildMessage::Log { msg, level } => BoltStep::Log { level, msg },
            ChildMessage::Error { msg } => BoltStep::ReportError(msg),
            ChildMessage::Metrics { name, params } => BoltStep::Metric { name, params },
            ChildMessage::Sync => BoltStep::Sync,
            ChildMessage::Other { command } => BoltStep::Ignored(command),
            ChildMessage::Pid(pid) => return Err(ProtocolError::UnexpectedPid { pid }),
        })
    }

    fn take(&mut self, id: &Value) -> Option<T> {
        id.as_str().and_then(|id| self.pending.remove(id))
    }
}

#[cfg(test)]
mod tests;
