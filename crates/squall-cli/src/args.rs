//! The command line, as clap types: Storm's command names, Flux's flags for a topology file.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

const EXIT_STATUSES: &str = "\
Exit status:
  0    the run ended as asked (every spout finished, or --duration passed)
  1    the topology failed while running (a component crashed or used up its restarts)
  2    wrong usage
  3    the topology file is invalid (syntax, unknown class, failed validation)
  130  interrupted by Ctrl-C, SIGTERM or SIGHUP (after a clean shutdown)";

/// squall: Apache Storm's stream-processing model in Rust.
#[derive(Debug, Parser)]
#[command(name = "squall", version, after_help = EXIT_STATUSES)]
pub struct Cli {
    /// Log filter, e.g. `debug` or `warn,squall_multilang=debug` (takes precedence over
    /// RUST_LOG; default: info). Logs go to stderr.
    #[arg(long, global = true, value_name = "FILTER")]
    pub log_level: Option<String>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands. Storm's cluster commands (`nimbus`, `supervisor`, `worker`, `ui`, `submit`,
/// `list`, `kill`, …) join here as squall grows them.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a Flux topology file in this process (Storm's `storm local` with Flux).
    Local(LocalArgs),
    /// Print squall's version, branch and commit.
    Version,
}

/// `squall local FILE.yaml`.
#[derive(Debug, Args)]
#[command(after_help = "\
The run ends when --duration has passed, when every spout has declared itself finished and no
tuple tree is pending, or on Ctrl-C (or SIGTERM, SIGHUP); then squall stops the topology at once,
prints the statistics table on stdout and writes it with --stats-json. Shell components
(FluxShellBolt, FluxShellSpout) run in the directory that holds FILE.")]
pub struct LocalArgs {
    /// The Flux topology file (YAML).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Java properties file whose values replace `${key}` placeholders (Flux's --filter).
    #[arg(long, value_name = "PROPS")]
    pub filter: Option<PathBuf>,

    /// Replace `${ENV-NAME}` placeholders with environment variables (Flux's --env-filter).
    #[arg(short = 'e', long)]
    pub env_filter: bool,

    /// Stop the run after this long: `500ms`, `10s`, `2m`, `1h 30m`.
    #[arg(long, value_name = "DUR", value_parser = humantime::parse_duration)]
    pub duration: Option<Duration>,

    /// Run over this many worker processes under a local supervisor (overrides
    /// `topology.workers`); each worker runs this same command.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub workers: Option<u64>,

    /// Write the final statistics, topology name, duration and exit reason as JSON to this file.
    #[arg(long, value_name = "PATH")]
    pub stats_json: Option<PathBuf>,

    /// Validate the file and print the topology (components, parallelism, streams, groupings)
    /// without running it.
    #[arg(short = 'd', long)]
    pub dry_run: bool,

    /// Override a topology config value, as Storm's `-c`: the text after `=` is read as JSON when
    /// it is valid JSON (`-c topology.workers=2`, `-c 'a.list=["x"]'`), else kept as a string.
    /// Repeatable; applied over the file's `config`.
    #[arg(short = 'c', value_name = "KEY=VALUE")]
    pub config_overrides: Vec<String>,

    /// No progress lines on stderr.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Time between progress lines (emitted, acked, failed so far) on stderr.
    #[arg(long, value_name = "DUR", default_value = "5s", value_parser = humantime::parse_duration)]
    pub progress_interval: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations_are_human() {
        let cli = Cli::try_parse_from(["squall", "local", "t.yaml", "--duration", "1m 30s"]).unwrap();
        let Command::Local(local) = cli.command else { panic!("expected local") };
        assert_eq!(local.duration, Some(Duration::from_secs(90)));
        assert_eq!(local.progress_interval, Duration::from_secs(5));
        let bad = Cli::try_parse_from(["squall", "local", "t.yaml", "--duration", "10"]).unwrap_err();
        assert!(bad.to_string().contains("--duration"), "{bad}");
    }
}
