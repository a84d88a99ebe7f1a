//! The capacity ledger (DESIGN.md §5): from a fleet of scanners to wafer starts, good dies,
//! accelerators a year, the training compute they add and the power they draw; and the
//! mature-node wafers the same scanners would have made instead.
//!
//! Each scanner class a node uses can carry so many wafer starts a month (its scanners,
//! the share of them given to the node, over the fab ledger's scanners per 10,000 wafer
//! starts a month). The least of those sets the wafer starts; HBM stacks and packaging
//! wafers can cap the accelerators further. Classes the fleet does not name are taken as
//! not limiting.

mod bind;
mod explain;
#[cfg(test)]
mod tests;

pub use bind::{FLEET_KEYS, FleetBound, FleetRequest, bind, parse_counts};
pub use explain::explain;

use crate::chip::{self, ChipInputs, ChipOutputs};
use crate::fab::{self, ToolClass, WAFERS_PER_MONTH_BASIS, WaferInputs};
use crate::units::{
    FLOPS_PER_TFLOPS, HOURS_PER_DAY, HOURS_PER_YEAR, KW_PER_MW, KWH_PER_TWH, MONTHS_PER_YEAR, MW_PER_GW,
    SECONDS_PER_HOUR, W_PER_KW,
};

/// Scanners of one model in the fleet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScannerGroup {
    pub class: ToolClass,
    pub count: f64,
    /// Share of these scanners given to the node (the rest make other things).
    pub share: f64,
    pub wph: f64,
    pub effective_fraction: f64,
    pub availability: f64,
}

/// Everything the capacity ledger needs, as plain numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetInputs {
    /// The accelerator, its compute dies on the fleet's node.
    pub chip: ChipInputs,
    /// The mature node's wafer, for the output the scanners give up.
    pub mature: WaferInputs,
    pub scanners: Vec<ScannerGroup>,
    /// HBM stacks a month the fleet can draw on; `None` if not limiting.
    pub hbm_stacks_per_month: Option<f64>,
    /// Advanced-packaging (interposer) wafers a month; `None` if not limiting.
    pub packaging_wafers_per_month: Option<f64>,
    pub mfu: f64,
    /// Share of a run's time spent training (not lost to failures and restarts).
    pub goodput: f64,
    pub run_days: f64,
    pub server_power_multiplier: f64,
    pub avg_power_fraction: f64,
    pub pue: f64,
    pub tariff_usd_per_kwh: f64,
}

/// What sets a fleet's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bottleneck {
    Scanners(ToolClass),
    Hbm,
    Packaging,
}

impl Bottleneck {
    pub fn name(self) -> String {
        match self {
            Bottleneck::Scanners(c) => format!("{} scanners", c.name()),
            Bottleneck::Hbm => "HBM".into(),
            Bottleneck::Packaging => "packaging".into(),
        }
    }
}

/// What a fleet makes in a year, and what it draws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FleetOutputs {
    pub chip: ChipOutputs,
    /// Wafer starts a month each named class can carry on the node.
    pub class_capacity: [Option<f64>; 6],
    /// Wafer starts a month the scanners can carry (the least of the classes).
    pub scanner_wafers_per_month: f64,
    /// Wafer starts a month the output needs (no more than the scanners carry).
    pub wafer_starts_per_month: f64,
    pub bottleneck: Bottleneck,
    /// Share of the scanners' capacity the output uses.
    pub scanner_utilization: f64,
    pub good_dies_per_month: f64,
    /// Packages a month that each resource allows (before packaging yield).
    pub packages_by_dies: f64,
    pub packages_by_hbm: Option<f64>,
    pub packages_by_packaging: Option<f64>,
    pub accelerators_per_year: f64,
    /// Dense BF16 FLOP/s that a year's accelerators add.
    pub bf16_flops_added_per_year: f64,
    /// FLOP of the largest run a year's accelerators could train in `run_days` at the MFU and
    /// goodput.
    pub largest_run_flop: f64,
    pub it_power_gw: f64,
    pub facility_power_gw: f64,
    /// A year of running a year's output at its average draw.
    pub energy_twh_per_year: f64,
    pub electricity_usd_per_year: f64,
    /// Mature-node wafer starts a month the whole fleet (its shares) would carry instead.
    pub mature_capacity_per_month: f64,
    /// Mature-node wafer starts a month the scanners the output keeps busy would carry
    /// instead (class by class, the busy share of each; the scarcest class sets it).
    pub forgone_mature_wafers_per_month: f64,
}

/// Wafer starts a month one scanner group carries on `wafer`'s node, if the node uses its class.
pub fn group_capacity(wafer: &WaferInputs, g: &ScannerGroup) -> Option<f64> {
    // Scanner time does not depend on the die: skip the exact die count.
    let mut w = WaferInputs { count: fab::Count::Analytic, ..*wafer };
    let c = &mut w.classes[g.class as usize];
    if c.exposures <= 0.0 {
        return None;
    }
    c.wph = g.wph;
    c.effective_fraction = g.effective_fraction;
    c.availability = g.availability;
    let per_10k = fab::evaluate(&w).class(g.class).scanners_per_10k_wafers_month;
    Some(g.count * g.share * WAFERS_PER_MONTH_BASIS / per_10k)
}

/// Wafer starts a month each class of the fleet carries on `wafer`'s node.
pub fn class_capacity(wafer: &WaferInputs, groups: &[ScannerGroup]) -> [Option<f64>; 6] {
    let mut cap = [None; 6];
    for g in groups {
        if let Some(w) = group_capacity(wafer, g) {
            let c = &mut cap[g.class as usize];
            *c = Some(c.unwrap_or(0.0) + w);
        }
    }
    cap
}

/// Working accelerators one wafer start of compute dies gives (before any HBM or packaging cap).
pub fn accelerators_per_wafer(chip: &ChipInputs, out: &ChipOutputs) -> f64 {
    out.compute_die.good_dies / chip.compute.count * chip.package_yield()
}

/// The least capacity and its class; `None` if the fleet names no class the node uses.
fn least(cap: &[Option<f64>; 6]) -> Option<(f64, ToolClass)> {
    ToolClass::ALL.iter().filter_map(|c| cap[*c as usize].map(|w| (w, *c))).min_by(|a, b| a.0.total_cmp(&b.0))
}

pub fn evaluate(x: &FleetInputs) -> FleetOutputs {
    let chip = chip::evaluate(&x.chip);
    let node_capacity = class_capacity(&x.chip.compute.wafer, &x.scanners);
    let (scanner_wafers, class) = least(&node_capacity).unwrap_or((0.0, ToolClass::Arfi));
    let good_per_wafer = chip.compute_die.good_dies;
    let packages_by_dies = scanner_wafers * good_per_wafer / x.chip.compute.count;
    let packages_by_hbm =
        x.hbm_stacks_per_month.filter(|_| x.chip.hbm_stacks > 0.0).map(|h| h / x.chip.hbm_stacks);
    let packages_by_packaging = x
        .packaging_wafers_per_month
        .filter(|_| chip.interposers_per_wafer > 0.0)
        .map(|p| p * chip.interposers_per_wafer * chip.interposer_yield / x.chip.interposer_count);
    let mut packages = packages_by_dies;
    let mut bottleneck = Bottleneck::Scanners(class);
    for (cap, b) in [(packages_by_hbm, Bottleneck::Hbm), (packages_by_packaging, Bottleneck::Packaging)] {
        if let Some(c) = cap.filter(|c| *c < packages) {
            packages = c;
            bottleneck = b;
        }
    }
    let wafer_starts = packages * x.chip.compute.count / good_per_wafer;
    let package_yield = x.chip.package_yield();
    let accelerators_per_year = packages * package_yield * MONTHS_PER_YEAR;
    let flops = accelerators_per_year * x.chip.bf16_tflops * FLOPS_PER_TFLOPS;
    let peak_it_kw = x.chip.tdp_w * x.server_power_multiplier / W_PER_KW;
    let it_power_gw = accelerators_per_year * peak_it_kw / KW_PER_MW / MW_PER_GW;
    let energy_kwh = accelerators_per_year * peak_it_kw * x.avg_power_fraction * x.pue * HOURS_PER_YEAR;
    let utilization = if scanner_wafers > 0.0 { wafer_starts / scanner_wafers } else { 0.0 };
    // The scanners the output keeps busy would otherwise make mature wafers; idle ones could
    // anyway.
    let mature_by_class = class_capacity(&x.mature, &x.scanners);
    let mature_capacity = least(&mature_by_class).map_or(0.0, |(w, _)| w);
    // Each class keeps busy the share of its scanners the output needs; those busy scanners
    // would carry so many mature wafers, and the scarcest class sets how many.
    let forgone = ToolClass::ALL
        .iter()
        .filter_map(|c| {
            let (m, cap) = (mature_by_class[*c as usize]?, node_capacity[*c as usize]?);
            Some(if cap > 0.0 { m * wafer_starts / cap } else { 0.0 })
        })
        .min_by(f64::total_cmp)
        .unwrap_or(0.0);
    FleetOutputs {
        chip,
        class_capacity: node_capacity,
        scanner_wafers_per_month: scanner_wafers,
        wafer_starts_per_month: wafer_starts,
        bottleneck,
        scanner_utilization: utilization,
        good_dies_per_month: wafer_starts * good_per_wafer,
        packages_by_dies,
        packages_by_hbm,
        packages_by_packaging,
        accelerators_per_year,
        bf16_flops_added_per_year: flops,
        largest_run_flop: flops * x.mfu * x.goodput * x.run_days * HOURS_PER_DAY * SECONDS_PER_HOUR,
        it_power_gw,
        facility_power_gw: it_power_gw * x.pue,
        energy_twh_per_year: energy_kwh / KWH_PER_TWH,
        electricity_usd_per_year: energy_kwh * x.tariff_usd_per_kwh,
        mature_capacity_per_month: mature_capacity,
        forgone_mature_wafers_per_month: forgone,
    }
}

/// Refuses results no one should be shown.
pub fn check(out: &FleetOutputs) -> Result<(), crate::diag::Diagnostic> {
    chip::check(&out.chip)?;
    let figures = [
        ("wafer starts per month", out.wafer_starts_per_month),
        ("accelerators per year", out.accelerators_per_year),
        ("FLOP/s added per year", out.bf16_flops_added_per_year),
        ("largest run", out.largest_run_flop),
        ("electricity per year", out.electricity_usd_per_year),
        ("forgone mature wafers", out.forgone_mature_wafers_per_month),
    ];
    for (name, v) in figures {
        if !v.is_finite() || v < 0.0 {
            return Err(crate::diag::Diagnostic::new(format!("the inputs give no finite {name}"))
                .expected("a fleet whose scanners, yields and caps are positive"));
        }
    }
    Ok(())
}
