//! The throughput-vs-latency curve of a `latency` sweep, drawn as SVG (no font library needed).

use std::path::Path;

use plotters::prelude::*;

use crate::report::Row;

/// One point of the curve: achieved words/s and complete-latency percentiles (ms).
#[derive(Clone, Copy, Debug)]
pub struct Point {
    /// Achieved words per second.
    pub words_per_s: f64,
    /// p50, p99, p99.9 complete latency, ms.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
}

/// The paced rows of a sweep as points, by rate.
pub fn points(rows: &[Row]) -> Vec<Point> {
    let mut pts: Vec<Point> = rows
        .iter()
        .filter(|r| {
            r.workload == "latency" && r.params.get("target_sentences_per_s").is_some_and(|v| !v.is_null())
        })
        .filter_map(|r| {
            let l = r.latency.as_ref()?;
            Some(Point { words_per_s: r.tuples_per_s, p50: l.p50_ms, p99: l.p99_ms, p999: l.p999_ms })
        })
        .collect();
    pts.sort_by(|a, b| a.words_per_s.total_cmp(&b.words_per_s));
    pts
}

/// Draws `points` into an SVG file at `path`, latency on a log scale.
///
/// # Errors
/// Nothing to draw, or the file cannot be written.
pub fn latency_curve(points: &[Point], title: &str, path: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(!points.is_empty(), "no latency points to plot");
    let max_x = points.iter().map(|p| p.words_per_s).fold(0.0, f64::max) * 1.05 / 1e6;
    let all = points.iter().flat_map(|p| [p.p50, p.p99, p.p999]);
    let lo = all.clone().filter(|v| *v > 0.0).fold(f64::INFINITY, f64::min).min(0.1) / 2.0;
    let hi = all.fold(0.0, f64::max).max(1.0) * 2.0;
    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..max_x.max(1e-6), (lo..hi).log_scale())
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .x_desc("achieved throughput, million words/s")
        .y_desc("complete latency, ms (log)")
        .y_label_formatter(&|v| format!("{}", (v * 1000.0).round() / 1000.0))
        .draw()
        .map_err(draw_error)?;
    type Series = (&'static str, RGBColor, fn(&Point) -> f64);
    let series: [Series; 3] =
        [("p50", BLUE, |p| p.p50), ("p99", RED, |p| p.p99), ("p99.9", BLACK, |p| p.p999)];
    for (name, color, get) in series {
        let data: Vec<(f64, f64)> = points.iter().map(|p| (p.words_per_s / 1e6, get(p).max(lo))).collect();
        chart
            .draw_series(LineSeries::new(data.clone(), color.stroke_width(2)))
            .map_err(draw_error)?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        chart
            .draw_series(data.into_iter().map(|xy| Circle::new(xy, 4, color.filled())))
            .map_err(draw_error)?;
    }
    // The project's bar: p99 under 1 ms at half the maximum rate.
    chart
        .draw_series(LineSeries::new([(0.0, 1.0), (max_x, 1.0)], BLACK.mix(0.3).stroke_width(1)))
        .map_err(draw_error)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()
        .map_err(draw_error)?;
    root.present().map_err(draw_error)?;
    Ok(())
}

fn draw_error<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow::anyhow!("drawing the plot: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_an_svg() {
        let dir = std::env::temp_dir().join(format!("squall-bench-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("curve.svg");
        let pts = [
            Point { words_per_s: 1e5, p50: 0.1, p99: 0.5, p999: 0.9 },
            Point { words_per_s: 1e6, p50: 0.3, p99: 2.0, p999: 9.0 },
        ];
        latency_curve(&pts, "test", &path).expect("plots");
        let svg = std::fs::read_to_string(&path).expect("written");
        assert!(svg.starts_with("<svg"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
