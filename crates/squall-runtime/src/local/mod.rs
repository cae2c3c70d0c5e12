//! Local mode: running topologies inside this process, Storm's `LocalCluster`.
//!
//! [`LocalCluster::submit`] plans a topology, starts one thread per executor plus a timer thread,
//! and returns a [`RunningTopology`] handle to read statistics, activate, deactivate, wait for a
//! bounded run to finish, and kill it.

mod handle;
pub(crate) mod start;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use squall_api::{Config, SharedClock, Topology};

pub use handle::{CapturedTuple, Progress, RunningTopology};

use crate::error::RuntimeError;
use crate::shared::lock;
use crate::stats::TopologyStats;

/// How to run a topology, beyond its config.
#[derive(Clone, Default)]
pub struct RunOptions {
    /// The clock (default: the system clock).
    pub clock: Option<SharedClock>,
    /// The directory shell components run in (Flux: the YAML file's directory).
    pub resources_dir: Option<PathBuf>,
    /// Record every emitted tuple per component and stream (testing).
    pub capture: bool,
    /// Start deactivated (spouts are opened but `next_tuple` is not called until activation).
    pub inactive: bool,
}

impl RunOptions {
    /// The defaults: system clock, no resources directory, no capture, active.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses `clock` for timeouts, ticks and components.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Sets the directory shell components run in.
    pub fn resources_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.resources_dir = Some(dir.into());
        self
    }

    /// Records every emitted tuple (see [`RunningTopology::captured`]).
    pub fn capture(mut self, on: bool) -> Self {
        self.capture = on;
        self
    }

    /// Starts the topology deactivated.
    pub fn inactive(mut self, on: bool) -> Self {
        self.inactive = on;
        self
    }
}

/// Runs topologies in this process: Storm's `LocalCluster`.
///
/// ```no_run
/// # use squall_runtime::{LocalCluster, RunOptions};
/// # fn f(topology: squall_api::Topology) -> Result<(), squall_runtime::RuntimeError> {
/// let cluster = LocalCluster::new();
/// cluster.submit("words", &squall_api::Config::new(), topology, RunOptions::new())?;
/// let stats = cluster.stats("words")?;
/// println!("{}", stats.table());
/// cluster.kill("words", std::time::Duration::ZERO)?;
/// # Ok(()) }
/// ```
#[derive(Default)]
pub struct LocalCluster {
    topologies: Mutex<BTreeMap<String, RunningTopology>>,
}

impl LocalCluster {
    /// An empty local cluster.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts `topology` under `name`.
    ///
    /// # Errors
    /// [`RuntimeError::AlreadyRunning`] if the name is taken, [`RuntimeError::Invalid`] for a bad
    /// topology config, [`RuntimeError::Thread`] if threads cannot be started.
    pub fn submit(
        &self,
        name: &str,
        config: &Config,
        topology: Topology,
        options: RunOptions,
    ) -> Result<(), RuntimeError> {
        let mut map = lock(&self.topologies);
        if map.contains_key(name) {
            return Err(RuntimeError::AlreadyRunning(name.to_owned()));
        }
        let running = RunningTopology::start(name, topology, config, options)?;
        map.insert(name.to_owned(), running);
        Ok(())
    }

    fn with<T>(&self, name: &str, f: impl FnOnce(&RunningTopology) -> T) -> Result<T, RuntimeError> {
        let map = lock(&self.topologies);
        map.get(name).map(f).ok_or_else(|| RuntimeError::NotRunning(name.to_owned()))
    }

    /// Current statistics of `name`.
    ///
    /// # Errors
    /// [`RuntimeError::NotRunning`] for an unknown name.
    pub fn stats(&self, name: &str) -> Result<TopologyStats, RuntimeError> {
        self.with(name, RunningTopology::stats)
    }

    /// Activates `name` (spouts get `activate` and `next_tuple` calls again).
    ///
    /// # Errors
    /// [`RuntimeError::NotRunning`] for an unknown name.
    pub fn activate(&self, name: &str) -> Result<(), RuntimeError> {
        self.with(name, RunningTopology::activate)
    }

    /// Deactivates `name` (spouts get `deactivate`; acks, fails and timeouts still run).
    ///
    /// # Errors
    /// [`RuntimeError::NotRunning`] for an unknown name.
    pub fn deactivate(&self, name: &str) -> Result<(), RuntimeError> {
        self.with(name, RunningTopology::deactivate)
    }

    /// Kills `name`: deactivates it, waits `wait` so in-flight trees can drain, stops every
    /// executor (calling `close`/`cleanup`), and returns its final statistics.
    ///
    /// # Errors
    /// [`RuntimeError::NotRunning`] for an unknown name; the topology's failure if one occurred.
    pub fn kill(&self, name: &str, wait: Duration) -> Result<TopologyStats, RuntimeError> {
        let running =
            lock(&self.topologies).remove(name).ok_or_else(|| RuntimeError::NotRunning(name.to_owned()))?;
        running.kill(wait)
    }

    /// Takes the handle of `name` out of the cluster (to wait on it without holding the cluster).
    ///
    /// # Errors
    /// [`RuntimeError::NotRunning`] for an unknown name.
    pub fn take(&self, name: &str) -> Result<RunningTopology, RuntimeError> {
        lock(&self.topologies).remove(name).ok_or_else(|| RuntimeError::NotRunning(name.to_owned()))
    }

    /// Names of the running topologies.
    pub fn topologies(&self) -> Vec<String> {
        lock(&self.topologies).keys().cloned().collect()
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        let map = std::mem::take(&mut *lock(&self.topologies));
        for (_, t) in map {
            let _ = t.kill(Duration::ZERO);
        }
    }
}
