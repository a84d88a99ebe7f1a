//! How each figure of the training ledger is derived: its formula and the bound inputs it
//! uses. The command line prints these with each input's value, source and origin.

use super::{Bound, Item, Outputs};

/// One derived figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub figure: &'static str,
    pub value: f64,
    pub unit: &'static str,
    pub formula: String,
    /// Names of the bindings (see [`Bound::bindings`]) the formula reads.
    pub uses: &'static [&'static str],
    /// When names repeat across groups (scanner classes), the group whose bindings it reads.
    pub group: Option<&'static str>,
}

impl Step {
    /// Whether the step reads this binding.
    pub fn reads(&self, b: &crate::provenance::Binding) -> bool {
        self.uses.contains(&b.name) && (b.group.is_none() || b.group == self.group)
    }
}

/// The derivation of every figure that `out` holds, in reading order.
pub fn explain(bound: &Bound, out: &Outputs) -> Vec<Step> {
    let x = &bound.inputs;
    let mut steps = Vec::new();
    let mut push = |figure, value: Option<f64>, unit, formula: &str, uses| {
        if let Some(value) = value {
            steps.push(Step { figure, value, unit, formula: formula.to_string(), uses, group: None });
        }
    };
    if bound.binding("compute_flop").is_some() {
        push(
            "compute_flop",
            out.compute_flop,
            "FLOP",
            "FLOP per parameter-token × active parameters × tokens (or as given)",
            &["flop_per_param_token", "params", "tokens", "compute_flop"],
        );
    }
    if x.accelerator_hours.is_some() {
        push("accelerator_hours", Some(out.accelerator_hours), "h", "as given", &["accelerator_hours"]);
        push(
            "implied_mfu",
            out.implied_mfu,
            "fraction",
            "compute ÷ (accelerator-hours × 3600 s/h × peak × 10¹² × goodput)",
            &["compute_flop", "accelerator_hours", "peak_tflops", "goodput"],
        );
    } else {
        push(
            "accelerator_hours",
            Some(out.accelerator_hours),
            "h",
            "compute ÷ (peak × 10¹² × MFU × goodput) ÷ 3600 s/h",
            &["compute_flop", "peak_tflops", "mfu", "goodput"],
        );
    }
    push(
        "wall_days",
        out.wall_days,
        "days",
        "accelerator-hours ÷ accelerators ÷ 24 h/day",
        &["accelerators"],
    );
    push(
        "it_kw_per_accelerator",
        Some(out.it_kw_per_accelerator),
        "kW",
        "TDP × server power multiplier × average power fraction ÷ 1000",
        &["tdp_w", "server_power_multiplier", "avg_power_fraction"],
    );
    push(
        "peak_it_kw_per_accelerator",
        Some(out.peak_it_kw_per_accelerator),
        "kW",
        "TDP × server power multiplier ÷ 1000 (sizes the facility)",
        &["tdp_w", "server_power_multiplier"],
    );
    push(
        "energy_mwh",
        Some(out.energy_mwh),
        "MWh",
        "accelerator-hours × IT kW per accelerator × PUE ÷ 1000",
        &["pue"],
    );
    push(
        "emissions_tco2e",
        Some(out.emissions_tco2e),
        "tCO2e",
        "energy (kWh) × grid intensity ÷ 1000",
        &["grid_kgco2_per_kwh"],
    );
    for item in Item::ALL {
        let (formula, uses): (&'static str, &'static [&'static str]) = match item {
            Item::Accelerators => (
                "price × crf(cost of capital, life) × accelerator-hours ÷ 8760 h/year; \
                 crf(r, n) = r ÷ (1 − (1 + r)^−n)",
                &["accelerator_price_usd", "cost_of_capital", "hardware_life_years"],
            ),
            Item::ServersAndNetwork => (
                "(server + network capex) × crf(cost of capital, life) × hours ÷ 8760; server = price × \
                 server fraction; network = (price + server) × f ÷ (1 − f), f = network share of all hardware",
                &["server_capex_fraction", "network_capex_fraction"],
            ),
            Item::Facility => (
                "capex per MW × peak IT MW per accelerator × crf(cost of capital, facility life) × hours ÷ 8760",
                &["facility_capex_usd_per_mw", "facility_life_years"],
            ),
            Item::Electricity => (
                "energy (kWh) × tariff (USD/kWh)",
                &[
                    "tariff_usd_per_kwh",
                    "region_tariff_usd_per_kwh",
                    "tariff_cny_per_kwh",
                    "energy_cny_per_kwh",
                    "line_loss_fraction",
                    "td_cny_per_kwh",
                    "demand_cny_per_kw_month",
                    "load_factor",
                    "system_op_cny_per_kwh",
                    "funds_cny_per_kwh",
                    "dc_deal_cny_per_kwh",
                    "vat_rate",
                    "cny_per_usd",
                ],
            ),
            Item::Maintenance => (
                "all hardware capex × maintenance fraction per year × hours ÷ 8760",
                &["maintenance_fraction_per_year"],
            ),
        };
        push(item.name(), Some(out.usd(item)), "USD", formula, uses);
    }
    push("total_usd", Some(out.total_usd), "USD", "sum of the ledger lines", &[]);
    push(
        "rental_usd",
        out.rental_usd,
        "USD",
        "accelerator-hours × rental price per accelerator-hour",
        &["rental_usd_per_hour"],
    );
    steps
}
