//! Exactly-once state under failures and restarts, on every backend: a stateful word count whose
//! bolts fail a seeded 5% of their inputs (and the count fails some prepares, forcing rollbacks) is
//! killed mid-run and submitted again against the same state; the spout starts over from line 0
//! and deduplication filters what was already committed. The final committed counts are exact.
#![allow(clippy::unwrap_used, reason = "test helpers panic on failure")]

mod common;

use common::redis::RedisServer;
use common::word_count::{WordCount, expected_counts};
use squall_runtime::LocalCluster;
use squall_state::InMemoryProvider;
use squall_state::backend::{IN_MEMORY_PROVIDER, REDB_PROVIDER, REDIS_PROVIDER};

const LINES: i64 = 300;

#[test]
fn in_memory_word_count_is_exact_across_two_restarts() {
    InMemoryProvider::clear("exactly-once-memory");
    let wc = WordCount::new("exactly-once-memory", LINES, IN_MEMORY_PROVIDER, None);
    wc.check_exactly_once(&[0.3, 0.6]);
}

#[test]
fn redb_word_count_is_exact_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.redb");
    let config = serde_json::json!({ "path": path }).to_string();
    let wc = WordCount::new("exactly-once-redb", LINES, REDB_PROVIDER, Some(config));
    wc.check_exactly_once(&[0.5]);
}

#[test]
fn redis_word_count_is_exact_across_a_restart() {
    let server = RedisServer::start();
    let wc = WordCount::new("exactly-once-redis", LINES, REDIS_PROVIDER, Some(server.provider_config()));
    wc.check_exactly_once(&[0.5]);
}

/// One task per bolt: the runtime runs count and total in split's thread (chaining).
#[test]
fn chained_word_count_is_exact_across_a_restart() {
    InMemoryProvider::clear("exactly-once-chained");
    let mut wc = WordCount::new("exactly-once-chained", LINES, IN_MEMORY_PROVIDER, None);
    wc.parallelism = 1;
    wc.check_exactly_once(&[0.5]);
}

/// The same failures without deduplication over-count: what the tests above guard against.
#[test]
fn without_deduplication_the_counts_are_only_at_least_once() {
    InMemoryProvider::clear("at-least-once-memory");
    let mut wc = WordCount::new("at-least-once-memory", LINES, IN_MEMORY_PROVIDER, None);
    wc.dedup = false;
    let (counts, total) = wc.run_to_end(&LocalCluster::new(), 0);
    let words: u64 = expected_counts(LINES).values().sum();
    let counted: u64 = counts.values().sum();
    assert!(counted > words, "failures after partial application replay words: {counted} counted of {words}");
    assert!(total > words);
}
