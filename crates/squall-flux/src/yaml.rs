//! The YAML layer: substituted text in, a tree of [`Node`]s out, each remembering the line and
//! column it was written at in the original file.
//!
//! Parsing goes through `serde-saphyr` into a generic tree (so every node keeps its span), never
//! straight into the model: the model walker then reports wrong types, unknown keys and missing
//! keys itself, with the key path and Flux's words.
//!
//! Scalars follow SnakeYAML (YAML 1.1), which Storm parses Flux with, where it matters for Flux
//! files: the plain words `yes`/`no`/`on`/`off` (in lower, title or upper case) are booleans, but
//! `y` and `n` are strings (YAML 1.1 lists them, SnakeYAML and PyYAML do not, and streamparse
//! writes such field names unquoted). Duplicate keys are reported by the walker (YAML forbids them;
//! SnakeYAML lets the last one win silently).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{DuplicateKeyPolicy, MessageFormatter, Spanned};
use smol_str::SmolStr;
use squall_api::Value;

use crate::substitute::Substituted;

/// One YAML node with its original position.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub kind: Kind,
    /// 1-based line in the original file.
    pub line: u32,
    /// 1-based column in the original file.
    pub column: u32,
    /// The text as written, for plain scalars that are not strings (`0x1F`, `1_000`, `~`).
    pub plain: Option<Box<str>>,
}

/// What a node holds.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// How the node reads in a "got ..." message.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Null => "null".to_owned(),
            Kind::Bool(b) => format!("boolean {b}"),
            Kind::Int(i) => format!("integer {i}"),
            Kind::Float(f) => format!("number {f}"),
            Kind::Str(s) if s.chars().count() > 60 => {
                format!("string '{}...'", s.chars().take(57).collect::<String>())
            }
            Kind::Str(s) => format!("string '{s}'"),
            Kind::Seq(items) if items.is_empty() => "an empty list".to_owned(),
            Kind::Seq(_) => "a list".to_owned(),
            Kind::Map(_) => "a map".to_owned(),
        }
    }

    /// The text of a scalar as a string: strings as they are, other plain scalars as written.
    /// `None` for null, lists and maps.
    pub fn scalar_text(&self) -> Option<Cow<'_, str>> {
        match &self.kind {
            Kind::Str(s) => Some(Cow::Borrowed(s)),
            Kind::Null | Kind::Seq(_) | Kind::Map(_) => None,
            Kind::Bool(b) => {
                Some(self.plain.as_deref().map_or_else(|| Cow::Owned(b.to_string()), Cow::Borrowed))
            }
            Kind::Int(i) => {
                Some(self.plain.as_deref().map_or_else(|| Cow::Owned(i.to_string()), Cow::Borrowed))
            }
            Kind::Float(f) => {
                Some(self.plain.as_deref().map_or_else(|| Cow::Owned(f.to_string()), Cow::Borrowed))
            }
        }
    }

    /// The text of a map key (null keys read as written, `~` or empty).
    pub fn key_text(&self) -> String {
        match &self.kind {
            Kind::Null => self.plain.as_deref().unwrap_or("").to_owned(),
            Kind::Seq(_) | Kind::Map(_) => self.describe(),
            _ => self.scalar_text().map(Cow::into_owned).unwrap_or_default(),
        }
    }

    /// The node as a squall [`Value`] (map keys become strings).
    pub fn to_value(&self) -> Value {
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(i) => Value::I64(*i),
            Kind::Float(f) => Value::F64(*f),
            Kind::Str(s) => Value::from(s.as_str()),
            Kind::Seq(items) => Value::list(items.iter().map(Node::to_value).collect()),
            Kind::Map(entries) => Value::map(
                entries
                    .iter()
                    .map(|(k, v)| (SmolStr::from(k.key_text()), v.to_value()))
                    .collect::<BTreeMap<_, _>>(),
            ),
        }
    }
}

/// A YAML syntax error at an original 1-based position.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Parses one YAML document. An empty document (only comments) is a null node.
pub(crate) fn parse(source: &Substituted) -> Result<Node, YamlError> {
    if source.text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    }) {
        return Ok(Node { kind: Kind::Null, line: 1, column: 1, plain: None });
    }
    let options = serde_saphyr::options! {
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        strict_booleans: true,
        with_snippet: false,
    };
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(&source.text, options) {
        Ok(root) => Ok(convert(root, source)),
        Err(error) => {
            let (line, column) = error.location().map_or((1, 1), |l| {
                source.original(
                    u32::try_from(l.line()).unwrap_or(u32::MAX),
                    u32::try_from(l.column()).unwrap_or(1),
                )
            });
            let inner = error.without_snippet();
            let message = serde_saphyr::DefaultMessageFormatter.format_message(inner);
            let message: String = message.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
            Err(YamlError { line: line.max(1), column: column.max(1), message })
        }
    }
}

/// SnakeYAML's YAML 1.1 booleans beyond `true`/`false`.
fn yaml11_bool(s: &str) -> Option<bool> {
    match s {
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn convert(raw: Spanned<Raw>, source: &Substituted) -> Node {
    let location = raw.referenced;
    let (line, column) = source.original(
        u32::try_from(location.line()).unwrap_or(u32::MAX),
        u32::try_from(location.column()).unwrap_or(1),
    );
    let span = location.span();
    let written = span.byte_offset().zip(span.byte_len()).and_then(|(offset, len)| {
        let start = usize::try_from(offset).ok()?;
        source.text.get(start..start.checked_add(usize::try_from(len).ok()?)?)
    });
    let is_plain = written.is_some_and(|w| !w.starts_with(['"', '\'']));
    let plain_text = || written.filter(|_| is_plain).map(Box::from);
    let (kind, plain) = match raw.value {
        Raw::Null => (Kind::Null, plain_text()),
        Raw::Bool(b) => (Kind::Bool(b), plain_text()),
        Raw::Int(i) => (Kind::Int(i), plain_text()),
        Raw::Float(f) => (Kind::Float(f), plain_text()),
        Raw::Str(s) => match yaml11_bool(&s).filter(|_| is_plain) {
            Some(b) => (Kind::Bool(b), Some(Box::from(s.as_str()))),
            None => (Kind::Str(s), None),
        },
        Raw::Seq(items) => (Kind::Seq(items.into_iter().map(|i| convert(i, source)).collect()), None),
        Raw::Map(entries) => (
            Kind::Map(entries.into_iter().map(|(k, v)| (convert(k, source), convert(v, source))).collect()),
            None,
        ),
    };
    Node { kind, line: line.max(1), column: column.max(1), plain }
}

/// The tree as serde sees it; [`convert`] turns it into [`Node`]s.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Raw::Map(entries))
    }
}

#[cfg(test)]
mod tests;
