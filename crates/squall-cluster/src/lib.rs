//! squall's cluster side: running one topology over several worker processes of this machine under
//! a local supervisor, and the worker process itself.
//!
//! [`submit`] is the entry point both sides share: in a plain process it runs the topology in
//! this process when `topology.workers` is 1, or starts a [`Supervisor`] with that many worker
//! processes; in a process started by a supervisor (a [`WorkerSpec`] in the environment) it runs
//! that worker's share of the executors and exits the process when the supervisor stops it. The
//! same program therefore runs unchanged in one process or many. It owns process management and the
//! control protocol; executors and the data plane belong to `squall-runtime` and `squall-transport`.
//! The coordination service, nimbus and the UI are not part of it (yet).

#![deny(missing_docs)]

pub mod control;
mod handle;
pub mod spec;
mod supervisor;
pub mod worker;

pub use handle::{TopologyHandle, submit, submit_with};
pub use spec::{WORKER_ENV, WorkerSpec};
pub use supervisor::Supervisor;
