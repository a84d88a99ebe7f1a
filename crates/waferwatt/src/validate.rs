//! The calibration record: published cases rerun through the ledgers, each answer set beside
//! what was published, with a tolerance that says how near it must come and why.
//!
//! A case is data (`data/calibration.toml`): a ledger, its inputs as a scenario (the same
//! sections and data overrides a scenario file takes), the result to read (by the name the
//! ledger's JSON and sampled columns give it), the published figure with its source (inline,
//! or a key of the data that already holds it), and a tolerance: a relative difference, or the
//! published range itself. [`run`] evaluates every case on the data in force, so a `--set` or
//! a scenario that moves a model input moves the record with it.

use crate::par::*;

use crate::data::{Dataset, Scenario};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::data::parse::{as_number, parse_document};
use crate::diag::{Diagnostic, Diagnostics, Lines, Location, quote_list};
use crate::plan::{Sink, Slots};

/// The built-in calibration cases: (path in the repository, contents).
pub const BUILTIN: (&str, &str) = ("data/calibration.toml", include_str!("../../../data/calibration.toml"));

/// The ledgers a case may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ledger {
    Train,
    Wafer,
    Chip,
    Fleet,
}

impl Ledger {
    pub const NAMES: &'static [&'static str] = &["train", "wafer", "chip", "fleet"];
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
    fn parse(s: &str) -> Option<Ledger> {
        [Ledger::Train, Ledger::Wafer, Ledger::Chip, Ledger::Fleet].into_iter().find(|l| l.name() == s)
    }
}

/// A published figure: its value and range, and where it was published.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub unit: String,
    pub source: String,
    pub year: Option<i64>,
    pub note: String,
    /// The data key it was read from, where the data holds it.
    pub key: Option<String>,
}

/// Where a case's published figure is.
#[derive(Clone, Debug, PartialEq)]
pub enum PublishedAt {
    /// Written in the case.
    Inline(Published),
    /// A number of the data (read from the data in force when the case is run).
    Key(String),
}

/// How near the model must come.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    /// |model ÷ published − 1| at most this.
    Within(f64),
    /// Within the published low and high.
    Band,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tolerance {
    pub rule: Rule,
    /// Why the tolerance is what it is.
    pub note: String,
}

/// One calibration case.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub id: String,
    /// What the case is, for people ("Llama 3.1 405B: implied MFU").
    pub name: String,
    /// The quantity compared, for people ("implied MFU").
    pub quantity: String,
    /// What kind of check: "published run", "wafer price", "preset" …
    pub group: String,
    pub ledger: Ledger,
    /// The ledger's inputs and any data overrides, as a scenario file's text.
    pub scenario: String,
    /// The result compared, by its name in the ledger's JSON (or a sum, "a + b").
    pub result: String,
    pub published: PublishedAt,
    pub tolerance: Tolerance,
    pub location: Location,
}

/// A case's answer beside the published figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub model: f64,
    pub published: Published,
    /// The span the model must fall in.
    pub accepted: (f64, f64),
    /// model ÷ published − 1 (none against a published zero).
    pub difference: Option<f64>,
    pub pass: bool,
}

impl Tolerance {
    /// The span a model answer must fall in to pass, against `p`.
    pub fn accepted(&self, p: &Published) -> (f64, f64) {
        match self.rule {
            Rule::Within(r) => {
                let (a, b) = (p.value * (1.0 - r), p.value * (1.0 + r));
                (a.min(b), a.max(b))
            }
            Rule::Band => (p.low, p.high),
        }
    }
}

const CASE_KEYS: &[&str] =
    &["name", "quantity", "group", "ledger", "scenario", "result", "published", "tolerance"];
const PUBLISHED_KEYS: &[&str] = &["value", "low", "high", "unit", "source", "year", "note"];

/// Reads calibration cases from `text`, a file named `file`.
pub fn parse(file: &str, text: &str) -> Result<Vec<Case>, Diagnostics> {
    let doc = parse_document(file, text)?;
    let lines = Lines::new(text);
    let loc = |span: std::ops::Range<usize>| lines.locate(file, text, span.start);
    let mut problems = Vec::new();
    let mut cases = Vec::new();
    for (top, v) in doc.get_ref().iter() {
        let entries = match (top.get_ref().as_ref(), v.get_ref()) {
            ("case", DeValue::Table(t)) => t,
            (name, _) => {
                problems.push(
                    Diagnostic::new(format!("unknown table `{name}`"))
                        .at(Some(loc(top.span())))
                        .expected("[case.ID] tables only"),
                );
                continue;
            }
        };
        for (id, entry) in entries.iter() {
            match read_case(id.get_ref(), entry, &loc) {
                Ok(c) => cases.push(c),
                Err(d) => problems.push(d),
            }
        }
    }
    // In the file's order (a TOML table has none of its own).
    cases.sort_by_key(|c| c.location.line);
    if problems.is_empty() { Ok(cases) } else { Err(Diagnostics(problems)) }
}

type Loc<'a> = dyn Fn(std::ops::Range<usize>) -> Location + 'a;

fn read_case(id: &str, entry: &Spanned<DeValue>, loc: &Loc) -> Result<Case, Diagnostic> {
    let location = loc(entry.span());
    let key = |f: &str| format!("case.{id}.{f}");
    let fail = |f: &str, at: std::ops::Range<usize>, what: &str| {
        Diagnostic::new(what.to_string()).at(Some(loc(at))).key(key(f))
    };
    let DeValue::Table(t) = entry.get_ref() else {
        return Err(fail("", entry.span(), "a case must be a table").expected("[case.ID] with its keys"));
    };
    if let Some((k, _)) = t.iter().find(|(k, _)| !CASE_KEYS.contains(&k.get_ref().as_ref())) {
        return Err(fail(k.get_ref(), k.span(), &format!("unknown key `{}`", k.get_ref()))
            .suggest(k.get_ref(), CASE_KEYS.iter().copied()));
    }
    let text = |t: &DeTable, f: &str, what: &str| -> Result<Option<String>, Diagnostic> {
        match t.get(f) {
            None => Ok(None),
            Some(v) => match v.get_ref() {
                DeValue::String(s) => Ok(Some(s.to_string())),
                _ => Err(fail(f, v.span(), &format!("`{f}` must be text")).expected(what.to_string())),
            },
        }
    };
    let needed = |f: &str, what: &str| -> Result<String, Diagnostic> {
        text(t, f, what)?.ok_or_else(|| {
            fail(f, entry.span(), &format!("the case has no `{f}`")).expected(what.to_string())
        })
    };
    let number = |t: &DeTable, f: &str| t.get(f).and_then(|v| as_number(v.get_ref()));

    let ledger_name = needed("ledger", "a ledger's name")?;
    let ledger = Ledger::parse(&ledger_name).ok_or_else(|| {
        fail(
            "ledger",
            t.get("ledger").map_or(entry.span(), Spanned::span),
            &format!("unknown ledger `{ledger_name}`"),
        )
        .expected(format!("one of {}", quote_list(Ledger::NAMES)))
    })?;
    let published_form =
        "a data key (\"run.ID.reported_cost_usd\") or { value, low, high, unit, source, year, note }";
    let published = match t.get("published").map(|v| (v, v.get_ref())) {
        Some((_, DeValue::String(k))) => PublishedAt::Key(k.to_string()),
        Some((v, DeValue::Table(p))) => {
            let span = v.span();
            if let Some((k, _)) = p.iter().find(|(k, _)| !PUBLISHED_KEYS.contains(&k.get_ref().as_ref())) {
                return Err(fail("published", k.span(), &format!("unknown key `{}`", k.get_ref()))
                    .suggest(k.get_ref(), PUBLISHED_KEYS.iter().copied()));
            }
            let value = number(p, "value").ok_or_else(|| {
                fail("published.value", span.clone(), "no published value").expected("a number")
            })?;
            let (low, high) = (number(p, "low").unwrap_or(value), number(p, "high").unwrap_or(value));
            if !(low <= value && value <= high) {
                return Err(fail("published", span, "the published figure must have low ≤ value ≤ high")
                    .expected("finite numbers in that order"));
            }
            let year = p.get("year").and_then(|v| as_number(v.get_ref())).map(|y| y as i64);
            PublishedAt::Inline(Published {
                value,
                low,
                high,
                unit: text(p, "unit", "a unit")?.ok_or_else(|| {
                    fail("published.unit", span.clone(), "no unit").expected("the figure's unit")
                })?,
                source: text(p, "source", "a source id")?.ok_or_else(|| {
                    fail("published.source", span.clone(), "no source").expected("a source id")
                })?,
                year,
                note: text(p, "note", "text")?.unwrap_or_default(),
                key: None,
            })
        }
        Some((v, _)) => {
            return Err(fail("published", v.span(), "the published figure is neither a key nor a table")
                .expected(published_form));
        }
        None => {
            return Err(
                fail("published", entry.span(), "the case has no published figure").expected(published_form)
            );
        }
    };
    let tolerance_form = "{ within = 0.1, note = \"why\" } or { band = true, note = \"why\" }";
    let (tol, tol_span) = match t.get("tolerance").map(|v| (v.get_ref(), v.span())) {
        Some((DeValue::Table(tol), span)) => (tol, span),
        Some((_, span)) => {
            return Err(fail("tolerance", span, "the tolerance must be a table").expected(tolerance_form));
        }
        None => {
            return Err(fail("tolerance", entry.span(), "the case has no tolerance").expected(tolerance_form));
        }
    };
    let note = text(tol, "note", "text")?.unwrap_or_default();
    if note.trim().is_empty() {
        return Err(fail("tolerance.note", tol_span, "a tolerance must say why it is what it is")
            .expected("note = \"…\""));
    }
    let band = matches!(tol.get("band").map(|v| v.get_ref()), Some(DeValue::Boolean(true)));
    let rule = match (number(tol, "within"), band) {
        (Some(r), false) if r >= 0.0 => Rule::Within(r),
        (None, true) => Rule::Band,
        _ => {
            return Err(fail(
                "tolerance",
                tol_span,
                "a tolerance is either within = a share (0 or more) or band = true",
            )
            .expected(tolerance_form));
        }
    };
    Ok(Case {
        id: id.to_string(),
        name: needed("name", "the case's name")?,
        quantity: needed("quantity", "the quantity compared")?,
        group: needed("group", "the kind of check")?,
        ledger,
        scenario: text(t, "scenario", "a scenario's text")?.unwrap_or_default(),
        result: needed("result", "a result's name in the ledger's JSON")?,
        published,
        tolerance: Tolerance { rule, note },
        location,
    })
}

/// The built-in cases.
pub fn builtin() -> Result<Vec<Case>, Diagnostics> {
    parse(BUILTIN.0, BUILTIN.1)
}

/// Collects a ledger's results by name.
#[derive(Default)]
struct Collect(Vec<(String, f64)>);

impl Sink for Collect {
    fn put(&mut self, name: &dyn Fn() -> String, value: f64) {
        self.0.push((name(), value));
    }
}

/// The named results of the case's ledger on `ds` with the case's scenario laid over it.
fn results(ds: &Dataset, case: &Case) -> Result<Vec<(String, f64)>, Diagnostic> {
    let mut ds = ds.clone();
    let file = format!("{} case.{}.scenario", case.location.file, case.id);
    let scenario: Scenario = ds.apply_scenario(&file, &case.scenario).map_err(first)?;
    let section = scenario.section(case.ledger.name());
    let mut out = Collect::default();
    match case.ledger {
        Ledger::Train => {
            let req = match section {
                Some(s) => crate::train::TrainRequest::from_scenario(s).map_err(first)?,
                None => Default::default(),
            };
            let b = crate::train::bind(&ds, &req).map_err(first)?.remove(0);
            let o = crate::train::evaluate(&b.inputs);
            crate::train::check(&o)?;
            let all = crate::train::figures(&b.inputs, &o, b.price.local_per_kwh);
            for (n, v) in crate::train::FIGURES.iter().zip(all) {
                if let Some(v) = v {
                    out.put(&|| n.to_string(), v);
                }
            }
        }
        Ledger::Wafer => {
            let req = match section {
                Some(s) => crate::fab::WaferRequest::from_scenario(s).map_err(first)?,
                None => Default::default(),
            };
            let mut slots = Slots::default();
            let b = crate::fab::plan(&ds, &req, &mut slots).map_err(first)?.remove(0);
            let o = crate::fab::evaluate(&b.inputs);
            crate::fab::check(&o)?;
            crate::fab::figures(&b, &slots.central, &b.inputs, &o, "", &mut out);
        }
        Ledger::Chip => {
            let req = match section {
                Some(s) => crate::chip::ChipRequest::from_scenario(s).map_err(first)?,
                None => Default::default(),
            };
            let mut slots = Slots::default();
            let b = crate::chip::plan(&ds, &req, &mut slots).map_err(first)?;
            let o = crate::chip::evaluate(&b.inputs);
            crate::chip::check(&o)?;
            crate::chip::figures(&b, &slots.central, &b.inputs, &o, &mut out);
        }
        Ledger::Fleet => {
            let req = match section {
                Some(s) => crate::fleet::FleetRequest::from_scenario(s).map_err(first)?,
                None => Default::default(),
            };
            let b = crate::fleet::bind(&ds, &req).map_err(first)?;
            let o = crate::fleet::evaluate(&b.inputs);
            crate::fleet::check(&o)?;
            crate::fleet::figures(&b.mix, &b.inputs, &o, &mut out);
        }
    }
    Ok(out.0)
}

fn first(d: Diagnostics) -> Diagnostic {
    d.0.into_iter().next().unwrap_or_else(|| Diagnostic::new("the case could not be run"))
}

/// The published figure of `case` in the data `ds`.
pub fn published(ds: &Dataset, case: &Case) -> Result<Published, Diagnostic> {
    let p = match &case.published {
        PublishedAt::Inline(p) => p.clone(),
        PublishedAt::Key(k) => {
            let Some(p) = ds.param(k) else {
                return Err(Diagnostic::new(format!("case {}: no data number `{k}`", case.id))
                    .at(Some(case.location.clone()))
                    .key(format!("case.{}.published", case.id))
                    .expected("the key of a published figure in the data"));
            };
            Published {
                value: p.value,
                low: p.low,
                high: p.high,
                unit: p.unit.to_string(),
                source: p.source.to_string(),
                year: p.year,
                note: p.note.clone(),
                key: Some(k.clone()),
            }
        }
    };
    if !ds.sources.contains_key(&p.source) {
        return Err(Diagnostic::new(format!("case {}: unknown source `{}`", case.id, p.source))
            .at(Some(case.location.clone()))
            .key(format!("case.{}.published.source", case.id))
            .expected("an id of the sources table (`waferwatt data sources`)"));
    }
    Ok(p)
}

/// Runs one case on the data `ds`.
pub fn evaluate(ds: &Dataset, case: &Case) -> Result<Outcome, Diagnostic> {
    let published = published(ds, case)?;
    let results = results(ds, case).map_err(|d| {
        let message = format!("case {}: {}", case.id, d.message);
        Diagnostic { message, ..d }
    })?;
    // A result may be a sum of results ("a + b"), as a peer reports a total of ledger lines.
    let mut model = 0.0;
    for part in case.result.split(" + ").map(str::trim) {
        let Some((_, v)) = results.iter().find(|(n, _)| n == part) else {
            let names: Vec<&str> = results.iter().map(|(n, _)| n.as_str()).collect();
            return Err(Diagnostic::new(format!(
                "case {}: the {} ledger has no result `{part}`",
                case.id,
                case.ledger.name()
            ))
            .at(Some(case.location.clone()))
            .key(format!("case.{}.result", case.id))
            .suggest(part, names));
        };
        model += v;
    }
    if !model.is_finite() {
        return Err(Diagnostic::new(format!(
            "case {}: `{}` is not a finite number here",
            case.id, case.result
        ))
        .at(Some(case.location.clone()))
        .key(format!("case.{}.result", case.id)));
    }
    let accepted = case.tolerance.accepted(&published);
    Ok(Outcome {
        model,
        difference: (published.value != 0.0).then(|| model / published.value - 1.0),
        pass: accepted.0 <= model && model <= accepted.1,
        accepted,
        published,
    })
}

/// Runs every case on the data `ds`, in parallel, in the cases' order.
pub fn run(ds: &Dataset, cases: &[Case]) -> Vec<Result<Outcome, Diagnostic>> {
    cases.par_iter().map(|c| evaluate(ds, c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[case.a]
name = "A"
quantity = "rental cost"
group = "published run"
ledger = "train"
scenario = """
[train]
run = "deepseek-v3"
"""
result = "rental_usd"
published = "run.deepseek-v3.reported_cost_usd"
tolerance = { within = 0.01, note = "arithmetic" }
"#;

    #[test]
    fn a_case_reads_and_runs() {
        let cases = parse("c.toml", GOOD).unwrap();
        assert_eq!(cases[0].location.line, 2);
        let ds = Dataset::builtin().unwrap();
        let o = evaluate(&ds, &cases[0]).unwrap();
        assert!(o.pass && o.published.key.is_some());
    }

    #[test]
    fn a_malformed_case_is_refused_with_its_key_and_line() {
        for (from, to, key) in [
            ("note = \"arithmetic\"", "note = \"\"", "case.a.tolerance.note"),
            ("within = 0.01", "within = -1", "case.a.tolerance"),
            ("ledger = \"train\"", "ledger = \"trian\"", "case.a.ledger"),
            ("result = \"rental_usd\"", "result = \"rental\"", "case.a.result"),
            (
                "published = \"run.deepseek-v3.reported_cost_usd\"",
                "published = \"run.nope.x\"",
                "case.a.published",
            ),
            ("group = \"published run\"", "grup = \"x\"", "case.a.grup"),
        ] {
            let text = GOOD.replace(from, to);
            let d = match parse("c.toml", &text) {
                Err(d) => d.0.into_iter().next().unwrap(),
                Ok(cases) => evaluate(&Dataset::builtin().unwrap(), &cases[0]).unwrap_err(),
            };
            assert_eq!(d.key.as_deref(), Some(key), "{to}: {d}");
            assert!(
                d.location.as_ref().is_some_and(|l| l.file.as_ref() == "c.toml" && l.line >= 2),
                "{to}: {d}"
            );
        }
    }
}
