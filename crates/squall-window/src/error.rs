//! [`WindowError`]: everything that can be wrong with a window's configuration or a tuple's timestamp.

/// A problem with a windowed bolt: a bad or inconsistent window configuration (reported when the bolt
/// is prepared, or by [`validate`](crate::validate)), or a tuple without a usable event timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    /// Neither a count nor a duration length was given (Storm: "Window length is not specified").
    #[error("window length is not specified (set a count or a duration length)")]
    NoLength,
    /// A length, slide or interval that must be positive is zero.
    #[error("{what} must be positive, got {value}")]
    NotPositive {
        /// What was given: "window length", "sliding interval" or "watermark interval".
        what: &'static str,
        /// The value as given, with its unit.
        value: String,
    },
    /// A window config key holds a value of the wrong kind.
    #[error("config key '{key}': {problem}")]
    BadConfig {
        /// The key.
        key: &'static str,
        /// What is wrong with its value.
        problem: String,
    },
    /// A second timestamp extractor (or field) was set; Storm allows one.
    #[error("window is already configured with a timestamp extractor ({first}); cannot also use {second}")]
    SecondTimestampExtractor {
        /// The one set first (and kept).
        first: String,
        /// The one refused.
        second: String,
    },
    /// Duration length + slide exceed the message timeout, so tuples would time out inside the window.
    #[error(
        "window duration (length + sliding interval) {total_ms} ms is more than topology.message.timeout.secs ({timeout_secs} s = {} ms)",
        timeout_secs * 1000
    )]
    DurationExceedsTimeout {
        /// Length plus slide (or whichever is a duration), in milliseconds.
        total_ms: u64,
        /// `topology.message.timeout.secs`.
        timeout_secs: u64,
    },
    /// Count length + slide exceed `topology.max.spout.pending`, so the window could never fill.
    #[error(
        "window count (length + sliding interval) {total} is more than topology.max.spout.pending ({max_pending})"
    )]
    CountExceedsMaxSpoutPending {
        /// Length plus slide (or whichever is a count), in tuples.
        total: u64,
        /// `topology.max.spout.pending`.
        max_pending: u64,
    },
    /// A late tuple stream without event time (no timestamp field or extractor).
    #[error(
        "late tuple stream '{stream}' can be defined only when specifying a timestamp field or extractor"
    )]
    LateStreamWithoutEventTime {
        /// The late tuple stream.
        stream: String,
    },
    /// The late tuple stream is configured but not declared by the bolt (set it with
    /// `with_late_tuple_stream`, which also declares it).
    #[error(
        "late tuple stream '{stream}' is not declared with the single field 'late_tuple'; set it with WindowOptions::with_late_tuple_stream, which declares it"
    )]
    LateStreamNotDeclared {
        /// The late tuple stream.
        stream: String,
    },
    /// The windowed bolt needs tick tuples (for a duration slide or watermarks) but its config has none.
    #[error(
        "this window needs tick tuples every {needed_ms} ms (squall.tick.tuple.freq.millis) to fire on time, but none are configured"
    )]
    NoTicks {
        /// The tick period the window asks for, in milliseconds.
        needed_ms: u64,
    },
    /// A tuple's event timestamp could not be read.
    #[error("tuple from stream '{component}:{stream}' has no usable timestamp: {problem}")]
    BadTimestamp {
        /// The tuple's source component.
        component: String,
        /// The tuple's source stream.
        stream: String,
        /// What was wrong (missing field, wrong kind, extractor returned nothing).
        problem: String,
    },
    /// One of the above, for a named component.
    #[error("windowed bolt '{component}': {error}")]
    InComponent {
        /// The component id.
        component: String,
        /// The problem (shown in this error's message, so not also given as its source).
        error: Box<WindowError>,
    },
}

impl WindowError {
    /// This error, saying which component it concerns.
    pub fn in_component(self, component: impl Into<String>) -> Self {
        WindowError::InComponent { component: component.into(), error: Box::new(self) }
    }
}
