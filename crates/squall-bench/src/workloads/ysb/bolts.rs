//! The query's bolts: parse, filter, project, join, and the tumbling window.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use smol_str::SmolStr;
use squall::prelude::*;

use crate::measure::Probe;

/// YSB's event, borrowed from the JSON text.
#[derive(Deserialize)]
pub(super) struct Event<'a> {
    pub(super) user_id: &'a str,
    pub(super) page_id: &'a str,
    pub(super) ad_id: &'a str,
    pub(super) ad_type: &'a str,
    pub(super) event_type: &'a str,
    pub(super) event_time: &'a str,
    pub(super) ip_address: &'a str,
}

/// JSON text → the event's seven fields.
pub(super) struct Parse;

impl BasicBolt for Parse {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["user_id", "page_id", "ad_id", "ad_type", "event_type", "event_time", "ip_address"]);
    }

    fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        let text = t.get_str(0).ok_or_else(|| Failed::new("expected an event"))?;
        let e: Event<'_> = serde_json::from_str(text).map_err(|e| Failed::reported(e.to_string()))?;
        out.emit(values![e.user_id, e.page_id, e.ad_id, e.ad_type, e.event_type, e.event_time, e.ip_address]);
        Ok(())
    }
}

/// Passes views only.
pub(super) struct Filter;

impl BasicBolt for Filter {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["user_id", "page_id", "ad_id", "ad_type", "event_type", "event_time", "ip_address"]);
    }

    fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        if t.get_str(4) == Some("view") {
            out.emit(t.values().clone());
        }
        Ok(())
    }
}

/// Keeps `(ad_id, event_time)`, the time as a number.
pub(super) struct Project;

impl BasicBolt for Project {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["ad_id", "event_time"]);
    }

    fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        let ad = t.get(2).cloned().ok_or_else(|| Failed::new("no ad_id"))?;
        let time: i64 =
            t.get_str(5).and_then(|s| s.parse().ok()).ok_or_else(|| Failed::new("bad event_time"))?;
        out.emit(values![ad, time]);
        Ok(())
    }
}

/// Joins ad → campaign from an in-memory table (Storm's version asks Redis, with a local cache).
pub(super) struct Join {
    pub(super) table: HashMap<SmolStr, SmolStr>,
}

impl BasicBolt for Join {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["campaign_id", "ad_id", "event_time"]);
    }

    fn execute(&mut self, t: &Tuple, out: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        let ad = t.get_str(0).ok_or_else(|| Failed::new("no ad_id"))?;
        let campaign = self.table.get(ad).ok_or_else(|| Failed::reported(format!("unknown ad {ad}")))?;
        out.emit(values![campaign.clone(), ad, t.get(1).cloned().unwrap_or_default()]);
        Ok(())
    }
}

pub(super) type Windows = HashMap<(SmolStr, i64), u64>;

/// Tumbling event-time counts per campaign.
pub(super) struct Window {
    pub(super) window_ms: i64,
    pub(super) open: Windows,
    pub(super) open_starts: BTreeSet<i64>,
    pub(super) closed_below: i64,
    pub(super) max_time: i64,
    pub(super) late: Windows,
    pub(super) late_events: u64,
    pub(super) probe: Probe,
    pub(super) results: Arc<Mutex<Vec<(Windows, u64)>>>,
}

impl Window {
    fn close_through(&mut self, watermark: i64) {
        let mut closed = Windows::new();
        while let Some(&start) = self.open_starts.first() {
            if start + self.window_ms > watermark {
                break;
            }
            self.open_starts.pop_first();
            self.closed_below = start + self.window_ms;
            self.open.retain(|k, c| {
                if k.1 == start {
                    closed.insert(k.clone(), *c);
                    false
                } else {
                    true
                }
            });
        }
        if !closed.is_empty() {
            self.results.lock().unwrap_or_else(|e| e.into_inner()).push((closed, 0));
        }
    }
}

impl BasicBolt for Window {
    fn declare_outputs(&self, _: &mut OutputDeclarer) {}

    fn execute(&mut self, t: &Tuple, _: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        self.probe.saw();
        let campaign = match t.get(0) {
            Some(Value::Str(c)) => c.clone(), // O(1): shares the join's string
            _ => return Err(Failed::new("no campaign")),
        };
        let time = t.get_i64(2).ok_or_else(|| Failed::new("no event_time"))?;
        let start = time - time.rem_euclid(self.window_ms);
        if start < self.closed_below {
            self.late_events += 1;
            *self.late.entry((campaign, start)).or_insert(0) += 1;
            return Ok(());
        }
        match self.open.get_mut(&(campaign.clone(), start)) {
            Some(c) => *c += 1,
            None => {
                self.open.insert((campaign, start), 1);
                self.open_starts.insert(start);
            }
        }
        if time > self.max_time {
            self.max_time = time;
            // One window of allowed lateness before a window closes.
            if self.open_starts.first().is_some_and(|s| s + 2 * self.window_ms <= time) {
                self.close_through(time - self.window_ms);
            }
        }
        Ok(())
    }

    fn cleanup(&mut self) {
        self.probe.finish();
        let mut rest = std::mem::take(&mut self.open);
        for (k, c) in self.late.drain() {
            *rest.entry(k).or_insert(0) += c;
        }
        self.results.lock().unwrap_or_else(|e| e.into_inner()).push((rest, self.late_events));
    }
}
