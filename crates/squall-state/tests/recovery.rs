//! Restarts against stored state: a transaction left prepared is committed or rolled back as the
//! checkpoint spout's stored phase says, and damaged checkpoint data stops the run with an error
//! naming the component, the task and the checkpoint — never a silent reset.
#![allow(clippy::unwrap_used, reason = "test helpers panic on failure")]

mod common;

use std::collections::BTreeMap;

use common::redis::RedisServer;
use common::word_count::{WordCount, expected_counts};
use squall_api::TaskId;
use squall_runtime::LocalCluster;
use squall_state::backend::{Delta, IN_MEMORY_PROVIDER, REDB_PROVIDER, REDIS_PROVIDER};
use squall_state::{
    CheckpointState, InMemoryProvider, KeyValueState, Phase, StateProvider, load_committed, namespace,
    provider_from_config,
};

const LINES: i64 = 40;

fn quiet(name: &str, provider: &str, config: Option<String>) -> WordCount {
    let mut wc = WordCount::new(name, LINES, provider, config);
    wc.fail_percent = 0;
    wc
}

fn task(wc: &WordCount, component: &str) -> TaskId {
    wc.task_map()[component][0]
}

/// Leaves count's first task with an extra key prepared as the next transaction, and stores
/// `phase` for that transaction in the checkpoint spout, as if the topology died in between.
fn die_between_prepare_and_commit(wc: &WordCount, phase: Phase) -> i64 {
    let provider = provider_from_config(&wc.config, &wc.name).unwrap();
    let spout_ns = namespace("$checkpointspout", task(wc, "$checkpointspout"));
    let mut spout: KeyValueState<String, CheckpointState> =
        KeyValueState::open(provider.as_ref(), &spout_ns).unwrap();
    let stored = *spout.get("__state").unwrap();
    assert_eq!(stored.phase, Phase::Committed);
    let next = stored.txid + 1;
    // Every stateful task prepared `next` (the spout stores COMMITTING only then).
    let tasks = wc.task_map();
    for (component, tasks) in tasks.iter().filter(|(c, _)| *c == "count" || *c == "total") {
        for (i, t) in tasks.iter().enumerate() {
            let mut state: KeyValueState<String, u64> =
                KeyValueState::open(provider.as_ref(), &namespace(component.as_str(), *t)).unwrap();
            if component == "count" && i == 0 {
                state.put("prepared-before-the-crash".into(), 42);
            }
            state.prepare_commit(next).unwrap();
        }
    }
    spout.put("__state".into(), CheckpointState { txid: next, phase });
    spout.commit_now().unwrap();
    next
}

fn count_state(wc: &WordCount) -> std::collections::HashMap<String, u64> {
    let provider = provider_from_config(&wc.config, &wc.name).unwrap();
    load_committed(provider.as_ref(), &namespace("count", task(wc, "count"))).unwrap()
}

#[test]
fn a_transaction_every_bolt_prepared_is_committed_on_restart() {
    InMemoryProvider::clear("recovery-commit");
    let wc = quiet("recovery-commit", IN_MEMORY_PROVIDER, None);
    let cluster = LocalCluster::new();
    wc.run_to_end(&cluster, 0);
    let txid = die_between_prepare_and_commit(&wc, Phase::Committing);
    let (counts, total) = wc.run_to_end(&cluster, 1);
    assert_eq!(count_state(&wc).get("prepared-before-the-crash"), Some(&42), "COMMIT({txid}) replayed");
    let mut expected: BTreeMap<String, u64> = expected_counts(LINES);
    expected.insert("prepared-before-the-crash".into(), 42);
    assert_eq!(counts, expected, "and nothing counted twice");
    assert_eq!(total, expected_counts(LINES).values().sum::<u64>());
}

#[test]
fn a_transaction_not_known_prepared_everywhere_is_rolled_back_on_restart() {
    InMemoryProvider::clear("recovery-rollback");
    let wc = quiet("recovery-rollback", IN_MEMORY_PROVIDER, None);
    let cluster = LocalCluster::new();
    wc.run_to_end(&cluster, 0);
    die_between_prepare_and_commit(&wc, Phase::Preparing);
    let (counts, _) = wc.run_to_end(&cluster, 1);
    assert_eq!(count_state(&wc).get("prepared-before-the-crash"), None, "ROLLBACK replayed");
    assert_eq!(counts, expected_counts(LINES));
}

#[test]
fn corrupt_checkpoint_data_stops_the_run_naming_component_and_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let config = serde_json::json!({ "path": dir.path().join("state.redb") }).to_string();
    let wc = quiet("recovery-corrupt", REDB_PROVIDER, Some(config));
    let cluster = LocalCluster::new();
    wc.run_to_end(&cluster, 0);
    // Overwrite one committed value with bytes that do not decode, keeping the manifest.
    let provider = provider_from_config(&wc.config, &wc.name).unwrap();
    let count = task(&wc, "count");
    let mut store = provider.open(&namespace("count", count)).unwrap();
    let stored = store.load().unwrap();
    let manifest = stored.manifest.expect("committed");
    let key = stored.entries.iter().find(|(k, _)| k[0] == 0).expect("a user entry").0.clone();
    store.commit(&manifest, &Delta { changes: vec![(key, Some(vec![0xff; 11]))] }).unwrap();
    let error = wc.run_expecting_failure(&cluster, 1);
    let txid = manifest.txid.unwrap();
    let expected = format!(
        "component 'count' task {count} failed to start: cannot start from its checkpoint: checkpoint data of state \
         'count-{count}' at txid {txid} is corrupt: the value of entry 0x00"
    );
    assert!(error.starts_with(&expected), "{error}");
}

#[test]
fn missing_checkpoint_data_stops_the_run_naming_component_and_checkpoint() {
    let server = RedisServer::start();
    let wc = quiet("recovery-missing", REDIS_PROVIDER, Some(server.provider_config()));
    let cluster = LocalCluster::new();
    wc.run_to_end(&cluster, 0);
    let provider = provider_from_config(&wc.config, &wc.name).unwrap();
    let spout: std::collections::HashMap<String, CheckpointState> =
        load_committed(provider.as_ref(), &namespace("$checkpointspout", task(&wc, "$checkpointspout")))
            .unwrap();
    let txid = spout["__state"].txid;
    // The total bolt's data vanishes from the server (a flushed or replaced Redis).
    let total = task(&wc, "total");
    let mut conn = server.connection();
    let removed: i64 = redis::cmd("DEL")
        .arg(format!("total-{total}"))
        .arg(format!("total-{total}$manifest"))
        .query(&mut conn)
        .unwrap();
    assert_eq!(removed, 2);
    let error = wc.run_expecting_failure(&cluster, 1);
    let expected = format!(
        "component 'total' task {total} failed to start: cannot start from its checkpoint: checkpoint data of state \
         'total-{total}' at txid {txid} is missing: '$checkpointspout-1' stored COMMITTED({txid}), but this state has \
         committed txid none"
    );
    assert!(error.starts_with(&expected), "{error}");
}

#[test]
fn corrupt_checkpoint_spout_state_stops_the_run() {
    InMemoryProvider::clear("recovery-spout");
    let wc = quiet("recovery-spout", IN_MEMORY_PROVIDER, None);
    let cluster = LocalCluster::new();
    wc.run_to_end(&cluster, 0);
    let provider = InMemoryProvider::named("recovery-spout");
    let mut store = provider.open("$checkpointspout-1").unwrap();
    let stored = store.load().unwrap();
    let key = stored.entries[0].0.clone();
    store.commit(&stored.manifest.unwrap(), &Delta { changes: vec![(key, Some(vec![7]))] }).unwrap();
    // The spout, or a stateful bolt checking its state against the spout's, stops first.
    let error = wc.run_expecting_failure(&cluster, 1);
    assert!(error.contains("failed to start"), "{error}");
    assert!(
        error.contains("checkpoint data of state '$checkpointspout-1' is corrupt: the value of entry"),
        "{error}"
    );
}
