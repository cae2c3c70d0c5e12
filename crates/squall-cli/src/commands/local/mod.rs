//! `squall local FILE.yaml`: load a Flux file, then print it (`--dry-run`) or run it in this
//! process until it finishes, `--duration` passes or Ctrl-C, and report its statistics.

mod overrides;
mod report;
mod run;
mod shell_command;
mod supervise;

pub use run::run;
