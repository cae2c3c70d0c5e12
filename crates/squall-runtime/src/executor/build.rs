//! Building an executor from the plan: task instances, contexts, groupers and routes.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use squall_api::{ComponentKind, TaskId, TaskWaker, TopologyContext};

use super::Executor;
use super::env::{ExecEnv, Route};
use super::outbox::Outbox;
use super::task::{ErrorThrottle, Instance, OutStream, TaskCore, TaskSlot};
use crate::acker::{Acker, PendingRoots};
use crate::message::Batch;
use crate::plan::{ComponentRole, Plan};
use crate::routing::{Grouper, GrouperSettings, LoadSource, Locality};
use crate::shared::Shared;
use crate::sink::{RemoteSinks, Sink};
use crate::stats::{CapacityWindow, TaskCounters};

/// Receive-queue fill ratios of the executors of this process, and the load of the connection for
/// tasks elsewhere, as the load of each task (load-aware shuffle).
pub(crate) struct QueueLoads {
    pub plan: Arc<Plan>,
    pub senders: Vec<Sender<Batch>>,
    pub local: Vec<bool>,
    pub remote: Option<Arc<dyn RemoteSinks>>,
}

impl LoadSource for QueueLoads {
    fn load(&self, task: TaskId) -> f64 {
        let Some(p) = self.plan.placement(task) else { return 1.0 };
        if !self.local[p.executor] {
            return self.remote.as_ref().map_or(1.0, |r| r.load(p.worker));
        }
        let s = &self.senders[p.executor];
        s.capacity().map_or(0.0, |cap| s.len() as f64 / cap.max(1) as f64)
    }
}

/// One tracked emit in this many is timed for complete latency: `squall.complete.latency.sample.rate`
/// if set (1.0 times every tree, for latency percentiles), else `topology.stats.sample.rate`.
pub(crate) fn complete_sample_every(config: &squall_api::Config) -> u32 {
    let rate = config
        .get_f64(squall_api::config::SQUALL_COMPLETE_LATENCY_SAMPLE_RATE)
        .unwrap_or_else(|| config.stats_sample_rate())
        .clamp(1e-6, 1.0);
    (1.0 / rate).round().clamp(1.0, 1e6) as u32
}

/// A fresh instance of the component at plan index `component`.
pub(crate) fn instantiate(shared: &Shared, component: usize) -> Instance {
    let c = &shared.plan.components[component];
    match c.role {
        ComponentRole::Acker => Instance::Acker(Acker::new()),
        _ => match shared.topology.component(c.id.as_str()).map(|d| &d.kind) {
            Some(ComponentKind::Spout(f)) => Instance::Spout(f()),
            Some(ComponentKind::Bolt(f)) => Instance::Bolt(f()),
            None => Instance::Broken,
        },
    }
}

/// A fresh context for `task` in `slot` of executor `index`.
pub(crate) fn context_for(shared: &Shared, index: usize, slot: usize, task: TaskId) -> TopologyContext {
    let plan = &shared.plan;
    let c = plan.component_of(task).expect("planned task");
    let signals = shared.signals[index].clone();
    TopologyContext::new(shared.info.clone(), c.id.clone(), task, Arc::new(c.config.clone()))
        .with_clock(shared.clock.clone())
        .with_waker(TaskWaker::new(move || signals.wake_slot(slot)))
}

/// Builds executor `index`; `senders` are every executor's queue, `rx` its own.
pub(crate) fn build_executor(
    shared: Arc<Shared>,
    index: usize,
    rx: Receiver<Batch>,
    senders: &[Sender<Batch>],
    loads: Arc<dyn LoadSource>,
    seed: u64,
) -> Executor {
    let plan = shared.plan.clone();
    let me = &plan.executors[index];
    let config = &plan.config;
    let executors = plan.executors.len();
    let routes: Vec<Route> = plan
        .placements
        .iter()
        .enumerate()
        .map(|(t, p)| {
            if p.executor == index {
                let task = TaskId(i32::try_from(t + 1).unwrap_or(i32::MAX));
                Route::Local(me.tasks.iter().position(|x| *x == task).expect("hosted task"))
            } else if shared.local[p.executor] {
                Route::Queue(p.executor)
            } else {
                // Every task of another worker is reached through that worker's connection.
                Route::Queue(executors + p.worker as usize)
            }
        })
        .collect();
    let mut sinks: Vec<Sink> = (0..executors)
        .map(|e| if shared.local[e] { Sink::Local(senders[e].clone()) } else { Sink::Elsewhere })
        .collect();
    sinks.extend((0..plan.workers).map(|w| match &shared.remote {
        Some(remote) if w != shared.me => Sink::Remote(remote.sink(w)),
        _ => Sink::Elsewhere,
    }));
    let settings = GrouperSettings::from_config(config);
    let mut rng = fastrand::Rng::with_seed(seed);
    let sample_every = (1.0 / config.stats_sample_rate()).round().clamp(1.0, 1e6) as u32;
    let complete_every = complete_sample_every(config);
    let mut slots = Vec::with_capacity(me.tasks.len());
    for (slot, &task) in me.tasks.iter().enumerate() {
        let placement = *plan.placement(task).expect("planned task");
        let c = &plan.components[placement.component];
        let outputs = c
            .outputs
            .iter()
            .map(|&si| {
                let stream = &plan.streams[si];
                let groupers: Vec<Grouper> = stream
                    .consumers
                    .iter()
                    .filter(|r| !matches!(r.grouping, squall_api::Grouping::Direct))
                    .map(|r| {
                        let locality = Locality {
                            same_executor: r
                                .targets
                                .iter()
                                .copied()
                                .filter(|t| matches!(routes[t.0 as usize - 1], Route::Local(s) if s > slot))
                                .collect(),
                            same_worker: r
                                .targets
                                .iter()
                                .copied()
                                .filter(|t| plan.placement(*t).is_some_and(|p| shared.local[p.executor]))
                                .collect(),
                        };
                        Grouper::new(
                            &r.grouping,
                            stream.schema,
                            &r.targets,
                            &locality,
                            loads.clone(),
                            &settings,
                            rng.u64(..),
                        )
                    })
                    .collect();
                let fixed = match groupers.as_slice() {
                    [only] => only.fixed_target(),
                    _ => None,
                };
                OutStream {
                    fixed,
                    name: stream.schema.stream.clone(),
                    index: si,
                    schema: stream.schema,
                    direct: stream.direct,
                    groupers,
                    consumers: stream
                        .consumers
                        .iter()
                        .map(|r| (r.component, matches!(r.grouping, squall_api::Grouping::Direct)))
                        .collect(),
                }
            })
            .collect::<Vec<_>>();
        let inputs = c.inputs.iter().map(|(si, _)| plan.streams[*si].schema).collect::<Vec<_>>();
        let spout = c.role == ComponentRole::Spout;
        let (interval_secs, max_errors) = c.config.error_throttle();
        let core = TaskCore {
            task,
            component: placement.component,
            context: context_for(&shared, index, slot, task),
            counters: TaskCounters::new(outputs.len(), inputs.len(), spout),
            outputs,
            inputs,
            targets: Default::default(),
            last_stream: ((0, usize::MAX), 0),
            rng: fastrand::Rng::with_seed(rng.u64(..)),
            pending: PendingRoots::new(),
            max_pending: c
                .config
                .max_spout_pending()
                .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX).max(1)),
            emitted_in_call: 0,
            unreliable_acks: Vec::new(),
            local_results: Vec::new(),
            sampled: Default::default(),
            sample_countdown: 1 + rng.u32(0..sample_every),
            complete_countdown: 1 + rng.u32(0..complete_every),
            debug: c.config.debug(),
            fatal: None,
            errors: Vec::new(),
            throttle: ErrorThrottle {
                window_start_ms: 0,
                in_window: 0,
                interval_ms: interval_secs.saturating_mul(1000),
                max_per_interval: max_errors,
            },
            started: false,
            active: false,
            finished: false,
            capture: shared.capture.then(Vec::new),
            capacity: CapacityWindow::default(),
            tick_period_ms: if c.role == ComponentRole::Bolt { c.config.tick_period_millis() } else { None },
        };
        slots.push(TaskSlot { core, instance: instantiate(&shared, placement.component) });
    }
    let spouts = slots
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.instance, Instance::Spout(_)))
        .map(|(i, _)| i)
        .collect::<Vec<_>>();
    let batch_size = config.producer_batch_size().min(config.receive_buffer_size() / 2).max(1);
    let flush_ms = config.batch_flush_interval_millis();
    let env = ExecEnv {
        plan: plan.clone(),
        routes,
        reliable: plan.reliable(),
        local_acking: config.local_acking(),
        sample_every,
        complete_every,
        clock: shared.clock.clone(),
        current: std::cell::Cell::new(usize::MAX),
        broken: std::cell::Cell::new(false),
    };
    let signals = shared.signals[index].clone();
    let n = slots.len();
    let recv_skips =
        u32::try_from(config.get_i64(squall_api::config::TOPOLOGY_SPOUT_RECVQ_SKIPS).unwrap_or(3))
            .unwrap_or(3)
            .max(1);
    Executor {
        index,
        signals,
        slots,
        rx,
        out: Outbox::new(sinks, batch_size, shared.pool.clone()),
        env,
        spouts,
        done: 0,
        active: false,
        stopping: false,
        failures: vec![VecDeque::new(); n],
        last_publish: Instant::now(),
        last_flush: Instant::now(),
        idle: 0,
        idle_published: false,
        flush_interval: if flush_ms == 0 { Duration::MAX } else { Duration::from_millis(flush_ms) },
        spout_wait: config.wait_levels("spout"),
        bolt_wait: config.wait_levels("bolt"),
        recv_skips,
        shared,
    }
}
