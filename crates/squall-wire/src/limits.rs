//! [`Limits`]: the bounds a decoder enforces (and an encoder respects, so its frames always decode).

use std::mem::size_of;

use smol_str::SmolStr;
use squall_api::Value;

use crate::WireMessage;

/// Bounds on what one frame may hold. Both ends of a connection must use the same limits (the
/// defaults unless configured otherwise); a frame built under larger limits than the receiver's is
/// refused by the receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest payload (the header's length field), in bytes. Checked from the header, before the
    /// payload is buffered. Values above `u32::MAX` act as `u32::MAX`. Default 16 MiB.
    pub max_frame_len: usize,
    /// Deepest nesting of lists and maps inside a value; a list holding a list has depth 2.
    /// Bounds the decoder's (and encoder's) recursion. Default 64.
    pub max_depth: usize,
    /// Memory budget for the decoded structures of one frame beyond the frame's own bytes: each
    /// message, value, map entry, anchor and task-list entry is charged its in-memory size (see
    /// FORMAT.md, "Memory budget"). Strings and byte strings are not charged: they never take more
    /// than the frame itself. Caps how much a small frame can expand into (a 1-byte `Null` becomes
    /// a whole [`Value`], a 1-byte heartbeat a whole [`WireMessage`]). Default 64 MiB.
    pub max_decoded_bytes: usize,
}

impl Limits {
    /// The defaults: 16 MiB frames, depth 64, 64 MiB decoded budget.
    pub const DEFAULT: Limits =
        Limits { max_frame_len: 16 << 20, max_depth: 64, max_decoded_bytes: 64 << 20 };

    /// The payload limit, clamped to what the header's `u32` length field can express.
    pub(crate) fn payload_limit(&self) -> usize {
        self.max_frame_len.min(u32::MAX as usize)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What each decoded element is charged against [`Limits::max_decoded_bytes`]. Encoder and decoder
/// compute the same sums from the same content, so a frame the encoder accepted always fits the
/// decoder's budget.
pub(crate) mod cost {
    use super::*;

    /// One message in a batch.
    pub(crate) const MESSAGE: usize = size_of::<WireMessage>();
    /// One value in a tuple or list.
    pub(crate) const VALUE: usize = size_of::<Value>();
    /// One map entry (key and value; node overhead is not counted).
    pub(crate) const MAP_ENTRY: usize = size_of::<SmolStr>() + size_of::<Value>();
    /// One (root, edge) anchor.
    pub(crate) const ANCHOR: usize = 16;
    /// One task id in a backpressure list.
    pub(crate) const TASK: usize = 4;
    /// One (task, load) pair.
    pub(crate) const LOAD: usize = 8;
}
