//! `waferwatt train`: the training-run ledger for one or more regions.

use clap::Args;
use serde_json::{Value, json};
use waferwatt::diag::Diagnostic;
use waferwatt::train::{self, Bound, Given, InputOrigin, Item, Outputs, Provenance, TrainRequest};

use crate::Failure;
use crate::input::{DataOptions, load, parse_quantity};
use crate::render::{Format, Table, csv_line, human, percent, plain, sig3, usd};

#[derive(Args, Debug, Clone)]
pub struct TrainArgs {
    /// A published run from the data (its hours, tokens, parameters and hardware)
    #[arg(long, value_name = "ID")]
    pub run: Option<String>,
    /// Accelerator id (see `waferwatt data list accelerator`)
    #[arg(long, value_name = "ID")]
    pub accelerator: Option<String>,
    /// Accelerators in the cluster (sets the wall-clock time)
    #[arg(long, value_name = "N", value_parser = parse_quantity, allow_negative_numbers = true)]
    pub accelerators: Option<f64>,
    /// Active parameters (with --tokens): compute = 6 · N · D
    #[arg(long, value_name = "N", value_parser = parse_quantity, allow_negative_numbers = true)]
    pub params: Option<f64>,
    /// Training tokens (with --params)
    #[arg(long, value_name = "D", value_parser = parse_quantity, allow_negative_numbers = true)]
    pub tokens: Option<f64>,
    /// Training compute in FLOP, instead of --params and --tokens
    #[arg(long, value_name = "C", value_parser = parse_quantity, allow_negative_numbers = true)]
    pub flop: Option<f64>,
    /// Accelerator-hours, as published runs report them (MFU then follows)
    #[arg(long, value_name = "H", value_parser = parse_quantity, allow_negative_numbers = true)]
    pub accelerator_hours: Option<f64>,
    /// Model FLOP utilisation, 0..1
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub mfu: Option<f64>,
    /// Share of paid hours that make progress, 0..1
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub goodput: Option<f64>,
    /// Precision whose dense peak sets the hours: bf16 or fp8
    #[arg(long, value_name = "P")]
    pub precision: Option<String>,
    /// Region id, or a comma list to compare side by side
    #[arg(long, value_name = "ID[,ID...]")]
    pub region: Option<String>,
    /// Facility kind (PUE, construction cost and life; see `waferwatt data list facility`)
    #[arg(long, value_name = "ID")]
    pub facility: Option<String>,
    /// Power usage effectiveness (overrides region and facility)
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub pue: Option<f64>,
    /// Average power during training as a fraction of peak server power
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub avg_power_fraction: Option<f64>,
    /// Server power per accelerator over the accelerator's TDP
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub server_power_multiplier: Option<f64>,
    /// Electricity price in USD per kWh (overrides every region's tariff)
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    pub tariff_usd_per_kwh: Option<f64>,
    /// Grid carbon intensity in kgCO2 per kWh (overrides every region's)
    #[arg(long, value_name = "G", allow_negative_numbers = true)]
    pub grid_kgco2_per_kwh: Option<f64>,
    /// Cloud rental price per accelerator-hour, for the rental comparison
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    pub rental_usd_per_hour: Option<f64>,
    /// Average over contracted maximum demand (spreads a two-part tariff's demand charge)
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub load_factor: Option<f64>,
    /// VAT in Chinese prices: recovered (default; businesses reclaim it) or included
    #[arg(long, value_name = "HOW")]
    pub vat: Option<String>,
    /// Use a region's published special data-centre power price where it has one
    #[arg(long)]
    pub power_deal: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show how each figure was derived: formula, inputs, sources, origins
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub data: DataOptions,
}

impl TrainArgs {
    fn request(&self) -> TrainRequest {
        let num = |v: Option<f64>, name: &str| v.map(|x| Given::flag(x, name));
        let text = |v: &Option<String>, name: &str| v.as_ref().map(|x| Given::flag(x.clone(), name));
        TrainRequest {
            run: text(&self.run, "--run"),
            accelerator: text(&self.accelerator, "--accelerator"),
            accelerators: num(self.accelerators, "--accelerators"),
            params: num(self.params, "--params"),
            tokens: num(self.tokens, "--tokens"),
            flop: num(self.flop, "--flop"),
            accelerator_hours: num(self.accelerator_hours, "--accelerator-hours"),
            mfu: num(self.mfu, "--mfu"),
            goodput: num(self.goodput, "--goodput"),
            precision: text(&self.precision, "--precision"),
            regions: self.region.as_ref().map(|r| {
                Given::flag(
                    r.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
                    "--region",
                )
            }),
            facility: text(&self.facility, "--facility"),
            pue: num(self.pue, "--pue"),
            avg_power_fraction: num(self.avg_power_fraction, "--avg-power-fraction"),
            server_power_multiplier: num(self.server_power_multiplier, "--server-power-multiplier"),
            tariff_usd_per_kwh: num(self.tariff_usd_per_kwh, "--tariff-usd-per-kwh"),
            grid_kgco2_per_kwh: num(self.grid_kgco2_per_kwh, "--grid-kgco2-per-kwh"),
            rental_usd_per_hour: num(self.rental_usd_per_hour, "--rental-usd-per-hour"),
            load_factor: num(self.load_factor, "--load-factor"),
            vat: text(&self.vat, "--vat"),
            power_deal: self.power_deal.then(|| Given::flag(true, "--power-deal")),
        }
    }
}

/// A bound region and its evaluated ledger.
pub struct Evaluated {
    pub bound: Bound,
    pub out: Outputs,
}

/// Evaluates a request, refusing any result that is not a finite number.
pub fn evaluate_all(bounds: Vec<Bound>) -> Result<Vec<Evaluated>, Failure> {
    bounds
        .into_iter()
        .map(|bound| {
            let out = train::evaluate(&bound.inputs);
            let figures = [
                ("accelerator_hours", out.accelerator_hours),
                ("energy_mwh", out.energy_mwh),
                ("emissions_tco2e", out.emissions_tco2e),
                ("total_usd", out.total_usd),
            ];
            for (name, v) in figures.into_iter().chain(out.ledger_usd.map(|u| ("ledger", u))) {
                if !v.is_finite() || out.total_usd <= 0.0 {
                    return Err(Failure::from(
                        Diagnostic::new(format!(
                            "the inputs give a result that is not a finite number ({name})"
                        ))
                        .expected("inputs that give a finite, positive cost")
                        .hint("check for zero or extreme values in --set or the scenario"),
                    ));
                }
            }
            Ok(Evaluated { bound, out })
        })
        .collect()
}

pub fn run(args: &TrainArgs) -> Result<String, Failure> {
    let (ds, scenario) = load(&args.data)?;
    let base = match scenario.section("train") {
        Some(section) => TrainRequest::from_scenario(section)?,
        None => TrainRequest::default(),
    };
    let req = base.overlay(args.request());
    let results = evaluate_all(train::bind(&ds, &req)?)?;
    Ok(match args.format {
        Format::Json => {
            let items: Vec<Value> = results.iter().map(|r| to_json(r, args.explain)).collect();
            let value = if items.len() == 1 {
                items.into_iter().next().unwrap_or(Value::Null)
            } else {
                Value::Array(items)
            };
            format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default())
        }
        Format::Csv => to_csv(&results),
        Format::Table => {
            let mut text = to_table(&results);
            if args.explain {
                for r in &results {
                    text.push('\n');
                    text.push_str(&explain_text(r));
                }
            }
            text
        }
    })
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, |v| json!(v))
}

fn item_key(item: Item) -> String {
    item.name().replace(' ', "_")
}

pub fn to_json(r: &Evaluated, explain: bool) -> Value {
    let (b, o) = (&r.bound, &r.out);
    let ledger: Vec<Value> = Item::ALL
        .iter()
        .map(|i| json!({ "item": i.name(), "usd": o.usd(*i), "share": o.share(*i) }))
        .collect();
    let mut v = json!({
        "run": b.run,
        "accelerator": b.accelerator,
        "region": b.region,
        "precision": b.precision,
        "facility": b.facility,
        "accelerators": opt(b.inputs.accelerators),
        "accelerator_hours": o.accelerator_hours,
        "compute_flop": opt(o.compute_flop),
        "mfu": opt(o.mfu),
        "implied_mfu": opt(o.implied_mfu),
        "goodput": b.inputs.goodput,
        "wall_days": opt(o.wall_days),
        "it_kw_per_accelerator": o.it_kw_per_accelerator,
        "pue": b.inputs.pue,
        "tariff_usd_per_kwh": b.inputs.tariff_usd_per_kwh,
        "tariff_local_per_kwh": b.price.local_per_kwh,
        "currency": b.price.currency.code(),
        "vat": b.vat.name(),
        "power_deal": b.price.deal,
        "grid_kgco2_per_kwh": b.inputs.grid_kgco2_per_kwh,
        "energy_mwh": o.energy_mwh,
        "emissions_tco2e": o.emissions_tco2e,
        "ledger": ledger,
        "total_usd": o.total_usd,
        "usd_per_accelerator_hour": o.usd_per_accelerator_hour,
        "rental_usd": opt(o.rental_usd),
    });
    if explain {
        let steps: Vec<Value> = train::explain(b, o)
            .iter()
            .map(|s| {
                let inputs: Vec<Value> = b
                    .bindings
                    .iter()
                    .filter(|x| s.uses.contains(&x.name))
                    .map(|x| {
                        let (origin, key, source, year) = provenance_parts(&x.provenance);
                        json!({ "name": x.name, "value": x.value, "unit": x.unit, "origin": origin,
                                "key": key, "source": source, "year": year })
                    })
                    .collect();
                json!({ "figure": s.figure, "value": s.value, "unit": s.unit, "formula": s.formula, "inputs": inputs })
            })
            .collect();
        v["explain"] = Value::Array(steps);
    }
    v
}

/// (origin, key, source, year) of a binding, for JSON and text.
fn provenance_parts(p: &Provenance) -> (String, Option<String>, Option<String>, Option<i64>) {
    match p {
        Provenance::Data { key, source, year, origin } => {
            (origin.to_string(), Some(key.clone()), Some(source.clone()), *year)
        }
        Provenance::Input(InputOrigin::Flag(name)) => (format!("flag {name}"), None, None, None),
        Provenance::Input(InputOrigin::Scenario(loc)) => (format!("scenario {loc}"), None, None, None),
        Provenance::Derived(how) => (format!("derived: {how}"), None, None, None),
    }
}

fn to_csv(results: &[Evaluated]) -> String {
    let mut header: Vec<String> = [
        "region",
        "accelerator",
        "precision",
        "run",
        "accelerators",
        "accelerator_hours",
        "compute_flop",
        "mfu",
        "implied_mfu",
        "wall_days",
        "pue",
        "tariff_usd_per_kwh",
        "grid_kgco2_per_kwh",
        "energy_mwh",
        "emissions_tco2e",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for i in Item::ALL {
        header.push(format!("{}_usd", item_key(i)));
        header.push(format!("{}_share", item_key(i)));
    }
    header.extend(["total_usd", "rental_usd"].map(String::from));
    let mut out = csv_line(&header);
    let o = |x: Option<f64>| x.map(plain).unwrap_or_default();
    for r in results {
        let (b, x) = (&r.bound, &r.out);
        let mut row = vec![
            b.region.clone(),
            b.accelerator.clone(),
            b.precision.clone(),
            b.run.clone().unwrap_or_default(),
            o(b.inputs.accelerators),
            plain(x.accelerator_hours),
            o(x.compute_flop),
            o(x.mfu),
            o(x.implied_mfu),
            o(x.wall_days),
            plain(b.inputs.pue),
            plain(b.inputs.tariff_usd_per_kwh),
            plain(b.inputs.grid_kgco2_per_kwh),
            plain(x.energy_mwh),
            plain(x.emissions_tco2e),
        ];
        for i in Item::ALL {
            row.push(plain(x.usd(i)));
            row.push(plain(x.share(i)));
        }
        row.push(plain(x.total_usd));
        row.push(o(x.rental_usd));
        out.push_str(&csv_line(&row));
    }
    out
}

/// The side-by-side table: one column per region.
pub fn to_table(results: &[Evaluated]) -> String {
    let Some(first) = results.first() else {
        return String::new();
    };
    let b0 = &first.bound;
    let mut text = format!(
        "training run{}: {} ({}), {} peak\n",
        b0.run.as_ref().map(|r| format!(" {r}")).unwrap_or_default(),
        b0.accelerator_name,
        b0.accelerator,
        b0.precision
    );
    let mut header = vec![String::new()];
    header.extend(results.iter().map(|r| r.bound.region.clone()));
    let mut t = Table::new(header);
    let mut row = |label: &str, f: &dyn Fn(&Evaluated) -> String| {
        let mut cells = vec![label.to_string()];
        cells.extend(results.iter().map(f));
        t.row(cells);
    };
    let dash = || "—".to_string();
    row("compute", &|r| r.out.compute_flop.map(|c| format!("{c:.3e} FLOP")).unwrap_or_else(dash));
    row("accelerator-hours", &|r| human(r.out.accelerator_hours));
    row("MFU", &|r| match (r.out.implied_mfu, r.out.mfu) {
        (Some(m), _) => format!("{} (implied)", percent(m)),
        (None, Some(m)) => percent(m),
        _ => dash(),
    });
    row("wall-clock days", &|r| r.out.wall_days.map(sig3).unwrap_or_else(dash));
    row("IT kW per accelerator", &|r| sig3(r.out.it_kw_per_accelerator));
    row("PUE", &|r| sig3(r.bound.inputs.pue));
    row("tariff (USD/kWh)", &|r| sig3(r.bound.inputs.tariff_usd_per_kwh));
    row("energy (MWh)", &|r| human(r.out.energy_mwh));
    row("emissions (tCO2e)", &|r| human(r.out.emissions_tco2e));
    t.section("ledger");
    for item in Item::ALL {
        let label = format!("  {}", item.name());
        let mut cells = vec![label];
        cells.extend(
            results.iter().map(|r| format!("{} {:>6}", usd(r.out.usd(item)), percent(r.out.share(item)))),
        );
        t.row(cells);
    }
    let mut cells = vec!["  total".to_string()];
    cells.extend(results.iter().map(|r| format!("{} {:>6}", usd(r.out.total_usd), percent(1.0))));
    t.row(cells);
    let mut cells = vec!["per accelerator-hour".to_string()];
    cells.extend(results.iter().map(|r| format!("${}", sig3(r.out.usd_per_accelerator_hour))));
    t.row(cells);
    let mut cells = vec!["rental instead".to_string()];
    cells.extend(results.iter().map(|r| r.out.rental_usd.map(usd).unwrap_or_else(dash)));
    t.row(cells);
    text.push_str(&t.render());
    text
}

/// The derivation of every figure for one region, with inputs, sources and origins.
pub fn explain_text(r: &Evaluated) -> String {
    let b = &r.bound;
    let mut text = format!("how the {} figures were derived\n", b.region);
    for s in train::explain(b, &r.out) {
        text.push_str(&format!("{} = {} {}\n    = {}\n", s.figure, human(s.value), s.unit, s.formula));
        for x in b.bindings.iter().filter(|x| s.uses.contains(&x.name)) {
            let (origin, key, source, year) = provenance_parts(&x.provenance);
            let cited = match (key, source) {
                (Some(k), Some(src)) => {
                    format!("{k} [source: {src}{}]", year.map(|y| format!(", {y}")).unwrap_or_default())
                }
                _ => String::new(),
            };
            text.push_str(&format!(
                "      {} = {} {}   {cited} ({origin})\n",
                x.name,
                human(x.value),
                x.unit
            ));
        }
    }
    text
}
