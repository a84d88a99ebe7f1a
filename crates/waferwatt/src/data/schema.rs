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

/// Whether an entry must give a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Always,
    Optional,
    /// Required when another (text) field of the entry has this value.
    When {
        field: &'static str,
        value: &'static str,
    },
}

/// The values a number may take, beyond being finite (a unit `fraction…` also caps it at 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    NonNegative,
    Positive,
    AtLeastOne,
    /// At least 0 and below 1 (a share that something else is divided by one minus).
    BelowOne,
    /// Within physical limits, both included (a wafer is not a kilometre): they bound the work
    /// a ledger does on any input as well as the answer's sense.
    Between(f64, f64),
}

impl Bound {
    /// Whether `v` is allowed, and if not, what is expected.
    pub fn check(self, unit: &str, v: f64) -> Result<(), String> {
        if !v.is_finite() {
            return Err(format!("{v} is not a finite number"));
        }
        let (ok, expected) = match self {
            Bound::NonNegative => (v >= 0.0, "0 or more".to_string()),
            Bound::Positive => (v > 0.0, "greater than 0".to_string()),
            Bound::AtLeastOne => (v >= 1.0, "at least 1".to_string()),
            Bound::BelowOne => ((0.0..1.0).contains(&v), "at least 0 and below 1".to_string()),
            Bound::Between(lo, hi) => ((lo..=hi).contains(&v), format!("between {lo} and {hi}")),
        };
        if !ok {
            return Err(format!("{v} is out of range: {unit} must be {expected}"));
        }
        if unit.starts_with("fraction") && v > 1.0 {
            return Err(format!("{v} is not a share between 0 and 1"));
        }
        Ok(())
    }
}

impl Bound {
    /// The least and greatest values allowed (a share is at most 1).
    pub fn limits(self, unit: &str) -> (f64, f64) {
        let (lo, hi) = match self {
            Bound::NonNegative => (0.0, f64::INFINITY),
            Bound::Positive => (f64::MIN_POSITIVE, f64::INFINITY),
            Bound::AtLeastOne => (1.0, f64::INFINITY),
            Bound::BelowOne => (0.0, 1.0 - f64::EPSILON),
            Bound::Between(lo, hi) => (lo, hi),
        };
        (lo, if unit.starts_with("fraction") { hi.min(1.0) } else { hi })
    }
}

/// The field of a data key (`kind.id.field` or `kind.field`).
pub fn field_of(key: &str) -> Option<&'static Field> {
    kind(key.split('.').next()?)?.field(key.rsplit('.').next()?)
}

/// The limits of the number at a data key (`kind.id.field` or `kind.field`), from its field.
pub fn limits(key: &str) -> Option<(f64, f64)> {
    let field = field_of(key)?;
    match field.ty {
        FieldType::Number(unit) => Some(field.bound.limits(unit)),
        _ => None,
    }
}

/// The unit of the number at a data key, from its field.
pub fn unit(key: &str) -> Option<&'static str> {
    let kind = kind(key.split('.').next()?)?;
    match kind.field(key.rsplit('.').next()?)?.ty {
        FieldType::Number(unit) => Some(unit),
        _ => None,
    }
}

/// One field of a kind.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub need: Need,
    pub bound: Bound,
    /// Allowed values of a text field; empty means any text.
    pub choices: &'static [&'static str],
    /// The kind whose ids a text or list field names, if it names entries.
    pub refers: Option<&'static str>,
    pub doc: &'static str,
    /// A number's name for people, short enough for a chart's axis ("defect density"); an
    /// entry's numbers are labelled with the entry's name before it ([`crate::data::Dataset::label`]).
    pub label: &'static str,
}

impl Field {
    const fn label(self, label: &'static str) -> Field {
        Field { label, ..self }
    }
    const fn refers(self, kind: &'static str) -> Field {
        Field { refers: Some(kind), ..self }
    }
    const fn positive(self) -> Field {
        Field { bound: Bound::Positive, ..self }
    }
    const fn at_least_one(self) -> Field {
        Field { bound: Bound::AtLeastOne, ..self }
    }
    const fn below_one(self) -> Field {
        Field { bound: Bound::BelowOne, ..self }
    }
    const fn between(self, lo: f64, hi: f64) -> Field {
        Field { bound: Bound::Between(lo, hi), ..self }
    }
    const fn when(self, field: &'static str, value: &'static str) -> Field {
        Field { need: Need::When { field, value }, ..self }
    }
    /// The same field, which an entry may leave out (a method gives only what it changes).
    const fn optional(self) -> Field {
        Field { need: Need::Optional, ..self }
    }
}

// Fields of the server, ownership and facility kinds that a method may give in their place.
const SERVER_POWER_MULTIPLIER: Field =
    num("power_multiplier", "ratio", true, "server power per accelerator over its TDP")
        .at_least_one()
        .label("server power over accelerator TDP");
const AVG_POWER_FRACTION: Field =
    num("avg_power_fraction", "fraction", true, "average draw over peak during training")
        .positive()
        .label("average-to-peak power in training");
const SERVER_CAPEX_FRACTION: Field =
    num("capex_fraction", "fraction", true, "server cost beyond the accelerator, per price")
        .label("server cost over accelerator price");
const NETWORK_CAPEX_FRACTION: Field =
    num("network_capex_fraction", "fraction", true, "cluster network as a share of all hardware cost")
        .below_one()
        .label("network share of hardware cost");
const HARDWARE_LIFE_YEARS: Field =
    num("hardware_life_years", "years", true, "depreciation life of accelerators and servers")
        .positive()
        .label("hardware depreciation life");
const COST_OF_CAPITAL: Field =
    num("cost_of_capital", "fraction/year", true, "annual cost of capital").label("cost of capital");
const MAINTENANCE: Field =
    num("maintenance_fraction_per_year", "fraction/year", true, "maintenance per hardware capex")
        .label("hardware maintenance rate");
const PRICE_DECAY: Field = num(
    "price_decay_oom_per_year",
    "OOM/year",
    true,
    "how fast hardware loses value: orders of magnitude a year (price-performance)",
)
.between(0.0, 1.0)
.label("hardware value decay");
const PUE: Field = num("pue", "ratio", true, "power usage effectiveness").at_least_one().label("PUE");
const FACILITY_CAPEX: Field =
    num("capex_usd_per_mw", "USD/MW", true, "construction cost per MW of IT load").label("construction cost");

/// `f` under another name (a server's `power_multiplier` is a method's `server_power_multiplier`).
const fn renamed(f: Field, name: &'static str) -> Field {
    Field { name, ..f }
}

/// One field of a group must be given when another field has a value (a flat tariff in
/// USD or in CNY, say).
#[derive(Clone, Copy, Debug)]
pub struct OneOf {
    pub fields: &'static [&'static str],
    /// Only when this (text) field has this value; always when `None`.
    pub when: Option<(&'static str, &'static str)>,
}

/// A kind of entry: keyed kinds hold many entries (`accelerator.h100-sxm.tdp_w`), unkeyed
/// kinds hold one (`ownership.cost_of_capital`).
#[derive(Clone, Copy, Debug)]
pub struct Kind {
    pub name: &'static str,
    pub keyed: bool,
    pub doc: &'static str,
    pub fields: &'static [Field],
    pub one_of: &'static [OneOf],
}

impl Kind {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
    pub fn field_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().map(|f| f.name)
    }
}

const fn need(required: bool) -> Need {
    if required { Need::Always } else { Need::Optional }
}
const fn num(name: &'static str, unit: &'static str, required: bool, doc: &'static str) -> Field {
    Field {
        name,
        ty: FieldType::Number(unit),
        need: need(required),
        bound: Bound::NonNegative,
        choices: &[],
        refers: None,
        doc,
        label: "",
    }
}
const fn text(name: &'static str, required: bool, doc: &'static str) -> Field {
    Field {
        name,
        ty: FieldType::Text,
        need: need(required),
        bound: Bound::NonNegative,
        choices: &[],
        refers: None,
        doc,
        label: "",
    }
}
const fn choice(
    name: &'static str,
    choices: &'static [&'static str],
    required: bool,
    doc: &'static str,
) -> Field {
    Field {
        name,
        ty: FieldType::Text,
        need: need(required),
        bound: Bound::NonNegative,
        choices,
        refers: None,
        doc,
        label: "",
    }
}
const fn list(name: &'static str, required: bool, doc: &'static str) -> Field {
    Field {
        name,
        ty: FieldType::TextList,
        need: need(required),
        bound: Bound::NonNegative,
        choices: &[],
        refers: None,
        doc,
        label: "",
    }
}

/// Precisions for which an accelerator may state a dense peak.
pub const PRECISIONS: &[&str] = &["bf16", "fp8"];
/// Scanner classes (`fab::ToolClass`).
pub const TOOL_CLASSES: &[&str] = &["high-na", "euv", "arfi", "arf-dry", "krf", "i-line"];
/// Yield models (`fab::YieldModel`).
pub const YIELD_MODELS: &[&str] = &["poisson", "murphy", "seeds", "negbin"];
/// Package kinds (`chip::PackageKind`).
pub const PACKAGE_KINDS: &[&str] = &["cowos-s", "cowos-l", "organic"];
/// The report's accounts, in the order the report gives them.
pub const ACCOUNTS: &[&str] = &["tools", "packaging", "capacity", "electricity", "strategy"];
/// Whether a published figure is for a past year or forecast before it.
pub const STATUSES: &[&str] = &["actual", "forecast"];
/// How a claim's figure is read (`accounts::verdict::Reads`).
pub const CLAIM_READINGS: &[&str] = &["about", "at least", "at most"];
/// Commands a method may apply to.
pub const METHOD_LEDGERS: &[&str] = &["train", "wafer", "chip", "fleet"];
/// Ways of counting gross dies (`fab::Count`).
pub const COUNTS: &[&str] = &["exact", "analytic"];
/// Ways a fleet's scanners become wafer starts: the ledger's layer-by-layer scanner-hours, a
/// fixed number per scanner, or rated throughput over the EUV layers.
pub const CAPACITY_RULES: &[&str] = &["exposures", "per-scanner", "rated-throughput"];
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
            num("die_area_mm2", "mm2", false, "total compute-die area").positive().label("compute-die area"),
            num("transistors", "count", false, "transistors on the compute dies")
                .positive()
                .label("transistor count"),
            num("bf16_tflops", "TFLOP/s", true, "peak dense BF16 throughput")
                .positive()
                .label("peak BF16 throughput"),
            num("fp8_tflops", "TFLOP/s", false, "peak dense FP8 throughput")
                .positive()
                .label("peak FP8 throughput"),
            num("memory_gb", "GB", true, "HBM capacity").positive().label("HBM capacity"),
            num("memory_tbps", "TB/s", false, "HBM bandwidth").positive().label("HBM bandwidth"),
            num("tdp_w", "W", true, "thermal design power of the accelerator")
                .positive()
                .label("thermal design power"),
            num("price_usd", "USD", false, "market price of one accelerator").positive().label("price"),
            text("price_date", false, "the date the price was paid or quoted, YYYY-MM-DD (from which it is decayed to a run's start)"),
            num("build_markup", "ratio", false, "price over build cost, when priced from its bill of materials")
                .label("markup over build cost"),
            num("rental_usd_per_hour", "USD/h", false, "cloud rental per accelerator-hour")
                .label("hourly rental price"),
            // Its own server, where it is not a typical GPU server's (a TPU host, say).
            renamed(SERVER_POWER_MULTIPLIER, "server_power_multiplier").optional(),
            AVG_POWER_FRACTION.optional(),
            renamed(SERVER_CAPEX_FRACTION, "server_capex_fraction").optional(),
        ],
        one_of: &[OneOf { fields: &["price_usd", "build_markup"], when: None }],
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
            num("tariff_usd_per_kwh", "USD/kWh", false, "flat all-in price in USD")
                .label("flat electricity price"),
            num("tariff_cny_per_kwh", "CNY/kWh", false, "flat all-in price in CNY")
                .label("flat electricity price in yuan"),
            num("energy_cny_per_kwh", "CNY/kWh", false, "energy (on-grid) price")
                .positive()
                .when("tariff_model", "two-part")
                .label("on-grid energy price"),
            num("line_loss_fraction", "fraction", false, "on-grid line-loss rate")
                .when("tariff_model", "two-part")
                .label("grid line-loss rate"),
            num("td_cny_per_kwh", "CNY/kWh", false, "transmission and distribution energy rate")
                .when("tariff_model", "two-part")
                .label("transmission and distribution rate"),
            num("demand_cny_per_kw_month", "CNY/kW-month", false, "maximum-demand charge")
                .when("tariff_model", "two-part")
                .label("maximum-demand charge"),
            num("system_op_cny_per_kwh", "CNY/kWh", false, "system operation charge")
                .when("tariff_model", "two-part")
                .label("system operation charge"),
            num("funds_cny_per_kwh", "CNY/kWh", false, "government funds and surcharges")
                .when("tariff_model", "two-part")
                .label("government funds and surcharges"),
            num("vat_rate", "fraction", true, "value-added tax included in the quoted prices")
                .label("VAT rate"),
            num("dc_deal_cny_per_kwh", "CNY/kWh", false, "a published special data-centre rate")
                .label("special data-centre rate"),
            num("grid_kgco2_per_kwh", "kgCO2/kWh", true, "grid carbon intensity")
                .label("grid carbon intensity"),
            num("pue", "ratio", true, "typical power usage effectiveness of its data centres")
                .at_least_one()
                .label("typical PUE"),
        ],
        one_of: &[OneOf {
            fields: &["tariff_usd_per_kwh", "tariff_cny_per_kwh"],
            when: Some(("tariff_model", "flat")),
        }],
    },
    Kind {
        name: "facility",
        keyed: true,
        doc: "data-centre facility kinds: PUE, construction cost per MW of IT load, life",
        fields: &[
            text("name", true, "description"),
            PUE,
            FACILITY_CAPEX,
            num("life_years", "years", true, "depreciation life of the building and plant")
                .positive()
                .label("depreciation life"),
        ],
        one_of: &[],
    },
    Kind {
        name: "server",
        keyed: false,
        doc: "the server and network around each accelerator",
        fields: &[
            SERVER_POWER_MULTIPLIER,
            AVG_POWER_FRACTION,
            SERVER_CAPEX_FRACTION,
            NETWORK_CAPEX_FRACTION,
        ],
        one_of: &[],
    },
    Kind {
        name: "ownership",
        keyed: false,
        doc: "how owned hardware is paid for",
        fields: &[
            HARDWARE_LIFE_YEARS,
            COST_OF_CAPITAL,
            PRICE_DECAY,
            MAINTENANCE,
        ],
        one_of: &[],
    },
    Kind {
        name: "training",
        keyed: false,
        doc: "how efficiently a training run uses its hardware",
        fields: &[
            num("mfu", "fraction", true, "model FLOP utilisation").positive().label("model FLOP utilisation"),
            num("goodput", "fraction", true, "share of paid hours that make progress")
                .positive()
                .label("training goodput"),
            num("flop_per_param_token", "FLOP", true, "training FLOP per parameter per token")
                .positive()
                .label("training compute per parameter-token"),
        ],
        one_of: &[],
    },
    Kind {
        name: "power",
        keyed: false,
        doc: "how a data centre buys power",
        fields: &[
            num("load_factor", "fraction", true, "average over contracted maximum demand")
                .positive()
                .label("data-centre load factor"),
            num(
                "high_use_demand_factor",
                "fraction",
                true,
                "share of the demand charge billed to high-use users",
            )
            .label("high-use demand charge share"),
            num(
                "high_use_threshold_kwh_per_kw_month",
                "kWh/kW-month",
                true,
                "monthly use per kW that counts as high",
            )
            .label("high-use threshold"),
        ],
        one_of: &[],
    },
    Kind {
        name: "fx",
        keyed: false,
        doc: "exchange rates",
        fields: &[
            num("cny_per_usd", "CNY/USD", true, "yuan per US dollar")
                .positive()
                .label("dollar-to-yuan exchange rate"),
            num("usd_per_eur", "USD/EUR", true, "US dollars per euro")
                .positive()
                .label("euro-to-dollar exchange rate"),
        ],
        one_of: &[],
    },
    Kind {
        name: "scanner",
        keyed: true,
        doc: "lithography scanners: throughput, price, life, uptime, power, running costs",
        fields: &[
            text("name", true, "model name"),
            choice("class", TOOL_CLASSES, true, "scanner class"),
            num("wph", "wafers/h", true, "rated throughput at the stated dose")
                .positive()
                .label("throughput"),
            num("dose_mj_cm2", "mJ/cm2", false, "dose at which the throughput is rated")
                .positive()
                .label("rated dose"),
            num("price_eur", "EUR", true, "average selling price").positive().label("price"),
            num("life_years", "years", true, "depreciation life").positive().label("depreciation life"),
            num("availability", "fraction", true, "share of the year the tool is up")
                .positive()
                .label("availability"),
            num("effective_fraction", "fraction", true, "realised over rated throughput while up")
                .positive()
                .label("effective throughput share"),
            num("power_kw", "kW", true, "electrical power draw").label("power draw"),
            num("service_fraction_per_year", "fraction/year", true, "service contract per tool price")
                .label("service contract rate"),
            num("consumables_usd_per_exposure", "USD", true, "resist and other consumables per wafer pass")
                .label("consumables per exposure"),
            num("overlay_nm", "nm", false, "matched-machine overlay: the layers it can print against another scanner's")
                .positive()
                .label("matched-machine overlay"),
        ],
        one_of: &[],
    },
    Kind {
        name: "scheme",
        keyed: true,
        doc: "patterning schemes: exposures and masks per layer, extra steps, defects, pitch",
        fields: &[
            text("name", true, "description"),
            choice("class", TOOL_CLASSES, true, "scanner class that prints it"),
            num("exposures", "count", true, "exposures (wafer passes) per layer")
                .positive()
                .label("exposures per layer"),
            num("masks", "count", true, "masks per layer").positive().label("masks per layer"),
            num("extra_steps", "count", true, "deposition, etch and clean steps added per layer")
                .label("extra process steps per layer"),
            num("defect_adder_per_cm2", "1/cm2", true, "defect density added per layer")
                .label("defect density added per layer"),
            num("min_pitch_nm", "nm", true, "finest pitch it prints in production")
                .positive()
                .label("minimum pitch"),
            num("throughput_factor", "fraction", true, "a scanner's throughput on this scheme's layers over its effective throughput")
                .positive()
                .label("scanner throughput factor"),
            num("overlay_budget_nm", "nm", false, "the scanner overlay its layers need, if tight: a scanner above it cannot print them")
                .positive()
                .label("overlay budget"),
        ],
        one_of: &[],
    },
    Kind {
        name: "mask",
        keyed: true,
        doc: "photomask cost by scanner class, at the 7 nm generation (nodes scale it by their mask price index)",
        fields: &[
            num("cost_usd", "USD", true, "price of one mask at the 7 nm generation")
                .positive()
                .label("mask price at 7 nm"),
        ],
        one_of: &[],
    },
    Kind {
        name: "node",
        keyed: true,
        doc: "process nodes: scanners, defect density, density, steps and costs per wafer",
        fields: &[
            text("name", true, "description"),
            list("scanners", true, "scanner model used for each class").refers("scanner"),
            num("d0_per_cm2", "1/cm2", true, "defect density before the schemes' adders, in the year given")
                .label("defect density"),
            num("d0_floor_per_cm2", "1/cm2", false, "the defect density learning takes it towards, when still learning")
                .positive()
                .label("defect density floor"),
            num("density_mtr_mm2", "MTr/mm2", false, "logic transistor density")
                .positive()
                .label("logic transistor density"),
            num("steps_per_mask", "count", true, "process steps per mask layer")
                .positive()
                .label("process steps per mask"),
            num("cost_per_step_usd", "USD", true, "cost of a non-lithography process step per wafer")
                .label("cost per process step"),
            num("substrate_usd", "USD", true, "bare wafer").label("bare wafer price"),
            num("overhead_fraction", "fraction", true, "fab overhead on direct cost").label("fab overhead"),
            num("days_per_mask", "days", true, "cycle time per mask layer")
                .positive()
                .label("cycle time per mask layer"),
            num("gross_margin", "fraction", true, "foundry gross margin")
                .below_one()
                .label("foundry gross margin"),
            num("wafers_per_mask_set", "count", true, "wafers a design's mask set is spread over")
                .positive()
                .label("wafers per mask set"),
            num("mask_price_index", "ratio", true, "price of a mask at this node over the 7 nm-generation price of its class")
                .positive()
                .label("mask price index"),
            num("other_capex_usd_per_wpm", "USD/wpm", true, "fab capital per wafer start a month of capacity beyond its litho cells (scanners, tracks, metrology)")
                .label("non-lithography fab capital"),
            num("published_wafer_price_usd", "USD", false, "a published wafer price, for comparison")
                .positive()
                .label("published wafer price"),
            num("density_index", "ratio", false, "logic density relative to TSMC N7")
                .positive()
                .label("logic density vs TSMC N7"),
            num("power_index", "ratio", false, "power at equal speed relative to TSMC N5")
                .positive()
                .label("power vs TSMC N5"),
        ],
        one_of: &[],
    },
    Kind {
        name: "layer",
        keyed: true,
        doc: "layer groups of process nodes: how many layers each scheme prints",
        fields: &[
            text("name", true, "what the layers are"),
            text("node", true, "node id").refers("node"),
            text("scheme", true, "scheme id").refers("scheme"),
            num("count", "count", true, "layers in the group").label("layer count"),
            num("pitch_nm", "nm", false, "the group's finest pitch, checked against the scheme")
                .positive()
                .label("finest pitch"),
        ],
        one_of: &[],
    },
    Kind {
        name: "die",
        keyed: true,
        doc: "reference dies",
        fields: &[
            text("name", true, "what the die is"),
            num("width_mm", "mm", true, "die width (0.1-450 mm: a die is on a wafer, and bigger than a speck)")
                .between(0.1, 450.0)
                .label("width"),
            num("height_mm", "mm", true, "die height (0.1-450 mm)").between(0.1, 450.0).label("height"),
        ],
        one_of: &[],
    },
    Kind {
        name: "fab",
        keyed: false,
        doc: "wafer geometry and fab-wide operating figures",
        fields: &[
            num("wafer_mm", "mm", true, "wafer diameter (25-450 mm: from one-inch research wafers to the 450 mm standard)")
                .between(25.0, 450.0)
                .label("wafer diameter"),
            num("edge_exclusion_mm", "mm", true, "unusable ring at the wafer edge (0-20 mm)")
                .between(0.0, 20.0)
                .label("wafer edge exclusion"),
            num("scribe_mm", "mm", true, "scribe line between dies (0-2 mm; real lines are 0.05-0.2 mm)")
                .between(0.0, 2.0)
                .label("scribe line width"),
            num("reticle_width_mm", "mm", true, "reticle field width (1-60 mm; 26 mm on every scanner made)")
                .between(1.0, 60.0)
                .label("reticle field width"),
            num("reticle_height_mm", "mm", true, "reticle field height (1-60 mm; 33 mm)")
                .between(1.0, 60.0)
                .label("reticle field height"),
            num("high_na_reticle_height_mm", "mm", true, "reticle field height of High-NA (half field; 1-60 mm)")
                .between(1.0, 60.0)
                .label("High-NA reticle field height"),
            num("tool_utilization", "fraction", true, "share of up-time a scanner is loaded")
                .positive()
                .label("scanner utilisation"),
            num("cost_of_capital", "fraction/year", true, "annual cost of capital of a fab")
                .label("fab cost of capital"),
            num("electricity_usd_per_kwh", "USD/kWh", true, "fab electricity price")
                .label("fab electricity price"),
            num("litho_steps_per_exposure", "count", true, "process steps of one lithography pass")
                .positive()
                .label("lithography process steps per exposure"),
            num("litho_step_time_factor", "ratio", true, "time of a litho step against another step")
                .positive()
                .label("relative lithography step time"),
            num("negbin_alpha", "ratio", true, "defect clustering of the negative binomial model")
                .positive()
                .label("defect clustering"),
            num("track_usd_per_exposure", "USD", true, "coat-and-develop track cost of one exposure")
                .label("track cost per exposure"),
            num("metrology_usd_per_exposure", "USD", true, "litho metrology (CD, overlay) cost of one exposure")
                .label("metrology cost per exposure"),
            num("capex_life_years", "years", true, "years over which a fab's capital is recovered")
                .positive()
                .label("fab capital recovery period"),
            choice("yield_model", YIELD_MODELS, true, "default yield model"),
        ],
        one_of: &[],
    },
    Kind {
        name: "package",
        keyed: true,
        doc: "accelerator bills of materials: dies, HBM, interposer, assembly, test, module",
        fields: &[
            text("node", true, "process node of the compute dies").refers("node"),
            num("die_area_mm2", "mm2", true, "area of one compute die").positive().label("compute-die area"),
            text("die", false, "the compute die's published width and height (a die entry), where known: the die keeps its shape on the wafer instead of being taken square").refers("die"),
            num("die_count", "count", true, "compute dies in the package")
                .positive()
                .label("compute-die count"),
            text("io_node", false, "process node of the I/O dies, if separate").refers("node"),
            num("io_die_area_mm2", "mm2", false, "area of one I/O die").positive().label("I/O die area"),
            num("io_die_count", "count", false, "I/O dies in the package").positive().label("I/O die count"),
            text("hbm_generation", true, "HBM generation"),
            num("hbm_stacks", "count", true, "HBM stacks").label("HBM stack count"),
            num("hbm_gb_per_stack", "GB", true, "capacity of a stack").label("HBM capacity per stack"),
            num("hbm_usd_per_gb", "USD/GB", true, "HBM price per GB").label("HBM price"),
            choice("package_kind", PACKAGE_KINDS, true, "silicon interposer, bridge (CoWoS-L) or organic"),
            num("interposer_area_mm2", "mm2", false, "silicon interposer area")
                .positive()
                .label("interposer area"),
            num("interposer_count", "count", false, "silicon interposers in the package")
                .positive()
                .label("interposer count"),
            num("substrate_and_bonding_usd", "USD", true, "organic substrate, die and HBM bonding, underfill")
                .label("substrate and bonding cost"),
            num("final_test_usd", "USD", true, "final assembly and test of the accelerator")
                .label("final assembly and test cost"),
            num("packaging_yield", "fraction", true, "share of assembled packages that work")
                .positive()
                .label("packaging yield"),
            num("module_usd", "USD", true, "module or board, power delivery, heat spreader")
                .label("module cost"),
            num("published_build_cost_usd", "USD", false, "a published build-cost estimate, for comparison")
                .positive()
                .label("published build cost"),
        ],
        one_of: &[],
    },
    Kind {
        name: "packaging",
        keyed: false,
        doc: "advanced packaging: interposer wafers, bridges, known-good-die test",
        fields: &[
            num("interposer_wafer_usd", "USD", true, "a processed 300 mm silicon interposer wafer")
                .positive()
                .label("silicon interposer wafer price"),
            num("interposer_d0_per_cm2", "1/cm2", true, "defect density of a passive interposer")
                .label("interposer defect density"),
            num("cowos_l_interposer_usd", "USD", true, "RDL interposer with bridge dies, per package")
                .label("CoWoS-L interposer cost"),
            num("kgd_test_usd_per_die", "USD", true, "known-good-die test of one die")
                .label("known-good-die test cost"),
            num("silicon_interposer_max_mm2", "mm2", true, "largest silicon interposer (CoWoS-S)")
                .positive()
                .label("largest silicon interposer"),
            num("port_logic_share", "fraction", true, "share of a die's area that scales with logic density when ported")
                .positive()
                .label("logic-scaling share of die area"),
        ],
        one_of: &[],
    },
    Kind {
        name: "chiplet",
        keyed: false,
        doc: "splitting a die into chiplets: die-to-die overhead, bonding, package cost",
        fields: &[
            num("d2d_area_fraction", "fraction", true, "die-to-die interface area added to each chiplet")
                .label("die-to-die interface overhead"),
            num("bond_yield_per_die", "fraction", true, "share of chiplet bonds that work")
                .positive()
                .label("chiplet bond yield"),
            num("bond_usd_per_die", "USD", true, "bonding cost per chiplet").label("chiplet bonding cost"),
            num("package_usd_per_mm2", "USD/mm2", true, "package cost per mm² of silicon placed")
                .label("chiplet package cost"),
        ],
        one_of: &[],
    },
    Kind {
        name: "run",
        keyed: true,
        doc: "published training runs",
        fields: &[
            text("name", true, "model name"),
            text("accelerator", true, "accelerator id").refers("accelerator"),
            text("region", true, "region id of the cluster, as near as is known").refers("region"),
            choice("precision", PRECISIONS, true, "main training precision"),
            num("accelerators", "count", true, "accelerators in the cluster")
                .positive()
                .label("cluster size"),
            num("accelerator_hours", "h", true, "accelerator-hours reported")
                .positive()
                .label("accelerator-hours"),
            num("params_active", "params", true, "parameters active per token")
                .positive()
                .label("active parameters"),
            num("params_total", "params", false, "all parameters").positive().label("total parameters"),
            num("tokens", "tokens", true, "training tokens").positive().label("training tokens"),
            num("compute_hours", "h", false, "the part of the hours that the tokens' compute took")
                .positive()
                .label("hours of useful compute"),
            num("goodput", "fraction", true, "goodput that the reported hours imply")
                .positive()
                .label("implied goodput"),
            num("rental_usd_per_hour", "USD/h", false, "rental price the publisher assumed")
                .label("assumed rental price"),
            num("reported_cost_usd", "USD", false, "cost the publisher reported").label("reported cost"),
            num("reported_emissions_tco2e", "tCO2e", false, "emissions the publisher reported")
                .label("reported emissions"),
            text("start_date", false, "the day training began, YYYY-MM-DD, where published or estimated"),
        ],
        one_of: &[],
    },
    Kind {
        name: "fleet",
        keyed: false,
        doc: "the capacity ledger's defaults: the report's fleet, HBM flow and yardsticks",
        fields: &[
            num("run_days", "days", true, "days the largest run of a year's output trains for")
                .positive()
                .label("training run length"),
            num("report_arfi_scanners", "count", true, "immersion scanners of the report's DUV-only fleet")
                .positive()
                .label("immersion scanners in DUV fleet"),
            text("report_scanner", true, "the scanner model of the report's fleet").refers("scanner"),
            num("report_wafer_starts_per_month", "wafers/month", true, "wafer starts a month given to the report's accelerators")
                .positive()
                .label("accelerator wafer starts"),
            num("die_bank_dies", "count", true, "compute dies made abroad before the controls, in the bank")
                .label("dies banked before controls"),
            num("die_bank_months", "months", true, "months over which the bank's dies are drawn")
                .positive()
                .label("die bank drawdown period"),
            num("report_interposer_wafers_per_month", "wafers/month", true, "advanced-packaging (interposer) wafers a month the report's fleet can draw on")
                .label("interposer wafer supply"),
            text("report_node", true, "the node the report's fleet makes").refers("node"),
            text("report_accelerator", true, "the report's fleet's main design (first of its mix)").refers("accelerator"),
            text("report_region", true, "where the report's fleet output is powered").refers("region"),
            text("mature_node", true, "the mature node whose output a fleet gives up").refers("node"),
            list("backtest", false, "reported output the report's fleet is set beside").refers("market"),
        ],
        one_of: &[],
    },
    Kind {
        name: "fleet_mix",
        keyed: true,
        doc: "the accelerators the report's fleet makes, with their shares of the packages",
        fields: &[
            text("accelerator", true, "the accelerator").refers("accelerator"),
            num("share", "fraction", true, "its share of the packages (the mix's shares are taken relative to their sum)")
                .positive()
                .label("share of fleet packages"),
        ],
        one_of: &[],
    },
    Kind {
        name: "memory",
        keyed: false,
        doc: "HBM as a stock and a flow: the stacks bought before the controls, and domestic lines",
        fields: &[
            num("stock_stacks", "count", true, "HBM stacks in stock when the controls took effect")
                .label("HBM stockpile"),
            num("drawdown_months", "months", true, "months over which the stock is drawn")
                .positive()
                .label("HBM stockpile drawdown period"),
            num("stock_share", "fraction", true, "share of the stock that goes to the report's accelerators")
                .label("HBM stockpile share for fleet"),
            num("domestic_stacks_per_month", "stacks/month", true, "domestic HBM stacks a month in the data's year")
                .label("domestic HBM output"),
            num("dram_wafers_for_hbm_per_month", "wafers/month", true, "DRAM wafer starts a month the domestic HBM lines can take")
                .label("DRAM wafers for domestic HBM"),
            num("stacks_per_wafer", "count", true, "good HBM stacks a DRAM wafer gives, die and stacking yields included")
                .label("good HBM stacks per DRAM wafer"),
        ],
        one_of: &[],
    },
    Kind {
        name: "market",
        keyed: true,
        doc: "market figures the report cites for context (capacity, shares, output)",
        fields: &[
            text("what", true, "what the figure measures, in words"),
            text("accelerator", false, "the accelerator a count is of, if one (else every model)").refers("accelerator"),
            num("share", "fraction", false, "a share").label("share"),
            num("wafers_per_month", "wafers/month", false, "a capacity in 300 mm-equivalent wafers a month")
                .label("wafer capacity"),
            num("units", "count", false, "a count of units").label("unit count"),
        ],
        one_of: &[OneOf { fields: &["share", "wafers_per_month", "units"], when: None }],
    },
    Kind {
        name: "asml_quarter",
        keyed: true,
        doc: "ASML's quarterly system sales: total, EUV's share, China's share (ids: 2024q1)",
        fields: &[
            num("system_sales_eur", "EUR", true, "net system sales in the quarter")
                .positive()
                .label("ASML net system sales"),
            num("euv_share", "fraction", true, "EUV systems' share of net system sales")
                .below_one()
                .label("EUV share of ASML sales"),
            num("cn_share", "fraction", true, "customers in mainland China's share of net system sales")
                .label("China share of ASML sales"),
            num("arfi_units", "count", false, "ArF immersion systems recognised in the quarter")
                .label("ASML immersion systems sold"),
        ],
        one_of: &[],
    },
    Kind {
        name: "mature_capacity",
        keyed: true,
        doc: "published shares of the world's mature (28 nm and older) capacity, by year and source",
        fields: &[
            num("year", "year", true, "the year the shares are for").positive().label("estimate year"),
            choice("status", STATUSES, true, "an estimate for a past year, or a forecast"),
            text("basis", true, "what is counted: foundry capacity, or every fab"),
            num("cn_share", "fraction", true, "China's share").label("China's share of mature capacity"),
            num("tw_share", "fraction", false, "Taiwan's share, where the same source gives it")
                .label("Taiwan's share of mature capacity"),
        ],
        one_of: &[],
    },
    Kind {
        name: "claim",
        keyed: true,
        doc: "claims of the source commentary, as data to test",
        fields: &[
            text("says", true, "the claim in words, as the commentary makes it"),
            text("reading", true, "the proposition the report tests"),
            text("actor", true, "whose numbers answer it (a company, a country, the world)"),
            choice("account", ACCOUNTS, true, "the report's account that gives its verdict"),
            num("value", "fraction", false, "the share the claim states, if any").label("stated share"),
            num("count", "count", false, "the count the claim states, if any").label("stated count"),
            choice("reads", CLAIM_READINGS, false, "how the figure is read: about (low-high), at least (low), at most (high)"),
            text("country", false, "the country whose regions the claim is about, if any"),
            list("against", false, "regions the claim compares with, if any").refers("region"),
            list("measures", false, "market figures that measure the claim, if any").refers("market"),
            list("context", false, "market figures the verdict cites beside its measures, if any").refers("market"),
        ],
        one_of: &[],
    },
    Kind {
        name: "strategy",
        keyed: false,
        doc: "the strategy ledger: compute now or lithography first, year by year (DESIGN.md §6)",
        fields: &[
            num("start_year", "year", true, "first year simulated").positive().label("strategy start year"),
            num("end_year", "year", true, "last year simulated").positive().label("strategy end year"),
            list("paths", true, "the paths compared when none are named, the baseline first").refers("path"),
            text("accelerator", true, "the accelerator design every path buys, on each node").refers("accelerator"),
            text("region", true, "where the accelerators are powered").refers("region"),
            text("duv_node", true, "the node made without EUV, available from the start").refers("node"),
            list("euv_nodes", true, "the nodes EUV opens, in the order they come").refers("node"),
            text("euv_scanner", true, "the scanner a domestic EUV tool is taken to perform like").refers("scanner"),
            num("budget_usd", "USD/year", true, "the budget of the first year, for compute and lithography R&D")
                .positive()
                .label("first-year budget"),
            num("budget_growth", "ratio/year", true, "the budget of each year over the year before")
                .label("yearly budget growth"),
            num("rd_needed_usd", "USD", true, "cumulative lithography R&D spend from the start year at which EUV arrives")
                .positive()
                .label("lithography R&D needed for EUV"),
            num("euv_earliest_year", "year", true, "EUV arrives in no year before this, whatever the spend")
                .positive()
                .label("earliest EUV year"),
            num("euv_node_lag_years", "years", true, "years from one EUV node to the next")
                .label("gap between EUV nodes"),
            num("euv_tools_first_year", "count/year", true, "EUV tools made in the year EUV arrives")
                .label("EUV tools made in first year"),
            num("euv_tools_growth", "ratio/year", true, "EUV tools made each year over the year before")
                .label("EUV tool output growth"),
            num("euv_tools_max_per_year", "count/year", true, "the most EUV tools made in a year")
                .label("EUV tool output ceiling"),
            list("imports", true, "the import rules in force over the horizon (entries of `import`)").refers("import"),
            num("duv_wafers_per_month", "wafers/month", true, "DUV-node wafer starts a month for accelerators in the start year")
                .positive()
                .label("initial DUV wafer starts"),
            num("duv_wafers_ceiling", "wafers/month", true, "the most DUV-node wafer starts a month for accelerators can reach")
                .positive()
                .label("DUV wafer starts ceiling"),
            num("duv_ramp_rate", "1/year", true, "logistic rate of the DUV wafer starts' growth towards their ceiling")
                .label("DUV ramp rate"),
            num("duv_capex_usd_per_wpm", "USD/wpm", true, "capital for one more DUV wafer start a month")
                .positive()
                .label("DUV capacity capital cost"),
            num("duv_lead_years", "years", true, "years from ordering DUV capacity to its output (0-200, the longest horizon)")
                .between(0.0, 200.0)
                .label("DUV capacity lead time"),
            num("hbm_ceiling_stacks_per_month", "stacks/month", true, "the most domestic HBM stacks a month can reach")
                .positive()
                .label("domestic HBM output ceiling"),
            num("hbm_ramp_rate", "1/year", true, "logistic rate of domestic HBM's growth towards its ceiling")
                .label("HBM ramp rate"),
            num("hbm_capex_usd_per_stack_month", "USD/(stack/month)", true, "capital for one more HBM stack a month")
                .positive()
                .label("HBM capacity capital cost"),
            num("hbm_lead_years", "years", true, "years from ordering HBM capacity to its output (0-200, the longest horizon)")
                .between(0.0, 200.0)
                .label("HBM capacity lead time"),
            num("packaging_ceiling_wafers_per_month", "wafers/month", true, "the most advanced-packaging (interposer) wafers a month can reach")
                .positive()
                .label("packaging capacity ceiling"),
            num("packaging_ramp_rate", "1/year", true, "logistic rate of packaging's growth towards its ceiling")
                .label("packaging ramp rate"),
            num("packaging_capex_usd_per_wpm", "USD/wpm", true, "capital for one more packaging wafer a month")
                .positive()
                .label("packaging capacity capital cost"),
            num("packaging_lead_years", "years", true, "years from ordering packaging capacity to its output (0-200, the longest horizon)")
                .between(0.0, 200.0)
                .label("packaging capacity lead time"),
            num("euv_programme_start", "year", true, "the year the EUV programme began")
                .positive()
                .label("EUV programme start year"),
            num("euv_natural_years", "years", true, "the programme's length at its natural pace; a shorter one needs more R&D")
                .positive()
                .label("EUV programme natural length"),
            num("euv_time_cost_elasticity", "ratio", true, "R&D needed rises as (natural length ÷ elapsed years) to this power")
                .label("EUV time-cost elasticity"),
            num("euv_wph_first", "wafers/hour", true, "a domestic EUV tool's throughput in the year EUV arrives")
                .positive()
                .label("first domestic EUV throughput"),
            num("euv_wph_learning_rate", "1/year", true, "logistic rate of the tools' throughput towards the mature scanner's")
                .label("EUV throughput learning rate"),
            num("euv_availability_first", "fraction", true, "a domestic EUV tool's availability in the year EUV arrives")
                .positive()
                .label("first domestic EUV availability"),
            num("euv_availability_years", "years", true, "years for availability to reach the mature scanner's, in a straight line")
                .positive()
                .label("EUV availability learning time"),
            num("d0_new_node", "1/cm2", true, "defect density of an EUV node in its first year")
                .positive()
                .label("new EUV node defect density"),
            num("d0_learning_years", "years", true, "years for a node's excess defect density to fall by a factor e")
                .positive()
                .label("defect density learning time"),
            num("accelerator_markup", "ratio", true, "price of an accelerator over its build cost")
                .label("accelerator markup over build cost"),
            num("tariff_trend", "ratio/year", true, "the region's electricity price each year over the year before")
                .positive()
                .label("yearly electricity price trend"),
            num("lead_margin", "fraction", true, "a lead smaller than this share is called a tie")
                .label("tie margin"),
        ],
        one_of: &[],
    },
    Kind {
        name: "import",
        keyed: true,
        doc: "an export rule in force for imported accelerators: the part, the dates, a volume, a levy, and the share let in",
        fields: &[
            text("name", true, "the rule in words"),
            text("accelerator", true, "the part the rule allows").refers("accelerator"),
            num("open_from", "year", true, "when it may first be bought (a decimal year)")
                .label("opening date"),
            num("open_to", "year", true, "when it may no longer be bought (a decimal year)")
                .label("closing date"),
            num("units_per_year", "count/year", true, "the most that can be bought in a year while it is open")
                .label("yearly volume cap"),
            num("levy", "fraction", true, "a levy, tariff or premium on its price, paid by the buyer")
                .label("levy on price"),
            num("acceptance", "fraction", true, "the share the importing country lets in")
                .label("share let in"),
        ],
        one_of: &[],
    },
    Kind {
        name: "path",
        keyed: true,
        doc: "a rule for splitting the strategy's budget between compute and lithography R&D",
        fields: &[
            text("name", true, "what the path is called in words"),
            num("rd_share", "fraction", true, "share of each year's budget spent on lithography R&D until EUV arrives")
                .label("R&D share before EUV"),
            num("rd_share_after", "fraction", false, "share spent on R&D once EUV has arrived (0 if not given)")
                .label("R&D share after EUV"),
        ],
        one_of: &[],
    },
    Kind {
        name: "method",
        keyed: true,
        doc: "published methods as presets (--method): the numbers and rules a peer's model uses in place of the defaults",
        fields: &[
            text("name", true, "the method and who published it"),
            list("ledgers", true, "the commands the method applies to: train, wafer, chip or fleet"),
            text("summary", true, "what the method does differently, in a sentence"),
            PRICE_DECAY.optional(),
            renamed(SERVER_CAPEX_FRACTION, "server_capex_fraction").optional(),
            NETWORK_CAPEX_FRACTION.optional(),
            HARDWARE_LIFE_YEARS.optional(),
            COST_OF_CAPITAL.optional(),
            MAINTENANCE.optional(),
            renamed(FACILITY_CAPEX, "facility_capex_usd_per_mw").optional(),
            renamed(SERVER_POWER_MULTIPLIER, "server_power_multiplier").optional(),
            AVG_POWER_FRACTION.optional(),
            PUE.optional(),
            num("wafers_per_month_per_scanner", "wafers/month", false, "wafer starts a month each DUV immersion scanner carries, at any node")
                .positive()
                .label("wafer starts a month per scanner"),
            num("chips_per_wafer", "count", false, "good accelerators per wafer, fixed")
                .positive()
                .label("accelerators per wafer"),
            num("scanner_utilization", "fraction", false, "share of a month's hours a scanner exposes at its rated throughput")
                .positive()
                .label("scanner utilisation"),
            choice("count", COUNTS, false, "how gross dies are counted"),
            choice("capacity", CAPACITY_RULES, false, "how scanners become wafer starts"),
        ],
        one_of: &[],
    },
    Kind {
        name: "defaults",
        keyed: false,
        doc: "default choices of the commands and the report",
        fields: &[
            text("accelerator", true, "accelerator when none is named").refers("accelerator"),
            text("region", true, "region when none is named").refers("region"),
            text("facility", true, "facility kind when none is named").refers("facility"),
            choice("precision", PRECISIONS, true, "precision when none is named"),
            text("report_run", true, "the reference run of the electricity account").refers("run"),
            list("report_regions", true, "regions the electricity account compares").refers("region"),
            text("report_domestic_accelerator", false, "the accelerator the electricity account runs the reference run on in the claim's own country").refers("accelerator"),
            text("node", true, "process node when none is named").refers("node"),
            text("die", true, "die when none is named").refers("die"),
            list("report_node_pairs", true, "node pairs the tools account compares, as a-vs-b"),
            list("report_dies", true, "dies the tools account prices").refers("die"),
            list("report_packaging_nodes", true, "nodes the packaging account splits a die on: the DUV-only node, its EUV counterpart, then any for context").refers("node"),
            list("report_splits", true, "chiplet counts the packaging account compares"),
            text("report_port", true, "the design the packaging account ports, as ACCELERATOR:NODE"),
            num("report_samples", "count", true, "Latin hypercube samples behind each p5–p95 range of the report")
                .at_least_one()
                .label("report sample count"),
            num("report_seed", "count", true, "seed of the report's samples (any fixed seed makes the report reproducible)")
                .label("report random seed"),
        ],
        one_of: &[],
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
