//! Hellos: a peer running another plan is refused on both sides, and accepted once restarted
//! with the right one.

use squall_transport::{Link, WorkerId};

use crate::common::*;

#[test]
fn plan_mismatch_is_refused_then_accepted_after_restart() {
    let lb = listener();
    let addr_b = lb.local_addr().unwrap();
    let (ra, rb) = (Recorder::new(), Recorder::new());
    let mut wrong_plan = config(2, &[]);
    wrong_plan.plan_fingerprint = PLAN + 1;
    let b = start(wrong_plan, lb, rb.clone());
    let a = start(config(1, &[(2, addr_b)]), listener(), ra.clone());
    let to_b = a.sender(WorkerId(2)).unwrap();

    // The writer keeps retrying with backoff: several refusals.
    let refused = ra.wait("a refused twice", |s| s.count("rejected", Link::Outbound) >= 2);
    let ev = refused.events.iter().find(|e| e.kind == "rejected").unwrap();
    assert!(ev.protocol && ev.reason.contains("plan fingerprint"), "{ev:?}");
    assert_eq!(ev.peer, Some(WorkerId(2)));
    assert_eq!(refused.count("connected", Link::Outbound), 0);
    drop(refused);
    let at_b = rb.wait("b refuses", |s| s.count("rejected", Link::Inbound) >= 1);
    let ev = at_b.events.iter().find(|e| e.kind == "rejected").unwrap();
    assert_eq!(ev.peer, Some(WorkerId(1)), "the refused hello still names its worker");
    assert!(ev.reason.contains("plan fingerprint"), "{ev:?}");
    assert!(at_b.received.is_empty());
    drop(at_b);
    assert!(!to_b.is_connected());
    assert!(a.stats().peer(WorkerId(2)).unwrap().rejected >= 2);
    to_b.try_send(batches(1, 0, 1, 5).pop().unwrap()).unwrap();

    b.shutdown();
    let rb2 = Recorder::new();
    let b2 = start(config(2, &[]), rebind(addr_b), rb2.clone());
    ra.until("a connects to the right plan", |s| s.count("connected", Link::Outbound) >= 1);
    for batch in batches(1, 5, 4, 5) {
        to_b.send_timeout(batch, DEADLINE).unwrap();
    }
    let got = rb2.wait("25 tuples", |s| s.from(1).len() >= 25);
    assert_eq!(got.from(1), expected(1, 0, 25).as_slice());
    drop(got);
    a.shutdown();
    b2.shutdown();
}

#[test]
fn topology_mismatch_is_refused() {
    let lb = listener();
    let addr_b = lb.local_addr().unwrap();
    let ra = Recorder::new();
    let mut other = config(2, &[]);
    other.topology_id = "someone-else-2-1700000001".into();
    let b = start(other, lb, Recorder::new());
    let a = start(config(1, &[(2, addr_b)]), listener(), ra.clone());
    let refused = ra.wait("refused", |s| s.count("rejected", Link::Outbound) >= 1);
    assert!(refused.events[0].reason.contains("topology"), "{:?}", refused.events[0]);
    drop(refused);
    a.shutdown();
    b.shutdown();
}
