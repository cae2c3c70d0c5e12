//! One worker of a topology that runs over several processes: its share of the executors, the
//! transport to its peers, and congestion notices.
//!
//! Every worker plans the same topology the same way (the plan is a pure function of topology and
//! config), runs the executors the plan assigns it, and reaches tasks elsewhere through one
//! connection per peer. Tuples, acker traffic and answers cross workers in the same batches as in
//! one process; a batch that finds its destination queue full waits in the executor's overflow,
//! and a worker whose overflow grows tells its peers which tasks are congested so that producers
//! hold those tuples (Storm's backpressure, `storm-model.md` §7.3).

mod inbound;
pub(crate) mod remote;

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use squall_api::{Config, TaskId, Topology};
use squall_transport::{Transport, TransportConfig, TransportStats};
use squall_wire::WireMessage;

use self::inbound::WorkerInbound;
use self::remote::{Congestion, Peers, RemoteBatch, StreamIndex, worker_id};
use crate::error::RuntimeError;
use crate::local::{Progress, RunOptions, RunningTopology};
use crate::plan::Plan;
use crate::shared::Shared;
use crate::stats::TopologyStats;

/// Where this worker and its peers listen.
pub struct WorkerSetup {
    /// This worker's index in the plan.
    pub me: u32,
    /// The listening address of every worker, by index.
    pub addrs: Vec<SocketAddr>,
    /// This worker's listener (bound to `addrs[me]`).
    pub listener: TcpListener,
    /// The topology's id; peers with another id are refused.
    pub topology_id: String,
}

/// A running worker.
pub struct Worker {
    running: Option<RunningTopology>,
    transport: Option<Transport<RemoteBatch>>,
    monitor: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
}

impl Worker {
    /// Starts worker `setup.me` of `topology`.
    ///
    /// # Errors
    /// A bad config, a transport that cannot start, or threads that cannot be spawned.
    pub fn start(
        name: &str,
        topology: Topology,
        config: &Config,
        options: RunOptions,
        setup: WorkerSetup,
    ) -> Result<Worker, RuntimeError> {
        let plan = Plan::new(name, &topology, config);
        let congestion = Arc::new(Congestion::new(plan.task_count()));
        let inbound = Arc::new(WorkerInbound { shared: Default::default(), congestion: congestion.clone() });
        let mut tconfig =
            TransportConfig::new(worker_id(setup.me), setup.topology_id.clone(), plan.fingerprint());
        for (w, addr) in setup.addrs.iter().enumerate() {
            let w = u32::try_from(w).unwrap_or(u32::MAX);
            if w != setup.me {
                tconfig = tconfig.peer(worker_id(w), *addr);
            }
        }
        let transport = Transport::start(tconfig, setup.listener, inbound.clone())
            .map_err(|e| RuntimeError::Transport { cause: e.to_string() })?;
        let senders: HashMap<u32, _> = (0..plan.workers)
            .filter(|w| *w != setup.me)
            .filter_map(|w| transport.sender(worker_id(w)).map(|s| (w, s)))
            .collect();
        let peers = Arc::new(Peers { senders, streams: Arc::new(StreamIndex::new(&plan)), congestion });
        let running =
            RunningTopology::start_part(name, topology, config, options, setup.me, Some(peers.clone()))?;
        let _ = inbound.shared.set(running.shared().clone());
        let stop = Arc::new(AtomicBool::new(false));
        let (shared, stop2) = (running.shared().clone(), stop.clone());
        let monitor = std::thread::Builder::new()
            .name(format!("squall-{name}-congestion"))
            .spawn(move || monitor_congestion(&shared, &peers, &stop2))
            .map_err(|e| RuntimeError::Thread { name: "congestion".to_owned(), cause: e.to_string() })?;
        Ok(Worker { running: Some(running), transport: Some(transport), monitor: Some(monitor), stop })
    }

    /// The executors of this worker.
    pub fn running(&self) -> &RunningTopology {
        self.running.as_ref().expect("running until stopped")
    }

    /// Progress counters of this worker's executors, with `idle` false while batches wait to be
    /// written to a peer.
    pub fn progress(&self) -> Progress {
        let mut p = self.running().progress();
        if let Some(t) = &self.transport {
            let stats = t.stats();
            if stats.peers.iter().any(|peer| peer.queue_len > 0) {
                p.idle = false;
            }
        }
        p
    }

    /// The transport's counters.
    pub fn transport_stats(&self) -> Option<TransportStats> {
        self.transport.as_ref().map(Transport::stats)
    }

    /// Stops the executors (after `wait`, as [`RunningTopology::kill`]) and the transport.
    ///
    /// # Errors
    /// The failure that stopped the executors, if any.
    pub fn kill(mut self, wait: Duration) -> Result<TopologyStats, RuntimeError> {
        self.shutdown(wait)
    }

    fn shutdown(&mut self, wait: Duration) -> Result<TopologyStats, RuntimeError> {
        self.stop.store(true, Ordering::Release);
        let result = match self.running.take() {
            Some(r) => r.kill(wait),
            None => Ok(TopologyStats::default()),
        };
        if let Some(m) = self.monitor.take() {
            let _ = m.join();
        }
        if let Some(t) = self.transport.take() {
            t.shutdown();
        }
        result
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if self.running.is_some() {
            let _ = self.shutdown(Duration::ZERO);
        }
    }
}

/// Every `topology.backpressure.check.millis`: tasks whose executor's overflow holds more than a
/// queue's worth of tuples are congested; an empty overflow relieves them. Changes go to every peer.
fn monitor_congestion(shared: &Shared, peers: &Peers, stop: &AtomicBool) {
    let plan = &shared.plan;
    let every = Duration::from_millis(
        plan.config
            .get_i64("topology.backpressure.check.millis")
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(50)
            .max(1),
    );
    let high = plan.config.receive_buffer_size();
    let mut congested = vec![false; plan.executors.len()];
    let worker = smol_str::SmolStr::new(shared.me.to_string());
    while !stop.load(Ordering::Acquire) {
        std::thread::sleep(every);
        let mut now_congested: Vec<TaskId> = Vec::new();
        let mut relieved: Vec<TaskId> = Vec::new();
        for (e, signals) in shared.signals.iter().enumerate() {
            if !shared.local[e] {
                continue;
            }
            let len = signals.remote_overflow_len.load(Ordering::Acquire);
            let state = if len > high {
                true
            } else if len == 0 {
                false
            } else {
                congested[e]
            };
            if state != congested[e] {
                congested[e] = state;
                let tasks = plan.executors[e].tasks.iter().copied();
                if state { now_congested.extend(tasks) } else { relieved.extend(tasks) }
            }
        }
        if now_congested.is_empty() && relieved.is_empty() {
            continue;
        }
        tracing::debug!(congested = now_congested.len(), relieved = relieved.len(), "backpressure status");
        let notice = WireMessage::Backpressure {
            worker: worker.clone(),
            congested: now_congested,
            uncongested: relieved,
        };
        for sender in peers.senders.values() {
            // A notice that finds the queue full is lost; the next change sends a fresh one, and the
            // state is re-sent below when it persists.
            let _ = sender.send_timeout(RemoteBatch::Control(vec![notice.clone()]), every);
        }
    }
}
