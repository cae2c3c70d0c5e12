//! Python components through the runtime: a pystorm spout feeding a Rust bolt (stopped with
//! Ctrl-C, which must shut down cleanly), and a pystorm bolt emitting on a named stream and asking
//! which tasks received each tuple.

mod common;

use std::time::Duration;

use common::{
    copy_of, count, fixture, multiset, python, read_jsonl, read_stats, run, squall, start, task_ids, wait_for,
};

const DEADLINE: Duration = Duration::from_secs(90);

const SPOUT_WORDS: [&str; 20] = [
    "apple", "pear", "fig", "plum", "cherry", "apple", "quince", "lime", "lemon", "fig", "mango", "kiwi",
    "apple", "date", "grape", "melon", "pear", "peach", "guava", "olive",
];

#[test]
fn a_python_spout_feeds_a_rust_bolt_until_ctrl_c() {
    let python = python();
    let dir = copy_of(&fixture("multilang"), &[]);
    let stats_path = dir.path().join("stats.json");
    let running = start(
        squall()
            .env("SQUALL_PYTHON", &python)
            .args(["--log-level", "warn", "local", "--env-filter", "--duration", "10m", "--stats-json"])
            .arg(&stats_path)
            .arg(dir.path().join("python_spout.yaml")),
    );
    // The spout writes "all-acked" once the sink has acked every word.
    let acked = dir.path().join("all-acked");
    let done = wait_for(DEADLINE, || acked.exists());
    running.interrupt();
    let out = running.wait(Duration::from_secs(30));
    assert!(done, "the spout's words were not all acked: {out}");
    assert_eq!(out.code(), 130, "Ctrl-C exits with 130 after a clean shutdown: {out}");
    assert!(out.stderr.contains("topology 'python-spout' interrupted after"), "{out}");
    assert!(out.stdout.starts_with("component "), "the statistics table is printed: {out}");

    let rows = read_jsonl(&dir.path().join("words.jsonl"));
    assert_eq!(
        multiset(rows.iter().map(|r| r["word"].as_str().unwrap().to_owned())),
        multiset(SPOUT_WORDS.map(String::from))
    );
    let stats = read_stats(&stats_path);
    assert_eq!(stats["exit_reason"], "interrupted");
    assert!(stats["error"].is_null(), "{stats:#}");
    assert_eq!(count(&stats, "words", "emitted"), 20);
    assert_eq!(count(&stats, "words", "acked"), 20);
    assert_eq!(count(&stats, "words", "failed"), 0);
    assert_eq!(count(&stats, "sink", "executed"), 20);
    assert_eq!(count(&stats, "sink", "acked"), 20);
}

#[test]
fn a_python_bolt_emits_on_a_named_stream_and_learns_the_task_ids() {
    let python = python();
    let dir = copy_of(&fixture("multilang"), &[]);
    let stats_path = dir.path().join("stats.json");
    let out = run(
        squall()
            .env("SQUALL_PYTHON", &python)
            .args(["--log-level", "warn", "local", "--env-filter", "--stats-json"])
            .arg(&stats_path)
            .arg(dir.path().join("named_streams.yaml")),
        DEADLINE,
    );
    assert_eq!(out.code(), 0, "{out}");
    let stats = read_stats(&stats_path);
    assert_eq!(stats["exit_reason"], "finished");

    let text = std::fs::read_to_string(dir.path().join("words.txt")).unwrap();
    let words: Vec<String> = text.split_whitespace().map(String::from).collect();
    let routed = read_jsonl(&dir.path().join("routed.jsonl"));
    assert_eq!(
        multiset(routed.iter().map(|r| r["word"].as_str().unwrap().to_owned())),
        multiset(words.clone())
    );

    // Each word went to exactly one word_sink task (fields grouping), the same one for equal words,
    // and the bolt was told which.
    let sinks = task_ids(&stats, "word_sink");
    assert_eq!(sinks.len(), 3, "{stats:#}");
    let reports = read_jsonl(&dir.path().join("report.jsonl"));
    assert_eq!(reports.len(), words.len(), "{reports:?}");
    let mut task_of = std::collections::BTreeMap::new();
    for r in &reports {
        let word = r["word"].as_str().unwrap().to_owned();
        let tasks: Vec<i64> =
            r["tasks"].as_array().expect("a list of task ids").iter().map(|t| t.as_i64().unwrap()).collect();
        assert_eq!(tasks.len(), 1, "{r}");
        assert!(sinks.contains(&tasks[0]), "task {} is not a word_sink task ({sinks:?})", tasks[0]);
        let first = *task_of.entry(word.clone()).or_insert(tasks[0]);
        assert_eq!(first, tasks[0], "'{word}' went to two tasks");
    }
    let lines = text.lines().count() as u64;
    assert_eq!(count(&stats, "lines", "acked"), lines);
    assert_eq!(count(&stats, "word_sink", "executed"), words.len() as u64);
    assert_eq!(count(&stats, "report", "executed"), words.len() as u64);
    assert_eq!(count(&stats, "route", "emitted"), 2 * words.len() as u64);
}

/// Regression: a shell bolt answers asynchronously, so its emits and acks arrive when its executor
/// has gone idle (through the task waker). They must still be sent on, not left in the executor's
/// outgoing batches until some other input happens to arrive (squall-runtime eebd53f flushed only
/// on the first idle iteration; every tree then timed out).
#[test]
fn regression_a_shell_bolts_late_emits_are_flushed_by_an_idle_executor() {
    let python = python();
    let dir = copy_of(&fixture("multilang"), &[]);
    let yaml = r#"
name: "late-emits"
config:
  squall.chaining: false
spouts:
  - id: "lines"
    className: "squall.spouts.FileLineSpout"
    constructorArgs: ["words.txt"]
bolts:
  - id: "route"
    className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"
    constructorArgs:
      - ["${ENV-SQUALL_PYTHON}", "streams_bolt.py"]
    configMethods:
      - name: "setDefaultStream"
        args: [["word", "tasks"]]
      - name: "setNamedStream"
        args: ["words", ["word"]]
  - id: "report"
    className: "squall.bolts.JsonLinesFileBolt"
    constructorArgs: ["report.jsonl"]
streams:
  - from: "lines"
    to: "route"
    grouping: {type: SHUFFLE}
  - from: "route"
    to: "report"
    grouping: {type: SHUFFLE}
"#;
    std::fs::write(dir.path().join("late.yaml"), yaml).unwrap();
    // Long enough for Python to start and a few words to pass many times over; the topology needs
    // well under a second once it works, and never finishes (every tree times out after 30 s) if
    // late emits are stranded.
    let out = run(
        squall()
            .env("SQUALL_PYTHON", &python)
            .args(["--log-level", "warn", "local", "--env-filter", "--duration", "20s"])
            .arg(dir.path().join("late.yaml")),
        Duration::from_secs(60),
    );
    assert_eq!(out.code(), 0, "{out}");
    assert!(
        out.stderr.contains("topology 'late-emits' finished after"),
        "ended by --duration, not by finishing: {out}"
    );
}
