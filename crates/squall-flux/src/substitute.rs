//! `${...}` substitution on the raw text, line by line, before YAML parsing, as Storm's
//! `FluxParser` does it, plus the map from positions in the substituted text back to the file.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, and the substituted text joins them with `\n`, as
//! Storm's reader does. Per line, Storm substitutes one placeholder: the last `${` on the line that has a `}` after it.
//! Its content is read as `ENV-NAME` (an environment variable, with `--env-filter`), `key[N]`
//! (element `N` of a property written as a list, `["a", "b"]`, trimmed and unquoted) or `key` (a
//! property from the `--filter` file). Every occurrence of that same placeholder on the line is
//! replaced by the value, verbatim.
//!
//! Where squall departs from Storm, it reports an error instead of going on silently:
//! - a placeholder that cannot be resolved is an error naming it (Storm leaves it in the text with
//!   a warning when a properties file was given, and crashes with a null-pointer error when none
//!   was, or for `${ENV-...}` without `--env-filter`);
//! - a second, different placeholder on the same line is an error (Storm leaves it as text);
//! - the placeholder ends at the first `}` after its `${` (Storm's regular expression runs to the
//!   last `}` of the line, so `{type: ${g}}` never resolves there);
//! - a list element is unquoted only when it is quoted (Storm drops its first and last character).
//!
//! Full-line YAML comments are substituted when they can be, but never cause an error.

use std::collections::HashMap;

use crate::FluxError;

/// Where `${...}` values come from.
pub(crate) struct Sources<'a> {
    /// The `--filter` properties, if a file was given.
    pub properties: Option<&'a HashMap<String, String>>,
    /// Whether `${ENV-NAME}` reads the environment (`--env-filter`).
    pub env: bool,
    /// Reads an environment variable (the process environment, or a test's map).
    pub env_lookup: &'a dyn Fn(&str) -> Option<String>,
}

/// A piece of one output line.
#[derive(Clone, Copy, Debug)]
enum Piece {
    /// Characters copied from the original line: `len` characters from column `orig` (0-based).
    Copy { out: u32, orig: u32, len: u32 },
    /// Characters of a substituted value, all attributed to the placeholder at column `orig`.
    Value { out: u32, len: u32, orig: u32 },
}

/// How one output line maps to the original text.
#[derive(Clone, Debug)]
struct LineMap {
    orig_line: u32,
    pieces: Vec<Piece>,
}

/// The substituted text and the way back to original positions.
pub(crate) struct Substituted {
    pub text: String,
    lines: Vec<LineMap>,
}

impl Substituted {
    /// The original 1-based (line, column) of a 1-based position in the substituted text.
    pub fn original(&self, line: u32, column: u32) -> (u32, u32) {
        let Some(map) = line.checked_sub(1).and_then(|i| self.lines.get(i as usize)) else {
            return (line, column);
        };
        let col = column.saturating_sub(1);
        let mut mapped = None;
        for piece in &map.pieces {
            match *piece {
                Piece::Copy { out, orig, len } if col >= out && col < out + len => {
                    mapped = Some(orig + col - out)
                }
                Piece::Value { out, len, orig } if col >= out && col < out + len => mapped = Some(orig),
                _ => {}
            }
        }
        let mapped = mapped.unwrap_or_else(|| match map.pieces.last() {
            Some(Piece::Copy { out, orig, .. }) => (orig + col).saturating_sub(*out),
            Some(Piece::Value { orig, .. }) => *orig,
            None => col,
        });
        (map.orig_line, mapped + 1)
    }
}

/// An unresolvable placeholder: 1-based line and column in the original text, and the error.
pub(crate) struct Unresolved {
    pub line: u32,
    pub column: u32,
    pub error: FluxError,
}

/// Substitutes `text`; `Err` lists every placeholder that could not be substituted.
pub(crate) fn substitute(text: &str, sources: &Sources<'_>) -> Result<Substituted, Vec<Unresolved>> {
    let mut out = String::with_capacity(text.len());
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in split_lines(text).into_iter().enumerate() {
        let orig_line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if index > 0 {
            out.push('\n');
        }
        let chars: Vec<char> = line.chars().collect();
        let is_comment = line.trim_start().starts_with('#');
        let Some((start, end)) = find_placeholder(&chars) else {
            out.push_str(line);
            lines.push(LineMap { orig_line, pieces: vec![copy(0, 0, chars.len())] });
            continue;
        };
        let var: String = chars[start + 2..end].iter().collect();
        let placeholder = format!("${{{var}}}");
        let value = match resolve(&var, sources) {
            Ok(value) => value,
            Err(reason) => {
                if !is_comment {
                    problems.push(unresolved(orig_line, start, &placeholder, reason));
                }
                out.push_str(line);
                lines.push(LineMap { orig_line, pieces: vec![copy(0, 0, chars.len())] });
                continue;
            }
        };
        let pattern: Vec<char> = placeholder.chars().collect();
        let (maps, replaced) = replace_all(&chars, &pattern, &value, orig_line);
        if !is_comment && let Some(other) = leftover_placeholder(&chars, &pattern) {
            let other_text: String = chars[other.0..=other.1].iter().collect();
            let reason = format!(
                "only one placeholder per line is substituted (as in Storm), and on this line it is '{placeholder}'; put each placeholder on its own line"
            );
            problems.push(unresolved(orig_line, other.0, &other_text, reason));
        }
        out.push_str(&replaced);
        lines.extend(maps);
    }
    if problems.is_empty() { Ok(Substituted { text: out, lines }) } else { Err(problems) }
}

/// The lines of `text`, split at `\r\n`, `\n` or a lone `\r` (as Java's `BufferedReader` and
/// YAML both count line breaks); the last line may be empty.
pub(crate) fn split_lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    lines.push(&text[start..]);
    lines
}

fn copy(out: usize, orig: usize, len: usize) -> Piece {
    let c = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Piece::Copy { out: c(out), orig: c(orig), len: c(len) }
}

fn unresolved(line: u32, start: usize, placeholder: &str, reason: String) -> Unresolved {
    Unresolved {
        line,
        column: u32::try_from(start + 1).unwrap_or(u32::MAX),
        error: FluxError::Unresolved { placeholder: placeholder.to_owned(), reason },
    }
}

/// The last `${` with a non-empty content and a closing `}` after it: (index of `$`, index of `}`).
fn find_placeholder(chars: &[char]) -> Option<(usize, usize)> {
    placeholders(chars).last()
}

/// Every `${...}` with non-empty content, left to right (nested `${` restart the search).
fn placeholders(chars: &[char]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let starts = (0..chars.len().saturating_sub(1)).filter(|&i| chars[i] == '$' && chars[i + 1] == '{');
    starts.filter_map(|start| {
        let close = chars[start + 2..].iter().position(|c| *c == '}')? + start + 2;
        (close > start + 2).then_some((start, close))
    })
}

/// A placeholder on the line other than `pattern`, if any.
fn leftover_placeholder(chars: &[char], pattern: &[char]) -> Option<(usize, usize)> {
    placeholders(chars).find(|&(s, e)| chars[s..=e] != *pattern)
}

/// Replaces every occurrence of `pattern` in `chars` by `value`; returns the line maps (one per
/// output line: a value with newlines makes several) and the new text.
fn replace_all(chars: &[char], pattern: &[char], value: &str, orig_line: u32) -> (Vec<LineMap>, String) {
    let mut maps = Vec::new();
    let mut current = LineMap { orig_line, pieces: Vec::new() };
    let mut text = String::new();
    let mut out_col = 0usize;
    let mut i = 0usize;
    let mut copy_from = 0usize;
    let flush_copy =
        |current: &mut LineMap, from: usize, to: usize, out_col: &mut usize, text: &mut String| {
            if to > from {
                current.pieces.push(copy(*out_col, from, to - from));
                text.extend(&chars[from..to]);
                *out_col += to - from;
            }
        };
    while i < chars.len() {
        if chars[i..].starts_with(pattern) {
            flush_copy(&mut current, copy_from, i, &mut out_col, &mut text);
            let orig = u32::try_from(i).unwrap_or(u32::MAX);
            for (n, part) in value.split('\n').enumerate() {
                if n > 0 {
                    text.push('\n');
                    maps.push(std::mem::replace(&mut current, LineMap { orig_line, pieces: Vec::new() }));
                    out_col = 0;
                }
                let len = part.chars().count();
                let c = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                current.pieces.push(Piece::Value { out: c(out_col), len: c(len), orig });
                text.push_str(part);
                out_col += len;
            }
            i += pattern.len();
            copy_from = i;
        } else {
            i += 1;
        }
    }
    flush_copy(&mut current, copy_from, chars.len(), &mut out_col, &mut text);
    maps.push(current);
    (maps, text)
}

/// The value for a placeholder's content, or why there is none.
fn resolve(var: &str, sources: &Sources<'_>) -> Result<String, String> {
    if let Some(name) = var.strip_prefix("ENV-").filter(|n| !n.is_empty())
        && sources.env
    {
        return (sources.env_lookup)(name).ok_or_else(|| format!("environment variable '{name}' is not set"));
    }
    let no_file = || {
        let mut reason = "no properties file was given (use --filter FILE)".to_owned();
        if var.starts_with("ENV-") {
            reason = "environment substitution is off (use --env-filter)".to_owned();
        }
        reason
    };
    if let Some((list, index)) = split_list_index(var) {
        let properties = sources.properties.ok_or_else(no_file)?;
        let raw =
            properties.get(list).ok_or_else(|| format!("property '{list}' is not in the properties file"))?;
        return list_element(raw, index).ok_or_else(|| {
            format!("property '{list}' = {raw} has no element {index} (expected a list written like [\"a\", \"b\"])")
        });
    }
    let properties = sources.properties.ok_or_else(no_file)?;
    properties.get(var).cloned().ok_or_else(|| {
        if var.starts_with("ENV-") {
            no_file()
        } else {
            format!("property '{var}' is not in the properties file")
        }
    })
}

/// `key[N]` → (`key`, N).
fn split_list_index(var: &str) -> Option<(&str, usize)> {
    let body = var.strip_suffix(']')?;
    let open = body.rfind('[')?;
    let (list, digits) = (&body[..open], &body[open + 1..]);
    if list.is_empty() || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((list, digits.parse().ok()?))
}

/// Element `index` of a value written like `["a", "b"]`: Storm drops the brackets, splits on commas,
/// trims the element and drops its quotes.
fn list_element(raw: &str, index: usize) -> Option<String> {
    let mut inner = raw.chars();
    inner.next()?;
    inner.next_back()?;
    let element = inner.as_str().split(',').nth(index)?.trim();
    let unquoted = ['"', '\'']
        .iter()
        .find_map(|q| element.strip_prefix(*q).and_then(|e| e.strip_suffix(*q)))
        .unwrap_or(element);
    Some(unquoted.to_owned())
}

#[cfg(test)]
mod tests;
