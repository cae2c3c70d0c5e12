//! Exactly-once state: recognizing inputs a stateful bolt has already applied.
//!
//! (The records live in a keyspace of the bolt's state that squall owns; stateful windows keep
//! their progress there too, see [`crate::window`].)
//!
//! Storm's checkpointing alone is at-least-once (storm-model §6.5): a tuple tree can fail after a
//! stateful bolt committed its effect, and the replay applies it again. squall closes that gap by
//! **idempotent application keyed by a deterministic tuple identity**:
//!
//! - A stateful bolt is configured with the fields that identify a logical input ([`Dedup`]), for
//!   example a source sequence number and a position within it (`["line", "index"]`).
//! - When the bolt acks an input, its identity is recorded in the bolt's own state, *in the same
//!   transaction* as the updates the input caused: commit and rollback cover both, so after any
//!   failure the record says exactly which inputs the committed state contains.
//! - An input whose identity is recorded is skipped (the bolt's `execute` is not called) and acked
//!   once the current transaction commits. Whatever the bolt emitted anchored to the input the first
//!   time is recorded with the identity and emitted again, anchored to the duplicate, so bolts
//!   downstream still receive it (and deduplicate it themselves).
//!
//! **The contract.** Sources must replay an input with the same identity (a spout restarting from
//! the beginning of its data gives every record its same number); bolts between the source and the
//! stateful bolt must be deterministic, deriving the same identities for the same input. Identities
//! must be unique per logical input. A bolt should ack each input in the `execute` call that
//! applied it (the identity is recorded at the ack); an input the bolt fails is not recorded.
//!
//! **Bounding the record.** With plain identity fields ([`Dedup::fields`]) the record keeps one
//! entry per input ever applied. With [`Dedup::with_watermark`], one identity field is a sequence
//! number per source and every input carries a *watermark*: a sequence number below which the
//! source has seen every tuple tree complete (maintain it with [`CompletedPrefix`]). A completed
//! tree means every stateful bolt committed the input (acks are held until commit), so the record
//! drops all entries below the highest watermark seen, per source, and skips any input below it.
//! The record then holds only the inputs in flight. Watermarks are facts about completed trees, so
//! a restarted source whose watermark starts again from zero never lowers the stored one.
//!
//! **Limits.** Exactly-once holds per stateful bolt. A bolt's outputs that depend on its state are
//! recorded with the input, so downstream sees one output per input identity; but if the upstream
//! bolt later rolls back and applies the input again, the output it then computes may differ from
//! the one downstream kept (downstream keeps the first). Emits outside `execute` (in `wake`, or
//! anchored to other inputs) are not recorded.

mod completed;
mod deduper;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use completed::CompletedPrefix;
pub(crate) use deduper::{Check, Deduper, Identity, output};

/// Which fields identify a logical input of a stateful bolt, for exactly-once state.
///
/// ```
/// use squall_state::Dedup;
///
/// // Every word of line `line` at position `index`, pruned by the spout's watermark `done_below`.
/// let dedup = Dedup::fields(["line", "index"]).with_watermark("line", "done_below");
/// assert!(dedup.validate().is_ok());
/// assert!(Dedup::fields(["line"]).with_watermark("line", "line").validate().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dedup {
    identity: Vec<String>,
    partition: Vec<String>,
    sequence: Option<String>,
    watermark: Option<String>,
}

impl Dedup {
    /// Inputs are identified by the values of these fields, together.
    pub fn fields<I, S>(fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            identity: fields.into_iter().map(Into::into).collect(),
            partition: vec![],
            sequence: None,
            watermark: None,
        }
    }

    /// Bounds the record: `sequence` (one of the identity fields, an integer) numbers inputs per
    /// source, and every input carries in `watermark` (not an identity field) a number below which
    /// every sequence number of its source has completed.
    pub fn with_watermark(mut self, sequence: &str, watermark: &str) -> Self {
        self.sequence = Some(sequence.to_owned());
        self.watermark = Some(watermark.to_owned());
        self
    }

    /// Sequence numbers are per source, named by these identity fields (for example a spout task
    /// index or a partition); without it there is one source.
    pub fn per_source<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.partition = fields.into_iter().map(Into::into).collect();
        self
    }

    /// The identity fields.
    pub fn identity_fields(&self) -> &[String] {
        &self.identity
    }

    /// Every field an input must carry: the identity fields and the watermark field.
    pub fn required_fields(&self) -> impl Iterator<Item = &str> {
        self.identity.iter().chain(&self.watermark).map(String::as_str)
    }

    /// Checks the fields fit together.
    ///
    /// # Errors
    /// What does not: no identity fields, a sequence or source field outside the identity, the
    /// watermark inside it.
    pub fn validate(&self) -> Result<(), String> {
        if self.identity.is_empty() {
            return Err("deduplication needs at least one identity field".into());
        }
        if let Some(seq) = &self.sequence
            && !self.identity.contains(seq)
        {
            return Err(format!(
                "the sequence field '{seq}' must be one of the identity fields {:?}",
                self.identity
            ));
        }
        if let Some(w) = &self.watermark
            && self.identity.contains(w)
        {
            return Err(format!(
                "the watermark field '{w}' must not be an identity field: it changes between replays"
            ));
        }
        for p in &self.partition {
            if !self.identity.contains(p) {
                return Err(format!(
                    "the source field '{p}' must be one of the identity fields {:?}",
                    self.identity
                ));
            }
            if self.sequence.as_ref() == Some(p) {
                return Err(format!("'{p}' cannot be both the sequence field and a source field"));
            }
        }
        Ok(())
    }
}

/// Keys of squall's records in a state's system keyspace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) enum SysKey {
    /// The completed-prefix watermark of a source (encoded source field values).
    Watermark(Vec<u8>),
    /// The inputs applied with one sequence number of a source.
    Sequence(Vec<u8>, i64),
    /// One applied input (encoded identity), when there is no watermark.
    Identity(Vec<u8>),
    /// A stateful window's progress on one input stream of one source task (encoded).
    Window(Vec<u8>),
}

/// Values of squall's records in a state's system keyspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum SysValue {
    /// A source's watermark.
    Watermark(i64),
    /// The positions (encoded remaining identity values) applied for one sequence number, each with
    /// the outputs it produced.
    Applied(BTreeMap<Vec<u8>, Vec<Output>>),
    /// The outputs one applied input produced.
    Outputs(Vec<Output>),
    /// A stateful window's progress: the highest message ids expired and evaluated.
    Window {
        /// The highest message id that left every window.
        last_expired: i64,
        /// The highest message id that was in an evaluated window.
        last_evaluated: i64,
    },
}

/// An emit recorded with the input that caused it, to be repeated for a duplicate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Output {
    /// The stream.
    pub stream: String,
    /// The target task of a direct emit.
    pub task: Option<i32>,
    /// The encoded values.
    pub values: Vec<u8>,
}
