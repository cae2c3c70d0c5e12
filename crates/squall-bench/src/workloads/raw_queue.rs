//! `raw-queue`: the physical reference for const-null. The same records squall's const spout emits
//! (`Values` of `(seq, "some data")`) handed from one thread to another in batches, with no engine
//! around them, through several queues; the consumer drops each record as the null bolt does. The
//! fastest is the bar an unchained cross-thread const-null is held to.

use std::hint::black_box;
use std::thread;
use std::time::Instant;

use squall::prelude::*;

use crate::measure::cpu_seconds;
use crate::report::Row;

/// The queues measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Queue {
    /// `crossbeam_channel::bounded` of `Vec` batches; the consumer drops each emptied `Vec`.
    Crossbeam,
    /// The same, with emptied `Vec`s sent back to the producer for reuse.
    CrossbeamRecycled,
    /// An `rtrb` ring of records, written and read in chunks of a batch.
    Rtrb,
    /// A `crossbeam_queue::ArrayQueue` of `Vec` batches, spinning when full or empty.
    #[value(name = "array-queue")]
    Array,
}

impl Queue {
    /// Every queue.
    pub const ALL: [Queue; 4] = [Queue::Crossbeam, Queue::CrossbeamRecycled, Queue::Rtrb, Queue::Array];

    /// Its name in results.
    pub fn name(self) -> &'static str {
        match self {
            Queue::Crossbeam => "crossbeam-channel",
            Queue::CrossbeamRecycled => "crossbeam-channel-recycled",
            Queue::Rtrb => "rtrb",
            Queue::Array => "array-queue",
        }
    }
}

/// Batches in flight: squall's default receive queue holds 32768 / 256 = 128 batches.
const CAPACITY_BATCHES: usize = 128;

fn record(seq: u64) -> Values {
    values![seq as i64, "some data"]
}

/// Spins briefly, then yields: for the queues without blocking operations.
struct Backoff(u32);

impl Backoff {
    fn snooze(&mut self) {
        self.0 += 1;
        if self.0 < 64 {
            std::hint::spin_loop();
        } else {
            thread::yield_now();
        }
    }
}

fn consume(batch: Vec<Values>) -> usize {
    let n = batch.len();
    for v in batch {
        black_box(v);
    }
    n
}

fn crossbeam(n: u64, batch: usize, recycle: bool) -> u64 {
    let (tx, rx) = crossbeam_channel::bounded::<Vec<Values>>(CAPACITY_BATCHES);
    let (back_tx, back_rx) = crossbeam_channel::bounded::<Vec<Values>>(CAPACITY_BATCHES * 2);
    let consumer = thread::spawn(move || {
        let mut got = 0u64;
        for mut b in rx {
            let k = b.len();
            for v in b.drain(..) {
                black_box(v);
            }
            got += k as u64;
            if recycle {
                let _ = back_tx.try_send(b);
            }
        }
        got
    });
    let mut seq = 0;
    while seq < n {
        let mut b = back_rx.try_recv().unwrap_or_else(|_| Vec::with_capacity(batch));
        let end = (seq + batch as u64).min(n);
        b.extend((seq..end).map(record));
        seq = end;
        if tx.send(b).is_err() {
            break;
        }
    }
    drop(tx);
    consumer.join().unwrap_or(0)
}

fn rtrb(n: u64, batch: usize) -> u64 {
    let (mut tx, mut rx) = rtrb::RingBuffer::<Values>::new(CAPACITY_BATCHES * batch);
    let consumer = thread::spawn(move || {
        let mut got = 0u64;
        let mut backoff = Backoff(0);
        while got < n {
            let k = rx.slots();
            if k == 0 {
                if rx.is_abandoned() && rx.slots() == 0 {
                    break;
                }
                backoff.snooze();
                continue;
            }
            backoff = Backoff(0);
            if let Ok(chunk) = rx.read_chunk(k) {
                for v in chunk {
                    black_box(v);
                }
                got += k as u64;
            }
        }
        got
    });
    let mut seq = 0;
    let mut backoff = Backoff(0);
    while seq < n {
        let k = (batch as u64).min(n - seq) as usize;
        match tx.write_chunk_uninit(k) {
            Ok(chunk) => {
                chunk.fill_from_iter((seq..seq + k as u64).map(record));
                seq += k as u64;
                backoff = Backoff(0);
            }
            Err(_) => backoff.snooze(),
        }
    }
    drop(tx);
    consumer.join().unwrap_or(0)
}

fn array_queue(n: u64, batch: usize) -> u64 {
    let q = std::sync::Arc::new(crossbeam_queue::ArrayQueue::<Vec<Values>>::new(CAPACITY_BATCHES));
    let rq = q.clone();
    let consumer = thread::spawn(move || {
        let mut got = 0u64;
        let mut backoff = Backoff(0);
        while got < n {
            match rq.pop() {
                Some(b) => {
                    got += consume(b) as u64;
                    backoff = Backoff(0);
                }
                None => backoff.snooze(),
            }
        }
        got
    });
    let mut seq = 0;
    while seq < n {
        let end = (seq + batch as u64).min(n);
        let mut b: Vec<Values> = (seq..end).map(record).collect();
        seq = end;
        let mut backoff = Backoff(0);
        while let Err(back) = q.push(b) {
            b = back;
            backoff.snooze();
        }
    }
    consumer.join().unwrap_or(0)
}

/// Hands `n` records over through `queue` in batches of `batch` and reports the rate.
pub fn run(queue: Queue, n: u64, batch: usize) -> Row {
    let batch = batch.max(1);
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    let got = match queue {
        Queue::Crossbeam => crossbeam(n, batch, false),
        Queue::CrossbeamRecycled => crossbeam(n, batch, true),
        Queue::Rtrb => rtrb(n, batch),
        Queue::Array => array_queue(n, batch),
    };
    let secs = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let mut row =
        Row::new("raw-queue", "records").param("queue", queue.name()).param("batch_size", batch as u64);
    row.count = got;
    row.tuples_per_s = got as f64 / secs;
    row.wall_per_s = row.tuples_per_s;
    row.wall_s = secs;
    row.cpu_s = cpu;
    row.per_cpu_s = if cpu > 0.0 { got as f64 / cpu } else { 0.0 };
    row.peak_rss_mib = crate::measure::peak_rss_mib();
    row.check = if got == n { "ok".to_owned() } else { format!("FAIL consumer got {got} of {n}") };
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_queue_delivers_everything() {
        for q in Queue::ALL {
            let row = run(q, 10_007, 64);
            assert_eq!(row.check, "ok", "{}", q.name());
        }
    }
}
