//! [`RunningTopology`]: the handle of a topology running in this process.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use squall_api::Values;

use crate::error::RuntimeError;
use crate::executor::signals::{ACTIVITY, PUBLISH};
use crate::plan::Plan;
use crate::shared::{Shared, lock};
use crate::stats::{ExecutorStats, TaskStats, TopologyStats};

/// How long [`RunningTopology::kill`] waits for executor threads to stop before leaving them.
const JOIN_LIMIT: Duration = Duration::from_secs(10);

/// A tuple recorded when the topology runs with capture on.
#[derive(Clone, Debug, PartialEq)]
pub struct CapturedTuple {
    /// The emitting component.
    pub component: String,
    /// The stream.
    pub stream: String,
    /// The values.
    pub values: Values,
}

/// Progress counters of the executors of this process, for deciding whether a run is finished
/// (summed over workers when a topology spans processes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    /// Counted messages handed to other executors (here or elsewhere).
    pub sent: u64,
    /// Counted messages processed here.
    pub done: u64,
    /// Tuple trees pending at spouts here.
    pub pending: u64,
    /// True when every spout here declared itself finished.
    pub finished: bool,
    /// True when every executor here waits with nothing to do.
    pub idle: bool,
}

/// A topology running in this process.
pub struct RunningTopology {
    name: String,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    timer: Option<JoinHandle<()>>,
    timer_stop: Arc<AtomicBool>,
}

impl RunningTopology {
    pub(crate) fn new(
        name: &str,
        shared: Arc<Shared>,
        threads: Vec<JoinHandle<()>>,
        timer: JoinHandle<()>,
        timer_stop: Arc<AtomicBool>,
    ) -> Self {
        Self { name: name.to_owned(), shared, threads, timer: Some(timer), timer_stop }
    }

    /// The topology's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its physical plan: tasks, executors, streams.
    pub fn plan(&self) -> &Plan {
        &self.shared.plan
    }

    /// Activates the topology.
    pub fn activate(&self) {
        self.set_active(true);
    }

    /// Deactivates the topology: spouts get `deactivate` and no `next_tuple` calls.
    pub fn deactivate(&self) {
        self.set_active(false);
    }

    fn set_active(&self, on: bool) {
        self.shared.active.store(on, Ordering::Release);
        for s in self.shared.local_signals() {
            s.raise(ACTIVITY);
        }
    }

    /// This process's progress counters.
    pub fn progress(&self) -> Progress {
        let mut p = Progress { finished: true, idle: true, ..Progress::default() };
        for s in self.shared.local_signals() {
            p.sent += s.sent.load(Ordering::Acquire);
            p.done += s.done.load(Ordering::Acquire);
            p.pending += s.pending.load(Ordering::Acquire);
            p.finished &= s.finished.load(Ordering::Acquire);
            p.idle &= s.idle.load(Ordering::Acquire) && s.remote_overflow_len.load(Ordering::Acquire) == 0;
        }
        p
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The failure that stopped the topology, if any.
    pub fn failure(&self) -> Option<RuntimeError> {
        lock(&self.shared.failure).clone()
    }

    /// Current statistics: asks every executor to publish, waits briefly for them, aggregates.
    pub fn stats(&self) -> TopologyStats {
        let before: Vec<u64> =
            self.shared.local_signals().map(|s| s.published.load(Ordering::Acquire)).collect();
        for s in self.shared.local_signals() {
            s.raise(PUBLISH);
        }
        let deadline = Instant::now() + Duration::from_millis(250);
        while Instant::now() < deadline {
            let all =
                self.shared.local_signals().zip(&before).all(|(s, b)| {
                    s.published.load(Ordering::Acquire) > *b || s.exited.load(Ordering::Acquire)
                });
            if all {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        self.collect_stats()
    }

    fn collect_stats(&self) -> TopologyStats {
        let plan = &self.shared.plan;
        let mut tasks: Vec<TaskStats> = self.shared.stats.iter().flat_map(|m| lock(m).clone()).collect();
        tasks.sort_by_key(|t| t.task);

        let executors = plan
            .executors
            .iter()
            .zip(&self.shared.signals)
            .enumerate()
            .filter(|(i, _)| self.shared.local[*i])
            .map(|(i, (e, s))| ExecutorStats {
                executor: i,
                tasks: e.tasks.iter().map(|t| t.0).collect(),
                queued_batches: s.sender.len(),
                queue_capacity_batches: s.sender.capacity().unwrap_or(0),
                overflow_tuples: s.overflow.load(Ordering::Acquire),
                max_overflow_tuples: s.max_overflow.load(Ordering::Acquire),
            })
            .collect();
        TopologyStats::assemble(plan, self.shared.started.elapsed().as_secs_f64(), tasks, executors)
    }

    /// True when every spout declared itself finished, no tuple tree is pending, and no tuple is
    /// in flight anywhere (checked twice, to see a stable state).
    pub fn is_finished(&self) -> bool {
        let first = self.quiescent();
        if first.is_none() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
        first == self.quiescent()
    }

    fn quiescent(&self) -> Option<(u64, u64)> {
        let signals: Vec<_> = self.shared.local_signals().collect();
        if !signals.iter().all(|s| s.finished.load(Ordering::Acquire) && s.idle.load(Ordering::Acquire)) {
            return None;
        }
        let done: u64 = signals.iter().map(|s| s.done.load(Ordering::Acquire)).sum();
        let sent: u64 = signals.iter().map(|s| s.sent.load(Ordering::Acquire)).sum();
        let pending: u64 = signals.iter().map(|s| s.pending.load(Ordering::Acquire)).sum();
        (sent == done && pending == 0).then_some((sent, done))
    }

    /// Waits until the topology [is finished](Self::is_finished) or failed, at most `timeout`.
    ///
    /// # Errors
    /// The topology's failure, or [`RuntimeError::Timeout`] with what was still pending.
    pub fn wait_until_finished(&self, timeout: Duration) -> Result<(), RuntimeError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(e) = self.failure() {
                return Err(e);
            }
            if self.is_finished() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(RuntimeError::Timeout {
                    name: self.name.clone(),
                    secs: timeout.as_secs_f64(),
                    detail: self.pending_detail(),
                });
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn pending_detail(&self) -> String {
        let signals: Vec<_> = self.shared.local_signals().collect();
        let unfinished = signals.iter().filter(|s| !s.finished.load(Ordering::Acquire)).count();
        let pending: u64 = signals.iter().map(|s| s.pending.load(Ordering::Acquire)).sum();
        let sent: u64 = signals.iter().map(|s| s.sent.load(Ordering::Acquire)).sum();
        let done: u64 = signals.iter().map(|s| s.done.load(Ordering::Acquire)).sum();
        format!(
            "{unfinished} executor(s) with unfinished spouts, {pending} pending tuple tree(s), {} message(s) in flight",
            sent.saturating_sub(done)
        )
    }

    /// Waits until finished (at most `timeout`), then stops it and returns its final statistics.
    ///
    /// # Errors
    /// The topology's failure, or [`RuntimeError::Timeout`] (the topology is stopped either way).
    pub fn run_to_completion(self, timeout: Duration) -> Result<TopologyStats, RuntimeError> {
        let waited = self.wait_until_finished(timeout);
        let stats = self.kill(Duration::ZERO);
        waited.and(stats)
    }

    /// Every tuple emitted so far, if the topology runs with capture on, in emit order per task.
    pub fn captured(&self) -> Vec<CapturedTuple> {
        let plan = &self.shared.plan;
        lock(&self.shared.captured)
            .iter()
            .map(|(si, values)| {
                let schema = plan.streams[*si].schema;
                CapturedTuple {
                    component: schema.component.to_string(),
                    stream: schema.stream.to_string(),
                    values: values.clone(),
                }
            })
            .collect()
    }

    /// Deactivates, waits `wait` for in-flight trees to drain, stops every executor (spouts get
    /// `deactivate` and `close`, bolts `cleanup`), and returns the final statistics.
    ///
    /// # Errors
    /// The failure that stopped the topology, if one did.
    pub fn kill(mut self, wait: Duration) -> Result<TopologyStats, RuntimeError> {
        if !wait.is_zero() {
            self.deactivate();
            let deadline = Instant::now() + wait;
            while Instant::now() < deadline && !self.shared.failed() {
                std::thread::sleep(Duration::from_millis(5).min(wait));
            }
        }
        self.stop();
        let stats = self.collect_stats();
        match self.failure() {
            Some(e) => Err(e),
            None => Ok(stats),
        }
    }

    fn stop(&mut self) {
        self.shared.stop_all();
        self.timer_stop.store(true, Ordering::Release);
        let deadline = Instant::now() + JOIN_LIMIT;
        for h in self.threads.drain(..) {
            while !h.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
            if h.is_finished() {
                let _ = h.join();
            } else {
                tracing::error!(topology = %self.name, thread = ?h.thread().name(), "executor did not stop within {JOIN_LIMIT:?}; leaving it");
            }
        }
        if let Some(t) = self.timer.take() {
            let _ = t.join();
        }
    }
}

impl Drop for RunningTopology {
    fn drop(&mut self) {
        if !self.threads.is_empty() || self.timer.is_some() {
            self.stop();
        }
    }
}
