//! Charts as SVG text: the tornado of one-at-a-time swings, and the strategy's fan chart.

use waferwatt::diag::Diagnostic;

use crate::Failure;
use crate::render::sig3;
use waferwatt::sensitivity::Swing;

/// Layout of the tornado, in SVG user units (pixels).
const WIDTH: f64 = 900.0;
const LABELS: f64 = 330.0;
const ROW: f64 = 26.0;
const TOP: f64 = 56.0;
const MARGIN: f64 = 24.0;
/// Bars drawn at most (the largest swings).
const MAX_BARS: usize = 20;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A tornado chart: for each number, a bar from the output at its low to the output at its
/// high, around the central result; largest swing on top.
pub fn tornado(output: &str, centre: f64, swings: &[Swing]) -> String {
    let shown = &swings[..swings.len().min(MAX_BARS)];
    let (lo, hi) = shown.iter().fold((centre, centre), |(lo, hi), s| {
        (lo.min(s.at_low).min(s.at_high), hi.max(s.at_low).max(s.at_high))
    });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let plot = WIDTH - LABELS - 2.0 * MARGIN;
    let x = |v: f64| LABELS + MARGIN + (v - lo) / span * plot;
    let height = TOP + ROW * shown.len() as f64 + 2.0 * MARGIN;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{MARGIN}\" y=\"24\" font-size=\"15\" font-weight=\"bold\">{} : one-at-a-time swings</text>\n\
         <text x=\"{MARGIN}\" y=\"42\" fill=\"#555\">central {}; dark: the number at its low, light: at its high</text>\n",
        escape(output),
        sig3(centre)
    );
    for (i, w) in shown.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        for (v, fill) in [(w.at_low, "#1f4e79"), (w.at_high, "#9dc3e6")] {
            let (a, b) = (x(centre).min(x(v)), x(centre).max(x(v)));
            s.push_str(&format!(
                "<rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\"/>\n",
                y + 4.0,
                (b - a).max(0.5),
                ROW - 8.0
            ));
        }
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            LABELS + MARGIN - 6.0,
            y + ROW / 2.0 + 4.0,
            escape(&w.key)
        ));
    }
    let bottom = TOP + ROW * shown.len() as f64;
    s.push_str(&format!(
        "<line x1=\"{c:.1}\" y1=\"{TOP}\" x2=\"{c:.1}\" y2=\"{bottom}\" stroke=\"black\"/>\n\
         <text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n</svg>\n",
        x(lo),
        bottom + 18.0,
        sig3(lo),
        x(hi),
        bottom + 18.0,
        sig3(hi),
        c = x(centre)
    ));
    s
}

/// Writes a chart, refusing a path that does not end in `.svg`.
pub fn write_svg(path: &str, svg: &str) -> Result<(), Failure> {
    if !path.to_lowercase().ends_with(".svg") {
        return Err(Diagnostic::new(format!("charts are written as SVG, but {path} does not end in .svg"))
            .key("--chart")
            .expected("a file name ending in .svg")
            .into());
    }
    std::fs::write(path, svg).map_err(|e| {
        Failure::from(
            Diagnostic::new(format!("cannot write the chart to {path}: {e}")).expected("a writable path"),
        )
    })
}

/// One path of a fan chart: its name and, by year, (year, p5, p50, p95).
pub type Fan = (String, Vec<(i32, f64, f64, f64)>);

/// Colours of the paths of a fan chart, in order (repeating).
const PATH_COLOURS: &[&str] = &["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000"];

/// A fan chart: for each path, its p50 by year as a line and its p5–p95 as a band, on a
/// logarithmic scale (the bands shrink to the line when not sampled).
pub fn fan(series: &[Fan], what: &str) -> String {
    const H: f64 = 480.0;
    const LEFT: f64 = 90.0;
    const TOP_F: f64 = 60.0;
    const BOTTOM: f64 = 50.0;
    let points = || series.iter().flat_map(|(_, v)| v.iter());
    let positive = |v: f64| v.is_finite() && v > 0.0;
    let lo = points().flat_map(|p| [p.1, p.2, p.3]).filter(|v| positive(*v)).fold(f64::INFINITY, f64::min);
    let hi = points().flat_map(|p| [p.1, p.2, p.3]).filter(|v| positive(*v)).fold(0.0, f64::max);
    let (lo, hi) =
        if lo.is_finite() && hi > 0.0 { (lo.log10().floor(), hi.log10().ceil()) } else { (0.0, 1.0) };
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let (y0, y1) = (points().map(|p| p.0).min().unwrap_or(0), points().map(|p| p.0).max().unwrap_or(1));
    let span_years = f64::from((y1 - y0).max(1));
    let plot_w = WIDTH - LEFT - MARGIN;
    let plot_h = H - TOP_F - BOTTOM;
    let x = |year: i32| LEFT + f64::from(year - y0) / span_years * plot_w;
    let y = |v: f64| {
        let l = if positive(v) { v.log10().clamp(lo, hi) } else { lo };
        TOP_F + (hi - l) / (hi - lo) * plot_h
    };
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{H}\" viewBox=\"0 0 {WIDTH} {H}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{MARGIN}\" y=\"24\" font-size=\"15\" font-weight=\"bold\">{} by year and path</text>\n\
         <text x=\"{MARGIN}\" y=\"42\" fill=\"#555\">line: p50; band: p5–p95 (log scale)</text>\n",
        escape(what)
    );
    // Grid: a line per power of ten, a tick per year.
    let mut e = lo;
    while e <= hi {
        let v = 10f64.powf(e);
        s.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#ddd\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">1e{e:.0}</text>\n",
            LEFT + plot_w,
            LEFT - 6.0,
            y(v) + 4.0,
            yy = y(v)
        ));
        e += 1.0;
    }
    let step = if y1 - y0 > 10 { 5 } else { 1 };
    for year in (y0..=y1).filter(|yr| (yr - y0) % step == 0) {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{year}</text>\n",
            x(year),
            TOP_F + plot_h + 18.0
        ));
    }
    for (k, (name, v)) in series.iter().enumerate() {
        let colour = PATH_COLOURS[k % PATH_COLOURS.len()];
        let upper: Vec<String> = v.iter().map(|p| format!("{:.1},{:.1}", x(p.0), y(p.3))).collect();
        let lower: Vec<String> = v.iter().rev().map(|p| format!("{:.1},{:.1}", x(p.0), y(p.1))).collect();
        s.push_str(&format!(
            "<polygon points=\"{} {}\" fill=\"{colour}\" fill-opacity=\"0.18\" stroke=\"none\"/>\n",
            upper.join(" "),
            lower.join(" ")
        ));
        let line: Vec<String> = v.iter().map(|p| format!("{:.1},{:.1}", x(p.0), y(p.2))).collect();
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\n\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"14\" height=\"4\" fill=\"{colour}\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            line.join(" "),
            LEFT + 10.0,
            TOP_F + 8.0 + 18.0 * k as f64,
            LEFT + 30.0,
            TOP_F + 13.0 + 18.0 * k as f64,
            escape(name)
        ));
    }
    s.push_str(&format!(
        "<rect x=\"{LEFT}\" y=\"{TOP_F}\" width=\"{plot_w:.1}\" height=\"{plot_h:.1}\" fill=\"none\" stroke=\"black\"/>\n</svg>\n"
    ));
    s
}
