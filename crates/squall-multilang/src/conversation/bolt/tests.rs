use std::collections::BTreeSet;

use proptest::prelude::*;
use squall_api::{Fields, StreamDeclaration, StreamId, values};

use super::*;
use crate::message::Emit;

fn table() -> StreamTable {
    let decl =
        |id: &str, direct| StreamDeclaration { id: StreamId::new(id), fields: Fields::from(["w"]), direct };
    StreamTable::new(&[decl("default", false), decl("lengths", false), decl("direct", true)])
}

fn emit(anchors: &[&str], stream: Option<&str>, task: Option<i64>, need: bool) -> ChildMessage {
    ChildMessage::Emit(Emit {
        tuple: values!["x"],
        stream: stream.map(str::to_owned),
        anchors: anchors.iter().map(|a| (*a).to_owned()).collect(),
        id: None,
        task,
        need_task_ids: need,
    })
}

#[test]
fn acks_and_fails_release_pending_inputs_once() {
    let mut c = BoltConversation::new(table(), 1);
    let a = c.register("a").0;
    let b = c.register("b").0;
    assert_ne!(a, b);
    assert!(a.parse::<i64>().is_ok(), "ids are decimal 64-bit integers: {a}");
    assert_eq!(c.pending_len(), 2);
    assert_eq!(c.step(ChildMessage::Ack { id: Value::from(a.as_str()) }), Ok(BoltStep::Ack("a")));
    assert_eq!(
        c.step(ChildMessage::Ack { id: Value::from(a.as_str()) }),
        Err(ProtocolError::UnknownAck { id: a.clone() })
    );
    assert_eq!(c.step(ChildMessage::Fail { id: Value::from(b.as_str()) }), Ok(BoltStep::Fail("b")));
    assert_eq!(
        c.step(ChildMessage::Fail { id: Value::I64(12) }).unwrap_err().to_string(),
        "Failed a non-existent or already acked/failed id: 12"
    );
    assert_eq!(c.pending_len(), 0);
}

#[test]
fn emits_are_checked_and_know_whether_to_answer() {
    let mut c = BoltConversation::new(table(), 2);
    let a = c.register("a").0;
    let Ok(BoltStep::Emit(e)) = c.step(emit(&[&a], None, None, true)) else { panic!("emit") };
    assert_eq!((e.stream.as_str(), e.reply_task_ids, e.direct_task), ("default", true, None));
    assert_eq!(c.anchors(&e), vec![&"a"]);
    let Ok(BoltStep::Emit(e)) = c.step(emit(&[], Some("lengths"), None, false)) else { panic!("emit") };
    assert!(!e.reply_task_ids);
    // Emit-direct never gets a reply.
    let Ok(BoltStep::Emit(e)) = c.step(emit(&[], Some("direct"), Some(7), true)) else { panic!("emit") };
    assert_eq!((e.direct_task, e.reply_task_ids), (Some(TaskId(7)), false));
    assert_eq!(
        c.step(emit(&["-5"], None, None, true)).unwrap_err().to_string(),
        "Anchored onto -5 after ack/fail"
    );
    assert!(matches!(c.step(emit(&[], Some("x"), None, true)), Err(ProtocolError::UnknownStream { .. })));
}

#[test]
fn other_messages_pass_through_and_heartbeat_ids_are_never_pending() {
    let mut c: BoltConversation<&str> = BoltConversation::new(table(), 3);
    let hb = c.fresh_id();
    assert_eq!(c.step(ChildMessage::Sync), Ok(BoltStep::Sync));
    assert!(matches!(
        c.step(ChildMessage::Ack { id: Value::from(hb.as_str()) }),
        Err(ProtocolError::UnknownAck { .. })
    ));
    assert_eq!(c.step(ChildMessage::Other { command: "x".into() }), Ok(BoltStep::Ignored("x".into())));
    assert_eq!(c.step(ChildMessage::Error { msg: "m".into() }), Ok(BoltStep::ReportError("m".into())));
    assert_eq!(c.step(ChildMessage::Pid(5)), Err(ProtocolError::UnexpectedPid { pid: 5 }));
}

#[derive(Clone, Debug)]
enum Op {
    Deliver,
    Ack(usize),
    Fail(usize),
    Emit(Vec<usize>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Deliver),
        (0..12usize).prop_map(Op::Ack),
        (0..12usize).prop_map(Op::Fail),
        proptest::collection::vec(0..12usize, 0..3).prop_map(Op::Emit),
    ]
}

proptest! {
    /// Against a model (the set of delivered, unanswered inputs): every ack, fail and anchor is
    /// accepted exactly when the model holds its input, and acked inputs come back unchanged.
    #[test]
    fn agrees_with_a_set_of_pending_inputs(ops in proptest::collection::vec(op(), 0..60), seed: u64) {
        let mut c = BoltConversation::new(table(), seed);
        let mut ids: Vec<String> = Vec::new();
        let mut model: BTreeSet<usize> = BTreeSet::new();
        for op in ops {
            match op {
                Op::Deliver => {
                    let n = ids.len();
                    ids.push(c.register(n).0);
                    model.insert(n);
                }
                Op::Ack(i) | Op::Fail(i) if i < ids.len() => {
                    let id = Value::from(ids[i].as_str());
                    let is_ack = matches!(op, Op::Ack(_));
                    let msg = if is_ack { ChildMessage::Ack { id } } else { ChildMessage::Fail { id } };
                    match c.step(msg) {
                        Ok(BoltStep::Ack(n)) | Ok(BoltStep::Fail(n)) => {
                            prop_assert_eq!(n, i);
                            prop_assert!(model.remove(&i));
                        }
                        Err(_) => prop_assert!(!model.contains(&i)),
                        Ok(other) => prop_assert!(false, "unexpected {:?}", other),
                    }
                }
                Op::Ack(_) | Op::Fail(_) => {}
                Op::Emit(anchors) => {
                    let names: Vec<&str> =
                        anchors.iter().filter(|i| **i < ids.len()).map(|i| ids[*i].as_str()).collect();
                    let ok = anchors.iter().filter(|i| **i < ids.len()).all(|i| model.contains(i));
                    match c.step(emit(&names, None, None, false)) {
                        Ok(BoltStep::Emit(e)) => {
                            prop_assert!(ok);
                            prop_assert_eq!(c.anchors(&e).len(), names.len());
                        }
                        Err(ProtocolError::UnknownAnchor { .. }) => prop_assert!(!ok),
                        other => prop_assert!(false, "unexpected {:?}", other),
                    }
                }
            }
            prop_assert_eq!(c.pending_len(), model.len());
        }
    }
}
