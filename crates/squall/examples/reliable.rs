//! Guaranteed processing: a bolt fails about 10% of the tuples it sees; the spout replays every
//! failed message until all are acked. The counts prove that every message completed at least once
//! and that every failure was replayed.
//!
//! `cargo run -p squall --example reliable [messages]`
#![allow(clippy::print_stdout, reason = "an example prints its result")]

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use squall::prelude::*;

/// Emits message ids 0..total, replays failures, records what was acked.
struct ReplayingSpout {
    next: i64,
    total: i64,
    replay: Vec<i64>,
    pending: usize,
    acked: Arc<Mutex<BTreeSet<i64>>>,
    fails: Arc<Mutex<u64>>,
}

impl Spout for ReplayingSpout {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["id"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        let id = match self.replay.pop() {
            Some(id) => id,
            None if self.next < self.total => {
                self.next += 1;
                self.next - 1
            }
            None => return,
        };
        self.pending += 1;
        out.emit_with_id(values![id], id);
    }
    fn ack(&mut self, id: Value) {
        self.pending -= 1;
        self.acked.lock().unwrap_or_else(|e| e.into_inner()).insert(id.as_i64().unwrap_or(-1));
    }
    fn fail(&mut self, id: Value) {
        self.pending -= 1;
        *self.fails.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.replay.push(id.as_i64().unwrap_or(-1));
    }
    fn is_finished(&self) -> bool {
        self.next >= self.total && self.replay.is_empty() && self.pending == 0
    }
}

/// Passes each id on, anchored; then fails about one tuple in ten.
struct UnreliableBolt(fastrand::Rng);
impl Bolt for UnreliableBolt {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["id"]);
    }
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        out.emit(&[&t], values![t.get_i64(0).unwrap_or(-1)]);
        if self.0.u8(0..10) == 0 { out.fail(&t) } else { out.ack(&t) }
    }
}

/// Acks everything.
struct Sink;
impl Bolt for Sink {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        out.ack(&t);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let total: i64 = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(20_000);
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let fails = Arc::new(Mutex::new(0u64));
    let (a, f) = (acked.clone(), fails.clone());
    let mut builder = TopologyBuilder::new();
    builder.set_spout("source", 1, move || ReplayingSpout {
        next: 0,
        total,
        replay: vec![],
        pending: 0,
        acked: a.clone(),
        fails: f.clone(),
    });
    builder.set_bolt("unreliable", 2, || UnreliableBolt(fastrand::Rng::new())).shuffle_grouping("source");
    builder.set_bolt("sink", 2, || Sink).shuffle_grouping("unreliable");
    let stats = squall::run_local("reliable", &Config::new(), builder.build()?)?;
    println!("{}", stats.table());
    let acked = acked.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let fails = *fails.lock().unwrap_or_else(|e| e.into_inner());
    let source = stats.component("source").ok_or("no source statistics")?;
    let bolt = stats.component("unreliable").ok_or("no bolt statistics")?;
    println!(
        "{total} messages: {} acked, {fails} failures replayed (the bolt failed {} inputs), {} emits in all",
        acked.len(),
        bolt.failed,
        source.emitted
    );
    if acked.len() as i64 != total || acked.iter().copied().ne(0..total) {
        return Err("some message was never acked".into());
    }
    if fails != bolt.failed || source.emitted != total as u64 + fails || source.acked != total as u64 {
        return Err("statistics do not add up".into());
    }
    println!("every message was acked; every failure was replayed");
    Ok(())
}
