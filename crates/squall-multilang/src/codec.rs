//! Framing: `<json>\nend\n` over any `Read`/`Write` (storm-interfaces.md §1.3).
//!
//! [`MessageReader`] collects lines until a line that is exactly `end` (a trailing `\r` is
//! tolerated), joins them with `\n` and parses the text as a [`ChildMessage`]. It is hardened
//! against whatever a broken or hostile child writes: a message may not grow past the reader's
//! limit (the buffer never holds more than `limit` bytes), and every rejection is a typed
//! [`DecodeError`] quoting a bounded prefix of the offending input.
//!
//! [`encode`] frames a host message as Storm does: compact JSON on one line, then `end`.

use std::io::{self, BufRead, ErrorKind, Write};

use serde::Serialize;

use crate::error::{DecodeError, MAX_QUOTED_INPUT, quote_input};
use crate::message::ChildMessage;

/// The default limit on one message from a child: 16 MiB.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// The delimiter that ends every message.
const END_LINE: &[u8] = b"end";

/// Reads framed messages from a child's output.
#[derive(Debug)]
pub struct MessageReader<R> {
    inner: R,
    buf: Vec<u8>,
    limit: usize,
}

impl<R: BufRead> MessageReader<R> {
    /// A reader over `inner` buffering at most `limit` bytes per message: the lines joined with
    /// `\n`, the `end` line included (so the JSON text itself may take `limit - 4` bytes).
    pub fn new(inner: R, limit: usize) -> Self {
        Self { inner, buf: Vec::new(), limit }
    }

    /// The bytes the message buffer holds room for; never more than the limit.
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Reads the next message's text. `Ok(None)` at end of input between messages (blank lines
    /// before the end count as nothing).
    ///
    /// # Errors
    /// [`DecodeError::TooLarge`], [`DecodeError::Truncated`] (input ended inside a message),
    /// [`DecodeError::InvalidUtf8`] or [`DecodeError::Io`]. After an error the stream's framing is
    /// lost: stop reading.
    pub fn read_text(&mut self) -> Result<Option<&str>, DecodeError> {
        self.buf.clear();
        let mut line_start = 0;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(DecodeError::Io(e)),
            };
            if chunk.is_empty() {
                return if self.buf.iter().all(u8::is_ascii_whitespace) {
                    Ok(None)
                } else {
                    Err(DecodeError::Truncated { input: quote_input(&self.buf) })
                };
            }
            let (piece, consumed, line_done) = match chunk.iter().position(|b| *b == b'\n') {
                // A `\r` before the `\n` is dropped here, before it could count against the limit.
                Some(i) => (chunk[..i].strip_suffix(b"\r").unwrap_or(&chunk[..i]), i + 1, true),
                None => (chunk, chunk.len(), false),
            };
            let cr_in_earlier_chunk =
                line_done && piece.is_empty() && line_ends_with_cr(&self.buf, line_start);
            if let Err(e) = append_within(&mut self.buf, piece, self.limit) {
                self.inner.consume(consumed);
                return Err(e);
            }
            self.inner.consume(consumed);
            if !line_done {
                continue;
            }
            if cr_in_earlier_chunk {
                self.buf.pop();
            }
            if &self.buf[line_start..] == END_LINE {
                // Drop the `end` line and the `\n` that joined it to the message.
                self.buf.truncate(line_start.saturating_sub(1));
                break;
            }
            append_within(&mut self.buf, b"\n", self.limit)?;
            line_start = self.buf.len();
        }
        match std::str::from_utf8(&self.buf) {
            Ok(text) => Ok(Some(text)),
            Err(reason) => Err(DecodeError::InvalidUtf8 { reason, input: quote_input(&self.buf) }),
        }
    }

    /// Reads and parses the next message. `Ok(None)` at end of input between messages.
    ///
    /// # Errors
    /// Everything [`read_text`](Self::read_text) and [`ChildMessage::parse`] reject.
    pub fn read_message(&mut self) -> Result<Option<ChildMessage>, DecodeError> {
        match self.read_text()? {
            None => Ok(None),
            Some(text) => ChildMessage::parse(text).map(Some),
        }
    }
}

/// True when the line that started at `line_start` ends with `\r` (a line end split between reads).
fn line_ends_with_cr(buf: &[u8], line_start: usize) -> bool {
    buf.len() > line_start && buf.last() == Some(&b'\r')
}

/// Appends `bytes` to `buf` unless that would take it past `limit`; grows the buffer by doubling
/// but never beyond `limit`, so a message's buffer is bounded by the limit, not by what was sent.
fn append_within(buf: &mut Vec<u8>, bytes: &[u8], limit: usize) -> Result<(), DecodeError> {
    let needed = buf.len() + bytes.len();
    if needed > limit {
        // Quote the start of the message without copying more of it than an error shows.
        let mut start = buf[..buf.len().min(MAX_QUOTED_INPUT)].to_vec();
        start.extend_from_slice(&bytes[..bytes.len().min(MAX_QUOTED_INPUT - start.len())]);
        return Err(DecodeError::TooLarge { limit, input: quote_input(&start) });
    }
    if needed > buf.capacity() {
        let target = needed.max(buf.capacity().saturating_mul(2)).max(64).min(limit);
        buf.reserve_exact(target - buf.len());
    }
    buf.extend_from_slice(bytes);
    Ok(())
}

/// Frames a host message: compact JSON, `\n`, `end`, `\n`.
///
/// # Errors
/// When `msg` cannot be serialized as JSON.
pub fn encode<T: Serialize + ?Sized>(msg: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = serde_json::to_vec(msg)?;
    out.extend_from_slice(b"\nend\n");
    Ok(out)
}

/// Writes one framed host message and flushes.
///
/// # Errors
/// When serializing or writing fails.
pub fn write_message<W: Write, T: Serialize + ?Sized>(w: &mut W, msg: &T) -> io::Result<()> {
    let bytes = encode(msg).map_err(io::Error::other)?;
    w.write_all(&bytes)?;
    w.flush()
}

#[cfg(test)]
mod tests;
