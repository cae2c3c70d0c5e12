//! `ysb`: the Yahoo Streaming Benchmark query as Storm's version of it wires it, on generated ad
//! events: a spout of JSON event strings → parse (serde_json) → filter `event_type == "view"` →
//! project `(ad_id, event_time)` → join ad → campaign from an in-memory table → a 10-second
//! event-time tumbling count per campaign (fields grouping on the campaign).
//!
//! The window is a plain bolt keeping tumbling counts (not squall-window): a window is closed and
//! handed to the results once the bolt's event time passes its end plus one window of lateness;
//! later events for a closed window are counted apart as late and added to the results at
//! cleanup, so the final counts are exact. They are checked against a direct computation over the
//! same events (the generator is a pure function of the sequence number).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use smol_str::SmolStr;
use squall::prelude::*;

use super::{Budget, Edge, Settings, task_index};
use crate::measure::{Probe, ProbeReport, collector, combine, run_bounded, take};
use crate::report::{Latency, Row};

/// The ad and campaign universe and the event-time pace.
#[derive(Clone, Debug)]
pub struct Shape {
    /// Campaigns.
    pub campaigns: usize,
    /// Ads per campaign.
    pub ads_per_campaign: usize,
    /// Events per second of event time (sets how many events a window holds).
    pub events_per_event_second: u64,
    /// Window length, ms of event time.
    pub window_ms: i64,
}

impl Default for Shape {
    fn default() -> Self {
        Self { campaigns: 100, ads_per_campaign: 10, events_per_event_second: 100_000, window_ms: 10_000 }
    }
}

/// Event time of the first event, ms since the epoch.
const BASE_MS: i64 = 1_700_000_000_000;
const EVENT_TYPES: [&str; 3] = ["view", "click", "purchase"];
const AD_TYPES: [&str; 5] = ["banner", "modal", "sponsored-search", "mail", "mobile"];
/// Users and pages drawn from.
const POOL: usize = 1000;

/// The generated universe: ad, campaign, user and page ids.
pub struct Universe {
    shape: Shape,
    ads: Vec<SmolStr>,
    campaigns: Vec<SmolStr>,
    users: Vec<String>,
    pages: Vec<String>,
}

fn uuid(rng: &mut fastrand::Rng) -> String {
    let hex = |rng: &mut fastrand::Rng, n: usize| {
        (0..n).map(|_| char::from_digit(rng.u32(0..16), 16).unwrap_or('0')).collect::<String>()
    };
    format!("{}-{}-{}-{}-{}", hex(rng, 8), hex(rng, 4), hex(rng, 4), hex(rng, 4), hex(rng, 12))
}

/// A 64-bit mix of the sequence number (splitmix64's finaliser).
fn mix(seq: u64) -> u64 {
    let mut z = seq.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Universe {
    /// Ids from a fixed seed, so every run sees the same universe.
    pub fn new(shape: Shape) -> Self {
        let mut rng = fastrand::Rng::with_seed(0x5eed);
        let campaigns: Vec<SmolStr> = (0..shape.campaigns).map(|_| uuid(&mut rng).into()).collect();
        let ads = (0..shape.campaigns * shape.ads_per_campaign).map(|_| uuid(&mut rng).into()).collect();
        let users = (0..POOL).map(|_| uuid(&mut rng)).collect();
        let pages = (0..POOL).map(|_| uuid(&mut rng)).collect();
        Self { shape, ads, campaigns, users, pages }
    }

    /// Event `seq`: (ad index, event type index, event time ms).
    fn event(&self, seq: u64) -> (usize, usize, i64) {
        let m = mix(seq);
        let ad = (m % self.ads.len() as u64) as usize;
        let kind = ((m >> 32) % 3) as usize;
        let time = BASE_MS + (seq * 1000 / self.shape.events_per_event_second) as i64;
        (ad, kind, time)
    }

    /// The campaign of ad `ad` (ads are dealt to campaigns in blocks).
    fn campaign_of(&self, ad: usize) -> usize {
        ad / self.shape.ads_per_campaign
    }

    /// Writes event `seq` as YSB's JSON into `buf`.
    fn write_json(&self, seq: u64, buf: &mut String) {
        let (ad, kind, time) = self.event(seq);
        let m = mix(seq ^ 0xabcd);
        buf.clear();
        let _ = write!(
            buf,
            r#"{{"user_id":"{}","page_id":"{}","ad_id":"{}","ad_type":"{}","event_type":"{}","event_time":"{}","ip_address":"1.2.3.4"}}"#,
            self.users[(m % POOL as u64) as usize],
            self.pages[((m >> 20) % POOL as u64) as usize],
            self.ads[ad],
            AD_TYPES[((m >> 40) % 5) as usize],
            EVENT_TYPES[kind],
            time
        );
    }

    /// The window counts the query must produce over events `seqs`: (campaign, window start) → views.
    fn expected(&self, seqs: impl Iterator<Item = u64>) -> HashMap<(SmolStr, i64), u64> {
        let mut out = HashMap::new();
        for seq in seqs {
            let (ad, kind, time) = self.event(seq);
            if kind == 0 {
                let w = time - time.rem_euclid(self.shape.window_ms);
                *out.entry((self.campaigns[self.campaign_of(ad)].clone(), w)).or_insert(0) += 1;
            }
        }
        out
    }
}

/// Emits its share of the events as JSON strings; reports (first seq, step, count) at close.
struct EventSpout {
    universe: Arc<Universe>,
    settings: Settings,
    budget: Budget,
    seq: u64,
    step: u64,
    sent: u64,
    buf: String,
    out: Arc<Mutex<Vec<(u64, u64, u64)>>>,
    first: u64,
}

impl Spout for EventSpout {
    fn declare_outputs(&self, d: &mut OutputDeclarer) {
        d.declare(["event"]);
    }

    fn open(&mut self, ctx: &TopologyContext) -> Result<(), ComponentError> {
        let (index, tasks) = task_index(ctx);
        self.budget = Budget::new(self.settings.limit, self.settings.warmup, index, tasks);
        self.budget.open();
        (self.seq, self.first, self.step) = (index, index, tasks);
        Ok(())
    }

    fn next_tuple(&mut self, out: &mut SpoutCollector<'_>) {
        if !self.budget.take() {
            return;
        }
        self.universe.write_json(self.seq, &mut self.buf);
        let event = SmolStr::new(&self.buf);
        if self.settings.acking {
            out.emit_with_id(values![event], self.seq as i64);
        } else {
            out.emit(values![event]);
        }
        self.seq += self.step;
        self.sent += 1;
    }

    fn is_finished(&self) -> bool {
        self.budget.finished()
    }

    fn close(&mut self) {
        self.out.lock().unwrap_or_else(|e| e.into_inner()).push((self.first, self.step, self.sent));
    }
}

/// YSB's event, borrowed from the JSON text.
#[derive(Deserialize)]
struct Event<'a> {
    user_id: &'a str,
    page_id: &'a str,
    ad_id: &'a str,
    ad_type: &'a str,
    event_type: &'a str,
    event_time: &'a str,
    ip_address: &'a str,
}

/// JSON text → the event's seven fields.
struct Parse;

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
struct Filter;

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
struct Project;

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
struct Join {
    table: HashMap<SmolStr, SmolStr>,
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

type Windows = HashMap<(SmolStr, i64), u64>;

/// Tumbling event-time counts per campaign.
struct Window {
    window_ms: i64,
    open: Windows,
    open_starts: BTreeSet<i64>,
    closed_below: i64,
    max_time: i64,
    late: Windows,
    late_events: u64,
    probe: Probe,
    results: Arc<Mutex<Vec<(Windows, u64)>>>,
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

/// Runs the YSB query once over generated events.
///
/// # Errors
/// The topology failed; wrong window counts are reported in the row's `check`.
pub fn run(settings: &Settings, edge: Edge, shape: &Shape) -> anyhow::Result<Row> {
    let universe = Arc::new(Universe::new(shape.clone()));
    let table: HashMap<SmolStr, SmolStr> = universe
        .ads
        .iter()
        .enumerate()
        .map(|(i, ad)| (ad.clone(), universe.campaigns[universe.campaign_of(i)].clone()))
        .collect();
    let (probes, emitted, results): (Arc<Mutex<Vec<ProbeReport>>>, _, _) =
        (collector(), collector(), collector());
    let p = settings.parallelism;
    let mut b = TopologyBuilder::new();
    let (u, s, e) = (universe.clone(), settings.clone(), emitted.clone());
    b.set_spout("events", p, move || EventSpout {
        universe: u.clone(),
        settings: s.clone(),
        budget: Budget::new(s.limit, Duration::ZERO, 0, 1),
        seq: 0,
        step: 1,
        sent: 0,
        buf: String::with_capacity(256),
        out: e.clone(),
        first: 0,
    });
    edge.apply(&mut b.set_basic_bolt("parse", p, || Parse), "events");
    edge.apply(&mut b.set_basic_bolt("filter", p, || Filter), "parse");
    edge.apply(&mut b.set_basic_bolt("project", p, || Project), "filter");
    edge.apply(&mut b.set_basic_bolt("join", p, move || Join { table: table.clone() }), "project");
    let (pr, r, warmup, window_ms) = (probes.clone(), results.clone(), settings.warmup, shape.window_ms);
    b.set_basic_bolt("window", p, move || Window {
        window_ms,
        open: Windows::new(),
        open_starts: BTreeSet::new(),
        closed_below: i64::MIN,
        max_time: i64::MIN,
        late: Windows::new(),
        late_events: 0,
        probe: Probe::new(warmup, pr.clone()),
        results: r.clone(),
    })
    .fields_grouping("join", ["campaign_id"]);

    let outcome = run_bounded("ysb", &settings.config(), b.build()?, settings.timeout)?;
    let steady = combine(&take(&probes), outcome.submitted);
    let shares = take(&emitted);
    let events: u64 = shares.iter().map(|s| s.2).sum();
    let mut got = Windows::new();
    let mut late = 0;
    for (w, l) in take(&results) {
        late += l;
        for (k, c) in w {
            *got.entry(k).or_insert(0) += c;
        }
    }
    let expected =
        universe.expected(shares.iter().flat_map(|&(first, step, n)| (0..n).map(move |k| first + k * step)));
    let views: u64 = expected.values().sum();

    let mut row = settings.row("ysb", "events").param("grouping", edge.name());
    // The window bolt sees views only; scale its rate to input events by this run's exact ratio.
    let scale = if views > 0 { events as f64 / views as f64 } else { 0.0 };
    row.count = events;
    row.tuples_per_s = steady.rate * scale;
    row.wall_s = outcome.wall.as_secs_f64();
    row.wall_per_s = events as f64 / row.wall_s;
    row.cpu_s = outcome.cpu_s;
    row.per_cpu_s = if outcome.cpu_s > 0.0 { events as f64 / outcome.cpu_s } else { 0.0 };
    row.peak_rss_mib = outcome.peak_rss_mib;
    row.latency = outcome
        .stats
        .component("events")
        .and_then(|c| c.complete_latency.as_ref())
        .filter(|l| l.count > 0)
        .map(Latency::from);
    row.set("views", views);
    row.set("windows", expected.len() as u64);
    row.set("late_events", late);
    row.set("campaigns", shape.campaigns as u64);
    row.set("events_per_event_second", shape.events_per_event_second);
    row.check = if steady.received != views {
        format!("FAIL window bolts saw {} views, {views} generated", steady.received)
    } else if got != expected {
        let wrong = expected.iter().filter(|(k, c)| got.get(*k) != Some(c)).count();
        format!("FAIL {wrong} of {} window counts wrong ({} windows produced)", expected.len(), got.len())
    } else {
        "ok".to_owned()
    };
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_events_parse_and_count() {
        let u = Universe::new(Shape { events_per_event_second: 10, ..Shape::default() });
        let mut buf = String::new();
        u.write_json(42, &mut buf);
        let e: Event<'_> = serde_json::from_str(&buf).expect("the generator writes valid JSON");
        assert_eq!(e.ad_id.len(), 36);
        assert!(EVENT_TYPES.contains(&e.event_type));
        let expected = u.expected(0..1000);
        let views: u64 = expected.values().sum();
        assert!((250..420).contains(&views), "about a third are views: {views}");
        // 1000 events at 10 per event-second span 100 s: 10 windows.
        assert_eq!(expected.keys().map(|k| k.1).collect::<BTreeSet<_>>().len(), 10);
    }
}
