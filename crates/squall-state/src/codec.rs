//! How state is encoded: `postcard` for keys, values and checkpoint records, plus
//! [`StoredValue`], a tagged encoding of a tuple [`Value`].
//!
//! `Value`'s own serde implementation is untagged (it reads like JSON, through
//! `deserialize_any`), which a compact, non-self-describing format such as postcard cannot decode.
//! [`StoredValue`] writes the variant first, so tuple values can be state keys' parts, state
//! values, and deduplication identities.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::ser::{SerializeSeq, SerializeTuple};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smol_str::SmolStr;
use squall_api::Value;

/// Encodes `v` with postcard.
pub(crate) fn encode<T: Serialize + ?Sized>(v: &T) -> Result<Vec<u8>, postcard::Error> {
    postcard::to_stdvec(v)
}

/// Decodes a postcard encoding of `T`, requiring every byte to be used.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, postcard::Error> {
    let (v, rest) = postcard::take_from_bytes(bytes)?;
    if rest.is_empty() { Ok(v) } else { Err(postcard::Error::DeserializeBadEncoding) }
}

/// A tuple [`Value`] that can be stored in state: `KeyValueState<String, StoredValue>` keeps
/// arbitrary tuple values. Encoded with its variant tag, so integers stay apart from floats and
/// byte strings from lists.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct StoredValue(pub Value);

impl From<Value> for StoredValue {
    fn from(v: Value) -> Self {
        Self(v)
    }
}

impl From<StoredValue> for Value {
    fn from(v: StoredValue) -> Self {
        v.0
    }
}

impl Serialize for StoredValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        TaggedRef(&self.0).serialize(s)
    }
}

impl<'de> Deserialize<'de> for StoredValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Tagged::deserialize(d).map(|t| StoredValue(t.into_value()))
    }
}

/// Serializes a borrowed value in the tagged layout of [`Tagged`] without copying it.
pub(crate) struct TaggedRef<'a>(pub &'a Value);

const NAME: &str = "Value";

impl Serialize for TaggedRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit_variant(NAME, 0, "Null"),
            Value::Bool(b) => s.serialize_newtype_variant(NAME, 1, "Bool", b),
            Value::I64(n) => s.serialize_newtype_variant(NAME, 2, "I64", n),
            Value::F64(f) => s.serialize_newtype_variant(NAME, 3, "F64", f),
            Value::Str(v) => s.serialize_newtype_variant(NAME, 4, "Str", v.as_str()),
            Value::Bytes(b) => s.serialize_newtype_variant(NAME, 5, "Bytes", &ByteSeq(b)),
            Value::List(items) => s.serialize_newtype_variant(NAME, 6, "List", &Items(items)),
            Value::Map(map) => s.serialize_newtype_variant(NAME, 7, "Map", &Entries(map)),
        }
    }
}

/// Bytes as a sequence of `u8`, the layout `Vec<u8>` deserializes from.
struct ByteSeq<'a>(&'a [u8]);

impl Serialize for ByteSeq<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for b in self.0 {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
}

struct Items<'a>(&'a [Value]);

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for v in self.0 {
            seq.serialize_element(&TaggedRef(v))?;
        }
        seq.end()
    }
}

struct Entries<'a>(&'a BTreeMap<SmolStr, Value>);

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (k, v) in self.0 {
            seq.serialize_element(&Entry(k, v))?;
        }
        seq.end()
    }
}

struct Entry<'a>(&'a str, &'a Value);

impl Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(self.0)?;
        t.serialize_element(&TaggedRef(self.1))?;
        t.end()
    }
}

/// The owned, decodable twin of [`TaggedRef`]: variant order is the encoding and must not change.
#[derive(Deserialize)]
#[serde(rename = "Value")]
enum Tagged {
    Null,
    Bool(bool),
    I64(i64),
    F64(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<Tagged>),
    Map(Vec<(String, Tagged)>),
}

impl Tagged {
    fn into_value(self) -> Value {
        match self {
            Tagged::Null => Value::Null,
            Tagged::Bool(b) => Value::Bool(b),
            Tagged::I64(n) => Value::I64(n),
            Tagged::F64(f) => Value::F64(f),
            Tagged::Str(s) => Value::from(s),
            Tagged::Bytes(b) => Value::bytes(b),
            Tagged::List(items) => Value::list(items.into_iter().map(Tagged::into_value).collect()),
            Tagged::Map(entries) => {
                Value::map(entries.into_iter().map(|(k, v)| (SmolStr::from(k), v.into_value())).collect())
            }
        }
    }
}

/// Encodes a list of tuple values (an identity, a memoized output) canonically.
pub(crate) fn encode_values(values: &[&Value]) -> Vec<u8> {
    struct Seq<'a, 'b>(&'a [&'b Value]);
    impl Serialize for Seq<'_, '_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(Some(self.0.len()))?;
            for v in self.0 {
                seq.serialize_element(&TaggedRef(v))?;
            }
            seq.end()
        }
    }
    // Tagged values with known lengths always encode; postcard fails only on unknown lengths.
    encode(&Seq(values)).expect("tagged values always encode")
}

/// Decodes what [`encode_values`] wrote.
pub(crate) fn decode_values(bytes: &[u8]) -> Result<Vec<Value>, postcard::Error> {
    decode::<Vec<Tagged>>(bytes).map(|v| v.into_iter().map(Tagged::into_value).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::I64),
            any::<f64>().prop_filter("NaN never equals itself", |f| !f.is_nan()).prop_map(Value::F64),
            ".{0,30}".prop_map(Value::from),
            proptest::collection::vec(any::<u8>(), 0..20).prop_map(Value::bytes),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::list),
                proptest::collection::btree_map("[a-z]{0,5}".prop_map(SmolStr::from), inner, 0..4)
                    .prop_map(Value::map),
            ]
        })
    }

    proptest! {
        #[test]
        fn stored_values_round_trip(v in value()) {
            let bytes = encode(&StoredValue(v.clone())).unwrap();
            let back: StoredValue = decode(&bytes).unwrap();
            prop_assert_eq!(back.0, v);
        }

        #[test]
        fn value_lists_round_trip(vs in proptest::collection::vec(value(), 0..5)) {
            let refs: Vec<&Value> = vs.iter().collect();
            let bytes = encode_values(&refs);
            prop_assert_eq!(decode_values(&bytes).unwrap(), vs);
        }
    }

    #[test]
    fn integers_and_floats_stay_apart() {
        let a = encode(&StoredValue(Value::I64(1))).unwrap();
        let b = encode(&StoredValue(Value::F64(1.0))).unwrap();
        assert_ne!(a, b);
        assert_eq!(decode::<StoredValue>(&a).unwrap().0, Value::I64(1));
    }

    #[test]
    fn trailing_bytes_are_an_error() {
        let mut bytes = encode(&5u32).unwrap();
        bytes.push(0);
        assert!(decode::<u32>(&bytes).is_err());
    }
}
