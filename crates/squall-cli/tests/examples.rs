//! The Flux examples in `examples/flux/`, run by `squall local` as their READMEs say.
#![allow(clippy::unwrap_used, reason = "tests may panic on failure")]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{copy_of, count, python, read_jsonl, read_stats, repo_root, run, squall};

/// The word count's rule (splitter.py): lower case, split on whitespace, strip punctuation.
fn expected_counts(text: &str) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for word in text.split_whitespace() {
        let word = word.to_lowercase();
        let word = word.trim_matches(|c| ".,;:!?\"'()".contains(c));
        if !word.is_empty() {
            *counts.entry(word.to_owned()).or_insert(0) += 1;
        }
    }
    counts
}

#[test]
fn the_python_word_count_counts_every_word_exactly() {
    python_word_count(&[]);
}

#[test]
fn the_python_word_count_over_three_worker_processes_counts_every_word_exactly() {
    python_word_count(&["--workers", "3"]);
}

fn python_word_count(extra: &[&str]) {
    let python = python();
    let dir = copy_of(&repo_root().join("examples/flux/wordcount"), &["counts.jsonl"]);
    let stats_path = dir.path().join("stats.json");
    let out = run(
        squall()
            .env("SQUALL_PYTHON", &python)
            .arg("local")
            .arg(dir.path().join("topology.yaml"))
            .arg("--stats-json")
            .arg(&stats_path)
            .args(extra),
        Duration::from_secs(120),
    );
    assert_eq!(out.code(), 0, "{out}");
    assert!(
        out.stderr.contains("topology 'wordcount' finished after"),
        "the run ends by itself once every line is acked: {out}"
    );

    let sentences = std::fs::read_to_string(dir.path().join("sentences.txt")).unwrap();
    let lines = sentences.lines().count() as u64;
    let expected = expected_counts(&sentences);
    let words: u64 = expected.values().sum();
    let rows = read_jsonl(&dir.path().join("counts.jsonl"));
    // One [word, count] per word occurrence; the last count of a word is its total.
    assert_eq!(rows.len() as u64, words, "one row per word: {rows:?}");
    let mut last = BTreeMap::new();
    for row in &rows {
        let word = row["word"].as_str().expect("a word").to_owned();
        let n = row["count"].as_u64().expect("an integer count");
        let previous = last.insert(word.clone(), n).unwrap_or(0);
        assert_eq!(n, previous + 1, "counts of '{word}' go up by one");
    }
    assert_eq!(last, expected);

    let stats = read_stats(&stats_path);
    assert_eq!(stats["topology"], "wordcount");
    assert_eq!(stats["exit_reason"], "finished");
    assert!(stats["duration_secs"].as_f64().unwrap() > 0.0);
    assert!(stats["error"].is_null());
    assert_eq!(count(&stats, "sentences", "emitted"), lines);
    assert_eq!(count(&stats, "sentences", "acked"), lines);
    assert_eq!(count(&stats, "sentences", "failed"), 0);
    assert_eq!(count(&stats, "split", "executed"), lines);
    assert_eq!(count(&stats, "split", "acked"), lines);
    assert_eq!(count(&stats, "split", "emitted"), words);
    assert_eq!(count(&stats, "count", "executed"), words);
    assert_eq!(count(&stats, "count", "emitted"), words);
    assert_eq!(count(&stats, "counts", "executed"), words);
    assert_eq!(count(&stats, "counts", "acked"), words);
    // The table on stdout shows the same figures.
    let split_row = out.stdout.lines().find(|l| l.starts_with("split ")).expect("a row for split");
    assert!(split_row.split_whitespace().any(|f| f == words.to_string()), "{split_row}");
}

#[test]
fn the_exclamation_topology_runs_for_its_duration() {
    let python = python();
    let dir = copy_of(&repo_root().join("examples/flux/exclamation"), &[]);
    let stats_path = dir.path().join("stats.json");
    let out = run(
        squall()
            .env("SQUALL_PYTHON", &python)
            .args(["--log-level", "info", "local"])
            .arg(dir.path().join("topology.yaml"))
            .args(["--duration", "3s", "--progress-interval", "1s", "--stats-json"])
            .arg(&stats_path),
        Duration::from_secs(60),
    );
    assert_eq!(out.code(), 0, "{out}");
    assert!(out.stderr.contains("topology 'exclamation' stopped after"), "{out}");
    assert!(out.stderr.contains("squall: 'exclamation' running "), "progress lines: {out}");

    let stats = read_stats(&stats_path);
    assert_eq!(stats["exit_reason"], "duration");
    let secs = stats["duration_secs"].as_f64().unwrap();
    assert!((3.0..30.0).contains(&secs), "ran {secs} s for --duration 3s");
    let words = count(&stats, "word", "emitted");
    let exclaimed = count(&stats, "exclaim2", "emitted");
    assert!(words > 0 && exclaimed > 0, "{stats:#}");
    assert!(exclaimed <= count(&stats, "exclaim1", "emitted"));
    assert!(count(&stats, "exclaim1", "emitted") <= words);

    // LogInfoBolt logs what reaches it: TestWordSpout's words with "!!!" twice, nothing else.
    let logged: Vec<&str> = out.stderr.lines().filter(|l| l.contains("squall_flux::LogInfoBolt")).collect();
    assert!(!logged.is_empty(), "{out}");
    for line in &logged {
        let known = ["nathan", "mike", "jackson", "golda", "bertels"]
            .iter()
            .any(|w| line.contains(&format!("\"{w}!!!!!!\"")));
        assert!(known, "unexpected tuple logged: {line}");
    }
}
