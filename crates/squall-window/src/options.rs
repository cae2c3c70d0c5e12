//! [`WindowOptions`]: what a windowed bolt's window looks like, in the spirit of Storm's
//! `BaseWindowedBolt` builder methods, and their mapping to Storm's component config keys.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use squall_api::config::{
    TOPOLOGY_BOLTS_LATE_TUPLE_STREAM, TOPOLOGY_BOLTS_SLIDING_INTERVAL_COUNT,
    TOPOLOGY_BOLTS_SLIDING_INTERVAL_DURATION_MS, TOPOLOGY_BOLTS_TUPLE_TIMESTAMP_MAX_LAG_MS,
    TOPOLOGY_BOLTS_WATERMARK_EVENT_INTERVAL_MS, TOPOLOGY_BOLTS_WINDOW_LENGTH_COUNT,
    TOPOLOGY_BOLTS_WINDOW_LENGTH_DURATION_MS,
};
use squall_api::{Config, Tuple, Value};

use crate::WindowError;

/// The field of the single value on the late tuple stream (Storm's `LATE_TUPLE_FIELD`).
pub const LATE_TUPLE_FIELD: &str = "late_tuple";

/// Every config key a window reads, in the order Storm documents them.
pub const WINDOW_KEYS: [&str; 7] = [
    TOPOLOGY_BOLTS_WINDOW_LENGTH_COUNT,
    TOPOLOGY_BOLTS_WINDOW_LENGTH_DURATION_MS,
    TOPOLOGY_BOLTS_SLIDING_INTERVAL_COUNT,
    TOPOLOGY_BOLTS_SLIDING_INTERVAL_DURATION_MS,
    TOPOLOGY_BOLTS_TUPLE_TIMESTAMP_MAX_LAG_MS,
    TOPOLOGY_BOLTS_WATERMARK_EVENT_INTERVAL_MS,
    TOPOLOGY_BOLTS_LATE_TUPLE_STREAM,
];

/// A window length or sliding interval: a number of tuples (Storm's `Count`) or a span of time
/// (Storm's `Duration`, kept to the millisecond).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Length {
    /// This many tuples.
    Count(u64),
    /// This much time; sub-millisecond parts are dropped.
    Duration(Duration),
}

impl Length {
    /// A length of `n` tuples.
    pub const fn count(n: u64) -> Self {
        Length::Count(n)
    }

    /// A length of `ms` milliseconds.
    pub const fn millis(ms: u64) -> Self {
        Length::Duration(Duration::from_millis(ms))
    }

    /// A length of `s` seconds.
    pub const fn secs(s: u64) -> Self {
        Length::Duration(Duration::from_secs(s))
    }

    /// The number of tuples or milliseconds.
    pub fn value(self) -> u64 {
        match self {
            Length::Count(n) => n,
            Length::Duration(d) => duration_ms(d),
        }
    }
}

impl From<Duration> for Length {
    fn from(d: Duration) -> Self {
        Length::Duration(d)
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Length::Count(n) => write!(f, "{n} tuples"),
            Length::Duration(d) => write!(f, "{} ms", duration_ms(*d)),
        }
    }
}

pub(crate) fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Reads a tuple's event time in milliseconds; `None` when the tuple has none.
pub type TimestampExtractor = Arc<dyn Fn(&Tuple) -> Option<i64> + Send + Sync>;

/// Where event time comes from.
#[derive(Clone)]
pub enum TimestampSource {
    /// An integer field (milliseconds) of every input tuple.
    Field(String),
    /// A function of the tuple.
    Extractor(TimestampExtractor),
}

impl TimestampSource {
    /// The tuple's timestamp.
    ///
    /// # Errors
    /// [`WindowError::BadTimestamp`] when the field is missing or not an integer, or the extractor
    /// returns `None`.
    pub fn extract(&self, tuple: &Tuple) -> Result<i64, WindowError> {
        let bad = |problem: String| WindowError::BadTimestamp {
            component: tuple.source_component().to_owned(),
            stream: tuple.source_stream().to_owned(),
            problem,
        };
        match self {
            TimestampSource::Field(name) => match tuple.get_by_field(name) {
                Some(Value::I64(ts)) => Ok(*ts),
                Some(other) => Err(bad(format!(
                    "field '{name}' holds {} ({other}), not an integer of milliseconds",
                    other.kind()
                ))),
                None => Err(bad(format!("no field '{name}' (its fields: {})", tuple.fields()))),
            },
            TimestampSource::Extractor(f) => {
                f(tuple).ok_or_else(|| bad("the timestamp extractor found none".into()))
            }
        }
    }
}

impl fmt::Debug for TimestampSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimestampSource::Field(name) => write!(f, "field '{name}'"),
            TimestampSource::Extractor(_) => f.write_str("a custom extractor"),
        }
    }
}

/// How a windowed bolt windows its input: length and slide, processing or event time, lag,
/// watermark interval and late tuple stream. Storm's `BaseWindowedBolt` `with…` methods.
///
/// Mistakes (a zero length, a second timestamp extractor) do not panic: they are kept and
/// reported by [`validate`](crate::validate) and when the bolt is prepared, like Storm's
/// `IllegalArgumentException`s, which also surface when the worker prepares the bolt.
///
/// ```
/// use std::time::Duration;
/// use squall_window::{Length, WindowOptions};
///
/// // Averages over the last 30 s, every 10 s, by the tuples' own "ts" field, allowing 5 s of disorder.
/// let options = WindowOptions::sliding(Duration::from_secs(30), Duration::from_secs(10))
///     .with_timestamp_field("ts")
///     .with_lag(Duration::from_secs(5))
///     .with_late_tuple_stream("late");
/// assert_eq!(options.slide(), Some(Length::secs(10)));
/// ```
#[derive(Clone, Default)]
pub struct WindowOptions {
    pub(crate) length: Option<Length>,
    pub(crate) slide: Option<Length>,
    pub(crate) timestamp: Option<TimestampSource>,
    pub(crate) lag: Option<Duration>,
    pub(crate) watermark_interval: Option<Duration>,
    pub(crate) late_tuple_stream: Option<String>,
    pub(crate) problems: Vec<WindowError>,
}

impl WindowOptions {
    /// A window of `length` that slides with every tuple (Storm's `withWindow(length)`).
    pub fn window(length: impl Into<Length>) -> Self {
        Self::sliding(length, Length::Count(1))
    }

    /// A sliding window of `length` that slides by `slide` (Storm's `withWindow(length, slide)`);
    /// each may be a count or a duration.
    pub fn sliding(length: impl Into<Length>, slide: impl Into<Length>) -> Self {
        Self::default().with_window(length, slide)
    }

    /// A tumbling (non-overlapping) window: slide = length (Storm's `withTumblingWindow`).
    pub fn tumbling(length: impl Into<Length>) -> Self {
        let length = length.into();
        Self::sliding(length, length)
    }

    /// Sets the length and slide.
    pub fn with_window(mut self, length: impl Into<Length>, slide: impl Into<Length>) -> Self {
        let (length, slide) = (length.into(), slide.into());
        self.check_positive("window length", length);
        self.check_positive("sliding interval", slide);
        self.length = Some(length);
        self.slide = Some(slide);
        self
    }

    /// Windows by event time read from the integer (milliseconds) field `name` of every input tuple
    /// (Storm's `withTimestampField`). A tuple without it stops the bolt, as in Storm.
    pub fn with_timestamp_field(self, name: impl Into<String>) -> Self {
        self.with_timestamp(TimestampSource::Field(name.into()))
    }

    /// Windows by event time computed by `extractor` (Storm's `withTimestampExtractor`).
    pub fn with_timestamp_extractor(
        self,
        extractor: impl Fn(&Tuple) -> Option<i64> + Send + Sync + 'static,
    ) -> Self {
        self.with_timestamp(TimestampSource::Extractor(Arc::new(extractor)))
    }

    fn with_timestamp(mut self, source: TimestampSource) -> Self {
        match &self.timestamp {
            Some(first) => self.problems.push(WindowError::SecondTimestampExtractor {
                first: format!("{first:?}"),
                second: format!("{source:?}"),
            }),
            None => self.timestamp = Some(source),
        }
        self
    }

    /// How far out of order event timestamps may arrive (`topology.bolts.tuple.timestamp.max.lag.ms`,
    /// default 0): the watermark trails the slowest input stream by this much.
    pub fn with_lag(mut self, lag: Duration) -> Self {
        self.lag = Some(lag);
        self
    }

    /// How often a watermark is computed in event time (`topology.bolts.watermark.event.interval.ms`,
    /// default 1 s).
    pub fn with_watermark_interval(mut self, interval: Duration) -> Self {
        if duration_ms(interval) == 0 {
            self.problems.push(WindowError::NotPositive {
                what: "watermark interval",
                value: format!("{} ms", duration_ms(interval)),
            });
        }
        self.watermark_interval = Some(interval);
        self
    }

    /// Emits late tuples (event time only) on stream `id`, declared with the single field
    /// [`LATE_TUPLE_FIELD`] (`topology.bolts.late.tuple.stream`).
    pub fn with_late_tuple_stream(mut self, id: impl Into<String>) -> Self {
        self.late_tuple_stream = Some(id.into());
        self
    }

    fn check_positive(&mut self, what: &'static str, length: Length) {
        if length.value() == 0 {
            self.problems.push(WindowError::NotPositive { what, value: length.to_string() });
        }
    }

    /// The window length, if set.
    pub fn length(&self) -> Option<Length> {
        self.length
    }

    /// The sliding interval, if set.
    pub fn slide(&self) -> Option<Length> {
        self.slide
    }

    /// Where event time comes from; `None` for processing time.
    pub fn timestamp_source(&self) -> Option<&TimestampSource> {
        self.timestamp.as_ref()
    }

    /// The late tuple stream, if set.
    pub fn late_tuple_stream(&self) -> Option<&str> {
        self.late_tuple_stream.as_deref()
    }

    /// The mistakes recorded while building these options.
    pub fn problems(&self) -> &[WindowError] {
        &self.problems
    }

    /// The component config of a windowed bolt whose own config is `own`: `own`, these options
    /// under Storm's keys, and tick tuples as often as the window needs (combined with any tick
    /// period `own` asks for by their greatest common divisor). What every windowed adapter's
    /// `component_config` returns.
    pub fn component_config(&self, own: Config) -> Config {
        let mut config = own;
        config.merge(&self.to_config());
        if let Some(needed) = crate::spec::resolve(self, &config).ok().and_then(|s| s.tick_period_ms()) {
            let period = config.tick_period_millis().map_or(needed, |mine| crate::spec::gcd(mine, needed));
            config.set_tick_period_millis(period);
        }
        config
    }

    /// These options under Storm's component config keys (what the adapter's `component_config`
    /// returns, minus the tick period). The timestamp source has no key, as in Storm.
    pub fn to_config(&self) -> Config {
        let mut config = Config::new();
        let int = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        match self.length {
            Some(Length::Count(n)) => config.set(TOPOLOGY_BOLTS_WINDOW_LENGTH_COUNT, int(n)),
            Some(Length::Duration(d)) => {
                config.set(TOPOLOGY_BOLTS_WINDOW_LENGTH_DURATION_MS, int(duration_ms(d)))
            }
            None => &mut config,
        };
        match self.slide {
            Some(Length::Count(n)) => config.set(TOPOLOGY_BOLTS_SLIDING_INTERVAL_COUNT, int(n)),
            Some(Length::Duration(d)) => {
                config.set(TOPOLOGY_BOLTS_SLIDING_INTERVAL_DURATION_MS, int(duration_ms(d)))
            }
            None => &mut config,
        };
        if let Some(lag) = self.lag {
            config.set(TOPOLOGY_BOLTS_TUPLE_TIMESTAMP_MAX_LAG_MS, int(duration_ms(lag)));
        }
        if let Some(interval) = self.watermark_interval {
            config.set(TOPOLOGY_BOLTS_WATERMARK_EVENT_INTERVAL_MS, int(duration_ms(interval)));
        }
        if let Some(stream) = &self.late_tuple_stream {
            config.set(TOPOLOGY_BOLTS_LATE_TUPLE_STREAM, stream.as_str());
        }
        config
    }

    /// Options read from Storm's window keys in `config` (for loaders such as Flux, whose users
    /// configure windows by config). Like Storm, a count length wins over a duration length, a count
    /// slide over a duration slide, and no slide means a slide of one tuple. Add event time with
    /// [`with_timestamp_field`](Self::with_timestamp_field) or
    /// [`with_timestamp_extractor`](Self::with_timestamp_extractor): it has no config key.
    ///
    /// # Errors
    /// [`WindowError::BadConfig`] for a key whose value is not a positive integer (a string for the
    /// late tuple stream), or [`WindowError::NotPositive`] for a zero length, slide or interval.
    pub fn from_config(config: &Config) -> Result<Self, WindowError> {
        let mut options = WindowOptions::default();
        let count = |key: &'static str| read_u64(config, key).map(|v| v.map(Length::Count));
        let millis = |key: &'static str| read_u64(config, key).map(|v| v.map(Length::millis));
        options.length =
            count(TOPOLOGY_BOLTS_WINDOW_LENGTH_COUNT)?.or(millis(TOPOLOGY_BOLTS_WINDOW_LENGTH_DURATION_MS)?);
        options.slide = count(TOPOLOGY_BOLTS_SLIDING_INTERVAL_COUNT)?
            .or(millis(TOPOLOGY_BOLTS_SLIDING_INTERVAL_DURATION_MS)?)
            .or(Some(Length::Count(1)));
        options.lag = read_u64(config, TOPOLOGY_BOLTS_TUPLE_TIMESTAMP_MAX_LAG_MS)?.map(Duration::from_millis);
        options.watermark_interval =
            read_u64(config, TOPOLOGY_BOLTS_WATERMARK_EVENT_INTERVAL_MS)?.map(Duration::from_millis);
        options.late_tuple_stream = match config.get(TOPOLOGY_BOLTS_LATE_TUPLE_STREAM) {
            None => None,
            Some(Value::Str(s)) => Some(s.to_string()),
            Some(other) => {
                return Err(WindowError::BadConfig {
                    key: TOPOLOGY_BOLTS_LATE_TUPLE_STREAM,
                    problem: format!("expected a stream id, got {} ({other})", other.kind()),
                });
            }
        };
        for (what, length) in [("window length", options.length), ("sliding interval", options.slide)] {
            if let Some(length) = length.filter(|l| l.value() == 0) {
                return Err(WindowError::NotPositive { what, value: length.to_string() });
            }
        }
        if options.watermark_interval.is_some_and(|i| duration_ms(i) == 0) {
            return Err(WindowError::NotPositive { what: "watermark interval", value: "0 ms".into() });
        }
        Ok(options)
    }
}

/// A non-negative integer under `key`, `None` when unset.
fn read_u64(config: &Config, key: &'static str) -> Result<Option<u64>, WindowError> {
    match config.get(key) {
        None => Ok(None),
        Some(Value::I64(n)) => u64::try_from(*n)
            .map(Some)
            .map_err(|_| WindowError::BadConfig { key, problem: format!("must not be negative, got {n}") }),
        Some(other) => Err(WindowError::BadConfig {
            key,
            problem: format!("expected an integer, got {} ({other})", other.kind()),
        }),
    }
}

impl fmt::Debug for WindowOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WindowOptions")
            .field("length", &self.length)
            .field("slide", &self.slide)
            .field("timestamp", &self.timestamp)
            .field("lag", &self.lag)
            .field("watermark_interval", &self.watermark_interval)
            .field("late_tuple_stream", &self.late_tuple_stream)
            .field("problems", &self.problems)
            .finish()
    }
}
