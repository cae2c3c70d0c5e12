//! [`WireError`]: everything that can go wrong encoding or decoding a frame.

use std::io;

use smol_str::SmolStr;

/// An error of the wire codec.
///
/// **Decoding errors are final for the connection.** Once a decoder returns an error, the byte stream
/// can no longer be trusted to be aligned on a frame boundary: the caller must close the connection
/// (and may reconnect, starting over with a [`Hello`](crate::Hello)). Encoding errors leave the
/// output buffer exactly as it was before the failed call, so the connection stays usable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The first two bytes of a frame are not squall's magic: the peer speaks another protocol or
    /// the stream lost its framing.
    #[error("bad magic bytes {found:02x?}: not a squall wire frame")]
    BadMagic {
        /// The bytes found where the magic belongs.
        found: [u8; 2],
    },
    /// The frame's format version is not the one this build speaks.
    #[error("unsupported wire format version {found} (this side speaks version {supported})")]
    UnsupportedVersion {
        /// The version in the frame header.
        found: u8,
        /// The version this build speaks ([`FORMAT_VERSION`](crate::FORMAT_VERSION)).
        supported: u8,
    },
    /// The frame header names a kind this version does not define.
    #[error("unknown frame kind {0:#04x}")]
    UnknownFrameKind(u8),
    /// A frame's payload length exceeds [`Limits::max_frame_len`](crate::Limits::max_frame_len):
    /// announced by a peer, or reached by a single message being encoded.
    #[error("frame payload of {len} bytes exceeds the limit of {max} bytes")]
    FrameTooLarge {
        /// The payload length announced or needed.
        len: u64,
        /// The limit in force.
        max: usize,
    },
    /// The batch being written cannot take this message without exceeding a limit; finish the
    /// frame and push the message into a new one. Never returned for the first message of a batch.
    #[error("batch is full: finish this frame and start another")]
    BatchFull,
    /// The decoded structures (messages, values, map entries, anchors, task lists) of one frame
    /// would take more memory than [`Limits::max_decoded_bytes`](crate::Limits::max_decoded_bytes).
    #[error("decoded frame would exceed the memory budget of {limit} bytes")]
    BudgetExceeded {
        /// The budget in force.
        limit: usize,
    },
    /// A frame's payload ended in the middle of an item.
    #[error("truncated frame: {what} needs {needed} bytes but only {available} remain")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Bytes needed to read it.
        needed: usize,
        /// Bytes left in the payload.
        available: usize,
    },
    /// A message starts with a tag this version does not define.
    #[error("unknown message tag {0:#04x}")]
    UnknownMessageTag(u8),
    /// A value starts with a tag this version does not define.
    #[error("unknown value tag {0:#04x}")]
    UnknownValueTag(u8),
    /// A string (value, map key, topology or worker id) is not valid UTF-8.
    #[error("{what} is not valid UTF-8")]
    InvalidUtf8 {
        /// Which string.
        what: &'static str,
    },
    /// A varint runs past 10 bytes or beyond 64 bits.
    #[error("{what}: varint longer than 10 bytes or beyond 64 bits")]
    VarintTooLong {
        /// What was being read.
        what: &'static str,
    },
    /// A varint is not in its shortest form (a trailing zero byte). The format is canonical: one
    /// value has exactly one encoding.
    #[error("{what}: varint is not minimally encoded")]
    NonCanonicalVarint {
        /// What was being read.
        what: &'static str,
    },
    /// An integer does not fit its field (a task id beyond `i32`, a stream index beyond `u32`).
    #[error("{what}: {value} is out of range")]
    IntegerOutOfRange {
        /// What was being read.
        what: &'static str,
        /// The raw decoded value.
        value: u64,
    },
    /// Lists and maps are nested deeper than [`Limits::max_depth`](crate::Limits::max_depth).
    #[error("values nested deeper than the limit of {limit}")]
    TooDeep {
        /// The limit in force.
        limit: usize,
    },
    /// An element count is larger than the rest of the payload could possibly hold.
    #[error("{what}: count {count} exceeds what the remaining {remaining} bytes can hold")]
    CountTooLarge {
        /// What was being counted.
        what: &'static str,
        /// The announced count.
        count: u64,
        /// Bytes left in the payload.
        remaining: usize,
    },
    /// Map keys are not in strictly ascending byte order (unsorted or duplicated).
    #[error("map keys are not in strictly ascending order")]
    UnorderedMapKeys,
    /// A hello payload has bytes after its last field.
    #[error("{0} unexpected bytes after the hello's fields")]
    TrailingBytes(usize),
    /// The first frame of a connection is not a hello (or a batch was encoded before the hello).
    #[error("the first frame of a connection must be a hello")]
    MissingHello,
    /// A second hello on one connection.
    #[error("a connection carries exactly one hello")]
    DuplicateHello,
    /// The peer runs another topology.
    #[error("peer belongs to topology {theirs:?}, this worker to {ours:?}")]
    TopologyMismatch {
        /// Our topology id.
        ours: SmolStr,
        /// The peer's topology id.
        theirs: SmolStr,
    },
    /// The peer runs the same topology under a different plan (e.g. mid-rebalance).
    #[error("peer's plan fingerprint {theirs:#018x} differs from ours {ours:#018x}")]
    PlanMismatch {
        /// Our plan fingerprint.
        ours: u64,
        /// The peer's plan fingerprint.
        theirs: u64,
    },
    /// The stream ended in the middle of a frame.
    #[error("connection closed in the middle of a frame ({0} bytes pending)")]
    UnexpectedEof(usize),
    /// The underlying transport failed (reported through the `tokio-util` codec traits).
    #[error(transparent)]
    Io(#[from] io::Error),
}
