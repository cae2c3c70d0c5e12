//! Driving the real `squall` binary: commands with deadlines (a child that outlives its deadline is
//! killed and the test fails with its output), fixture directories copied to temporary ones, the
//! Python interpreter from `SQUALL_PYTHON`, and readers for the files topologies write.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The `squall` binary under test.
pub fn squall() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_squall"));
    cmd.env_remove("RUST_LOG").stdin(Stdio::null());
    cmd
}

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository root exists")
}

/// This crate's test fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The Python interpreter with pystorm, from `SQUALL_PYTHON` (set by CI after
/// `scripts/python-venv.sh`).
pub fn python() -> PathBuf {
    let Some(path) = std::env::var_os("SQUALL_PYTHON").filter(|p| !p.is_empty()) else {
        panic!(
            "SQUALL_PYTHON is not set: these tests run pystorm components. Run \
             `export SQUALL_PYTHON=$(scripts/python-venv.sh)` first."
        )
    };
    let path = PathBuf::from(path);
    assert!(path.exists(), "SQUALL_PYTHON={} does not exist; run scripts/python-venv.sh", path.display());
    path
}

/// A temporary directory holding a copy of `source`'s files (subdirectories included), leaving
/// out the names in `skip`.
pub fn copy_of(source: &Path, skip: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new().prefix("squall-cli-test").tempdir().expect("a temporary directory");
    copy_into(source, dir.path(), skip);
    dir
}

fn copy_into(source: &Path, target: &Path, skip: &[&str]) {
    for entry in std::fs::read_dir(source).unwrap_or_else(|e| panic!("read {}: {e}", source.display())) {
        let entry = entry.expect("a directory entry");
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let to = target.join(&name);
        if entry.file_type().expect("a file type").is_dir() {
            std::fs::create_dir(&to).expect("create a directory");
            copy_into(&entry.path(), &to, skip);
        } else {
            std::fs::copy(entry.path(), &to)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// A finished command.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Output {
    /// The exit code (panics if a signal ended the process).
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or_else(|| panic!("killed by a signal: {self}"))
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} after {:.1} s\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status,
            self.elapsed.as_secs_f64(),
            self.stdout,
            self.stderr
        )
    }
}

/// A started command whose output is being collected.
pub struct Running {
    child: Child,
    started: Instant,
    stdout: Option<JoinHandle<String>>,
    stderr: Option<JoinHandle<String>>,
    stderr_so_far: Arc<Mutex<Vec<u8>>>,
}

/// Reads `pipe` to its end, keeping what arrived so far in `so_far`; returns it all.
fn collect(mut pipe: impl Read + Send + 'static, so_far: Arc<Mutex<Vec<u8>>>) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut chunk = [0_u8; 4096];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => so_far.lock().expect("no reader panics").extend_from_slice(&chunk[..n]),
            }
        }
        let bytes = so_far.lock().expect("no reader panics");
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Starts `cmd` with its stdout and stderr collected.
pub fn start(cmd: &mut Command) -> Running {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let stderr_so_far = Arc::new(Mutex::new(Vec::new()));
    let stdout = child.stdout.take().map(|p| collect(p, Arc::new(Mutex::new(Vec::new()))));
    let stderr = child.stderr.take().map(|p| collect(p, stderr_so_far.clone()));
    Running { child, started: Instant::now(), stdout, stderr, stderr_so_far }
}

impl Running {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the process has written to stderr so far.
    pub fn stderr_so_far(&self) -> String {
        String::from_utf8_lossy(&self.stderr_so_far.lock().expect("no reader panics")).into_owned()
    }

    /// Sends SIGINT, as Ctrl-C does.
    pub fn interrupt(&self) {
        self.signal("INT");
    }

    /// Sends the signal `name` (`INT`, `TERM`, …) with the `kill` command.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("the kill command runs");
        assert!(status.success(), "kill -{name} failed: {status}");
    }

    /// Waits for the process to exit, at most `deadline`; past it the process is killed and the
    /// test fails, showing what it wrote.
    pub fn wait(mut self, deadline: Duration) -> Output {
        let limit = self.started + deadline;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the child") {
                break Some(status);
            }
            if Instant::now() >= limit {
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let killed = status.is_none();
        if killed {
            let _ = self.child.kill();
        }
        let status = match status {
            Some(s) => s,
            None => self.child.wait().expect("reap the killed child"),
        };
        let output = Output {
            status,
            stdout: self.stdout.take().map(|h| h.join().expect("stdout reader")).unwrap_or_default(),
            stderr: self.stderr.take().map(|h| h.join().expect("stderr reader")).unwrap_or_default(),
            elapsed: self.started.elapsed(),
        };
        assert!(!killed, "still running after {deadline:?}; killed it. {output}");
        output
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `cmd` to its end, at most `deadline`.
pub fn run(cmd: &mut Command, deadline: Duration) -> Output {
    start(cmd).wait(deadline)
}

/// Waits until `condition` holds, at most `deadline`; true if it did.
pub fn wait_for(deadline: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let limit = Instant::now() + deadline;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The JSON objects of a JSON-lines file, in order (none if it does not exist).
pub fn read_jsonl(path: &Path) -> Vec<serde_json::Value> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    text.lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: bad JSON line {l:?}: {e}", path.display()))
        })
        .collect()
}

/// The `--stats-json` document.
pub fn read_stats(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON ({e}): {text}", path.display()))
}

/// One component's statistics from a `--stats-json` document.
pub fn component<'a>(stats: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    stats["stats"]["components"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["component"] == id))
        .unwrap_or_else(|| panic!("no component '{id}' in {stats:#}"))
}

/// A counter of a component, e.g. `count(&stats, "split", "emitted")`.
pub fn count(stats: &serde_json::Value, id: &str, counter: &str) -> u64 {
    component(stats, id)[counter].as_u64().unwrap_or_else(|| panic!("no {counter} for '{id}'"))
}

/// The task ids of a component, from the per-task statistics.
pub fn task_ids(stats: &serde_json::Value, id: &str) -> Vec<i64> {
    let tasks = stats["stats"]["tasks"].as_array().expect("tasks");
    tasks.iter().filter(|t| t["component"] == id).map(|t| t["task"].as_i64().expect("a task id")).collect()
}

/// Occurrences of each distinct item.
pub fn multiset<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeMap<T, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_insert(0) += 1;
    }
    counts
}
