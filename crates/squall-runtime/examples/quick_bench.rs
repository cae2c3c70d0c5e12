//! A quick throughput probe used while developing (the benchmark suite lives in `squall-bench`).
#![allow(clippy::unwrap_used, clippy::print_stdout, reason = "a development probe")]
use std::time::{Duration, Instant};

use squall_api::{
    Bolt, BoltCollector, Config, OutputDeclarer, Spout, SpoutCollector, TopologyBuilder, Tuple, values,
};
use squall_runtime::{LocalCluster, RunOptions};

struct Const(u64, u64);
impl Spout for Const {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["str"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if self.0 < self.1 {
            self.0 += 1;
            out.emit(values!["some data"]);
        }
    }
    fn is_finished(&self) -> bool {
        self.0 >= self.1
    }
}
struct Null;
impl Bolt for Null {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, _: Tuple, _: &mut BoltCollector<'_>) {}
}

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20_000_000);
    for chaining in [true, false] {
        let mut b = TopologyBuilder::new();
        b.set_spout("spout", 1, move || Const(0, n));
        b.set_bolt("null", 1, || Null).local_or_shuffle_grouping("spout");
        let mut c = Config::new();
        c.set_acker_executors(0).set_chaining(chaining);
        if let Ok(l2) = std::env::var("L2") {
            c.set("topology.bolt.wait.progressive.level2.count", l2.parse::<i64>().unwrap());
        }
        let cluster = LocalCluster::new();
        let start = Instant::now();
        cluster.submit("q", &c, b.build().unwrap(), RunOptions::new()).unwrap();
        cluster.take("q").unwrap().run_to_completion(Duration::from_secs(600)).unwrap();
        let secs = start.elapsed().as_secs_f64();
        println!("chaining={chaining}: {:.1} M tuples/s", n as f64 / secs / 1e6);
    }
}
