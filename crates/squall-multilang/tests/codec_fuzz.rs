//! Fuzz-style properties of the message reader: whatever a child writes, reading never panics,
//! never buffers past its limit and always ends; well-formed messages survive any framing.

use std::io::{self, BufReader, Read};

use proptest::prelude::*;
use squall_api::{Value, Values};
use squall_multilang::codec::MessageReader;
use squall_multilang::message::{ChildMessage, Emit};
use squall_multilang::{DecodeError, MAX_QUOTED_INPUT};

/// Hands out the input in reads of the given sizes (cycling), to split lines and `end` anywhere.
struct Chunked {
    data: Vec<u8>,
    pos: usize,
    sizes: Vec<usize>,
    turn: usize,
}

impl Read for Chunked {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let size = self.sizes[self.turn % self.sizes.len()].max(1);
        self.turn += 1;
        let n = size.min(out.len()).min(self.data.len() - self.pos);
        out[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn reader(data: Vec<u8>, sizes: Vec<usize>, limit: usize) -> MessageReader<BufReader<Chunked>> {
    MessageReader::new(BufReader::with_capacity(64, Chunked { data, pos: 0, sizes, turn: 0 }), limit)
}

/// Bytes that look like the protocol often enough to reach deep paths: fragments of JSON, `end`
/// lines, line ends, and arbitrary bytes.
fn wire() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"end\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(br#"{"command":"emit","tuple":[1,"a",null],"anchors":"x"}"#.to_vec()),
        Just(br#"{"command":"sync"}"#.to_vec()),
        Just(br#"{"pid":12}"#.to_vec()),
        Just(br#"{"command":"log","msg":"m","level":9}"#.to_vec()),
        Just(b"[1,2]".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"{\"task\":\"x\",\"command\":\"emit\",\"tuple\":[]}".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|pieces| pieces.concat())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::I64),
        (-1e12f64..1e12).prop_map(Value::F64),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::list),
            proptest::collection::btree_map(".{0,6}".prop_map(Into::into), inner, 0..4).prop_map(Value::map),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_input_never_panics_and_stays_within_the_limit(
        data in prop_oneof![wire(), proptest::collection::vec(any::<u8>(), 0..2048)],
        sizes in proptest::collection::vec(1usize..70, 1..6),
        limit in 1usize..300,
    ) {
        let total = data.len();
        let mut r = reader(data, sizes, limit);
        // Each read consumes at least one byte or ends, so this many reads always suffice.
        for _ in 0..=total + 1 {
            let result = r.read_message();
            prop_assert!(r.buffer_capacity() <= limit, "capacity {} > limit {}", r.buffer_capacity(), limit);
            match result {
                Ok(None) => return Ok(()),
                Ok(Some(_)) => {}
                Err(e) => {
                    let text = e.to_string();
                    prop_assert!(text.len() < 2 * MAX_QUOTED_INPUT + 300, "error text too long: {}", text.len());
                    if matches!(e, DecodeError::Truncated { .. }) {
                        return Ok(());
                    }
                }
            }
        }
        prop_assert!(false, "the reader did not reach the end of its input");
    }

    #[test]
    fn emits_survive_any_framing(
        values in proptest::collection::vec(json_value(), 0..5),
        anchors in proptest::collection::vec("[0-9-]{1,20}", 0..3),
        pretty: bool,
        crlf: bool,
        blank_lines in 0usize..3,
        sizes in proptest::collection::vec(1usize..70, 1..6),
    ) {
        let json = serde_json::json!({
            "command": "emit",
            "tuple": serde_json::to_value(&values).unwrap(),
            "anchors": anchors,
            "need_task_ids": false,
        });
        let mut text = if pretty { serde_json::to_string_pretty(&json) } else { serde_json::to_string(&json) }.unwrap();
        text.insert_str(0, &"\n".repeat(blank_lines));
        text.push_str("\nend\n");
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let twice = [text.as_bytes(), text.as_bytes()].concat();
        let mut r = reader(twice, sizes, 1 << 20);
        let expected = ChildMessage::Emit(Emit {
            tuple: Values::from(values),
            stream: None,
            anchors,
            id: None,
            task: None,
            need_task_ids: false,
        });
        prop_assert_eq!(r.read_message().unwrap(), Some(expected.clone()));
        prop_assert_eq!(r.read_message().unwrap(), Some(expected));
        prop_assert_eq!(r.read_message().unwrap(), None);
    }
}
