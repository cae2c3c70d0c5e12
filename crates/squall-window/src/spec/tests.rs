//! Storm's window validation (storm-model §5.2) and the resolution of options against config.

use std::time::Duration;

use squall_api::Config;
use squall_api::config::*;

use super::*;

fn err(options: &WindowOptions, config: &Config) -> String {
    validate(options, config).unwrap_err().to_string()
}

#[test]
fn a_window_needs_a_length() {
    assert_eq!(
        err(&WindowOptions::default(), &Config::new()),
        "window length is not specified (set a count or a duration length)"
    );
}

#[test]
fn lengths_and_slides_must_be_positive() {
    assert_eq!(
        err(&WindowOptions::tumbling(Length::count(0)), &Config::new()),
        "window length must be positive, got 0 tuples"
    );
    assert_eq!(
        err(&WindowOptions::sliding(Length::secs(1), Duration::from_micros(10)), &Config::new()),
        "sliding interval must be positive, got 0 ms"
    );
    let mut config = Config::new();
    config.set(TOPOLOGY_BOLTS_WINDOW_LENGTH_COUNT, 0);
    assert_eq!(err(&WindowOptions::default(), &config), "window length must be positive, got 0 tuples");
    config.set(TOPOLOGY_BOLTS_WINDOW_LENGTH_COUNT, "ten");
    assert_eq!(
        err(&WindowOptions::default(), &config),
        "config key 'topology.bolts.window.length.count': expected an integer, got string (ten)"
    );
}

#[test]
fn duration_length_plus_slide_must_fit_in_the_message_timeout() {
    let options = WindowOptions::sliding(Length::secs(25), Length::secs(10));
    assert_eq!(
        err(&options, &Config::new()),
        "window duration (length + sliding interval) 35000 ms is more than topology.message.timeout.secs (30 s = 30000 ms)"
    );
    let mut config = Config::new();
    config.set_message_timeout_secs(35);
    assert!(validate(&options, &config).is_ok(), "exactly the timeout is allowed");
    let mut config = Config::new();
    config.set(TOPOLOGY_ENABLE_MESSAGE_TIMEOUTS, false);
    assert!(validate(&options, &config).is_ok(), "no check without timeouts");
    // A count slide does not count towards the duration.
    assert!(validate(&WindowOptions::window(Length::secs(30)), &Config::new()).is_ok());
    assert!(validate(&WindowOptions::window(Length::secs(31)), &Config::new()).is_err());
}

#[test]
fn count_length_plus_slide_must_fit_in_max_spout_pending() {
    let options = WindowOptions::sliding(Length::count(80), Length::count(30));
    assert!(validate(&options, &Config::new()).is_ok(), "unlimited when unset");
    let mut config = Config::new();
    config.set_max_spout_pending(100);
    assert_eq!(
        err(&options, &config),
        "window count (length + sliding interval) 110 is more than topology.max.spout.pending (100)"
    );
    // Mixed: only the count part is checked against max spout pending.
    let mixed = WindowOptions::sliding(Length::count(100), Length::secs(40));
    assert_eq!(
        err(&mixed, &config),
        "window duration (length + sliding interval) 40000 ms is more than topology.message.timeout.secs (30 s = 30000 ms)"
    );
    config.set_message_timeout_secs(60);
    assert!(validate(&mixed, &config).is_ok());
}

#[test]
fn late_tuple_stream_needs_event_time_and_a_declaration() {
    let options = WindowOptions::tumbling(Length::secs(1)).with_late_tuple_stream("late");
    assert_eq!(
        err(&options, &Config::new()),
        "late tuple stream 'late' can be defined only when specifying a timestamp field or extractor"
    );
    assert!(validate(&options.clone().with_timestamp_field("ts"), &Config::new()).is_ok());
    // Set by config only: the adapter does not declare it.
    let mut config = Config::new();
    config.set(TOPOLOGY_BOLTS_LATE_TUPLE_STREAM, "late");
    let by_config = WindowOptions::tumbling(Length::secs(1)).with_timestamp_field("ts");
    assert_eq!(
        err(&by_config, &config),
        "late tuple stream 'late' is not declared with the single field 'late_tuple'; set it with WindowOptions::with_late_tuple_stream, which declares it"
    );
}

#[test]
fn a_second_timestamp_extractor_is_an_error() {
    let options = WindowOptions::tumbling(Length::secs(1))
        .with_timestamp_field("ts")
        .with_timestamp_extractor(|t| t.get_i64(0));
    assert_eq!(
        err(&options, &Config::new()),
        "window is already configured with a timestamp extractor (field 'ts'); cannot also use a custom extractor"
    );
}

#[test]
fn config_keys_override_options_and_follow_storms_precedence() {
    let options = WindowOptions::sliding(Length::secs(10), Length::secs(5)).with_timestamp_field("ts");
    let spec = validate(&options, &Config::new()).unwrap();
    assert_eq!(spec.length, Length::secs(10));
    assert_eq!(spec.event_time, Some(EventTime { lag_ms: 0, watermark_interval_ms: 1000 }));
    assert_eq!(spec.tick_period_ms(), Some(1000));

    let mut config = Config::new();
    config
        .set(TOPOLOGY_BOLTS_SLIDING_INTERVAL_DURATION_MS, 2000)
        .set(TOPOLOGY_BOLTS_TUPLE_TIMESTAMP_MAX_LAG_MS, 300)
        .set(TOPOLOGY_BOLTS_WATERMARK_EVENT_INTERVAL_MS, 250);
    let spec = validate(&options, &config).unwrap();
    assert_eq!(spec.slide, Length::millis(2000));
    assert_eq!(spec.event_time, Some(EventTime { lag_ms: 300, watermark_interval_ms: 250 }));

    // A count length wins over a duration length when both are present.
    config.set(TOPOLOGY_BOLTS_WINDOW_LENGTH_COUNT, 7);
    assert_eq!(validate(&options, &config).unwrap().length, Length::count(7));
}

#[test]
fn options_round_trip_through_storms_keys() {
    let options = WindowOptions::sliding(Length::count(50), Duration::from_millis(1500))
        .with_timestamp_field("ts")
        .with_lag(Duration::from_millis(200))
        .with_watermark_interval(Duration::from_millis(100))
        .with_late_tuple_stream("late");
    let config = options.to_config();
    let pairs: Vec<(&str, String)> = config.iter().map(|(k, v)| (k, v.to_string())).collect();
    assert_eq!(
        pairs,
        vec![
            ("topology.bolts.late.tuple.stream", "late".to_owned()),
            ("topology.bolts.tuple.timestamp.max.lag.ms", "200".to_owned()),
            ("topology.bolts.watermark.event.interval.ms", "100".to_owned()),
            ("topology.bolts.window.length.count", "50".to_owned()),
            ("topology.bolts.window.sliding.interval.duration.ms", "1500".to_owned()),
        ]
    );
    assert_eq!(config.validate(), Ok(()), "the keys are known to squall-api with the right kinds");
    let back = WindowOptions::from_config(&config).unwrap().with_timestamp_field("ts");
    assert_eq!(validate(&back, &Config::new()), validate(&options, &Config::new()));
    // No slide configured: a slide of one tuple.
    let mut only_length = Config::new();
    only_length.set(TOPOLOGY_BOLTS_WINDOW_LENGTH_DURATION_MS, 500);
    assert_eq!(WindowOptions::from_config(&only_length).unwrap().slide(), Some(Length::count(1)));
}

#[test]
fn tick_period_covers_the_slide_or_the_watermark_interval() {
    let spec = |options: WindowOptions| validate(&options, &Config::new()).unwrap().tick_period_ms();
    assert_eq!(spec(WindowOptions::tumbling(Length::count(10))), None);
    assert_eq!(spec(WindowOptions::window(Length::secs(10))), None, "a count slide fires on arrivals");
    assert_eq!(spec(WindowOptions::sliding(Length::count(10), Length::millis(750))), Some(750));
    let event = WindowOptions::sliding(Length::secs(10), Length::secs(5))
        .with_timestamp_field("ts")
        .with_watermark_interval(Duration::from_millis(200));
    assert_eq!(spec(event), Some(200));
}
