//! Stateful windows (storm-model §5.8): windowed bolts whose state is checkpointed, and whose
//! windows refill after a failure or restart without evaluating a window twice.
//!
//! A [`StatefulWindowedBolt`] evaluates windows as a [`WindowedBolt`](squall_window::WindowedBolt)
//! does, with its [`KeyValueState`] passed to each evaluation. [`stateful_windowed`] pairs it with
//! [`WindowOptions`] into a [`StatefulBolt`](crate::StatefulBolt), which runs inside the checkpoint
//! protocol like any other ([`StatefulTopologyBuilder::set_stateful_bolt`](crate::StatefulTopologyBuilder::set_stateful_bolt)):
//! inputs are acked when they leave every window *and* the checkpoint covering that is committed.
//!
//! **Recovery** (Storm's `withMessageIdField`, [`StatefulWindowed::with_message_id_field`]): every
//! input carries an increasing integer per source task and stream. The bolt records, in its state
//! and in the same transactions as the user's changes, the highest id per source task and stream
//! that expired and that was evaluated. After a restart (or a rollback, when the windows are
//! emptied and their inputs failed), replayed inputs up to the last expired id are acked and
//! dropped, inputs up to the last evaluated id refill the windows without firing them, and
//! windows fire again from the first input beyond that; later inputs of other streams wait until
//! every stream got there. Without a message id field, windows refill from replays and
//! windows evaluated before the failure may be evaluated again (Storm's behaviour).
//!
//! Not here: Storm's persistent windows (`withPersistence`, window contents kept in the state
//! backend): a window's contents live in memory and come back by replay.

mod adapter;

use squall_api::{ComponentError, Config, Failed, OutputDeclarer, TopologyContext};
use squall_window::{Window, WindowCollector, WindowOptions};

pub use adapter::StatefulWindowed;

use crate::{KeyValueState, StateKey, StateValue};

/// A windowed bolt with checkpointed state: Storm's `IStatefulWindowedBolt`.
///
/// ```
/// use squall_api::{values, OutputDeclarer};
/// use squall_state::window::{StatefulWindowedBolt, stateful_windowed};
/// use squall_state::KeyValueState;
/// use squall_window::{Length, Window, WindowCollector, WindowOptions};
///
/// /// Sums field "n" per window and keeps a running total across windows.
/// struct Totals;
///
/// impl StatefulWindowedBolt for Totals {
///     type Key = String;
///     type Value = i64;
///     fn declare_outputs(&self, d: &mut OutputDeclarer) {
///         d.declare(["total"]);
///     }
///     fn execute(&mut self, w: &Window<'_>, state: &mut KeyValueState<String, i64>, out: &mut WindowCollector<'_, '_>) {
///         let sum: i64 = w.tuples().iter().filter_map(|t| t.get_i64(0)).sum();
///         let total = state.get_or("total", 0) + sum;
///         state.put("total".into(), total);
///         out.emit(values![total]);
///     }
/// }
///
/// let bolt = stateful_windowed(Totals, WindowOptions::tumbling(Length::count(5))).with_message_id_field("id");
/// # let _ = bolt;
/// ```
pub trait StatefulWindowedBolt: Send + 'static {
    /// The state's key type.
    type Key: StateKey;
    /// The state's value type.
    type Value: StateValue;

    /// Declares the streams this bolt emits on (the late tuple stream is declared for it).
    fn declare_outputs(&self, declarer: &mut OutputDeclarer);

    /// Called once before anything else.
    ///
    /// # Errors
    /// An error stops the topology with a report naming this component and task.
    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        let _ = context;
        Ok(())
    }

    /// Called once with the recovered state, before the first window.
    fn init_state(&mut self, state: &mut KeyValueState<Self::Key, Self::Value>) {
        let _ = state;
    }

    /// Evaluates one non-empty window.
    fn execute(
        &mut self,
        window: &Window<'_>,
        state: &mut KeyValueState<Self::Key, Self::Value>,
        collector: &mut WindowCollector<'_, '_>,
    );

    /// Called before the state prepares transaction `txid`.
    ///
    /// # Errors
    /// [`Failed`] fails the checkpoint (a rollback follows).
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
    /// [`Failed`] fails the checkpoint (the COMMIT is sent again).
    fn pre_commit(
        &mut self,
        txid: i64,
        state: &mut KeyValueState<Self::Key, Self::Value>,
    ) -> Result<(), Failed> {
        let _ = (txid, state);
        Ok(())
    }

    /// Called before the state rolls back.
    fn pre_rollback(&mut self, state: &mut KeyValueState<Self::Key, Self::Value>) {
        let _ = state;
    }

    /// Called once on orderly shutdown.
    fn cleanup(&mut self) {}

    /// Configuration this component asks for; the window's own keys are added over it.
    fn component_config(&self) -> Config {
        Config::new()
    }
}

/// Runs `bolt` over windows shaped by `options`, as a [`StatefulBolt`](crate::StatefulBolt) to
/// add with [`StatefulTopologyBuilder::set_stateful_bolt`](crate::StatefulTopologyBuilder::set_stateful_bolt).
pub fn stateful_windowed<B: StatefulWindowedBolt>(bolt: B, options: WindowOptions) -> StatefulWindowed<B> {
    StatefulWindowed::new(bolt, options)
}
