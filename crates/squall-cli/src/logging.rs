//! Logs: `tracing` events to stderr, filtered by `--log-level`, else `RUST_LOG`, else `info`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::exit::UsageError;

/// The filter when neither `--log-level` nor `RUST_LOG` gives one (Storm logs at INFO too).
const DEFAULT_FILTER: &str = "info";

/// Starts the stderr logger. `level` is a `tracing-subscriber` filter (`debug`,
/// `warn,squall_multilang=debug`, …) and takes precedence over `RUST_LOG`.
///
/// # Errors
/// A filter that does not parse.
pub fn init(level: Option<&str>) -> anyhow::Result<()> {
    let filter = match level {
        Some(directives) => EnvFilter::try_new(directives)
            .map_err(|e| UsageError(format!("invalid --log-level '{directives}': {e}")))?,
        None => match std::env::var("RUST_LOG") {
            Ok(directives) if !directives.trim().is_empty() => EnvFilter::try_new(&directives)
                .map_err(|e| UsageError(format!("invalid RUST_LOG '{directives}': {e}")))?,
            _ => EnvFilter::new(DEFAULT_FILTER),
        },
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    Ok(())
}
