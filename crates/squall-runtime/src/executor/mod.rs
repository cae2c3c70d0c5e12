//! Executors: threads that each run one or more tasks.
//!
//! - [`build`](self::build): makes an executor's tasks, groupers and routes from the plan.
//! - `run`: the loop — drain the queue, call spouts, flush, wait — and shutdown.
//! - `dispatch`: what each message does (tuples, acker traffic, ticks, timeouts).
//! - `lifecycle`: open/prepare, close/cleanup, restart of broken instances, statistics publishing.
//! - [`emitter`]: the collectors' runtime side (emit, ack, fail), including direct calls into chained
//!   tasks.
//! - `tracking`: message ids, acker traffic, and trees completed inside one executor.
//! - [`outbox`]: batching per destination and backpressure.

pub(crate) mod build;
mod dispatch;
pub(crate) mod emitter;
pub(crate) mod env;
mod lifecycle;
pub(crate) mod outbox;
mod run;
pub(crate) mod signals;
pub(crate) mod task;
mod tracking;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Receiver;

pub(crate) use build::build_executor;

use self::env::ExecEnv;
use self::outbox::Outbox;
use self::signals::Signals;
use self::task::TaskSlot;
use crate::message::Batch;
use crate::shared::Shared;

/// One executor: its tasks, its queue and its output side.
pub(crate) struct Executor {
    pub index: usize,
    pub shared: Arc<Shared>,
    pub signals: Arc<Signals>,
    pub slots: Vec<TaskSlot>,
    pub rx: Receiver<Batch>,
    pub out: Outbox,
    pub env: ExecEnv,
    /// Slot indexes of spout tasks.
    pub spouts: Vec<usize>,
    /// Counted messages processed.
    pub done: u64,
    pub active: bool,
    pub stopping: bool,
    /// Failure times (clock ms) per slot, for the restart budget.
    pub failures: Vec<VecDeque<u64>>,
    pub last_publish: Instant,
    pub last_flush: Instant,
    /// Consecutive idle iterations (for the progressive wait).
    pub idle: u64,
    /// True while this executor's idle flag is raised with up-to-date counters.
    pub idle_published: bool,
    pub flush_interval: std::time::Duration,
    pub spout_wait: (u64, u64, u64),
    pub bolt_wait: (u64, u64, u64),
    /// Loop iterations between checks of the queue when a spout executor runs without acking.
    pub recv_skips: u32,
}
