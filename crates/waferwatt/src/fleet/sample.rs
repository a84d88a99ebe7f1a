//! The fleet ledger under sampling: its results named as `waferwatt fleet --format json`
//! shows them (the command line maps the names to its JSON for display), and a [`Model`] that
//! derives the fleet's inputs from its plan per sample.

use super::{FleetBound, FleetInputs, FleetOutputs, check, evaluate};
use crate::diag::Diagnostic;
use crate::fab::ToolClass;
use crate::plan::{Names, Planned, Row, Sink, Slots, name};
use crate::uncertainty::{Model, Uncertain};

/// The results of a fleet for its inputs `x` and outputs `o`, its mix's accelerators named by
/// their ids (`mix`, in the order of `x.mix`; binding refuses an accelerator twice), so a name
/// means the same design whatever order a request lists them in.
pub fn figures(mix: &[(String, String)], x: &FleetInputs, o: &FleetOutputs, s: &mut dyn Sink) {
    for (i, (m, n)) in x.mix.iter().zip(&o.accelerators_by_item).enumerate() {
        let label = || mix.get(i).map_or_else(|| i.to_string(), |(id, _)| id.clone());
        s.put(&|| format!("mix.{}.share", label()), m.share);
        s.put(&|| format!("mix.{}.accelerators_per_year", label()), *n);
    }
    // Scanner groups are named by their class where no two share one, else by their place.
    let classes: Vec<ToolClass> = x.scanners.iter().map(|g| g.class).collect();
    let by_class = classes.iter().enumerate().all(|(i, c)| !classes[..i].contains(c));
    for (i, g) in x.scanners.iter().enumerate() {
        let label = || if by_class { g.class.name().to_string() } else { i.to_string() };
        s.put(&|| format!("scanners.{}.count", label()), g.count);
        s.put(&|| format!("scanners.{}.share", label()), g.share);
    }
    for c in ToolClass::ALL {
        if let Some(w) = o.class_capacity[c as usize] {
            s.put(&|| format!("class_wafers_per_month.{}", c.name()), w);
        }
    }
    s.opt(&name("wafer_starts_given_per_month"), x.wafer_starts_per_month);
    s.put(&name("wafer_starts_per_month"), o.wafer_starts_per_month);
    s.put(&name("bank_dies_per_month"), o.bank_dies_per_month);
    s.opt(&name("hbm_stacks_per_month"), o.hbm_stacks_per_month);
    s.put(&name("scanner_utilization"), o.scanner_utilization);
    s.put(&name("die_yield"), o.chip.compute_die.die_yield);
    s.put(&name("good_dies_per_month"), o.good_dies_per_month);
    s.put(&name("packages_per_month.dies"), o.packages_by_dies);
    s.opt(&name("packages_per_month.hbm"), o.packages_by_hbm);
    s.opt(&name("packages_per_month.packaging"), o.packages_by_packaging);
    for (n, value) in [
        ("accelerators_per_year", o.accelerators_per_year),
        ("bf16_flops_added_per_year", o.bf16_flops_added_per_year),
        ("largest_run_flop_100d", o.largest_run_flop),
        ("run_days", x.run_days),
        ("mfu", x.mfu),
        ("it_power_gw", o.it_power_gw),
        ("facility_power_gw", o.facility_power_gw),
        ("energy_twh_per_year", o.energy_twh_per_year),
        ("electricity_usd_per_year", o.electricity_usd_per_year),
        ("forgone_n28_wafers_per_month", o.forgone_mature_wafers_per_month),
    ] {
        s.put(&name(n), value);
    }
}

/// The names of the fleet's results (planned on `slots`), and their model under the uncertain
/// numbers `keys`: the fleet's inputs derived from its plan, evaluated and checked.
pub fn model<'a>(
    b: &'a FleetBound,
    slots: &Slots,
    keys: &[Uncertain],
) -> Result<(Vec<String>, impl Model + 'a), Diagnostic> {
    let mut names = Names::default();
    figures(&b.mix, &b.inputs, &evaluate(&b.inputs), &mut names);
    let model = Planned::new(slots, keys, move |v: &[f64], out: &mut [f64]| {
        let Ok(x) = b.plan.derive(v) else { return false };
        let o = evaluate(&x);
        if check(&o).is_err() {
            return false;
        }
        let mut row = Row { values: out, at: 0 };
        figures(&b.mix, &x, &o, &mut row);
        row.full()
    })?;
    Ok((names.0, model))
}
