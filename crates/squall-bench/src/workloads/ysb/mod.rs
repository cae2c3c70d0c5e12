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

mod bolts;
mod events;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use smol_str::SmolStr;
use squall::prelude::*;

use super::{Budget, Edge, Settings};
use crate::measure::{Probe, ProbeReport, collector, combine, run_bounded, take};
use crate::report::Row;
use bolts::{Filter, Join, Parse, Project, Window, Windows};
use events::EventSpout;
pub use events::{Shape, Universe};

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
    row = row.measured(events, steady.rate * scale, &outcome, "events");
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
    use super::bolts::Event;
    use super::events::EVENT_TYPES;
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
