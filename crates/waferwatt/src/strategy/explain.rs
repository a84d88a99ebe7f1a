//! How each figure of the strategy ledger is derived, shown for the first year of the first
//! path that pursues EUV (or of the first path).

use super::{StrategyBound, StrategyOutputs, supply, tables};
use crate::train::Step;

/// The derivation of the ledger's figures, in reading order, with the values of one year.
pub fn explain(bound: &StrategyBound, out: &StrategyOutputs) -> Vec<Step> {
    let x = &bound.inputs;
    let p = x.paths.iter().position(|p| p.pursues_euv()).unwrap_or(0);
    let path = &out.paths[p];
    let y = path.years[0];
    let u = tables(x).duv[0];
    let mut steps = Vec::new();
    let mut push = |figure, value: f64, unit, formula: String, uses| {
        steps.push(Step { figure, value, unit, formula, uses, group: None })
    };
    push(
        "budget",
        y.budget_usd,
        "USD",
        format!("budget_usd × budget_growth^(year − {}); the first year shown", x.start_year),
        &["budget_usd", "budget_growth"],
    );
    push(
        "lithography R&D",
        y.rd_usd,
        "USD",
        format!("budget × rd_share (rd_share_after once EUV has arrived), path `{}`", bound.paths[p].0),
        &["rd_share", "rd_share_after"],
    );
    if let Some(year) = path.euv_arrival {
        push(
            "EUV arrival",
            f64::from(year),
            "year",
            "the first year, not before euv_earliest_year, that opens with cumulative R&D ≥ rd_needed_usd × \
             max(1, euv_natural_years ÷ (year − euv_programme_start))^euv_time_cost_elasticity: money buys a \
             little time at a rising price, and none before the earliest year (rd_needed_usd is drawn per \
             sample); never for a path with no R&D"
                .into(),
            &[
                "rd_needed_usd",
                "euv_earliest_year",
                "euv_programme_start",
                "euv_natural_years",
                "euv_time_cost_elasticity",
            ],
        );
    }
    push(
        "EUV tools made in a year",
        x.euv_tools_first_year,
        "count/year",
        "min(euv_tools_first_year × euv_tools_growth^(years since arrival), euv_tools_max_per_year), each year's \
         going to the newest EUV node (one opens every euv_node_lag_years); shown: the first year"
            .into(),
        &["euv_tools_first_year", "euv_tools_growth", "euv_tools_max_per_year", "euv_node_lag_years"],
    );
    push(
        "wafer starts a month one mature EUV tool carries",
        x.euv.first().map_or(0.0, |n| n.wafers_per_month_per_tool),
        "wafers/month",
        format!(
            "the capacity ledger's count for one {} scanner on {}: 10,000 ÷ scanners per 10k wafer starts a month",
            bound.euv_scanner,
            bound.euv_nodes.first().map_or("", String::as_str)
        ),
        &["euv_tool_wph", "euv_tool_effective_fraction", "euv_tool_availability"],
    );
    push(
        "a domestic EUV tool's output in its first year, over a mature tool's",
        x.euv_learning.factor(0.0),
        "fraction",
        "throughput × availability over the mature scanner's: throughput from euv_wph_first towards the \
         scanner's on a logistic of rate euv_wph_learning_rate, availability from euv_availability_first to the \
         scanner's in a straight line over euv_availability_years"
            .into(),
        &[
            "euv_wph_first",
            "euv_wph_learning_rate",
            "euv_availability_first",
            "euv_availability_years",
            "euv_tool_wph",
            "euv_tool_availability",
        ],
    );
    if let Some(n) = x.euv.first() {
        push(
            "dense BF16 TFLOP/s of the design on the first EUV node",
            n.chip.bf16_tflops,
            "TFLOP/s",
            format!(
                "the design's on {} × the EUV node's density_index ÷ the DUV node's, on the same die area; its power × \
                 the same ratio × the power_index ratio",
                bound.duv_node
            ),
            &["duv_density_index", "euv_density_index", "duv_power_index", "euv_power_index"],
        );
    }
    push(
        "DUV-node wafer starts a month in service",
        y.capacity[supply::WAFERS],
        "wafers/month",
        "duv_wafers_per_month at the start, plus what capacity bought brings after duv_lead_years; EUV tools \
         convert some to an EUV node where a wafer gives more FLOP/s there"
            .into(),
        &["duv_wafers_per_month", "duv_lead_years"],
    );
    push(
        "domestic HBM stacks a month in service",
        y.capacity[supply::HBM],
        "stacks/month",
        "the domestic flow at the start, plus what capacity bought brings after hbm_lead_years; the stock bought \
         before the controls (hbm_stock_stacks) is drawn after the year's flow"
            .into(),
        &["hbm_domestic_stacks_per_month", "hbm_lead_years", "hbm_stock_stacks"],
    );
    push(
        "packaging wafers a month in service",
        y.capacity[supply::PACKAGING],
        "wafers/month",
        "the interposer wafers a month at the start, plus what capacity bought brings after packaging_lead_years"
            .into(),
        &["packaging_wafers_per_month", "packaging_lead_years"],
    );
    push(
        "defect density of the DUV node",
        x.duv.d0_start,
        "1/cm2",
        "floor + (start − floor) × exp(−age ÷ d0_learning_years): the DUV node starts at its own defect density \
         of the data's year and learns towards its floor (node's d0_floor_per_cm2); an EUV node starts at \
         d0_new_node and learns towards its own defect density"
            .into(),
        &["duv_d0_floor_per_cm2", "d0_new_node", "d0_learning_years", "d0_per_cm2"],
    );
    push(
        "working accelerators a wafer start",
        u.per_wafer,
        "count",
        format!(
            "good compute dies a wafer (chip ledger on {}) ÷ dies a package × package yield",
            bound.duv_node
        ),
        &["packaging_yield", "bond_yield_per_die"],
    );
    push(
        "accelerator price",
        u.year_of_use.accelerator_price_usd,
        "USD",
        "the chip ledger's build cost × (1 + accelerator_markup)".into(),
        &["accelerator_markup"],
    );
    push(
        "installed cost of an accelerator",
        u.capex_usd,
        "USD",
        "price + servers and network (the training ledger's fractions) + facility capex per MW × peak IT power".into(),
        &["server_capex_fraction", "network_capex_fraction", "facility_capex_usd_per_mw", "server_power_multiplier"],
    );
    push(
        "imported accelerators bought and installed",
        y.imports_usd,
        "USD",
        "for each import rule: units_per_year × the share of the year between open_from and open_to × \
         acceptance, at the part's price × (1 + levy), installed like a domestic one; bought where it is the \
         cheapest compute a year"
            .into(),
        &[
            "import_price_usd",
            "import_levy",
            "import_units_per_year",
            "import_acceptance",
            "import_open_from",
            "import_open_to",
            "import_tdp_w",
            "import_bf16_tflops",
        ],
    );
    push(
        "domestic accelerators bought and installed",
        y.domestic_usd,
        "USD",
        "the money left after R&D and the installed accelerators' electricity and upkeep (what it cannot pay for \
         stands idle) buys accelerators, the cheapest compute a year (capital recovery, electricity, upkeep per \
         FLOP/s) first, domestic ones up to what each node's wafers (and the bank of dies made abroad) make, the \
         HBM (the year's flow, then the stock) and the packaging wafers allow; new facility only where standing \
         facility is full; each accelerator retires after the hardware life, a facility after its own"
            .into(),
        &["die_bank_dies", "hardware_life_years", "facility_life_years"],
    );
    push(
        "capacity ordered",
        y.capacity_usd,
        "USD",
        "the money left after accelerators orders DUV wafer starts, HBM and packaging lines in balance for the \
         DUV design (no more of one than the others let be used), each no more in a year than its logistic ramp, \
         rate × C × (1 − C ÷ ceiling) with C in service and on order, at its capital per unit; none that would \
         come after the horizon"
            .into(),
        &[
            "duv_wafers_ceiling",
            "duv_ramp_rate",
            "duv_capex_usd_per_wpm",
            "hbm_ceiling_stacks_per_month",
            "hbm_ramp_rate",
            "hbm_capex_usd_per_stack_month",
            "packaging_ceiling_wafers_per_month",
            "packaging_ramp_rate",
            "packaging_capex_usd_per_wpm",
        ],
    );
    push(
        "money carried to the next year",
        y.carried_usd,
        "USD",
        "what no outlet could take: budget + money carried in − spend; it comes back next year × (1 + \
         cost_of_capital)"
            .into(),
        &["cost_of_capital"],
    );
    push(
        "accelerators installed",
        y.accelerators,
        "count",
        "Σ accelerators bought and still in service (domestic on each node, imported)".into(),
        &[],
    );
    push(
        "installed dense FLOP/s",
        y.installed_flops,
        "FLOP/s",
        "Σ accelerators in service × peak dense BF16 FLOP/s".into(),
        &[],
    );
    push(
        "largest run",
        y.largest_run_flop,
        "FLOP",
        "running FLOP/s × MFU × goodput × run_days × 86,400 s (every accelerator in service in one run)"
            .into(),
        &["mfu", "goodput", "run_days"],
    );
    if let Some(cost) = y.usd_per_unit_flop {
        push(
            "cost per 10^24 FLOP",
            cost,
            "USD",
            "Σ in service of the training ledger's cost of a year of each (hardware and facility at their capital \
             recovery, electricity, upkeep) ÷ (running FLOP/s × MFU × goodput × a year's seconds) × 10^24"
                .into(),
            &["cost_of_capital", "facility_life_years", "maintenance_fraction_per_year"],
        );
    }
    push(
        "energy",
        y.energy_twh,
        "TWh",
        "Σ in service × TDP × server power multiplier × average power fraction × PUE × 8,760 h".into(),
        &["avg_power_fraction", "pue"],
    );
    push(
        "electricity bill",
        y.electricity_usd,
        "USD",
        "energy × the region's price × tariff_trend^(year − start)".into(),
        &["tariff_usd_per_kwh", "tariff_trend"],
    );
    steps
}
