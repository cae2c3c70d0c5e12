//! What both directions share: the [`FrameReader`] over a blocking socket with a read timeout, and
//! the handshake's hello checks.

use std::io::{self, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use squall_wire::{FrameHead, Hello, Limits, WireError, WireMessage, decode_frame_into};

use crate::{TransportError, WorkerId};

/// Bytes asked of the socket per read.
const READ_CHUNK: usize = 64 << 10;

/// What one [`FrameReader::fill`] did.
pub(crate) enum Fill {
    /// This many bytes arrived.
    Data(usize),
    /// The read timed out with nothing: time to check silence and shutdown.
    Idle,
    /// The peer closed its side.
    Eof,
}

/// Reads a socket into a buffer and takes frames off it. Memory is bounded by the largest frame
/// [`Limits`] allow plus one read chunk; decoded structures by [`Limits::max_decoded_bytes`] per frame.
pub(crate) struct FrameReader {
    stream: TcpStream,
    buf: BytesMut,
    chunk: Box<[u8]>,
    limits: Limits,
    last_heard: Instant,
}

impl FrameReader {
    /// Reads from `stream`, which must have a read timeout set (the reader's tick).
    pub(crate) fn new(stream: TcpStream, limits: Limits) -> Self {
        Self {
            stream,
            buf: BytesMut::with_capacity(READ_CHUNK),
            chunk: vec![0; READ_CHUNK].into_boxed_slice(),
            limits,
            last_heard: Instant::now(),
        }
    }

    /// The socket (for the hello reply and for shutting it down).
    pub(crate) fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// One read: appends what arrived to the buffer.
    ///
    /// # Errors
    /// The socket's error, other than a timeout or an interrupted call.
    pub(crate) fn fill(&mut self) -> io::Result<Fill> {
        loop {
            return match self.stream.read(&mut self.chunk) {
                Ok(0) => Ok(Fill::Eof),
                Ok(n) => {
                    self.buf.extend_from_slice(&self.chunk[..n]);
                    Ok(Fill::Data(n))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    Ok(Fill::Idle)
                }
                Err(e) => Err(e),
            };
        }
    }

    /// Takes the next complete frame off the buffer, appending a batch's messages to `into`.
    /// Marks the peer as heard from when a frame is complete.
    ///
    /// # Errors
    /// Any decoding error: the connection must be closed.
    pub(crate) fn next_frame(&mut self, into: &mut Vec<WireMessage>) -> Result<Option<FrameHead>, WireError> {
        let head = decode_frame_into(&mut self.buf, &self.limits, into)?;
        if head.is_some() {
            self.last_heard = Instant::now();
        }
        Ok(head)
    }

    /// Restarts the silence clock (after time spent away from the socket, in `deliver`).
    pub(crate) fn heard(&mut self) {
        self.last_heard = Instant::now();
    }

    /// Why the connection ended at EOF: cleanly between frames, or in the middle of one.
    pub(crate) fn eof_reason(&self) -> TransportError {
        match self.buf.len() {
            0 => TransportError::Closed,
            n => TransportError::Wire(WireError::UnexpectedEof(n)),
        }
    }

    /// `Silent` if no complete frame arrived for longer than `timeout`.
    pub(crate) fn check_silence(&self, timeout: Duration) -> Result<(), TransportError> {
        let silent = self.last_heard.elapsed();
        if silent > timeout { Err(TransportError::Silent(silent)) } else { Ok(()) }
    }

    /// Reads until the peer's hello: the first frame must be one.
    ///
    /// # Errors
    /// An i/o or decoding error, `Closed`, `Silent` after `timeout`, `Shutdown` if `stop` says so,
    /// or [`WireError::MissingHello`] if a batch comes first.
    pub(crate) fn read_hello(
        &mut self,
        timeout: Duration,
        stop: impl Fn() -> bool,
    ) -> Result<Hello, TransportError> {
        let mut scratch = Vec::new();
        loop {
            match self.next_frame(&mut scratch)? {
                Some(FrameHead::Hello(hello)) => return Ok(hello),
                Some(FrameHead::Batch { .. }) => return Err(WireError::MissingHello.into()),
                None => {}
            }
            if stop() {
                return Err(TransportError::Shutdown);
            }
            match self.fill()? {
                Fill::Eof => return Err(self.eof_reason()),
                Fill::Data(_) | Fill::Idle => self.check_silence(timeout)?,
            }
        }
    }
}

/// Checks a peer's hello against ours and returns the worker it names.
///
/// # Errors
/// [`TransportError::Handshake`] on another topology or plan, [`TransportError::BadWorkerId`] if
/// the worker id is not a decimal `u32`.
pub(crate) fn check_hello(ours: &Hello, theirs: &Hello) -> Result<WorkerId, TransportError> {
    ours.check_peer(theirs).map_err(TransportError::Handshake)?;
    WorkerId::from_hello_text(&theirs.worker_id)
        .ok_or_else(|| TransportError::BadWorkerId(theirs.worker_id.to_string()))
}

/// True if the batch just appended to `messages` (`count` of them) is a lone heartbeat.
pub(crate) fn is_heartbeat(messages: &[WireMessage], count: usize) -> bool {
    count == 1 && matches!(messages.last(), Some(WireMessage::Heartbeat))
}
