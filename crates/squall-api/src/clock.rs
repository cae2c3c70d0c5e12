//! [`Clock`]: where the runtime and components read the time, so tests can control it.
//!
//! Message timeouts, tick tuples, window triggers and watermarks all read time through a `Clock`.
//! Production runs use [`SystemClock`]; tests use a simulated clock (in `squall-testing`) that only
//! moves when the test advances it, so nothing in a test sleeps to wait for time to pass.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of time in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + 'static {
    /// The current time, milliseconds since the Unix epoch.
    fn now_millis(&self) -> u64;

    /// Blocks the calling thread until [`now_millis`](Self::now_millis) reaches `deadline_ms`, or
    /// until `max_wait` of real time has passed, whichever comes first. Callers re-check the time
    /// after it returns; a simulated clock returns early when it is advanced.
    fn wait_until(&self, deadline_ms: u64, max_wait: Duration);

    /// True if this clock only moves when told to (a simulated clock).
    fn is_simulated(&self) -> bool {
        false
    }
}

/// The wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(0))
    }

    fn wait_until(&self, deadline_ms: u64, max_wait: Duration) {
        let now = self.now_millis();
        if deadline_ms > now {
            std::thread::sleep(Duration::from_millis(deadline_ms - now).min(max_wait));
        }
    }
}

/// A shared clock handle, as the runtime hands it to components.
pub type SharedClock = Arc<dyn Clock>;

/// The wall clock as a [`SharedClock`].
pub fn system_clock() -> SharedClock {
    Arc::new(SystemClock)
}

/// Makes a task's [`Bolt::wake`](crate::Bolt::wake) run soon on the task's own thread.
///
/// A component that does work on other threads (a reader of a subprocess's output, a client
/// library's callback) keeps a waker from its context and calls [`wake`](Self::wake) when it has
/// something to emit, ack or fail; the runtime then calls the bolt's `wake` hook with a collector.
/// Waking is cheap, may be called from any thread, and several wakes before the hook runs coalesce.
#[derive(Clone)]
pub struct TaskWaker(Arc<dyn Fn() + Send + Sync>);

impl TaskWaker {
    /// A waker that runs `f` to signal the runtime.
    pub fn new(f: impl Fn() + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    /// A waker that does nothing (contexts built outside a runtime).
    pub fn noop() -> Self {
        Self::new(|| {})
    }

    /// Asks the runtime to call the task's `wake` hook.
    pub fn wake(&self) {
        (self.0)();
    }
}

impl fmt::Debug for TaskWaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TaskWaker")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_clock_moves_forward_and_waits_at_most_max_wait() {
        let c = SystemClock;
        let a = c.now_millis();
        assert!(a > 1_600_000_000_000);
        let started = std::time::Instant::now();
        c.wait_until(a + 60_000, Duration::from_millis(5));
        assert!(started.elapsed() < Duration::from_secs(30));
        assert!(c.now_millis() >= a);
    }

    #[test]
    fn waker_runs_its_signal() {
        let hits = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let h = hits.clone();
        let w = TaskWaker::new(move || {
            h.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        w.clone().wake();
        w.wake();
        assert_eq!(hits.load(std::sync::atomic::Ordering::Relaxed), 2);
    }
}
