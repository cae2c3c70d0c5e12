//! Encoding of [`Value`]s: one tag byte, then the payload. See FORMAT.md, "Values".

use std::collections::BTreeMap;

use bytes::{BufMut, BytesMut};
use smol_str::SmolStr;
use squall_api::Value;

use crate::WireError;
use crate::limits::cost;
use crate::reader::{Reader, Result as ReadResult};
use crate::varint;

/// Value tags. Stable within a format version.
pub(crate) mod tag {
    pub(crate) const NULL: u8 = 0x00;
    pub(crate) const FALSE: u8 = 0x01;
    pub(crate) const TRUE: u8 = 0x02;
    pub(crate) const I64: u8 = 0x03;
    pub(crate) const F64: u8 = 0x04;
    pub(crate) const STR: u8 = 0x05;
    pub(crate) const BYTES: u8 = 0x06;
    pub(crate) const LIST: u8 = 0x07;
    pub(crate) const MAP: u8 = 0x08;
}

/// Appends a length-prefixed string.
#[inline]
pub(crate) fn put_str(dst: &mut BytesMut, s: &str) {
    varint::put(dst, s.len() as u64);
    dst.put_slice(s.as_bytes());
}

/// Appends `v`, found at nesting `depth` (0 for a tuple field), refusing lists and maps nested
/// `max_depth` deep. Returns what the decoder will charge for it against its memory budget.
///
/// On error `dst` may hold part of the value; callers roll back to their mark.
pub(crate) fn encode_value(
    dst: &mut BytesMut,
    v: &Value,
    depth: usize,
    max_depth: usize,
) -> Result<usize, WireError> {
    match v {
        Value::Null => dst.put_u8(tag::NULL),
        Value::Bool(false) => dst.put_u8(tag::FALSE),
        Value::Bool(true) => dst.put_u8(tag::TRUE),
        Value::I64(i) => {
            dst.put_u8(tag::I64);
            varint::put(dst, varint::zigzag64(*i));
        }
        Value::F64(f) => {
            dst.put_u8(tag::F64);
            dst.put_u64_le(f.to_bits());
        }
        Value::Str(s) => {
            dst.put_u8(tag::STR);
            put_str(dst, s);
        }
        Value::Bytes(b) => {
            dst.put_u8(tag::BYTES);
            varint::put(dst, b.len() as u64);
            dst.put_slice(b);
        }
        Value::List(items) => {
            if depth >= max_depth {
                return Err(WireError::TooDeep { limit: max_depth });
            }
            dst.put_u8(tag::LIST);
            varint::put(dst, items.len() as u64);
            let mut charged = items.len() * cost::VALUE;
            for item in items.iter() {
                charged += encode_value(dst, item, depth + 1, max_depth)?;
            }
            return Ok(charged);
        }
        Value::Map(map) => {
            if depth >= max_depth {
                return Err(WireError::TooDeep { limit: max_depth });
            }
            dst.put_u8(tag::MAP);
            varint::put(dst, map.len() as u64);
            let mut charged = map.len() * cost::MAP_ENTRY;
            for (k, item) in map.iter() {
                put_str(dst, k);
                charged += encode_value(dst, item, depth + 1, max_depth)?;
            }
            return Ok(charged);
        }
    }
    Ok(0)
}

/// Reads one value found at nesting `depth`. Recursion is bounded by `max_depth`.
///
/// Scalars are decoded inline in the caller, so the value is built where it is stored; returning
/// a `Value` from an out-of-line call cost a store-forwarding stall per value. Lists and maps go
/// through [`decode_container`].
#[inline(always)]
pub(crate) fn decode_value(r: &mut Reader<'_>, depth: usize, max_depth: usize) -> ReadResult<Value> {
    Ok(match r.u8("value tag")? {
        tag::NULL => Value::Null,
        tag::FALSE => Value::Bool(false),
        tag::TRUE => Value::Bool(true),
        tag::I64 => Value::I64(r.i64("integer value")?),
        tag::F64 => Value::F64(f64::from_bits(r.u64_le("float value")?)),
        tag::STR => Value::Str(r.str("string value")?),
        tag::BYTES => {
            let n = r.count("bytes value", 1, 0)?;
            // `From` rather than a variant: works whether or not `Value` boxes its byte strings.
            Value::from(r.bytes(n, "bytes value")?)
        }
        t @ (tag::LIST | tag::MAP) => decode_container(r, t, depth, max_depth)?,
        other => return Err(r.fail(WireError::UnknownValueTag(other))),
    })
}

/// Reads the rest of a list or map whose tag was `t`.
#[inline(never)]
fn decode_container(r: &mut Reader<'_>, t: u8, depth: usize, max_depth: usize) -> ReadResult<Value> {
    if depth >= max_depth {
        return Err(r.fail(WireError::TooDeep { limit: max_depth }));
    }
    if t == tag::LIST {
        let n = r.count("list", 1, cost::VALUE)?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(decode_value(r, depth + 1, max_depth)?);
        }
        return Ok(Value::from(items));
    }
    let n = r.count("map", 2, cost::MAP_ENTRY)?;
    let mut entries: Vec<(SmolStr, Value)> = Vec::with_capacity(n);
    for _ in 0..n {
        let key = r.str("map key")?;
        if entries.last().is_some_and(|(prev, _)| prev.as_str() >= key.as_str()) {
            return Err(r.fail(WireError::UnorderedMapKeys));
        }
        let item = decode_value(r, depth + 1, max_depth)?;
        entries.push((key, item));
    }
    // Already strictly sorted, so this builds the tree in one pass.
    Ok(Value::from(entries.into_iter().collect::<BTreeMap<_, _>>()))
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn enc(v: &Value) -> Vec<u8> {
        let mut b = BytesMut::new();
        encode_value(&mut b, v, 0, 64).unwrap();
        b.to_vec()
    }

    fn dec(bytes: &[u8]) -> Result<Value, WireError> {
        let b = Bytes::copy_from_slice(bytes);
        let mut r = Reader::new(&b, usize::MAX);
        let v = decode_value(&mut r, 0, 64).map_err(|bail| r.take_error(bail))?;
        assert_eq!(r.remaining(), 0, "value left bytes unread");
        Ok(v)
    }

    #[test]
    fn scalars_have_the_documented_bytes() {
        assert_eq!(enc(&Value::Null), [0x00]);
        assert_eq!(enc(&Value::Bool(false)), [0x01]);
        assert_eq!(enc(&Value::Bool(true)), [0x02]);
        assert_eq!(enc(&Value::I64(-1)), [0x03, 0x01]);
        assert_eq!(enc(&Value::I64(64)), [0x03, 0x80, 0x01]);
        assert_eq!(enc(&Value::F64(1.0)), [0x04, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
        assert_eq!(enc(&Value::from("hi")), [0x05, 0x02, b'h', b'i']);
        assert_eq!(enc(&Value::from(vec![1u8, 2])), [0x06, 0x02, 1, 2]);
        assert_eq!(enc(&Value::from(vec![Value::Null])), [0x07, 0x01, 0x00]);
        let map = BTreeMap::from([(SmolStr::new("a"), Value::Bool(true))]);
        assert_eq!(enc(&Value::from(map)), [0x08, 0x01, 0x01, b'a', 0x02]);
    }

    #[test]
    fn floats_round_trip_bit_exact() {
        for bits in
            [0x7ff8_0000_0000_0001u64, 0xfff4_0000_dead_beef, (-0.0f64).to_bits(), f64::INFINITY.to_bits()]
        {
            let Value::F64(f) = dec(&enc(&Value::F64(f64::from_bits(bits)))).unwrap() else { panic!() };
            assert_eq!(f.to_bits(), bits);
        }
    }

    #[test]
    fn long_strings_and_bytes_round_trip() {
        let s = "é".repeat(100_000);
        assert_eq!(dec(&enc(&Value::from(s.as_str()))).unwrap(), Value::from(s.as_str()));
        let b = Bytes::from(vec![7u8; 300_000]);
        assert_eq!(dec(&enc(&Value::from(b.clone()))).unwrap(), Value::from(b));
    }

    #[test]
    fn map_keys_must_ascend_strictly() {
        assert!(matches!(dec(&[0x08, 2, 1, b'b', 0, 1, b'a', 0]), Err(WireError::UnorderedMapKeys)));
        assert!(matches!(dec(&[0x08, 2, 1, b'a', 0, 1, b'a', 0]), Err(WireError::UnorderedMapKeys)));
        assert!(dec(&[0x08, 2, 1, b'a', 0, 1, b'b', 0]).is_ok());
    }

    #[test]
    fn depth_limit_applies_both_ways() {
        let mut v = Value::Null;
        for _ in 0..64 {
            v = Value::from(vec![v]);
        }
        let bytes = enc(&v);
        assert!(dec(&bytes).is_ok());
        let deeper = Value::from(vec![v]);
        let mut b = BytesMut::new();
        assert!(matches!(encode_value(&mut b, &deeper, 0, 64), Err(WireError::TooDeep { limit: 64 })));
        let mut bytes = bytes;
        bytes.splice(0..0, [0x07, 0x01]);
        assert!(matches!(dec(&bytes), Err(WireError::TooDeep { limit: 64 })));
    }

    #[test]
    fn bad_tags_and_counts_are_errors() {
        assert!(matches!(dec(&[0x09]), Err(WireError::UnknownValueTag(0x09))));
        assert!(matches!(dec(&[0x07, 0xff, 0xff, 0xff, 0xff, 0x0f]), Err(WireError::CountTooLarge { .. })));
        assert!(matches!(dec(&[0x05, 0x03, b'a']), Err(WireError::CountTooLarge { .. })));
        assert!(matches!(dec(&[0x04, 0, 0]), Err(WireError::Truncated { .. })));
        assert!(matches!(dec(&[0x05, 0x01, 0xff]), Err(WireError::InvalidUtf8 { .. })));
    }

    #[test]
    fn bytes_are_sliced_not_copied() {
        let frame = Bytes::from(enc(&Value::from(Bytes::from(vec![9u8; 1000]))));
        let mut r = Reader::new(&frame, usize::MAX);
        let Value::Bytes(b) = decode_value(&mut r, 0, 64).unwrap() else { panic!() };
        assert_eq!(b.as_ptr(), frame[3..].as_ptr());
    }
}
