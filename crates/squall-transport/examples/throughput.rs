//! Loopback throughput of small tuples: one transport sends batches to another as fast as its
//! queue takes them; the receiver counts what `deliver` gets.
//!
//! `cargo run --release -p squall-transport --example throughput -- [tuples per batch] [seconds] [senders]`
//! (defaults 100, 5, 1). Each tuple is `["word-17", 17]` to task 3, anchored once, like a word-count
//! edge with acking on.

#![allow(clippy::unwrap_used, clippy::print_stdout, reason = "a benchmark program")]

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use squall_api::{TaskId, Value, Values};
use squall_transport::{Inbound, Outgoing, Transport, TransportConfig, WorkerId};
use squall_wire::{BatchWriter, TupleRef, WireError, WireMessage};

/// A runtime-like batch: tuples it owns, encoded by borrowing.
struct Batch(Arc<Vec<(u64, Values)>>);

impl Outgoing for Batch {
    fn encode(&self, w: &mut BatchWriter<'_>) -> Result<(), WireError> {
        for (root, values) in self.0.iter() {
            let anchors = [(*root, root ^ 0x5555)];
            w.push_tuple(TupleRef {
                target_task: TaskId(3),
                stream: 0,
                source_task: TaskId(1),
                anchors: &anchors,
                values,
            })?;
        }
        Ok(())
    }
    fn messages(&self) -> usize {
        self.0.len()
    }
}

#[derive(Default)]
struct Count {
    tuples: AtomicU64,
    calls: AtomicU64,
}

impl Inbound for Count {
    fn deliver(&self, _from: WorkerId, messages: &mut Vec<WireMessage>) {
        let n = messages.iter().filter(|m| matches!(m, WireMessage::Tuple(_))).count();
        messages.clear();
        self.tuples.fetch_add(n as u64, Relaxed);
        self.calls.fetch_add(1, Relaxed);
    }
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<u64>().expect("numeric arguments"));
    let per_batch = args.next().unwrap_or(100);
    let seconds = args.next().unwrap_or(5);
    let senders = args.next().unwrap_or(1);

    let count = Arc::new(Count::default());
    let lb = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr_b = lb.local_addr().unwrap();
    let b =
        Transport::<Batch>::start(TransportConfig::new(WorkerId(2), "bench", 1), lb, count.clone()).unwrap();
    let a_config = TransportConfig::new(WorkerId(1), "bench", 1).peer(WorkerId(2), addr_b);
    let a = Transport::<Batch>::start(
        a_config,
        TcpListener::bind("127.0.0.1:0").unwrap(),
        Arc::new(Count::default()),
    )
    .unwrap();
    let to_b = a.sender(WorkerId(2)).unwrap();

    let tuples: Arc<Vec<(u64, Values)>> = Arc::new(
        (0..per_batch)
            .map(|i| {
                (i * 7919, Values::from(vec![Value::from(format!("word-{}", i % 50)), Value::from(i as i64)]))
            })
            .collect(),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let producers: Vec<_> = (0..senders)
        .map(|_| {
            let (to_b, tuples, stop) = (to_b.clone(), tuples.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Relaxed) {
                    let _ = to_b.send_timeout(Batch(tuples.clone()), Duration::from_millis(100));
                }
            })
        })
        .collect();

    // Warm up for a second, then measure.
    std::thread::sleep(Duration::from_secs(1));
    let (t0, n0, c0) = (Instant::now(), count.tuples.load(Relaxed), count.calls.load(Relaxed));
    let s0 = a.stats().peer(WorkerId(2)).unwrap().bytes_sent;
    std::thread::sleep(Duration::from_secs(seconds));
    let elapsed = t0.elapsed().as_secs_f64();
    let n = count.tuples.load(Relaxed) - n0;
    let calls = count.calls.load(Relaxed) - c0;
    let bytes = a.stats().peer(WorkerId(2)).unwrap().bytes_sent - s0;
    stop.store(true, Relaxed);
    for p in producers {
        p.join().unwrap();
    }
    a.shutdown();
    b.shutdown();
    println!(
        "{per_batch} tuples/batch, {senders} sender(s): {:.0} tuples/s, {:.1} MB/s, {:.1} bytes/tuple, {:.0} tuples per deliver",
        n as f64 / elapsed,
        bytes as f64 / elapsed / 1e6,
        bytes as f64 / n.max(1) as f64,
        n as f64 / calls.max(1) as f64,
    );
}
