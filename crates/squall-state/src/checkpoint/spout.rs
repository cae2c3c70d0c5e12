//! [`CheckpointSpout`]: the `$checkpointspout` that drives checkpoints through the topology.

use squall_api::config::TOPOLOGY_STATE_CHECKPOINT_INTERVAL_MS;
use squall_api::{
    ComponentError, OutputDeclarer, SharedClock, Spout, SpoutCollector, TopologyContext, Value, values,
};

use super::{
    CHECKPOINT_FIELD_ACTION, CHECKPOINT_FIELD_TXID, CHECKPOINT_STATE_KEY, CHECKPOINT_STREAM,
    CheckpointMachine, CheckpointState,
};
use crate::backend::provider_from_config;
use crate::{KeyValueState, StateError};

/// Storm's `CheckpointSpout`: emits PREPARE, COMMIT, ROLLBACK and INITSTATE on `$checkpoint`
/// (fields `txid`, `action`), one tracked tuple at a time (message id = txid), following a
/// [`CheckpointMachine`]. Its own [`CheckpointState`] is kept under key `__state` in namespace
/// `$checkpointspout-<task>` of the topology's state provider.
///
/// The topology rewriting of [`StatefulTopologyBuilder`](crate::StatefulTopologyBuilder) adds it
/// with parallelism 1; there is no reason to add it by hand.
///
/// **Bounded runs.** Storm's checkpoint spout never finishes. This one reports
/// [`is_finished`](Spout::is_finished) while it is idle between checkpoints (recovered, nothing in
/// flight, last transaction committed), so a local run over bounded sources ends once every other
/// spout finished and every tuple tree completed. Inputs of stateful bolts are acked only when a
/// checkpoint commits them, so by then everything they did is committed.
#[derive(Default)]
pub struct CheckpointSpout {
    running: Option<Running>,
}

struct Running {
    state: KeyValueState<String, CheckpointState>,
    machine: CheckpointMachine,
    clock: SharedClock,
    retry_at_ms: u64,
}

impl CheckpointSpout {
    /// A checkpoint spout; it loads its state in `open`.
    pub fn new() -> Self {
        Self::default()
    }
}

fn save(state: &mut KeyValueState<String, CheckpointState>, s: CheckpointState) -> Result<(), StateError> {
    state.put(CHECKPOINT_STATE_KEY.to_owned(), s);
    state.commit_now()
}

impl Spout for CheckpointSpout {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        declarer.declare_stream(CHECKPOINT_STREAM, [CHECKPOINT_FIELD_TXID, CHECKPOINT_FIELD_ACTION]);
    }

    fn open(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        let config = context.config();
        if config.acker_executors() == 0 {
            return Err(ComponentError::new(
                "a stateful topology needs tuple tracking: checkpoints advance on acks, and inputs are acked when \
                 they are committed; set topology.acker.executors above 0",
            ));
        }
        let namespace = crate::namespace(context.this_component_id().as_str(), context.this_task_id());
        let fail =
            |e: StateError| ComponentError::with_source("the checkpoint spout cannot load its state", e);
        let provider = provider_from_config(context.config(), context.topology_name()).map_err(fail)?;
        let mut state: KeyValueState<String, CheckpointState> =
            KeyValueState::open(provider.as_ref(), &namespace).map_err(fail)?;
        let stored = match state.get(CHECKPOINT_STATE_KEY) {
            Some(s) => *s,
            None => {
                save(&mut state, CheckpointState::INITIAL).map_err(fail)?;
                CheckpointState::INITIAL
            }
        };
        let interval = context.config().get_i64(TOPOLOGY_STATE_CHECKPOINT_INTERVAL_MS).unwrap_or(1000);
        let interval = u64::try_from(interval).unwrap_or(0);
        if config.message_timeouts_enabled()
            && interval.saturating_mul(2) > config.message_timeout_secs() * 1000
        {
            tracing::warn!(
                interval_ms = interval,
                timeout_secs = config.message_timeout_secs(),
                "inputs of stateful bolts are acked at the checkpoint that commits them: a checkpoint interval this \
                 close to the message timeout makes them time out and replay"
            );
        }
        tracing::debug!(namespace = %namespace, state = %stored, interval_ms = interval, "checkpoint spout recovering");
        self.running = Some(Running {
            state,
            machine: CheckpointMachine::new(stored, interval),
            clock: context.clock().clone(),
            retry_at_ms: 0,
        });
        Ok(())
    }

    fn next_tuple(&mut self, collector: &mut SpoutCollector<'_>) {
        let Some(r) = &mut self.running else { return };
        let now = r.clock.now_millis();
        if now < r.retry_at_ms {
            return;
        }
        let Running { state, machine, .. } = r;
        match machine.poll(now, |s| save(state, s)) {
            Ok(Some((txid, action))) => {
                collector.emit_to(CHECKPOINT_STREAM, values![txid, action.as_str()], Some(Value::I64(txid)));
            }
            Ok(None) => {}
            Err(e) => {
                collector.report_error(&format!("cannot store the checkpoint state: {e}"));
                r.retry_at_ms = now + r.machine.interval_ms() / 10;
            }
        }
    }

    fn ack(&mut self, msg_id: Value) {
        let (Some(r), Some(txid)) = (&mut self.running, msg_id.as_i64()) else { return };
        let Running { state, machine, .. } = r;
        if let Err(e) = machine.ack(txid, |s| save(state, s)) {
            tracing::warn!(error = %e, txid, "checkpoint acked but its state could not be stored; recovering");
        }
    }

    fn fail(&mut self, msg_id: Value) {
        let (Some(r), Some(txid)) = (&mut self.running, msg_id.as_i64()) else { return };
        tracing::debug!(txid, "checkpoint failed; recovering");
        r.machine.fail(txid);
    }

    fn is_finished(&self) -> bool {
        self.running.as_ref().is_some_and(|r| r.machine.is_idle())
    }
}
