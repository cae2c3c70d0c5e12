//! Starting a topology: validate its config, plan it, create queues, spawn executors and the timer.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crossbeam_channel::bounded;
use squall_api::{
    ACKER_COMPONENT, ComponentId, ComponentInfo, Config, InvalidTopology, Topology, TopologyError,
    TopologyInfo, system_clock,
};

use super::RunOptions;
use super::handle::RunningTopology;
use crate::error::RuntimeError;
use crate::executor::build::QueueLoads;
use crate::executor::build_executor;
use crate::executor::signals::Signals;
use crate::plan::{ComponentRole, Plan};
use crate::shared::Shared;
use crate::sink::RemoteSinks;

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

fn topology_info(name: &str, plan: &Plan, topology: &Topology, options: &RunOptions) -> TopologyInfo {
    let mut components = BTreeMap::new();
    for c in &plan.components {
        let (outputs, inputs) = match topology.component(c.id.as_str()) {
            Some(def) => (def.outputs.clone(), def.inputs.clone()),
            None => (Vec::new(), Vec::new()),
        };
        components.insert(c.id.clone(), ComponentInfo { tasks: c.tasks.clone(), outputs, inputs });
    }
    debug_assert!(plan.ackers.is_empty() || components.contains_key(&ComponentId::new(ACKER_COMPONENT)));
    TopologyInfo {
        name: name.to_owned(),
        config: plan.config.clone(),
        components,
        resources_dir: options.resources_dir.clone(),
    }
}

impl RunningTopology {
    /// Plans and starts `topology`.
    pub(crate) fn start(
        name: &str,
        topology: Topology,
        config: &Config,
        options: RunOptions,
    ) -> Result<RunningTopology, RuntimeError> {
        // One process runs every executor: plan it as one worker.
        let mut config = config.clone();
        config.set_workers(1);
        Self::start_part(name, topology, &config, options, 0, None)
    }

    /// Plans `topology` and starts the executors of worker `me` (all of them when `remote` is
    /// `None`), reaching the other workers through `remote`.
    pub(crate) fn start_part(
        name: &str,
        topology: Topology,
        config: &Config,
        options: RunOptions,
        me: u32,
        remote: Option<Arc<dyn RemoteSinks>>,
    ) -> Result<RunningTopology, RuntimeError> {
        if let Err(problems) = config.validate() {
            return Err(RuntimeError::Invalid(InvalidTopology(
                problems
                    .into_iter()
                    .map(|problem| TopologyError::BadConfig {
                        component: "topology config".to_owned(),
                        problem,
                    })
                    .collect(),
            )));
        }
        for key in config.unknown_keys() {
            tracing::warn!(topology = name, key, "unknown configuration key (misspelt?)");
        }
        let started = Instant::now();
        let plan = Arc::new(Plan::new(name, &topology, config));
        let clock = options.clock.clone().unwrap_or_else(system_clock);
        let start_ms = clock.now_millis();
        let info = Arc::new(topology_info(name, &plan, &topology, &options));
        let batch = plan.config.producer_batch_size().max(1);
        let capacity = (plan.config.receive_buffer_size() / batch).max(2);
        let (senders, receivers): (Vec<_>, Vec<_>) = plan.executors.iter().map(|_| bounded(capacity)).unzip();
        let local: Vec<bool> = plan.executors.iter().map(|e| remote.is_none() || e.worker == me).collect();
        let signals = plan
            .executors
            .iter()
            .zip(&senders)
            .map(|(e, s)| {
                let has_spouts = e
                    .tasks
                    .iter()
                    .any(|t| plan.component_of(*t).is_some_and(|c| c.role == ComponentRole::Spout));
                Arc::new(Signals::new(s.clone(), has_spouts))
            })
            .collect::<Vec<_>>();
        let shared = Arc::new(Shared {
            plan: plan.clone(),
            topology,
            info,
            clock,
            signals,
            stats: plan.executors.iter().map(|_| Mutex::new(Vec::new())).collect(),
            failure: Mutex::new(None),
            active: AtomicBool::new(!options.inactive),
            capture: options.capture,
            captured: Mutex::new(Vec::new()),
            started,
            me,
            local: local.clone(),
            remote: remote.clone(),
            pool: Arc::new(crate::pool::BatchPool::new(8 * plan.executors.len() + 64, batch)),
        });
        let loads: Arc<QueueLoads> = Arc::new(QueueLoads {
            plan: plan.clone(),
            senders: senders.clone(),
            local: local.clone(),
            remote,
        });
        let mut threads = Vec::with_capacity(plan.executors.len());
        let mut seed = fastrand::Rng::new();
        for (index, rx) in receivers.into_iter().enumerate() {
            if !local[index] {
                continue;
            }
            let e = &plan.executors[index];
            let head = &plan.components[e.component];
            let thread_name = format!("squall-{}-{}", head.id, e.tasks[0]);
            let (shared2, senders2, loads2, seed2) =
                (shared.clone(), senders.clone(), loads.clone(), seed.u64(..));
            let spawned = std::thread::Builder::new().name(thread_name.clone()).spawn(move || {
                run_executor(shared2, index, rx, senders2, loads2, seed2);
            });
            match spawned {
                Ok(h) => threads.push(h),
                Err(e) => {
                    shared.stop_all();
                    return Err(RuntimeError::Thread { name: thread_name, cause: e.to_string() });
                }
            }
        }
        let timer_stop = Arc::new(AtomicBool::new(false));
        let (shared2, stop2) = (shared.clone(), timer_stop.clone());
        let timer = std::thread::Builder::new()
            .name(format!("squall-{name}-timer"))
            .spawn(move || crate::timer::run(shared2, stop2, start_ms))
            .map_err(|e| RuntimeError::Thread { name: "timer".to_owned(), cause: e.to_string() })?;
        tracing::info!(
            topology = name,
            worker = me,
            executors = local.iter().filter(|l| **l).count(),
            tasks = plan.task_count(),
            startup_us = started.elapsed().as_micros() as u64,
            "topology started"
        );
        Ok(RunningTopology::new(name, shared, threads, timer, timer_stop))
    }
}

/// The body of an executor thread: build, run, and turn a panic into a reported failure.
fn run_executor(
    shared: Arc<Shared>,
    index: usize,
    rx: crossbeam_channel::Receiver<crate::message::Batch>,
    senders: Vec<crossbeam_channel::Sender<crate::message::Batch>>,
    loads: Arc<QueueLoads>,
    seed: u64,
) {
    let signals = shared.signals[index].clone();
    let built =
        catch_unwind(AssertUnwindSafe(|| build_executor(shared.clone(), index, rx, &senders, loads, seed)));
    drop(senders);
    let head = |shared: &Shared| {
        let e = &shared.plan.executors[index];
        (shared.plan.components[e.component].id.to_string(), e.tasks[0].0)
    };
    match built {
        Err(payload) => {
            let (component, task) = head(&shared);
            shared.fail(RuntimeError::Panicked { component, task, message: panic_message(&*payload) });
        }
        Ok(mut exec) => {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| exec.run())) {
                let slot = exec.env.current.get();
                let (component, task) = match exec.slots.get(slot) {
                    Some(s) => (s.core.context.this_component_id().to_string(), s.core.task.0),
                    None => head(&shared),
                };
                let message = panic_message(&*payload);
                if let Some(s) = exec.slots.get_mut(slot) {
                    let now = shared.clock.now_millis();
                    s.core.report(now, format!("panicked: {message}"));
                }
                shared.fail(RuntimeError::Panicked { component, task, message });
                // The panicking executor's instances are dropped without cleanup, as Storm's worker
                // dies; its statistics are still published.
                let _ = catch_unwind(AssertUnwindSafe(|| {
                    exec.publish_counters();
                    exec.publish();
                }));
            }
        }
    }
    signals.exited.store(true, Ordering::Release);
}
