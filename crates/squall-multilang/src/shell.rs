//! What shell bolts and spouts share: their declaration ([`ShellSpec`]), the config they read,
//! starting a child with the handshake, logging its `log` messages, and turning a failure into the
//! [`ComponentError`] the runtime receives.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use squall_api::config::{
    SUPERVISOR_WORKER_TIMEOUT_SECS, TOPOLOGY_MULTILANG_SERIALIZER, TOPOLOGY_SHELLBOLT_MAX_PENDING,
    TOPOLOGY_SUBPROCESS_TIMEOUT_SECS,
};
use squall_api::{
    ComponentError, Config, Fields, OutputDeclarer, StreamDeclaration, StreamId, TaskWaker, TopologyContext,
    Value,
};

use crate::codec::{DEFAULT_MAX_MESSAGE_BYTES, encode};
use crate::error::{ChildFailure, Error, ProtocolError};
use crate::message::{ChildMessage, Handshake, HandshakeContext, LogLevel};
use crate::process::{Event, Label, Launch, PidDir, ShellProcess};

/// A shell component's declaration: argv, output streams, component config, extra environment.
#[derive(Clone, Debug)]
pub(crate) struct ShellSpec {
    pub command: Vec<String>,
    pub outputs: Vec<StreamDeclaration>,
    pub config: Config,
    pub env: Vec<(String, String)>,
}

impl ShellSpec {
    pub fn new(command: Vec<String>) -> Self {
        Self { command, outputs: Vec::new(), config: Config::new(), env: Vec::new() }
    }

    pub fn add_stream(&mut self, stream: &str, fields: Fields, direct: bool) {
        self.outputs.push(StreamDeclaration { id: StreamId::new(stream), fields, direct });
    }

    /// Declares the streams; mistakes (a stream declared twice) surface when the topology is built.
    pub fn declare(&self, d: &mut OutputDeclarer) {
        for s in &self.outputs {
            if s.direct {
                d.declare_direct_stream(s.id.as_str(), s.fields.clone());
            } else {
                d.declare_stream(s.id.as_str(), s.fields.clone());
            }
        }
    }
}

/// The builder methods shell bolts and spouts share.
macro_rules! shell_builder {
    ($ty:ident) => {
        impl $ty {
            /// Declares the `"default"` stream with these fields.
            pub fn with_output_fields(mut self, fields: impl Into<squall_api::Fields>) -> Self {
                self.spec.add_stream(squall_api::DEFAULT_STREAM, fields.into(), false);
                self
            }

            /// Declares the stream `stream` with these fields.
            pub fn with_stream(mut self, stream: &str, fields: impl Into<squall_api::Fields>) -> Self {
                self.spec.add_stream(stream, fields.into(), false);
                self
            }

            /// Declares the direct stream `stream`: the child names the target task in its emits.
            pub fn with_direct_stream(mut self, stream: &str, fields: impl Into<squall_api::Fields>) -> Self {
                self.spec.add_stream(stream, fields.into(), true);
                self
            }

            /// Adds an entry to the config returned by `component_config()`.
            pub fn with_component_config(mut self, key: &str, value: impl Into<squall_api::Value>) -> Self {
                self.spec.config.set(key, value);
                self
            }

            /// Sets an environment variable for the child (Storm's `setEnv`): `PATH` is appended to
            /// the inherited one after a `:`, every other variable replaces the inherited value.
            pub fn with_env(mut self, key: &str, value: &str) -> Self {
                self.spec.env.push((key.to_owned(), value.to_owned()));
                self
            }

            /// The child's argv.
            pub fn command(&self) -> &[String] {
                &self.spec.command
            }
        }
    };
}
pub(crate) use shell_builder;

/// The one codec Storm ships, and the only one squall speaks (`topology.multilang.serializer`).
pub(crate) const JSON_SERIALIZER: &str = "org.apache.storm.multilang.JsonSerializer";

/// `topology.subprocess.timeout.secs`, else `supervisor.worker.timeout.secs` (30).
pub(crate) fn subprocess_timeout(config: &Config) -> Duration {
    let positive = |key| config.get_i64(key).and_then(|s| u64::try_from(s).ok()).filter(|s| *s > 0);
    let secs =
        positive(TOPOLOGY_SUBPROCESS_TIMEOUT_SECS).or_else(|| positive(SUPERVISOR_WORKER_TIMEOUT_SECS));
    Duration::from_secs(secs.unwrap_or(30))
}

/// `topology.shellbolt.max.pending` (100), at least 1.
pub(crate) fn shellbolt_max_pending(config: &Config) -> usize {
    config.get_i64(TOPOLOGY_SHELLBOLT_MAX_PENDING).and_then(|n| usize::try_from(n).ok()).unwrap_or(100).max(1)
}

/// A started child and who it is.
pub(crate) struct Started {
    pub process: ShellProcess,
    pub label: Label,
    /// The PID the child reported (the OS's for our child, unless it is a wrapper).
    pub pid: u32,
}

/// Spawns the child for `ctx`'s task in the resources directory and completes the handshake.
///
/// # Errors
/// A [`ComponentError`] naming the component, task and cause: the child could not start, died,
/// answered something other than `{"pid": N}`, or stayed silent past `timeout`.
pub(crate) fn start(
    spec: &ShellSpec,
    ctx: &TopologyContext,
    kind: &'static str,
    waker: TaskWaker,
    max_pending: usize,
    timeout: Duration,
) -> Result<Started, ComponentError> {
    let label =
        Label { kind, component: ctx.this_component_id().to_string(), task: ctx.this_task_id().get() };
    let not_started = |e: Error| failure_error(&label, None, "to start", e);
    if let Some(serializer) = ctx.config().get_str(TOPOLOGY_MULTILANG_SERIALIZER)
        && serializer != JSON_SERIALIZER
    {
        return Err(not_started(Error::UnsupportedSerializer { serializer: serializer.to_owned() }));
    }
    let pid_dir = PidDir::create(label.task).map_err(not_started)?;
    let mut conf: BTreeMap<String, Value> =
        ctx.config().with_defaults().iter().map(|(k, v)| (k.to_owned(), v.clone())).collect();
    conf.entry("topology.name".to_owned()).or_insert_with(|| Value::from(ctx.topology_name()));
    let context = HandshakeContext::new(ctx, &spec.outputs);
    let pid_dir_text = pid_dir.path().to_string_lossy().into_owned();
    let handshake = encode(&Handshake { conf: &conf, pid_dir: &pid_dir_text, context: &context })
        .map_err(|e| not_started(Error::Encode(e)))?;
    let launch = Launch {
        command: &spec.command,
        env: &spec.env,
        cwd: ctx.resources_dir(),
        label: label.clone(),
        max_pending,
        waker,
        max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
    };
    let mut process = ShellProcess::spawn(launch, pid_dir).map_err(not_started)?;
    let os_pid = process.pid();
    match handshake_reply(&process, handshake, timeout) {
        Ok(pid) => {
            tracing::info!(component = %label.component, task = label.task, pid, os_pid, command = ?spec.command,
                "Launched subprocess with pid {pid}");
            Ok(Started { process, label, pid })
        }
        Err(cause) => {
            let failure = process.fail(cause);
            Err(child_error(&label, Some(os_pid), "during the handshake", failure))
        }
    }
}

fn handshake_reply(process: &ShellProcess, handshake: Vec<u8>, timeout: Duration) -> Result<u32, Error> {
    process.normal_lane()?.send(handshake).map_err(|_| Error::Closed)?;
    let deadline = Instant::now() + timeout;
    let timeout_error = |silent_ms| Error::HeartbeatTimeout { silent_ms, timeout_secs: timeout.as_secs() };
    let Some(event) = process.event_within(deadline.saturating_duration_since(Instant::now())) else {
        return Err(timeout_error(process.silence().silent_ms()));
    };
    match event {
        Event::Message(ChildMessage::Pid(pid)) => Ok(pid),
        Event::Message(other) => {
            Err(ProtocolError::ExpectedPid { got: format!("a \"{}\" message", other.command()) }.into())
        }
        Event::Decode(e) => Err(e.into()),
        Event::Closed => Err(Error::Closed),
        Event::WriteFailed(e) => Err(Error::Write(e)),
        Event::HeartbeatTimeout { silent_ms } => Err(timeout_error(silent_ms)),
    }
}

fn who(label: &Label, pid: Option<u32>) -> String {
    match pid {
        Some(pid) => format!("{} '{}' task {} (pid {pid})", label.kind, label.component, label.task),
        None => format!("{} '{}' task {}", label.kind, label.component, label.task),
    }
}

/// The error for a failure before any child existed.
fn failure_error(label: &Label, pid: Option<u32>, activity: &str, cause: Error) -> ComponentError {
    ComponentError::with_source(format!("{} failed {activity}", who(label, pid)), cause)
}

/// The error the runtime receives for a broken child: who, doing what, then why (cause, exit
/// status, stderr tail).
pub(crate) fn child_error(
    label: &Label,
    pid: Option<u32>,
    activity: &str,
    failure: ChildFailure,
) -> ComponentError {
    ComponentError::with_source(format!("{} failed {activity}", who(label, pid)), failure)
}

/// Logs a child's `log` message at its level, with the component, task and pid as fields.
pub(crate) fn shell_log(label: &Label, pid: u32, level: LogLevel, msg: &str) {
    let (component, task) = (label.component.as_str(), label.task);
    match level {
        LogLevel::Trace => {
            tracing::trace!(target: "squall_multilang::shell_log", component, task, pid, "{msg}")
        }
        LogLevel::Debug => {
            tracing::debug!(target: "squall_multilang::shell_log", component, task, pid, "{msg}")
        }
        LogLevel::Info => {
            tracing::info!(target: "squall_multilang::shell_log", component, task, pid, "{msg}")
        }
        LogLevel::Warn => {
            tracing::warn!(target: "squall_multilang::shell_log", component, task, pid, "{msg}")
        }
        LogLevel::Error => {
            tracing::error!(target: "squall_multilang::shell_log", component, task, pid, "{msg}")
        }
    }
}

/// Logs a child's `metrics` message. squall has no metrics registry yet, so the update is only
/// logged (Storm would update a shell-callable metric registered under `name`).
pub(crate) fn shell_metric(label: &Label, pid: u32, name: &str, params: &Value) {
    let params = serde_json::to_string(params).unwrap_or_else(|_| params.to_string());
    tracing::debug!(target: "squall_multilang::shell_log", component = %label.component, task = label.task, pid,
        metric = name, params = %params, "metrics update from the subprocess (logged only: no metrics registry)");
}

/// The text `error` messages are reported with, as in Storm.
pub(crate) fn shell_exception(msg: &str) -> String {
    format!("Shell Process Exception: {msg}")
}
