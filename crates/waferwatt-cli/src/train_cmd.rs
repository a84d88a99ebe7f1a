//! `waferwatt train`: the training-run ledger for one or more regions.

use clap::Args;
use serde_json::{Value, json};
use waferwatt::train::{self, Bound, Given, Item, Outputs, TrainRequest};

use crate::Failure;
use crate::input::{DataOptions, load, parse_quantity};
use crate::render::{Format, Table, csv_line, human, percent, plain, sig3, usd};
use crate::sampling::{Problem, SampleOptions, Task, answer_model};

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
    /// (`--power-deal false` turns off a scenario's `power_deal = true`)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub power_deal: Option<bool>,
    /// A published method in place of the defaults (`waferwatt data list method`), e.g. epoch-2024
    #[arg(long, value_name = "NAME")]
    pub method: Option<String>,
    /// The day training began, YYYY-MM-DD: the hardware is valued at that date, its price
    /// decayed from the price's date
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show how each figure was derived: formula, inputs, sources, origins
    #[arg(long)]
    pub explain: bool,
    /// Write a chart (SVG or PNG): the cost waterfall by ledger item, or the regions side by side
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
    #[command(flatten)]
    pub data: DataOptions,
    #[command(flatten)]
    pub sampling: SampleOptions,
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
            power_deal: self.power_deal.map(|b| Given::flag(b, "--power-deal")),
            method: text(&self.method, "--method"),
            start: text(&self.start, "--start"),
        }
    }
}

/// A bound region and its evaluated ledger.
pub struct Evaluated {
    pub bound: Bound,
    pub out: Outputs,
}

/// Evaluates each bound region, refusing any result that no one should be shown.
pub fn evaluate_all(bounds: Vec<Bound>) -> Result<Vec<Evaluated>, Failure> {
    bounds
        .into_iter()
        .map(|bound| {
            let out = train::evaluate(&bound.inputs);
            train::check(&out).map_err(|d| {
                let d = d.key(format!("region {}", bound.region));
                Failure::from(d)
            })?;
            Ok(Evaluated { bound, out })
        })
        .collect()
}

pub fn run(args: &TrainArgs) -> Result<String, Failure> {
    let (ds, req) = prepare(args)?;
    crate::sampling::check_explain(args.explain, args.format, &args.sampling)?;
    crate::sampling::check_chart(args.chart.as_deref(), &args.sampling)?;
    if args.sampling.active() {
        let task = Task::Sample {
            opts: &args.sampling,
            format: args.format,
            title: title(&train::bind(&ds, &req)?),
        };
        return uncertain(&ds, &req, task);
    }
    let results = evaluate_all(train::bind(&ds, &req)?)?;
    if let Some(path) = &args.chart {
        crate::figures::train(&results, path)?;
        crate::chart::said(path);
    }
    Ok(match args.format {
        Format::Json => {
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json_all(&results, args.explain)).unwrap_or_default()
            )
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

/// The data in force and the request: the scenario's `[train]` section under the flags.
pub fn prepare(args: &TrainArgs) -> Result<(waferwatt::data::Dataset, TrainRequest), Failure> {
    let (ds, scenario) = load(&args.data)?;
    let base = match scenario.section("train") {
        Some(section) => TrainRequest::from_scenario(section)?,
        None => TrainRequest::default(),
    };
    args.sampling.check()?;
    Ok((ds, base.overlay(args.request())))
}

/// One region's answer as an object, several as an array.
pub fn json_all(results: &[Evaluated], explain: bool) -> Value {
    let mut items: Vec<Value> = results.iter().map(|r| to_json(r, explain)).collect();
    if items.len() == 1 { items.remove(0) } else { Value::Array(items) }
}

/// Samples the run (or analyses its sensitivity) through the regions' plans.
fn uncertain(ds: &waferwatt::data::Dataset, req: &TrainRequest, task: Task) -> Result<String, Failure> {
    let mut slots = waferwatt::plan::Slots::default();
    let results = evaluate_all(train::plan(ds, req, &mut slots)?)?;
    let bounds: Vec<Bound> = results.iter().map(|r| r.bound.clone()).collect();
    let bindings: Vec<_> = bounds.iter().flat_map(|b| b.bindings.iter().cloned()).collect();
    let keys = waferwatt::uncertainty::uncertain_keys(ds, &bindings)?;
    let layout = train::Layout::new(&bounds);
    let many = bounds.len() > 1;
    let names = layout.names(|r| if many { format!("{}.", bounds[r].region) } else { String::new() });
    let model = train::model(&bounds, &layout, &slots, &keys)?;
    let fast = !bounds.iter().any(|b| b.plan.priced_by_chip());
    answer_model(&model, Problem { base: json_all(&results, false), names, keys, fast }, task)
}

/// `waferwatt sensitivity train ...`.
pub fn sensitivity(args: &TrainArgs, sens: &crate::sampling::SensOptions) -> Result<String, Failure> {
    let (ds, req) = prepare(args)?;
    uncertain(&ds, &req, Task::Sensitivity { opts: &args.sampling, sens, format: args.format })
}

/// The first line of the table: the run, the accelerator and the precision.
fn title(bounds: &[Bound]) -> String {
    bounds
        .first()
        .map(|b0| {
            format!(
                "training run{}: {} ({}), {} peak{}",
                b0.run.as_ref().map(|r| format!(" {r}")).unwrap_or_default(),
                b0.accelerator_name,
                b0.accelerator,
                b0.precision,
                b0.method.as_ref().map(|m| format!(", method {m}")).unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, |v| json!(v))
}

pub fn to_json(r: &Evaluated, explain: bool) -> Value {
    let (b, o) = (&r.bound, &r.out);
    let ledger: Vec<Value> = Item::ALL
        .iter()
        .map(|i| json!({ "item": i.name(), "usd": o.usd(*i), "share": o.share(*i) }))
        .collect();
    let mut v = json!({
        "run": b.run,
        "method": b.method,
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
        "peak_it_kw_per_accelerator": o.peak_it_kw_per_accelerator,
        "pue": b.inputs.pue,
        "pue_basis": b.pue_basis.name(),
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
        "upfront_capex_usd": opt(train::upfront_capex_usd(&b.inputs)),
        "rental_usd": opt(o.rental_usd),
        "published": {
            "cost_usd": opt(b.published.cost_usd),
            "emissions_tco2e": opt(b.published.emissions_tco2e),
        },
        "notes": b.notes,
    });
    if explain {
        v["explain"] = crate::explain::json(&train::explain(b, o), &b.bindings);
    }
    v
}

fn to_csv(results: &[Evaluated]) -> String {
    type Column = (&'static str, fn(&Evaluated) -> String);
    fn opt(x: Option<f64>) -> String {
        x.map(plain).unwrap_or_default()
    }
    let columns: &[Column] = &[
        ("region", |r| r.bound.region.clone()),
        ("accelerator", |r| r.bound.accelerator.clone()),
        ("precision", |r| r.bound.precision.clone()),
        ("run", |r| r.bound.run.clone().unwrap_or_default()),
        ("facility", |r| r.bound.facility.clone()),
        ("accelerators", |r| opt(r.bound.inputs.accelerators)),
        ("accelerator_hours", |r| plain(r.out.accelerator_hours)),
        ("compute_flop", |r| opt(r.out.compute_flop)),
        ("mfu", |r| opt(r.out.mfu)),
        ("implied_mfu", |r| opt(r.out.implied_mfu)),
        ("goodput", |r| plain(r.bound.inputs.goodput)),
        ("wall_days", |r| opt(r.out.wall_days)),
        ("it_kw_per_accelerator", |r| plain(r.out.it_kw_per_accelerator)),
        ("peak_it_kw_per_accelerator", |r| plain(r.out.peak_it_kw_per_accelerator)),
        ("pue", |r| plain(r.bound.inputs.pue)),
        ("pue_basis", |r| r.bound.pue_basis.name().to_string()),
        ("tariff_usd_per_kwh", |r| plain(r.bound.inputs.tariff_usd_per_kwh)),
        ("tariff_local_per_kwh", |r| plain(r.bound.price.local_per_kwh)),
        ("currency", |r| r.bound.price.currency.code().to_string()),
        ("vat", |r| r.bound.vat.name().to_string()),
        ("power_deal", |r| r.bound.price.deal.to_string()),
        ("grid_kgco2_per_kwh", |r| plain(r.bound.inputs.grid_kgco2_per_kwh)),
        ("energy_mwh", |r| plain(r.out.energy_mwh)),
        ("emissions_tco2e", |r| plain(r.out.emissions_tco2e)),
        ("accelerator_amortization_usd", |r| plain(r.out.usd(Item::Accelerators))),
        ("accelerator_amortization_share", |r| plain(r.out.share(Item::Accelerators))),
        ("server_and_network_amortization_usd", |r| plain(r.out.usd(Item::ServersAndNetwork))),
        ("server_and_network_amortization_share", |r| plain(r.out.share(Item::ServersAndNetwork))),
        ("facility_amortization_usd", |r| plain(r.out.usd(Item::Facility))),
        ("facility_amortization_share", |r| plain(r.out.share(Item::Facility))),
        ("electricity_usd", |r| plain(r.out.usd(Item::Electricity))),
        ("electricity_share", |r| plain(r.out.share(Item::Electricity))),
        ("maintenance_usd", |r| plain(r.out.usd(Item::Maintenance))),
        ("maintenance_share", |r| plain(r.out.share(Item::Maintenance))),
        ("total_usd", |r| plain(r.out.total_usd)),
        ("usd_per_accelerator_hour", |r| plain(r.out.usd_per_accelerator_hour)),
        ("upfront_capex_usd", |r| opt(train::upfront_capex_usd(&r.bound.inputs))),
        ("rental_usd", |r| opt(r.out.rental_usd)),
    ];
    let mut out = csv_line(&columns.iter().map(|c| c.0.to_string()).collect::<Vec<_>>());
    for r in results {
        out.push_str(&csv_line(&columns.iter().map(|c| (c.1)(r)).collect::<Vec<_>>()));
    }
    out
}

/// The side-by-side table: one column per region.
pub fn to_table(results: &[Evaluated]) -> String {
    table(results).text()
}

/// The regions side by side, one column each.
pub fn table(results: &[Evaluated]) -> Table {
    let Some(first) = results.first() else {
        return Table::default();
    };
    let mut header = vec![String::new()];
    header.extend(results.iter().map(|r| r.bound.region.clone()));
    let mut t = Table::new(header).captioned(title(std::slice::from_ref(&first.bound)));
    let row = |t: &mut Table, label: &str, f: &dyn Fn(&Evaluated) -> String| {
        let mut cells = vec![label.to_string()];
        cells.extend(results.iter().map(f));
        t.row(cells);
    };
    let under = |t: &mut Table, label: &str, f: &dyn Fn(&Evaluated) -> String| {
        let mut cells = vec![label.to_string()];
        cells.extend(results.iter().map(f));
        t.under(cells);
    };
    let dash = || "—".to_string();
    row(&mut t, "compute", &|r| r.out.compute_flop.map(|c| format!("{c:.3e} FLOP")).unwrap_or_else(dash));
    row(&mut t, "accelerator-hours", &|r| human(r.out.accelerator_hours));
    row(&mut t, "MFU", &|r| match (r.out.implied_mfu, r.out.mfu) {
        (Some(m), _) => format!("{} (implied)", percent(m)),
        (None, Some(m)) => percent(m),
        _ => dash(),
    });
    row(&mut t, "accelerators", &|r| {
        r.bound.inputs.accelerators.map(|n| format!("{n}")).unwrap_or_else(dash)
    });
    row(&mut t, "wall-clock days", &|r| r.out.wall_days.map(sig3).unwrap_or_else(dash));
    row(&mut t, "IT kW per accelerator", &|r| sig3(r.out.it_kw_per_accelerator));
    row(&mut t, "PUE", &|r| format!("{} ({})", sig3(r.bound.inputs.pue), r.bound.pue_basis.name()));
    row(&mut t, "tariff (USD/kWh)", &|r| sig3(r.bound.inputs.tariff_usd_per_kwh));
    row(&mut t, "energy (MWh)", &|r| human(r.out.energy_mwh));
    row(&mut t, "emissions (tCO2e)", &|r| human(r.out.emissions_tco2e));
    if results.iter().any(|r| r.bound.published.emissions_tco2e.is_some()) {
        under(&mut t, "as published", &|r| r.bound.published.emissions_tco2e.map(human).unwrap_or_else(dash));
    }
    t.section("ledger");
    for item in Item::ALL {
        under(&mut t, item.name(), &|r| {
            format!("{} {:>6}", usd(r.out.usd(item)), percent(r.out.share(item)))
        });
    }
    under(&mut t, "total", &|r| format!("{} {:>6}", usd(r.out.total_usd), percent(1.0)));
    row(&mut t, "per accelerator-hour", &|r| format!("${}", sig3(r.out.usd_per_accelerator_hour)));
    if results.iter().any(|r| r.bound.inputs.accelerators.is_some()) {
        row(&mut t, "cluster capital at the start", &|r| {
            train::upfront_capex_usd(&r.bound.inputs).map(usd).unwrap_or_else(dash)
        });
    }
    row(&mut t, "rental instead", &|r| r.out.rental_usd.map(usd).unwrap_or_else(dash));
    if results.iter().any(|r| r.bound.published.cost_usd.is_some()) {
        under(&mut t, "as published", &|r| r.bound.published.cost_usd.map(usd).unwrap_or_else(dash));
    }
    let mut notes: Vec<&String> = results.iter().flat_map(|r| &r.bound.notes).collect();
    notes.dedup();
    t.notes = notes.into_iter().map(|n| format!("note: {n}")).collect();
    if results.iter().any(|r| r.bound.published.emissions_tco2e.is_some()) {
        t.notes.push(
            "note: published emissions usually count the accelerators' TDP only; these count the whole \
             server at its average draw, and the PUE"
                .into(),
        );
    }
    t
}

/// The derivation of every figure for one region, with inputs, sources and origins.
pub fn explain_text(r: &Evaluated) -> String {
    crate::explain::text(&r.bound.region, &train::explain(&r.bound, &r.out), &r.bound.bindings)
}
