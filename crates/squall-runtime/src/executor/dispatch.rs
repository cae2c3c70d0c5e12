//! What each message does once it reaches its executor, and the calls into spouts.

use squall_api::{BoltCollector, SpoutCollector, TaskId, Tuple, Value};

use super::Executor;
use super::emitter::{Emitter, run_tuple};
use super::env::Route;
use super::task::Instance;
use crate::acker::{AckerInput, AckerOutput};
use crate::message::{Batch, Message};
use crate::plan::task_index;

/// Most `next_tuple` calls per spout task per loop iteration.
const SPOUT_CALLS_PER_ROUND: usize = 64;

impl Executor {
    /// The slot of a task this executor hosts.
    #[inline]
    fn slot_of(&self, task: TaskId) -> Option<usize> {
        match self.env.routes.get(task_index(task)) {
            Some(Route::Local(slot)) => Some(*slot),
            _ => None,
        }
    }

    /// Processes every message of `batch`.
    pub(crate) fn process(&mut self, mut batch: Batch) {
        let mut counted = 0u64;
        let mut now = None;
        for msg in batch.drain(..) {
            if msg.counts() {
                counted += 1;
            }
            self.handle(msg, &mut now);
            // Restart a broken instance before the next message, so only the tuples it held are lost.
            if self.env.broken.get() {
                self.restart_broken();
            }
        }
        self.done += counted;
        self.shared.pool.give(batch);
    }

    /// Processes messages this executor sent itself.
    pub(crate) fn drain_self(&mut self) -> bool {
        let mut any = false;
        // Only what is queued now: handling a message may queue more, which waits a round.
        for _ in 0..self.out.to_self.len() {
            let Some(msg) = self.out.to_self.pop_front() else { break };
            if msg.counts() {
                self.done += 1;
            }
            self.handle(msg, &mut None);
            any = true;
        }
        any
    }

    /// Handles one message; `now` caches the clock for the batch (read only by acker traffic).
    fn handle(&mut self, msg: Message, now: &mut Option<u64>) {
        match msg {
            Message::Tuple { target, tuple } => {
                if let Some(slot) = self.slot_of(target) {
                    self.execute(slot, tuple);
                }
            }
            Message::ToAcker { acker, input } => {
                if let Some(slot) = self.slot_of(acker) {
                    let now = *now.get_or_insert_with(|| self.env.clock.now_millis());
                    self.acker(slot, input, now);
                }
            }
            Message::ToSpout(output) => self.answer(output),
            Message::Tick { task } => {
                if let Some(slot) = self.slot_of(task) {
                    self.tick(slot);
                }
            }
            Message::Rotate => self.rotate(),
        }
    }

    /// Runs `tuple` through the bolt in `slot`.
    pub(crate) fn execute(&mut self, slot: usize, tuple: Tuple) {
        let (_, rest) = self.slots.split_at_mut(slot);
        let (s, downstream) = rest.split_first_mut().expect("slot exists");
        run_tuple(s, downstream, slot + 1, &mut self.out, &self.env, tuple);
    }

    /// Sends a tick tuple to the bolt in `slot`.
    pub(crate) fn tick(&mut self, slot: usize) {
        let Some(ms) = self.slots[slot].core.tick_period_ms else { return };
        self.execute(slot, Tuple::tick(ms.div_ceil(1000)));
    }

    /// Runs the `wake` hook of the bolt in `slot`.
    pub(crate) fn wake(&mut self, slot: usize) {
        let (_, rest) = self.slots.split_at_mut(slot);
        let (s, downstream) = rest.split_first_mut().expect("slot exists");
        let Instance::Bolt(bolt) = &mut s.instance else { return };
        let previous = self.env.current.replace(slot);
        let mut em =
            Emitter { core: &mut s.core, downstream, offset: slot + 1, out: &mut self.out, env: &self.env };
        bolt.wake(&mut BoltCollector::new(&mut em));
        self.env.current.set(previous);
        if s.core.fatal.is_some() {
            s.instance = Instance::Broken;
            self.env.broken.set(true);
        }
    }

    fn acker(&mut self, slot: usize, input: AckerInput, now: u64) {
        let core = &mut self.slots[slot].core;
        core.counters.executed[0] += 1;
        let Instance::Acker(acker) = &mut self.slots[slot].instance else { return };
        if let Some(output) = acker.handle(input, now) {
            let spout = match output {
                AckerOutput::Acked { spout_task, .. }
                | AckerOutput::Failed { spout_task, .. }
                | AckerOutput::TimeoutReset { spout_task, .. } => spout_task,
            };
            self.env.send(&mut self.out, spout, Message::ToSpout(output));
        }
    }

    /// Applies the acker's answer to the spout task it names.
    fn answer(&mut self, output: AckerOutput) {
        let (task, root) = match output {
            AckerOutput::Acked { spout_task, root, .. }
            | AckerOutput::Failed { spout_task, root }
            | AckerOutput::TimeoutReset { spout_task, root } => (spout_task, root),
        };
        let Some(slot) = self.slot_of(task) else { return };
        let s = &mut self.slots[slot];
        if let AckerOutput::TimeoutReset { .. } = output {
            s.core.pending.reset(root);
            return;
        }
        // Late answers for roots that already timed out (or were dropped by a restart) are ignored.
        let Some(p) = s.core.pending.remove(root) else { return };
        let Instance::Spout(spout) = &mut s.instance else { return };
        let previous = self.env.current.replace(slot);
        match output {
            AckerOutput::Acked { .. } => {
                s.core.counters.acked[p.stream] += 1;
                if let Some(emitted) = p.emitted {
                    s.core.counters.record_complete(p.stream, emitted.elapsed());
                }
                if s.core.debug {
                    tracing::debug!(component = %s.core.context.this_component_id(), task = task.0, "spout ack {:?}", p.msg_id);
                }
                spout.ack(p.msg_id);
            }
            _ => {
                s.core.counters.failed[p.stream] += 1;
                if s.core.debug {
                    tracing::debug!(component = %s.core.context.this_component_id(), task = task.0, "spout fail {:?}", p.msg_id);
                }
                spout.fail(p.msg_id);
            }
        }
        self.env.current.set(previous);
    }

    /// One message timeout elapsed: time out old roots at spouts, rotate ackers.
    pub(crate) fn rotate(&mut self) {
        if !self.shared.plan.config.message_timeouts_enabled() {
            return;
        }
        for slot in 0..self.slots.len() {
            let s = &mut self.slots[slot];
            match &mut s.instance {
                Instance::Acker(acker) => {
                    acker.rotate();
                }
                Instance::Spout(spout) => {
                    let expired = s.core.pending.rotate();
                    if expired.is_empty() {
                        continue;
                    }
                    let previous = self.env.current.replace(slot);
                    for (_, p) in expired {
                        s.core.counters.failed[p.stream] += 1;
                        if s.core.debug {
                            tracing::debug!(component = %s.core.context.this_component_id(), task = s.core.task.0, "spout timeout {:?}", p.msg_id);
                        }
                        spout.fail(p.msg_id);
                    }
                    self.env.current.set(previous);
                }
                _ => {}
            }
        }
    }

    /// Calls `next_tuple` on every spout task that may emit: repeatedly (up to
    /// [`SPOUT_CALLS_PER_ROUND`] times) while it keeps emitting, stays under max-pending and
    /// nothing overflows, which saves the loop's bookkeeping per tuple. True if any emitted.
    pub(crate) fn call_spouts(&mut self) -> bool {
        let mut emitted = false;
        for i in 0..self.spouts.len() {
            let slot = self.spouts[i];
            let (_, rest) = self.slots.split_at_mut(slot);
            let (s, downstream) = rest.split_first_mut().expect("slot exists");
            let Instance::Spout(spout) = &mut s.instance else { continue };
            if !s.core.active {
                s.core.active = true;
                spout.activate();
            }
            let previous = self.env.current.replace(slot);
            for _ in 0..SPOUT_CALLS_PER_ROUND {
                if s.core.pending.len() >= s.core.max_pending || self.out.is_blocked() {
                    break;
                }
                s.core.emitted_in_call = 0;
                {
                    let mut em = Emitter {
                        core: &mut s.core,
                        downstream: &mut *downstream,
                        offset: slot + 1,
                        out: &mut self.out,
                        env: &self.env,
                    };
                    spout.next_tuple(&mut SpoutCollector::new(&mut em));
                }
                if !s.core.unreliable_acks.is_empty() {
                    let acks: Vec<Value> = std::mem::take(&mut s.core.unreliable_acks);
                    for id in acks {
                        spout.ack(id);
                    }
                }
                if !s.core.local_results.is_empty() {
                    for (p, acked) in std::mem::take(&mut s.core.local_results) {
                        if acked {
                            s.core.counters.acked[p.stream] += 1;
                            if let Some(emitted) = p.emitted {
                                s.core.counters.record_complete(p.stream, emitted.elapsed());
                            }
                            spout.ack(p.msg_id);
                        } else {
                            s.core.counters.failed[p.stream] += 1;
                            spout.fail(p.msg_id);
                        }
                    }
                }
                if s.core.fatal.is_some() || s.core.emitted_in_call == 0 || self.env.broken.get() {
                    break;
                }
                emitted = true;
            }
            s.core.finished = spout.is_finished();
            self.env.current.set(previous);
            if s.core.fatal.is_some() {
                s.instance = Instance::Broken;
                self.env.broken.set(true);
            }
        }
        emitted
    }
}
