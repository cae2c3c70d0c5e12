//! The counters an executor keeps per task on its own thread.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

/// Storm's capacity window.
const CAPACITY_WINDOW: Duration = Duration::from_secs(600);

/// Counters for one task. Output-stream vectors are indexed like the component's outputs, input
/// vectors like its inputs (plus one last entry for tick tuples).
pub struct TaskCounters {
    /// Tuples emitted per output stream.
    pub emitted: Vec<u64>,
    /// Copies sent per output stream.
    pub transferred: Vec<u64>,
    /// Tuples executed per input.
    pub executed: Vec<u64>,
    /// Bolt: inputs acked per input. Spout: trees completed per output stream.
    pub acked: Vec<u64>,
    /// Bolt: inputs failed per input. Spout: trees failed per output stream.
    pub failed: Vec<u64>,
    /// Sum of sampled execute latencies (ns) per input.
    pub execute_ns: Vec<u64>,
    /// Number of sampled executes per input.
    pub execute_samples: Vec<u64>,
    /// Sum of sampled process latencies (ns) per input.
    pub process_ns: Vec<u64>,
    /// Number of sampled process latencies per input.
    pub process_samples: Vec<u64>,
    /// Spout: sum of complete latencies (µs) per output stream.
    pub complete_us: Vec<u64>,
    /// Spout: complete latencies in µs.
    pub complete_hist: Option<Histogram<u64>>,
    /// Estimated nanoseconds spent executing (sampled time × sampling period).
    pub busy_ns: u64,
}

impl TaskCounters {
    /// Counters for a task with `outputs` output streams and `inputs` inputs (ticks excluded).
    pub fn new(outputs: usize, inputs: usize, spout: bool) -> Self {
        let ins = inputs + 1;
        let acks = if spout { outputs } else { ins };
        Self {
            emitted: vec![0; outputs],
            transferred: vec![0; outputs],
            executed: vec![0; ins],
            acked: vec![0; acks],
            failed: vec![0; acks],
            execute_ns: vec![0; ins],
            execute_samples: vec![0; ins],
            process_ns: vec![0; ins],
            process_samples: vec![0; ins],
            complete_us: vec![0; if spout { outputs } else { 0 }],
            complete_hist: spout
                .then(|| Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid bounds")),
            busy_ns: 0,
        }
    }

    /// Records the complete latency of a sampled tree of output stream `stream`.
    pub fn record_complete(&mut self, stream: usize, latency: Duration) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX).max(1);
        self.complete_us[stream] += us;
        if let Some(h) = &mut self.complete_hist {
            h.saturating_record(us);
        }
    }
}

/// Capacity over Storm's 10-minute window: busy time in the window divided by its length.
#[derive(Default)]
pub struct CapacityWindow {
    history: VecDeque<(Instant, u64)>,
}

impl CapacityWindow {
    /// Records the cumulative busy nanoseconds at `now` and returns the capacity over the window.
    pub fn update(&mut self, now: Instant, busy_ns: u64) -> f64 {
        self.history.push_back((now, busy_ns));
        while self.history.len() > 2 && now.duration_since(self.history[1].0) >= CAPACITY_WINDOW {
            self.history.pop_front();
        }
        let (start, busy_start) = self.history[0];
        let elapsed = now.duration_since(start).as_nanos() as f64;
        if elapsed <= 0.0 { 0.0 } else { (busy_ns - busy_start) as f64 / elapsed }
    }
}
