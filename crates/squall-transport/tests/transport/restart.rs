//! A peer shut down and restarted on the same port: the sender notices, reconnects, and batches
//! queued meanwhile and sent later arrive.

use squall_transport::{Link, WorkerId};

use crate::common::*;

#[test]
fn sender_reconnects_to_a_restarted_peer() {
    let lb = listener();
    let addr_b = lb.local_addr().unwrap();
    let (ra, rb) = (Recorder::new(), Recorder::new());
    let b = start(config(2, &[]), lb, rb.clone());
    let a = start(config(1, &[(2, addr_b)]), listener(), ra.clone());
    let to_b = a.sender(WorkerId(2)).unwrap();
    for batch in batches(1, 0, 10, 10) {
        to_b.send_timeout(batch, DEADLINE).unwrap();
    }
    assert_eq!(rb.wait("100 tuples", |s| s.from(1).len() >= 100).from(1), expected(1, 0, 100).as_slice());

    b.shutdown();
    let down = ra.wait("a sees b go", |s| s.count("disconnected", Link::Outbound) >= 1);
    assert!(!down.events.last().unwrap().protocol, "a peer going away is not a protocol error");
    drop(down);
    assert!(!to_b.is_connected());
    // Queued while the peer is down: kept, not lost.
    for batch in batches(1, 100, 3, 10) {
        to_b.try_send(batch).unwrap();
    }

    let rb2 = Recorder::new();
    let b2 = start(config(2, &[]), rebind(addr_b), rb2.clone());
    ra.until("a reconnects", |s| s.count("connected", Link::Outbound) >= 2);
    for batch in batches(1, 130, 10, 10) {
        to_b.send_timeout(batch, DEADLINE).unwrap();
    }
    let got = rb2.wait("130 tuples after the restart", |s| s.from(1).len() >= 130);
    assert_eq!(got.from(1), expected(1, 100, 130).as_slice());
    drop(got);
    let stats = a.stats();
    let peer = stats.peer(WorkerId(2)).unwrap();
    assert_eq!((peer.connects, peer.reconnects, peer.disconnects), (2, 1, 1));
    assert_eq!(peer.dropped_batches, 0);
    a.shutdown();
    b2.shutdown();
}
