//! Draining a child's stderr: each line is logged at INFO (storm-interfaces.md §1.1: stderr is not
//! part of the protocol) and the last lines are kept for the error report when the child dies.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::process::ChildStderr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crossbeam_channel::Receiver;

use super::threads::Spawned;

/// The longest line kept whole; longer lines are split.
const MAX_LINE: u64 = 4096;
/// How much of the end of stderr an error report quotes.
const TAIL_BYTES: usize = 2048;

/// The end of a child's stderr, filled by its stderr thread.
pub(super) struct StderrTail {
    tail: Arc<Mutex<VecDeque<String>>>,
    closed: Receiver<()>,
}

impl StderrTail {
    /// Starts the thread draining `stderr`.
    pub fn start(stderr: ChildStderr, s: &Spawned) -> Self {
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let (closed_tx, closed) = crossbeam_channel::bounded::<()>(0);
        let (label, pid, kept) = (s.label.clone(), s.pid, tail.clone());
        let name = format!("shell-stderr-{pid}");
        let spawned = std::thread::Builder::new().name(name).spawn(move || {
            // Dropped when the thread ends: that is the "closed" signal.
            let _closed = closed_tx;
            let mut reader = BufReader::new(stderr);
            let mut line = Vec::new();
            loop {
                line.clear();
                match (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                let text = String::from_utf8_lossy(&line);
                let text = text.trim_end_matches(['\n', '\r']);
                tracing::info!(
                    target: "squall_multilang::stderr",
                    component = %label.component,
                    task = label.task,
                    pid,
                    "{text}"
                );
                push_tail(&kept, text);
            }
        });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the thread draining a subprocess's stderr");
        }
        Self { tail, closed }
    }

    /// Waits until the child's stderr is closed (it exited) or `deadline` passes.
    pub fn wait_closed(&self, deadline: Instant) {
        let _ = self.closed.recv_deadline(deadline);
    }

    /// The last lines written, joined with newlines.
    pub fn tail(&self) -> String {
        let lines = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        lines.iter().map(|l| format!("{l}\n")).collect()
    }
}

fn push_tail(tail: &Mutex<VecDeque<String>>, line: &str) {
    let mut lines = tail.lock().unwrap_or_else(|e| e.into_inner());
    lines.push_back(line.to_owned());
    let mut total: usize = lines.iter().map(|l| l.len() + 1).sum();
    while total > TAIL_BYTES && lines.len() > 1 {
        total -= lines.pop_front().map_or(0, |l| l.len() + 1);
    }
    if let Some(only) = lines.front_mut().filter(|l| l.len() > TAIL_BYTES) {
        let mut cut = only.len() - TAIL_BYTES;
        while !only.is_char_boundary(cut) {
            cut += 1;
        }
        only.drain(..cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_keeps_the_last_lines_within_its_budget() {
        let tail = Mutex::new(VecDeque::new());
        for i in 0..1000 {
            push_tail(&tail, &format!("line {i}"));
        }
        let lines = tail.lock().unwrap();
        assert_eq!(lines.back().map(String::as_str), Some("line 999"));
        assert!(lines.iter().map(|l| l.len() + 1).sum::<usize>() <= TAIL_BYTES);
        drop(lines);
        let long = Mutex::new(VecDeque::new());
        push_tail(&long, &"é".repeat(TAIL_BYTES));
        assert!(long.lock().unwrap()[0].len() <= TAIL_BYTES);
    }
}
