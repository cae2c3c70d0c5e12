//! End-to-end runs of small topologies in local mode: exact results under every parallelism, with
//! and without acking and chaining.
#![allow(clippy::unwrap_used, reason = "tests and probes may panic on failure")]

mod common;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::config;
use squall_api::{
    BasicBolt, BasicCollector, Bolt, BoltCollector, Failed, OutputDeclarer, Spout, SpoutCollector, TaskId,
    TopologyBuilder, TopologyContext, Tuple, Value, values,
};
use squall_runtime::{LocalCluster, RunOptions};

const SENTENCES: [&str; 4] = [
    "the cow jumped over the moon",
    "an apple a day keeps the doctor away",
    "four score and seven years ago",
    "snow white and the seven dwarfs",
];

/// Emits `total` sentences round-robin; tracked with message ids when `reliable`; replays fails.
struct SentenceSpout {
    next: u64,
    total: u64,
    reliable: bool,
    replay: VecDeque<u64>,
    pending: u64,
}

impl SentenceSpout {
    fn new(total: u64, reliable: bool) -> Self {
        Self { next: 0, total, reliable, replay: VecDeque::new(), pending: 0 }
    }
}

impl Spout for SentenceSpout {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["sentence"]);
    }
    fn open(&mut self, ctx: &TopologyContext) -> Result<(), squall_api::ComponentError> {
        // Split the sequence between spout tasks.
        let n = ctx.this_component_tasks().len() as u64;
        let i = ctx.this_task_index() as u64;
        self.total = self.total / n + u64::from(i < self.total % n);
        Ok(())
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        let seq = match self.replay.pop_front() {
            Some(s) => s,
            None if self.next < self.total => {
                self.next += 1;
                self.next - 1
            }
            None => return,
        };
        let sentence = SENTENCES[(seq % 4) as usize];
        if self.reliable {
            self.pending += 1;
            out.emit_with_id(values![sentence], seq as i64);
        } else {
            out.emit(values![sentence]);
        }
    }
    fn ack(&mut self, _: Value) {
        self.pending -= 1;
    }
    fn fail(&mut self, id: Value) {
        self.pending -= 1;
        self.replay.push_back(id.as_i64().unwrap_or(0) as u64);
    }
    fn is_finished(&self) -> bool {
        self.next >= self.total && self.replay.is_empty() && self.pending == 0
    }
}

struct Split;
impl BasicBolt for Split {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
    }
    fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        for w in t.get_str(0).ok_or_else(|| Failed::new("no sentence"))?.split(' ') {
            out.emit(values![w]);
        }
        Ok(())
    }
}

/// Counts words; publishes its counts into `sink` at cleanup and checks a word never reaches two tasks.
struct Count {
    counts: HashMap<String, u64>,
    sink: Arc<Mutex<BTreeMap<String, u64>>>,
    owner: Arc<Mutex<HashMap<String, TaskId>>>,
    me: TaskId,
}
impl Bolt for Count {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word", "count"]);
    }
    fn prepare(&mut self, ctx: &TopologyContext) -> Result<(), squall_api::ComponentError> {
        self.me = ctx.this_task_id();
        Ok(())
    }
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        let word = t.get_str(0).unwrap_or_default().to_owned();
        let owner = *self.owner.lock().unwrap().entry(word.clone()).or_insert(self.me);
        assert_eq!(owner, self.me, "fields grouping sent '{word}' to two tasks");
        let c = self.counts.entry(word.clone()).or_insert(0);
        *c += 1;
        out.emit(&[&t], values![word, *c as i64]);
        out.ack(&t);
    }
    fn cleanup(&mut self) {
        let mut sink = self.sink.lock().unwrap();
        for (w, c) in self.counts.drain() {
            *sink.entry(w).or_insert(0) += c;
        }
    }
}

fn expected(sentences: u64) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for i in 0..sentences {
        for w in SENTENCES[(i % 4) as usize].split(' ') {
            *m.entry(w.to_owned()).or_insert(0) += 1;
        }
    }
    m
}

fn word_count(spouts: u32, splits: u32, counts: u32, ackers: u64, chaining: bool, n: u64) {
    let sink = Arc::new(Mutex::new(BTreeMap::new()));
    let owner = Arc::new(Mutex::new(HashMap::new()));
    let mut b = TopologyBuilder::new();
    let reliable = ackers > 0;
    b.set_spout("sentences", spouts, move || SentenceSpout::new(n, reliable));
    b.set_basic_bolt("split", splits, || Split).local_or_shuffle_grouping("sentences");
    let (s2, o2) = (sink.clone(), owner.clone());
    b.set_bolt("count", counts, move || Count {
        counts: HashMap::new(),
        sink: s2.clone(),
        owner: o2.clone(),
        me: TaskId(0),
    })
    .fields_grouping("split", ["word"]);
    let mut conf = config(ackers);
    conf.set_chaining(chaining).set("squall.complete.latency.sample.rate", 1.0);
    let cluster = LocalCluster::new();
    cluster.submit("wc", &conf, b.build().unwrap(), RunOptions::new()).unwrap();
    let stats = cluster.take("wc").unwrap().run_to_completion(Duration::from_secs(60)).unwrap();
    assert_eq!(
        *sink.lock().unwrap(),
        expected(n),
        "spouts={spouts} splits={splits} counts={counts} ackers={ackers}"
    );
    let words: u64 = expected(n).values().sum();
    let c = stats.component("count").unwrap();
    assert_eq!(c.executed, words);
    assert_eq!(c.emitted, words);
    assert_eq!(c.transferred, 0, "no consumers: emitted but not transferred");
    assert_eq!(stats.component("split").unwrap().emitted, words);
    let s = stats.component("sentences").unwrap();
    assert_eq!(s.emitted, n);
    if reliable {
        assert_eq!(s.acked, n);
        assert_eq!(s.failed, 0);
        assert_eq!(c.acked, words);
        assert!(s.complete_latency.as_ref().is_some_and(|l| l.count == n));
    } else {
        assert_eq!(s.acked, 0);
        assert_eq!(c.acked, 0, "bolt acks are not counted without ackers");
    }
}

#[test]
fn word_count_is_exact_in_one_thread() {
    word_count(1, 1, 1, 0, true, 2_000);
}

#[test]
fn word_count_is_exact_across_threads_with_acking() {
    word_count(2, 2, 3, 1, true, 4_000);
    word_count(2, 3, 4, 2, false, 4_000);
}

#[test]
fn word_count_is_exact_without_acking_and_without_chaining() {
    word_count(1, 2, 2, 0, false, 4_000);
    word_count(3, 3, 1, 0, true, 3_000);
}

struct Exclaim;
impl BasicBolt for Exclaim {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
    }
    fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        out.emit(values![format!("{}!!!", t.get_str(0).unwrap_or_default())]);
        Ok(())
    }
}

struct Words(Vec<&'static str>);
impl Spout for Words {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if let Some(w) = self.0.pop() {
            out.emit_with_id(values![w], w);
        }
    }
    fn is_finished(&self) -> bool {
        self.0.is_empty()
    }
}

#[test]
fn exclamation_topology_captures_every_emit_per_stream() {
    let mut b = TopologyBuilder::new();
    b.set_spout("word", 1, || Words(vec!["nathan", "mike", "jackson", "golda", "bertels"]));
    b.set_basic_bolt("exclaim1", 3, || Exclaim).shuffle_grouping("word");
    b.set_basic_bolt("exclaim2", 2, || Exclaim).shuffle_grouping("exclaim1");
    let cluster = LocalCluster::new();
    cluster.submit("ex", &config(1), b.build().unwrap(), RunOptions::new().capture(true)).unwrap();
    let running = cluster.take("ex").unwrap();
    running.wait_until_finished(Duration::from_secs(30)).unwrap();
    let _ = running.stats();
    let mut out: Vec<String> = running
        .captured()
        .into_iter()
        .filter(|c| c.component == "exclaim2" && c.stream == "default")
        .map(|c| c.values[0].to_string())
        .collect();
    out.sort();
    assert_eq!(out, ["bertels!!!!!!", "golda!!!!!!", "jackson!!!!!!", "mike!!!!!!", "nathan!!!!!!"]);
    let stats = running.kill(Duration::ZERO).unwrap();
    assert_eq!(stats.component("word").unwrap().acked, 5);
}
