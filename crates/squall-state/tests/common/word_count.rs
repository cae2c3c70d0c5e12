//! The exactly-once word count: numbered sentences → split → stateful count (fields grouping) →
//! stateful total (global grouping), where every bolt fails a seeded share of its inputs, and the
//! topology can be killed mid-run and submitted again against the same state.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use squall_api::config::{
    TOPOLOGY_STATE_CHECKPOINT_INTERVAL_MS, TOPOLOGY_STATE_PROVIDER, TOPOLOGY_STATE_PROVIDER_CONFIG,
};
use squall_api::{
    Bolt, BoltCollector, Config, Failed, OutputDeclarer, Spout, SpoutCollector, Topology, TopologyContext,
    Tuple, Value, values,
};
use squall_runtime::{LocalCluster, RunOptions};
use squall_state::{
    CompletedPrefix, Dedup, KeyValueState, StatefulBolt, StatefulTopologyBuilder, load_committed, namespace,
    provider_from_config,
};

const VOCABULARY: &[&str] =
    &["the", "cow", "jumped", "over", "moon", "a", "dish", "ran", "away", "with", "spoon"];

/// Line `line` of the input: 3 to 9 words, a deterministic function of the line number.
pub fn sentence(line: i64) -> String {
    let mut rng = fastrand::Rng::with_seed(line as u64 ^ 0x5eed);
    let n = rng.usize(3..10);
    (0..n).map(|_| VOCABULARY[rng.usize(..VOCABULARY.len())]).collect::<Vec<_>>().join(" ")
}

/// The exact counts of lines `0..lines`.
pub fn expected_counts(lines: i64) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for line in 0..lines {
        for w in sentence(line).split(' ') {
            *counts.entry(w.to_owned()).or_insert(0) += 1;
        }
    }
    counts
}

/// Emits lines `0..lines` as (line, sentence, done_below), replaying failed lines; finished once
/// every line is acked. A new instance (a restarted topology) starts again from line 0.
pub struct Sentences {
    lines: i64,
    next: i64,
    replay: VecDeque<i64>,
    done: CompletedPrefix,
    acked: i64,
}

impl Sentences {
    pub fn new(lines: i64) -> Self {
        Self { lines, next: 0, replay: VecDeque::new(), done: CompletedPrefix::new(0), acked: 0 }
    }
}

impl Spout for Sentences {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["line", "sentence", "done_below"]);
    }

    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        let line = match self.replay.pop_front() {
            Some(line) => line,
            None if self.next < self.lines => {
                self.next += 1;
                self.next - 1
            }
            None => return,
        };
        out.emit_with_id(values![line, sentence(line), self.done.watermark()], line);
    }

    fn ack(&mut self, msg_id: Value) {
        let line = msg_id.as_i64().unwrap();
        self.done.complete(line);
        self.acked += 1;
    }

    fn fail(&mut self, msg_id: Value) {
        self.replay.push_back(msg_id.as_i64().unwrap());
    }

    fn is_finished(&self) -> bool {
        self.acked >= self.lines
    }
}

/// A seeded failure injector per task.
pub struct Chaos {
    rng: fastrand::Rng,
    percent: u8,
}

impl Chaos {
    fn new(seed: u64, percent: u8) -> Self {
        Self { rng: fastrand::Rng::with_seed(seed), percent }
    }

    fn reseed(&mut self, context: &TopologyContext) {
        let seed = self.rng.u64(..) ^ u64::from(context.this_task_id().0.unsigned_abs());
        self.rng = fastrand::Rng::with_seed(seed);
    }

    fn strikes(&mut self) -> bool {
        self.rng.u8(..100) < self.percent
    }
}

/// Splits sentences into (word, line, index, done_below); fails a share of the sentences *after*
/// emitting their words, so part of a failed tree reaches the counts.
pub struct Split(Chaos);

impl Bolt for Split {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word", "line", "index", "done_below"]);
    }

    fn prepare(&mut self, context: &TopologyContext) -> Result<(), squall_api::ComponentError> {
        self.0.reseed(context);
        Ok(())
    }

    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        let line = t.get_i64(0).unwrap();
        let done_below = t.get_i64(2).unwrap();
        for (i, w) in t.get_str(1).unwrap().split(' ').enumerate() {
            out.emit(&[&t], values![w, line, i as i64, done_below]);
        }
        if self.0.strikes() { out.fail(&t) } else { out.ack(&t) }
    }
}

/// Counts words; emits (word, count, line, index, done_below); fails a share of words (without
/// counting them) and some prepares (forcing rollbacks).
pub struct Count {
    chaos: Chaos,
    executed: Arc<AtomicU64>,
    failed_prepares: std::collections::HashSet<i64>,
}

impl StatefulBolt for Count {
    type Key = String;
    type Value = u64;

    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["word", "count", "line", "index", "done_below"]);
    }

    fn prepare(&mut self, context: &TopologyContext) -> Result<(), squall_api::ComponentError> {
        self.chaos.reseed(context);
        Ok(())
    }

    fn execute(&mut self, t: Tuple, state: &mut KeyValueState<String, u64>, out: &mut BoltCollector<'_>) {
        self.executed.fetch_add(1, Ordering::Relaxed);
        if self.chaos.strikes() {
            out.fail(&t);
            return;
        }
        let word = t.get_str(0).unwrap().to_owned();
        let count = state.get_or(word.as_str(), 0) + 1;
        state.put(word.clone(), count);
        let v = t.values();
        out.emit(&[&t], values![word, count as i64, v[1].clone(), v[2].clone(), v[3].clone()]);
        out.ack(&t);
    }

    /// Fails the first attempt of every fourth transaction (from txid 1): each run rolls back.
    fn pre_prepare(&mut self, txid: i64, _: &mut KeyValueState<String, u64>) -> Result<(), Failed> {
        if txid % 4 == 1 && self.failed_prepares.insert(txid) {
            Err(Failed::new(format!("chaos at PREPARE({txid})")))
        } else {
            Ok(())
        }
    }
}

/// Counts every word it receives under key "words"; fails a share of them (without counting).
pub struct Total(Chaos);

impl StatefulBolt for Total {
    type Key = String;
    type Value = u64;

    fn declare_outputs(&self, _: &mut OutputDeclarer) {}

    fn prepare(&mut self, context: &TopologyContext) -> Result<(), squall_api::ComponentError> {
        self.0.reseed(context);
        Ok(())
    }

    fn execute(&mut self, t: Tuple, state: &mut KeyValueState<String, u64>, out: &mut BoltCollector<'_>) {
        if self.0.strikes() {
            out.fail(&t);
            return;
        }
        let total = state.get_or("words", 0) + 1;
        state.put("words".into(), total);
        out.ack(&t);
    }
}

/// How the word count runs.
pub struct WordCount {
    pub name: String,
    pub lines: i64,
    pub fail_percent: u8,
    pub config: Config,
    /// Executions of the count bolt, all runs.
    pub count_executed: Arc<AtomicU64>,
    /// False runs Storm's at-least-once protocol alone.
    pub dedup: bool,
    /// Failed checkpoint tuples (each one a recovery), all runs.
    pub checkpoint_failures: Arc<AtomicU64>,
    /// Tasks of split and count (1 lets the runtime chain split → count → total in one thread).
    pub parallelism: u32,
}

impl WordCount {
    /// `provider` and `provider_config` select the backend.
    pub fn new(name: &str, lines: i64, provider: &str, provider_config: Option<String>) -> Self {
        let mut config = Config::new();
        config.set(TOPOLOGY_STATE_CHECKPOINT_INTERVAL_MS, 100);
        config.set(TOPOLOGY_STATE_PROVIDER, provider);
        if let Some(c) = provider_config {
            config.set(TOPOLOGY_STATE_PROVIDER_CONFIG, c);
        }
        config.set_max_spout_pending(64);
        Self {
            name: name.to_owned(),
            lines,
            fail_percent: 5,
            config,
            count_executed: Arc::default(),
            dedup: true,
            checkpoint_failures: Arc::default(),
            parallelism: 2,
        }
    }

    pub fn topology(&self, run: u64) -> Topology {
        let lines = self.lines;
        let p = self.fail_percent;
        let executed = self.count_executed.clone();
        let dedup = self.dedup.then(|| Dedup::fields(["line", "index"]).with_watermark("line", "done_below"));
        let mut b = StatefulTopologyBuilder::new();
        b.set_spout("sentences", 1, move || Sentences::new(lines));
        let n = self.parallelism;
        b.set_bolt("split", n, move || Split(Chaos::new(run * 31 + 1, p))).shuffle_grouping("sentences");
        let mut count = b.set_stateful_bolt("count", n, move || Count {
            chaos: Chaos::new(run * 31 + 2, p),
            executed: executed.clone(),
            failed_prepares: Default::default(),
        });
        if let Some(d) = &dedup {
            count.with_dedup(d.clone());
        }
        count.fields_grouping("split", ["word"]);
        let mut total = b.set_stateful_bolt("total", 1, move || Total(Chaos::new(run * 31 + 3, p)));
        if let Some(d) = &dedup {
            total.with_dedup(d.clone());
        }
        total.global_grouping("count");
        b.build().expect("a valid topology")
    }

    /// The committed counts of every count task, and the committed total.
    pub fn committed(
        &self,
        tasks: &BTreeMap<squall_api::ComponentId, Vec<squall_api::TaskId>>,
    ) -> (BTreeMap<String, u64>, u64) {
        let provider = provider_from_config(&self.config, &self.name).expect("the provider");
        let mut counts = BTreeMap::new();
        for task in &tasks["count"] {
            let part: HashMap<String, u64> =
                load_committed(provider.as_ref(), &namespace("count", *task)).expect("readable");
            for (w, n) in part {
                assert!(counts.insert(w.clone(), n).is_none(), "word '{w}' counted by two tasks");
            }
        }
        let total: HashMap<String, u64> =
            load_committed(provider.as_ref(), &namespace("total", tasks["total"][0])).expect("readable");
        (counts, total.get("words").copied().unwrap_or(0))
    }

    /// Runs until the committed total reaches `fraction` of all words, then kills the topology.
    /// Returns the committed total at the kill.
    pub fn run_and_kill(&self, cluster: &LocalCluster, run: u64, fraction: f64) -> u64 {
        let words: u64 = expected_counts(self.lines).values().sum();
        let target = (words as f64 * fraction) as u64;
        cluster.submit(&self.name, &self.config, self.topology(run), RunOptions::new()).expect("submitted");
        let tasks = cluster.take(&self.name).expect("running");
        let map = tasks.plan().task_map();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(e) = tasks.failure() {
                panic!("run {run} failed: {e}");
            }
            let (_, total) = self.committed(&map);
            if total >= target {
                let stats = tasks.kill(Duration::ZERO).expect("killed cleanly");
                let checkpoints = stats.component("$checkpointspout").expect("the checkpoint spout");
                self.checkpoint_failures.fetch_add(checkpoints.failed, Ordering::Relaxed);
                return total;
            }
            assert!(
                Instant::now() < deadline,
                "run {run}: the committed total stayed at {total} < {target} for 120 s"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Runs to completion; returns the committed counts and total.
    pub fn run_to_end(&self, cluster: &LocalCluster, run: u64) -> (BTreeMap<String, u64>, u64) {
        cluster.submit(&self.name, &self.config, self.topology(run), RunOptions::new()).expect("submitted");
        let running = cluster.take(&self.name).expect("running");
        let map = running.plan().task_map();
        let stats =
            running.run_to_completion(Duration::from_secs(180)).unwrap_or_else(|e| panic!("run {run}: {e}"));
        let checkpoints = stats.component("$checkpointspout").expect("the checkpoint spout");
        self.checkpoint_failures.fetch_add(checkpoints.failed, Ordering::Relaxed);
        self.committed(&map)
    }

    /// Runs a topology expected to stop with an error; returns the error's text.
    pub fn run_expecting_failure(&self, cluster: &LocalCluster, run: u64) -> String {
        cluster.submit(&self.name, &self.config, self.topology(run), RunOptions::new()).expect("submitted");
        let running = cluster.take(&self.name).expect("running");
        match running.run_to_completion(Duration::from_secs(60)) {
            Ok(_) => panic!("run {run} finished although its state is damaged"),
            Err(e) => e.to_string(),
        }
    }

    /// The task ids of every component, as the runtime numbers them.
    pub fn task_map(&self) -> BTreeMap<squall_api::ComponentId, Vec<squall_api::TaskId>> {
        squall_runtime::Plan::new(&self.name, &self.topology(0), &self.config).task_map()
    }

    /// Kills the topology once at each of `kills` (fractions of the committed total), then runs it
    /// to the end, and checks the counts are exact.
    pub fn check_exactly_once(&self, kills: &[f64]) {
        let cluster = LocalCluster::new();
        let words: u64 = expected_counts(self.lines).values().sum();
        let mut run = 0;
        for &fraction in kills {
            let total = self.run_and_kill(&cluster, run, fraction);
            eprintln!("{}: run {run} killed at a committed total of {total} words of {words}", self.name);
            assert!(total <= words, "run {run} committed {total} words of {words}");
            run += 1;
        }
        let before = self.count_executed.load(Ordering::Relaxed);
        let (counts, total) = self.run_to_end(&cluster, run);
        let last_run = self.count_executed.load(Ordering::Relaxed) - before;
        assert_eq!(counts, expected_counts(self.lines), "exact counts");
        assert_eq!(total, words, "the total received every word once");
        assert!(
            self.checkpoint_failures.load(Ordering::Relaxed) > 0,
            "some checkpoints failed and were rolled back"
        );
        if !kills.is_empty() {
            assert!(
                last_run < words,
                "the restarted run carried on from the checkpoint: it executed {last_run} words of {words}"
            );
        }
    }
}
