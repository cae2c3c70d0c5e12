//! Feeds arbitrary bytes through the tokio-util `Decoder` in chunks whose sizes come from the
//! input's first bytes. Must never panic, and must produce the same frames (or fail) as decoding
//! the whole input at once: how TCP splits a stream must not matter.

#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use squall_wire::{Frame, WireCodec};
use tokio_util::codec::Decoder;

/// Decodes `data` in the given chunks; returns the frames and whether decoding failed.
fn run(data: &[u8], chunks: impl Iterator<Item = usize>) -> (Vec<Frame>, bool) {
    let mut codec = WireCodec::default();
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    let mut rest = data;
    let mut chunks = chunks;
    while !rest.is_empty() {
        let n = chunks.next().unwrap_or(rest.len()).clamp(1, rest.len());
        buf.extend_from_slice(&rest[..n]);
        rest = &rest[n..];
        loop {
            match codec.decode(&mut buf) {
                Ok(Some(f)) => frames.push(f),
                Ok(None) => break,
                Err(_) => return (frames, true),
            }
        }
    }
    (frames, codec.decode_eof(&mut buf).is_err())
}

fuzz_target!(|input: &[u8]| {
    let Some((&n_sizes, rest)) = input.split_first() else { return };
    let n_sizes = usize::from(n_sizes % 16).min(rest.len());
    let (sizes, data) = rest.split_at(n_sizes);
    let whole = run(data, std::iter::empty());
    let pieces = run(data, sizes.iter().map(|&s| usize::from(s)).cycle());
    // Compare debug renderings: frames hold floats, and NaN != NaN under PartialEq.
    assert_eq!(format!("{whole:?}"), format!("{pieces:?}"));
});
