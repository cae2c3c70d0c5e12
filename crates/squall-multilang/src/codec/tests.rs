use std::io::{BufReader, Cursor, Read};

use squall_api::values;

use super::*;
use crate::message::{ChildMessage, TupleMessage};

fn reader(bytes: &[u8], limit: usize) -> MessageReader<Cursor<Vec<u8>>> {
    MessageReader::new(Cursor::new(bytes.to_vec()), limit)
}

/// A reader handing out at most `n` bytes per read, to split lines and `end` across reads.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.0.len().min(self.1).min(out.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn texts(bytes: &[u8]) -> Vec<String> {
    let mut r = reader(bytes, 1024);
    let mut out = Vec::new();
    while let Some(t) = r.read_text().unwrap() {
        out.push(t.to_owned());
    }
    out
}

#[test]
fn splits_messages_on_end_lines() {
    assert_eq!(texts(b"{\"a\":1}\nend\n[2]\nend\n"), vec!["{\"a\":1}", "[2]"]);
}

#[test]
fn joins_multi_line_messages_and_tolerates_crlf_and_blank_lines() {
    assert_eq!(texts(b"{\r\n\"a\": 1\r\n}\r\nend\r\n"), vec!["{\n\"a\": 1\n}"]);
    assert_eq!(texts(b"\n\n{}\nend\n\n"), vec!["\n\n{}"]);
    // `end` must be the whole line.
    assert_eq!(texts(b"\"x\"\n end\nend\n"), vec!["\"x\"\n end"]);
}

#[test]
fn eof_between_messages_is_the_end_and_inside_one_is_an_error() {
    assert!(reader(b"", 100).read_text().unwrap().is_none());
    let err = reader(b"{\"command\":\"sy", 100).read_text().unwrap_err();
    assert_eq!(
        err.to_string(),
        "Pipe to subprocess seems to be broken! Output ended inside a message: \"{\\\"command\\\":\\\"sy\""
    );
    let err = reader(b"{}\nen", 100).read_text().unwrap_err();
    assert!(matches!(err, DecodeError::Truncated { .. }), "{err:?}");
}

#[test]
fn enforces_the_limit_without_growing_past_it() {
    let mut r = reader(&[b'x'; 5000], 100);
    let err = r.read_text().unwrap_err();
    assert!(matches!(err, DecodeError::TooLarge { limit: 100, .. }), "{err:?}");
    assert!(r.buffer_capacity() <= 100);
    // Exactly at the limit is fine: the text, the joining newline and `end` count.
    let mut msg = vec![b'1'; 95];
    msg.extend_from_slice(b"\nend\n");
    assert_eq!(reader(&msg, 99).read_text().unwrap().map(str::len), Some(95));
    assert!(matches!(reader(&msg, 98).read_text(), Err(DecodeError::TooLarge { .. })));
    let mut two_lines = vec![b' '; 50];
    two_lines.push(b'\n');
    two_lines.extend_from_slice(&[b'1'; 45]);
    two_lines.extend_from_slice(b"\r\nend\r\n");
    assert!(matches!(reader(&two_lines, 100).read_text(), Ok(Some(_))));
    assert!(matches!(reader(&two_lines, 99).read_text(), Err(DecodeError::TooLarge { .. })));
}

#[test]
fn rejects_invalid_utf8_quoting_it() {
    let err = reader(b"\"\xff\xfe\"\nend\n", 100).read_text().unwrap_err();
    assert!(matches!(err, DecodeError::InvalidUtf8 { .. }), "{err:?}");
    assert!(err.to_string().ends_with(": \"\\\"\u{FFFD}\u{FFFD}\\\"\""), "{err}");
}

#[test]
fn survives_any_split_of_the_input() {
    let wire = b"{\"command\":\"sync\"}\r\nend\r\n{\"command\":\"log\",\n\"msg\":\"hi\"}\nend\n";
    for n in 1..wire.len() {
        let mut r = MessageReader::new(BufReader::with_capacity(n, Trickle(wire, n)), 1024);
        assert_eq!(r.read_message().unwrap(), Some(ChildMessage::Sync), "chunk {n}");
        assert!(matches!(r.read_message().unwrap(), Some(ChildMessage::Log { .. })), "chunk {n}");
        assert_eq!(r.read_message().unwrap(), None, "chunk {n}");
    }
}

#[test]
fn encodes_as_storm_frames_messages() {
    let values = values!["line\nwith newline"];
    let bytes =
        encode(&TupleMessage { id: "1", comp: Some("c"), stream: "s", task: 2, tuple: &values }).unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "{\"id\":\"1\",\"comp\":\"c\",\"stream\":\"s\",\"task\":2,\"tuple\":[\"line\\nwith newline\"]}\nend\n"
    );
    let mut out = Vec::new();
    write_message(&mut out, &[3, 4]).unwrap();
    assert_eq!(out, b"[3,4]\nend\n");
}
