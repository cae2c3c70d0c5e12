//! What a worker process is told when its supervisor starts it: which worker it is, where every
//! worker listens, where the supervisor listens. Passed in the `SQUALL_WORKER` environment variable
//! as JSON, so the same binary and arguments start either a supervisor or a worker.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// The environment variable carrying a [`WorkerSpec`].
pub const WORKER_ENV: &str = "SQUALL_WORKER";

/// One worker's assignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerSpec {
    /// The topology's name.
    pub topology: String,
    /// The topology's id (unique per run); peers with another id are refused.
    pub topology_id: String,
    /// This worker's index.
    pub index: u32,
    /// Where every worker listens, by index.
    pub addrs: Vec<SocketAddr>,
    /// Where the supervisor's control port listens.
    pub control: SocketAddr,
    /// How many times this worker was started before (0 the first time).
    pub incarnation: u32,
}

impl WorkerSpec {
    /// The spec in this process's environment, if it is a worker.
    ///
    /// # Errors
    /// The variable is set but is not a valid spec.
    pub fn from_env() -> Result<Option<WorkerSpec>, String> {
        match std::env::var(WORKER_ENV) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| format!("{WORKER_ENV} is not a valid worker spec: {e}")),
            Err(_) => Ok(None),
        }
    }

    /// The spec as the variable's value.
    pub fn to_env(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
