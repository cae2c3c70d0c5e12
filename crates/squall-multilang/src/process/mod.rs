//! The process edge: one child per task, its pipes and the threads that serve them.
//!
//! - a **reader** thread parses the child's stdout into [`Event`]s on a channel and wakes the task;
//! - a **writer** thread writes queued messages to the child's stdin, task-id replies and heartbeats
//!   (the priority lane) before tuples and commands (the bounded normal lane);
//! - a **stderr** thread logs the child's stderr at INFO and keeps its tail for error reports;
//! - for bolts, a **heartbeat** thread queues a heartbeat tuple about once a second and reports
//!   [`Event::HeartbeatTimeout`] when the child has been silent for longer than the timeout.
//!
//! None of them is ever joined: each ends by itself when its pipe or channel closes, so shutting
//! down never waits on a child that misbehaves. [`ShellProcess::shutdown`] closes stdin, waits
//! briefly, then kills the child by its PID (only the process we started) and reaps it.

mod pid_dir;
mod stderr;
mod threads;

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use squall_api::TaskWaker;

pub(crate) use self::pid_dir::PidDir;
use self::stderr::StderrTail;
use crate::error::{ChildFailure, DecodeError, Error};
use crate::message::ChildMessage;

/// How long a child gets to exit by itself after its stdin closes or it failed, before it is killed.
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// What the reader and heartbeat threads report.
#[derive(Debug)]
pub(crate) enum Event {
    /// A message from the child.
    Message(ChildMessage),
    /// The child wrote something the codec rejects; nothing more is read.
    Decode(DecodeError),
    /// The child closed its stdout.
    Closed,
    /// Writing to the child failed.
    WriteFailed(std::io::Error),
    /// The child has been silent for longer than the timeout.
    HeartbeatTimeout {
        /// For how long, in milliseconds.
        silent_ms: u64,
    },
}

/// Who a child belongs to, for logs and errors.
#[derive(Clone, Debug)]
pub(crate) struct Label {
    /// `ShellBolt` or `ShellSpout`.
    pub kind: &'static str,
    /// The component id.
    pub component: String,
    /// The task id.
    pub task: i32,
}

/// When the child was last heard from, shared with the reader thread. Real time, not the task's
/// clock: the child runs in real time, and a simulated clock would either never time out a hung
/// child (the executor would hang) or time out a live one.
#[derive(Clone, Debug)]
pub(crate) struct Silence {
    epoch: Instant,
    last_ms: Arc<AtomicU64>,
}

impl Silence {
    fn new() -> Self {
        Self { epoch: Instant::now(), last_ms: Arc::new(AtomicU64::new(0)) }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Records a sign of life now.
    pub fn touch(&self) {
        self.last_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    /// Milliseconds since the last sign of life.
    pub fn silent_ms(&self) -> u64 {
        self.now_ms().saturating_sub(self.last_ms.load(Ordering::Relaxed))
    }
}

/// How to start a child.
pub(crate) struct Launch<'a> {
    pub command: &'a [String],
    pub env: &'a [(String, String)],
    pub cwd: Option<&'a Path>,
    pub label: Label,
    /// Capacity of the normal lane (tuples or commands queued for writing).
    pub max_pending: usize,
    pub waker: TaskWaker,
    pub max_message_bytes: usize,
}

/// A running child and the channels to and from its threads.
pub(crate) struct ShellProcess {
    child: Child,
    pid: u32,
    label: Label,
    priority: Option<Sender<Vec<u8>>>,
    normal: Option<Sender<Vec<u8>>>,
    events: Receiver<Event>,
    events_tx: Sender<Event>,
    waker: TaskWaker,
    silence: Silence,
    stderr: StderrTail,
    heartbeat_stop: Option<Sender<()>>,
    exit: Option<String>,
    _pid_dir: PidDir,
}

impl ShellProcess {
    /// Starts the child with its threads. The child's PID directory is created here and removed
    /// when this value is dropped.
    pub fn spawn(launch: Launch<'_>, pid_dir: PidDir) -> Result<Self, Error> {
        let (program, args) = launch.command.split_first().ok_or(Error::EmptyCommand)?;
        let mut cmd = Command::new(program);
        cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        for (key, value) in launch.env {
            // As in Storm: a configured PATH is appended to the inherited one.
            match (key.as_str(), std::env::var_os("PATH")) {
                ("PATH", Some(inherited)) => {
                    let mut path = inherited;
                    path.push(":");
                    path.push(value);
                    cmd.env(key, path)
                }
                _ => cmd.env(key, value),
            };
        }
        if let Some(cwd) = launch.cwd {
            cmd.current_dir(cwd);
        }
        let mut child = cmd.spawn().map_err(|source| Error::Spawn {
            command: launch.command.to_vec(),
            cwd: launch.cwd.map_or_else(|| std::env::current_dir().unwrap_or_default(), Path::to_path_buf),
            source,
        })?;
        let pid = child.id();
        let (stdin, stdout, stderr) = match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
            (Some(i), Some(o), Some(e)) => (i, o, e),
            _ => unreachable!("all three pipes were requested"),
        };
        let (events_tx, events) = crossbeam_channel::unbounded();
        let (priority, priority_rx) = crossbeam_channel::unbounded();
        let (normal, normal_rx) = crossbeam_channel::bounded(launch.max_pending.max(1));
        let silence = Silence::new();
        silence.touch();
        let spawned = threads::Spawned {
            label: launch.label.clone(),
            pid,
            waker: launch.waker.clone(),
            events: events_tx.clone(),
        };
        let stderr = StderrTail::start(stderr, &spawned);
        threads::start_reader(stdout, launch.max_message_bytes, silence.clone(), &spawned);
        threads::start_writer(stdin, priority_rx, normal_rx, &spawned);
        Ok(Self {
            child,
            pid,
            label: launch.label,
            priority: Some(priority),
            normal: Some(normal),
            events,
            events_tx,
            waker: launch.waker,
            silence,
            stderr,
            heartbeat_stop: None,
            exit: None,
            _pid_dir: pid_dir,
        })
    }

    /// The child's OS process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Starts queueing a heartbeat tuple every `period` and reporting a timeout after `timeout` of
    /// silence (bolts only).
    pub fn start_heartbeats(&mut self, period: Duration, timeout: Duration) {
        let Some(priority) = self.priority.clone() else { return };
        let (stop, stop_rx) = crossbeam_channel::bounded(0);
        self.heartbeat_stop = Some(stop);
        threads::start_heartbeat(threads::Heartbeat {
            stop: stop_rx,
            lane: priority,
            events: self.events_tx.clone(),
            waker: self.waker.clone(),
            silence: self.silence.clone(),
            period,
            timeout,
            label: self.label.clone(),
        });
    }

    /// Queues `bytes` ahead of tuples and commands (task-id replies).
    ///
    /// # Errors
    /// When the writer has stopped (the child's stdin is closed).
    pub fn send_priority(&self, bytes: Vec<u8>) -> Result<(), Error> {
        self.priority.as_ref().ok_or_else(input_closed)?.send(bytes).map_err(|_| input_closed())
    }

    /// The bounded lane for tuples and commands.
    ///
    /// # Errors
    /// When the process is shutting down.
    pub fn normal_lane(&self) -> Result<&Sender<Vec<u8>>, Error> {
        self.normal.as_ref().ok_or_else(input_closed)
    }

    /// The events from the reader and heartbeat threads.
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// The next event, if one is ready.
    pub fn try_event(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// The next event, waiting at most `wait`.
    pub fn event_within(&self, wait: Duration) -> Option<Event> {
        self.events.recv_timeout(wait).ok()
    }

    /// The shared last-heard record.
    pub fn silence(&self) -> &Silence {
        &self.silence
    }

    /// Gives up on the child: closes its input, gives it a moment to exit by itself (to learn its
    /// exit status and read its last stderr), kills it if it has not, and reaps it.
    pub fn fail(&mut self, cause: Error) -> ChildFailure {
        self.stop(EXIT_GRACE);
        ChildFailure { cause, exit: self.exit.clone(), stderr_tail: self.stderr.tail() }
    }

    /// Orderly end: closes the child's stdin, waits briefly for it to exit, then kills and reaps it.
    pub fn shutdown(&mut self) {
        self.stop(EXIT_GRACE);
    }

    fn stop(&mut self, grace: Duration) {
        if self.exit.is_some() {
            return;
        }
        self.heartbeat_stop = None;
        self.priority = None;
        self.normal = None;
        let deadline = Instant::now() + grace;
        // The child's exit closes its stderr; waiting for that is waiting for the exit.
        self.stderr.wait_closed(deadline);
        let status = match self.try_wait_until(deadline) {
            Some(status) => describe_exit(status),
            None => {
                let _ = self.child.kill();
                match self.child.wait() {
                    Ok(_) => "the subprocess did not exit and was killed".to_owned(),
                    Err(e) => format!("the subprocess did not exit and could not be reaped: {e}"),
                }
            }
        };
        self.exit = Some(status);
    }

    fn try_wait_until(&mut self, deadline: Instant) -> Option<ExitStatus> {
        let mut pause = Duration::from_millis(1);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < deadline => {
                    // std has no wait-with-timeout; poll with a short, growing pause.
                    std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                    pause = (pause * 2).min(Duration::from_millis(20));
                }
                Ok(None) | Err(_) => return None,
            }
        }
    }
}

impl Drop for ShellProcess {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn describe_exit(status: ExitStatus) -> String {
    status.to_string()
}

fn input_closed() -> Error {
    Error::Write(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the subprocess's input is closed"))
}
