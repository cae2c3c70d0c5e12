//! Starting and stopping tasks, restarting broken instances, and publishing statistics.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Instant;

use squall_api::{ComponentError, Spout};

use super::Executor;
use super::build::{context_for, instantiate};
use super::task::{Instance, TaskSlot};
use crate::acker::PendingRoots;
use crate::error::RuntimeError;
use crate::shared::lock;
use crate::stats::{LatencySummary, TaskStats};

impl Executor {
    /// Calls `open`/`prepare` on every task; on an error reports it and stops the topology.
    pub(crate) fn start_tasks(&mut self) -> bool {
        let now = Instant::now();
        for slot in 0..self.slots.len() {
            if let Err(e) = self.start_slot(slot) {
                let c = &self.slots[slot].core;
                self.shared.fail(RuntimeError::StartFailed {
                    component: c.context.this_component_id().to_string(),
                    task: c.task.0,
                    cause: e.to_string(),
                });
                self.shutdown();
                return false;
            }
            self.slots[slot].core.capacity.update(now, 0);
        }
        self.publish_counters();
        true
    }

    fn start_slot(&mut self, slot: usize) -> Result<(), ComponentError> {
        self.env.current.set(slot);
        let s = &mut self.slots[slot];
        let result = match &mut s.instance {
            Instance::Spout(spout) => spout.open(&s.core.context),
            Instance::Bolt(bolt) => bolt.prepare(&s.core.context),
            Instance::Acker(_) | Instance::Broken => Ok(()),
        };
        self.env.current.set(usize::MAX);
        s.core.started = result.is_ok();
        result
    }

    /// Applies the topology's active flag: spouts get `activate`/`deactivate` on each change.
    pub(crate) fn update_activity(&mut self) {
        self.active = self.shared.is_active();
        for &slot in &self.spouts {
            let s = &mut self.slots[slot];
            if let Instance::Spout(spout) = &mut s.instance
                && s.core.active != self.active
                && s.core.started
            {
                s.core.active = self.active;
                if self.active { spout.activate() } else { spout.deactivate() }
            }
        }
    }

    /// Replaces instances that declared themselves broken, within the restart budget.
    pub(crate) fn restart_broken(&mut self) {
        self.env.broken.set(false);
        let now = self.env.clock.now_millis();
        for slot in 0..self.slots.len() {
            let Some(error) = self.slots[slot].core.fatal.take() else { continue };
            let core = &mut self.slots[slot].core;
            let component = core.context.this_component_id().to_string();
            let task = core.task.0;
            let message = error.to_string();
            core.report(now, format!("failed: {message}"));
            let budget = core.context.config().executor_restarts_per_minute();
            let times = &mut self.failures[slot];
            times.push_back(now);
            while times.front().is_some_and(|t| now.saturating_sub(*t) >= 60_000) {
                times.pop_front();
            }
            if times.len() as u64 > budget {
                self.shared.fail(RuntimeError::TooManyFailures {
                    component,
                    task,
                    failures: times.len(),
                    budget,
                    cause: message,
                });
                self.stopping = true;
                return;
            }
            tracing::warn!(component = %component, task, "restarting after failure: {message}");
            let fresh = instantiate(&self.shared, core.component);
            // The old instance's trees cannot be answered to the new one: they are dropped and
            // their sources (or spouts upstream) replay them after the message timeout.
            self.slots[slot].core.pending = PendingRoots::new();
            self.slots[slot].core.context =
                context_for(&self.shared, self.index, slot, self.slots[slot].core.task);
            self.slots[slot].core.active = false;
            self.slots[slot].instance = fresh;
            if let Err(e) = self.start_slot(slot) {
                self.shared.fail(RuntimeError::StartFailed { component, task, cause: e.to_string() });
                self.stopping = true;
                return;
            }
            if self.active {
                self.update_activity();
            }
        }
    }

    /// Orderly stop: `deactivate` and `close` spouts, `cleanup` bolts, publish final statistics.
    pub(crate) fn shutdown(&mut self) {
        for slot in 0..self.slots.len() {
            self.env.current.set(slot);
            let s = &mut self.slots[slot];
            if !s.core.started {
                continue;
            }
            match &mut s.instance {
                Instance::Spout(spout) => close_spout(spout.as_mut(), s.core.active),
                Instance::Bolt(bolt) => bolt.cleanup(),
                _ => {}
            }
            s.core.started = false;
        }
        self.env.current.set(usize::MAX);
        self.publish_counters();
        self.publish();
    }

    /// Publishes a statistics snapshot of every task.
    pub(crate) fn publish(&mut self) {
        let now = Instant::now();
        self.last_publish = now;
        let plan = &self.shared.plan;
        let snapshot: Vec<TaskStats> =
            self.slots.iter_mut().map(|s| snapshot(s, plan, self.index, now)).collect();
        if self.shared.capture {
            let mut captured = lock(&self.shared.captured);
            for s in &mut self.slots {
                if let Some(c) = &mut s.core.capture {
                    captured.append(c);
                }
            }
        }
        *lock(&self.shared.stats[self.index]) = snapshot;
        self.signals.published.fetch_add(1, Ordering::AcqRel);
    }
}

fn close_spout(spout: &mut dyn Spout, active: bool) {
    if active {
        spout.deactivate();
    }
    spout.close();
}

fn snapshot(s: &mut TaskSlot, plan: &crate::plan::Plan, executor: usize, now: Instant) -> TaskStats {
    let core = &mut s.core;
    let c = &core.counters;
    let spout = matches!(s.instance, Instance::Spout(_)) || c.complete_hist.is_some();
    let out_names: Vec<String> = core.outputs.iter().map(|o| o.name.to_string()).collect();
    let mut in_names: Vec<String> =
        core.inputs.iter().map(|sc| format!("{}:{}", sc.component, sc.stream)).collect();
    in_names.push(if plan.components[core.component].role == crate::plan::ComponentRole::Acker {
        "__acker_input".to_owned()
    } else {
        "__system:__tick".to_owned()
    });
    let named = |names: &[String], values: &[u64]| -> BTreeMap<String, u64> {
        names.iter().zip(values).filter(|(_, v)| **v > 0).map(|(n, v)| (n.clone(), *v)).collect()
    };
    let mean_ms = |sum: &[u64], n: &[u64]| {
        let (s, n) = (sum.iter().sum::<u64>(), n.iter().sum::<u64>());
        if n == 0 { 0.0 } else { s as f64 / n as f64 / 1e6 }
    };
    TaskStats {
        component: core.context.this_component_id().to_string(),
        task: core.task.0,
        executor,
        emitted: named(&out_names, &c.emitted),
        transferred: named(&out_names, &c.transferred),
        executed: named(&in_names, &c.executed),
        acked: if spout { named(&out_names, &c.acked) } else { named(&in_names, &c.acked) },
        failed: if spout { named(&out_names, &c.failed) } else { named(&in_names, &c.failed) },
        execute_latency_ms: mean_ms(&c.execute_ns, &c.execute_samples),
        process_latency_ms: mean_ms(&c.process_ns, &c.process_samples),
        complete_latency: c.complete_hist.as_ref().map(LatencySummary::from_histogram_us),
        capacity: core.capacity.update(now, c.busy_ns),
        pending: core.pending.len() as u64,
        errors: core.errors.clone(),
    }
}
