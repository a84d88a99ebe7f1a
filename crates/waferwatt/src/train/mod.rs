//! The training-run ledger (DESIGN.md §4): what a run costs, item by item, and what it
//! draws from the grid.
//!
//! [`evaluate`] is the whole account as a pure function of plain numbers ([`Inputs`]) with
//! no allocation, so that it can be sampled millions of times a second. [`bind`] turns a
//! request and the data in force into those numbers and records where each came from;
//! [`explain`] states each figure's formula.

mod bind;
mod explain;
mod sample;

pub use crate::provenance::{Binding, Given, InputOrigin, Provenance};
pub use bind::{Bound, Published, PueBasis, TRAIN_KEYS, Tariff, TrainPlan, TrainRequest, bind, plan};
pub use explain::{Step, explain};
pub use sample::{FIGURES, Layout, figures, model};

use crate::finance::crf;
use crate::units::{
    FLOPS_PER_TFLOPS, HOURS_PER_DAY, HOURS_PER_YEAR, KG_PER_TONNE, KW_PER_MW, KWH_PER_MWH, SECONDS_PER_HOUR,
    W_PER_KW,
};

/// Everything the ledger needs, as plain numbers in the units their names give.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Inputs {
    /// Training compute, if known (from parameters and tokens, or given).
    pub compute_flop: Option<f64>,
    /// Accelerator-hours, if given (a published run); otherwise derived from compute.
    pub accelerator_hours: Option<f64>,
    /// The part of the given hours that the compute took, if less than all of them (a run's
    /// pre-training, say); the implied MFU uses it.
    pub compute_hours: Option<f64>,
    /// Accelerators in the cluster, if known.
    pub accelerators: Option<f64>,
    pub peak_tflops: f64,
    pub mfu: f64,
    pub goodput: f64,
    pub tdp_w: f64,
    pub server_power_multiplier: f64,
    pub avg_power_fraction: f64,
    pub pue: f64,
    pub tariff_usd_per_kwh: f64,
    pub grid_kgco2_per_kwh: f64,
    pub accelerator_price_usd: f64,
    pub server_capex_fraction: f64,
    pub network_capex_fraction: f64,
    pub hardware_life_years: f64,
    pub cost_of_capital: f64,
    pub maintenance_fraction_per_year: f64,
    pub facility_capex_usd_per_mw: f64,
    pub facility_life_years: f64,
    pub rental_usd_per_hour: Option<f64>,
}

/// The lines of the ownership ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Accelerators,
    ServersAndNetwork,
    Facility,
    Electricity,
    Maintenance,
}

impl Item {
    pub const ALL: [Item; 5] =
        [Item::Accelerators, Item::ServersAndNetwork, Item::Facility, Item::Electricity, Item::Maintenance];

    pub fn name(self) -> &'static str {
        match self {
            Item::Accelerators => "accelerator amortization",
            Item::ServersAndNetwork => "server and network amortization",
            Item::Facility => "facility amortization",
            Item::Electricity => "electricity",
            Item::Maintenance => "maintenance",
        }
    }
}

/// What the run costs and draws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outputs {
    pub compute_flop: Option<f64>,
    pub accelerator_hours: f64,
    /// The MFU that compute and hours imply, when both are known.
    pub implied_mfu: Option<f64>,
    /// The MFU the hours were derived from, or the implied one.
    pub mfu: Option<f64>,
    pub wall_days: Option<f64>,
    /// Average IT power per accelerator (accelerator, host and network share).
    pub it_kw_per_accelerator: f64,
    /// Peak IT power per accelerator, which sizes the facility.
    pub peak_it_kw_per_accelerator: f64,
    pub energy_mwh: f64,
    pub emissions_tco2e: f64,
    /// USD by [`Item`], in the order of [`Item::ALL`].
    pub ledger_usd: [f64; 5],
    pub total_usd: f64,
    pub usd_per_accelerator_hour: f64,
    pub rental_usd: Option<f64>,
}

impl Outputs {
    pub fn usd(&self, item: Item) -> f64 {
        self.ledger_usd[item as usize]
    }
    pub fn share(&self, item: Item) -> f64 {
        self.usd(item) / self.total_usd
    }
    /// The line that costs most.
    pub fn largest(&self) -> Item {
        Item::ALL
            .into_iter()
            .max_by(|a, b| self.usd(*a).total_cmp(&self.usd(*b)))
            .unwrap_or(Item::Accelerators)
    }
}

/// What one accelerator costs to install: itself, its share of servers and network, and the
/// facility (building and power plant) for its peak draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Capex {
    pub accelerator_usd: f64,
    pub servers_and_network_usd: f64,
    pub facility_usd: f64,
}

impl Capex {
    /// Accelerator, servers and network: what the hardware life and maintenance apply to.
    pub fn hardware_usd(&self) -> f64 {
        self.accelerator_usd + self.servers_and_network_usd
    }
    pub fn total_usd(&self) -> f64 {
        self.hardware_usd() + self.facility_usd
    }
}

/// What the whole cluster costs to install (accelerators, servers, network and facility), when
/// its size is known: the money a run's owner lays out before it starts.
pub fn upfront_capex_usd(x: &Inputs) -> Option<f64> {
    x.accelerators.map(|n| capex(x).total_usd() * n)
}

/// Peak IT power of one accelerator in its server, in kW.
pub fn peak_it_kw(x: &Inputs) -> f64 {
    x.tdp_w * x.server_power_multiplier / W_PER_KW
}

/// The capital cost of installing one accelerator of `x`.
pub fn capex(x: &Inputs) -> Capex {
    let server_usd = x.accelerator_price_usd * x.server_capex_fraction;
    // The network fraction is of all hardware (accelerators, servers and network).
    let network_usd =
        (x.accelerator_price_usd + server_usd) * x.network_capex_fraction / (1.0 - x.network_capex_fraction);
    let peak_it_kw = peak_it_kw(x);
    Capex {
        accelerator_usd: x.accelerator_price_usd,
        servers_and_network_usd: server_usd + network_usd,
        facility_usd: x.facility_capex_usd_per_mw * peak_it_kw / KW_PER_MW,
    }
}

/// The whole ledger. Callers guarantee that `accelerator_hours` or `compute_flop` is
/// present and that every number is finite and in range ([`bind`] checks this).
pub fn evaluate(x: &Inputs) -> Outputs {
    let peak_flops = x.peak_tflops * FLOPS_PER_TFLOPS;
    let accelerator_hours = match (x.accelerator_hours, x.compute_flop) {
        (Some(h), _) => h,
        (None, Some(c)) => c / (peak_flops * x.mfu * x.goodput) / SECONDS_PER_HOUR,
        (None, None) => 0.0,
    };
    let implied_mfu = match (x.compute_hours.or(x.accelerator_hours), x.compute_flop) {
        (Some(h), Some(c)) => Some(c / (h * SECONDS_PER_HOUR * peak_flops * x.goodput)),
        _ => None,
    };
    let mfu = implied_mfu.or(x.compute_flop.map(|_| x.mfu));
    let wall_days = x.accelerators.map(|n| accelerator_hours / n / HOURS_PER_DAY);

    let peak_it_kw = peak_it_kw(x);
    let it_kw = peak_it_kw * x.avg_power_fraction;
    let energy_kwh = accelerator_hours * it_kw * x.pue;

    let years = accelerator_hours / HOURS_PER_YEAR;
    let hw_crf = crf(x.cost_of_capital, x.hardware_life_years);
    let capex = capex(x);
    let hardware_usd = capex.hardware_usd();

    let ledger_usd = [
        x.accelerator_price_usd * hw_crf * years,
        capex.servers_and_network_usd * hw_crf * years,
        capex.facility_usd * crf(x.cost_of_capital, x.facility_life_years) * years,
        energy_kwh * x.tariff_usd_per_kwh,
        hardware_usd * x.maintenance_fraction_per_year * years,
    ];
    let total_usd = ledger_usd.iter().sum::<f64>();
    Outputs {
        compute_flop: x.compute_flop,
        accelerator_hours,
        implied_mfu,
        mfu,
        wall_days,
        it_kw_per_accelerator: it_kw,
        peak_it_kw_per_accelerator: peak_it_kw,
        energy_mwh: energy_kwh / KWH_PER_MWH,
        emissions_tco2e: energy_kwh * x.grid_kgco2_per_kwh / KG_PER_TONNE,
        ledger_usd,
        total_usd,
        usd_per_accelerator_hour: total_usd / accelerator_hours,
        rental_usd: x.rental_usd_per_hour.map(|p| p * accelerator_hours),
    }
}

/// What accounts for the difference between two ledgers of one run (two methods, say): each
/// input of `a` changed in turn to its value in `b`, in the order of [`Inputs`], with the change
/// in `total` each step makes. The steps sum to `total(b) − total(a)` exactly; an input the two
/// share takes no step. The order matters where inputs interact (a price and a life): each
/// step is counted with the inputs before it already at `b`'s values.
pub fn bridge(a: &Inputs, b: &Inputs, total: impl Fn(&Outputs) -> f64) -> Vec<(&'static str, f64)> {
    let mut x = *a;
    let mut last = total(&evaluate(&x));
    let mut steps = Vec::new();
    macro_rules! step {
        ($($f:ident),*) => {
            // Every field, or this does not compile: a field left out would break the sum.
            let Inputs { $($f: _),* } = *b;
            $(
                if x.$f != b.$f {
                    x.$f = b.$f;
                    let t = total(&evaluate(&x));
                    steps.push((stringify!($f), t - last));
                    last = t;
                }
            )*
        };
    }
    step!(
        compute_flop,
        accelerator_hours,
        compute_hours,
        accelerators,
        peak_tflops,
        mfu,
        goodput,
        tdp_w,
        server_power_multiplier,
        avg_power_fraction,
        pue,
        tariff_usd_per_kwh,
        grid_kgco2_per_kwh,
        accelerator_price_usd,
        server_capex_fraction,
        network_capex_fraction,
        hardware_life_years,
        cost_of_capital,
        maintenance_fraction_per_year,
        facility_capex_usd_per_mw,
        facility_life_years,
        rental_usd_per_hour
    );
    debug_assert!((last - total(&evaluate(b))).abs() <= 1e-6 * last.abs().max(1.0));
    steps
}

/// Whether [`check`] accepts `out`, without saying why not: the test of the sampling loop.
#[inline]
pub fn accepts(out: &Outputs) -> bool {
    let finite = |v: Option<f64>| v.is_none_or(f64::is_finite);
    finite(out.compute_flop)
        && finite(out.implied_mfu)
        && finite(out.wall_days)
        && finite(out.rental_usd)
        && out.accelerator_hours.is_finite()
        && out.energy_mwh.is_finite()
        && out.emissions_tco2e.is_finite()
        && out.total_usd.is_finite()
        && out.usd_per_accelerator_hour.is_finite()
        && out.ledger_usd.iter().all(|v| v.is_finite())
        && out.total_usd > 0.0
        && out.accelerator_hours > 0.0
        && out.implied_mfu.is_none_or(|m| m <= 1.0)
}

/// Refuses results that no one should be shown: any figure that is not finite, a cost that
/// is not positive, or more FLOP than the hardware can do (an implied MFU above 1).
pub fn check(out: &Outputs) -> Result<(), crate::diag::Diagnostic> {
    use crate::diag::Diagnostic;
    let figures = [
        ("compute_flop", out.compute_flop),
        ("accelerator_hours", Some(out.accelerator_hours)),
        ("implied_mfu", out.implied_mfu),
        ("wall_days", out.wall_days),
        ("energy_mwh", Some(out.energy_mwh)),
        ("emissions_tco2e", Some(out.emissions_tco2e)),
        ("total_usd", Some(out.total_usd)),
        ("usd_per_accelerator_hour", Some(out.usd_per_accelerator_hour)),
        ("rental_usd", out.rental_usd),
    ];
    let lines = Item::ALL.iter().map(|i| (i.name(), Some(out.usd(*i))));
    for (name, v) in figures.into_iter().chain(lines) {
        if v.is_some_and(|v| !v.is_finite()) {
            return Err(Diagnostic::new(format!("the inputs give {name} that is not a finite number"))
                .expected("inputs that give finite results")
                .hint("look for extreme values given by flag, --set or the scenario"));
        }
    }
    if out.total_usd <= 0.0 || out.accelerator_hours <= 0.0 {
        return Err(Diagnostic::new("the inputs give a run with no hours or no cost")
            .expected("positive compute, hours and prices"));
    }
    if let Some(m) = out.implied_mfu.filter(|m| *m > 1.0) {
        return Err(Diagnostic::new(format!(
            "the compute and hours imply an MFU of {m:.2}, above 1: more FLOP than the hardware can do"
        ))
        .expected("more accelerator-hours, less compute, or a higher peak"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
