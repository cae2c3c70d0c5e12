//! [`Values`]: the ordered field values of one tuple.

use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

use smallvec::SmallVec;

use crate::Value;

/// How many values a tuple keeps inline before it allocates. Most tuples carry one or two fields;
/// keeping those inline saves an allocation per tuple on the hot path.
const INLINE: usize = 2;

/// The values of one tuple, in the order of its stream's fields.
///
/// Build one with [`values!`](crate::values), from a `Vec<Value>`, or by collecting an iterator.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Values(ManuallyDrop<SmallVec<[Value; INLINE]>>);

impl Values {
    /// No values.
    pub fn new() -> Self {
        Self(ManuallyDrop::new(SmallVec::new()))
    }

    /// Room for `n` values.
    pub fn with_capacity(n: usize) -> Self {
        Self(ManuallyDrop::new(SmallVec::with_capacity(n)))
    }

    /// Appends a value.
    pub fn push(&mut self, v: impl Into<Value>) {
        self.0.push(v.into());
    }

    /// The values as a `Vec`.
    pub fn into_vec(mut self) -> Vec<Value> {
        ManuallyDrop::into_inner(std::mem::take(&mut self.0)).into_vec()
    }
}

impl Value {
    /// True if dropping this value frees nothing (scalars, inline or static strings).
    #[inline]
    fn owns_nothing(&self) -> bool {
        match self {
            Value::Null | Value::Bool(_) | Value::I64(_) | Value::F64(_) => true,
            Value::Str(s) => !s.is_heap_allocated(),
            Value::Bytes(_) | Value::List(_) | Value::Map(_) => false,
        }
    }
}

/// Dropping a tuple's values is on the hot path of every tuple. When they are stored inline and own
/// no heap memory (numbers, short strings: the common case), there is nothing to free, and skipping
/// the generic per-element drop code measurably cuts the cost of a tuple (the storage is held in
/// `ManuallyDrop` so no drop code runs at all). Anything that owns memory is dropped normally.
impl Drop for Values {
    #[inline]
    fn drop(&mut self) {
        if self.0.spilled() || !self.0.iter().all(Value::owns_nothing) {
            drop(ManuallyDrop::into_inner(std::mem::take(&mut self.0)));
        }
    }
}

impl Deref for Values {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        &self.0
    }
}

impl DerefMut for Values {
    fn deref_mut(&mut self) -> &mut [Value] {
        &mut self.0
    }
}

impl From<Vec<Value>> for Values {
    fn from(v: Vec<Value>) -> Self {
        Self(ManuallyDrop::new(SmallVec::from_vec(v)))
    }
}

impl<const N: usize> From<[Value; N]> for Values {
    fn from(v: [Value; N]) -> Self {
        Self(ManuallyDrop::new(v.into_iter().collect()))
    }
}

impl FromIterator<Value> for Values {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        Self(ManuallyDrop::new(iter.into_iter().collect()))
    }
}

impl IntoIterator for Values {
    type Item = Value;
    type IntoIter = smallvec::IntoIter<[Value; INLINE]>;
    fn into_iter(mut self) -> Self::IntoIter {
        ManuallyDrop::into_inner(std::mem::take(&mut self.0)).into_iter()
    }
}

impl<'a> IntoIterator for &'a Values {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Builds [`Values`] from expressions convertible into [`Value`]: `values!["word", 1]`.
#[macro_export]
macro_rules! values {
    () => { $crate::Values::new() };
    ($($v:expr),+ $(,)?) => {{
        let mut values = $crate::Values::with_capacity([$(stringify!($v)),+].len());
        $(values.push($v);)+
        values
    }};
}
