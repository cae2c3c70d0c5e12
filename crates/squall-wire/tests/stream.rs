//! Frames arriving in pieces through the tokio-util `Decoder`: every split point, and byte by byte.

#![cfg(feature = "tokio-codec")]

mod common;

use bytes::BytesMut;
use proptest::prelude::*;
use squall_wire::{Frame, WireCodec};
use tokio_util::codec::Decoder;

use common::*;

/// Feeds `bytes` to a fresh codec in the given chunks; returns the frames decoded.
fn feed(bytes: &[u8], cuts: &[usize]) -> Vec<Frame> {
    let mut codec = WireCodec::default();
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    let mut from = 0;
    for &to in cuts.iter().chain(std::iter::once(&bytes.len())) {
        buf.extend_from_slice(&bytes[from..to]);
        from = to;
        while let Some(f) = codec.decode(&mut buf).expect("valid stream") {
            frames.push(f);
        }
    }
    assert_eq!(codec.decode_eof(&mut buf).expect("clean end"), None);
    frames
}

fn same(a: &[Frame], b: &[Frame]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| frame_eq(x, y))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn split_at_every_boundary(hello in any_hello(), batches in proptest::collection::vec(any_batch(), 1..3)) {
        let mut frames = vec![Frame::Hello(hello)];
        frames.extend(batches.into_iter().map(Frame::Batch));
        let bytes = encode_all(&frames);
        for cut in 0..=bytes.len() {
            prop_assert!(same(&feed(&bytes, &[cut]), &frames), "split at {}", cut);
        }
        let every: Vec<usize> = (1..bytes.len()).collect();
        prop_assert!(same(&feed(&bytes, &every), &frames), "byte by byte");
    }
}
