//! `data check`: every number has a known unit, an ordered range and a source; every source
//! is used; every id that one entry names in another exists.

use std::collections::BTreeSet;

use super::schema::{self, FieldType};
use super::{ASSUMPTION, DEFINITION, Dataset, Origin};
use crate::diag::Diagnostic;

/// What the check counted, and what it found wrong.
#[derive(Clone, Debug, Default)]
pub struct CheckReport {
    pub params: usize,
    pub sources: usize,
    pub assumptions: usize,
    pub definitions: usize,
    pub problems: Vec<Diagnostic>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the data in force. Overrides from a scenario or `--set` are checked for range
/// and unit too, but need no entry in the sources table.
pub fn check(ds: &Dataset) -> CheckReport {
    let mut report = CheckReport { sources: ds.sources.len(), ..Default::default() };
    let units: BTreeSet<&str> = schema::known_units().collect();
    // A source counts as used if the built-in data cites it (overrides may replace a number
    // without making its source unused) or any number in force does.
    let used: BTreeSet<&str> = ds
        .cited_by_builtin
        .iter()
        .map(String::as_str)
        .chain(ds.params.values().map(|p| &*p.source))
        .collect();
    let mut params: Vec<(&String, &super::Param)> = ds.params.iter().collect();
    params.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (key, p) in params {
        report.params += 1;
        let problem = |msg: String, expected: &str| {
            Diagnostic::new(msg).at(p.location.clone()).key(key.clone()).expected(expected.to_string())
        };
        let field_unit = field_of(key).and_then(|f| match f.ty {
            FieldType::Number(u) => Some(u),
            _ => None,
        });
        if !units.contains(p.unit) {
            report.problems.push(problem(
                format!("unknown unit `{}`", p.unit),
                &format!("one of {}", units.iter().copied().collect::<Vec<_>>().join(", ")),
            ));
        } else if field_unit.is_some_and(|u| u != p.unit) {
            report.problems.push(problem(
                format!("unit `{}` does not match the field", p.unit),
                field_unit.unwrap_or_default(),
            ));
        }
        if !(p.low <= p.value && p.value <= p.high && p.value.is_finite()) {
            report.problems.push(problem(
                format!("range out of order: {} ≤ {} ≤ {}", p.low, p.value, p.high),
                "low ≤ value ≤ high",
            ));
        }
        if p.origin != Origin::Default {
            report.problems.extend(override_source_problem(ds, key, p));
            continue;
        }
        if &*p.source == ASSUMPTION || &*p.source == DEFINITION {
            report.assumptions += usize::from(&*p.source == ASSUMPTION);
            report.definitions += usize::from(&*p.source == DEFINITION);
            if p.note.trim().is_empty() {
                report
                    .problems
                    .push(problem(format!("`{}` without a reason", p.source), "a note explaining it"));
            }
        } else if !ds.sources.contains_key(&*p.source) {
            report.problems.push(
                problem(format!("source `{}` is not in the sources table", p.source), "a [source.ID] entry")
                    .suggest(&p.source, ds.sources.keys().map(String::as_str)),
            );
        }
        if p.year.is_none() {
            report.problems.push(problem("no year".into(), "year = YYYY"));
        }
    }
    for (id, s) in &ds.sources {
        if !used.contains(id.as_str()) {
            report.problems.push(
                Diagnostic::new(format!("source `{id}` is never used"))
                    .at(s.location.clone())
                    .key(format!("source.{id}"))
                    .expected("every source to back at least one number"),
            );
        }
    }
    report.problems.extend(ds.reference_problems());
    report
}

/// An override may cite the sources table (or a `[source.*]` of its scenario); otherwise it
/// is marked `scenario` or `--set` by the parser.
fn override_source_problem(ds: &Dataset, key: &str, p: &super::Param) -> Option<Diagnostic> {
    let marked = ["scenario", "--set", ASSUMPTION, DEFINITION].contains(&&*p.source);
    (!marked && !ds.sources.contains_key(&*p.source)).then(|| {
        Diagnostic::new(format!("source `{}` is not in the sources table", p.source))
            .at(p.location.clone())
            .key(key)
            .expected("a [source.ID] entry")
            .suggest(&p.source, ds.sources.keys().map(String::as_str))
    })
}

impl Dataset {
    /// Every overridden number that cites a source the sources table lacks.
    pub fn override_source_problems(&self) -> Vec<Diagnostic> {
        let mut keys: Vec<(&String, &super::Param)> =
            self.params.iter().filter(|(_, p)| p.origin != Origin::Default).collect();
        keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
        keys.into_iter().filter_map(|(k, p)| override_source_problem(self, k, p)).collect()
    }
}

fn field_of(key: &str) -> Option<&'static schema::Field> {
    let (kind, rest) = key.split_once('.')?;
    let kind = schema::kind(kind)?;
    let field = if kind.keyed { rest.rsplit_once('.')?.1 } else { rest };
    kind.field(field)
}
