//! The crate's errors, in the protocol's vocabulary.
//!
//! [`DecodeError`] is what the codec finds wrong with the bytes a subprocess wrote; [`ProtocolError`]
//! is a well-formed message that breaks the conversation's rules; [`Error`] adds the process edge
//! (spawning, pipes, exits, heartbeats). [`ChildFailure`] is what a shell component hands the
//! runtime when it gives up on its subprocess: the cause plus the exit status and stderr tail.

use std::fmt;
use std::path::PathBuf;

/// The most bytes of offending input an error quotes; longer input is cut and marked.
pub const MAX_QUOTED_INPUT: usize = 512;

/// Quotes `input` for an error message: lossy UTF-8, cut at [`MAX_QUOTED_INPUT`] bytes (on a
/// character boundary) with a note of the full length, so a hostile child cannot make an error huge.
pub fn quote_input(input: &[u8]) -> String {
    let cut = input.len().min(MAX_QUOTED_INPUT);
    let mut text = String::from_utf8_lossy(&input[..cut]).into_owned();
    if input.len() > cut {
        // A multi-byte character split by the cut decodes to U+FFFD; drop it rather than mislead.
        if text.ends_with('\u{FFFD}') {
            text.pop();
        }
        text.push_str(&format!("… ({} bytes in all)", input.len()));
    }
    text
}

/// What the codec found wrong with the bytes a subprocess wrote. Each variant quotes the offending
/// input (see [`quote_input`]).
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// A message grew past the reader's limit before its `end` line.
    #[error("message exceeds the limit of {limit} bytes; it starts with {input:?}")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The start of the message.
        input: String,
    },
    /// The subprocess closed its output in the middle of a message.
    #[error("Pipe to subprocess seems to be broken! Output ended inside a message: {input:?}")]
    Truncated {
        /// The partial message.
        input: String,
    },
    /// The message is not UTF-8.
    #[error("message is not valid UTF-8 ({reason}): {input:?}")]
    InvalidUtf8 {
        /// What the decoder said.
        reason: std::str::Utf8Error,
        /// The message, decoded lossily.
        input: String,
    },
    /// The message is not JSON.
    #[error("message is not valid JSON ({reason}): {input:?}")]
    InvalidJson {
        /// What the parser said.
        reason: serde_json::Error,
        /// The message.
        input: String,
    },
    /// The message is JSON but not an object.
    #[error("message is not a JSON object: {input:?}")]
    NotAnObject {
        /// The message.
        input: String,
    },
    /// The object has no `command` (and is not the handshake's `pid` reply).
    #[error("message has no \"command\": {input:?}")]
    MissingCommand {
        /// The message.
        input: String,
    },
    /// A key has a value of the wrong type (for example a string `task`).
    #[error("invalid message ({reason}): {input:?}")]
    BadField {
        /// What the parser said.
        reason: serde_json::Error,
        /// The message.
        input: String,
    },
    /// Reading the pipe failed.
    #[error("reading from the subprocess failed: {0}")]
    Io(#[from] std::io::Error),
}

/// A well-formed message that breaks the conversation's rules (Storm's wording where Storm has one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// The first message after the handshake was not `{"pid": N}`.
    #[error("expected {{\"pid\": <integer>}} as the answer to the handshake, got {got}")]
    ExpectedPid {
        /// What arrived instead.
        got: String,
    },
    /// A `pid` message after the handshake: a message without a command.
    #[error("message has no \"command\": {{\"pid\": {pid}}}")]
    UnexpectedPid {
        /// The pid it carried.
        pid: u32,
    },
    /// An `ack` for an id that is not pending.
    #[error("Acked a non-existent or already acked/failed id: {id}")]
    UnknownAck {
        /// The id, as JSON.
        id: String,
    },
    /// A `fail` for an id that is not pending.
    #[error("Failed a non-existent or already acked/failed id: {id}")]
    UnknownFail {
        /// The id, as JSON.
        id: String,
    },
    /// An emit anchored to an id that is not pending.
    #[error("Anchored onto {id} after ack/fail")]
    UnknownAnchor {
        /// The anchor id.
        id: String,
    },
    /// An emit on a stream the component did not declare.
    #[error("emit on undeclared stream '{stream}' (declared: {declared})")]
    UnknownStream {
        /// The stream named.
        stream: String,
        /// The streams the component declares.
        declared: String,
    },
    /// An emit with a `task` on a stream not declared direct.
    #[error("emit with \"task\" {task} on stream '{stream}', which is not declared direct")]
    NotDirect {
        /// The stream.
        stream: String,
        /// The task named.
        task: i64,
    },
    /// An emit without a `task` on a direct stream.
    #[error("emit without \"task\" on direct stream '{stream}'")]
    NeedsTask {
        /// The stream.
        stream: String,
    },
    /// A `task` that is not a valid task id.
    #[error("emit to task {task}, which is not a task id")]
    BadTask {
        /// The value given.
        task: i64,
    },
    /// A spout child sent a command spouts do not know.
    #[error("Unknown command received: {command}")]
    UnknownCommand {
        /// The command.
        command: String,
    },
}

/// Everything that can go wrong between a shell component and its subprocess.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `topology.multilang.serializer` names a codec squall does not have.
    #[error(
        "topology.multilang.serializer is {serializer}, but squall speaks only org.apache.storm.multilang.JsonSerializer"
    )]
    UnsupportedSerializer {
        /// The configured class.
        serializer: String,
    },
    /// The component was configured with an empty command.
    #[error("the shell command is empty")]
    EmptyCommand,
    /// The subprocess could not be started.
    #[error("cannot start {command:?} in {cwd}: {source}")]
    Spawn {
        /// The argv.
        command: Vec<String>,
        /// The working directory.
        cwd: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The PID directory could not be created.
    #[error("cannot create the PID directory {path}: {source}")]
    PidDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The subprocess wrote something the codec rejects.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The subprocess broke the conversation's rules.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// The subprocess closed its output (it exited, most likely).
    #[error("Pipe to subprocess seems to be broken! The subprocess closed its output")]
    Closed,
    /// Writing to the subprocess failed (it exited, most likely).
    #[error("Pipe to subprocess seems to be broken! Writing to it failed: {0}")]
    Write(std::io::Error),
    /// A message for the subprocess could not be encoded.
    #[error("cannot encode a message for the subprocess: {0}")]
    Encode(serde_json::Error),
    /// Nothing was heard from the subprocess for longer than the timeout.
    #[error("subprocess heartbeat timeout: nothing heard for {silent_ms} ms (timeout {timeout_secs} s)")]
    HeartbeatTimeout {
        /// How long it has been silent.
        silent_ms: u64,
        /// The configured timeout.
        timeout_secs: u64,
    },
}

/// Why a shell component gave up on its subprocess: the cause, then what became of the process.
#[derive(Debug)]
pub struct ChildFailure {
    /// What went wrong.
    pub cause: Error,
    /// How the process ended: its exit status, or a note that squall killed it.
    pub exit: Option<String>,
    /// The last lines the process wrote to stderr.
    pub stderr_tail: String,
}

impl fmt::Display for ChildFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.cause)?;
        if let Some(exit) = &self.exit {
            write!(f, "; {exit}")?;
        }
        if !self.stderr_tail.is_empty() {
            write!(f, "; stderr tail: {:?}", self.stderr_tail)?;
        }
        Ok(())
    }
}

impl std::error::Error for ChildFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_cuts_long_input_on_a_char_boundary() {
        assert_eq!(quote_input(b"short"), "short");
        let long = "é".repeat(MAX_QUOTED_INPUT);
        let q = quote_input(long.as_bytes());
        assert!(q.ends_with(&format!("… ({} bytes in all)", long.len())));
        assert!(!q.contains('\u{FFFD}'));
        assert!(q.len() < MAX_QUOTED_INPUT + 40);
    }

    #[test]
    fn failure_text_lists_cause_exit_and_stderr() {
        let f = ChildFailure {
            cause: Error::Closed,
            exit: Some("exit status: 3".into()),
            stderr_tail: "boom\n".into(),
        };
        assert_eq!(
            f.to_string(),
            "Pipe to subprocess seems to be broken! The subprocess closed its output; exit status: 3; stderr tail: \"boom\\n\""
        );
    }
}
