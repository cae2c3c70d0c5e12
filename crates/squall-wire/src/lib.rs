//! squall's wire codec: the bytes worker processes of one topology exchange.
//!
//! This crate owns the binary format between workers: frames (an 8-byte header and a payload),
//! the connection's opening [`Hello`], and the [`WireMessage`]s a batch frame carries — tuples for
//! any task, acker inputs and outputs, backpressure and load reports, heartbeats — down to the
//! encoding of every [`Value`](squall_api::Value). It does no I/O: `squall-transport` owns sockets,
//! batching policy and reconnects and uses this crate through [`WireCodec`] (tokio-util's
//! `Decoder`/`Encoder`) or the plain functions over `bytes`. The full byte-by-byte specification is
//! the [`format`] module (`FORMAT.md` in the crate).
//!
//! In brief: every frame starts `53 51` (`"SQ"`), the format version ([`FORMAT_VERSION`]), a kind
//! byte (hello or batch) and a little-endian `u32` payload length. Integers are LEB128 varints
//! (zigzag for signed), task ids zigzag `i32`, tree ids fixed little-endian `u64`, floats their
//! exact bits. Encoding appends to a `BytesMut` without allocating per value ([`BatchWriter`]
//! builds a frame in place from borrowed tuples, [`TupleRef`]); decoding copies strings into
//! `SmolStr` (inline up to 23 bytes) and slices byte strings out of the frame.
//! [`decode_frame_into`] appends a batch to a vector the receive loop reuses.
//!
//! Decoding is hardened for bytes from a misbehaving peer: every length, count, tag, varint and
//! nesting depth is checked against [`Limits`], and a violation is a typed [`WireError`] — never a
//! panic, never an allocation beyond what the frame holds (within [`Limits::max_decoded_bytes`]),
//! never unbounded recursion. **After a decoding error the caller must close the connection.**
//!
//! ```
//! use bytes::BytesMut;
//! use squall_api::{TaskId, values};
//! use squall_wire::{BatchWriter, Frame, Hello, Limits, TupleRef, WireMessage, decode_frame, encode_hello};
//!
//! let limits = Limits::default();
//! let mut buf = BytesMut::new();
//! let ours = Hello::new("wordcount-1-1700000000", "worker-6700", 0xfeed);
//! encode_hello(&mut buf, &ours, &limits)?;
//!
//! let mut batch = BatchWriter::new(&mut buf, &limits);
//! let values = values!["word", 1];
//! let tuple = TupleRef { target_task: TaskId(3), stream: 0, source_task: TaskId(1), anchors: &[(7, 9)], values: &values };
//! batch.push_tuple(tuple)?;
//! batch.push(&WireMessage::Ack { acker_task: TaskId(9), root: 7, value: 9 })?;
//! batch.finish();
//!
//! // The receiving side:
//! let Some(Frame::Hello(peer)) = decode_frame(&mut buf, &limits)? else { unreachable!() };
//! ours.check_peer(&peer)?;
//! let Some(Frame::Batch(messages)) = decode_frame(&mut buf, &limits)? else { unreachable!() };
//! assert_eq!(messages.len(), 2);
//! assert_eq!(messages[1].target_task(), Some(TaskId(9)));
//! # Ok::<(), squall_wire::WireError>(())
//! ```

#![deny(missing_docs)]

#[cfg(feature = "tokio-codec")]
mod codec;
mod error;
mod frame;
mod hello;
mod limits;
mod message;
mod reader;
mod value;
mod varint;

#[cfg(test)]
mod tests;

pub mod format {
    #![doc = include_str!("../FORMAT.md")]
}

#[cfg(feature = "tokio-codec")]
pub use codec::WireCodec;
pub use error::WireError;
pub use frame::{
    BatchWriter, FORMAT_VERSION, Frame, FrameHead, HEADER_LEN, MAGIC, decode_frame, decode_frame_into,
    encode_batch, encode_frame, encode_hello,
};
pub use hello::Hello;
pub use limits::Limits;
pub use message::{Anchors, TupleRef, WireMessage, WireTuple};
