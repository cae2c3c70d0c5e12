//! A sliding-window moving average over an event-time stream, with late readings routed to their
//! own stream: Storm's `BaseWindowedBolt` with a timestamp field, lag and a late-tuple stream.
//!
//! Two sensors report a reading every 500 ms of event time for a minute; now and then a reading
//! arrives 20 s late. Windows are 10 s long and slide every 5 s; the watermark trails the newest
//! timestamp by a 1 s lag. Each window's average is printed; late readings go to the `late` stream.
//! At the end the example checks that every reading was either averaged or reported late.
//!
//! `cargo run -p squall --example moving_average`
#![allow(clippy::print_stdout, reason = "an example prints its result")]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use squall::prelude::*;
use squall::window::{Window, WindowCollector, WindowOptions, WindowedBolt, windowed};

const READINGS_PER_SENSOR: i64 = 120;
const STEP_MS: i64 = 500;

/// Readings of two sensors in event-time order, paced at about one per millisecond of real time,
/// every 25th reading of each sensor delayed by 20 s; then an untracked end-of-stream marker far in
/// the future per sensor, so the watermark passes the last windows.
struct Readings {
    next: i64,
    pending: usize,
    last: Option<Instant>,
}

impl Spout for Readings {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["sensor", "value", "ts", "id"]);
    }
    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if self.last.is_some_and(|t| t.elapsed() < Duration::from_millis(1)) {
            return;
        }
        self.last = Some(Instant::now());
        let total = 2 * READINGS_PER_SENSOR;
        if self.next < total {
            let (i, sensor) = (self.next / 2, if self.next % 2 == 0 { "s1" } else { "s2" });
            let late = i % 25 == 24 && i > 40;
            let ts = i * STEP_MS - if late { 20_000 } else { 0 };
            let value = 20.0 + (i % 10) as f64 + if sensor == "s2" { 5.0 } else { 0.0 };
            self.pending += 1;
            out.emit_with_id(values![sensor, value, ts, self.next], self.next);
            self.next += 1;
        } else if self.next < total + 2 {
            let sensor = if self.next == total { "s1" } else { "s2" };
            out.emit(values![sensor, 0.0, 1_000_000_000i64, -1]);
            self.next += 1;
        }
    }
    fn ack(&mut self, _: Value) {
        self.pending -= 1;
    }
    fn fail(&mut self, _: Value) {
        self.pending -= 1;
    }
    fn is_finished(&self) -> bool {
        self.next >= 2 * READINGS_PER_SENSOR + 2 && self.pending == 0
    }
}

/// The average value per sensor of each window.
struct MovingAverage;

impl WindowedBolt for MovingAverage {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["sensor", "start", "end", "average", "ids"]);
    }
    fn execute(&mut self, window: &Window<'_>, out: &mut WindowCollector<'_, '_>) {
        let mut by_sensor: BTreeMap<String, (f64, Vec<Value>)> = BTreeMap::new();
        for t in window.tuples() {
            if t.get_i64(3) == Some(-1) {
                continue; // the end-of-stream marker
            }
            let e = by_sensor.entry(t.get_str(0).unwrap_or("?").to_owned()).or_default();
            e.0 += t.get_f64(1).unwrap_or(0.0);
            e.1.push(t.get(3).cloned().unwrap_or_default());
        }
        let start = window.start_timestamp().unwrap_or(0);
        for (sensor, (sum, ids)) in by_sensor {
            let avg = sum / ids.len() as f64;
            out.emit(values![sensor, start, window.end_timestamp(), avg, Value::list(ids)]);
        }
    }
}

/// One window's result: sensor, start, end, average, the ids of the readings averaged.
type WindowRow = (String, i64, i64, f64, Vec<i64>);

/// Collects window results and late readings.
struct Collect {
    windows: Arc<Mutex<Vec<WindowRow>>>,
    late: Arc<Mutex<BTreeSet<i64>>>,
}

impl Bolt for Collect {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}
    fn execute(&mut self, t: Tuple, out: &mut BoltCollector<'_>) {
        if t.source_stream() == "late" {
            // The late tuple's values, as a list: [sensor, value, ts, id].
            if let Some(id) = t.get(0).and_then(Value::as_list).and_then(|v| v.get(3)).and_then(Value::as_i64)
            {
                self.late.lock().unwrap_or_else(|e| e.into_inner()).insert(id);
            }
        } else {
            let ids = t
                .get(4)
                .and_then(Value::as_list)
                .map(|l| l.iter().filter_map(Value::as_i64).collect())
                .unwrap_or_default();
            let row = (
                t.get_str(0).unwrap_or("?").to_owned(),
                t.get_i64(1).unwrap_or(0),
                t.get_i64(2).unwrap_or(0),
                t.get_f64(3).unwrap_or(0.0),
                ids,
            );
            self.windows.lock().unwrap_or_else(|e| e.into_inner()).push(row);
        }
        out.ack(&t);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = WindowOptions::sliding(Duration::from_secs(10), Duration::from_secs(5))
        .with_timestamp_field("ts")
        .with_lag(Duration::from_secs(1))
        .with_watermark_interval(Duration::from_millis(20))
        .with_late_tuple_stream("late");
    let windows = Arc::new(Mutex::new(Vec::new()));
    let late = Arc::new(Mutex::new(BTreeSet::new()));
    let mut builder = TopologyBuilder::new();
    builder.set_spout("readings", 1, || Readings { next: 0, pending: 0, last: None });
    builder
        .set_bolt("average", 1, move || windowed(MovingAverage, options.clone()))
        .shuffle_grouping("readings");
    let (w, l) = (windows.clone(), late.clone());
    builder
        .set_bolt("collect", 1, move || Collect { windows: w.clone(), late: l.clone() })
        .shuffle_grouping("average")
        .grouping_on("average", "late", Grouping::Shuffle);
    let stats = squall::run_local("moving-average", &Config::new(), builder.build()?)?;

    let mut windows = windows.lock().unwrap_or_else(|e| e.into_inner()).clone();
    windows.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    for (sensor, start, end, avg, ids) in &windows {
        println!(
            "{sensor} [{:>5.1} s, {:>5.1} s): {avg:6.2} over {:>2} readings",
            *start as f64 / 1e3,
            *end as f64 / 1e3,
            ids.len()
        );
    }
    let late = late.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let averaged: BTreeSet<i64> = windows.iter().flat_map(|w| w.4.iter().copied()).collect();
    println!(
        "{} windows, {} readings averaged, {} late: {:?}",
        windows.len(),
        averaged.len(),
        late.len(),
        late
    );
    let all: BTreeSet<i64> = (0..2 * READINGS_PER_SENSOR).collect();
    let seen: BTreeSet<i64> = averaged.union(&late).copied().collect();
    if seen != all || !averaged.is_disjoint(&late) {
        return Err("every reading must be either averaged or reported late, not both".into());
    }
    println!("{}", stats.table());
    Ok(())
}
