//! Frames: the 8-byte header, [`Frame`], and the functions that write and read whole frames.
//! Layout in FORMAT.md, "Frame header".

use bytes::{Buf, BufMut, BytesMut};

use crate::WireError;
use crate::hello::Hello;
use crate::limits::Limits;
use crate::message::{TupleRef, WireMessage, decode_message_onto, encode_message, encode_tuple};
use crate::reader::Reader;

/// The first two bytes of every frame: `"SQ"`. Never changes across versions.
pub const MAGIC: [u8; 2] = *b"SQ";
/// The wire format version this build speaks, in byte 2 of every frame. Bumped on any change to
/// the bytes; a peer with another version is refused with [`WireError::UnsupportedVersion`].
pub const FORMAT_VERSION: u8 = 1;
/// Bytes in a frame header: magic (2), version (1), kind (1), payload length (4, little-endian).
pub const HEADER_LEN: usize = 8;

/// Frame kinds (byte 3 of the header).
mod kind {
    pub(super) const HELLO: u8 = 0x01;
    pub(super) const BATCH: u8 = 0x02;
}

/// One decoded frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    /// The connection's opening frame.
    Hello(Hello),
    /// Messages for any tasks of the receiving worker, in the order sent.
    Batch(Vec<WireMessage>),
}

fn put_header(dst: &mut BytesMut, kind: u8) {
    dst.put_slice(&MAGIC);
    dst.put_u8(FORMAT_VERSION);
    dst.put_u8(kind);
    dst.put_u32_le(0);
}

/// Writes the payload length of the frame starting at `start`; the payload must fit the limit.
fn patch_len(dst: &mut BytesMut, start: usize) {
    let len = dst.len() - start - HEADER_LEN;
    let len = u32::try_from(len).expect("payload length was checked against a u32 limit");
    dst[start + 4..start + HEADER_LEN].copy_from_slice(&len.to_le_bytes());
}

/// Appends a hello frame to `dst`; returns the frame's length.
///
/// # Errors
/// [`WireError::FrameTooLarge`] if the ids exceed the frame limit; `dst` is then unchanged.
pub fn encode_hello(dst: &mut BytesMut, hello: &Hello, limits: &Limits) -> Result<usize, WireError> {
    let start = dst.len();
    put_header(dst, kind::HELLO);
    hello.encode_payload(dst);
    let len = dst.len() - start - HEADER_LEN;
    if len > limits.payload_limit() {
        dst.truncate(start);
        return Err(WireError::FrameTooLarge { len: len as u64, max: limits.payload_limit() });
    }
    patch_len(dst, start);
    Ok(dst.len() - start)
}

/// Appends one batch frame holding all of `messages`; returns the frame's length.
///
/// # Errors
/// [`WireError::FrameTooLarge`], [`WireError::BudgetExceeded`] or [`WireError::TooDeep`] if the
/// messages do not fit one frame under `limits`; `dst` is then unchanged. Use [`BatchWriter`] to
/// split a stream of messages into frames.
pub fn encode_batch(
    dst: &mut BytesMut,
    messages: &[WireMessage],
    limits: &Limits,
) -> Result<usize, WireError> {
    let start = dst.len();
    put_header(dst, kind::BATCH);
    let mut charged = 0usize;
    for m in messages {
        match encode_message(dst, m, limits.max_depth) {
            Ok(cost) => charged = charged.saturating_add(cost),
            Err(e) => {
                dst.truncate(start);
                return Err(e);
            }
        }
    }
    let len = dst.len() - start - HEADER_LEN;
    let error = if len > limits.payload_limit() {
        Some(WireError::FrameTooLarge { len: len as u64, max: limits.payload_limit() })
    } else if charged > limits.max_decoded_bytes {
        Some(WireError::BudgetExceeded { limit: limits.max_decoded_bytes })
    } else {
        None
    };
    if let Some(e) = error {
        dst.truncate(start);
        return Err(e);
    }
    patch_len(dst, start);
    Ok(dst.len() - start)
}

/// Appends `frame`; returns its length. Errors as [`encode_hello`] and [`encode_batch`].
pub fn encode_frame(dst: &mut BytesMut, frame: &Frame, limits: &Limits) -> Result<usize, WireError> {
    match frame {
        Frame::Hello(h) => encode_hello(dst, h, limits),
        Frame::Batch(m) => encode_batch(dst, m, limits),
    }
}

/// Takes one complete frame off the front of `src`.
///
/// Returns `Ok(None)` while `src` holds less than a whole frame, having checked whatever header
/// bytes are there (so garbage or an oversized length is refused before its payload arrives) and
/// reserved room for the rest. Byte-string values of the result are zero-copy slices of `src`'s
/// buffer; strings are copied into `SmolStr`s. Allocates a new `Vec` per batch; a receive loop
/// can reuse one with [`decode_frame_into`].
///
/// # Errors
/// Any decoding [`WireError`]. After an error `src` is in an unspecified position: close the
/// connection.
pub fn decode_frame(src: &mut BytesMut, limits: &Limits) -> Result<Option<Frame>, WireError> {
    let mut messages = Vec::new();
    Ok(decode_frame_into(src, limits, &mut messages)?.map(|head| match head {
        FrameHead::Hello(h) => Frame::Hello(h),
        FrameHead::Batch { .. } => Frame::Batch(messages),
    }))
}

/// What [`decode_frame_into`] took off the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameHead {
    /// A hello frame.
    Hello(Hello),
    /// A batch frame whose `messages` messages were appended to the caller's vector.
    Batch {
        /// How many messages the frame held.
        messages: usize,
    },
}

/// Like [`decode_frame`], but appends a batch's messages to `batch` instead of allocating a vector
/// per frame: a receive loop that drains `batch` after each frame allocates nothing per frame for
/// the message list.
///
/// # Errors
/// As [`decode_frame`]; on error `batch` is left as it was.
pub fn decode_frame_into(
    src: &mut BytesMut,
    limits: &Limits,
    batch: &mut Vec<WireMessage>,
) -> Result<Option<FrameHead>, WireError> {
    let Some(len) = check_header(src, limits)? else {
        return Ok(None);
    };
    let total = HEADER_LEN + len;
    if src.len() < total {
        src.reserve(total - src.len());
        return Ok(None);
    }
    let kind = src[3];
    src.advance(HEADER_LEN);
    let payload = src.split_to(len).freeze();
    let mut r = Reader::new(&payload, limits.max_decoded_bytes);
    if kind == kind::HELLO {
        return match Hello::decode_payload(&mut r) {
            Ok(h) => Ok(Some(FrameHead::Hello(h))),
            Err(bail) => Err(r.take_error(bail)),
        };
    }
    let before = batch.len();
    // A guess that avoids regrowing for batches of small tuples without letting one large message
    // reserve much.
    batch.reserve((len / 16).min(1024));
    while r.remaining() > 0 {
        let decoded = decode_message_onto(&mut r, limits.max_depth, batch);
        if let Err(bail) = decoded {
            batch.truncate(before);
            return Err(r.take_error(bail));
        }
    }
    Ok(Some(FrameHead::Batch { messages: batch.len() - before }))
}

/// Validates the header bytes present; returns the payload length once the header is complete.
fn check_header(src: &[u8], limits: &Limits) -> Result<Option<usize>, WireError> {
    let magic_seen = src.len().min(2);
    if src[..magic_seen] != MAGIC[..magic_seen] {
        let mut found = [0u8; 2];
        found[..magic_seen].copy_from_slice(&src[..magic_seen]);
        return Err(WireError::BadMagic { found });
    }
    if let Some(&version) = src.get(2)
        && version != FORMAT_VERSION
    {
        return Err(WireError::UnsupportedVersion { found: version, supported: FORMAT_VERSION });
    }
    if let Some(&k) = src.get(3)
        && k != kind::HELLO
        && k != kind::BATCH
    {
        return Err(WireError::UnknownFrameKind(k));
    }
    let Some(len) = src.get(4..HEADER_LEN) else {
        return Ok(None);
    };
    let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]);
    if len as usize > limits.payload_limit() {
        return Err(WireError::FrameTooLarge { len: u64::from(len), max: limits.payload_limit() });
    }
    Ok(Some(len as usize))
}

/// Builds one batch frame in place at the end of a buffer, one message at a time, without copying
/// or allocating per message; the transport's send loop pushes until [`WireError::BatchFull`] (or
/// its own flush policy), then calls [`finish`](Self::finish).
///
/// A failed push leaves the frame as it was before it. Dropping the writer without `finish`
/// removes the unfinished frame from the buffer.
#[derive(Debug)]
pub struct BatchWriter<'a> {
    dst: &'a mut BytesMut,
    start: usize,
    limits: Limits,
    messages: usize,
    charged: usize,
    finished: bool,
}

impl<'a> BatchWriter<'a> {
    /// Starts a batch frame at the end of `dst`.
    pub fn new(dst: &'a mut BytesMut, limits: &Limits) -> Self {
        let start = dst.len();
        put_header(dst, kind::BATCH);
        Self { dst, start, limits: *limits, messages: 0, charged: 0, finished: false }
    }

    /// Appends a message.
    ///
    /// # Errors
    /// [`WireError::BatchFull`] if the frame already holds messages and this one would exceed the
    /// frame length or decode budget: finish and retry in a new batch. If the message alone is too
    /// big: [`WireError::FrameTooLarge`] or [`WireError::BudgetExceeded`]; for a too deeply nested
    /// value, [`WireError::TooDeep`]. Such a message can never be sent.
    pub fn push(&mut self, message: &WireMessage) -> Result<(), WireError> {
        let mark = self.dst.len();
        let result = encode_message(self.dst, message, self.limits.max_depth);
        self.admit(mark, result)
    }

    /// Appends a tuple borrowed from the emitter. Errors as [`push`](Self::push).
    #[inline]
    pub fn push_tuple(&mut self, tuple: TupleRef<'_>) -> Result<(), WireError> {
        let mark = self.dst.len();
        let result = encode_tuple(self.dst, &tuple, self.limits.max_depth);
        self.admit(mark, result)
    }

    #[inline]
    fn admit(&mut self, mark: usize, result: Result<usize, WireError>) -> Result<(), WireError> {
        let fail = match result {
            Ok(cost) => {
                let len = self.payload_len();
                let charged = self.charged.saturating_add(cost);
                if len > self.limits.payload_limit() {
                    Some(WireError::FrameTooLarge { len: len as u64, max: self.limits.payload_limit() })
                } else if charged > self.limits.max_decoded_bytes {
                    Some(WireError::BudgetExceeded { limit: self.limits.max_decoded_bytes })
                } else {
                    self.charged = charged;
                    self.messages += 1;
                    None
                }
            }
            Err(e) => Some(e),
        };
        match fail {
            None => Ok(()),
            Some(e) => {
                self.dst.truncate(mark);
                let size_error =
                    matches!(e, WireError::FrameTooLarge { .. } | WireError::BudgetExceeded { .. });
                Err(if size_error && self.messages > 0 { WireError::BatchFull } else { e })
            }
        }
    }

    /// Messages pushed so far.
    pub fn messages(&self) -> usize {
        self.messages
    }

    /// True if no message was pushed.
    pub fn is_empty(&self) -> bool {
        self.messages == 0
    }

    /// Payload bytes written so far.
    pub fn payload_len(&self) -> usize {
        self.dst.len() - self.start - HEADER_LEN
    }

    /// Completes the frame (writes its length); returns the frame's length in bytes. An empty
    /// batch is a valid frame; skip `finish` (drop the writer) to send nothing.
    pub fn finish(mut self) -> usize {
        patch_len(self.dst, self.start);
        self.finished = true;
        self.dst.len() - self.start
    }
}

impl Drop for BatchWriter<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.dst.truncate(self.start);
        }
    }
}
