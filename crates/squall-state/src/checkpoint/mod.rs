//! Storm's checkpoint protocol (storm-model §6.2–6.4): the `$checkpointspout`, its `$checkpoint`
//! stream, and the bolt-side alignment and deferred acks.
//!
//! The pure cores are [`CheckpointMachine`] (the spout's recovery/normal state machine),
//! [`Aligner`] (acting on a checkpoint once every upstream task delivered it) and [`BoltProtocol`]
//! (buffering before INITSTATE, deferring acks to COMMIT, failing them at ROLLBACK). The
//! [`CheckpointSpout`] and the executors in [`crate::bolt`] feed them and carry out their decisions.

mod align;
mod machine;
mod protocol;
mod spout;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use align::{Aligner, Alignment};
pub use machine::{CheckpointMachine, MIN_INTERVAL_MS};
pub use protocol::{BoltProtocol, Finished};
pub use spout::CheckpointSpout;

/// The checkpoint spout's component id.
pub const CHECKPOINT_COMPONENT: &str = "$checkpointspout";
/// The stream checkpoints travel on, from the spout and from every bolt.
pub const CHECKPOINT_STREAM: &str = "$checkpoint";
/// The checkpoint stream's transaction id field (a long).
pub const CHECKPOINT_FIELD_TXID: &str = "txid";
/// The checkpoint stream's action field (`PREPARE`, `COMMIT`, `ROLLBACK`, `INITSTATE`).
pub const CHECKPOINT_FIELD_ACTION: &str = "action";
/// The key of the checkpoint spout's own state in its namespace.
pub const CHECKPOINT_STATE_KEY: &str = "__state";

/// What a checkpoint tuple asks bolts to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Stage the state changes since the last prepare as the transaction.
    Prepare,
    /// Commit the prepared transaction and release the acks it covers.
    Commit,
    /// Drop the prepared transaction, return to the committed state, fail the acks since.
    Rollback,
    /// Recovery is over: initialize the bolt with its (committed) state.
    InitState,
}

impl Action {
    /// The name on the wire, as Storm spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Prepare => "PREPARE",
            Action::Commit => "COMMIT",
            Action::Rollback => "ROLLBACK",
            Action::InitState => "INITSTATE",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "PREPARE" => Ok(Action::Prepare),
            "COMMIT" => Ok(Action::Commit),
            "ROLLBACK" => Ok(Action::Rollback),
            "INITSTATE" => Ok(Action::InitState),
            other => Err(format!("unknown checkpoint action '{other}'")),
        }
    }
}

/// Where the checkpoint spout's transaction stands (Storm's `CheckPointState.State`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Phase {
    /// The transaction is committed everywhere.
    Committed,
    /// PREPARE was emitted; not every bolt is known to have prepared.
    Preparing,
    /// Every bolt prepared; COMMIT was (or is about to be) emitted.
    Committing,
}

/// The checkpoint spout's stored state: a transaction id and its phase (Storm's `CheckPointState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CheckpointState {
    /// The transaction id.
    pub txid: i64,
    /// Its phase.
    pub phase: Phase,
}

impl CheckpointState {
    /// The state of a topology that never checkpointed: `COMMITTED(-1)`.
    pub const INITIAL: CheckpointState = CheckpointState { txid: -1, phase: Phase::Committed };

    /// Storm's `nextState(recovering)`.
    pub fn next_state(self, recovering: bool) -> CheckpointState {
        let CheckpointState { txid, phase } = self;
        match phase {
            Phase::Preparing if recovering => CheckpointState { txid: txid - 1, phase: Phase::Committed },
            Phase::Preparing => CheckpointState { txid, phase: Phase::Committing },
            Phase::Committing => CheckpointState { txid, phase: Phase::Committed },
            Phase::Committed if recovering => self,
            Phase::Committed => CheckpointState { txid: txid + 1, phase: Phase::Preparing },
        }
    }

    /// Storm's `nextAction(recovering)`: what to emit from this state.
    pub fn next_action(self, recovering: bool) -> Action {
        match self.phase {
            Phase::Preparing if recovering => Action::Rollback,
            Phase::Preparing => Action::Prepare,
            Phase::Committing => Action::Commit,
            Phase::Committed if recovering => Action::InitState,
            Phase::Committed => Action::Prepare,
        }
    }

    /// True if a stateful bolt whose state has committed txid `committed` (`None`: never) and
    /// prepared txid `prepared` is consistent with the spout in this state. Bolts commit a txid
    /// only after the spout stored COMMITTING for it, and the spout stores COMMITTED only after
    /// every bolt committed, so anything else means checkpoint data was lost or came from elsewhere.
    pub fn accepts_bolt(self, committed: Option<i64>, prepared: Option<i64>) -> bool {
        let committed = committed.unwrap_or(-1);
        let t = self.txid;
        match self.phase {
            Phase::Committed => committed == t && prepared.is_none(),
            Phase::Preparing => committed == t - 1 && prepared.is_none_or(|p| p == t),
            Phase::Committing => {
                (committed == t - 1 && prepared == Some(t)) || (committed == t && prepared.is_none())
            }
        }
    }
}

impl fmt::Display for CheckpointState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phase = match self.phase {
            Phase::Committed => "COMMITTED",
            Phase::Preparing => "PREPARING",
            Phase::Committing => "COMMITTING",
        };
        write!(f, "{phase}({})", self.txid)
    }
}
