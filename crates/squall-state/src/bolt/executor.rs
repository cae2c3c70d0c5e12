//! [`StatefulBoltExecutor`]: runs a [`StatefulBolt`] inside the checkpoint protocol.

use squall_api::{
    Bolt, BoltCollector, ComponentError, Config, OutputDeclarer, TaskId, TopologyContext, Tuple, Values,
    values,
};

use super::output::{Scope, StatefulOutput, held_copy};
use super::{StatefulBolt, checkpoint_fields, checkpoint_upstream};
use crate::backend::provider_from_config;
use crate::checkpoint::{
    Action, Alignment, BoltProtocol, CHECKPOINT_COMPONENT, CHECKPOINT_FIELD_ACTION, CHECKPOINT_FIELD_TXID,
    CHECKPOINT_STATE_KEY, CHECKPOINT_STREAM, CheckpointState, Finished,
};
use crate::codec::decode_values;
use crate::dedup::{Check, Dedup, Deduper};
use crate::{KeyValueState, StateError, load_committed};

/// Runs a [`StatefulBolt`] as a plain [`Bolt`]: Storm's `StatefulBoltExecutor`, plus squall's
/// exactly-once deduplication when configured ([`with_dedup`](Self::with_dedup)).
///
/// In `prepare` it opens the task's state (namespace `<componentId>-<taskId>`, backend from
/// `topology.state.provider`) and checks it against the checkpoint spout's stored state: a
/// committed checkpoint whose data is missing here, or data that does not decode, stops the
/// topology with an error naming the component, the task and the txid, never a silent reset.
/// Then, per checkpoint tuple aligned across upstream tasks:
///
/// - PREPARE(t): `pre_prepare`, `prepare_commit(t)`, the acks held so far join the prepared set
///   (before the first INITSTATE the checkpoint tuple is failed, which forces a recovery);
/// - COMMIT(t): `pre_commit`, `commit(t)`, the prepared acks are sent;
/// - ROLLBACK(t): `pre_rollback`, `rollback()`, the prepared and the not yet prepared acks fail;
/// - INITSTATE(t): the first time, `init_state` and then the inputs buffered until now;
///
/// and finally forwards the checkpoint on `$checkpoint`, anchored to it, and acks it. A failing
/// hook or backend fails the checkpoint tuple (the checkpoint spout recovers); corrupt or missing
/// checkpoint data declares the task broken ([`BoltCollector::fatal`]), and its restart stops at
/// the same check in `prepare`.
pub struct StatefulBoltExecutor<B: StatefulBolt> {
    bolt: B,
    dedup: Option<Dedup>,
    run: Option<Run<B>>,
}

struct Run<B: StatefulBolt> {
    state: KeyValueState<B::Key, B::Value>,
    protocol: BoltProtocol<Tuple>,
    deduper: Option<Deduper>,
    component: String,
    task: TaskId,
    scope: Scope,
}

impl<B: StatefulBolt> StatefulBoltExecutor<B> {
    /// Runs `bolt` without deduplication (Storm's at-least-once state).
    pub fn new(bolt: B) -> Self {
        Self { bolt, dedup: None, run: None }
    }

    /// Makes the bolt's state exactly-once: inputs already applied, recognized by `dedup`, are
    /// skipped. See [`crate::dedup`] for the contract.
    pub fn with_dedup(mut self, dedup: Dedup) -> Self {
        self.dedup = Some(dedup);
        self
    }
}

enum StepError {
    Hook(squall_api::Failed),
    State(StateError),
}

impl<B: StatefulBolt> Bolt for StatefulBoltExecutor<B> {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        self.bolt.declare_outputs(declarer);
        declarer.declare_stream(CHECKPOINT_STREAM, [CHECKPOINT_FIELD_TXID, CHECKPOINT_FIELD_ACTION]);
    }

    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        self.bolt.prepare(context)?;
        let component = context.this_component_id().to_string();
        let task = context.this_task_id();
        let upstream = checkpoint_upstream(context);
        if upstream == 0 {
            return Err(ComponentError::new(format!(
                "stateful bolt '{component}' receives no '{CHECKPOINT_STREAM}' stream: build the topology with \
                 StatefulTopologyBuilder or with_checkpointing"
            )));
        }
        let deduper = match &self.dedup {
            Some(dedup) => {
                dedup
                    .validate()
                    .map_err(|e| ComponentError::new(format!("stateful bolt '{component}': {e}")))?;
                check_dedup_inputs(context, dedup)?;
                Some(Deduper::new(dedup.clone()))
            }
            None => None,
        };
        let namespace = crate::namespace(&component, task);
        let cannot = |e: StateError| ComponentError::with_source("cannot start from its checkpoint", e);
        let provider = provider_from_config(context.config(), context.topology_name()).map_err(cannot)?;
        let state = KeyValueState::open(provider.as_ref(), &namespace).map_err(cannot)?;
        check_against_spout(context, &namespace, state.committed_txid(), state.prepared_txid())
            .map_err(cannot)?;
        tracing::debug!(
            namespace = %namespace,
            committed = ?state.committed_txid(),
            prepared = ?state.prepared_txid(),
            entries = state.len(),
            "stateful bolt state loaded"
        );
        self.run = Some(Run {
            state,
            protocol: BoltProtocol::new(upstream),
            deduper,
            component,
            task,
            scope: Scope::default(),
        });
        Ok(())
    }

    fn execute(&mut self, tuple: Tuple, collector: &mut BoltCollector<'_>) {
        let Some(run) = &mut self.run else { return };
        if tuple.source_stream() == CHECKPOINT_STREAM {
            checkpoint(&mut self.bolt, run, tuple, collector);
        } else if let Some(tuple) = run.protocol.data(tuple) {
            process(&mut self.bolt, run, tuple, collector);
        }
    }

    fn wake(&mut self, collector: &mut BoltCollector<'_>) {
        let Some(run) = &mut self.run else { return };
        if !run.protocol.is_initialized() {
            return;
        }
        let Run { state, protocol, deduper, component, scope, .. } = run;
        {
            let mut out =
                StatefulOutput { inner: collector, component, protocol, deduper: deduper.as_mut(), scope };
            self.bolt.wake(state, &mut BoltCollector::new(&mut out));
        }
        record_applied(run);
    }

    fn cleanup(&mut self) {
        if let Some(run) = &self.run
            && let Some(d) = &run.deduper
        {
            tracing::debug!(component = %run.component, task = run.task.0, skipped = d.skipped, recorded = d.recorded, "deduplication");
        }
        self.bolt.cleanup();
    }

    fn component_config(&self) -> Config {
        self.bolt.component_config()
    }
}

/// Runs one data tuple through the bolt (or skips it as a duplicate).
fn process<B: StatefulBolt>(bolt: &mut B, run: &mut Run<B>, tuple: Tuple, collector: &mut BoltCollector<'_>) {
    let Run { state, protocol, deduper, component, scope, .. } = run;
    if let Some(d) = deduper.as_mut() {
        match d.check(&tuple, state.system()) {
            Check::Duplicate(outputs) => {
                for o in outputs {
                    let values: Values = match decode_values(&o.values) {
                        Ok(v) => v.into(),
                        Err(e) => {
                            let e = StateError::corrupt(
                                state.namespace(),
                                state.committed_txid(),
                                format!("a recorded output does not decode: {e}"),
                            );
                            collector.fatal(ComponentError::with_source(
                                "cannot repeat an output of a duplicate input",
                                e,
                            ));
                            return;
                        }
                    };
                    match o.task {
                        Some(task) => collector.emit_direct(TaskId(task), &o.stream, &[&tuple], values),
                        None => {
                            collector.emit_to(&o.stream, &[&tuple], values);
                        }
                    }
                }
                if !tuple.message_id().is_untracked() {
                    protocol.user_ack(held_copy(&tuple));
                }
                return;
            }
            Check::Fresh(identity) => scope.current = Some((tuple.message_id().clone(), identity)),
            Check::Unidentified => {}
        }
    }
    {
        let mut out =
            StatefulOutput { inner: collector, component, protocol, deduper: deduper.as_mut(), scope };
        bolt.execute(tuple, state, &mut BoltCollector::new(&mut out));
    }
    scope.current = None;
    scope.outputs.clear();
    record_applied(run);
}

fn record_applied<B: StatefulBolt>(run: &mut Run<B>) {
    if let Some(d) = &mut run.deduper {
        for (identity, outputs) in run.scope.applied.drain(..) {
            d.record(identity, outputs, run.state.system());
        }
    }
}

/// Handles one checkpoint tuple.
fn checkpoint<B: StatefulBolt>(
    bolt: &mut B,
    run: &mut Run<B>,
    tuple: Tuple,
    collector: &mut BoltCollector<'_>,
) {
    let Some((txid, action)) = checkpoint_fields(&tuple) else {
        collector.report_error(&format!("malformed checkpoint tuple {tuple:?}"));
        collector.ack(&tuple);
        return;
    };
    match run.protocol.checkpoint(tuple.source_task(), action, txid) {
        Alignment::Wait | Alignment::Stale => {
            collector.ack(&tuple);
            return;
        }
        Alignment::Act => {}
    }
    if action == Action::Prepare && !run.protocol.is_initialized() {
        collector.fail(&tuple);
        return;
    }
    let state = &mut run.state;
    let step = match action {
        Action::Prepare => bolt
            .pre_prepare(txid, state)
            .map_err(StepError::Hook)
            .and_then(|()| state.prepare_commit(txid).map_err(StepError::State)),
        Action::Commit => bolt
            .pre_commit(txid, state)
            .map_err(StepError::Hook)
            .and_then(|()| state.commit(txid).map_err(StepError::State)),
        Action::Rollback => {
            bolt.pre_rollback(state);
            state.rollback().map_err(StepError::State)
        }
        Action::InitState => Ok(()),
    };
    match step {
        Ok(()) => {}
        Err(StepError::Hook(failed)) => {
            collector.report_error(&format!("{action}({txid}) failed: {failed}"));
            collector.fail(&tuple);
            return;
        }
        Err(StepError::State(e)) if e.is_data_loss() => {
            collector.fail(&tuple);
            collector.fatal(ComponentError::with_source(format!("cannot carry out {action}({txid})"), e));
            return;
        }
        Err(StepError::State(e)) => {
            collector.report_error(&format!("{action}({txid}) failed: {e}"));
            collector.fail(&tuple);
            return;
        }
    }
    if action == Action::Rollback
        && let Some(d) = &mut run.deduper
    {
        d.rebuild(run.state.system_ref());
    }
    if action == Action::InitState && !run.protocol.is_initialized() {
        if let Some(d) = &mut run.deduper {
            d.rebuild(run.state.system_ref());
        }
        bolt.init_state(&mut run.state);
    }
    match run.protocol.done(action, txid) {
        Finished::Nothing => {}
        Finished::Ack(held) => held.iter().for_each(|t| collector.ack(t)),
        Finished::Fail(held) => {
            held.iter().for_each(|t| collector.fail(t));
            let Run { state, protocol, deduper, component, scope, .. } = run;
            let mut out =
                StatefulOutput { inner: collector, component, protocol, deduper: deduper.as_mut(), scope };
            bolt.post_rollback(state, &mut BoltCollector::new(&mut out));
        }
        Finished::Replay(buffered) => {
            for t in buffered {
                process(bolt, run, t, collector);
            }
        }
    }
    collector.emit_to(CHECKPOINT_STREAM, &[&tuple], values![txid, action.as_str()]);
    collector.ack(&tuple);
}

/// Every data input must carry the fields deduplication reads.
fn check_dedup_inputs(context: &TopologyContext, dedup: &Dedup) -> Result<(), ComponentError> {
    for input in context.this_inputs() {
        if input.source.stream == CHECKPOINT_STREAM {
            continue;
        }
        let Some(fields) =
            context.output_fields(input.source.component.as_str(), input.source.stream.as_str())
        else {
            continue;
        };
        if let Some(missing) = dedup.required_fields().find(|f| fields.index_of(f).is_none()) {
            return Err(ComponentError::new(format!(
                "stateful bolt '{}' deduplicates inputs by fields {:?}, but its input '{}' has no field '{missing}' (its fields: {fields})",
                context.this_component_id(),
                dedup.required_fields().collect::<Vec<_>>(),
                input.source,
            )));
        }
    }
    Ok(())
}

/// Checks this task's state against the checkpoint spout's: bolts commit a txid only after the
/// spout stored COMMITTING for it, and the spout stores COMMITTED only once every bolt committed.
fn check_against_spout(
    context: &TopologyContext,
    namespace: &str,
    committed: Option<i64>,
    prepared: Option<i64>,
) -> Result<(), StateError> {
    let Some(spout_task) = context.component_tasks(CHECKPOINT_COMPONENT).first() else { return Ok(()) };
    let spout_namespace = crate::namespace(CHECKPOINT_COMPONENT, *spout_task);
    let spout_config = &context.topology().config;
    let provider = provider_from_config(spout_config, context.topology_name())?;
    let spout = load_committed::<String, CheckpointState>(provider.as_ref(), &spout_namespace)?;
    let describe = |t: Option<i64>| t.map_or_else(|| "none".to_owned(), |t| t.to_string());
    match spout.get(CHECKPOINT_STATE_KEY) {
        Some(s) if s.accepts_bolt(committed, prepared) => Ok(()),
        Some(s) => Err(StateError::Missing {
            namespace: namespace.to_owned(),
            txid: s.txid,
            detail: format!(
                "'{spout_namespace}' stored {s}, but this state has committed txid {} and prepared txid {} \
                 (was the component added or its parallelism changed since? then clear the topology's state)",
                describe(committed),
                describe(prepared)
            ),
        }),
        None if committed.is_some() || prepared.is_some() => Err(StateError::Missing {
            namespace: spout_namespace.clone(),
            txid: committed.or(prepared).unwrap_or(-1),
            detail: format!(
                "'{namespace}' has committed txid {} and prepared txid {}, but the checkpoint spout's state is gone",
                describe(committed),
                describe(prepared)
            ),
        }),
        None => Ok(()),
    }
}
