//! The capacity ledger (DESIGN.md §5): from a fleet of scanners to wafer starts, good dies,
//! accelerators a year, the training compute they add and the power they draw; and the
//! mature-node wafers the same scanners would have made instead.
//!
//! Each scanner class a node uses can carry so many wafer starts a month: its scanners'
//! productive hours over the scanner time of the node's layers, with layers that need tight
//! overlay held to the scanners that give it. The least of those, or the wafer starts given
//! to the accelerators, sets the compute dies, with dies from a bank made abroad before the
//! controls drawn beside them; HBM (a stock drawn down and shared, and a domestic flow under its
//! ceiling) and packaging wafers can cap the accelerators further. The output is a mix of
//! accelerators sharing one compute die. Classes the fleet does not name are taken as not
//! limiting.

mod bind;
mod explain;
mod sample;
#[cfg(test)]
mod tests;

pub use bind::{FLEET_KEYS, FleetBound, FleetPlan, FleetRequest, bind, parse_counts, plan};
pub use explain::explain;
pub use sample::{figures, model};

use crate::chip::{self, ChipInputs, ChipOutputs};
use crate::fab::{self, ToolClass, WaferInputs};
use crate::units::{
    FLOPS_PER_TFLOPS, HOURS_PER_DAY, HOURS_PER_MONTH, HOURS_PER_YEAR, KW_PER_MW, KWH_PER_TWH,
    MONTHS_PER_YEAR, MW_PER_GW, SECONDS_PER_HOUR, W_PER_KW,
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
    /// Matched-machine overlay, if known: it cannot print layers whose scheme needs less.
    pub overlay_nm: Option<f64>,
}

/// What one layer group of the node asks of its scanner class, per wafer start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerDemand {
    pub class: ToolClass,
    /// The overlay its scheme needs, if tight.
    pub overlay_budget_nm: Option<f64>,
    /// Scanner time per wafer, in exposures at the scanner's effective throughput.
    pub exposure_time: f64,
}

/// An accelerator of the fleet's output and its share of the packages made.
#[derive(Clone, Debug, PartialEq)]
pub struct MixItem {
    pub chip: ChipInputs,
    pub share: f64,
}

/// HBM as a stock and a flow: stacks bought before the controls, drawn down over a stated
/// period and shared with other makers' accelerators, and a domestic flow under its ceiling.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Memory {
    pub stock_stacks: f64,
    pub drawdown_months: f64,
    /// Share of the stock that goes to the fleet's accelerators.
    pub stock_share: f64,
    pub domestic_stacks_per_month: f64,
    /// The most the domestic lines can give: DRAM wafers for HBM × good stacks per wafer.
    pub domestic_ceiling_stacks_per_month: f64,
}

impl Memory {
    /// Stacks a month the fleet's accelerators can draw on.
    pub fn stacks_per_month(&self) -> f64 {
        self.stock_stacks * self.stock_share / self.drawdown_months
            + self.domestic_stacks_per_month.min(self.domestic_ceiling_stacks_per_month)
    }
}

/// How much HBM the fleet can draw on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hbm {
    /// Stacks a month, as given.
    Flow(f64),
    /// A stock and a flow (the report's).
    Stock(Memory),
}

impl Hbm {
    pub fn stacks_per_month(&self) -> f64 {
        match self {
            Hbm::Flow(f) => *f,
            Hbm::Stock(m) => m.stacks_per_month(),
        }
    }
}

/// Compute dies made abroad before the rules took effect, drawn at a steady rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DieBank {
    pub dies: f64,
    pub drawdown_months: f64,
}

/// How a fleet's scanners become wafer starts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Capacity {
    /// The ledger's own: each class's productive scanner-hours over the scanner time of the
    /// node's layers, with tight-overlay layers held to the scanners that give it.
    Exposures,
    /// A fixed number of wafer starts a month per scanner of a class the node uses, at any node
    /// (a peer's rule of thumb); with a fixed number of good accelerators per wafer, if given.
    PerScanner { wafers_per_month: f64, chips_per_wafer: Option<f64> },
    /// Rated throughput: scanners × rated wafers an hour × hours a month × utilisation ÷ the
    /// node's exposures on the class (a peer's rule, with no overhead, availability or overlay).
    Rated { utilization: f64 },
}

/// Everything the capacity ledger needs, as plain numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetInputs {
    /// The accelerators made, with their shares of the packages; all share one compute die on
    /// the fleet's node. The first is the fleet's main design.
    pub mix: Vec<MixItem>,
    /// What the node's layer groups ask of the scanners, per wafer start.
    pub demand: Vec<LayerDemand>,
    /// The mature node's wafer and its demand, for the output the scanners give up.
    pub mature: WaferInputs,
    pub mature_demand: Vec<LayerDemand>,
    pub scanners: Vec<ScannerGroup>,
    /// Wafer starts a month given to the accelerators' dies; `None` if the scanners set them.
    pub wafer_starts_per_month: Option<f64>,
    pub die_bank: Option<DieBank>,
    /// HBM the fleet can draw on; `None` if not limiting.
    pub hbm: Option<Hbm>,
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
    /// How the scanners become wafer starts.
    pub capacity: Capacity,
}

impl FleetInputs {
    /// The main design.
    pub fn chip(&self) -> &ChipInputs {
        &self.mix[0].chip
    }
}

/// What sets a fleet's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bottleneck {
    Scanners(ToolClass),
    /// The wafer starts given to the accelerators.
    WaferStarts,
    Hbm,
    Packaging,
}

impl Bottleneck {
    pub fn name(self) -> String {
        match self {
            Bottleneck::Scanners(c) => format!("{} scanners", c.name()),
            Bottleneck::WaferStarts => "wafer starts".into(),
            Bottleneck::Hbm => "HBM".into(),
            Bottleneck::Packaging => "packaging".into(),
        }
    }
}

/// What a fleet makes in a year, and what it draws.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetOutputs {
    /// The main design's chip ledger.
    pub chip: ChipOutputs,
    /// Wafer starts a month each named class can carry on the node.
    pub class_capacity: [Option<f64>; 6],
    /// Wafer starts a month the scanners can carry (the least of the classes).
    pub scanner_wafers_per_month: f64,
    /// Wafer starts a month the output needs.
    pub wafer_starts_per_month: f64,
    pub bottleneck: Bottleneck,
    /// Share of the scanners' capacity the output uses.
    pub scanner_utilization: f64,
    pub good_dies_per_month: f64,
    /// Dies drawn from the bank made abroad, a month.
    pub bank_dies_per_month: f64,
    /// Compute dies, HBM stacks and packaging wafers a package of the mix takes, on average.
    pub dies_per_package: f64,
    pub stacks_per_package: f64,
    pub packaging_wafers_per_package: f64,
    /// HBM stacks a month the fleet can draw on, if limited.
    pub hbm_stacks_per_month: Option<f64>,
    /// Packages a month that each resource allows (before packaging yield).
    pub packages_by_dies: f64,
    pub packages_by_hbm: Option<f64>,
    pub packages_by_packaging: Option<f64>,
    /// Working accelerators a year, by item of the mix.
    pub accelerators_by_item: Vec<f64>,
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

/// Wafer starts a month one scanner group carries on `wafer`'s node, if the node uses its
/// class and the group could print every layer of it.
pub fn group_capacity(wafer: &WaferInputs, g: &ScannerGroup) -> Option<f64> {
    let c = wafer.class(g.class);
    (c.exposures > 0.0).then(|| exposure_capacity(wafer, g) / (c.exposures + c.exposure_overhead))
}

/// Exposures at full speed a month a scanner group gives the node: its share of the scanners'
/// productive hours at their effective throughput.
pub fn exposure_capacity(wafer: &WaferInputs, g: &ScannerGroup) -> f64 {
    g.count
        * g.share
        * g.wph
        * g.effective_fraction
        * g.availability
        * wafer.tool_utilization
        * HOURS_PER_MONTH
}

/// The layer groups of `layers` as demand on the scanners.
pub fn demand(layers: &[fab::LayerGroup]) -> Vec<LayerDemand> {
    layers
        .iter()
        .map(|l| LayerDemand {
            class: l.class,
            overlay_budget_nm: l.overlay_budget_nm,
            exposure_time: l.exposure_time,
        })
        .collect()
}

/// Whether a scanner of overlay `overlay` may print a layer that needs `budget`: an unknown
/// overlay or an undemanding layer allows it.
pub(crate) fn prints(overlay: Option<f64>, budget: Option<f64>) -> bool {
    match (overlay, budget) {
        (Some(o), Some(b)) => o <= b,
        _ => true,
    }
}

/// Wafer starts a month each class of the fleet carries on a node, given what its layers ask.
/// A layer that needs tight overlay can only go to scanners that give it, and the scanners
/// able to print a tighter layer can print every looser one (the sets are nested), so the
/// most wafer starts a class carries is the least, over each overlay level a layer needs
/// (and over all its layers), of the exposure capacity of the scanners able to print at that
/// level over the scanner time of the layers that need it. A class the fleet names none of is
/// not limiting (`None`); one whose scanners cannot print its tightest layers carries 0.
pub fn class_capacity(
    wafer: &WaferInputs,
    demand: &[LayerDemand],
    groups: &[ScannerGroup],
) -> [Option<f64>; 6] {
    let mut cap = [None; 6];
    for class in ToolClass::ALL {
        let layers: Vec<&LayerDemand> =
            demand.iter().filter(|d| d.class == class && d.exposure_time > 0.0).collect();
        let scanners: Vec<&ScannerGroup> = groups.iter().filter(|g| g.class == class).collect();
        if layers.is_empty() || scanners.is_empty() {
            continue;
        }
        let level = |budget: Option<f64>| {
            let need: f64 =
                layers.iter().filter(|l| le(l.overlay_budget_nm, budget)).map(|l| l.exposure_time).sum();
            let give: f64 = scanners
                .iter()
                .filter(|g| prints(g.overlay_nm, budget))
                .map(|g| exposure_capacity(wafer, g))
                .sum();
            give / need
        };
        let w = layers
            .iter()
            .map(|l| l.overlay_budget_nm)
            .chain(std::iter::once(None))
            .map(level)
            .fold(f64::INFINITY, f64::min);
        cap[class as usize] = Some(w);
    }
    cap
}

/// Wafer starts a month each class of the fleet carries on a node under a peer's rule: for a
/// class the node uses and the fleet names, its scanners (their shares) times what `one` scanner
/// of a group carries, given the node's exposures on the class.
pub fn rule_capacity(
    wafer: &WaferInputs,
    groups: &[ScannerGroup],
    one: impl Fn(&ScannerGroup, f64) -> f64,
) -> [Option<f64>; 6] {
    let mut cap = [None; 6];
    for class in ToolClass::ALL {
        let exposures = wafer.class(class).exposures;
        let scanners: Vec<&ScannerGroup> = groups.iter().filter(|g| g.class == class).collect();
        if exposures <= 0.0 || scanners.is_empty() {
            continue;
        }
        cap[class as usize] = Some(scanners.iter().map(|g| g.count * g.share * one(g, exposures)).sum());
    }
    cap
}

/// Whether a layer's overlay need is at least as tight as `level` (`None`: no need, the
/// loosest level).
fn le(need: Option<f64>, level: Option<f64>) -> bool {
    match (need, level) {
        (_, None) => true,
        (Some(n), Some(l)) => n <= l,
        (None, Some(_)) => false,
    }
}

/// Working accelerators one wafer start of compute dies gives (before any HBM or packaging cap).
pub fn accelerators_per_wafer(chip: &ChipInputs, out: &ChipOutputs) -> f64 {
    out.compute_die.good_dies / chip.compute.count * chip.package_yield()
}

/// Packaging wafers one package takes: its interposers over the good interposers a wafer gives
/// (0 for a package without a silicon interposer).
pub fn packaging_wafers_per_package(chip: &ChipInputs, out: &ChipOutputs) -> f64 {
    if out.interposers_per_wafer > 0.0 && out.interposer_yield > 0.0 {
        chip.interposer_count / (out.interposers_per_wafer * out.interposer_yield)
    } else {
        0.0
    }
}

/// The least capacity and its class; `None` if the fleet names no class the node uses.
fn least(cap: &[Option<f64>; 6]) -> Option<(f64, ToolClass)> {
    ToolClass::ALL.iter().filter_map(|c| cap[*c as usize].map(|w| (w, *c))).min_by(|a, b| a.0.total_cmp(&b.0))
}

pub fn evaluate(x: &FleetInputs) -> FleetOutputs {
    let chips: Vec<ChipOutputs> = x.mix.iter().map(|m| chip::evaluate(&m.chip)).collect();
    let total_share: f64 = x.mix.iter().map(|m| m.share).sum();
    let share = |i: usize| x.mix[i].share / total_share;
    let per_package = |f: &dyn Fn(usize) -> f64| (0..x.mix.len()).map(|i| share(i) * f(i)).sum::<f64>();
    let dies_per_package = per_package(&|i| x.mix[i].chip.compute.count);
    let stacks_per_package = per_package(&|i| x.mix[i].chip.hbm_stacks);
    let packaging_wafers_per_package =
        per_package(&|i| packaging_wafers_per_package(&x.mix[i].chip, &chips[i]));

    let wafer = &x.chip().compute.wafer;
    let node_capacity = match x.capacity {
        Capacity::Exposures => class_capacity(wafer, &x.demand, &x.scanners),
        Capacity::PerScanner { wafers_per_month, .. } => {
            rule_capacity(wafer, &x.scanners, |_, _| wafers_per_month)
        }
        Capacity::Rated { utilization } => rule_capacity(wafer, &x.scanners, |g, exposures| {
            g.wph * HOURS_PER_MONTH * utilization / exposures
        }),
    };
    let (scanner_wafers, class) = least(&node_capacity).unwrap_or((0.0, ToolClass::Arfi));
    let (wafers_cap, wafer_bottleneck) = match x.wafer_starts_per_month {
        Some(w) if w < scanner_wafers => (w, Bottleneck::WaferStarts),
        _ => (scanner_wafers, Bottleneck::Scanners(class)),
    };
    // A peer's fixed working accelerators per wafer stand for the dies a wafer gives: as many
    // packages' dies as give that many working accelerators after packaging.
    let good_per_wafer = match x.capacity {
        Capacity::PerScanner { chips_per_wafer: Some(c), .. } => {
            c * dies_per_package / per_package(&|i| x.mix[i].chip.package_yield())
        }
        _ => chips[0].compute_die.good_dies,
    };
    let bank = x.die_bank.map_or(0.0, |b| b.dies / b.drawdown_months);
    let packages_by_dies = (wafers_cap * good_per_wafer + bank) / dies_per_package;
    let hbm_stacks_per_month = x.hbm.map(|h| h.stacks_per_month());
    let packages_by_hbm =
        hbm_stacks_per_month.filter(|_| stacks_per_package > 0.0).map(|h| h / stacks_per_package);
    let packages_by_packaging = x
        .packaging_wafers_per_month
        .filter(|_| packaging_wafers_per_package > 0.0)
        .map(|p| p / packaging_wafers_per_package);
    let mut packages = packages_by_dies;
    let mut bottleneck = wafer_bottleneck;
    for (cap, b) in [(packages_by_hbm, Bottleneck::Hbm), (packages_by_packaging, Bottleneck::Packaging)] {
        if let Some(c) = cap.filter(|c| *c < packages) {
            packages = c;
            bottleneck = b;
        }
    }
    // The bank's dies and the node's wafers are drawn side by side, each in proportion to what
    // it can give: whatever binds, both sources run at the same share of their rate.
    let dies_needed = packages * dies_per_package;
    let dies_supply = wafers_cap * good_per_wafer + bank;
    let drawn = if dies_supply > 0.0 { (dies_needed / dies_supply).min(1.0) } else { 0.0 };
    let bank_dies = bank * drawn;
    let wafer_starts = wafers_cap * drawn;

    let accelerators_by_item: Vec<f64> = (0..x.mix.len())
        .map(|i| packages * share(i) * x.mix[i].chip.package_yield() * MONTHS_PER_YEAR)
        .collect();
    let accelerators_per_year: f64 = accelerators_by_item.iter().sum();
    let sum = |f: &dyn Fn(&ChipInputs) -> f64| -> f64 {
        x.mix.iter().zip(&accelerators_by_item).map(|(m, n)| n * f(&m.chip)).sum()
    };
    let flops = sum(&|c| c.bf16_tflops * FLOPS_PER_TFLOPS);
    let it_kw = sum(&|c| c.tdp_w * x.server_power_multiplier / W_PER_KW);
    let it_power_gw = it_kw / KW_PER_MW / MW_PER_GW;
    let energy_kwh = it_kw * x.avg_power_fraction * x.pue * HOURS_PER_YEAR;
    let utilization = if scanner_wafers > 0.0 { wafer_starts / scanner_wafers } else { 0.0 };
    // The scanners the output keeps busy would otherwise make mature wafers; idle ones could
    // anyway.
    let mature_by_class = class_capacity(&x.mature, &x.mature_demand, &x.scanners);
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
        chip: chips[0],
        class_capacity: node_capacity,
        scanner_wafers_per_month: scanner_wafers,
        wafer_starts_per_month: wafer_starts,
        bottleneck,
        scanner_utilization: utilization,
        good_dies_per_month: wafer_starts * good_per_wafer,
        bank_dies_per_month: bank_dies,
        dies_per_package,
        stacks_per_package,
        packaging_wafers_per_package,
        hbm_stacks_per_month,
        packages_by_dies,
        packages_by_hbm,
        packages_by_packaging,
        accelerators_by_item,
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

/// What accounts for the difference between two fleets' answers (two methods, say): `a`
/// changed step by step into `b`, with the change in `total` each step makes: the capacity
/// rule's wafer starts, then its fixed accelerators per wafer, then the accelerators' own
/// inputs (how their dies are counted, say), then everything else. The steps sum to
/// `total(b) − total(a)`; a step that changes nothing is left out.
pub fn bridge(
    a: &FleetInputs,
    b: &FleetInputs,
    total: impl Fn(&FleetOutputs) -> f64,
) -> Vec<(&'static str, f64)> {
    let mut x = a.clone();
    let mut last = total(&evaluate(&x));
    let mut steps = Vec::new();
    let mut step = |x: &FleetInputs, name: &'static str| {
        let t = total(&evaluate(x));
        if t != last {
            steps.push((name, t - last));
        }
        last = t;
    };
    x.capacity = match b.capacity {
        Capacity::PerScanner { wafers_per_month, .. } => {
            Capacity::PerScanner { wafers_per_month, chips_per_wafer: None }
        }
        rule => rule,
    };
    step(&x, "capacity_rule");
    x.capacity = b.capacity;
    step(&x, "accelerators_per_wafer");
    x.mix = b.mix.clone();
    step(&x, "accelerators");
    step(b, "other_inputs");
    steps
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
