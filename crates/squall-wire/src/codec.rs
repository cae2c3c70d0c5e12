//! [`WireCodec`]: the frame codec as `tokio_util::codec::{Decoder, Encoder}`, for `Framed` sockets.
//! It adds the connection rule to the plain functions: exactly one hello, first, each way.

use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use crate::{Frame, Hello, Limits, WireError, WireMessage, decode_frame, encode_batch, encode_hello};

/// A per-connection codec. Decoding yields [`Frame`]s and refuses a batch before the peer's hello
/// ([`WireError::MissingHello`]) or a second hello ([`WireError::DuplicateHello`]); encoding
/// enforces the same order on what we send. Checking the peer's hello against ours is the
/// caller's step: [`Hello::check_peer`].
///
/// Any decoding error means the connection must be closed. For the fastest send path, build
/// frames directly in `FramedWrite::write_buffer_mut()` with a [`BatchWriter`](crate::BatchWriter)
/// after the hello has been sent.
#[derive(Clone, Debug, Default)]
pub struct WireCodec {
    limits: Limits,
    hello_received: bool,
    hello_sent: bool,
}

impl WireCodec {
    /// A codec enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        Self { limits, hello_received: false, hello_sent: false }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// True once the peer's hello has been decoded.
    pub fn hello_received(&self) -> bool {
        self.hello_received
    }

    /// True once our hello has been encoded.
    pub fn hello_sent(&self) -> bool {
        self.hello_sent
    }
}

impl Decoder for WireCodec {
    type Item = Frame;
    type Error = WireError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, WireError> {
        let Some(frame) = decode_frame(src, &self.limits)? else {
            return Ok(None);
        };
        match (&frame, self.hello_received) {
            (Frame::Hello(_), false) => self.hello_received = true,
            (Frame::Hello(_), true) => return Err(WireError::DuplicateHello),
            (Frame::Batch(_), false) => return Err(WireError::MissingHello),
            (Frame::Batch(_), true) => {}
        }
        Ok(Some(frame))
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, WireError> {
        match self.decode(src)? {
            Some(frame) => Ok(Some(frame)),
            None if src.is_empty() => Ok(None),
            None => Err(WireError::UnexpectedEof(src.len())),
        }
    }
}

impl Encoder<&Hello> for WireCodec {
    type Error = WireError;

    fn encode(&mut self, hello: &Hello, dst: &mut BytesMut) -> Result<(), WireError> {
        if self.hello_sent {
            return Err(WireError::DuplicateHello);
        }
        encode_hello(dst, hello, &self.limits)?;
        self.hello_sent = true;
        Ok(())
    }
}

impl Encoder<&[WireMessage]> for WireCodec {
    type Error = WireError;

    /// Encodes the messages as one batch frame.
    fn encode(&mut self, messages: &[WireMessage], dst: &mut BytesMut) -> Result<(), WireError> {
        if !self.hello_sent {
            return Err(WireError::MissingHello);
        }
        encode_batch(dst, messages, &self.limits)?;
        Ok(())
    }
}

impl Encoder<&Frame> for WireCodec {
    type Error = WireError;

    fn encode(&mut self, frame: &Frame, dst: &mut BytesMut) -> Result<(), WireError> {
        match frame {
            Frame::Hello(h) => self.encode(h, dst),
            Frame::Batch(m) => self.encode(m.as_slice(), dst),
        }
    }
}

impl Encoder<Frame> for WireCodec {
    type Error = WireError;

    fn encode(&mut self, frame: Frame, dst: &mut BytesMut) -> Result<(), WireError> {
        self.encode(&frame, dst)
    }
}
