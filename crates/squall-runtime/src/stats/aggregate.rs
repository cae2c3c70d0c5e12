//! Per-component figures from per-task ones: sums, sample-weighted means, and the largest
//! executor capacity.

use super::{ComponentStats, ExecutorStats, LatencySummary, TaskStats, TopologyStats};
use crate::plan::{ComponentRole, Plan};

impl TopologyStats {
    /// Statistics of the topology planned as `plan` from its tasks' (from every worker).
    pub fn assemble(
        plan: &Plan,
        uptime_secs: f64,
        mut tasks: Vec<TaskStats>,
        executors: Vec<ExecutorStats>,
    ) -> Self {
        tasks.sort_by_key(|t| t.task);
        let components = plan
            .components
            .iter()
            .map(|c| {
                let mine: Vec<&TaskStats> = tasks.iter().filter(|t| t.component == c.id.as_str()).collect();
                aggregate(c.id.as_str(), c.role, c.tasks.len(), &mine)
            })
            .collect();
        TopologyStats { topology: plan.name.clone(), uptime_secs, components, tasks, executors }
    }
}

fn aggregate(id: &str, role: ComponentRole, task_count: usize, tasks: &[&TaskStats]) -> ComponentStats {
    let sum = |f: &dyn Fn(&TaskStats) -> u64| tasks.iter().map(|t| f(t)).sum::<u64>();
    let total = |m: &std::collections::BTreeMap<String, u64>| m.values().sum::<u64>();
    let weighted = |lat: &dyn Fn(&TaskStats) -> f64, weight: &dyn Fn(&TaskStats) -> u64| {
        let w: u64 = tasks.iter().map(|t| weight(t)).sum();
        if w == 0 { 0.0 } else { tasks.iter().map(|t| lat(t) * weight(t) as f64).sum::<f64>() / w as f64 }
    };
    let mut executors: Vec<usize> = tasks.iter().map(|t| t.executor).collect();
    executors.sort_unstable();
    executors.dedup();
    let capacity = executors
        .iter()
        .map(|e| tasks.iter().filter(|t| t.executor == *e).map(|t| t.capacity).sum::<f64>())
        .fold(0.0, f64::max);
    let complete = tasks.iter().filter_map(|t| t.complete_latency.as_ref()).fold(
        None,
        |acc: Option<LatencySummary>, l| {
            Some(match acc {
                None => l.clone(),
                Some(a) => {
                    let n = a.count + l.count;
                    let mean = if n == 0 {
                        0.0
                    } else {
                        (a.mean_ms * a.count as f64 + l.mean_ms * l.count as f64) / n as f64
                    };
                    LatencySummary {
                        count: n,
                        mean_ms: mean,
                        p50_ms: a.p50_ms.max(l.p50_ms),
                        p99_ms: a.p99_ms.max(l.p99_ms),
                        p999_ms: a.p999_ms.max(l.p999_ms),
                        max_ms: a.max_ms.max(l.max_ms),
                    }
                }
            })
        },
    );
    let mut errors: Vec<_> = tasks.iter().flat_map(|t| t.errors.clone()).collect();
    errors.sort_by_key(|e| e.time_ms);
    ComponentStats {
        component: id.to_owned(),
        kind: match role {
            ComponentRole::Spout => "spout",
            ComponentRole::Bolt => "bolt",
            ComponentRole::Acker => "acker",
        }
        .to_owned(),
        tasks: task_count,
        executors: executors.len(),
        emitted: sum(&|t| total(&t.emitted)),
        transferred: sum(&|t| total(&t.transferred)),
        executed: sum(&|t| total(&t.executed)),
        acked: sum(&|t| total(&t.acked)),
        failed: sum(&|t| total(&t.failed)),
        execute_latency_ms: weighted(&|t| t.execute_latency_ms, &|t| total(&t.executed)),
        process_latency_ms: weighted(&|t| t.process_latency_ms, &|t| total(&t.acked)),
        complete_latency: complete,
        capacity,
        errors,
    }
}
