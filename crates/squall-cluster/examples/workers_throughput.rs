//! Throughput over one and two worker processes: the same bounded topologies (const-null with
//! shuffle, and the word count of the peers' ten sentences with a fields grouping) run in one
//! process and then over two worker processes of this program, timed from submit to the end of
//! the run (start-up included), best of `reps`.
//!
//! `cargo run --release -p squall-cluster --example workers_throughput [records] [reps]`
#![allow(clippy::print_stdout, clippy::unwrap_used, reason = "a benchmark prints; it may panic on failure")]

use std::time::{Duration, Instant};

use squall_api::{
    BasicBolt, BasicCollector, Bolt, BoltCollector, Config, Failed, OutputDeclarer, Spout, SpoutCollector,
    TopologyBuilder, Tuple, Value, values,
};
use squall_cluster::{WorkerSpec, submit};
use squall_runtime::RunOptions;

const SENTENCES: [&str; 10] = [
    "the cow jumped over the moon last night",
    "an apple a day keeps the doctor away",
    "four score and seven years ago our fathers",
    "snow white and the seven dwarfs went home",
    "i am at two with nature said he",
    "the quick brown fox jumps over lazy dogs",
    "to be or not to be that is",
    "all that glitters is not gold my friend",
    "a journey of a thousand miles begins today",
    "stream processing needs fast queues and small batches",
];

/// Emits `n` records (split over the spout tasks by the context), then is finished.
struct Source {
    next: u64,
    n: u64,
    sentences: bool,
}
impl Spout for Source {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["x"]);
    }
    fn open(&mut self, ctx: &squall_api::TopologyContext) -> Result<(), squall_api::ComponentError> {
        self.n /= ctx.this_component_tasks().len() as u64;
        Ok(())
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if self.next < self.n {
            if self.sentences {
                out.emit(values![SENTENCES[(self.next % 10) as usize]]);
            } else {
                out.emit(values!["some data"]);
            }
            self.next += 1;
        }
    }
    fn is_finished(&self) -> bool {
        self.next >= self.n
    }
}

struct Split;
impl BasicBolt for Split {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
    }
    fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        for w in t.get_str(0).unwrap_or_default().split(' ') {
            out.emit(values![w]);
        }
        Ok(())
    }
}

struct Count(std::collections::HashMap<String, u64>);
impl Bolt for Count {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, _: &mut BoltCollector<'_>) {
        if let Some(Value::Str(w)) = t.get(0) {
            *self.0.entry(w.to_string()).or_insert(0) += 1;
        }
    }
}

struct Null;
impl Bolt for Null {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, _: Tuple, _: &mut BoltCollector<'_>) {}
}

fn topology(word_count: bool, n: u64) -> squall_api::Topology {
    let mut b = TopologyBuilder::new();
    b.set_spout("spout", 2, move || Source { next: 0, n, sentences: word_count });
    if word_count {
        b.set_basic_bolt("split", 2, || Split).local_or_shuffle_grouping("spout");
        b.set_bolt("count", 2, || Count(Default::default())).fields_grouping("split", ["word"]);
    } else {
        b.set_bolt("null", 2, || Null).shuffle_grouping("spout");
    }
    b.build().unwrap()
}

fn main() {
    let records: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5_000_000);
    let reps: usize = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(3);
    let me = WorkerSpec::from_env().ok().flatten();
    if me.is_none() {
        println!("{:<12} {:>8} {:>16}", "workload", "workers", "best rate/s");
    }
    for (name, word_count, unit) in [("const-null", false, 1), ("word-count", true, 8)] {
        for workers in [1u64, 2] {
            let id = format!("{name}-{workers}");
            // A worker process runs only the topology its supervisor started.
            if me.as_ref().is_some_and(|spec| spec.topology != id) {
                continue;
            }
            let mut best = 0.0f64;
            for _ in 0..reps {
                let mut config = Config::new();
                config.set_acker_executors(0).set_workers(workers);
                let started = Instant::now();
                let handle = submit(&id, &config, topology(word_count, records), RunOptions::new()).unwrap();
                handle.run_to_completion(Duration::from_secs(300)).unwrap();
                best = best.max((records * unit) as f64 / started.elapsed().as_secs_f64());
            }
            println!("{name:<12} {workers:>8} {best:>16.0}");
        }
    }
}
