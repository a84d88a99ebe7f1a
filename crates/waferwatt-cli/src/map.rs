//! A wafer map (SVG or PNG, drawn with plotters): whole dies split into good and defective in the proportion the
//! expected yield gives, partial dies at the edge, the usable circle and the wafer outline.

// Without the `charts` feature what only drawing reads (titles, sizes, colours) goes unread.
#![cfg_attr(not(feature = "charts"), allow(dead_code))]

#[cfg(feature = "charts")]
use plotters::{coord::Shift, prelude::*, style::FontStyle};
use waferwatt::fab::dies::{self, Place};
use waferwatt::fab::{WaferBound, WaferOutputs};

use crate::chart::Chart;

/// Size of the drawing in SVG user units (pixels), for a 300 mm-class wafer.
const SIZE: f64 = 640.0;
/// Room for the title and legend below the wafer.
const LEGEND: f64 = 110.0;

/// The most die cells a map draws: a rectangle each, about 100 bytes of SVG; a 5 MB drawing is
/// already more than a reader can see die by die.
pub const MAX_CELLS: f64 = 50_000.0;

/// Refuses, before any work, a map with more die cells than [`MAX_CELLS`] (a 0.1 mm die on a
/// 450 mm wafer would draw 16 million, a 2.7 GB file).
pub fn check(bound: &WaferBound, flag: &str) -> Result<(), waferwatt::diag::Diagnostic> {
    let x = &bound.inputs;
    let c = x.cell();
    // The grid cells touching the wafer: its area over a cell's, plus a ring of cells around it.
    let r = x.wafer_mm / 2.0;
    let cells = std::f64::consts::PI * (r + c.width_mm.max(c.height_mm)).powi(2) / (c.width_mm * c.height_mm);
    if cells > MAX_CELLS {
        return Err(waferwatt::diag::Diagnostic::new(format!(
            "a map of {} would draw about {} dies",
            bound.node,
            crate::render::human(cells)
        ))
        .key(flag)
        .expected(format!(
            "a map of at most {} dies: a die of at least {:.1} mm² on this wafer, or no map",
            crate::render::human(MAX_CELLS),
            std::f64::consts::PI * r * r / MAX_CELLS
        )));
    }
    Ok(())
}

/// A deterministic scatter: which whole dies to draw as defective (SplitMix64 of the index).
fn rank(i: u64) -> u64 {
    use waferwatt::uncertainty::{GOLDEN, mix};
    mix(i.wrapping_add(GOLDEN))
}

/// A wafer map, ready to draw: dies in wafer millimetres and their kind, the circles, the legend.
pub struct WaferMap {
    title: String,
    wafer_mm: f64,
    usable_mm: f64,
    die: (f64, f64),
    /// Lower-left corner of each die (mm, y up) and what it is.
    dies: Vec<(f64, f64, Kind)>,
    legend: Vec<(Kind, String)>,
    footnote: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Good,
    Defective,
    Partial,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Good => "good",
            Kind::Defective => "defective",
            Kind::Partial => "partial",
        }
    }
}

#[cfg(feature = "charts")]
impl Kind {
    fn colour(self) -> RGBColor {
        match self {
            Kind::Good => RGBColor(0x4c, 0x9a, 0x5b),
            Kind::Defective => RGBColor(0xd9, 0x53, 0x4f),
            Kind::Partial => RGBColor(0xc9, 0xc9, 0xcf),
        }
    }
}

pub fn map(b: &WaferBound, out: &WaferOutputs) -> WaferMap {
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
    let (mut good, mut bad, mut partial) = (0, 0, 0);
    let dies = cells
        .iter()
        .enumerate()
        .map(|(i, &(cx, cy, place))| {
            let kind = match place {
                Place::Partial => {
                    partial += 1;
                    Kind::Partial
                }
                Place::Whole if defective.contains(&i) => {
                    bad += 1;
                    Kind::Defective
                }
                Place::Whole => {
                    good += 1;
                    Kind::Good
                }
            };
            // The die sits in its cell with half the scribe around it.
            (cx + x.scribe_mm / 2.0, cy + x.scribe_mm / 2.0, kind)
        })
        .collect();
    WaferMap {
        title: format!(
            "{} — {} × {} mm die",
            b.node_name,
            crate::render::short(x.die.width_mm),
            crate::render::short(x.die.height_mm)
        ),
        wafer_mm: wafer,
        usable_mm: usable,
        die: (x.die.width_mm, x.die.height_mm),
        dies,
        legend: vec![
            (Kind::Good, format!("good: {good}")),
            (
                Kind::Defective,
                format!(
                    "defective: {bad} (expected yield {:.1} % at D0 {:.3}/cm², {})",
                    out.die_yield * 100.0,
                    out.d0_per_cm2,
                    x.yield_model.name()
                ),
            ),
            (Kind::Partial, format!("partial at the edge: {partial}")),
        ],
        footnote: format!(
            "{wafer} mm wafer; dashed: the usable circle inside a {} mm edge exclusion",
            x.edge_exclusion_mm
        ),
    }
}

impl WaferMap {
    /// The map as JSON, for a face that draws it itself: the wafer and usable diameters, the
    /// die's width and height, each die's lower-left corner (mm, y up, the wafer's centre at 0)
    /// and kind, the legend and the footnote.
    pub fn json(&self) -> serde_json::Value {
        let dies: Vec<serde_json::Value> =
            self.dies.iter().map(|(x, y, k)| serde_json::json!([x, y, k.name()])).collect();
        let legend: Vec<serde_json::Value> =
            self.legend.iter().map(|(k, text)| serde_json::json!({"kind": k.name(), "text": text})).collect();
        serde_json::json!({
            "title": self.title,
            "wafer_mm": self.wafer_mm,
            "usable_mm": self.usable_mm,
            "die_mm": [self.die.0, self.die.1],
            "dies": dies,
            "legend": legend,
            "footnote": self.footnote,
        })
    }
}

impl Chart for WaferMap {
    fn size(&self) -> (u32, u32) {
        (SIZE as u32, (SIZE + LEGEND) as u32)
    }
    fn data(&self, fmt: fn(f64) -> String) -> crate::render::Table {
        let mut t = crate::render::Table::new(
            ["die", "x (mm)", "y (mm)", "width (mm)", "height (mm)"].map(String::from).to_vec(),
        );
        for (x, y, kind) in &self.dies {
            t.row(vec![kind.name().into(), fmt(*x), fmt(*y), fmt(self.die.0), fmt(self.die.1)]);
        }
        t
    }
}

#[cfg(feature = "charts")]
impl crate::chart::Draw for WaferMap {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), Box<dyn std::error::Error>>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let scale = (SIZE - 40.0) / self.wafer_mm;
        let c = SIZE / 2.0;
        // wafer millimetres (y up) to pixels (y down)
        let px = |v: f64| (c + v * scale).round() as i32;
        let py = |v: f64| (c - v * scale).round() as i32;
        let radius = |mm: f64| (mm / 2.0 * scale).round() as i32;
        let centre = (c as i32, c as i32);
        root.draw(&Circle::new(centre, radius(self.wafer_mm), RGBColor(0xe8, 0xe8, 0xec).filled()))?;
        for &(x0, y0, kind) in &self.dies {
            let (a, b) = ((px(x0), py(y0 + self.die.1)), (px(x0 + self.die.0), py(y0)));
            root.draw(&Rectangle::new([a, b], kind.colour().filled()))?;
            root.draw(&Rectangle::new([a, b], WHITE.stroke_width(1)))?;
        }
        // Dies at the edge cross the wafer's rim: a white ring covers what lies outside it.
        let ring = (SIZE / 2.0) as i32;
        root.draw(&Circle::new(centre, radius(self.wafer_mm) + ring / 2, WHITE.stroke_width(ring as u32)))?;
        root.draw(&Circle::new(centre, radius(self.wafer_mm), RGBColor(0x55, 0x55, 0x55).stroke_width(2)))?;
        // The usable circle, dashed.
        let ru = self.usable_mm / 2.0 * scale;
        for k in 0..120 {
            let (t0, t1) =
                (k as f64 * std::f64::consts::TAU / 120.0, (k as f64 + 0.55) * std::f64::consts::TAU / 120.0);
            let at = |t: f64| ((c + ru * t.cos()).round() as i32, (c - ru * t.sin()).round() as i32);
            root.draw(&PathElement::new(vec![at(t0), at(t1)], RGBColor(0x22, 0x22, 0x22).stroke_width(1)))?;
        }
        let y0 = SIZE as i32 + 4;
        let font = |size: f64| (crate::chart::FAMILY, size).into_font();
        root.draw(&Text::new(self.title.clone(), (20, y0), font(14.0).style(FontStyle::Bold)))?;
        for (k, (kind, label)) in self.legend.iter().enumerate() {
            let y = y0 + 26 + 20 * k as i32;
            root.draw(&Rectangle::new([(20, y), (32, y + 12)], kind.colour().filled()))?;
            root.draw(&Text::new(label.clone(), (40, y), font(13.0)))?;
        }
        root.draw(&Text::new(
            self.footnote.clone(),
            (20, y0 + 90),
            font(12.0).color(&RGBColor(0x55, 0x55, 0x55)),
        ))?;
        Ok(())
    }
}
