//! Decodes arbitrary bytes as a sequence of frames, under the default limits and under tight ones.
//! Must never panic, and every frame that decodes must re-encode to exactly the bytes it came from
//! (the format is canonical), so a decoder that accepts something the encoder would write
//! differently is a crash too.

#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use squall_wire::{Limits, decode_frame, encode_frame};

const TIGHT: Limits = Limits { max_frame_len: 4096, max_depth: 4, max_decoded_bytes: 1 << 16 };

fuzz_target!(|data: &[u8]| {
    for limits in [Limits::DEFAULT, TIGHT] {
        let mut buf = BytesMut::from(data);
        loop {
            let before = buf.len();
            match decode_frame(&mut buf, &limits) {
                Ok(Some(frame)) => {
                    let start = data.len() - before;
                    let end = data.len() - buf.len();
                    let mut again = BytesMut::new();
                    encode_frame(&mut again, &frame, &limits).expect("a decoded frame re-encodes");
                    assert_eq!(&again[..], &data[start..end], "non-canonical decode");
                }
                Ok(None) | Err(_) => break,
            }
        }
    }
});
