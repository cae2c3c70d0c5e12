//! [`RunningTopology`]: the handle of a topology running in this process.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use squall_api::Values;

use crate::error::RuntimeError;
use crate::executor::signals::{ACTIVITY, PUBLISH};
use crate::plan::{ComponentRole, Plan};
use crate::shared::{Shared, lock};
use crate::stats::{ComponentStats, ExecutorStats, LatencySummary, TaskStats, TopologyStats};

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
        let components = plan
            .components
            .iter()
            .map(|c| {
                let mine: Vec<&TaskStats> = tasks.iter().filter(|t| t.component == c.id.as_str()).collect();
                aggregate(c.id.as_str(), c.role, c.tasks.len(), &mine)
            })
            .collect();
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
        TopologyStats {
            topology: self.name.clone(),
            uptime_secs: self.shared.started.elapsed().as_secs_f64(),
            components,
            tasks,
            executors,
        }
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

fn aggregate(id: &str, role: ComponentRole, task_count: usize, tasks: &[&TaskStats]) -> ComponentStats {
    let sum = |f: &dyn Fn(&TaskStats) -> u64| tasks.iter().map(|t| f(t)).sum::<u64>();
    let total = |m: &std::collections::BTreeMap<String, u64>| m.values().sum::<u64>();
    let weighted = |lat: &dyn Fn(&TaskStats) -> f64, weight: &dyn Fn(&TaskStats) -> u64| {
        let w: u64 = tasks.iter().map(|t| weight(t)).sum();
        if w == 0 { 0.0 } else { tasks.iter().map(|t| lat(t) * weight(t) as f64).sum::<f64>() / w as f64 }
    };
    let mut executors: Vec<usize> = tasks.iter().map(|t| t.executor).collect();
    executors.sort_unstable();
    executors.dedup();
    let capacity = executors
        .iter()
        .map(|e| tasks.iter().filter(|t| t.executor == *e).map(|t| t.capacity).sum::<f64>())
        .fold(0.0, f64::max);
    let complete = tasks.iter().filter_map(|t| t.complete_latency.as_ref()).fold(
        None,
        |acc: Option<LatencySummary>, l| {
            Some(match acc {
                None => l.clone(),
                Some(a) => {
                    let n = a.count + l.count;
                    let mean = if n == 0 {
                        0.0
                    } else {
                        (a.mean_ms * a.count as f64 + l.mean_ms * l.count as f64) / n as f64
                    };
                    LatencySummary {
                        count: n,
                        mean_ms: mean,
                        p50_ms: a.p50_ms.max(l.p50_ms),
                        p99_ms: a.p99_ms.max(l.p99_ms),
                        p999_ms: a.p999_ms.max(l.p999_ms),
                        max_ms: a.max_ms.max(l.max_ms),
                    }
                }
            })
        },
    );
    let mut errors: Vec<_> = tasks.iter().flat_map(|t| t.errors.clone()).collect();
    errors.sort_by_key(|e| e.time_ms);
    ComponentStats {
        component: id.to_owned(),
        kind: match role {
            ComponentRole::Spout => "spout",
            ComponentRole::Bolt => "bolt",
            ComponentRole::Acker => "acker",
        }
        .to_owned(),
        tasks: task_count,
        executors: executors.len(),
        emitted: sum(&|t| total(&t.emitted)),
        transferred: sum(&|t| total(&t.transferred)),
        executed: sum(&|t| total(&t.executed)),
        acked: sum(&|t| total(&t.acked)),
        failed: sum(&|t| total(&t.failed)),
        execute_latency_ms: weighted(&|t| t.execute_latency_ms, &|t| total(&t.executed)),
        process_latency_ms: weighted(&|t| t.process_latency_ms, &|t| total(&t.acked)),
        complete_latency: complete,
        capacity,
        errors,
    }
}
