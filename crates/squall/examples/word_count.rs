//! Word count, Storm's classic: a sentence spout, a splitter, and a counter behind a fields
//! grouping on the word. Runs a bounded number of sentences, checks every count, prints the result.
//!
//! `cargo run --release -p squall --example word_count [sentences]`
#![allow(clippy::print_stdout, reason = "an example prints its result")]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use squall::prelude::*;

const SENTENCES: [&str; 5] = [
    "the cow jumped over the moon",
    "an apple a day keeps the doctor away",
    "four score and seven years ago",
    "snow white and the seven dwarfs",
    "i am at two with nature",
];

/// Emits `total` sentences round-robin, each with a message id, and replays any that fail.
struct SentenceSpout {
    next: u64,
    total: u64,
    replay: Vec<u64>,
    pending: u64,
}

impl Spout for SentenceSpout {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["sentence"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        let seq = match self.replay.pop() {
            Some(s) => s,
            None if self.next < self.total => {
                self.next += 1;
                self.next - 1
            }
            None => return,
        };
        self.pending += 1;
        out.emit_with_id(values![SENTENCES[(seq % 5) as usize]], seq as i64);
    }
    fn ack(&mut self, _: Value) {
        self.pending -= 1;
    }
    fn fail(&mut self, id: Value) {
        self.pending -= 1;
        self.replay.push(id.as_i64().unwrap_or(0) as u64);
    }
    fn is_finished(&self) -> bool {
        self.next >= self.total && self.replay.is_empty() && self.pending == 0
    }
}

struct SplitSentence;
impl BasicBolt for SplitSentence {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word"]);
    }
    fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        let sentence = t.get_str(0).ok_or_else(|| Failed::new("expected a sentence"))?;
        for word in sentence.split(' ') {
            out.emit(values![word]);
        }
        Ok(())
    }
}

/// Counts words; hands its table to `results` at cleanup.
struct WordCount {
    counts: HashMap<String, u64>,
    results: Arc<Mutex<BTreeMap<String, u64>>>,
}
impl BasicBolt for WordCount {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word", "count"]);
    }
    fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        let word = t.get_str(0).ok_or_else(|| Failed::new("expected a word"))?;
        let count = self.counts.entry(word.to_owned()).or_insert(0);
        *count += 1;
        out.emit(values![word, *count as i64]);
        Ok(())
    }
    fn cleanup(&mut self) {
        let mut results = self.results.lock().unwrap_or_else(|e| e.into_inner());
        results.extend(self.counts.drain());
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let total: u64 = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(200_000);
    let results = Arc::new(Mutex::new(BTreeMap::new()));
    let mut builder = TopologyBuilder::new();
    builder.set_spout("sentences", 1, move || SentenceSpout { next: 0, total, replay: vec![], pending: 0 });
    builder.set_basic_bolt("split", 2, || SplitSentence).shuffle_grouping("sentences");
    let r = results.clone();
    builder
        .set_basic_bolt("count", 2, move || WordCount { counts: HashMap::new(), results: r.clone() })
        .fields_grouping("split", ["word"]);
    let started = Instant::now();
    // Bound the tuple trees in flight per spout task, as Storm users do, so latency stays low.
    let mut config = Config::new();
    config.set_max_spout_pending(2_000);
    let stats = squall::run_local("word-count", &config, builder.build()?)?;
    let secs = started.elapsed().as_secs_f64();

    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for i in 0..total {
        for w in SENTENCES[(i % 5) as usize].split(' ') {
            *expected.entry(w.to_owned()).or_insert(0) += 1;
        }
    }
    let counts = results.lock().unwrap_or_else(|e| e.into_inner()).clone();
    println!("{}", stats.table());
    let mut top: Vec<(&String, &u64)> = counts.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    println!(
        "top words: {}",
        top.iter().take(5).map(|(w, c)| format!("{w}={c}")).collect::<Vec<_>>().join(" ")
    );
    let words: u64 = expected.values().sum();
    println!(
        "{total} sentences, {words} words in {secs:.2} s ({:.0} words/s), every tuple tree acked",
        words as f64 / secs
    );
    if counts != expected {
        return Err("counts differ from the expected ones".into());
    }
    println!("counts: all {} distinct words match the expected counts", counts.len());
    Ok(())
}
