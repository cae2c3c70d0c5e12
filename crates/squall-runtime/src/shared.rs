//! The state one running topology shares between its executors, its timer and its handle.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use squall_api::{SharedClock, Topology, TopologyInfo, Values};

use crate::error::RuntimeError;
use crate::executor::signals::{STOP, Signals};
use crate::plan::Plan;
use crate::sink::RemoteSinks;
use crate::stats::TaskStats;

/// Locks a mutex, recovering the data if a thread panicked while holding it (our critical
/// sections leave the data consistent at every step).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Shared by everything that runs one topology.
pub(crate) struct Shared {
    pub plan: Arc<Plan>,
    pub topology: Topology,
    pub info: Arc<TopologyInfo>,
    pub clock: SharedClock,
    pub signals: Vec<Arc<Signals>>,
    pub stats: Vec<Mutex<Vec<TaskStats>>>,
    pub failure: Mutex<Option<RuntimeError>>,
    pub active: AtomicBool,
    pub capture: bool,
    pub captured: Mutex<Vec<(usize, Values)>>,
    pub started: Instant,
    /// The worker this process runs (0 in a one-process run).
    pub me: u32,
    /// Per executor: true if it runs in this process.
    pub local: Vec<bool>,
    /// The other workers, when this process is one worker of several.
    pub remote: Option<Arc<dyn RemoteSinks>>,
    /// Recycled batch buffers.
    pub pool: Arc<crate::pool::BatchPool>,
}

impl Shared {
    /// Records the first failure and stops every executor.
    pub(crate) fn fail(&self, error: RuntimeError) {
        tracing::error!(topology = %self.plan.name, "{error}");
        {
            let mut slot = lock(&self.failure);
            if slot.is_none() {
                *slot = Some(error);
            }
        }
        self.stop_all();
    }

    /// Asks every executor to stop.
    pub(crate) fn stop_all(&self) {
        for s in self.local_signals() {
            s.raise(STOP);
        }
    }

    /// The signal boards of the executors running in this process.
    pub(crate) fn local_signals(&self) -> impl Iterator<Item = &Arc<Signals>> {
        self.signals.iter().zip(&self.local).filter(|(_, l)| **l).map(|(s, _)| s)
    }

    /// True once a failure was recorded.
    pub(crate) fn failed(&self) -> bool {
        lock(&self.failure).is_some()
    }

    /// Whether the topology is active.
    pub(crate) fn is_active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }
}
