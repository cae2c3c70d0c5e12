//! [`CompletedPrefix`]: the watermark a spout attaches to its tuples for bounded deduplication.

use std::collections::BTreeSet;

/// Tracks which sequence numbers a spout has seen complete, and the number below which all have:
/// the watermark of [`Dedup::with_watermark`](crate::Dedup::with_watermark).
///
/// Call [`complete`](Self::complete) from `Spout::ack` and attach [`watermark`](Self::watermark)
/// to every emitted tuple. Memory is proportional to the completions beyond the first gap.
///
/// ```
/// use squall_state::CompletedPrefix;
///
/// let mut done = CompletedPrefix::new(0);
/// done.complete(1);
/// assert_eq!(done.watermark(), 0); // 0 is still in flight
/// done.complete(0);
/// assert_eq!(done.watermark(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct CompletedPrefix {
    below: i64,
    above: BTreeSet<i64>,
}

impl CompletedPrefix {
    /// Nothing completed; sequence numbers start at `first`.
    pub fn new(first: i64) -> Self {
        Self { below: first, above: BTreeSet::new() }
    }

    /// Sequence number `seq` completed (its tuple tree was acked).
    pub fn complete(&mut self, seq: i64) {
        if seq < self.below {
            return;
        }
        self.above.insert(seq);
        while self.above.remove(&self.below) {
            self.below += 1;
        }
    }

    /// Every sequence number below this one has completed.
    pub fn watermark(&self) -> i64 {
        self.below
    }
}
