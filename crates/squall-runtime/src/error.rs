//! The runtime's errors.

use squall_api::InvalidTopology;

/// Why a topology could not run, or stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuntimeError {
    /// The topology failed validation.
    #[error(transparent)]
    Invalid(#[from] InvalidTopology),
    /// A component panicked; the topology was torn down.
    #[error("component '{component}' task {task} panicked: {message}")]
    Panicked {
        /// The component.
        component: String,
        /// The task.
        task: i32,
        /// The panic message.
        message: String,
    },
    /// `open` or `prepare` returned an error.
    #[error("component '{component}' task {task} failed to start: {cause}")]
    StartFailed {
        /// The component.
        component: String,
        /// The task.
        task: i32,
        /// What it reported.
        cause: String,
    },
    /// A component declared itself broken more often than `squall.executor.restarts.per.minute`
    /// allows.
    #[error(
        "component '{component}' task {task} failed {failures} time(s) within a minute (restart budget {budget}); last error: {cause}"
    )]
    TooManyFailures {
        /// The component.
        component: String,
        /// The task.
        task: i32,
        /// Failures within the last minute.
        failures: usize,
        /// The configured budget.
        budget: u64,
        /// The last error.
        cause: String,
    },
    /// A topology with this name is already running in this cluster.
    #[error("a topology named '{0}' is already running")]
    AlreadyRunning(String),
    /// No topology with this name runs in this cluster.
    #[error("no topology named '{0}' is running")]
    NotRunning(String),
    /// Waiting for the topology to finish took longer than allowed.
    #[error("topology '{name}' did not finish within {secs:.1} s ({detail})")]
    Timeout {
        /// The topology.
        name: String,
        /// The limit.
        secs: f64,
        /// What was still pending.
        detail: String,
    },
    /// The transport to other workers could not start.
    #[error("transport: {cause}")]
    Transport {
        /// What went wrong.
        cause: String,
    },
    /// This process was started as a worker with a spec it cannot read.
    #[error("cannot run as a worker: {0}")]
    BadWorkerSpec(String),
    /// A worker process reported a failure (its text names component and task).
    #[error("worker {worker}: {cause}")]
    Worker {
        /// The worker's index.
        worker: u32,
        /// What it reported.
        cause: String,
    },
    /// A thread could not be started.
    #[error("could not start thread {name}: {cause}")]
    Thread {
        /// The thread's name.
        name: String,
        /// The OS error.
        cause: String,
    },
}
