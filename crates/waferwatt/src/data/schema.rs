//! The schema of the data: which kinds of entry exist, their fields, and each field's unit.
//!
//! The schema names fields and units; it holds no numbers. Every number lives in the data
//! files (`data/*.toml`) with its source and range.

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A number with a range and a source, in the given unit.
    Number(&'static str),
    /// A piece of text (a name, an id of another entry, a choice).
    Text,
    /// A list of texts (ids).
    TextList,
}

/// One field of a kind.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
    /// Allowed values of a text field; empty means any text.
    pub choices: &'static [&'static str],
    pub doc: &'static str,
}

/// A kind of entry: keyed kinds hold many entries (`accelerator.h100-sxm.tdp_w`), unkeyed
/// kinds hold one (`ownership.cost_of_capital`).
#[derive(Clone, Copy, Debug)]
pub struct Kind {
    pub name: &'static str,
    pub keyed: bool,
    pub doc: &'static str,
    pub fields: &'static [Field],
}

impl Kind {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
    pub fn field_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().map(|f| f.name)
    }
}

const fn num(name: &'static str, unit: &'static str, required: bool, doc: &'static str) -> Field {
    Field { name, ty: FieldType::Number(unit), required, choices: &[], doc }
}
const fn text(name: &'static str, required: bool, doc: &'static str) -> Field {
    Field { name, ty: FieldType::Text, required, choices: &[], doc }
}
const fn choice(
    name: &'static str,
    choices: &'static [&'static str],
    required: bool,
    doc: &'static str,
) -> Field {
    Field { name, ty: FieldType::Text, required, choices, doc }
}
const fn list(name: &'static str, required: bool, doc: &'static str) -> Field {
    Field { name, ty: FieldType::TextList, required, choices: &[], doc }
}

/// Precisions for which an accelerator may state a dense peak.
pub const PRECISIONS: &[&str] = &["bf16", "fp8"];
/// Tariff models a region may use (DESIGN.md §3).
pub const TARIFF_MODELS: &[&str] = &["flat", "two-part"];

/// Every kind the data and scenarios may hold.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "accelerator",
        keyed: true,
        doc: "AI accelerators: silicon, peak dense throughput, memory, power and price",
        fields: &[
            text("name", true, "product name"),
            text("vendor", true, "designer"),
            text("process", true, "foundry process as published"),
            text("node", false, "waferwatt process-node id for the fab ledger"),
            num("die_area_mm2", "mm2", false, "total compute-die area"),
            num("transistors", "count", false, "transistors on the compute dies"),
            num("bf16_tflops", "TFLOP/s", true, "peak dense BF16 throughput"),
            num("fp8_tflops", "TFLOP/s", false, "peak dense FP8 throughput"),
            num("memory_gb", "GB", true, "HBM capacity"),
            num("memory_tbps", "TB/s", false, "HBM bandwidth"),
            num("tdp_w", "W", true, "thermal design power of the accelerator"),
            num("price_usd", "USD", true, "market price of one accelerator"),
            num("rental_usd_per_hour", "USD/h", false, "cloud rental per accelerator-hour"),
        ],
    },
    Kind {
        name: "region",
        keyed: true,
        doc: "places to run a data centre: electricity tariff, grid carbon, typical PUE",
        fields: &[
            text("name", true, "place name"),
            text("country", true, "ISO country code"),
            choice("tariff_model", TARIFF_MODELS, true, "flat price, or two-part build-up"),
            text("voltage", false, "supply voltage class the tariff parts are for"),
            num("tariff_usd_per_kwh", "USD/kWh", false, "flat all-in price in USD"),
            num("tariff_cny_per_kwh", "CNY/kWh", false, "flat all-in price in CNY"),
            num("energy_cny_per_kwh", "CNY/kWh", false, "energy (on-grid) price"),
            num("line_loss_fraction", "fraction", false, "on-grid line-loss rate"),
            num("td_cny_per_kwh", "CNY/kWh", false, "transmission and distribution energy rate"),
            num("demand_cny_per_kw_month", "CNY/kW-month", false, "maximum-demand charge"),
            num("system_op_cny_per_kwh", "CNY/kWh", false, "system operation charge"),
            num("funds_cny_per_kwh", "CNY/kWh", false, "government funds and surcharges"),
            num("vat_rate", "fraction", true, "value-added tax included in the quoted prices"),
            num("dc_deal_cny_per_kwh", "CNY/kWh", false, "a published special data-centre rate"),
            num("grid_kgco2_per_kwh", "kgCO2/kWh", true, "grid carbon intensity"),
            num("pue", "ratio", true, "typical power usage effectiveness of its data centres"),
        ],
    },
    Kind {
        name: "facility",
        keyed: true,
        doc: "data-centre facility kinds: PUE, construction cost per MW of IT load, life",
        fields: &[
            text("name", true, "description"),
            num("pue", "ratio", true, "power usage effectiveness"),
            num("capex_usd_per_mw", "USD/MW", true, "construction cost per MW of IT load"),
            num("life_years", "years", true, "depreciation life of the building and plant"),
        ],
    },
    Kind {
        name: "server",
        keyed: false,
        doc: "the server and network around each accelerator",
        fields: &[
            num("power_multiplier", "ratio", true, "server power per accelerator over its TDP"),
            num("avg_power_fraction", "fraction", true, "average draw over peak during training"),
            num("capex_fraction", "fraction", true, "server cost beyond the accelerator, per price"),
            num("network_capex_fraction", "fraction", true, "cluster network cost per accelerator price"),
        ],
    },
    Kind {
        name: "ownership",
        keyed: false,
        doc: "how owned hardware is paid for",
        fields: &[
            num("hardware_life_years", "years", true, "depreciation life of accelerators and servers"),
            num("cost_of_capital", "fraction/year", true, "annual cost of capital"),
            num("maintenance_fraction_per_year", "fraction/year", true, "maintenance per hardware capex"),
        ],
    },
    Kind {
        name: "training",
        keyed: false,
        doc: "how efficiently a training run uses its hardware",
        fields: &[
            num("mfu", "fraction", true, "model FLOP utilisation"),
            num("goodput", "fraction", true, "share of paid hours that make progress"),
            num("flop_per_param_token", "FLOP", true, "training FLOP per parameter per token"),
        ],
    },
    Kind {
        name: "power",
        keyed: false,
        doc: "how a data centre buys power",
        fields: &[num("load_factor", "fraction", true, "average over contracted maximum demand")],
    },
    Kind {
        name: "fx",
        keyed: false,
        doc: "exchange rates",
        fields: &[num("cny_per_usd", "CNY/USD", true, "yuan per US dollar")],
    },
    Kind {
        name: "run",
        keyed: true,
        doc: "published training runs",
        fields: &[
            text("name", true, "model name"),
            text("accelerator", true, "accelerator id"),
            text("region", true, "region id of the cluster, as near as is known"),
            choice("precision", PRECISIONS, true, "main training precision"),
            num("accelerators", "count", true, "accelerators in the cluster"),
            num("accelerator_hours", "h", true, "accelerator-hours reported"),
            num("params_active", "params", true, "parameters active per token"),
            num("params_total", "params", false, "all parameters"),
            num("tokens", "tokens", true, "training tokens"),
            num("goodput", "fraction", true, "goodput that the reported hours imply"),
            num("rental_usd_per_hour", "USD/h", false, "rental price the publisher assumed"),
            num("reported_cost_usd", "USD", false, "cost the publisher reported"),
            num("reported_emissions_tco2e", "tCO2e", false, "emissions the publisher reported"),
            num("reported_pue", "ratio", false, "PUE used for the publisher's emissions"),
        ],
    },
    Kind {
        name: "claim",
        keyed: true,
        doc: "claims of the source commentary, as data to test",
        fields: &[
            text("says", true, "the claim in words"),
            num("value", "fraction", false, "the figure the claim states, if any"),
            list("against", false, "regions the claim compares with, if any"),
        ],
    },
    Kind {
        name: "defaults",
        keyed: false,
        doc: "default choices of the commands and the report",
        fields: &[
            text("accelerator", true, "accelerator when none is named"),
            text("region", true, "region when none is named"),
            text("facility", true, "facility kind when none is named"),
            choice("precision", PRECISIONS, true, "precision when none is named"),
            text("report_run", true, "the reference run of the electricity account"),
            list("report_regions", true, "regions the electricity account compares"),
        ],
    },
];

/// The kind with this name.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// Every unit a field may have; `data check` refuses any other.
pub fn known_units() -> impl Iterator<Item = &'static str> {
    let mut units: Vec<&'static str> = KINDS
        .iter()
        .flat_map(|k| k.fields.iter())
        .filter_map(|f| match f.ty {
            FieldType::Number(u) => Some(u),
            _ => None,
        })
        .collect();
    units.sort_unstable();
    units.dedup();
    units.into_iter()
}
