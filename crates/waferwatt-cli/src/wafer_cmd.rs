//! `waferwatt wafer`: the lithography and fab ledger for one or more process nodes.

use clap::Args;
use serde_json::{Map, Value, json};
use waferwatt::diag::Diagnostic;
use waferwatt::fab::{self, ToolClass, WaferBound, WaferOutputs, WaferRequest};
use waferwatt::provenance::Given;

use crate::Failure;
use crate::input::{DataOptions, load, parse_quantity};
use crate::render::{Format, Table, csv_line, percent, plain, sig3, usd};
use crate::sampling::{Problem, Task, answer_model};

#[derive(Args, Debug, Clone)]
pub struct WaferArgs {
    /// Process node id, or a comma list to compare side by side (see `waferwatt data list node`)
    #[arg(long, value_name = "ID[,ID...]")]
    pub node: Option<String>,
    /// Die size WxH in mm (e.g. 26x31.3), or a die id from the data (gh100, phone-soc, …)
    #[arg(long, value_name = "WxH|ID")]
    pub die: Option<String>,
    /// Die area in mm² (a square die), instead of --die
    #[arg(long, value_name = "MM2", value_parser = parse_quantity, allow_negative_numbers = true)]
    pub die_area: Option<f64>,
    /// Scribe line width in mm
    #[arg(long, value_name = "MM", allow_negative_numbers = true)]
    pub scribe: Option<f64>,
    /// Unusable ring at the wafer edge in mm
    #[arg(long, value_name = "MM", allow_negative_numbers = true)]
    pub edge_exclusion: Option<f64>,
    /// Wafer diameter in mm
    #[arg(long, value_name = "MM", allow_negative_numbers = true)]
    pub wafer_mm: Option<f64>,
    /// Yield model: poisson, murphy, seeds or negbin
    #[arg(long, value_name = "MODEL")]
    pub yield_model: Option<String>,
    /// Defect density per cm² (replaces the node's base D0 and the schemes' adders)
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub d0: Option<f64>,
    /// Clustering α of the negative binomial model
    #[arg(long, value_name = "A", allow_negative_numbers = true)]
    pub alpha: Option<f64>,
    /// Gross dies: exact (whole cells, best grid offset) or analytic (the formula)
    #[arg(long, value_name = "HOW")]
    pub count: Option<String>,
    /// A published method in place of the defaults (`waferwatt data list method`), e.g. analytic
    #[arg(long, value_name = "NAME")]
    pub method: Option<String>,
    /// Allow a die larger than the reticle field (stitched from several fields)
    #[arg(long)]
    pub stitched: bool,
    /// Write a wafer map as SVG or PNG (one per node: FILE, or FILE's stem with the node id)
    #[arg(long, value_name = "FILE.svg")]
    pub map: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show how each figure was derived: formula, inputs, sources, origins
    #[arg(long)]
    pub explain: bool,
    /// Write a chart (SVG or PNG): wafer cost and scanner-hours per wafer, node by node
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
    #[command(flatten)]
    pub data: DataOptions,
    #[command(flatten)]
    pub sampling: crate::sampling::SampleOptions,
}

impl WaferArgs {
    fn request(&self) -> WaferRequest {
        let num = |v: Option<f64>, name: &str| v.map(|x| Given::flag(x, name));
        let text = |v: &Option<String>, name: &str| v.as_ref().map(|x| Given::flag(x.clone(), name));
        WaferRequest {
            nodes: self
                .node
                .as_ref()
                .map(|n| Given::flag(n.split(',').map(|s| s.trim().to_string()).collect(), "--node")),
            die: text(&self.die, "--die"),
            die_area_mm2: num(self.die_area, "--die-area"),
            scribe_mm: num(self.scribe, "--scribe"),
            edge_exclusion_mm: num(self.edge_exclusion, "--edge-exclusion"),
            wafer_mm: num(self.wafer_mm, "--wafer-mm"),
            yield_model: text(&self.yield_model, "--yield-model"),
            d0_per_cm2: num(self.d0, "--d0"),
            count: text(&self.count, "--count"),
            negbin_alpha: num(self.alpha, "--alpha"),
            stitched: self.stitched.then(|| Given::flag(true, "--stitched")),
            method: text(&self.method, "--method"),
        }
    }
}

/// A bound node and its evaluated wafer.
pub struct Evaluated {
    pub bound: WaferBound,
    pub out: WaferOutputs,
}

/// Evaluates each bound node, refusing any result that no one should be shown.
pub fn evaluate_all(bounds: Vec<WaferBound>) -> Result<Vec<Evaluated>, Failure> {
    bounds
        .into_iter()
        .map(|bound| {
            let out = fab::evaluate(&bound.inputs);
            fab::check(&out).map_err(|d| Failure::from(d.key(format!("node {}", bound.node))))?;
            Ok(Evaluated { bound, out })
        })
        .collect()
}

fn prepare(args: &WaferArgs) -> Result<(waferwatt::data::Dataset, WaferRequest), Failure> {
    let (ds, scenario) = load(&args.data)?;
    let base = match scenario.section("wafer") {
        Some(section) => WaferRequest::from_scenario(section)?,
        None => WaferRequest::default(),
    };
    args.sampling.check()?;
    crate::sampling::check_explain(args.explain, args.format, &args.sampling)?;
    crate::sampling::check_chart(args.chart.as_deref(), &args.sampling)?;
    Ok((ds, base.overlay(args.request())))
}

/// One node's answer as an object, several as an array.
pub fn json_all(results: &[Evaluated], explain: bool) -> Value {
    let mut items: Vec<Value> = results.iter().map(|r| to_json(r, explain)).collect();
    if items.len() == 1 { items.remove(0) } else { Value::Array(items) }
}

/// Samples the nodes (or analyses their sensitivity) through their plans.
fn uncertain(ds: &waferwatt::data::Dataset, req: &WaferRequest, task: Task) -> Result<String, Failure> {
    let mut slots = waferwatt::plan::Slots::default();
    let results = evaluate_all(fab::plan(ds, req, &mut slots)?)?;
    let bounds: Vec<WaferBound> = results.iter().map(|r| r.bound.clone()).collect();
    let bindings: Vec<_> = bounds.iter().flat_map(|b| b.bindings.iter().cloned()).collect();
    let keys = waferwatt::uncertainty::uncertain_keys(ds, &bindings)?;
    let (names, model) = fab::model(&bounds, &slots, &keys)?;
    answer_model(&model, Problem { base: json_all(&results, false), names, keys, fast: false }, task)
}

/// `waferwatt sensitivity wafer ...`.
pub fn sensitivity(args: &WaferArgs, sens: &crate::sampling::SensOptions) -> Result<String, Failure> {
    if args.map.is_some() {
        return Err(Diagnostic::new("--map draws a wafer, not an analysis")
            .key("--map")
            .expected("waferwatt wafer --map FILE, apart")
            .into());
    }
    let (ds, req) = prepare(args)?;
    let task = Task::Sensitivity { opts: &args.sampling, sens, format: args.format };
    uncertain(&ds, &req, task)
}

/// The wafer maps `--map` draws, one per node, as data (for a face that draws its own).
pub fn maps(args: &WaferArgs) -> Result<Vec<crate::map::WaferMap>, Failure> {
    if args.sampling.active() {
        return Err(Diagnostic::new("a wafer map shows the central wafer, not samples")
            .key("--samples")
            .expected("no --samples")
            .into());
    }
    let (ds, req) = prepare(args)?;
    let bound = fab::bind(&ds, &req)?;
    for b in &bound {
        crate::map::check(b, "--map")?;
    }
    Ok(evaluate_all(bound)?.iter().map(|r| crate::map::map(&r.bound, &r.out)).collect())
}

pub fn run(args: &WaferArgs) -> Result<String, Failure> {
    let (ds, req) = prepare(args)?;
    if args.sampling.active() {
        if args.map.is_some() {
            return Err(Diagnostic::new("--map draws the central wafer, not samples")
                .key("--map")
                .expected("--map without --samples")
                .into());
        }
        let nodes: Vec<String> = fab::bind(&ds, &req)?.iter().map(|b| b.node.clone()).collect();
        let title = format!("wafer on {}", nodes.join(", "));
        let task = Task::Sample { opts: &args.sampling, format: args.format, title };
        return uncertain(&ds, &req, task);
    }
    let bound = fab::bind(&ds, &req)?;
    if let Some(path) = &args.map {
        crate::chart::check_name(path, "--map")?;
        for b in &bound {
            crate::map::check(b, "--map")?;
        }
    }
    let results = evaluate_all(bound)?;
    if let Some(path) = &args.chart {
        crate::chart::write(path, &crate::figures::wafers(&results), "--chart")?;
        crate::chart::said(path);
    }
    let mut written = Vec::new();
    if let Some(path) = &args.map {
        for r in &results {
            let file = if results.len() == 1 { path.clone() } else { with_node(path, &r.bound.node) };
            crate::chart::write(&file, &crate::map::map(&r.bound, &r.out), "--map")?;
            written.push(file);
        }
    }
    let mut text = match args.format {
        Format::Json => {
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json_all(&results, args.explain)).unwrap_or_default()
            )
        }
        Format::Csv => to_csv(&results),
        Format::Table => {
            let mut t = to_table(&results);
            if args.explain {
                for r in &results {
                    t.push('\n');
                    t.push_str(&crate::explain::text(
                        &r.bound.node,
                        &fab::explain(&r.bound, &r.out),
                        &r.bound.bindings,
                    ));
                }
            }
            t
        }
    };
    if args.format == Format::Table {
        for f in written {
            text.push_str(&format!("wafer map written to {f}\n"));
        }
    }
    Ok(text)
}

/// `map.svg` with node `n7-duv` becomes `map.n7-duv.svg`.
fn with_node(path: &str, node: &str) -> String {
    match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.contains('/') => format!("{stem}.{node}.{ext}"),
        _ => format!("{path}.{node}"),
    }
}

/// The classes any of the results uses, in order.
fn used_classes(results: &[Evaluated]) -> Vec<ToolClass> {
    ToolClass::ALL.into_iter().filter(|c| results.iter().any(|r| r.out.class(*c).exposures > 0.0)).collect()
}

pub fn to_table(results: &[Evaluated]) -> String {
    table(results).text()
}

/// The nodes side by side, one column each.
pub fn table(results: &[Evaluated]) -> Table {
    let Some(first) = results.first() else { return Table::default() };
    let x = &first.bound.inputs;
    let mut header = vec![String::new()];
    header.extend(results.iter().map(|r| r.bound.node.clone()));
    let mut t = Table::new(header).captioned(format!(
        "wafer: die {}, {} mm wafer, {} mm edge exclusion, {} mm scribe, {} yield",
        first.bound.die_label,
        x.wafer_mm,
        x.edge_exclusion_mm,
        x.scribe_mm,
        x.yield_model.name()
    ));
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
    let classes = used_classes(results);
    t.section("exposures per wafer");
    for c in &classes {
        under(&mut t, c.name(), &|r| {
            let o = r.out.class(*c);
            if o.exposures > 0.0 {
                format!("{} ({})", o.exposures, r.bound.scanners[*c as usize].clone().unwrap_or_default())
            } else {
                dash()
            }
        });
    }
    row(&mut t, "masks", &|r| format!("{}", r.out.masks));
    row(&mut t, "scanner-hours per wafer", &|r| sig3(r.out.scanner_hours));
    row(&mut t, "process steps", &|r| format!("{}", r.out.process_steps));
    row(&mut t, "cycle time (days)", &|r| sig3(r.out.cycle_days));
    t.section("cost per wafer");
    under(&mut t, "scanners", &|r| usd(r.out.litho_tool_usd));
    under(&mut t, "track and litho metrology", &|r| usd(r.out.track_usd + r.out.metrology_usd));
    under(&mut t, "fab capital beyond scanners", &|r| usd(r.out.fab_capital_usd));
    under(&mut t, "other process steps", &|r| usd(r.out.non_litho_usd));
    under(&mut t, "substrate", &|r| usd(r.out.substrate_usd));
    under(&mut t, "overhead", &|r| usd(r.out.overhead_usd));
    under(&mut t, "wafer cost, masks apart", &|r| usd(r.out.wafer_cost_usd));
    row(&mut t, "wafer price, masks apart", &|r| usd(r.out.wafer_price_usd));
    if results.iter().any(|r| r.bound.published_wafer_price_usd.is_some()) {
        under(&mut t, "as published", &|r| r.bound.published_wafer_price_usd.map(usd).unwrap_or_else(dash));
    }
    row(&mut t, "mask set (once per design)", &|r| usd(r.out.mask_set_usd));
    under(&mut t, "per wafer of the design", &|r| usd(r.out.mask_usd));
    row(&mut t, "lithography, masks included", &|r| usd(r.out.litho_usd));
    row(&mut t, "litho share of cost", &|r| percent(r.out.litho_cost_share));
    row(&mut t, "litho share of time", &|r| percent(r.out.litho_time_share));
    t.section("dies");
    row(&mut t, "D0 (per cm²)", &|r| sig3(r.out.d0_per_cm2));
    row(&mut t, "gross dies", &|r| format!("{} ({})", sig3(r.out.gross_dies), r.bound.inputs.count.name()));
    row(&mut t, "gross dies, analytic", &|r| sig3(r.out.gross_dies_analytic));
    row(&mut t, "die yield", &|r| percent(r.out.die_yield));
    row(&mut t, "good dies", &|r| sig3(r.out.good_dies));
    row(&mut t, "cost per good die", &|r| usd(r.out.cost_per_good_die_usd));
    row(&mut t, "price per good die", &|r| usd(r.out.price_per_good_die_usd));
    t.section("scanners per 10k wafers a month");
    for c in &classes {
        under(&mut t, c.name(), &|r| {
            let o = r.out.class(*c);
            if o.exposures > 0.0 { sig3(o.scanners_per_10k_wafers_month) } else { dash() }
        });
    }
    let mut notes: Vec<&String> = results.iter().flat_map(|r| &r.bound.notes).collect();
    notes.dedup();
    t.notes = notes.into_iter().map(|n| format!("note: {n}")).collect();
    t
}

fn by_class(r: &Evaluated, f: impl Fn(&fab::ClassOutputs) -> f64) -> Value {
    let mut m = Map::new();
    for c in ToolClass::ALL {
        let o = r.out.class(c);
        if o.exposures > 0.0 {
            m.insert(c.name().to_string(), json!(f(o)));
        }
    }
    Value::Object(m)
}

pub fn to_json(r: &Evaluated, explain: bool) -> Value {
    let (b, o) = (&r.bound, &r.out);
    let scanners: Map<String, Value> = ToolClass::ALL
        .iter()
        .filter(|c| o.class(**c).exposures > 0.0)
        .map(|c| {
            let ci = b.inputs.class(*c);
            (
                c.name().to_string(),
                json!({ "scanner": b.scanners[*c as usize], "rated_wph": ci.wph,
                    "effective_fraction": ci.effective_fraction, "availability": ci.availability,
                    "usd_per_scanner_hour": o.class(*c).usd_per_scanner_hour }),
            )
        })
        .collect();
    let layers: Vec<Value> = b
        .layers
        .iter()
        .map(|l| {
            json!({ "id": l.id, "name": l.name, "scheme": l.scheme, "class": l.class.name(),
            "count": l.count, "exposures": l.exposures, "masks": l.masks })
        })
        .collect();
    let mut v = json!({
        "node": b.node,
        "die": b.die_label,
        "die_width_mm": b.inputs.die.width_mm,
        "die_height_mm": b.inputs.die.height_mm,
        "die_area_mm2": o.die_area_mm2,
        "stitched": b.stitched,
        "exposures": by_class(r, |c| c.exposures),
        "masks": o.masks,
        "scanner_hours": o.scanner_hours,
        "scanner_hours_by_class": by_class(r, |c| c.scanner_hours),
        "scanners": scanners,
        "litho_usd": o.litho_usd,
        "litho_tool_usd": o.litho_tool_usd,
        "track_usd": o.track_usd,
        "metrology_usd": o.metrology_usd,
        "mask_set_usd": o.mask_set_usd,
        "mask_usd": o.mask_usd,
        "fab_capital_usd": o.fab_capital_usd,
        "scanner_capex_usd_per_wpm": o.scanner_capex_usd_per_wpm,
        "non_litho_usd": o.non_litho_usd,
        "substrate_usd": o.substrate_usd,
        "overhead_usd": o.overhead_usd,
        "wafer_cost_usd": o.wafer_cost_usd,
        "wafer_price_usd": o.wafer_price_usd,
        "published_wafer_price_usd": b.published_wafer_price_usd,
        "litho_cost_share": o.litho_cost_share,
        "litho_time_share": o.litho_time_share,
        "process_steps": o.process_steps,
        "cycle_days": o.cycle_days,
        "d0_per_cm2": o.d0_per_cm2,
        "yield_model": b.inputs.yield_model.name(),
        "count": b.inputs.count.name(),
        "gross_dies": o.gross_dies,
        "gross_dies_analytic": o.gross_dies_analytic,
        "die_yield": o.die_yield,
        "good_dies": o.good_dies,
        "cost_per_good_die_usd": o.cost_per_good_die_usd,
        "price_per_good_die_usd": o.price_per_good_die_usd,
        "scanners_per_10k_wafers_month": by_class(r, |c| c.scanners_per_10k_wafers_month),
        "layers": layers,
        "notes": b.notes,
    });
    if explain {
        v["explain"] = crate::explain::json(&fab::explain(b, o), &b.bindings);
    }
    v
}

fn to_csv(results: &[Evaluated]) -> String {
    let classes = used_classes(results);
    let mut header: Vec<String> = [
        "node",
        "die_width_mm",
        "die_height_mm",
        "yield_model",
        "count",
        "stitched",
        "masks",
        "scanner_hours",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for c in &classes {
        header.push(format!("exposures_{}", c.name()));
        header.push(format!("scanner_hours_{}", c.name()));
        header.push(format!("scanners_per_10k_wafers_month_{}", c.name()));
    }
    header.extend(
        [
            "litho_usd",
            "litho_tool_usd",
            "track_usd",
            "metrology_usd",
            "mask_set_usd",
            "mask_usd",
            "fab_capital_usd",
            "non_litho_usd",
            "substrate_usd",
            "overhead_usd",
            "wafer_cost_usd",
            "wafer_price_usd",
            "litho_cost_share",
            "litho_time_share",
            "process_steps",
            "cycle_days",
            "d0_per_cm2",
            "gross_dies",
            "gross_dies_analytic",
            "die_yield",
            "good_dies",
            "cost_per_good_die_usd",
            "price_per_good_die_usd",
            "published_wafer_price_usd",
        ]
        .map(String::from),
    );
    let mut out = csv_line(&header);
    for r in results {
        let o = &r.out;
        let mut row = vec![
            r.bound.node.clone(),
            plain(r.bound.inputs.die.width_mm),
            plain(r.bound.inputs.die.height_mm),
            r.bound.inputs.yield_model.name().to_string(),
            r.bound.inputs.count.name().to_string(),
            r.bound.stitched.to_string(),
            plain(o.masks),
            plain(o.scanner_hours),
        ];
        for c in &classes {
            let co = o.class(*c);
            row.push(plain(co.exposures));
            row.push(plain(co.scanner_hours));
            row.push(plain(co.scanners_per_10k_wafers_month));
        }
        for v in [
            o.litho_usd,
            o.litho_tool_usd,
            o.track_usd,
            o.metrology_usd,
            o.mask_set_usd,
            o.mask_usd,
            o.fab_capital_usd,
            o.non_litho_usd,
            o.substrate_usd,
            o.overhead_usd,
            o.wafer_cost_usd,
            o.wafer_price_usd,
            o.litho_cost_share,
            o.litho_time_share,
            o.process_steps,
            o.cycle_days,
            o.d0_per_cm2,
            o.gross_dies,
            o.gross_dies_analytic,
            o.die_yield,
            o.good_dies,
            o.cost_per_good_die_usd,
            o.price_per_good_die_usd,
        ] {
            row.push(plain(v));
        }
        row.push(r.bound.published_wafer_price_usd.map(plain).unwrap_or_default());
        out.push_str(&csv_line(&row));
    }
    out
}
