//! `waferwatt strategy`: compute now or lithography first, year by year, path against path;
//! with `--samples`, how often each path leads, when the challenger breaks even, and which
//! assumptions move the difference; with `--sweep`, the R&D share that gives the most compute.

use clap::Args;
use serde_json::{Map, Value, json};
use waferwatt::data::Dataset;
use waferwatt::diag::Diagnostic;
use waferwatt::provenance::Given;
use waferwatt::sensitivity::Swing;
use waferwatt::strategy::{
    self, Comparison, FLOP_UNIT, Layout, METRICS, StrategyBound, StrategyOutputs, StrategyRequest, Sweep,
    metric,
};
use waferwatt::uncertainty::{Plan, Rows, Sampling, Summary, Uncertain, summarize, summarize_rows};

use crate::Failure;
use crate::input::{DataOptions, load};
use crate::render::{Format, Table, csv_line, human, percent, plain, sig3, wrap};
use crate::sampling::{SampleOptions, SamplerArg, Switch};

#[derive(Args, Debug, Clone)]
pub struct StrategyArgs {
    /// Paths to compare, the baseline first (`waferwatt data list path`; default: strategy.paths)
    #[arg(long, value_name = "ID,ID", value_delimiter = ',')]
    pub paths: Option<Vec<String>>,
    /// First and last year, e.g. 2025:2040 (default: strategy.start_year and end_year)
    #[arg(long, value_name = "FIRST:LAST")]
    pub horizon: Option<String>,
    /// What if EUV arrived in this year for every path that pursues it?
    #[arg(long, value_name = "YEAR")]
    pub euv_year: Option<i32>,
    /// The year whose cumulative compute the drivers and the sweep compare (default: the last)
    #[arg(long, value_name = "YEAR")]
    pub by: Option<i32>,
    /// Sweep the share of the budget given to lithography R&D from 0 to 1
    #[arg(long)]
    pub sweep: bool,
    /// off: leave out the drivers (each uncertain number moved alone over its range, two runs
    /// of the model apiece), for a faster answer
    #[arg(long, value_enum, value_name = "ON|OFF", default_value_t = Switch::On)]
    pub drivers: Switch,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write a fan chart of running compute per path (p5–p95 bands with --samples), SVG or PNG
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
    /// Show how each figure was derived: formula, inputs, sources, origins
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub data: DataOptions,
    #[command(flatten)]
    pub sampling: SampleOptions,
}

fn horizon(s: &str) -> Result<Given<(i32, i32)>, Diagnostic> {
    let parsed = s.split_once(':').and_then(|(a, z)| Some((a.trim().parse().ok()?, z.trim().parse().ok()?)));
    parsed.map(|v| Given::flag(v, "--horizon")).ok_or_else(|| {
        Diagnostic::new(format!("`{s}` is not a horizon"))
            .key("--horizon")
            .expected("FIRST:LAST, e.g. 2025:2040")
    })
}

/// Everything one run works out.
pub struct Answer {
    pub bound: StrategyBound,
    pub central: StrategyOutputs,
    pub keys: Vec<Uncertain>,
    /// The year index the drivers and sweep compare.
    pub by: usize,
    pub drivers: Option<(f64, Vec<Swing>)>,
    pub sampled: Option<Sampled>,
    pub sweep: Option<Sweep>,
}

pub struct Sampled {
    pub samples: usize,
    pub seed: u64,
    pub sampling: Sampling,
    pub layout: Layout,
    pub summaries: Vec<Option<Summary>>,
    pub comparison: Comparison,
    pub rows: Rows,
    pub plan: Plan,
}

/// What `strategy` works out for a request, sampled or not.
pub fn work(
    ds: &Dataset,
    req: &StrategyRequest,
    by: Option<i32>,
    opts: &SampleOptions,
    sweep: bool,
    drivers: Switch,
) -> Result<Answer, Failure> {
    let planning = strategy::uncertain(ds, req)?;
    let keys = &planning.keys;
    let central = strategy::evaluate(&planning.bound.inputs);
    strategy::check(&central)?;
    let x = &planning.bound.inputs;
    let by = match by {
        Some(y) if y < x.start_year || y > x.end_year() => {
            return Err(Diagnostic::new(format!(
                "{y} is outside the horizon {}:{}",
                x.start_year,
                x.end_year()
            ))
            .key("--by")
            .expected("a year within the horizon")
            .into());
        }
        Some(y) => (y - x.start_year) as usize,
        None => x.years - 1,
    };
    let uncertain = opts.uncertainty == Switch::On;
    let drivers = if uncertain && drivers == Switch::On { planning.drivers(keys, by)? } else { None };
    let sampling = match opts.sampler {
        SamplerArg::Mc => Sampling::MonteCarlo,
        SamplerArg::Lhs => Sampling::LatinHypercube,
    };
    if opts.active() {
        // The rows of every result, or of the sweep's shares, and the draws behind them.
        let width = Layout::of(x).width().max(if sweep { strategy::shares().len() } else { 0 });
        crate::sampling::check_memory(opts.samples.unwrap_or(1), width, opts.held(width, keys.len()))?;
    }
    let plan = opts.active().then(|| Plan::keyed(keys, opts.samples.unwrap_or(1), opts.seed(), sampling));
    let sampled = plan.map(|plan| -> Result<Sampled, Failure> {
        let layout = Layout::of(x);
        let bar = crate::sampling::progress(opts, plan.samples, "sampling");
        let rows = planning.sample_paths(&plan, layout, &bar)?;
        Ok(Sampled {
            samples: plan.samples,
            seed: plan.seed,
            sampling,
            layout,
            summaries: summarize_rows(&rows),
            comparison: strategy::compare(&rows, layout),
            rows,
            plan,
        })
    });
    let sampled = sampled.transpose()?;
    let sweep = sweep.then(|| -> Result<Sweep, Failure> {
        let shares = strategy::shares();
        Ok(match &sampled {
            Some(s) => {
                let bar = crate::sampling::progress(opts, s.samples, "sweeping");
                planning.sweep_samples(&s.plan, by, x.lead_margin, &bar)?
            }
            None => {
                let compute = strategy::sweep(x, &shares, by);
                Sweep {
                    best: strategy::best_share(&shares, &compute, x.lead_margin),
                    compute: compute.iter().map(|c| summarize(&[*c])).collect(),
                    shares,
                    best_by_sample: None,
                }
            }
        })
    });
    let sweep = sweep.transpose()?;
    let strategy::Planning { bound, keys, .. } = planning;
    Ok(Answer { bound, central, keys, by, drivers, sampled, sweep })
}

pub fn run(args: &StrategyArgs) -> Result<String, Failure> {
    // A scenario's command sections ([train], [wafer], …) were checked when it was loaded;
    // the strategy reads its numbers from the data ([strategy], [path.ID]) and ignores them.
    let (ds, _) = load(&args.data)?;
    args.sampling.check()?;
    crate::sampling::check_explain(args.explain, args.format, &args.sampling)?;
    if let Some(path) = &args.chart {
        crate::chart::check_name(path, "--chart")?;
    }
    let req = StrategyRequest {
        paths: args.paths.clone().map(|p| Given::flag(p, "--paths")),
        horizon: args.horizon.as_deref().map(horizon).transpose()?,
        euv_year: args.euv_year.map(|y| Given::flag(y, "--euv-year")),
    };
    let a = work(&ds, &req, args.by, &args.sampling, args.sweep, args.drivers)?;
    if let (Some(path), Some(s)) = (&args.sampling.raw, &a.sampled) {
        write_raw(path, &a, s)?;
    }
    if let (Some(keep), Some(s)) = (&args.sampling.keep, &a.sampled) {
        keep.put(crate::sampling::columns(&s.plan, &a.keys, &result_names(&a, s), &s.rows, &s.summaries));
    }
    if let Some(path) = &args.chart {
        let chart =
            crate::chart::FanChart { title: "running dense BF16 FLOP/s".into(), series: fan_series(&a) };
        crate::chart::write(path, &chart, "--chart")?;
        crate::chart::said(path);
    }
    Ok(match args.format {
        Format::Json => {
            format!("{}\n", serde_json::to_string_pretty(&to_json(&a, args.explain)).unwrap_or_default())
        }
        Format::Csv => to_csv(&a),
        Format::Table => {
            let mut t = to_table(&a);
            if args.explain {
                t.push('\n');
                t.push_str(&crate::explain::text(
                    "strategy",
                    &strategy::explain(&a.bound, &a.central),
                    &a.bound.bindings,
                ));
            }
            t
        }
    })
}

/// For each path: its name and, per year, (p5, p50, p95) of installed FLOP/s (all three the
/// central value when not sampled).
pub fn fan_series(a: &Answer) -> Vec<crate::chart::Fan> {
    a.bound
        .paths
        .iter()
        .enumerate()
        .map(|(p, (_, name))| {
            let years = a.central.paths[p]
                .years
                .iter()
                .enumerate()
                .map(|(i, y)| match a.sampled.as_ref().and_then(|s| s.summaries[s.layout.metric(p, i, 0)]) {
                    Some(s) => (y.year, s.p5, s.p50, s.p95),
                    None => (y.year, y.installed_flops, y.installed_flops, y.installed_flops),
                })
                .collect();
            (name.clone(), years)
        })
        .collect()
}

fn title(a: &Answer) -> String {
    let b = &a.bound;
    let x = &b.inputs;
    let names: Vec<&str> = b.paths.iter().map(|(_, n)| n.as_str()).collect();
    format!(
        "strategy {}–{}: {}\n  {} ({}) on {}; EUV opens {} ({}-class tools); powered in {}\n",
        x.start_year,
        x.end_year(),
        names.join(" against "),
        b.accelerator_name,
        b.accelerator,
        b.duv_node,
        b.euv_nodes.join(", "),
        b.euv_scanner,
        b.region
    )
}

/// "never within the horizon" or "2031".
fn year_or_never(y: Option<i32>) -> String {
    y.map_or("never within the horizon".into(), |y| y.to_string())
}

/// A percentile range of years, with the share of samples in which the year never comes.
pub fn years_range(s: &(Option<Summary>, f64), end: i32) -> String {
    match s {
        (Some(s), never) if *never > 0.0 => format!(
            "by {end} in {} of samples, in {:.0} (p5–p95 {:.0}–{:.0}) among them; not by {end} in {}",
            percent(1.0 - never),
            s.p50,
            s.p5,
            s.p95,
            percent(*never)
        ),
        (Some(s), _) => format!("{:.0} (p5–p95 {:.0}–{:.0})", s.p50, s.p5, s.p95),
        (None, _) => format!("not by {end} in any sample"),
    }
}

/// How a challenger's break-even against the baseline went over the samples, in words.
pub fn break_even_text(b: &strategy::BreakEven, end: i32) -> String {
    let mut parts = Vec::new();
    if b.caught_up > 0.0 {
        let y =
            b.year.map_or(String::new(), |y| format!(", in {:.0} (p5–p95 {:.0}–{:.0})", y.p50, y.p5, y.p95));
        parts.push(format!("behind, then caught up by {end} in {}{y}", percent(b.caught_up)));
    }
    if b.never_behind > 0.0 {
        parts.push(format!("never behind in {}", percent(b.never_behind)));
    }
    if b.same > 0.0 {
        parts.push(format!("the same as the baseline throughout in {}", percent(b.same)));
    }
    if b.not_by_end > 0.0 {
        parts.push(format!("still behind in {end} in {}", percent(b.not_by_end)));
    }
    parts.join("; ")
}

/// The central case's break-even, in words.
pub fn catch_text(c: strategy::Catch, end: i32) -> String {
    match c {
        strategy::Catch::From(y) => format!("is behind, then has at least as much from {y} on"),
        strategy::Catch::NeverBehind => "is never behind".into(),
        strategy::Catch::Same => "stays the same".into(),
        strategy::Catch::NotBy => format!("is still behind in {end}"),
    }
}

/// p50 (p5–p95) of a summary, each number as `f` writes it.
pub fn range(s: Option<Summary>, f: fn(f64) -> String) -> String {
    s.map_or("—".into(), |s| format!("{} ({}–{})", f(s.p50), f(s.p5), f(s.p95)))
}

fn to_table(a: &Answer) -> String {
    let mut out = title(a);
    let x = &a.bound.inputs;
    let end = x.end_year();
    for (p, (id, name)) in a.bound.paths.iter().enumerate() {
        let path = &a.central.paths[p];
        let share = x.paths[p];
        let arrival = match &a.sampled {
            Some(s) => format!("EUV arrives {}", years_range(&s.comparison.arrival[p], end)),
            None => format!("EUV arrives: {}", year_or_never(path.euv_arrival)),
        };
        out.push_str(&format!(
            "\n{name} ({id}): {} of the budget to lithography R&D until EUV, {} after; {arrival}\n",
            percent(share.rd_share),
            percent(share.rd_share_after)
        ));
        let mut t = match &a.sampled {
            None => Table::new(
                [
                    "year",
                    "running FLOP/s",
                    "accelerators",
                    &format!("largest {:.0}-day run", x.run_days),
                    "per 1e24 FLOP",
                    "energy TWh",
                    "EUV share",
                    "imported",
                    "wafers/month",
                    "HBM/month",
                ]
                .map(String::from)
                .to_vec(),
            ),
            Some(_) => Table::new(
                [
                    "year",
                    "running FLOP/s p50 (p5–p95)",
                    &format!("largest {:.0}-day run", x.run_days),
                    "cumulative spend",
                    "carried",
                    "per 1e24 FLOP",
                    "P(EUV)",
                ]
                .map(String::from)
                .to_vec(),
            ),
        };
        for (i, y) in path.years.iter().enumerate() {
            match &a.sampled {
                None => t.row(vec![
                    y.year.to_string(),
                    sig3(y.installed_flops),
                    human(y.accelerators),
                    sig3(y.largest_run_flop),
                    y.usd_per_unit_flop.map_or("—".into(), usd_h),
                    sig3(y.energy_twh),
                    percent(y.euv_flops_share),
                    percent(y.imported_flops_share),
                    human(y.capacity[strategy::supply::WAFERS]),
                    human(y.capacity[strategy::supply::HBM]),
                ]),
                Some(s) => {
                    let at = |j: usize| s.summaries[s.layout.metric(p, i, j)];
                    t.row(vec![
                        y.year.to_string(),
                        range(at(metric::INSTALLED_FLOPS), sig3),
                        range(at(metric::LARGEST_RUN), sig3),
                        range(at(metric::CUMULATIVE_SPEND), usd_h),
                        range(at(metric::CARRIED), usd_h),
                        range(at(metric::USD_PER_UNIT_FLOP), usd_h),
                        percent(s.comparison.euv[i][p]),
                    ])
                }
            }
        }
        out.push_str(&t.render());
        if a.sampled.is_none() {
            out.push_str(&money_table(path));
        }
    }
    if a.bound.paths.len() > 1 {
        out.push_str(&comparison_table(a));
    }
    if let Some((centre, swings)) = &a.drivers {
        let (base, challenger) = (&a.bound.paths[0].1, &a.bound.paths[1].1);
        out.push_str(&format!(
            "\nwhat moves the difference in cumulative compute by {} ({challenger} − {base}; central {} FLOP), \
             each number from its low to its high:\n",
            x.year(a.by),
            sig3(*centre)
        ));
        let mut t = Table::new(["number", "low", "high", "at low", "at high"].map(String::from).to_vec());
        for s in swings.iter().filter(|s| s.width() > 0.0).take(8) {
            t.row(vec![
                s.key.clone(),
                quantity(s.low, &s.unit),
                quantity(s.high, &s.unit),
                sig3(s.at_low),
                sig3(s.at_high),
            ]);
        }
        out.push_str(&t.render());
        let flips: Vec<&Swing> = swings.iter().filter(|s| strategy::flips(s, *centre)).collect();
        if !flips.is_empty() {
            out.push_str(&format!(
                "the central case's answer (the sign of the difference) flips within the range of: {}\n",
                flips.iter().map(|s| s.key.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    if let Some(sw) = &a.sweep {
        out.push_str(&sweep_text(a, sw));
    }
    out.push('\n');
    for n in &a.bound.notes {
        out.push_str(&format!("note: {}\n", wrap(n, 96).trim_end().replace('\n', "\n  ")));
    }
    if let Some(s) = &a.sampled {
        out.push_str(&format!(
            "{} samples ({}), seed {}; {} uncertain numbers; {} refused\n",
            s.samples,
            if s.sampling == Sampling::LatinHypercube { "Latin hypercube" } else { "Monte Carlo" },
            s.seed,
            a.keys.len(),
            s.rows.refused()
        ));
    }
    out
}

/// A number with its unit; years whole.
fn quantity(v: f64, unit: &str) -> String {
    if unit == "year" { format!("{v:.0}") } else { format!("{} {unit}", sig3(v)) }
}

/// Dollars for people, negative as -$.
pub fn usd_h(v: f64) -> String {
    if v < 0.0 { format!("-${}", human(-v)) } else { format!("${}", human(v)) }
}

/// Where a path's money went each year: every outlet, and what was carried to the next year
/// (new money + money carried in = R&D + running + accelerators + capacity + carried).
fn money_table(path: &strategy::PathOutputs) -> String {
    let mut t = Table::new(
        ["year", "budget", "carried in", "R&D", "running", "domestic", "imported", "capacity", "carried out"]
            .map(String::from)
            .to_vec(),
    );
    for y in &path.years {
        t.row(vec![
            y.year.to_string(),
            usd_h(y.budget_usd),
            usd_h(y.carried_in_usd),
            usd_h(y.rd_usd),
            usd_h(y.running_usd),
            usd_h(y.domestic_usd),
            usd_h(y.imports_usd),
            usd_h(y.capacity_usd),
            usd_h(y.carried_usd),
        ]);
    }
    format!(
        "where the money went (running: electricity and upkeep; domestic and imported: accelerators installed; \
         capacity: wafer starts, HBM and packaging lines ordered; carried out: what no outlet could take, \
         carried at the cost of capital)\n{}",
        t.render()
    )
}

fn comparison_table(a: &Answer) -> String {
    let x = &a.bound.inputs;
    let names: Vec<&str> = a.bound.paths.iter().map(|(_, n)| n.as_str()).collect();
    let mut out = String::from("\nwho leads, year by year\n");
    match &a.sampled {
        None => {
            let mut t = Table::new(
                ["year", "most installed compute", "cheapest per FLOP"].map(String::from).to_vec(),
            );
            for i in 0..x.years {
                let vals: Vec<f64> = a.central.paths.iter().map(|p| p.years[i].installed_flops).collect();
                let costs: Vec<f64> = a
                    .central
                    .paths
                    .iter()
                    .map(|p| p.years[i].usd_per_unit_flop.unwrap_or(f64::NAN))
                    .collect();
                t.row(vec![
                    x.year(i).to_string(),
                    lead_name(&vals, true, &names, x.lead_margin),
                    lead_name(&costs, false, &names, x.lead_margin),
                ]);
            }
            out.push_str(&t.render());
            for p in 1..a.central.paths.len() {
                let c = strategy::break_even(&a.central.paths[0], &a.central.paths[p], x.lead_margin);
                out.push_str(&format!(
                    "break-even: in cumulative compute {} {} against {}\n",
                    names[p],
                    catch_text(c, x.end_year()),
                    names[0]
                ));
            }
        }
        Some(s) => {
            let mut header = vec!["year".to_string()];
            header.extend(names.iter().map(|n| format!("P({n} leads)")));
            header.push("P(tie)".into());
            header.extend(names.iter().map(|n| format!("P({n} cheapest)")));
            let mut t = Table::new(header);
            for i in 0..x.years {
                let mut row = vec![x.year(i).to_string()];
                row.extend(s.comparison.lead_compute[i].iter().map(|v| percent(*v)));
                row.push(percent(s.comparison.tie_compute[i]));
                row.extend(s.comparison.lead_cost[i].iter().map(|v| percent(*v)));
                t.row(row);
            }
            out.push_str(&t.render());
            out.push_str("(leads: strictly the most installed FLOP/s; a tie while the paths are the same)\n");
            for p in 1..names.len() {
                out.push_str(&format!(
                    "break-even ({} against {} in cumulative compute): {}\n",
                    names[p],
                    names[0],
                    break_even_text(&s.comparison.break_even[p - 1], x.end_year())
                ));
            }
        }
    }
    out
}

fn lead_name(values: &[f64], most: bool, names: &[&str], margin: f64) -> String {
    match strategy::leader(values, most, margin) {
        Some(p) => names[p].to_string(),
        None if values.iter().any(|v| v.is_nan()) => "—".into(),
        None => "tie".into(),
    }
}

/// The allocation sweep in words: how much of the budget R&D can take at no cost in expected
/// compute, the span of shares within the lead margin of the most (where the share barely
/// matters), and the best share sample by sample. Never an optimum where the sweep is flat.
pub fn sweep_words(sw: &Sweep, margin: f64, by: i32) -> String {
    let mut parts = Vec::new();
    match sw.free_up_to(margin) {
        Some(f) if f > 0.0 => parts.push(format!(
            "giving lithography R&D up to {} of the budget until EUV arrives costs no expected compute by {by} \
             against giving it none",
            percent(f)
        )),
        Some(_) => parts.push(format!("any share given to lithography R&D costs expected compute by {by}")),
        None => {}
    }
    match sw.best {
        Some((best, lo, hi)) if hi > lo => parts.push(format!(
            "shares from {} to {} all come within {} of the most expected compute (the most at {}): between \
             them the share barely matters",
            percent(lo),
            percent(hi),
            percent(margin),
            percent(best)
        )),
        Some((best, _, _)) => parts.push(format!(
            "the most expected compute comes at a share of {}, and no other share within {} of it",
            percent(best),
            percent(margin)
        )),
        None => parts.push("no share gives a finite result".into()),
    }
    if let Some(b) = sw.best_by_sample {
        parts.push(format!(
            "sample by sample the best share is {} (p5–p95 {}–{})",
            percent(b.p50),
            percent(b.p5),
            percent(b.p95)
        ));
    }
    format!("{}.\n", parts.join("; "))
}

fn sweep_text(a: &Answer, sw: &Sweep) -> String {
    let x = &a.bound.inputs;
    let mut out = format!(
        "\nallocation sweep: cumulative compute by {} (FLOP) for a path giving each share of the budget to \
         lithography R&D until EUV arrives\n",
        x.year(a.by)
    );
    let mut t = Table::new(["R&D share", "cumulative compute"].map(String::from).to_vec());
    for (s, c) in sw.shares.iter().zip(&sw.compute) {
        t.row(vec![
            percent(*s),
            match (c, &a.sampled) {
                (Some(c), Some(_)) => {
                    format!("{} ({}–{}), mean {}", sig3(c.p50), sig3(c.p5), sig3(c.p95), sig3(c.mean))
                }
                (Some(c), None) => sig3(c.p50),
                (None, _) => "—".into(),
            },
        ]);
    }
    out.push_str(&t.render());
    let words = sweep_words(sw, x.lead_margin, x.year(a.by));
    let mut chars = words.chars();
    out.push_str(
        &chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default(),
    );
    out.push('\n');
    out
}

fn num(v: f64) -> Value {
    if v.is_finite() { json!(v) } else { Value::Null }
}

/// A year's summary over the samples in which it comes, with the share in which it does not.
pub fn years_json(s: &(Option<Summary>, f64)) -> Value {
    let mut v = crate::sampling::summary_or_null(s.0);
    match &mut v {
        Value::Object(m) => {
            m.insert("never".into(), json!(s.1));
        }
        _ => v = json!({ "never": s.1 }),
    }
    v
}

pub fn to_json(a: &Answer, explain: bool) -> Value {
    let x = &a.bound.inputs;
    let years: Vec<i32> = (0..x.years).map(|i| x.year(i)).collect();
    let mut paths = Map::new();
    for (p, (id, name)) in a.bound.paths.iter().enumerate() {
        let path = &a.central.paths[p];
        let mut m = Map::new();
        m.insert("name".into(), json!(name));
        m.insert("rd_share".into(), json!(x.paths[p].rd_share));
        m.insert("rd_share_after".into(), json!(x.paths[p].rd_share_after));
        m.insert(
            "euv_arrival".into(),
            match &a.sampled {
                Some(s) => years_json(&s.comparison.arrival[p]),
                None => path.euv_arrival.map_or(Value::Null, |y| json!(y)),
            },
        );
        for (j, (metric, _)) in METRICS.iter().enumerate() {
            let values: Vec<Value> = (0..x.years)
                .map(|i| match &a.sampled {
                    Some(s) => crate::sampling::summary_or_null(s.summaries[s.layout.metric(p, i, j)]),
                    None => num(path.years[i].metric(j)),
                })
                .collect();
            m.insert((*metric).into(), Value::Array(values));
        }
        paths.insert(id.clone(), Value::Object(m));
    }
    let ids: Vec<&str> = a.bound.paths.iter().map(|(id, _)| id.as_str()).collect();
    let (p_lead, p_cheapest, p_tie, break_even) = match &a.sampled {
        Some(s) => {
            let by_path = |v: &Vec<Vec<f64>>| {
                let m: Map<String, Value> = ids
                    .iter()
                    .enumerate()
                    .map(|(p, id)| (id.to_string(), json!(v.iter().map(|y| y[p]).collect::<Vec<_>>())))
                    .collect();
                Value::Object(m)
            };
            let be: Map<String, Value> = ids
                .iter()
                .enumerate()
                .skip(1)
                .map(|(p, id)| {
                    (
                        id.to_string(),
                        crate::report::strategy::break_even_json(&s.comparison.break_even[p - 1]),
                    )
                })
                .collect();
            (
                by_path(&s.comparison.lead_compute),
                by_path(&s.comparison.lead_cost),
                json!(s.comparison.tie_compute),
                Value::Object(be),
            )
        }
        None => {
            // Not sampled: 1 for the leader, 0 for the others, per year.
            let lead = |f: &dyn Fn(&strategy::Year) -> f64, most: bool| {
                let m: Map<String, Value> = ids
                    .iter()
                    .enumerate()
                    .map(|(p, id)| {
                        let v: Vec<f64> = (0..x.years)
                            .map(|i| {
                                let vals: Vec<f64> = a.central.paths.iter().map(|q| f(&q.years[i])).collect();
                                f64::from(u8::from(strategy::leader(&vals, most, x.lead_margin) == Some(p)))
                            })
                            .collect();
                        (id.to_string(), json!(v))
                    })
                    .collect();
                Value::Object(m)
            };
            let ties: Vec<f64> = (0..x.years)
                .map(|i| {
                    let vals: Vec<f64> = a.central.paths.iter().map(|q| q.years[i].installed_flops).collect();
                    f64::from(u8::from(strategy::leader(&vals, true, x.lead_margin).is_none()))
                })
                .collect();
            let be: Map<String, Value> = ids
                .iter()
                .enumerate()
                .skip(1)
                .map(|(p, id)| {
                    let (year, status) =
                        match strategy::break_even(&a.central.paths[0], &a.central.paths[p], x.lead_margin) {
                            strategy::Catch::From(y) => (json!(y), "caught_up"),
                            strategy::Catch::NeverBehind => (Value::Null, "never_behind"),
                            strategy::Catch::Same => (Value::Null, "same"),
                            strategy::Catch::NotBy => (Value::Null, "not_by_end"),
                        };
                    (id.to_string(), json!({ "year": year, "status": status }))
                })
                .collect();
            (
                lead(&|y| y.installed_flops, true),
                lead(&|y| y.usd_per_unit_flop.unwrap_or(f64::NAN), false),
                json!(ties),
                Value::Object(be),
            )
        }
    };
    let drivers: Vec<Value> = a
        .drivers
        .as_ref()
        .map(|(_, swings)| {
            swings
                .iter()
                .map(|s| {
                    json!({ "parameter": s.key, "unit": s.unit, "low": s.low, "high": s.high,
                            "at_low": s.at_low, "at_high": s.at_high, "effect": s.at_high - s.at_low })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut v = json!({
        "accelerator": a.bound.accelerator,
        "region": a.bound.region,
        "duv_node": a.bound.duv_node,
        "euv_nodes": a.bound.euv_nodes,
        "years": years,
        "flop_unit_of_cost": FLOP_UNIT,
        "paths": paths,
        "p_lead": p_lead,
        "p_cheapest": p_cheapest,
        "p_tie": p_tie,
        "break_even_year": break_even,
        "drivers_output": a.drivers.as_ref().map(|(c, _)| json!({
            "what": format!("cumulative compute by {}, {} minus {} (FLOP)", x.year(a.by),
                ids.get(1).copied().unwrap_or(""), ids[0]),
            "central": c })),
        "drivers": drivers,
        "notes": a.bound.notes,
    });
    if let Some(s) = &a.sampled {
        v["samples"] = json!(s.samples);
        v["seed"] = json!(s.seed);
        v["refused"] = json!(s.rows.refused());
        v["uncertainty"] = json!(a.keys.iter().map(|k| k.key.clone()).collect::<Vec<_>>());
    }
    if let Some(sw) = &a.sweep {
        v["sweep"] = json!({
            "by_year": x.year(a.by),
            "shares": sw.shares,
            "cumulative_compute_flop": sw.compute.iter().map(|c| match &a.sampled {
                Some(_) => crate::sampling::summary_or_null(*c),
                None => c.map_or(Value::Null, |c| json!(c.p50)),
            }).collect::<Vec<_>>(),
            "best_share": sw.best.map(|b| b.0),
            "near_best_shares": sw.best.map(|b| json!([b.1, b.2])),
            "best_share_by_sample": crate::sampling::summary_or_null(sw.best_by_sample),
        });
    }
    if explain {
        v["explain"] = crate::explain::json(&strategy::explain(&a.bound, &a.central), &a.bound.bindings);
    }
    v
}

fn to_csv(a: &Answer) -> String {
    let x = &a.bound.inputs;
    let sampled = a.sampled.as_ref();
    let mut out = csv_line(
        &(if sampled.is_some() {
            ["path", "year", "result", "p5", "p50", "p95", "mean"].as_slice()
        } else {
            ["path", "year", "result", "value"].as_slice()
        })
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>(),
    );
    for (p, (id, _)) in a.bound.paths.iter().enumerate() {
        for i in 0..x.years {
            for (j, (metric, _)) in METRICS.iter().enumerate() {
                let mut row = vec![id.clone(), x.year(i).to_string(), metric.to_string()];
                match sampled {
                    Some(s) => match s.summaries[s.layout.metric(p, i, j)] {
                        Some(v) => row.extend([v.p5, v.p50, v.p95, v.mean].map(plain)),
                        None => row.extend(["", "", "", ""].map(String::from)),
                    },
                    None => {
                        let v = a.central.paths[p].years[i].metric(j);
                        row.push(if v.is_finite() { plain(v) } else { String::new() });
                    }
                }
                out.push_str(&csv_line(&row));
            }
            if let Some(s) = sampled {
                let blank = || ["", "", ""].map(String::from);
                let mut row = vec![id.clone(), x.year(i).to_string(), "p_lead".into()];
                row.extend(blank());
                row.push(plain(s.comparison.lead_compute[i][p]));
                out.push_str(&csv_line(&row));
            }
        }
    }
    out
}

/// The names of a sampled row's results: each path's metrics year by year, its EUV arrival,
/// and each challenger's break-even year.
fn result_names(a: &Answer, s: &Sampled) -> Vec<String> {
    let mut names = Vec::new();
    for (id, _) in &a.bound.paths {
        for i in 0..s.layout.years {
            for (metric, _) in METRICS {
                names.push(format!("{id}.{}.{metric}", a.bound.inputs.year(i)));
            }
        }
    }
    names.extend(a.bound.paths.iter().map(|(id, _)| format!("{id}.euv_arrival")));
    names.extend(a.bound.paths.iter().skip(1).map(|(id, _)| format!("{id}.break_even_year")));
    names
}

/// Every sample: its uncertain numbers, then every result of its row.
fn write_raw(path: &str, a: &Answer, s: &Sampled) -> Result<(), Failure> {
    let mut header: Vec<String> = vec!["sample".into()];
    header.extend(a.keys.iter().map(|k| k.key.clone()));
    header.extend(result_names(a, s));
    let mut text = csv_line(&header);
    let mut x = vec![0.0; a.keys.len()];
    for i in 0..s.rows.rows() {
        s.plan.draw(i, &mut x);
        let mut row = vec![i.to_string()];
        row.extend(x.iter().map(|v| plain(*v)));
        row.extend(s.rows.row(i).iter().map(|v| if v.is_finite() { plain(*v) } else { String::new() }));
        text.push_str(&csv_line(&row));
    }
    std::fs::write(path, text).map_err(|e| {
        Failure::from(
            Diagnostic::new(format!("cannot write the samples to {path}: {e}")).expected("a writable path"),
        )
    })
}
