//! [`WindowManager`]: the queue of windowed inputs, with Storm's trigger and eviction policies.

use std::collections::VecDeque;

use super::{Decision, EventId, Firing};
use crate::{Length, WindowSpec};

mod event_time;

/// Storm compacts the queue (expires what it can from the front) every this many arrivals without
/// a scan (`WindowManager.EXPIRE_EVENTS_THRESHOLD`).
const COMPACT_EVERY: u32 = 100;

/// What the eviction policy says about one queued input during a scan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Left every window: remove and ack.
    Expire,
    /// In the window being evaluated.
    Process,
    /// Not in this window but may be in a later one.
    Keep,
    /// Stop scanning (event time: too far past the window end, even allowing for the lag).
    Stop,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    id: EventId,
    ts: i64,
}

/// The reference the time eviction policy measures against.
#[derive(Clone, Copy, Debug)]
struct TimeContext {
    reference: i64,
    /// Storm's drift correction δ, added to the length: `None` before the second time-triggered
    /// firing, meaning "expire nothing" (Storm's first firing considers every queued input).
    delta: Option<i64>,
}

/// The windowed inputs and the policies that decide when windows fire and what they hold:
/// Storm's `WindowManager` with its policies chosen from a [`WindowSpec`].
///
/// - Processing time: the caller stamps each arrival with the clock ([`add`](Self::add)); a count
///   slide fires on the arrival that completes it, a duration slide fires when the caller says its
///   timer went off ([`on_timer`](Self::on_timer)). A count length keeps the newest *n* inputs; a
///   duration length keeps inputs with `0 ≤ reference − ts < length + δ`, where δ (time trigger
///   only) is the actual gap between firings minus the slide.
/// - Event time: arrivals carry their own timestamps and windows fire on watermarks
///   ([`on_watermark`](Self::on_watermark)), as storm-model §5.4 describes.
///
/// A firing first expires (and reports) what left every window, then reports the window if it is
/// not empty. Every 100 arrivals without a scan, processing-time windows drop what has expired
/// from the front of the queue (event time expires only at watermarks). Expired inputs are carried into the next non-empty
/// window's `expired` list (Storm drops them at an empty firing; storm-model §5.5 says "since the
/// previous activation", which is what squall does).
#[derive(Debug)]
pub struct WindowManager {
    length: Length,
    slide: Length,
    /// `Some(lag)` in event time.
    lag: Option<i64>,
    queue: VecDeque<Entry>,
    next_id: u64,
    expired: Vec<EventId>,
    previous: Vec<EventId>,
    since_scan: u32,
    /// Count trigger: arrivals since the last firing.
    arrivals: u64,
    /// Time eviction in processing time.
    context: Option<TimeContext>,
    /// Event time, duration slide: the end of the next window to evaluate.
    next_end: Option<i64>,
    /// Event time, count slide: the last trigger point (`None` = nothing evaluated yet).
    last_point: Option<i64>,
    /// Event time, count length: the size of the previous evaluation (Storm's `processed`).
    processed: u64,
}

fn ms(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl WindowManager {
    /// An empty manager for `spec`. A zero length or slide (which [`validate`](crate::validate)
    /// refuses) is taken as one tuple or one millisecond.
    pub fn new(spec: &WindowSpec) -> Self {
        Self {
            length: at_least_one(spec.length),
            slide: at_least_one(spec.slide),
            lag: spec.event_time.map(|e| ms(e.lag_ms)),
            queue: VecDeque::new(),
            next_id: 0,
            expired: Vec::new(),
            previous: Vec::new(),
            since_scan: 0,
            arrivals: 0,
            context: None,
            next_end: None,
            last_point: None,
            processed: 0,
        }
    }

    /// The next id, taken by an input that will not be queued (a late one).
    pub fn allocate(&mut self) -> EventId {
        let id = EventId(self.next_id);
        self.next_id += 1;
        id
    }

    /// Queues an input with timestamp `ts` (the arrival time in processing time, the event time in
    /// event time) and returns its id. In processing time with a count slide this may fire a window.
    pub fn add(&mut self, ts: i64, out: &mut Vec<Decision>) -> EventId {
        let id = self.allocate();
        self.queue.push_back(Entry { id, ts });
        if self.lag.is_none()
            && let Length::Count(slide) = self.slide
        {
            self.arrivals += 1;
            if self.arrivals >= slide {
                self.set_time_context(ts, false);
                self.fire(ts, out);
            }
        }
        self.since_scan += 1;
        if self.since_scan >= COMPACT_EVERY {
            self.compact(ts, out);
        }
        id
    }

    /// Processing time with a duration slide: the trigger's timer went off at `now`. Fires with
    /// reference time `now − 1`. Does nothing for other kinds of window.
    pub fn on_timer(&mut self, now: i64, out: &mut Vec<Decision>) {
        if self.lag.is_some() || !matches!(self.slide, Length::Duration(_)) {
            return;
        }
        let reference = now.saturating_sub(1);
        self.set_time_context(reference, true);
        self.fire(reference, out);
    }

    /// Event time: a watermark at `watermark` arrived. Fires every window due up to it. Does
    /// nothing in processing time.
    pub fn on_watermark(&mut self, watermark: i64, out: &mut Vec<Decision>) {
        if self.lag.is_none() {
            return;
        }
        match self.slide {
            Length::Count(slide) => self.watermark_count_triggers(watermark, slide, out),
            Length::Duration(_) => self.watermark_time_triggers(watermark, ms(self.slide.value()), out),
        }
    }

    /// The number of queued inputs (in some window now or possibly later).
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    fn set_time_context(&mut self, reference: i64, time_trigger: bool) {
        let delta = match (time_trigger, self.context) {
            (false, _) => Some(0),
            (true, None) => None,
            (true, Some(previous)) => {
                Some(reference.saturating_sub(previous.reference).saturating_sub(ms(self.slide.value())))
            }
        };
        self.context = Some(TimeContext { reference, delta });
    }

    /// Processing-time firing at `reference`, after the context was set.
    fn fire(&mut self, reference: i64, out: &mut Vec<Decision>) -> bool {
        let length = self.length;
        let delta = self.context.and_then(|c| c.delta);
        let mut remaining = self.queue.len() as u64;
        let window = self.scan(out, |e| match length {
            Length::Count(n) => {
                if remaining > n {
                    remaining -= 1;
                    Action::Expire
                } else {
                    Action::Process
                }
            }
            Length::Duration(_) => time_action(delta, reference, ms(length.value()), e.ts),
        });
        self.arrivals = 0;
        self.activate(window, reference, out)
    }

    /// A full scan: removes and reports what expires, returns what is in the window.
    fn scan(&mut self, out: &mut Vec<Decision>, mut action: impl FnMut(&Entry) -> Action) -> Vec<EventId> {
        let mut window = Vec::new();
        let mut expired = Vec::new();
        let mut stopped = false;
        self.queue.retain(|e| {
            if stopped {
                return true;
            }
            match action(e) {
                Action::Expire => {
                    expired.push(e.id);
                    false
                }
                Action::Process => {
                    window.push(e.id);
                    true
                }
                Action::Keep => true,
                Action::Stop => {
                    stopped = true;
                    true
                }
            }
        });
        self.since_scan = 0;
        self.report_expired(expired, out);
        window
    }

    /// Expires from the front of the queue what has certainly left every window (processing time).
    fn compact(&mut self, now: i64, out: &mut Vec<Decision>) {
        self.since_scan = 0;
        if self.lag.is_some() {
            // Event time expires only at watermarks (Storm's compaction cannot expire anything a
            // watermark would not).
            return;
        }
        let mut expired = Vec::new();
        match self.length {
            Length::Count(n) => {
                while self.queue.len() as u64 > n {
                    expired.extend(self.queue.pop_front().map(|e| e.id));
                }
            }
            Length::Duration(_) => {
                // Storm measures against the last firing's reference, or now before any firing.
                let context = self.context.unwrap_or(TimeContext { reference: now, delta: Some(0) });
                let len = ms(self.length.value());
                while let Some(front) = self.queue.front() {
                    if time_action(context.delta, context.reference, len, front.ts) != Action::Expire {
                        break;
                    }
                    expired.extend(self.queue.pop_front().map(|e| e.id));
                }
            }
        }
        self.report_expired(expired, out);
    }

    fn report_expired(&mut self, expired: Vec<EventId>, out: &mut Vec<Decision>) {
        if !expired.is_empty() {
            self.expired.extend_from_slice(&expired);
            out.push(Decision::Expire(expired));
        }
    }

    /// Reports the window if it is not empty; returns whether it was.
    fn activate(&mut self, window: Vec<EventId>, end: i64, out: &mut Vec<Decision>) -> bool {
        if window.is_empty() {
            return false;
        }
        let new = not_in(&window, &self.previous);
        let start = match self.length {
            Length::Duration(_) => Some(end.saturating_sub(ms(self.length.value()))),
            Length::Count(_) => None,
        };
        self.previous.clone_from(&window);
        let expired = std::mem::take(&mut self.expired);
        out.push(Decision::Fire(Firing { tuples: window, new, expired, start, end }));
        true
    }
}

fn at_least_one(length: Length) -> Length {
    match length {
        Length::Count(0) => Length::Count(1),
        Length::Duration(d) if d.as_millis() == 0 => Length::millis(1),
        other => other,
    }
}

/// Storm's `TimeEvictionPolicy` for an input stamped `ts` at `reference`, with drift correction
/// `delta` (`None`: expire nothing, as at the first time-triggered firing).
fn time_action(delta: Option<i64>, reference: i64, length: i64, ts: i64) -> Action {
    let diff = reference.saturating_sub(ts);
    if delta.is_some_and(|delta| diff >= length.saturating_add(delta)) {
        Action::Expire
    } else if diff < 0 {
        Action::Keep
    } else {
        Action::Process
    }
}

/// The ids of `window` not in `previous`; both ascending (ids are handed out in arrival order and
/// every scan walks the queue in arrival order).
fn not_in(window: &[EventId], previous: &[EventId]) -> Vec<EventId> {
    let mut prev = previous.iter().peekable();
    window
        .iter()
        .filter(|id| {
            while prev.next_if(|p| p < id).is_some() {}
            prev.peek() != Some(id)
        })
        .copied()
        .collect()
}
