//! [`SpoutConversation`]: the host side of a synchronous spout conversation (storm-interfaces.md §1.6).

use squall_api::{TaskId, Value, Values};

use super::StreamTable;
use crate::error::ProtocolError;
use crate::message::child::id_text;
use crate::message::{ChildMessage, LogLevel};

/// A command for a spout child.
#[derive(Clone, Debug, PartialEq)]
pub enum SpoutRequest {
    /// `next`: emit tuples if you have any.
    Next,
    /// `ack` of the emit with this message id.
    Ack(Value),
    /// `fail` of the emit with this message id.
    Fail(Value),
    /// `activate`.
    Activate,
    /// `deactivate`.
    Deactivate,
}

impl SpoutRequest {
    /// The command's name on the wire.
    pub fn command(&self) -> &'static str {
        match self {
            SpoutRequest::Next => "next",
            SpoutRequest::Ack(_) => "ack",
            SpoutRequest::Fail(_) => "fail",
            SpoutRequest::Activate => "activate",
            SpoutRequest::Deactivate => "deactivate",
        }
    }

    /// The command's `id`: the message id for `ack`/`fail`, else `""`.
    pub fn id(&self) -> Value {
        match self {
            SpoutRequest::Ack(id) | SpoutRequest::Fail(id) => id.clone(),
            _ => Value::from(""),
        }
    }

    /// The command for error messages: `"next"`, `"ack" of line-1`.
    pub fn describe(&self) -> String {
        match self {
            SpoutRequest::Ack(id) | SpoutRequest::Fail(id) => {
                format!("\"{}\" of {}", self.command(), id_text(id))
            }
            _ => format!("\"{}\"", self.command()),
        }
    }
}

/// A checked spout emit.
#[derive(Clone, Debug, PartialEq)]
pub struct SpoutEmit {
    /// The stream.
    pub stream: String,
    /// The values.
    pub values: Values,
    /// The message id of a reliable emit.
    pub msg_id: Option<Value>,
    /// The target of an emit-direct.
    pub direct_task: Option<TaskId>,
    /// True when the child waits for the task ids: write them back before reading on.
    pub reply_task_ids: bool,
}

/// What the host does about one message in a spout child's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum SpoutStep {
    /// Emit through the collector.
    Emit(SpoutEmit),
    /// Log this at this level.
    Log {
        /// The level.
        level: LogLevel,
        /// The text.
        msg: String,
    },
    /// Report this as a component error; keep running.
    ReportError(String),
    /// A metric update.
    Metric {
        /// The metric's name.
        name: String,
        /// Its parameters.
        params: Value,
    },
    /// `sync`: the answer is complete.
    Done,
}

/// The command a spout child is answering, and the rules its answer must follow.
#[derive(Debug, Default)]
pub struct SpoutConversation {
    streams: StreamTable,
    outstanding: Option<SpoutRequest>,
}

impl SpoutConversation {
    /// A conversation for a spout with these output streams.
    pub fn new(streams: StreamTable) -> Self {
        Self { streams, outstanding: None }
    }

    /// Records that `request` was sent; the child's messages now answer it.
    pub fn begin(&mut self, request: SpoutRequest) {
        self.outstanding = Some(request);
    }

    /// The command being answered, if any.
    pub fn outstanding(&self) -> Option<&SpoutRequest> {
        self.outstanding.as_ref()
    }

    /// Decides what to do about one message of the answer; `sync` completes the command.
    ///
    /// # Errors
    /// `Unknown command received: <cmd>` for anything spouts do not send (`ack` and `fail`
    /// included), an emit on an undeclared stream or with a wrong direct task, a `pid` message.
    pub fn step(&mut self, msg: ChildMessage) -> Result<SpoutStep, ProtocolError> {
        Ok(match msg {
            ChildMessage::Emit(emit) => {
                let (stream, direct_task) = self.streams.check(emit.stream.as_deref(), emit.task)?;
                SpoutStep::Emit(SpoutEmit {
                    stream: stream.to_owned(),
                    values: emit.tuple,
                    msg_id: emit.id,
                    reply_task_ids: direct_task.is_none() && emit.need_task_ids,
                    direct_task,
                })
            }
            ChildMessage::Log { msg, level } => SpoutStep::Log { level, msg },
            ChildMessage::Error { msg } => SpoutStep::ReportError(msg),
            ChildMessage::Metrics { name, params } => SpoutStep::Metric { name, params },
            ChildMessage::Sync => {
                self.outstanding = None;
                SpoutStep::Done
            }
            ChildMessage::Pid(pid) => return Err(ProtocolError::UnexpectedPid { pid }),
            other @ (ChildMessage::Ack { .. } | ChildMessage::Fail { .. } | ChildMessage::Other { .. }) => {
                return Err(ProtocolError::UnknownCommand { command: other.command().to_owned() });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use squall_api::{Fields, StreamDeclaration, StreamId, values};

    use super::*;
    use crate::message::Emit;

    fn conversation() -> SpoutConversation {
        SpoutConversation::new(StreamTable::new(&[StreamDeclaration {
            id: StreamId::new("default"),
            fields: Fields::from(["line"]),
            direct: false,
        }]))
    }

    fn emit(id: Option<Value>, need: bool) -> ChildMessage {
        ChildMessage::Emit(Emit {
            tuple: values!["to be"],
            stream: None,
            anchors: vec![],
            id,
            task: None,
            need_task_ids: need,
        })
    }

    #[test]
    fn an_answer_is_emits_and_logs_until_sync() {
        let mut c = conversation();
        c.begin(SpoutRequest::Next);
        assert_eq!(c.outstanding(), Some(&SpoutRequest::Next));
        let SpoutStep::Emit(e) = c.step(emit(Some(Value::from("line-1")), false)).unwrap() else { panic!() };
        assert_eq!((e.msg_id, e.reply_task_ids), (Some(Value::from("line-1")), false));
        let SpoutStep::Emit(e) = c.step(emit(None, true)).unwrap() else { panic!() };
        assert_eq!((e.msg_id, e.reply_task_ids), (None, true));
        assert_eq!(
            c.step(ChildMessage::Log { msg: "m".into(), level: LogLevel::Info }),
            Ok(SpoutStep::Log { level: LogLevel::Info, msg: "m".into() })
        );
        assert_eq!(c.step(ChildMessage::Sync), Ok(SpoutStep::Done));
        assert_eq!(c.outstanding(), None);
    }

    #[test]
    fn unknown_commands_are_fatal_for_spouts() {
        let mut c = conversation();
        c.begin(SpoutRequest::Ack(Value::I64(3)));
        assert_eq!(SpoutRequest::Ack(Value::I64(3)).describe(), "\"ack\" of 3");
        assert_eq!(
            c.step(ChildMessage::Other { command: "bogus".into() }).unwrap_err().to_string(),
            "Unknown command received: bogus"
        );
        assert_eq!(
            c.step(ChildMessage::Ack { id: Value::from("x") }).unwrap_err().to_string(),
            "Unknown command received: ack"
        );
    }
}
