//! Charts as SVG text: the tornado of one-at-a-time swings.

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
