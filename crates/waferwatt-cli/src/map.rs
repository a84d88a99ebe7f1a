//! A wafer map as SVG: whole dies split into good and defective in the proportion the
//! expected yield gives, partial dies at the edge, the usable circle and the wafer outline.

use waferwatt::fab::dies::{self, Place};
use waferwatt::fab::{WaferBound, WaferOutputs};

/// Size of the drawing in SVG user units (pixels), for a 300 mm-class wafer.
const SIZE: f64 = 640.0;
/// Room for the title and legend below the wafer.
const LEGEND: f64 = 110.0;

/// A deterministic scatter: which whole dies to draw as defective (SplitMix64 of the index).
fn rank(i: u64) -> u64 {
    use waferwatt::uncertainty::{GOLDEN, mix};
    mix(i.wrapping_add(GOLDEN))
}

pub fn svg(b: &WaferBound, out: &WaferOutputs) -> String {
    let x = &b.inputs;
    let (wafer, usable) = (x.wafer_mm, x.usable_diameter_mm());
    let cell = x.cell();
    // The layout of the exact count (the analytic count has none to draw).
    let offset = out.grid_offset_mm.unwrap_or_else(|| dies::exact(usable, cell).1);
    let cells = dies::layout(wafer, usable, cell, offset);
    let whole: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].2 == Place::Whole).collect();
    let defective_n = ((whole.len() as f64) * (1.0 - out.die_yield)).round() as usize;
    let mut by_rank = whole.clone();
    by_rank.sort_by_key(|&i| rank(i as u64));
    let defective: std::collections::BTreeSet<usize> = by_rank.into_iter().take(defective_n).collect();

    let scale = (SIZE - 40.0) / wafer;
    let c = SIZE / 2.0;
    // wafer coordinates (mm, y up) to SVG (px, y down)
    let px = |v: f64| c + v * scale;
    let py = |v: f64| c - v * scale;
    let (dw, dh) = (x.die.width_mm * scale, x.die.height_mm * scale);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{SIZE}\" height=\"{h}\" viewBox=\"0 0 {SIZE} {h}\" \
         font-family=\"sans-serif\" font-size=\"13\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <defs><clipPath id=\"wafer\"><circle cx=\"{c}\" cy=\"{c}\" r=\"{rw:.2}\"/></clipPath></defs>\n\
         <circle cx=\"{c}\" cy=\"{c}\" r=\"{rw:.2}\" fill=\"#e8e8ec\"/>\n<g clip-path=\"url(#wafer)\">\n",
        h = SIZE + LEGEND,
        rw = wafer / 2.0 * scale,
    );
    let (mut good, mut bad, mut partial) = (0, 0, 0);
    for (i, &(cx, cy, place)) in cells.iter().enumerate() {
        let fill = match place {
            Place::Partial => {
                partial += 1;
                "#c9c9cf"
            }
            Place::Whole if defective.contains(&i) => {
                bad += 1;
                "#d9534f"
            }
            Place::Whole => {
                good += 1;
                "#4c9a5b"
            }
        };
        // the die sits in its cell with half the scribe around it
        let (x0, y1) = (cx + x.scribe_mm / 2.0, cy + x.scribe_mm / 2.0 + x.die.height_mm);
        s.push_str(&format!(
            "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{dw:.2}\" height=\"{dh:.2}\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"0.5\"/>\n",
            px(x0),
            py(y1)
        ));
    }
    s.push_str(&format!(
        "</g>\n<circle cx=\"{c}\" cy=\"{c}\" r=\"{rw:.2}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\"/>\n\
         <circle cx=\"{c}\" cy=\"{c}\" r=\"{ru:.2}\" fill=\"none\" stroke=\"#222\" stroke-dasharray=\"4 3\"/>\n",
        rw = wafer / 2.0 * scale,
        ru = usable / 2.0 * scale
    ));
    let y0 = SIZE + 10.0;
    s.push_str(&format!(
        "<text x=\"20\" y=\"{:.0}\" font-weight=\"bold\">{} — {}</text>\n",
        y0 + 8.0,
        escape(&b.node_name),
        escape(&format!("{} × {} mm die", x.die.width_mm, x.die.height_mm))
    ));
    let legend = [
        ("#4c9a5b", format!("good: {good}")),
        (
            "#d9534f",
            format!(
                "defective: {bad} (expected yield {:.1} % at D0 {:.3}/cm², {})",
                out.die_yield * 100.0,
                out.d0_per_cm2,
                x.yield_model.name()
            ),
        ),
        ("#c9c9cf", format!("partial at the edge: {partial}")),
    ];
    for (k, (color, label)) in legend.iter().enumerate() {
        let y = y0 + 28.0 + 20.0 * k as f64;
        s.push_str(&format!(
            "<rect x=\"20\" y=\"{:.0}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"40\" y=\"{:.0}\">{}</text>\n",
            y - 10.0,
            y,
            escape(label)
        ));
    }
    s.push_str(&format!(
        "<text x=\"20\" y=\"{:.0}\" fill=\"#555\">{} mm wafer; dashed: the usable circle inside a {} mm edge exclusion</text>\n</svg>\n",
        y0 + 88.0,
        wafer,
        x.edge_exclusion_mm
    ));
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
