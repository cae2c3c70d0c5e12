//! `squall local --dry-run`: the topology printed, nothing started.

mod common;

use std::time::Duration;

use common::{fixture, run, squall};

const DEADLINE: Duration = Duration::from_secs(30);

#[test]
fn prints_every_grouping_stream_and_config_without_running() {
    let dir = fixture("groupings");
    let out = run(
        squall()
            .args(["local", "--dry-run", "--filter"])
            .arg(dir.join("groupings.properties"))
            .arg(dir.join("topology.yaml"))
            .args(["-c", "topology.debug=true"]),
        DEADLINE,
    );
    assert_eq!(out.code(), 0, "{out}");
    let golden = std::fs::read_to_string(dir.join("dry-run.txt")).unwrap();
    assert_eq!(out.stdout, golden, "{out}");
    // The bolt no stream ends at is reported where it is defined.
    let file = dir.join("topology.yaml");
    let warning = format!("{}:51:9: bolts[9].id: bolt 'orphan' is left out of the topology", file.display());
    assert!(out.stderr.contains(&warning), "{out}");
    // Nothing ran: no statistics table, and the shell bolt's missing program was never started.
    assert!(!out.stdout.contains("component "), "{out}");
    assert!(!out.stderr.contains("no-such-program"), "{out}");
}

#[test]
fn config_overrides_are_validated_in_a_dry_run() {
    let dir = fixture("groupings");
    let out = run(
        squall()
            .args(["local", "-d", "--filter"])
            .arg(dir.join("groupings.properties"))
            .arg(dir.join("topology.yaml"))
            .args(["-c", "topology.workers=0"]),
        DEADLINE,
    );
    assert_eq!(out.code(), 3, "{out}");
    assert!(out.stderr.contains("topology.workers"), "{out}");
    assert!(out.stderr.contains("must be at least 1, got 0"), "{out}");
    assert!(out.stdout.is_empty(), "{out}");
}
