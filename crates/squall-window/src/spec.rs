//! [`WindowSpec`]: a window's settings resolved against the effective config, and [`validate`]:
//! Storm's checks (storm-model §5.2).

use squall_api::Config;

use crate::options::{WINDOW_KEYS, duration_ms};
use crate::{Length, WindowError, WindowOptions};

/// Storm's default watermark interval (`WindowedBoltExecutor.DEFAULT_WATERMARK_EVENT_INTERVAL_MS`).
pub const DEFAULT_WATERMARK_INTERVAL_MS: u64 = 1000;

/// Event-time settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventTime {
    /// How far behind the slowest stream the watermark trails (`topology.bolts.tuple.timestamp.max.lag.ms`).
    pub lag_ms: u64,
    /// How often a watermark is computed (`topology.bolts.watermark.event.interval.ms`).
    pub watermark_interval_ms: u64,
}

/// A window's settings as it runs: the options overlaid with the component's effective config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowSpec {
    /// The window length.
    pub length: Length,
    /// The sliding interval (a count of 1 when none is configured).
    pub slide: Length,
    /// `Some` in event time.
    pub event_time: Option<EventTime>,
    /// The stream late tuples go to (event time only).
    pub late_tuple_stream: Option<String>,
}

impl WindowSpec {
    /// The tick period this window needs to fire on time: the slide for a processing-time duration
    /// slide, the watermark interval in event time (the gcd if several apply), `None` when arrivals
    /// alone drive it (count slides in processing time).
    pub fn tick_period_ms(&self) -> Option<u64> {
        let mut needs = Vec::new();
        match (self.event_time, self.slide) {
            (Some(e), _) => needs.push(e.watermark_interval_ms),
            (None, Length::Duration(d)) => needs.push(duration_ms(d)),
            (None, Length::Count(_)) => {}
        }
        needs.into_iter().reduce(gcd).map(|p| p.max(1))
    }
}

pub(crate) fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// `options` overlaid by the window keys `config` sets, resolved as Storm's `WindowedBoltExecutor`
/// reads them, without checking anything against the rest of the config.
pub(crate) fn resolve(options: &WindowOptions, config: &Config) -> Result<WindowSpec, WindowError> {
    if let Some(problem) = options.problems.first() {
        return Err(problem.clone());
    }
    // The effective config (topology, component, builder settings) wins; the options fill in what
    // it lacks, which is what a runtime merging `component_config` produces anyway.
    let own = options.to_config();
    let mut merged = Config::new();
    for key in WINDOW_KEYS {
        if let Some(value) = config.get(key).or_else(|| own.get_own(key)) {
            merged.set(key, value.clone());
        }
    }
    let resolved = WindowOptions::from_config(&merged)?;
    let length = resolved.length.ok_or(WindowError::NoLength)?;
    let slide = resolved.slide.unwrap_or(Length::Count(1));
    let event_time = options.timestamp.as_ref().map(|_| EventTime {
        lag_ms: resolved.lag.map_or(0, duration_ms),
        watermark_interval_ms: resolved.watermark_interval.map_or(DEFAULT_WATERMARK_INTERVAL_MS, duration_ms),
    });
    if let (Some(stream), None) = (&resolved.late_tuple_stream, event_time) {
        return Err(WindowError::LateStreamWithoutEventTime { stream: stream.clone() });
    }
    Ok(WindowSpec { length, slide, event_time, late_tuple_stream: resolved.late_tuple_stream })
}

/// Checks a window against the topology config as Storm does when it prepares a windowed bolt
/// (storm-model §5.2), and returns the settings it would run with.
///
/// `config` is the component's effective config (topology config with the component's own keys);
/// window keys set there override `options`. Checked: a length is given; lengths, slides and
/// intervals are positive; at most one timestamp extractor; duration length + slide ≤
/// `topology.message.timeout.secs` × 1000 unless timeouts are disabled; count length + slide ≤
/// `topology.max.spout.pending` if set; a late tuple stream only with event time, and only one the
/// bolt declares (set through [`WindowOptions::with_late_tuple_stream`]). The runtime-only check,
/// that tick tuples are configured, is made when the bolt is prepared.
///
/// # Errors
/// The first [`WindowError`] found.
pub fn validate(options: &WindowOptions, config: &Config) -> Result<WindowSpec, WindowError> {
    let spec = resolve(options, config)?;
    if let Some(stream) = &spec.late_tuple_stream
        && options.late_tuple_stream.as_deref() != Some(stream.as_str())
    {
        return Err(WindowError::LateStreamNotDeclared { stream: stream.clone() });
    }
    check_limits(&spec, config)?;
    Ok(spec)
}

/// The timeout and max-spout-pending checks.
pub(crate) fn check_limits(spec: &WindowSpec, config: &Config) -> Result<(), WindowError> {
    let (mut durations, mut counts) = (Vec::new(), Vec::new());
    for length in [spec.length, spec.slide] {
        match length {
            Length::Duration(d) => durations.push(duration_ms(d)),
            Length::Count(n) => counts.push(n),
        }
    }
    if !durations.is_empty() && config.message_timeouts_enabled() {
        let total_ms = durations.iter().fold(0u64, |a, b| a.saturating_add(*b));
        let timeout_secs = config.message_timeout_secs();
        if total_ms > timeout_secs.saturating_mul(1000) {
            return Err(WindowError::DurationExceedsTimeout { total_ms, timeout_secs });
        }
    }
    if let (false, Some(max_pending)) = (counts.is_empty(), config.max_spout_pending()) {
        let total = counts.iter().fold(0u64, |a, b| a.saturating_add(*b));
        if total > max_pending {
            return Err(WindowError::CountExceedsMaxSpoutPending { total, max_pending });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
