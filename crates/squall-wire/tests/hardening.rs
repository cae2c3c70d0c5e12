//! Hostile input: arbitrary bytes and mutated valid frames never panic, and whatever decodes
//! re-encodes to the same bytes. Plus targeted bombs: huge counts, deep nesting, huge lengths.

mod common;

use bytes::{BufMut, BytesMut};
use proptest::prelude::*;
use squall_wire::{Frame, Limits, WireError, decode_frame, encode_frame};

use common::*;

/// Decodes frames until the input runs out or fails; each decoded frame must re-encode to exactly
/// the bytes it came from. Returns the first error, if any.
fn decode_all(bytes: &[u8], limits: &Limits) -> Option<WireError> {
    let mut buf = BytesMut::from(bytes);
    loop {
        let before = buf.len();
        match decode_frame(&mut buf, limits) {
            Ok(Some(frame)) => {
                let consumed = before - buf.len();
                let start = bytes.len() - before;
                let mut again = BytesMut::new();
                encode_frame(&mut again, &frame, limits).expect("a decoded frame re-encodes");
                assert_eq!(&again[..], &bytes[start..start + consumed], "non-canonical decode of {frame:?}");
            }
            Ok(None) => return None,
            Err(e) => return Some(e),
        }
    }
}

fn header(kind: u8, len: u32) -> BytesMut {
    let mut b = BytesMut::new();
    b.put_slice(b"SQ");
    b.put_u8(1);
    b.put_u8(kind);
    b.put_u32_le(len);
    b
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Flip(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len();
    match *m {
        Mutation::Set(i, b) if n > 0 => bytes[i % n] = b,
        Mutation::Flip(i, bit) if n > 0 => bytes[i % n] ^= 1 << (bit % 8),
        Mutation::Insert(i, b) => bytes.insert(i % (n + 1), b),
        Mutation::Remove(i) if n > 0 => {
            bytes.remove(i % n);
        }
        Mutation::Truncate(i) => bytes.truncate(i % (n + 1)),
        _ => {}
    }
}

fn any_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes, &Limits::default());
    }

    #[test]
    fn arbitrary_payloads_behind_a_valid_header_never_panic(
        kind in 1u8..=2,
        payload in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut b = header(kind, payload.len() as u32);
        b.put_slice(&payload);
        decode_all(&b, &Limits::default());
    }

    #[test]
    fn mutated_frames_never_panic(
        hello in any_hello(),
        batch in any_batch(),
        mutations in proptest::collection::vec(any_mutation(), 1..6),
    ) {
        let mut bytes = encode_all(&[Frame::Hello(hello), Frame::Batch(batch)]).to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        decode_all(&bytes, &Limits::default());
        let tight = Limits { max_frame_len: 256, max_depth: 3, max_decoded_bytes: 4096 };
        decode_all(&bytes, &tight);
    }
}

#[test]
fn huge_counts_are_refused_before_allocating() {
    // A list claiming u64::MAX items, a string claiming 2^40 bytes, a task list claiming 2^32.
    for payload in [
        &[
            0x01, 0x02, 0x00, 0x02, 0x00, 0x01, 0x07, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0x01,
        ][..],
        &[0x01, 0x02, 0x00, 0x02, 0x00, 0x01, 0x05, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20][..],
        &[0x09, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10][..],
    ] {
        let mut b = header(2, payload.len() as u32);
        b.put_slice(payload);
        let err = decode_all(&b, &Limits::default());
        assert!(matches!(err, Some(WireError::CountTooLarge { .. })), "{err:?}");
    }
}

#[test]
fn a_nesting_bomb_stops_at_the_depth_limit() {
    // A tuple whose value is 1 million nested single-item lists: would overflow the stack if the
    // decoder recursed without a bound.
    let mut payload = vec![0x01, 0x02, 0x00, 0x02, 0x00, 0x01];
    for _ in 0..1_000_000 {
        payload.extend_from_slice(&[0x07, 0x01]);
    }
    payload.push(0x00);
    let mut b = header(2, payload.len() as u32);
    b.put_slice(&payload);
    assert!(matches!(decode_all(&b, &Limits::default()), Some(WireError::TooDeep { limit: 64 })));
}

#[test]
fn a_frame_of_tiny_messages_hits_the_budget() {
    // 16 MiB of heartbeats would expand to 16 Mi messages in memory.
    let payload = vec![0x0b; 16 << 20];
    let mut b = header(2, payload.len() as u32);
    b.put_slice(&payload);
    assert!(matches!(decode_all(&b, &Limits::default()), Some(WireError::BudgetExceeded { .. })));
}

#[test]
fn an_oversized_length_is_refused_from_the_header_alone() {
    let b = header(2, u32::MAX);
    assert!(matches!(decode_all(&b, &Limits::default()), Some(WireError::FrameTooLarge { .. })));
    let mut partial = BytesMut::from(&header(2, 1000)[..]);
    assert!(decode_frame(&mut partial, &Limits::default()).unwrap().is_none());
    assert!(partial.capacity() >= 1008, "room for the announced frame is reserved");
}
