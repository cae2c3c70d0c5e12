//! [`StatefulWindowed`]: runs a [`StatefulWindowedBolt`] as a [`StatefulBolt`].

use std::collections::{BTreeSet, HashMap, HashSet};

use squall_api::{
    BoltCollector, ComponentError, Config, GlobalStreamId, OutputDeclarer, SharedClock, TopologyContext,
    Tuple, Value, values,
};
use squall_window::core::{Decision, EventId, WindowEngine};
use squall_window::{LATE_TUPLE_FIELD, Window, WindowCollector, WindowOptions, WindowSpec, validate};

use super::StatefulWindowedBolt;
use crate::checkpoint::CHECKPOINT_STREAM;
use crate::codec::encode;
use crate::dedup::{SysKey, SysValue};
use crate::{KeyValueState, StatefulBolt};

/// A [`StatefulWindowedBolt`] with its [`WindowOptions`], run as a [`StatefulBolt`]; see
/// [`stateful_windowed`](super::stateful_windowed) and the [module docs](super) for recovery.
///
/// As squall-window's `Windowed` does, it asks for tick tuples as often as the window needs and
/// fires windows on the executor thread at arrivals and ticks.
pub struct StatefulWindowed<B> {
    bolt: B,
    options: WindowOptions,
    message_id_field: Option<String>,
    run: Option<Run>,
}

/// (last expired, last evaluated) message ids of one source task and stream.
type Progress = (i64, i64);

struct Run {
    component: String,
    spec: WindowSpec,
    inputs: Vec<GlobalStreamId>,
    engine: WindowEngine,
    clock: SharedClock,
    slack: u64,
    tuples: HashMap<EventId, Tuple>,
    /// Held tuples already acked (expired), kept until the next firing lists them.
    expired: HashSet<EventId>,
    decisions: Vec<Decision>,
    progress: HashMap<Vec<u8>, Progress>,
    dirty: BTreeSet<Vec<u8>>,
    /// While not empty, the streams still replaying what was evaluated before: no window fires.
    recovery: HashMap<Vec<u8>, Progress>,
    pending: Vec<Tuple>,
}

impl<B: StatefulWindowedBolt> StatefulWindowed<B> {
    /// Runs `bolt` over windows shaped by `options`.
    pub fn new(bolt: B, options: WindowOptions) -> Self {
        Self { bolt, options, message_id_field: None, run: None }
    }

    /// Inputs carry an increasing integer per source task and stream in field `field` (Storm's
    /// `withMessageIdField`): after a failure, windows refill without firing twice.
    pub fn with_message_id_field(mut self, field: &str) -> Self {
        self.message_id_field = Some(field.to_owned());
        self
    }

    fn message_id(&self, tuple: &Tuple) -> Result<Option<i64>, ComponentError> {
        let Some(field) = &self.message_id_field else { return Ok(None) };
        match tuple.get_by_field(field).and_then(Value::as_i64) {
            Some(id) => Ok(Some(id)),
            None => Err(ComponentError::new(format!(
                "stateful windowed bolt: input from '{}:{}' has no integer message id field '{field}'",
                tuple.source_component(),
                tuple.source_stream()
            ))),
        }
    }
}

fn task_stream(tuple: &Tuple) -> Vec<u8> {
    encode(&(tuple.source_task().0, tuple.source_stream())).expect("a task and a stream name always encode")
}

fn now(clock: &SharedClock) -> i64 {
    i64::try_from(clock.now_millis()).unwrap_or(i64::MAX)
}

fn stored_progress<K: crate::StateKey, V: crate::StateValue>(
    state: &KeyValueState<K, V>,
) -> HashMap<Vec<u8>, Progress> {
    state
        .system_ref()
        .data()
        .iter()
        .filter_map(|(k, v)| match (k, v) {
            (SysKey::Window(ts), SysValue::Window { last_expired, last_evaluated }) => {
                Some((ts.clone(), (*last_expired, *last_evaluated)))
            }
            _ => None,
        })
        .collect()
}

impl<B: StatefulWindowedBolt> StatefulWindowed<B> {
    /// Feeds one data tuple to the engine.
    fn feed(&mut self, tuple: Tuple, collector: &mut BoltCollector<'_>) -> bool {
        let Some(run) = &mut self.run else { return false };
        let event_ts = match self.options.timestamp_source() {
            None => None,
            Some(source) => match source.extract(&tuple) {
                Ok(ts) => Some(ts),
                Err(e) => {
                    collector
                        .fatal(ComponentError::with_source(format!("windowed bolt '{}'", run.component), e));
                    return false;
                }
            },
        };
        let at = now(&run.clock);
        let id = run.engine.arrive(
            at,
            tuple.source_component(),
            tuple.source_stream(),
            event_ts,
            &mut run.decisions,
        );
        run.tuples.insert(id, tuple);
        true
    }

    /// Carries out the engine's decisions.
    fn apply(&mut self, state: &mut KeyValueState<B::Key, B::Value>, collector: &mut BoltCollector<'_>) {
        let Some(run) = &mut self.run else { return };
        let field = self.message_id_field.as_deref();
        let id_of = |t: &Tuple| field.and_then(|f| t.get_by_field(f)).and_then(Value::as_i64);
        let mut decisions = std::mem::take(&mut run.decisions);
        for decision in decisions.drain(..) {
            match decision {
                Decision::Expire(ids) => {
                    for id in ids {
                        let Some(tuple) = run.tuples.get(&id) else { continue };
                        collector.ack(tuple);
                        run.expired.insert(id);
                        if let Some(m) = id_of(tuple) {
                            let ts = task_stream(tuple);
                            let p = run.progress.entry(ts.clone()).or_insert((i64::MIN, i64::MIN));
                            p.0 = p.0.max(m);
                            run.dirty.insert(ts);
                        }
                    }
                }
                Decision::Late(id) => {
                    if let Some(tuple) = run.tuples.remove(&id) {
                        if let Some(stream) = &run.spec.late_tuple_stream {
                            collector.emit_to(
                                stream,
                                &[&tuple],
                                values![Value::list(tuple.values().to_vec())],
                            );
                        }
                        collector.ack(&tuple);
                    }
                }
                Decision::Fire(firing) => {
                    if run.recovery.is_empty() {
                        let pick = |ids: &[EventId]| {
                            ids.iter().filter_map(|id| run.tuples.get(id)).collect::<Vec<_>>()
                        };
                        let window = Window::new(
                            pick(&firing.tuples),
                            pick(&firing.new),
                            pick(&firing.expired),
                            firing.start,
                            firing.end,
                        );
                        self.bolt.execute(
                            &window,
                            state,
                            &mut WindowCollector::new(collector, window.tuples()),
                        );
                        for tuple in window.tuples() {
                            if let Some(m) = id_of(tuple) {
                                let ts = task_stream(tuple);
                                let p = run.progress.entry(ts.clone()).or_insert((i64::MIN, i64::MIN));
                                p.1 = p.1.max(m);
                                run.dirty.insert(ts);
                            }
                        }
                    }
                    for id in firing.expired {
                        run.tuples.remove(&id);
                        run.expired.remove(&id);
                    }
                }
            }
        }
        run.decisions = decisions;
        for ts in std::mem::take(&mut run.dirty) {
            let (last_expired, last_evaluated) = run.progress[&ts];
            state.system().put(SysKey::Window(ts), SysValue::Window { last_expired, last_evaluated });
        }
    }

    /// Storm's `handleRecovery`: drop what expired, refill what was evaluated, hold the rest until
    /// every stream caught up.
    fn recover(
        &mut self,
        tuple: Tuple,
        id: i64,
        state: &mut KeyValueState<B::Key, B::Value>,
        collector: &mut BoltCollector<'_>,
    ) {
        let Some(run) = &mut self.run else { return };
        let ts = task_stream(&tuple);
        match run.recovery.get(&ts).copied() {
            Some((last_expired, _)) if id <= last_expired => collector.ack(&tuple),
            Some((_, last_evaluated)) if id <= last_evaluated => {
                if self.feed(tuple, collector) {
                    self.apply(state, collector);
                }
            }
            Some(_) => {
                run.pending.push(tuple);
                run.recovery.remove(&ts);
                if run.recovery.is_empty() {
                    for t in std::mem::take(&mut run.pending) {
                        if !self.feed(t, collector) {
                            return;
                        }
                        self.apply(state, collector);
                    }
                }
            }
            None => run.pending.push(tuple),
        }
    }
}

impl<B: StatefulWindowedBolt> StatefulBolt for StatefulWindowed<B> {
    type Key = B::Key;
    type Value = B::Value;

    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        if let Some(stream) = self.options.late_tuple_stream() {
            declarer.declare_stream(stream, [LATE_TUPLE_FIELD]);
        }
        self.bolt.declare_outputs(declarer);
    }

    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        let component = context.this_component_id().to_string();
        let fail = |e: squall_window::WindowError| {
            ComponentError::with_source(format!("windowed bolt '{component}'"), e)
        };
        let config = context.config();
        let spec = validate(&self.options, config).map_err(fail)?;
        let mut slack = 0;
        if let Some(needed_ms) = spec.tick_period_ms() {
            let Some(period) = config.tick_period_millis() else {
                return Err(fail(squall_window::WindowError::NoTicks { needed_ms }));
            };
            slack = period.min(needed_ms) / 2;
        }
        let inputs: Vec<GlobalStreamId> = context
            .this_inputs()
            .iter()
            .filter(|s| s.source.stream.as_str() != CHECKPOINT_STREAM)
            .map(|s| s.source.clone())
            .collect();
        let clock = context.clock().clone();
        let engine = WindowEngine::new(&spec, inputs.clone(), now(&clock));
        self.run = Some(Run {
            component: component.clone(),
            spec,
            inputs,
            engine,
            clock,
            slack,
            tuples: HashMap::new(),
            expired: HashSet::new(),
            decisions: Vec::new(),
            progress: HashMap::new(),
            dirty: BTreeSet::new(),
            recovery: HashMap::new(),
            pending: Vec::new(),
        });
        self.bolt.prepare(context)
    }

    fn init_state(&mut self, state: &mut KeyValueState<Self::Key, Self::Value>) {
        if let Some(run) = &mut self.run {
            run.progress = stored_progress(state);
            if self.message_id_field.is_some() {
                run.recovery = run.progress.clone();
            }
        }
        self.bolt.init_state(state);
    }

    fn execute(
        &mut self,
        tuple: Tuple,
        state: &mut KeyValueState<Self::Key, Self::Value>,
        collector: &mut BoltCollector<'_>,
    ) {
        let Some(run) = &mut self.run else { return };
        if tuple.is_tick() {
            let at = now(&run.clock);
            run.engine.tick(at, run.slack, &mut run.decisions);
            self.apply(state, collector);
            return;
        }
        let id = match self.message_id(&tuple) {
            Ok(id) => id,
            Err(e) => {
                collector.fatal(e);
                return;
            }
        };
        let recovering = self.run.as_ref().is_some_and(|r| !r.recovery.is_empty() || !r.pending.is_empty());
        match id {
            Some(id) if recovering => self.recover(tuple, id, state, collector),
            _ => {
                if self.feed(tuple, collector) {
                    self.apply(state, collector);
                }
            }
        }
    }

    fn pre_prepare(
        &mut self,
        txid: i64,
        state: &mut KeyValueState<Self::Key, Self::Value>,
    ) -> Result<(), squall_api::Failed> {
        self.bolt.pre_prepare(txid, state)
    }

    fn pre_commit(
        &mut self,
        txid: i64,
        state: &mut KeyValueState<Self::Key, Self::Value>,
    ) -> Result<(), squall_api::Failed> {
        self.bolt.pre_commit(txid, state)
    }

    fn pre_rollback(&mut self, state: &mut KeyValueState<Self::Key, Self::Value>) {
        self.bolt.pre_rollback(state);
    }

    /// Empties the windows: held inputs not yet acked fail (the executor fails the acked ones),
    /// and recovery starts again from the rolled-back progress.
    fn post_rollback(
        &mut self,
        state: &mut KeyValueState<Self::Key, Self::Value>,
        collector: &mut BoltCollector<'_>,
    ) {
        let Some(run) = &mut self.run else { return };
        for (id, tuple) in run.tuples.drain() {
            if !run.expired.contains(&id) {
                collector.fail(&tuple);
            }
        }
        for tuple in run.pending.drain(..) {
            collector.fail(&tuple);
        }
        run.expired.clear();
        run.decisions.clear();
        run.dirty.clear();
        run.engine = WindowEngine::new(&run.spec, run.inputs.clone(), now(&run.clock));
        run.progress = stored_progress(state);
        if self.message_id_field.is_some() {
            run.recovery = run.progress.clone();
        }
    }

    fn cleanup(&mut self) {
        self.run = None;
        self.bolt.cleanup();
    }

    fn component_config(&self) -> Config {
        self.options.component_config(self.bolt.component_config())
    }
}
