//! Batches in every direction between two and three transports, checked message by message.

use std::time::{Duration, Instant};

use squall_api::TaskId;
use squall_transport::{Link, TrySendError, WorkerId};
use squall_wire::WireMessage;

use crate::common::*;

/// Sends all of `batches` through `sender`, waiting for room when the queue is full.
fn send_all(sender: &squall_transport::PeerSender<TestBatch>, batches: Vec<TestBatch>) {
    for b in batches {
        if let Err(e) = sender.send_timeout(b, DEADLINE) {
            panic!("send failed: {e}");
        }
    }
}

#[test]
fn two_workers_exchange_batches_both_ways() {
    let (la, lb) = (listener(), listener());
    let (addr_a, addr_b) = (la.local_addr().unwrap(), lb.local_addr().unwrap());
    let (ra, rb) = (Recorder::new(), Recorder::new());
    let a = start(config(1, &[(2, addr_b)]), la, ra.clone());
    let b = start(config(2, &[(1, addr_a)]), lb, rb.clone());
    assert!(a.sender(WorkerId(3)).is_none(), "only configured peers have senders");

    let to_b = a.sender(WorkerId(2)).unwrap();
    let to_a = b.sender(WorkerId(1)).unwrap();
    let control = vec![
        WireMessage::Ack { acker_task: TaskId(9), root: 1, value: 2 },
        WireMessage::Backpressure { worker: "2".into(), congested: vec![TaskId(4)], uncongested: vec![] },
        WireMessage::Load { worker: "2".into(), loads: vec![(TaskId(4), 0.25)] },
    ];
    let writer_a = std::thread::spawn(move || send_all(&to_b, batches(1, 0, 200, 25)));
    send_all(&to_a, batches(2, 0, 150, 10));
    send_all(&to_a, vec![TestBatch(control.clone())]);
    writer_a.join().unwrap();

    let at_b = rb.wait("5000 tuples at b", |s| s.from(1).len() >= 5000);
    assert_eq!(at_b.from(1), expected(1, 0, 5000).as_slice());
    drop(at_b);
    let at_a = ra.wait("1503 messages at a", |s| s.from(2).len() >= 1503);
    let mut want = expected(2, 0, 1500);
    want.extend(control);
    assert_eq!(at_a.from(2), want.as_slice());
    assert!(at_a.count("connected", Link::Inbound) == 1 && at_a.count("connected", Link::Outbound) == 1);
    drop(at_a);

    let stats = a.stats();
    let peer = stats.peer(WorkerId(2)).unwrap();
    assert_eq!(peer.messages_sent, 5000);
    assert_eq!(peer.frames_sent, 200);
    assert_eq!(peer.messages_received, 1503);
    assert_eq!(peer.frames_received, 151);
    assert_eq!((peer.dropped_batches, peer.errors), (0, 0));
    assert_eq!(peer.queue_capacity, 64);
    assert!(peer.connected);
    // Shutdown wakes every blocked thread at once (sockets shut down, channels disconnected).
    let t0 = Instant::now();
    a.shutdown();
    b.shutdown();
    assert!(t0.elapsed() < Duration::from_secs(3), "shutdown took {:?}", t0.elapsed());
}

#[test]
fn three_workers_send_to_each_other() {
    let listeners = [listener(), listener(), listener()];
    let addrs: Vec<_> = listeners.iter().map(|l| l.local_addr().unwrap()).collect();
    let recorders = [Recorder::new(), Recorder::new(), Recorder::new()];
    let transports: Vec<_> = listeners
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let me = i as u32 + 1;
            let peers: Vec<_> = (1..=3u32).filter(|&w| w != me).map(|w| (w, addrs[w as usize - 1])).collect();
            start(config(me, &peers), l, recorders[i].clone())
        })
        .collect();

    // Each worker sends its own numbering to each peer: worker w sends to v the tuples
    // from (w, 1000 * v ..).
    std::thread::scope(|s| {
        for (i, t) in transports.iter().enumerate() {
            let me = i as u32 + 1;
            for v in (1..=3u32).filter(|&v| v != me) {
                let sender = t.sender(WorkerId(v)).unwrap();
                s.spawn(move || send_all(&sender, batches(me, 1000 * u64::from(v), 40, 20)));
            }
        }
    });
    for (i, r) in recorders.iter().enumerate() {
        let me = i as u32 + 1;
        for w in (1..=3u32).filter(|&w| w != me) {
            let got = r.wait("800 tuples from each peer", |s| s.from(w).len() >= 800);
            assert_eq!(got.from(w), expected(w, 1000 * u64::from(me), 800).as_slice(), "{w} -> {me}");
        }
    }
    for t in transports {
        t.shutdown();
    }
}

#[test]
fn senders_report_disconnected_after_shutdown() {
    let closed_port = listener().local_addr().unwrap();
    let t = start(config(1, &[(2, closed_port)]), listener(), Recorder::new());
    let sender = t.sender(WorkerId(2)).unwrap();
    assert_eq!(sender.capacity(), 64);
    assert!(!sender.is_connected());
    t.shutdown();
    match sender.try_send(TestBatch(vec![])) {
        Err(TrySendError::Disconnected(_)) => {}
        other => panic!("expected Disconnected, got {:?}", other.err()),
    }
    assert!(sender.send_timeout(TestBatch(vec![]), Duration::from_millis(1)).is_err());
}

#[test]
fn invalid_configuration_is_refused_at_start() {
    let mut c = config(1, &[(1, listener().local_addr().unwrap())]);
    let err =
        squall_transport::Transport::<TestBatch>::start(c.clone(), listener(), Recorder::new()).unwrap_err();
    assert!(err.to_string().contains("own peer"), "{err}");
    c.peers.clear();
    c.heartbeat_every = c.peer_timeout;
    assert!(squall_transport::Transport::<TestBatch>::start(c, listener(), Recorder::new()).is_err());
}
