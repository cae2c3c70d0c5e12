//! Messages a subprocess writes to the host (`←` in storm-interfaces.md §1).

use serde::Deserialize;
use squall_api::{Value, Values};

use crate::error::{DecodeError, quote_input};

/// The level of a `log` message: `0` TRACE … `4` ERROR; anything else (or none) is INFO.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    /// `0`.
    Trace,
    /// `1`.
    Debug,
    /// `2`, and every value that is not 0–4.
    Info,
    /// `3`.
    Warn,
    /// `4`.
    Error,
}

impl LogLevel {
    /// The level Storm gives a `log` message's `level` value.
    pub fn from_storm(level: Option<i64>) -> Self {
        match level {
            Some(0) => LogLevel::Trace,
            Some(1) => LogLevel::Debug,
            Some(3) => LogLevel::Warn,
            Some(4) => LogLevel::Error,
            _ => LogLevel::Info,
        }
    }
}

/// An `emit` from a bolt or spout child.
#[derive(Clone, Debug, PartialEq)]
pub struct Emit {
    /// The values.
    pub tuple: Values,
    /// The stream; `None` means `default`.
    pub stream: Option<String>,
    /// Bolts: the input ids to anchor to (empty when unanchored).
    pub anchors: Vec<String>,
    /// Spouts: the message id (`None` for an unreliable emit). Bolts' ids are ignored.
    pub id: Option<Value>,
    /// The direct target task, if this is an emit-direct.
    pub task: Option<i64>,
    /// Whether the child waits for the task ids (`need_task_ids`, absent means `true`).
    pub need_task_ids: bool,
}

/// One message from a subprocess.
#[derive(Clone, Debug, PartialEq)]
pub enum ChildMessage {
    /// The handshake's answer, `{"pid": N}`.
    Pid(u32),
    /// `emit`.
    Emit(Emit),
    /// `ack` of a bolt input.
    Ack {
        /// The id as the child wrote it.
        id: Value,
    },
    /// `fail` of a bolt input.
    Fail {
        /// The id as the child wrote it.
        id: Value,
    },
    /// `log`.
    Log {
        /// The text.
        msg: String,
        /// The level.
        level: LogLevel,
    },
    /// `error`: reported, processing continues.
    Error {
        /// The text.
        msg: String,
    },
    /// `metrics`.
    Metrics {
        /// The metric's name.
        name: String,
        /// Its parameters, any JSON.
        params: Value,
    },
    /// `sync`.
    Sync,
    /// Any other command (bolts ignore these; spouts die of them).
    Other {
        /// The command.
        command: String,
    },
}

/// `anchors` as Storm accepts it: a list of ids or a single id.
#[derive(Deserialize)]
#[serde(untagged)]
enum Anchors {
    One(String),
    Many(Vec<String>),
}

/// Every key any child message may carry; unknown keys are ignored, absent and `null` are alike.
#[derive(Deserialize)]
struct Raw {
    command: Option<String>,
    pid: Option<i64>,
    id: Option<Value>,
    tuple: Option<Vec<Value>>,
    anchors: Option<Anchors>,
    stream: Option<String>,
    task: Option<i64>,
    need_task_ids: Option<bool>,
    msg: Option<String>,
    level: Option<Value>,
    name: Option<String>,
    params: Option<Value>,
}

impl ChildMessage {
    /// Parses one message's text (without its `end` line).
    ///
    /// # Errors
    /// [`DecodeError::InvalidJson`], [`DecodeError::NotAnObject`], [`DecodeError::MissingCommand`]
    /// or [`DecodeError::BadField`], each quoting `text`.
    pub fn parse(text: &str) -> Result<Self, DecodeError> {
        let raw: Raw = serde_json::from_str(text).map_err(|reason| {
            let input = quote_input(text.as_bytes());
            if !text.trim_start().starts_with('{') {
                // A well-formed non-object (array, string…) or garbage: say which.
                match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                    Ok(_) => DecodeError::NotAnObject { input },
                    Err(reason) => DecodeError::InvalidJson { reason, input },
                }
            } else if reason.is_data() {
                DecodeError::BadField { reason, input }
            } else {
                DecodeError::InvalidJson { reason, input }
            }
        })?;
        let bad = |what: &str| DecodeError::BadField {
            reason: serde::de::Error::custom(what),
            input: quote_input(text.as_bytes()),
        };
        let Some(command) = raw.command else {
            return match raw.pid {
                Some(pid) => {
                    u32::try_from(pid).map(ChildMessage::Pid).map_err(|_| bad("\"pid\" out of range"))
                }
                None => Err(DecodeError::MissingCommand { input: quote_input(text.as_bytes()) }),
            };
        };
        Ok(match command.as_str() {
            "emit" => ChildMessage::Emit(Emit {
                tuple: Values::from(raw.tuple.ok_or_else(|| bad("emit without \"tuple\""))?),
                stream: raw.stream,
                anchors: match raw.anchors {
                    None => Vec::new(),
                    Some(Anchors::One(id)) => vec![id],
                    Some(Anchors::Many(ids)) => ids,
                },
                id: raw.id.filter(|v| !v.is_null()),
                task: raw.task,
                need_task_ids: raw.need_task_ids.unwrap_or(true),
            }),
            "ack" => ChildMessage::Ack { id: raw.id.unwrap_or_default() },
            "fail" => ChildMessage::Fail { id: raw.id.unwrap_or_default() },
            "log" => ChildMessage::Log {
                msg: raw.msg.unwrap_or_default(),
                level: LogLevel::from_storm(raw.level.and_then(|l| l.as_i64())),
            },
            "error" => ChildMessage::Error { msg: raw.msg.unwrap_or_default() },
            "metrics" => ChildMessage::Metrics {
                name: raw.name.unwrap_or_default(),
                params: raw.params.unwrap_or_default(),
            },
            "sync" => ChildMessage::Sync,
            _ => ChildMessage::Other { command },
        })
    }

    /// The command's name, for messages and logs (`pid` for the handshake reply).
    pub fn command(&self) -> &str {
        match self {
            ChildMessage::Pid(_) => "pid",
            ChildMessage::Emit(_) => "emit",
            ChildMessage::Ack { .. } => "ack",
            ChildMessage::Fail { .. } => "fail",
            ChildMessage::Log { .. } => "log",
            ChildMessage::Error { .. } => "error",
            ChildMessage::Metrics { .. } => "metrics",
            ChildMessage::Sync => "sync",
            ChildMessage::Other { command } => command,
        }
    }
}

/// An id as the child wrote it, for error messages: strings bare, anything else as JSON.
pub(crate) fn id_text(id: &Value) -> String {
    match id {
        Value::Str(s) => s.to_string(),
        other => serde_json::to_string(other).unwrap_or_else(|_| other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use squall_api::values;

    fn parse(text: &str) -> ChildMessage {
        ChildMessage::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_pystorm_bolt_emit() {
        let m = parse(r#"{"command":"emit","tuple":["to",1],"anchors":["88"],"need_task_ids":false}"#);
        let ChildMessage::Emit(e) = m else { panic!("not an emit") };
        assert_eq!(e.tuple, values!["to", 1]);
        assert_eq!(e.anchors, vec!["88".to_owned()]);
        assert_eq!((e.stream, e.task, e.need_task_ids, e.id), (None, None, false, None));
    }

    #[test]
    fn storm_py_emit_defaults_to_needing_task_ids_and_single_anchor_string() {
        let m = parse("{\n  \"command\": \"emit\",\n  \"anchors\": \"7\",\n  \"tuple\": [null]\n}");
        let ChildMessage::Emit(e) = m else { panic!("not an emit") };
        assert!(e.need_task_ids);
        assert_eq!(e.anchors, vec!["7".to_owned()]);
    }

    #[test]
    fn spout_emit_keeps_the_id_type_and_nulls_are_absent() {
        let ChildMessage::Emit(e) = parse(r#"{"command":"emit","tuple":[],"id":5,"stream":null,"task":3}"#)
        else {
            panic!("not an emit")
        };
        assert_eq!((e.id, e.stream, e.task), (Some(Value::I64(5)), None, Some(3)));
        let ChildMessage::Emit(e) = parse(r#"{"command":"emit","tuple":[],"id":null}"#) else { panic!() };
        assert_eq!(e.id, None);
    }

    #[test]
    fn floats_keep_every_digit() {
        // Found by the framing property test: without exact parsing this came back as …289.46.
        let ChildMessage::Emit(e) =
            parse(r#"{"command":"emit","tuple":[925764807289.4601, 9007199254740993]}"#)
        else {
            panic!("not an emit")
        };
        assert_eq!(e.tuple, values![925_764_807_289.460_1_f64, 9_007_199_254_740_993_i64]);
    }

    #[test]
    fn parses_the_other_commands() {
        assert_eq!(parse(r#"{"pid": 4711}"#), ChildMessage::Pid(4711));
        assert_eq!(parse(r#"{"command":"ack","id":"-1"}"#), ChildMessage::Ack { id: Value::from("-1") });
        assert_eq!(parse(r#"{"command":"fail","id":"x"}"#), ChildMessage::Fail { id: Value::from("x") });
        assert_eq!(
            parse(r#"{"command":"log","msg":"hi","level":3}"#),
            ChildMessage::Log { msg: "hi".into(), level: LogLevel::Warn }
        );
        assert_eq!(
            parse(r#"{"command":"log","msg":"hi","level":"loud"}"#),
            ChildMessage::Log { msg: "hi".into(), level: LogLevel::Info }
        );
        assert_eq!(parse(r#"{"command":"error","msg":"e"}"#), ChildMessage::Error { msg: "e".into() });
        assert_eq!(
            parse(r#"{"command":"metrics","name":"m","params":{"a":1}}"#),
            ChildMessage::Metrics {
                name: "m".into(),
                params: Value::map([("a".into(), Value::I64(1))].into_iter().collect())
            }
        );
        assert_eq!(parse(r#"{"command":"sync"}"#), ChildMessage::Sync);
        assert_eq!(parse(r#"{"command":"bogus","x":1}"#), ChildMessage::Other { command: "bogus".into() });
    }

    #[test]
    fn rejects_with_the_offending_input() {
        let e = ChildMessage::parse("this is not json").unwrap_err();
        assert!(matches!(e, DecodeError::InvalidJson { .. }), "{e:?}");
        assert!(e.to_string().ends_with(": \"this is not json\""), "{e}");
        let e = ChildMessage::parse("[1,2]").unwrap_err();
        assert_eq!(e.to_string(), "message is not a JSON object: \"[1,2]\"");
        let e = ChildMessage::parse(r#"{"foo":1}"#).unwrap_err();
        assert_eq!(e.to_string(), r#"message has no "command": "{\"foo\":1}""#);
        let e = ChildMessage::parse(r#"{"command":"emit","tuple":[1],"task":"7"}"#).unwrap_err();
        assert!(matches!(e, DecodeError::BadField { .. }), "{e:?}");
        assert!(
            e.to_string().starts_with("invalid message (invalid type: string \"7\", expected i64"),
            "{e}"
        );
        let e = ChildMessage::parse(r#"{"command":"emit"}"#).unwrap_err();
        assert!(e.to_string().starts_with("invalid message (emit without \"tuple\")"), "{e}");
        let e = ChildMessage::parse(r#"{"command":"emit","tuple":[1]"#).unwrap_err();
        assert!(matches!(e, DecodeError::InvalidJson { .. }), "{e:?}");
        let e = ChildMessage::parse("").unwrap_err();
        assert!(matches!(e, DecodeError::InvalidJson { .. }), "{e:?}");
    }
}
