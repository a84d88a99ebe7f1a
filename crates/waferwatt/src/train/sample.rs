//! The training ledger under sampling, at full speed: each uncertain data number is written
//! straight into the ledger's [`Inputs`] (or into the tariff or compute it is part of, which
//! are derived again), with no binding and no allocation per sample.
//!
//! [`Sampler::new`] declines (returns `None`) when an uncertain number reaches the inputs by a
//! path it does not know (an accelerator priced by the chip ledger, say); the caller then
//! re-binds the data per sample ([`crate::uncertainty::DataModel`]), which is exact for every
//! path. A test holds the two to the same results.

use super::{Bound, Inputs, Item, Outputs, Tariff, evaluate};
use crate::power::{self, TariffSpec};
use crate::provenance::Provenance;
use crate::uncertainty::{Model, Uncertain};

/// The ledger's results under sampling, named as in its JSON (ledger lines by their item).
pub const FIGURES: [&str; 28] = [
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
pub fn figures(x: &Inputs, o: &Outputs, local_per_kwh: f64) -> [Option<f64>; 28] {
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
        o.rental_usd,
        Some(o.share(Item::Accelerators)),
        Some(o.share(Item::ServersAndNetwork)),
        Some(o.share(Item::Facility)),
        Some(o.share(Item::Electricity)),
        Some(o.share(Item::Maintenance)),
    ]
}

// A region's numbers as one flat array of slots, so that a sample writes each uncertain
// number with one indexed store: the ledger's inputs (in the order of [`Inputs`]), then the
// compute's parts, then the tariff's.
const INPUTS: usize = 22;
const COMPUTE: usize = INPUTS;
const TARIFF: usize = COMPUTE + 3;
const SLOTS: usize = TARIFF + 14;
/// The slots of the derived compute and tariff, which no binding targets.
const COMPUTE_FLOP: usize = 0;
const TARIFF_USD: usize = 11;

/// The slot a binding's number goes to, by the binding's name.
fn slot(name: &str) -> Option<usize> {
    const NAMES: [&str; SLOTS] = [
        "compute_flop",
        "accelerator_hours",
        "compute_hours",
        "accelerators",
        "peak_tflops",
        "mfu",
        "goodput",
        "tdp_w",
        "server_power_multiplier",
        "avg_power_fraction",
        "pue",
        "tariff_usd_per_kwh",
        "grid_kgco2_per_kwh",
        "accelerator_price_usd",
        "server_capex_fraction",
        "network_capex_fraction",
        "hardware_life_years",
        "cost_of_capital",
        "maintenance_fraction_per_year",
        "facility_capex_usd_per_mw",
        "facility_life_years",
        "rental_usd_per_hour",
        "flop_per_param_token",
        "params",
        "tokens",
        "region_tariff_usd_per_kwh",
        "tariff_cny_per_kwh",
        "energy_cny_per_kwh",
        "line_loss_fraction",
        "td_cny_per_kwh",
        "demand_cny_per_kw_month",
        "system_op_cny_per_kwh",
        "funds_cny_per_kwh",
        "vat_rate",
        "load_factor",
        "high_use_demand_factor",
        "high_use_threshold_kwh_per_kw_month",
        "dc_deal_cny_per_kwh",
        "cny_per_usd",
    ];
    NAMES.iter().position(|n| *n == name).filter(|&k| k != COMPUTE_FLOP && k != TARIFF_USD)
}

fn to_slots(x: &Inputs, compute: [f64; 3], t: Option<&Tariff>) -> [f64; SLOTS] {
    let o = |v: Option<f64>| v.unwrap_or(0.0);
    let mut s = [0.0; SLOTS];
    s[..INPUTS].copy_from_slice(&[
        o(x.compute_flop),
        o(x.accelerator_hours),
        o(x.compute_hours),
        o(x.accelerators),
        x.peak_tflops,
        x.mfu,
        x.goodput,
        x.tdp_w,
        x.server_power_multiplier,
        x.avg_power_fraction,
        x.pue,
        x.tariff_usd_per_kwh,
        x.grid_kgco2_per_kwh,
        x.accelerator_price_usd,
        x.server_capex_fraction,
        x.network_capex_fraction,
        x.hardware_life_years,
        x.cost_of_capital,
        x.maintenance_fraction_per_year,
        x.facility_capex_usd_per_mw,
        x.facility_life_years,
        o(x.rental_usd_per_hour),
    ]);
    s[COMPUTE..TARIFF].copy_from_slice(&compute);
    if let Some(t) = t {
        let none = power::TwoPart {
            energy_cny_per_kwh: 0.0,
            line_loss_fraction: 0.0,
            td_cny_per_kwh: 0.0,
            demand_cny_per_kw_month: 0.0,
            system_op_cny_per_kwh: 0.0,
            funds_cny_per_kwh: 0.0,
        };
        let (flat_usd, flat_cny, p) = match t.spec {
            TariffSpec::FlatUsd { usd_per_kwh } => (usd_per_kwh, 0.0, none),
            TariffSpec::FlatCny { cny_per_kwh } => (0.0, cny_per_kwh, none),
            TariffSpec::TwoPart(p) => (0.0, 0.0, p),
        };
        s[TARIFF..].copy_from_slice(&[
            flat_usd,
            flat_cny,
            p.energy_cny_per_kwh,
            p.line_loss_fraction,
            p.td_cny_per_kwh,
            p.demand_cny_per_kw_month,
            p.system_op_cny_per_kwh,
            p.funds_cny_per_kwh,
            t.vat_rate,
            t.terms.load_factor,
            t.terms.high_use_demand_factor,
            t.terms.high_use_threshold_kwh_per_kw_month,
            o(t.terms.deal_cny_per_kwh),
            t.cny_per_usd,
        ]);
    }
    s
}

/// The inputs in slots `s`; which optional inputs are present follows `base`.
#[inline]
fn inputs_from(s: &[f64; SLOTS], base: &Inputs) -> Inputs {
    Inputs {
        compute_flop: base.compute_flop.map(|_| s[COMPUTE_FLOP]),
        accelerator_hours: base.accelerator_hours.map(|_| s[1]),
        compute_hours: base.compute_hours.map(|_| s[2]),
        accelerators: base.accelerators.map(|_| s[3]),
        peak_tflops: s[4],
        mfu: s[5],
        goodput: s[6],
        tdp_w: s[7],
        server_power_multiplier: s[8],
        avg_power_fraction: s[9],
        pue: s[10],
        tariff_usd_per_kwh: s[TARIFF_USD],
        grid_kgco2_per_kwh: s[12],
        accelerator_price_usd: s[13],
        server_capex_fraction: s[14],
        network_capex_fraction: s[15],
        hardware_life_years: s[16],
        cost_of_capital: s[17],
        maintenance_fraction_per_year: s[18],
        facility_capex_usd_per_mw: s[19],
        facility_life_years: s[20],
        rental_usd_per_hour: base.rental_usd_per_hour.map(|_| s[21]),
    }
}

/// The tariff in slots `s`, of `base`'s kind.
#[inline]
fn tariff_from(s: &[f64; SLOTS], base: &Tariff) -> Tariff {
    let t = &s[TARIFF..];
    Tariff {
        spec: match base.spec {
            TariffSpec::FlatUsd { .. } => TariffSpec::FlatUsd { usd_per_kwh: t[0] },
            TariffSpec::FlatCny { .. } => TariffSpec::FlatCny { cny_per_kwh: t[1] },
            TariffSpec::TwoPart(_) => TariffSpec::TwoPart(power::TwoPart {
                energy_cny_per_kwh: t[2],
                line_loss_fraction: t[3],
                td_cny_per_kwh: t[4],
                demand_cny_per_kw_month: t[5],
                system_op_cny_per_kwh: t[6],
                funds_cny_per_kwh: t[7],
            }),
        },
        vat_rate: t[8],
        terms: power::PurchaseTerms {
            load_factor: t[9],
            high_use_demand_factor: t[10],
            high_use_threshold_kwh_per_kw_month: t[11],
            deal_cny_per_kwh: base.terms.deal_cny_per_kwh.map(|_| t[12]),
            vat: base.terms.vat,
        },
        cny_per_usd: t[13],
    }
}

/// One region's ledger, ready to sample.
#[derive(Clone, Debug)]
struct Region {
    base: Inputs,
    tariff: Option<Tariff>,
    /// The central tariff in the region's own currency.
    local_per_kwh: f64,
    slots: [f64; SLOTS],
    /// (index of the number in a sample, its slot).
    targets: Vec<(usize, usize)>,
    redo_tariff: bool,
    redo_compute: bool,
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

    /// The model that re-binds `req` to the data for each sample: exact for every path.
    pub fn rebinding<'a>(
        &'a self,
        req: &'a super::TrainRequest,
    ) -> impl Fn(&crate::data::Dataset, &mut [f64]) -> bool + Sync + 'a {
        move |ds, out| {
            let Ok(bounds) = super::bind(ds, req) else { return false };
            let mut at = 0;
            bounds.len() == self.figures.len()
                && bounds
                    .iter()
                    .enumerate()
                    .all(|(r, b)| self.write(r, &b.inputs, b.price.local_per_kwh, out, &mut at))
        }
    }
}

/// The training ledger of one or more regions as a [`Model`]: the results of every region,
/// side by side, for each row of uncertain numbers.
#[derive(Clone, Debug)]
pub struct Sampler {
    regions: Vec<Region>,
    pub layout: Layout,
}

impl Sampler {
    /// A sampler of `bounds` under the uncertain numbers `keys` (in the order of a sample's
    /// row); `None` if any of them reaches the inputs by a path this sampler does not follow.
    pub fn new(bounds: &[Bound], keys: &[Uncertain]) -> Option<Sampler> {
        let regions = bounds
            .iter()
            .map(|b| {
                let mut targets = Vec::new();
                let mut compute = [None; 3];
                for binding in &b.bindings {
                    let k = slot(binding.name);
                    if let Some(i) = k.filter(|k| (COMPUTE..TARIFF).contains(k)) {
                        compute[i - COMPUTE] = Some(binding.value);
                    }
                    let Provenance::Data { key, .. } = &binding.provenance else { continue };
                    let Some(j) = keys.iter().position(|k| &k.key == key) else { continue };
                    // A number of another ledger (the chip's, under a group) reaches the inputs
                    // through that ledger: not a path this sampler follows.
                    if binding.group.is_some() {
                        return None;
                    }
                    targets.push((j, k?));
                }
                let redo_tariff = targets.iter().any(|&(_, k)| k >= TARIFF);
                let redo_compute = targets.iter().any(|&(_, k)| (COMPUTE..TARIFF).contains(&k));
                let parts_known = compute.iter().all(Option::is_some) && b.inputs.compute_flop.is_some();
                if (redo_tariff && b.tariff.is_none()) || (redo_compute && !parts_known) {
                    return None;
                }
                Some(Region {
                    base: b.inputs,
                    tariff: b.tariff,
                    local_per_kwh: b.price.local_per_kwh,
                    slots: to_slots(&b.inputs, compute.map(|c| c.unwrap_or(0.0)), b.tariff.as_ref()),
                    targets,
                    redo_tariff,
                    redo_compute,
                })
            })
            .collect::<Option<Vec<Region>>>()?;
        Some(Sampler { regions, layout: Layout::new(bounds) })
    }

    /// The inputs of region `r` under the numbers `x`, and its tariff in its own currency.
    #[inline]
    pub fn inputs(&self, r: usize, x: &[f64]) -> (Inputs, f64) {
        let region = &self.regions[r];
        let mut s = region.slots;
        for &(j, k) in &region.targets {
            s[k] = x[j];
        }
        if region.redo_compute {
            s[COMPUTE_FLOP] = s[COMPUTE] * s[COMPUTE + 1] * s[COMPUTE + 2];
        }
        let mut local = region.local_per_kwh;
        if let (true, Some(base)) = (region.redo_tariff, &region.tariff) {
            let t = tariff_from(&s, base);
            let price = power::price(t.spec, t.vat_rate, t.terms, t.cny_per_usd);
            s[TARIFF_USD] = price.usd_per_kwh;
            local = price.local_per_kwh;
        }
        (inputs_from(&s, &region.base), local)
    }
}

impl Model for Sampler {
    type Scratch = ();
    fn scratch(&self) {}
    #[inline]
    fn eval(&self, _: &mut (), x: &[f64], out: &mut [f64]) -> bool {
        let mut at = 0;
        (0..self.regions.len()).all(|r| {
            let (inputs, local) = self.inputs(r, x);
            self.layout.write(r, &inputs, local, out, &mut at)
        })
    }
}
