//! `summary`: reads a results file (squall's JSON lines plus the peers' lines `bench/compare.sh`
//! adds) and prints the ratios BENCHMARKS.md cites, as Markdown: squall against each peer per
//! workload and parallelism, const-null against the raw queue, scaling, acking and chaining
//! costs, latency at half the maximum rate, memory, start-up, and the project's bars.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value as Json;

/// One line of a results file.
type Line = serde_json::Map<String, Json>;

fn load(path: &Path) -> anyhow::Result<Vec<Line>> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str::<Json>(l).ok())
        .filter_map(|v| if let Json::Object(m) = v { Some(m) } else { None })
        .collect())
}

fn f(line: &Line, key: &str) -> Option<f64> {
    line.get(key).and_then(Json::as_f64)
}

/// The last summary row of `workload` whose parameters match `want`.
fn squall<'a>(lines: &'a [Line], workload: &str, want: &[(&str, Json)]) -> Option<&'a Line> {
    lines.iter().rev().find(|l| {
        l.get("workload").and_then(Json::as_str) == Some(workload)
            && l.get("summary").and_then(Json::as_bool) == Some(true)
            && want.iter().all(|(k, v)| l.get(*k) == Some(v))
    })
}

fn rate(lines: &[Line], workload: &str, want: &[(&str, Json)]) -> Option<f64> {
    squall(lines, workload, want).and_then(|l| f(l, "tuples_per_s"))
}

fn peer(lines: &[Line], name: &str, series: &str, p: u64) -> Option<f64> {
    lines.iter().rev().find_map(|l| {
        (l.get("workload").and_then(Json::as_str) == Some("peer")
            && l.get("peer").and_then(Json::as_str) == Some(name)
            && l.get("series").and_then(Json::as_str) == Some(series)
            && l.get("parallelism").and_then(Json::as_u64) == Some(p))
        .then(|| f(l, "rate"))
        .flatten()
    })
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "—".to_owned(),
    }
}

fn verdict(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "**met**",
        Some(false) => "**not met**",
        None => "not measured",
    }
}

fn variant(p: u64, grouping: &str, acking: bool, chaining: bool) -> Vec<(&'static str, Json)> {
    vec![
        ("parallelism", p.into()),
        ("grouping", grouping.into()),
        ("acking", acking.into()),
        ("chaining", chaining.into()),
    ]
}

/// Builds the Markdown summary of the results in `path`.
///
/// # Errors
/// The file cannot be read.
pub fn summarize(path: &Path) -> anyhow::Result<String> {
    let lines = load(path)?;
    let mut peers: Vec<String> = lines
        .iter()
        .filter(|l| l.get("workload").and_then(Json::as_str) == Some("peer"))
        .filter_map(|l| l.get("peer").and_then(Json::as_str).map(str::to_owned))
        .collect();
    peers.sort();
    peers.dedup();
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "Results: `{}`\n", path.display());

    // Against the peers.
    let _ = writeln!(
        w,
        "### squall against the peers (ratio squall / peer, same units; > 1 means squall is faster)\n"
    );
    let _ = write!(w, "| workload | squall variant | p |");
    for p in &peers {
        let _ = write!(w, " / {p} |");
    }
    let _ = writeln!(w);
    let _ = writeln!(w, "|---|---|---|{}", "---|".repeat(peers.len()));
    let rows: [(&str, &str, &str, &str, bool); 5] = [
        ("identity (records/s)", "const-null", "shuffle", "identity", false),
        ("identity (records/s)", "const-null", "local-or-shuffle", "identity", false),
        ("wordcount (words/s)", "word-count", "local-or-shuffle", "wordcount-words", false),
        ("wordcount (words/s)", "word-count", "shuffle", "wordcount-words", false),
        ("wordcount (words/s)", "word-count", "local-or-shuffle", "wordcount-words", true),
    ];
    for (label, workload, grouping, series, acking) in rows {
        for p in [1u64, 2] {
            let ours = rate(&lines, workload, &variant(p, grouping, acking, true));
            if ours.is_none() {
                continue;
            }
            let _ = write!(
                w,
                "| {label} | {workload}, {grouping}, acking {} | {p} |",
                if acking { "on" } else { "off" }
            );
            for name in &peers {
                let _ = write!(w, " {} |", ratio(ours, peer(&lines, name, series, p)));
            }
            let _ = writeln!(w);
        }
    }

    // The raw queue.
    let best_raw = lines
        .iter()
        .filter(|l| {
            l.get("workload").and_then(Json::as_str) == Some("raw-queue")
                && l.get("summary").and_then(Json::as_bool) == Some(true)
        })
        .filter_map(|l| Some((f(l, "tuples_per_s")?, l.get("queue")?.as_str()?.to_owned())))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let _ = writeln!(w, "\n### const-null against the raw queue\n");
    if let Some((raw, queue)) = &best_raw {
        let _ = writeln!(
            w,
            "Best raw hand-off: `{queue}`.\n\n| const-null variant (p = 1) | fraction of raw queue |\n|---|---|"
        );
        for (grouping, acking, chaining) in [
            ("shuffle", false, false),
            ("local-or-shuffle", false, false),
            ("shuffle", false, true),
            ("local-or-shuffle", false, true),
            ("shuffle", true, false),
        ] {
            if let Some(r) = rate(&lines, "const-null", &variant(1, grouping, acking, chaining)) {
                let _ = writeln!(
                    w,
                    "| {grouping}, acking {}, chaining {} | {:.0} % |",
                    if acking { "on" } else { "off" },
                    if chaining { "on" } else { "off" },
                    100.0 * r / raw
                );
            }
        }
    }

    // Scaling, acking, chaining.
    let _ = writeln!(w, "\n### Scaling, acking and chaining (ratios of squall to squall)\n");
    let _ = writeln!(
        w,
        "| workload | variant | p=2 / p=1 | acking on / off (p=1) | chaining on / off (p=1) |\n|---|---|---|---|---|"
    );
    for (workload, grouping) in [
        ("const-null", "shuffle"),
        ("const-null", "local-or-shuffle"),
        ("const-id-null", "local-or-shuffle"),
        ("word-count", "local-or-shuffle"),
        ("word-count", "shuffle"),
        ("ysb", "local-or-shuffle"),
    ] {
        let r = |p: u64, acking: bool, chaining: bool| {
            rate(&lines, workload, &variant(p, grouping, acking, chaining))
        };
        if r(1, false, true).is_none() {
            continue;
        }
        let _ = writeln!(
            w,
            "| {workload} | {grouping} | {} | {} | {} |",
            ratio(r(2, false, true), r(1, false, true)),
            ratio(r(1, true, true), r(1, false, true)),
            ratio(r(1, false, true), r(1, false, false))
        );
    }

    // Latency.
    let sweep: Vec<&Line> = lines
        .iter()
        .filter(|l| {
            l.get("workload").and_then(Json::as_str) == Some("latency")
                && l.get("summary").and_then(Json::as_bool) == Some(true)
        })
        .collect();
    let max_rate = sweep
        .iter()
        .filter(|l| l.get("target_sentences_per_s").is_some_and(Json::is_null))
        .filter_map(|l| f(l, "sentences_per_s"))
        .next_back();
    let mut half_p99 = None;
    if !sweep.is_empty() {
        let _ =
            writeln!(w, "\n### Complete latency against rate (word count, acking on, every tree timed)\n");
        if let Some(m) = max_rate {
            let _ = writeln!(w, "Maximum (unpaced) rate: {m:.0} sentences/s.\n");
        }
        let _ = writeln!(
            w,
            "| target (fraction of max) | achieved | held | p50 ms | p99 ms | p99.9 ms |\n|---|---|---|---|---|---|"
        );
        let mut best_half: Option<(f64, f64)> = None;
        for l in &sweep {
            let Some(target) = f(l, "target_sentences_per_s") else { continue };
            let frac = max_rate.map_or(0.0, |m| target / m);
            let lat = l.get("latency");
            let pct = |k: &str| lat.and_then(|v| v.get(k)).and_then(Json::as_f64).unwrap_or(f64::NAN);
            let _ = writeln!(
                w,
                "| {:.0} % | {:.0} % | {} | {:.3} | {:.3} | {:.3} |",
                frac * 100.0,
                f(l, "achieved_fraction").unwrap_or(0.0) * 100.0,
                if l.get("rate_held").and_then(Json::as_bool) == Some(true) { "yes" } else { "no" },
                pct("p50_ms"),
                pct("p99_ms"),
                pct("p999_ms")
            );
            let d = (frac - 0.5).abs();
            if best_half.is_none_or(|(bd, _)| d < bd) {
                best_half = Some((d, pct("p99_ms")));
            }
        }
        half_p99 = best_half.filter(|(d, _)| *d < 0.05).map(|(_, p)| p);
    }

    // Memory and start-up.
    let mut memory: BTreeMap<String, f64> = BTreeMap::new();
    for acking in [false, true] {
        for p in [1u64, 2] {
            if let Some(l) = squall(&lines, "word-count", &variant(p, "local-or-shuffle", acking, true)) {
                memory.insert(
                    format!("word count p={p} acking {}", if acking { "on" } else { "off" }),
                    f(l, "peak_rss_mib").unwrap_or(0.0),
                );
            }
        }
    }
    let rest = squall(&lines, "memory", &[]);
    let start = squall(&lines, "startup", &[]);
    let _ = writeln!(w, "\n### Memory and start-up\n\n| what | value |\n|---|---|");
    if let Some(r) = rest {
        let _ = writeln!(
            w,
            "| resident before any topology | {:.1} MiB |",
            f(r, "rss_before_mib").unwrap_or(0.0)
        );
        let _ = writeln!(
            w,
            "| resident with word count submitted, at rest | {:.1} MiB |",
            f(r, "rss_at_rest_mib").unwrap_or(0.0)
        );
    }
    for (k, v) in &memory {
        let _ = writeln!(w, "| peak resident, {k} | {v:.1} MiB |");
    }
    if let Some(s) = start {
        let _ = writeln!(
            w,
            "| submit → first tuple executed (median, worst) | {:.2} ms, {:.2} ms |",
            f(s, "startup_ms").unwrap_or(0.0),
            f(s, "startup_ms_max").unwrap_or(0.0)
        );
    }

    // The project's bars.
    let _ = writeln!(w, "\n### The project's bars\n\n| bar | measured | verdict |\n|---|---|---|");
    let peer_bar =
        |name: &str, min: f64, workload: &str, grouping: &str, series: &str, acking: bool, w: &mut String| {
            for p in [1u64, 2] {
                let ours = rate(&lines, workload, &variant(p, grouping, acking, true));
                let theirs = peer(&lines, name, series, p);
                let r = ours.zip(theirs).map(|(a, b)| a / b);
                let _ = writeln!(
                    w,
                    "| {workload} ({grouping}, acking {}) ≥ {min}× {name}, p={p} | {} | {} |",
                    if acking { "on" } else { "off" },
                    r.map_or("—".into(), |r| format!("{r:.2}×")),
                    verdict(r.map(|r| r >= min))
                );
            }
        };
    peer_bar("flink", 2.0, "const-null", "shuffle", "identity", false, w);
    peer_bar("timely", 1.0, "const-null", "shuffle", "identity", false, w);
    let unchained = rate(&lines, "const-null", &variant(1, "shuffle", false, false));
    let frac = unchained.zip(best_raw.as_ref().map(|b| b.0)).map(|(a, b)| a / b);
    let _ = writeln!(
        w,
        "| const-null unchained cross-thread ≥ 50 % of raw queue | {} | {} |",
        frac.map_or("—".into(), |f| format!("{:.0} %", f * 100.0)),
        verdict(frac.map(|f| f >= 0.5))
    );
    peer_bar("flink", 2.0, "word-count", "local-or-shuffle", "wordcount-words", false, w);
    peer_bar("timely", 1.0, "word-count", "local-or-shuffle", "wordcount-words", false, w);
    peer_bar("flink", 1.0, "word-count", "local-or-shuffle", "wordcount-words", true, w);
    let _ = writeln!(
        w,
        "| latency p99 < 1 ms at half the maximum rate | {} | {} |",
        half_p99.map_or("—".into(), |p| format!("{p:.3} ms")),
        verdict(half_p99.map(|p| p < 1.0))
    );
    // Every word-count run counts here, repetitions and all variants, not only the medians above.
    let peak = lines
        .iter()
        .filter(|l| {
            l.get("workload").and_then(Json::as_str) == Some("word-count")
                && l.get("check").and_then(Json::as_str) == Some("ok")
        })
        .filter_map(|l| f(l, "peak_rss_mib"))
        .fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v))));
    let _ = writeln!(
        w,
        "| word count peak memory < 50 MiB (largest of every word-count run) | {} | {} |",
        peak.map_or("—".into(), |p| format!("{p:.1} MiB")),
        verdict(peak.map(|p| p < 50.0))
    );
    let st = start.and_then(|s| f(s, "startup_ms"));
    let _ = writeln!(
        w,
        "| local topology starts in < 100 ms | {} | {} |",
        st.map_or("—".into(), |s| format!("{s:.2} ms")),
        verdict(st.map(|s| s < 100.0))
    );
    let failed: Vec<String> = lines
        .iter()
        .filter(|l| l.get("check").and_then(Json::as_str).is_some_and(|c| c != "ok"))
        .map(|l| {
            let params: Vec<String> = ["parallelism", "grouping", "acking", "chaining", "queue"]
                .iter()
                .filter_map(|k| Some(format!("{k}={}", l.get(*k)?)))
                .collect();
            format!(
                "- {} ({}): {}",
                l.get("workload").and_then(Json::as_str).unwrap_or("?"),
                params.join(" "),
                l.get("check").and_then(Json::as_str).unwrap_or("?")
            )
        })
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(w, "\n### Failed checks and runs ({})\n\n{}", failed.len(), failed.join("\n"));
    }
    Ok(out)
}
