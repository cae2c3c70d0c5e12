//! The subcommands, one module each; [`run`] dispatches to them.

mod local;
mod version;

use crate::args::Command;
use crate::exit;

/// How a subcommand that did its job ended (failures are errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It did what was asked.
    Done,
    /// Ctrl-C stopped it, cleanly.
    Interrupted,
}

impl Outcome {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Done => exit::SUCCESS,
            Outcome::Interrupted => exit::INTERRUPTED,
        }
    }
}

/// Runs one subcommand.
///
/// # Errors
/// Whatever the subcommand reports; `main` prints the chain and picks the exit status.
pub fn run(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Local(args) => local::run(&args),
        Command::Version => version::run(),
    }
}
