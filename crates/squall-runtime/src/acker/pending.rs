//! The spout side of guaranteed processing: roots a spout executor emitted and awaits an answer for.

use std::collections::HashMap;

use super::IdMap;

/// Pending roots in Storm's two rotating buckets: a root not answered within two rotations (one
/// message timeout each) is handed back as timed out, so a root fails between one and two timeouts
/// after its emit, as in Storm.
pub struct PendingRoots<T> {
    /// `buckets[0]` is the newest.
    buckets: [IdMap<T>; 2],
}

impl<T> Default for PendingRoots<T> {
    fn default() -> Self {
        Self { buckets: [IdMap::default(), IdMap::default()] }
    }
}

impl<T> PendingRoots<T> {
    /// No pending roots.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a new root.
    pub fn insert(&mut self, root: u64, value: T) {
        self.buckets[0].insert(root, value);
    }

    /// Removes and returns `root`, if it is pending.
    pub fn remove(&mut self, root: u64) -> Option<T> {
        // Most answers arrive well within one timeout: look in the newest bucket first.
        self.buckets[0].remove(&root).or_else(|| self.buckets[1].remove(&root))
    }

    /// Moves `root` to the newest bucket (its timeout restarts). Returns false if it is not pending.
    pub fn reset(&mut self, root: u64) -> bool {
        if self.buckets[0].contains_key(&root) {
            return true;
        }
        match self.buckets[1].remove(&root) {
            Some(v) => {
                self.buckets[0].insert(root, v);
                true
            }
            None => false,
        }
    }

    /// Rotates once; returns the roots that timed out.
    pub fn rotate(&mut self) -> Vec<(u64, T)> {
        let expired: Vec<(u64, T)> = self.buckets[1].drain().collect();
        self.buckets.swap(0, 1);
        expired
    }

    /// Removes and returns every pending root (shutdown or restart of the spout).
    pub fn drain_all(&mut self) -> Vec<(u64, T)> {
        let mut all: Vec<(u64, T)> = self.buckets[1].drain().collect();
        all.extend(self.buckets[0].drain());
        all
    }

    /// The number of pending roots.
    pub fn len(&self) -> usize {
        self.buckets.iter().map(HashMap::len).sum()
    }

    /// True if nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.buckets.iter().all(HashMap::is_empty)
    }
}
