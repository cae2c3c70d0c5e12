use super::*;

#[test]
fn defaults_follow_storm() {
    let c = Config::new();
    assert_eq!(c.workers(), 1);
    assert_eq!(c.acker_executors(), 1);
    assert_eq!(c.message_timeout_secs(), 30);
    assert!(c.message_timeouts_enabled());
    assert_eq!(c.max_spout_pending(), None);
    assert_eq!(c.tick_tuple_freq_secs(), None);
    assert_eq!(c.receive_buffer_size(), 32768);
    assert!((c.stats_sample_rate() - 0.05).abs() < 1e-12);
    assert_eq!(c.wait_levels("spout"), (0, 0, 1));
    // squall departs from Storm here (see defaults.yaml): idle bolts block on their queue at once.
    assert_eq!(c.wait_levels("bolt"), (1, 0, 1));
}

#[test]
fn every_default_is_a_known_key_of_the_right_kind() {
    for (key, value) in defaults().iter() {
        let kind = key_kind(key).unwrap_or_else(|| panic!("defaults.yaml key {key} is not in KNOWN_KEYS"));
        kind.check(value).unwrap_or_else(|e| panic!("default of {key}: {e}"));
    }
    assert_eq!(
        defaults().iter().count(),
        KNOWN_KEYS.len() - 1,
        "every known key but topology.name has a default"
    );
}

#[test]
fn validate_reports_every_bad_key() {
    let mut c = Config::new();
    c.set(TOPOLOGY_WORKERS, 0).set(TOPOLOGY_DEBUG, "yes").set("my.own.key", "anything");
    let problems = c.validate().unwrap_err();
    assert_eq!(problems.len(), 2);
    assert_eq!(
        problems[0].to_string(),
        "config key 'topology.debug': expected true or false, got string (yes)"
    );
    assert_eq!(problems[1].to_string(), "config key 'topology.workers': must be at least 1, got 0");
}

#[test]
fn unknown_topology_keys_are_flagged() {
    let mut c = Config::new();
    c.set("topology.mesage.timeout.secs", 3).set("app.key", 1);
    assert_eq!(c.unknown_keys(), vec!["topology.mesage.timeout.secs"]);
}

#[test]
fn acker_count_follows_workers_when_unset() {
    let mut c = Config::new();
    c.set_workers(3);
    assert_eq!(c.acker_executors(), 3);
    c.set_acker_executors(0);
    assert_eq!(c.acker_executors(), 0);
}
