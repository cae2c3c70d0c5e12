//! A local supervisor: starts a topology's worker processes on this machine, watches them,
//! restarts any that dies, and answers for the topology as a whole (statistics, activation, the
//! "finished?" check, kill).
//!
//! Workers are started from this process's own executable with the same arguments and a
//! [`WorkerSpec`] in the environment, so the user's program (or the `squall` binary) runs unchanged
//! as a worker: when it reaches its submit call, it runs its share of the executors instead.

mod control;
mod monitor;

use std::ffi::OsString;
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use squall_api::{Config, Topology};
use squall_runtime::stats::{ExecutorStats, TaskStats};
use squall_runtime::{Plan, Progress, RuntimeError, TopologyStats};

use crate::control::ToWorker;
use crate::spec::{WORKER_ENV, WorkerSpec};

/// One worker as the supervisor sees it.
pub(crate) struct Slot {
    pub spec: WorkerSpec,
    pub child: Option<Child>,
    pub conn: Option<std::net::TcpStream>,
    pub last_heard: Instant,
    pub started: Instant,
    pub progress: Option<Progress>,
    pub tasks: Vec<TaskStats>,
    pub executors: Vec<ExecutorStats>,
    pub stats_seq: u64,
    pub failure: Option<String>,
    pub stopped: bool,
    pub restarts: u32,
}

/// Everything the supervisor's threads share.
pub(crate) struct State {
    pub slots: Vec<Slot>,
    pub failure: Option<RuntimeError>,
    pub stopping: bool,
    pub restarted: bool,
    /// The last progress sums seen, and since when they have not changed.
    pub stable: Option<((u64, u64, u64), Instant)>,
}

pub(crate) struct Inner {
    pub state: Mutex<State>,
    pub changed: Condvar,
    pub quit: AtomicBool,
    pub worker_args: Vec<OsString>,
    pub heartbeat_timeout: Duration,
}

impl Inner {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits for a change (at most `timeout`) with the state lock released meanwhile.
    pub(crate) fn wait<'a>(&self, state: MutexGuard<'a, State>, timeout: Duration) -> MutexGuard<'a, State> {
        self.changed.wait_timeout(state, timeout).map(|r| r.0).unwrap_or_else(|e| e.into_inner().0)
    }

    /// Starts (or restarts) worker `index`'s process.
    pub(crate) fn spawn(&self, slot: &mut Slot) -> std::io::Result<()> {
        let exe = std::env::current_exe()?;
        let child = Command::new(exe)
            .args(&self.worker_args)
            .env(WORKER_ENV, slot.spec.to_env())
            .stdin(Stdio::null())
            .spawn()?;
        tracing::info!(
            worker = slot.spec.index,
            pid = child.id(),
            incarnation = slot.spec.incarnation,
            "worker started"
        );
        slot.child = Some(child);
        slot.conn = None;
        slot.progress = None;
        slot.started = Instant::now();
        slot.last_heard = Instant::now();
        Ok(())
    }
}

/// A topology running over several worker processes under this process's supervision.
pub struct Supervisor {
    plan: Plan,
    inner: Arc<Inner>,
    threads: Vec<JoinHandle<()>>,
    started: Instant,
    seq: std::sync::atomic::AtomicU64,
}

/// Picks `n` free loopback ports.
fn free_ports(n: usize) -> std::io::Result<Vec<SocketAddr>> {
    let listeners = (0..n).map(|_| TcpListener::bind("127.0.0.1:0")).collect::<Result<Vec<_>, _>>()?;
    listeners.iter().map(TcpListener::local_addr).collect()
}

impl Supervisor {
    /// Plans `topology`, starts one worker process per `topology.workers`, and waits until every
    /// worker has connected (at most `supervisor.worker.start.timeout.secs`, default 120).
    ///
    /// `worker_args` are the arguments workers are started with (by default this process's own).
    ///
    /// # Errors
    /// Processes or sockets that cannot be created, or workers that do not come up in time.
    pub fn start(
        name: &str,
        topology: &Topology,
        config: &Config,
        worker_args: Option<Vec<OsString>>,
    ) -> Result<Supervisor, RuntimeError> {
        fn io(what: &'static str) -> impl Fn(std::io::Error) -> RuntimeError {
            move |e| RuntimeError::Thread { name: what.to_owned(), cause: e.to_string() }
        }
        let plan = Plan::new(name, topology, config);
        let workers = plan.workers as usize;
        let addrs = free_ports(workers).map_err(io("worker ports"))?;
        let control = TcpListener::bind("127.0.0.1:0").map_err(io("control port"))?;
        let control_addr = control.local_addr().map_err(io("control port"))?;
        let topology_id = format!("{name}-{}-{}", std::process::id(), plan.fingerprint() & 0xffff_ffff);
        let secs = |key: &str, default: u64| {
            Duration::from_secs(
                config.get_i64(key).and_then(|v| u64::try_from(v).ok()).unwrap_or(default).max(1),
            )
        };
        let inner = Arc::new(Inner {
            state: Mutex::new(State {
                slots: (0..workers)
                    .map(|i| Slot {
                        spec: WorkerSpec {
                            topology: name.to_owned(),
                            topology_id: topology_id.clone(),
                            index: i as u32,
                            addrs: addrs.clone(),
                            control: control_addr,
                            incarnation: 0,
                        },
                        child: None,
                        conn: None,
                        last_heard: Instant::now(),
                        started: Instant::now(),
                        progress: None,
                        tasks: Vec::new(),
                        executors: Vec::new(),
                        stats_seq: 0,
                        failure: None,
                        stopped: false,
                        restarts: 0,
                    })
                    .collect(),
                failure: None,
                stopping: false,
                restarted: false,
                stable: None,
            }),
            changed: Condvar::new(),
            quit: AtomicBool::new(false),
            worker_args: worker_args.unwrap_or_else(|| std::env::args_os().skip(1).collect()),
            heartbeat_timeout: secs("supervisor.worker.timeout.secs", 30),
        });
        {
            let mut state = inner.lock();
            for slot in &mut state.slots {
                inner.spawn(slot).map_err(io("worker process"))?;
            }
        }
        let mut threads = Vec::new();
        let i2 = inner.clone();
        threads.push(
            std::thread::Builder::new()
                .name("squall-supervisor-accept".into())
                .spawn(move || control::accept(&i2, &control))
                .map_err(io("supervisor thread"))?,
        );
        let i3 = inner.clone();
        threads.push(
            std::thread::Builder::new()
                .name("squall-supervisor-monitor".into())
                .spawn(move || monitor::run(&i3))
                .map_err(io("supervisor thread"))?,
        );
        let sup = Supervisor { plan, inner, threads, started: Instant::now(), seq: Default::default() };
        sup.await_workers(secs("supervisor.worker.start.timeout.secs", 120))?;
        Ok(sup)
    }

    fn await_workers(&self, limit: Duration) -> Result<(), RuntimeError> {
        let deadline = Instant::now() + limit;
        let mut state = self.inner.lock();
        loop {
            if let Some(f) = &state.failure {
                return Err(f.clone());
            }
            if state.slots.iter().all(|s| s.progress.is_some()) {
                return Ok(());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(RuntimeError::Timeout {
                    name: self.plan.name.clone(),
                    secs: limit.as_secs_f64(),
                    detail: "workers did not all start".into(),
                });
            }
            state = self.inner.wait(state, deadline - now);
        }
    }

    /// The plan every worker runs a share of.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The process ids of the workers now running, by index (`None` while one restarts).
    pub fn worker_pids(&self) -> Vec<Option<u32>> {
        self.inner.lock().slots.iter().map(|s| s.child.as_ref().map(Child::id)).collect()
    }

    /// Where each worker's data port listens, by index.
    pub fn worker_addrs(&self) -> Vec<SocketAddr> {
        self.inner.lock().slots.first().map(|s| s.spec.addrs.clone()).unwrap_or_default()
    }

    /// How many times each worker was restarted.
    pub fn restarts(&self) -> Vec<u32> {
        self.inner.lock().slots.iter().map(|s| s.restarts).collect()
    }

    fn broadcast(&self, cmd: &ToWorker) {
        let mut state = self.inner.lock();
        for slot in &mut state.slots {
            if let Some(conn) = &mut slot.conn {
                let _ = crate::control::send(conn, cmd);
            }
        }
    }

    /// Activates the spouts of every worker.
    pub fn activate(&self) {
        self.broadcast(&ToWorker::Activate(true));
    }

    /// Deactivates the spouts of every worker.
    pub fn deactivate(&self) {
        self.broadcast(&ToWorker::Activate(false));
    }

    /// The failure that stopped the topology, if any.
    pub fn failure(&self) -> Option<RuntimeError> {
        self.inner.lock().failure.clone()
    }

    /// Current statistics of every worker, merged (a worker that does not answer within a second
    /// contributes its latest report).
    pub fn stats(&self) -> TopologyStats {
        let seq = self.seq.fetch_add(1, Ordering::AcqRel) + 1;
        self.broadcast(&ToWorker::Stats(seq));
        let deadline = Instant::now() + Duration::from_secs(1);
        let mut state = self.inner.lock();
        while !state.slots.iter().all(|s| s.stats_seq >= seq || s.conn.is_none()) {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            state = self.inner.wait(state, deadline - now);
        }
        self.merged(&state)
    }

    fn merged(&self, state: &State) -> TopologyStats {
        let tasks = state.slots.iter().flat_map(|s| s.tasks.clone()).collect();
        let executors = state.slots.iter().flat_map(|s| s.executors.clone()).collect();
        TopologyStats::assemble(&self.plan, self.started.elapsed().as_secs_f64(), tasks, executors)
    }

    /// True when every worker reports its spouts finished, no tree pending, its executors idle,
    /// and every message sent was processed — or, after a worker restart lost messages, when
    /// nothing has moved for a second.
    pub fn is_finished(&self) -> bool {
        monitor::finished(&mut self.inner.lock())
    }

    /// Waits until [finished](Self::is_finished) or failed, at most `timeout`.
    ///
    /// # Errors
    /// The topology's failure or [`RuntimeError::Timeout`].
    pub fn wait_until_finished(&self, timeout: Duration) -> Result<(), RuntimeError> {
        let deadline = Instant::now() + timeout;
        let mut state = self.inner.lock();
        loop {
            if let Some(f) = &state.failure {
                return Err(f.clone());
            }
            if monitor::finished(&mut state) {
                return Ok(());
            }
            let now = Instant::now();
            if now >= deadline {
                let p = monitor::sums(&state);
                return Err(RuntimeError::Timeout {
                    name: self.plan.name.clone(),
                    secs: timeout.as_secs_f64(),
                    detail: format!("{p:?} (sent, done, pending) over {} worker(s)", state.slots.len()),
                });
            }
            state = self.inner.wait(state, (deadline - now).min(Duration::from_millis(50)));
        }
    }

    /// Deactivates, waits `wait`, stops every worker (each stops its executors in order and sends
    /// final statistics), kills any worker still running ten seconds later, and returns the merged
    /// final statistics.
    ///
    /// # Errors
    /// The failure that stopped the topology, if any.
    pub fn kill(mut self, wait: Duration) -> Result<TopologyStats, RuntimeError> {
        self.inner.lock().stopping = true;
        let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        self.broadcast(&ToWorker::Stop(wait_ms));
        let deadline = Instant::now() + wait + Duration::from_secs(10);
        loop {
            let mut state = self.inner.lock();
            let mut running = 0;
            for slot in &mut state.slots {
                if slot.child.as_mut().is_some_and(|c| matches!(c.try_wait(), Ok(None))) {
                    running += 1;
                }
            }
            if running == 0 || Instant::now() >= deadline {
                for slot in &mut state.slots {
                    if let Some(mut child) = slot.child.take() {
                        if matches!(child.try_wait(), Ok(None)) {
                            tracing::warn!(
                                worker = slot.spec.index,
                                "worker did not stop in time; killing it"
                            );
                            let _ = child.kill();
                        }
                        let _ = child.wait();
                    }
                }
                break;
            }
            drop(state);
            std::thread::sleep(Duration::from_millis(10));
        }
        self.shutdown_threads();
        let state = self.inner.lock();
        match &state.failure {
            Some(f) => Err(f.clone()),
            None => Ok(self.merged(&state)),
        }
    }

    fn shutdown_threads(&mut self) {
        self.inner.quit.store(true, Ordering::Release);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        if !self.threads.is_empty() {
            self.inner.lock().stopping = true;
            let mut state = self.inner.lock();
            for slot in &mut state.slots {
                if let Some(mut child) = slot.child.take() {
                    let _ = child.kill();
                    let _ = child.wait();
                }
            }
            drop(state);
            self.shutdown_threads();
        }
    }
}
