//! Property tests: random values, messages and batches survive encode → decode bit-exactly, and
//! re-encoding a decoded frame reproduces its bytes (the format is canonical).

mod common;

use bytes::BytesMut;
use proptest::prelude::*;
use smallvec::smallvec;
use squall_api::{TaskId, values};
use squall_wire::{Frame, Limits, WireMessage, WireTuple, decode_frame, encode_frame};

use common::*;

fn decode_one(buf: &mut BytesMut) -> Frame {
    let frame = decode_frame(buf, &Limits::default()).expect("valid frame").expect("complete frame");
    assert!(buf.is_empty(), "frame left {} bytes", buf.len());
    frame
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn values_round_trip(v in any_value()) {
        let m = WireMessage::Tuple(WireTuple {
            target_task: TaskId(1), stream: 0, source_task: TaskId(2), anchors: smallvec![], values: values![v.clone()],
        });
        let frame = Frame::Batch(vec![m]);
        let mut buf = encode_all(std::slice::from_ref(&frame));
        let back = decode_one(&mut buf);
        prop_assert!(frame_eq(&frame, &back), "{frame:?} != {back:?}");
    }

    #[test]
    fn messages_round_trip(m in any_message()) {
        let frame = Frame::Batch(vec![m]);
        let mut buf = encode_all(std::slice::from_ref(&frame));
        let back = decode_one(&mut buf);
        prop_assert!(frame_eq(&frame, &back), "{frame:?} != {back:?}");
    }

    #[test]
    fn batches_round_trip_canonically(batch in any_batch(), hello in any_hello()) {
        let frames = vec![Frame::Hello(hello), Frame::Batch(batch)];
        let bytes = encode_all(&frames).freeze();
        let mut buf = BytesMut::from(&bytes[..]);
        for frame in &frames {
            let back = decode_frame(&mut buf, &Limits::default()).expect("valid").expect("complete");
            prop_assert!(frame_eq(frame, &back));
            let mut again = BytesMut::new();
            encode_frame(&mut again, &back, &Limits::default()).expect("re-encodes");
            let start = bytes.len() - buf.len() - again.len();
            prop_assert_eq!(&again[..], &bytes[start..bytes.len() - buf.len()]);
        }
        prop_assert!(buf.is_empty());
    }
}
