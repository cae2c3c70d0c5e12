//! Every backend honours the same store contract, and providers are chosen by Storm's config keys.
#![allow(clippy::unwrap_used, reason = "test helpers panic on failure")]

mod common;

use std::collections::HashMap;

use common::redis::RedisServer;
use squall_api::Config;
use squall_api::config::{TOPOLOGY_STATE_PROVIDER, TOPOLOGY_STATE_PROVIDER_CONFIG};
use squall_state::backend::{IN_MEMORY_PROVIDER, REDB_PROVIDER, REDIS_PROVIDER};
use squall_state::{KeyValueState, StateError, StateProvider, load_committed, provider_from_config};

fn config(provider: &str, settings: Option<String>) -> Config {
    let mut c = Config::new();
    c.set(TOPOLOGY_STATE_PROVIDER, provider);
    if let Some(s) = settings {
        c.set(TOPOLOGY_STATE_PROVIDER_CONFIG, s);
    }
    c
}

/// The store contract, through the typed state, on a fresh namespace.
fn contract(provider: &dyn StateProvider) {
    let ns = "contract-1";
    let open = || KeyValueState::<u32, String>::open(provider, ns).expect("opens");
    let mut s = open();
    assert!(s.is_empty() && s.committed_txid().is_none());
    for i in 0..500 {
        s.put(i, format!("v{i}"));
    }
    s.prepare_commit(0).unwrap();
    s.commit(0).unwrap();
    for i in 0..250 {
        s.delete(&i);
    }
    s.put(1000, "late".into());
    s.prepare_commit(1).unwrap();
    drop(s);

    // The prepared transaction survives the handle; a rollback is durable.
    let mut s = open();
    assert_eq!((s.committed_txid(), s.prepared_txid(), s.len()), (Some(0), Some(1), 251));
    s.rollback().unwrap();
    assert_eq!(s.len(), 500);
    let mut s = open();
    assert_eq!(s.prepared_txid(), None);
    assert_eq!(s.len(), 500);

    // Prepare again, reopen, commit the loaded transaction.
    for i in 0..250 {
        s.delete(&i);
    }
    s.prepare_commit(1).unwrap();
    drop(s);
    let mut s = open();
    s.commit(1).unwrap();
    let committed: HashMap<u32, String> = load_committed(provider, ns).unwrap();
    assert_eq!(committed.len(), 250);
    assert_eq!(committed.get(&499).map(String::as_str), Some("v499"));
    assert!(!committed.contains_key(&0));

    // Immediate commits keep the txid.
    s.put(7, "now".into());
    s.commit_now().unwrap();
    let s = open();
    assert_eq!((s.committed_txid(), s.get(&7).map(String::as_str)), (Some(1), Some("now")));

    // Namespaces are separate.
    let other = KeyValueState::<u32, String>::open(provider, "contract-2").unwrap();
    assert!(other.is_empty());
}

#[test]
fn in_memory_keeps_the_contract() {
    squall_state::InMemoryProvider::clear("backends-memory");
    let p =
        provider_from_config(&config(IN_MEMORY_PROVIDER, Some(r#"{"name": "backends-memory"}"#.into())), "x")
            .unwrap();
    assert_eq!(p.name(), IN_MEMORY_PROVIDER);
    contract(p.as_ref());
}

#[test]
fn in_memory_is_the_default_and_named_after_the_topology() {
    squall_state::InMemoryProvider::clear("backends-default");
    let p = provider_from_config(&Config::new(), "backends-default").unwrap();
    assert_eq!(p.name(), IN_MEMORY_PROVIDER);
    let mut s = KeyValueState::<String, u8>::open(p.as_ref(), "n-1").unwrap();
    s.put("k".into(), 1);
    s.commit_now().unwrap();
    let same = squall_state::InMemoryProvider::named("backends-default");
    assert_eq!(load_committed::<String, u8>(&same, "n-1").unwrap().len(), 1);
}

#[test]
fn redb_keeps_the_contract_and_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("state.redb");
    let settings = serde_json::json!({ "path": path }).to_string();
    let p = provider_from_config(&config(REDB_PROVIDER, Some(settings.clone())), "x").unwrap();
    assert_eq!(p.name(), REDB_PROVIDER);
    contract(p.as_ref());
    drop(p);
    squall_state::RedbProvider::close(&path);
    let p = provider_from_config(&config(REDB_PROVIDER, Some(settings)), "x").unwrap();
    let committed: HashMap<u32, String> = load_committed(p.as_ref(), "contract-1").unwrap();
    assert_eq!(committed.len(), 251, "read back from the file");
}

#[test]
fn redis_keeps_the_contract() {
    let server = RedisServer::start();
    let p = provider_from_config(&config(REDIS_PROVIDER, Some(server.provider_config())), "x").unwrap();
    assert_eq!(p.name(), REDIS_PROVIDER);
    contract(p.as_ref());
    // A key prefix keeps topologies apart on one server.
    let settings = format!(
        r#"{{"jedisPoolConfig": {{"host": "127.0.0.1", "port": {}}}, "keyPrefix": "other:"}}"#,
        server.port
    );
    let prefixed = provider_from_config(&config(REDIS_PROVIDER, Some(settings)), "x").unwrap();
    assert!(KeyValueState::<u32, String>::open(prefixed.as_ref(), "contract-1").unwrap().is_empty());
}

#[test]
fn an_unreachable_redis_is_a_retryable_backend_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let settings =
        format!(r#"{{"jedisPoolConfig": {{"host": "127.0.0.1", "port": {port}, "timeout": 500}}}}"#);
    let p = provider_from_config(&config(REDIS_PROVIDER, Some(settings)), "x").unwrap();
    let e = KeyValueState::<u32, u32>::open(p.as_ref(), "n-1").unwrap_err();
    assert!(e.is_retryable(), "{e}");
    assert!(e.to_string().starts_with("redis state backend failed for 'n-1' while connecting"), "{e}");
}

#[test]
fn bad_provider_configs_are_reported() {
    let err = |c: Config| provider_from_config(&c, "x").unwrap_err().to_string();
    assert!(err(config("com.example.Nope", None)).starts_with("unknown state provider 'com.example.Nope'"));
    assert_eq!(
        err(config(REDB_PROVIDER, None)),
        "topology.state.provider.config for squall.state.RedbKeyValueStateProvider: needs \"path\": the database file, \
         e.g. {\"path\": \"/var/lib/squall/state.redb\"} (got nothing)"
    );
    assert!(err(config(REDIS_PROVIDER, Some("{not json".into()))).contains("not valid JSON"));
    assert!(
        err(config(REDIS_PROVIDER, Some(r#"{"jedisClusterConfig": {}}"#.into()))).contains("not supported")
    );
    assert!(
        err(config(REDIS_PROVIDER, Some(r#"{"jedisPoolConfig": {"port": 99999}}"#.into()))).contains("port")
    );
    let e = provider_from_config(&config(IN_MEMORY_PROVIDER, Some("[1]".into())), "x").unwrap_err();
    assert!(matches!(e, StateError::BadConfig { .. }));
}
