//! The chip ledger (DESIGN.md §2): what it costs to build an accelerator — compute dies
//! priced by the fab ledger at their node, HBM, interposer or bridge, bonding, test,
//! packaging yield, module — and whether splitting a large die into chiplets pays.
//!
//! [`evaluate`] is pure and allocation-free: it calls the fab ledger for each die it needs.
//! [`bind`] turns an accelerator's bill of materials (and a node to port it to) into
//! [`ChipInputs`], with provenance.

mod bind;
mod explain;
mod sample;

pub use bind::{CHIP_KEYS, ChipBound, ChipPlan, ChipRequest, Port, bind, parse_chiplets, plan};
pub use explain::explain;
pub use sample::{figures, model};

use crate::fab::{self, Die, WaferInputs, WaferOutputs};
use crate::units::MM2_PER_CM2;

/// How the dies and HBM are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackageKind {
    /// A silicon interposer (TSMC CoWoS-S): priced on its own wafer.
    SiliconInterposer,
    /// An RDL interposer with silicon bridges (CoWoS-L): priced per package.
    Bridge,
    /// An organic substrate only.
    Organic,
}

impl PackageKind {
    pub fn name(self) -> &'static str {
        match self {
            PackageKind::SiliconInterposer => "cowos-s",
            PackageKind::Bridge => "cowos-l",
            PackageKind::Organic => "organic",
        }
    }
    pub fn from_name(s: &str) -> Option<PackageKind> {
        match s {
            "cowos-s" => Some(PackageKind::SiliconInterposer),
            "cowos-l" => Some(PackageKind::Bridge),
            "organic" => Some(PackageKind::Organic),
            _ => None,
        }
    }
}

/// Dies of one kind in a package, and the node that makes them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dies {
    /// The node's wafer ledger; its die is set from `area_mm2` when evaluated.
    pub wafer: WaferInputs,
    pub area_mm2: f64,
    pub count: f64,
    /// Height over width of the die as made (1 where the data gives no shape: taken square).
    pub aspect: f64,
}

/// Splitting a die into chiplets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChipletTerms {
    pub d2d_area_fraction: f64,
    pub bond_yield_per_die: f64,
    pub bond_usd_per_die: f64,
    pub package_usd_per_mm2: f64,
}

/// Everything the chip ledger needs, as plain numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChipInputs {
    pub compute: Dies,
    pub io: Option<Dies>,
    pub reticle_width_mm: f64,
    pub reticle_height_mm: f64,
    pub hbm_stacks: f64,
    pub hbm_gb_per_stack: f64,
    pub hbm_usd_per_gb: f64,
    pub package_kind: PackageKind,
    pub interposer_area_mm2: f64,
    pub interposer_count: f64,
    pub interposer_wafer_usd: f64,
    pub interposer_d0_per_cm2: f64,
    pub cowos_l_interposer_usd: f64,
    pub kgd_test_usd_per_die: f64,
    pub substrate_and_bonding_usd: f64,
    pub final_test_usd: f64,
    pub packaging_yield: f64,
    pub module_usd: f64,
    pub chiplet: ChipletTerms,
    /// Compute dies beyond the bill of materials' own, from splitting a ported die to fit the
    /// reticle: each is bonded at the chiplet terms' yield and cost.
    pub extra_chiplets: f64,
    pub bf16_tflops: f64,
    pub fp8_tflops: Option<f64>,
    pub tdp_w: f64,
    /// A market price, if the accelerator has one.
    pub price_usd: Option<f64>,
    /// Otherwise its price is build cost × (1 + markup).
    pub build_markup: Option<f64>,
}

impl ChipInputs {
    /// Share of assembled packages that work: the packaging yield, less each extra chiplet's
    /// bond.
    pub fn package_yield(&self) -> f64 {
        self.packaging_yield * self.chiplet.bond_yield_per_die.powf(self.extra_chiplets)
    }
}

/// The lines of a build cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    ComputeDies,
    IoDies,
    KgdTest,
    Hbm,
    Interposer,
    SubstrateAndBonding,
    FinalTest,
    PackagingYieldLoss,
    Module,
}

impl Item {
    pub const ALL: [Item; 9] = [
        Item::ComputeDies,
        Item::IoDies,
        Item::KgdTest,
        Item::Hbm,
        Item::Interposer,
        Item::SubstrateAndBonding,
        Item::FinalTest,
        Item::PackagingYieldLoss,
        Item::Module,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Item::ComputeDies => "compute dies",
            Item::IoDies => "I/O dies",
            Item::KgdTest => "known-good-die test",
            Item::Hbm => "HBM",
            Item::Interposer => "interposer or bridge",
            Item::SubstrateAndBonding => "substrate and bonding",
            Item::FinalTest => "final assembly and test",
            Item::PackagingYieldLoss => "packaging yield loss",
            Item::Module => "module",
        }
    }
}

/// What one good accelerator costs to build.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChipOutputs {
    /// USD by [`Item`], in the order of [`Item::ALL`].
    pub items_usd: [f64; 9],
    pub build_cost_usd: f64,
    pub compute_die: WaferOutputs,
    pub io_die: Option<WaferOutputs>,
    pub interposer_yield: f64,
    pub interposers_per_wafer: f64,
    pub tflops_per_w: f64,
    /// The market price, or build cost × (1 + markup).
    pub price_usd: Option<f64>,
    /// 1 − build cost ÷ price, when a price is known.
    pub gross_margin: Option<f64>,
}

impl ChipOutputs {
    pub fn usd(&self, item: Item) -> f64 {
        self.items_usd[item as usize]
    }
    pub fn share(&self, item: Item) -> f64 {
        self.usd(item) / self.build_cost_usd
    }
}

/// A die of `area_mm2` shaped to the reticle: as wide as the field allows, no wider than
/// square (large dies keep the field's width).
pub fn die_shape(area_mm2: f64, reticle_width_mm: f64) -> Die {
    die_shaped(area_mm2, reticle_width_mm, 1.0)
}

/// A die of `area_mm2` whose height is `aspect` times its width (a published die's shape),
/// no wider than the reticle field.
pub fn die_shaped(area_mm2: f64, reticle_width_mm: f64, aspect: f64) -> Die {
    let width_mm = (area_mm2 / aspect).sqrt().min(reticle_width_mm);
    Die { width_mm, height_mm: area_mm2 / width_mm }
}

/// Whether a die fits the reticle field, either way round.
pub fn fits_reticle(die: Die, reticle_width_mm: f64, reticle_height_mm: f64) -> bool {
    (die.width_mm <= reticle_width_mm && die.height_mm <= reticle_height_mm)
        || (die.width_mm <= reticle_height_mm && die.height_mm <= reticle_width_mm)
}

/// The fab ledger for a die of `area_mm2` on `wafer`'s node.
pub fn die_wafer(wafer: &WaferInputs, area_mm2: f64, reticle_width_mm: f64) -> WaferOutputs {
    fab::evaluate(&WaferInputs { die: die_shape(area_mm2, reticle_width_mm), ..*wafer })
}

/// The whole build cost. Dies are priced as the chip's designer buys them: at the foundry's
/// price per good die (the fab ledger's cost over one minus the node's gross margin; set
/// that margin to 0 for a maker that owns its fab). Every die is tested, so the test of the
/// bad ones falls on the good.
pub fn evaluate(x: &ChipInputs) -> ChipOutputs {
    evaluate_at_d0(x, x.compute.wafer.d0_override_per_cm2)
}

/// [`evaluate`] with the compute dies' defect density overridden by `d0_per_cm2` (a node's
/// learning year by year), without copying the inputs.
pub fn evaluate_at_d0(x: &ChipInputs, d0_per_cm2: Option<f64>) -> ChipOutputs {
    let compute_die = fab::evaluate(&compute_wafer(x, d0_per_cm2));
    let io_die = x.io.map(|io| die_wafer(&io.wafer, io.area_mm2, x.reticle_width_mm));
    assemble(x, compute_die, io_die, interposer(x))
}

/// [`evaluate_at_d0`] from `base`, the outputs of the same inputs at another defect density:
/// the compute dies' wafer, the I/O dies and the interposer are taken from it and only what
/// turns on the compute dies' yield is worked out again. The same numbers, bit for bit.
pub fn at_defect_density(x: &ChipInputs, d0_per_cm2: Option<f64>, base: &ChipOutputs) -> ChipOutputs {
    let compute_die = fab::with_defect_density(&base.compute_die, &compute_wafer(x, d0_per_cm2));
    let interposer = (base.usd(Item::Interposer), base.interposer_yield, base.interposers_per_wafer);
    assemble(x, compute_die, base.io_die, interposer)
}

/// The compute dies' wafer, its die shaped to the reticle, at defect density `d0_per_cm2`.
fn compute_wafer(x: &ChipInputs, d0_per_cm2: Option<f64>) -> WaferInputs {
    WaferInputs {
        die: die_shaped(x.compute.area_mm2, x.reticle_width_mm, x.compute.aspect),
        d0_override_per_cm2: d0_per_cm2,
        ..x.compute.wafer
    }
}

/// The interposer or bridge of a package: its cost, its yield and the interposers a wafer
/// gives. A silicon interposer is its own wafer: stitched reticle fields, one field high.
fn interposer(x: &ChipInputs) -> (f64, f64, f64) {
    match x.package_kind {
        PackageKind::SiliconInterposer => {
            let shape =
                Die { width_mm: x.reticle_height_mm, height_mm: x.interposer_area_mm2 / x.reticle_height_mm };
            let cell = fab::dies::Cell {
                width_mm: shape.width_mm + x.compute.wafer.scribe_mm,
                height_mm: shape.height_mm + x.compute.wafer.scribe_mm,
            };
            // Counted as the compute dies are: exactly, or by the analytic formula.
            let usable = x.compute.wafer.usable_diameter_mm();
            let per_wafer = match x.compute.wafer.count {
                fab::Count::Exact => fab::dies::exact(usable, cell).0 as f64,
                fab::Count::Analytic => fab::dies::analytic(usable, cell),
            };
            let y = (-(x.interposer_area_mm2 / MM2_PER_CM2) * x.interposer_d0_per_cm2).exp();
            (x.interposer_wafer_usd / (per_wafer * y) * x.interposer_count, y, per_wafer)
        }
        PackageKind::Bridge => (x.cowos_l_interposer_usd, 1.0, 0.0),
        PackageKind::Organic => (0.0, 1.0, 0.0),
    }
}

/// The build cost from the dies' wafers and the interposer.
fn assemble(
    x: &ChipInputs,
    compute_die: WaferOutputs,
    io_die: Option<WaferOutputs>,
    (interposer, interposer_yield, interposers_per_wafer): (f64, f64, f64),
) -> ChipOutputs {
    let compute_usd = compute_die.price_per_good_die_usd * x.compute.count;
    let mut kgd = x.kgd_test_usd_per_die * x.compute.count / compute_die.die_yield;
    let io_usd = match (x.io, io_die) {
        (Some(io), Some(w)) => {
            kgd += x.kgd_test_usd_per_die * io.count / w.die_yield;
            w.price_per_good_die_usd * io.count
        }
        _ => 0.0,
    };
    let hbm = x.hbm_stacks * x.hbm_gb_per_stack * x.hbm_usd_per_gb;

    let bonding = x.substrate_and_bonding_usd + x.chiplet.bond_usd_per_die * x.extra_chiplets;
    let packaging_yield = x.package_yield();
    let packaged = compute_usd + io_usd + kgd + hbm + interposer + bonding + x.final_test_usd;
    let yield_loss = packaged * (1.0 / packaging_yield - 1.0);
    let items_usd =
        [compute_usd, io_usd, kgd, hbm, interposer, bonding, x.final_test_usd, yield_loss, x.module_usd];
    let build_cost_usd: f64 = items_usd.iter().sum();
    let price_usd = x.price_usd.or(x.build_markup.map(|m| build_cost_usd * (1.0 + m)));
    ChipOutputs {
        items_usd,
        build_cost_usd,
        compute_die,
        io_die,
        interposer_yield,
        interposers_per_wafer,
        tflops_per_w: x.bf16_tflops / x.tdp_w,
        price_usd,
        gross_margin: price_usd.map(|p| 1.0 - build_cost_usd / p),
    }
}

/// One way of splitting the compute area.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Split {
    pub chiplets: u32,
    /// Area of each chiplet, die-to-die interface included.
    pub chiplet_area_mm2: f64,
    /// Yield of one chiplet.
    pub die_yield: f64,
    /// What the designer pays the foundry for one good chiplet.
    pub cost_per_good_chiplet_usd: f64,
    /// Dies, their test, bonding and the package, over the bond yield of every chiplet.
    pub cost_per_good_package_usd: f64,
    /// Whether each chiplet fits the reticle field.
    pub fits_reticle: bool,
}

/// `area_mm2` of compute silicon on `wafer`'s node as `k` chiplets.
pub fn split(area_mm2: f64, k: u32, wafer: &WaferInputs, x: &ChipInputs) -> Split {
    let kf = f64::from(k);
    let overhead = if k > 1 { 1.0 + x.chiplet.d2d_area_fraction } else { 1.0 };
    let a = area_mm2 / kf * overhead;
    let w = die_wafer(wafer, a, x.reticle_width_mm);
    let c = &x.chiplet;
    let package = c.package_usd_per_mm2 * kf * a + c.bond_usd_per_die * kf;
    let parts = kf * (w.price_per_good_die_usd + x.kgd_test_usd_per_die / w.die_yield) + package;
    Split {
        chiplets: k,
        chiplet_area_mm2: a,
        die_yield: w.die_yield,
        cost_per_good_chiplet_usd: w.price_per_good_die_usd,
        cost_per_good_package_usd: parts / c.bond_yield_per_die.powf(kf),
        fits_reticle: fits_reticle(die_shape(a, x.reticle_width_mm), x.reticle_width_mm, x.reticle_height_mm),
    }
}

/// The compute areas a break-even is sought over: from an eighth of the reticle field (a
/// die small enough that no one splits it; a choice of span, not data) to the whole field.
pub fn break_even_span(x: &ChipInputs) -> (f64, f64) {
    let reticle = x.reticle_width_mm * x.reticle_height_mm;
    (reticle / 8.0, reticle)
}

/// The smallest compute area, between `lo_mm2` and `hi_mm2`, from which two chiplets cost
/// less per good package than one die; `None` if they never do in that span.
pub fn break_even_area(wafer: &WaferInputs, x: &ChipInputs, lo_mm2: f64, hi_mm2: f64) -> Option<f64> {
    let gain = |a: f64| {
        split(a, 1, wafer, x).cost_per_good_package_usd - split(a, 2, wafer, x).cost_per_good_package_usd
    };
    // Scan for the first sign change, then bisect it (die counts are steps, so the gain
    // is not smooth: the scan keeps the first crossing).
    let steps = 64;
    let mut prev = lo_mm2;
    if gain(prev) > 0.0 {
        return Some(prev);
    }
    for i in 1..=steps {
        let a = lo_mm2 + (hi_mm2 - lo_mm2) * f64::from(i) / f64::from(steps);
        if gain(a) > 0.0 {
            let (mut l, mut h) = (prev, a);
            for _ in 0..30 {
                let m = 0.5 * (l + h);
                if gain(m) > 0.0 { h = m } else { l = m }
            }
            return Some(h);
        }
        prev = a;
    }
    None
}

/// Refuses results no one should be shown.
pub fn check(out: &ChipOutputs) -> Result<(), crate::diag::Diagnostic> {
    use crate::diag::Diagnostic;
    for (item, usd) in Item::ALL.iter().zip(out.items_usd) {
        if !usd.is_finite() {
            return Err(Diagnostic::new(format!("the inputs give no finite cost for the {}", item.name()))
                .expected("inputs that give finite results")
                .hint("a die or interposer with no good copies on a wafer gives an infinite cost"));
        }
    }
    if !(out.build_cost_usd > 0.0 && out.tflops_per_w.is_finite()) {
        return Err(
            Diagnostic::new("the inputs give no build cost").expected("positive parts and a positive TDP")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests;
