//! Development probe: word count at parallelism 1 or 2, acking off or on.
#![allow(clippy::unwrap_used, clippy::print_stdout, reason = "a development probe")]
use std::collections::HashMap;
use std::time::{Duration, Instant};

use squall_api::{
    BasicBolt, BasicCollector, Bolt, BoltCollector, Config, Failed, OutputDeclarer, Spout, SpoutCollector,
    TopologyBuilder, Tuple, values,
};
use squall_runtime::{LocalCluster, RunOptions};

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

struct Sentences(u64, u64, bool);
impl Spout for Sentences {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["sentence"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if self.0 < self.1 {
            let s = SENTENCES[(self.0 % 10) as usize];
            if self.2 {
                out.emit_with_id(values![s], self.0 as i64);
            } else {
                out.emit(values![s]);
            }
            self.0 += 1;
        }
    }
    fn is_finished(&self) -> bool {
        self.0 >= self.1
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
struct Count(HashMap<smol_str::SmolStr, u64>);
impl Bolt for Count {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        if let Some(squall_api::Value::Str(w)) = t.get(0) {
            *self.0.entry(w.clone()).or_insert(0) += 1;
        }
        out.ack(&t);
    }
}

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2_000_000);
    let p: u32 = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let ack = std::env::args().nth(3).is_some();
    let mut b = TopologyBuilder::new();
    b.set_spout("spout", p, move || Sentences(0, n / p as u64, ack));
    b.set_basic_bolt("split", p, || Split).local_or_shuffle_grouping("spout");
    b.set_bolt("count", p, || Count(HashMap::new())).fields_grouping("split", ["word"]);
    let mut c = Config::new();
    c.set_acker_executors(if ack { 1 } else { 0 });
    if ack {
        c.set_max_spout_pending(5000);
    }
    let cluster = LocalCluster::new();
    let start = Instant::now();
    cluster.submit("q", &c, b.build().unwrap(), RunOptions::new()).unwrap();
    cluster.take("q").unwrap().run_to_completion(Duration::from_secs(600)).unwrap();
    let secs = start.elapsed().as_secs_f64();
    println!("p={p} ack={ack}: {:.1} M words/s", (n * 8) as f64 / secs / 1e6);
}
