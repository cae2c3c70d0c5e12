//! Event-time triggers and eviction: Storm's watermark-count and watermark-time policies.

use super::{Action, WindowManager, ms};
use crate::Length;
use crate::core::{Decision, EventId};

impl WindowManager {
    /// Storm's `WatermarkCountTriggerPolicy`: among queued inputs with a timestamp in
    /// (last point, watermark], in arrival order, every `slide`-th one is a trigger point (the
    /// running maximum timestamp); each point fires once.
    pub(super) fn watermark_count_triggers(&mut self, watermark: i64, slide: u64, out: &mut Vec<Decision>) {
        let mut points = Vec::new();
        let mut counted = 0u64;
        let mut max = i64::MIN;
        for e in &self.queue {
            if self.last_point.is_none_or(|p| e.ts > p) && e.ts <= watermark {
                max = max.max(e.ts);
                counted += 1;
                if counted.is_multiple_of(slide) {
                    points.push(max);
                }
            }
        }
        for point in points {
            // Storm's WatermarkCountEvictionPolicy: a count length takes the previous window plus
            // one slide of inputs at or before the point.
            let budget = self.processed + slide;
            self.fire_at(point, budget, out);
            self.last_point = Some(point);
        }
    }

    /// Storm's `WatermarkTimeTriggerPolicy`: window ends are multiples of the slide; every end up
    /// to the watermark fires, and an empty window jumps to the next end that covers a queued input.
    pub(super) fn watermark_time_triggers(&mut self, watermark: i64, slide: i64, out: &mut Vec<Decision>) {
        let mut end = match self.next_end {
            Some(end) => end,
            None => match self.queue.iter().map(|e| e.ts).filter(|ts| *ts <= watermark).min() {
                Some(earliest) => align_up(earliest, slide),
                None => return,
            },
        };
        while end <= watermark {
            // A count length takes the newest inputs at or before the end.
            let budget = self.queue.iter().filter(|e| e.ts <= end).count() as u64;
            if self.fire_at(end, budget, out) {
                end = end.saturating_add(slide);
            } else {
                let next = self.queue.iter().map(|e| e.ts).filter(|ts| *ts > end && *ts <= watermark).min();
                match next {
                    Some(ts) => end = align_up(ts, slide),
                    None => break,
                }
            }
        }
        self.next_end = Some(end);
    }

    /// Fires the event-time window ending at `reference`; `budget` is what a count length may take.
    fn fire_at(&mut self, reference: i64, budget: u64, out: &mut Vec<Decision>) -> bool {
        let window = match self.length {
            Length::Count(n) => self.count_scan(reference, budget, n, out),
            Length::Duration(_) => {
                let (length, lag) = (ms(self.length.value()), self.lag.unwrap_or(0));
                self.scan(out, |e| watermark_time_action(reference, length, lag, e.ts))
            }
        };
        self.activate(window, reference, out)
    }

    /// Storm's `WatermarkCountEvictionPolicy` scan: among inputs with ts ≤ `point`, in arrival
    /// order, takes the first `budget`; the oldest beyond `n` of those expire, the rest form the
    /// window; everything else is kept.
    fn count_scan(&mut self, point: i64, budget: u64, n: u64, out: &mut Vec<Decision>) -> Vec<EventId> {
        let mut budget = budget;
        let mut processed = 0u64;
        let window = self.scan(out, |e| {
            if e.ts <= point && processed < budget {
                if budget > n {
                    budget -= 1;
                    Action::Expire
                } else {
                    processed += 1;
                    Action::Process
                }
            } else {
                Action::Keep
            }
        });
        self.processed = processed;
        window
    }
}

/// Storm's `WatermarkTimeEvictionPolicy` for an input at `ts` and the window ending at `end`:
/// beyond end + lag stops the scan, within the lag waits, older than the length expires.
fn watermark_time_action(end: i64, length: i64, lag: i64, ts: i64) -> Action {
    let diff = end.saturating_sub(ts);
    if diff < -lag {
        Action::Stop
    } else if diff < 0 {
        Action::Keep
    } else if diff >= length {
        Action::Expire
    } else {
        Action::Process
    }
}

/// The smallest multiple of `slide` that is ≥ `ts`.
fn align_up(ts: i64, slide: i64) -> i64 {
    let rem = ts.rem_euclid(slide);
    if rem == 0 { ts } else { ts.saturating_add(slide - rem) }
}
