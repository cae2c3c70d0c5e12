//! A topology over three worker processes of this test binary: exact word counts, and a fault test
//! that SIGKILLs a worker twice while a reliable topology runs.
//!
//! Each test re-executes this binary as its workers (the same test, selected by name); in a worker
//! the submit call runs the worker's share and exits the process.
#![allow(clippy::unwrap_used, reason = "tests may panic on failure")]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use squall_api::{
    BasicBolt, BasicCollector, Bolt, BoltCollector, ComponentError, Config, Failed, OutputDeclarer,
    TopologyBuilder, TopologyContext, Tuple, Values, values,
};
use squall_cluster::{TopologyHandle, submit_with};
use squall_runtime::RunOptions;
use squall_testing::FixedTupleSpout;

/// Multi-process tests run one at a time: they share two cores.
static SERIAL: Mutex<()> = Mutex::new(());

const SENTENCES: [&str; 4] = [
    "the cow jumped over the moon",
    "an apple a day keeps the doctor away",
    "four score and seven years ago",
    "snow white and the seven dwarfs",
];

fn sentences(n: usize) -> Vec<Values> {
    (0..n).map(|i| values![SENTENCES[i % 4]]).collect()
}

fn expected(n: usize) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for i in 0..n {
        for w in SENTENCES[i % 4].split(' ') {
            *m.entry(w.to_owned()).or_insert(0) += 1;
        }
    }
    m
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

/// Appends each word it receives to `<dir>/sink-<task>.txt`, written before the tuple is acked, so
/// the files survive the worker and hold every word at least once.
struct FileSink {
    dir: PathBuf,
    file: Option<std::fs::File>,
    /// Time spent per tuple, so that its queue holds tuples when its worker is killed.
    work: Duration,
}
impl Bolt for FileSink {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn prepare(&mut self, ctx: &TopologyContext) -> Result<(), ComponentError> {
        let path = self.dir.join(format!("sink-{}.txt", ctx.this_task_id()));
        self.file = Some(std::fs::OpenOptions::new().create(true).append(true).open(path)?);
        Ok(())
    }
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        let start = Instant::now();
        while start.elapsed() < self.work {
            std::hint::spin_loop();
        }
        let line = format!("{}\n", t.get_str(0).unwrap_or_default());
        match self.file.as_mut().map(|f| f.write_all(line.as_bytes())) {
            Some(Ok(())) => out.ack(&t),
            _ => out.fail(&t),
        }
    }
}

fn counts_in(dir: &PathBuf) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for w in text.lines() {
            *m.entry(w.to_owned()).or_insert(0) += 1;
        }
    }
    m
}

/// The output directory of `test`, the same in the test process and in its workers (whose parent
/// is the test process).
fn out_dir(test: &str) -> PathBuf {
    let root = match squall_cluster::WorkerSpec::from_env() {
        Ok(Some(_)) => std::os::unix::process::parent_id(),
        _ => std::process::id(),
    };
    std::env::temp_dir().join(format!("squall-cluster-{test}-{root}"))
}

/// [`out_dir`], emptied by the test process (workers find it ready).
fn fresh_out_dir(test: &str) -> PathBuf {
    let dir = out_dir(test);
    if squall_cluster::WorkerSpec::from_env().ok().flatten().is_none() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
    }
    dir
}

/// Arguments that make a worker run just `test`.
fn worker_args(test: &str) -> Option<Vec<OsString>> {
    Some(vec![test.into(), "--exact".into(), "--nocapture".into(), "--test-threads=1".into()])
}

fn word_count(test: &str, n: usize, config: &Config, work: Duration) -> TopologyHandle {
    let dir = out_dir(test);
    let mut b = TopologyBuilder::new();
    b.set_spout("sentences", 1, move || FixedTupleSpout::new(["sentence"], sentences(n)));
    b.set_basic_bolt("split", 3, || Split).shuffle_grouping("sentences");
    b.set_bolt("sink", 3, move || FileSink { dir: dir.clone(), file: None, work })
        .fields_grouping("split", ["word"]);
    submit_with(test, config, b.build().unwrap(), RunOptions::new(), worker_args(test)).unwrap()
}

#[test]
fn word_count_over_three_workers_counts_exactly() {
    const TEST: &str = "word_count_over_three_workers_counts_exactly";
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = fresh_out_dir(TEST);
    let mut config = Config::new();
    config.set_workers(3).set_max_spout_pending(500);
    let handle = word_count(TEST, 3_000, &config, Duration::ZERO);
    let TopologyHandle::Supervised(sup) = &handle else { panic!("three workers run supervised") };
    assert_eq!(sup.plan().workers, 3);
    let stats = handle.run_to_completion(Duration::from_secs(60)).unwrap();
    assert_eq!(counts_in(&dir), expected(3_000), "every word exactly once");
    let s = stats.component("sentences").unwrap();
    assert_eq!((s.emitted, s.acked, s.failed), (3_000, 3_000, 0));
    assert_eq!(stats.component("sink").unwrap().executed, expected(3_000).values().sum::<u64>());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_worker_killed_twice_loses_no_acked_message() {
    const TEST: &str = "a_worker_killed_twice_loses_no_acked_message";
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = fresh_out_dir(TEST);
    let mut config = Config::new();
    config.set_workers(3).set_max_spout_pending(200).set_message_timeout_secs(2);
    let handle = word_count(TEST, 10_000, &config, Duration::from_micros(40));
    let TopologyHandle::Supervised(sup) = &handle else { panic!("three workers run supervised") };
    // The spout's worker keeps its pending trees; kill another one, twice, while tuples flow.
    let plan = sup.plan().clone();
    let spout_task = plan.components[plan.component_index("sentences").unwrap()].tasks[0];
    let spout_worker = plan.placement(spout_task).unwrap().worker;
    let victim = (spout_worker + 1) % 3;
    for round in 0..2 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let acked = sup.stats().component("sentences").map_or(0, |c| c.acked);
            if acked >= 2_000 * (round + 1) {
                break;
            }
            assert!(Instant::now() < deadline, "no progress before kill {round}");
            std::thread::sleep(Duration::from_millis(20));
        }
        let pid = sup.worker_pids()[victim as usize].expect("victim running");
        let status = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        while sup.restarts()[victim as usize] < round as u32 + 1 {
            assert!(Instant::now() < deadline, "worker {victim} not restarted");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let stats = handle.run_to_completion(Duration::from_secs(120)).unwrap();
    let s = stats.component("sentences").unwrap();
    assert_eq!(s.acked, 10_000, "every message completed");
    assert!(s.failed > 0, "the spout saw the lost tuples fail and replayed them");
    let got = counts_in(&dir);
    for (word, n) in expected(10_000) {
        assert!(got.get(&word).copied().unwrap_or(0) >= n, "{word}: {:?} < {n}", got.get(&word));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn garbage_and_oversized_frames_on_a_worker_port_change_nothing() {
    const TEST: &str = "garbage_and_oversized_frames_on_a_worker_port_change_nothing";
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = fresh_out_dir(TEST);
    let mut config = Config::new();
    config.set_workers(3).set_max_spout_pending(100);
    let handle = word_count(TEST, 10_000, &config, Duration::ZERO);
    let TopologyHandle::Supervised(sup) = &handle else { panic!("three workers run supervised") };
    let pids = sup.worker_pids();
    for addr in sup.worker_addrs() {
        // Garbage, then a frame header claiming 4 GiB, then a truncated frame: each on its own
        // connection, each must be refused without harm.
        let attacks: [&[u8]; 3] = [
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\xff\xfe garbage",
            &[b'S', b'Q', 1, 2, 0xff, 0xff, 0xff, 0xff],
            &[b'S', b'Q', 1, 2, 10, 0, 0, 0, 1, 2],
        ];
        for bytes in attacks {
            if let Ok(mut s) = std::net::TcpStream::connect(addr) {
                let _ = s.write_all(bytes);
                let _ = s.flush();
            }
        }
    }
    handle.wait_until_finished(Duration::from_secs(60)).unwrap();
    let TopologyHandle::Supervised(sup) = &handle else { unreachable!() };
    assert_eq!(sup.restarts(), vec![0, 0, 0], "no worker died");
    assert_eq!(sup.worker_pids(), pids, "the same processes served throughout");
    let stats = handle.kill(Duration::ZERO).unwrap();
    assert_eq!(counts_in(&dir), expected(10_000), "every word exactly once despite the garbage");
    assert_eq!(stats.component("sentences").unwrap().acked, 10_000);
    let _ = std::fs::remove_dir_all(&dir);
}
