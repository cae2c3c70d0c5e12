//! `squall local` on Rust-only topologies: how runs end (duration, finish, SIGTERM), progress
//! lines and `--quiet`, `-c` overrides, and what `--stats-json` holds.

mod common;

use std::time::Duration;

use common::{count, read_jsonl, read_stats, run, squall, start, wait_for};

const DEADLINE: Duration = Duration::from_secs(60);

/// TestWordSpout (never finishes) feeding TestWordCounter.
const WORDS: &str = r#"name: "words"
spouts:
  - id: "spout"
    className: "org.apache.storm.testing.TestWordSpout"
bolts:
  - id: "count"
    className: "org.apache.storm.testing.TestWordCounter"
    parallelism: 2
streams:
  - from: "spout"
    to: "count"
    grouping:
      type: FIELDS
      args: ["word"]
"#;

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write a fixture");
    path
}

#[test]
fn a_duration_ends_an_endless_topology_with_progress_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "words.yaml", WORDS);
    let stats_path = dir.path().join("stats.json");
    let out = run(
        squall()
            .arg("local")
            .arg(&file)
            .args(["--duration", "1500ms", "--progress-interval", "300ms", "--stats-json"])
            .arg(&stats_path),
        DEADLINE,
    );
    assert_eq!(out.code(), 0, "{out}");
    assert!(out.stderr.contains("squall: topology 'words' stopped after "), "{out}");
    assert!(out.stderr.contains("(--duration 1s 500ms)"), "{out}");
    let progress: Vec<&str> =
        out.stderr.lines().filter(|l| l.starts_with("squall: 'words' running ")).collect();
    assert!(!progress.is_empty(), "{out}");
    assert!(progress.iter().all(|l| l.ends_with("failed (spout trees)")), "{progress:?}");

    let stats = read_stats(&stats_path);
    assert_eq!(stats["topology"], "words");
    assert_eq!(stats["exit_reason"], "duration");
    let secs = stats["duration_secs"].as_f64().unwrap();
    assert!((1.5..20.0).contains(&secs), "{secs}");
    // TestWordSpout emits about every 100 ms, unreliably: nothing is tracked or acked.
    let emitted = count(&stats, "spout", "emitted");
    assert!(emitted >= 1, "{stats:#}");
    assert_eq!(count(&stats, "spout", "acked"), 0);
    assert_eq!(count(&stats, "count", "emitted"), count(&stats, "count", "executed"));
    assert!(count(&stats, "count", "executed") <= emitted);
    // The same figures in the table on stdout.
    let row = out.stdout.lines().find(|l| l.starts_with("spout ")).expect("a row for the spout");
    assert!(row.split_whitespace().nth(2) == Some(emitted.to_string().as_str()), "{row} vs {emitted}");
}

#[test]
fn quiet_runs_print_no_progress() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "words.yaml", WORDS);
    let out = run(
        squall().arg("local").arg(&file).args([
            "--duration",
            "1s",
            "--progress-interval",
            "100ms",
            "--quiet",
        ]),
        DEADLINE,
    );
    assert_eq!(out.code(), 0, "{out}");
    assert!(!out.stderr.contains("running "), "{out}");
    assert!(out.stderr.contains("stopped after"), "{out}");
}

#[test]
fn a_bounded_topology_finishes_by_itself_with_overrides_applied() {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (1..=100).map(|i| format!("line {i}\n")).collect();
    write(&dir, "lines.txt", &lines);
    let file = write(
        &dir,
        "copy.yaml",
        r#"name: "copy"
spouts:
  - id: "lines"
    className: "squall.spouts.FileLineSpout"
    constructorArgs: ["lines.txt"]
bolts:
  - id: "sink"
    className: "squall.bolts.JsonLinesFileBolt"
    constructorArgs: ["out.jsonl"]
    parallelism: 3
streams:
  - from: "lines"
    to: "sink"
    grouping: {type: SHUFFLE}
"#,
    );
    let stats_path = dir.path().join("stats.json");
    let out = run(
        squall()
            .arg("local")
            .arg(&file)
            .args(["-c", "topology.max.spout.pending=7", "-c", "squall.chaining=false", "--stats-json"])
            .arg(&stats_path),
        DEADLINE,
    );
    assert_eq!(out.code(), 0, "{out}");
    assert!(out.stderr.contains("topology 'copy' finished after"), "{out}");
    let mut got: Vec<String> = read_jsonl(&dir.path().join("out.jsonl"))
        .iter()
        .map(|r| r["line"].as_str().unwrap().to_owned())
        .collect();
    got.sort();
    let mut expected: Vec<String> = lines.lines().map(String::from).collect();
    expected.sort();
    assert_eq!(got, expected);
    let stats = read_stats(&stats_path);
    assert_eq!(stats["exit_reason"], "finished");
    assert_eq!(count(&stats, "lines", "acked"), 100);
    assert_eq!(count(&stats, "sink", "executed"), 100);
    // Three executors for the sink: chaining off left them apart.
    assert_eq!(
        stats["stats"]["tasks"].as_array().unwrap().iter().filter(|t| t["component"] == "sink").count(),
        3
    );
}

#[test]
fn sigterm_stops_the_run_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "words.yaml", WORDS);
    let stats_path = dir.path().join("stats.json");
    let running = start(
        squall()
            .args(["--log-level", "info", "local"])
            .arg(&file)
            .args(["--quiet", "--stats-json"])
            .arg(&stats_path),
    );
    // The handler is installed before the topology starts, and the runtime logs its start.
    let started = wait_for(DEADLINE, || running.stderr_so_far().contains("topology started"));
    running.signal("TERM");
    let out = running.wait(Duration::from_secs(30));
    assert!(started, "{out}");
    assert_eq!(out.code(), 130, "{out}");
    let stats = read_stats(&stats_path);
    assert_eq!(stats["exit_reason"], "interrupted");
    assert!(out.stdout.starts_with("component "), "{out}");
}
