//! The end of a run as the user sees it: a status line, the statistics table, the JSON file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use serde::Serialize;
use squall::TopologyStats;

/// Why the run ended, as `--stats-json` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExitReason {
    /// Every spout finished and no tuple tree was pending.
    Finished,
    /// `--duration` passed.
    Duration,
    /// Ctrl-C.
    Interrupted,
    /// A component failed beyond the runtime's restarts.
    Failed,
}

/// The document `--stats-json` writes.
#[derive(Debug, Serialize)]
pub struct RunReport<'a> {
    /// The topology's name.
    pub topology: &'a str,
    /// Why the run ended.
    pub exit_reason: ExitReason,
    /// Seconds from submission to the end of the shutdown.
    pub duration_secs: f64,
    /// The failure, when the run failed (or failed while shutting down).
    pub error: Option<String>,
    /// The final statistics; `null` when a failure during shutdown left none.
    pub stats: Option<&'a TopologyStats>,
}

/// The line that says how the run ended.
pub fn status_line(topology: &str, reason: ExitReason, elapsed: Duration, limit: Option<Duration>) -> String {
    let secs = elapsed.as_secs_f64();
    match reason {
        ExitReason::Finished => format!(
            "squall: topology '{topology}' finished after {secs:.2} s: every spout is done and no tuple tree is pending"
        ),
        ExitReason::Duration => {
            let limit = limit.map(|l| humantime::format_duration(l).to_string()).unwrap_or_default();
            format!("squall: topology '{topology}' stopped after {secs:.2} s (--duration {limit})")
        }
        ExitReason::Interrupted => {
            format!("squall: topology '{topology}' interrupted after {secs:.2} s; stopped")
        }
        ExitReason::Failed => format!("squall: topology '{topology}' failed after {secs:.2} s"),
    }
}

/// Writes `report` as pretty JSON to `path`.
///
/// # Errors
/// The file cannot be created or written.
pub fn write_json(path: &Path, report: &RunReport<'_>) -> anyhow::Result<()> {
    let write = || -> std::io::Result<()> {
        let mut out = BufWriter::new(File::create(path)?);
        serde_json::to_writer_pretty(&mut out, report)?;
        out.write_all(b"\n")?;
        out.flush()
    };
    write().with_context(|| format!("cannot write the statistics to {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_names_reason_duration_and_stats() {
        let stats = TopologyStats { topology: "words".into(), ..TopologyStats::default() };
        let report = RunReport {
            topology: "words",
            exit_reason: ExitReason::Duration,
            duration_secs: 1.5,
            error: None,
            stats: Some(&stats),
        };
        let json: serde_json::Value = serde_json::to_value(&report).unwrap();
        assert_eq!(json["topology"], "words");
        assert_eq!(json["exit_reason"], "duration");
        assert_eq!(json["duration_secs"], 1.5);
        assert!(json["error"].is_null());
        assert_eq!(json["stats"]["topology"], "words");
        assert!(json["stats"]["components"].is_array());
    }

    #[test]
    fn status_lines() {
        let d = Duration::from_millis(3250);
        assert_eq!(
            status_line("w", ExitReason::Duration, d, Some(Duration::from_secs(3))),
            "squall: topology 'w' stopped after 3.25 s (--duration 3s)"
        );
        assert!(status_line("w", ExitReason::Finished, d, None).contains("finished after 3.25 s"));
    }
}
