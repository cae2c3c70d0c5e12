//! ShellSpout against a real pystorm spout and a storm.py-style one.

mod common;

use common::{Rec, Recorder, context, logs, py, topology};
use squall_api::{Config, Spout, SpoutCollector, Value};
use squall_multilang::ShellSpout;

fn spout(argv: Vec<String>) -> ShellSpout {
    ShellSpout::new(argv).with_output_fields(["line"])
}

fn opened(component: &str, argv: Vec<String>) -> ShellSpout {
    let (ctx, _woken) = context(topology("upper", common::bolt_outputs()), component, 2, Config::new());
    let mut s = spout(argv);
    s.open(&ctx).unwrap_or_else(|e| panic!("open: {e}"));
    s
}

fn emit(values: &str, id: &str) -> Rec {
    Rec::Emit {
        stream: "default".into(),
        anchors: vec![],
        values: vec![Value::from(values)],
        direct: None,
        msg_id: Some(Value::from(id)),
    }
}

fn messages(component: &str) -> Vec<String> {
    logs::of_component(component)
        .into_iter()
        .filter(|c| c.target == "squall_multilang::shell_log")
        .map(|c| c.message)
        .collect()
}

#[test]
fn pystorm_spout_emits_on_next_and_replays_on_fail() {
    logs::init();
    let mut s = opened("words", common::py("words_spout.py", &[]));
    let mut rec = Recorder::new();
    s.activate();
    for _ in 0..4 {
        s.next_tuple(&mut SpoutCollector::new(&mut rec));
    }
    assert_eq!(rec.recs, vec![emit("apple", "1"), emit("pear", "2"), emit("fig", "3")]);
    s.ack(Value::from("1"));
    s.fail(Value::from("2"));
    // The replay was emitted by the child while answering "fail"; it goes out with the next call.
    s.next_tuple(&mut SpoutCollector::new(&mut rec));
    assert_eq!(rec.recs[3..], [emit("pear", "2")]);
    s.deactivate();
    let pid = s.pid().expect("running");
    s.close();
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    let logged = messages("words");
    let suffixes = ["activated", "acked 1", "failed 2", "deactivated"];
    let found: Vec<&str> =
        suffixes.iter().copied().filter(|s| logged.iter().any(|m| m.ends_with(&format!(" - {s}")))).collect();
    assert_eq!(found, suffixes, "{logged:#?}");
}

#[test]
fn storm_py_style_spout_gets_task_ids_even_for_emits_made_in_fail() {
    logs::init();
    let mut s = opened("stormpy-spout", py("raw_spout.py", &["stormpy"]));
    let mut rec = Recorder::new().with_tasks("default", &[5, 6]);
    s.activate();
    s.next_tuple(&mut SpoutCollector::new(&mut rec));
    assert_eq!(rec.recs, vec![emit("n1", "n1")]);
    // The child emits a replay while answering "fail" and then waits for its task ids, which only
    // a collector can give: the answer completes in the next next_tuple, and the ack queued
    // meanwhile is sent after it.
    s.fail(Value::from("n1"));
    s.ack(Value::from("n1"));
    assert_eq!(rec.recs.len(), 1);
    s.next_tuple(&mut SpoutCollector::new(&mut rec));
    assert_eq!(rec.recs, vec![emit("n1", "n1"), emit("replay n1", "n1"), emit("n2", "n2")]);
    assert_eq!(rec.fatal(), None);
    let logged = messages("stormpy-spout");
    assert_eq!(logged, vec!["task ids [5, 6] for n1", "task ids [5, 6] for n1", "task ids [5, 6] for n2"]);
}
