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
pub const FIGURES: [&str; 27] = [
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
/// such figure (no compute given, no rental price).
pub fn figures(x: &Inputs, o: &Outputs) -> [Option<f64>; 27] {
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

/// Where one uncertain number goes.
#[derive(Clone, Copy, Debug)]
enum Target {
    Field(fn(&mut Inputs, f64)),
    /// A part of the compute: 0 FLOP per parameter-token, 1 parameters, 2 tokens.
    Compute(usize),
    Tariff(fn(&mut Tariff, f64)),
}

fn target(name: &str) -> Option<Target> {
    use Target::{Compute, Field, Tariff as T};
    fn two_part(t: &mut Tariff) -> Option<&mut power::TwoPart> {
        match &mut t.spec {
            TariffSpec::TwoPart(p) => Some(p),
            _ => None,
        }
    }
    Some(match name {
        "accelerator_hours" => Field(|x, v| x.accelerator_hours = Some(v)),
        "compute_hours" => Field(|x, v| x.compute_hours = Some(v)),
        "accelerators" => Field(|x, v| x.accelerators = Some(v)),
        "goodput" => Field(|x, v| x.goodput = v),
        "mfu" => Field(|x, v| x.mfu = v),
        "peak_tflops" => Field(|x, v| x.peak_tflops = v),
        "tdp_w" => Field(|x, v| x.tdp_w = v),
        "accelerator_price_usd" => Field(|x, v| x.accelerator_price_usd = v),
        "server_power_multiplier" => Field(|x, v| x.server_power_multiplier = v),
        "avg_power_fraction" => Field(|x, v| x.avg_power_fraction = v),
        "pue" => Field(|x, v| x.pue = v),
        "grid_kgco2_per_kwh" => Field(|x, v| x.grid_kgco2_per_kwh = v),
        "rental_usd_per_hour" => Field(|x, v| x.rental_usd_per_hour = Some(v)),
        "server_capex_fraction" => Field(|x, v| x.server_capex_fraction = v),
        "network_capex_fraction" => Field(|x, v| x.network_capex_fraction = v),
        "hardware_life_years" => Field(|x, v| x.hardware_life_years = v),
        "cost_of_capital" => Field(|x, v| x.cost_of_capital = v),
        "maintenance_fraction_per_year" => Field(|x, v| x.maintenance_fraction_per_year = v),
        "facility_capex_usd_per_mw" => Field(|x, v| x.facility_capex_usd_per_mw = v),
        "facility_life_years" => Field(|x, v| x.facility_life_years = v),
        "flop_per_param_token" => Compute(0),
        "params" => Compute(1),
        "tokens" => Compute(2),
        "region_tariff_usd_per_kwh" => T(|t, v| t.spec = TariffSpec::FlatUsd { usd_per_kwh: v }),
        "tariff_cny_per_kwh" => T(|t, v| t.spec = TariffSpec::FlatCny { cny_per_kwh: v }),
        "energy_cny_per_kwh" => T(|t, v| two_part(t).into_iter().for_each(|p| p.energy_cny_per_kwh = v)),
        "line_loss_fraction" => T(|t, v| two_part(t).into_iter().for_each(|p| p.line_loss_fraction = v)),
        "td_cny_per_kwh" => T(|t, v| two_part(t).into_iter().for_each(|p| p.td_cny_per_kwh = v)),
        "demand_cny_per_kw_month" => {
            T(|t, v| two_part(t).into_iter().for_each(|p| p.demand_cny_per_kw_month = v))
        }
        "system_op_cny_per_kwh" => {
            T(|t, v| two_part(t).into_iter().for_each(|p| p.system_op_cny_per_kwh = v))
        }
        "funds_cny_per_kwh" => T(|t, v| two_part(t).into_iter().for_each(|p| p.funds_cny_per_kwh = v)),
        "vat_rate" => T(|t, v| t.vat_rate = v),
        "load_factor" => T(|t, v| t.terms.load_factor = v),
        "high_use_demand_factor" => T(|t, v| t.terms.high_use_demand_factor = v),
        "high_use_threshold_kwh_per_kw_month" => T(|t, v| t.terms.high_use_threshold_kwh_per_kw_month = v),
        "dc_deal_cny_per_kwh" => T(|t, v| t.terms.deal_cny_per_kwh = Some(v)),
        "cny_per_usd" => T(|t, v| t.cny_per_usd = v),
        _ => return None,
    })
}

/// One region's ledger, ready to sample.
#[derive(Clone, Debug)]
struct Region {
    base: Inputs,
    tariff: Option<Tariff>,
    /// The compute's parts (FLOP per parameter-token, parameters, tokens), when derived.
    compute: Option<[f64; 3]>,
    /// (index of the number in a sample, where it goes).
    targets: Vec<(usize, Target)>,
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
                let all = figures(&b.inputs, &evaluate(&b.inputs));
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
    pub fn write(&self, r: usize, x: &Inputs, out: &mut [f64], at: &mut usize) -> bool {
        let o = evaluate(x);
        if super::check(&o).is_err() {
            return false;
        }
        let all = figures(x, &o);
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
                && bounds.iter().enumerate().all(|(r, b)| self.write(r, &b.inputs, out, &mut at))
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
                    let part = match binding.name {
                        "flop_per_param_token" => Some(0),
                        "params" => Some(1),
                        "tokens" => Some(2),
                        _ => None,
                    };
                    if let Some(i) = part {
                        compute[i] = Some(binding.value);
                    }
                    let Provenance::Data { key, .. } = &binding.provenance else { continue };
                    let Some(j) = keys.iter().position(|k| &k.key == key) else { continue };
                    targets.push((j, target(binding.name)?));
                }
                let redo_tariff = targets.iter().any(|(_, t)| matches!(t, Target::Tariff(_)));
                let redo_compute = targets.iter().any(|(_, t)| matches!(t, Target::Compute(_)));
                if (redo_tariff && b.tariff.is_none())
                    || (redo_compute && compute.iter().any(Option::is_none))
                {
                    return None;
                }
                Some(Region {
                    base: b.inputs,
                    tariff: b.tariff,
                    compute: compute[0].and_then(|k| Some([k, compute[1]?, compute[2]?])),
                    targets,
                    redo_tariff,
                    redo_compute,
                })
            })
            .collect::<Option<Vec<Region>>>()?;
        Some(Sampler { regions, layout: Layout::new(bounds) })
    }

    /// The inputs of region `r` under the numbers `x`.
    #[inline]
    pub fn inputs(&self, r: usize, x: &[f64]) -> Inputs {
        let region = &self.regions[r];
        let mut inputs = region.base;
        let mut tariff = region.tariff;
        let mut compute = region.compute.unwrap_or_default();
        for &(j, t) in &region.targets {
            match (t, tariff.as_mut()) {
                (Target::Field(set), _) => set(&mut inputs, x[j]),
                (Target::Compute(i), _) => compute[i] = x[j],
                (Target::Tariff(set), Some(tariff)) => set(tariff, x[j]),
                (Target::Tariff(_), None) => {}
            }
        }
        if region.redo_compute {
            inputs.compute_flop = Some(compute[0] * compute[1] * compute[2]);
        }
        if let (true, Some(t)) = (region.redo_tariff, tariff) {
            inputs.tariff_usd_per_kwh = power::price(t.spec, t.vat_rate, t.terms, t.cny_per_usd).usd_per_kwh;
        }
        inputs
    }
}

impl Model for Sampler {
    type Scratch = ();
    fn scratch(&self) {}
    #[inline]
    fn eval(&self, _: &mut (), x: &[f64], out: &mut [f64]) -> bool {
        let mut at = 0;
        (0..self.regions.len()).all(|r| self.layout.write(r, &self.inputs(r, x), out, &mut at))
    }
}
