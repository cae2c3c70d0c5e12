//! squall's windowed bolts: Storm's sliding and tumbling windows (storm-model §5).
//!
//! A user implements [`WindowedBolt`], whose `execute` receives a [`Window`] of tuples instead of a
//! single tuple, describes the window with [`WindowOptions`] (length and slide by count or
//! duration, processing or event time, lag, watermark interval, late tuple stream), and hands the
//! pair to the topology builder as a plain [`Bolt`](squall_api::Bolt) made by [`windowed`]:
//!
//! ```
//! use std::time::Duration;
//! use squall_api::{OutputDeclarer, TopologyBuilder, values};
//! use squall_window::{Window, WindowCollector, WindowOptions, WindowedBolt, windowed};
//! # use squall_api::{Spout, SpoutCollector};
//! # struct Readings;
//! # impl Spout for Readings {
//! #     fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["sensor", "value", "ts"]); }
//! #     fn next_tuple(&mut self, c: &mut SpoutCollector<'_>) { c.emit(values!["s1", 2.5, 1_000]); }
//! # }
//!
//! /// The average of field "value" over each window.
//! struct Average;
//!
//! impl WindowedBolt for Average {
//!     fn declare_outputs(&self, d: &mut OutputDeclarer) {
//!         d.declare(["avg", "end"]);
//!     }
//!     fn execute(&mut self, window: &Window<'_>, out: &mut WindowCollector<'_, '_>) {
//!         let values: Vec<f64> = window.tuples().iter().filter_map(|t| t.get_f64(1)).collect();
//!         let avg = values.iter().sum::<f64>() / values.len().max(1) as f64;
//!         out.emit(values![avg, window.end_timestamp()]); // anchored to the whole window
//!     }
//! }
//!
//! let options = WindowOptions::sliding(Duration::from_secs(10), Duration::from_secs(5))
//!     .with_timestamp_field("ts")
//!     .with_lag(Duration::from_secs(1))
//!     .with_late_tuple_stream("late");
//! let mut builder = TopologyBuilder::new();
//! builder.set_spout("readings", 1, || Readings);
//! builder
//!     .set_bolt("avg", 2, move || windowed(Average, options.clone()))
//!     .fields_grouping("readings", ["sensor"]);
//! builder.build().expect("a valid topology");
//! ```
//!
//! **What this crate owns.** The user-facing API ([`WindowedBolt`], [`WindowOptions`], [`Length`],
//! [`Window`], [`WindowCollector`]); the [`Windowed`] adapter, Storm's `WindowedBoltExecutor`; the
//! pure cores in [`core`] (window manager with Storm's count, time, watermark-count and
//! watermark-time trigger and eviction policies, watermark generator, fixed-rate schedule), which
//! take arrivals and times and return [`core::Decision`]s; and Storm's window config keys
//! (`topology.bolts.window.*`, read by [`WindowOptions::from_config`], checked by [`validate`]).
//! Running bolts, delivering ticks and tracking acks is `squall-runtime`'s job; stateful and
//! persistent windows (storm-model §5.8) will need `squall-state` and are not here yet.
//!
//! **Departures from Storm.**
//! - *One thread.* Storm fires time triggers and watermarks on timer threads of their own and calls
//!   `execute(window)` from them. squall runs everything on the executor thread: the adapter asks
//!   for tick tuples (`squall.tick.tuple.freq.millis`) as often as the slide or the watermark
//!   interval needs, and at every tick and every arrival reads the time from the context's
//!   [`Clock`](squall_api::Clock) and fires what is due. So a simulated clock controls windows
//!   completely, and emits never race with arrivals. A window may fire up to half a tick early or
//!   late relative to Storm's timer; processing-time windows correct for that as Storm corrects
//!   timer drift (δ, storm-model §5.3). Beats missed while the executor was busy fire once, not in
//!   a burst.
//! - *Ticks.* Tick tuples drive the timers and are never passed on to the windowed bolt (Storm
//!   would put a tick into the window like any tuple if ticks were configured for the bolt).
//! - *Late tuples* are emitted on the late stream with one value: the late tuple's values as a
//!   [`Value::List`](squall_api::Value::List) (Storm emits the tuple object itself).
//! - *Expired tuples* reach the next evaluated window's [`Window::expired`] even if empty firings
//!   happened in between (storm-model §5.5; Storm's code drops them at an empty firing).
//! - *A tuple without a usable timestamp* in event time stops the executor through
//!   [`BoltCollector::fatal`](squall_api::BoltCollector::fatal), where Storm's worker dies.

#![deny(missing_docs)]

mod adapter;
mod bolt;
pub mod core;
mod error;
mod options;
mod slots;
mod spec;
mod window;

pub use adapter::{Windowed, windowed};
pub use bolt::WindowedBolt;
pub use error::WindowError;
pub use options::{
    LATE_TUPLE_FIELD, Length, TimestampExtractor, TimestampSource, WINDOW_KEYS, WindowOptions,
};
pub use spec::{DEFAULT_WATERMARK_INTERVAL_MS, EventTime, WindowSpec, validate};
pub use window::{Window, WindowCollector};
