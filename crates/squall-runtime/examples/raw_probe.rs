//! Development probe: the raw cost of a batched hand-off between two threads.
#![allow(clippy::unwrap_used, clippy::print_stdout, reason = "a development probe")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;

use squall_api::{MessageId, StreamSchema, Tuple, Values, values};

fn main() {
    let n: u64 = 20_000_000;
    for &batch in &[256usize] {
        let (tx, rx) = crossbeam_channel::bounded::<Vec<(u64, smol_str::SmolStr)>>(128);
        let start = Instant::now();
        let h = std::thread::spawn(move || {
            let mut got = 0u64;
            while let Ok(mut b) = rx.recv() {
                got += b.len() as u64;
                b.clear();
            }
            got
        });
        let mut buf = Vec::with_capacity(batch);
        for i in 0..n {
            buf.push((i, smol_str::SmolStr::new_inline("some data")));
            if buf.len() == batch {
                tx.send(std::mem::replace(&mut buf, Vec::with_capacity(batch))).unwrap();
            }
        }
        tx.send(buf).unwrap();
        drop(tx);
        let got = h.join().unwrap();
        println!(
            "raw (u64,SmolStr) batch {batch}: {:.1} M/s ({got})",
            n as f64 / start.elapsed().as_secs_f64() / 1e6
        );
    }
    // Same with full tuples.
    let schema = StreamSchema::intern("s", "default", &squall_api::Fields::from(["str"]));
    let (tx, rx) = crossbeam_channel::bounded::<Vec<(i32, Tuple)>>(128);
    let start = Instant::now();
    let h = std::thread::spawn(move || {
        let mut got = 0u64;
        while let Ok(mut b) = rx.recv() {
            for (_, t) in b.drain(..) {
                got += t.len() as u64;
            }
        }
        got
    });
    let mut buf = Vec::with_capacity(256);
    for _ in 0..n {
        let v: Values = values!["some data"];
        buf.push((1, Tuple::new(schema, squall_api::TaskId(1), v, MessageId::untracked())));
        if buf.len() == 256 {
            tx.send(std::mem::replace(&mut buf, Vec::with_capacity(256))).unwrap();
        }
    }
    tx.send(buf).unwrap();
    drop(tx);
    let got = h.join().unwrap();
    println!("raw Tuple batch 256: {:.1} M/s ({got})", n as f64 / start.elapsed().as_secs_f64() / 1e6);
}
