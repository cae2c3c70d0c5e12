//! `word-count`: the peers' wordcount. Sentences round-robin over the same ten eight-word sentences
//! as the peers, a split bolt, a fields grouping on the word, a count bolt keeping a `HashMap` of
//! running counts and emitting nothing (as the peers' sinks). Counts are checked at the end.
//!
//! The sentence spout also serves the `latency` workload: there it is driven at a fixed rate and
//! its message id is the emit time, so it can time each tree itself.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use smol_str::SmolStr;
use squall::prelude::*;

use super::{Budget, Edge, Settings, task_index};
use crate::measure::{Probe, ProbeReport, collector, combine, run_bounded, take};
use crate::report::Row;

/// Ten sentences of exactly eight words each, so words = 8 × sentences (copied from the peers).
pub const SENTENCES: [&str; 10] = [
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

/// Words per sentence.
pub const WORDS_PER_SENTENCE: u64 = 8;

/// How a sentence spout paces itself and what it measures.
#[derive(Clone, Default)]
pub struct Pacing {
    /// Sentences per second for the whole component (split over its tasks); `None`: flat out.
    pub rate: Option<f64>,
    /// Spout-side complete latency (emit to ack callback) of trees emitted after the warm-up, µs.
    pub timings: Option<Arc<Mutex<Vec<hdrhistogram::Histogram<u64>>>>>,
}

/// Sentences emitted per sentence index, handed over at `close`.
pub type Emitted = Arc<Mutex<Vec<[u64; 10]>>>;

/// Emits sentences round-robin (task `i` of `n` emits those with sequence numbers ≡ i mod n).
pub struct SentenceSpout {
    settings: Settings,
    pacing: Pacing,
    budget: Budget,
    sentences: [SmolStr; 10],
    seq: u64,
    step: u64,
    sent: u64,
    per_sentence: [u64; 10],
    out: Emitted,
    started: Instant,
    task_rate: f64,
    hist: Option<hdrhistogram::Histogram<u64>>,
}

impl SentenceSpout {
    /// A spout reporting what it emitted into `out`.
    pub fn new(settings: &Settings, pacing: Pacing, out: Emitted) -> Self {
        Self {
            budget: Budget::new(settings.limit, settings.warmup, 0, 1),
            settings: settings.clone(),
            hist: pacing.timings.as_ref().map(|_| new_histogram()),
            pacing,
            sentences: SENTENCES.map(SmolStr::new_static),
            seq: 0,
            step: 1,
            sent: 0,
            per_sentence: [0; 10],
            out,
            started: Instant::now(),
            task_rate: 0.0,
        }
    }

    fn emit_one(&mut self, out: &mut SpoutCollector<'_>) {
        let i = (self.seq % 10) as usize;
        let sentence = self.sentences[i].clone();
        if self.settings.acking {
            // When timing, the message id is the emit time in ns since open, so the ack callback
            // can time the tree; otherwise the sequence number.
            let id =
                if self.hist.is_some() { self.started.elapsed().as_nanos() as i64 } else { self.seq as i64 };
            out.emit_with_id(values![sentence], id);
        } else {
            out.emit(values![sentence]);
        }
        self.per_sentence[i] += 1;
        self.seq += self.step;
        self.sent += 1;
    }
}

/// A histogram of microseconds from 1 µs to 10 minutes, 3 significant digits.
pub fn new_histogram() -> hdrhistogram::Histogram<u64> {
    hdrhistogram::Histogram::new_with_bounds(1, 600_000_000, 3).expect("bounds are valid")
}

impl Spout for SentenceSpout {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["sentence"]);
    }

    fn open(&mut self, ctx: &TopologyContext) -> Result<(), ComponentError> {
        let (index, tasks) = task_index(ctx);
        self.budget = Budget::new(self.settings.limit, self.settings.warmup, index, tasks);
        self.budget.open();
        self.seq = index;
        self.step = tasks;
        self.started = Instant::now();
        self.task_rate = self.pacing.rate.map_or(0.0, |r| r / tasks as f64);
        Ok(())
    }

    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if self.pacing.rate.is_none() {
            if self.budget.take() {
                self.emit_one(out);
            }
            return;
        }
        // Paced: emit what is due by now, at most a batch per call so acks keep flowing.
        self.budget.check_deadline();
        let due = (self.started.elapsed().as_secs_f64() * self.task_rate) as u64;
        let mut burst = due.saturating_sub(self.sent).min(256);
        while burst > 0 && self.budget.take() {
            self.emit_one(out);
            burst -= 1;
        }
    }

    fn ack(&mut self, msg_id: Value) {
        if let (Some(h), Some(emitted_ns)) = (self.hist.as_mut(), msg_id.as_i64()) {
            let emitted = Duration::from_nanos(emitted_ns as u64);
            if emitted >= self.settings.warmup {
                let us = self.started.elapsed().saturating_sub(emitted).as_micros() as u64;
                let _ = h.record(us.max(1));
            }
        }
    }

    fn is_finished(&self) -> bool {
        self.budget.finished()
    }

    fn close(&mut self) {
        self.out.lock().unwrap_or_else(|e| e.into_inner()).push(self.per_sentence);
        if let (Some(h), Some(t)) = (self.hist.take(), &self.pacing.timings) {
            t.lock().unwrap_or_else(|e| e.into_inner()).push(h);
        }
    }
}

/// Splits a sentence on spaces, one anchored tuple per word.
struct Split;

impl BasicBolt for Split {
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

/// Keeps a running count per word; hands its table over at cleanup.
struct Count {
    counts: HashMap<String, u64>,
    probe: Probe,
    out: Arc<Mutex<Vec<HashMap<String, u64>>>>,
}

impl BasicBolt for Count {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}

    fn execute(&mut self, t: &Tuple, _: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        let word = t.get_str(0).ok_or_else(|| Failed::new("expected a word"))?;
        match self.counts.get_mut(word) {
            Some(c) => *c += 1,
            None => {
                self.counts.insert(word.to_owned(), 1);
            }
        }
        self.probe.saw();
        Ok(())
    }

    fn cleanup(&mut self) {
        self.probe.finish();
        self.out.lock().unwrap_or_else(|e| e.into_inner()).push(std::mem::take(&mut self.counts));
    }
}

/// The word-count topology and the places its components report into.
pub struct WordCount {
    /// The topology.
    pub topology: squall::Topology,
    /// Sink probes.
    pub probes: Arc<Mutex<Vec<ProbeReport>>>,
    /// Sentences emitted per index, per spout task.
    pub emitted: Emitted,
    /// Final counts per count task.
    pub counts: Arc<Mutex<Vec<HashMap<String, u64>>>>,
}

/// Builds spout → split (`edge`) → count (fields on `word`), all at the settings' parallelism.
///
/// # Errors
/// The builder rejected the topology (a bug here).
pub fn topology(settings: &Settings, edge: Edge, pacing: Pacing) -> anyhow::Result<WordCount> {
    let (probes, emitted, counts) = (collector(), collector(), collector());
    let p = settings.parallelism;
    let mut b = TopologyBuilder::new();
    let (s, e) = (settings.clone(), emitted.clone());
    b.set_spout("spout", p, move || SentenceSpout::new(&s, pacing.clone(), e.clone()));
    edge.apply(&mut b.set_basic_bolt("split", p, || Split), "spout");
    let (pr, c, warmup) = (probes.clone(), counts.clone(), settings.warmup);
    b.set_basic_bolt("count", p, move || Count {
        counts: HashMap::new(),
        probe: Probe::new(warmup, pr.clone()),
        out: c.clone(),
    })
    .fields_grouping("split", ["word"]);
    Ok(WordCount { topology: b.build()?, probes, emitted, counts })
}

/// Checks the count tables against the sentences emitted: `ok` or what differs.
pub fn check_counts(emitted: &[[u64; 10]], tables: &[HashMap<String, u64>]) -> String {
    let mut expected: HashMap<&str, u64> = HashMap::new();
    for per in emitted {
        for (i, times) in per.iter().enumerate() {
            for w in SENTENCES[i].split(' ') {
                *expected.entry(w).or_insert(0) += times;
            }
        }
    }
    expected.retain(|_, c| *c > 0);
    let mut merged: HashMap<&str, u64> = HashMap::new();
    let mut split_words = 0;
    for table in tables {
        for (w, c) in table {
            let slot = merged.entry(w.as_str()).or_insert(0);
            split_words += usize::from(*slot != 0);
            *slot += c;
        }
    }
    if split_words > 0 {
        return format!("FAIL {split_words} words counted by more than one count task");
    }
    if merged != expected {
        let wrong = expected.iter().filter(|(w, c)| merged.get(*w) != Some(c)).count();
        return format!(
            "FAIL counts differ: {wrong} of {} words wrong, {} words counted, {} expected",
            expected.len(),
            merged.values().sum::<u64>(),
            expected.values().sum::<u64>()
        );
    }
    "ok".to_owned()
}

/// Runs word count once.
///
/// # Errors
/// The topology failed; wrong counts are reported in the row's `check`.
pub fn run(settings: &Settings, edge: Edge) -> anyhow::Result<Row> {
    let wc = topology(settings, edge, Pacing::default())?;
    let outcome = run_bounded("word-count", &settings.config(), wc.topology, settings.timeout)?;
    let steady = combine(&take(&wc.probes), outcome.submitted);
    let emitted = take(&wc.emitted);
    let sentences: u64 = emitted.iter().flatten().sum();
    let mut row = settings.row("word-count", "words").param("grouping", edge.name());
    row = row.measured(steady.received, steady.rate, &outcome, "spout");
    row.set("sentences", sentences);
    row.set("sentences_per_s", steady.rate / WORDS_PER_SENTENCE as f64);
    row.set("first_tuple_ms", steady.first_after.map_or(0.0, |d| d.as_secs_f64() * 1e3));
    row.set("steady_s", steady.span_s);
    row.check = if steady.received != sentences * WORDS_PER_SENTENCE {
        format!("FAIL {} words counted, {} expected", steady.received, sentences * WORDS_PER_SENTENCE)
    } else {
        check_counts(&emitted, &take(&wc.counts))
    };
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_have_eight_words() {
        for s in SENTENCES {
            assert_eq!(s.split(' ').count() as u64, WORDS_PER_SENTENCE, "{s}");
        }
    }

    #[test]
    fn checker_catches_wrong_and_split_counts() {
        let mut per = [0u64; 10];
        per[0] = 2;
        let mut table: HashMap<String, u64> = HashMap::new();
        for w in SENTENCES[0].split(' ') {
            *table.entry(w.to_owned()).or_insert(0) += 2;
        }
        assert_eq!(check_counts(&[per], std::slice::from_ref(&table)), "ok");
        let mut wrong = table.clone();
        *wrong.get_mut("cow").expect("cow is in sentence 0") += 1;
        assert!(check_counts(&[per], &[wrong]).starts_with("FAIL"));
        let mut half = table.clone();
        *half.get_mut("cow").expect("cow") -= 1;
        let other: HashMap<String, u64> = [("cow".to_owned(), 1)].into();
        assert!(check_counts(&[per], &[half, other]).contains("more than one"));
    }
}
