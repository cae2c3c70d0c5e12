//! [`Fields`]: the ordered field names of a stream.

use std::fmt;
use std::sync::Arc;

use smol_str::SmolStr;

/// The names of a stream's fields, in order. Cheap to clone.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Fields(Arc<[SmolStr]>);

impl Fields {
    /// Fields with these names, in this order. Duplicates are rejected when the stream is declared.
    pub fn new<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self(names.into_iter().map(|s| SmolStr::new(s.as_ref())).collect())
    }

    /// The position of `name`, if the stream has that field.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|f| f == name)
    }

    /// True if the stream has a field called `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.index_of(name).is_some()
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The field names in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> {
        self.0.iter().map(SmolStr::as_str)
    }

    /// The first name that appears twice, if any.
    pub fn first_duplicate(&self) -> Option<&str> {
        self.0.iter().enumerate().find(|(i, f)| self.0[..*i].contains(f)).map(|(_, f)| f.as_str())
    }
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl fmt::Display for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.iter().collect::<Vec<_>>().join(", "))
    }
}

impl<S: AsRef<str>, const N: usize> From<[S; N]> for Fields {
    fn from(names: [S; N]) -> Self {
        Self::new(names)
    }
}

impl<S: AsRef<str>> From<Vec<S>> for Fields {
    fn from(names: Vec<S>) -> Self {
        Self::new(names)
    }
}

impl From<&[&str]> for Fields {
    fn from(names: &[&str]) -> Self {
        Self::new(names.iter())
    }
}
