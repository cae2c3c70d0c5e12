//! [`Reader`]: a bounds-checked cursor over one frame's payload. Every read checks what is left and
//! returns a typed error instead of panicking; counts are checked against the bytes that remain
//! before anything is allocated for them.

use bytes::Bytes;
use smol_str::SmolStr;
use squall_api::TaskId;

use crate::WireError;
use crate::varint::{self, MAX_LEN};

/// A cursor over a frozen payload. Byte strings are sliced out of it without copying.
pub(crate) struct Reader<'a> {
    buf: &'a Bytes,
    pos: usize,
    budget: usize,
    limit: usize,
}

type Result<T> = std::result::Result<T, WireError>;

impl<'a> Reader<'a> {
    /// A reader over `buf` with `budget` bytes of decoded-structure memory to spend.
    pub(crate) fn new(buf: &'a Bytes, budget: usize) -> Self {
        Self { buf, pos: 0, budget, limit: budget }
    }

    /// Bytes not yet read.
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn truncated(&self, what: &'static str, needed: usize) -> WireError {
        WireError::Truncated { what, needed, available: self.remaining() }
    }

    /// Spends `cost` of the memory budget.
    pub(crate) fn charge(&mut self, cost: usize) -> Result<()> {
        self.budget = self.budget.checked_sub(cost).ok_or(WireError::BudgetExceeded { limit: self.limit })?;
        Ok(())
    }

    /// One byte.
    #[inline]
    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8> {
        let b = *self.buf.get(self.pos).ok_or_else(|| self.truncated(what, 1))?;
        self.pos += 1;
        Ok(b)
    }

    /// The next `n` bytes, borrowed.
    #[inline]
    pub(crate) fn slice(&mut self, n: usize, what: &'static str) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or_else(|| self.truncated(what, n))?;
        let buf: &'a Bytes = self.buf;
        let s = buf.get(self.pos..end).ok_or_else(|| self.truncated(what, n))?;
        self.pos = end;
        Ok(s)
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
        let a = <[u8; 8]>::try_from(s).map_err(|_| WireError::Truncated { what, needed: 8, available: 0 })?;
        Ok(u64::from_le_bytes(a))
    }

    /// A little-endian `u32` (f32 bits).
    pub(crate) fn u32_le(&mut self, what: &'static str) -> Result<u32> {
        let s = self.slice(4, what)?;
        let a = <[u8; 4]>::try_from(s).map_err(|_| WireError::Truncated { what, needed: 4, available: 0 })?;
        Ok(u32::from_le_bytes(a))
    }

    /// An unsigned LEB128 varint in its shortest form.
    #[inline]
    pub(crate) fn varint(&mut self, what: &'static str) -> Result<u64> {
        let rest = self.buf.get(self.pos..).unwrap_or_default();
        let first = *rest.first().ok_or_else(|| self.truncated(what, 1))?;
        if first < 0x80 {
            self.pos += 1;
            return Ok(u64::from(first));
        }
        let mut v = u64::from(first & 0x7f);
        for i in 1..MAX_LEN {
            let b = *rest.get(i).ok_or_else(|| self.truncated(what, i + 1))?;
            if i == MAX_LEN - 1 && b > 1 {
                return Err(WireError::VarintTooLong { what });
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                if b == 0 {
                    return Err(WireError::NonCanonicalVarint { what });
                }
                self.pos += i + 1;
                return Ok(v);
            }
        }
        Err(WireError::VarintTooLong { what })
    }

    /// A varint that must fit a `u32` (stream indices).
    pub(crate) fn varint_u32(&mut self, what: &'static str) -> Result<u32> {
        let v = self.varint(what)?;
        u32::try_from(v).map_err(|_| WireError::IntegerOutOfRange { what, value: v })
    }

    /// A zigzag varint that must fit an `i32`: a task id.
    #[inline]
    pub(crate) fn task(&mut self, what: &'static str) -> Result<TaskId> {
        Ok(TaskId(varint::unzigzag32(self.varint_u32(what)?)))
    }

    /// A zigzag varint `i64`.
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
            return Err(WireError::CountTooLarge { what, count, remaining });
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
        let s = std::str::from_utf8(s).map_err(|_| WireError::InvalidUtf8 { what })?;
        Ok(SmolStr::new(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_varint(bytes: &[u8]) -> Result<u64> {
        let b = Bytes::copy_from_slice(bytes);
        Reader::new(&b, 0).varint("test")
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
        let b = Bytes::from_static(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(Reader::new(&b, 0).varint_u32("x").unwrap(), u32::MAX);
        let b = Bytes::from_static(&[0x80, 0x80, 0x80, 0x80, 0x10]);
        assert!(matches!(Reader::new(&b, 0).varint_u32("x"), Err(WireError::IntegerOutOfRange { .. })));
        let b = Bytes::from_static(&[0x01]);
        assert_eq!(Reader::new(&b, 0).task("x").unwrap(), TaskId(-1));
    }

    #[test]
    fn counts_are_bounded_by_remaining_bytes_and_budget() {
        let b = Bytes::from_static(&[3, 0, 0, 0]);
        assert_eq!(Reader::new(&b, 100).count("x", 1, 1).unwrap(), 3);
        assert!(matches!(Reader::new(&b, 100).count("x", 2, 1), Err(WireError::CountTooLarge { .. })));
        assert!(matches!(Reader::new(&b, 2).count("x", 1, 1), Err(WireError::BudgetExceeded { limit: 2 })));
    }

    #[test]
    fn strings_must_be_utf8() {
        let b = Bytes::from_static(&[2, 0xc3, 0x28]);
        assert!(matches!(Reader::new(&b, 0).str("s"), Err(WireError::InvalidUtf8 { what: "s" })));
        let b = Bytes::from_static(&[2, b'h', b'i']);
        assert_eq!(Reader::new(&b, 0).str("s").unwrap(), "hi");
    }
}
