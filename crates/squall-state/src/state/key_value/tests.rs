use super::*;
use crate::InMemoryProvider;
use crate::backend::Delta;

fn provider(test: &str) -> InMemoryProvider {
    let name = format!("key-value-tests-{test}");
    InMemoryProvider::clear(&name);
    InMemoryProvider::named(&name)
}

fn open(p: &InMemoryProvider) -> KeyValueState<String, u64> {
    KeyValueState::open(p, "bolt-1").expect("opens")
}

#[test]
fn storm_reference_semantics() {
    let p = provider("reference");
    let mut s = open(&p);
    assert_eq!(s.put("a".into(), 1), None);
    assert_eq!(s.put("a".into(), 2), Some(1));
    s.prepare_commit(1).unwrap();
    s.put("b".into(), 3);
    assert_eq!(s.delete("a"), Some(2));
    s.commit(1).unwrap();
    assert_eq!(s.committed_txid(), Some(1));
    // b and the delete of a came after the prepare: a rollback undoes them.
    s.rollback().unwrap();
    assert_eq!(s.get("a"), Some(&2));
    assert_eq!(s.get("b"), None);
    assert_eq!(s.get_or("b", 7), 7);
    assert_eq!(s.len(), 1);
}

#[test]
fn a_rollback_without_any_commit_empties_the_state() {
    let p = provider("empty");
    let mut s = open(&p);
    s.put("a".into(), 1);
    s.prepare_commit(0).unwrap();
    s.put("b".into(), 1);
    s.rollback().unwrap();
    assert!(s.is_empty());
    assert_eq!(s.prepared_txid(), None);
}

#[test]
fn a_reopened_state_sees_the_commit_and_the_pending_prepare() {
    let p = provider("reopen");
    let mut s = open(&p);
    s.put("a".into(), 1);
    s.prepare_commit(0).unwrap();
    s.commit(0).unwrap();
    s.put("a".into(), 2);
    s.put("b".into(), 2);
    s.prepare_commit(1).unwrap();
    drop(s);

    // A restarted task sees the prepared changes until the recovery decides about them.
    let mut s = open(&p);
    assert_eq!((s.committed_txid(), s.prepared_txid()), (Some(0), Some(1)));
    assert_eq!(s.get("a"), Some(&2));
    s.rollback().unwrap();
    assert_eq!(s.get("a"), Some(&1));
    assert_eq!(s.get("b"), None);

    // Or commits them (recovery from COMMITTING).
    let mut s = open(&p);
    assert_eq!(s.prepared_txid(), None, "the rollback was durable");
    s.put("c".into(), 3);
    s.prepare_commit(1).unwrap();
    drop(s);
    let mut s = open(&p);
    s.commit(1).unwrap();
    let again = open(&p);
    assert_eq!(again.to_map(), HashMap::from([("a".to_owned(), 1), ("c".to_owned(), 3)]));
    assert_eq!(load_committed::<String, u64>(&p, "bolt-1").unwrap().len(), 2);
    s.commit(1).expect("committing a committed txid again is a no-op");
}

#[test]
fn protocol_errors() {
    let p = provider("protocol");
    let mut s = open(&p);
    s.prepare_commit(3).unwrap();
    let e = s.prepare_commit(4).unwrap_err();
    assert!(matches!(e, StateError::Protocol { .. }), "{e}");
    assert!(s.commit(2).is_err());
    assert!(s.commit_now().is_err());
    s.commit(3).unwrap();
    let e = s.prepare_commit(3).unwrap_err();
    assert_eq!(e.to_string(), "state 'bolt-1': cannot prepare txid 3: txid 3 is already committed");
    let e = s.commit(5).unwrap_err();
    assert!(e.is_data_loss());
    assert_eq!(
        e.to_string(),
        "checkpoint data of state 'bolt-1' at txid 5 is missing: asked to commit it, but it was never prepared here (last committed txid: 3)"
    );
}

#[test]
fn commit_now_keeps_the_txid() {
    let p = provider("now");
    let mut s = open(&p);
    s.put("a".into(), 1);
    s.prepare_commit(0).unwrap();
    s.commit(0).unwrap();
    s.put("a".into(), 5);
    s.commit_now().unwrap();
    let s = open(&p);
    assert_eq!((s.get("a"), s.committed_txid()), (Some(&5), Some(0)));
}

/// Writes raw data into the store behind the state's back.
fn tamper(p: &InMemoryProvider, manifest: Manifest, changes: Vec<(Vec<u8>, Option<Vec<u8>>)>) {
    p.open("bolt-1").unwrap().commit(&manifest, &Delta { changes }).unwrap();
}

fn committed_key(p: &InMemoryProvider) -> Vec<u8> {
    let stored = p.open("bolt-1").unwrap().load().unwrap();
    stored.entries[0].0.clone()
}

#[test]
fn a_value_that_does_not_decode_is_a_clear_error() {
    let p = provider("corrupt");
    let mut s = open(&p);
    s.put("a".into(), 1);
    s.prepare_commit(4).unwrap();
    s.commit(4).unwrap();
    let key = committed_key(&p);
    tamper(&p, Manifest { txid: Some(4), entries: 1 }, vec![(key, Some(vec![0xff, 0xff, 0xff]))]);
    let e = KeyValueState::<String, u64>::open(&p, "bolt-1").unwrap_err();
    assert!(e.is_data_loss());
    let text = e.to_string();
    assert!(
        text.starts_with("checkpoint data of state 'bolt-1' at txid 4 is corrupt: the value of entry 0x00"),
        "{text}"
    );
}

#[test]
fn an_entry_missing_from_a_commit_is_a_clear_error() {
    let p = provider("missing");
    let mut s = open(&p);
    s.put("a".into(), 1);
    s.put("b".into(), 2);
    s.prepare_commit(9).unwrap();
    s.commit(9).unwrap();
    let key = committed_key(&p);
    tamper(&p, Manifest { txid: Some(9), entries: 2 }, vec![(key, None)]);
    let e = KeyValueState::<String, u64>::open(&p, "bolt-1").unwrap_err();
    assert_eq!(
        e.to_string(),
        "checkpoint data of state 'bolt-1' at txid 9 is missing: the commit recorded 2 entries but only 1 are stored"
    );
}

#[test]
fn tuple_values_are_stored_with_stored_value() {
    use squall_api::Value;
    let p = provider("values");
    let mut s: KeyValueState<String, crate::StoredValue> = KeyValueState::open(&p, "bolt-1").unwrap();
    s.put("x".into(), Value::list(vec![Value::I64(1), Value::F64(1.5), Value::from("w")]).into());
    s.prepare_commit(0).unwrap();
    s.commit(0).unwrap();
    let s: KeyValueState<String, crate::StoredValue> = KeyValueState::open(&p, "bolt-1").unwrap();
    assert_eq!(s.get("x").unwrap().0.as_list().unwrap()[1], Value::F64(1.5));
}
