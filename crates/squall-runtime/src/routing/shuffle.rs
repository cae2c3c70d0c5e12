//! Shuffle: Storm's load-aware shuffle (`storm-model.md` §2.3) and the plain round-robin over a
//! random permutation used when `topology.disable.loadaware.messaging` is true.
//!
//! The load-aware grouper keeps a weight per target (start and max 100) and a ring of slots dealt in
//! proportion to the weights; each tuple takes the next slot, so the per-tuple cost is one index.
//! About once a second it reads the targets' loads (receive-queue fill ratios), widens the scope
//! from worker-local to all targets when the local ones average above the higher bound, narrows it
//! again below the lower bound, adjusts weights (+1 for targets within 0.05 of the least loaded,
//! −10 otherwise) and deals a new ring.

use std::sync::Arc;
use std::time::{Duration, Instant};

use squall_api::TaskId;

use super::{GrouperSettings, LoadSource};

/// Tuples between checks of the refresh clock (a time read per tuple would cost more than the pick).
const CHECK_EVERY: u32 = 1024;
/// Refresh period, before jitter.
const REFRESH: Duration = Duration::from_secs(1);

/// Round-robin over a fixed random permutation of the targets: exactly even.
#[derive(Debug, Clone)]
pub struct RoundRobin {
    order: Vec<TaskId>,
    next: usize,
}

impl RoundRobin {
    /// A round-robin over `targets` in a random order drawn from `rng`.
    pub fn new(targets: &[TaskId], rng: &mut fastrand::Rng) -> Self {
        let mut order = targets.to_vec();
        rng.shuffle(&mut order);
        Self { order, next: 0 }
    }

    /// The only target, if there is just one.
    pub fn only(&self) -> Option<TaskId> {
        (self.order.len() == 1).then(|| self.order[0])
    }

    /// The next target.
    #[inline]
    pub fn next_target(&mut self) -> TaskId {
        let t = self.order[self.next];
        self.next += 1;
        if self.next == self.order.len() {
            self.next = 0;
        }
        t
    }
}

/// Storm's load-aware shuffle over two scopes: the targets in the emitter's worker, and all.
pub struct LoadAware {
    /// `scopes[0]` the local targets (may be empty), `scopes[1]` every target.
    scopes: [Vec<TaskId>; 2],
    scope: usize,
    weights: Vec<u32>,
    ring: Vec<TaskId>,
    cursor: usize,
    countdown: u32,
    next_refresh: Instant,
    loads: Arc<dyn LoadSource>,
    settings: GrouperSettings,
    rng: fastrand::Rng,
}

impl LoadAware {
    /// A load-aware shuffle over `all` targets, preferring `local` ones, reading loads from `loads`.
    pub fn new(
        local: Vec<TaskId>,
        all: Vec<TaskId>,
        loads: Arc<dyn LoadSource>,
        settings: GrouperSettings,
        seed: u64,
    ) -> Self {
        let scope = if local.is_empty() { 1 } else { 0 };
        let mut g = Self {
            weights: Vec::new(),
            scopes: [local, all],
            scope,
            ring: Vec::new(),
            cursor: 0,
            countdown: CHECK_EVERY,
            next_refresh: Instant::now() + REFRESH,
            loads,
            settings,
            rng: fastrand::Rng::with_seed(seed),
        };
        g.reset_weights();
        g.deal();
        g
    }

    /// The next target.
    #[inline]
    pub fn next_target(&mut self) -> TaskId {
        self.countdown -= 1;
        if self.countdown == 0 {
            self.countdown = CHECK_EVERY;
            let now = Instant::now();
            if now >= self.next_refresh {
                self.refresh();
                let jitter = Duration::from_millis(self.rng.u64(0..500));
                self.next_refresh = now + REFRESH + jitter;
            }
        }
        let t = self.ring[self.cursor];
        self.cursor += 1;
        if self.cursor == self.ring.len() {
            self.cursor = 0;
        }
        t
    }

    /// The only target, if every scope holds just that one.
    pub fn only(&self) -> Option<TaskId> {
        (self.scopes[1].len() == 1).then(|| self.scopes[1][0])
    }

    /// The targets currently in scope.
    pub fn scope_targets(&self) -> &[TaskId] {
        &self.scopes[self.scope]
    }

    /// Re-reads loads, adjusts scope and weights, and deals a new ring. Called about once a second
    /// from [`next`](Self::next); public so tests can drive it.
    pub fn refresh(&mut self) {
        let avg = |targets: &[TaskId], loads: &dyn LoadSource| {
            targets.iter().map(|t| loads.load(*t)).sum::<f64>() / targets.len().max(1) as f64
        };
        let current = avg(&self.scopes[self.scope], &*self.loads);
        if self.scope == 0 && current > self.settings.higher_bound {
            self.scope = 1;
            self.reset_weights();
        } else if self.scope == 1
            && !self.scopes[0].is_empty()
            && avg(&self.scopes[0], &*self.loads) < self.settings.lower_bound
        {
            self.scope = 0;
            self.reset_weights();
        } else {
            let targets = &self.scopes[self.scope];
            let loads: Vec<f64> = targets.iter().map(|t| self.loads.load(*t)).collect();
            let min = loads.iter().copied().fold(f64::INFINITY, f64::min);
            for (w, load) in self.weights.iter_mut().zip(loads) {
                *w = if load <= min + 0.05 { (*w + 1).min(100) } else { w.saturating_sub(10) };
            }
        }
        self.deal();
    }

    fn reset_weights(&mut self) {
        self.weights = vec![100; self.scopes[self.scope].len()];
    }

    fn deal(&mut self) {
        let targets = &self.scopes[self.scope];
        if targets.len() == 1 {
            self.ring = vec![targets[0]];
            self.cursor = 0;
            return;
        }
        let size = (5 * targets.len()).max(1000);
        let total: u64 = self.weights.iter().map(|w| u64::from(*w)).sum();
        let mut ring = Vec::with_capacity(size);
        if let Some(total) = std::num::NonZeroU64::new(total) {
            for (t, w) in targets.iter().zip(&self.weights) {
                let slots = usize::try_from(u64::from(*w) * size as u64 / total).unwrap_or(0);
                ring.extend(std::iter::repeat_n(*t, slots));
            }
            // Fill the rounding gap with copies of random filled slots, as Storm does.
            while ring.len() < size {
                let pick = if ring.is_empty() { targets[0] } else { ring[self.rng.usize(0..ring.len())] };
                ring.push(pick);
            }
        } else {
            ring.extend(targets.iter().cycle().take(size));
        }
        self.rng.shuffle(&mut ring);
        self.ring = ring;
        self.cursor = 0;
    }
}
