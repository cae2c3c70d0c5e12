//! Encoding and decoding a batch of 1024 small tuples (one short string and one i64 each).
//! `cargo bench -p squall-wire` measures; `cargo bench -p squall-wire -- --test` only checks it runs.

use std::hint::black_box;

use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use squall_api::{TaskId, Values, values};
use squall_wire::{
    BatchWriter, Frame, FrameHead, Limits, TupleRef, WireMessage, decode_frame, decode_frame_into,
};

const TUPLES: usize = 1024;

fn tuples() -> Vec<Values> {
    (0..TUPLES).map(|i| values![format!("word{}", i % 100), i as i64 * 7]).collect()
}

fn encode(buf: &mut BytesMut, tuples: &[Values], anchors: &[(u64, u64)], limits: &Limits) {
    let mut w = BatchWriter::new(buf, limits);
    for (i, values) in tuples.iter().enumerate() {
        let t = TupleRef {
            target_task: TaskId(10 + (i % 8) as i32),
            stream: 0,
            source_task: TaskId(3),
            anchors,
            values,
        };
        w.push_tuple(t).expect("a small tuple fits the batch");
    }
    w.finish();
}

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    let tuples = tuples();
    let mut group = c.benchmark_group("batch_1024_small_tuples");
    group.throughput(Throughput::Elements(TUPLES as u64));
    for (name, anchors) in
        [("untracked", &[][..]), ("tracked", &[(0x1234_5678_9abc_def0, 0x0fed_cba9_8765_4321)][..])]
    {
        let mut buf = BytesMut::with_capacity(64 << 10);
        group.bench_function(format!("encode_{name}"), |b| {
            b.iter(|| {
                buf.clear();
                encode(&mut buf, black_box(&tuples), anchors, &limits);
                black_box(buf.len())
            })
        });
        let mut frame = BytesMut::new();
        encode(&mut frame, &tuples, anchors, &limits);
        let frame = frame.freeze();
        group.bench_function(format!("decode_{name}"), |b| {
            b.iter(|| {
                let mut src = BytesMut::from(black_box(&frame[..]));
                match decode_frame(&mut src, &limits) {
                    Ok(Some(Frame::Batch(m))) => black_box(m.len()),
                    other => panic!("bench frame did not decode: {other:?}"),
                }
            })
        });
        // What a receive loop does: one reused vector, drained after each frame.
        let mut batch: Vec<WireMessage> = Vec::new();
        group.bench_function(format!("decode_into_{name}"), |b| {
            b.iter(|| {
                let mut src = BytesMut::from(black_box(&frame[..]));
                let n = match decode_frame_into(&mut src, &limits, &mut batch) {
                    Ok(Some(FrameHead::Batch { messages })) => messages,
                    other => panic!("bench frame did not decode: {other:?}"),
                };
                batch.clear();
                black_box(n)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
