//! The workloads, one per file, and what they share: run [`Settings`], the spouts' [`Budget`] and
//! the grouping choice.

pub mod const_null;
pub mod latency;
pub mod raw_queue;
pub mod startup;
pub mod word_count;
pub mod ysb;

use std::time::{Duration, Instant};

use squall::prelude::*;

use crate::report::Row;

/// How long a run may take by default before it counts as hung.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(600);

/// How much a run sends: a number of records (split over the spout tasks) or a time.
#[derive(Clone, Copy, Debug)]
pub enum Limit {
    /// This many records in total.
    Records(u64),
    /// Emit for this long after the warm-up.
    Duration(Duration),
}

/// The grouping from a spout to its first bolt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Edge {
    /// Shuffle (load-aware).
    Shuffle,
    /// Local-or-shuffle: prefers a task in the emitter's worker (and thread, when chained).
    LocalOrShuffle,
}

impl Edge {
    /// Its name in results.
    pub fn name(self) -> &'static str {
        match self {
            Edge::Shuffle => "shuffle",
            Edge::LocalOrShuffle => "local-or-shuffle",
        }
    }

    /// Subscribes `bolt` to `from` with this grouping.
    pub fn apply(self, bolt: &mut squall::BoltDeclarer<'_>, from: &str) {
        match self {
            Edge::Shuffle => bolt.shuffle_grouping(from),
            Edge::LocalOrShuffle => bolt.local_or_shuffle_grouping(from),
        };
    }
}

/// The settings every topology workload takes.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Tasks (and executors) per component.
    pub parallelism: u32,
    /// Message ids on spout emits and acker executors (`topology.acker.executors` 0 when off).
    pub acking: bool,
    /// `squall.chaining`.
    pub chaining: bool,
    /// `topology.producer.batch.size`; `None` keeps the default.
    pub batch_size: Option<usize>,
    /// `topology.max.spout.pending` when acking.
    pub max_pending: Option<u64>,
    /// How much to send.
    pub limit: Limit,
    /// Excluded from the steady rate at the start.
    pub warmup: Duration,
    /// A run not finished after this long fails (with what was still pending).
    pub timeout: Duration,
    /// Extra config entries (`-c KEY=VALUE`), applied last.
    pub extra: Vec<(String, Value)>,
}

impl Settings {
    /// The topology config these settings mean.
    pub fn config(&self) -> Config {
        let mut c = Config::new();
        if !self.acking {
            c.set_acker_executors(0);
        } else if let Some(p) = self.max_pending {
            c.set_max_spout_pending(p);
        }
        c.set_chaining(self.chaining);
        if let Some(b) = self.batch_size {
            c.set_producer_batch_size(b);
        }
        for (key, value) in &self.extra {
            c.set(key.clone(), value.clone());
        }
        c
    }

    /// A result row for `workload` carrying these settings as parameters.
    pub fn row(&self, workload: &str, unit: &str) -> Row {
        let effective = squall::config::defaults().producer_batch_size();
        let mut row = Row::new(workload, unit)
            .param("parallelism", self.parallelism)
            .param("acking", self.acking)
            .param("chaining", self.chaining)
            .param("batch_size", self.batch_size.unwrap_or(effective) as u64);
        for (key, value) in &self.extra {
            row = row.param(key, serde_json::to_value(value).unwrap_or_default());
        }
        if self.acking {
            row = row.param("max_pending", self.max_pending.map_or(serde_json::Value::Null, Into::into));
        }
        match self.limit {
            Limit::Records(n) => row.set("records_requested", n),
            Limit::Duration(d) => row.set("duration_s", d.as_secs_f64()),
        }
        row.set("warmup_s", self.warmup.as_secs_f64());
        row
    }
}

/// What one spout task may still emit.
#[derive(Debug)]
pub struct Budget {
    left: Option<u64>,
    length: Option<Duration>,
    deadline: Option<Instant>,
    calls: u32,
    done: bool,
}

impl Budget {
    /// Task `index` of `tasks`: its share of the records (those whose sequence number is congruent
    /// to its index, as the peers split them), or the whole duration after the warm-up.
    pub fn new(limit: Limit, warmup: Duration, index: u64, tasks: u64) -> Self {
        match limit {
            Limit::Records(n) => {
                let share = if index < n { (n - index).div_ceil(tasks) } else { 0 };
                Self { left: Some(share), length: None, deadline: None, calls: 0, done: share == 0 }
            }
            Limit::Duration(d) => {
                Self { left: None, length: Some(warmup + d), deadline: None, calls: 0, done: false }
            }
        }
    }

    /// Starts the clock of a timed budget (call from `open`).
    pub fn open(&mut self) {
        self.deadline = self.length.map(|d| Instant::now() + d);
    }

    /// Takes one record from the budget; false once it is spent.
    #[inline]
    pub fn take(&mut self) -> bool {
        if self.done {
            return false;
        }
        match &mut self.left {
            Some(0) => {
                self.done = true;
                false
            }
            Some(left) => {
                *left -= 1;
                if *left == 0 {
                    self.done = true;
                }
                true
            }
            None => {
                self.calls = self.calls.wrapping_add(1);
                if self.calls.is_multiple_of(256) && self.deadline.is_some_and(|d| Instant::now() >= d) {
                    self.done = true;
                    return false;
                }
                true
            }
        }
    }

    /// Checks a timed budget's deadline now (paced spouts call this once per call, since at a
    /// low rate [`take`](Self::take) reads the clock too rarely).
    pub fn check_deadline(&mut self) {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.done = true;
        }
    }

    /// True once spent.
    pub fn finished(&self) -> bool {
        self.done
    }
}

/// The index of this task among its component's tasks and the number of tasks.
pub fn task_index(ctx: &TopologyContext) -> (u64, u64) {
    (ctx.this_task_index() as u64, ctx.this_component_tasks().len().max(1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_budgets_split_like_the_peers() {
        let count = |i| {
            let mut b = Budget::new(Limit::Records(10), Duration::ZERO, i, 3);
            let mut n = 0;
            while b.take() {
                n += 1;
            }
            assert!(b.finished());
            n
        };
        assert_eq!((count(0), count(1), count(2)), (4, 3, 3));
    }

    #[test]
    fn timed_budgets_end() {
        let mut b = Budget::new(Limit::Duration(Duration::from_millis(20)), Duration::ZERO, 0, 1);
        b.open();
        let t = Instant::now();
        while b.take() {
            assert!(t.elapsed() < Duration::from_secs(10));
        }
        assert!(t.elapsed() >= Duration::from_millis(20));
    }
}
