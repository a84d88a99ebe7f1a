//! Charts drawn with plotters as SVG (or PNG), their text laid out with the font shipped in
//! `assets/` (DejaVu Sans): a PNG looks the same on every machine, an SVG names the font and
//! falls back to the viewer's sans-serif.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use waferwatt::diag::Diagnostic;

use super::{Bars, ChainChart, Chart, FanChart, Lines, Panels, Plot, Tornado, Waterfall, check_name};
use crate::Failure;
use crate::render::sig3;

/// The font every chart's text is laid out and drawn with.
const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// The family name charts ask for (SVG viewers fall back to their own sans-serif).
pub const FAMILY: &str = "DejaVu Sans";

static FONT_ONCE: Once = Once::new();

fn font() {
    FONT_ONCE.call_once(|| {
        // The shipped font is valid; should it not load, plotters draws no text rather than failing.
        // Only the regular face is shipped: bold text in a PNG is drawn in it too.
        let _ = register_font(FAMILY, FontStyle::Normal, FONT);
        let _ = register_font(FAMILY, FontStyle::Bold, FONT);
    });
}

/// Colours of series, in order (repeating).
pub const PALETTE: &[RGBColor] = &[
    RGBColor(0x1f, 0x4e, 0x79),
    RGBColor(0xc5, 0x5a, 0x11),
    RGBColor(0x54, 0x82, 0x35),
    RGBColor(0x70, 0x30, 0xa0),
    RGBColor(0xbf, 0x90, 0x00),
    RGBColor(0x2e, 0x75, 0xb6),
    RGBColor(0x7f, 0x7f, 0x7f),
];

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

fn failed(e: impl std::fmt::Display) -> Failure {
    Failure::from(
        Diagnostic::new(format!("the chart could not be drawn: {e}")).expected("a chart of finite numbers"),
    )
}

/// The chart as SVG text.
pub fn svg<C: Chart>(chart: &C) -> Result<String, Failure> {
    font();
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, chart.size()).into_drawing_area();
        chart.draw(&root).map_err(failed)?;
        root.present().map_err(failed)?;
    }
    Ok(text)
}

/// Writes a chart to `path`: SVG, or PNG if the name ends in `.png`. `flag` names the option
/// for messages.
pub fn write<C: Chart>(path: &str, chart: &C, flag: &str) -> Result<(), Failure> {
    check_name(path, flag)?;
    if path.to_lowercase().ends_with(".png") {
        font();
        let root = BitMapBackend::new(path, chart.size()).into_drawing_area();
        chart.draw(&root).map_err(failed)?;
        return root.present().map_err(|e| {
            Failure::from(
                Diagnostic::new(format!("cannot write the chart to {path}: {e}")).expected("a writable path"),
            )
        });
    }
    let text = svg(chart)?;
    std::fs::write(path, text).map_err(|e| {
        Failure::from(
            Diagnostic::new(format!("cannot write the chart to {path}: {e}")).expected("a writable path"),
        )
    })
}

fn text_style(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

fn title<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, title: &str, subtitle: &str) -> Drawn
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    root.draw(&Text::new(title.to_string(), (16, 12), (FAMILY, 17).into_font().style(FontStyle::Bold)))?;
    if !subtitle.is_empty() {
        root.draw(&Text::new(
            subtitle.to_string(),
            (16, 36),
            text_style(13.0).color(&RGBColor(0x55, 0x55, 0x55)),
        ))?;
    }
    Ok(())
}

/// The area under the title.
fn body<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> DrawingArea<DB, Shift> {
    root.margin(58, 12, 12, 16)
}

/// Range of values, widened a little, with zero in it when `zero`.
fn span(values: impl Iterator<Item = f64>, zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let pad = if hi > lo { (hi - lo) * 0.06 } else { hi.abs().max(1.0) * 0.1 };
    (if zero && lo == 0.0 { 0.0 } else { lo - pad }, hi + pad)
}

/// Evenly spaced categories along an axis: `n` unit cells.
fn cells(n: usize) -> std::ops::Range<f64> {
    0.0..n.max(1) as f64
}

/// Labels asked of an axis of `n` cells: every half unit, so that one falls mid-cell.
fn cell_ticks(n: usize) -> usize {
    2 * n.max(1) + 1
}

/// The label of the cell whose middle `v` is (none elsewhere).
fn cell_label(labels: &[String], v: f64) -> String {
    if v < 0.0 || (v.fract() - 0.5).abs() > 1e-6 {
        String::new()
    } else {
        labels.get(v.floor() as usize).cloned().unwrap_or_default()
    }
}

/// A chart with categories along x and values up y.
type CategoryChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart with a category in each unit cell of the x axis and values from 0 to `hi` up the y
/// axis, its axes drawn.
fn categories<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    caption: Option<&str>,
    labels: &[String],
    y_desc: &str,
    hi: f64,
    label_size: f64,
) -> Result<CategoryChart<'a, DB>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let mut builder = ChartBuilder::on(area);
    if let Some(c) = caption {
        builder.caption(c, text_style(14.0));
    }
    let mut chart = builder
        .x_label_area_size(34)
        .y_label_area_size(68)
        .build_cartesian_2d(cells(labels.len()), 0.0..hi)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(0xf2, 0xf2, 0xf2))
        .disable_x_mesh()
        .x_labels(cell_ticks(labels.len()))
        .x_label_formatter(&|v| cell_label(labels, *v))
        .y_desc(y_desc.to_string())
        .y_label_formatter(&|v| crate::render::human(*v))
        .label_style(text_style(label_size))
        .axis_desc_style(text_style(12.0))
        .draw()?;
    Ok(chart)
}

/// Room above the highest value for a legend inside the plot.
const LEGEND_ROOM: f64 = 1.3;

/// Words joined into lines of at most `width` characters.
fn wrap_words(s: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for w in s.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + w.chars().count() <= width => {
                l.push(' ');
                l.push_str(w);
            }
            _ => lines.push(w.to_string()),
        }
    }
    lines
}

impl Bars {
    fn draw_in<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let n = self.categories.len().max(1);
        let m = self.series.len().max(1);
        let totals: Vec<f64> = (0..n)
            .map(|c| {
                if self.stacked {
                    self.series.iter().map(|(_, v)| v.get(c).copied().unwrap_or(0.0).max(0.0)).sum()
                } else {
                    self.series.iter().map(|(_, v)| v.get(c).copied().unwrap_or(0.0)).fold(0.0, f64::max)
                }
            })
            .collect();
        let (_, hi) = span(totals.iter().copied(), true);
        let hi = if self.series.len() > 1 { hi * LEGEND_ROOM } else { hi };
        let mut chart = categories(area, Some(&self.title), &self.categories, &self.y_desc, hi, 12.0)?;
        // Each category a unit cell with a gap either side; side by side (not stacked), each
        // series takes its share of the cell.
        const GAP: f64 = 0.1;
        for (k, (name, values)) in self.series.iter().enumerate() {
            let c = colour(k);
            let (from, to) = if self.stacked || m == 1 {
                (GAP, 1.0 - GAP)
            } else {
                let w = (1.0 - 2.0 * GAP) / m as f64;
                (GAP + w * k as f64, GAP + w * (k + 1) as f64)
            };
            let bars: Vec<(f64, f64, f64)> = values
                .iter()
                .enumerate()
                .take(n)
                .map(|(i, v)| {
                    let v = if v.is_finite() { v.max(0.0) } else { 0.0 };
                    let base: f64 = if self.stacked {
                        self.series[..k].iter().map(|(_, w)| w.get(i).copied().unwrap_or(0.0).max(0.0)).sum()
                    } else {
                        0.0
                    };
                    (i as f64, base, base + v)
                })
                .collect();
            chart
                .draw_series(
                    bars.into_iter()
                        .map(move |(i, a, b)| Rectangle::new([(i + from, a), (i + to, b)], c.filled())),
                )?
                .label(name.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
        }
        if self.series.len() > 1 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(0xaa, 0xaa, 0xaa))
                .label_font(text_style(11.0))
                .draw()?;
        }
        Ok(())
    }
}

impl Waterfall {
    /// Items stacked from zero to their total.
    fn draw_stack<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let total: f64 = self.items.iter().map(|i| i.1.max(0.0)).sum();
        let n = self.items.len() + 1;
        let (_, hi) = span([total].into_iter(), true);
        let mut labels: Vec<String> = self.items.iter().map(|i| i.0.clone()).collect();
        labels.push("total".into());
        let area = body(root);
        let mut chart = categories(&area, None, &labels, &self.y_desc, hi, 11.0)?;
        let mut run = 0.0;
        for (k, (_, v)) in self.items.iter().enumerate() {
            let (v, x) = (v.max(0.0), k as f64);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x + 0.1, run), (x + 0.9, run + v)],
                colour(k).filled(),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!(
                    "{} ({:.0} %)",
                    crate::render::human(v),
                    if total > 0.0 { v / total * 100.0 } else { 0.0 }
                ),
                (x + 0.5, run + v),
                text_style(11.0).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Bottom,
                )),
            )))?;
            run += v;
        }
        let x = (n - 1) as f64;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x + 0.1, 0.0), (x + 0.9, total)],
            RGBColor(0x40, 0x40, 0x40).filled(),
        )))?;
        Ok(())
    }
}

/// How a chart draws itself on any plotters backend.
pub trait Draw {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static;
}

impl Draw for Tornado {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let shown = self.shown();
        let fmt = |v: f64| if self.percent { crate::render::percent(v) } else { crate::render::human(v) };
        title(
            root,
            &format!("{}: one-at-a-time swings", self.title),
            &format!("central {}; dark: the number at its low, light: at its high", fmt(self.centre)),
        )?;
        let (lo, hi) = span(shown.iter().flat_map(|s| [s.1, s.2]).chain([self.centre]), false);
        let n = shown.len().max(1);
        // Top to bottom: the largest swing in the top cell.
        let labels: Vec<String> = shown.iter().rev().map(|s| s.0.clone()).collect();
        let mut chart = ChartBuilder::on(&body(root))
            .x_label_area_size(28)
            .y_label_area_size(330)
            .build_cartesian_2d(lo..hi, cells(n))?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(0xf2, 0xf2, 0xf2))
            .disable_y_mesh()
            .x_labels(8)
            .x_label_formatter(&|v| fmt(*v))
            .y_labels(cell_ticks(n))
            .y_label_formatter(&|v| cell_label(&labels, *v))
            .label_style(text_style(12.0))
            .draw()?;
        for (k, s) in shown.iter().enumerate() {
            let row = (n - 1 - k) as f64;
            // The longer end first, so that the shorter stays in sight over it.
            let mut ends = [(s.1, RGBColor(0x1f, 0x4e, 0x79)), (s.2, RGBColor(0x9d, 0xc3, 0xe6))];
            ends.sort_by(|a, b| (b.0 - self.centre).abs().total_cmp(&(a.0 - self.centre).abs()));
            for (v, c) in ends {
                let (a, b) = (self.centre.min(v), self.centre.max(v));
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(a, row + 0.12), (b, row + 0.88)],
                    c.filled(),
                )))?;
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(self.centre, 0.0), (self.centre, n as f64)],
            BLACK.stroke_width(1),
        )))?;
        Ok(())
    }
}

impl Draw for FanChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let points = || self.series.iter().flat_map(|(_, v)| v.iter());
        let sampled = points().any(|p| p.1 != p.3);
        title(
            root,
            &format!("{} by year and path", self.title),
            if sampled {
                "line: p50; band: p5–p95 (log scale)"
            } else {
                "central values, not sampled (log scale)"
            },
        )?;
        let positive: Vec<f64> =
            points().flat_map(|p| [p.1, p.2, p.3]).filter(|v| v.is_finite() && *v > 0.0).collect();
        let lo = positive.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = positive.iter().copied().fold(0.0, f64::max);
        let (lo, hi) = if lo.is_finite() && hi > 0.0 {
            (10f64.powf(lo.log10().floor()), 10f64.powf(hi.log10().ceil()))
        } else {
            (1.0, 10.0)
        };
        let hi = if hi > lo { hi } else { lo * 10.0 };
        let y0 = points().map(|p| p.0).min().unwrap_or(0);
        let y1 = points().map(|p| p.0).max().unwrap_or(y0);
        // Half a year either side, so that a horizon of one year still has room.
        let (x0, x1) = (f64::from(y0) - 0.5, f64::from(y1) + 0.5);
        let mut chart = ChartBuilder::on(&body(root))
            .x_label_area_size(30)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, (lo..hi).log_scale())?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(0xf2, 0xf2, 0xf2))
            .x_labels(((y1 - y0) as usize + 2).min(18))
            .x_label_formatter(&|y| if y.fract() == 0.0 { format!("{y:.0}") } else { String::new() })
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .label_style(text_style(12.0))
            .draw()?;
        let clamp = |v: f64| if v.is_finite() && v > 0.0 { v.clamp(lo, hi) } else { lo };
        for (k, (name, v)) in self.series.iter().enumerate() {
            let c = colour(k);
            let year = |p: &(i32, f64, f64, f64)| f64::from(p.0);
            let band: Vec<(f64, f64)> = v
                .iter()
                .map(|p| (year(p), clamp(p.3)))
                .chain(v.iter().rev().map(|p| (year(p), clamp(p.1))))
                .collect();
            chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.18).filled())))?;
            chart
                .draw_series(LineSeries::new(v.iter().map(|p| (year(p), clamp(p.2))), c.stroke_width(2)))?
                .label(name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3)));
            chart.draw_series(v.iter().map(|p| Circle::new((year(p), clamp(p.2)), 3, c.filled())))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xaa, 0xaa, 0xaa))
            .label_font(text_style(12.0))
            .draw()?;
        Ok(())
    }
}

impl Draw for Bars {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        self.draw_in(&root.margin(8, 8, 8, 8))
    }
}

impl Draw for Panels {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        title(root, &self.title, &self.subtitle)?;
        let areas = body(root).split_evenly((1, self.panels.len().max(1)));
        for (p, area) in self.panels.iter().zip(areas.iter()) {
            p.draw_in(area)?;
        }
        Ok(())
    }
}

impl Draw for Waterfall {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        title(root, &self.title, &self.subtitle)?;
        let Some((start_label, start)) = &self.start else { return self.draw_stack(root) };
        // A bridge: the first total, each step up or down from where the last ended, the end.
        let mut level = *start;
        let mut top = level;
        for (_, v) in &self.items {
            level += v;
            top = top.max(level);
        }
        let end = level;
        let (_, hi) = span([top].into_iter(), true);
        let mut labels = vec![start_label.clone()];
        labels.extend(self.items.iter().map(|i| i.0.clone()));
        labels.push(self.end.clone().unwrap_or_else(|| "end".into()));
        let area = body(root);
        let mut chart = categories(&area, None, &labels, &self.y_desc, hi, 11.0)?;
        let label_at = |x: f64, y: f64, text: String| {
            Text::new(
                text,
                (x + 0.5, y),
                text_style(11.0).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Bottom,
                )),
            )
        };
        let grey = RGBColor(0x40, 0x40, 0x40);
        chart.draw_series(std::iter::once(Rectangle::new([(0.1, 0.0), (0.9, *start)], grey.filled())))?;
        chart.draw_series(std::iter::once(label_at(0.0, *start, crate::render::human(*start))))?;
        let mut run = *start;
        for (k, (_, v)) in self.items.iter().enumerate() {
            let x = (k + 1) as f64;
            let (lo, up) = (run.min(run + v), run.max(run + v));
            let fill = if *v >= 0.0 { colour(3) } else { colour(2) };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x + 0.1, lo), (x + 0.9, up)],
                fill.filled(),
            )))?;
            let sign = if *v >= 0.0 { "+" } else { "−" };
            chart.draw_series(std::iter::once(label_at(
                x,
                up,
                format!("{sign}{}", crate::render::human(v.abs())),
            )))?;
            run += v;
        }
        let x = (self.items.len() + 1) as f64;
        chart
            .draw_series(std::iter::once(Rectangle::new([(x + 0.1, 0.0), (x + 0.9, end)], grey.filled())))?;
        chart.draw_series(std::iter::once(label_at(x, end, crate::render::human(end))))?;
        Ok(())
    }
}

impl Draw for Lines {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        title(root, &self.title, &self.subtitle)?;
        let pts = || self.series.iter().flat_map(|(_, v)| v.iter());
        let (x0, x1) = span(pts().map(|p| p.0), false);
        let (y0, y1) = span(pts().map(|p| p.1), false);
        // Room at the top for the legend.
        let y1 = y0 + (y1 - y0) * LEGEND_ROOM;
        let mut chart = ChartBuilder::on(&body(root))
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(0xf2, 0xf2, 0xf2))
            .x_desc(self.x_desc.clone())
            .y_desc(self.y_desc.clone())
            .x_label_formatter(&|v| if v.fract() == 0.0 { format!("{v:.0}") } else { sig3(*v) })
            .y_label_formatter(&|v| crate::render::human(*v))
            .label_style(text_style(12.0))
            .axis_desc_style(text_style(12.0))
            .draw()?;
        for (k, (name, v)) in self.series.iter().enumerate() {
            let c = colour(k);
            chart
                .draw_series(LineSeries::new(v.iter().copied(), c.stroke_width(2)))?
                .label(name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3)));
            chart.draw_series(v.iter().map(|p| Circle::new(*p, 4, c.filled())))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xaa, 0xaa, 0xaa))
            .label_font(text_style(12.0))
            .draw()?;
        Ok(())
    }
}

impl Draw for ChainChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        title(root, &self.title, &self.subtitle)?;
        let n = self.stages.len().max(1) as i32;
        let (w, gap, top, h) = (940 / n - 24, 24, 90, 110);
        for (k, (name, value)) in self.stages.iter().enumerate() {
            let x = 10 + k as i32 * (w + gap);
            let binds = self.binds == Some(k);
            let fill = if binds { RGBColor(0xfc, 0xe4, 0xd6) } else { RGBColor(0xde, 0xeb, 0xf7) };
            root.draw(&Rectangle::new([(x, top), (x + w, top + h)], fill.filled()))?;
            root.draw(&Rectangle::new(
                [(x, top), (x + w, top + h)],
                if binds { colour(1).stroke_width(3) } else { colour(0).stroke_width(1) },
            ))?;
            let centre = plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            );
            root.draw(&Text::new(
                value.clone(),
                (x + w / 2, top + 38),
                (FAMILY, 17).into_font().style(FontStyle::Bold).color(&BLACK).pos(centre),
            ))?;
            for (l, line) in wrap_words(name, 18).iter().enumerate() {
                root.draw(&Text::new(
                    line.clone(),
                    (x + w / 2, top + 66 + 15 * l as i32),
                    text_style(12.0).pos(centre),
                ))?;
            }
            if binds {
                root.draw(&Text::new(
                    "binds",
                    (x + w / 2, top + h + 14),
                    text_style(12.0).color(&colour(1)).pos(centre),
                ))?;
            }
            if k + 1 < self.stages.len() {
                let (ax, ay) = (x + w + 3, top + h / 2);
                root.draw(&PathElement::new(vec![(ax, ay), (ax + gap - 6, ay)], BLACK.stroke_width(2)))?;
                root.draw(&Polygon::new(
                    vec![(ax + gap - 6, ay - 5), (ax + gap - 1, ay), (ax + gap - 6, ay + 5)],
                    BLACK.filled(),
                ))?;
            }
        }
        Ok(())
    }
}

impl Draw for Plot {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        each_plot!(self, c => c.draw(root))
    }
}
