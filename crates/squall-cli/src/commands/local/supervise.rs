//! Watching a running topology until its run should end, printing progress meanwhile.

use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use squall::{RuntimeError, TopologyStats};
use squall_cluster::TopologyHandle;

/// How often the watcher checks the topology (and how late it may notice the end).
const POLL: Duration = Duration::from_millis(20);

/// Why a run ends.
#[derive(Debug)]
pub enum End {
    /// Every spout declared itself finished and no tuple tree is pending.
    Finished,
    /// `--duration` passed.
    Elapsed,
    /// Ctrl-C.
    Interrupted,
    /// A component failed beyond what the runtime recovers from.
    Failed(RuntimeError),
}

/// What ends a run besides the topology itself, and how to report progress.
pub struct Watch<'a> {
    /// When the run started.
    pub started: Instant,
    /// `--duration`.
    pub limit: Option<Duration>,
    /// Time between progress lines; `None` for none.
    pub progress: Option<Duration>,
    /// The first Ctrl-C arrives here.
    pub interrupts: &'a Receiver<()>,
}

/// Waits until the run should end and says why. Progress lines go to `progress_out`.
pub fn watch(running: &TopologyHandle, w: &Watch<'_>, progress_out: &mut dyn Write) -> End {
    let deadline = w.limit.map(|limit| w.started + limit);
    let mut next_progress = w.progress.map(|every| w.started + every);
    loop {
        if let Some(error) = running.failure() {
            return End::Failed(error);
        }
        if running.is_finished() {
            return End::Finished;
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            return End::Elapsed;
        }
        if let (Some(at), Some(every)) = (next_progress, w.progress)
            && now >= at
        {
            let line = progress_line(running.name(), w.started.elapsed(), &running.stats());
            let _ = writeln!(progress_out, "{line}");
            next_progress = Some(now + every);
        }
        let wait = deadline.map_or(POLL, |d| POLL.min(d.saturating_duration_since(now)));
        match w.interrupts.recv_timeout(wait) {
            Ok(()) => return End::Interrupted,
            Err(RecvTimeoutError::Timeout) => {}
            // No handler any more: Ctrl-C can no longer arrive; keep the pace without it.
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(wait),
        }
    }
}

/// One progress line: tuples emitted by spouts and bolts, and spout tuple trees acked and failed.
pub fn progress_line(topology: &str, elapsed: Duration, stats: &TopologyStats) -> String {
    let user = || stats.components.iter().filter(|c| c.kind != "acker");
    let spouts = || stats.components.iter().filter(|c| c.kind == "spout");
    let emitted: u64 = user().map(|c| c.emitted).sum();
    let acked: u64 = spouts().map(|c| c.acked).sum();
    let failed: u64 = spouts().map(|c| c.failed).sum();
    format!(
        "squall: '{topology}' running {:.0} s: {emitted} tuples emitted, {acked} acked, {failed} failed (spout trees)",
        elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use squall::stats::ComponentStats;

    fn component(name: &str, kind: &str, emitted: u64, acked: u64, failed: u64) -> ComponentStats {
        ComponentStats {
            component: name.into(),
            kind: kind.into(),
            emitted,
            acked,
            failed,
            ..ComponentStats::default()
        }
    }

    #[test]
    fn progress_counts_user_emits_and_spout_trees() {
        let stats = TopologyStats {
            topology: "words".into(),
            components: vec![
                component("__acker", "acker", 1000, 0, 0),
                component("lines", "spout", 10, 8, 1),
                component("split", "bolt", 40, 10, 0),
            ],
            ..TopologyStats::default()
        };
        assert_eq!(
            progress_line("words", Duration::from_millis(5200), &stats),
            "squall: 'words' running 5 s: 50 tuples emitted, 8 acked, 1 failed (spout trees)"
        );
    }
}
