//! Broken children: every failure is reported through `fatal` with the component, task, what was
//! in progress and the offending input (or exit status and stderr), and nothing hangs.

mod common;

use std::time::{Duration, Instant};

use common::{Recorder, bolt_outputs, config_with_timeout, context, line, pump, py, topology};
use squall_api::{Bolt, BoltCollector, Config, Spout, SpoutCollector, Value};
use squall_multilang::{ShellBolt, ShellSpout};

const WITHIN: Duration = Duration::from_secs(20);

/// Runs one tuple through a bolt child in `mode` and returns the fatal error text, with the
/// child's pid and the tuple's id replaced by `<pid>` and `<id>`.
fn bolt_failure(component: &str, mode: &str, config: Config) -> String {
    let (ctx, woken) = context(topology(component, bolt_outputs()), component, 5, config);
    let mut b = ShellBolt::new(py("broken_bolt.py", &[mode])).with_output_fields(["word", "length"]);
    b.prepare(&ctx).unwrap_or_else(|e| panic!("prepare: {e}"));
    let pid = b.pid().expect("running");
    let mut rec = Recorder::new();
    b.execute(line("to be"), &mut BoltCollector::new(&mut rec));
    pump(&mut b, &mut rec, &woken, WITHIN, |r| r.fatal().is_some());
    let fatal = rec.fatal().expect("fatal").to_owned();
    assert_eq!(rec.recs.len(), 1, "only the fatal error: {:?}", rec.recs);
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists(), "child {pid} was not reaped");
    // Afterwards the instance does nothing, at once.
    let started = Instant::now();
    b.execute(line("after"), &mut BoltCollector::new(&mut rec));
    b.wake(&mut BoltCollector::new(&mut rec));
    b.cleanup();
    assert_eq!(rec.recs.len(), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
    normalize(&fatal, pid)
}

/// Replaces the pid and the random tuple id (the quoted integer after `tuple `) with placeholders.
fn normalize(text: &str, pid: u32) -> String {
    let text = text.replace(&format!("(pid {pid})"), "(pid <pid>)");
    match text.find("tuple \"") {
        Some(start) => {
            let id_start = start + "tuple \"".len();
            let id_end = id_start + text[id_start..].find('"').expect("closing quote");
            assert!(text[id_start..id_end].parse::<i64>().is_ok(), "ids are 64-bit integers: {text}");
            format!("{}<id>{}", &text[..id_start], &text[id_end..])
        }
        None => text,
    }
}

const PENDING: &str = "with 1 tuple pending (last sent: tuple \"<id>\" from lines:default)";

#[test]
fn a_child_that_exits_mid_stream() {
    assert_eq!(
        bolt_failure("dies", "exit", Config::new()),
        format!(
            "ShellBolt 'dies' task 5 (pid <pid>) failed {PENDING}: Pipe to subprocess seems to be broken! \
             The subprocess closed its output; exit status: 3; stderr tail: \"about to die\\n\""
        )
    );
}

#[test]
fn a_child_that_writes_invalid_json() {
    assert_eq!(
        bolt_failure("garbles", "invalid_json", Config::new()),
        format!(
            "ShellBolt 'garbles' task 5 (pid <pid>) failed {PENDING}: message is not valid JSON \
             (expected ident at line 1 column 2): \"this is not json\"; exit status: 0"
        )
    );
}

#[test]
fn a_child_that_acks_an_unknown_id() {
    assert_eq!(
        bolt_failure("acker", "unknown_ack", Config::new()),
        format!(
            "ShellBolt 'acker' task 5 (pid <pid>) failed {PENDING}: \
             Acked a non-existent or already acked/failed id: no-such-id; exit status: 0"
        )
    );
}

#[test]
fn a_child_that_sends_a_message_without_command() {
    assert_eq!(
        bolt_failure("mute", "no_command", Config::new()),
        format!(
            "ShellBolt 'mute' task 5 (pid <pid>) failed {PENDING}: \
             message has no \"command\": \"{{\\\"foo\\\": 1}}\"; exit status: 0"
        )
    );
}

#[test]
fn a_child_that_emits_on_an_undeclared_stream() {
    assert_eq!(
        bolt_failure("stray", "bad_stream", Config::new()),
        format!(
            "ShellBolt 'stray' task 5 (pid <pid>) failed {PENDING}: \
             emit on undeclared stream 'nope' (declared: default); exit status: 0"
        )
    );
}

#[test]
fn a_child_that_never_answers_heartbeats() {
    let text = bolt_failure("silent", "silent", config_with_timeout(1));
    let prefix = format!(
        "ShellBolt 'silent' task 5 (pid <pid>) failed {PENDING}: subprocess heartbeat timeout: nothing heard for "
    );
    let suffix = " ms (timeout 1 s); exit status: 0";
    assert!(text.starts_with(&prefix) && text.ends_with(suffix), "{text}");
    let ms: u64 = text[prefix.len()..text.len() - suffix.len()].parse().expect("milliseconds");
    assert!(ms > 1000, "{text}");
}

#[test]
fn a_child_that_dies_before_the_handshake_answer() {
    let (ctx, _woken) = context(topology("nopid", bolt_outputs()), "nopid", 5, Config::new());
    let mut b = ShellBolt::new(py("broken_bolt.py", &["no_pid"])).with_output_fields(["word", "length"]);
    let err = b.prepare(&ctx).unwrap_err().to_string();
    let pid_start = err.find("(pid ").expect("pid") + 5;
    let pid_end = pid_start + err[pid_start..].find(')').expect("paren");
    let pid: u32 = err[pid_start..pid_end].parse().expect("pid number");
    assert_eq!(
        normalize(&err, pid),
        "ShellBolt 'nopid' task 5 (pid <pid>) failed during the handshake: Pipe to subprocess seems to be broken! \
         The subprocess closed its output; exit status: 4; stderr tail: \"cannot start: missing module\\n\""
    );
    assert_eq!(b.pid(), None);
}

#[test]
fn a_program_that_does_not_exist() {
    let (ctx, _woken) = context(topology("ghost", bolt_outputs()), "ghost", 5, Config::new());
    let mut b = ShellBolt::new(vec!["/nonexistent/squall-test-program".into()]);
    let err = b.prepare(&ctx).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "ShellBolt 'ghost' task 5 failed to start: cannot start [\"/nonexistent/squall-test-program\"] in {}: \
             No such file or directory (os error 2)",
            common::python_dir().display()
        )
    );
    let mut empty = ShellBolt::new(vec![]);
    assert_eq!(
        empty.prepare(&ctx).unwrap_err().to_string(),
        "ShellBolt 'ghost' task 5 failed to start: the shell command is empty"
    );
}

#[test]
fn a_serializer_squall_does_not_have() {
    let mut config = Config::new();
    config.set("topology.multilang.serializer", "org.example.MsgpackSerializer");
    let (ctx, _woken) = context(topology("packed", bolt_outputs()), "packed", 5, config);
    let mut b = ShellBolt::new(py("anchor_bolt.py", &[]));
    assert_eq!(
        b.prepare(&ctx).unwrap_err().to_string(),
        "ShellBolt 'packed' task 5 failed to start: topology.multilang.serializer is \
         org.example.MsgpackSerializer, but squall speaks only org.apache.storm.multilang.JsonSerializer"
    );
}

fn spout_failure(
    component: &str,
    mode: &str,
    config: Config,
    before: impl FnOnce(&mut ShellSpout),
) -> String {
    let (ctx, _woken) = context(topology("upper", bolt_outputs()), component, 2, config);
    let mut s = ShellSpout::new(py("raw_spout.py", &[mode])).with_output_fields(["line"]);
    s.open(&ctx).unwrap_or_else(|e| panic!("open: {e}"));
    let pid = s.pid().expect("running");
    before(&mut s);
    let mut rec = Recorder::new();
    s.next_tuple(&mut SpoutCollector::new(&mut rec));
    let fatal = rec.fatal().expect("fatal").to_owned();
    assert_eq!(rec.recs.len(), 1, "only the fatal error: {:?}", rec.recs);
    s.next_tuple(&mut SpoutCollector::new(&mut rec));
    s.ack(Value::from("x"));
    s.close();
    assert_eq!(rec.recs.len(), 1);
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists(), "child {pid} was not reaped");
    normalize(&fatal, pid)
}

#[test]
fn a_spout_that_sends_an_unknown_command() {
    assert_eq!(
        spout_failure("bogus", "bogus", Config::new(), |_| {}),
        "ShellSpout 'bogus' task 2 (pid <pid>) failed during \"next\": Unknown command received: bogus; exit status: 0"
    );
}

#[test]
fn a_spout_that_exits_on_next() {
    assert_eq!(
        spout_failure("quits", "exit", Config::new(), |_| {}),
        "ShellSpout 'quits' task 2 (pid <pid>) failed during \"next\": Pipe to subprocess seems to be broken! \
         The subprocess closed its output; exit status: 5; stderr tail: \"spout exiting\\n\""
    );
}

#[test]
fn a_spout_that_never_answers() {
    let text = spout_failure("hangs", "silent", config_with_timeout(1), |_| {});
    let prefix = "ShellSpout 'hangs' task 2 (pid <pid>) failed during \"next\": subprocess heartbeat timeout: nothing heard for ";
    assert!(text.starts_with(prefix) && text.ends_with(" ms (timeout 1 s); exit status: 0"), "{text}");
}

#[test]
fn a_spout_failing_without_a_collector_reports_at_the_next_call() {
    assert_eq!(
        spout_failure("ackdies", "exit_on_ack", Config::new(), |s| s.ack(Value::I64(1))),
        "ShellSpout 'ackdies' task 2 (pid <pid>) failed during \"ack\" of 1: Pipe to subprocess seems to be broken! \
         The subprocess closed its output; exit status: 6; stderr tail: \"ack kills me\\n\""
    );
}

#[test]
fn recorded_failures_keep_their_typed_cause() {
    // The runtime can inspect the chain: ComponentError → ChildFailure → Error.
    let (ctx, woken) = context(topology("typed", bolt_outputs()), "typed", 5, Config::new());
    let mut b = ShellBolt::new(py("broken_bolt.py", &["unknown_ack"])).with_output_fields(["word", "length"]);
    b.prepare(&ctx).unwrap();
    struct Keep(Option<squall_api::ComponentError>);
    impl squall_api::BoltOutput for Keep {
        fn emit(
            &mut self,
            _: &str,
            _: &[&squall_api::Tuple],
            _: squall_api::Values,
        ) -> &[squall_api::TaskId] {
            &[]
        }
        fn emit_direct(
            &mut self,
            _: squall_api::TaskId,
            _: &str,
            _: &[&squall_api::Tuple],
            _: squall_api::Values,
        ) {
        }
        fn ack(&mut self, _: &squall_api::Tuple) {}
        fn fail(&mut self, _: &squall_api::Tuple) {}
        fn reset_timeout(&mut self, _: &squall_api::Tuple) {}
        fn report_error(&mut self, _: &str) {}
        fn fatal(&mut self, error: squall_api::ComponentError) {
            self.0 = Some(error);
        }
    }
    let mut keep = Keep(None);
    b.execute(line("x"), &mut BoltCollector::new(&mut keep));
    let deadline = Instant::now() + WITHIN;
    while keep.0.is_none() {
        assert!(Instant::now() < deadline);
        if woken.recv_timeout(deadline - Instant::now()).is_ok() {
            b.wake(&mut BoltCollector::new(&mut keep));
        }
    }
    let error = keep.0.expect("fatal");
    let failure = std::error::Error::source(&error)
        .and_then(|s| s.downcast_ref::<squall_multilang::ChildFailure>())
        .expect("a ChildFailure");
    assert!(matches!(
        failure.cause,
        squall_multilang::Error::Protocol(squall_multilang::ProtocolError::UnknownAck { ref id }) if id == "no-such-id"
    ));
}
