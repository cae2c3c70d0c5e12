//! Storm's windowing classes as Flux files name them, on `squall-window`:
//! `org.apache.storm.topology.base.BaseWindowedBolt$Count` and `$Duration` components (window
//! lengths for `ref`s) and the example bolt `org.apache.storm.flux.examples.TestWindowBolt`.
//!
//! `TestWindowBolt` takes the configuration methods of Storm's `BaseWindowedBolt`:
//! `withWindow(length[, slide])`, `withTumblingWindow(length)` (lengths are references to `$Count`
//! or `$Duration` components), `withTimestampField(name)`, `withLag($Duration)`,
//! `withWatermarkInterval($Duration)` and `withLateTupleStream(stream)`.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use squall_api::{BoltFactory, OutputDeclarer, values};
use squall_window::{Length, Window, WindowCollector, WindowOptions, WindowedBolt, windowed};

use crate::{ArgError, ArgSite, Args, ObjectSpec};

const METHODS: &[&str] = &[
    "withWindow",
    "withTumblingWindow",
    "withTimestampField",
    "withLag",
    "withWatermarkInterval",
    "withLateTupleStream",
];

/// A windowed bolt emitting, for each window, the number of tuples in it (field `count`): Storm's
/// `org.apache.storm.flux.examples.TestWindowBolt`. Run it through [`windowed`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TestWindowBolt;

impl WindowedBolt for TestWindowBolt {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        declarer.declare(["count"]);
    }

    fn execute(&mut self, window: &Window<'_>, collector: &mut WindowCollector<'_, '_>) {
        collector.emit(values![i64::try_from(window.len()).unwrap_or(i64::MAX)]);
    }
}

/// `BaseWindowedBolt$Count(n)`: a [`Length::Count`].
pub(crate) fn count(spec: &ObjectSpec) -> Result<Arc<dyn Any + Send + Sync>, ArgError> {
    spec.expect_constructor_only()?;
    spec.args.expect_len(1..=1, "the number of tuples")?;
    Ok(Arc::new(Length::Count(positive(&spec.args, 0)?)))
}

/// `BaseWindowedBolt$Duration(value, TimeUnit)`, or its static factories `of(ms)`, `days(n)`,
/// `hours(n)`, `minutes(n)`, `seconds(n)`: a [`Length::Duration`].
pub(crate) fn duration(spec: &ObjectSpec) -> Result<Arc<dyn Any + Send + Sync>, ArgError> {
    spec.expect_no_properties()?;
    spec.expect_config_methods(&[])?;
    let args = &spec.args;
    let ms_per = |unit: &str| match unit {
        "of" | "MILLISECONDS" => Some(1),
        "seconds" | "SECONDS" => Some(1_000),
        "minutes" | "MINUTES" => Some(60_000),
        "hours" | "HOURS" => Some(3_600_000),
        "days" | "DAYS" => Some(86_400_000),
        _ => None,
    };
    let ms = match spec.factory.as_deref() {
        Some(factory) => {
            let per = ms_per(factory).ok_or_else(|| {
                let problem = format!(
                    "it has no static factory method '{factory}' (it has: of, days, hours, minutes, seconds)"
                );
                ArgError::new(ArgSite::Factory, problem)
            })?;
            args.expect_len(1..=1, "the amount")?;
            positive(args, 0)?.saturating_mul(per)
        }
        None => {
            args.expect_len(2..=2, "the amount, then a TimeUnit such as SECONDS")?;
            let unit = args.string(1)?;
            let per = ms_per(unit).filter(|_| unit.chars().all(|c| c.is_ascii_uppercase())).ok_or_else(|| {
                args.error(1, format!("expected a TimeUnit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS) as argument 2, got '{unit}'"))
            })?;
            positive(args, 0)?.saturating_mul(per)
        }
    };
    Ok(Arc::new(Length::Duration(Duration::from_millis(ms))))
}

fn positive(args: &Args, index: usize) -> Result<u64, ArgError> {
    let n = args.int(index)?;
    u64::try_from(n).ok().filter(|n| *n > 0).ok_or_else(|| {
        args.error(index, format!("expected a positive integer as argument {}, got {n}", index + 1))
    })
}

fn length(args: &Args, index: usize) -> Result<Length, ArgError> {
    let what = "a reference to a BaseWindowedBolt$Count or $Duration component";
    args.object::<Length>(index, what).map(|l| *l)
}

fn duration_arg(args: &Args, index: usize) -> Result<Duration, ArgError> {
    match length(args, index)? {
        Length::Duration(d) => Ok(d),
        Length::Count(_) => Err(args.error(index, "expected a BaseWindowedBolt$Duration, got a $Count")),
    }
}

/// The window a windowed bolt's configuration methods describe.
pub(crate) fn window_options(spec: &ObjectSpec) -> Result<WindowOptions, ArgError> {
    spec.expect_no_factory()?;
    spec.expect_no_properties()?;
    spec.expect_config_methods(METHODS)?;
    spec.args.expect_len(0..=0, "")?;
    let mut options: Option<WindowOptions> = None;
    let mut later: Vec<Box<dyn Fn(WindowOptions) -> WindowOptions>> = Vec::new();
    for method in &spec.config_methods {
        let a = &method.args;
        match method.name.as_str() {
            "withWindow" => {
                a.expect_len(1..=2, "the window length, then optionally the sliding interval")?;
                options = Some(if a.len() == 2 {
                    WindowOptions::sliding(length(a, 0)?, length(a, 1)?)
                } else {
                    WindowOptions::window(length(a, 0)?)
                });
            }
            "withTumblingWindow" => {
                a.expect_len(1..=1, "the window length")?;
                options = Some(WindowOptions::tumbling(length(a, 0)?));
            }
            "withTimestampField" => {
                a.expect_len(1..=1, "the field holding event times")?;
                let field = a.string(0)?.to_owned();
                later.push(Box::new(move |o| o.with_timestamp_field(field.clone())));
            }
            "withLag" => {
                a.expect_len(1..=1, "a reference to a BaseWindowedBolt$Duration")?;
                let lag = duration_arg(a, 0)?;
                later.push(Box::new(move |o| o.with_lag(lag)));
            }
            "withWatermarkInterval" => {
                a.expect_len(1..=1, "a reference to a BaseWindowedBolt$Duration")?;
                let interval = duration_arg(a, 0)?;
                later.push(Box::new(move |o| o.with_watermark_interval(interval)));
            }
            "withLateTupleStream" => {
                a.expect_len(1..=1, "the stream id")?;
                let stream = a.string(0)?.to_owned();
                later.push(Box::new(move |o| o.with_late_tuple_stream(stream.clone())));
            }
            _ => {}
        }
    }
    let options = options.ok_or_else(|| {
        ArgError::new(
            ArgSite::Object,
            "no window is given (add a configMethod withWindow or withTumblingWindow)",
        )
    })?;
    Ok(later.iter().fold(options, |o, f| f(o)))
}

/// The Flux factory of `TestWindowBolt`.
pub(crate) fn test_window_bolt(spec: &ObjectSpec) -> Result<BoltFactory, ArgError> {
    let options = window_options(spec)?;
    if let Some(problem) = options.problems().first() {
        return Err(ArgError::new(ArgSite::Object, problem.to_string()));
    }
    Ok(Arc::new(move || Box::new(windowed(TestWindowBolt, options.clone()))))
}
