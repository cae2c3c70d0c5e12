//! `const-null` and `const-id-null`: Storm-perf's ConstSpout → NullBolt (and ConstSpout →
//! IdBolt → NullBolt), the peers' `identity` workload. The spout emits `(seq, "some data")`, one
//! record per `next_tuple`, as fast as it is allowed; the null bolt acks and counts.

use std::sync::{Arc, Mutex};

use squall::prelude::*;

use super::{Budget, Edge, Settings, task_index};
use crate::measure::{Probe, ProbeReport, collector, combine, run_bounded, take};
use crate::report::Row;

/// Emits `(seq, "some data")` until its budget is spent, with `seq` as message id when acking.
struct ConstSpout {
    budget: Budget,
    acking: bool,
    seq: u64,
    step: u64,
    emitted: u64,
    emitted_out: Arc<Mutex<Vec<u64>>>,
    settings: Settings,
}

impl Spout for ConstSpout {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["seq", "str"]);
    }

    fn open(&mut self, ctx: &TopologyContext) -> Result<(), ComponentError> {
        let (index, tasks) = task_index(ctx);
        self.budget = Budget::new(self.settings.limit, self.settings.warmup, index, tasks);
        self.budget.open();
        self.seq = index;
        self.step = tasks;
        Ok(())
    }

    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if !self.budget.take() {
            return;
        }
        let seq = self.seq as i64;
        if self.acking {
            out.emit_with_id(values![seq, "some data"], seq);
        } else {
            out.emit(values![seq, "some data"]);
        }
        self.seq += self.step;
        self.emitted += 1;
    }

    fn is_finished(&self) -> bool {
        self.budget.finished()
    }

    fn close(&mut self) {
        self.emitted_out.lock().unwrap_or_else(|e| e.into_inner()).push(self.emitted);
    }
}

/// Re-emits its input anchored to it, then acks it.
struct IdBolt;

impl Bolt for IdBolt {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["seq", "str"]);
    }

    fn execute(&mut self, tuple: Tuple, out: &mut BoltCollector<'_>) {
        out.emit(&[&tuple], tuple.values().clone());
        out.ack(&tuple);
    }
}

/// Acks and counts (Storm-perf's DevNullBolt).
struct NullBolt(Probe);

impl Bolt for NullBolt {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}

    fn execute(&mut self, tuple: Tuple, out: &mut BoltCollector<'_>) {
        self.0.saw();
        out.ack(&tuple);
    }

    fn cleanup(&mut self) {
        self.0.finish();
    }
}

/// Runs const-null (`hops` 0) or const-id-null (`hops` 1) once.
///
/// # Errors
/// The topology failed; a count mismatch is reported in the row's `check`.
pub fn run(settings: &Settings, edge: Edge, hops: usize) -> anyhow::Result<Row> {
    let workload = if hops == 0 { "const-null" } else { "const-id-null" };
    let probes: Arc<Mutex<Vec<ProbeReport>>> = collector();
    let emitted: Arc<Mutex<Vec<u64>>> = collector();
    let p = settings.parallelism;
    let mut b = TopologyBuilder::new();
    let (s, e) = (settings.clone(), emitted.clone());
    b.set_spout("spout", p, move || ConstSpout {
        budget: Budget::new(s.limit, s.warmup, 0, 1),
        acking: s.acking,
        seq: 0,
        step: 1,
        emitted: 0,
        emitted_out: e.clone(),
        settings: s.clone(),
    });
    let mut upstream = "spout";
    for hop in 0..hops {
        let id: &'static str = if hop == 0 { "id" } else { "id2" };
        edge.apply(&mut b.set_bolt(id, p, || IdBolt), upstream);
        upstream = id;
    }
    let (pr, warmup) = (probes.clone(), settings.warmup);
    edge.apply(&mut b.set_bolt("null", p, move || NullBolt(Probe::new(warmup, pr.clone()))), upstream);

    let outcome = run_bounded(workload, &settings.config(), b.build()?, settings.timeout)?;
    let steady = combine(&take(&probes), outcome.submitted);
    let sent: u64 = take(&emitted).iter().sum();

    let mut row = settings.row(workload, "tuples").param("grouping", edge.name());
    row = row.measured(steady.received, steady.rate, &outcome, "spout");
    row.set("first_tuple_ms", steady.first_after.map_or(0.0, |d| d.as_secs_f64() * 1e3));
    row.set("steady_s", steady.span_s);
    let null = outcome.stats.component("null");
    let acked = outcome.stats.component("spout").map_or(0, |c| c.acked);
    row.check = if steady.received != sent {
        format!("FAIL null bolts received {} of {sent} emitted", steady.received)
    } else if null.map_or(0, |c| c.executed) != sent {
        format!("FAIL statistics count {} executed, {sent} emitted", null.map_or(0, |c| c.executed))
    } else if settings.acking && acked != sent {
        format!("FAIL {acked} of {sent} trees acked")
    } else {
        "ok".to_owned()
    };
    Ok(row)
}
