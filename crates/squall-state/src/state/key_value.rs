//! [`KeyValueState`]: a typed, transactional key-value map over a [`NamespaceStore`].

use std::borrow::Borrow;
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::TypedMap;
use crate::StateError;
use crate::backend::{Delta, Manifest, NamespaceStore, Prepared, StateProvider};
use crate::dedup::{SysKey, SysValue};

/// What a state key must be: encodable (postcard through serde), hashable, cloneable.
pub trait StateKey: Serialize + DeserializeOwned + Hash + Eq + Clone + Send + 'static {}
impl<T: Serialize + DeserializeOwned + Hash + Eq + Clone + Send + 'static> StateKey for T {}

/// What a state value must be: encodable (postcard through serde) and cloneable. For tuple
/// [`Value`](squall_api::Value)s use [`StoredValue`](crate::StoredValue).
pub trait StateValue: Serialize + DeserializeOwned + Clone + Send + 'static {}
impl<T: Serialize + DeserializeOwned + Clone + Send + 'static> StateValue for T {}

/// The user's keys.
const USER: u8 = 0;
/// squall's own records kept in the same transaction (deduplication).
const SYSTEM: u8 = 1;

/// A key-value map whose changes are checkpointed: Storm's `KeyValueState`.
///
/// The whole namespace is held in memory, decoded; reads and writes never touch the backend. The
/// backend sees one atomic write per [`prepare_commit`](Self::prepare_commit),
/// [`commit`](Self::commit), [`commit_now`](Self::commit_now) and [`rollback`](Self::rollback), and
/// one read when the state is opened. Semantics follow Storm's reference implementation:
///
/// - `prepare_commit(t)` stages every change since the last prepare as transaction `t`, durably;
///   an error if another transaction is prepared and neither committed nor rolled back, or if `t`
///   is not above the last committed txid.
/// - `commit(t)` makes the prepared `t` the committed state. Committing a txid that is already
///   committed does nothing (a recovery may repeat a COMMIT); committing one that was never
///   prepared is [`StateError::Missing`].
/// - `commit_now()` commits every change at once, outside the checkpoint protocol (Storm's
///   `commit()`; the checkpoint spout uses it for its own state).
/// - `rollback()` drops the prepared transaction and returns the live map to the last committed
///   state (empty if none).
///
/// A stateful bolt gets its state in every call ([`StatefulBolt`](crate::StatefulBolt)); the
/// stateful executor runs the transaction methods when checkpoints pass.
///
/// ```
/// use squall_state::{InMemoryProvider, KeyValueState};
///
/// let provider = InMemoryProvider::named("doc-key-value");
/// let mut state: KeyValueState<String, u64> = KeyValueState::open(&provider, "count-1")?;
/// state.put("cow".into(), 1);
/// state.prepare_commit(0)?;
/// state.put("cow".into(), 2); // after the prepare: belongs to the next transaction
/// state.commit(0)?;
/// state.rollback()?;
/// assert_eq!(state.get("cow"), Some(&1));
///
/// // A fresh handle (a restarted task) sees what was committed.
/// let again: KeyValueState<String, u64> = KeyValueState::open(&provider, "count-1")?;
/// assert_eq!(again.get_or("cow", 0), 1);
/// assert_eq!(again.committed_txid(), Some(0));
/// # Ok::<(), squall_state::StateError>(())
/// ```
pub struct KeyValueState<K, V> {
    namespace: String,
    store: Box<dyn NamespaceStore>,
    user: TypedMap<K, V>,
    system: TypedMap<SysKey, SysValue>,
    /// The store's committed manifest.
    committed: Option<Manifest>,
    /// The prepared transaction, also in the store.
    prepared: Option<Prepared>,
}

impl<K, V> fmt::Debug for KeyValueState<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyValueState")
            .field("namespace", &self.namespace)
            .field("committed", &self.committed)
            .field("prepared", &self.prepared.as_ref().map(|p| p.txid))
            .finish_non_exhaustive()
    }
}

impl<K: StateKey, V: StateValue> KeyValueState<K, V> {
    /// Opens the state of `namespace` (`<componentId>-<taskId>` for a task): loads its committed
    /// entries and any prepared transaction (whose changes are visible until a rollback).
    ///
    /// # Errors
    /// [`StateError::Backend`] if the backend cannot be read; [`StateError::Corrupt`] or
    /// [`StateError::Missing`] if the stored data does not decode or does not match its manifest.
    pub fn open(provider: &dyn StateProvider, namespace: &str) -> Result<Self, StateError> {
        Self::from_store(namespace, provider.open(namespace)?, true)
    }

    /// Opens the state of `namespace` on an already opened store; `with_prepared` false ignores a
    /// prepared transaction (a read-only look at the committed data).
    ///
    /// # Errors
    /// As [`open`](Self::open).
    pub(crate) fn from_store(
        namespace: &str,
        mut store: Box<dyn NamespaceStore>,
        with_prepared: bool,
    ) -> Result<Self, StateError> {
        let stored = store.load()?;
        stored.check(namespace)?;
        let mut state = Self {
            namespace: namespace.to_owned(),
            store,
            user: TypedMap::new(USER),
            system: TypedMap::new(SYSTEM),
            committed: stored.manifest,
            prepared: None,
        };
        let txid = stored.manifest.and_then(|m| m.txid);
        for (key, value) in &stored.entries {
            let result = match key.split_first() {
                Some((&USER, k)) => state.user.load_entry(k, value),
                Some((&SYSTEM, k)) => state.system.load_entry(k, value),
                _ => {
                    return Err(StateError::corrupt(
                        namespace,
                        txid,
                        format!("key {} has no known keyspace", hex(key)),
                    ));
                }
            };
            result.map_err(|(what, e)| {
                StateError::corrupt(
                    namespace,
                    txid,
                    format!("the {what} of entry {} does not decode: {e}", hex(key)),
                )
            })?;
        }
        if let Some(p) = stored.prepared.filter(|_| with_prepared) {
            for (key, value) in &p.delta.changes {
                let result = match key.split_first() {
                    Some((&USER, k)) => state.user.load_prepared(k, value.as_deref()),
                    Some((&SYSTEM, k)) => state.system.load_prepared(k, value.as_deref()),
                    _ => {
                        return Err(StateError::corrupt(
                            namespace,
                            Some(p.txid),
                            format!("prepared key {} has no known keyspace", hex(key)),
                        ));
                    }
                };
                result.map_err(|(what, e)| {
                    StateError::corrupt(
                        namespace,
                        Some(p.txid),
                        format!("the {what} of prepared entry {} does not decode: {e}", hex(key)),
                    )
                })?;
            }
            state.prepared = Some(p);
        }
        Ok(state)
    }

    /// The namespace (`<componentId>-<taskId>`).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The value of `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.user.get(key)
    }

    /// The value of `key`, or `default` (Storm's `get(key, default)`).
    pub fn get_or<Q>(&self, key: &Q, default: V) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.user.get(key).cloned().unwrap_or(default)
    }

    /// True if `key` has a value.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.user.get(key).is_some()
    }

    /// Sets `key` to `value`; returns the previous value.
    pub fn put(&mut self, key: K, value: V) -> Option<V> {
        self.user.put(key, value)
    }

    /// Removes `key`; returns its value (Storm's `delete`).
    pub fn delete<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.user.delete(key)
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.user.data().len()
    }

    /// True if there are no keys.
    pub fn is_empty(&self) -> bool {
        self.user.data().is_empty()
    }

    /// Every key and value, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.user.data().iter()
    }

    /// The live entries copied into a map.
    pub fn to_map(&self) -> HashMap<K, V> {
        self.user.data().clone()
    }

    /// The last committed transaction id (`None` if none was ever committed).
    pub fn committed_txid(&self) -> Option<i64> {
        self.committed.and_then(|m| m.txid)
    }

    /// The prepared transaction id, if one awaits its commit or rollback.
    pub fn prepared_txid(&self) -> Option<i64> {
        self.prepared.as_ref().map(|p| p.txid)
    }

    fn committed_entries(&self) -> u64 {
        self.committed.map_or(0, |m| m.entries)
    }

    fn changes(&self) -> Result<(Delta, u64), StateError> {
        let encode_error = |(what, e): (&'static str, postcard::Error)| StateError::Encode {
            namespace: self.namespace.clone(),
            what,
            detail: e.to_string(),
        };
        let user = self.user.encode_changes().map_err(encode_error)?;
        let system = self.system.encode_changes().map_err(encode_error)?;
        let entries = i64::try_from(self.committed_entries()).unwrap_or(i64::MAX)
            + user.entry_delta
            + system.entry_delta;
        let mut changes = user.changes;
        changes.extend(system.changes);
        Ok((Delta { changes }, u64::try_from(entries).unwrap_or(0)))
    }

    /// Stages every change since the last prepare as transaction `txid`, durably.
    ///
    /// # Errors
    /// [`StateError::Protocol`] if another transaction is prepared, or `txid` is not above the last
    /// committed one; [`StateError::Encode`] if a key or value cannot be encoded;
    /// [`StateError::Backend`] if the store cannot be written (nothing changed then).
    pub fn prepare_commit(&mut self, txid: i64) -> Result<(), StateError> {
        if let Some(p) = &self.prepared {
            return Err(StateError::protocol(
                &self.namespace,
                format!(
                    "cannot prepare txid {txid}: txid {} is prepared and was neither committed nor rolled back",
                    p.txid
                ),
            ));
        }
        if let Some(c) = self.committed_txid().filter(|c| *c >= txid) {
            return Err(StateError::protocol(
                &self.namespace,
                format!("cannot prepare txid {txid}: txid {c} is already committed"),
            ));
        }
        let (delta, entries) = self.changes()?;
        let prepared = Prepared { txid, manifest: Manifest { txid: Some(txid), entries }, delta };
        self.store.prepare(&prepared)?;
        self.user.mark_prepared();
        self.system.mark_prepared();
        self.prepared = Some(prepared);
        Ok(())
    }

    /// Commits the prepared transaction `txid`.
    ///
    /// # Errors
    /// [`StateError::Missing`] if `txid` was neither prepared nor already committed;
    /// [`StateError::Protocol`] if another txid is prepared; [`StateError::Backend`] if the store
    /// cannot be written.
    pub fn commit(&mut self, txid: i64) -> Result<(), StateError> {
        match &self.prepared {
            Some(p) if p.txid == txid => {
                self.store.commit(&p.manifest, &p.delta)?;
                self.committed = Some(p.manifest);
                self.prepared = None;
                self.user.mark_committed();
                self.system.mark_committed();
                Ok(())
            }
            Some(p) => Err(StateError::protocol(
                &self.namespace,
                format!("cannot commit txid {txid}: the prepared transaction is txid {}", p.txid),
            )),
            None if self.committed_txid().is_some_and(|c| c >= txid) => Ok(()),
            None => Err(StateError::Missing {
                namespace: self.namespace.clone(),
                txid,
                detail: format!(
                    "asked to commit it, but it was never prepared here (last committed txid: {})",
                    self.committed_txid().map_or_else(|| "none".to_owned(), |c| c.to_string())
                ),
            }),
        }
    }

    /// Commits every change at once, outside the checkpoint protocol (Storm's `commit()`).
    ///
    /// # Errors
    /// [`StateError::Protocol`] while a transaction is prepared; [`StateError::Encode`],
    /// [`StateError::Backend`] as for [`prepare_commit`](Self::prepare_commit).
    pub fn commit_now(&mut self) -> Result<(), StateError> {
        if let Some(p) = &self.prepared {
            return Err(StateError::protocol(
                &self.namespace,
                format!("cannot commit immediately: txid {} is prepared", p.txid),
            ));
        }
        let (delta, entries) = self.changes()?;
        let manifest = Manifest { txid: self.committed_txid(), entries };
        self.store.commit(&manifest, &delta)?;
        self.committed = Some(manifest);
        self.user.mark_committed_now();
        self.system.mark_committed_now();
        Ok(())
    }

    /// Drops the prepared transaction and returns to the last committed state.
    ///
    /// # Errors
    /// [`StateError::Backend`] if the store cannot be written (nothing changed then).
    pub fn rollback(&mut self) -> Result<(), StateError> {
        self.store.rollback()?;
        self.prepared = None;
        self.user.roll_back();
        self.system.roll_back();
        Ok(())
    }

    /// squall's own records in this state's transactions (deduplication).
    pub(crate) fn system(&mut self) -> &mut TypedMap<SysKey, SysValue> {
        &mut self.system
    }

    pub(crate) fn system_ref(&self) -> &TypedMap<SysKey, SysValue> {
        &self.system
    }
}

/// The committed user entries of `namespace`, ignoring any prepared transaction: what a restarted
/// task would start from after a rollback. For tests, tools and examples that inspect state.
///
/// # Errors
/// As [`KeyValueState::open`].
pub fn load_committed<K: StateKey, V: StateValue>(
    provider: &dyn StateProvider,
    namespace: &str,
) -> Result<HashMap<K, V>, StateError> {
    let state = KeyValueState::<K, V>::from_store(namespace, provider.open(namespace)?, false)?;
    Ok(state.to_map())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::from("0x");
    for b in bytes.iter().take(32) {
        let _ = write!(s, "{b:02x}");
    }
    if bytes.len() > 32 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests;
