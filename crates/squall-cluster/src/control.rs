//! The control protocol between a supervisor and its workers: one JSON object per line over a
//! loopback TCP connection the worker opens. Small and rare (a heartbeat every 100 ms), so a text
//! format that is easy to read in a capture is worth more than compactness.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

use serde::{Deserialize, Serialize};
use squall_runtime::Progress;
use squall_runtime::stats::{ExecutorStats, TaskStats};

/// Longest control line accepted (statistics of large topologies included).
pub const MAX_LINE: usize = 64 << 20;

/// From a worker to its supervisor.
#[derive(Debug, Serialize, Deserialize)]
pub enum ToSupervisor {
    /// The first message on a connection.
    Hello {
        /// The worker's index.
        worker: u32,
        /// Its process id.
        pid: u32,
    },
    /// Progress, sent periodically.
    Heartbeat {
        /// Counters for the "finished?" check.
        progress: Progress,
    },
    /// Statistics, answering [`ToWorker::Stats`] or sent periodically.
    Stats {
        /// The sequence number of the request answered (0 when unsolicited).
        seq: u64,
        /// Its tasks' statistics.
        tasks: Vec<TaskStats>,
        /// Its executors' queue statistics.
        executors: Vec<ExecutorStats>,
    },
    /// The worker's executors stopped on a failure (component panic, start error, …).
    Failed {
        /// The runtime's error text (names component and task).
        cause: String,
    },
    /// The worker stopped as asked; final statistics follow in the same message.
    Stopped {
        /// Its tasks' final statistics.
        tasks: Vec<TaskStats>,
        /// Its executors' queue statistics.
        executors: Vec<ExecutorStats>,
    },
}

/// From a supervisor to a worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ToWorker {
    /// Activate (true) or deactivate (false) the spouts.
    Activate(bool),
    /// Send statistics now, tagged with this sequence number.
    Stats(u64),
    /// Stop: deactivate, wait this many milliseconds, stop executors, send final statistics, exit.
    Stop(u64),
}

/// Writes one message as a line.
///
/// # Errors
/// The connection failed.
pub fn send<T: Serialize>(stream: &mut TcpStream, msg: &T) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(msg).map_err(std::io::Error::other)?;
    line.push(b'\n');
    stream.write_all(&line)
}

/// Reads messages line by line.
pub struct Lines {
    reader: BufReader<TcpStream>,
    buf: Vec<u8>,
}

impl Lines {
    /// Reads from `stream`.
    pub fn new(stream: TcpStream) -> Self {
        Self { reader: BufReader::new(stream), buf: Vec::new() }
    }

    /// The next message; `Ok(None)` at end of stream.
    ///
    /// # Errors
    /// An I/O error, an oversized line, or a line that is not a valid message.
    pub fn read<T: for<'de> Deserialize<'de>>(&mut self) -> std::io::Result<Option<T>> {
        self.buf.clear();
        let n = (&mut self.reader).take(MAX_LINE as u64 + 1).read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(None);
        }
        if self.buf.len() > MAX_LINE {
            return Err(std::io::Error::other("control line too long"));
        }
        serde_json::from_slice(&self.buf).map(Some).map_err(std::io::Error::other)
    }
}

use std::io::Read as _;
