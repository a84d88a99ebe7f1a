//! `waferwatt report --html FILE --markdown FILE`: the report as a document with its charts:
//! the claims checked one by one, each account with its figures, ranges and charts, and an
//! appendix of every source the data in force cites.

use waferwatt::accounts::{
    capacity::CapacityAccount, electricity::ElectricityAccount, packaging::PackagingAccount,
    strategy::StrategyAccount, tools::ToolsAccount,
};
use waferwatt::data::{ASSUMPTION, Dataset};
use waferwatt::sensitivity::Swing;
use waferwatt::strategy::metric;
use waferwatt::train::Item;

use super::document::{Block, from_text};
use crate::Failure;
use crate::chart::{self, Chart, FanChart, Lines, Tornado};

/// Everything the report worked out, for the document.
pub struct Worked<'a> {
    pub ds: &'a Dataset,
    pub scenario: Option<&'a str>,
    /// `--set` overrides, as given.
    pub sets: &'a [String],
    pub tools: &'a ToolsAccount,
    pub chips: &'a PackagingAccount,
    pub designs: &'a super::packaging::Designs,
    pub capacity: &'a CapacityAccount,
    pub fleet: &'a crate::fleet_cmd::Evaluated,
    pub power: &'a ElectricityAccount,
    pub ledgers: &'a [crate::train_cmd::Evaluated],
    pub paths: &'a StrategyAccount,
}

fn chart_block<C: Chart>(id: &str, caption: String, c: &C) -> Result<Block, Failure> {
    Ok(Block::Chart { id: id.into(), caption, svg: chart::svg(c)? })
}

fn tornado(title: &str, centre: f64, swings: &[Swing], percent: bool) -> Tornado {
    Tornado {
        title: title.into(),
        centre,
        swings: swings.iter().map(|s| (s.key.clone(), s.at_low, s.at_high)).collect(),
        percent,
    }
}

/// An account's text as blocks, its charts right under its heading.
fn section(text: &str, charts: Vec<Block>) -> Vec<Block> {
    let mut blocks = from_text(text);
    let at = blocks.iter().position(|b| matches!(b, Block::Heading(2, _))).map_or(0, |i| i + 1);
    // After the account's opening paragraph, if it has one.
    let at = if matches!(blocks.get(at), Some(Block::Para(_))) { at + 1 } else { at };
    blocks.splice(at..at, charts);
    blocks
}

/// A row of the claims table: the claim, its verdict and whose numbers, the first numbers
/// behind it (its own, or its parts'), and the account.
fn claim_row(v: &waferwatt::accounts::verdict::ClaimVerdict, account: &str) -> Vec<String> {
    use super::verdict::{number, word};
    let evidence = if v.evidence.is_empty() {
        v.parts.iter().filter_map(|p| p.evidence.first()).collect::<Vec<_>>()
    } else {
        v.evidence.iter().take(2).collect()
    };
    let numbers: Vec<String> =
        evidence.iter().map(|e| format!("{}: {}", e.label, number(e.value, &e.unit))).collect();
    vec![
        v.claim.says.clone(),
        format!("{} (for {})", word(v.verdict), v.actor),
        numbers.join("; "),
        account.to_string(),
    ]
}

pub fn document(w: &Worked) -> Result<Vec<Block>, Failure> {
    let mut blocks = vec![Block::Para(format!(
        "Accounts of AI compute economics on {}, by waferwatt: each tests a claim of the news commentary on chip \
         export controls that started the project, with the ledgers and sourced data. Every default number has a \
         source, a year and a range (the appendix lists the sources); every range below is p5–p95 over Latin \
         hypercube samples of the data's ranges.",
        {
            let mut on = w
                .scenario
                .map_or("the built-in data".into(), |f| format!("the built-in data with scenario `{f}`"));
            if !w.sets.is_empty() {
                let sets: Vec<String> = w.sets.iter().map(|s| format!("`{s}`")).collect();
                on.push_str(&format!(" and {}", sets.join(", ")));
            }
            on
        }
    ))];

    // The tools account: wafer cost and scanner time, DUV against EUV; a wafer map; the premium's tornado.
    let first: Vec<(&waferwatt::fab::WaferBound, &waferwatt::fab::WaferOutputs)> = w
        .tools
        .pairs
        .iter()
        .filter_map(|p| p.by_die.first())
        .flat_map(|(_, d, e)| [(&d.bound, &d.out), (&e.bound, &e.out)])
        .collect();
    let mut tools_charts = vec![chart_block(
        "wafers",
        format!(
            "Wafer cost and scanner-hours per wafer, DUV-only nodes against EUV ones ({} die)",
            w.tools.dies.first().map_or("", String::as_str)
        ),
        &crate::figures::wafers_of(&first),
    )?];
    if let Some((b, o)) = first.first() {
        tools_charts.push(chart_block(
            "wafer-map",
            format!(
                "A {} wafer of {} dies: good, defective and partial",
                b.node,
                w.tools.dies.first().map_or("", String::as_str)
            ),
            &crate::map::map(b, o),
        )?);
    }
    if let Some(p) = w.tools.pairs.first() {
        tools_charts.push(chart_block(
            "premium-tornado",
            format!("What moves the DUV premium per good die ({} against {})", p.duv, p.euv),
            &tornado(
                "DUV premium per good die",
                p.premium(0),
                w.tools.premium_drivers.first().map_or(&[][..], |f| &f.swings),
                true,
            ),
        )?);
    }
    let tools = section(&super::tools::text(w.tools), tools_charts);

    // The packaging account: cost per good package by number of chiplets, node by node.
    let split = Lines {
        title: format!("chiplet split of {} ({:.0} mm² of compute silicon)", w.chips.die, w.chips.area_mm2),
        subtitle: "compute silicon, its test, bonding and package per good package".into(),
        x_desc: "chiplets".into(),
        y_desc: "USD per good package".into(),
        series: w
            .chips
            .nodes
            .iter()
            .map(|n| {
                (
                    n.node.clone(),
                    n.splits.iter().map(|s| (f64::from(s.chiplets), s.cost_per_good_package_usd)).collect(),
                )
            })
            .collect(),
    };
    let packaging = section(
        &super::packaging::text(w.chips, w.designs),
        vec![chart_block(
            "chiplets",
            "Cost per good package by number of chiplets, node by node".into(),
            &split,
        )?],
    );

    // The capacity account: the chain from scanners to gigawatts.
    let capacity = section(
        &super::capacity::text(w.capacity, w.fleet),
        vec![chart_block(
            "capacity-chain",
            "From scanners to gigawatts: the report's DUV-only fleet".into(),
            &crate::figures::chain(w.fleet),
        )?],
    );

    // The electricity account: the run's cost waterfall, the regions, the share's tornado.
    let mut power_charts = Vec::new();
    if let Some(first) = w.ledgers.first() {
        power_charts.push(chart_block(
            "cost-waterfall",
            format!("The reference run's cost by ledger item in {}", first.bound.region),
            &crate::figures::waterfall(first),
        )?);
        power_charts.push(chart_block(
            "regions",
            "The same run across regions, by ledger item".into(),
            &crate::figures::regions(w.ledgers),
        )?);
        power_charts.push(chart_block(
            "electricity-tornado",
            format!("What moves electricity's share of the cost in {}", first.bound.region),
            &tornado("electricity's share", first.out.share(Item::Electricity), &w.power.share_drivers, true),
        )?);
    }
    let electricity = section(&super::electricity::text(w.ds, w.power, w.ledgers), power_charts);

    // The strategy account: the fan chart and the tornado of the difference.
    let p = w.paths;
    let x = &p.bound.inputs;
    let fan = FanChart {
        title: "running dense BF16 FLOP/s".into(),
        series: p
            .bound
            .paths
            .iter()
            .enumerate()
            .map(|(k, (_, name))| {
                let years = (0..x.years)
                    .filter_map(|i| {
                        p.sampled(k, i, metric::INSTALLED_FLOPS).map(|s| (x.year(i), s.p5, s.p50, s.p95))
                    })
                    .collect();
                (name.clone(), years)
            })
            .collect(),
    };
    let mut strategy_charts =
        vec![chart_block("strategy-fan", "Running compute per path, p50 and p5–p95 by year".into(), &fan)?];
    if let Some((centre, swings)) = &p.drivers {
        strategy_charts.push(chart_block(
            "strategy-tornado",
            format!("What moves the difference in compute delivered by {}", x.end_year()),
            &tornado("difference in compute delivered (FLOP)", *centre, swings, false),
        )?);
    }
    let strategy = section(&super::strategy::text(p), strategy_charts);

    // The claims, one by one, from the verdicts the accounts decided.
    let mut rows = vec![["claim", "verdict", "the numbers", "account"].map(String::from).to_vec()];
    rows.extend(
        super::verdicts(w.tools, w.chips, w.capacity, w.power, p).into_iter().map(|(v, a)| claim_row(v, a)),
    );
    blocks.push(Block::Heading(2, "The claims, one by one".into()));
    blocks.push(Block::Table(rows));
    for s in [tools, packaging, capacity, electricity, strategy] {
        blocks.extend(s);
    }
    blocks.extend(sources(w.ds));
    Ok(blocks)
}

/// The appendix: every source the data in force cites, and how many numbers rest on
/// assumptions instead.
fn sources(ds: &Dataset) -> Vec<Block> {
    let mut cited: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for p in ds.params.values() {
        *cited.entry(p.source.as_ref()).or_default() += 1;
    }
    let assumptions = cited.get(ASSUMPTION).copied().unwrap_or(0);
    let items: Vec<String> = cited
        .iter()
        .filter_map(|(id, n)| {
            let s = ds.sources.get(*id)?;
            Some(format!(
                "`{id}` ({n} {}): {}, {}, {}{}",
                if *n == 1 { "number" } else { "numbers" },
                s.title,
                s.publisher,
                s.date,
                s.url.as_ref().map(|u| format!(", {u}")).unwrap_or_default()
            ))
        })
        .collect();
    vec![
        Block::Heading(2, "Appendix: sources".into()),
        Block::Para(format!(
            "The {} sources cited by the data in force, with how many of its numbers each supports; {} numbers \
             rest on stated assumptions instead, each with its reason (`waferwatt data show KIND.ID`).",
            items.len(),
            assumptions
        )),
        Block::List(items),
    ]
}

/// The report's title on the page.
const TITLE: &str = "waferwatt report: AI compute economics, from the scanner to the electricity bill";

fn write_file(path: &str, text: &str, what: &str) -> Result<(), Failure> {
    std::fs::write(path, text).map_err(|e| {
        Failure::from(
            waferwatt::diag::Diagnostic::new(format!("cannot write the {what} to {path}: {e}"))
                .expected("a writable path"),
        )
    })
}

/// Writes the HTML page and the Markdown (with its charts beside it) asked for; says what was
/// written.
pub fn write(w: &Worked, html: Option<&str>, markdown: Option<&str>) -> Result<String, Failure> {
    let blocks = document(w)?;
    let mut said = String::new();
    if let Some(path) = html {
        write_file(path, &super::document::html(TITLE, &blocks), "HTML report")?;
        said.push_str(&format!("report written to {path} (one self-contained HTML page)\n"));
    }
    if let Some(path) = markdown {
        let file = std::path::Path::new(path);
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("report").to_string();
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).map(|d| d.to_path_buf());
        let name = |id: &str| format!("{stem}-{id}.svg");
        // The report first: if it cannot be written, no chart is left behind.
        write_file(path, &super::document::markdown(TITLE, &blocks, &name), "Markdown report")?;
        let mut charts = 0;
        for b in &blocks {
            if let Block::Chart { id, svg, .. } = b {
                let at = dir.as_ref().map_or(std::path::PathBuf::from(name(id)), |d| d.join(name(id)));
                write_file(&at.display().to_string(), svg, "a chart of the Markdown report")?;
                charts += 1;
            }
        }
        said.push_str(&format!("report written to {path}, with {charts} charts beside it ({stem}-*.svg)\n"));
    }
    Ok(said)
}
