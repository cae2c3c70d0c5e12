//! [`TypedMap`]: one keyspace of a namespace, held decoded in memory with undo logs for rollback.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::codec::{decode, encode};

/// A keyspace: the live map, and for each key changed since the last commit its value before, so
/// that a rollback can restore the committed view without a copy of the whole map.
///
/// Two undo logs, because data keeps flowing between PREPARE and COMMIT: `undo_live` holds the value
/// as of the last prepare (or commit) of every key changed since; `undo_prepared` holds the
/// committed value of every key the prepared transaction changes. Commit drops `undo_prepared`;
/// rollback applies `undo_live`, then `undo_prepared`.
pub(crate) struct TypedMap<K, V> {
    prefix: u8,
    data: HashMap<K, V>,
    undo_live: HashMap<K, Option<V>>,
    undo_prepared: HashMap<K, Option<V>>,
}

/// An encoded change and whether it adds (+1) or removes (−1) a committed entry.
pub(crate) struct EncodedChanges {
    pub changes: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    pub entry_delta: i64,
}

impl<K, V> TypedMap<K, V>
where
    K: Hash + Eq + Clone + Serialize + DeserializeOwned,
    V: Clone + Serialize + DeserializeOwned,
{
    pub fn new(prefix: u8) -> Self {
        Self { prefix, data: HashMap::new(), undo_live: HashMap::new(), undo_prepared: HashMap::new() }
    }

    pub fn data(&self) -> &HashMap<K, V> {
        &self.data
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.data.get(key)
    }

    pub fn put(&mut self, key: K, value: V) -> Option<V> {
        if !self.undo_live.contains_key(&key) {
            let before = self.data.get(&key).cloned();
            self.undo_live.insert(key.clone(), before);
        }
        self.data.insert(key, value)
    }

    /// The value of `key` for changing in place (its value before is logged for a rollback).
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let before = self.data.get(key)?;
        if !self.undo_live.contains_key(key) {
            let before = Some(before.clone());
            self.undo_live.insert(key.clone(), before);
        }
        self.data.get_mut(key)
    }

    pub fn delete<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (key, value) = self.data.remove_entry(key)?;
        if let Entry::Vacant(e) = self.undo_live.entry(key) {
            e.insert(Some(value.clone()));
        }
        Some(value)
    }

    /// Encodes the changes since the last prepare (or commit). With nothing prepared, the values in
    /// `undo_live` are the committed ones, which tells whether each key adds or removes an entry.
    pub fn encode_changes(&self) -> Result<EncodedChanges, (&'static str, postcard::Error)> {
        let mut changes = Vec::with_capacity(self.undo_live.len());
        let mut entry_delta = 0i64;
        for (key, before) in &self.undo_live {
            let now = self.data.get(key);
            entry_delta += i64::from(now.is_some()) - i64::from(before.is_some());
            let value = now.map(encode).transpose().map_err(|e| ("value", e))?;
            changes.push((self.encode_key(key).map_err(|e| ("key", e))?, value));
        }
        Ok(EncodedChanges { changes, entry_delta })
    }

    fn encode_key(&self, key: &K) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_extend(key, vec![self.prefix])
    }

    /// The changes were prepared: from now on they belong to the prepared transaction.
    pub fn mark_prepared(&mut self) {
        for (k, before) in self.undo_live.drain() {
            self.undo_prepared.entry(k).or_insert(before);
        }
    }

    /// The prepared transaction was committed.
    pub fn mark_committed(&mut self) {
        self.undo_prepared.clear();
    }

    /// The changes since the last commit were committed immediately.
    pub fn mark_committed_now(&mut self) {
        self.undo_live.clear();
    }

    /// Restores the committed view.
    pub fn roll_back(&mut self) {
        let live = std::mem::take(&mut self.undo_live);
        let prepared = std::mem::take(&mut self.undo_prepared);
        for (k, before) in live.into_iter().chain(prepared) {
            match before {
                Some(v) => self.data.insert(k, v),
                None => self.data.remove(&k),
            };
        }
    }

    /// Adds a committed entry read from the store (`key` without its prefix byte).
    pub fn load_entry(&mut self, key: &[u8], value: &[u8]) -> Result<(), (&'static str, postcard::Error)> {
        let k: K = decode(key).map_err(|e| ("key", e))?;
        let v: V = decode(value).map_err(|e| ("value", e))?;
        self.data.insert(k, v);
        Ok(())
    }

    /// Applies a change of a prepared transaction read from the store, remembering the committed
    /// value for a rollback.
    pub fn load_prepared(
        &mut self,
        key: &[u8],
        value: Option<&[u8]>,
    ) -> Result<(), (&'static str, postcard::Error)> {
        let k: K = decode(key).map_err(|e| ("key", e))?;
        let v: Option<V> = value.map(decode).transpose().map_err(|e| ("value", e))?;
        let before = match v {
            Some(v) => self.data.insert(k.clone(), v),
            None => self.data.remove(&k),
        };
        self.undo_prepared.entry(k).or_insert(before);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollback_restores_the_committed_view_across_a_prepare() {
        let mut m: TypedMap<String, i64> = TypedMap::new(0);
        m.put("a".into(), 1);
        m.mark_prepared();
        m.mark_committed(); // committed: a=1
        m.put("a".into(), 2);
        m.put("b".into(), 3);
        m.mark_prepared(); // prepared: a=2, b=3
        m.put("a".into(), 4);
        m.delete("b");
        m.put("c".into(), 5);
        m.roll_back();
        assert_eq!(m.data().len(), 1);
        assert_eq!(m.get("a"), Some(&1));
    }

    #[test]
    fn changes_count_entries_added_and_removed() {
        let mut m: TypedMap<String, i64> = TypedMap::new(0);
        m.put("a".into(), 1);
        m.put("b".into(), 1);
        m.mark_prepared();
        m.mark_committed();
        m.delete("a");
        m.put("b".into(), 2);
        m.put("c".into(), 1);
        m.put("d".into(), 1);
        m.delete("d");
        let enc = m.encode_changes().unwrap();
        assert_eq!(enc.entry_delta, 0); // -a +c, b updated, d never committed
        assert_eq!(enc.changes.len(), 4);
        assert!(enc.changes.iter().all(|(k, _)| k[0] == 0));
    }
}
