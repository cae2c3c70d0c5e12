//! Integration tests of the transport over real sockets on 127.0.0.1.

#![allow(clippy::unwrap_used, reason = "tests may panic on failure")]

mod backpressure;
mod common;
mod exchange;
mod garbage;
mod handshake;
mod liveness;
mod restart;
