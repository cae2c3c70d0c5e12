//! What every task of an executor reads while it runs: the plan, where each task lives relative to
//! this executor, and a few settings. Read-only on the tuple path, apart from two cells that only
//! this executor's thread touches.

use std::cell::Cell;
use std::sync::Arc;

use squall_api::{SharedClock, TaskId};

use super::outbox::Outbox;
use crate::message::Message;
use crate::plan::{Plan, task_index};

/// How to reach a task from this executor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// A task of this executor, at this slot.
    Local(usize),
    /// Another executor's queue, at this outbox slot.
    Queue(usize),
}

/// The read-mostly environment of one executor.
pub(crate) struct ExecEnv {
    pub plan: Arc<Plan>,
    /// Route per task (indexed by task id − 1).
    pub routes: Vec<Route>,
    /// True when tuple trees are tracked.
    pub reliable: bool,
    /// True to keep trees local while a spout's emit runs through chained bolts.
    pub local_acking: bool,
    /// One execute in this many is timed.
    pub sample_every: u32,
    /// One tracked spout emit in this many is timed for complete latency.
    pub complete_every: u32,
    pub clock: SharedClock,
    /// The slot whose component is running (to name it if it panics).
    pub current: Cell<usize>,
    /// Set when a task declared itself broken.
    pub broken: Cell<bool>,
}

impl ExecEnv {
    /// Sends a control message (acker traffic) to `task`.
    pub(crate) fn send(&self, out: &mut Outbox, task: TaskId, msg: Message) {
        match self.routes[task_index(task)] {
            Route::Local(_) => {
                if msg.counts() {
                    out.sent += 1;
                }
                out.to_self.push_back(msg);
            }
            Route::Queue(q) => out.push_acker(q, msg),
        }
    }
}
