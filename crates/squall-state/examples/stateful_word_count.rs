//! A stateful word count that survives being killed: its counts live in an embedded database file
//! (redb). The first run is killed halfway; the second starts the spout over from the first line,
//! recovers the counts from the last checkpoint, skips every word already counted
//! (exactly-once deduplication by line and position) and carries on to the end. The final counts
//! are exact, and the program ends on its own.
//!
//! `cargo run -p squall-state --example stateful_word_count [state-file]`
//! (default: a file in a fresh temporary directory).
#![allow(clippy::print_stdout, reason = "an example prints its result")]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use squall_api::config::{
    TOPOLOGY_STATE_CHECKPOINT_INTERVAL_MS, TOPOLOGY_STATE_PROVIDER, TOPOLOGY_STATE_PROVIDER_CONFIG,
};
use squall_api::{
    BasicBolt, BasicCollector, BoltCollector, ComponentId, Config, Failed, OutputDeclarer, Spout,
    SpoutCollector, TaskId, Topology, Tuple, Value, values,
};
use squall_runtime::{LocalCluster, RunOptions};
use squall_state::{
    CompletedPrefix, Dedup, KeyValueState, StatefulBolt, StatefulTopologyBuilder, load_committed, namespace,
    provider_from_config,
};

const TEXT: &str = "the cow jumped over the moon
the little dog laughed to see such sport
and the dish ran away with the spoon
hey diddle diddle the cat and the fiddle";
const REPEAT: i64 = 50;

fn line(n: i64) -> &'static str {
    let lines: Vec<&str> = TEXT.lines().collect();
    lines[usize::try_from(n).unwrap_or(0) % lines.len()]
}

/// Emits `lines` numbered lines with the watermark below which every line completed; replays
/// failed lines.
struct Lines {
    lines: i64,
    next: i64,
    replay: VecDeque<i64>,
    done: CompletedPrefix,
    acked: i64,
}

impl Spout for Lines {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["line", "text", "done_below"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        let n = match self.replay.pop_front() {
            Some(n) => n,
            None if self.next < self.lines => {
                self.next += 1;
                self.next - 1
            }
            None => return,
        };
        out.emit_with_id(values![n, line(n), self.done.watermark()], n);
    }
    fn ack(&mut self, id: Value) {
        self.done.complete(id.as_i64().unwrap_or(-1));
        self.acked += 1;
    }
    fn fail(&mut self, id: Value) {
        self.replay.extend(id.as_i64());
    }
    fn is_finished(&self) -> bool {
        self.acked >= self.lines
    }
}

/// Splits a line into (word, line, index, done_below): the line and index identify each word.
struct Split;

impl BasicBolt for Split {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word", "line", "index", "done_below"]);
    }
    fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        let (n, done_below) = (t.get_i64(0).unwrap_or(0), t.get_i64(2).unwrap_or(0));
        for (i, w) in t.get_str(1).unwrap_or("").split(' ').enumerate() {
            out.emit(values![w, n, i as i64, done_below]);
        }
        Ok(())
    }
}

/// Words the count bolt counted (executions, not skipped duplicates), in this process.
static COUNTED: AtomicU64 = AtomicU64::new(0);

/// Counts words in checkpointed state.
struct Count;

impl StatefulBolt for Count {
    type Key = String;
    type Value = u64;
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, state: &mut KeyValueState<String, u64>, out: &mut BoltCollector<'_>) {
        let word = t.get_str(0).unwrap_or("").to_owned();
        let n = state.get_or(word.as_str(), 0) + 1;
        state.put(word, n);
        COUNTED.fetch_add(1, Ordering::Relaxed);
        out.ack(&t);
    }
}

fn topology() -> Topology {
    let mut b = StatefulTopologyBuilder::new();
    let lines = REPEAT * TEXT.lines().count() as i64;
    b.set_spout("lines", 1, move || Lines {
        lines,
        next: 0,
        replay: VecDeque::new(),
        done: CompletedPrefix::new(0),
        acked: 0,
    })
    .set_max_spout_pending(8);
    b.set_basic_bolt("split", 2, || Split).shuffle_grouping("lines");
    b.set_stateful_bolt("count", 2, || Count)
        .with_dedup(Dedup::fields(["line", "index"]).with_watermark("line", "done_below"))
        .fields_grouping("split", ["word"]);
    b.build().expect("a valid topology")
}

/// The committed counts of every count task.
fn committed(config: &Config, tasks: &BTreeMap<ComponentId, Vec<TaskId>>) -> BTreeMap<String, u64> {
    let provider = provider_from_config(config, "stateful-word-count").expect("the state backend");
    let mut counts = BTreeMap::new();
    for task in &tasks["count"] {
        let part: HashMap<String, u64> =
            load_committed(provider.as_ref(), &namespace("count", *task)).expect("readable state");
        counts.extend(part);
    }
    counts
}

fn show(label: &str, counts: &BTreeMap<String, u64>) {
    let total: u64 = counts.values().sum();
    let mut top: Vec<(&String, &u64)> = counts.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let top: Vec<String> = top.iter().take(6).map(|(w, n)| format!("{w}={n}")).collect();
    println!("{label}: {total} words, {}, ...", top.join(" "));
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = std::env::args().nth(1).map_or_else(|| dir.path().join("state.redb"), Into::into);
    let mut config = Config::new();
    config.set(TOPOLOGY_STATE_PROVIDER, "squall.state.RedbKeyValueStateProvider");
    config.set(TOPOLOGY_STATE_PROVIDER_CONFIG, serde_json::json!({ "path": path }).to_string());
    config.set(TOPOLOGY_STATE_CHECKPOINT_INTERVAL_MS, 100);
    println!("state in {}", path.display());

    let mut expected = BTreeMap::new();
    for n in 0..REPEAT * TEXT.lines().count() as i64 {
        for w in line(n).split(' ') {
            *expected.entry(w.to_owned()).or_insert(0u64) += 1;
        }
    }
    let words: u64 = expected.values().sum();

    let cluster = LocalCluster::new();
    cluster.submit("stateful-word-count", &config, topology(), RunOptions::new())?;
    let first = cluster.take("stateful-word-count")?;
    let tasks = first.plan().task_map();
    let deadline = Instant::now() + Duration::from_secs(60);
    let before = loop {
        let counts = committed(&config, &tasks);
        if counts.values().sum::<u64>() * 2 >= words {
            break counts;
        }
        if let Some(e) = first.failure() {
            return Err(e.into());
        }
        if Instant::now() > deadline {
            return Err("the first run made no progress within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    first.kill(Duration::ZERO)?;
    show("killed; committed counts", &before);

    let counted_before = COUNTED.load(Ordering::Relaxed);
    cluster.submit("stateful-word-count", &config, topology(), RunOptions::new())?;
    cluster.take("stateful-word-count")?.run_to_completion(Duration::from_secs(120))?;
    let after = committed(&config, &tasks);
    show("restarted and finished; committed counts", &after);
    let counted = COUNTED.load(Ordering::Relaxed) - counted_before;
    println!(
        "the restart replayed all {words} words from the first line and counted {counted}: \
         the other {} were recognized as committed before the kill",
        words.saturating_sub(counted)
    );
    if after == expected {
        println!("the counts are exact: every word counted once");
        Ok(())
    } else {
        Err(format!("the counts differ from the text's: {after:?} != {expected:?}").into())
    }
}
