//! The `Windowed` adapter through `squall_api::Bolt`, with a hand-made context, a simulated clock and
//! a recording collector: exact windows, acks, anchors and late tuples.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use squall_api::config::{SQUALL_TICK_TUPLE_FREQ_MILLIS, TOPOLOGY_BOLTS_LATE_TUPLE_STREAM};
use squall_api::{Bolt, BoltCollector, Config, OutputDeclarer, Value, values};
use squall_window::{Length, Window, WindowCollector, WindowOptions, WindowedBolt, windowed};

#[test]
fn count_window_acks_inputs_when_they_expire_and_anchors_emits_to_the_window() {
    let mut h = Harness::new(Summer::default(), WindowOptions::sliding(Length::count(3), Length::count(2)));
    h.at(100).send(0, 0);
    assert_eq!(h.take(), vec![]);
    h.at(101).send(1, 0);
    assert_eq!(h.take(), vec![sum_emit(1, &[0, 1])]);
    h.at(102).send(2, 0).at(103).send(3, 0);
    assert_eq!(h.take(), vec![Out::Ack(0), sum_emit(6, &[1, 2, 3])]);
    assert_eq!(
        h.windows(),
        &[seen(&[0, 1], &[0, 1], &[], None, 101), seen(&[1, 2, 3], &[2, 3], &[0], None, 103)]
    );
    assert_eq!(h.bolt.held_tuples(), 3);
    h.bolt.cleanup();
    assert_eq!(h.bolt.held_tuples(), 0);
}

#[test]
fn processing_time_tumbling_window_fires_from_ticks_and_arrivals() {
    let mut h = Harness::try_new(
        Summer::default(),
        WindowOptions::tumbling(Duration::from_secs(1)),
        &Config::new(),
        &[SPOUT],
        1000,
    )
    .unwrap();
    h.at(1100).send(0, 0).at(1500).send(1, 0).at(1999).send(2, 0);
    assert_eq!(h.take(), vec![]);
    h.at(2000).tick();
    assert_eq!(h.take(), vec![sum_emit(3, &[0, 1, 2])]);
    // Arrived in the firing's own millisecond (after the reference time): next window.
    h.at(2000).send(3, 0);
    // A tick 10 ms before the beat fires it (ticks come every 1000 ms, slack 500); the window
    // is shortened by those 10 ms so that windows still partition time.
    h.at(2990).tick();
    assert_eq!(h.take(), vec![Out::Ack(0), Out::Ack(1), Out::Ack(2), sum_emit(3, &[3])]);
    h.at(4000).tick();
    assert_eq!(h.take(), vec![Out::Ack(3)], "tuple 3 expired; the empty window is not evaluated");
    // The beat at 5000 is overdue when tuple 4 arrives: the (empty) firing happens first.
    h.at(5001).send(4, 0).at(6000).tick();
    assert_eq!(h.take(), vec![sum_emit(4, &[4])]);
    assert_eq!(
        h.windows(),
        &[
            seen(&[0, 1, 2], &[0, 1, 2], &[], Some(999), 1999),
            seen(&[3], &[3], &[0, 1, 2], Some(1989), 2989),
            seen(&[4], &[4], &[3], Some(4999), 5999),
        ]
    );
}

#[test]
fn event_time_windows_follow_the_watermark_and_late_tuples_go_to_the_late_stream() {
    let options = WindowOptions::sliding(Length::millis(100), Length::millis(50))
        .with_timestamp_field("ts")
        .with_lag(Duration::from_millis(20))
        .with_watermark_interval(Duration::from_millis(10))
        .with_late_tuple_stream("late");
    let mut h = Harness::try_new(Summer::default(), options, &Config::new(), &[SPOUT], 0).unwrap();
    h.at(1).send(0, 1010).send(1, 1030).send(2, 1060);
    h.at(10).tick();
    // Watermark 1060 − 20 = 1040; the first window ends at 1050.
    assert_eq!(h.take(), vec![]);
    h.at(11).send(3, 1020);
    assert_eq!(
        h.take(),
        vec![
            Out::Emit {
                stream: "late".into(),
                anchors: vec![3],
                values: vec![Value::list(vec![Value::I64(3), Value::I64(1020)])],
            },
            Out::Ack(3),
        ],
        "1020 < watermark 1040: late, emitted anchored to itself, acked"
    );
    h.at(12).send(4, 1045).at(13).send(5, 1120);
    h.at(20).tick();
    // Watermark 1100: windows ending at 1050 and 1100. ts 1060 waits within the lag at 1050.
    assert_eq!(h.take(), vec![sum_emit(5, &[0, 1, 4]), sum_emit(7, &[0, 1, 2, 4])]);
    h.at(30).tick();
    assert_eq!(h.take(), vec![], "no new watermark");
    h.at(31).send(6, 1300).at(40).tick();
    // Watermark 1280: windows ending at 1150 and 1200; 1250 is empty (everything expired).
    assert_eq!(
        h.take(),
        vec![
            Out::Ack(0),
            Out::Ack(1),
            Out::Ack(4),
            sum_emit(7, &[2, 5]),
            Out::Ack(2),
            sum_emit(5, &[5]),
            Out::Ack(5),
        ]
    );
    assert_eq!(
        h.windows(),
        &[
            seen(&[0, 1, 4], &[0, 1, 4], &[], Some(950), 1050),
            seen(&[0, 1, 2, 4], &[2], &[], Some(1000), 1100),
            seen(&[2, 5], &[5], &[0, 1, 4], Some(1050), 1150),
            seen(&[5], &[], &[2], Some(1100), 1200),
        ]
    );
    assert_eq!(h.bolt.held_tuples(), 2, "tuple 6 is queued, tuple 5 awaits its report as expired");
}

#[test]
fn the_watermark_waits_for_every_input_stream() {
    let options = WindowOptions::tumbling(Length::millis(10))
        .with_timestamp_field("ts")
        .with_watermark_interval(Duration::from_millis(5));
    let mut h = Harness::try_new(Summer::default(), options, &Config::new(), &["a", "b"], 0).unwrap();
    h.at(1).send_from("a", 0, 3).send_from("a", 1, 25);
    h.at(5).tick().at(10).tick();
    assert_eq!(h.take(), vec![], "stream b has not delivered");
    h.at(11).send_from("b", 2, 12).at(15).tick();
    // min(25, 12) = 12: the window ending at 10 holds tuple 0 only.
    assert_eq!(h.take(), vec![sum_emit(0, &[0])]);
}

#[test]
fn event_time_count_windows_fire_at_watermarks_not_arrivals() {
    let options = WindowOptions::tumbling(Length::count(2))
        .with_timestamp_field("ts")
        .with_watermark_interval(Duration::from_millis(10));
    let mut h = Harness::try_new(Summer::default(), options, &Config::new(), &[SPOUT], 0).unwrap();
    h.at(1).send(1, 100).send(2, 101).send(3, 102).send(4, 103).send(5, 104);
    assert_eq!(h.take(), vec![]);
    h.at(10).tick();
    assert_eq!(h.take(), vec![sum_emit(3, &[1, 2]), Out::Ack(1), Out::Ack(2), sum_emit(7, &[3, 4])]);
    assert_eq!(h.windows()[1], seen(&[3, 4], &[3, 4], &[1, 2], None, 103));
}

#[test]
fn a_tuple_without_its_timestamp_stops_the_executor() {
    let options = WindowOptions::tumbling(Length::count(2)).with_timestamp_field("when");
    let mut h = Harness::try_new(Summer::default(), options, &Config::new(), &[SPOUT], 0).unwrap();
    h.send(0, 5);
    assert_eq!(
        h.take(),
        vec![Out::Fatal(
            "windowed bolt 'win': tuple from stream 'spout:default' has no usable timestamp: no field 'when' (its fields: [n, ts])"
                .into()
        )]
    );
    assert_eq!(h.bolt.held_tuples(), 0);
}

#[test]
fn ticks_drive_timers_and_never_reach_the_bolt() {
    let mut h = Harness::new(Summer::default(), WindowOptions::tumbling(Length::count(2)));
    h.send(0, 0).tick().tick().send(1, 0).tick();
    assert_eq!(h.take(), vec![sum_emit(1, &[0, 1])]);
    assert_eq!(h.windows(), &[seen(&[0, 1], &[0, 1], &[], None, 0)]);
}

fn prepare_error(options: WindowOptions, topology: &Config) -> String {
    match Harness::try_new(Summer::default(), options, topology, &[SPOUT], 0) {
        Ok(_) => panic!("prepare should fail"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn prepare_reports_bad_windows_with_the_component_and_the_numbers() {
    assert_eq!(
        prepare_error(WindowOptions::sliding(Length::secs(30), Length::secs(10)), &Config::new()),
        "windowed bolt 'win': window duration (length + sliding interval) 40000 ms is more than topology.message.timeout.secs (30 s = 30000 ms)"
    );
    let mut pending = Config::new();
    pending.set_max_spout_pending(10);
    assert_eq!(
        prepare_error(WindowOptions::tumbling(Length::count(6)), &pending),
        "windowed bolt 'win': window count (length + sliding interval) 12 is more than topology.max.spout.pending (10)"
    );
    assert_eq!(
        prepare_error(
            WindowOptions::tumbling(Length::count(6)).with_late_tuple_stream("late"),
            &Config::new()
        ),
        "windowed bolt 'win': late tuple stream 'late' can be defined only when specifying a timestamp field or extractor"
    );
    let mut late = Config::new();
    late.set(TOPOLOGY_BOLTS_LATE_TUPLE_STREAM, "late");
    assert_eq!(
        prepare_error(WindowOptions::tumbling(Length::count(6)).with_timestamp_field("ts"), &late),
        "windowed bolt 'win': late tuple stream 'late' is not declared with the single field 'late_tuple'; set it with WindowOptions::with_late_tuple_stream, which declares it"
    );
    assert_eq!(
        prepare_error(WindowOptions::default(), &Config::new()),
        "windowed bolt 'win': window length is not specified (set a count or a duration length)"
    );
}

#[test]
fn prepare_refuses_a_time_window_without_ticks() {
    let mut bolt = windowed(Summer::default(), WindowOptions::sliding(Length::count(5), Length::millis(100)));
    let ctx = context(vec![], &[SPOUT], Config::new(), Arc::new(TestClock::default()));
    let err = bolt.prepare(&ctx).unwrap_err().to_string();
    assert_eq!(
        err,
        "windowed bolt 'win': this window needs tick tuples every 100 ms (squall.tick.tuple.freq.millis) to fire on time, but none are configured"
    );
    // Before prepare, tuples are refused loudly rather than dropped.
    let mut rec = Recorder::default();
    bolt.execute(tuple(SPOUT, 1, 1), &mut BoltCollector::new(&mut rec));
    assert_eq!(rec.out, vec![Out::Fatal("windowed bolt executed before it was prepared".into())]);
}

#[test]
fn component_config_carries_the_window_keys_and_a_fine_enough_tick() {
    struct WithOwnTicks;
    impl WindowedBolt for WithOwnTicks {
        fn declare_outputs(&self, _: &mut OutputDeclarer) {}
        fn execute(&mut self, _: &Window<'_>, _: &mut WindowCollector<'_, '_>) {}
        fn component_config(&self) -> Config {
            let mut c = Config::new();
            c.set_tick_period_millis(3000).set("my.key", 1);
            c
        }
    }
    let config = windowed(Summer::default(), WindowOptions::sliding(Length::count(100), Length::secs(5)))
        .component_config();
    let pairs: Vec<(&str, String)> = config.iter().map(|(k, v)| (k, v.to_string())).collect();
    assert_eq!(
        pairs,
        vec![
            (SQUALL_TICK_TUPLE_FREQ_MILLIS, "5000".to_owned()),
            ("topology.bolts.window.length.count", "100".to_owned()),
            ("topology.bolts.window.sliding.interval.duration.ms", "5000".to_owned()),
        ]
    );
    let config = windowed(WithOwnTicks, WindowOptions::sliding(Length::count(100), Length::secs(5)))
        .component_config();
    assert_eq!(config.tick_period_millis(), Some(1000), "gcd of the bolt's 3 s and the slide's 5 s");
    assert_eq!(config.get_i64("my.key"), Some(1));
    let config = windowed(Summer::default(), WindowOptions::tumbling(Length::count(10))).component_config();
    assert_eq!(config.tick_period_millis(), None, "count windows need no ticks");
}

#[test]
fn the_late_stream_is_declared_before_the_bolts_own_streams() {
    let bolt = windowed(
        Summer::default(),
        WindowOptions::tumbling(Length::secs(1)).with_timestamp_field("ts").with_late_tuple_stream("late"),
    );
    let mut d = OutputDeclarer::new();
    bolt.declare_outputs(&mut d);
    let streams: Vec<String> = d.streams().iter().map(|s| format!("{}{}", s.id, s.fields)).collect();
    assert_eq!(streams, vec!["late[late_tuple]", "default[sum]"]);
}

/// Emits with explicit anchors, to a side stream.
struct Anchoring;

impl WindowedBolt for Anchoring {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["x"]).declare_stream("side", ["x"]);
    }
    fn execute(&mut self, window: &Window<'_>, out: &mut WindowCollector<'_, '_>) {
        let first = window.tuples()[0];
        out.emit_anchored(&[first], values![1]);
        out.emit_to_anchored("side", &[], values![2]);
        out.emit_to("side", values![3]);
        out.reset_timeout(first);
        assert_eq!(out.anchors().len(), window.len());
    }
}

#[test]
fn explicit_anchors_override_the_window() {
    let mut h = Harness::new(Anchoring, WindowOptions::tumbling(Length::count(2)));
    h.send(7, 0).send(8, 0);
    let emit = |stream: &str, anchors: &[i64], x: i64| Out::Emit {
        stream: stream.into(),
        anchors: anchors.to_vec(),
        values: vec![Value::I64(x)],
    };
    assert_eq!(
        h.take(),
        vec![emit("default", &[7], 1), emit("side", &[], 2), emit("side", &[7, 8], 3), Out::Reset(7)]
    );
}

#[test]
fn a_timestamp_extractor_reads_event_time_and_bad_values_are_named() {
    // Timestamps in seconds, converted to milliseconds; negative ones are refused.
    let options = WindowOptions::tumbling(Length::secs(10))
        .with_timestamp_extractor(|t| t.get_i64(1).filter(|s| *s >= 0).map(|s| s * 1000))
        .with_watermark_interval(Duration::from_millis(100));
    let mut h = Harness::try_new(Summer::default(), options, &Config::new(), &[SPOUT], 0).unwrap();
    h.send(1, 3).send(2, 9).send(3, 12).at(100).tick();
    assert_eq!(h.take(), vec![sum_emit(3, &[1, 2])]);
    assert_eq!(h.windows(), &[seen(&[1, 2], &[1, 2], &[], Some(0), 10_000)]);
    h.send(4, -1);
    assert_eq!(
        h.take(),
        vec![Out::Fatal(
            "windowed bolt 'win': tuple from stream 'spout:default' has no usable timestamp: the timestamp extractor found none"
                .into()
        )]
    );

    let options = WindowOptions::tumbling(Length::secs(10)).with_timestamp_field("ts");
    let mut h = Harness::try_new(Summer::default(), options, &Config::new(), &[SPOUT], 0).unwrap();
    let text =
        squall_api::Tuple::new(schema(SPOUT), squall_api::TaskId(1), values![5, "soon"], Default::default());
    h.bolt.execute(text, &mut BoltCollector::new(&mut h.rec));
    assert_eq!(
        h.take(),
        vec![Out::Fatal(
            "windowed bolt 'win': tuple from stream 'spout:default' has no usable timestamp: field 'ts' holds string (soon), not an integer of milliseconds"
                .into()
        )]
    );
}
