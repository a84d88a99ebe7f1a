//! `waferwatt data`: list, show and check the data, and list its sources.

use std::collections::BTreeMap;

use clap::{Args, Subcommand};
use serde_json::{Value, json};
use waferwatt::data::schema::{self, KINDS};
use waferwatt::data::{Dataset, TextValue, check, key};
use waferwatt::diag::Diagnostic;

use crate::Failure;
use crate::input::{DataOptions, load};
use crate::render::{Format, Table, count, csv_line, plain};

/// A number as the data holds it: plain, or in scientific notation when large.
fn datum(x: f64) -> String {
    if x.abs() >= 1e6 { format!("{x:e}") } else { plain(x) }
}

#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    #[command(subcommand)]
    pub command: DataCommand,
    /// Output format [default: table]
    #[arg(long, value_enum, global = true)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub data: DataOptions,
}

#[derive(Subcommand, Debug, Clone)]
pub enum DataCommand {
    /// The kinds of data, or the entries of one kind
    List {
        /// accelerator, region, facility, run, … (omit for all kinds)
        kind: Option<String>,
    },
    /// Every number of one entry with its range, unit, source and note
    Show {
        /// An id (h100-sxm), KIND.ID (accelerator.h100-sxm) or a kind with one entry (server)
        id: String,
    },
    /// Every number of the data in force (or of one kind), with its range, unit, source and note
    Numbers {
        /// accelerator, region, … (omit for every kind)
        kind: Option<String>,
    },
    /// The sources table, with how many numbers cite each
    Sources,
    /// Check every number: known unit, low ≤ value ≤ high, a source; every source used
    Check,
}

pub fn run(args: &DataArgs) -> Result<String, Failure> {
    let (ds, _) = load(&args.data)?;
    // A global option with a default would be reset by the subcommand: default it here.
    let format = args.format.unwrap_or_default();
    match &args.command {
        DataCommand::List { kind } => list(&ds, kind.as_deref(), format),
        DataCommand::Show { id } => show(&ds, id, format),
        DataCommand::Numbers { kind } => numbers(&ds, kind.as_deref(), format),
        DataCommand::Sources => Ok(sources(&ds, format)),
        DataCommand::Check => check_cmd(&ds, format),
    }
}

fn list(ds: &Dataset, kind: Option<&str>, format: Format) -> Result<String, Failure> {
    let Some(kind) = kind else {
        let mut t = Table::new(vec!["kind".into(), "entries".into(), "what it holds".into()]).left_aligned(3);
        let mut rows = Vec::new();
        for k in KINDS {
            let n = if k.keyed { ds.ids_of(k.name).len() } else { 1 };
            t.row(vec![k.name.into(), n.to_string(), k.doc.into()]);
            rows.push(json!({ "kind": k.name, "entries": n, "doc": k.doc }));
        }
        return Ok(match format {
            Format::Json => format!("{}\n", serde_json::to_string_pretty(&rows).unwrap_or_default()),
            Format::Csv => {
                let mut s = csv_line(&["kind".into(), "entries".into(), "doc".into()]);
                for k in KINDS {
                    let n = if k.keyed { ds.ids_of(k.name).len() } else { 1 };
                    s.push_str(&csv_line(&[k.name.into(), n.to_string(), k.doc.into()]));
                }
                s
            }
            Format::Table => t.render(),
        });
    };
    let k = require_kind(kind)?;
    let ids: Vec<String> =
        if k.keyed { ds.ids_of(kind).into_iter().map(String::from).collect() } else { vec![] };
    let name_of = |id: &str| {
        ds.text(&key(kind, Some(id), "name"))
            .or_else(|| ds.text(&key(kind, Some(id), "says")))
            .or_else(|| ds.text(&key(kind, Some(id), "what")))
            .or_else(|| ds.text(&key("accelerator", Some(id), "name")))
            .unwrap_or("")
            .to_string()
    };
    Ok(match format {
        Format::Json => {
            let rows: Vec<Value> = ids.iter().map(|id| json!({ "id": id, "name": name_of(id) })).collect();
            format!("{}\n", serde_json::to_string_pretty(&rows).unwrap_or_default())
        }
        Format::Csv => {
            let mut s = csv_line(&["id".into(), "name".into()]);
            for id in &ids {
                s.push_str(&csv_line(&[id.clone(), name_of(id)]));
            }
            s
        }
        Format::Table if !k.keyed => {
            format!("`{kind}` has one entry; see `waferwatt data show {kind}`\n")
        }
        Format::Table => {
            let mut t = Table::new(vec!["id".into(), "name".into()]).left_aligned(2);
            for id in &ids {
                t.row(vec![id.clone(), name_of(id)]);
            }
            t.render()
        }
    })
}

/// Resolves `h100-sxm`, `accelerator.h100-sxm` or `server` to (kind, id).
/// The entries an id names: `h100-sxm` names the accelerator and its bill of materials.
fn resolve(ds: &Dataset, id: &str) -> Result<Vec<(&'static str, Option<String>)>, Diagnostic> {
    if let Some(k) = schema::kind(id).filter(|k| !k.keyed) {
        return Ok(vec![(k.name, None)]);
    }
    if let Some((kind, rest)) = id.split_once('.') {
        if let Some(k) = schema::kind(kind).filter(|k| k.keyed) {
            ds.require_id(k.name, rest, id)?;
            return Ok(vec![(k.name, Some(rest.to_string()))]);
        }
    }
    let matches: Vec<&'static str> =
        KINDS.iter().filter(|k| k.keyed && ds.has_id(k.name, id)).map(|k| k.name).collect();
    match matches.as_slice() {
        [] => {
            let all: Vec<String> = KINDS
                .iter()
                .filter(|k| k.keyed)
                .flat_map(|k| ds.ids_of(k.name).into_iter().map(String::from))
                .chain(KINDS.iter().filter(|k| !k.keyed).map(|k| k.name.to_string()))
                .collect();
            Err(Diagnostic::new(format!("no entry `{id}`"))
                .expected("an id (h100-sxm), KIND.ID (region.us-va) or a kind with one entry (server)")
                .suggest(id, all.iter().map(String::as_str)))
        }
        many => Ok(many.iter().map(|k| (*k, Some(id.to_string()))).collect()),
    }
}

fn show(ds: &Dataset, id: &str, format: Format) -> Result<String, Failure> {
    let entries = resolve(ds, id)?;
    let shown: Vec<(String, Value)> =
        entries.iter().map(|(kind, id)| show_one(ds, kind, id.as_deref(), format)).collect();
    Ok(match format {
        Format::Json if shown.len() == 1 => {
            format!("{}\n", serde_json::to_string_pretty(&shown[0].1).unwrap_or_default())
        }
        Format::Json => {
            let all: Vec<Value> = shown.into_iter().map(|(_, v)| v).collect();
            format!("{}\n", serde_json::to_string_pretty(&all).unwrap_or_default())
        }
        Format::Csv => {
            let mut s = csv_line(&NUMBER_COLUMNS.map(String::from));
            for (rows, _) in shown {
                s.push_str(&rows);
            }
            s
        }
        Format::Table => shown.into_iter().map(|(t, _)| t).collect::<Vec<_>>().join("\n"),
    })
}

/// One entry: its text (a table, or CSV rows without a header) and its JSON.
/// How a number is drawn when uncertainty is sampled: a zero-width range is fixed.
fn dist(p: &waferwatt::data::Param) -> &'static str {
    if p.low == p.high { "fixed" } else { p.dist.name() }
}

/// A number's source, with its year where it has one.
fn cited(p: &waferwatt::data::Param) -> String {
    match p.year {
        Some(y) => format!("{} ({y})", p.source),
        None => p.source.to_string(),
    }
}

/// A kind of the data by name, or what the kinds are.
fn require_kind(kind: &str) -> Result<&'static schema::Kind, Diagnostic> {
    schema::kind(kind).ok_or_else(|| {
        Diagnostic::new(format!("unknown kind `{kind}`"))
            .expected(format!("one of: {}", KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")))
            .suggest(kind, KINDS.iter().map(|k| k.name))
    })
}

/// The columns of a number in CSV, as `data show` and `data numbers` write them.
const NUMBER_COLUMNS: [&str; 10] =
    ["key", "value", "low", "high", "dist", "unit", "source", "year", "note", "label"];

/// A number's CSV row.
fn number_csv(ds: &Dataset, k: &str, p: &waferwatt::data::Param) -> String {
    csv_line(&[
        k.to_string(),
        plain(p.value),
        plain(p.low),
        plain(p.high),
        dist(p).to_string(),
        p.unit.to_string(),
        p.source.to_string(),
        p.year.map(|y| y.to_string()).unwrap_or_default(),
        p.note.clone(),
        ds.label(k),
    ])
}

/// A number as JSON: its field, key, label, value, range, distribution, unit, source, year, note
/// and where its value came from.
fn number_json(ds: &Dataset, k: &str, p: &waferwatt::data::Param) -> Value {
    let field = k.rsplit('.').next().unwrap_or(k);
    json!({ "field": field, "key": k, "label": ds.label(k), "value": p.value, "low": p.low, "high": p.high,
        "dist": dist(p), "unit": p.unit, "source": &*p.source, "year": p.year, "note": p.note, "origin": p.origin.to_string() })
}

/// `data numbers [KIND]`: every number, sorted by key.
fn numbers(ds: &Dataset, kind: Option<&str>, format: Format) -> Result<String, Failure> {
    if let Some(kind) = kind {
        require_kind(kind)?;
    }
    let mut keys: Vec<&String> =
        ds.params.keys().filter(|k| kind.is_none_or(|kind| k.split('.').next() == Some(kind))).collect();
    keys.sort();
    let params = keys.iter().filter_map(|k| ds.param(k).map(|p| (k.as_str(), p)));
    Ok(match format {
        Format::Json => {
            let rows: Vec<Value> = params
                .map(|(k, p)| {
                    let mut row = number_json(ds, k, p);
                    let kind = k.split('.').next().unwrap_or(k);
                    row["kind"] = json!(kind);
                    row["id"] = match schema::kind(kind) {
                        Some(s) if s.keyed => k
                            .strip_prefix(&format!("{kind}."))
                            .and_then(|rest| rest.rsplit_once('.'))
                            .map_or(Value::Null, |(id, _)| json!(id)),
                        _ => Value::Null,
                    };
                    row
                })
                .collect();
            format!("{}\n", serde_json::to_string_pretty(&rows).unwrap_or_default())
        }
        Format::Csv => {
            let mut s = csv_line(&NUMBER_COLUMNS.map(String::from));
            s.extend(params.map(|(k, p)| number_csv(ds, k, p)));
            s
        }
        Format::Table => {
            let mut t =
                Table::new(["key", "value", "low", "high", "unit", "source"].map(String::from).to_vec());
            for (k, p) in params {
                t.row(vec![
                    k.to_string(),
                    datum(p.value),
                    datum(p.low),
                    datum(p.high),
                    p.unit.to_string(),
                    cited(p),
                ]);
            }
            t.render()
        }
    })
}

fn show_one(ds: &Dataset, kind: &str, id: Option<&str>, format: Format) -> (String, Value) {
    let id = id.map(str::to_string);
    let keys = ds.entry_keys(kind, id.as_deref());
    let title = match &id {
        Some(id) => format!("{kind}.{id}"),
        None => kind.to_string(),
    };
    let mut rows = Vec::new();
    let mut t = Table::new(vec![
        "field".into(),
        "value".into(),
        "low".into(),
        "high".into(),
        "dist".into(),
        "unit".into(),
        "source".into(),
    ]);
    let mut notes = String::new();
    let mut texts = String::new();
    for k in &keys {
        let field = k.rsplit('.').next().unwrap_or(k);
        if let Some(p) = ds.param(k) {
            t.row(vec![
                field.into(),
                datum(p.value),
                datum(p.low),
                datum(p.high),
                dist(p).into(),
                p.unit.to_string(),
                cited(p),
            ]);
            let label = ds.label(k);
            notes.push_str(&format!(
                "  {field} ({label}){}\n",
                if p.note.is_empty() { String::new() } else { format!(": {}", p.note) }
            ));
            rows.push(number_json(ds, k, p));
        } else if let Some(text) = ds.texts.get(k) {
            let value = match &text.value {
                TextValue::One(s) => s.clone(),
                TextValue::List(v) => v.join(", "),
            };
            texts.push_str(&format!("  {field}: {value}\n"));
            rows.push(json!({ "field": field, "key": k, "text": value, "origin": text.origin.to_string() }));
        }
    }
    let json = json!({ "entry": title, "fields": rows });
    let text = match format {
        Format::Json => String::new(),
        Format::Csv => {
            let mut s = String::new();
            for k in &keys {
                if let Some(p) = ds.param(k) {
                    s.push_str(&number_csv(ds, k, p));
                } else if let Some(v) = ds.text(k) {
                    s.push_str(&csv_line(&[k.clone(), v.to_string()]));
                }
            }
            s
        }
        Format::Table => {
            let mut s = format!("{title}\n{texts}{}", t.render());
            if !notes.is_empty() {
                s.push_str("notes\n");
                s.push_str(&notes);
            }
            s
        }
    };
    (text, json)
}

fn uses(ds: &Dataset) -> BTreeMap<&str, usize> {
    let mut n = BTreeMap::new();
    for p in ds.params.values() {
        *n.entry(&*p.source).or_insert(0) += 1;
    }
    n
}

fn sources(ds: &Dataset, format: Format) -> String {
    let n = uses(ds);
    match format {
        Format::Json => {
            let rows: Vec<Value> = ds
                .sources
                .values()
                .map(|s| {
                    json!({ "id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url,
                    "date": s.date, "numbers": n.get(s.id.as_str()).copied().unwrap_or(0) })
                })
                .collect();
            format!("{}\n", serde_json::to_string_pretty(&rows).unwrap_or_default())
        }
        Format::Csv => {
            let mut out = csv_line(&["id", "title", "publisher", "url", "date", "numbers"].map(String::from));
            for s in ds.sources.values() {
                out.push_str(&csv_line(&[
                    s.id.clone(),
                    s.title.clone(),
                    s.publisher.clone(),
                    s.url.clone().unwrap_or_default(),
                    s.date.clone(),
                    n.get(s.id.as_str()).copied().unwrap_or(0).to_string(),
                ]));
            }
            out
        }
        Format::Table => {
            let mut out = String::new();
            for s in ds.sources.values() {
                out.push_str(&format!(
                    "{} ({})\n    {}. {}, {}.{}\n",
                    s.id,
                    count(n.get(s.id.as_str()).copied().unwrap_or(0), "number"),
                    s.title,
                    s.publisher,
                    s.date,
                    s.url.as_ref().map(|u| format!(" {u}")).unwrap_or_default()
                ));
            }
            let assumptions = n.get(waferwatt::data::ASSUMPTION).copied().unwrap_or(0);
            out.push_str(&format!(
                "assumption ({}): no published source; each note explains why\n",
                count(assumptions, "number")
            ));
            out.push_str(&format!(
                "definition ({}): true by definition (a double-patterning scheme has two exposures); each note says so\n",
                count(n.get(waferwatt::data::DEFINITION).copied().unwrap_or(0), "number")
            ));
            out
        }
    }
}

fn check_cmd(ds: &Dataset, format: Format) -> Result<String, Failure> {
    let report = check::check(ds);
    let summary = format!(
        "{}, {}, {} and {} with reasons: {}",
        count(report.params, "number"),
        count(report.sources, "source"),
        count(report.assumptions, "assumption"),
        count(report.definitions, "definition"),
        if report.ok() { "all checks pass".to_string() } else { count(report.problems.len(), "problem") }
    );
    let stdout = match format {
        Format::Csv => {
            let mut s = csv_line(
                &["ok", "numbers", "sources", "assumptions", "definitions", "problems"].map(String::from),
            );
            s.push_str(&csv_line(&[
                report.ok().to_string(),
                report.params.to_string(),
                report.sources.to_string(),
                report.assumptions.to_string(),
                report.definitions.to_string(),
                report.problems.len().to_string(),
            ]));
            s
        }
        Format::Json => {
            let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
            let v = json!({ "ok": report.ok(), "numbers": report.params, "sources": report.sources,
                "assumptions": report.assumptions, "definitions": report.definitions, "problems": problems });
            format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        Format::Table => format!("{summary}\n"),
    };
    if report.ok() {
        Ok(stdout)
    } else {
        let stderr = report.problems.iter().map(|p| format!("{p}\n")).collect();
        Err(Failure::Check { stdout, stderr })
    }
}
