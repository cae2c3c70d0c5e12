//! [`TopologyHandle`]: a running topology, in this process or over worker processes.

use std::ffi::OsString;
use std::time::Duration;

use squall_api::{Config, Topology};
use squall_runtime::{LocalCluster, RunOptions, RunningTopology, RuntimeError, TopologyStats};

use crate::spec::WorkerSpec;
use crate::supervisor::Supervisor;
use crate::worker::run_worker;

/// A running topology.
pub enum TopologyHandle {
    /// Every executor runs in this process.
    InProcess(RunningTopology),
    /// Worker processes run it under this process's supervision.
    Supervised(Supervisor),
}

/// Runs `topology`: in this process when `topology.workers` is 1, else over that many worker
/// processes started from this program. In a worker process this runs the worker and never
/// returns (the process exits when the supervisor stops it).
///
/// # Errors
/// An invalid topology config, a failure to start threads or processes.
pub fn submit(
    name: &str,
    config: &Config,
    topology: Topology,
    options: RunOptions,
) -> Result<TopologyHandle, RuntimeError> {
    submit_with(name, config, topology, options, None)
}

/// [`submit`], starting workers with `worker_args` instead of this process's arguments (tests).
///
/// # Errors
/// As [`submit`].
pub fn submit_with(
    name: &str,
    config: &Config,
    topology: Topology,
    options: RunOptions,
    worker_args: Option<Vec<OsString>>,
) -> Result<TopologyHandle, RuntimeError> {
    match WorkerSpec::from_env() {
        Ok(Some(spec)) => run_worker(&spec, topology, config, options),
        Ok(None) => {}
        Err(e) => return Err(RuntimeError::BadWorkerSpec(e)),
    }
    let workers = config.with_defaults().workers();
    if workers <= 1 {
        let cluster = LocalCluster::new();
        cluster.submit(name, config, topology, options)?;
        return Ok(TopologyHandle::InProcess(cluster.take(name)?));
    }
    Ok(TopologyHandle::Supervised(Supervisor::start(name, &topology, config, worker_args)?))
}

impl TopologyHandle {
    /// The topology's name.
    pub fn name(&self) -> &str {
        match self {
            TopologyHandle::InProcess(r) => r.name(),
            TopologyHandle::Supervised(s) => &s.plan().name,
        }
    }

    /// Current statistics.
    pub fn stats(&self) -> TopologyStats {
        match self {
            TopologyHandle::InProcess(r) => r.stats(),
            TopologyHandle::Supervised(s) => s.stats(),
        }
    }

    /// Activates the spouts.
    pub fn activate(&self) {
        match self {
            TopologyHandle::InProcess(r) => r.activate(),
            TopologyHandle::Supervised(s) => s.activate(),
        }
    }

    /// Deactivates the spouts.
    pub fn deactivate(&self) {
        match self {
            TopologyHandle::InProcess(r) => r.deactivate(),
            TopologyHandle::Supervised(s) => s.deactivate(),
        }
    }

    /// The failure that stopped the topology, if any.
    pub fn failure(&self) -> Option<RuntimeError> {
        match self {
            TopologyHandle::InProcess(r) => r.failure(),
            TopologyHandle::Supervised(s) => s.failure(),
        }
    }

    /// True when every spout finished and nothing is pending or in flight.
    pub fn is_finished(&self) -> bool {
        match self {
            TopologyHandle::InProcess(r) => r.is_finished(),
            TopologyHandle::Supervised(s) => s.is_finished(),
        }
    }

    /// Waits until finished or failed, at most `timeout`.
    ///
    /// # Errors
    /// The topology's failure or a timeout.
    pub fn wait_until_finished(&self, timeout: Duration) -> Result<(), RuntimeError> {
        match self {
            TopologyHandle::InProcess(r) => r.wait_until_finished(timeout),
            TopologyHandle::Supervised(s) => s.wait_until_finished(timeout),
        }
    }

    /// Stops the topology after `wait` and returns its final statistics.
    ///
    /// # Errors
    /// The failure that stopped the topology, if any.
    pub fn kill(self, wait: Duration) -> Result<TopologyStats, RuntimeError> {
        match self {
            TopologyHandle::InProcess(r) => r.kill(wait),
            TopologyHandle::Supervised(s) => s.kill(wait),
        }
    }

    /// Waits until finished (at most `timeout`), then stops it and returns its final statistics.
    ///
    /// # Errors
    /// The topology's failure or a timeout (the topology is stopped either way).
    pub fn run_to_completion(self, timeout: Duration) -> Result<TopologyStats, RuntimeError> {
        let waited = self.wait_until_finished(timeout);
        let stats = self.kill(Duration::ZERO);
        waited.and(stats)
    }
}
