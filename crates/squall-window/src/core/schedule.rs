//! [`Schedule`]: a fixed-rate timer that is polled with the current time instead of running a thread.

/// Fires every `period` ms from a start time, on a fixed grid: Storm's `scheduleAtFixedRate`
/// (first after one period), polled by the executor thread at ticks and arrivals.
///
/// A poll fires at most once: beats missed while the executor was busy are skipped, not replayed
/// back to back (Storm's timer would run them in a burst with nearly equal reference times). A
/// poll may pass `slack` to fire up to that much before the beat: ticks are delivered on the
/// runtime's own grid, so a tick a hair before the beat must not delay the firing by a whole
/// period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    period: i64,
    next: i64,
}

impl Schedule {
    /// A schedule whose first beat is one `period` (at least 1 ms) after `start`.
    pub fn starting_at(start: i64, period: u64) -> Self {
        let period = i64::try_from(period.max(1)).unwrap_or(i64::MAX);
        Self { period, next: start.saturating_add(period) }
    }

    /// The time of the next beat.
    pub fn next_beat(&self) -> i64 {
        self.next
    }

    /// The period in milliseconds.
    pub fn period(&self) -> u64 {
        self.period.unsigned_abs()
    }

    /// True, once, if a beat is due at `now` (allowing `slack` ms of earliness); the next beat is
    /// then the first on the grid after `now + slack`.
    pub fn poll(&mut self, now: i64, slack: u64) -> bool {
        let horizon = now.saturating_add(i64::try_from(slack).unwrap_or(i64::MAX));
        if horizon < self.next {
            return false;
        }
        let missed = (horizon - self.next) / self.period;
        self.next = self.next.saturating_add((missed + 1).saturating_mul(self.period));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_once_per_beat_on_a_fixed_grid() {
        let mut s = Schedule::starting_at(100, 1000);
        assert!(!s.poll(1099, 0));
        assert!(s.poll(1100, 0));
        assert!(!s.poll(1100, 0));
        assert_eq!(s.next_beat(), 2100);
        // Late poll: fires once, and the beats it missed are skipped, keeping the grid.
        assert!(s.poll(4550, 0));
        assert_eq!(s.next_beat(), 5100);
        assert!(!s.poll(5000, 0));
    }

    #[test]
    fn slack_lets_a_tick_just_before_the_beat_fire_it() {
        let mut s = Schedule::starting_at(0, 1000);
        assert!(!s.poll(400, 500));
        assert!(s.poll(995, 500));
        assert_eq!(s.next_beat(), 2000);
        assert!(!s.poll(1005, 500));
        assert!(s.poll(1995, 500));
    }
}
