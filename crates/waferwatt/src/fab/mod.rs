//! The lithography and fab ledger (DESIGN.md §1): what a wafer costs on a process node —
//! exposures on each scanner class, masks, scanner-hours, process steps, cycle time — and
//! what a die on it yields and costs.
//!
//! [`evaluate`] is a pure, allocation-free function of plain numbers ([`WaferInputs`]);
//! [`bind`] turns a request and the data in force (scanners, patterning schemes, nodes and
//! their layer groups) into those numbers, with their provenance.

mod bind;
pub mod dies;
mod explain;
mod sample;
pub mod yields;

pub use bind::{
    LayerGroup, LayerPlan, WAFER_KEYS, WaferBound, WaferPlan, WaferRequest, bind, count_of, method_count,
    plan,
};
pub use explain::explain;
pub use sample::{figures, model};
pub use yields::YieldModel;

use crate::finance::crf;
use crate::units::{HOURS_PER_MONTH, HOURS_PER_YEAR, MM2_PER_CM2, MONTHS_PER_YEAR};
use dies::Cell;

/// Scanner classes, from EUV down to the i-line steppers of non-critical layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ToolClass {
    HighNa,
    Euv,
    Arfi,
    ArfDry,
    Krf,
    Iline,
}

impl ToolClass {
    pub const ALL: [ToolClass; 6] = [
        ToolClass::HighNa,
        ToolClass::Euv,
        ToolClass::Arfi,
        ToolClass::ArfDry,
        ToolClass::Krf,
        ToolClass::Iline,
    ];
    pub const NAMES: &'static [&'static str] = &["high-na", "euv", "arfi", "arf-dry", "krf", "i-line"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
    pub fn from_name(name: &str) -> Option<ToolClass> {
        Self::NAMES.iter().position(|n| *n == name).map(|i| Self::ALL[i])
    }
}

/// One scanner class's share of a wafer: how much of it the wafer uses, and what it costs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ClassInputs {
    /// Exposures (wafer passes) per wafer on this class.
    pub exposures: f64,
    /// The scanner time its patterning schemes add beyond their exposures at the scanner's
    /// effective throughput (dose, dense alignment, send-ahead, rework on overlay-critical
    /// layers), in exposures at full speed: Σ count × exposures × (1 ÷ throughput factor − 1).
    pub exposure_overhead: f64,
    /// Masks of this class in the node's set.
    pub masks: f64,
    /// Rated throughput of the node's scanner of this class, at its stated dose.
    pub wph: f64,
    /// Realised over rated throughput while the tool runs (dose, fields, rework, holds).
    pub effective_fraction: f64,
    /// Share of the year the tool is up.
    pub availability: f64,
    pub price_usd: f64,
    pub life_years: f64,
    pub power_kw: f64,
    pub service_fraction_per_year: f64,
    pub consumables_usd_per_exposure: f64,
    /// One mask of this class at this node (the class's price × the node's mask price index).
    pub mask_cost_usd: f64,
}

/// The die whose yield and cost are asked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Die {
    pub width_mm: f64,
    pub height_mm: f64,
}

/// How gross dies are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Exact,
    Analytic,
}

impl Count {
    pub const NAMES: &'static [&'static str] = &["exact", "analytic"];
    pub fn name(self) -> &'static str {
        match self {
            Count::Exact => "exact",
            Count::Analytic => "analytic",
        }
    }
    pub fn from_name(name: &str) -> Option<Count> {
        match name {
            "exact" => Some(Count::Exact),
            "analytic" => Some(Count::Analytic),
            _ => None,
        }
    }
}

/// Everything the ledger needs, as plain numbers in the units their names give.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WaferInputs {
    /// By [`ToolClass`], in the order of [`ToolClass::ALL`].
    pub classes: [ClassInputs; 6],
    /// Deposition, etch and clean steps that multi-patterning adds beyond the per-mask flow.
    pub extra_steps: f64,
    /// Defect density before the patterning schemes' adders.
    pub d0_base_per_cm2: f64,
    /// What the layer groups' schemes add to it.
    pub d0_adder_per_cm2: f64,
    /// A defect density that replaces base and adders, when given.
    pub d0_override_per_cm2: Option<f64>,
    pub steps_per_mask: f64,
    pub cost_per_step_usd: f64,
    pub substrate_usd: f64,
    pub overhead_fraction: f64,
    pub days_per_mask: f64,
    pub gross_margin: f64,
    pub wafers_per_mask_set: f64,
    pub tool_utilization: f64,
    pub cost_of_capital: f64,
    pub electricity_usd_per_kwh: f64,
    pub litho_steps_per_exposure: f64,
    pub litho_step_time_factor: f64,
    /// The litho cell's coat-and-develop track, per exposure.
    pub track_usd_per_exposure: f64,
    /// Litho metrology (CD and overlay), per exposure.
    pub metrology_usd_per_exposure: f64,
    /// The fab's capital per wafer start a month of capacity beyond its litho cells (building,
    /// cleanroom, every tool but the scanners, tracks and litho metrology, which are charged per
    /// exposure).
    pub other_capex_usd_per_wpm: f64,
    /// Years over which the rest is recovered.
    pub capex_life_years: f64,
    pub wafer_mm: f64,
    pub edge_exclusion_mm: f64,
    pub scribe_mm: f64,
    pub die: Die,
    pub yield_model: YieldModel,
    pub negbin_alpha: f64,
    pub count: Count,
}

impl WaferInputs {
    pub fn class(&self, c: ToolClass) -> &ClassInputs {
        &self.classes[c as usize]
    }
    pub fn cell(&self) -> Cell {
        Cell { width_mm: self.die.width_mm + self.scribe_mm, height_mm: self.die.height_mm + self.scribe_mm }
    }
    pub fn usable_diameter_mm(&self) -> f64 {
        self.wafer_mm - 2.0 * self.edge_exclusion_mm
    }
}

/// One scanner class's results per wafer.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ClassOutputs {
    pub exposures: f64,
    pub masks: f64,
    pub scanner_hours: f64,
    /// Cost of a productive scanner-hour: capital, service and power over the hours it runs.
    pub usd_per_scanner_hour: f64,
    /// Scanner time plus consumables, per wafer.
    pub tool_usd: f64,
    /// Scanners of this class needed to run 10,000 wafer starts a month.
    pub scanners_per_10k_wafers_month: f64,
}

/// What a wafer costs and what its dies yield.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WaferOutputs {
    pub classes: [ClassOutputs; 6],
    pub exposures: f64,
    pub masks: f64,
    pub scanner_hours: f64,
    /// Scanner time and consumables.
    pub litho_tool_usd: f64,
    /// The coat-and-develop track and litho metrology.
    pub track_usd: f64,
    pub metrology_usd: f64,
    /// The node's mask set for one design (non-recurring), priced apart from the wafer.
    pub mask_set_usd: f64,
    /// The mask set spread over the design's wafers.
    pub mask_usd: f64,
    /// Lithography per wafer: scanners, track, metrology and masks.
    pub litho_usd: f64,
    pub process_steps: f64,
    pub litho_steps: f64,
    pub non_litho_usd: f64,
    /// The rest of the fab's capital (building, cleanroom, non-litho tools) per wafer start.
    pub fab_capital_usd: f64,
    /// The capital of the scanners a wafer start a month needs.
    pub scanner_capex_usd_per_wpm: f64,
    pub substrate_usd: f64,
    pub overhead_usd: f64,
    /// What the foundry spends on a wafer, masks apart.
    pub wafer_cost_usd: f64,
    /// What it charges for one, masks apart (the masks are billed as non-recurring cost).
    pub wafer_price_usd: f64,
    pub litho_cost_share: f64,
    pub litho_time_share: f64,
    pub cycle_days: f64,
    pub d0_per_cm2: f64,
    pub die_area_mm2: f64,
    /// Gross dies by the chosen count.
    pub gross_dies: f64,
    pub gross_dies_exact: Option<u64>,
    pub gross_dies_analytic: f64,
    pub die_yield: f64,
    pub good_dies: f64,
    /// Wafer cost and masks per wafer, over good dies.
    pub cost_per_good_die_usd: f64,
    /// Wafer price and masks per wafer (at cost), over good dies: what a designer pays.
    pub price_per_good_die_usd: f64,
    /// The grid offset of the exact count's best layout (for drawing it), if counted exactly.
    pub grid_offset_mm: Option<(f64, f64)>,
}

impl WaferOutputs {
    pub fn class(&self, c: ToolClass) -> &ClassOutputs {
        &self.classes[c as usize]
    }
}

/// The whole wafer ledger.
pub fn evaluate(x: &WaferInputs) -> WaferOutputs {
    let mut classes = [ClassOutputs::default(); 6];
    let (mut exposures, mut masks, mut scanner_hours, mut litho_tool_usd, mut mask_set_usd) =
        (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut scanner_capex_per_wpm = 0.0;
    for (c, out) in x.classes.iter().zip(classes.iter_mut()) {
        if c.exposures == 0.0 && c.masks == 0.0 {
            continue;
        }
        let productive_hours = HOURS_PER_YEAR * c.availability * x.tool_utilization;
        let annual_usd = c.price_usd * crf(x.cost_of_capital, c.life_years)
            + c.price_usd * c.service_fraction_per_year
            + c.power_kw * HOURS_PER_YEAR * x.electricity_usd_per_kwh;
        let usd_per_hour = annual_usd / productive_hours;
        let hours = (c.exposures + c.exposure_overhead) / (c.wph * c.effective_fraction);
        *out = ClassOutputs {
            exposures: c.exposures,
            masks: c.masks,
            scanner_hours: hours,
            usd_per_scanner_hour: usd_per_hour,
            tool_usd: hours * usd_per_hour + c.exposures * c.consumables_usd_per_exposure,
            scanners_per_10k_wafers_month: WAFERS_PER_MONTH_BASIS * hours
                / (HOURS_PER_MONTH * c.availability * x.tool_utilization),
        };
        exposures += c.exposures;
        masks += c.masks;
        scanner_hours += hours;
        scanner_capex_per_wpm += out.scanners_per_10k_wafers_month / WAFERS_PER_MONTH_BASIS * c.price_usd;
        litho_tool_usd += out.tool_usd;
        mask_set_usd += c.masks * c.mask_cost_usd;
    }
    let mask_usd = mask_set_usd / x.wafers_per_mask_set;
    let track_usd = exposures * x.track_usd_per_exposure;
    let metrology_usd = exposures * x.metrology_usd_per_exposure;
    let litho_usd = litho_tool_usd + track_usd + metrology_usd + mask_usd;

    // A mask layer's flow is `steps_per_mask` steps, one lithography pass among them; each
    // further exposure adds a pass, each scheme its extra deposition and etch steps.
    let litho_steps = exposures * x.litho_steps_per_exposure;
    let other_steps = masks * (x.steps_per_mask - x.litho_steps_per_exposure) + x.extra_steps;
    let process_steps = litho_steps + other_steps;
    let non_litho_usd = other_steps * x.cost_per_step_usd;
    // The fab's capital beyond its litho cells, recovered over its life from the wafers it starts.
    let fab_capital_usd = x.other_capex_usd_per_wpm * crf(x.cost_of_capital, x.capex_life_years)
        / (MONTHS_PER_YEAR * x.tool_utilization);
    let direct_usd =
        litho_tool_usd + track_usd + metrology_usd + non_litho_usd + fab_capital_usd + x.substrate_usd;
    let overhead_usd = direct_usd * x.overhead_fraction;
    let wafer_cost_usd = direct_usd + overhead_usd;
    let weighted_litho = litho_steps * x.litho_step_time_factor;

    let die_area_mm2 = x.die.width_mm * x.die.height_mm;
    let (d0, die_yield) = yield_of(x);
    let gross_dies_analytic = dies::analytic(x.usable_diameter_mm(), x.cell());
    let exact = match x.count {
        Count::Exact => Some(dies::exact(x.usable_diameter_mm(), x.cell())),
        Count::Analytic => None,
    };
    let gross_dies_exact = exact.map(|e| e.0);
    let gross_dies = gross_dies_exact.map_or(gross_dies_analytic, |n| n as f64);
    let good_dies = gross_dies * die_yield;
    let wafer_price_usd = wafer_cost_usd / (1.0 - x.gross_margin);
    let cost_with_masks_usd = wafer_cost_usd + mask_usd;
    WaferOutputs {
        classes,
        exposures,
        masks,
        scanner_hours,
        litho_tool_usd,
        track_usd,
        metrology_usd,
        mask_set_usd,
        mask_usd,
        litho_usd,
        process_steps,
        litho_steps,
        non_litho_usd,
        fab_capital_usd,
        scanner_capex_usd_per_wpm: scanner_capex_per_wpm,
        substrate_usd: x.substrate_usd,
        overhead_usd,
        wafer_cost_usd,
        wafer_price_usd,
        litho_cost_share: litho_usd / cost_with_masks_usd,
        litho_time_share: weighted_litho / (weighted_litho + other_steps),
        cycle_days: x.days_per_mask * process_steps / x.steps_per_mask,
        grid_offset_mm: exact.map(|e| e.1),
        d0_per_cm2: d0,
        die_area_mm2,
        gross_dies,
        gross_dies_exact,
        gross_dies_analytic,
        die_yield,
        good_dies,
        cost_per_good_die_usd: cost_with_masks_usd / good_dies,
        price_per_good_die_usd: (wafer_price_usd + mask_usd) / good_dies,
    }
}

/// The defect density of `x` and its die yield.
fn yield_of(x: &WaferInputs) -> (f64, f64) {
    let d0 = x.d0_override_per_cm2.unwrap_or(x.d0_base_per_cm2 + x.d0_adder_per_cm2);
    (d0, x.yield_model.die_yield(x.die.width_mm * x.die.height_mm / MM2_PER_CM2, d0, x.negbin_alpha))
}

/// [`evaluate`] of `x` from `base`, the outputs of inputs that differ from `x` in their defect
/// density alone: the wafer's cost and its gross dies are the same, so only the yield and the
/// figures per good die are worked out again (a node's defect density learnt year by year).
/// The same numbers as [`evaluate`], bit for bit.
pub fn with_defect_density(base: &WaferOutputs, x: &WaferInputs) -> WaferOutputs {
    let (d0, die_yield) = yield_of(x);
    let good_dies = base.gross_dies * die_yield;
    WaferOutputs {
        d0_per_cm2: d0,
        die_yield,
        good_dies,
        cost_per_good_die_usd: (base.wafer_cost_usd + base.mask_usd) / good_dies,
        price_per_good_die_usd: (base.wafer_price_usd + base.mask_usd) / good_dies,
        ..*base
    }
}

/// The monthly wafer starts against which scanner counts are given (a definition of the
/// output, like "per 10k wafers a month", not a number of the model).
pub const WAFERS_PER_MONTH_BASIS: f64 = 10_000.0;

/// Refuses results no one should be shown: any figure that is not finite, or no good die.
pub fn check(out: &WaferOutputs) -> Result<(), crate::diag::Diagnostic> {
    use crate::diag::Diagnostic;
    let figures = [
        ("scanner_hours", out.scanner_hours),
        ("litho_usd", out.litho_usd),
        ("wafer_cost_usd", out.wafer_cost_usd),
        ("wafer_price_usd", out.wafer_price_usd),
        ("cycle_days", out.cycle_days),
        ("litho_time_share", out.litho_time_share),
        ("die_yield", out.die_yield),
    ];
    for (name, v) in figures {
        if !v.is_finite() {
            return Err(Diagnostic::new(format!("the inputs give {name} that is not a finite number"))
                .expected("inputs that give finite results")
                .hint("look for extreme values given by flag, --set or the scenario"));
        }
    }
    if out.gross_dies < 1.0 {
        let how =
            if out.gross_dies_exact.is_some() { "" } else { " by the analytic count (try --count exact)" };
        return Err(Diagnostic::new(format!("no whole die fits on the wafer{how}"))
            .expected("a smaller die, a larger wafer or a narrower edge exclusion"));
    }
    if !(out.good_dies > 0.0 && out.cost_per_good_die_usd.is_finite()) {
        return Err(Diagnostic::new("no good die: the yield is zero at this die area and defect density")
            .expected("a smaller die or a lower defect density"));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
