//! Strategies and comparisons shared by the integration tests.

#![allow(dead_code)]

use std::collections::BTreeMap;

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;
use smol_str::SmolStr;
use squall_api::{TaskId, Value, Values};
use squall_wire::{Anchors, Frame, Hello, Limits, WireMessage, WireTuple, encode_frame};

/// Bit-exact equality: floats by their bits (NaN payloads, −0.0), everything else structurally.
pub fn value_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::F64(x), Value::F64(y)) => x.to_bits() == y.to_bits(),
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| value_eq(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter().zip(y.iter()).all(|((ka, va), (kb, vb))| ka == kb && value_eq(va, vb))
        }
        _ => a == b,
    }
}

/// Bit-exact equality of messages.
pub fn message_eq(a: &WireMessage, b: &WireMessage) -> bool {
    match (a, b) {
        (WireMessage::Tuple(x), WireMessage::Tuple(y)) => {
            x.target_task == y.target_task
                && x.stream == y.stream
                && x.source_task == y.source_task
                && x.anchors == y.anchors
                && x.values.len() == y.values.len()
                && x.values.iter().zip(y.values.iter()).all(|(a, b)| value_eq(a, b))
        }
        (WireMessage::Load { worker: wa, loads: la }, WireMessage::Load { worker: wb, loads: lb }) => {
            wa == wb
                && la.len() == lb.len()
                && la.iter().zip(lb).all(|((ta, fa), (tb, fb))| ta == tb && fa.to_bits() == fb.to_bits())
        }
        _ => a == b,
    }
}

/// Bit-exact equality of frames.
pub fn frame_eq(a: &Frame, b: &Frame) -> bool {
    match (a, b) {
        (Frame::Batch(x), Frame::Batch(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| message_eq(a, b))
        }
        _ => a == b,
    }
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        Just(-0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        any::<f64>(),
    ]
}

fn any_str() -> impl Strategy<Value = SmolStr> {
    prop_oneof![".{0,8}", ".{20,30}", ".{0,300}"].prop_map(|s: String| SmolStr::from(s))
}

/// Any value, nested up to a few levels.
pub fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::I64),
        any_f64().prop_map(Value::F64),
        any_str().prop_map(Value::Str),
        proptest::collection::vec(any::<u8>(), 0..200).prop_map(|b| Value::from(Bytes::from(b))),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
            proptest::collection::btree_map(any_str(), inner, 0..8)
                .prop_map(|m: BTreeMap<SmolStr, Value>| Value::from(m)),
        ]
    })
}

fn any_task() -> impl Strategy<Value = TaskId> {
    prop_oneof![(-1..200i32), any::<i32>()].prop_map(TaskId)
}

/// Any tuple message.
pub fn any_tuple() -> impl Strategy<Value = WireTuple> {
    (
        any_task(),
        prop_oneof![0..10u32, any::<u32>()],
        any_task(),
        proptest::collection::vec(any::<(u64, u64)>(), 0..4),
        proptest::collection::vec(any_value(), 0..5),
    )
        .prop_map(|(target_task, stream, source_task, anchors, values)| WireTuple {
            target_task,
            stream,
            source_task,
            anchors: Anchors::from_vec(anchors),
            values: Values::from(values),
        })
}

/// Any message.
pub fn any_message() -> impl Strategy<Value = WireMessage> {
    let tasks = || proptest::collection::vec(any_task(), 0..6);
    prop_oneof![
        4 => any_tuple().prop_map(WireMessage::Tuple),
        1 => (any_task(), any::<u64>(), any::<u64>(), any_task())
            .prop_map(|(acker_task, root, value, spout_task)| WireMessage::AckInit { acker_task, root, value, spout_task }),
        1 => (any_task(), any::<u64>(), any::<u64>())
            .prop_map(|(acker_task, root, value)| WireMessage::Ack { acker_task, root, value }),
        1 => (any_task(), any::<u64>()).prop_map(|(acker_task, root)| WireMessage::Fail { acker_task, root }),
        1 => (any_task(), any::<u64>()).prop_map(|(acker_task, root)| WireMessage::ResetTimeout { acker_task, root }),
        1 => (any_task(), any::<u64>(), any::<u64>())
            .prop_map(|(spout_task, root, complete_latency_ms)| WireMessage::Acked { spout_task, root, complete_latency_ms }),
        1 => (any_task(), any::<u64>()).prop_map(|(spout_task, root)| WireMessage::Failed { spout_task, root }),
        1 => (any_task(), any::<u64>()).prop_map(|(spout_task, root)| WireMessage::TimeoutReset { spout_task, root }),
        1 => (any_str(), tasks(), tasks())
            .prop_map(|(worker, congested, uncongested)| WireMessage::Backpressure { worker, congested, uncongested }),
        1 => (any_str(), proptest::collection::vec((any_task(), any::<u32>().prop_map(f32::from_bits)), 0..6))
            .prop_map(|(worker, loads)| WireMessage::Load { worker, loads }),
        1 => Just(WireMessage::Heartbeat),
    ]
}

/// Any hello.
pub fn any_hello() -> impl Strategy<Value = Hello> {
    (any_str(), any_str(), any::<u64>()).prop_map(|(t, w, f)| Hello::new(t, w, f))
}

/// Any batch of messages.
pub fn any_batch() -> impl Strategy<Value = Vec<WireMessage>> {
    proptest::collection::vec(any_message(), 0..24)
}

/// Encodes frames back to back.
pub fn encode_all(frames: &[Frame]) -> BytesMut {
    let mut buf = BytesMut::new();
    for f in frames {
        encode_frame(&mut buf, f, &Limits::default()).expect("generated frames fit the default limits");
    }
    buf
}
