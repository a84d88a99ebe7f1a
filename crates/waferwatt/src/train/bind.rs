//! From a request (flags, a scenario's `[train]` section, a published run) and the data in
//! force to the plain [`Inputs`] of the ledger, recording where every number came from.
//!
//! Precedence, highest first: a command-line flag, the scenario's `[train]` section, the
//! published run named by `run`, then the data (which a scenario or `--set` may override).

use std::collections::BTreeMap;

use super::Inputs;
use crate::data::schema::PRECISIONS;
use crate::data::{Dataset, ScenarioInput, key};
use crate::diag::{Diagnostic, Diagnostics, Location, quote_list};
use crate::plan::{Num, Planner, Refused, Slots};
use crate::power::{self, Price, PurchaseTerms, TariffSpec, TwoPart, Vat};
use crate::provenance::{Binding, Given, Rule, read_command_section};
use crate::units::{DAYS_PER_YEAR, day_number};

/// What the user asked of `train`. Every field is optional; data fills the rest.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrainRequest {
    pub run: Option<Given<String>>,
    pub accelerator: Option<Given<String>>,
    pub accelerators: Option<Given<f64>>,
    pub params: Option<Given<f64>>,
    pub tokens: Option<Given<f64>>,
    pub flop: Option<Given<f64>>,
    pub accelerator_hours: Option<Given<f64>>,
    pub mfu: Option<Given<f64>>,
    pub goodput: Option<Given<f64>>,
    pub precision: Option<Given<String>>,
    pub regions: Option<Given<Vec<String>>>,
    pub facility: Option<Given<String>>,
    pub pue: Option<Given<f64>>,
    pub avg_power_fraction: Option<Given<f64>>,
    pub server_power_multiplier: Option<Given<f64>>,
    pub tariff_usd_per_kwh: Option<Given<f64>>,
    pub grid_kgco2_per_kwh: Option<Given<f64>>,
    pub rental_usd_per_hour: Option<Given<f64>>,
    pub load_factor: Option<Given<f64>>,
    pub vat: Option<Given<String>>,
    pub power_deal: Option<Given<bool>>,
    /// A published method as a preset (`method.ID` in the data), in place of the defaults.
    pub method: Option<Given<String>>,
    /// The day training began (YYYY-MM-DD): the accelerators' price is decayed to it.
    pub start: Option<Given<String>>,
}

/// Accepted keys of a scenario's `[train]` section.
pub const TRAIN_KEYS: &[&str] = &[
    "run",
    "accelerator",
    "accelerators",
    "params",
    "tokens",
    "flop",
    "accelerator_hours",
    "mfu",
    "goodput",
    "precision",
    "region",
    "facility",
    "pue",
    "avg_power_fraction",
    "server_power_multiplier",
    "tariff_usd_per_kwh",
    "grid_kgco2_per_kwh",
    "rental_usd_per_hour",
    "load_factor",
    "vat",
    "power_deal",
    "method",
    "start",
];

/// Accepted values of `vat`.
pub const VAT_CHOICES: &[&str] = &["recovered", "included"];

impl TrainRequest {
    /// Reads a scenario's `[train]` section.
    pub fn from_scenario(section: &BTreeMap<String, ScenarioInput>) -> Result<TrainRequest, Diagnostics> {
        let mut req = TrainRequest::default();
        read_command_section("train", section, |f| {
            match f.key {
                "run" => req.run = Some(f.text()?),
                "accelerator" => req.accelerator = Some(f.text()?),
                "accelerators" => req.accelerators = Some(f.number()?),
                "params" => req.params = Some(f.number()?),
                "tokens" => req.tokens = Some(f.number()?),
                "flop" => req.flop = Some(f.number()?),
                "accelerator_hours" => req.accelerator_hours = Some(f.number()?),
                "mfu" => req.mfu = Some(f.number()?),
                "goodput" => req.goodput = Some(f.number()?),
                "precision" => req.precision = Some(f.text()?),
                "region" => req.regions = Some(f.ids("region id")?),
                "facility" => req.facility = Some(f.text()?),
                "pue" => req.pue = Some(f.number()?),
                "avg_power_fraction" => req.avg_power_fraction = Some(f.number()?),
                "server_power_multiplier" => req.server_power_multiplier = Some(f.number()?),
                "tariff_usd_per_kwh" => req.tariff_usd_per_kwh = Some(f.number()?),
                "grid_kgco2_per_kwh" => req.grid_kgco2_per_kwh = Some(f.number()?),
                "rental_usd_per_hour" => req.rental_usd_per_hour = Some(f.number()?),
                "load_factor" => req.load_factor = Some(f.number()?),
                "vat" => req.vat = Some(f.text()?),
                "power_deal" => req.power_deal = Some(f.flag()?),
                "method" => req.method = Some(f.text()?),
                "start" => req.start = Some(f.text()?),
                _ => return Err(f.unknown(TRAIN_KEYS)),
            }
            Ok(())
        })?;
        Ok(req)
    }

    /// This request with every field that `over` sets replaced by `over`'s.
    pub fn overlay(self, over: TrainRequest) -> TrainRequest {
        macro_rules! pick {
            ($($f:ident),*) => { TrainRequest { $($f: over.$f.or(self.$f)),* } };
        }
        pick!(
            run,
            accelerator,
            accelerators,
            params,
            tokens,
            flop,
            accelerator_hours,
            mfu,
            goodput,
            precision,
            regions,
            facility,
            pue,
            avg_power_fraction,
            server_power_multiplier,
            tariff_usd_per_kwh,
            grid_kgco2_per_kwh,
            rental_usd_per_hour,
            load_factor,
            vat,
            power_deal,
            method,
            start
        )
    }
}

/// A request bound to the data for one region: the ledger's inputs and their provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    pub region: String,
    pub region_name: String,
    pub accelerator: String,
    pub accelerator_name: String,
    pub precision: String,
    pub run: Option<String>,
    /// The published method in force, if any.
    pub method: Option<String>,
    pub facility: String,
    pub pue_basis: PueBasis,
    pub price: Price,
    /// How the price was built from the region's tariff, when it was (not given outright).
    pub tariff: Option<Tariff>,
    pub vat: Vat,
    pub inputs: Inputs,
    pub bindings: Vec<Binding>,
    /// Things the user should know about how the request was read.
    pub notes: Vec<String>,
    /// What the run's publisher reported, for comparison.
    pub published: Published,
    /// The plan the inputs were derived from (at the central values of its slots).
    pub plan: TrainPlan,
}

/// A region's tariff and the buyer's terms: what [`power::price`] takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tariff {
    pub spec: TariffSpec,
    pub vat_rate: f64,
    pub terms: PurchaseTerms,
    pub cny_per_usd: f64,
}

/// Where the PUE came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PueBasis {
    Given,
    Method,
    Facility,
    Region,
}

impl PueBasis {
    pub fn name(self) -> &'static str {
        match self {
            PueBasis::Given => "given",
            PueBasis::Method => "method's",
            PueBasis::Facility => "facility kind",
            PueBasis::Region => "region's typical",
        }
    }
}

/// Figures a published run reported.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Published {
    pub cost_usd: Option<f64>,
    pub emissions_tco2e: Option<f64>,
}

impl Bound {
    pub fn binding(&self, name: &str) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.name == name)
    }
}

/// Checks the user's numbers: finite, and in the range each one allows.
fn check_request(req: &TrainRequest) -> Vec<Diagnostic> {
    let rules: [(&str, &Option<Given<f64>>, Rule); 14] = [
        ("accelerators", &req.accelerators, Rule::Count),
        ("params", &req.params, Rule::Positive),
        ("tokens", &req.tokens, Rule::Positive),
        ("flop", &req.flop, Rule::Positive),
        ("accelerator_hours", &req.accelerator_hours, Rule::Positive),
        ("mfu", &req.mfu, Rule::Share),
        ("goodput", &req.goodput, Rule::Share),
        ("avg_power_fraction", &req.avg_power_fraction, Rule::Share),
        ("load_factor", &req.load_factor, Rule::Share),
        ("pue", &req.pue, Rule::AtLeastOne),
        ("server_power_multiplier", &req.server_power_multiplier, Rule::AtLeastOne),
        ("tariff_usd_per_kwh", &req.tariff_usd_per_kwh, Rule::NonNegative),
        ("grid_kgco2_per_kwh", &req.grid_kgco2_per_kwh, Rule::NonNegative),
        ("rental_usd_per_hour", &req.rental_usd_per_hour, Rule::NonNegative),
    ];
    let mut problems: Vec<Diagnostic> =
        rules.into_iter().filter_map(|(field, given, rule)| rule.check(field, given.as_ref())).collect();
    let conflict = |a: &str, b: &str, at: Option<Location>, why: &str| {
        Diagnostic::new(format!("{a} conflicts with {b}")).at(at).expected(why.to_string())
    };
    if let (Some(f), Some(p)) = (&req.flop, req.params.as_ref().or(req.tokens.as_ref())) {
        problems.push(conflict(
            &f.name("flop"),
            &p.name("params"),
            f.at(),
            "either --flop, or --params with --tokens, not both",
        ));
    }
    match (&req.params, &req.tokens) {
        (Some(p), None) => problems.push(
            Diagnostic::new(format!("{} needs --tokens", p.name("params")))
                .at(p.at())
                .expected("--params N --tokens D together"),
        ),
        (None, Some(t)) => problems.push(
            Diagnostic::new(format!("{} needs --params", t.name("tokens")))
                .at(t.at())
                .expected("--params N --tokens D together"),
        ),
        _ => {}
    }
    if let Some(t) = &req.tariff_usd_per_kwh {
        let terms: [(&str, bool); 3] = [
            ("power_deal", req.power_deal.as_ref().is_some_and(|g| g.value)),
            ("vat", req.vat.is_some()),
            ("load_factor", req.load_factor.is_some()),
        ];
        for (field, set) in terms {
            if set {
                problems.push(
                    Diagnostic::new(format!("{} conflicts with {field}", t.name("tariff_usd_per_kwh")))
                        .at(t.at())
                        .expected("a given all-in tariff, or the region's tariff with its terms, not both"),
                );
            }
        }
    }
    if let Some(v) = &req.vat {
        if !VAT_CHOICES.contains(&v.value.as_str()) {
            problems.push(
                Diagnostic::new(format!("`{}` is not a VAT treatment", v.value))
                    .at(v.at())
                    .key(v.name("vat"))
                    .expected(format!("one of {}", quote_list(VAT_CHOICES))),
            );
        }
    }
    problems
}

/// An id chosen from the request, a run, or the defaults, checked against the data.
struct Choice<'a> {
    id: &'a str,
    /// The key to name in a message: the flag, the scenario key, or the data key it came from.
    key: String,
    at: Option<Location>,
}

fn choose<'a>(
    ds: &'a Dataset,
    given: Option<&'a Given<String>>,
    field: &str,
    run: Option<&str>,
    default_key: &str,
) -> Option<Choice<'a>> {
    if let Some(g) = given {
        return Some(Choice { id: &g.value, key: g.name(field), at: g.at() });
    }
    let from_data = |k: String| ds.text(&k).map(|id| Choice { id, at: ds.text_location(&k), key: k });
    run.and_then(|r| from_data(key("run", Some(r), field))).or_else(|| from_data(default_key.to_string()))
}

/// Binds a request to the data: one [`Bound`] per region asked for.
pub fn bind(ds: &Dataset, req: &TrainRequest) -> Result<Vec<Bound>, Diagnostics> {
    plan(ds, req, &mut Slots::default())
}

/// Plans a request on the data, its numbers read through `slots` (one table for every region,
/// so that a number they share moves them together): one [`Bound`] per region, each with its
/// plan and its inputs at the central values.
pub fn plan(ds: &Dataset, req: &TrainRequest, slots: &mut Slots) -> Result<Vec<Bound>, Diagnostics> {
    let mut problems = check_request(req);
    let run = req.run.as_ref().map(|g| g.value.as_str());
    if let (Some(id), Some(g)) = (run, &req.run) {
        if let Err(d) = ds.require_id("run", id, &g.name("run")) {
            problems.push(d.at(g.at()));
        }
    }
    if let Some(g) = &req.method {
        if let Err(d) = ds.require_method(&g.value, "train", &g.name("method")) {
            problems.push(d.at(g.at()));
        }
    }
    if let Some(g) = &req.start {
        if day_number(&g.value).is_none() {
            problems.push(
                Diagnostic::new(format!("`{}` is not a date", g.value))
                    .at(g.at())
                    .key(g.name("start"))
                    .expected("a date written YYYY-MM-DD, e.g. 2024-02-24"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }

    let missing =
        |what: &str, key: &str| Diagnostic::new(format!("no {what} given and none in the data")).key(key);
    let accelerator = choose(ds, req.accelerator.as_ref(), "accelerator", run, "defaults.accelerator");
    let precision = choose(ds, req.precision.as_ref(), "precision", run, "defaults.precision");
    let facility = choose(ds, req.facility.as_ref(), "facility", None, "defaults.facility");
    for (choice, kind, default_key) in
        [(&accelerator, "accelerator", "defaults.accelerator"), (&facility, "facility", "defaults.facility")]
    {
        match choice {
            Some(c) => {
                if let Err(d) = ds.require_id(kind, c.id, &c.key) {
                    problems.push(d.at(c.at.clone()));
                }
            }
            None => problems.push(missing(kind, default_key)),
        }
    }
    match &precision {
        Some(p) if !PRECISIONS.contains(&p.id) => problems.push(
            Diagnostic::new(format!("unknown precision `{}`", p.id))
                .at(p.at.clone())
                .key(p.key.clone())
                .expected(format!("one of {}", quote_list(PRECISIONS))),
        ),
        Some(_) => {}
        None => problems.push(missing("precision", "defaults.precision")),
    }

    let (regions, region_key, region_at): (Vec<String>, String, Option<Location>) = match &req.regions {
        Some(g) => (g.value.clone(), g.name("region"), g.at()),
        None => match choose(ds, None, "region", run, "defaults.region") {
            Some(c) => (vec![c.id.to_string()], c.key, c.at),
            None => (Vec::new(), "defaults.region".into(), None),
        },
    };
    if regions.is_empty() {
        problems.push(
            Diagnostic::new("no region to run in")
                .at(region_at.clone())
                .key(&region_key)
                .expected("one region id or more"),
        );
    }
    for (i, r) in regions.iter().enumerate() {
        if regions[..i].contains(r) {
            problems.push(
                Diagnostic::new(format!("region `{r}` is named twice"))
                    .at(region_at.clone())
                    .key(&region_key),
            );
        } else if let Err(d) = ds.require_id("region", r, &region_key) {
            problems.push(d.at(region_at.clone()));
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let (Some(accelerator), Some(precision), Some(facility)) = (accelerator, precision, facility) else {
        return Err(Diagnostic::new("no accelerator, precision or facility").into());
    };
    let peak_key = key("accelerator", Some(accelerator.id), &format!("{}_tflops", precision.id));
    if ds.param(&peak_key).is_none() {
        return Err(Diagnostic::new(format!(
            "{} has no published dense {} peak",
            accelerator.id, precision.id
        ))
        .at(precision.at.clone())
        .key(peak_key)
        .expected("a precision the accelerator supports")
        .hint("try --precision bf16")
        .into());
    }

    let vat = match req.vat.as_ref().map(|g| g.value.as_str()) {
        Some("included") => Vat::Included,
        _ => Vat::Recovered,
    };
    let choices = Choices {
        run,
        accelerator: accelerator.id,
        precision: precision.id,
        facility: facility.id,
        vat,
        method: req.method.as_ref().map(|g| g.value.as_str()),
    };
    regions
        .iter()
        .map(|region| plan_region(ds, req, &choices, region, slots))
        .collect::<Result<Vec<_>, Diagnostic>>()
        .map_err(Diagnostics::from)
}

/// What `bind` settled before binding each region.
struct Choices<'a> {
    run: Option<&'a str>,
    accelerator: &'a str,
    precision: &'a str,
    facility: &'a str,
    vat: Vat,
    method: Option<&'a str>,
}

/// How a region's price of a kWh is built: the tariff's parts and the buyer's terms.
#[derive(Clone, Debug, PartialEq)]
struct TariffPlan {
    spec: SpecPlan,
    vat_rate: Num,
    load_factor: Num,
    high_use_demand_factor: Num,
    high_use_threshold_kwh_per_kw_month: Num,
    vat: Vat,
    deal_cny_per_kwh: Option<Num>,
    cny_per_usd: Num,
    /// Given outright by the user (no tariff of the region's is used).
    given: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum SpecPlan {
    FlatUsd(Num),
    FlatCny(Num),
    TwoPart { energy: Num, line_loss: Num, td: Num, demand: Num, system_op: Num, funds: Num },
}

impl TariffPlan {
    fn derive(&self, v: &[f64]) -> Tariff {
        Tariff {
            spec: match &self.spec {
                SpecPlan::FlatUsd(n) => TariffSpec::FlatUsd { usd_per_kwh: n.get(v) },
                SpecPlan::FlatCny(n) => TariffSpec::FlatCny { cny_per_kwh: n.get(v) },
                SpecPlan::TwoPart { energy, line_loss, td, demand, system_op, funds } => {
                    TariffSpec::TwoPart(TwoPart {
                        energy_cny_per_kwh: energy.get(v),
                        line_loss_fraction: line_loss.get(v),
                        td_cny_per_kwh: td.get(v),
                        demand_cny_per_kw_month: demand.get(v),
                        system_op_cny_per_kwh: system_op.get(v),
                        funds_cny_per_kwh: funds.get(v),
                    })
                }
            },
            vat_rate: self.vat_rate.get(v),
            terms: PurchaseTerms {
                load_factor: self.load_factor.get(v),
                high_use_threshold_kwh_per_kw_month: self.high_use_threshold_kwh_per_kw_month.get(v),
                high_use_demand_factor: self.high_use_demand_factor.get(v),
                vat: self.vat,
                deal_cny_per_kwh: self.deal_cny_per_kwh.map(|n| n.get(v)),
            },
            cny_per_usd: self.cny_per_usd.get(v),
        }
    }
}

/// Where the accelerator's price comes from.
#[derive(Clone, Debug, PartialEq)]
enum PricePlan {
    /// A market price in the data.
    Market(Num),
    /// The chip ledger's price (build cost × (1 + markup)).
    Chip(Box<crate::chip::ChipPlan>),
}

/// The training ledger for one region, planned: [`TrainPlan::derive`] gives its [`Inputs`]
/// (and the price of a kWh) for any values of the numbers it reads.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainPlan {
    /// Compute as the product of its three numbers (FLOP per parameter-token × parameters ×
    /// tokens, or the FLOP given × 1 × 1).
    compute: Option<(Num, Num, Num)>,
    accelerator_hours: Option<Num>,
    compute_hours: Option<Num>,
    accelerators: Option<Num>,
    goodput: Num,
    mfu: Num,
    peak_tflops: Num,
    tdp_w: Num,
    price: PricePlan,
    /// The price's decay to the run's start: orders of magnitude a year, and the years.
    price_decay: Option<(Num, f64)>,
    server_power_multiplier: Num,
    avg_power_fraction: Num,
    pue: Num,
    tariff: TariffPlan,
    grid_kgco2_per_kwh: Num,
    rental_usd_per_hour: Option<Num>,
    server_capex_fraction: Num,
    network_capex_fraction: Num,
    hardware_life_years: Num,
    cost_of_capital: Num,
    maintenance_fraction_per_year: Num,
    facility_capex_usd_per_mw: Num,
    facility_life_years: Num,
}

impl TrainPlan {
    /// The accelerator's price at values `v`.
    pub fn accelerator_price(&self, v: &[f64]) -> Result<f64, Refused> {
        match &self.price {
            PricePlan::Market(n) => Ok(n.get(v)),
            PricePlan::Chip(chip) => {
                let out = crate::chip::evaluate(&chip.derive(v)?);
                crate::chip::check(&out).map_err(|d| Refused::new(d.message, None, "a build cost"))?;
                Ok(out.price_usd.unwrap_or(out.build_cost_usd))
            }
        }
    }

    /// The ledger's inputs and the price of a kWh at values `v`, or why they are refused.
    pub fn derive(&self, v: &[f64]) -> Result<(Inputs, Price), Refused> {
        Ok(self.derive_priced(v, self.accelerator_price(v)?))
    }

    /// Counts the gross dies of an accelerator priced by the chip ledger by `count`.
    pub fn set_count(&mut self, count: crate::fab::Count) {
        if let PricePlan::Chip(chip) = &mut self.price {
            chip.set_count(count);
        }
    }

    /// Whether the accelerator is priced by the chip ledger (whose die counts make a sample
    /// take microseconds rather than a fraction of one).
    pub fn priced_by_chip(&self) -> bool {
        matches!(self.price, PricePlan::Chip(_))
    }

    /// Whether two plans price their accelerator the same way (so one price serves both).
    pub fn same_price(&self, other: &TrainPlan) -> bool {
        self.price == other.price
    }

    /// [`TrainPlan::derive`] with the accelerator's price already worked out.
    pub fn derive_priced(&self, v: &[f64], accelerator_price_usd: f64) -> (Inputs, Price) {
        let t = self.tariff.derive(v);
        let price = power::price(t.spec, t.vat_rate, t.terms, t.cny_per_usd);
        let inputs = Inputs {
            compute_flop: self.compute.map(|(k, p, t)| k.get(v) * p.get(v) * t.get(v)),
            accelerator_hours: self.accelerator_hours.map(|n| n.get(v)),
            compute_hours: self.compute_hours.map(|n| n.get(v)),
            accelerators: self.accelerators.map(|n| n.get(v)),
            peak_tflops: self.peak_tflops.get(v),
            mfu: self.mfu.get(v),
            goodput: self.goodput.get(v),
            tdp_w: self.tdp_w.get(v),
            server_power_multiplier: self.server_power_multiplier.get(v),
            avg_power_fraction: self.avg_power_fraction.get(v),
            pue: self.pue.get(v),
            tariff_usd_per_kwh: price.usd_per_kwh,
            grid_kgco2_per_kwh: self.grid_kgco2_per_kwh.get(v),
            accelerator_price_usd: match self.price_decay {
                Some((rate, years)) => accelerator_price_usd * 10f64.powf(-rate.get(v) * years),
                None => accelerator_price_usd,
            },
            server_capex_fraction: self.server_capex_fraction.get(v),
            network_capex_fraction: self.network_capex_fraction.get(v),
            hardware_life_years: self.hardware_life_years.get(v),
            cost_of_capital: self.cost_of_capital.get(v),
            maintenance_fraction_per_year: self.maintenance_fraction_per_year.get(v),
            facility_capex_usd_per_mw: self.facility_capex_usd_per_mw.get(v),
            facility_life_years: self.facility_life_years.get(v),
            rental_usd_per_hour: self.rental_usd_per_hour.map(|n| n.get(v)),
        };
        (inputs, price)
    }
}

fn plan_region(
    ds: &Dataset,
    req: &TrainRequest,
    c: &Choices,
    region: &str,
    slots: &mut Slots,
) -> Result<Bound, Diagnostic> {
    let mut p = Planner::new(ds, slots);
    let mut notes = Vec::new();
    let acc = |f: &str| key("accelerator", Some(c.accelerator), f);
    let reg = |f: &str| key("region", Some(region), f);
    let fac = |f: &str| key("facility", Some(c.facility), f);
    let run_key = |f: &str| c.run.map(|id| key("run", Some(id), f)).filter(|k| ds.param(k).is_some());
    // A method's number in place of the default's, where the method gives one.
    let m = |name: &str, default: &str| -> String {
        c.method
            .map(|id| key("method", Some(id), name))
            .filter(|k| ds.param(k).is_some())
            .unwrap_or_else(|| default.to_string())
    };
    // The accelerator's own server figure where it has one (a TPU host is not a GPU server),
    // else the method's, else the default's.
    let server = |name: &str, default: &str| -> String {
        Some(acc(name)).filter(|k| ds.param(k).is_some()).unwrap_or_else(|| m(name, default))
    };

    // Size of the run: compute from the request, else from the run; hours likewise.
    let params_tokens = match (&req.params, &req.tokens, run_key("params_active"), run_key("tokens")) {
        (Some(a), Some(t), _, _) => Some((p.given("params", "params", a), p.given("tokens", "tokens", t))),
        (None, None, Some(pk), Some(tk)) if req.flop.is_none() => {
            Some((p.num("params", &pk)?, p.num("tokens", &tk)?))
        }
        _ => None,
    };
    let compute = match (&req.flop, params_tokens) {
        (Some(f), _) => Some((p.given("compute_flop", "FLOP", f), Num::Const(1.0), Num::Const(1.0))),
        (None, Some((params, tokens))) => {
            let k = p.num("flop_per_param_token", "training.flop_per_param_token")?;
            let (kc, pc, tc) = (p.central(k), p.central(params), p.central(tokens));
            p.derived("compute_flop", kc * pc * tc, "FLOP", format!("{kc} × params × tokens"));
            Some((k, params, tokens))
        }
        (None, None) => None,
    };
    if let Some(m) = &req.mfu {
        match (&req.accelerator_hours, compute) {
            (Some(h), Some(_)) => {
                return Err(Diagnostic::new(format!(
                    "{} conflicts with {}",
                    m.name("mfu"),
                    h.name("accelerator_hours")
                ))
                .at(m.at())
                .expected("with compute known, give either MFU (hours follow) or hours (MFU follows)"));
            }
            (_, None) => {
                return Err(Diagnostic::new(format!("{} is not used: no compute is known", m.name("mfu")))
                    .at(m.at())
                    .expected("--params N --tokens D or --flop C with --mfu (hours follow from them)"));
            }
            (None, Some(_)) => {}
        }
    }
    let accelerator_hours = match (&req.accelerator_hours, &req.mfu, run_key("accelerator_hours")) {
        (Some(h), _, _) => Some(p.given("accelerator_hours", "h", h)),
        // An explicit MFU re-derives the hours of a published run from its compute.
        (None, Some(m), Some(k)) => {
            notes.push(format!(
                "hours follow from {} = {}; the run's published {} hours ({k}) are not used",
                m.name("mfu"),
                m.value,
                ds.param(&k).map_or(0.0, |p| p.value)
            ));
            None
        }
        (None, Some(_), None) => None,
        (None, None, Some(k)) => Some(p.num("accelerator_hours", &k)?),
        (None, None, None) => None,
    };
    // The share of the hours that the compute took (a run's pre-training, say).
    let compute_hours = match (accelerator_hours, &req.accelerator_hours, run_key("compute_hours")) {
        (Some(_), None, Some(k)) if compute.is_some() => Some(p.num("compute_hours", &k)?),
        _ => None,
    };
    if compute.is_none() && accelerator_hours.is_none() {
        return Err(Diagnostic::new("nothing sizes the run")
            .expected("--params N --tokens D, --flop C, --accelerator-hours H, or --run ID"));
    }
    let accelerators = match (&req.accelerators, run_key("accelerators")) {
        (Some(n), _) => Some(p.given("accelerators", "count", n)),
        (None, Some(k)) => Some(p.num("accelerators", &k)?),
        (None, None) => None,
    };
    let goodput = match (&req.goodput, run_key("goodput")) {
        (Some(g), _) => p.given("goodput", "fraction", g),
        (None, Some(k)) => p.num("goodput", &k)?,
        (None, None) => p.num("goodput", "training.goodput")?,
    };
    let mfu = p.either("mfu", &req.mfu, "training.mfu")?;

    let peak_tflops = p.num("peak_tflops", &acc(&format!("{}_tflops", c.precision)))?;
    let tdp_w = p.num("tdp_w", &acc("tdp_w"))?;
    // A market price, or the chip ledger's build cost with a markup.
    let price_plan = if ds.param(&acc("price_usd")).is_some() {
        PricePlan::Market(p.num("accelerator_price_usd", &acc("price_usd"))?)
    } else {
        let req = crate::chip::ChipRequest {
            accelerator: Some(Given::data(c.accelerator.to_string(), "accelerator.build_markup")),
            ..Default::default()
        };
        let chip = crate::chip::plan(ds, &req, p.slots)
            .map_err(|d| d.0.into_iter().next().unwrap_or_else(|| Diagnostic::new("no chip")))?;
        let out = crate::chip::evaluate(&chip.inputs);
        crate::chip::check(&out)?;
        let price = out.price_usd.unwrap_or(out.build_cost_usd);
        let markup = chip.inputs.build_markup.unwrap_or(0.0);
        // Every number of the chip ledger moves the price, so all are recorded (for sampling
        // and sensitivity); all but the markup under the group `chip`, which keeps them out of
        // this ledger's own explanation (`waferwatt chip --explain` gives theirs).
        p.b.bindings.extend(chip.bindings.into_iter().map(|mut x| {
            if x.name != "build_markup" {
                x.group = Some(x.group.unwrap_or("chip"));
            }
            x
        }));
        p.derived(
            "accelerator_price_usd",
            price,
            "USD",
            format!(
                "build cost {:.0} USD from the chip ledger (compute dies on {}) × (1 + markup {markup})",
                out.build_cost_usd, chip.node
            ),
        );
        PricePlan::Chip(Box::new(chip.plan))
    };
    let price_decay = plan_decay(&mut p, req, c, &mut notes)?;
    let server_power_multiplier = p.either(
        "server_power_multiplier",
        &req.server_power_multiplier,
        &server("server_power_multiplier", "server.power_multiplier"),
    )?;
    let avg_power_fraction = p.either(
        "avg_power_fraction",
        &req.avg_power_fraction,
        &server("avg_power_fraction", "server.avg_power_fraction"),
    )?;

    // PUE: a flag first; else the facility kind's when one is named; else the method's; else
    // the region's typical.
    let method_pue = m("pue", "");
    let (pue, pue_basis) = match (&req.pue, &req.facility) {
        (Some(g), _) => (p.given("pue", "ratio", g), PueBasis::Given),
        (None, Some(_)) => (p.num("pue", &fac("pue"))?, PueBasis::Facility),
        (None, None) if !method_pue.is_empty() => (p.num("pue", &method_pue)?, PueBasis::Method),
        (None, None) => (p.num("pue", &reg("pue"))?, PueBasis::Region),
    };

    let tariff = plan_price(&mut p, req, region, c.vat, &mut notes)?;
    let grid_kgco2_per_kwh =
        p.either("grid_kgco2_per_kwh", &req.grid_kgco2_per_kwh, &reg("grid_kgco2_per_kwh"))?;

    let rental_usd_per_hour = match (&req.rental_usd_per_hour, run_key("rental_usd_per_hour")) {
        (Some(g), _) => Some(p.given("rental_usd_per_hour", "USD/h", g)),
        (None, Some(k)) => Some(p.num("rental_usd_per_hour", &k)?),
        (None, None) => p.num_opt("rental_usd_per_hour", &acc("rental_usd_per_hour")),
    };

    let plan = TrainPlan {
        compute,
        accelerator_hours,
        compute_hours,
        accelerators,
        goodput,
        mfu,
        peak_tflops,
        tdp_w,
        price: price_plan,
        price_decay,
        server_power_multiplier,
        avg_power_fraction,
        pue,
        tariff,
        grid_kgco2_per_kwh,
        rental_usd_per_hour,
        server_capex_fraction: p
            .num("server_capex_fraction", &server("server_capex_fraction", "server.capex_fraction"))?,
        network_capex_fraction: p
            .num("network_capex_fraction", &m("network_capex_fraction", "server.network_capex_fraction"))?,
        hardware_life_years: p
            .num("hardware_life_years", &m("hardware_life_years", "ownership.hardware_life_years"))?,
        cost_of_capital: p.num("cost_of_capital", &m("cost_of_capital", "ownership.cost_of_capital"))?,
        maintenance_fraction_per_year: p.num(
            "maintenance_fraction_per_year",
            &m("maintenance_fraction_per_year", "ownership.maintenance_fraction_per_year"),
        )?,
        facility_capex_usd_per_mw: p
            .num("facility_capex_usd_per_mw", &m("facility_capex_usd_per_mw", &fac("capex_usd_per_mw")))?,
        facility_life_years: p.num("facility_life_years", &fac("life_years"))?,
    };
    let (inputs, price) = plan.derive(&p.slots.central).map_err(Diagnostic::from)?;
    let tariff = (!plan.tariff.given).then(|| plan.tariff.derive(&p.slots.central));
    let published = |f: &str| run_key(f).and_then(|k| ds.param(&k)).map(|p| p.value);
    Ok(Bound {
        region: region.to_string(),
        region_name: ds.text(&reg("name")).unwrap_or(region).to_string(),
        accelerator: c.accelerator.to_string(),
        accelerator_name: ds.text(&acc("name")).unwrap_or(c.accelerator).to_string(),
        precision: c.precision.to_string(),
        run: c.run.map(str::to_string),
        method: c.method.map(str::to_string),
        facility: c.facility.to_string(),
        pue_basis,
        price,
        tariff,
        vat: c.vat,
        inputs,
        bindings: p.bindings(),
        notes,
        published: Published {
            cost_usd: published("reported_cost_usd"),
            emissions_tco2e: published("reported_emissions_tco2e"),
        },
        plan,
    })
}

/// The accelerators' decay in value from the price's date to the run's start, when a start is
/// asked for (`--start`) or a method that decays prices is in force (which takes the run's
/// published start where there is one), and the price's date is known: none otherwise. Every
/// decay is said in a note, with the dates it runs between.
fn plan_decay(
    p: &mut Planner,
    req: &TrainRequest,
    c: &Choices,
    notes: &mut Vec<String>,
) -> Result<Option<(Num, f64)>, Diagnostic> {
    let ds = p.ds();
    let method_rate = c
        .method
        .map(|id| key("method", Some(id), "price_decay_oom_per_year"))
        .filter(|k| ds.param(k).is_some());
    let start = match (&req.start, &method_rate, c.run.map(|r| key("run", Some(r), "start_date"))) {
        (Some(g), _, _) => Some((g.value.clone(), g.name("start"))),
        (None, Some(_), Some(k)) => ds.text(&k).map(|d| (d.to_string(), k)),
        _ => None,
    };
    let Some((start, start_key)) = start else {
        if method_rate.is_some() {
            notes.push("no start date (--start, or the run's start_date): the price is not decayed".into());
        }
        return Ok(None);
    };
    let acc = |f: &str| key("accelerator", Some(c.accelerator), f);
    let Some(price) = ds.param(&acc("price_usd")) else {
        notes.push(format!(
            "{} is priced from its build cost, which has no date: the price is not decayed to {start}",
            c.accelerator
        ));
        return Ok(None);
    };
    let (price_date, date_key, assumed) = match (ds.text(&acc("price_date")), price.year) {
        (Some(d), _) => (d.to_string(), acc("price_date"), false),
        (None, Some(y)) => (format!("{y}-07-01"), acc("price_usd"), true),
        (None, None) => {
            notes.push(format!(
                "{}'s price has no date (no price_date, and its source's year is not known): it is not decayed to {start}",
                c.accelerator
            ));
            return Ok(None);
        }
    };
    let Some(from) = day_number(&price_date) else {
        return Err(Diagnostic::new(format!("`{price_date}` is not a date"))
            .at(ds.text_location(&date_key))
            .key(date_key)
            .expected("a date written YYYY-MM-DD"));
    };
    let Some(to) = day_number(&start) else {
        return Err(Diagnostic::new(format!("`{start}` is not a date"))
            .at(ds.text_location(&start_key))
            .key(start_key)
            .expected("a date written YYYY-MM-DD"));
    };
    // Hardware is not used before it is bought (Epoch's rule too): an earlier start decays nothing.
    let years = ((to - from) as f64 / DAYS_PER_YEAR).max(0.0);
    let rate_key = method_rate.unwrap_or_else(|| "ownership.price_decay_oom_per_year".to_string());
    let rate = p.num("price_decay_oom_per_year", &rate_key)?;
    let (price_c, rate_c) = (price.value, p.central(rate));
    let from_words = if assumed {
        format!("{price_date}, the middle of its source's year (the price has no price_date)")
    } else {
        price_date.clone()
    };
    notes.push(if to < from {
        format!("the run starts ({start}) before the price's date ({from_words}): the price is taken as at its date")
    } else {
        format!(
            "hardware valued at the run's start ({start}): {} decayed {:.2} years from {from_words} at {rate_c} orders of \
             magnitude a year is {}",
            money(price_c),
            years,
            money(price_c * 10f64.powf(-rate_c * years))
        )
    });
    p.derived(
        "price_age_years",
        years,
        "years",
        format!(
            "from the price's date {price_date} to the start {start} (`{start_key}`), days ÷ {DAYS_PER_YEAR}"
        ),
    );
    Ok(Some((rate, years)))
}

/// Dollars for a note: whole dollars with thousands separated.
fn money(x: f64) -> String {
    let whole = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{}{out} USD", if x < 0.0 { "-" } else { "" })
}

/// How the region's price of a kWh is built, from its tariff and the buyer's terms, unless the
/// user gave one.
fn plan_price(
    p: &mut Planner,
    req: &TrainRequest,
    region: &str,
    vat: Vat,
    notes: &mut Vec<String>,
) -> Result<TariffPlan, Diagnostic> {
    let flat = |spec: SpecPlan, given: bool| TariffPlan {
        spec,
        vat_rate: Num::Const(0.0),
        load_factor: Num::Const(FLAT_TERMS.load_factor),
        high_use_demand_factor: Num::Const(FLAT_TERMS.high_use_demand_factor),
        high_use_threshold_kwh_per_kw_month: Num::Const(FLAT_TERMS.high_use_threshold_kwh_per_kw_month),
        vat: FLAT_TERMS.vat,
        deal_cny_per_kwh: None,
        cny_per_usd: Num::Const(1.0),
        given,
    };
    if let Some(g) = &req.tariff_usd_per_kwh {
        return Ok(flat(SpecPlan::FlatUsd(p.given("tariff_usd_per_kwh", "USD/kWh", g)), true));
    }
    let ds = p.ds();
    let reg = |f: &str| key("region", Some(region), f);
    let spec = match ds.text(&reg("tariff_model")) {
        Some("two-part") => SpecPlan::TwoPart {
            energy: p.num("energy_cny_per_kwh", &reg("energy_cny_per_kwh"))?,
            line_loss: p.num("line_loss_fraction", &reg("line_loss_fraction"))?,
            td: p.num("td_cny_per_kwh", &reg("td_cny_per_kwh"))?,
            demand: p.num("demand_cny_per_kw_month", &reg("demand_cny_per_kw_month"))?,
            system_op: p.num("system_op_cny_per_kwh", &reg("system_op_cny_per_kwh"))?,
            funds: p.num("funds_cny_per_kwh", &reg("funds_cny_per_kwh"))?,
        },
        _ if ds.param(&reg("tariff_usd_per_kwh")).is_some() => {
            SpecPlan::FlatUsd(p.num("region_tariff_usd_per_kwh", &reg("tariff_usd_per_kwh"))?)
        }
        _ => SpecPlan::FlatCny(p.num("tariff_cny_per_kwh", &reg("tariff_cny_per_kwh"))?),
    };
    let cny = !matches!(spec, SpecPlan::FlatUsd(_));
    let two_part = matches!(spec, SpecPlan::TwoPart { .. });
    let mut plan = flat(spec, false);
    plan.vat = vat;
    if cny {
        plan.vat_rate = p.num("vat_rate", &reg("vat_rate"))?;
    }
    if two_part {
        plan.load_factor = p.either("load_factor", &req.load_factor, "power.load_factor")?;
        plan.high_use_demand_factor = p.num("high_use_demand_factor", "power.high_use_demand_factor")?;
        plan.high_use_threshold_kwh_per_kw_month =
            p.num("high_use_threshold_kwh_per_kw_month", "power.high_use_threshold_kwh_per_kw_month")?;
    }
    if req.power_deal.as_ref().is_some_and(|g| g.value) {
        plan.deal_cny_per_kwh = p.num_opt("dc_deal_cny_per_kwh", &reg("dc_deal_cny_per_kwh"));
        if plan.deal_cny_per_kwh.is_none() {
            notes.push(format!("{region} has no published data-centre deal; its tariff is used"));
        }
    }
    if cny {
        plan.cny_per_usd = p.num("cny_per_usd", "fx.cny_per_usd")?;
    }
    let t = plan.derive(&p.slots.central);
    let price = power::price(t.spec, t.vat_rate, t.terms, t.cny_per_usd);
    let how = match (t.spec, price.deal) {
        (TariffSpec::FlatUsd { .. }, _) => "the region's all-in price".to_string(),
        (_, true) => format!("data-centre deal, VAT {}, ÷ CNY per USD", vat.name()),
        (TariffSpec::FlatCny { .. }, false) => format!("flat CNY price, VAT {}, ÷ CNY per USD", vat.name()),
        (TariffSpec::TwoPart(_), false) => format!(
            "(energy × (1 + line loss) + T&D + demand × high-use factor ÷ (hours per month × load factor) \
             + system operation + funds){}, ÷ CNY per USD",
            if vat == Vat::Recovered { " ÷ (1 + VAT)" } else { "" }
        ),
    };
    p.derived("tariff_usd_per_kwh", price.usd_per_kwh, "USD/kWh", how);
    Ok(plan)
}

/// Terms for a flat price: no demand charge to spread, no VAT, no deal.
const FLAT_TERMS: PurchaseTerms = PurchaseTerms {
    load_factor: 1.0,
    high_use_threshold_kwh_per_kw_month: f64::INFINITY,
    high_use_demand_factor: 1.0,
    vat: Vat::Recovered,
    deal_cny_per_kwh: None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::InputValue;

    #[test]
    fn every_documented_train_key_is_read_from_a_scenario() {
        let at = Location { file: "s.toml".into(), line: 1, column: 1 };
        for k in TRAIN_KEYS {
            let value = match *k {
                "run" | "accelerator" | "precision" | "facility" | "vat" | "method" | "start" => {
                    InputValue::Text("x".into())
                }
                "region" => InputValue::List(vec!["x".into()]),
                "power_deal" => InputValue::Bool(true),
                _ => InputValue::Number(1.0),
            };
            let section = BTreeMap::from([(k.to_string(), ScenarioInput { value, location: at.clone() })]);
            let req = TrainRequest::from_scenario(&section).unwrap_or_else(|e| panic!("{k}: {e}"));
            assert_ne!(req, TrainRequest::default(), "{k} was read but not kept");
        }
        let section = BTreeMap::from([(
            "nonsense".to_string(),
            ScenarioInput { value: InputValue::Number(1.0), location: at },
        )]);
        assert!(TrainRequest::from_scenario(&section).is_err());
    }
}
