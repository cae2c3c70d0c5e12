//! [`Slots`]: the adapter's store of windowed tuples, keyed by [`EventId`].

use std::collections::VecDeque;

use crate::core::EventId;

/// Items keyed by consecutive event ids: O(1) insert, lookup and removal. Ids are handed out in
/// arrival order and mostly leave in that order, so a deque of slots starting at the oldest id
/// still held stays short; a removed slot in the middle is a hole until those before it go.
#[derive(Debug)]
pub(crate) struct Slots<T> {
    base: u64,
    items: VecDeque<Option<T>>,
}

impl<T> Slots<T> {
    pub(crate) fn new() -> Self {
        Self { base: 0, items: VecDeque::new() }
    }

    /// Stores `item` under `id`, which must be the next id (ids skipped are left empty).
    pub(crate) fn insert(&mut self, id: EventId, item: T) {
        if self.items.is_empty() {
            self.base = id.0;
        }
        let Some(index) = id.0.checked_sub(self.base).and_then(|i| usize::try_from(i).ok()) else {
            return;
        };
        while self.items.len() <= index {
            self.items.push_back(None);
        }
        self.items[index] = Some(item);
    }

    pub(crate) fn get(&self, id: EventId) -> Option<&T> {
        self.index(id).and_then(|i| self.items[i].as_ref())
    }

    pub(crate) fn remove(&mut self, id: EventId) -> Option<T> {
        let item = self.index(id).and_then(|i| self.items[i].take());
        while let Some(None) = self.items.front() {
            self.items.pop_front();
            self.base += 1;
        }
        item
    }

    /// The number of items held.
    pub(crate) fn len(&self) -> usize {
        self.items.iter().filter(|i| i.is_some()).count()
    }

    fn index(&self, id: EventId) -> Option<usize> {
        let i = usize::try_from(id.0.checked_sub(self.base)?).ok()?;
        (i < self.items.len()).then_some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_close_from_the_front() {
        let mut s = Slots::new();
        for i in 0..4 {
            s.insert(EventId(i), i * 10);
        }
        assert_eq!(s.remove(EventId(2)), Some(20));
        assert_eq!(s.get(EventId(2)), None);
        assert_eq!(s.remove(EventId(0)), Some(0));
        assert_eq!(s.remove(EventId(1)), Some(10));
        assert_eq!((s.base, s.items.len()), (3, 1));
        assert_eq!(s.get(EventId(3)), Some(&30));
        assert_eq!(s.remove(EventId(3)), Some(30));
        assert_eq!(s.len(), 0);
        s.insert(EventId(7), 70);
        assert_eq!(s.get(EventId(7)), Some(&70));
        assert_eq!(s.remove(EventId(9)), None);
    }
}
