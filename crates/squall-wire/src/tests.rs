//! Unit tests across modules: each message's bytes and round trip, frames, the batch writer, the
//! codec's connection rules.

use std::collections::BTreeMap;

use bytes::BytesMut;
use smallvec::smallvec;
use smol_str::SmolStr;
use squall_api::{MessageId, TaskId, Value, values};

use crate::*;

fn batch_bytes(messages: &[WireMessage]) -> BytesMut {
    let mut buf = BytesMut::new();
    encode_batch(&mut buf, messages, &Limits::default()).unwrap();
    buf
}

fn round_trip(messages: Vec<WireMessage>) {
    let mut buf = batch_bytes(&messages);
    let frame = decode_frame(&mut buf, &Limits::default()).unwrap().unwrap();
    assert_eq!(frame, Frame::Batch(messages));
    assert!(buf.is_empty());
}

fn every_message() -> Vec<WireMessage> {
    let t = |i| TaskId(i);
    vec![
        WireMessage::Tuple(WireTuple {
            target_task: t(3),
            stream: 7,
            source_task: t(-1),
            anchors: smallvec![(1, 2), (u64::MAX, 0)],
            values: values!["w", -5, 2.5, true, Value::Null, vec![1u8, 2]],
        }),
        WireMessage::AckInit { acker_task: t(9), root: 0xdead_beef, value: u64::MAX, spout_task: t(1) },
        WireMessage::Ack { acker_task: t(9), root: 1, value: 2 },
        WireMessage::Fail { acker_task: t(i32::MAX), root: 3 },
        WireMessage::ResetTimeout { acker_task: t(i32::MIN), root: 4 },
        WireMessage::Acked { spout_task: t(1), root: 5, complete_latency_ms: 1234 },
        WireMessage::Failed { spout_task: t(1), root: 6 },
        WireMessage::TimeoutReset { spout_task: t(1), root: 7 },
        WireMessage::Backpressure {
            worker: SmolStr::new("worker-6701"),
            congested: vec![t(4), t(5)],
            uncongested: vec![t(6)],
        },
        WireMessage::Load { worker: SmolStr::new("w"), loads: vec![(t(4), 0.25), (t(5), 1.0)] },
        WireMessage::Heartbeat,
    ]
}

#[test]
fn each_message_round_trips_alone_and_together() {
    for m in every_message() {
        round_trip(vec![m]);
    }
    round_trip(every_message());
    round_trip(vec![]);
}

#[test]
fn golden_tuple_frame_matches_format_md() {
    let m = WireMessage::Tuple(WireTuple {
        target_task: TaskId(3),
        stream: 0,
        source_task: TaskId(1),
        anchors: smallvec![(1, 2)],
        values: values!["hi", 5],
    });
    let expected: &[u8] = &[
        0x53, 0x51, 0x01, 0x02, 0x1c, 0, 0, 0, // header
        0x01, 0x06, 0x00, 0x02, 0x01, // tag, target, stream, source, 1 anchor
        1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, // root, edge
        0x02, 0x05, 0x02, b'h', b'i', 0x03, 0x0a, // values
    ];
    assert_eq!(&batch_bytes(&[m])[..], expected);
}

#[test]
fn golden_hello_matches_format_md() {
    let mut buf = BytesMut::new();
    let n =
        encode_hello(&mut buf, &Hello::new("t", "w1", 0x0102_0304_0506_0708), &Limits::default()).unwrap();
    let expected: &[u8] = &[0x53, 0x51, 1, 1, 0x0d, 0, 0, 0, 1, b't', 2, b'w', b'1', 8, 7, 6, 5, 4, 3, 2, 1];
    assert_eq!(&buf[..], expected);
    assert_eq!(n, expected.len());
    let frame = decode_frame(&mut buf, &Limits::default()).unwrap().unwrap();
    assert_eq!(frame, Frame::Hello(Hello::new("t", "w1", 0x0102_0304_0506_0708)));
}

#[test]
fn hello_with_trailing_bytes_is_refused() {
    let mut buf = BytesMut::from(
        &[0x53, 0x51, 1, 1, 0x0e, 0, 0, 0, 1, b't', 2, b'w', b'1', 8, 7, 6, 5, 4, 3, 2, 1, 0][..],
    );
    assert!(matches!(decode_frame(&mut buf, &Limits::default()), Err(WireError::TrailingBytes(1))));
}

#[test]
fn header_errors_are_detected_early() {
    let limits = Limits::default();
    let check = |bytes: &[u8]| decode_frame(&mut BytesMut::from(bytes), &limits);
    assert!(matches!(check(b"G"), Err(WireError::BadMagic { found: [b'G', 0] })));
    assert!(matches!(check(b"GET / HTTP/1.1"), Err(WireError::BadMagic { found: [b'G', b'E'] })));
    assert!(matches!(check(&[0x53, 0x51, 2]), Err(WireError::UnsupportedVersion { found: 2, supported: 1 })));
    assert!(matches!(check(&[0x53, 0x51, 1, 3]), Err(WireError::UnknownFrameKind(3))));
    assert!(matches!(
        check(&[0x53, 0x51, 1, 2, 0, 0, 0, 2]),
        Err(WireError::FrameTooLarge { len: 0x0200_0000, .. })
    ));
    assert!(matches!(check(&[0x53, 0x51, 1]), Ok(None)));
    assert!(matches!(check(&[0x53, 0x51, 1, 2, 5, 0, 0, 0, 0x0b]), Ok(None)));
    assert!(matches!(check(&[]), Ok(None)));
}

#[test]
fn truncated_payload_and_unknown_tag() {
    let limits = Limits::default();
    let mut b = BytesMut::from(&[0x53, 0x51, 1, 2, 2, 0, 0, 0, 0x04, 0x02][..]);
    assert!(matches!(decode_frame(&mut b, &limits), Err(WireError::Truncated { what: "root id", .. })));
    let mut b = BytesMut::from(&[0x53, 0x51, 1, 2, 1, 0, 0, 0, 0x0c][..]);
    assert!(matches!(decode_frame(&mut b, &limits), Err(WireError::UnknownMessageTag(0x0c))));
}

#[test]
fn budget_limits_expansion_of_tiny_messages() {
    let limits = Limits { max_decoded_bytes: 10 * std::mem::size_of::<WireMessage>(), ..Limits::default() };
    let ten = vec![WireMessage::Heartbeat; 10];
    let mut buf = BytesMut::new();
    encode_batch(&mut buf, &ten, &limits).unwrap();
    assert!(decode_frame(&mut buf, &limits).unwrap().is_some());
    let eleven = vec![WireMessage::Heartbeat; 11];
    assert!(matches!(encode_batch(&mut buf, &eleven, &limits), Err(WireError::BudgetExceeded { .. })));
    assert!(buf.is_empty(), "failed encode must leave the buffer unchanged");
    encode_batch(&mut buf, &eleven, &Limits::default()).unwrap();
    assert!(matches!(decode_frame(&mut buf, &limits), Err(WireError::BudgetExceeded { .. })));
}

#[test]
fn batch_writer_reports_full_then_too_large() {
    let limits = Limits { max_frame_len: 20, ..Limits::default() };
    let mut buf = BytesMut::from(&b"prefix"[..]);
    let mut w = BatchWriter::new(&mut buf, &limits);
    let ack = WireMessage::Ack { acker_task: TaskId(1), root: 1, value: 1 }; // 18 bytes
    w.push(&ack).unwrap();
    assert!(matches!(w.push(&ack), Err(WireError::BatchFull)));
    assert_eq!(w.messages(), 1);
    assert_eq!(w.payload_len(), 18);
    let len = w.finish();
    assert_eq!(len, HEADER_LEN + 18);
    assert_eq!(&buf[..6], b"prefix");

    let mut w = BatchWriter::new(&mut buf, &limits);
    let big = values!["x".repeat(30)];
    let t =
        TupleRef { target_task: TaskId(1), stream: 0, source_task: TaskId(1), anchors: &[], values: &big };
    assert!(matches!(w.push_tuple(t), Err(WireError::FrameTooLarge { .. })));
    drop(w);
    assert_eq!(buf.len(), 6 + HEADER_LEN + 18, "dropped writer removes its frame");
}

#[test]
fn batch_writer_rolls_back_a_too_deep_value() {
    let mut deep = Value::Null;
    for _ in 0..100 {
        deep = Value::from(vec![deep]);
    }
    let mut buf = BytesMut::new();
    let mut w = BatchWriter::new(&mut buf, &Limits::default());
    w.push(&WireMessage::Heartbeat).unwrap();
    let values = values![deep];
    let t =
        TupleRef { target_task: TaskId(1), stream: 0, source_task: TaskId(1), anchors: &[], values: &values };
    assert!(matches!(w.push_tuple(t), Err(WireError::TooDeep { limit: 64 })));
    w.finish();
    let frame = decode_frame(&mut buf, &Limits::default()).unwrap().unwrap();
    assert_eq!(frame, Frame::Batch(vec![WireMessage::Heartbeat]));
}

#[test]
fn wire_tuple_message_id_merges_like_the_api() {
    let t = WireTuple {
        target_task: TaskId(1),
        stream: 0,
        source_task: TaskId(2),
        anchors: smallvec![(1, 0b01), (2, 5), (1, 0b10)],
        values: values![],
    };
    let mut expected = MessageId::root(1, 0b11);
    expected.xor_edge(2, 5);
    assert_eq!(t.message_id(), expected);
}

#[test]
fn nested_maps_round_trip() {
    let inner = BTreeMap::from([
        (SmolStr::new(""), Value::Null),
        (SmolStr::new("z"), Value::from(Vec::<Value>::new())),
    ]);
    let outer =
        BTreeMap::from([(SmolStr::new("a"), Value::from(inner)), (SmolStr::new("b"), Value::I64(i64::MIN))]);
    round_trip(vec![WireMessage::Tuple(WireTuple {
        target_task: TaskId(0),
        stream: u32::MAX,
        source_task: TaskId(0),
        anchors: smallvec![],
        values: values![Value::from(outer)],
    })]);
}

#[cfg(feature = "tokio-codec")]
mod codec {
    use tokio_util::codec::{Decoder, Encoder};

    use super::*;

    #[test]
    fn hello_must_come_first_and_once() {
        let hello = Hello::new("t", "w", 1);
        let mut tx = WireCodec::default();
        let mut buf = BytesMut::new();
        assert!(matches!(tx.encode(&[WireMessage::Heartbeat][..], &mut buf), Err(WireError::MissingHello)));
        tx.encode(&hello, &mut buf).unwrap();
        assert!(matches!(tx.encode(&hello, &mut buf), Err(WireError::DuplicateHello)));
        tx.encode(Frame::Batch(vec![WireMessage::Heartbeat]), &mut buf).unwrap();

        let mut rx = WireCodec::default();
        assert_eq!(rx.decode(&mut buf).unwrap(), Some(Frame::Hello(hello.clone())));
        assert!(rx.hello_received());
        assert_eq!(rx.decode(&mut buf).unwrap(), Some(Frame::Batch(vec![WireMessage::Heartbeat])));
        assert_eq!(rx.decode_eof(&mut buf).unwrap(), None);

        let mut rx = WireCodec::default();
        let mut b = batch_bytes(&[WireMessage::Heartbeat]);
        assert!(matches!(rx.decode(&mut b), Err(WireError::MissingHello)));

        let mut rx = WireCodec::default();
        let mut b = BytesMut::new();
        encode_hello(&mut b, &hello, &Limits::default()).unwrap();
        encode_hello(&mut b, &hello, &Limits::default()).unwrap();
        rx.decode(&mut b).unwrap();
        assert!(matches!(rx.decode(&mut b), Err(WireError::DuplicateHello)));
    }

    #[test]
    fn eof_inside_a_frame_is_an_error() {
        let mut rx = WireCodec::default();
        let mut b = BytesMut::from(&[0x53, 0x51, 1, 1, 9][..]);
        assert!(matches!(rx.decode_eof(&mut b), Err(WireError::UnexpectedEof(5))));
    }
}

#[test]
fn decode_frame_into_appends_and_leaves_the_batch_alone_on_error() {
    let limits = Limits::default();
    let mut batch = vec![WireMessage::Heartbeat];
    let mut buf = BytesMut::new();
    encode_hello(&mut buf, &Hello::new("t", "w", 1), &limits).unwrap();
    encode_batch(&mut buf, &every_message(), &limits).unwrap();
    assert_eq!(
        decode_frame_into(&mut buf, &limits, &mut batch).unwrap(),
        Some(FrameHead::Hello(Hello::new("t", "w", 1)))
    );
    assert_eq!(batch.len(), 1);
    let head = decode_frame_into(&mut buf, &limits, &mut batch).unwrap();
    assert_eq!(head, Some(FrameHead::Batch { messages: every_message().len() }));
    assert_eq!(batch[1..], every_message()[..]);

    // A batch whose second tuple is cut short: the first must not stay behind.
    let tuple = every_message().swap_remove(0);
    let mut bad = batch_bytes(&[tuple.clone(), tuple]);
    let cut = bad.len() - 1;
    bad[4..8].copy_from_slice(&((cut - HEADER_LEN) as u32).to_le_bytes());
    bad.truncate(cut);
    let before = batch.len();
    assert!(matches!(decode_frame_into(&mut bad, &limits, &mut batch), Err(WireError::CountTooLarge { .. })));
    assert_eq!(batch.len(), before);
}
