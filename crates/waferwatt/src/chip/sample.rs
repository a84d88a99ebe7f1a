//! The chip ledger under sampling: its results named as `waferwatt chip --format json` shows
//! them (the command line maps the names to its JSON for display), and a [`Model`] that
//! derives the accelerator's inputs from its plan per sample.

use super::{
    ChipBound, ChipInputs, ChipOutputs, Item, break_even_area, break_even_span, check, evaluate, split,
};
use crate::diag::Diagnostic;
use crate::plan::{Names, Planned, Row, Sink, Slots, name};
use crate::uncertainty::{Model, Uncertain};

/// The results of the chip `b` at values `v` (its inputs `x` and outputs `o`), with the splits
/// asked for and the break-even area; false if a split gives no good package.
pub fn figures(b: &ChipBound, v: &[f64], x: &ChipInputs, o: &ChipOutputs, s: &mut dyn Sink) -> bool {
    s.put(&name("build_cost_usd"), o.build_cost_usd);
    for i in Item::ALL {
        s.put(&|| format!("items.{}.usd", i.name()), o.usd(i));
        s.put(&|| format!("items.{}.share", i.name()), o.share(i));
    }
    s.opt(&name("published_build_cost_usd"), b.published_build_cost_usd);
    let d = &o.compute_die;
    for (n, value) in [
        ("compute_die.area_mm2", x.compute.area_mm2),
        ("compute_die.count", x.compute.count),
        ("compute_die.die_yield", d.die_yield),
        ("compute_die.gross_dies", d.gross_dies),
        ("compute_die.cost_per_good_die_usd", d.cost_per_good_die_usd),
        ("compute_die.price_per_good_die_usd", d.price_per_good_die_usd),
        ("interposers_per_wafer", o.interposers_per_wafer),
        ("interposer_yield", o.interposer_yield),
        ("peak_tflops.bf16", x.bf16_tflops),
    ] {
        s.put(&name(n), value);
    }
    if let Some(f) = x.fp8_tflops {
        s.put(&name("peak_tflops.fp8"), f);
    }
    s.put(&name("tdp_w"), x.tdp_w);
    s.put(&name("tflops_per_w"), o.tflops_per_w);
    s.opt(&name("price_usd"), o.price_usd);
    s.opt(&name("gross_margin"), o.gross_margin);
    // Splits of one compute die's worth of silicon (all of it, before any port split).
    let port = b.plan.port_at(v);
    let total = port.map_or(x.compute.area_mm2, |p| p.area_to_mm2);
    // Splits are named by their chiplet count where no two share one, else by place.
    let by_count = b.chiplets.iter().enumerate().all(|(j, k)| !b.chiplets[..j].contains(k));
    for (j, k) in b.chiplets.iter().enumerate() {
        let label = || if by_count { k.to_string() } else { j.to_string() };
        let sp = split(total, *k, &x.compute.wafer, x);
        if !sp.cost_per_good_package_usd.is_finite() {
            return false;
        }
        for (what, value) in [
            ("chiplets", f64::from(sp.chiplets)),
            ("chiplet_area_mm2", sp.chiplet_area_mm2),
            ("yield", sp.die_yield),
            ("cost_per_good_chiplet_usd", sp.cost_per_good_chiplet_usd),
            ("cost_per_good_package_usd", sp.cost_per_good_package_usd),
        ] {
            s.put(&|| format!("splits.{}.{what}", label()), value);
        }
    }
    let (lo, hi) = break_even_span(x);
    s.opt(&name("break_even_area_mm2"), break_even_area(&x.compute.wafer, x, lo, hi));
    if let Some(p) = port {
        for (n, value) in [
            ("port.area_from_mm2", p.area_from_mm2),
            ("port.area_to_mm2", p.area_to_mm2),
            ("port.split_into", f64::from(p.split_into)),
            ("port.tdp_from_w", p.tdp_from_w),
            ("port.tdp_to_w", p.tdp_to_w),
        ] {
            s.put(&name(n), value);
        }
    }
    true
}

/// The names of the chip's results (planned on `slots`), and their model under the uncertain
/// numbers `keys`: the accelerator's inputs derived from its plan, evaluated and checked.
pub fn model<'a>(
    b: &'a ChipBound,
    slots: &Slots,
    keys: &[Uncertain],
) -> Result<(Vec<String>, impl Model + 'a), Diagnostic> {
    let mut names = Names::default();
    figures(b, &slots.central, &b.inputs, &evaluate(&b.inputs), &mut names);
    let model = Planned::new(slots, keys, move |v: &[f64], out: &mut [f64]| {
        let Ok(x) = b.plan.derive(v) else { return false };
        let o = evaluate(&x);
        let mut row = Row { values: out, at: 0 };
        check(&o).is_ok() && figures(b, v, &x, &o, &mut row) && row.full()
    })?;
    Ok((names.0, model))
}
