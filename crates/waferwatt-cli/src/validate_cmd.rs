//! `waferwatt validate`: the calibration record. Every published case the data holds is rerun
//! through its ledger and set beside what was published, with its tolerance; a case outside
//! its tolerance (or one that cannot run) fails the command with exit code 1.

use clap::Args;
use serde_json::{Value, json};
use waferwatt::data::Dataset;
use waferwatt::diag::Diagnostic;
use waferwatt::validate::{self, Case, Outcome, Rule};

use crate::Failure;
use crate::input::{DataOptions, load};
use crate::render::{Format, Table, csv_line, human, plain, usd};

#[derive(Args, Debug, Clone)]
pub struct ValidateArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Only the cases whose id or group contains this text
    #[arg(long, value_name = "TEXT")]
    pub only: Option<String>,
    #[command(flatten)]
    pub data: DataOptions,
}

/// A case and how it came out.
pub type Record = Vec<(Case, Result<Outcome, Diagnostic>)>;

/// How many cases ran and passed.
pub fn passed(rec: &Record) -> usize {
    rec.iter().filter(|(_, o)| o.as_ref().is_ok_and(|o| o.pass)).count()
}

/// The built-in cases and their outcomes on `ds`, in order.
pub fn record(ds: &Dataset) -> Result<Record, Failure> {
    let cases = validate::builtin()?;
    let outcomes = validate::run(ds, &cases);
    Ok(cases.into_iter().zip(outcomes).collect())
}

pub fn run(args: &ValidateArgs) -> Result<String, Failure> {
    let (ds, scenario) = load(&args.data)?;
    // A case brings its own command inputs: a scenario's would be silently unused.
    if let Some(section) = scenario.sections.keys().next() {
        return Err(Diagnostic::new(format!("the scenario's [{section}] section is not used by validate"))
            .key("--scenario")
            .expected("a scenario of data overrides only: each case gives its own command inputs")
            .into());
    }
    let mut rec = record(&ds)?;
    if let Some(only) = &args.only {
        // Case ids spell a run's dots as dashes: match either way, in any case.
        let norm = |s: &str| s.to_lowercase().replace('.', "-");
        let want = norm(only);
        rec.retain(|(c, _)| [&c.id, &c.group, &c.name].iter().any(|s| norm(s).contains(&want)));
        if rec.is_empty() {
            return Err(Diagnostic::new(format!("no case's id, group or name contains `{only}`"))
                .key("--only")
                .expected("part of a case's id, group or name (`waferwatt validate --format csv` lists them)")
                .into());
        }
    }
    let text = match args.format {
        Format::Table => {
            let t = table(&rec);
            format!("{}\n{}", t.render(), summary(&rec))
        }
        Format::Csv => csv(&rec),
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&json(&rec)).unwrap_or_default()),
    };
    let failed: Vec<String> = rec
        .iter()
        .filter(|(_, o)| !o.as_ref().is_ok_and(|o| o.pass))
        .map(|(c, o)| match o {
            Ok(o) => format!(
                "case {} ({}): model {} outside {}",
                c.id,
                c.name,
                figure(&o.published.unit, o.model),
                accepted(&o.published.unit, o.accepted)
            ),
            Err(d) => d.to_string(),
        })
        .collect();
    if failed.is_empty() {
        Ok(text)
    } else {
        let stderr = format!("{} of {} cases failed:\n{}\n", failed.len(), rec.len(), failed.join("\n"));
        Err(Failure::Check { stdout: text, stderr })
    }
}

/// A figure in its unit, for people.
pub fn figure(unit: &str, v: f64) -> String {
    match unit {
        "USD" => usd(v),
        // A tenth of a point: a band of 37.5 %-43.5 % is not 38 %-44 %.
        "fraction" => format!("{:.1} %", v * 100.0),
        "count" => human(v),
        _ => format!("{} {unit}", human(v)),
    }
}

/// A share with its sign, to as many places as it needs (a 1e-6 tolerance is not "0.0 %").
fn small_share(x: f64, signed: bool) -> String {
    let p = x * 100.0;
    let body = if p.abs() >= 0.1 {
        format!("{:.1} %", p.abs())
    } else {
        let s = format!("{:.4}", p.abs());
        format!("{} %", s.trim_end_matches('0').trim_end_matches('.'))
    };
    match (signed, x < 0.0) {
        (true, true) => format!("−{body}"),
        (true, false) => format!("+{body}"),
        (false, _) => body,
    }
}

fn accepted(unit: &str, (lo, hi): (f64, f64)) -> String {
    format!("{}–{}", figure(unit, lo), figure(unit, hi))
}

fn tolerance(c: &Case) -> String {
    match c.tolerance.rule {
        Rule::Within(r) => format!("±{}", small_share(r, false)),
        Rule::Band => "published range".to_string(),
    }
}

/// The calibration table: one row a case.
pub fn table(rec: &Record) -> Table {
    let header = ["case", "quantity", "model", "published", "difference", "tolerance", "result", "source"];
    let mut t = Table::new(header.iter().map(|s| s.to_string()).collect()).left_aligned(2);
    for (c, o) in rec {
        match o {
            Ok(o) => {
                let published = match o.published.low < o.published.high {
                    true => format!(
                        "{} ({})",
                        figure(&o.published.unit, o.published.value),
                        accepted(&o.published.unit, (o.published.low, o.published.high))
                    ),
                    false => figure(&o.published.unit, o.published.value),
                };
                t.row(vec![
                    c.name.clone(),
                    c.quantity.clone(),
                    figure(&o.published.unit, o.model),
                    published,
                    o.difference.map_or("n/a".into(), |d| small_share(d, true)),
                    tolerance(c),
                    if o.pass { "pass" } else { "FAIL" }.into(),
                    o.published.source.clone(),
                ]);
            }
            Err(_) => t.row(vec![
                c.name.clone(),
                c.quantity.clone(),
                "n/a".into(),
                "n/a".into(),
                "n/a".into(),
                tolerance(c),
                "ERROR".into(),
                String::new(),
            ]),
        }
    }
    t
}

fn summary(rec: &Record) -> String {
    let pass = passed(rec);
    format!(
        "{pass} of {} cases within their tolerance. Each case's source, note and tolerance's reason: \
         `waferwatt validate --format json`.\n",
        rec.len()
    )
}

fn json(rec: &Record) -> Value {
    let cases: Vec<Value> = rec
        .iter()
        .map(|(c, o)| {
            let mut v = json!({
                "id": c.id,
                "name": c.name,
                "group": c.group,
                "quantity": c.quantity,
                "ledger": c.ledger.name(),
                "result": c.result,
                "tolerance": match c.tolerance.rule {
                    Rule::Within(r) => json!({ "within": r, "note": c.tolerance.note }),
                    Rule::Band => json!({ "band": true, "note": c.tolerance.note }),
                },
            });
            match o {
                Ok(o) => {
                    v["model"] = json!(o.model);
                    v["published"] = json!({
                        "value": o.published.value,
                        "low": o.published.low,
                        "high": o.published.high,
                        "unit": o.published.unit,
                        "source": o.published.source,
                        "year": o.published.year,
                        "note": o.published.note,
                        "key": o.published.key,
                    });
                    v["accepted"] = json!([o.accepted.0, o.accepted.1]);
                    v["difference"] = json!(o.difference);
                    v["pass"] = json!(o.pass);
                }
                Err(d) => {
                    v["pass"] = json!(false);
                    v["error"] = json!(d.to_string());
                }
            }
            v
        })
        .collect();
    let pass = passed(rec);
    json!({ "cases": cases, "passed": pass, "total": rec.len() })
}

fn csv(rec: &Record) -> String {
    let header = [
        "id",
        "name",
        "group",
        "quantity",
        "unit",
        "model",
        "published",
        "published_low",
        "published_high",
        "accepted_low",
        "accepted_high",
        "difference",
        "pass",
        "source",
    ];
    let mut s = csv_line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    for (c, o) in rec {
        let base = [c.id.clone(), c.name.clone(), c.group.clone(), c.quantity.clone()];
        let rest: Vec<String> = match o {
            Ok(o) => vec![
                o.published.unit.clone(),
                plain(o.model),
                plain(o.published.value),
                plain(o.published.low),
                plain(o.published.high),
                plain(o.accepted.0),
                plain(o.accepted.1),
                o.difference.map_or(String::new(), plain),
                o.pass.to_string(),
                o.published.source.clone(),
            ],
            Err(_) => {
                let mut r = vec![String::new(); 8];
                r.push("false".into());
                r.push(String::new());
                r
            }
        };
        s.push_str(&csv_line(&base.into_iter().chain(rest).collect::<Vec<_>>()));
    }
    s
}
