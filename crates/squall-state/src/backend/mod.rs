//! State backends: where checkpointed state is kept, and how a provider is chosen from config.
//!
//! A [`StateProvider`] opens one [`NamespaceStore`] per state namespace (`<componentId>-<taskId>`).
//! A store keeps, durably, three things per namespace: the **committed entries** (encoded key →
//! encoded value), a [`Manifest`] naming the committed transaction and the number of entries, and at
//! most one **prepared** transaction ([`Prepared`]: a txid and the [`Delta`] it will apply). That is
//! the whole contract; the typed [`KeyValueState`](crate::KeyValueState) holds the live view in
//! memory and talks to the store only when it loads, prepares, commits or rolls back.
//!
//! Providers, by `topology.state.provider` (Storm's class names where Storm has one):
//!
//! | name | backend | `topology.state.provider.config` |
//! |---|---|---|
//! | `org.apache.storm.state.InMemoryKeyValueStateProvider` (default) | [`InMemoryProvider`]: process-wide maps; survives a topology restart inside one process, nothing more (a test double of durability) | `{"name": "..."}` (optional; default: the topology's name) |
//! | `squall.state.RedbKeyValueStateProvider` | [`RedbProvider`]: an embedded database file on local disk, one process at a time | `{"path": "/var/lib/squall/state.redb"}` |
//! | `org.apache.storm.redis.state.RedisKeyValueStateProvider` | [`RedisProvider`]: a Redis server | `{"jedisPoolConfig": {"host": "127.0.0.1", "port": 6379, "database": 0, "password": null, "timeout": 2000}, "keyPrefix": ""}` |

mod memory;
#[cfg(feature = "redb")]
mod redb;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use squall_api::Config;
use squall_api::config::{TOPOLOGY_STATE_PROVIDER, TOPOLOGY_STATE_PROVIDER_CONFIG};

pub use memory::InMemoryProvider;
#[cfg(feature = "redb")]
pub use redb::RedbProvider;
#[cfg(feature = "redis")]
pub use redis::RedisProvider;

use crate::StateError;
use crate::codec::{decode, encode};

/// Storm's in-memory provider class name, the default.
pub const IN_MEMORY_PROVIDER: &str = "org.apache.storm.state.InMemoryKeyValueStateProvider";
/// squall's embedded disk provider (redb).
pub const REDB_PROVIDER: &str = "squall.state.RedbKeyValueStateProvider";
/// Storm's Redis provider class name.
pub const REDIS_PROVIDER: &str = "org.apache.storm.redis.state.RedisKeyValueStateProvider";

/// Encoded changes to a namespace: each key with its new value, or `None` to delete it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta {
    /// Key → new value (`None`: deleted), each key at most once.
    pub changes: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

/// What a namespace's committed data is: the transaction it belongs to and how many entries it
/// holds. Written in the same atomic step as the entries, so a store whose entries disagree with
/// its manifest has lost or gained data behind the protocol's back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The last committed transaction (`None`: only immediate commits so far).
    pub txid: Option<i64>,
    /// Committed entries in the namespace.
    pub entries: u64,
}

/// A prepared, not yet committed transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prepared {
    /// Its transaction id.
    pub txid: i64,
    /// The manifest the namespace will have once it is committed.
    pub manifest: Manifest,
    /// The changes it applies.
    pub delta: Delta,
}

/// Everything a store holds for one namespace, as loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stored {
    /// The committed manifest, if anything was ever committed.
    pub manifest: Option<Manifest>,
    /// The committed entries.
    pub entries: Vec<(Vec<u8>, Vec<u8>)>,
    /// The prepared transaction, if one is pending.
    pub prepared: Option<Prepared>,
}

impl Stored {
    /// Checks the entries against the manifest.
    ///
    /// # Errors
    /// [`StateError::Missing`] when fewer entries exist than the manifest records,
    /// [`StateError::Corrupt`] when there are more, or entries without any manifest.
    pub fn check(&self, namespace: &str) -> Result<(), StateError> {
        let found = self.entries.len() as u64;
        match self.manifest {
            None if found > 0 => Err(StateError::corrupt(
                namespace,
                None,
                format!("{found} entries are stored but no commit was ever recorded for them"),
            )),
            None => Ok(()),
            Some(m) if m.entries == found => Ok(()),
            Some(m) if m.entries > found => Err(StateError::Missing {
                namespace: namespace.to_owned(),
                txid: m.txid.unwrap_or(-1),
                detail: format!("the commit recorded {} entries but only {found} are stored", m.entries),
            }),
            Some(m) => Err(StateError::corrupt(
                namespace,
                m.txid,
                format!("the commit recorded {} entries but {found} are stored", m.entries),
            )),
        }
    }
}

/// One namespace's durable storage. Every method is one atomic step of the backend.
pub trait NamespaceStore: Send {
    /// Reads the committed entries, the manifest and any prepared transaction.
    ///
    /// # Errors
    /// [`StateError::Backend`] if the backend cannot be read, [`StateError::Corrupt`] if a manifest
    /// or prepared record does not decode.
    fn load(&mut self) -> Result<Stored, StateError>;

    /// Records `prepared` durably, replacing any earlier prepared transaction.
    ///
    /// # Errors
    /// [`StateError::Backend`] if it cannot be written.
    fn prepare(&mut self, prepared: &Prepared) -> Result<(), StateError>;

    /// Applies `delta` to the committed entries, records `manifest`, and drops any prepared
    /// transaction, all at once.
    ///
    /// # Errors
    /// [`StateError::Backend`] if it cannot be written (nothing changed then).
    fn commit(&mut self, manifest: &Manifest, delta: &Delta) -> Result<(), StateError>;

    /// Drops the prepared transaction, if any.
    ///
    /// # Errors
    /// [`StateError::Backend`] if it cannot be written.
    fn rollback(&mut self) -> Result<(), StateError>;
}

/// Opens namespace stores of one backend: Storm's `StateProvider`.
pub trait StateProvider: Send + Sync + fmt::Debug {
    /// The provider's name as `topology.state.provider` spells it.
    fn name(&self) -> &'static str;

    /// Opens (creating if needed) the store of `namespace`.
    ///
    /// # Errors
    /// [`StateError::Backend`] if the backend cannot be reached.
    fn open(&self, namespace: &str) -> Result<Box<dyn NamespaceStore>, StateError>;
}

/// The provider `config` asks for: `topology.state.provider` (default: in-memory) configured by
/// `topology.state.provider.config`. `topology_name` names the in-memory store when the config
/// does not.
///
/// # Errors
/// [`StateError::UnknownProvider`], or [`StateError::BadConfig`] for a config the provider cannot
/// use (not a JSON object, a missing `path`, …).
pub fn provider_from_config(
    config: &Config,
    topology_name: &str,
) -> Result<Arc<dyn StateProvider>, StateError> {
    let name = config.get_str(TOPOLOGY_STATE_PROVIDER).unwrap_or(IN_MEMORY_PROVIDER);
    let settings =
        |provider: &'static str| -> Result<serde_json::Map<String, serde_json::Value>, StateError> {
            let Some(text) = config.get_str(TOPOLOGY_STATE_PROVIDER_CONFIG) else {
                return Ok(serde_json::Map::new());
            };
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(serde_json::Value::Object(map)) => Ok(map),
                Ok(other) => Err(StateError::BadConfig {
                    provider,
                    problem: format!("expected a JSON object, got {other}"),
                }),
                Err(e) => Err(StateError::BadConfig { provider, problem: format!("not valid JSON: {e}") }),
            }
        };
    match name {
        IN_MEMORY_PROVIDER => {
            let settings = settings(IN_MEMORY_PROVIDER)?;
            let store = match settings.get("name") {
                None | Some(serde_json::Value::Null) => topology_name.to_owned(),
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => {
                    return Err(StateError::BadConfig {
                        provider: IN_MEMORY_PROVIDER,
                        problem: format!("'name' must be a string, got {other}"),
                    });
                }
            };
            Ok(Arc::new(InMemoryProvider::named(&store)))
        }
        #[cfg(feature = "redb")]
        REDB_PROVIDER => {
            let settings = settings(REDB_PROVIDER)?;
            match settings.get("path") {
                Some(serde_json::Value::String(path)) => Ok(Arc::new(RedbProvider::open(path)?)),
                other => Err(StateError::BadConfig {
                    provider: REDB_PROVIDER,
                    problem: format!(
                        "needs \"path\": the database file, e.g. {{\"path\": \"/var/lib/squall/state.redb\"}} (got {})",
                        other.map_or_else(|| "nothing".to_owned(), ToString::to_string)
                    ),
                }),
            }
        }
        #[cfg(feature = "redis")]
        REDIS_PROVIDER => Ok(Arc::new(RedisProvider::from_settings(&settings(REDIS_PROVIDER)?)?)),
        other => {
            Err(StateError::UnknownProvider { name: other.to_owned(), known: known_providers().join(", ") })
        }
    }
}

/// The provider names this build maps.
pub fn known_providers() -> Vec<&'static str> {
    let mut known = vec![IN_MEMORY_PROVIDER];
    if cfg!(feature = "redb") {
        known.push(REDB_PROVIDER);
    }
    if cfg!(feature = "redis") {
        known.push(REDIS_PROVIDER);
    }
    known
}

#[cfg_attr(not(any(feature = "redb", feature = "redis")), allow(dead_code))]
pub(crate) fn encode_manifest(m: &Manifest) -> Vec<u8> {
    encode(m).expect("a manifest always encodes")
}

#[cfg_attr(not(any(feature = "redb", feature = "redis")), allow(dead_code))]
pub(crate) fn decode_manifest(namespace: &str, bytes: &[u8]) -> Result<Manifest, StateError> {
    decode(bytes).map_err(|e| {
        StateError::corrupt(namespace, None, format!("its commit manifest does not decode: {e}"))
    })
}

#[cfg_attr(not(any(feature = "redb", feature = "redis")), allow(dead_code))]
pub(crate) fn encode_prepared(p: &Prepared) -> Vec<u8> {
    encode(p).expect("a prepared transaction always encodes")
}

#[cfg_attr(not(any(feature = "redb", feature = "redis")), allow(dead_code))]
pub(crate) fn decode_prepared(namespace: &str, bytes: &[u8]) -> Result<Prepared, StateError> {
    decode(bytes).map_err(|e| {
        StateError::corrupt(namespace, None, format!("its prepared transaction does not decode: {e}"))
    })
}

#[cfg(test)]
mod tests;
