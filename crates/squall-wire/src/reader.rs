//! [`Reader`]: a bounds-checked cursor over one frame's payload. Every read checks what is left and
//! returns a typed error instead of panicking; counts are checked against the bytes that remain
//! before anything is allocated for them.

use bytes::Bytes;
use smol_str::SmolStr;
use squall_api::TaskId;

use crate::WireError;
use crate::varint::{self, MAX_LEN};

/// A cursor over a frozen payload. Byte strings are sliced out of it without copying.
///
/// Reads fail with the zero-sized [`Bail`] and park the detailed [`WireError`] in the reader
/// ([`Reader::take_error`]): results then stay as small as the values they carry, which keeps the
/// decoder's hot path free of large moves (about a third faster than `Result<_, WireError>`).
pub(crate) struct Reader<'a> {
    buf: &'a Bytes,
    pos: usize,
    budget: usize,
    limit: usize,
    error: Option<WireError>,
}

/// A failed read; the reason is in the reader. Only [`Reader::fail`] makes one.
#[derive(Debug)]
pub(crate) struct Bail(());

pub(crate) type Result<T> = std::result::Result<T, Bail>;

impl<'a> Reader<'a> {
    /// A reader over `buf` with `budget` bytes of decoded-structure memory to spend.
    pub(crate) fn new(buf: &'a Bytes, budget: usize) -> Self {
        Self { buf, pos: 0, budget, limit: budget, error: None }
    }

    /// Records why decoding stops.
    #[cold]
    pub(crate) fn fail(&mut self, e: WireError) -> Bail {
        self.error = Some(e);
        Bail(())
    }

    /// The error behind a [`Bail`].
    pub(crate) fn take_error(&mut self, _: Bail) -> WireError {
        self.error.take().expect("a Bail is only made by Reader::fail, which records the error")
    }

    /// Bytes not yet read.
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    #[cold]
    fn truncated(&mut self, what: &'static str, needed: usize) -> Bail {
        let available = self.remaining();
        self.fail(WireError::Truncated { what, needed, available })
    }

    /// Spends `cost` of the memory budget.
    #[inline]
    pub(crate) fn charge(&mut self, cost: usize) -> Result<()> {
        match self.budget.checked_sub(cost) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => Err(self.fail(WireError::BudgetExceeded { limit: self.limit })),
        }
    }

    /// One byte.
    #[inline]
    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8> {
        match self.buf.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.truncated(what, 1)),
        }
    }

    /// The next `n` bytes, borrowed.
    #[inline]
    pub(crate) fn slice(&mut self, n: usize, what: &'static str) -> Result<&'a [u8]> {
        let buf: &'a Bytes = self.buf;
        match self.pos.checked_add(n).and_then(|end| buf.get(self.pos..end)) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => Err(self.truncated(what, n)),
        }
    }

    /// The next `n` bytes as a zero-copy slice of the payload.
    pub(crate) fn bytes(&mut self, n: usize, what: &'static str) -> Result<Bytes> {
        if n > self.remaining() {
            return Err(self.truncated(what, n));
        }
        let b = self.buf.slice(self.pos..self.pos + n);
        self.pos += n;
        Ok(b)
    }

    /// A little-endian `u64` (roots, edges, fingerprints, float bits).
    #[inline]
    pub(crate) fn u64_le(&mut self, what: &'static str) -> Result<u64> {
        let s = self.slice(8, what)?;
        match <[u8; 8]>::try_from(s) {
            Ok(a) => Ok(u64::from_le_bytes(a)),
            Err(_) => Err(self.truncated(what, 8)),
        }
    }

    /// A little-endian `u32` (f32 bits).
    pub(crate) fn u32_le(&mut self, what: &'static str) -> Result<u32> {
        let s = self.slice(4, what)?;
        match <[u8; 4]>::try_from(s) {
            Ok(a) => Ok(u32::from_le_bytes(a)),
            Err(_) => Err(self.truncated(what, 4)),
        }
    }

    /// An unsigned LEB128 varint in its shortest form.
    #[inline]
    pub(crate) fn varint(&mut self, what: &'static str) -> Result<u64> {
        let buf: &'a Bytes = self.buf;
        let rest = buf.get(self.pos..).unwrap_or_default();
        let Some(&first) = rest.first() else {
            return Err(self.truncated(what, 1));
        };
        if first < 0x80 {
            self.pos += 1;
            return Ok(u64::from(first));
        }
        self.varint_slow(rest, what)
    }

    fn varint_slow(&mut self, rest: &[u8], what: &'static str) -> Result<u64> {
        let mut v = 0u64;
        for i in 0..MAX_LEN {
            let Some(&b) = rest.get(i) else {
                return Err(self.truncated(what, i + 1));
            };
            if i == MAX_LEN - 1 && b > 1 {
                return Err(self.fail(WireError::VarintTooLong { what }));
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                if b == 0 && i > 0 {
                    return Err(self.fail(WireError::NonCanonicalVarint { what }));
                }
                self.pos += i + 1;
                return Ok(v);
            }
        }
        Err(self.fail(WireError::VarintTooLong { what }))
    }

    /// A varint that must fit a `u32` (stream indices).
    #[inline]
    pub(crate) fn varint_u32(&mut self, what: &'static str) -> Result<u32> {
        let v = self.varint(what)?;
        u32::try_from(v).map_err(|_| self.fail(WireError::IntegerOutOfRange { what, value: v }))
    }

    /// A zigzag varint that must fit an `i32`: a task id.
    #[inline]
    pub(crate) fn task(&mut self, what: &'static str) -> Result<TaskId> {
        Ok(TaskId(varint::unzigzag32(self.varint_u32(what)?)))
    }

    /// A zigzag varint `i64`.
    #[inline]
    pub(crate) fn i64(&mut self, what: &'static str) -> Result<i64> {
        Ok(varint::unzigzag64(self.varint(what)?))
    }

    /// An element count, checked against the remaining bytes (each element takes at least
    /// `min_size` of them) and charged `mem_each` per element against the memory budget.
    #[inline]
    pub(crate) fn count(&mut self, what: &'static str, min_size: usize, mem_each: usize) -> Result<usize> {
        let count = self.varint(what)?;
        let remaining = self.remaining();
        let fits = (remaining / min_size.max(1)) as u64;
        if count > fits {
            return Err(self.fail(WireError::CountTooLarge { what, count, remaining }));
        }
        // `count <= remaining`, so it fits a usize.
        let n = count as usize;
        self.charge(n.saturating_mul(mem_each))?;
        Ok(n)
    }

    /// A length-prefixed UTF-8 string.
    #[inline]
    pub(crate) fn str(&mut self, what: &'static str) -> Result<SmolStr> {
        let n = self.count(what, 1, 0)?;
        let s = self.slice(n, what)?;
        match std::str::from_utf8(s) {
            Ok(s) => Ok(SmolStr::new(s)),
            Err(_) => Err(self.fail(WireError::InvalidUtf8 { what })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `f` on a reader over `bytes`, turning a bail into its error.
    fn read<T>(
        bytes: &[u8],
        budget: usize,
        f: impl FnOnce(&mut Reader<'_>) -> Result<T>,
    ) -> std::result::Result<T, WireError> {
        let b = Bytes::copy_from_slice(bytes);
        let mut r = Reader::new(&b, budget);
        f(&mut r).map_err(|bail| r.take_error(bail))
    }

    fn read_varint(bytes: &[u8]) -> std::result::Result<u64, WireError> {
        read(bytes, 0, |r| r.varint("test"))
    }

    #[test]
    fn varints_decode_and_reject_bad_forms() {
        assert_eq!(read_varint(&[0]).unwrap(), 0);
        assert_eq!(read_varint(&[0xac, 0x02]).unwrap(), 300);
        assert_eq!(read_varint(&[0xff; 9].iter().copied().chain([1]).collect::<Vec<_>>()).unwrap(), u64::MAX);
        assert!(matches!(read_varint(&[0x80, 0x00]), Err(WireError::NonCanonicalVarint { .. })));
        assert!(matches!(read_varint(&[0x80]), Err(WireError::Truncated { .. })));
        assert!(matches!(read_varint(&[]), Err(WireError::Truncated { .. })));
        assert!(matches!(
            read_varint(&[0xff; 9].iter().copied().chain([2]).collect::<Vec<_>>()),
            Err(WireError::VarintTooLong { .. })
        ));
        assert!(matches!(read_varint(&[0xff; 11]), Err(WireError::VarintTooLong { .. })));
    }

    #[test]
    fn u32_and_task_ranges() {
        assert_eq!(read(&[0xff, 0xff, 0xff, 0xff, 0x0f], 0, |r| r.varint_u32("x")).unwrap(), u32::MAX);
        let too_big = read(&[0x80, 0x80, 0x80, 0x80, 0x10], 0, |r| r.varint_u32("x"));
        assert!(matches!(too_big, Err(WireError::IntegerOutOfRange { .. })));
        assert_eq!(read(&[0x01], 0, |r| r.task("x")).unwrap(), TaskId(-1));
    }

    #[test]
    fn counts_are_bounded_by_remaining_bytes_and_budget() {
        let b = [3, 0, 0, 0];
        assert_eq!(read(&b, 100, |r| r.count("x", 1, 1)).unwrap(), 3);
        assert!(matches!(read(&b, 100, |r| r.count("x", 2, 1)), Err(WireError::CountTooLarge { .. })));
        assert!(matches!(read(&b, 2, |r| r.count("x", 1, 1)), Err(WireError::BudgetExceeded { limit: 2 })));
    }

    #[test]
    fn strings_must_be_utf8() {
        assert!(matches!(
            read(&[2, 0xc3, 0x28], 0, |r| r.str("s")),
            Err(WireError::InvalidUtf8 { what: "s" })
        ));
        assert_eq!(read(&[2, b'h', b'i'], 0, |r| r.str("s")).unwrap(), "hi");
    }
}
