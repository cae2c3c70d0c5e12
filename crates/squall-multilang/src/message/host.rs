//! Messages the host writes to a subprocess (`→` in storm-interfaces.md §1).

use std::collections::BTreeMap;

use serde::Serialize;
use squall_api::{TaskId, Value};

use super::HandshakeContext;

/// The stream of heartbeat tuples.
pub const HEARTBEAT_STREAM: &str = "__heartbeat";

/// The first message: the topology config, the PID directory and the task's context.
#[derive(Debug, Serialize)]
pub struct Handshake<'a> {
    /// The full topology config (defaults merged in).
    pub conf: &'a BTreeMap<String, Value>,
    /// Absolute path of the directory the child writes its PID file into.
    #[serde(rename = "pidDir")]
    pub pid_dir: &'a str,
    /// The task's place in the topology.
    pub context: &'a HandshakeContext,
}

/// An input tuple for a bolt child; heartbeats and ticks use the same shape.
#[derive(Debug, Serialize)]
pub struct TupleMessage<'a> {
    /// The host's id for this delivery, echoed back by `ack`/`fail`/`anchors`.
    pub id: &'a str,
    /// The emitting component (`null` for heartbeats).
    pub comp: Option<&'a str>,
    /// The stream it was emitted on.
    pub stream: &'a str,
    /// The emitting task (`-1` for system tuples).
    pub task: i32,
    /// The values.
    pub tuple: &'a [Value],
}

impl<'a> TupleMessage<'a> {
    /// The heartbeat tuple with this (unregistered) id.
    pub fn heartbeat(id: &'a str) -> Self {
        Self { id, comp: None, stream: HEARTBEAT_STREAM, task: -1, tuple: &[] }
    }
}

/// A command for a spout child; `id` is `""` for `next`, `activate` and `deactivate`.
#[derive(Debug, Serialize)]
pub struct SpoutCommand<'a> {
    /// `next`, `ack`, `fail`, `activate` or `deactivate`.
    pub command: &'a str,
    /// The message id for `ack`/`fail`, with the JSON type the child gave it.
    pub id: &'a Value,
}

/// A task-id reply: a JSON array of integers.
pub fn encode_task_ids(tasks: &[TaskId]) -> Vec<i32> {
    tasks.iter().map(|t| t.get()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeat_matches_storm_byte_for_byte() {
        let text = serde_json::to_string(&TupleMessage::heartbeat("-42")).unwrap();
        assert_eq!(text, r#"{"id":"-42","comp":null,"stream":"__heartbeat","task":-1,"tuple":[]}"#);
    }

    #[test]
    fn tuple_and_commands_serialize_as_storm_writes_them() {
        let values = [Value::from("to be"), Value::I64(3), Value::F64(0.5)];
        let t = TupleMessage { id: "8812", comp: Some("lines"), stream: "default", task: 2, tuple: &values };
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"id":"8812","comp":"lines","stream":"default","task":2,"tuple":["to be",3,0.5]}"#
        );
        let empty = Value::from("");
        assert_eq!(
            serde_json::to_string(&SpoutCommand { command: "next", id: &empty }).unwrap(),
            r#"{"command":"next","id":""}"#
        );
        let num = Value::I64(7);
        assert_eq!(
            serde_json::to_string(&SpoutCommand { command: "ack", id: &num }).unwrap(),
            r#"{"command":"ack","id":7}"#
        );
        assert_eq!(serde_json::to_string(&encode_task_ids(&[TaskId(7), TaskId(9)])).unwrap(), "[7,9]");
    }
}
