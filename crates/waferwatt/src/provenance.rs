//! Provenance: where every number a ledger uses came from — a data parameter (with its
//! source), a flag, a scenario's command section, or a derivation — so that any result can
//! explain itself. Shared by every ledger's binding code.

use crate::data::{Dataset, Origin};
use crate::diag::{Diagnostic, Location};

/// Where a request value was given.
#[derive(Clone, Debug, PartialEq)]
pub enum InputOrigin {
    /// A command-line flag, by name (`--mfu`).
    Flag(String),
    /// A key of a scenario's command section (`[train]`, `[wafer]`).
    Scenario { section: &'static str, location: Location },
    /// A choice the data makes (e.g. `defaults.report_run` for the report).
    Data(String),
}

impl std::fmt::Display for InputOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputOrigin::Flag(name) => write!(f, "flag {name}"),
            InputOrigin::Scenario { location, .. } => write!(f, "scenario {location}"),
            InputOrigin::Data(key) => write!(f, "data {key}"),
        }
    }
}

/// A value the user gave, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Given<T> {
    pub value: T,
    pub from: InputOrigin,
}

impl<T> Given<T> {
    pub fn flag(value: T, name: &str) -> Given<T> {
        Given { value, from: InputOrigin::Flag(name.to_string()) }
    }
    /// A value the data chose, by its key.
    pub fn data(value: T, key: &str) -> Given<T> {
        Given { value, from: InputOrigin::Data(key.to_string()) }
    }
    /// Where in a scenario file it was written, if it was.
    pub fn at(&self) -> Option<Location> {
        match &self.from {
            InputOrigin::Scenario { location, .. } => Some(location.clone()),
            InputOrigin::Flag(_) | InputOrigin::Data(_) => None,
        }
    }
    /// How to name it in a message: the flag, the data key, or `section.field`.
    pub fn name(&self, field: &str) -> String {
        match &self.from {
            InputOrigin::Flag(name) | InputOrigin::Data(name) => name.clone(),
            InputOrigin::Scenario { section, .. } => format!("{section}.{field}"),
        }
    }
}

/// Where a bound number came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Provenance {
    /// A data parameter (built in, or overridden by a scenario or `--set`).
    Data {
        key: String,
        /// The number's name for people ([`Dataset::label`]).
        label: String,
        source: std::sync::Arc<str>,
        year: Option<i64>,
        origin: Origin,
        location: Option<Location>,
    },
    /// Given by the user.
    Input(InputOrigin),
    /// Worked out from other bound numbers.
    Derived(String),
}

/// One number a ledger used, named as in its inputs or the data.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub name: &'static str,
    /// The part of a ledger it belongs to when names repeat (a scanner class), if any.
    pub group: Option<&'static str>,
    pub value: f64,
    pub unit: &'static str,
    pub provenance: Provenance,
}

/// The data keys that `bindings` took numbers from, sorted, once each.
pub fn data_keys(bindings: &[Binding]) -> Vec<&str> {
    let mut keys: Vec<&str> = bindings
        .iter()
        .filter_map(|b| match &b.provenance {
            Provenance::Data { key, .. } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// `bindings` with each binding once (the same number read twice, say for two layer groups of
/// one scheme or two accelerators of one mix), in the order first read.
pub fn unique(bindings: Vec<Binding>) -> Vec<Binding> {
    let mut out: Vec<Binding> = Vec::with_capacity(bindings.len());
    for b in bindings {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

/// Reads numbers from the data and the request, keeping a record of each.
pub(crate) struct Binder<'a> {
    pub ds: &'a Dataset,
    pub bindings: Vec<Binding>,
    /// The group the next bindings belong to.
    pub group: Option<&'static str>,
}

impl<'a> Binder<'a> {
    pub fn new(ds: &'a Dataset) -> Binder<'a> {
        Binder { ds, bindings: Vec::with_capacity(64), group: None }
    }

    fn record(&mut self, b: impl FnOnce() -> Binding) {
        self.bindings.push(b());
    }

    pub fn data(&mut self, name: &'static str, key: &str) -> Result<f64, Diagnostic> {
        let p = self.ds.param(key).ok_or_else(|| {
            Diagnostic::new(format!("the data has no `{key}`")).key(key).expected("a number in the data")
        })?;
        let group = self.group;
        self.record(|| Binding {
            name,
            group,
            value: p.value,
            unit: p.unit,
            provenance: Provenance::Data {
                key: key.to_string(),
                label: self.ds.label(key),
                source: p.source.clone(),
                year: p.year,
                origin: p.origin.clone(),
                location: p.location.clone(),
            },
        });
        Ok(p.value)
    }

    pub fn given(&mut self, name: &'static str, unit: &'static str, g: &Given<f64>) -> f64 {
        let group = self.group;
        self.record(|| Binding {
            name,
            group,
            value: g.value,
            unit,
            provenance: Provenance::Input(g.from.clone()),
        });
        g.value
    }

    pub fn derived(&mut self, name: &'static str, value: f64, unit: &'static str, how: String) {
        let group = self.group;
        self.record(|| Binding { name, group, value, unit, provenance: Provenance::Derived(how) });
    }
}

/// The range a number given by the user must lie in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    Positive,
    Share,
    AtLeastOne,
    NonNegative,
    Count,
    /// The bound the schema sets on this data key (a flag that stands for a number of the data
    /// is held to the same physical limits).
    Like(&'static str),
}

impl Rule {
    /// A problem if `given` breaks the rule (or is not finite).
    pub fn check(self, field: &str, given: Option<&Given<f64>>) -> Option<Diagnostic> {
        let g = given?;
        let v = g.value;
        let (ok, expected) = match self {
            Rule::Positive => (v > 0.0, "a finite number greater than 0".to_string()),
            Rule::Share => (v > 0.0 && v <= 1.0, "a share greater than 0 and at most 1".to_string()),
            Rule::AtLeastOne => (v >= 1.0, "a finite number of at least 1".to_string()),
            Rule::NonNegative => (v >= 0.0, "a finite number, 0 or more".to_string()),
            Rule::Count => (v >= 1.0 && v.fract() == 0.0, "a whole number, 1 or more".to_string()),
            Rule::Like(key) => {
                let (lo, hi) = crate::data::schema::limits(key).unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
                let unit = crate::data::schema::unit(key).unwrap_or("");
                ((lo..=hi).contains(&v), format!("a number from {lo} to {hi} {unit}, as `{key}` must be"))
            }
        };
        (!ok || !v.is_finite()).then(|| {
            Diagnostic::new(format!("{} = {v} is out of range", g.name(field)))
                .at(g.at())
                .key(g.name(field))
                .expected(expected)
        })
    }
}

/// The word that asks for a resource not to limit (`--hbm-stacks-per-month none`).
pub const NOT_LIMITING: &str = "none";

/// A limit as a flag gives it: a number, or [`NOT_LIMITING`].
pub fn parse_limit(s: &str) -> Option<Option<f64>> {
    if s == NOT_LIMITING { Some(None) } else { s.trim().parse::<f64>().ok().map(Some) }
}

/// One key of a scenario's command section (`[train]`, `[wafer]`, ...), with the readers
/// every section shares: each returns the value with its origin, or says what was expected.
pub struct SectionInput<'a> {
    pub section: &'static str,
    pub key: &'a str,
    pub input: &'a crate::data::ScenarioInput,
}

impl SectionInput<'_> {
    pub fn from(&self) -> InputOrigin {
        InputOrigin::Scenario { section: self.section, location: self.input.location.clone() }
    }
    fn given<T>(&self, value: T) -> Given<T> {
        Given { value, from: self.from() }
    }
    pub fn wrong(&self, expected: &str) -> Diagnostic {
        Diagnostic::new(format!("`{}` has a value of the wrong kind", self.key))
            .at(Some(self.input.location.clone()))
            .key(format!("{}.{}", self.section, self.key))
            .expected(expected.to_string())
    }
    pub fn number(&self) -> Result<Given<f64>, Diagnostic> {
        match &self.input.value {
            crate::data::InputValue::Number(x) => Ok(self.given(*x)),
            _ => Err(self.wrong("a number")),
        }
    }
    pub fn text(&self) -> Result<Given<String>, Diagnostic> {
        match &self.input.value {
            crate::data::InputValue::Text(s) => Ok(self.given(s.clone())),
            _ => Err(self.wrong("a string")),
        }
    }
    pub fn flag(&self) -> Result<Given<bool>, Diagnostic> {
        match &self.input.value {
            crate::data::InputValue::Bool(b) => Ok(self.given(*b)),
            _ => Err(self.wrong("true or false")),
        }
    }
    /// Ids as a comma-separated string or a list; `what` names one id for the message.
    pub fn ids(&self, what: &str) -> Result<Given<Vec<String>>, Diagnostic> {
        match &self.input.value {
            crate::data::InputValue::Text(s) => {
                Ok(self.given(s.split(',').map(|s| s.trim().to_string()).collect()))
            }
            crate::data::InputValue::List(v) => Ok(self.given(v.clone())),
            _ => Err(self.wrong(&format!("a {what} or a list of {what}s"))),
        }
    }
    /// A limit: a number, or "none" for a resource that is not to limit (`None`).
    pub fn limit(&self) -> Result<Given<Option<f64>>, Diagnostic> {
        match &self.input.value {
            crate::data::InputValue::Number(x) => Ok(self.given(Some(*x))),
            crate::data::InputValue::Text(s) if s == NOT_LIMITING => Ok(self.given(None)),
            _ => Err(self.wrong(&format!("a number, or \"{NOT_LIMITING}\" for not limiting"))),
        }
    }
    /// Text parsed by `parse`, or `expected` in the message.
    pub fn parsed<T>(
        &self,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Result<Given<T>, Diagnostic> {
        match &self.input.value {
            crate::data::InputValue::Text(s) => {
                parse(s).map(|v| self.given(v)).ok_or_else(|| self.wrong(expected))
            }
            _ => Err(self.wrong(expected)),
        }
    }
    /// The message for a key the section does not take.
    pub fn unknown(&self, keys: &[&str]) -> Diagnostic {
        Diagnostic::new(format!("unknown key `{}` in [{}]", self.key, self.section))
            .at(Some(self.input.location.clone()))
            .key(format!("{}.{}", self.section, self.key))
            .expected(format!("one of: {}", keys.join(", ")))
            .suggest(self.key, keys.iter().copied())
    }
}

/// Reads every key of a scenario section with `read`, gathering every problem.
pub fn read_command_section(
    section: &'static str,
    inputs: &std::collections::BTreeMap<String, crate::data::ScenarioInput>,
    mut read: impl FnMut(&SectionInput) -> Result<(), Diagnostic>,
) -> Result<(), crate::diag::Diagnostics> {
    let problems: Vec<Diagnostic> =
        inputs.iter().filter_map(|(key, input)| read(&SectionInput { section, key, input }).err()).collect();
    if problems.is_empty() { Ok(()) } else { Err(crate::diag::Diagnostics(problems)) }
}
