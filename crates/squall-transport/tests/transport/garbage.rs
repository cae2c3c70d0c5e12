//! Misbehaving peers on raw sockets: each connection is closed with a counted, reported error, and
//! the transport keeps serving a well-behaved peer afterwards.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};

use bytes::BytesMut;
use squall_transport::{Link, WorkerId};
use squall_wire::{Hello, Limits, WireMessage, encode_batch, encode_hello};

use crate::common::*;

pub fn hello_bytes(worker: &str, topology: &str, plan: u64) -> Vec<u8> {
    let mut buf = BytesMut::new();
    encode_hello(&mut buf, &Hello::new(topology, worker, plan), &Limits::default()).unwrap();
    buf.to_vec()
}

/// Connects, writes `bytes`, optionally half-closes, and waits until the transport closes the
/// connection (EOF or reset), discarding whatever it sent (its hello, heartbeats).
fn send_and_expect_close(addr: SocketAddr, bytes: &[u8], half_close: bool) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    s.write_all(bytes).unwrap();
    if half_close {
        s.shutdown(Shutdown::Write).unwrap();
    }
    let mut sink = [0u8; 4096];
    loop {
        match s.read(&mut sink) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted) => return,
            Err(e) => panic!("the transport did not close the connection: {e}"),
        }
    }
}

/// Bytes to send, whether to half-close after them, who the event names, its kind, text in its reason.
type Case = (Vec<u8>, bool, Option<WorkerId>, &'static str, &'static str);

fn concat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[test]
fn garbage_oversized_and_truncated_frames_close_only_their_connection() {
    let lb = listener();
    let addr_b = lb.local_addr().unwrap();
    let rb = Recorder::new();
    let b = start(config(2, &[]), lb, rb.clone());
    let hello = hello_bytes("77", TOPOLOGY, PLAN);
    let oversized: &[u8] = b"SQ\x01\x02\xff\xff\xff\xff";
    let mut heartbeat = BytesMut::new();
    encode_batch(&mut heartbeat, &[WireMessage::Heartbeat], &Limits::default()).unwrap();

    let cases: Vec<Case> = vec![
        (b"GET / HTTP/1.1\r\nHost: squall\r\n\r\n".to_vec(), false, None, "rejected", "bad magic"),
        (oversized.to_vec(), false, None, "rejected", "exceeds the limit"),
        (heartbeat.to_vec(), false, None, "rejected", "must be a hello"),
        (hello_bytes("w7", TOPOLOGY, PLAN), false, None, "rejected", "not a worker index"),
        (concat(&[&hello, oversized]), false, Some(WorkerId(77)), "disconnected", "exceeds the limit"),
        // A frame announcing 100 bytes, then the connection ends after 10.
        (
            concat(&[&hello, b"SQ\x01\x02\x64\x00\x00\x00", &[0x0b; 10]]),
            true,
            Some(WorkerId(77)),
            "disconnected",
            "middle of a frame",
        ),
        // A complete frame whose tuple runs past its payload.
        (
            concat(&[&hello, b"SQ\x01\x02\x03\x00\x00\x00\x01\x02\x00"]),
            false,
            Some(WorkerId(77)),
            "disconnected",
            "truncated",
        ),
        // A second hello.
        (concat(&[&hello, &hello]), false, Some(WorkerId(77)), "disconnected", "exactly one hello"),
    ];
    for (i, (bytes, half_close, peer, kind, reason)) in cases.iter().enumerate() {
        send_and_expect_close(addr_b, bytes, *half_close);
        let state = rb.wait("the error to be reported", |s| {
            s.events.iter().filter(|e| e.kind != "connected").count() > i
        });
        let ev = state.events.iter().filter(|e| e.kind != "connected").nth(i).unwrap();
        assert_eq!((ev.peer, ev.kind, ev.link), (*peer, *kind, Link::Inbound), "case {i}: {ev:?}");
        assert!(ev.protocol && ev.reason.contains(reason), "case {i}: {ev:?}");
    }
    let stats = b.stats();
    assert_eq!((stats.anonymous_connections, stats.anonymous_errors), (4, 4));
    assert_eq!(stats.peer(WorkerId(77)).unwrap().errors, 4);
    assert_eq!(stats.total_errors(), 8);
    assert!(rb.state().received.is_empty());

    // A well-behaved peer is still served.
    let a = start(config(1, &[(2, addr_b)]), listener(), Recorder::new());
    for batch in batches(1, 0, 5, 10) {
        a.sender(WorkerId(2)).unwrap().send_timeout(batch, DEADLINE).unwrap();
    }
    let got = rb.wait("50 tuples", |s| s.from(1).len() >= 50);
    assert_eq!(got.from(1), expected(1, 0, 50).as_slice());
    drop(got);
    a.shutdown();
    b.shutdown();
}

#[test]
fn connections_beyond_the_limit_are_closed_at_once() {
    let lb = listener();
    let addr_b = lb.local_addr().unwrap();
    let mut c = config(2, &[]);
    c.max_inbound_connections = 2;
    let b = start(c, lb, Recorder::new());
    // Two connections that say nothing hold both reader slots (until the 5 s peer timeout).
    // The acceptor takes connections in order, so the third finds both slots taken and is closed
    // at once (were it served, it would be closed only after the peer timeout, and not counted).
    let idle: Vec<_> = (0..2).map(|_| TcpStream::connect(addr_b).unwrap()).collect();
    send_and_expect_close(addr_b, b"", false);
    let stats = b.stats();
    assert_eq!((stats.refused_connections, stats.anonymous_connections), (1, 0));
    drop(idle);
    b.shutdown();
}
