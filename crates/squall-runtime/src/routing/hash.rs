//! The fields-grouping hash: a fixed, documented hash of the grouping values, identical in every
//! process, platform and release (changing it changes tuple placement, a breaking change like a
//! wire-format change).
//!
//! Each value is written in a canonical encoding (a one-byte tag, then: nothing for null; one byte
//! for a boolean; 8 little-endian bytes for an integer or a float's bits, with -0.0 written as 0.0
//! and every NaN as the canonical NaN; a little-endian u64 length then the bytes for strings and
//! byte strings; a u64 count then the items for lists; a u64 count then key/value pairs in key order
//! for maps) and the concatenation is hashed with XXH3-64, seed 0. One shortcut, the most common
//! key: a single string field hashes as XXH3-64 of its UTF-8 bytes with seed 4 (the string tag),
//! without building the encoding. This deliberately differs from Storm's Java `hashCode` (see
//! `storm-model.md` §2.2): mixed Storm/squall clusters are not a goal.
//!
//! A target is chosen from a hash `h` among `n` targets as `(h × n) >> 64` (the high half of the
//! 128-bit product): uniform like `h mod n`, without a division per tuple.

use smallvec::SmallVec;
use squall_api::Value;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Seed of the single-string shortcut (the string tag of the canonical encoding).
const STRING_SEED: u64 = 4;

/// The index in `0..n` that hash `h` selects: `(h × n) >> 64`.
#[inline]
pub fn pick(h: u64, n: usize) -> usize {
    ((u128::from(h) * n as u128) >> 64) as usize
}

/// The hash of the grouping values `values[indices[0]], values[indices[1]], ...`.
#[inline(always)]
pub fn fields_hash(values: &[Value], indices: &[usize]) -> u64 {
    if let [i] = indices
        && let Some(Value::Str(s)) = values.get(*i)
    {
        return xxh3_64_with_seed(s.as_bytes(), STRING_SEED);
    }
    encoded_hash(values, indices)
}

#[inline(never)]
fn encoded_hash(values: &[Value], indices: &[usize]) -> u64 {
    let mut buf: SmallVec<[u8; 64]> = SmallVec::new();
    for &i in indices {
        encode(values.get(i).unwrap_or(&Value::Null), &mut buf);
    }
    xxh3_64(&buf)
}

fn encode(v: &Value, buf: &mut SmallVec<[u8; 64]>) {
    match v {
        Value::Null => buf.push(0),
        Value::Bool(b) => buf.extend_from_slice(&[1, u8::from(*b)]),
        Value::I64(n) => {
            buf.push(2);
            buf.extend_from_slice(&n.to_le_bytes());
        }
        Value::F64(f) => {
            buf.push(3);
            let bits = if *f == 0.0 {
                0
            } else if f.is_nan() {
                f64::NAN.to_bits()
            } else {
                f.to_bits()
            };
            buf.extend_from_slice(&bits.to_le_bytes());
        }
        Value::Str(s) => {
            buf.push(4);
            buf.extend_from_slice(&(s.len() as u64).to_le_bytes());
            buf.extend_from_slice(s.as_bytes());
        }
        Value::Bytes(b) => {
            buf.push(5);
            buf.extend_from_slice(&(b.len() as u64).to_le_bytes());
            buf.extend_from_slice(b);
        }
        Value::List(items) => {
            buf.push(6);
            buf.extend_from_slice(&(items.len() as u64).to_le_bytes());
            for item in items.iter() {
                encode(item, buf);
            }
        }
        Value::Map(map) => {
            buf.push(7);
            buf.extend_from_slice(&(map.len() as u64).to_le_bytes());
            for (k, item) in map.iter() {
                buf.extend_from_slice(&(k.len() as u64).to_le_bytes());
                buf.extend_from_slice(k.as_bytes());
                encode(item, buf);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_fixed_across_releases() {
        // Pinned values: if these change, tuple placement changes for every user (a breaking change).
        let got = [
            fields_hash(&[Value::from("cow")], &[0]),
            fields_hash(&[Value::I64(42)], &[0]),
            fields_hash(&[Value::from("a"), Value::I64(1)], &[0, 1]),
            fields_hash(&[Value::from("a"), Value::I64(1)], &[1, 0]),
        ];
        assert_eq!(
            got,
            [0x4af0_ee5d_46ac_31a4, 0xa21e_1a86_7f97_0bec, 0x852b_fbb6_e041_d90a, 0x69b1_089c_cc5d_0ade]
        );
    }

    #[test]
    fn equal_numbers_hash_equal_and_order_matters() {
        assert_eq!(fields_hash(&[Value::F64(0.0)], &[0]), fields_hash(&[Value::F64(-0.0)], &[0]));
        assert_eq!(fields_hash(&[Value::F64(f64::NAN)], &[0]), fields_hash(&[Value::F64(-f64::NAN)], &[0]));
        assert_ne!(
            fields_hash(&[Value::from("ab"), Value::from("c")], &[0, 1]),
            fields_hash(&[Value::from("a"), Value::from("bc")], &[0, 1])
        );
    }
}
