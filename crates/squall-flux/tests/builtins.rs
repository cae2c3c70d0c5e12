//! The built-in components behave as Storm's (or as documented), driven by recording collectors.

mod support;

use std::path::Path;

use squall_api::{
    BasicBoltAdapter, Bolt, BoltCollector, ComponentKind, CustomStreamGrouping, GlobalStreamId, Spout,
    SpoutCollector, TaskId, Value, config, values,
};
use squall_flux::builtin::{
    EMIT_INTERVAL_MS, FileLineSpout, JsonLinesFileBolt, LogInfoBolt, NGrouping, TestPrintBolt,
    TestWindowBolt, TestWordCounter, TestWordSpout, WORDS, WordCounter,
};
use squall_flux::{LoadOptions, Registry, load_str};
use support::{BoltRecord, ManualClock, SpoutRecord, context, scratch, tuple};

fn next(spout: &mut dyn Spout, out: &mut SpoutRecord) {
    spout.next_tuple(&mut SpoutCollector::new(out));
}

#[test]
fn file_line_spout_replays_failed_lines_and_finishes_when_all_are_acked() {
    let dir = scratch("file_line_spout_replays");
    std::fs::write(dir.join("lines.txt"), "alpha\nbeta\r\ngamma").unwrap();
    let mut spout = FileLineSpout::new("lines.txt");
    spout.open(&context("lines", 0, 1, Some(&dir))).unwrap();
    let mut out = SpoutRecord::default();
    for _ in 0..5 {
        next(&mut spout, &mut out);
    }
    let id = |n: i64| Some(Value::I64(n));
    assert_eq!(
        out.take(),
        vec![("alpha".into(), id(1)), ("beta".into(), id(2)), ("gamma".into(), id(3))],
        "each line once, its number as message id, line endings stripped"
    );
    assert!(out.emits.iter().all(|(stream, _, _)| stream == "default"));
    assert!(!spout.is_finished(), "three lines are pending");
    spout.ack(Value::I64(1));
    spout.fail(Value::I64(2));
    spout.ack(Value::I64(3));
    assert!(!spout.is_finished(), "line 2 failed and is not acked yet");
    next(&mut spout, &mut out);
    next(&mut spout, &mut out);
    assert_eq!(out.take(), vec![("beta".into(), id(2))], "the failed line is emitted again, once");
    spout.fail(Value::I64(2));
    spout.fail(Value::I64(2)); // a second fail for the same emit does not replay it twice
    next(&mut spout, &mut out);
    next(&mut spout, &mut out);
    assert_eq!(out.take(), vec![("beta".into(), id(2))]);
    spout.ack(Value::I64(2));
    assert!(spout.is_finished());
    spout.fail(Value::I64(2)); // a fail after the ack is ignored
    next(&mut spout, &mut out);
    assert!(out.take().is_empty());
    assert!(spout.is_finished());
}

#[test]
fn file_line_spout_tasks_share_the_file() {
    let dir = scratch("file_line_spout_share");
    std::fs::write(dir.join("lines.txt"), "1\n2\n3\n4\n5\n").unwrap();
    let mut seen = Vec::new();
    for task in 0..2 {
        let mut spout = FileLineSpout::new(dir.join("lines.txt"));
        spout.open(&context("lines", task, 2, None)).unwrap();
        let mut out = SpoutRecord::default();
        for _ in 0..5 {
            next(&mut spout, &mut out);
        }
        seen.push(out.take().into_iter().map(|(line, _)| line).collect::<Vec<_>>());
    }
    assert_eq!(seen, vec![vec!["1", "3", "5"], vec!["2", "4"]]);
}

#[test]
fn file_line_spout_with_an_empty_file_is_finished_after_one_call() {
    let dir = scratch("file_line_spout_empty");
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    let mut spout = FileLineSpout::new("empty.txt").with_base_dir(&dir);
    spout.open(&context("lines", 0, 1, None)).unwrap();
    assert!(!spout.is_finished());
    let mut out = SpoutRecord::default();
    next(&mut spout, &mut out);
    assert!(out.emits.is_empty());
    assert!(spout.is_finished());
}

#[test]
fn file_line_spout_reports_a_missing_file_when_opened() {
    let dir = scratch("file_line_spout_missing");
    let mut spout = FileLineSpout::new("nope.txt");
    let e = spout.open(&context("lines", 0, 1, Some(&dir))).unwrap_err();
    assert!(e.to_string().starts_with(&format!("cannot open {}", dir.join("nope.txt").display())), "{e}");
}

#[test]
fn flux_file_line_spout_resolves_relative_paths_against_the_flux_file() {
    let dir = scratch("flux_file_line_spout");
    std::fs::write(dir.join("in.txt"), "x\n").unwrap();
    let yaml = "name: t\nspouts:\n  - id: lines\n    className: squall.spouts.FileLineSpout\n    constructorArgs: [in.txt]\n";
    let loaded =
        load_str(yaml, &dir.join("topology.yaml"), &LoadOptions::default(), &Registry::with_builtins())
            .unwrap();
    let ComponentKind::Spout(factory) = &loaded.topology.component("lines").unwrap().kind else {
        panic!("spout")
    };
    let mut spout = factory();
    spout.open(&context("lines", 0, 1, None)).unwrap();
    let mut out = SpoutRecord::default();
    next(spout.as_mut(), &mut out);
    assert_eq!(out.take(), vec![("x".into(), Some(Value::I64(1)))]);
}

#[test]
fn json_lines_file_bolt_writes_exact_json_lines_before_acking() {
    let dir = scratch("json_lines_bolt");
    std::fs::write(dir.join("out.jsonl"), "{\"earlier\":true}\n").unwrap();
    let mut bolt = BasicBoltAdapter(JsonLinesFileBolt::new("out.jsonl"));
    bolt.prepare(&context("sink", 0, 1, Some(&dir))).unwrap();
    let mut out = BoltRecord::default();
    let fields = ["word", "count", "extra"];
    let nested = Value::list(vec![Value::F64(1.5), Value::Null, Value::from("q\"uote")]);
    let inputs = [
        tuple("count", &fields, values!["cow", 3, nested]),
        tuple("count", &fields, values!["é", -1, Value::F64(f64::NAN)]),
        squall_api::Tuple::tick(5),
    ];
    for (i, t) in inputs.into_iter().enumerate() {
        let first = t.get(0).map(ToString::to_string).unwrap_or_default();
        bolt.execute(t, &mut BoltCollector::new(&mut out));
        assert_eq!(out.acked.last(), Some(&first), "input {i} acked");
        if i < 2 {
            let text = std::fs::read_to_string(dir.join("out.jsonl")).unwrap();
            assert_eq!(text.lines().count(), i + 2, "the line is in the file when the tuple is acked");
        }
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("out.jsonl")).unwrap(),
        "{\"earlier\":true}\n{\"word\":\"cow\",\"count\":3,\"extra\":[1.5,null,\"q\\\"uote\"]}\n{\"word\":\"é\",\"count\":-1,\"extra\":null}\n"
    );
    assert!(out.failed.is_empty() && out.emits.is_empty() && out.errors.is_empty());
}

#[test]
fn json_lines_file_bolt_fails_to_prepare_in_a_missing_directory() {
    let dir = scratch("json_lines_bolt_missing");
    let mut bolt = BasicBoltAdapter(JsonLinesFileBolt::new("no/such/dir/out.jsonl"));
    let e = bolt.prepare(&context("sink", 0, 1, Some(&dir))).unwrap_err();
    assert!(e.to_string().contains("for appending"), "{e}");
}

#[test]
fn test_word_spout_emits_storm_words_once_per_interval_of_its_clock() {
    let clock = ManualClock::at(1_000_000);
    let mut spout = TestWordSpout::new().with_seed(7);
    spout.open(&context("words", 0, 1, None).with_clock(clock.clone())).unwrap();
    let mut out = SpoutRecord::default();
    next(&mut spout, &mut out);
    next(&mut spout, &mut out);
    assert_eq!(out.emits.len(), 1, "one word, then nothing until the interval passes");
    clock.advance(EMIT_INTERVAL_MS - 1);
    next(&mut spout, &mut out);
    assert_eq!(out.emits.len(), 1);
    for _ in 0..50 {
        clock.advance(EMIT_INTERVAL_MS);
        next(&mut spout, &mut out);
    }
    assert_eq!(out.emits.len(), 51);
    for (stream, values, id) in &out.emits {
        assert_eq!(stream, "default");
        assert!(WORDS.contains(&values[0].as_str().unwrap()));
        assert!(id.is_none(), "unreliable: no message id");
    }
    let distinct: std::collections::BTreeSet<_> =
        out.emits.iter().map(|(_, v, _)| v[0].to_string()).collect();
    assert!(distinct.len() > 1, "random words: {distinct:?}");
    assert!(spout.component_config().is_empty());
    let single = TestWordSpout::with_distributed(false).component_config();
    assert_eq!(single.get_i64(config::TOPOLOGY_MAX_TASK_PARALLELISM), Some(1));
}

#[test]
fn test_word_counter_counts_per_word() {
    let mut bolt = BasicBoltAdapter(TestWordCounter::new());
    let mut out = BoltRecord::default();
    for w in ["a", "b", "a", "a"] {
        bolt.execute(tuple("s", &["word"], values![w]), &mut BoltCollector::new(&mut out));
    }
    let got: Vec<String> = out.emits.iter().map(|(_, v)| format!("{}={}", v[0], v[1])).collect();
    assert_eq!(got, vec!["a=1", "b=1", "a=2", "a=3"]);
    assert_eq!(out.acked, vec!["a", "b", "a", "a"]);
    let mut declared = squall_api::OutputDeclarer::new();
    bolt.declare_outputs(&mut declared);
    assert_eq!(declared.streams()[0].fields, squall_api::Fields::from(["word", "count"]));
}

#[test]
fn log_info_bolt_acks_and_declares_nothing() {
    let mut bolt = BasicBoltAdapter(LogInfoBolt::new());
    bolt.prepare(&context("log", 0, 1, None)).unwrap();
    let mut out = BoltRecord::default();
    bolt.execute(tuple("s", &["word"], values!["x"]), &mut BoltCollector::new(&mut out));
    assert_eq!(out.acked, vec!["x"]);
    let mut declared = squall_api::OutputDeclarer::new();
    bolt.declare_outputs(&mut declared);
    assert!(declared.streams().is_empty());
}

#[test]
fn n_grouping_picks_the_lowest_tasks() {
    let stream = GlobalStreamId { component: "a".into(), stream: "default".into() };
    let mut g = NGrouping::new(2);
    g.prepare(&stream, &[TaskId(9), TaskId(3), TaskId(5)]);
    let mut out = Vec::new();
    g.choose_tasks(TaskId(1), &[], &mut out);
    assert_eq!(out, vec![TaskId(3), TaskId(5)]);
    let mut all = NGrouping::new(10);
    all.prepare(&stream, &[TaskId(4)]);
    out.clear();
    all.choose_tasks(TaskId(1), &[], &mut out);
    assert_eq!(out, vec![TaskId(4)]);
}

#[test]
fn resources_dir_is_absolute_and_points_at_the_flux_file() {
    let yaml = "name: t\nspouts:\n  - id: w\n    className: org.apache.storm.testing.TestWordSpout\n";
    let loaded =
        load_str(yaml, Path::new("some/dir/t.yaml"), &LoadOptions::default(), &Registry::with_builtins())
            .unwrap();
    assert!(loaded.resources_dir.is_absolute());
    assert!(loaded.resources_dir.ends_with("some/dir"));
    let bare =
        load_str(yaml, Path::new("t.yaml"), &LoadOptions::default(), &Registry::with_builtins()).unwrap();
    assert_eq!(bare.resources_dir, std::env::current_dir().unwrap());
}

#[test]
fn word_counter_emits_one_per_word_and_print_bolt_acks() {
    let mut counter = BasicBoltAdapter(WordCounter);
    let mut printer = BasicBoltAdapter(TestPrintBolt);
    let mut out = BoltRecord::default();
    counter.execute(tuple("s", &["word"], values!["cow"]), &mut BoltCollector::new(&mut out));
    printer.execute(tuple("s", &["word"], values!["moo"]), &mut BoltCollector::new(&mut out));
    let got: Vec<String> = out.emits.iter().map(|(_, v)| format!("{}={}", v[0], v[1])).collect();
    assert_eq!(got, vec!["cow=1"]);
    assert_eq!(out.acked, vec!["cow", "moo"]);
}

#[test]
fn test_window_bolt_emits_the_window_size() {
    use squall_window::{Window, WindowCollector, WindowedBolt};
    let tuples: Vec<squall_api::Tuple> = (0..4).map(|i| tuple("s", &["n"], values![i])).collect();
    let refs: Vec<&squall_api::Tuple> = tuples.iter().collect();
    let window = Window::new(refs.clone(), refs.clone(), Vec::new(), None, 0);
    let mut out = BoltRecord::default();
    let mut collector = BoltCollector::new(&mut out);
    TestWindowBolt.execute(&window, &mut WindowCollector::new(&mut collector, &refs));
    assert_eq!(out.emits.len(), 1);
    assert_eq!(out.emits[0].1[0], Value::I64(4));
}
