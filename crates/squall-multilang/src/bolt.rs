//! [`ShellBolt`]: a bolt whose logic runs in a subprocess speaking the multilang protocol.

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crossbeam_channel::{Select, TrySendError};
use squall_api::{
    Bolt, BoltCollector, ComponentError, Config, OutputDeclarer, StreamSchema, TaskWaker, TopologyContext,
    Tuple,
};

use crate::codec::encode;
use crate::conversation::{BoltConversation, BoltStep, StreamTable};
use crate::error::Error;
use crate::message::{TupleMessage, encode_task_ids};
use crate::process::{Event, Label, ShellProcess};
use crate::shell::{self, ShellSpec, shell_builder};

/// How often a heartbeat tuple is sent and the child's silence checked (Storm: once a second).
const HEARTBEAT_PERIOD: Duration = Duration::from_secs(1);
/// Child messages applied per call before the rest is left to a later `wake`, so a chatty child
/// cannot keep its executor from its other work.
const BUDGET: usize = 1024;
/// How long `execute` waits at a time when the child's queue is full, between liveness checks.
const FULL_QUEUE_WAIT: Duration = Duration::from_millis(250);

/// A bolt run by a child process: Storm's `ShellBolt`.
///
/// The child starts in [`prepare`](Bolt::prepare) (one per task, in the topology's resources
/// directory), and the conversation is asynchronous as in Storm: [`execute`](Bolt::execute) queues
/// the tuple for the child and returns; the child's emits, acks, fails, logs and errors are applied
/// in [`wake`](Bolt::wake), which the runtime calls after the reader thread wakes the task. At most
/// `topology.shellbolt.max.pending` tuples wait to be written to the child; when that queue is
/// full, `execute` blocks, applying the child's answers meanwhile, until there is room.
///
/// A child that dies, writes something malformed, breaks the protocol or stays silent past
/// `topology.subprocess.timeout.secs` (else `supervisor.worker.timeout.secs`) is reported through
/// [`BoltCollector::fatal`]; the instance then does nothing until the runtime drops it.
///
/// ```no_run
/// use squall_api::TopologyBuilder;
/// use squall_multilang::ShellBolt;
///
/// let split = ShellBolt::new(vec!["python3".into(), "splitsentence.py".into()]).with_output_fields(["word"]);
/// let mut builder = TopologyBuilder::new();
/// builder.set_bolt("split", 4, move || split.clone()).shuffle_grouping("sentences");
/// ```
pub struct ShellBolt {
    spec: ShellSpec,
    /// Only ever reached through `&mut self` ([`Mutex::get_mut`], no locking): the mutex is there
    /// to make the bolt `Sync`, as a factory closure (`move || bolt.clone()`) must be, although
    /// the tuples it holds are not.
    state: Mutex<State>,
    pid: Option<u32>,
}

enum State {
    Idle,
    Running(Box<Running>),
    Dead,
}

struct Running {
    process: ShellProcess,
    conv: BoltConversation<Tuple>,
    label: Label,
    pid: u32,
    waker: TaskWaker,
    timeout: Duration,
    /// The id and stream of the last tuple sent, for error reports.
    last_sent: Option<(String, &'static StreamSchema)>,
}

impl ShellBolt {
    /// A shell bolt running `command` (argv; `command[0]` is the program, found on `PATH`).
    pub fn new(command: Vec<String>) -> Self {
        Self { spec: ShellSpec::new(command), state: Mutex::new(State::Idle), pid: None }
    }

    /// The PID of this task's child while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    fn state(&mut self) -> &mut State {
        self.state.get_mut().unwrap_or_else(PoisonError::into_inner)
    }

    fn set_state(&mut self, state: State) {
        self.pid = match &state {
            State::Running(run) => Some(run.process.pid()),
            State::Idle | State::Dead => None,
        };
        *self.state() = state;
    }

    fn die(&mut self, cause: Error, collector: &mut BoltCollector<'_>) {
        self.pid = None;
        let State::Running(mut run) = std::mem::replace(self.state(), State::Dead) else { return };
        let activity = run.activity();
        let failure = run.process.fail(cause);
        collector.fatal(shell::child_error(&run.label, Some(run.pid), &activity, failure));
    }
}

shell_builder!(ShellBolt);

impl Clone for ShellBolt {
    /// A fresh, unprepared instance with the same declaration (one per task).
    fn clone(&self) -> Self {
        Self { spec: self.spec.clone(), state: Mutex::new(State::Idle), pid: None }
    }
}

impl fmt::Debug for ShellBolt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShellBolt").field("command", &self.spec.command).field("pid", &self.pid()).finish()
    }
}

impl Bolt for ShellBolt {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        self.spec.declare(declarer);
    }

    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        self.set_state(State::Idle);
        let timeout = shell::subprocess_timeout(context.config());
        let max_pending = shell::shellbolt_max_pending(context.config());
        let waker = context.waker().clone();
        let started = shell::start(&self.spec, context, "ShellBolt", waker.clone(), max_pending, timeout)?;
        let mut process = started.process;
        // Storm checks once a second; a timeout under two seconds needs checks more often than
        // that, or the first check (before any heartbeat was answered) already finds it expired.
        process.start_heartbeats(HEARTBEAT_PERIOD.min(timeout / 2), timeout);
        self.set_state(State::Running(Box::new(Running {
            process,
            conv: BoltConversation::new(StreamTable::new(&self.spec.outputs), fastrand::u64(..)),
            label: started.label,
            pid: started.pid,
            waker,
            timeout,
            last_sent: None,
        })));
        Ok(())
    }

    fn execute(&mut self, tuple: Tuple, collector: &mut BoltCollector<'_>) {
        let State::Running(run) = self.state() else { return };
        if let Err(cause) = run.execute(tuple, collector) {
            self.die(cause, collector);
        }
    }

    fn wake(&mut self, collector: &mut BoltCollector<'_>) {
        let State::Running(run) = self.state() else { return };
        if let Err(cause) = run.drain(collector) {
            self.die(cause, collector);
        }
    }

    fn cleanup(&mut self) {
        // Dropping the process closes the child's stdin, waits briefly, then kills and reaps it.
        self.set_state(State::Dead);
    }

    fn component_config(&self) -> Config {
        self.spec.config.clone()
    }
}

impl Running {
    fn execute(&mut self, tuple: Tuple, collector: &mut BoltCollector<'_>) -> Result<(), Error> {
        self.drain(collector)?;
        let (id, t) = self.conv.register(tuple);
        let msg = TupleMessage {
            id: &id,
            comp: Some(t.source_component()),
            stream: t.source_stream(),
            task: t.source_task().get(),
            tuple: t.values(),
        };
        let bytes = encode(&msg).map_err(Error::Encode)?;
        self.last_sent = Some((id, t.schema()));
        self.enqueue(bytes, collector)
    }

    /// Queues a tuple for the writer; while the queue is full, applies the child's answers.
    fn enqueue(&mut self, bytes: Vec<u8>, collector: &mut BoltCollector<'_>) -> Result<(), Error> {
        let bytes = match self.process.normal_lane()?.try_send(bytes) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Disconnected(_)) => return Err(Error::Closed),
            Err(TrySendError::Full(bytes)) => bytes,
        };
        loop {
            let event = {
                let lane = self.process.normal_lane()?;
                let events = self.process.events();
                let mut select = Select::new();
                let send = select.send(lane);
                select.recv(events);
                match select.select_timeout(FULL_QUEUE_WAIT) {
                    // A selected operation must be completed: send now, whatever happens next.
                    Ok(op) if op.index() == send => return op.send(lane, bytes).map_err(|_| Error::Closed),
                    Ok(op) => op.recv(events).map_err(|_| Error::Closed)?,
                    Err(_) => {
                        self.check_alive()?;
                        continue;
                    }
                }
            };
            self.apply(event, collector)?;
        }
    }

    /// Applies the child's output received so far (up to [`BUDGET`] messages; the rest later).
    fn drain(&mut self, collector: &mut BoltCollector<'_>) -> Result<(), Error> {
        for _ in 0..BUDGET {
            match self.process.try_event() {
                Some(event) => self.apply(event, collector)?,
                None => return Ok(()),
            }
        }
        self.waker.wake();
        Ok(())
    }

    /// A backstop for the heartbeat thread's check, while `execute` blocks.
    fn check_alive(&self) -> Result<(), Error> {
        let silent_ms = self.process.silence().silent_ms();
        if silent_ms > u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX) {
            return Err(Error::HeartbeatTimeout { silent_ms, timeout_secs: self.timeout.as_secs() });
        }
        Ok(())
    }

    fn apply(&mut self, event: Event, collector: &mut BoltCollector<'_>) -> Result<(), Error> {
        let msg = match event {
            Event::Message(msg) => msg,
            Event::Decode(e) => return Err(e.into()),
            Event::Closed => return Err(Error::Closed),
            Event::WriteFailed(e) => return Err(Error::Write(e)),
            Event::HeartbeatTimeout { silent_ms } => {
                return Err(Error::HeartbeatTimeout { silent_ms, timeout_secs: self.timeout.as_secs() });
            }
        };
        match self.conv.step(msg)? {
            BoltStep::Emit(emit) => {
                let anchors = self.conv.anchors(&emit);
                match emit.direct_task {
                    Some(task) => collector.emit_direct(task, &emit.stream, &anchors, emit.values),
                    None => {
                        let tasks = collector.emit_to(&emit.stream, &anchors, emit.values);
                        if emit.reply_task_ids {
                            let reply = encode(&encode_task_ids(tasks)).map_err(Error::Encode)?;
                            self.process.send_priority(reply)?;
                        }
                    }
                }
            }
            BoltStep::Ack(input) => collector.ack(&input),
            BoltStep::Fail(input) => collector.fail(&input),
            BoltStep::Log { level, msg } => shell::shell_log(&self.label, self.pid, level, &msg),
            BoltStep::ReportError(msg) => collector.report_error(&shell::shell_exception(&msg)),
            BoltStep::Metric { name, params } => shell::shell_metric(&self.label, self.pid, &name, &params),
            BoltStep::Sync => {}
            BoltStep::Ignored(command) => tracing::debug!(component = %self.label.component,
                task = self.label.task, command, "ignoring an unknown command from the subprocess"),
        }
        Ok(())
    }

    /// What the bolt was doing, for the error report.
    fn activity(&self) -> String {
        let n = self.conv.pending_len();
        let pending = if n == 1 { "1 tuple pending".to_owned() } else { format!("{n} tuples pending") };
        match &self.last_sent {
            Some((id, s)) => {
                format!("with {pending} (last sent: tuple \"{id}\" from {}:{})", s.component, s.stream)
            }
            None => format!("with {pending} (none sent yet)"),
        }
    }
}
