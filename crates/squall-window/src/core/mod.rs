//! The pure cores of windowing: plain state machines over event ids and millisecond timestamps.
//!
//! Nothing here owns a tuple, reads a clock or starts a thread. Callers feed inputs (an arrival with
//! its timestamp, "the clock says now", a watermark) and get back [`Decision`]s in the order they
//! must be carried out: ids to ack because they left every window, windows to evaluate, late ids.
//! The [`Windowed`](crate::Windowed) adapter keeps the tuples by [`EventId`] and turns decisions into
//! acks, emits and calls of the user's bolt; tests drive the cores with explicit times.
//!
//! - [`WindowManager`]: Storm's `WindowManager` with its trigger and eviction policies (count, time,
//!   watermark-count, watermark-time).
//! - [`WatermarkGenerator`]: Storm's `WaterMarkEventGenerator`, minus its thread.
//! - [`Schedule`]: a fixed-rate timer polled with the current time, standing in for Storm's timer threads.
//! - [`WindowEngine`]: the three together, as the adapter drives them from arrivals and ticks.

mod engine;
mod manager;
mod schedule;
mod watermark;

pub use engine::WindowEngine;
pub use manager::WindowManager;
pub use schedule::Schedule;
pub use watermark::WatermarkGenerator;

/// An input's place in arrival order: the first input gets 0, the next 1, and so on (late inputs
/// included). The adapter keys its stored tuples by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId(pub u64);

/// What the caller must do, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// These inputs left every window: ack them now. Keep them until the next [`Decision::Fire`],
    /// which lists them again in [`Firing::expired`].
    Expire(Vec<EventId>),
    /// Evaluate this window (call the user's `execute`).
    Fire(Firing),
    /// This input arrived with an event time before the last watermark: emit it on the late tuple
    /// stream if there is one, and ack it. It joins no window.
    Late(EventId),
}

/// One window to evaluate. Every list is in arrival order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Firing {
    /// Every input in the window.
    pub tuples: Vec<EventId>,
    /// The inputs that were not in the previous evaluated window.
    pub new: Vec<EventId>,
    /// The inputs expired since the previous evaluated window (already acked); forget them after
    /// this evaluation.
    pub expired: Vec<EventId>,
    /// The window's start: end − length for duration lengths, `None` for count lengths.
    pub start: Option<i64>,
    /// The reference time: the window end in event time, the trigger time in processing time.
    pub end: i64,
}

#[cfg(test)]
mod tests;
