//! Task numbering, as Storm does it: every component of the system topology (user components and
//! `__acker`) sorted by id in string order, each given a contiguous block of ids starting at 1.

use squall_api::config::COMPONENT_KEYS;
use squall_api::{ACKER_COMPONENT, ComponentDef, ComponentId, Config, TaskId, Topology};

use super::{ComponentPlan, ComponentRole};

/// The number of tasks and executors of a user component: `num_tasks` from the builder, else
/// `topology.tasks` from its config, else the parallelism hint; both capped by
/// `topology.max.task.parallelism`; never more executors than tasks.
pub(crate) fn task_and_executor_counts(def: &ComponentDef, config: &Config) -> (usize, usize) {
    let cap = def.config.max_task_parallelism().or(config.max_task_parallelism()).unwrap_or(u64::MAX);
    let tasks = def.num_tasks.map(u64::from).or(def.config.tasks()).unwrap_or(u64::from(def.parallelism));
    let tasks = tasks.min(cap).max(1);
    let executors = u64::from(def.parallelism).min(cap).min(tasks).max(1);
    (usize::try_from(tasks).unwrap_or(usize::MAX), usize::try_from(executors).unwrap_or(usize::MAX))
}

/// The config a component's tasks see: the topology config (defaults filled in) overlaid with the
/// component's own keys that Storm lets a component set ([`COMPONENT_KEYS`]) and its own keys
/// outside the `topology.` namespace (user settings). Other `topology.*` keys a component sets are
/// ignored, as in Storm.
pub(crate) fn effective_config(topology_config: &Config, component: &Config) -> Config {
    let mut config = topology_config.clone();
    for (key, value) in component.iter() {
        if COMPONENT_KEYS.contains(&key) || !key.starts_with("topology.") {
            config.set(key, value.clone());
        }
    }
    config
}

pub(super) fn number_tasks(topology: &Topology, config: &Config) -> Vec<ComponentPlan> {
    let mut entries: Vec<(ComponentId, ComponentRole, usize, Config)> = topology
        .components()
        .map(|def| {
            let role = if def.is_spout() { ComponentRole::Spout } else { ComponentRole::Bolt };
            let (tasks, _) = task_and_executor_counts(def, config);
            (def.id.clone(), role, tasks, effective_config(config, &def.config))
        })
        .collect();
    let ackers = usize::try_from(config.acker_executors()).unwrap_or(0);
    if ackers > 0 {
        entries.push((ComponentId::new(ACKER_COMPONENT), ComponentRole::Acker, ackers, config.clone()));
    }
    entries.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    let mut next = 1i32;
    entries
        .into_iter()
        .map(|(id, role, n, config)| {
            let n = i32::try_from(n).unwrap_or(i32::MAX);
            let tasks = (next..next + n).map(TaskId).collect();
            next += n;
            ComponentPlan { id, role, tasks, config, outputs: Vec::new(), inputs: Vec::new() }
        })
        .collect()
}
