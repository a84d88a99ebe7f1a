//! How each figure of the wafer ledger is derived: its formula and the bound inputs it uses.

use super::dies::OFFSET_STEPS;
use super::{Count, ToolClass, WaferBound, WaferOutputs};
use crate::train::Step;

/// The derivation of every figure that `out` holds, in reading order.
pub fn explain(bound: &WaferBound, out: &WaferOutputs) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut push = |figure, value: f64, unit, formula: &str, uses, group: Option<&'static str>| {
        steps.push(Step { figure, value, unit, formula: formula.to_string(), uses, group })
    };
    for class in ToolClass::ALL {
        let c = out.class(class);
        if c.exposures == 0.0 {
            continue;
        }
        let (exposures, hours, cost): (&'static str, &'static str, &'static str) = match class {
            ToolClass::HighNa => {
                ("exposures on high-na", "scanner-hours on high-na", "USD per high-na scanner-hour")
            }
            ToolClass::Euv => ("exposures on euv", "scanner-hours on euv", "USD per euv scanner-hour"),
            ToolClass::Arfi => ("exposures on arfi", "scanner-hours on arfi", "USD per arfi scanner-hour"),
            ToolClass::ArfDry => {
                ("exposures on arf-dry", "scanner-hours on arf-dry", "USD per arf-dry scanner-hour")
            }
            ToolClass::Krf => ("exposures on krf", "scanner-hours on krf", "USD per krf scanner-hour"),
            ToolClass::Iline => {
                ("exposures on i-line", "scanner-hours on i-line", "USD per i-line scanner-hour")
            }
        };
        let group = Some(class.name());
        push(
            exposures,
            c.exposures,
            "count",
            "Σ over the node's layer groups of this class: count × the scheme's exposures per layer",
            &["exposures", "layer_count", "scheme_exposures"],
            group,
        );
        push(
            hours,
            c.scanner_hours,
            "h",
            "exposures ÷ (rated wafers per hour × effective fraction)",
            &["wph", "effective_fraction"],
            group,
        );
        push(
            cost,
            c.usd_per_scanner_hour,
            "USD/h",
            "(price × crf(cost of capital, life) + price × service fraction + power kW × 8760 h × tariff) \
             ÷ (8760 h × availability × utilization)",
            &[
                "price_eur",
                "usd_per_eur",
                "scanner_life_years",
                "fab_cost_of_capital",
                "service_fraction_per_year",
                "power_kw",
                "electricity_usd_per_kwh",
                "availability",
                "tool_utilization",
            ],
            group,
        );
    }
    push(
        "mask_set_usd",
        out.mask_set_usd,
        "USD",
        "Σ classes masks × the class's 7 nm-generation mask price × the node's mask price index",
        &["scheme_masks", "mask_cost_usd", "mask_price_index"],
        None,
    );
    push(
        "mask_usd",
        out.mask_usd,
        "USD",
        "mask set ÷ the design's wafers (non-recurring: billed apart from the wafer price)",
        &["wafers_per_mask_set"],
        None,
    );
    push(
        "track_usd",
        out.track_usd,
        "USD",
        "exposures × track cost per exposure (coat, bake, develop)",
        &["track_usd_per_exposure"],
        None,
    );
    push(
        "metrology_usd",
        out.metrology_usd,
        "USD",
        "exposures × litho metrology cost per exposure (CD, overlay)",
        &["metrology_usd_per_exposure"],
        None,
    );
    push(
        "litho_usd",
        out.litho_usd,
        "USD",
        "Σ classes (scanner-hours × USD per scanner-hour + exposures × consumables) + track + metrology + masks per wafer",
        &["consumables_usd_per_exposure"],
        None,
    );
    push(
        "process_steps",
        out.process_steps,
        "count",
        "masks × steps per mask + the schemes' extra steps",
        &["steps_per_mask", "extra_steps"],
        None,
    );
    push(
        "non_litho_usd",
        out.non_litho_usd,
        "USD",
        "(process steps − exposures × litho steps per exposure) × cost per step",
        &["litho_steps_per_exposure", "cost_per_step_usd"],
        None,
    );
    push(
        "fab_capital_usd",
        out.fab_capital_usd,
        "USD",
        "the fab's capital per wafer start a month beyond its litho cells × crf(cost of capital, life) ÷ (12 × \
         utilization)",
        &["other_capex_usd_per_wpm", "capex_life_years", "fab_cost_of_capital", "tool_utilization"],
        None,
    );
    push(
        "wafer_cost_usd",
        out.wafer_cost_usd,
        "USD",
        "(scanners + track + metrology + non-litho + fab capital + substrate) × (1 + overhead fraction); masks apart",
        &["substrate_usd", "overhead_fraction"],
        None,
    );
    push(
        "wafer_price_usd",
        out.wafer_price_usd,
        "USD",
        "cost ÷ (1 − gross margin); masks billed apart",
        &["gross_margin"],
        None,
    );
    push(
        "litho_cost_share",
        out.litho_cost_share,
        "fraction",
        "litho (masks included) ÷ (wafer cost + masks per wafer)",
        &[],
        None,
    );
    push(
        "litho_time_share",
        out.litho_time_share,
        "fraction",
        "litho steps × time factor ÷ (litho steps × time factor + other steps)",
        &["litho_step_time_factor"],
        None,
    );
    push(
        "cycle_days",
        out.cycle_days,
        "days",
        "days per mask layer × process steps ÷ steps per mask",
        &["days_per_mask"],
        None,
    );
    push(
        "d0_per_cm2",
        out.d0_per_cm2,
        "1/cm2",
        "the node's base D0 + the schemes' defect adders (or as given by --d0)",
        &["d0_base_per_cm2", "d0_adder_per_cm2", "d0_per_cm2"],
        None,
    );
    push(
        "gross_dies_analytic",
        out.gross_dies_analytic,
        "count",
        "π (d/2)² ÷ S − π d ÷ √(2 S); d = wafer − 2 × edge exclusion, S = (w + scribe)(h + scribe)",
        &["wafer_mm", "edge_exclusion_mm", "scribe_mm", "die_width_mm", "die_height_mm"],
        None,
    );
    if bound.inputs.count == Count::Exact {
        push(
            "gross_dies",
            out.gross_dies,
            "count",
            &format!(
                "whole die cells inside the usable circle, the best of {OFFSET_STEPS} × {OFFSET_STEPS} grid offsets"
            ),
            &["wafer_mm", "edge_exclusion_mm", "scribe_mm", "die_width_mm", "die_height_mm"],
            None,
        );
    }
    let formula = match bound.inputs.yield_model {
        super::YieldModel::Poisson => "e^(−A·D0), A in cm²",
        super::YieldModel::Murphy => "((1 − e^(−A·D0)) ÷ (A·D0))², A in cm²",
        super::YieldModel::Seeds => "1 ÷ (1 + A·D0), A in cm²",
        super::YieldModel::NegativeBinomial => "(1 + A·D0 ÷ α)^(−α), A in cm²",
    };
    push(
        "die_yield",
        out.die_yield,
        "fraction",
        formula,
        &[
            "die_width_mm",
            "die_height_mm",
            "d0_base_per_cm2",
            "d0_adder_per_cm2",
            "d0_per_cm2",
            "negbin_alpha",
        ],
        None,
    );
    push("good_dies", out.good_dies, "count", "gross dies × die yield", &[], None);
    push(
        "cost_per_good_die_usd",
        out.cost_per_good_die_usd,
        "USD",
        "(wafer cost + masks per wafer) ÷ good dies",
        &[],
        None,
    );
    push(
        "price_per_good_die_usd",
        out.price_per_good_die_usd,
        "USD",
        "(wafer price + masks per wafer) ÷ good dies",
        &[],
        None,
    );
    steps
}
