//! The training ledger under sampling: its results named ([`FIGURES`]), laid out region by
//! region, and evaluated per sample from the regions' plans ([`model`]) with no binding and no
//! allocation per sample.

use super::{Bound, Inputs, Item, Outputs, evaluate};
use crate::diag::Diagnostic;
use crate::plan::{Planned, Slots};
use crate::uncertainty::{Model, Uncertain};

/// The ledger's results under sampling, named as in its JSON (ledger lines by their item).
pub const FIGURES: [&str; 29] = [
    "accelerators",
    "accelerator_hours",
    "compute_flop",
    "mfu",
    "implied_mfu",
    "goodput",
    "wall_days",
    "it_kw_per_accelerator",
    "peak_it_kw_per_accelerator",
    "pue",
    "tariff_usd_per_kwh",
    "tariff_local_per_kwh",
    "grid_kgco2_per_kwh",
    "energy_mwh",
    "emissions_tco2e",
    "ledger.accelerator amortization.usd",
    "ledger.server and network amortization.usd",
    "ledger.facility amortization.usd",
    "ledger.electricity.usd",
    "ledger.maintenance.usd",
    "total_usd",
    "usd_per_accelerator_hour",
    "upfront_capex_usd",
    "rental_usd",
    "ledger.accelerator amortization.share",
    "ledger.server and network amortization.share",
    "ledger.facility amortization.share",
    "ledger.electricity.share",
    "ledger.maintenance.share",
];

/// The figures of one evaluation, in the order of [`FIGURES`]; `None` where the ledger has no
/// such figure (no compute given, no rental price). `local_per_kwh` is the tariff in the
/// region's own currency.
pub fn figures(x: &Inputs, o: &Outputs, local_per_kwh: f64) -> [Option<f64>; 29] {
    [
        x.accelerators,
        Some(o.accelerator_hours),
        o.compute_flop,
        o.mfu,
        o.implied_mfu,
        Some(x.goodput),
        o.wall_days,
        Some(o.it_kw_per_accelerator),
        Some(o.peak_it_kw_per_accelerator),
        Some(x.pue),
        Some(x.tariff_usd_per_kwh),
        Some(local_per_kwh),
        Some(x.grid_kgco2_per_kwh),
        Some(o.energy_mwh),
        Some(o.emissions_tco2e),
        Some(o.usd(Item::Accelerators)),
        Some(o.usd(Item::ServersAndNetwork)),
        Some(o.usd(Item::Facility)),
        Some(o.usd(Item::Electricity)),
        Some(o.usd(Item::Maintenance)),
        Some(o.total_usd),
        Some(o.usd_per_accelerator_hour),
        super::upfront_capex_usd(x),
        o.rental_usd,
        Some(o.share(Item::Accelerators)),
        Some(o.share(Item::ServersAndNetwork)),
        Some(o.share(Item::Facility)),
        Some(o.share(Item::Electricity)),
        Some(o.share(Item::Maintenance)),
    ]
}

/// Which of [`FIGURES`] each region has (those its central evaluation has), in order: the
/// layout of a row of results, whichever model fills it.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    figures: Vec<Vec<usize>>,
}

impl Layout {
    pub fn new(bounds: &[Bound]) -> Layout {
        let figures = bounds
            .iter()
            .map(|b| {
                let all = figures(&b.inputs, &evaluate(&b.inputs), b.price.local_per_kwh);
                (0..FIGURES.len()).filter(|&i| all[i].is_some()).collect()
            })
            .collect();
        Layout { figures }
    }

    /// The names of the results, region by region (prefixed by `prefix(region index)`).
    pub fn names(&self, prefix: impl Fn(usize) -> String) -> Vec<String> {
        self.figures
            .iter()
            .enumerate()
            .flat_map(|(r, figures)| {
                let p = prefix(r);
                figures.iter().map(move |&i| format!("{p}{}", FIGURES[i]))
            })
            .collect()
    }

    /// Results per row.
    pub fn width(&self) -> usize {
        self.figures.iter().map(Vec::len).sum()
    }

    /// Writes the figures of region `r`, evaluated on `x`, at `out[*at..]`; false if the ledger
    /// refuses the result or the region lacks a figure it had at the centre.
    #[inline]
    pub fn write(&self, r: usize, x: &Inputs, local_per_kwh: f64, out: &mut [f64], at: &mut usize) -> bool {
        let o = evaluate(x);
        if !super::accepts(&o) {
            return false;
        }
        let all = figures(x, &o, local_per_kwh);
        for &i in &self.figures[r] {
            let Some(v) = all[i] else { return false };
            out[*at] = v;
            *at += 1;
        }
        true
    }
}

/// The training ledger of one or more regions as a [`Model`] over their plans (planned on one
/// table of `slots`): the results of every region, side by side, for each row of uncertain
/// numbers `keys`.
pub fn model<'a>(
    bounds: &'a [Bound],
    layout: &'a Layout,
    slots: &Slots,
    keys: &[Uncertain],
) -> Result<impl Model + 'a, Diagnostic> {
    // Regions that buy the same accelerator share its price: a chip-ledger price is worked
    // out once a sample, not once a region.
    let shared = bounds.windows(2).all(|w| w[0].plan.same_price(&w[1].plan));
    Planned::new(slots, keys, move |v: &[f64], out: &mut [f64]| {
        let mut at = 0;
        let mut price = None;
        bounds.iter().enumerate().all(|(r, b)| {
            let p = match price {
                Some(p) if shared => p,
                _ => match b.plan.accelerator_price(v) {
                    Ok(p) => p,
                    Err(_) => return false,
                },
            };
            price = Some(p);
            let (x, kwh) = b.plan.derive_priced(v, p);
            layout.write(r, &x, kwh.local_per_kwh, out, &mut at)
        })
    })
}
