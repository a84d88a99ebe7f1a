//! `waferwatt fleet`: from a fleet of scanners to wafer starts, accelerators, training compute
//! and gigawatts, and the mature-node wafers the same scanners give up.

use clap::Args;
use serde_json::{Value, json};
use waferwatt::diag::Diagnostic;
use waferwatt::fab::ToolClass;
use waferwatt::fleet::{self, FleetBound, FleetOutputs, FleetRequest};
use waferwatt::provenance::Given;

use crate::Failure;
use crate::input::{DataOptions, load};
use crate::render::{Format, Table, csv_line, human, percent, plain, sig3, usd};
use crate::sampling::{Problem, Task, answer_model};

#[derive(Args, Debug, Clone)]
pub struct FleetArgs {
    /// Scanners by model, e.g. nxt2000i=100,nxt870=40 (default: the report's fleet, `waferwatt data show fleet`)
    #[arg(long, value_name = "ID=N[,ID=N...]")]
    pub scanners: Option<String>,
    /// Share of each scanner class given to the node, e.g. arfi=0.5 (default: all of them)
    #[arg(long, value_name = "CLASS=F[,...]")]
    pub share: Option<String>,
    /// The node the fleet makes (default: the accelerator's own)
    #[arg(long, value_name = "ID")]
    pub node: Option<String>,
    /// One accelerator made, with a bill of materials (`waferwatt data list package`; default: the
    /// report's mix, `waferwatt data list fleet_mix`)
    #[arg(long, value_name = "ID", conflicts_with = "mix")]
    pub accelerator: Option<String>,
    /// Accelerators made from one compute die and their shares of the packages, e.g.
    /// ascend-910c=0.8,ascend-910b=0.2
    #[arg(long, value_name = "ID=F[,...]")]
    pub mix: Option<String>,
    /// Wafer starts a month given to the accelerators, or "none" for as many as the scanners
    /// carry (default: the report's, for its own mix and scanners)
    #[arg(long, value_name = "N|none")]
    pub wafer_starts_per_month: Option<String>,
    /// Compute dies in a bank made abroad, or "none" (default: the report's, for its own mix)
    #[arg(long, value_name = "N|none")]
    pub die_bank_dies: Option<String>,
    /// HBM stacks a month the fleet can draw on, or "none" for not limiting (default: the HBM
    /// stock drawn down and the domestic flow, `waferwatt data show memory`)
    #[arg(long, value_name = "N|none")]
    pub hbm_stacks_per_month: Option<String>,
    /// Advanced-packaging (interposer) wafers a month, or "none" for not limiting (default: the
    /// report's)
    #[arg(long, value_name = "N|none")]
    pub packaging_wafers_per_month: Option<String>,
    /// Where the output is powered, for its electricity bill (default: the report's region)
    #[arg(long, value_name = "ID")]
    pub region: Option<String>,
    /// Model FLOP utilization of the largest run (default: the training data's)
    #[arg(long, value_name = "F")]
    pub mfu: Option<f64>,
    /// Gross dies: exact (whole cells, best grid offset) or analytic (the formula)
    #[arg(long, value_name = "HOW")]
    pub count: Option<String>,
    /// A published method's capacity rule in place of the ledger's (`waferwatt data list method`),
    /// e.g. ai-futures or rated-throughput
    #[arg(long, value_name = "NAME")]
    pub method: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show how each figure was derived: formula, inputs, sources, origins
    #[arg(long)]
    pub explain: bool,
    /// Write a chart (SVG or PNG): the chain from scanners to gigawatts
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
    #[command(flatten)]
    pub data: DataOptions,
    #[command(flatten)]
    pub sampling: crate::sampling::SampleOptions,
}

/// A bound fleet and what it makes.
pub struct Evaluated {
    pub bound: FleetBound,
    pub out: FleetOutputs,
}

/// Evaluates a bound fleet, refusing results no one should be shown.
pub fn evaluate(bound: FleetBound) -> Result<Evaluated, Failure> {
    let out = fleet::evaluate(&bound.inputs);
    fleet::check(&out)?;
    Ok(Evaluated { bound, out })
}

fn counts(s: &str, flag: &str, example: &str) -> Result<Vec<(String, f64)>, Diagnostic> {
    fleet::parse_counts(s).ok_or_else(|| {
        Diagnostic::new(format!("`{s}` is not a list of names and numbers")).key(flag).expected(format!(
            "{example}: NAME=N pairs joined by commas, no spaces, each N a number zero or more"
        ))
    })
}

pub fn prepare(args: &FleetArgs) -> Result<(waferwatt::data::Dataset, FleetRequest), Failure> {
    let (ds, scenario) = load(&args.data)?;
    let base = match scenario.section("fleet") {
        Some(section) => FleetRequest::from_scenario(section)?,
        None => FleetRequest::default(),
    };
    let flag = |v: &Option<f64>, name: &str| v.map(|x| Given::flag(x, name));
    let text = |v: &Option<String>, name: &str| v.as_ref().map(|x| Given::flag(x.clone(), name));
    let limit = |v: &Option<String>, name: &str| -> Result<Option<Given<Option<f64>>>, Diagnostic> {
        v.as_ref()
            .map(|x| {
                waferwatt::provenance::parse_limit(x).map(|l| Given::flag(l, name)).ok_or_else(|| {
                    Diagnostic::new(format!(
                        "`{x}` is not a number or \"{}\"",
                        waferwatt::provenance::NOT_LIMITING
                    ))
                    .key(name)
                    .expected(format!(
                        "a number, zero or more, or \"{}\" for not limiting",
                        waferwatt::provenance::NOT_LIMITING
                    ))
                })
            })
            .transpose()
    };
    let req = base.overlay(FleetRequest {
        scanners: match &args.scanners {
            Some(s) => Some(Given::flag(
                counts(s, "--scanners", "scanner ids and counts, e.g. nxt2000i=100")?,
                "--scanners",
            )),
            None => None,
        },
        shares: match &args.share {
            Some(s) => Some(Given::flag(
                counts(s, "--share", "scanner classes and shares, e.g. arfi=0.5")?,
                "--share",
            )),
            None => None,
        },
        node: text(&args.node, "--node"),
        accelerator: text(&args.accelerator, "--accelerator"),
        mix: match &args.mix {
            Some(s) => Some(Given::flag(
                counts(s, "--mix", "accelerator ids and shares, e.g. ascend-910c=0.8,ascend-910b=0.2")?,
                "--mix",
            )),
            None => None,
        },
        wafer_starts_per_month: limit(&args.wafer_starts_per_month, "--wafer-starts-per-month")?,
        die_bank_dies: limit(&args.die_bank_dies, "--die-bank-dies")?,
        hbm_stacks_per_month: limit(&args.hbm_stacks_per_month, "--hbm-stacks-per-month")?,
        packaging_wafers_per_month: limit(&args.packaging_wafers_per_month, "--packaging-wafers-per-month")?,
        region: text(&args.region, "--region"),
        mfu: flag(&args.mfu, "--mfu"),
        count: text(&args.count, "--count"),
        method: text(&args.method, "--method"),
    });
    args.sampling.check()?;
    crate::sampling::check_explain(args.explain, args.format, &args.sampling)?;
    crate::sampling::check_chart(args.chart.as_deref(), &args.sampling)?;
    Ok((ds, req))
}

/// Samples the fleet (or analyses its sensitivity) through its plan.
fn uncertain(ds: &waferwatt::data::Dataset, req: &FleetRequest, task: Task) -> Result<String, Failure> {
    let mut slots = waferwatt::plan::Slots::default();
    let r = evaluate(fleet::plan(ds, req, &mut slots)?)?;
    let keys = waferwatt::uncertainty::uncertain_keys(ds, &r.bound.bindings)?;
    let (names, model) = fleet::model(&r.bound, &slots, &keys)?;
    answer_model(&model, Problem { base: to_json(&r, false), names, keys, fast: false }, task)
}

/// `waferwatt sensitivity fleet ...`.
pub fn sensitivity(args: &FleetArgs, sens: &crate::sampling::SensOptions) -> Result<String, Failure> {
    let (ds, req) = prepare(args)?;
    let task = Task::Sensitivity { opts: &args.sampling, sens, format: args.format };
    uncertain(&ds, &req, task)
}

pub fn run(args: &FleetArgs) -> Result<String, Failure> {
    let (ds, req) = prepare(args)?;
    if args.sampling.active() {
        let title = "fleet: from scanners to accelerators, training compute and gigawatts".to_string();
        let task = Task::Sample { opts: &args.sampling, format: args.format, title };
        return uncertain(&ds, &req, task);
    }
    let r = evaluate(fleet::bind(&ds, &req)?)?;
    if let Some(path) = &args.chart {
        crate::chart::write(path, &crate::figures::chain(&r), "--chart")?;
        crate::chart::said(path);
    }
    Ok(match args.format {
        Format::Json => {
            format!("{}\n", serde_json::to_string_pretty(&to_json(&r, args.explain)).unwrap_or_default())
        }
        Format::Csv => to_csv(&r),
        Format::Table => {
            let mut t = to_table(&r);
            if args.explain {
                t.push('\n');
                t.push_str(&crate::explain::text(
                    &r.bound.accelerator,
                    &fleet::explain(&r.bound, &r.out),
                    &r.bound.bindings,
                ));
            }
            t
        }
    })
}

fn fleet_words(b: &FleetBound) -> String {
    b.scanner_ids
        .iter()
        .zip(&b.inputs.scanners)
        .map(|(id, g)| {
            format!(
                "{} {id} ({}){}",
                sig3(g.count),
                g.class.name(),
                if g.share < 1.0 {
                    format!(", {} of them to {}", percent(g.share), b.node)
                } else {
                    String::new()
                }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The accelerators made: one, or the mix with each share.
pub fn mix_words(b: &FleetBound) -> String {
    let total: f64 = b.inputs.mix.iter().map(|m| m.share).sum();
    if b.mix.len() == 1 {
        return format!("{} ({})", b.accelerator_name, b.accelerator);
    }
    b.mix
        .iter()
        .zip(&b.inputs.mix)
        .map(|((id, name), m)| format!("{name} ({id}, {} of packages)", percent(m.share / total)))
        .collect::<Vec<_>>()
        .join(" and ")
}

pub fn to_table(r: &Evaluated) -> String {
    table(r).text()
}

/// The chain from scanners to gigawatts, stage by stage.
pub fn table(r: &Evaluated) -> Table {
    let (b, o, x) = (&r.bound, &r.out, &r.bound.inputs);
    let mut t = Table::new(vec!["".into(), "".into()]).captioned(format!(
        "fleet: {} making {} on {}, powered in {}{}",
        fleet_words(b),
        mix_words(b),
        b.node,
        b.region,
        b.method.as_ref().map(|m| format!(", method {m}")).unwrap_or_default()
    ));
    t.section("scanners to wafers");
    for c in ToolClass::ALL {
        if let Some(w) = o.class_capacity[c as usize] {
            t.under(vec![format!("{} scanners carry (wafer starts a month)", c.name()), human(w)]);
        }
    }
    if let Some(w) = x.wafer_starts_per_month {
        t.under(vec!["wafer starts a month given to the accelerators".into(), human(w)]);
    }
    t.under(vec!["wafer starts a month used".into(), human(o.wafer_starts_per_month)]);
    t.under(vec!["bottleneck".into(), o.bottleneck.name()]);
    t.under(vec!["scanner capacity used".into(), percent(o.scanner_utilization)]);
    t.section("wafers to accelerators");
    t.under(vec![
        format!(
            "compute die ({} mm², yield {})",
            sig3(x.chip().compute.area_mm2),
            percent(o.chip.compute_die.die_yield)
        ),
        format!("{} good a wafer", sig3(o.chip.compute_die.good_dies)),
    ]);
    t.under(vec!["good dies a month from the wafers".into(), human(o.good_dies_per_month)]);
    t.under(vec![
        "dies a month from the bank made abroad".into(),
        x.die_bank.map_or("none".into(), |_| human(o.bank_dies_per_month)),
    ]);
    t.under(vec!["HBM stacks a month".into(), o.hbm_stacks_per_month.map_or("not limiting".into(), human)]);
    t.under(vec![
        format!("a package takes (dies, HBM stacks, packaging wafers)"),
        format!(
            "{}, {}, {}",
            sig3(o.dies_per_package),
            sig3(o.stacks_per_package),
            crate::render::short(o.packaging_wafers_per_package)
        ),
    ]);
    t.under(vec!["packages a month the dies allow".into(), human(o.packages_by_dies)]);
    t.under(vec![
        "packages a month HBM allows".into(),
        o.packages_by_hbm.map_or("not limiting".into(), human),
    ]);
    t.under(vec![
        "packages a month packaging allows".into(),
        o.packages_by_packaging.map_or("not limiting".into(), human),
    ]);
    for ((id, _), n) in b.mix.iter().zip(&o.accelerators_by_item) {
        if b.mix.len() > 1 {
            t.under(vec![format!("{id} a year"), human(*n)]);
        }
    }
    t.under(vec!["accelerators a year".into(), human(o.accelerators_per_year)]);
    t.section("accelerators to compute and power");
    t.under(vec!["dense BF16 FLOP/s added a year".into(), format!("{:.3e}", o.bf16_flops_added_per_year)]);
    t.under(vec![
        format!(
            "largest run in {} days at {} MFU, {} goodput (FLOP)",
            crate::render::short(x.run_days),
            percent(x.mfu),
            percent(x.goodput)
        ),
        format!("{:.3e}", o.largest_run_flop),
    ]);
    t.under(vec!["IT power (GW)".into(), sig3(o.it_power_gw)]);
    t.under(vec![format!("facility power at PUE {} (GW)", sig3(x.pue)), sig3(o.facility_power_gw)]);
    t.under(vec!["electricity a year (TWh)".into(), sig3(o.energy_twh_per_year)]);
    t.under(vec![
        format!("electricity bill a year at {} USD/kWh", sig3(x.tariff_usd_per_kwh)),
        usd(o.electricity_usd_per_year),
    ]);
    t.section("what the scanners give up");
    t.under(vec![
        format!("{} wafer starts a month the same scanners would carry", b.mature_node),
        human(o.forgone_mature_wafers_per_month),
    ]);
    t.notes = b.notes.iter().map(|n| format!("note: {n}")).collect();
    t
}

pub fn to_json(r: &Evaluated, explain: bool) -> Value {
    let (b, o, x) = (&r.bound, &r.out, &r.bound.inputs);
    let scanners: Vec<Value> = b
        .scanner_ids
        .iter()
        .zip(&x.scanners)
        .map(|(id, g)| json!({ "scanner": id, "class": g.class.name(), "count": g.count, "share": g.share }))
        .collect();
    let by_class: serde_json::Map<String, Value> = ToolClass::ALL
        .iter()
        .filter_map(|c| o.class_capacity[*c as usize].map(|w| (c.name().to_string(), json!(w))))
        .collect();
    let mut v = json!({
        "accelerator": b.accelerator,
        "mix": b.mix.iter().zip(&x.mix).zip(&o.accelerators_by_item).map(|(((id, _), m), n)| json!({
            "accelerator": id, "share": m.share, "accelerators_per_year": n })).collect::<Vec<_>>(),
        "node": b.node,
        "region": b.region,
        "method": b.method,
        "scanners": scanners,
        "class_wafers_per_month": Value::Object(by_class),
        "wafer_starts_given_per_month": x.wafer_starts_per_month,
        "wafer_starts_per_month": o.wafer_starts_per_month,
        "bank_dies_per_month": o.bank_dies_per_month,
        "hbm_stacks_per_month": o.hbm_stacks_per_month,
        "bottleneck": o.bottleneck.name(),
        "scanner_utilization": o.scanner_utilization,
        "die_yield": o.chip.compute_die.die_yield,
        "good_dies_per_month": o.good_dies_per_month,
        "packages_per_month": { "dies": o.packages_by_dies, "hbm": o.packages_by_hbm, "packaging": o.packages_by_packaging },
        "accelerators_per_year": o.accelerators_per_year,
        "bf16_flops_added_per_year": o.bf16_flops_added_per_year,
        "largest_run_flop_100d": o.largest_run_flop,
        "run_days": x.run_days,
        "mfu": x.mfu,
        "it_power_gw": o.it_power_gw,
        "facility_power_gw": o.facility_power_gw,
        "energy_twh_per_year": o.energy_twh_per_year,
        "electricity_usd_per_year": o.electricity_usd_per_year,
        "mature_node": b.mature_node,
        "forgone_n28_wafers_per_month": o.forgone_mature_wafers_per_month,
        "notes": b.notes,
    });
    if explain {
        v["explain"] = crate::explain::json(&fleet::explain(b, o), &b.bindings);
    }
    v
}

fn to_csv(r: &Evaluated) -> String {
    let (b, o) = (&r.bound, &r.out);
    let header: Vec<String> = [
        "accelerator",
        "node",
        "region",
        "wafer_starts_per_month",
        "bottleneck",
        "good_dies_per_month",
        "accelerators_per_year",
        "bf16_flops_added_per_year",
        "largest_run_flop_100d",
        "it_power_gw",
        "facility_power_gw",
        "electricity_usd_per_year",
        "forgone_n28_wafers_per_month",
    ]
    .map(String::from)
    .to_vec();
    let row = vec![
        b.accelerator.clone(),
        b.node.clone(),
        b.region.clone(),
        plain(o.wafer_starts_per_month),
        o.bottleneck.name(),
        plain(o.good_dies_per_month),
        plain(o.accelerators_per_year),
        plain(o.bf16_flops_added_per_year),
        plain(o.largest_run_flop),
        plain(o.it_power_gw),
        plain(o.facility_power_gw),
        plain(o.electricity_usd_per_year),
        plain(o.forgone_mature_wafers_per_month),
    ];
    let mut out = csv_line(&header);
    out.push_str(&csv_line(&row));
    out
}
