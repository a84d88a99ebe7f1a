//! How each figure of the capacity ledger is derived.

use super::{FleetBound, FleetOutputs};
use crate::train::Step;

/// The derivation of every figure that `out` holds, in reading order.
pub fn explain(bound: &FleetBound, out: &FleetOutputs) -> Vec<Step> {
    let mut steps = Vec::new();
    for g in &bound.inputs.scanners {
        let class = g.class;
        if let Some(w) = out.class_capacity[class as usize] {
            steps.push(Step {
                figure: "wafer starts a month the class carries",
                value: w,
                unit: "wafers/month",
                formula: format!(
                    "the least, over each overlay a layer of {} needs and over all its layers, of the {} scanners able \
                     to print at that overlay (scanners × share × wph × effective fraction × availability × \
                     utilization × hours a month, in exposures) over the scanner time of the layers that need it \
                     (count × exposures ÷ the scheme's throughput factor)",
                    bound.node,
                    class.name(),
                ),
                uses: &[
                    "scanners",
                    "share",
                    "fleet_wph",
                    "fleet_effective_fraction",
                    "fleet_availability",
                    "fleet_overlay_nm",
                    "scheme_overlay_budget_nm",
                    "scheme_throughput_factor",
                    "exposures",
                ],
                group: Some(class.name()),
            });
        }
    }
    let mut push = |figure, value: f64, unit, formula: &str, uses| {
        steps.push(Step { figure, value, unit, formula: formula.to_string(), uses, group: None })
    };
    push(
        "HBM stacks a month",
        out.hbm_stacks_per_month.unwrap_or(0.0),
        "stacks/month",
        "the stock × the share that goes to these accelerators ÷ the months it is drawn over + the domestic flow, \
         no more than its ceiling (DRAM wafers a month for HBM × good stacks a wafer); or as given",
        &[
            "hbm_stock_stacks",
            "hbm_stock_share",
            "hbm_drawdown_months",
            "hbm_domestic_stacks_per_month",
            "hbm_dram_wafers_per_month",
            "hbm_stacks_per_wafer",
            "hbm_domestic_ceiling",
            "hbm_stacks_per_month",
        ],
    );
    push(
        "dies a month from the bank",
        out.bank_dies_per_month,
        "dies/month",
        "the bank's dies ÷ the months they are drawn over, at the share of the die supply the output uses",
        &["die_bank_dies", "die_bank_months"],
    );
    push(
        "wafer starts per month",
        out.wafer_starts_per_month,
        "wafers/month",
        "the wafer starts given to the accelerators (no more than the least class carries), at the share of the \
         die supply the output uses",
        &["wafer_starts_per_month"],
    );
    push(
        "good dies per month",
        out.good_dies_per_month,
        "dies/month",
        "wafer starts × good dies per wafer (the fab ledger's, at the die's area and the node's yield)",
        &["d0_base_per_cm2", "d0_adder_per_cm2"],
    );
    push(
        "accelerators per year",
        out.accelerators_per_year,
        "count",
        "12 × the least of: (good dies from the wafers + the bank's) ÷ dies per package; HBM stacks ÷ stacks per \
         package; packaging wafers ÷ packaging wafers per package (interposers ÷ (good interposers a wafer)); each \
         per package averaged over the mix by its shares; × each accelerator's share × its packaging yield",
        &["mix_share", "die_count", "hbm_stacks", "packaging_wafers_per_month", "packaging_yield"],
    );
    push(
        "BF16 FLOP/s added per year",
        out.bf16_flops_added_per_year,
        "FLOP/s",
        "accelerators per year × dense BF16 peak",
        &["bf16_tflops"],
    );
    push(
        "largest run in the yardstick days",
        out.largest_run_flop,
        "FLOP",
        "FLOP/s added × MFU × goodput × days × 86,400 s",
        &["run_days", "mfu", "goodput"],
    );
    push(
        "IT power",
        out.it_power_gw,
        "GW",
        "accelerators × TDP × server power multiplier (peak)",
        &["tdp_w", "server_power_multiplier"],
    );
    push("facility power", out.facility_power_gw, "GW", "IT power × PUE", &["pue"]);
    push(
        "electricity per year",
        out.electricity_usd_per_year,
        "USD",
        "IT power × average power fraction × PUE × 8,760 h × the region's price of a kWh",
        &["avg_power_fraction", "pue", "tariff_usd_per_kwh"],
    );
    push(
        "forgone mature wafers per month",
        out.forgone_mature_wafers_per_month,
        "wafers/month",
        "the scanners the output keeps busy, on the mature node: the least, over the classes the fleet names, of \
         scanners × share × 10,000 ÷ that node's scanners per 10k wafer starts a month, × the share of capacity in use",
        &["scanners", "share"],
    );
    steps
}
