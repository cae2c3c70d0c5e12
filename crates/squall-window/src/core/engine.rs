//! [`WindowEngine`]: the window manager, the watermark generator and the timers, driven by arrivals
//! and ticks the way the adapter drives them on the executor thread.

use squall_api::GlobalStreamId;

use super::{Decision, EventId, Schedule, WatermarkGenerator, WindowManager};
use crate::{Length, WindowSpec};

/// Everything a windowed bolt decides, as one state machine over explicit times.
///
/// Storm runs a time trigger and a watermark generator on timer threads of their own; here the
/// caller reports the clock at every arrival ([`arrive`](Self::arrive)) and every tick
/// ([`tick`](Self::tick)), and whatever is due by then happens first, on the caller's thread.
#[derive(Debug)]
pub struct WindowEngine {
    manager: WindowManager,
    /// Processing time with a duration slide: the trigger's timer.
    timer: Option<Schedule>,
    /// Event time: the generator and its timer.
    watermarks: Option<(WatermarkGenerator, Schedule)>,
}

impl WindowEngine {
    /// An engine for `spec`, started at `now` (timers first go off one period later), whose
    /// watermark waits for every stream in `inputs` (event time only).
    pub fn new(spec: &WindowSpec, inputs: impl IntoIterator<Item = GlobalStreamId>, now: i64) -> Self {
        let timer = match (spec.event_time, spec.slide) {
            (None, Length::Duration(_)) => Some(Schedule::starting_at(now, spec.slide.value())),
            _ => None,
        };
        let watermarks = spec.event_time.map(|e| {
            (WatermarkGenerator::new(inputs, e.lag_ms), Schedule::starting_at(now, e.watermark_interval_ms))
        });
        Self { manager: WindowManager::new(spec), timer, watermarks }
    }

    /// An input arrived at `now` from `component`'s stream `stream`, with event time `event_ts`
    /// (ignored in processing time; in event time `None` stands for `now`). Does what is due by
    /// `now` first, then queues the input (or reports it [`Decision::Late`]). Returns its id.
    pub fn arrive(
        &mut self,
        now: i64,
        component: &str,
        stream: &str,
        event_ts: Option<i64>,
        out: &mut Vec<Decision>,
    ) -> EventId {
        self.advance(now, 0, out);
        match &mut self.watermarks {
            None => self.manager.add(now, out),
            Some((generator, _)) => {
                let ts = event_ts.unwrap_or(now);
                if generator.track(component, stream, ts) {
                    self.manager.add(ts, out)
                } else {
                    let id = self.manager.allocate();
                    out.push(Decision::Late(id));
                    id
                }
            }
        }
    }

    /// A tick at `now`: does what is due, allowing `slack` ms of earliness (half the tick period).
    pub fn tick(&mut self, now: i64, slack: u64, out: &mut Vec<Decision>) {
        self.advance(now, slack, out);
    }

    fn advance(&mut self, now: i64, slack: u64, out: &mut Vec<Decision>) {
        if let Some(timer) = &mut self.timer
            && timer.poll(now, slack)
        {
            self.manager.on_timer(now, out);
        }
        if let Some((generator, timer)) = &mut self.watermarks
            && timer.poll(now, slack)
            && let Some(watermark) = generator.compute()
        {
            self.manager.on_watermark(watermark, out);
        }
    }

    /// The last watermark (event time), if any.
    pub fn watermark(&self) -> Option<i64> {
        self.watermarks.as_ref().and_then(|(g, _)| g.last())
    }

    /// The number of queued inputs.
    pub fn queued(&self) -> usize {
        self.manager.queued()
    }
}
