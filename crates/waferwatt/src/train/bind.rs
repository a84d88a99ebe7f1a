//! From a request (flags, a scenario's `[train]` section, a published run) and the data in
//! force to the plain [`Inputs`] of the ledger, recording where every number came from.
//!
//! Precedence, highest first: a command-line flag, the scenario's `[train]` section, the
//! published run named by `run`, then the data (which a scenario or `--set` may override).

use std::collections::BTreeMap;

use super::Inputs;
use crate::data::schema::PRECISIONS;
use crate::data::{Dataset, InputValue, Origin, ScenarioInput, key};
use crate::diag::{Diagnostic, Diagnostics, Location, quote_list};
use crate::power::{self, Price, PurchaseTerms, TariffSpec, TwoPart, Vat};

/// Where a request value was given.
#[derive(Clone, Debug, PartialEq)]
pub enum InputOrigin {
    /// A command-line flag, by name (`--mfu`).
    Flag(String),
    /// A key of a scenario's `[train]` section.
    Scenario(Location),
}

impl std::fmt::Display for InputOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputOrigin::Flag(name) => write!(f, "flag {name}"),
            InputOrigin::Scenario(loc) => write!(f, "scenario {loc}"),
        }
    }
}

/// A value the user gave, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Given<T> {
    pub value: T,
    pub from: InputOrigin,
}

impl<T> Given<T> {
    pub fn flag(value: T, name: &str) -> Given<T> {
        Given { value, from: InputOrigin::Flag(name.to_string()) }
    }
    fn at(&self) -> Option<Location> {
        match &self.from {
            InputOrigin::Scenario(loc) => Some(loc.clone()),
            InputOrigin::Flag(_) => None,
        }
    }
    fn name(&self, field: &str) -> String {
        match &self.from {
            InputOrigin::Flag(name) => name.clone(),
            InputOrigin::Scenario(_) => format!("train.{field}"),
        }
    }
}

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
];

/// Accepted values of `vat`.
pub const VAT_CHOICES: &[&str] = &["recovered", "included"];

impl TrainRequest {
    /// Reads a scenario's `[train]` section.
    pub fn from_scenario(section: &BTreeMap<String, ScenarioInput>) -> Result<TrainRequest, Diagnostics> {
        let mut req = TrainRequest::default();
        let mut problems = Vec::new();
        for (k, input) in section {
            let from = InputOrigin::Scenario(input.location.clone());
            let wrong = |expected: &str| {
                Diagnostic::new(format!("`{k}` has a value of the wrong kind"))
                    .at(Some(input.location.clone()))
                    .key(format!("train.{k}"))
                    .expected(expected.to_string())
            };
            let num = || match &input.value {
                InputValue::Number(x) => Ok(Given { value: *x, from: from.clone() }),
                _ => Err(wrong("a number")),
            };
            let text = || match &input.value {
                InputValue::Text(s) => Ok(Given { value: s.clone(), from: from.clone() }),
                _ => Err(wrong("a string")),
            };
            let result: Result<(), Diagnostic> = (|| {
                match k.as_str() {
                    "run" => req.run = Some(text()?),
                    "accelerator" => req.accelerator = Some(text()?),
                    "accelerators" => req.accelerators = Some(num()?),
                    "params" => req.params = Some(num()?),
                    "tokens" => req.tokens = Some(num()?),
                    "flop" => req.flop = Some(num()?),
                    "accelerator_hours" => req.accelerator_hours = Some(num()?),
                    "mfu" => req.mfu = Some(num()?),
                    "goodput" => req.goodput = Some(num()?),
                    "precision" => req.precision = Some(text()?),
                    "region" => {
                        let list = match &input.value {
                            InputValue::Text(s) => s.split(',').map(|s| s.trim().to_string()).collect(),
                            InputValue::List(v) => v.clone(),
                            _ => return Err(wrong("a region id or a list of region ids")),
                        };
                        req.regions = Some(Given { value: list, from: from.clone() });
                    }
                    "facility" => req.facility = Some(text()?),
                    "pue" => req.pue = Some(num()?),
                    "avg_power_fraction" => req.avg_power_fraction = Some(num()?),
                    "server_power_multiplier" => req.server_power_multiplier = Some(num()?),
                    "tariff_usd_per_kwh" => req.tariff_usd_per_kwh = Some(num()?),
                    "grid_kgco2_per_kwh" => req.grid_kgco2_per_kwh = Some(num()?),
                    "rental_usd_per_hour" => req.rental_usd_per_hour = Some(num()?),
                    "load_factor" => req.load_factor = Some(num()?),
                    "vat" => req.vat = Some(text()?),
                    "power_deal" => match &input.value {
                        InputValue::Bool(b) => req.power_deal = Some(Given { value: *b, from: from.clone() }),
                        _ => return Err(wrong("true or false")),
                    },
                    other => {
                        return Err(Diagnostic::new(format!("unknown key `{other}` in [train]"))
                            .at(Some(input.location.clone()))
                            .key(format!("train.{other}"))
                            .expected(format!("one of: {}", TRAIN_KEYS.join(", ")))
                            .suggest(other, TRAIN_KEYS.iter().copied()));
                    }
                }
                Ok(())
            })();
            if let Err(d) = result {
                problems.push(d);
            }
        }
        if problems.is_empty() { Ok(req) } else { Err(Diagnostics(problems)) }
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
            power_deal
        )
    }
}

/// Where a bound number came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Provenance {
    /// A data parameter (built in, or overridden by a scenario or `--set`).
    Data { key: String, source: String, year: Option<i64>, origin: Origin },
    /// Given by the user.
    Input(InputOrigin),
    /// Worked out from other bound numbers.
    Derived(String),
}

/// One number the ledger used, named as in [`Inputs`] or the data.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub name: &'static str,
    pub value: f64,
    pub unit: String,
    pub provenance: Provenance,
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
    pub facility: String,
    pub price: Price,
    pub vat: Vat,
    pub inputs: Inputs,
    pub bindings: Vec<Binding>,
}

impl Bound {
    pub fn binding(&self, name: &str) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.name == name)
    }
}

/// Reads numbers from the data and the request, keeping a record of each.
struct Binder<'a> {
    ds: &'a Dataset,
    bindings: Vec<Binding>,
}

impl Binder<'_> {
    fn data(&mut self, name: &'static str, key: &str) -> Result<f64, Diagnostic> {
        let p = self.ds.param(key).ok_or_else(|| {
            Diagnostic::new(format!("the data has no `{key}`")).key(key).expected("a number in the data")
        })?;
        self.bindings.push(Binding {
            name,
            value: p.value,
            unit: p.unit.clone(),
            provenance: Provenance::Data {
                key: key.to_string(),
                source: p.source.clone(),
                year: p.year,
                origin: p.origin.clone(),
            },
        });
        Ok(p.value)
    }

    fn data_opt(&mut self, name: &'static str, key: &str) -> Option<f64> {
        self.ds.param(key).is_some().then(|| self.data(name, key).ok()).flatten()
    }

    fn given(&mut self, name: &'static str, unit: &str, g: &Given<f64>) -> f64 {
        self.bindings.push(Binding {
            name,
            value: g.value,
            unit: unit.to_string(),
            provenance: Provenance::Input(g.from.clone()),
        });
        g.value
    }

    /// The user's value if given, else the data's.
    fn either(
        &mut self,
        name: &'static str,
        given: &Option<Given<f64>>,
        key: &str,
    ) -> Result<f64, Diagnostic> {
        match given {
            Some(g) => {
                let unit = self.ds.param(key).map(|p| p.unit.clone()).unwrap_or_default();
                Ok(self.given(name, &unit, g))
            }
            None => self.data(name, key),
        }
    }

    fn derived(&mut self, name: &'static str, value: f64, unit: &str, how: String) {
        self.bindings.push(Binding {
            name,
            value,
            unit: unit.to_string(),
            provenance: Provenance::Derived(how),
        });
    }
}

/// A choice made from the request, a run, or the defaults.
fn choose<'a>(
    given: Option<&'a Given<String>>,
    run: Option<&'a str>,
    default: Option<&'a str>,
) -> Option<&'a str> {
    given.map(|g| g.value.as_str()).or(run).or(default)
}

/// Checks the user's numbers: finite, and in the range each one allows.
fn check_request(req: &TrainRequest) -> Vec<Diagnostic> {
    enum Rule {
        Positive,
        Share,
        AtLeastOne,
        NonNegative,
        Count,
    }
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
    let mut problems = Vec::new();
    for (field, given, rule) in rules {
        let Some(g) = given else { continue };
        let v = g.value;
        let (ok, expected) = match rule {
            Rule::Positive => (v > 0.0, "a finite number greater than 0"),
            Rule::Share => (v > 0.0 && v <= 1.0, "a share greater than 0 and at most 1"),
            Rule::AtLeastOne => (v >= 1.0, "a finite number of at least 1"),
            Rule::NonNegative => (v >= 0.0, "a finite number, 0 or more"),
            Rule::Count => (v >= 1.0 && v.fract() == 0.0, "a whole number, 1 or more"),
        };
        if !ok || !v.is_finite() {
            problems.push(
                Diagnostic::new(format!("{} = {v} is out of range", g.name(field)))
                    .at(g.at())
                    .key(g.name(field))
                    .expected(expected),
            );
        }
    }
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

/// Binds a request to the data: one [`Bound`] per region asked for.
pub fn bind(ds: &Dataset, req: &TrainRequest) -> Result<Vec<Bound>, Diagnostics> {
    let problems = check_request(req);
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let at = |g: Option<&Given<String>>| g.and_then(|g| g.at());
    let run = req.run.as_ref().map(|g| g.value.as_str());
    if let (Some(id), Some(g)) = (run, &req.run) {
        ds.require_id("run", id, &g.name("run")).map_err(|d| d.at(g.at()))?;
    }
    let run_text = |field: &str| run.and_then(|id| ds.text(&key("run", Some(id), field)));

    let accelerator =
        choose(req.accelerator.as_ref(), run_text("accelerator"), ds.text("defaults.accelerator"))
            .ok_or_else(|| Diagnostic::new("no accelerator given and none in the defaults"))?;
    let name = |g: Option<&Given<String>>, field: &str| g.map_or(field.to_string(), |g| g.name(field));
    ds.require_id("accelerator", accelerator, &name(req.accelerator.as_ref(), "accelerator"))
        .map_err(|d| d.at(at(req.accelerator.as_ref())))?;

    let precision = choose(req.precision.as_ref(), run_text("precision"), ds.text("defaults.precision"))
        .ok_or_else(|| Diagnostic::new("no precision given and none in the defaults"))?;
    if !PRECISIONS.contains(&precision) {
        return Err(Diagnostic::new(format!("unknown precision `{precision}`"))
            .at(at(req.precision.as_ref()))
            .key(name(req.precision.as_ref(), "precision"))
            .expected(format!("one of {}", quote_list(PRECISIONS)))
            .into());
    }
    let peak_key = key("accelerator", Some(accelerator), &format!("{precision}_tflops"));
    if ds.param(&peak_key).is_none() {
        return Err(Diagnostic::new(format!("{accelerator} has no published dense {precision} peak"))
            .at(at(req.precision.as_ref()))
            .key(peak_key)
            .expected("a precision the accelerator supports")
            .hint("try --precision bf16")
            .into());
    }

    let regions: Vec<String> = match (&req.regions, run_text("region"), ds.text("defaults.region")) {
        (Some(g), _, _) => g.value.clone(),
        (None, Some(r), _) | (None, None, Some(r)) => vec![r.to_string()],
        (None, None, None) => {
            return Err(Diagnostic::new("no region given and none in the defaults").into());
        }
    };
    let mut problems = Vec::new();
    let region_key = req.regions.as_ref().map_or("region".to_string(), |g| g.name("region"));
    for r in &regions {
        if let Err(d) = ds.require_id("region", r, &region_key) {
            problems.push(d.at(req.regions.as_ref().and_then(|g| g.at())));
        }
    }
    let facility = choose(req.facility.as_ref(), None, ds.text("defaults.facility"))
        .ok_or_else(|| Diagnostic::new("no facility kind given and none in the defaults"))?;
    if let Err(d) = ds.require_id("facility", facility, &name(req.facility.as_ref(), "facility")) {
        problems.push(d.at(at(req.facility.as_ref())));
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }

    let vat = match req.vat.as_ref().map(|g| g.value.as_str()) {
        Some("included") => Vat::Included,
        _ => Vat::Recovered,
    };
    regions
        .iter()
        .map(|region| bind_region(ds, req, run, accelerator, precision, region, facility, vat))
        .collect::<Result<Vec<_>, Diagnostic>>()
        .map_err(Diagnostics::from)
}

#[allow(clippy::too_many_arguments)]
fn bind_region(
    ds: &Dataset,
    req: &TrainRequest,
    run: Option<&str>,
    accelerator: &str,
    precision: &str,
    region: &str,
    facility: &str,
    vat: Vat,
) -> Result<Bound, Diagnostic> {
    let mut b = Binder { ds, bindings: Vec::new() };
    let acc = |f: &str| key("accelerator", Some(accelerator), f);
    let reg = |f: &str| key("region", Some(region), f);
    let fac = |f: &str| key("facility", Some(facility), f);
    let run_key = |f: &str| run.map(|id| key("run", Some(id), f));

    // Size of the run: compute from the request, else from the run; hours likewise.
    let compute_flop = if let Some(f) = &req.flop {
        Some(b.given("compute_flop", "FLOP", f))
    } else {
        let (params, tokens) = match (&req.params, &req.tokens, run_key("params_active"), run_key("tokens")) {
            (Some(p), Some(t), _, _) => (b.given("params", "params", p), b.given("tokens", "tokens", t)),
            (None, None, Some(pk), Some(tk)) => (b.data("params", &pk)?, b.data("tokens", &tk)?),
            _ => (f64::NAN, f64::NAN),
        };
        if params.is_nan() {
            None
        } else {
            let k = b.data("flop_per_param_token", "training.flop_per_param_token")?;
            let c = k * params * tokens;
            b.derived("compute_flop", c, "FLOP", format!("{k} × params × tokens"));
            Some(c)
        }
    };
    if let (Some(m), Some(h), Some(_)) = (&req.mfu, &req.accelerator_hours, compute_flop) {
        return Err(Diagnostic::new(format!(
            "{} conflicts with {}",
            m.name("mfu"),
            h.name("accelerator_hours")
        ))
        .at(m.at())
        .expected("with compute known, give either MFU (hours follow) or hours (MFU follows)"));
    }
    let accelerator_hours = match (&req.accelerator_hours, &req.mfu, run_key("accelerator_hours")) {
        (Some(h), _, _) => Some(b.given("accelerator_hours", "h", h)),
        // An explicit MFU re-derives the hours of a published run from its compute.
        (None, Some(_), _) if compute_flop.is_some() => None,
        (None, _, Some(k)) => Some(b.data("accelerator_hours", &k)?),
        (None, _, None) => None,
    };
    if compute_flop.is_none() && accelerator_hours.is_none() {
        return Err(Diagnostic::new("nothing sizes the run")
            .expected("--params N --tokens D, --flop C, --accelerator-hours H, or --run ID"));
    }
    let accelerators = match (&req.accelerators, run_key("accelerators")) {
        (Some(n), _) => Some(b.given("accelerators", "count", n)),
        (None, Some(k)) => Some(b.data("accelerators", &k)?),
        (None, None) => None,
    };
    let goodput = match (&req.goodput, run_key("goodput")) {
        (Some(g), _) => b.given("goodput", "fraction", g),
        (None, Some(k)) => b.data("goodput", &k)?,
        (None, None) => b.data("goodput", "training.goodput")?,
    };
    let mfu = b.either("mfu", &req.mfu, "training.mfu")?;

    let peak_tflops = b.data("peak_tflops", &acc(&format!("{precision}_tflops")))?;
    let tdp_w = b.data("tdp_w", &acc("tdp_w"))?;
    let accelerator_price_usd = b.data("accelerator_price_usd", &acc("price_usd"))?;
    let server_power_multiplier =
        b.either("server_power_multiplier", &req.server_power_multiplier, "server.power_multiplier")?;
    let avg_power_fraction =
        b.either("avg_power_fraction", &req.avg_power_fraction, "server.avg_power_fraction")?;

    let pue = match (&req.pue, &req.facility) {
        (Some(g), _) => b.given("pue", "ratio", g),
        (None, Some(_)) => b.data("pue", &fac("pue"))?,
        (None, None) => b.data("pue", &reg("pue"))?,
    };

    let (price, tariff_usd_per_kwh) = bind_price(&mut b, req, region, vat)?;
    let grid_kgco2_per_kwh =
        b.either("grid_kgco2_per_kwh", &req.grid_kgco2_per_kwh, &reg("grid_kgco2_per_kwh"))?;

    let rental_usd_per_hour = match (&req.rental_usd_per_hour, run_key("rental_usd_per_hour")) {
        (Some(g), _) => Some(b.given("rental_usd_per_hour", "USD/h", g)),
        (None, Some(k)) if ds.param(&k).is_some() => Some(b.data("rental_usd_per_hour", &k)?),
        _ => b.data_opt("rental_usd_per_hour", &acc("rental_usd_per_hour")),
    };

    let inputs = Inputs {
        compute_flop,
        accelerator_hours,
        accelerators,
        peak_tflops,
        mfu,
        goodput,
        tdp_w,
        server_power_multiplier,
        avg_power_fraction,
        pue,
        tariff_usd_per_kwh,
        grid_kgco2_per_kwh,
        accelerator_price_usd,
        server_capex_fraction: b.data("server_capex_fraction", "server.capex_fraction")?,
        network_capex_fraction: b.data("network_capex_fraction", "server.network_capex_fraction")?,
        hardware_life_years: b.data("hardware_life_years", "ownership.hardware_life_years")?,
        cost_of_capital: b.data("cost_of_capital", "ownership.cost_of_capital")?,
        maintenance_fraction_per_year: b
            .data("maintenance_fraction_per_year", "ownership.maintenance_fraction_per_year")?,
        facility_capex_usd_per_mw: b.data("facility_capex_usd_per_mw", &fac("capex_usd_per_mw"))?,
        facility_life_years: b.data("facility_life_years", &fac("life_years"))?,
        rental_usd_per_hour,
    };
    check_inputs(&inputs, &b.bindings)?;
    Ok(Bound {
        region: region.to_string(),
        region_name: ds.text(&reg("name")).unwrap_or(region).to_string(),
        accelerator: accelerator.to_string(),
        accelerator_name: ds.text(&acc("name")).unwrap_or(accelerator).to_string(),
        precision: precision.to_string(),
        run: run.map(str::to_string),
        facility: facility.to_string(),
        price,
        vat,
        inputs,
        bindings: b.bindings,
    })
}

/// The region's price of a kWh, from its tariff and the buyer's terms, unless the user gave one.
fn bind_price(
    b: &mut Binder,
    req: &TrainRequest,
    region: &str,
    vat: Vat,
) -> Result<(Price, f64), Diagnostic> {
    let ds = b.ds;
    let reg = |f: &str| key("region", Some(region), f);
    let model = ds.text(&reg("tariff_model")).unwrap_or("flat");
    let spec = match model {
        "two-part" => TariffSpec::TwoPart(TwoPart {
            energy_cny_per_kwh: b.data("energy_cny_per_kwh", &reg("energy_cny_per_kwh"))?,
            line_loss_fraction: b.data("line_loss_fraction", &reg("line_loss_fraction"))?,
            td_cny_per_kwh: b.data("td_cny_per_kwh", &reg("td_cny_per_kwh"))?,
            demand_cny_per_kw_month: b.data("demand_cny_per_kw_month", &reg("demand_cny_per_kw_month"))?,
            system_op_cny_per_kwh: b.data("system_op_cny_per_kwh", &reg("system_op_cny_per_kwh"))?,
            funds_cny_per_kwh: b.data("funds_cny_per_kwh", &reg("funds_cny_per_kwh"))?,
        }),
        _ if ds.param(&reg("tariff_usd_per_kwh")).is_some() => TariffSpec::FlatUsd {
            usd_per_kwh: b.data("region_tariff_usd_per_kwh", &reg("tariff_usd_per_kwh"))?,
        },
        _ => TariffSpec::FlatCny { cny_per_kwh: b.data("tariff_cny_per_kwh", &reg("tariff_cny_per_kwh"))? },
    };
    let cny = !matches!(spec, TariffSpec::FlatUsd { .. });
    let vat_rate = if cny { b.data("vat_rate", &reg("vat_rate"))? } else { 0.0 };
    let load_factor = if matches!(spec, TariffSpec::TwoPart(_)) {
        b.either("load_factor", &req.load_factor, "power.load_factor")?
    } else {
        1.0
    };
    let deal = match &req.power_deal {
        Some(g) if g.value && cny => b.data_opt("dc_deal_cny_per_kwh", &reg("dc_deal_cny_per_kwh")),
        _ => None,
    };
    let cny_per_usd = if cny { b.data("cny_per_usd", "fx.cny_per_usd")? } else { 1.0 };
    let price =
        power::price(spec, vat_rate, PurchaseTerms { load_factor, vat, deal_cny_per_kwh: deal }, cny_per_usd);
    let usd = match &req.tariff_usd_per_kwh {
        Some(g) => b.given("tariff_usd_per_kwh", "USD/kWh", g),
        None => {
            let how = match (spec, price.deal) {
                (TariffSpec::FlatUsd { .. }, _) => "the region's all-in industrial price".to_string(),
                (_, true) => format!("data-centre deal, VAT {}, ÷ CNY per USD", vat.name()),
                (TariffSpec::FlatCny { .. }, false) => {
                    format!("flat CNY price, VAT {}, ÷ CNY per USD", vat.name())
                }
                (TariffSpec::TwoPart(_), false) => format!(
                    "(energy × (1 + line loss) + T&D + demand ÷ (hours per month × load factor) + system \
                     operation + funds){}, ÷ CNY per USD",
                    if vat == Vat::Recovered { " ÷ (1 + VAT)" } else { "" }
                ),
            };
            b.derived("tariff_usd_per_kwh", price.usd_per_kwh, "USD/kWh", how);
            price.usd_per_kwh
        }
    };
    Ok((price, usd))
}

/// Ranges that data overrides could break: checked once more on the bound numbers.
fn check_inputs(x: &Inputs, bindings: &[Binding]) -> Result<(), Diagnostic> {
    let source = |name: &str| {
        bindings
            .iter()
            .rev()
            .find(|b| b.name == name)
            .map(|b| match &b.provenance {
                Provenance::Data { key, .. } => key.clone(),
                Provenance::Input(o) => o.to_string(),
                Provenance::Derived(_) => name.to_string(),
            })
            .unwrap_or_else(|| name.to_string())
    };
    let rules: [(&str, f64, bool, &str); 11] = [
        ("peak_tflops", x.peak_tflops, x.peak_tflops > 0.0, "a peak greater than 0"),
        ("tdp_w", x.tdp_w, x.tdp_w > 0.0, "a power greater than 0"),
        (
            "accelerator_price_usd",
            x.accelerator_price_usd,
            x.accelerator_price_usd > 0.0,
            "a price greater than 0",
        ),
        ("pue", x.pue, x.pue >= 1.0, "a PUE of at least 1"),
        (
            "server_power_multiplier",
            x.server_power_multiplier,
            x.server_power_multiplier >= 1.0,
            "at least 1",
        ),
        ("hardware_life_years", x.hardware_life_years, x.hardware_life_years > 0.0, "a life greater than 0"),
        ("facility_life_years", x.facility_life_years, x.facility_life_years > 0.0, "a life greater than 0"),
        (
            "network_capex_fraction",
            x.network_capex_fraction,
            x.network_capex_fraction < 1.0,
            "a share below 1",
        ),
        ("mfu", x.mfu, x.mfu > 0.0, "a share greater than 0"),
        ("goodput", x.goodput, x.goodput > 0.0, "a share greater than 0"),
        ("avg_power_fraction", x.avg_power_fraction, x.avg_power_fraction > 0.0, "a share greater than 0"),
    ];
    for (name, value, ok, expected) in rules {
        if !ok {
            return Err(Diagnostic::new(format!("{name} = {value} cannot be used"))
                .key(source(name))
                .expected(expected));
        }
    }
    if let (Some(c), Some(h)) = (x.compute_flop, x.accelerator_hours) {
        let implied = c
            / (h * crate::units::SECONDS_PER_HOUR
                * x.peak_tflops
                * crate::units::FLOPS_PER_TFLOPS
                * x.goodput);
        if implied > 1.0 {
            return Err(Diagnostic::new(format!(
                "the compute and hours imply an MFU of {implied:.2}, above 1: more FLOP than the hardware can do"
            ))
            .key(source("accelerator_hours"))
            .expected("more accelerator-hours, less compute, or a higher peak"));
        }
    }
    Ok(())
}
