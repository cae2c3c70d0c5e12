//! Heartbeats keep idle connections up; a peer silent beyond `peer_timeout` is dropped, on either
//! side of a connection.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use squall_transport::{Link, TransportConfig, WorkerId};

use crate::common::*;
use crate::garbage::hello_bytes;

fn short_timeouts(me: u32, peers: &[(u32, std::net::SocketAddr)]) -> TransportConfig {
    let mut c = config(me, peers);
    c.heartbeat_every = Duration::from_millis(100);
    c.peer_timeout = Duration::from_secs(1);
    c
}

#[test]
fn heartbeats_keep_an_idle_connection_alive() {
    let lb = listener();
    let addr_b = lb.local_addr().unwrap();
    let (ra, rb) = (Recorder::new(), Recorder::new());
    let b = start(short_timeouts(2, &[]), lb, rb.clone());
    let a = start(short_timeouts(1, &[(2, addr_b)]), listener(), ra.clone());
    ra.until("connected", |s| s.count("connected", Link::Outbound) == 1);
    // 25 heartbeats each way is 2.5 s of idleness: well past the 1 s peer timeout.
    eventually("25 heartbeats each way", || {
        let to_b = b.stats().peer(WorkerId(1)).map_or(0, |p| p.heartbeats_received);
        let to_a = a.stats().peer(WorkerId(2)).map_or(0, |p| p.heartbeats_received);
        to_b >= 25 && to_a >= 25
    });
    assert_eq!(ra.state().count("disconnected", Link::Outbound), 0);
    assert_eq!(rb.state().count("disconnected", Link::Inbound), 0);
    assert_eq!(a.stats().peer(WorkerId(2)).unwrap().connects, 1);
    assert!(rb.state().received.is_empty(), "heartbeats are not delivered");
    a.sender(WorkerId(2)).unwrap().try_send(batches(1, 0, 1, 3).pop().unwrap()).unwrap();
    assert_eq!(rb.wait("3 tuples", |s| s.from(1).len() >= 3).from(1), expected(1, 0, 3).as_slice());
    a.shutdown();
    b.shutdown();
}

#[test]
fn silent_inbound_peer_is_dropped_after_peer_timeout() {
    let lb = listener();
    let addr_b = lb.local_addr().unwrap();
    let rb = Recorder::new();
    let b = start(short_timeouts(2, &[]), lb, rb.clone());
    let mut raw = TcpStream::connect(addr_b).unwrap();
    let opened = Instant::now();
    raw.write_all(&hello_bytes("78", TOPOLOGY, PLAN)).unwrap();
    let state = rb.wait("the silent peer dropped", |s| s.count("disconnected", Link::Inbound) >= 1);
    let dropped_after = opened.elapsed();
    let ev = state.events.iter().find(|e| e.kind == "disconnected").unwrap();
    assert_eq!(ev.peer, Some(WorkerId(78)));
    assert!(ev.reason.contains("silent") && !ev.protocol, "{ev:?}");
    drop(state);
    assert!(dropped_after >= Duration::from_secs(1), "dropped after {dropped_after:?}, before the timeout");
    // The transport closed its side: the raw peer reads to EOF (after the hello and heartbeats).
    raw.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut sink = Vec::new();
    match raw.read_to_end(&mut sink) {
        Ok(_) => {}
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
    }
    assert_eq!(b.stats().peer(WorkerId(78)).unwrap().errors, 1);
    b.shutdown();
}

/// Accepts one connection within the deadline.
fn accept(listener: &TcpListener) -> TcpStream {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + DEADLINE;
    loop {
        match listener.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false).unwrap();
                return s;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::park_timeout(Duration::from_millis(5));
            }
            Err(e) => panic!("no connection: {e}"),
        }
    }
}

#[test]
fn silent_outbound_peer_is_dropped_and_reconnected() {
    // A fake worker 2 that answers the hello and then never sends anything.
    let fake = listener();
    let ra = Recorder::new();
    let a = start(short_timeouts(1, &[(2, fake.local_addr().unwrap())]), listener(), ra.clone());
    let first = accept(&fake);
    (&first).write_all(&hello_bytes("2", TOPOLOGY, PLAN)).unwrap();
    ra.until("connected", |s| s.count("connected", Link::Outbound) == 1);
    let opened = Instant::now();
    let state = ra.wait("the silent peer dropped", |s| s.count("disconnected", Link::Outbound) >= 1);
    let ev = state.events.iter().find(|e| e.kind == "disconnected").unwrap();
    assert!(ev.reason.contains("silent"), "{ev:?}");
    drop(state);
    assert!(opened.elapsed() >= Duration::from_millis(900), "dropped too early: {:?}", opened.elapsed());
    // The writer tries again.
    let second = accept(&fake);
    drop((first, second));
    a.shutdown();
}
