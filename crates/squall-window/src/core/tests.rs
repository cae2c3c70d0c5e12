//! Exact window contents for every kind of window, driven with explicit times.

use squall_api::GlobalStreamId;

use super::*;
use crate::{EventTime, Length, WindowSpec};

fn processing(length: Length, slide: Length) -> WindowSpec {
    WindowSpec { length, slide, event_time: None, late_tuple_stream: None }
}

fn event(length: Length, slide: Length, lag_ms: u64) -> WindowSpec {
    WindowSpec {
        length,
        slide,
        event_time: Some(EventTime { lag_ms, watermark_interval_ms: 10 }),
        late_tuple_stream: None,
    }
}

fn ids(v: &[u64]) -> Vec<EventId> {
    v.iter().map(|i| EventId(*i)).collect()
}

fn fire(tuples: &[u64], new: &[u64], expired: &[u64], start: Option<i64>, end: i64) -> Decision {
    Decision::Fire(Firing { tuples: ids(tuples), new: ids(new), expired: ids(expired), start, end })
}

fn expire(v: &[u64]) -> Decision {
    Decision::Expire(ids(v))
}

/// Adds inputs with these timestamps; returns the decisions they caused.
fn add(m: &mut WindowManager, timestamps: &[i64]) -> Vec<Decision> {
    let mut out = Vec::new();
    for ts in timestamps {
        m.add(*ts, &mut out);
    }
    out
}

fn timer(m: &mut WindowManager, now: i64) -> Vec<Decision> {
    let mut out = Vec::new();
    m.on_timer(now, &mut out);
    out
}

fn watermark(m: &mut WindowManager, w: i64) -> Vec<Decision> {
    let mut out = Vec::new();
    m.on_watermark(w, &mut out);
    out
}

const MS: fn(u64) -> Length = Length::millis;
const N: fn(u64) -> Length = Length::count;

#[test]
fn count_sliding_window_fires_every_slide_with_the_newest_length() {
    let mut m = WindowManager::new(&processing(N(3), N(2)));
    assert_eq!(add(&mut m, &[10]), vec![]);
    assert_eq!(add(&mut m, &[11]), vec![fire(&[0, 1], &[0, 1], &[], None, 11)]);
    assert_eq!(add(&mut m, &[12, 13]), vec![expire(&[0]), fire(&[1, 2, 3], &[2, 3], &[0], None, 13)]);
    assert_eq!(add(&mut m, &[14, 15]), vec![expire(&[1, 2]), fire(&[3, 4, 5], &[4, 5], &[1, 2], None, 15)]);
}

#[test]
fn count_tumbling_window_expires_a_window_when_the_next_fires() {
    let mut m = WindowManager::new(&processing(N(3), N(3)));
    assert_eq!(add(&mut m, &[1, 2, 3]), vec![fire(&[0, 1, 2], &[0, 1, 2], &[], None, 3)]);
    assert_eq!(add(&mut m, &[4, 5]), vec![]);
    assert_eq!(
        add(&mut m, &[6]),
        vec![expire(&[0, 1, 2]), fire(&[3, 4, 5], &[3, 4, 5], &[0, 1, 2], None, 6)]
    );
}

#[test]
fn count_window_of_length_one_sliding_by_one_is_each_tuple() {
    let mut m = WindowManager::new(&processing(N(1), N(1)));
    assert_eq!(add(&mut m, &[5]), vec![fire(&[0], &[0], &[], None, 5)]);
    assert_eq!(add(&mut m, &[6]), vec![expire(&[0]), fire(&[1], &[1], &[0], None, 6)]);
}

#[test]
fn time_sliding_window_corrects_timer_drift_and_skips_empty_windows() {
    let mut m = WindowManager::new(&processing(MS(10), MS(5)));
    add(&mut m, &[1, 3]);
    // First firing: reference now − 1, nothing expires (Storm considers every queued tuple).
    assert_eq!(timer(&mut m, 5), vec![fire(&[0, 1], &[0, 1], &[], Some(-6), 4)]);
    add(&mut m, &[6, 8]);
    assert_eq!(timer(&mut m, 10), vec![fire(&[0, 1, 2, 3], &[2, 3], &[], Some(-1), 9)]);
    add(&mut m, &[12, 14]);
    // 14 − ts ≥ 10 expires ts 1 and 3; ts 14 = reference is in.
    assert_eq!(timer(&mut m, 15), vec![expire(&[0, 1]), fire(&[2, 3, 4, 5], &[4, 5], &[0, 1], Some(4), 14)]);
    // Two ms late: δ = 2, the window reaches back 12 ms, so ts 12 and 14 stay.
    assert_eq!(timer(&mut m, 22), vec![expire(&[2, 3]), fire(&[4, 5], &[], &[2, 3], Some(11), 21)]);
    // Two ms early (δ = −2): everything is older than 8 ms; the empty window is not evaluated.
    assert_eq!(timer(&mut m, 25), vec![expire(&[4, 5])]);
    add(&mut m, &[26]);
    // The expiries of the empty firing reach the next evaluated window.
    assert_eq!(timer(&mut m, 30), vec![fire(&[6], &[6], &[4, 5], Some(19), 29)]);
}

#[test]
fn time_tumbling_window_puts_a_tuple_of_the_firing_millisecond_in_the_next_window() {
    let mut m = WindowManager::new(&processing(MS(5), MS(5)));
    add(&mut m, &[1, 3, 5]);
    assert_eq!(timer(&mut m, 5), vec![fire(&[0, 1], &[0, 1], &[], Some(-1), 4)]);
    add(&mut m, &[8]);
    assert_eq!(timer(&mut m, 10), vec![expire(&[0, 1]), fire(&[2, 3], &[2, 3], &[0, 1], Some(4), 9)]);
    assert_eq!(timer(&mut m, 15), vec![expire(&[2, 3])]);
}

#[test]
fn count_length_with_a_time_slide_keeps_the_newest_tuples_at_each_timer() {
    let mut m = WindowManager::new(&processing(N(2), MS(5)));
    add(&mut m, &[1, 2, 3]);
    assert_eq!(timer(&mut m, 5), vec![expire(&[0]), fire(&[1, 2], &[1, 2], &[0], None, 4)]);
    add(&mut m, &[7]);
    assert_eq!(timer(&mut m, 10), vec![expire(&[1]), fire(&[2, 3], &[3], &[1], None, 9)]);
}

#[test]
fn time_length_with_a_count_slide_fires_on_arrivals() {
    let mut m = WindowManager::new(&processing(MS(10), N(2)));
    assert_eq!(add(&mut m, &[1, 5]), vec![fire(&[0, 1], &[0, 1], &[], Some(-5), 5)]);
    assert_eq!(add(&mut m, &[12, 16]), vec![expire(&[0, 1]), fire(&[2, 3], &[2, 3], &[0, 1], Some(6), 16)]);
    // The boundary: a tuple exactly one length old has expired.
    assert_eq!(add(&mut m, &[20, 26]), vec![expire(&[2, 3]), fire(&[4, 5], &[4, 5], &[2, 3], Some(16), 26)]);
}

#[test]
fn compaction_expires_every_hundred_arrivals_without_a_firing() {
    let mut m = WindowManager::new(&processing(N(5), N(1000)));
    let timestamps: Vec<i64> = (0..100).collect();
    let out = add(&mut m, &timestamps);
    assert_eq!(out, vec![Decision::Expire((0..95).map(EventId).collect())]);
    assert_eq!(m.queued(), 5);

    let mut m = WindowManager::new(&processing(MS(10), N(1000)));
    let out = add(&mut m, &timestamps);
    assert_eq!(out, vec![Decision::Expire((0..90).map(EventId).collect())], "99 − ts ≥ 10");
    // The compacted tuples are reported as expired by the next window.
    let mut out = Vec::new();
    for ts in 100..1000 {
        m.add(ts, &mut out);
    }
    let Some(Decision::Fire(f)) = out.last() else { panic!("the 1000th arrival fires: {out:?}") };
    assert_eq!(f.tuples, (990..1000).map(EventId).collect::<Vec<_>>());
    assert_eq!(f.expired, (0..990).map(EventId).collect::<Vec<_>>());
}

#[test]
fn event_time_sliding_window_fires_every_aligned_end_up_to_the_watermark() {
    let mut m = WindowManager::new(&event(MS(10), MS(5), 0));
    add(&mut m, &[3, 7, 11, 12, 18]);
    // The first end is the earliest timestamp rounded up to a slide multiple: 5.
    assert_eq!(
        watermark(&mut m, 12),
        vec![fire(&[0], &[0], &[], Some(-5), 5), fire(&[0, 1], &[1], &[], Some(0), 10)]
    );
    assert_eq!(
        watermark(&mut m, 25),
        vec![
            expire(&[0]),
            fire(&[1, 2, 3], &[2, 3], &[0], Some(5), 15),
            expire(&[1]),
            fire(&[2, 3, 4], &[4], &[1], Some(10), 20),
            expire(&[2, 3]),
            fire(&[4], &[], &[2, 3], Some(15), 25),
        ]
    );
    assert_eq!(watermark(&mut m, 29), vec![], "the next end, 30, is past the watermark");
}

#[test]
fn event_time_gaps_yield_no_empty_windows() {
    let mut m = WindowManager::new(&event(MS(5), MS(5), 0));
    add(&mut m, &[1, 2, 31]);
    assert_eq!(
        watermark(&mut m, 40),
        vec![
            fire(&[0, 1], &[0, 1], &[], Some(0), 5),
            expire(&[0, 1]),
            // End 10 is empty: jump to 35, the end covering ts 31.
            fire(&[2], &[2], &[0, 1], Some(30), 35),
            expire(&[2]),
        ]
    );
}

#[test]
fn lag_holds_tuples_past_the_window_end_and_a_far_future_tuple_stops_the_scan() {
    let mut m = WindowManager::new(&event(MS(10), MS(10), 5));
    add(&mut m, &[3, 12, 8]);
    // ts 12 is past the end 10 but within the lag: kept for later; the scan goes on to ts 8.
    assert_eq!(watermark(&mut m, 10), vec![fire(&[0, 2], &[0, 2], &[], Some(0), 10)]);
    add(&mut m, &[20]);
    assert_eq!(watermark(&mut m, 20), vec![expire(&[0, 2]), fire(&[1, 3], &[1, 3], &[0, 2], Some(10), 20)]);

    // Without lag, ts 30 is beyond end + lag: Storm stops scanning there, so ts 8 (queued after
    // it) is not in the window ending at 10, and has expired by the time a window reaches it.
    let mut m = WindowManager::new(&event(MS(10), MS(10), 0));
    add(&mut m, &[3, 30, 8]);
    assert_eq!(watermark(&mut m, 10), vec![fire(&[0], &[0], &[], Some(0), 10)]);
    assert_eq!(
        watermark(&mut m, 30),
        vec![expire(&[0]), expire(&[2]), fire(&[1], &[1], &[0, 2], Some(20), 30)]
    );
}

#[test]
fn event_time_count_window_triggers_every_slide_tuples_up_to_the_watermark() {
    let mut m = WindowManager::new(&event(N(3), N(2), 0));
    add(&mut m, &[1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(
        watermark(&mut m, 6),
        vec![
            fire(&[0, 1], &[0, 1], &[], None, 2),
            expire(&[0]),
            fire(&[1, 2, 3], &[2, 3], &[0], None, 4),
            expire(&[1, 2]),
            fire(&[3, 4, 5], &[4, 5], &[1, 2], None, 6),
        ]
    );
    // ts 7 is one tuple: not a full slide yet.
    assert_eq!(watermark(&mut m, 7), vec![]);
    add(&mut m, &[8]);
    assert_eq!(watermark(&mut m, 9), vec![expire(&[3, 4]), fire(&[5, 6, 7], &[6, 7], &[3, 4], None, 8)]);
}

#[test]
fn event_time_count_length_with_a_duration_slide_takes_the_newest_before_each_end() {
    let mut m = WindowManager::new(&event(N(2), MS(10), 0));
    add(&mut m, &[1, 5, 8, 12]);
    assert_eq!(watermark(&mut m, 10), vec![expire(&[0]), fire(&[1, 2], &[1, 2], &[0], None, 10)]);
    assert_eq!(watermark(&mut m, 20), vec![expire(&[1]), fire(&[2, 3], &[3], &[1], None, 20)]);
}

#[test]
fn event_time_duration_length_with_a_count_slide_ends_at_each_trigger_point() {
    let mut m = WindowManager::new(&event(MS(10), N(2), 0));
    add(&mut m, &[1, 5, 12, 14]);
    assert_eq!(
        watermark(&mut m, 14),
        vec![
            fire(&[0, 1], &[0, 1], &[], Some(-5), 5),
            expire(&[0]),
            fire(&[1, 2, 3], &[2, 3], &[0], Some(4), 14)
        ]
    );
}

fn sid(component: &str) -> GlobalStreamId {
    GlobalStreamId { component: component.into(), stream: "default".into() }
}

#[test]
fn engine_fires_processing_time_windows_from_ticks_and_arrivals() {
    let spec = processing(MS(10), MS(5));
    let mut e = WindowEngine::new(&spec, [sid("a")], 1000);
    let mut out = Vec::new();
    e.arrive(1001, "a", "default", None, &mut out);
    e.arrive(1003, "a", "default", None, &mut out);
    e.tick(1004, 0, &mut out);
    assert_eq!(out, vec![]);
    // A tick 1 ms before the beat fires it when the slack allows.
    e.tick(1004, 2, &mut out);
    assert_eq!(out, vec![fire(&[0, 1], &[0, 1], &[], Some(993), 1003)]);
    out.clear();
    // An arrival after the next beat fires the window first, then queues itself.
    let id = e.arrive(1010, "a", "default", None, &mut out);
    assert_eq!(id, EventId(2));
    assert_eq!(out, vec![fire(&[0, 1], &[], &[], Some(999), 1009)]);
    assert_eq!(e.queued(), 3);
}

#[test]
fn engine_waits_for_every_input_and_reports_late_tuples() {
    let spec = event(MS(10), MS(10), 2);
    let mut e = WindowEngine::new(&spec, [sid("a"), sid("b")], 0);
    let mut out = Vec::new();
    e.arrive(1, "a", "default", Some(5), &mut out);
    e.arrive(2, "a", "default", Some(15), &mut out);
    e.tick(10, 0, &mut out);
    assert_eq!((out.clone(), e.watermark()), (vec![], None), "stream b has not delivered");
    e.arrive(11, "b", "default", Some(14), &mut out);
    e.tick(20, 0, &mut out);
    // Watermark = min(15, 14) − 2 = 12: the window ending at 10 fires.
    assert_eq!(e.watermark(), Some(12));
    assert_eq!(out, vec![fire(&[0], &[0], &[], Some(0), 10)]);
    out.clear();
    let late = e.arrive(21, "b", "default", Some(11), &mut out);
    assert_eq!(out, vec![Decision::Late(late)]);
    out.clear();
    // At the watermark itself is not late.
    e.arrive(22, "b", "default", Some(12), &mut out);
    assert_eq!(out, vec![]);
    e.arrive(23, "b", "default", Some(30), &mut out);
    e.arrive(24, "a", "default", Some(25), &mut out);
    e.tick(30, 0, &mut out);
    assert_eq!(e.watermark(), Some(23));
    assert_eq!(out, vec![expire(&[0]), fire(&[1, 2, 4], &[1, 2, 4], &[0], Some(10), 20)]);
}
