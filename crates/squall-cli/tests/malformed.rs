//! Files that cannot run: `squall local` exits non-zero and says where the problem is, as
//! `file:line:column: key path: what`.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Output, run, squall};

const DEADLINE: Duration = Duration::from_secs(30);

/// Writes `yaml` to a file in a temporary directory and runs `squall local` on it.
fn local(yaml: &str, extra: &[&str]) -> (Output, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("topology.yaml");
    std::fs::write(&file, yaml).expect("write the topology file");
    let out = run(squall().arg("local").arg(&file).args(extra), DEADLINE);
    (out, file, dir)
}

/// The message `squall` prints for an invalid file, with the file's path shown as given.
fn expect_invalid(out: &Output, file: &Path, located: &str) {
    assert_eq!(out.code(), 3, "{out}");
    let expected = format!("squall: {}:{located}", file.display());
    assert!(
        out.stderr.lines().any(|l| l.starts_with(&expected)),
        "expected a line starting {expected:?}\n{out}"
    );
    assert!(out.stdout.is_empty(), "nothing runs, nothing is printed on stdout: {out}");
}

const GOOD: &str = r#"name: "words"
spouts:
  - id: "spout"
    className: "org.apache.storm.testing.TestWordSpout"
bolts:
  - id: "count"
    className: "org.apache.storm.testing.TestWordCounter"
streams:
  - from: "spout"
    to: "count"
    grouping:
      type: FIELDS
      args: ["word"]
"#;

#[test]
fn the_good_file_is_valid() {
    // The files below are this one with one mistake each.
    let (out, _, _dir) = local(GOOD, &["--dry-run"]);
    assert_eq!(out.code(), 0, "{out}");
}

#[test]
fn a_yaml_syntax_error() {
    let yaml = GOOD.replace("    to: \"count\"", "    to: [\"count\"");
    let (out, file, _dir) = local(&yaml, &[]);
    // The parser notices the unclosed list at the next key.
    expect_invalid(&out, &file, "11:13: YAML syntax error: ");
}

#[test]
fn an_unknown_class_name() {
    let yaml = GOOD.replace("TestWordCounter", "TestWordCountr");
    let (out, file, _dir) = local(&yaml, &[]);
    expect_invalid(&out, &file, "7:16: bolts[0].className: ");
    assert!(out.stderr.contains("org.apache.storm.testing.TestWordCountr"), "{out}");
}

#[test]
fn a_grouping_on_a_field_the_stream_does_not_declare() {
    let yaml = GOOD.replace("args: [\"word\"]", "args: [\"wrod\"]");
    let (out, file, _dir) = local(&yaml, &[]);
    expect_invalid(&out, &file, "13:13: ");
    assert!(out.stderr.contains("'wrod'"), "{out}");
}

#[test]
fn an_unknown_grouping_type() {
    let yaml = GOOD.replace("type: FIELDS", "type: FEILDS");
    let (out, file, _dir) = local(&yaml, &[]);
    expect_invalid(&out, &file, "12:13: streams[0].grouping.type: unknown grouping type 'FEILDS'");
}

#[test]
fn a_config_value_of_the_wrong_kind() {
    let yaml = GOOD
        .replace("name: \"words\"\n", "name: \"words\"\nconfig:\n  topology.message.timeout.secs: soon\n");
    let (out, file, _dir) = local(&yaml, &[]);
    expect_invalid(&out, &file, "3:");
    assert!(out.stderr.contains("topology.message.timeout.secs"), "{out}");
}

#[test]
fn a_placeholder_without_a_value() {
    let yaml = GOOD.replace("name: \"words\"", "name: \"${ENV-SQUALL_CLI_TEST_NEVER_SET}\"");
    let (out, file, _dir) = local(&yaml, &["--env-filter"]);
    expect_invalid(&out, &file, "1:");
    assert!(out.stderr.contains("SQUALL_CLI_TEST_NEVER_SET"), "{out}");
}

#[test]
fn a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nowhere.yaml");
    let out = run(squall().arg("local").arg(&file), DEADLINE);
    assert_eq!(out.code(), 3, "{out}");
    assert!(out.stderr.contains(&format!("{}: cannot read the file", file.display())), "{out}");
}

#[test]
fn usage_errors_exit_with_status_2() {
    let out = run(squall().args(["local"]), DEADLINE);
    assert_eq!(out.code(), 2, "{out}");
    assert!(out.stderr.contains("<FILE>"), "{out}");
    let out = run(squall().args(["local", "t.yaml", "--duration", "10"]), DEADLINE);
    assert_eq!(out.code(), 2, "a duration needs a unit: {out}");
    let (out, _, _dir) = local(GOOD, &["-c", "topology.workers"]);
    assert_eq!(out.code(), 2, "{out}");
    assert!(out.stderr.contains("expected KEY=VALUE"), "{out}");
    let out = run(squall().args(["--log-level", "info,[", "version"]), DEADLINE);
    assert_eq!(out.code(), 2, "{out}");
    assert!(out.stderr.contains("invalid --log-level"), "{out}");
}

#[test]
fn version_prints_storms_three_lines() {
    let out = run(squall().arg("version"), DEADLINE);
    assert_eq!(out.code(), 0, "{out}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], format!("Squall {}", env!("CARGO_PKG_VERSION")));
    assert!(lines[1].starts_with("Branch "), "{out}");
    assert!(lines[2].starts_with("From source with commit "), "{out}");
}
