//! Shared pieces of the integration tests: a test redis-server and the exactly-once word count.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "shared by several test binaries; test helpers panic on failure"
)]

pub mod redis;
pub mod word_count;
