//! The runtime side of the collectors: what happens when a task emits, acks or fails.
//!
//! An emit picks targets with the stream's groupers, builds one tuple per target (with fresh edge
//! ids when the tree is tracked) and hands each one on: a task later in the same executor is called
//! directly (chaining), any other task gets it through its executor's queue via the [`Outbox`].

use std::time::Instant;

use squall_api::{BoltCollector, BoltOutput, ComponentError, SpoutOutput, TaskId, Tuple, Value, Values};

use super::env::{ExecEnv, Route};
use super::outbox::{LocalTree, Outbox};
use super::task::{Instance, TaskCore, TaskSlot};
use crate::acker::AckerInput;
use crate::message::Message;
use crate::plan::task_index;

/// How an emit is anchored.
pub(super) enum Anchoring<'t> {
    /// A bolt emit anchored to these inputs (possibly none).
    Bolt(&'t [&'t Tuple]),
    /// A spout emit, tracked under this root when `Some`.
    Spout(Option<u64>),
}

/// The runtime side of one task's collector during one call.
pub(crate) struct Emitter<'a> {
    pub core: &'a mut TaskCore,
    /// The tasks after this one in the executor (candidates for direct calls).
    pub downstream: &'a mut [TaskSlot],
    /// The executor slot index of `downstream[0]`.
    pub offset: usize,
    pub out: &'a mut Outbox,
    pub env: &'a ExecEnv,
}

/// Runs `tuple` through the bolt in `slot` (called from the executor's queue or by a producer in
/// the same executor), with statistics and latency sampling.
#[inline]
pub(crate) fn run_tuple(
    slot: &mut TaskSlot,
    downstream: &mut [TaskSlot],
    offset: usize,
    out: &mut Outbox,
    env: &ExecEnv,
    tuple: Tuple,
) {
    let TaskSlot { core, instance } = slot;
    // A broken instance awaits its restart: the tuple is dropped and its tree times out.
    let Instance::Bolt(bolt) = instance else { return };
    let input = core.input_index(tuple.schema());
    core.counters.executed[input] += 1;
    let previous = env.current.replace(offset - 1);
    // One execute in `sample_every` is timed (execute and process latency, capacity).
    core.sample_countdown -= 1;
    let start = (core.sample_countdown == 0).then(|| {
        core.sample_countdown = env.sample_every;
        Instant::now()
    });
    if let Some(start) = start
        && let Some(&(_, edge)) = tuple.message_id().anchors().first()
    {
        if core.sampled.len() >= 4096 {
            core.sampled.clear();
        }
        core.sampled.insert(edge, start);
    }
    if core.debug {
        tracing::debug!(component = %core.context.this_component_id(), task = core.task.0, "execute {tuple:?}");
    }
    let mut em = Emitter { core: &mut *core, downstream, offset, out, env };
    bolt.execute(tuple, &mut BoltCollector::new(&mut em));
    if let Some(start) = start {
        let ns = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        core.counters.execute_ns[input] += ns;
        core.counters.execute_samples[input] += 1;
        core.counters.busy_ns += ns * u64::from(env.sample_every);
    }
    env.current.set(previous);
    if core.fatal.is_some() {
        *instance = Instance::Broken;
        env.broken.set(true);
    }
}

impl Emitter<'_> {
    #[inline(always)]
    fn stream(&mut self, stream: &str) -> usize {
        match self.core.output_index(stream) {
            Some(i) => i,
            None => panic!(
                "component '{}' task {}: emit on stream '{stream}', which it does not declare (Unknown stream ID); declared: {}",
                self.core.context.this_component_id(),
                self.core.task,
                self.core.outputs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// Fills `core.targets` for a regular emit on output `si`.
    #[inline]
    fn choose(&mut self, si: usize, values: &Values) {
        let TaskCore { outputs, targets, task, context, .. } = &mut *self.core;
        targets.clear();
        let out = &mut outputs[si];
        if let Some(t) = out.fixed {
            targets.push(t);
            return;
        }
        if out.direct {
            panic!(
                "component '{}' task {task}: Cannot do regular emit to direct stream '{}'",
                context.this_component_id(),
                out.name
            );
        }
        match out.groupers.as_mut_slice() {
            [only] => only.choose(*task, values, targets),
            all => {
                for g in all {
                    g.choose(*task, values, targets);
                }
            }
        }
    }

    /// Fills `core.targets` for a direct emit to `task` on output `si`.
    fn choose_direct(&mut self, si: usize, task: TaskId) {
        let TaskCore { outputs, targets, context, task: me, .. } = &mut *self.core;
        targets.clear();
        let Some(placement) = self.env.plan.placement(task) else { return };
        let out = &outputs[si];
        match out.consumers.iter().find(|(c, _)| *c == placement.component) {
            // Storm drops a direct emit to a task whose component does not subscribe.
            None => {}
            Some((_, true)) => targets.push(task),
            Some((_, false)) => panic!(
                "component '{}' task {me}: Cannot emitDirect to a task expecting a regular grouping (task {task} of '{}' on stream '{}')",
                context.this_component_id(),
                self.env.plan.components[placement.component].id,
                out.name
            ),
        }
    }

    /// Sends one copy of `values` to each chosen target.
    fn send(&mut self, si: usize, values: Values, anchoring: Anchoring<'_>) {
        let n = self.core.targets.len();
        let core = &mut *self.core;
        core.counters.emitted[si] += 1;
        core.counters.transferred[si] += n as u64;
        core.emitted_in_call += 1;
        let schema = core.outputs[si].schema;
        if core.debug {
            tracing::debug!(component = %core.context.this_component_id(), task = core.task.0, stream = %schema.stream, targets = ?core.targets, "emit {:?}", &*values);
        }
        if let Some(capture) = &mut core.capture {
            capture.push((core.outputs[si].index, values.clone()));
        }
        if let Anchoring::Spout(Some(root)) = anchoring
            && self.env.local_acking
        {
            self.out.local_tree = Some(LocalTree { root, ledger: 0, escaped: false, failed: false });
        }
        if n == 1 {
            // The common case, without the copy-per-target bookkeeping below.
            let target = self.core.targets[0];
            let id = self.message_id(&anchoring);
            let init = match (&anchoring, id.anchors().first()) {
                (Anchoring::Spout(Some(_)), Some(&(_, edge))) => edge,
                _ => 0,
            };
            self.deliver(target, Tuple::new(schema, self.core.task, values, id));
            if let Anchoring::Spout(Some(root)) = anchoring {
                self.close_tree(root, init, si);
            }
            return;
        }
        let mut values = Some(values);
        let mut init = 0u64;
        for i in 0..n {
            let target = self.core.targets[i];
            let v = if i + 1 == n {
                values.take().unwrap_or_default()
            } else {
                values.clone().unwrap_or_default()
            };
            let id = self.message_id(&anchoring);
            if let (Anchoring::Spout(Some(_)), Some(&(_, edge))) = (&anchoring, id.anchors().first()) {
                init ^= edge;
            }
            self.deliver(target, Tuple::new(schema, self.core.task, v, id));
        }
        if let Anchoring::Spout(Some(root)) = anchoring {
            self.close_tree(root, init, si);
        }
    }

    /// Hands `tuple` to `target`: a direct call for a later task of this executor, else a queue.
    #[inline]
    fn deliver(&mut self, target: TaskId, tuple: Tuple) {
        let route = self.env.routes[task_index(target)];
        if let Some(tree) = &mut self.out.local_tree
            && !matches!(route, Route::Local(slot) if slot >= self.offset)
            && tuple.message_id().anchors().iter().any(|(r, _)| *r == tree.root)
        {
            tree.escaped = true;
        }
        match route {
            Route::Local(slot) if slot >= self.offset => {
                let (_, rest) = self.downstream.split_at_mut(slot - self.offset);
                let (s, after) = rest.split_first_mut().expect("local slot is in range");
                run_tuple(s, after, slot + 1, self.out, self.env, tuple);
            }
            Route::Local(_) => {
                self.out.sent += 1;
                self.out.to_self.push_back(Message::Tuple { target, tuple });
            }
            Route::Queue(q) => self.out.push(q, Message::Tuple { target, tuple }),
        }
    }

    fn now_ms(&self) -> u64 {
        self.env.clock.now_millis()
    }
}

impl SpoutOutput for Emitter<'_> {
    fn emit(&mut self, stream: &str, values: Values, msg_id: Option<Value>) -> &[TaskId] {
        let si = self.stream(stream);
        self.choose(si, &values);
        let root = self.track(si, msg_id);
        self.send(si, values, Anchoring::Spout(root));
        &self.core.targets
    }

    fn emit_direct(&mut self, task: TaskId, stream: &str, values: Values, msg_id: Option<Value>) {
        let si = self.stream(stream);
        self.choose_direct(si, task);
        let root = self.track(si, msg_id);
        self.send(si, values, Anchoring::Spout(root));
    }

    fn report_error(&mut self, error: &str) {
        let now = self.now_ms();
        self.core.report(now, error.to_owned());
    }

    fn fatal(&mut self, error: ComponentError) {
        self.core.fatal = Some(error);
    }
}

impl BoltOutput for Emitter<'_> {
    fn emit(&mut self, stream: &str, anchors: &[&Tuple], values: Values) -> &[TaskId] {
        let si = self.stream(stream);
        self.choose(si, &values);
        self.send(si, values, Anchoring::Bolt(anchors));
        &self.core.targets
    }

    fn emit_direct(&mut self, task: TaskId, stream: &str, anchors: &[&Tuple], values: Values) {
        let si = self.stream(stream);
        self.choose_direct(si, task);
        self.send(si, values, Anchoring::Bolt(anchors));
    }

    fn ack(&mut self, tuple: &Tuple) {
        if !self.env.reliable {
            return;
        }
        let input = self.core.input_index(tuple.schema());
        self.core.counters.acked[input] += 1;
        let anchors = tuple.message_id().anchors();
        if let Some(&(_, edge)) = anchors.first()
            && let Some(start) = self.core.sampled.remove(&edge)
        {
            self.core.counters.process_ns[input] += u64::try_from(start.elapsed().as_nanos()).unwrap_or(0);
            self.core.counters.process_samples[input] += 1;
        }
        let ack_val = tuple.ack_val();
        for &(root, edge) in anchors {
            self.send_to_acker(AckerInput::Ack { root, value: edge ^ ack_val });
        }
        if self.core.debug {
            tracing::debug!(component = %self.core.context.this_component_id(), task = self.core.task.0, "ack {tuple:?}");
        }
    }

    fn fail(&mut self, tuple: &Tuple) {
        if !self.env.reliable {
            return;
        }
        let input = self.core.input_index(tuple.schema());
        self.core.counters.failed[input] += 1;
        let anchors = tuple.message_id().anchors();
        if let Some(&(_, edge)) = anchors.first() {
            self.core.sampled.remove(&edge);
        }
        for &(root, _) in anchors {
            self.send_to_acker(AckerInput::Fail { root });
        }
        if self.core.debug {
            tracing::debug!(component = %self.core.context.this_component_id(), task = self.core.task.0, "fail {tuple:?}");
        }
    }

    fn reset_timeout(&mut self, tuple: &Tuple) {
        if !self.env.reliable {
            return;
        }
        for &(root, _) in tuple.message_id().anchors() {
            self.send_to_acker(AckerInput::ResetTimeout { root });
        }
    }

    fn report_error(&mut self, error: &str) {
        let now = self.now_ms();
        self.core.report(now, error.to_owned());
    }

    fn fatal(&mut self, error: ComponentError) {
        self.core.fatal = Some(error);
    }
}
