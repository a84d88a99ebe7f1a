//! Charts as plain data: the tornado of one-at-a-time swings, the strategy's fan chart, bars
//! (stacked or side by side, in panels), a cost waterfall, lines, the capacity chain and the
//! wafer map. Commands and the report fill them in; [`draw`] draws them with plotters as SVG
//! (or PNG) where the `charts` feature is on. Without it (a WebAssembly page, which draws its
//! own charts from the answers) a chart keeps its numbers and asking for a file is refused.

// Without the `charts` feature what only drawing reads (titles, sizes, colours) goes unread.
#![cfg_attr(not(feature = "charts"), allow(dead_code))]

use waferwatt::diag::Diagnostic;

use crate::Failure;
use crate::render::Table;

/// A chart: its size in pixels and its numbers as a table (shown beside it, and its CSV); how
/// to draw it is its [`Draw`].
pub trait Chart: Draw {
    fn size(&self) -> (u32, u32);
    /// Its numbers as a table, each written by `fmt` (exact for a CSV, short for the eye).
    fn data(&self, fmt: fn(f64) -> String) -> Table;
}

#[cfg(feature = "charts")]
pub use draw::{Draw, FAMILY, svg, write};

/// Without the `charts` feature nothing is drawn.
#[cfg(not(feature = "charts"))]
pub trait Draw {}
#[cfg(not(feature = "charts"))]
impl<T> Draw for T {}

/// Why a chart cannot be drawn in a build without the `charts` feature.
#[cfg(not(feature = "charts"))]
fn not_drawn(flag: &str) -> Failure {
    Diagnostic::new("this build of waferwatt draws no charts (it was built without the `charts` feature)")
        .key(flag.to_string())
        .expected("the command without the chart, or the command line's own build")
        .into()
}

/// The chart as SVG text: refused in a build without charts.
#[cfg(not(feature = "charts"))]
pub fn svg<C: Chart>(_chart: &C) -> Result<String, Failure> {
    Err(not_drawn("--chart"))
}

/// Writes a chart to `path`: refused in a build without charts.
#[cfg(not(feature = "charts"))]
pub fn write<C: Chart>(path: &str, _chart: &C, flag: &str) -> Result<(), Failure> {
    check_name(path, flag)?;
    Err(not_drawn(flag))
}

/// Says on standard error where a chart went (standard output keeps the answer, whatever its
/// format).
pub fn said(path: &str) {
    eprintln!("chart written to {path}");
}

/// Refuses a chart file name that is neither SVG nor PNG before any work is done.
pub fn check_name(path: &str, flag: &str) -> Result<(), Failure> {
    let lower = path.to_lowercase();
    if lower.ends_with(".svg") || lower.ends_with(".png") {
        Ok(())
    } else {
        Err(Diagnostic::new(format!("charts are written as SVG or PNG, but {path} ends in neither"))
            .key(flag.to_string())
            .expected("a file name ending in .svg or .png")
            .into())
    }
}

// ---------------------------------------------------------------------------------------------

/// One-at-a-time swings of a figure: for each number, a bar from the figure at its low to the
/// figure at its high, around the central value; largest on top. Numbers that move nothing
/// are left out.
pub struct Tornado {
    pub title: String,
    pub centre: f64,
    /// (label, figure at the number's low, figure at its high), largest swing first.
    pub swings: Vec<(String, f64, f64)>,
    /// Whether the figure is a share, shown in per cent.
    pub percent: bool,
}

/// Bars drawn at most (the largest swings).
const MAX_BARS: usize = 16;

impl Tornado {
    fn shown(&self) -> Vec<&(String, f64, f64)> {
        self.swings.iter().filter(|s| s.1 != s.2 || s.1 != self.centre).take(MAX_BARS).collect()
    }
}

impl Chart for Tornado {
    fn size(&self) -> (u32, u32) {
        (960, 130 + 28 * self.shown().len().max(1) as u32)
    }
    fn data(&self, fmt: fn(f64) -> String) -> Table {
        // A share is given as a fraction (0.25 for 25 %), as the CSV's readers compute with it.
        let unit = if self.percent { " (fraction)" } else { "" };
        let mut t = Table::new(vec![
            "number".into(),
            format!("{} at the number's low{unit}", self.title),
            format!("{} at the number's high{unit}", self.title),
        ]);
        t.row(vec!["(central values)".into(), fmt(self.centre), fmt(self.centre)]);
        for (label, lo, hi) in &self.swings {
            t.row(vec![label.clone(), fmt(*lo), fmt(*hi)]);
        }
        t
    }
}

// ---------------------------------------------------------------------------------------------

/// One path of a fan chart: its name and, by year, (year, p5, p50, p95).
pub type Fan = (String, Vec<(i32, f64, f64, f64)>);

/// For each path, its p50 by year as a line and its p5–p95 as a band, on a log scale.
pub struct FanChart {
    pub title: String,
    pub series: Vec<Fan>,
}

impl Chart for FanChart {
    fn size(&self) -> (u32, u32) {
        (960, 520)
    }
    fn data(&self, fmt: fn(f64) -> String) -> Table {
        let mut t =
            Table::new(["path", "year", "p5", "p50", "p95"].map(String::from).to_vec()).left_aligned(2);
        for (name, years) in &self.series {
            for (y, p5, p50, p95) in years {
                t.row(vec![name.clone(), y.to_string(), fmt(*p5), fmt(*p50), fmt(*p95)]);
            }
        }
        t
    }
}

// ---------------------------------------------------------------------------------------------

/// Bars by category: one series side by side, or several stacked (each category's bar cut
/// into its series' parts).
#[derive(Clone)]
pub struct Bars {
    pub title: String,
    pub y_desc: String,
    pub categories: Vec<String>,
    /// (series name, a value per category)
    pub series: Vec<(String, Vec<f64>)>,
    pub stacked: bool,
}

impl Bars {
    /// (category, series, value) rows, with the panel's title first when in panels.
    fn rows(&self, t: &mut Table, panel: Option<&str>, fmt: fn(f64) -> String) {
        for (name, values) in &self.series {
            for (c, v) in self.categories.iter().zip(values) {
                let mut row: Vec<String> = panel.map(str::to_string).into_iter().collect();
                row.extend([c.clone(), name.clone(), fmt(*v)]);
                t.row(row);
            }
        }
    }
}

impl Chart for Bars {
    fn size(&self) -> (u32, u32) {
        (960, 480)
    }
    fn data(&self, fmt: fn(f64) -> String) -> Table {
        let mut t = Table::new(vec!["category".into(), "series".into(), self.y_desc.clone()]).left_aligned(2);
        self.rows(&mut t, None, fmt);
        t
    }
}

/// Bar charts side by side under one title.
pub struct Panels {
    pub title: String,
    pub subtitle: String,
    pub panels: Vec<Bars>,
}

impl Chart for Panels {
    fn size(&self) -> (u32, u32) {
        (960, 460)
    }
    fn data(&self, fmt: fn(f64) -> String) -> Table {
        let mut t =
            Table::new(["panel", "category", "series", "value"].map(String::from).to_vec()).left_aligned(3);
        for p in &self.panels {
            p.rows(&mut t, Some(&format!("{} ({})", p.title, p.y_desc)), fmt);
        }
        t
    }
}

// ---------------------------------------------------------------------------------------------

/// A cost built up item by item: each item a floating bar from the running total, then the
/// total.
pub struct Waterfall {
    pub title: String,
    pub subtitle: String,
    pub y_desc: String,
    /// A bar to start from (a bridge's first total), whose steps then go up or down.
    pub start: Option<(String, f64)>,
    /// The bridge's last bar's name ("end" if none).
    pub end: Option<String>,
    pub items: Vec<(String, f64)>,
}

impl Chart for Waterfall {
    fn size(&self) -> (u32, u32) {
        (960, 480)
    }
    fn data(&self, fmt: fn(f64) -> String) -> Table {
        let mut t = Table::new(vec!["item".into(), self.y_desc.clone()]);
        let base = self.start.as_ref().map_or(0.0, |s| s.1);
        for (item, v) in self.start.iter().chain(&self.items) {
            t.row(vec![item.clone(), fmt(*v)]);
        }
        t.row(vec!["total".into(), fmt(base + self.items.iter().map(|i| i.1).sum::<f64>())]);
        t
    }
}

// ---------------------------------------------------------------------------------------------

/// Lines of (x, y) points, one per series, with a marker at each point.
pub struct Lines {
    pub title: String,
    pub subtitle: String,
    pub x_desc: String,
    pub y_desc: String,
    pub series: Vec<(String, Vec<(f64, f64)>)>,
}

impl Chart for Lines {
    fn size(&self) -> (u32, u32) {
        (960, 480)
    }
    fn data(&self, fmt: fn(f64) -> String) -> Table {
        let mut t = Table::new(vec!["series".into(), self.x_desc.clone(), self.y_desc.clone()]);
        for (name, points) in &self.series {
            for (x, y) in points {
                t.row(vec![name.clone(), fmt(*x), fmt(*y)]);
            }
        }
        t
    }
}

// ---------------------------------------------------------------------------------------------

/// A chain of stages, each a box with its name and value, an arrow to the next; the stage that
/// binds is marked.
pub struct ChainChart {
    pub title: String,
    pub subtitle: String,
    /// (stage, value in words)
    pub stages: Vec<(String, String)>,
    /// The stage that binds, if any.
    pub binds: Option<usize>,
}

impl Chart for ChainChart {
    fn size(&self) -> (u32, u32) {
        (960, 250)
    }
    fn data(&self, _fmt: fn(f64) -> String) -> Table {
        let mut t = Table::new(vec!["stage".into(), "value".into(), "binds".into()]).left_aligned(3);
        for (k, (stage, value)) in self.stages.iter().enumerate() {
            let binds = if self.binds == Some(k) { "yes" } else { "" };
            t.row(vec![stage.clone(), value.clone(), binds.into()]);
        }
        t
    }
}

// ---------------------------------------------------------------------------------------------

/// Any of the charts, as data: what a document holds, drawn by [`svg`] when it is rendered.
pub enum Plot {
    Tornado(Tornado),
    Fan(FanChart),
    Bars(Bars),
    Panels(Panels),
    Waterfall(Waterfall),
    Lines(Lines),
    Chain(ChainChart),
    Map(crate::map::WaferMap),
}

/// Calls `$f` on the chart inside a [`Plot`].
macro_rules! each_plot {
    ($p:expr, $c:ident => $e:expr) => {
        match $p {
            Plot::Tornado($c) => $e,
            Plot::Fan($c) => $e,
            Plot::Bars($c) => $e,
            Plot::Panels($c) => $e,
            Plot::Waterfall($c) => $e,
            Plot::Lines($c) => $e,
            Plot::Chain($c) => $e,
            Plot::Map($c) => $e,
        }
    };
}

impl Chart for Plot {
    fn size(&self) -> (u32, u32) {
        each_plot!(self, c => c.size())
    }
    fn data(&self, fmt: fn(f64) -> String) -> Table {
        each_plot!(self, c => c.data(fmt))
    }
}

// After `each_plot!`, which it uses.
#[cfg(feature = "charts")]
mod draw;
