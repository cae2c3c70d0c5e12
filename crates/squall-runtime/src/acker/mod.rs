//! Guaranteed processing: the XOR acker ([`Acker`]) and the spout side's pending roots
//! ([`PendingRoots`]). Both are plain state machines: the executors feed them messages and clock
//! rotations and act on what they return, so they are property-tested without threads.
//!
//! Semantics follow Storm exactly (`storm-model.md` §3): per root the acker XORs every init and ack
//! value into one 64-bit ledger; the tree is complete when the ledger is zero and the spout task is
//! known; a fail marks the root failed; entries live in three buckets rotated once per message
//! timeout, and entries rotated out are dropped silently (the spout times the root out itself after
//! two rotations of its own two buckets).

mod pending;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use squall_api::TaskId;

pub use pending::PendingRoots;

/// A hasher for keys that are already uniformly random 64-bit ids (roots): the key is the hash.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by random 64-bit ids.
pub type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// A message to the acker about one root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckerInput {
    /// A spout task emitted root `root` whose first tuples have edge ids XORing to `value`.
    Init {
        /// The root id.
        root: u64,
        /// XOR of the edge ids of the spout's tuples.
        value: u64,
        /// The spout task to tell.
        spout_task: TaskId,
    },
    /// A bolt acked a tuple of the tree: its edge XOR the edges of the tuples anchored to it.
    Ack {
        /// The root id.
        root: u64,
        /// The value to XOR into the ledger.
        value: u64,
    },
    /// A bolt failed a tuple of the tree.
    Fail {
        /// The root id.
        root: u64,
    },
    /// A bolt asked for the tree's timeout to restart.
    ResetTimeout {
        /// The root id.
        root: u64,
    },
}

impl AckerInput {
    /// The root this message is about.
    pub fn root(&self) -> u64 {
        match *self {
            AckerInput::Init { root, .. }
            | AckerInput::Ack { root, .. }
            | AckerInput::Fail { root }
            | AckerInput::ResetTimeout { root } => root,
        }
    }
}

/// What the acker tells a spout task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckerOutput {
    /// The tree of `root` completed.
    Acked {
        /// The spout task that emitted the root.
        spout_task: TaskId,
        /// The root id.
        root: u64,
        /// Milliseconds since the acker first heard of the root.
        latency_ms: u64,
    },
    /// The tree of `root` failed.
    Failed {
        /// The spout task.
        spout_task: TaskId,
        /// The root id.
        root: u64,
    },
    /// A bolt restarted the timeout of `root`.
    TimeoutReset {
        /// The spout task.
        spout_task: TaskId,
        /// The root id.
        root: u64,
    },
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    value: u64,
    spout_task: Option<TaskId>,
    failed: bool,
    reset: bool,
    start_ms: u64,
}

fn apply(entry: &mut Entry, input: AckerInput) {
    match input {
        AckerInput::Init { value, spout_task, .. } => {
            entry.value ^= value;
            entry.spout_task = Some(spout_task);
        }
        AckerInput::Ack { value, .. } => entry.value ^= value,
        AckerInput::Fail { .. } => entry.failed = true,
        AckerInput::ResetTimeout { .. } => entry.reset = true,
    }
}

/// What to tell the spout about `entry`, and whether the entry is done.
fn decide(entry: &mut Entry, root: u64, now_ms: u64) -> (Option<AckerOutput>, bool) {
    let Some(spout_task) = entry.spout_task else { return (None, false) };
    if entry.value == 0 {
        let latency_ms = now_ms.saturating_sub(entry.start_ms);
        (Some(AckerOutput::Acked { spout_task, root, latency_ms }), true)
    } else if entry.failed {
        (Some(AckerOutput::Failed { spout_task, root }), true)
    } else if entry.reset {
        entry.reset = false;
        (Some(AckerOutput::TimeoutReset { spout_task, root }), false)
    } else {
        (None, false)
    }
}

/// Storm's acker: an XOR ledger per root in three rotating buckets.
#[derive(Default)]
pub struct Acker {
    /// `buckets[0]` is the newest.
    buckets: [IdMap<Entry>; 3],
}

impl Acker {
    /// An empty acker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies one message received at `now_ms`; returns what to tell the spout, if anything.
    pub fn handle(&mut self, input: AckerInput, now_ms: u64) -> Option<AckerOutput> {
        let root = input.root();
        // One lookup per message in the common case: most roots are found in the newest bucket.
        for i in 0..self.buckets.len() {
            let Some(entry) = self.buckets[i].get_mut(&root) else { continue };
            apply(entry, input);
            let (decision, remove) = decide(entry, root, now_ms);
            if remove {
                self.buckets[i].remove(&root);
            } else if i != 0 && matches!(input, AckerInput::Fail { .. } | AckerInput::ResetTimeout { .. }) {
                // Fails and resets move the entry to the newest bucket (Storm's rotating map).
                let e = self.buckets[i].remove(&root).expect("just found");
                self.buckets[0].insert(root, e);
            }
            return decision;
        }
        let mut entry = Entry { value: 0, spout_task: None, failed: false, reset: false, start_ms: now_ms };
        apply(&mut entry, input);
        let (decision, remove) = decide(&mut entry, root, now_ms);
        if !remove {
            self.buckets[0].insert(root, entry);
        }
        decision
    }

    /// Rotates the buckets (once per message timeout); returns how many entries were dropped.
    pub fn rotate(&mut self) -> usize {
        let dropped = self.buckets[2].len();
        self.buckets.rotate_right(1);
        self.buckets[0].clear();
        dropped
    }

    /// Roots currently tracked.
    pub fn pending(&self) -> usize {
        self.buckets.iter().map(HashMap::len).sum()
    }
}
