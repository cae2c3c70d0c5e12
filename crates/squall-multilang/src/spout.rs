//! [`ShellSpout`]: a spout whose logic runs in a subprocess speaking the multilang protocol.

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use crossbeam_channel::SendTimeoutError;
use squall_api::{
    ComponentError, Config, OutputDeclarer, Spout, SpoutCollector, TaskWaker, TopologyContext, Value,
};

use crate::codec::encode;
use crate::conversation::{SpoutConversation, SpoutEmit, SpoutRequest, SpoutStep, StreamTable};
use crate::error::Error;
use crate::message::{SpoutCommand, encode_task_ids};
use crate::process::{Event, Label, ShellProcess};
use crate::shell::{self, ShellSpec, shell_builder};

/// Commands queued for a spout child at most (it answers one at a time, so few ever wait).
const COMMAND_QUEUE: usize = 16;

/// A spout run by a child process: Storm's `ShellSpout`.
///
/// The child starts in [`open`](Spout::open). The conversation is synchronous: each call sends one
/// command (`next`, `ack`, `fail`, `activate`, `deactivate`) and reads the child's answer up to its
/// `sync`, failing the child if it stays silent past `topology.subprocess.timeout.secs` (else
/// `supervisor.worker.timeout.secs`).
///
/// `ack`, `fail`, `activate` and `deactivate` get no collector in squall's [`Spout`] trait, so
/// what the child emits while answering them (a replay on `fail`, say) is kept and emitted at the
/// start of the next [`next_tuple`](Spout::next_tuple). If such an emit needs its task ids (a
/// child that omits `need_task_ids: false`), the child is left waiting for them and the answer is
/// completed in the next `next_tuple`, with later commands held back until then, so the child
/// always sees Storm's lockstep order. A failure found in those calls is reported through
/// [`SpoutCollector::fatal`] at the next `next_tuple`.
pub struct ShellSpout {
    spec: ShellSpec,
    state: State,
}

#[derive(Default)]
enum State {
    #[default]
    Idle,
    Running(Box<Running>),
    /// Broken in a call without a collector; reported at the next `next_tuple`.
    Failed(ComponentError),
    Dead,
}

/// Output that arrived while no collector was at hand.
enum Held {
    Emit(SpoutEmit),
    Error(String),
}

struct Running {
    process: ShellProcess,
    conv: SpoutConversation,
    label: Label,
    pid: u32,
    timeout: Duration,
    held: VecDeque<Held>,
    /// An emit whose child waits for task ids; its command is still outstanding.
    suspended: Option<SpoutEmit>,
    /// Commands not sent yet because the outstanding one is suspended.
    deferred: VecDeque<SpoutRequest>,
}

impl ShellSpout {
    /// A shell spout running `command` (argv; `command[0]` is the program, found on `PATH`).
    pub fn new(command: Vec<String>) -> Self {
        Self { spec: ShellSpec::new(command), state: State::Idle }
    }

    /// The PID of this task's child while it runs.
    pub fn pid(&self) -> Option<u32> {
        match &self.state {
            State::Running(run) => Some(run.process.pid()),
            _ => None,
        }
    }

    /// Gives up on the child and returns the error for the runtime.
    fn kill(&mut self, cause: Error) -> Option<ComponentError> {
        let State::Running(mut run) = std::mem::replace(&mut self.state, State::Dead) else { return None };
        let activity = match (&run.suspended, run.conv.outstanding()) {
            (Some(_), Some(cmd)) => format!("while answering {} (waiting for task ids)", cmd.describe()),
            (None, Some(cmd)) => format!("during {}", cmd.describe()),
            (_, None) => "between commands".to_owned(),
        };
        let failure = run.process.fail(cause);
        Some(shell::child_error(&run.label, Some(run.pid), &activity, failure))
    }

    /// Runs a command that has no collector to emit through.
    fn command_without_collector(&mut self, request: SpoutRequest) {
        let State::Running(run) = &mut self.state else { return };
        if let Err(cause) = run.command(request, None)
            && let Some(error) = self.kill(cause)
        {
            self.state = State::Failed(error);
        }
    }
}

shell_builder!(ShellSpout);

impl Clone for ShellSpout {
    /// A fresh, unopened instance with the same declaration (one per task).
    fn clone(&self) -> Self {
        Self { spec: self.spec.clone(), state: State::Idle }
    }
}

impl fmt::Debug for ShellSpout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShellSpout").field("command", &self.spec.command).field("pid", &self.pid()).finish()
    }
}

impl Spout for ShellSpout {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        self.spec.declare(declarer);
    }

    fn open(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        self.state = State::Idle;
        let timeout = shell::subprocess_timeout(context.config());
        // Spouts are never woken: they read their child's answers inside each call.
        let started =
            shell::start(&self.spec, context, "ShellSpout", TaskWaker::noop(), COMMAND_QUEUE, timeout)?;
        self.state = State::Running(Box::new(Running {
            process: started.process,
            conv: SpoutConversation::new(StreamTable::new(&self.spec.outputs)),
            label: started.label,
            pid: started.pid,
            timeout,
            held: VecDeque::new(),
            suspended: None,
            deferred: VecDeque::new(),
        }));
        Ok(())
    }

    fn next_tuple(&mut self, collector: &mut SpoutCollector<'_>) {
        match std::mem::take(&mut self.state) {
            State::Failed(error) => {
                self.state = State::Dead;
                collector.fatal(error);
            }
            State::Running(mut run) => {
                let result = run.next(collector);
                self.state = State::Running(run);
                if let Err(cause) = result
                    && let Some(error) = self.kill(cause)
                {
                    collector.fatal(error);
                }
            }
            other => self.state = other,
        }
    }

    fn ack(&mut self, msg_id: Value) {
        self.command_without_collector(SpoutRequest::Ack(msg_id));
    }

    fn fail(&mut self, msg_id: Value) {
        self.command_without_collector(SpoutRequest::Fail(msg_id));
    }

    fn activate(&mut self) {
        self.command_without_collector(SpoutRequest::Activate);
    }

    fn deactivate(&mut self) {
        self.command_without_collector(SpoutRequest::Deactivate);
    }

    fn close(&mut self) {
        // Dropping the process closes the child's stdin, waits briefly, then kills and reaps it.
        self.state = State::Dead;
    }

    fn component_config(&self) -> Config {
        self.spec.config.clone()
    }
}

impl Running {
    /// `next_tuple`: first everything held back for want of a collector, then `next`.
    fn next(&mut self, collector: &mut SpoutCollector<'_>) -> Result<(), Error> {
        while let Some(held) = self.held.pop_front() {
            match held {
                Held::Emit(emit) => self.emit(emit, collector)?,
                Held::Error(msg) => collector.report_error(&shell::shell_exception(&msg)),
            }
        }
        if let Some(emit) = self.suspended.take() {
            self.emit(emit, collector)?;
            self.converse(Some(collector))?;
        }
        while let Some(request) = self.deferred.pop_front() {
            self.command(request, Some(collector))?;
        }
        self.command(SpoutRequest::Next, Some(collector))
    }

    /// Sends `request` and reads the answer, or defers it while an answer is suspended.
    fn command(
        &mut self,
        request: SpoutRequest,
        collector: Option<&mut SpoutCollector<'_>>,
    ) -> Result<(), Error> {
        if self.suspended.is_some() {
            self.deferred.push_back(request);
            return Ok(());
        }
        let bytes =
            encode(&SpoutCommand { command: request.command(), id: &request.id() }).map_err(Error::Encode)?;
        self.conv.begin(request);
        // The start of a command counts as a sign of life (storm-interfaces.md §1.7).
        self.process.silence().touch();
        match self.process.normal_lane()?.send_timeout(bytes, self.timeout) {
            Ok(()) => {}
            Err(SendTimeoutError::Timeout(_)) => {
                return Err(self.timed_out(self.process.silence().silent_ms()));
            }
            Err(SendTimeoutError::Disconnected(_)) => return Err(Error::Closed),
        }
        self.converse(collector)
    }

    /// Reads the child's messages until `sync`, or until an emit needs task ids that cannot be
    /// known without a collector (the answer is then suspended).
    fn converse(&mut self, mut collector: Option<&mut SpoutCollector<'_>>) -> Result<(), Error> {
        loop {
            let msg = match self.next_event() {
                Event::Message(msg) => msg,
                Event::Decode(e) => return Err(e.into()),
                Event::Closed => return Err(Error::Closed),
                Event::WriteFailed(e) => return Err(Error::Write(e)),
                Event::HeartbeatTimeout { silent_ms } => return Err(self.timed_out(silent_ms)),
            };
            match self.conv.step(msg)? {
                SpoutStep::Emit(emit) => match collector.as_deref_mut() {
                    Some(c) => self.emit(emit, c)?,
                    None if emit.reply_task_ids => {
                        self.suspended = Some(emit);
                        return Ok(());
                    }
                    None => self.held.push_back(Held::Emit(emit)),
                },
                SpoutStep::Log { level, msg } => shell::shell_log(&self.label, self.pid, level, &msg),
                SpoutStep::ReportError(msg) => match collector.as_deref_mut() {
                    Some(c) => c.report_error(&shell::shell_exception(&msg)),
                    None => self.held.push_back(Held::Error(msg)),
                },
                SpoutStep::Metric { name, params } => {
                    shell::shell_metric(&self.label, self.pid, &name, &params)
                }
                SpoutStep::Done => return Ok(()),
            }
        }
    }

    /// The next event, or a timeout once the child has been silent for longer than allowed.
    fn next_event(&self) -> Event {
        let timeout_ms = u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX);
        loop {
            let silent_ms = self.process.silence().silent_ms();
            if silent_ms > timeout_ms {
                return Event::HeartbeatTimeout { silent_ms };
            }
            let wait = Duration::from_millis(timeout_ms - silent_ms + 1);
            if let Some(event) = self.process.event_within(wait) {
                return event;
            }
        }
    }

    fn emit(&mut self, emit: SpoutEmit, collector: &mut SpoutCollector<'_>) -> Result<(), Error> {
        match emit.direct_task {
            Some(task) => collector.emit_direct(task, &emit.stream, emit.values, emit.msg_id),
            None => {
                let tasks = collector.emit_to(&emit.stream, emit.values, emit.msg_id);
                if emit.reply_task_ids {
                    // Before reading the child's next message: it is waiting for these.
                    let reply = encode(&encode_task_ids(tasks)).map_err(Error::Encode)?;
                    self.process.send_priority(reply)?;
                }
            }
        }
        Ok(())
    }

    fn timed_out(&self, silent_ms: u64) -> Error {
        Error::HeartbeatTimeout { silent_ms, timeout_secs: self.timeout.as_secs() }
    }
}
