//! Stateful bolts: the [`StatefulBolt`] trait users implement, the [`StatefulBoltExecutor`] that
//! runs one inside the checkpoint protocol, and the [`CheckpointForwarder`] that carries
//! checkpoints through every other bolt.

mod executor;
mod forwarder;
mod output;

use squall_api::{BoltCollector, ComponentError, Config, Failed, OutputDeclarer, TopologyContext, Tuple};

pub use executor::StatefulBoltExecutor;
pub use forwarder::CheckpointForwarder;

use crate::{KeyValueState, StateKey, StateValue};

/// A bolt whose state is checkpointed: Storm's `IStatefulBolt` over a [`KeyValueState`].
///
/// The state is handed to every call rather than kept by the bolt, as squall hands collectors:
/// the executor owns it and runs its transactions when checkpoints pass. The order of calls:
/// `prepare` → (recovery: the state's pending transaction is committed or rolled back) →
/// [`init_state`](Self::init_state) once → `execute` for every input, the inputs that arrived
/// before `init_state` first → hooks as checkpoints pass → `cleanup`.
///
/// **Acking.** Ack or fail inputs through the collector as in a [`Bolt`](squall_api::Bolt). An
/// ack is held until the checkpoint that covers the state change is committed, then really sent;
/// if that checkpoint is rolled back the input is failed instead, so its source replays it. Emits
/// must be anchored (an unanchored emit panics: "Bolts in a stateful topology must emit anchored
/// tuples."). Ack each input in the `execute` call that applied it.
///
/// ```
/// use squall_api::{values, BoltCollector, OutputDeclarer, Tuple};
/// use squall_state::{KeyValueState, StatefulBolt};
///
/// /// Counts words; the counts survive failures and restarts.
/// struct WordCount;
///
/// impl StatefulBolt for WordCount {
///     type Key = String;
///     type Value = u64;
///
///     fn declare_outputs(&self, d: &mut OutputDeclarer) {
///         d.declare(["word", "count"]);
///     }
///
///     fn execute(&mut self, t: Tuple, state: &mut KeyValueState<String, u64>, out: &mut BoltCollector<'_>) {
///         let word = t.get_str(0).unwrap_or_default().to_owned();
///         let count = state.get_or(word.as_str(), 0) + 1;
///         state.put(word.clone(), count);
///         out.emit(&[&t], values![word, count as i64]);
///         out.ack(&t);
///     }
/// }
/// ```
pub trait StatefulBolt: Send + 'static {
    /// The state's key type.
    type Key: StateKey;
    /// The state's value type.
    type Value: StateValue;

    /// Declares the streams this bolt emits on (`$checkpoint` is added by the executor).
    fn declare_outputs(&self, declarer: &mut OutputDeclarer);

    /// Called once before anything else.
    ///
    /// # Errors
    /// An error stops the topology with a report naming this component and task.
    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        let _ = context;
        Ok(())
    }

    /// Called once, when the state is recovered and before the first `execute`.
    fn init_state(&mut self, state: &mut KeyValueState<Self::Key, Self::Value>) {
        let _ = state;
    }

    /// Processes one input (tick tuples included).
    fn execute(
        &mut self,
        tuple: Tuple,
        state: &mut KeyValueState<Self::Key, Self::Value>,
        collector: &mut BoltCollector<'_>,
    );

    /// Called before the state prepares transaction `txid`.
    ///
    /// # Errors
    /// [`Failed`] fails the checkpoint, which the checkpoint spout answers with a rollback.
    fn pre_prepare(
        &mut self,
        txid: i64,
        state: &mut KeyValueState<Self::Key, Self::Value>,
    ) -> Result<(), Failed> {
        let _ = (txid, state);
        Ok(())
    }

    /// Called before the state commits transaction `txid`.
    ///
    /// # Errors
    /// [`Failed`] fails the checkpoint; the checkpoint spout then sends the COMMIT again.
    fn pre_commit(
        &mut self,
        txid: i64,
        state: &mut KeyValueState<Self::Key, Self::Value>,
    ) -> Result<(), Failed> {
        let _ = (txid, state);
        Ok(())
    }

    /// Called before the state rolls back to its last commit.
    fn pre_rollback(&mut self, state: &mut KeyValueState<Self::Key, Self::Value>) {
        let _ = state;
    }

    /// Called after a rollback, with a collector: a bolt that holds inputs across calls without
    /// acking them (a window) fails them here so their sources replay them into the rolled-back
    /// state. (Storm has no such hook.)
    fn post_rollback(
        &mut self,
        state: &mut KeyValueState<Self::Key, Self::Value>,
        collector: &mut BoltCollector<'_>,
    ) {
        let _ = (state, collector);
    }

    /// Called on this task's thread after its [`TaskWaker`](squall_api::TaskWaker) was woken
    /// (see [`Bolt::wake`](squall_api::Bolt::wake)); not called before `init_state`.
    fn wake(&mut self, state: &mut KeyValueState<Self::Key, Self::Value>, collector: &mut BoltCollector<'_>) {
        let _ = (state, collector);
    }

    /// Called once on orderly shutdown.
    fn cleanup(&mut self) {}

    /// Configuration this component asks for (for example `topology.state.provider` to keep this
    /// bolt's state in another backend than the topology's).
    fn component_config(&self) -> Config {
        Config::new()
    }
}

/// The number of upstream tasks feeding this task's `$checkpoint` inputs.
pub(crate) fn checkpoint_upstream(context: &TopologyContext) -> usize {
    context
        .this_inputs()
        .iter()
        .filter(|s| s.source.stream == crate::checkpoint::CHECKPOINT_STREAM)
        .map(|s| context.component_tasks(s.source.component.as_str()).len())
        .sum()
}

/// Reads (`txid`, `action`) from a checkpoint tuple.
pub(crate) fn checkpoint_fields(tuple: &Tuple) -> Option<(i64, crate::checkpoint::Action)> {
    let txid = tuple.get_by_field(crate::checkpoint::CHECKPOINT_FIELD_TXID)?.as_i64()?;
    let action = tuple.get_by_field(crate::checkpoint::CHECKPOINT_FIELD_ACTION)?.as_str()?.parse().ok()?;
    Some((txid, action))
}
