//! [`Targets`]: the tasks one emit goes to.

use std::ops::Deref;

use squall_api::TaskId;

/// Most emits go to one task, some to a few; `All` groupings to many. Four fit inline; more spill
/// to a vector kept for reuse. Written for the emit path: `clear` and `push` are a handful of
/// instructions (a general small-vector's bookkeeping cost several times that per tuple).
#[derive(Clone, Debug, Default)]
pub struct Targets {
    inline: [TaskId; 4],
    len: usize,
    spill: Vec<TaskId>,
}

impl Targets {
    /// No targets.
    pub fn new() -> Self {
        Self::default()
    }

    /// Removes every target (keeps the spill vector's memory).
    #[inline]
    pub fn clear(&mut self) {
        self.len = 0;
        if !self.spill.is_empty() {
            self.spill.clear();
        }
    }

    /// Adds a target.
    #[inline]
    pub fn push(&mut self, t: TaskId) {
        if self.len < self.inline.len() {
            self.inline[self.len] = t;
            self.len += 1;
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.inline);
            }
            self.spill.push(t);
        }
    }

    /// Adds several targets.
    pub fn extend_from_slice(&mut self, ts: &[TaskId]) {
        for t in ts {
            self.push(*t);
        }
    }

    /// The targets, in the order added.
    #[inline]
    pub fn as_slice(&self) -> &[TaskId] {
        if self.spill.is_empty() { &self.inline[..self.len] } else { &self.spill }
    }
}

impl Deref for Targets {
    type Target = [TaskId];
    #[inline]
    fn deref(&self) -> &[TaskId] {
        self.as_slice()
    }
}

impl PartialEq for Targets {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_inline_and_spilled_and_clears() {
        let mut t = Targets::new();
        for i in 1..=6 {
            t.push(TaskId(i));
            assert_eq!(t.as_slice(), &(1..=i).map(TaskId).collect::<Vec<_>>()[..]);
        }
        t.clear();
        assert!(t.is_empty());
        t.extend_from_slice(&[TaskId(9), TaskId(8)]);
        assert_eq!(t.as_slice(), &[TaskId(9), TaskId(8)]);
    }
}
