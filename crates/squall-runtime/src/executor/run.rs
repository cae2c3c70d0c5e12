//! The executor loop.
//!
//! Each iteration: handle signals; offer overflowed batches again; drain the queue (bolts only
//! while nothing overflows, spouts always, so acks keep flowing under backpressure); call each
//! spout's `next_tuple` once (while active, not blocked, under max-pending); then, if nothing
//! happened, flush partial batches and wait — blocked on the queue, so new input or a signal wakes
//! the thread at once.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;

use super::Executor;
use super::signals::{ACTIVITY, PUBLISH, ROTATE, STOP, TICK, WAKE};

/// Batches taken from the queue per iteration before spouts get a turn again.
const BATCHES_PER_ROUND: usize = 16;
/// Longest blocking wait; signals wake the thread earlier.
const MAX_WAIT: Duration = Duration::from_millis(100);
/// How often statistics are published.
const PUBLISH_EVERY: Duration = Duration::from_secs(1);
/// Iterations between checks of the publish clock while busy.
const CLOCK_CHECK_EVERY: u32 = 256;

impl Executor {
    /// Runs until stopped.
    pub(crate) fn run(&mut self) {
        if !self.start_tasks() {
            return;
        }
        self.update_activity();
        let mut iteration: u32 = 0;
        loop {
            let mut worked = false;
            if self.signals.flags.load(Ordering::Relaxed) != 0 {
                // Wakes and ticks run component code, whose emits must be flushed like any other.
                worked |= self.handle_signals();
            }
            if self.stopping {
                break;
            }
            iteration = iteration.wrapping_add(1);
            if self.out.is_blocked() {
                self.out.retry_overflow();
            }
            let blocked = self.out.is_blocked();
            if !self.out.to_self.is_empty() && !blocked {
                worked |= self.drain_self();
            }
            let has_spouts = !self.spouts.is_empty();
            let check_queue = !has_spouts || self.env.reliable || iteration.is_multiple_of(self.recv_skips);
            if (has_spouts || !blocked) && check_queue {
                worked |= self.drain_queue();
            }
            if (has_spouts || !blocked) && self.signals.remote_overflow_len.load(Ordering::Relaxed) > 0 {
                for batch in self.signals.take_remote_overflow(BATCHES_PER_ROUND) {
                    worked = true;
                    self.process(batch);
                }
            }
            if has_spouts && self.active && !blocked {
                worked |= self.call_spouts();
            }
            if self.env.broken.get() {
                self.restart_broken();
            }
            if worked {
                self.mark_busy();
                // A busy executor never goes idle, so partial batches (acker answers at a moderate
                // rate, say) leave on the flush interval: check it every iteration while any wait.
                // An iteration handles up to 16 batches or 64 spout calls, so a clock read per
                // iteration costs little.
                let check_publish = iteration.is_multiple_of(CLOCK_CHECK_EVERY);
                if self.out.has_partial() || check_publish {
                    let now = Instant::now();
                    if now.duration_since(self.last_flush) >= self.flush_interval {
                        self.flush();
                    }
                    if check_publish && now.duration_since(self.last_publish) >= PUBLISH_EVERY {
                        self.publish();
                    }
                }
            } else {
                // Publish once per idle spell (and while blocked, when overflow may change), not on
                // every idle iteration of a progressive wait.
                if !self.idle_published
                    || self.out.has_partial()
                    || self.out.is_blocked()
                    || !self.spouts.is_empty()
                {
                    self.flush();
                    self.publish_counters();
                    if !self.out.is_blocked() && self.out.to_self.is_empty() {
                        self.signals.idle.store(true, Ordering::Release);
                        self.idle_published = true;
                    }
                }
                if self.last_publish.elapsed() >= PUBLISH_EVERY {
                    self.publish();
                }
                self.wait(blocked);
            }
        }
        self.shutdown();
    }

    /// Leaves an idle spell: the "finished?" check must not trust this executor's counters until
    /// it publishes them again as idle.
    fn mark_busy(&mut self) {
        if self.idle_published {
            self.signals.idle.store(false, Ordering::Release);
            self.idle_published = false;
        }
        self.idle = 0;
    }

    fn flush(&mut self) {
        self.out.flush_all();
        self.last_flush = Instant::now();
    }

    /// Copies the in-flight counters where the "finished?" check reads them. Sent is published
    /// before done, so a reader that loads done first never sees a message processed but not sent.
    pub(crate) fn publish_counters(&mut self) {
        self.signals.sent.store(self.out.sent, Ordering::Release);
        self.signals.done.store(self.done, Ordering::Release);
        let pending: usize = self.spouts.iter().map(|&s| self.slots[s].core.pending.len()).sum();
        self.signals.pending.store(pending as u64, Ordering::Release);
        let finished = self.spouts.iter().all(|&s| self.slots[s].core.finished) && pending == 0;
        self.signals.finished.store(finished, Ordering::Release);
        let overflow = self.out.overflow_len() as u64;
        self.signals.overflow.store(overflow, Ordering::Release);
        self.signals.max_overflow.fetch_max(overflow, Ordering::AcqRel);
    }

    /// Handles raised signals; true if component code ran (ticks, wakes, timeouts).
    fn handle_signals(&mut self) -> bool {
        let flags = self.signals.flags.swap(0, Ordering::AcqRel);
        if flags & STOP != 0 {
            self.stopping = true;
            return false;
        }
        if flags & ACTIVITY != 0 {
            self.update_activity();
        }
        if flags & ROTATE != 0 {
            self.rotate();
        }
        if flags & TICK != 0 {
            let bits = self.signals.tick_bits.swap(0, Ordering::AcqRel);
            for slot in 0..self.slots.len() {
                if bits & (1 << (slot % 64)) != 0 && self.slots[slot].core.tick_period_ms.is_some() {
                    self.tick(slot);
                }
            }
        }
        if flags & WAKE != 0 {
            let bits = self.signals.wake_bits.swap(0, Ordering::AcqRel);
            for slot in 0..self.slots.len() {
                if bits & (1 << (slot % 64)) != 0 {
                    self.wake(slot);
                }
            }
        }
        if flags & PUBLISH != 0 {
            self.publish();
        }
        flags & (ROTATE | TICK | WAKE | ACTIVITY) != 0
    }

    /// Waits for something to do.
    fn wait(&mut self, blocked: bool) {
        self.idle += 1;
        if blocked {
            // Spouts must keep draining acks: wait briefly. Bolts wait for room longer.
            let t =
                if self.spouts.is_empty() { Duration::from_millis(1) } else { Duration::from_micros(100) };
            self.out.wait_for_room(t);
            return;
        }
        let timeout = if !self.spouts.is_empty() && self.active {
            let (level1, level2, sleep_ms) = self.spout_wait;
            if self.idle <= level1 {
                return;
            }
            if self.idle <= level1 + level2 {
                std::thread::yield_now();
                return;
            }
            Duration::from_millis(sleep_ms.max(1))
        } else {
            // Storm's progressive bolt wait: retry, then yield (Storm parks 1 ns), then block. A
            // yielding consumer is picked up by its producer without a wake-up system call, and on
            // a busy machine yielding hands the core to whoever has work.
            let (level1, level2, _) = self.bolt_wait;
            if self.idle <= level1 {
                return;
            }
            if self.idle <= level1 + level2 {
                std::thread::yield_now();
                return;
            }
            MAX_WAIT
        };
        match self.rx.recv_timeout(timeout) {
            Ok(batch) => {
                if !batch.is_empty() {
                    self.mark_busy();
                }
                self.process(batch);
            }
            Err(RecvTimeoutError::Timeout) => {}
            // Every sender is gone: only possible while the topology is being torn down.
            Err(RecvTimeoutError::Disconnected) => self.stopping = true,
        }
    }

    /// Takes up to [`BATCHES_PER_ROUND`] batches from the queue without blocking.
    fn drain_queue(&mut self) -> bool {
        let mut any = false;
        for _ in 0..BATCHES_PER_ROUND {
            match self.rx.try_recv() {
                Ok(batch) => {
                    any |= !batch.is_empty();
                    self.process(batch);
                }
                Err(_) => break,
            }
        }
        any
    }
}
