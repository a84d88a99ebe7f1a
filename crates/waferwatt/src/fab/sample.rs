//! The wafer ledger under sampling: its results named as `waferwatt wafer --format json`
//! shows them (the command line maps the names to its JSON for display), and a [`Model`] that
//! derives each node's inputs from its plan per sample.

use super::{ToolClass, WaferBound, WaferInputs, WaferOutputs, check, evaluate};
use crate::diag::Diagnostic;
use crate::plan::{Names, Planned, Row, Sink, Slots, path};
use crate::uncertainty::{Model, Uncertain};

/// The results of one node at values `v` (its inputs `x` and outputs `o`), each named under
/// `prefix`.
pub fn figures(b: &WaferBound, v: &[f64], x: &WaferInputs, o: &WaferOutputs, prefix: &str, s: &mut dyn Sink) {
    let put = |s: &mut dyn Sink, n: &str, value: f64| s.put(&|| path(prefix, n), value);
    put(s, "die_width_mm", x.die.width_mm);
    put(s, "die_height_mm", x.die.height_mm);
    put(s, "die_area_mm2", o.die_area_mm2);
    let used = || ToolClass::ALL.into_iter().filter(|c| o.class(*c).exposures > 0.0);
    let by_class = |s: &mut dyn Sink, what: &str, f: &dyn Fn(ToolClass) -> f64| {
        for c in used() {
            s.put(&|| path(prefix, &format!("{what}.{}", c.name())), f(c));
        }
    };
    by_class(s, "exposures", &|c| o.class(c).exposures);
    put(s, "masks", o.masks);
    put(s, "scanner_hours", o.scanner_hours);
    by_class(s, "scanner_hours_by_class", &|c| o.class(c).scanner_hours);
    for c in used() {
        let ci = x.class(c);
        for (what, value) in [
            ("rated_wph", ci.wph),
            ("effective_fraction", ci.effective_fraction),
            ("availability", ci.availability),
            ("usd_per_scanner_hour", o.class(c).usd_per_scanner_hour),
        ] {
            s.put(&|| path(prefix, &format!("scanners.{}.{what}", c.name())), value);
        }
    }
    for (n, value) in [
        ("litho_usd", o.litho_usd),
        ("litho_tool_usd", o.litho_tool_usd),
        ("track_usd", o.track_usd),
        ("metrology_usd", o.metrology_usd),
        ("mask_set_usd", o.mask_set_usd),
        ("mask_usd", o.mask_usd),
        ("fab_capital_usd", o.fab_capital_usd),
        ("scanner_capex_usd_per_wpm", o.scanner_capex_usd_per_wpm),
        ("non_litho_usd", o.non_litho_usd),
        ("substrate_usd", o.substrate_usd),
        ("overhead_usd", o.overhead_usd),
        ("wafer_cost_usd", o.wafer_cost_usd),
        ("wafer_price_usd", o.wafer_price_usd),
    ] {
        put(s, n, value);
    }
    s.opt(&|| path(prefix, "published_wafer_price_usd"), b.published_wafer_price_usd);
    for (n, value) in [
        ("litho_cost_share", o.litho_cost_share),
        ("litho_time_share", o.litho_time_share),
        ("process_steps", o.process_steps),
        ("cycle_days", o.cycle_days),
        ("d0_per_cm2", o.d0_per_cm2),
        ("gross_dies", o.gross_dies),
        ("gross_dies_analytic", o.gross_dies_analytic),
        ("die_yield", o.die_yield),
        ("good_dies", o.good_dies),
        ("cost_per_good_die_usd", o.cost_per_good_die_usd),
        ("price_per_good_die_usd", o.price_per_good_die_usd),
    ] {
        put(s, n, value);
    }
    by_class(s, "scanners_per_10k_wafers_month", &|c| o.class(c).scanners_per_10k_wafers_month);
    // Each layer group: its count, and the exposures and masks of all its layers.
    for (l, p) in b.layers.iter().zip(&b.plan.layers) {
        let count = p.count.get(v);
        for (what, value) in
            [("count", count), ("exposures", count * p.exposures.get(v)), ("masks", count * p.masks.get(v))]
        {
            s.put(&|| path(prefix, &format!("layers.{}.{what}", l.id)), value);
        }
    }
}

/// The prefix of node `b`'s results: its id when several nodes are answered side by side.
fn prefix(bounds: &[WaferBound], b: &WaferBound) -> String {
    if bounds.len() > 1 { b.node.clone() } else { String::new() }
}

/// The names of the results of `bounds` (planned on `slots`), and their model under the
/// uncertain numbers `keys`: each node's inputs derived from its plan, evaluated and checked
/// (a sample a node refuses is refused).
pub fn model<'a>(
    bounds: &'a [WaferBound],
    slots: &Slots,
    keys: &[Uncertain],
) -> Result<(Vec<String>, impl Model + 'a), Diagnostic> {
    let prefixes: Vec<String> = bounds.iter().map(|b| prefix(bounds, b)).collect();
    let mut names = Names::default();
    for (b, p) in bounds.iter().zip(&prefixes) {
        figures(b, &slots.central, &b.inputs, &evaluate(&b.inputs), p, &mut names);
    }
    let model = Planned::new(slots, keys, move |v: &[f64], out: &mut [f64]| {
        let mut row = Row { values: out, at: 0 };
        for (b, p) in bounds.iter().zip(&prefixes) {
            let Ok(x) = b.plan.derive(v) else { return false };
            let o = evaluate(&x);
            if check(&o).is_err() {
                return false;
            }
            figures(b, v, &x, &o, p, &mut row);
        }
        row.full()
    })?;
    Ok((names.0, model))
}
