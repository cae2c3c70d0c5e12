//! The `local` subcommand from start to end: load, override, validate, then dry-run or run.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Context;
use squall::{InvalidTopology, RunOptions, RuntimeError, TopologyError, TopologyStats};
use squall_flux::{FluxTopology, LoadOptions, Registry};

use super::report::{self, ExitReason, RunReport};
use super::supervise::{self, End, Watch};
use super::{overrides, shell_command};
use crate::args::LocalArgs;
use crate::commands::Outcome;
use crate::interrupt;

/// A run that stopped because a component failed: the runtime's error, plus the shell command of
/// the failed component when it has one.
#[derive(Debug, thiserror::Error)]
#[error("topology '{topology}' failed after {secs:.1} s{}", note.as_ref().map(|n| format!("; {n}")).unwrap_or_default())]
pub struct RunFailed {
    topology: String,
    secs: f64,
    note: Option<String>,
    #[source]
    cause: Crash,
}

/// The runtime's error, caused (as far as anyone can tell) by what the failed task's subprocess
/// last reported with the multilang `error` command: for a pystorm component, the exception and
/// the tuple it was processing, which the child's exit status alone does not show.
#[derive(Debug, thiserror::Error)]
#[error("{runtime}")]
pub struct Crash {
    runtime: RuntimeError,
    #[source]
    reported: Option<ChildReport>,
}

/// An error a subprocess reported before it failed.
#[derive(Debug, thiserror::Error)]
#[error("the subprocess reported: {0}")]
pub struct ChildReport(String);

/// `squall local`.
///
/// # Errors
/// An invalid file or config ([`squall_flux::FluxError`], [`InvalidTopology`]), a topology that
/// cannot start or fails while running ([`RunFailed`]), or an I/O error writing the output.
pub fn run(args: &LocalArgs) -> anyhow::Result<Outcome> {
    let options = LoadOptions { properties_file: args.filter.clone(), env_filter: args.env_filter };
    let mut loaded = squall_flux::load_file(&args.file, &options, &Registry::with_builtins())?;
    overrides::apply(&mut loaded.config, &args.config_overrides)?;
    validate_config(&loaded)?;
    if args.dry_run {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(loaded.describe().as_bytes()).context("cannot write to stdout")?;
        return Ok(Outcome::Done);
    }
    let interrupts = interrupt::install()?;
    let FluxTopology { name, mut config, topology, resources_dir, .. } = loaded;
    if let Some(workers) = args.workers {
        config.set_workers(workers);
    }

    let started = Instant::now();
    // With more than one worker this starts worker processes running this same command; in such a
    // worker, the call runs the worker's share and exits the process.
    let running = match squall_cluster::submit(
        &name,
        &config,
        topology,
        RunOptions::new().resources_dir(resources_dir),
    ) {
        Ok(running) => running,
        Err(cause) => {
            let note = shell_note(args, &options, &cause).map(|n| format!("; {n}")).unwrap_or_default();
            return Err(anyhow::Error::new(cause).context(format!("topology '{name}' cannot start{note}")));
        }
    };
    let progress = (!args.quiet).then_some(args.progress_interval).filter(|p| !p.is_zero());
    let watch = Watch { started, limit: args.duration, progress, interrupts: &interrupts };
    let end = supervise::watch(&running, &watch, &mut std::io::stderr());

    // A failed or interrupted run may not survive `kill` with its statistics: keep a snapshot.
    let snapshot = matches!(end, End::Failed(_) | End::Interrupted).then(|| running.stats());
    let interrupted = matches!(end, End::Interrupted);
    let (stats, failure, reason) = match (running.kill(Duration::ZERO), end) {
        (Ok(stats), End::Failed(e)) => (Some(stats), Some(e), ExitReason::Failed),
        (Ok(stats), End::Finished) => (Some(stats), None, ExitReason::Finished),
        (Ok(stats), End::Elapsed) => (Some(stats), None, ExitReason::Duration),
        (Ok(stats), End::Interrupted) => (Some(stats), None, ExitReason::Interrupted),
        // Ctrl-C from a terminal reaches the shell children too; their deaths are not the run's.
        (Err(e), End::Interrupted) => (snapshot, Some(e), ExitReason::Interrupted),
        (Err(e), _) => (snapshot, Some(e), ExitReason::Failed),
    };
    let elapsed = started.elapsed();
    let reported =
        finish(args, &name, &Ended { stats: stats.as_ref(), failure: failure.as_ref(), reason, elapsed });
    match (&reported, &failure) {
        // The run's failure matters more than a report that could not be written.
        (Err(e), Some(_)) => tracing::error!("{e:#}"),
        _ => reported?,
    }

    match failure {
        Some(cause) if !interrupted => {
            let note = shell_note(args, &options, &cause);
            let reported = child_report(stats.as_ref(), &cause);
            let cause = Crash { runtime: cause, reported };
            Err(RunFailed { topology: name, secs: elapsed.as_secs_f64(), note, cause }.into())
        }
        Some(cause) => {
            tracing::warn!(topology = %name, "a component failed while the run was being interrupted: {cause}");
            Ok(Outcome::Interrupted)
        }
        None if interrupted => Ok(Outcome::Interrupted),
        None => Ok(Outcome::Done),
    }
}

/// How a run ended, for the report.
struct Ended<'a> {
    stats: Option<&'a TopologyStats>,
    failure: Option<&'a RuntimeError>,
    reason: ExitReason,
    elapsed: Duration,
}

/// Prints the status line (stderr) and the statistics table (stdout), and writes `--stats-json`.
fn finish(args: &LocalArgs, name: &str, ended: &Ended<'_>) -> anyhow::Result<()> {
    // A failure is reported as the command's error, with its causes.
    if ended.reason != ExitReason::Failed {
        let status = report::status_line(name, ended.reason, ended.elapsed, args.duration);
        let _ = writeln!(std::io::stderr(), "{status}");
    }
    if let Some(stats) = ended.stats {
        std::io::stdout().lock().write_all(stats.table().as_bytes()).context("cannot write to stdout")?;
    }
    if let Some(path) = &args.stats_json {
        let doc = RunReport {
            topology: name,
            exit_reason: ended.reason,
            duration_secs: ended.elapsed.as_secs_f64(),
            error: ended.failure.map(ToString::to_string),
            stats: ended.stats,
        };
        report::write_json(path, &doc)?;
    }
    Ok(())
}

/// The config after `-c` overrides, checked as the runtime will check it (a dry run must catch
/// what a run would reject).
fn validate_config(loaded: &FluxTopology) -> Result<(), InvalidTopology> {
    loaded.config.validate().map_err(|problems| {
        InvalidTopology(
            problems
                .into_iter()
                .map(|problem| TopologyError::BadConfig { component: "topology config".to_owned(), problem })
                .collect(),
        )
    })
}

/// The component and task a runtime error is about, if any.
fn failed_task(error: &RuntimeError) -> Option<(&str, i32)> {
    match error {
        RuntimeError::Panicked { component, task, .. }
        | RuntimeError::StartFailed { component, task, .. }
        | RuntimeError::TooManyFailures { component, task, .. } => Some((component, *task)),
        _ => None,
    }
}

/// The shell command of the component a runtime error is about, if it is a shell component.
fn shell_note(args: &LocalArgs, options: &LoadOptions, error: &RuntimeError) -> Option<String> {
    let (component, _) = failed_task(error)?;
    shell_command::describe(&args.file, options, component)
}

/// The latest error the failed task's subprocess reported with the multilang `error` command
/// (Storm reports those as `Shell Process Exception: <msg>`).
fn child_report(stats: Option<&TopologyStats>, error: &RuntimeError) -> Option<ChildReport> {
    let (component, task) = failed_task(error)?;
    let errors = &stats?.component(component)?.errors;
    errors
        .iter()
        .filter(|e| e.task == task && e.message.starts_with("Shell Process Exception:"))
        .max_by_key(|e| e.time_ms)
        .map(|e| ChildReport(e.message.trim_end().to_owned()))
}
