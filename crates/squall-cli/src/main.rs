//! `squall`: Storm's command line for squall.
//!
//! Each subcommand lives in its own module under [`commands`]; this file only parses the
//! arguments, starts logging, runs the subcommand, and turns its result into an exit status,
//! printing an error with its whole chain of causes (ripgrep's `main`).
//!
//! | status | meaning |
//! |---|---|
//! | 0 | the run ended as asked (every spout finished, or `--duration` passed) |
//! | 1 | the topology failed while running (a component crashed or exhausted its restarts), or an I/O error |
//! | 2 | wrong usage (unknown flag, bad `-c` override, bad log filter) |
//! | 3 | the topology file is invalid (unreadable, YAML syntax, unknown class, failed validation) |
//! | 130 | interrupted (Ctrl-C, SIGTERM or SIGHUP), after a clean shutdown |

mod args;
mod commands;
mod exit;
mod interrupt;
mod logging;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    if let Err(error) = logging::init(cli.log_level.as_deref()) {
        return report(&error);
    }
    match commands::run(cli.command) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(error) => report(&error),
    }
}

/// Prints `error` and its causes to stderr and picks the exit status from the chain.
fn report(error: &anyhow::Error) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "squall: {error}");
    for cause in error.chain().skip(1) {
        let _ = writeln!(stderr, "  caused by: {cause}");
    }
    ExitCode::from(exit::code_for(error))
}
