//! Java `.properties` files (the `--filter` file), read as `java.util.Properties.load` reads them:
//! `key=value`, `key: value` or `key value`; `#` and `!` comment lines; a trailing backslash joins
//! the next line; `\t`, `\n`, `\r`, `\f` and `\uXXXX` escapes. A later key replaces an earlier one.
//!
//! Two departures, both lenient: a malformed `\u` escape is kept as written (Java throws), and the
//! text is read as UTF-8 (Java's `load(InputStream)` reads ISO-8859-1, which garbles UTF-8 values);
//! bytes that are not UTF-8 are read as ISO-8859-1.

use std::collections::HashMap;

/// Decodes a properties file's bytes: UTF-8 if valid, else ISO-8859-1.
pub(crate) fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Parses properties text into a map.
pub(crate) fn parse(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for line in logical_lines(text) {
        let (key, value) = split_key_value(&line);
        out.insert(unescape(key), unescape(value));
    }
    out
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

/// Joins continued lines and drops comments and blank lines; escapes are still in place.
fn logical_lines(text: &str) -> Vec<Vec<char>> {
    let natural = text.split('\n').flat_map(|l| l.split('\r'));
    let mut lines = Vec::new();
    let mut current: Option<Vec<char>> = None;
    for raw in natural {
        let trimmed: Vec<char> = raw.chars().skip_while(|c| is_blank(*c)).collect();
        let mut line = match current.take() {
            Some(mut pending) => {
                pending.extend(trimmed);
                pending
            }
            None => {
                if trimmed.is_empty() || trimmed[0] == '#' || trimmed[0] == '!' {
                    continue;
                }
                trimmed
            }
        };
        let trailing = line.iter().rev().take_while(|c| **c == '\\').count();
        if trailing % 2 == 1 {
            line.pop();
            current = Some(line);
        } else {
            lines.push(line);
        }
    }
    if let Some(last) = current {
        lines.push(last);
    }
    lines
}

/// Splits a logical line at the first unescaped `=`, `:` or blank, as Java does.
fn split_key_value(line: &[char]) -> (&[char], &[char]) {
    let mut key_len = 0;
    let mut value_start = line.len();
    let mut has_separator = false;
    let mut escaped = false;
    while key_len < line.len() {
        let c = line[key_len];
        if (c == '=' || c == ':') && !escaped {
            value_start = key_len + 1;
            has_separator = true;
            break;
        }
        if is_blank(c) && !escaped {
            value_start = key_len + 1;
            break;
        }
        escaped = c == '\\' && !escaped;
        key_len += 1;
    }
    while value_start < line.len() {
        let c = line[value_start];
        if !is_blank(c) {
            if !has_separator && (c == '=' || c == ':') {
                has_separator = true;
            } else {
                break;
            }
        }
        value_start += 1;
    }
    (&line[..key_len], &line[value_start.min(line.len())..])
}

fn unescape(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '\\' || i >= chars.len() {
            if c != '\\' {
                out.push(c);
            }
            continue;
        }
        let e = chars[i];
        i += 1;
        match e {
            't' => out.push('\t'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            'f' => out.push('\x0c'),
            'u' => {
                let hex: String = chars[i..].iter().take(4).collect();
                match (hex.len() == 4)
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .and_then(char::from_u32)
                {
                    Some(decoded) => {
                        out.push(decoded);
                        i += 4;
                    }
                    None => out.push_str("\\u"),
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(text: &str, key: &str) -> Option<String> {
        parse(text).get(key).cloned()
    }

    #[test]
    fn separators_and_whitespace_follow_java() {
        let text = "a=1\nb: 2\nc 3\n  d = 4 \ne\nf=\n# g=5\n! h=6\ni:=j\nk\\ l=m\n";
        assert_eq!(get(text, "a").as_deref(), Some("1"));
        assert_eq!(get(text, "b").as_deref(), Some("2"));
        assert_eq!(get(text, "c").as_deref(), Some("3"));
        assert_eq!(get(text, "d").as_deref(), Some("4 "));
        assert_eq!(get(text, "e").as_deref(), Some(""));
        assert_eq!(get(text, "f").as_deref(), Some(""));
        assert_eq!(get(text, "g"), None);
        assert_eq!(get(text, "h"), None);
        assert_eq!(get(text, "i").as_deref(), Some("=j"));
        assert_eq!(get(text, "k l").as_deref(), Some("m"));
    }

    #[test]
    fn continuation_lines_and_escapes() {
        let text = "list=[\"a\", \\\n     \"b\"]\ntab=x\\ty\nuni=\\u0041\\u00e9\nbad=\\uZZ\n# comment \\\nnext=1\r\nwin=2\r\n";
        assert_eq!(get(text, "list").as_deref(), Some("[\"a\", \"b\"]"));
        assert_eq!(get(text, "tab").as_deref(), Some("x\ty"));
        assert_eq!(get(text, "uni").as_deref(), Some("Aé"));
        assert_eq!(get(text, "bad").as_deref(), Some("\\uZZ"));
        assert_eq!(get(text, "next").as_deref(), Some("1"));
        assert_eq!(get(text, "win").as_deref(), Some("2"));
    }

    #[test]
    fn storm_test_properties() {
        let text = "# c\n\ntopology.name: substitution-topology\na.list.property: [\"A string list\"]\nsome.other.property: foo bar\n";
        let p = parse(text);
        assert_eq!(p["topology.name"], "substitution-topology");
        assert_eq!(p["a.list.property"], "[\"A string list\"]");
        assert_eq!(p["some.other.property"], "foo bar");
    }

    #[test]
    fn latin1_fallback() {
        assert_eq!(decode(b"k=caf\xe9"), "k=café");
        assert_eq!(decode("k=café".as_bytes()), "k=café");
    }
}
