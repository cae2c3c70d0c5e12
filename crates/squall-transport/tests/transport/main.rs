//! Integration tests of the transport over real sockets on 127.0.0.1.

mod backpressure;
mod common;
mod exchange;
mod garbage;
mod handshake;
mod liveness;
mod restart;
