//! Exit statuses, and which one an error chain gets.

use squall::{InvalidTopology, RuntimeError};
use squall_flux::FluxError;

/// The run ended as asked.
pub const SUCCESS: u8 = 0;
/// The topology failed while running, or something else went wrong (I/O).
pub const FAILURE: u8 = 1;
/// Wrong usage (clap uses this status for its own errors too).
pub const USAGE: u8 = 2;
/// The topology file or its configuration is invalid.
pub const INVALID_TOPOLOGY: u8 = 3;
/// Interrupted by SIGINT (128 + 2, as shells report it), after a clean shutdown.
pub const INTERRUPTED: u8 = 130;

/// A mistake in how squall was called, found after clap's own parsing (a bad `-c` override, a bad
/// log filter).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The status for an error: the first cause in the chain that says whose fault it is decides;
/// anything unclassified (a failed run, an I/O error) is a failure.
pub fn code_for(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if cause.is::<UsageError>() {
            return USAGE;
        }
        if cause.is::<FluxError>() || cause.is::<InvalidTopology>() {
            return INVALID_TOPOLOGY;
        }
        if let Some(runtime) = cause.downcast_ref::<RuntimeError>() {
            return match runtime {
                RuntimeError::Invalid(_) => INVALID_TOPOLOGY,
                _ => FAILURE,
            };
        }
    }
    FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_classified_cause_decides() {
        let invalid = anyhow::Error::new(RuntimeError::Invalid(InvalidTopology(Vec::new())));
        assert_eq!(code_for(&invalid.context("topology 'x' cannot start")), INVALID_TOPOLOGY);
        let crashed = anyhow::Error::new(RuntimeError::Panicked {
            component: "split".into(),
            task: 3,
            message: "boom".into(),
        });
        assert_eq!(code_for(&crashed.context("topology 'x' failed")), FAILURE);
        assert_eq!(code_for(&anyhow::Error::new(UsageError("bad -c".into()))), USAGE);
        assert_eq!(code_for(&anyhow::anyhow!("disk full")), FAILURE);
    }
}
