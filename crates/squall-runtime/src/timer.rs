//! The topology's timer thread: tick tuples for bolts and message-timeout rotations for spouts and
//! ackers, in the topology clock's time (so a simulated clock drives them in tests).
//!
//! A due event is queued behind the data already waiting at its executor (as Storm's ticks are); if
//! that queue is full, the executor is busy and a signal bit makes it handle the event at its next
//! iteration instead. The timer never blocks on an executor.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossbeam_channel::TrySendError;
use squall_api::TaskId;

use crate::executor::signals::{ROTATE, TICK};
use crate::message::Message;
use crate::plan::{ComponentRole, task_index};
use crate::shared::Shared;

/// One recurring event.
struct Entry {
    next_ms: u64,
    period_ms: u64,
    executor: usize,
    /// `Some(task)` for a tick, `None` for a rotation.
    tick: Option<(TaskId, usize)>,
}

/// The schedule for a topology: ticks per ticking bolt task, rotations per executor with spouts or
/// ackers (every `topology.message.timeout.secs`, unless timeouts are disabled).
fn schedule(shared: &Shared, now: u64) -> Vec<Entry> {
    let plan = &shared.plan;
    let mut entries = Vec::new();
    for (ei, e) in plan.executors.iter().enumerate() {
        if !shared.local[ei] {
            continue;
        }
        let mut rotates = false;
        for (slot, &task) in e.tasks.iter().enumerate() {
            let c = &plan.components[plan.placements[task_index(task)].component];
            match c.role {
                ComponentRole::Bolt => {
                    if let Some(period) = c.config.tick_period_millis() {
                        entries.push(Entry {
                            next_ms: now + period,
                            period_ms: period,
                            executor: ei,
                            tick: Some((task, slot)),
                        });
                    }
                }
                ComponentRole::Spout | ComponentRole::Acker => rotates = true,
            }
        }
        if rotates && plan.config.message_timeouts_enabled() && plan.reliable() {
            let period = plan.config.message_timeout_secs().saturating_mul(1000);
            entries.push(Entry { next_ms: now + period, period_ms: period, executor: ei, tick: None });
        }
    }
    entries
}

/// Runs the timer until `stop` is set; periods count from `start_ms`, the topology's start on its
/// clock (not the moment this thread happens to run).
pub(crate) fn run(shared: Arc<Shared>, stop: Arc<AtomicBool>, start_ms: u64) {
    let clock = shared.clock.clone();
    let mut entries = schedule(&shared, start_ms);
    while !stop.load(Ordering::Acquire) {
        let now = clock.now_millis();
        for e in &mut entries {
            // A simulated clock may jump many periods at once: fire once per elapsed period.
            while e.next_ms <= now {
                e.next_ms += e.period_ms.max(1);
                fire(&shared, e);
            }
        }
        let next = entries.iter().map(|e| e.next_ms).min().unwrap_or(u64::MAX);
        clock.wait_until(next, Duration::from_millis(20));
    }
}

fn fire(shared: &Shared, e: &Entry) {
    let signals = &shared.signals[e.executor];
    let msg = match e.tick {
        Some((task, _)) => Message::Tick { task },
        None => Message::Rotate,
    };
    match signals.sender.try_send(vec![msg]) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => match e.tick {
            Some((_, slot)) => {
                signals.tick_bits.fetch_or(1 << (slot % 64), Ordering::AcqRel);
                signals.raise(TICK);
            }
            None => signals.raise(ROTATE),
        },
        Err(TrySendError::Disconnected(_)) => {}
    }
}
