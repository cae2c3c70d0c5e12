//! Executors: Storm's partition of each component's tasks into executors, squall's chaining, and
//! Storm's even assignment of executors to workers.
//!
//! **Chaining** (squall only, `squall.chaining`, on by default) moves the tasks of a bolt into the
//! executors of its producer, where the producer then calls the bolt directly instead of handing
//! tuples through a queue. A bolt is chained when all its inputs come from one producer and either
//! - every input grouping is local-or-shuffle or none, and both have the same numbers of executors
//!   and tasks: executor *k* of the producer then hosts executor *k*'s tasks of the consumer, and
//!   local-or-shuffle prefers the consumer task in the emitter's own thread (the most local choice
//!   Storm's contract allows; none grouping promises no particular task);
//! - or the bolt has a single task and the producer a single executor: every grouping then picks
//!   that one task, so where it runs cannot change which tuples it sees.
//!
//! Components in a cycle are never chained. Chaining changes threads, never results: every task
//! still runs on exactly one thread, tuples reach the same task set under the same grouping rules,
//! and acking, statistics and ticks are unchanged.

use std::collections::BTreeSet;

use squall_api::{Config, Grouping, TaskId, Topology};

use super::tasks::task_and_executor_counts;
use super::{ComponentPlan, ComponentRole, StreamPlan};

/// One executor: a thread running one or more tasks.
#[derive(Clone, Debug)]
pub struct ExecutorPlan {
    /// The component of its first tasks (the head), as an index into the plan's components.
    pub component: usize,
    /// Its tasks: first the head component's, then chained ones in topological order, so a task
    /// only ever calls tasks after it.
    pub tasks: Vec<TaskId>,
    /// How many of `tasks` belong to the head component.
    pub head_tasks: usize,
    /// The worker process that runs it.
    pub worker: u32,
}

/// Cuts `tasks` into `executors` contiguous ranges; the first `T mod E` ranges get one task more.
pub(crate) fn partition(tasks: &[TaskId], executors: usize) -> Vec<Vec<TaskId>> {
    let e = executors.clamp(1, tasks.len().max(1));
    let (base, extra) = (tasks.len() / e, tasks.len() % e);
    let mut out = Vec::with_capacity(e);
    let mut start = 0;
    for i in 0..e {
        let len = base + usize::from(i < extra);
        out.push(tasks[start..start + len].to_vec());
        start += len;
    }
    out
}

pub(super) fn plan_executors(
    topology: &Topology,
    components: &[ComponentPlan],
    streams: &[StreamPlan],
    config: &Config,
    workers: u32,
) -> Vec<ExecutorPlan> {
    // Base executors per component, Storm's way.
    let mut executors: Vec<ExecutorPlan> = Vec::new();
    let mut own: Vec<Vec<usize>> = vec![Vec::new(); components.len()];
    for (ci, c) in components.iter().enumerate() {
        let count = match c.role {
            ComponentRole::Acker => c.tasks.len(),
            _ => topology.component(c.id.as_str()).map_or(1, |def| task_and_executor_counts(def, config).1),
        };
        for tasks in partition(&c.tasks, count) {
            own[ci].push(executors.len());
            let head_tasks = tasks.len();
            executors.push(ExecutorPlan { component: ci, tasks, head_tasks, worker: 0 });
        }
    }
    let mut host: Vec<usize> = (0..executors.len()).collect();
    if config.chaining() {
        for ci in topological_order(components, streams) {
            let Some(producer) = chain_producer(ci, components, streams, &own) else { continue };
            if reaches(ci, producer, components, streams) {
                continue;
            }
            for (k, &exec) in own[ci].clone().iter().enumerate() {
                let target = host[own[producer][k]];
                let moved = std::mem::take(&mut executors[exec].tasks);
                executors[target].tasks.extend(moved);
                host[exec] = target;
            }
        }
    }
    let mut kept: Vec<ExecutorPlan> = executors.into_iter().filter(|e| !e.tasks.is_empty()).collect();
    // Storm's even scheduler: executors sorted by first task, dealt round-robin over the workers.
    kept.sort_by_key(|e| e.tasks[0]);
    for (i, e) in kept.iter_mut().enumerate() {
        e.worker = u32::try_from(i).unwrap_or(0) % workers.max(1);
    }
    kept
}

/// The producer `ci` can be chained into, if the rules in the module doc allow it.
fn chain_producer(
    ci: usize,
    components: &[ComponentPlan],
    streams: &[StreamPlan],
    own: &[Vec<usize>],
) -> Option<usize> {
    let c = &components[ci];
    if c.role != ComponentRole::Bolt || c.inputs.is_empty() {
        return None;
    }
    let producers: BTreeSet<usize> = c.inputs.iter().map(|(s, _)| streams[*s].component).collect();
    let [producer] = producers.into_iter().collect::<Vec<_>>()[..] else { return None };
    let p = &components[producer];
    if producer == ci || p.role == ComponentRole::Acker {
        return None;
    }
    let one_to_one = c.inputs.iter().all(|(_, g)| matches!(g, Grouping::LocalOrShuffle | Grouping::None))
        && own[ci].len() == own[producer].len()
        && c.tasks.len() == p.tasks.len();
    let single = c.tasks.len() == 1 && own[producer].len() == 1;
    (one_to_one || single).then_some(producer)
}

/// True if `to` is reachable from `from` along subscriptions.
fn reaches(from: usize, to: usize, components: &[ComponentPlan], streams: &[StreamPlan]) -> bool {
    let mut seen = vec![false; components.len()];
    let mut stack = vec![from];
    while let Some(c) = stack.pop() {
        if c == to {
            return true;
        }
        if std::mem::replace(&mut seen[c], true) {
            continue;
        }
        for &s in &components[c].outputs {
            stack.extend(streams[s].consumers.iter().map(|r| r.component));
        }
    }
    false
}

/// Components ordered so producers come before consumers (members of cycles last, by id).
fn topological_order(components: &[ComponentPlan], streams: &[StreamPlan]) -> Vec<usize> {
    let mut indegree: Vec<usize> = components
        .iter()
        .enumerate()
        .map(|(ci, c)| c.inputs.iter().filter(|(s, _)| streams[*s].component != ci).count())
        .collect();
    let mut ready: Vec<usize> = (0..components.len()).filter(|&c| indegree[c] == 0).rev().collect();
    let mut order = Vec::with_capacity(components.len());
    while let Some(c) = ready.pop() {
        order.push(c);
        for &s in &components[c].outputs {
            for r in &streams[s].consumers {
                if r.component != c {
                    indegree[r.component] -= 1;
                    if indegree[r.component] == 0 {
                        ready.push(r.component);
                    }
                }
            }
        }
    }
    let placed: BTreeSet<usize> = order.iter().copied().collect();
    order.extend((0..components.len()).filter(|c| !placed.contains(c)));
    order
}
