//! Writes the fuzz targets' committed seed corpora (`fuzz/seeds/<target>/`): valid frames of every
//! kind, so the fuzzer starts from inputs that get past the header. Run after a format change:
//! `cargo test -p squall-wire --test fuzz_seeds -- --ignored`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use smallvec::smallvec;
use smol_str::SmolStr;
use squall_api::{TaskId, Value, values};
use squall_wire::{Frame, Hello, WireMessage, WireTuple};

use common::encode_all;

fn seed_frames() -> Vec<Vec<Frame>> {
    let hello = Frame::Hello(Hello::new("wordcount-1-1700000000", "worker-6700", 0x1234_5678_9abc_def0));
    let tuple = |values| {
        WireMessage::Tuple(WireTuple {
            target_task: TaskId(5),
            stream: 1,
            source_task: TaskId(-1),
            anchors: smallvec![(0xdead_beef, 0xfeed)],
            values,
        })
    };
    let map = BTreeMap::from([
        (SmolStr::new("a"), Value::from(vec![Value::Null, Value::Bool(true)])),
        (SmolStr::new("b"), Value::F64(-0.0)),
    ]);
    let control = vec![
        WireMessage::AckInit { acker_task: TaskId(9), root: 1, value: 2, spout_task: TaskId(1) },
        WireMessage::Ack { acker_task: TaskId(9), root: 1, value: 2 },
        WireMessage::Fail { acker_task: TaskId(9), root: 1 },
        WireMessage::ResetTimeout { acker_task: TaskId(9), root: 1 },
        WireMessage::Acked { spout_task: TaskId(1), root: 1, complete_latency_ms: 300 },
        WireMessage::Failed { spout_task: TaskId(1), root: 1 },
        WireMessage::TimeoutReset { spout_task: TaskId(1), root: 1 },
        WireMessage::Backpressure {
            worker: "w".into(),
            congested: vec![TaskId(3)],
            uncongested: vec![TaskId(4), TaskId(-1)],
        },
        WireMessage::Load { worker: "w".into(), loads: vec![(TaskId(3), 0.5)] },
        WireMessage::Heartbeat,
    ];
    vec![
        vec![hello.clone()],
        vec![hello.clone(), Frame::Batch(vec![tuple(values!["word", 42])])],
        vec![Frame::Batch(vec![tuple(values![Value::from(map), vec![1u8, 2, 3], 1.5, "x".repeat(40)])])],
        vec![Frame::Batch(control)],
        vec![hello, Frame::Batch(vec![])],
    ]
}

#[test]
#[ignore = "writes files; run by hand after a format change"]
fn write_fuzz_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    for (i, frames) in seed_frames().iter().enumerate() {
        let bytes = encode_all(frames);
        for target in ["decode_frame", "decode_stream"] {
            let dir = root.join(target);
            std::fs::create_dir_all(&dir).unwrap();
            let mut data = Vec::new();
            if target == "decode_stream" {
                // Chunk sizes first: 3 sizes, 1, 7 and 2 bytes.
                data.extend_from_slice(&[3, 1, 7, 2]);
            }
            data.extend_from_slice(&bytes);
            std::fs::write(dir.join(format!("seed-{i}")), data).unwrap();
        }
    }
}
