//! [`StateError`]: what can go wrong with state, in this crate's vocabulary.

use std::fmt;

/// Why a state operation failed.
///
/// The variants sort failures the way a stateful executor must act on them
/// ([`StateError::is_data_loss`], [`StateError::is_retryable`]): a backend that cannot be reached is
/// worth retrying at the next checkpoint; checkpoint data that is corrupt or missing is not, and
/// stops the component rather than silently resetting its state.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// `topology.state.provider` names a provider squall does not know.
    #[error("unknown state provider '{name}' (topology.state.provider); known: {known}")]
    UnknownProvider {
        /// The configured name.
        name: String,
        /// The names squall maps.
        known: String,
    },
    /// `topology.state.provider.config` is not what the provider needs.
    #[error("topology.state.provider.config for {provider}: {problem}")]
    BadConfig {
        /// The provider's name.
        provider: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// The backend failed (I/O, connection, transaction): a later attempt may succeed.
    #[error("{provider} state backend failed for '{namespace}' while {operation}: {source}")]
    Backend {
        /// The provider's name.
        provider: &'static str,
        /// The state namespace (`<component>-<task>`).
        namespace: String,
        /// What was being done.
        operation: &'static str,
        /// The backend's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Stored checkpoint data does not decode or does not match its manifest.
    #[error("checkpoint data of state '{namespace}'{} is corrupt: {detail}", TxidSuffix(*.txid))]
    Corrupt {
        /// The state namespace (`<component>-<task>`).
        namespace: String,
        /// The checkpoint (transaction id) the data belongs to, when known.
        txid: Option<i64>,
        /// What does not decode or match.
        detail: String,
    },
    /// Checkpoint data that must exist (a committed or prepared transaction) is absent.
    #[error("checkpoint data of state '{namespace}' at txid {txid} is missing: {detail}")]
    Missing {
        /// The state namespace (`<component>-<task>`).
        namespace: String,
        /// The checkpoint whose data is missing.
        txid: i64,
        /// What is missing and how it was noticed.
        detail: String,
    },
    /// A state operation out of protocol order (for example a commit of a transaction that was
    /// never prepared).
    #[error("state '{namespace}': {detail}")]
    Protocol {
        /// The state namespace.
        namespace: String,
        /// What was out of order.
        detail: String,
    },
    /// A key or value of the state cannot be encoded.
    #[error("state '{namespace}': cannot encode a {what}: {detail}")]
    Encode {
        /// The state namespace.
        namespace: String,
        /// "key" or "value".
        what: &'static str,
        /// The encoder's message.
        detail: String,
    },
}

struct TxidSuffix(Option<i64>);

impl fmt::Display for TxidSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(t) => write!(f, " at txid {t}"),
            None => Ok(()),
        }
    }
}

impl StateError {
    /// True when checkpoint data is corrupt or missing: retrying cannot help, and continuing
    /// would silently lose state. Stateful executors stop the component on such an error.
    pub fn is_data_loss(&self) -> bool {
        matches!(self, StateError::Corrupt { .. } | StateError::Missing { .. })
    }

    /// True when the backend failed in a way a later attempt may not (a connection, I/O).
    pub fn is_retryable(&self) -> bool {
        matches!(self, StateError::Backend { .. })
    }

    #[cfg_attr(not(any(feature = "redb", feature = "redis")), allow(dead_code))]
    pub(crate) fn backend(
        provider: &'static str,
        namespace: &str,
        operation: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StateError::Backend { provider, namespace: namespace.to_owned(), operation, source: Box::new(source) }
    }

    pub(crate) fn corrupt(namespace: &str, txid: Option<i64>, detail: impl Into<String>) -> Self {
        StateError::Corrupt { namespace: namespace.to_owned(), txid, detail: detail.into() }
    }

    pub(crate) fn protocol(namespace: &str, detail: impl Into<String>) -> Self {
        StateError::Protocol { namespace: namespace.to_owned(), detail: detail.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_namespace_and_the_checkpoint() {
        let e = StateError::corrupt("count-3", Some(7), "value of key 0x01 does not decode");
        assert_eq!(
            e.to_string(),
            "checkpoint data of state 'count-3' at txid 7 is corrupt: value of key 0x01 does not decode"
        );
        assert!(e.is_data_loss() && !e.is_retryable());
        let e = StateError::corrupt("count-3", None, "x");
        assert_eq!(e.to_string(), "checkpoint data of state 'count-3' is corrupt: x");
        let e = StateError::backend("redis", "count-3", "loading", std::io::Error::other("refused"));
        assert!(e.is_retryable() && !e.is_data_loss());
        assert_eq!(e.to_string(), "redis state backend failed for 'count-3' while loading: refused");
    }
}
