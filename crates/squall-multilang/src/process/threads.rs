//! The reader, writer and heartbeat threads of a child.

use std::io::{BufReader, BufWriter, Write};
use std::process::{ChildStdin, ChildStdout};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use squall_api::TaskWaker;

use super::{Event, Label, Silence};
use crate::codec::{MessageReader, encode};
use crate::message::TupleMessage;

/// What every thread of a child needs to report.
pub(super) struct Spawned {
    pub label: Label,
    pub pid: u32,
    pub waker: TaskWaker,
    pub events: Sender<Event>,
}

fn spawn_named(name: String, f: impl FnOnce() + Send + 'static) {
    // A thread that cannot be started leaves its pipe unserved; the conversation then times out
    // and the child is declared dead, so the error needs no other path.
    if let Err(e) = std::thread::Builder::new().name(name).spawn(f) {
        tracing::error!(error = %e, "cannot start a multilang I/O thread");
    }
}

/// Parses the child's stdout into events until it closes or breaks the framing.
pub(super) fn start_reader(stdout: ChildStdout, limit: usize, silence: Silence, s: &Spawned) {
    let (events, waker) = (s.events.clone(), s.waker.clone());
    spawn_named(format!("shell-read-{}", s.pid), move || {
        let mut reader = MessageReader::new(BufReader::new(stdout), limit);
        loop {
            let event = match reader.read_message() {
                Ok(Some(msg)) => {
                    silence.touch();
                    Event::Message(msg)
                }
                Ok(None) => Event::Closed,
                Err(e) => Event::Decode(e),
            };
            let last = !matches!(event, Event::Message(_));
            if events.send(event).is_err() {
                return;
            }
            waker.wake();
            if last {
                return;
            }
        }
    });
}

/// Writes queued messages to the child's stdin, the priority lane first, flushing whenever both
/// lanes are empty. Ends (closing stdin) when either lane's senders are all gone.
pub(super) fn start_writer(
    stdin: ChildStdin,
    priority: Receiver<Vec<u8>>,
    normal: Receiver<Vec<u8>>,
    s: &Spawned,
) {
    let (events, waker) = (s.events.clone(), s.waker.clone());
    spawn_named(format!("shell-write-{}", s.pid), move || {
        let mut out = BufWriter::new(stdin);
        let result = (|| -> std::io::Result<()> {
            loop {
                let next = match priority.try_recv() {
                    Ok(m) => Some(m),
                    Err(TryRecvError::Disconnected) => None,
                    Err(TryRecvError::Empty) => match normal.try_recv() {
                        Ok(m) => Some(m),
                        Err(TryRecvError::Disconnected) => None,
                        Err(TryRecvError::Empty) => {
                            out.flush()?;
                            crossbeam_channel::select! {
                                recv(priority) -> m => m.ok(),
                                recv(normal) -> m => m.ok(),
                            }
                        }
                    },
                };
                match next {
                    Some(bytes) => out.write_all(&bytes)?,
                    None => return out.flush(),
                }
            }
        })();
        if let Err(e) = result
            && events.send(Event::WriteFailed(e)).is_ok()
        {
            waker.wake();
        }
    });
}

/// The heartbeat thread's inputs.
pub(super) struct Heartbeat {
    pub stop: Receiver<()>,
    pub lane: Sender<Vec<u8>>,
    pub events: Sender<Event>,
    pub waker: TaskWaker,
    pub silence: Silence,
    pub period: Duration,
    pub timeout: Duration,
    pub label: Label,
}

/// Every `period`: declare the child dead if it has been silent for longer than the timeout,
/// else queue a heartbeat tuple (Storm's once-a-second check, storm-interfaces.md §1.7).
pub(super) fn start_heartbeat(h: Heartbeat) {
    let name = format!("shell-heartbeat-{}-{}", h.label.component, h.label.task);
    spawn_named(name, move || {
        let timeout_ms = u64::try_from(h.timeout.as_millis()).unwrap_or(u64::MAX);
        // Heartbeat ids are never registered; a collision with a pending input's random 64-bit
        // id is as unlikely as in Storm, which draws them the same way.
        let mut rng = fastrand::Rng::new();
        loop {
            match h.stop.recv_timeout(h.period) {
                Err(RecvTimeoutError::Timeout) => {}
                Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
            }
            let silent_ms = h.silence.silent_ms();
            if silent_ms > timeout_ms {
                if h.events.send(Event::HeartbeatTimeout { silent_ms }).is_ok() {
                    h.waker.wake();
                }
                return;
            }
            let id = rng.i64(..).to_string();
            let Ok(bytes) = encode(&TupleMessage::heartbeat(&id)) else { return };
            if h.lane.send(bytes).is_err() {
                return;
            }
        }
    });
}
