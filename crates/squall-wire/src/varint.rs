//! LEB128 varints and zigzag mapping: small integers take one byte.

use bytes::{BufMut, BytesMut};

/// The longest encoding of a `u64`.
pub(crate) const MAX_LEN: usize = 10;

/// Appends `v` as an unsigned LEB128 varint: 7 bits per byte, least significant group first, high
/// bit set on every byte but the last.
#[inline]
pub(crate) fn put(dst: &mut BytesMut, mut v: u64) {
    if v < 0x80 {
        dst.put_u8(v as u8);
        return;
    }
    let mut buf = [0u8; MAX_LEN];
    let mut i = 0;
    while v >= 0x80 {
        buf[i] = (v as u8) | 0x80;
        v >>= 7;
        i += 1;
    }
    buf[i] = v as u8;
    dst.put_slice(&buf[..=i]);
}

/// Maps a signed integer to an unsigned one so that small magnitudes stay small: 0, −1, 1, −2 …
/// become 0, 1, 2, 3 …
#[inline]
pub(crate) fn zigzag64(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// Inverse of [`zigzag64`].
#[inline]
pub(crate) fn unzigzag64(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

/// Zigzag for 32-bit task ids.
#[inline]
pub(crate) fn zigzag32(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

/// Inverse of [`zigzag32`].
#[inline]
pub(crate) fn unzigzag32(u: u32) -> i32 {
    ((u >> 1) as i32) ^ -((u & 1) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(v: u64) -> Vec<u8> {
        let mut b = BytesMut::new();
        put(&mut b, v);
        b.to_vec()
    }

    #[test]
    fn known_encodings() {
        assert_eq!(encoded(0), [0]);
        assert_eq!(encoded(127), [0x7f]);
        assert_eq!(encoded(128), [0x80, 0x01]);
        assert_eq!(encoded(300), [0xac, 0x02]);
        assert_eq!(encoded(u64::MAX), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    }

    #[test]
    fn zigzag_orders_by_magnitude() {
        assert_eq!([0, -1, 1, -2, 2].map(zigzag64), [0, 1, 2, 3, 4]);
        assert_eq!(zigzag64(i64::MIN), u64::MAX);
        assert_eq!(zigzag32(i32::MIN), u32::MAX);
        for v in [0, 1, -1, i64::MAX, i64::MIN, 12345, -98765] {
            assert_eq!(unzigzag64(zigzag64(v)), v);
        }
        for v in [0, 1, -1, i32::MAX, i32::MIN] {
            assert_eq!(unzigzag32(zigzag32(v)), v);
        }
    }
}
