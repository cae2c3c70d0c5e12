//! What travels between executors: tuples addressed to tasks, acker traffic, and timer events,
//! handed over in batches.

use squall_api::{TaskId, Tuple};

use crate::acker::{AckerInput, AckerOutput};

/// One message for a task of the receiving executor.
pub enum Message {
    /// A tuple for `target`.
    Tuple {
        /// The receiving task.
        target: TaskId,
        /// The tuple.
        tuple: Tuple,
    },
    /// A message for the acker task `acker`.
    ToAcker {
        /// The acker task.
        acker: TaskId,
        /// What happened to the root.
        input: AckerInput,
    },
    /// The acker's answer for a root of a spout task (the task is inside `output`).
    ToSpout(AckerOutput),
    /// A tick for `task` (Storm's `__tick`), queued behind the data already waiting.
    Tick {
        /// The task to tick.
        task: TaskId,
    },
    /// The message timeout elapsed once: rotate the pending roots of every spout and acker task.
    Rotate,
}

impl Message {
    /// True for messages counted as work in flight (tuples and acker traffic, not timer events).
    #[inline]
    pub fn counts(&self) -> bool {
        !matches!(self, Message::Tick { .. } | Message::Rotate)
    }
}

/// A batch of messages for one executor. An empty batch only wakes the receiver.
pub type Batch = Vec<Message>;
