//! Helpers shared by the runtime's integration tests: a simulated clock and small components.
#![allow(clippy::unwrap_used, reason = "tests and probes may panic on failure")]
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use squall_api::{Clock, Config};

/// A clock that moves only when the test advances it.
pub struct SimClock {
    now: Mutex<u64>,
    moved: Condvar,
}

impl SimClock {
    pub fn new() -> Arc<Self> {
        Arc::new(Self { now: Mutex::new(1_700_000_000_000), moved: Condvar::new() })
    }
    pub fn advance(&self, ms: u64) {
        *self.now.lock().unwrap() += ms;
        self.moved.notify_all();
    }
}

impl Clock for SimClock {
    fn now_millis(&self) -> u64 {
        *self.now.lock().unwrap()
    }
    fn wait_until(&self, deadline_ms: u64, max_wait: Duration) {
        let guard = self.now.lock().unwrap();
        if *guard < deadline_ms {
            let _ = self.moved.wait_timeout(guard, max_wait).unwrap();
        }
    }
    fn is_simulated(&self) -> bool {
        true
    }
}

/// Waits up to `limit` for `cond`, polling; panics with `what` on timeout.
pub fn await_cond(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out after {limit:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A config with acking as given and small timeouts irrelevant unless a test advances a clock.
pub fn config(ackers: u64) -> Config {
    let mut c = Config::new();
    c.set_acker_executors(ackers);
    c
}

/// A shared counter.
#[derive(Clone, Default)]
pub struct Counter(pub Arc<AtomicU64>);
impl Counter {
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::SeqCst);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}
