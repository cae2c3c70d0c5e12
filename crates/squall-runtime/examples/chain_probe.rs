//! Development probe: chained const-null only (for callgrind).
#![allow(clippy::unwrap_used, clippy::print_stdout, reason = "a development probe")]
use std::time::Duration;

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
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let chaining = std::env::args().nth(2).is_none();
    let mut b = TopologyBuilder::new();
    b.set_spout("spout", 1, move || Const(0, n));
    b.set_bolt("null", 1, || Null).local_or_shuffle_grouping("spout");
    let mut c = Config::new();
    c.set_acker_executors(0).set_chaining(chaining);
    let cluster = LocalCluster::new();
    cluster.submit("q", &c, b.build().unwrap(), RunOptions::new()).unwrap();
    cluster.take("q").unwrap().run_to_completion(Duration::from_secs(600)).unwrap();
}
