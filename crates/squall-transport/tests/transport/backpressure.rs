//! Remote backpressure: a receiver blocked in `deliver` stops reading, the TCP buffers and then the
//! bounded queue fill, the sender sees `Full`; opening the gate lets everything through in order.

use std::time::Duration;

use squall_transport::{Link, SendTimeoutError, TrySendError, WorkerId};

use crate::common::*;

#[test]
fn blocked_receiver_fills_the_queue_then_everything_arrives_in_order() {
    const PER_BATCH: u64 = 50;
    let lb = listener();
    let addr_b = lb.local_addr().unwrap();
    let rb = Recorder::with_gate(false);
    // A short peer timeout: a receiver blocked in `deliver` for longer must not count as silent.
    let short = |mut c: squall_transport::TransportConfig| {
        c.heartbeat_every = Duration::from_millis(100);
        c.peer_timeout = Duration::from_secs(1);
        c
    };
    let b = start(short(config(2, &[])), lb, rb.clone());
    let ra = Recorder::new();
    let mut small_queue = short(config(1, &[(2, addr_b)]));
    small_queue.queue_batches = 4;
    let a = start(small_queue, listener(), ra.clone());
    let to_b = a.sender(WorkerId(2)).unwrap();
    assert_eq!(to_b.capacity(), 4);
    ra.until("connected", |s| s.count("connected", Link::Outbound) == 1);

    // Send until the writer has made no progress for a while: socket buffers and queue are full.
    let mut sent = 0u64;
    let held = loop {
        let batch = batches(1, sent * PER_BATCH, 1, PER_BATCH).pop().unwrap();
        match to_b.send_timeout(batch, Duration::from_millis(300)) {
            Ok(()) => sent += 1,
            Err(SendTimeoutError::Timeout(batch)) => break batch,
            Err(e) => panic!("{e}"),
        }
        assert!(sent < 1_000_000, "the sender never saw backpressure");
    };
    let held = match to_b.try_send(held) {
        Err(TrySendError::Full(batch)) => batch,
        other => panic!("expected Full, got {:?}", other.err()),
    };
    assert_eq!(to_b.len(), 4);
    {
        let state = rb.wait("the reader to block in deliver", |s| s.deliveries_started >= 1);
        assert!(state.received.is_empty(), "the gate is closed");
    }
    assert!(sent > 4, "TCP buffers hold batches beyond the queue");
    // Stay blocked for well over the 1 s peer timeout: b's acceptor keeps heartbeating a's
    // connection, and b's reader does not count time in `deliver` as silence.
    let heartbeats = a.stats().peer(WorkerId(2)).unwrap().heartbeats_received;
    eventually("15 more heartbeats from the blocked receiver", || {
        a.stats().peer(WorkerId(2)).unwrap().heartbeats_received >= heartbeats + 15
    });
    assert!(rb.state().received.is_empty());

    rb.open_gate();
    to_b.send_timeout(held, DEADLINE).expect("room once the receiver drains");
    sent += 1;
    let total = sent * PER_BATCH;
    let got = rb.wait("every batch", |s| s.from(1).len() as u64 >= total);
    assert_eq!(got.from(1).len() as u64, total);
    assert!(got.from(1) == expected(1, 0, total).as_slice(), "content and order");
    drop(got);
    let stats = a.stats();
    let peer = stats.peer(WorkerId(2)).unwrap();
    assert_eq!((peer.dropped_batches, peer.errors, peer.disconnects), (0, 0, 0));
    assert_eq!(peer.messages_sent, total);
    assert_eq!(ra.state().count("disconnected", Link::Outbound), 0);
    a.shutdown();
    b.shutdown();
}

#[test]
fn shutdown_is_prompt_while_the_writer_is_blocked() {
    let lb = listener();
    let addr_b = lb.local_addr().unwrap();
    let rb = Recorder::with_gate(false);
    let b = start(config(2, &[]), lb, rb.clone());
    let mut c = config(1, &[(2, addr_b)]);
    c.queue_batches = 2;
    let a = start(c, listener(), Recorder::new());
    let to_b = a.sender(WorkerId(2)).unwrap();
    let mut seq = 0;
    // Fill until the writer stalls on the socket.
    while to_b.send_timeout(batches(1, seq, 1, 50).pop().unwrap(), Duration::from_millis(300)).is_ok() {
        seq += 50;
    }
    let t0 = std::time::Instant::now();
    a.shutdown();
    assert!(t0.elapsed() < Duration::from_secs(3), "shutdown took {:?}", t0.elapsed());
    rb.open_gate();
    b.shutdown();
}
