//! Model-based property tests: every window the cores fire equals a brute-force computation over
//! the arrivals, and through the adapter every tuple is acked exactly once.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use proptest::prelude::*;
use squall_api::Config;
use squall_window::core::{Decision, EventId, Firing, WindowManager};
use squall_window::{EventTime, Length, WindowOptions, WindowSpec};

/// A fired window by ids, as the model computes it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Expected {
    tuples: Vec<u64>,
    new: Vec<u64>,
    expired: Vec<u64>,
    start: Option<i64>,
    end: i64,
}

fn from_firing(f: &Firing) -> Expected {
    let raw = |v: &[EventId]| v.iter().map(|i| i.0).collect();
    Expected {
        tuples: raw(&f.tuples),
        new: raw(&f.new),
        expired: raw(&f.expired),
        start: f.start,
        end: f.end,
    }
}

/// The fired windows, and checks on the expiries: every id expires at most once, in id order, and
/// is reported as expired by a window only after an `Expire` decision named it.
fn firings(decisions: &[Decision]) -> Vec<Expected> {
    let mut expired_so_far = BTreeSet::new();
    let mut last = None;
    let mut out = Vec::new();
    for d in decisions {
        match d {
            Decision::Expire(ids) => {
                for id in ids {
                    assert!(expired_so_far.insert(*id), "{id:?} expired twice");
                    assert!(last < Some(*id), "expiries out of order at {id:?}");
                    last = Some(*id);
                }
            }
            Decision::Fire(f) => {
                assert!(f.expired.iter().all(|id| expired_so_far.contains(id)));
                out.push(from_firing(f));
            }
            Decision::Late(_) => panic!("no late tuples expected"),
        }
    }
    out
}

/// A window the model expects: its tuples, every id expired by the time it fires, start and end.
type ModelWindow = (Vec<u64>, BTreeSet<u64>, Option<i64>, i64);

/// Fills in `new` and `expired` from the sequence of windows and the expiry of each.
fn chain(windows: Vec<ModelWindow>) -> Vec<Expected> {
    let mut previous: Vec<u64> = Vec::new();
    let mut reported: BTreeSet<u64> = BTreeSet::new();
    let mut out = Vec::new();
    for (tuples, expired_by_now, start, end) in windows {
        let new = tuples.iter().copied().filter(|i| !previous.contains(i)).collect();
        let expired = expired_by_now.difference(&reported).copied().collect();
        reported = expired_by_now;
        previous = tuples.clone();
        out.push(Expected { tuples, new, expired, start, end });
    }
    out
}

fn spec(length: Length, slide: Length, event_time: Option<EventTime>) -> WindowSpec {
    WindowSpec { length, slide, event_time, late_tuple_stream: None }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Processing time, count length and count slide (compaction included: slides above 100).
    #[test]
    fn count_windows_match_brute_force(
        n in 1u64..12,
        s in prop_oneof![1u64..12, 95u64..140],
        arrivals in 0u64..400,
    ) {
        let mut m = WindowManager::new(&spec(Length::count(n), Length::count(s), None));
        let mut decisions = Vec::new();
        for i in 0..arrivals {
            m.add(i64::try_from(i).unwrap() * 10, &mut decisions);
        }
        let model = chain(
            (1..=arrivals / s)
                .map(|k| {
                    let end = k * s;
                    let start = end.saturating_sub(n);
                    ((start..end).collect(), (0..start).collect(), None, i64::try_from(end - 1).unwrap() * 10)
                })
                .collect(),
        );
        prop_assert_eq!(firings(&decisions), model);
    }

    /// Processing time, duration length and duration slide, timers exactly on their beats.
    #[test]
    fn time_windows_match_brute_force(
        length in 1i64..60,
        slide in 1i64..60,
        mut stamps in proptest::collection::vec(1i64..400, 0..90),
    ) {
        stamps.sort_unstable();
        let sp = spec(Length::millis(length.unsigned_abs()), Length::millis(slide.unsigned_abs()), None);
        let mut m = WindowManager::new(&sp);
        let mut decisions = Vec::new();
        let beats: Vec<i64> = (1..).map(|j| j * slide).take_while(|b| *b <= 400 + length + 2 * slide).collect();
        let mut next = 0;
        for &beat in &beats {
            // Arrivals before the beat; one arriving at the beat itself comes after the firing.
            while next < stamps.len() && stamps[next] < beat {
                m.add(stamps[next], &mut decisions);
                next += 1;
            }
            m.on_timer(beat, &mut decisions);
        }
        let ids = |pred: &dyn Fn(i64) -> bool| -> Vec<u64> {
            stamps.iter().enumerate().filter(|(_, ts)| pred(**ts)).map(|(i, _)| i as u64).collect()
        };
        let mut windows = Vec::new();
        for (j, &beat) in beats.iter().enumerate() {
            let reference = beat - 1;
            let first = j == 0;
            let tuples = ids(&|ts| ts <= reference && (first || reference - ts < length));
            let expired: BTreeSet<u64> =
                if first { BTreeSet::new() } else { ids(&|ts| reference - ts >= length).into_iter().collect() };
            if !tuples.is_empty() {
                windows.push((tuples, expired, Some(reference - length), reference));
            }
        }
        prop_assert_eq!(firings(&decisions), chain(windows));
        // Everything expired by the last beat.
        let expired: usize = decisions.iter().map(|d| if let Decision::Expire(v) = d { v.len() } else { 0 }).sum();
        prop_assert_eq!(expired, stamps.len());
    }

    /// Event time, duration length and slide: windows end at every slide multiple up to each
    /// watermark and hold exactly the tuples with end − length < ts ≤ end; empty ones are skipped.
    #[test]
    fn event_time_windows_match_brute_force(
        length in 1i64..60,
        slide in 1i64..60,
        lag in 0u64..20,
        gaps in proptest::collection::vec(1i64..15, 0..60),
        watermark_steps in proptest::collection::vec(1i64..80, 1..20),
    ) {
        // Strictly increasing timestamps: every tuple at or before a watermark has arrived by then.
        let stamps: Vec<i64> = gaps.iter().scan(0, |t, g| { *t += g; Some(*t) }).collect();
        let watermarks: Vec<i64> = watermark_steps.iter().scan(0, |w, g| { *w += g; Some(*w) }).collect();
        let sp = spec(
            Length::millis(length.unsigned_abs()),
            Length::millis(slide.unsigned_abs()),
            Some(EventTime { lag_ms: lag, watermark_interval_ms: 1 }),
        );
        let mut m = WindowManager::new(&sp);
        let mut decisions = Vec::new();
        let mut next = 0;
        for &w in &watermarks {
            while next < stamps.len() && stamps[next] <= w {
                m.add(stamps[next], &mut decisions);
                next += 1;
            }
            m.on_watermark(w, &mut decisions);
        }
        let last = *watermarks.last().expect("at least one watermark");
        let in_window = |end: i64| -> Vec<u64> {
            stamps.iter().enumerate().filter(|(_, ts)| end - length < **ts && **ts <= end).map(|(i, _)| i as u64).collect()
        };
        let mut windows = Vec::new();
        let mut end = stamps.first().map_or(i64::MAX, |t0| t0.div_euclid(slide) * slide);
        while end <= last {
            let tuples = in_window(end);
            if !tuples.is_empty() {
                let expired = stamps.iter().enumerate().filter(|(_, ts)| **ts <= end - length).map(|(i, _)| i as u64).collect();
                windows.push((tuples, expired, Some(end - length), end));
            }
            end += slide;
        }
        prop_assert_eq!(firings(&decisions), chain(windows));
    }

    /// Event time, count length and slide: every slide-th tuple (by arrival, timestamps
    /// increasing) at or before the watermark is a trigger point ending a window of the newest
    /// `n` tuples up to it.
    #[test]
    fn event_time_count_windows_match_brute_force(
        n in 1u64..10,
        s in 1u64..10,
        gaps in proptest::collection::vec(1i64..15, 0..80),
        watermark_steps in proptest::collection::vec(1i64..100, 1..10),
    ) {
        let stamps: Vec<i64> = gaps.iter().scan(0, |t, g| { *t += g; Some(*t) }).collect();
        let watermarks: Vec<i64> = watermark_steps.iter().scan(0, |w, g| { *w += g; Some(*w) }).collect();
        let sp = spec(Length::count(n), Length::count(s), Some(EventTime { lag_ms: 0, watermark_interval_ms: 1 }));
        let mut m = WindowManager::new(&sp);
        let mut decisions = Vec::new();
        let mut next = 0;
        for &w in &watermarks {
            while next < stamps.len() && stamps[next] <= w {
                m.add(stamps[next], &mut decisions);
                next += 1;
            }
            m.on_watermark(w, &mut decisions);
        }
        let last = *watermarks.last().expect("at least one watermark");
        let mut windows = Vec::new();
        let mut k = 1u64;
        while let Some(&point) = stamps.get(usize::try_from(k * s - 1).unwrap()) {
            if point > last {
                break;
            }
            let start = (k * s).saturating_sub(n);
            windows.push(((start..k * s).collect(), (0..start).collect(), None, point));
            k += 1;
        }
        prop_assert_eq!(firings(&decisions), chain(windows));
    }

    /// Through the adapter, count windows: every emit is anchored to exactly its window, and once
    /// enough tuples followed, every tuple has been acked exactly once.
    #[test]
    fn adapter_acks_every_tuple_once(n in 1u64..10, s in 1u64..10, sends in 0i64..120) {
        let mut h = Harness::new(Summer::default(), WindowOptions::sliding(Length::count(n), Length::count(s)));
        let total = sends + i64::try_from(n + s).unwrap();
        for i in 0..total {
            h.send(i, 0);
        }
        let out = h.take();
        let acked = acks(&out);
        let unique: BTreeSet<i64> = acked.iter().copied().collect();
        prop_assert_eq!(unique.len(), acked.len(), "an ack was repeated");
        prop_assert!((0..sends).all(|i| unique.contains(&i)), "a tuple that left every window was not acked");
        let emits: Vec<Vec<i64>> = out
            .iter()
            .filter_map(|o| if let Out::Emit { anchors, .. } = o { Some(anchors.clone()) } else { None })
            .collect();
        let windows: Vec<Vec<i64>> = h.windows().iter().map(|w| w.all.clone()).collect();
        prop_assert_eq!(emits, windows);
    }

    /// Through the adapter, event time with disorder beyond the lag: late tuples go to the late
    /// stream and are acked at once; after a final far-future tuple moves the watermark past
    /// everything, every earlier tuple has been acked exactly once.
    #[test]
    fn adapter_acks_late_and_windowed_tuples_once(
        stamps in proptest::collection::vec(0i64..300, 0..80),
        lag in 0u64..30,
        tick_every in 1usize..10,
    ) {
        let options = WindowOptions::sliding(Length::millis(40), Length::millis(20))
            .with_timestamp_field("ts")
            .with_lag(Duration::from_millis(lag))
            .with_watermark_interval(Duration::from_millis(10))
            .with_late_tuple_stream("late");
        let mut h = Harness::try_new(Summer::default(), options, &Config::new(), &[SPOUT], 0).unwrap();
        let mut now = 0;
        for (i, ts) in stamps.iter().enumerate() {
            h.send(i64::try_from(i).unwrap(), *ts);
            if i % tick_every == 0 {
                now += 10;
                h.at(now).tick();
            }
        }
        let last = i64::try_from(stamps.len()).unwrap();
        h.send(last, 1_000_000);
        h.at(now + 10).tick();
        let out = h.take();
        let acked = acks(&out);
        let unique: BTreeSet<i64> = acked.iter().copied().collect();
        prop_assert_eq!(unique.len(), acked.len(), "an ack was repeated");
        prop_assert_eq!(unique, (0..last).collect::<BTreeSet<_>>());
        // Each late tuple is emitted once on the late stream, anchored to itself, and acked at once.
        let mut late = BTreeSet::new();
        for (i, o) in out.iter().enumerate() {
            if let Out::Emit { stream, anchors, .. } = o
                && stream == "late"
            {
                prop_assert_eq!(anchors.len(), 1);
                prop_assert!(late.insert(anchors[0]), "late tuple {} emitted twice", anchors[0]);
                prop_assert_eq!(out.get(i + 1), Some(&Out::Ack(anchors[0])));
            }
        }
        let windowed: BTreeSet<i64> = h.windows().iter().flat_map(|w| w.all.iter().copied()).collect();
        prop_assert!(late.is_disjoint(&windowed), "a late tuple was windowed");
        prop_assert!(windowed.iter().chain(&late).all(|n| (0..=last).contains(n)));
    }
}
