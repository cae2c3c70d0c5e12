//! ShellBolt against real pystorm (and storm.py-style) children.

mod common;

use std::time::Duration;

use common::{Rec, Recorder, bolt_outputs, context, line, logs, pump, py, topology};
use squall_api::{Bolt, BoltCollector, Config, OutputDeclarer, Tuple, Value};
use squall_multilang::ShellBolt;
use tracing::Level;

const WITHIN: Duration = Duration::from_secs(20);

fn bolt(script: &str) -> ShellBolt {
    ShellBolt::new(py(script, &[]))
        .with_output_fields(["word", "length"])
        .with_stream("lengths", ["word"])
        .with_direct_stream("direct", ["word"])
}

fn prepared(component: &str, script: &str, config: Config) -> (ShellBolt, crossbeam_channel::Receiver<()>) {
    let (ctx, woken) = context(topology(component, bolt_outputs()), component, 5, config);
    let mut b = bolt(script);
    b.prepare(&ctx).unwrap_or_else(|e| panic!("prepare: {e}"));
    (b, woken)
}

fn v(s: &str) -> Value {
    Value::from(s)
}

#[test]
fn emits_anchored_to_the_input_and_acks_it() {
    let (mut b, woken) = prepared("upper", "anchor_bolt.py", Config::new());
    let mut rec = Recorder::new();
    b.execute(line("fig"), &mut BoltCollector::new(&mut rec));
    b.execute(line("twice"), &mut BoltCollector::new(&mut rec));
    pump(&mut b, &mut rec, &woken, WITHIN, |r| r.count(|x| matches!(x, Rec::Ack(_))) == 2);
    assert_eq!(
        rec.recs,
        vec![
            Rec::Emit {
                stream: "default".into(),
                anchors: vec![vec![v("fig")]],
                values: vec![v("FIG"), Value::I64(3)],
                direct: None,
                msg_id: None
            },
            Rec::Ack(vec![v("fig")]),
            Rec::Emit {
                stream: "default".into(),
                anchors: vec![vec![v("twice")]],
                values: vec![v("TWICE"), Value::I64(5)],
                direct: None,
                msg_id: None
            },
            Rec::Emit {
                stream: "default".into(),
                anchors: vec![vec![v("twice")]],
                values: vec![v("twice"), Value::I64(2)],
                direct: None,
                msg_id: None
            },
            Rec::Ack(vec![v("twice")]),
        ]
    );
    b.cleanup();
}

#[test]
fn tick_tuples_reach_the_child_and_are_acked() {
    logs::init();
    let (mut b, woken) = prepared("ticker", "anchor_bolt.py", Config::new());
    let mut rec = Recorder::new();
    b.execute(Tuple::tick(10), &mut BoltCollector::new(&mut rec));
    pump(&mut b, &mut rec, &woken, WITHIN, |r| !r.recs.is_empty());
    assert_eq!(rec.recs, vec![Rec::Ack(vec![Value::I64(10)])]);
    assert!(logs::of_component("ticker").iter().any(|c| c.message.ends_with(" - tick 10")));
}

#[test]
fn fails_what_the_child_fails() {
    let (mut b, woken) = prepared("judge", "fail_bolt.py", Config::new());
    let mut rec = Recorder::new();
    for w in ["good", "bad apple", "fine"] {
        b.execute(line(w), &mut BoltCollector::new(&mut rec));
    }
    pump(&mut b, &mut rec, &woken, WITHIN, |r| r.recs.len() == 3);
    assert_eq!(
        rec.recs,
        vec![Rec::Ack(vec![v("good")]), Rec::Fail(vec![v("bad apple")]), Rec::Ack(vec![v("fine")])]
    );
}

#[test]
fn named_streams_task_id_replies_and_direct_emits() {
    let (mut b, woken) = prepared("streams", "stream_bolt.py", Config::new());
    let mut rec = Recorder::new().with_tasks("lengths", &[3, 4]);
    b.execute(line("pear"), &mut BoltCollector::new(&mut rec));
    pump(&mut b, &mut rec, &woken, WITHIN, |r| r.count(|x| matches!(x, Rec::Ack(_))) == 1);
    let anchors = vec![vec![v("pear")]];
    assert_eq!(
        rec.recs,
        vec![
            Rec::Emit {
                stream: "lengths".into(),
                anchors: anchors.clone(),
                values: vec![v("pear")],
                direct: None,
                msg_id: None
            },
            Rec::Emit {
                stream: "default".into(),
                anchors: anchors.clone(),
                values: vec![v("pear"), Value::list(vec![Value::I64(3), Value::I64(4)])],
                direct: None,
                msg_id: None
            },
            Rec::Emit {
                stream: "direct".into(),
                anchors,
                values: vec![v("pear")],
                direct: Some(7),
                msg_id: None
            },
            Rec::Ack(vec![v("pear")]),
        ]
    );
}

#[test]
fn storm_py_children_get_task_ids_for_emits_without_need_task_ids() {
    let (mut b, woken) = prepared("stormpy", "stormpy_bolt.py", Config::new());
    let mut rec = Recorder::new().with_tasks("default", &[4]);
    b.execute(line("be"), &mut BoltCollector::new(&mut rec));
    b.execute(line("to"), &mut BoltCollector::new(&mut rec));
    pump(&mut b, &mut rec, &woken, WITHIN, |r| r.count(|x| matches!(x, Rec::Ack(_))) == 2);
    let expected = |w: &str| {
        vec![
            Rec::Emit {
                stream: "default".into(),
                anchors: vec![vec![v(w)]],
                values: vec![v(w)],
                direct: None,
                msg_id: None,
            },
            Rec::Emit {
                stream: "default".into(),
                anchors: vec![vec![v(w)]],
                values: vec![v(w), Value::list(vec![Value::I64(4)])],
                direct: None,
                msg_id: None,
            },
            Rec::Ack(vec![v(w)]),
        ]
    };
    assert_eq!(rec.recs, [expected("be"), expected("to")].concat());
}

#[test]
fn logs_errors_stderr_and_metrics_are_passed_on() {
    logs::init();
    let (mut b, woken) = prepared("talker", "log_bolt.py", Config::new());
    let pid = b.pid().expect("running").to_string();
    let mut rec = Recorder::new();
    b.execute(line("owl"), &mut BoltCollector::new(&mut rec));
    pump(&mut b, &mut rec, &woken, WITHIN, |r| r.count(|x| matches!(x, Rec::Ack(_))) == 1);
    assert_eq!(
        rec.recs,
        vec![Rec::Error("Shell Process Exception: reported owl".into()), Rec::Ack(vec![v("owl")])]
    );
    b.cleanup(); // the stderr line is surely logged once the child is gone
    let captured = logs::of_component("talker");
    let shell: Vec<_> = captured.iter().filter(|c| c.target == "squall_multilang::shell_log").collect();
    let at = |level: Level, msg: &str| shell.iter().any(|c| c.level == level && c.message == msg);
    assert!(at(Level::TRACE, "trace says owl"), "{shell:#?}");
    assert!(at(Level::DEBUG, "debug says owl"));
    assert!(at(Level::INFO, "info says owl"));
    assert!(at(Level::WARN, "warn says owl"));
    assert!(at(Level::ERROR, "error says owl"));
    assert!(shell.iter().any(|c| c.level == Level::WARN && c.message.ends_with("logger warns about owl")));
    assert!(shell.iter().all(|c| c.field("task") == Some("5") && c.field("pid") == Some(pid.as_str())));
    let metric = shell.iter().find(|c| c.field("metric").is_some()).expect("metric logged");
    assert_eq!(
        (metric.level, metric.field("metric"), metric.field("params")),
        (Level::DEBUG, Some("words"), Some(r#"{"count":1}"#))
    );
    assert!(
        captured.iter().any(|c| c.target == "squall_multilang::stderr"
            && c.level == Level::INFO
            && c.message == "stderr says owl"),
        "{captured:#?}"
    );
}

#[test]
fn heartbeats_arrive_about_once_a_second_and_answers_keep_the_child_alive() {
    logs::init();
    let (ctx, woken) = context(topology("beats", bolt_outputs()), "beats", 5, common::config_with_timeout(2));
    let mut b = ShellBolt::new(py("broken_bolt.py", &["heartbeats"])).with_output_fields(["word", "length"]);
    b.prepare(&ctx).unwrap();
    let mut rec = Recorder::new();
    let beats = || logs::of_component("beats").iter().filter(|c| c.message == "heartbeat").count();
    // Three heartbeats take about three seconds: longer than the two-second timeout, so the
    // child's sync answers are what keeps it alive.
    let deadline = std::time::Instant::now() + WITHIN;
    while beats() < 3 {
        assert!(std::time::Instant::now() < deadline, "only {} heartbeats", beats());
        if woken.recv_timeout(Duration::from_millis(200)).is_ok() {
            b.wake(&mut BoltCollector::new(&mut rec));
        }
    }
    assert_eq!(rec.fatal(), None, "{:?}", rec.recs);
    b.execute(line("still here"), &mut BoltCollector::new(&mut rec));
    pump(&mut b, &mut rec, &woken, WITHIN, |r| !r.recs.is_empty());
    assert_eq!(rec.recs, vec![Rec::Ack(vec![v("still here")])]);
}

#[test]
fn execute_blocks_at_max_pending_and_applies_answers_meanwhile() {
    let mut config = Config::new();
    config.set("topology.shellbolt.max.pending", 1);
    let (ctx, woken) = context(topology("slow", bolt_outputs()), "slow", 5, config);
    let mut b = ShellBolt::new(py("broken_bolt.py", &["slow_reader"])).with_output_fields(["word", "length"]);
    b.prepare(&ctx).unwrap();
    let mut rec = Recorder::new();
    // Big tuples fill the pipe: the first blocks the writer, the second fills the queue, the
    // third waits in execute until the child reads, a second after it reported an error.
    let big = |i: usize| line(&format!("{i}{}", "x".repeat(200_000)));
    for i in 0..3 {
        b.execute(big(i), &mut BoltCollector::new(&mut rec));
    }
    assert!(
        rec.recs.contains(&Rec::Error("Shell Process Exception: before reading".into())),
        "execute applied the child's output while it waited: {:?}",
        rec.recs
    );
    pump(&mut b, &mut rec, &woken, WITHIN, |r| r.count(|x| matches!(x, Rec::Ack(_))) == 3);
    assert_eq!(rec.fatal(), None);
}

#[test]
fn cleanup_ends_and_reaps_the_child() {
    let (mut b, _woken) = prepared("ender", "anchor_bolt.py", Config::new());
    let pid = b.pid().expect("running");
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
    b.cleanup();
    assert_eq!(b.pid(), None);
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists(), "child {pid} still exists");
    // A cleaned-up bolt ignores further calls.
    let mut rec = Recorder::new();
    b.execute(line("late"), &mut BoltCollector::new(&mut rec));
    b.wake(&mut BoltCollector::new(&mut rec));
    assert!(rec.recs.is_empty());
}

#[test]
fn clones_are_fresh_instances_with_the_same_declaration() {
    let b = bolt("anchor_bolt.py").with_component_config("topology.tick.tuple.freq.secs", 10);
    let mut d = OutputDeclarer::new();
    b.clone().declare_outputs(&mut d);
    let streams: Vec<_> =
        d.streams().iter().map(|s| (s.id.to_string(), s.fields.to_string(), s.direct)).collect();
    assert_eq!(
        streams,
        vec![
            ("default".into(), "[word, length]".into(), false),
            ("lengths".into(), "[word]".into(), false),
            ("direct".into(), "[word]".into(), true)
        ]
    );
    assert_eq!(b.clone().component_config().tick_tuple_freq_secs(), Some(10));
    assert_eq!(b.clone().pid(), None);
    assert_eq!(b.command()[1], "anchor_bolt.py");
}
