//! The event generator: the ad/campaign universe, YSB's JSON events as a pure function of the
//! sequence number, the spout that emits them, and the direct computation of the expected windows.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use smol_str::SmolStr;
use squall::prelude::*;

use super::super::{Budget, Settings, task_index};

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
pub(super) const EVENT_TYPES: [&str; 3] = ["view", "click", "purchase"];
const AD_TYPES: [&str; 5] = ["banner", "modal", "sponsored-search", "mail", "mobile"];
/// Users and pages drawn from.
const POOL: usize = 1000;

/// The generated universe: ad, campaign, user and page ids.
pub struct Universe {
    pub(super) shape: Shape,
    pub(super) ads: Vec<SmolStr>,
    pub(super) campaigns: Vec<SmolStr>,
    pub(super) users: Vec<String>,
    pub(super) pages: Vec<String>,
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
    pub(super) fn event(&self, seq: u64) -> (usize, usize, i64) {
        let m = mix(seq);
        let ad = (m % self.ads.len() as u64) as usize;
        let kind = ((m >> 32) % 3) as usize;
        let time = BASE_MS + (seq * 1000 / self.shape.events_per_event_second) as i64;
        (ad, kind, time)
    }

    /// The campaign of ad `ad` (ads are dealt to campaigns in blocks).
    pub(super) fn campaign_of(&self, ad: usize) -> usize {
        ad / self.shape.ads_per_campaign
    }

    /// Writes event `seq` as YSB's JSON into `buf`.
    pub(super) fn write_json(&self, seq: u64, buf: &mut String) {
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
    pub(super) fn expected(&self, seqs: impl Iterator<Item = u64>) -> HashMap<(SmolStr, i64), u64> {
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
pub(super) struct EventSpout {
    pub(super) universe: Arc<Universe>,
    pub(super) settings: Settings,
    pub(super) budget: Budget,
    pub(super) seq: u64,
    pub(super) step: u64,
    pub(super) sent: u64,
    pub(super) buf: String,
    pub(super) out: Arc<Mutex<Vec<(u64, u64, u64)>>>,
    pub(super) first: u64,
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
