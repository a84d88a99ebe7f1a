//! `waferwatt chip`: what an accelerator costs to build, item by item; chiplet splits; porting
//! a design to another node.

use clap::Args;
use serde_json::{Value, json};
use waferwatt::chip::{self, ChipBound, ChipOutputs, ChipRequest, Item, Split};
use waferwatt::diag::Diagnostic;
use waferwatt::provenance::Given;

use crate::Failure;
use crate::input::{DataOptions, load};
use crate::render::{Format, Table, csv_line, percent, plain, sig3, usd, wrap};
use crate::sampling::{Problem, Task, answer_model};

#[derive(Args, Debug, Clone)]
pub struct ChipArgs {
    /// Accelerator id with a bill of materials (see `waferwatt data list package`)
    #[arg(long, value_name = "ID")]
    pub accelerator: Option<String>,
    /// Port the compute dies to this node: area by logic density, TDP by power at equal speed
    #[arg(long, value_name = "ID")]
    pub node: Option<String>,
    /// Compare the compute area split into K chiplets, e.g. 1,2,4,8
    #[arg(long, value_name = "K[,K...]")]
    pub chiplets: Option<String>,
    /// Gross dies: exact (whole cells, best grid offset) or analytic (the formula)
    #[arg(long, value_name = "HOW")]
    pub count: Option<String>,
    /// A published method in place of the defaults (`waferwatt data list method`), e.g. analytic
    #[arg(long, value_name = "NAME")]
    pub method: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show how each figure was derived: formula, inputs, sources, origins
    #[arg(long)]
    pub explain: bool,
    /// Write a chart (SVG or PNG): cost per good package by number of chiplets (those of
    /// --chiplets, else 1, 2, 4, 8 as the report splits)
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
    #[command(flatten)]
    pub data: DataOptions,
    #[command(flatten)]
    pub sampling: crate::sampling::SampleOptions,
}

/// A bound chip, its build cost, its splits and the break-even area of its node.
pub struct Evaluated {
    pub bound: ChipBound,
    pub out: ChipOutputs,
    pub splits: Vec<Split>,
    /// Compute area from which two chiplets beat one die on this node.
    pub break_even_mm2: Option<f64>,
}

/// Evaluates a bound chip, refusing results no one should be shown.
pub fn evaluate(bound: ChipBound) -> Result<Evaluated, Failure> {
    let x = &bound.inputs;
    let out = chip::evaluate(x);
    chip::check(&out)?;
    // Splits of one compute die's worth of silicon (all of it, before any port split).
    let total = bound.port.as_ref().map_or(x.compute.area_mm2, |p| p.area_to_mm2);
    let splits: Vec<Split> =
        bound.chiplets.iter().map(|k| chip::split(total, *k, &x.compute.wafer, x)).collect();
    for s in &splits {
        if !s.cost_per_good_package_usd.is_finite() {
            return Err(Diagnostic::new(format!("{} chiplets give no good package", s.chiplets))
                .expected("a split with good dies on a wafer")
                .into());
        }
    }
    let (lo, hi) = chip::break_even_span(x);
    let break_even_mm2 = chip::break_even_area(&x.compute.wafer, x, lo, hi);
    Ok(Evaluated { bound, out, splits, break_even_mm2 })
}

fn prepare(args: &ChipArgs) -> Result<(waferwatt::data::Dataset, ChipRequest), Failure> {
    let (ds, scenario) = load(&args.data)?;
    let base = match scenario.section("chip") {
        Some(section) => ChipRequest::from_scenario(section)?,
        None => ChipRequest::default(),
    };
    let chiplets = match &args.chiplets {
        Some(s) => Some(chip::parse_chiplets(s).ok_or_else(|| {
            Diagnostic::new(format!("`{s}` is not a list of chiplet counts"))
                .key("--chiplets")
                .expected("counts from 1 to 64, e.g. 1,2,4,8")
        })?),
        None => None,
    };
    let req = base.overlay(ChipRequest {
        accelerator: args.accelerator.as_ref().map(|a| Given::flag(a.clone(), "--accelerator")),
        node: args.node.as_ref().map(|n| Given::flag(n.clone(), "--node")),
        chiplets: chiplets.map(|c| Given::flag(c, "--chiplets")),
        count: args.count.as_ref().map(|c| Given::flag(c.clone(), "--count")),
        method: args.method.as_ref().map(|m| Given::flag(m.clone(), "--method")),
    });
    args.sampling.check()?;
    crate::sampling::check_explain(args.explain, args.format, &args.sampling)?;
    crate::sampling::check_chart(args.chart.as_deref(), &args.sampling)?;
    Ok((ds, req))
}

/// Samples the chip (or analyses its sensitivity) through its plan.
fn uncertain(ds: &waferwatt::data::Dataset, req: &ChipRequest, task: Task) -> Result<String, Failure> {
    let mut slots = waferwatt::plan::Slots::default();
    let r = evaluate(chip::plan(ds, req, &mut slots)?)?;
    let keys = waferwatt::uncertainty::uncertain_keys(ds, &r.bound.bindings)?;
    let (names, model) = chip::model(&r.bound, &slots, &keys)?;
    answer_model(&model, Problem { base: to_json(&r, false), names, keys, fast: false }, task)
}

/// `waferwatt sensitivity chip ...`.
pub fn sensitivity(args: &ChipArgs, sens: &crate::sampling::SensOptions) -> Result<String, Failure> {
    let (ds, req) = prepare(args)?;
    let task = Task::Sensitivity { opts: &args.sampling, sens, format: args.format };
    uncertain(&ds, &req, task)
}

pub fn run(args: &ChipArgs) -> Result<String, Failure> {
    let (ds, req) = prepare(args)?;
    if args.sampling.active() {
        let b = chip::bind(&ds, &req)?;
        let title = format!("{} ({}): compute dies on {}", b.accelerator_name, b.accelerator, b.node);
        let task = Task::Sample { opts: &args.sampling, format: args.format, title };
        return uncertain(&ds, &req, task);
    }
    let r = evaluate(chip::bind(&ds, &req)?)?;
    if let Some(path) = &args.chart {
        // The split curve needs splits: without --chiplets, the report's (defaults.report_splits).
        let with_splits;
        let drawn = if r.splits.is_empty() {
            let splits = ds
                .list("defaults.report_splits")
                .map(|l| l.iter().filter_map(|k| k.parse().ok()).collect::<Vec<u32>>())
                .unwrap_or_default();
            let req = chip::ChipRequest {
                chiplets: Some(Given::data(splits, "defaults.report_splits")),
                ..req.clone()
            };
            with_splits = evaluate(chip::bind(&ds, &req)?)?;
            &with_splits
        } else {
            &r
        };
        crate::chart::write(path, &crate::figures::splits(drawn), "--chart")?;
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
                    &chip::explain(&r.bound, &r.out),
                    &r.bound.bindings,
                ));
            }
            t
        }
    })
}

pub fn to_table(r: &Evaluated) -> String {
    let (b, x) = (&r.bound, &r.bound.inputs);
    let mut s = table(r).text();
    if !r.splits.is_empty() {
        s.push_str(&format!("the compute silicon of one die, split on {}:\n", b.node));
        s.push_str(&splits_table(&r.splits));
    }
    s.push_str(&format!("on {}, {}\n", b.node, break_even_text(r.break_even_mm2, chip::break_even_span(x))));
    for n in &b.notes {
        s.push_str(&wrap(&format!("note: {n}\n"), crate::report::WIDTH));
    }
    s
}

/// The build cost item by item, captioned with the accelerator (and its port), the compute
/// die, peak throughput and price under it.
pub fn table(r: &Evaluated) -> Table {
    let (b, o, x) = (&r.bound, &r.out, &r.bound.inputs);
    let mut caption = format!(
        "{} ({}): compute dies on {}{}",
        b.accelerator_name,
        b.accelerator,
        b.node,
        b.io_node.as_ref().map(|n| format!(", I/O dies on {n}")).unwrap_or_default()
    );
    if let Some(p) = &b.port {
        caption.push_str(&format!(
            "\nported from {} to {}: compute die {} mm² → {} mm² ({}), TDP {} W → {} W at the same speed",
            p.from_node,
            p.to_node,
            sig3(p.area_from_mm2),
            sig3(p.area_to_mm2),
            if p.fits_reticle {
                "fits the reticle".to_string()
            } else {
                format!("over the reticle: {} chiplets", p.split_into)
            },
            sig3(p.tdp_from_w),
            sig3(p.tdp_to_w)
        ));
    }
    let mut t = Table::new(vec!["build cost".into(), "USD".into(), "share".into()]).captioned(caption);
    for item in Item::ALL {
        if o.usd(item) == 0.0 && matches!(item, Item::IoDies | Item::Module) {
            continue;
        }
        t.under(vec![format!("{}", item.name()), usd(o.usd(item)), percent(o.share(item))]);
    }
    t.under(vec!["total".into(), usd(o.build_cost_usd), percent(1.0)]);
    if let Some(p) = b.published_build_cost_usd {
        t.under(vec!["as published".into(), usd(p), String::new()]);
    }
    let die = &o.compute_die;
    t.notes.push(format!(
        "compute die: {} mm², yield {}, {} good of {} gross per wafer ({} count), {} per good die at the \
         foundry's price ({} at its cost)",
        sig3(x.compute.area_mm2),
        percent(die.die_yield),
        sig3(die.good_dies),
        sig3(die.gross_dies),
        x.compute.wafer.count.name(),
        usd(die.price_per_good_die_usd),
        usd(die.cost_per_good_die_usd)
    ));
    t.notes.push(format!(
        "peak dense: {} TFLOP/s BF16{}; TDP {} W; {} TFLOP/s per W",
        sig3(x.bf16_tflops),
        x.fp8_tflops.map(|f| format!(", {} FP8", sig3(f))).unwrap_or_default(),
        sig3(x.tdp_w),
        sig3(o.tflops_per_w)
    ));
    if let (Some(p), Some(m)) = (o.price_usd, o.gross_margin) {
        let basis = if x.price_usd.is_some() { "market price" } else { "build cost with markup" };
        t.notes.push(format!("price: {} ({basis}); gross margin {}", usd(p), percent(m)));
    }
    t
}

/// Where two chiplets start to beat one die, over the span `chip::break_even_area`
/// searches (`chip::break_even_span`: from an eighth of the reticle field to all of it).
pub fn break_even_text(break_even_mm2: Option<f64>, (lo, hi): (f64, f64)) -> String {
    match break_even_mm2 {
        Some(a) if a <= lo => {
            format!("two chiplets beat one die at every compute area from {} mm² up", sig3(lo))
        }
        Some(a) => format!("two chiplets beat one die from about {} mm² of compute silicon", sig3(a)),
        None => format!(
            "two chiplets never beat one die for compute areas from {} to {} mm² (the reticle field)",
            sig3(lo),
            sig3(hi)
        ),
    }
}

/// Splits of one area as a table: chiplet area, yield, cost per good chiplet and package.
pub fn splits_table(s: &[Split]) -> String {
    splits(s).render()
}

/// Splits of the compute silicon into chiplets, one row each.
pub fn splits(splits: &[Split]) -> Table {
    let mut t = Table::new(
        ["chiplets", "area each (mm²)", "die yield", "per good chiplet", "per good package"]
            .map(String::from)
            .to_vec(),
    );
    for sp in splits {
        t.row(vec![
            format!("{}", sp.chiplets),
            sig3(sp.chiplet_area_mm2),
            percent(sp.die_yield),
            usd(sp.cost_per_good_chiplet_usd),
            format!(
                "{}{}",
                usd(sp.cost_per_good_package_usd),
                if sp.fits_reticle { "" } else { " (over the reticle)" }
            ),
        ]);
    }
    t
}

pub fn split_json(s: &Split) -> Value {
    json!({ "chiplets": s.chiplets, "chiplet_area_mm2": s.chiplet_area_mm2, "yield": s.die_yield,
        "cost_per_good_chiplet_usd": s.cost_per_good_chiplet_usd,
        "cost_per_good_package_usd": s.cost_per_good_package_usd, "fits_reticle": s.fits_reticle })
}

pub fn to_json(r: &Evaluated, explain: bool) -> Value {
    let (b, o, x) = (&r.bound, &r.out, &r.bound.inputs);
    let items: Vec<Value> = Item::ALL
        .iter()
        .map(|i| json!({ "item": i.name(), "usd": o.usd(*i), "share": o.share(*i) }))
        .collect();
    let mut peak = serde_json::Map::new();
    peak.insert("bf16".into(), json!(x.bf16_tflops));
    if let Some(f) = x.fp8_tflops {
        peak.insert("fp8".into(), json!(f));
    }
    let mut v = json!({
        "accelerator": b.accelerator,
        "node": b.node,
        "io_node": b.io_node,
        "build_cost_usd": o.build_cost_usd,
        "items": items,
        "published_build_cost_usd": b.published_build_cost_usd,
        "compute_die": { "area_mm2": x.compute.area_mm2, "count": x.compute.count, "die_yield": o.compute_die.die_yield,
            "gross_dies": o.compute_die.gross_dies, "gross_die_count": x.compute.wafer.count.name(),
            "cost_per_good_die_usd": o.compute_die.cost_per_good_die_usd,
            "price_per_good_die_usd": o.compute_die.price_per_good_die_usd },
        "interposers_per_wafer": o.interposers_per_wafer,
        "interposer_yield": o.interposer_yield,
        "peak_tflops": Value::Object(peak),
        "tdp_w": x.tdp_w,
        "tflops_per_w": o.tflops_per_w,
        "price_usd": o.price_usd,
        "gross_margin": o.gross_margin,
        "splits": r.splits.iter().map(split_json).collect::<Vec<_>>(),
        "break_even_area_mm2": r.break_even_mm2,
        "port": b.port.as_ref().map(|p| json!({ "from_node": p.from_node, "to_node": p.to_node,
            "area_from_mm2": p.area_from_mm2, "area_to_mm2": p.area_to_mm2, "fits_reticle": p.fits_reticle,
            "split_into": p.split_into, "tdp_from_w": p.tdp_from_w, "tdp_to_w": p.tdp_to_w })),
        "notes": b.notes,
    });
    if explain {
        v["explain"] = crate::explain::json(&chip::explain(b, o), &b.bindings);
    }
    v
}

fn to_csv(r: &Evaluated) -> String {
    let (b, o) = (&r.bound, &r.out);
    let mut header: Vec<String> = ["accelerator", "node"].map(String::from).to_vec();
    let mut row = vec![b.accelerator.clone(), b.node.clone()];
    for i in Item::ALL {
        header.push(format!("{}_usd", i.name().replace([' ', '/'], "_").replace("-", "_")));
        row.push(plain(o.usd(i)));
    }
    for (h, v) in [
        ("build_cost_usd", Some(o.build_cost_usd)),
        ("tdp_w", Some(b.inputs.tdp_w)),
        ("tflops_per_w", Some(o.tflops_per_w)),
        ("price_usd", o.price_usd),
        ("gross_margin", o.gross_margin),
        ("break_even_area_mm2", r.break_even_mm2),
    ] {
        header.push(h.to_string());
        row.push(v.map(plain).unwrap_or_default());
    }
    for sp in &r.splits {
        header.push(format!("cost_per_good_package_{}_chiplets_usd", sp.chiplets));
        row.push(plain(sp.cost_per_good_package_usd));
    }
    let mut out = csv_line(&header);
    out.push_str(&csv_line(&row));
    out
}
