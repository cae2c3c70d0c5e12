//! [`WatermarkGenerator`]: event-time progress across input streams.

use squall_api::GlobalStreamId;

/// Tracks the largest event timestamp seen per input stream and computes watermarks: Storm's
/// `WaterMarkEventGenerator` without its timer thread (the caller decides when to
/// [`compute`](Self::compute), every watermark interval).
///
/// The watermark is `min over input streams (max timestamp) − lag`, defined only once every input
/// stream has delivered a tuple, and it only moves forward. A tuple is late when its timestamp is
/// strictly below the last watermark. (Storm starts its last watermark and trigger point at 0, so
/// there timestamps below 0 count as late before the first watermark; squall starts from "none".)
#[derive(Clone, Debug)]
pub struct WatermarkGenerator {
    lag: i64,
    /// Expected input streams first, then any other stream a tuple arrived on.
    streams: Vec<(GlobalStreamId, Option<i64>)>,
    expected: usize,
    last: Option<i64>,
}

impl WatermarkGenerator {
    /// A generator over these input streams, trailing them by `lag_ms`.
    pub fn new(inputs: impl IntoIterator<Item = GlobalStreamId>, lag_ms: u64) -> Self {
        let mut streams: Vec<(GlobalStreamId, Option<i64>)> = Vec::new();
        for s in inputs {
            if !streams.iter().any(|(known, _)| *known == s) {
                streams.push((s, None));
            }
        }
        let expected = streams.len();
        Self { lag: i64::try_from(lag_ms).unwrap_or(i64::MAX), streams, expected, last: None }
    }

    /// Records a tuple with event time `ts` from `component`'s stream `stream`. Returns false if
    /// it is late (before the last watermark).
    pub fn track(&mut self, component: &str, stream: &str, ts: i64) -> bool {
        match self.streams.iter_mut().find(|(s, _)| s.component == component && s.stream == stream) {
            Some((_, max)) => *max = Some(max.map_or(ts, |m| m.max(ts))),
            None => self
                .streams
                .push((GlobalStreamId { component: component.into(), stream: stream.into() }, Some(ts))),
        }
        self.last.is_none_or(|w| ts >= w)
    }

    /// A new watermark, if every expected stream has delivered and it advances past the last one.
    pub fn compute(&mut self) -> Option<i64> {
        let mut min: Option<i64> = None;
        for (i, (_, max)) in self.streams.iter().enumerate() {
            match max {
                Some(m) => min = Some(min.map_or(*m, |x| x.min(*m))),
                None if i < self.expected => return None,
                None => {}
            }
        }
        let watermark = min?.saturating_sub(self.lag);
        if self.last.is_some_and(|w| watermark <= w) {
            return None;
        }
        self.last = Some(watermark);
        Some(watermark)
    }

    /// The last watermark, if any.
    pub fn last(&self) -> Option<i64> {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sid(c: &str, s: &str) -> GlobalStreamId {
        GlobalStreamId { component: c.into(), stream: s.into() }
    }

    #[test]
    fn waits_for_every_stream_then_takes_the_slowest_minus_lag() {
        let mut g = WatermarkGenerator::new([sid("a", "default"), sid("b", "default")], 5);
        assert!(g.track("a", "default", 100));
        assert_eq!(g.compute(), None, "stream b has not delivered");
        assert!(g.track("b", "default", 40));
        assert!(g.track("a", "default", 90), "older than a's max but no watermark yet");
        assert_eq!(g.compute(), Some(35));
        assert_eq!(g.compute(), None, "no progress");
        assert!(!g.track("a", "default", 34), "strictly before the watermark is late");
        assert!(g.track("a", "default", 35), "at the watermark is not late");
        g.track("b", "default", 200);
        assert_eq!(g.compute(), Some(95));
        assert_eq!(g.last(), Some(95));
    }
}
