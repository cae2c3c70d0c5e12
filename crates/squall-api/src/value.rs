//! [`Value`]: the dynamic type of a tuple field.
//!
//! It holds what JSON holds (null, booleans, numbers, strings, lists, maps) plus 64-bit integers kept
//! apart from floats, and raw bytes, so multilang components (which exchange JSON) and Rust components
//! see the same data. Strings are [`SmolStr`]: short ones (up to 23 bytes, e.g. words) live inline
//! and cloning any string is O(1), which keeps the tuple path free of allocations for typical keys.
//!
//! A `Value` is 24 bytes: lists, maps and byte strings are boxed so that the common scalar and
//! string values keep tuples small (a tuple is moved several times between emit and execute, and
//! its size is what bounds a batched hand-off between threads). Build them with [`Value::list`],
//! [`Value::map`] and [`Value::bytes`], or `From`.

use std::collections::BTreeMap;
use std::fmt;

use bytes::Bytes;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smol_str::SmolStr;

/// One field of a tuple.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// JSON `null`, Java `null`.
    #[default]
    Null,
    /// A boolean.
    Bool(bool),
    /// A signed 64-bit integer (Storm's `long`).
    I64(i64),
    /// A 64-bit float.
    F64(f64),
    /// A UTF-8 string; cheap to clone.
    Str(SmolStr),
    /// Raw bytes; cheap to clone.
    Bytes(Box<Bytes>),
    /// An ordered list of values.
    List(Box<Vec<Value>>),
    /// A map from string keys to values, ordered by key.
    Map(Box<BTreeMap<SmolStr, Value>>),
}

impl Value {
    /// A list value.
    pub fn list(items: Vec<Value>) -> Self {
        Value::List(Box::new(items))
    }

    /// A map value.
    pub fn map(entries: BTreeMap<SmolStr, Value>) -> Self {
        Value::Map(Box::new(entries))
    }

    /// A byte-string value.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Value::Bytes(Box::new(bytes.into()))
    }

    /// The name of this value's kind, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::I64(_) => "integer",
            Value::F64(_) => "float",
            Value::Str(_) => "string",
            Value::Bytes(_) => "bytes",
            Value::List(_) => "list",
            Value::Map(_) => "map",
        }
    }

    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The number as a float, if this is a float or an integer.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::F64(v) => Some(*v),
            Value::I64(v) => Some(*v as f64),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(v) => Some(*v),
            _ => None,
        }
    }

    /// The bytes, if this is a byte string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The items, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) => Some(v),
            _ => None,
        }
    }

    /// The entries, if this is a map.
    pub fn as_map(&self) -> Option<&BTreeMap<SmolStr, Value>> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::F64(v) => write!(f, "{v}"),
            Value::Str(s) => f.write_str(s),
            Value::Bytes(b) => write!(f, "{b:?}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Value::Map(map) => {
                f.write_str("{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::I64(i64::from(v))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::F64(v)
    }
}
impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::F64(f64::from(v))
    }
}
impl From<&str> for Value {
    #[inline]
    fn from(v: &str) -> Self {
        // `SmolStr::new` scans for whitespace-only strings first; short strings skip that (a
        // measurable share of a tuple's cost on the hot path).
        if v.len() <= 23 { Value::Str(SmolStr::new_inline(v)) } else { Value::Str(SmolStr::new(v)) }
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(SmolStr::from(v))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Str(SmolStr::new(v))
    }
}
impl From<SmolStr> for Value {
    fn from(v: SmolStr) -> Self {
        Value::Str(v)
    }
}
impl From<Bytes> for Value {
    fn from(v: Bytes) -> Self {
        Value::bytes(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::bytes(v)
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::list(v)
    }
}
impl From<BTreeMap<SmolStr, Value>> for Value {
    fn from(v: BTreeMap<SmolStr, Value>) -> Self {
        Value::map(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(v) => s.serialize_bool(*v),
            Value::I64(v) => s.serialize_i64(*v),
            Value::F64(v) => s.serialize_f64(*v),
            Value::Str(v) => s.serialize_str(v),
            Value::Bytes(v) => s.serialize_bytes(v),
            Value::List(v) => v.serialize(s),
            Value::Map(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a null, boolean, number, string, bytes, list or map")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::I64(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        // Integers beyond i64 keep their magnitude as a float rather than failing.
        Ok(i64::try_from(v).map_or(Value::F64(v as f64), Value::I64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::F64(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::bytes(Bytes::copy_from_slice(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::list(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((k, v)) = map.next_entry::<SmolStr, Value>()? {
            out.insert(k, v);
        }
        Ok(Value::map(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_integers_apart_from_floats() {
        let v = Value::list(vec![
            Value::Null,
            Value::Bool(true),
            Value::I64(-3),
            Value::F64(2.5),
            Value::from("word"),
            Value::map(BTreeMap::from([(SmolStr::new("k"), Value::I64(1))])),
        ]);
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(text, r#"[null,true,-3,2.5,"word",{"k":1}]"#);
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn a_value_is_24_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }

    #[test]
    fn huge_unsigned_becomes_float() {
        let back: Value = serde_json::from_str("18446744073709551615").unwrap();
        assert_eq!(back, Value::F64(u64::MAX as f64));
    }
}
