//! [`SimulatedClock`]: time that only moves when a test advances it.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use squall_api::Clock;

/// A clock that starts at a fixed instant and moves only through [`advance`](Self::advance) or
/// [`set`](Self::set). Threads waiting on it (the topology's timer) wake when it moves.
pub struct SimulatedClock {
    now: Mutex<u64>,
    moved: Condvar,
}

impl SimulatedClock {
    /// A clock at 2023-11-14T22:13:20Z (1,700,000,000,000 ms), shared.
    pub fn new() -> Arc<Self> {
        Self::starting_at(1_700_000_000_000)
    }

    /// A clock at `ms` milliseconds since the Unix epoch, shared.
    pub fn starting_at(ms: u64) -> Arc<Self> {
        Arc::new(Self { now: Mutex::new(ms), moved: Condvar::new() })
    }

    /// Moves time forward by `ms` milliseconds.
    pub fn advance(&self, ms: u64) {
        let mut now = self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += ms;
        self.moved.notify_all();
    }

    /// Moves time forward by `d`.
    pub fn advance_by(&self, d: Duration) {
        self.advance(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    }

    /// Sets the time to `ms` (never backwards: an earlier value is ignored).
    pub fn set(&self, ms: u64) {
        let mut now = self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *now = (*now).max(ms);
        self.moved.notify_all();
    }
}

impl Clock for SimulatedClock {
    fn now_millis(&self) -> u64 {
        *self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wait_until(&self, deadline_ms: u64, max_wait: Duration) {
        let now = self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if *now < deadline_ms {
            let _ = self.moved.wait_timeout(now, max_wait);
        }
    }

    fn is_simulated(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_only_when_told_and_wakes_waiters() {
        let c = SimulatedClock::starting_at(1000);
        assert_eq!(c.now_millis(), 1000);
        let c2 = c.clone();
        let waiter = std::thread::spawn(move || {
            while c2.now_millis() < 1500 {
                c2.wait_until(1500, Duration::from_secs(5));
            }
            c2.now_millis()
        });
        c.advance(500);
        assert_eq!(waiter.join().unwrap(), 1500);
        c.set(10);
        assert_eq!(c.now_millis(), 1500, "never backwards");
    }
}
