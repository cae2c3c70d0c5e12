//! The supervisor's side of the control connections: accepting them and reading what workers say.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use squall_runtime::RuntimeError;

use super::Inner;
use crate::control::{Lines, ToSupervisor};

/// Accepts control connections until the supervisor quits.
pub(crate) fn accept(inner: &Arc<Inner>, listener: &TcpListener) {
    if listener.set_nonblocking(true).is_err() {
        tracing::error!("control listener cannot be polled");
        return;
    }
    while !inner.quit.load(Ordering::Acquire) {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = stream.set_nonblocking(false);
                let inner = inner.clone();
                let spawned = std::thread::Builder::new()
                    .name("squall-supervisor-conn".into())
                    .spawn(move || read(&inner, stream));
                if let Err(e) = spawned {
                    tracing::error!("cannot start a control reader: {e}");
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5))
            }
            Err(e) => {
                tracing::warn!("control accept failed: {e}");
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

/// Reads one worker's messages until its connection ends.
fn read(inner: &Arc<Inner>, stream: std::net::TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let Ok(writer) = stream.try_clone() else { return };
    let mut lines = Lines::new(stream);
    let mut me: Option<u32> = None;
    loop {
        if inner.quit.load(Ordering::Acquire) {
            return;
        }
        let msg = match lines.read::<ToSupervisor>() {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                continue;
            }
            Err(e) => {
                tracing::warn!(worker = ?me, "control connection: {e}");
                break;
            }
        };
        let mut state = inner.lock();
        if let ToSupervisor::Hello { worker, pid } = msg {
            let Some(slot) = state.slots.get_mut(worker as usize) else { return };
            if slot.child.as_ref().map(std::process::Child::id) != Some(pid) {
                // A late hello from a process that was already replaced.
                return;
            }
            me = Some(worker);
            slot.conn = writer.try_clone().ok();
            slot.last_heard = Instant::now();
            inner.changed.notify_all();
            continue;
        }
        let Some(index) = me else { return };
        let slot = &mut state.slots[index as usize];
        slot.last_heard = Instant::now();
        match msg {
            ToSupervisor::Hello { .. } => {}
            ToSupervisor::Heartbeat { progress } => slot.progress = Some(progress),
            ToSupervisor::Stats { seq, tasks, executors } => {
                slot.tasks = tasks;
                slot.executors = executors;
                slot.stats_seq = slot.stats_seq.max(seq);
            }
            ToSupervisor::Failed { cause } => {
                slot.failure = Some(cause.clone());
                if state.failure.is_none() && !state.stopping {
                    state.failure = Some(RuntimeError::Worker { worker: index, cause });
                }
            }
            ToSupervisor::Stopped { tasks, executors } => {
                slot.tasks = tasks;
                slot.executors = executors;
                slot.stopped = true;
            }
        }
        inner.changed.notify_all();
    }
    if let Some(index) = me {
        let mut state = inner.lock();
        if let Some(slot) = state.slots.get_mut(index as usize) {
            slot.conn = None;
        }
        inner.changed.notify_all();
    }
}
