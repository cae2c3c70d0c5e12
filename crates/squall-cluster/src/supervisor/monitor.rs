//! Watching the workers: restarting one that exits or stops reporting, stopping the topology when
//! one reports a failure, and deciding when a bounded run has finished.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{Inner, State};
use crate::control::{ToWorker, send};

/// How long progress must stand still, after a restart lost messages, to count as finished.
const SETTLE: Duration = Duration::from_secs(1);

/// Checks the workers every 20 ms until the supervisor quits.
pub(crate) fn run(inner: &Arc<Inner>) {
    while !inner.quit.load(Ordering::Acquire) {
        std::thread::sleep(Duration::from_millis(20));
        let mut state = inner.lock();
        let stopping = state.stopping;
        let failed = state.failure.is_some();
        let mut changed = false;
        for i in 0..state.slots.len() {
            let slot = &mut state.slots[i];
            let Some(child) = slot.child.as_mut() else { continue };
            let exited = match child.try_wait() {
                Ok(Some(status)) => Some(status.to_string()),
                Ok(None) => None,
                Err(e) => Some(e.to_string()),
            };
            let silent = slot.conn.is_some() && slot.last_heard.elapsed() > inner.heartbeat_timeout;
            if exited.is_none() && !silent {
                continue;
            }
            if stopping || failed || slot.failure.is_some() {
                if exited.is_some() {
                    slot.child = None;
                    slot.conn = None;
                    changed = true;
                }
                continue;
            }
            if silent {
                tracing::warn!(worker = i, "worker silent for {:?}; killing it", inner.heartbeat_timeout);
                let _ = child.kill();
                let _ = child.wait();
            } else {
                tracing::warn!(
                    worker = i,
                    status = exited.as_deref().unwrap_or(""),
                    "worker exited; restarting it"
                );
            }
            slot.restarts += 1;
            slot.spec.incarnation += 1;
            slot.child = None;
            if let Err(e) = inner.spawn(slot) {
                tracing::error!(worker = i, "cannot restart worker: {e}");
            }
            state.restarted = true;
            changed = true;
        }
        // A failure anywhere stops the others.
        if state.failure.is_some() && !state.stopping {
            state.stopping = true;
            for slot in &mut state.slots {
                if let Some(conn) = &mut slot.conn {
                    let _ = send(conn, &ToWorker::Stop(0));
                }
            }
            changed = true;
        }
        if changed {
            inner.changed.notify_all();
        }
    }
}

/// (sent, done, pending) summed over the workers' latest reports.
pub(crate) fn sums(state: &State) -> (u64, u64, u64) {
    state
        .slots
        .iter()
        .filter_map(|s| s.progress)
        .fold((0, 0, 0), |(a, b, c), p| (a + p.sent, b + p.done, c + p.pending))
}

/// The "finished?" check over the latest reports (see [`Supervisor::is_finished`](super::Supervisor::is_finished)).
pub(crate) fn finished(state: &mut State) -> bool {
    let all_ready = state.slots.iter().all(|s| s.progress.is_some_and(|p| p.finished && p.idle));
    if !all_ready {
        state.stable = None;
        return false;
    }
    let now = sums(state);
    let since = match state.stable {
        Some((prev, since)) if prev == now => since,
        _ => {
            state.stable = Some((now, Instant::now()));
            return false;
        }
    };
    let (sent, done, pending) = now;
    // Two reports (each worker reports every 100 ms) must agree before the balance counts.
    let settled = since.elapsed() >= Duration::from_millis(250);
    pending == 0 && settled && (sent == done || (state.restarted && since.elapsed() >= SETTLE))
}
