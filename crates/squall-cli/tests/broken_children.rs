//! Python bolts that break: the run ends (never hangs), exits non-zero once the restart budget
//! (`squall.executor.restarts.per.minute: 1` in the fixture) is used up, and says which component
//! and task, which command, and what input; a child that dies once is restarted and the reliable
//! spout's lost lines are replayed, so the output is still exact.

mod common;

use std::time::Duration;

use common::{
    Output, component, copy_of, count, fixture, multiset, python, read_jsonl, read_stats, run, squall,
};

/// Longest a run may take: a few heartbeat and message timeouts of 2 s each, with slack for a
/// loaded machine.
const DEADLINE: Duration = Duration::from_secs(90);

/// Lines of `lines.txt`; the 7th holds "poison".
const LINES: usize = 12;

struct Outcome {
    out: Output,
    stats: serde_json::Value,
    rows: Vec<serde_json::Value>,
    command: String,
}

/// Runs the `broken` fixture with `BROKEN_MODE=mode` in a fresh directory.
fn run_broken(mode: &str) -> Outcome {
    let python = python();
    let dir = copy_of(&fixture("broken"), &[]);
    let stats_path = dir.path().join("stats.json");
    let out = run(
        squall()
            .env("SQUALL_PYTHON", &python)
            .env("BROKEN_MODE", mode)
            .args(["--log-level", "warn", "local", "--env-filter", "--stats-json"])
            .arg(&stats_path)
            .arg(dir.path().join("topology.yaml")),
        DEADLINE,
    );
    let stats = read_stats(&stats_path);
    let rows = read_jsonl(&dir.path().join("out.jsonl"));
    let resources = std::path::absolute(dir.path()).expect("an absolute path");
    let command = format!(
        "component 'work' runs [{:?}, \"broken.py\", \"{mode}\"] in {}",
        python.display().to_string(),
        resources.display()
    );
    Outcome { out, stats, rows, command }
}

/// The run failed as it should: exit 1 after the restart budget, the error naming the component,
/// a task, the command, and `inputs` (what the child was given or wrote).
fn assert_failed(o: &Outcome, cause: &str, inputs: &[&str]) {
    let out = &o.out;
    assert_eq!(out.code(), 1, "{out}");
    let report =
        out.stderr.lines().skip_while(|l| !l.starts_with("squall: topology 'broken-")).collect::<Vec<_>>();
    assert!(!report.is_empty(), "no failure report: {out}");
    let report = report.join("\n");
    assert!(report.contains("failed after"), "{report}");
    assert!(report.contains(&o.command), "expected {:?} in the report:\n{report}", o.command);
    assert!(report.contains("caused by: component 'work' task "), "{report}");
    assert!(report.contains("within a minute (restart budget 1)"), "{report}");
    assert!(report.contains("ShellBolt 'work' task "), "{report}");
    assert!(report.contains(cause), "expected {cause:?} in the report:\n{report}");
    for input in inputs {
        assert!(report.contains(input), "expected {input:?} in the report:\n{report}");
    }

    assert_eq!(o.stats["exit_reason"], "failed");
    let error = o.stats["error"].as_str().expect("the error is in the statistics");
    assert!(error.contains("component 'work' task "), "{error}");
    let errors = component(&o.stats, "work")["errors"].as_array().expect("errors").clone();
    assert!(!errors.is_empty(), "the crashes are recorded as the component's errors: {:#}", o.stats);
    // Lines other than the poison went through, each at most once per replay; never the poison.
    assert!(o.rows.iter().all(|r| !r["line"].as_str().is_some_and(|l| l.contains("poison"))), "{:?}", o.rows);
}

#[test]
fn a_bolt_that_raises_an_exception() {
    let o = run_broken("raise");
    // pystorm reports the traceback with the `error` command, fails the tuple, exits with status 1.
    let reported = [
        "caused by: the subprocess reported: Shell Process Exception: Python ValueError raised while processing",
        "line='line 7 poison'",
        "ValueError: cannot handle 'line 7 poison'",
    ];
    assert_failed(&o, "exit status: 1", &reported);
    let errors = format!("{}", component(&o.stats, "work")["errors"]);
    assert!(errors.contains("ValueError: cannot handle 'line 7 poison'"), "{errors}");
}

#[test]
fn a_bolt_that_exits_mid_stream() {
    let o = run_broken("exit");
    assert_failed(
        &o,
        "Pipe to subprocess seems to be broken!",
        &["dying on 'line 7 poison'", "exit status: 3"],
    );
}

#[test]
fn a_bolt_that_writes_invalid_json() {
    let o = run_broken("invalid_json");
    assert_failed(&o, "message is not valid JSON", &["not json: 'line 7 poison'"]);
}

#[test]
fn a_bolt_that_never_answers_heartbeats() {
    let o = run_broken("silent");
    // The error names the tuple the child was sent last (by id and source), not its values.
    assert_failed(&o, "subprocess heartbeat timeout", &["(last sent: tuple \"", "from lines:default"]);
}

#[test]
fn a_bolt_that_dies_once_is_restarted_and_no_line_is_lost() {
    let o = run_broken("die_once");
    assert_eq!(o.out.code(), 0, "{}", o.out);
    assert_eq!(o.stats["exit_reason"], "finished");
    // Every line exactly once, the poison line included (after the restart).
    let got = multiset(
        o.rows
            .iter()
            .map(|r| (r["line"].as_str().unwrap().to_owned(), r["upper"].as_str().unwrap().to_owned())),
    );
    let expected = multiset((1..=LINES).map(|i| {
        let line = if i == 7 { "line 7 poison".to_owned() } else { format!("line {i}") };
        let upper = line.to_uppercase();
        (line, upper)
    }));
    assert_eq!(got, expected);
    assert_eq!(count(&o.stats, "lines", "acked"), LINES as u64);
    assert!(count(&o.stats, "lines", "failed") >= 1, "the lost lines timed out: {:#}", o.stats);
    assert_eq!(count(&o.stats, "out", "acked"), LINES as u64);
    let errors = format!("{}", component(&o.stats, "work")["errors"]);
    assert!(errors.contains("dying on 'line 7 poison'"), "the crash is recorded: {errors}");
}
