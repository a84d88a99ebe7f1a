//! `waferwatt report`: the accounts, in words and numbers, each testing a claim of the
//! source commentary with the ledgers and the data in force.

mod capacity;
pub mod doc;
mod electricity;
mod packaging;
mod publish;
pub mod strategy;
mod tools;
pub mod verdict;

#[cfg(feature = "parallel")]
use rayon::join;

/// The accounts one after another where there is one thread (a build without `parallel`).
#[cfg(not(feature = "parallel"))]
fn join<A, B>(a: impl FnOnce() -> A, b: impl FnOnce() -> B) -> (A, B) {
    (a(), b())
}

use clap::Args;
use serde_json::json;
use waferwatt::accounts;

use waferwatt::data::Dataset;
use waferwatt::sensitivity::Swing;

use crate::Failure;
use crate::chart::Tornado;
use crate::input::{DataOptions, load};

/// Width of the report's prose.
pub const WIDTH: usize = 100;

/// The report's formats: prose with tables, or the same figures as JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    #[default]
    Table,
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// Output format (`waferwatt train --format csv` gives the ledgers as CSV)
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Write the report as one self-contained HTML page (charts inline, nothing fetched), instead
    /// of printing it
    #[arg(long, value_name = "FILE.html")]
    pub html: Option<String>,
    /// Write the report as Markdown, its charts as SVG files beside it (FILE-ID.svg) with their
    /// data (FILE-ID.csv), instead of printing it
    #[arg(long, value_name = "FILE.md")]
    pub markdown: Option<String>,
    /// Write the report as PDF, the page printed by headless Chromium (or Chrome; the browser
    /// `WAFERWATT_CHROMIUM` names, or the first on the PATH)
    #[arg(long, value_name = "FILE.pdf")]
    pub pdf: Option<String>,
    #[command(flatten)]
    pub data: DataOptions,
}

pub fn run(args: &ReportArgs) -> Result<String, Failure> {
    let writes = args.html.is_some() || args.markdown.is_some() || args.pdf.is_some();
    if writes && args.format != ReportFormat::Table {
        return Err(waferwatt::diag::Diagnostic::new(
            "--html, --markdown and --pdf write the report, so --format has nothing to print",
        )
        .key("--format")
        .expected("--html, --markdown or --pdf FILE without --format json (`report --format json` apart)")
        .into());
    }
    // Refused before any work: a PDF needs a browser to print the page.
    let browser = match &args.pdf {
        Some(_) => Some(publish::browser()?),
        None => None,
    };
    let (ds, _) = load(&args.data)?;
    // The accounts are independent of one another: worked side by side.
    let (((power, tools), (chips, capacity)), paths) = join(
        || {
            join(
                || join(|| accounts::electricity::account(&ds), || accounts::tools::account(&ds)),
                || join(|| accounts::packaging::account(&ds), || accounts::capacity::account(&ds)),
            )
        },
        || accounts::strategy::account(&ds),
    );
    let (power, tools, chips, capacity, paths) = (power?, tools?, chips?, capacity?, paths?);
    // The same checks as the commands: no figure leaves unless it is finite.
    let ledgers = crate::train_cmd::evaluate_all(power.ledgers.iter().map(|l| l.bound.clone()).collect())?;
    tools::check(&tools)?;
    let designs = packaging::check(&chips)?;
    let fleet = capacity::check(&capacity)?;
    let worked = publish::Worked {
        ds: &ds,
        scenario: args.data.scenario.as_deref(),
        sets: &args.data.set,
        tools: &tools,
        chips: &chips,
        designs: &designs,
        capacity: &capacity,
        fleet: &fleet,
        power: &power,
        ledgers: &ledgers,
        paths: &paths,
    };
    let document = publish::document(&worked);
    if args.format == ReportFormat::Json {
        let cite = &document.cite;
        let v = json!({
            "cite": { "version": cite.version, "data": cite.data, "date": cite.date, "command": cite.command },
            "summary": document.summary.iter().map(|c| json!({
                "claim": c.id, "says": c.says, "verdict": c.verdict.id(), "actor": c.actor,
                "number": c.number, "range": c.range,
            })).collect::<Vec<_>>(),
            "electricity": electricity::json(&ds, &power, &ledgers),
            "tools": tools::json(&ds, &tools),
            "packaging": packaging::json(&ds, &chips, &designs),
            "capacity": capacity::json(&ds, &capacity, &fleet),
            "strategy": strategy::json(&ds, &paths),
            "claims": verdicts(&tools, &chips, &capacity, &power, &paths)
                .into_iter()
                .map(|(v, account)| {
                    let mut j = verdict::json(&ds, v);
                    j["account"] = json!(account);
                    j
                })
                .collect::<Vec<_>>(),
        });
        return Ok(format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default()));
    }
    if writes {
        let to = publish::Outputs {
            html: args.html.as_deref(),
            markdown: args.markdown.as_deref(),
            pdf: args.pdf.as_deref().zip(browser.as_deref()),
        };
        return publish::write(&document, &to);
    }
    Ok(doc::text(&document))
}

/// A tornado of a figure's one-at-a-time swings, each number by its label.
pub fn tornado(ds: &Dataset, title: &str, centre: f64, swings: &[Swing], percent: bool) -> Tornado {
    Tornado {
        title: title.into(),
        centre,
        swings: swings.iter().map(|s| (ds.label(&s.key), s.at_low, s.at_high)).collect(),
        percent,
    }
}

/// Every claim's verdict, in the order of the report's accounts, each with its account.
pub fn verdicts<'a>(
    tools: &'a accounts::tools::ToolsAccount,
    chips: &'a accounts::packaging::PackagingAccount,
    capacity: &'a accounts::capacity::CapacityAccount,
    power: &'a accounts::electricity::ElectricityAccount,
    paths: &'a accounts::strategy::StrategyAccount,
) -> Vec<(&'a accounts::verdict::ClaimVerdict, &'static str)> {
    vec![
        (&tools.verdict_time, "tools"),
        (&tools.verdict_cost, "tools"),
        (&tools.verdict_stand_in, "tools"),
        (&chips.verdict_track, "packaging"),
        (&capacity.verdict_mature, "capacity"),
        (&capacity.verdict_asml, "capacity"),
        (&power.verdict_largest, "electricity"),
        (&power.verdict_discount, "electricity"),
        (&paths.verdict, "strategy"),
    ]
}

/// A figure's spread over the data's uncertain numbers (p5–p95, written by `figure`), then the
/// two assumptions that move it most, each with its range and the figure's swing.
pub fn top_drivers(ds: &Dataset, fig: &waferwatt::sensitivity::Figure, figure: fn(f64) -> String) -> String {
    let drivers = fig
        .iter()
        .take(2)
        .map(|d| {
            format!(
                "{} (`{}`, {}: {}–{})",
                ds.label(&d.key),
                d.key,
                verdict::range(d.low, d.high, &d.unit),
                figure(d.at_low),
                figure(d.at_high)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let range = match fig.spread {
        Some(s) => format!(
            "p5–p95 {}–{} over {} samples of the data's ranges{}; ",
            figure(s.p5),
            figure(s.p95),
            fig.samples,
            if fig.refused > 0 {
                format!(" ({} refused by the ledgers)", fig.refused)
            } else {
                String::new()
            }
        ),
        None => String::new(),
    };
    format!("{range}moved most by {drivers}")
}

/// A figure's spread over the data's uncertain numbers, as JSON.
pub fn range_json(fig: &waferwatt::sensitivity::Figure) -> serde_json::Value {
    match fig.spread {
        Some(s) => json!({
            "p5": s.p5, "p50": s.p50, "p95": s.p95, "mean": s.mean,
            "samples": fig.samples, "refused": fig.refused,
        }),
        None => serde_json::Value::Null,
    }
}

/// The assumptions that move a figure, as JSON, each with its label.
pub fn drivers_json(ds: &Dataset, swings: &[waferwatt::sensitivity::Swing]) -> Vec<serde_json::Value> {
    swings
        .iter()
        .map(|d| {
            json!({ "parameter": d.key, "label": ds.label(&d.key), "low": d.low, "high": d.high,
                "at_low": d.at_low, "at_high": d.at_high })
        })
        .collect()
}
