//! The data layer: every default number with its range, unit and source, embedded in the
//! binary, plus the overrides a scenario file or `--set` lays over it.
//!
//! Data files are TOML (`data/*.toml` at the repository root). Each number is
//! `{ value, low, high, unit, source, year, note }`; `source` names an entry of the
//! `[source.*]` table. The parser in `parse` turns files into a flat [`Dataset`] keyed by
//! `kind.id.field` (or `kind.field` for kinds with one entry); the ledgers read plain
//! numbers out of it through their own binding code and never see TOML.

pub mod check;
pub(crate) mod parse;
pub mod schema;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use crate::diag::{Diagnostic, Diagnostics, Location};

pub use parse::{InputValue, Scenario, ScenarioInput};

/// The default data files, embedded at build time: (path in the repository, contents).
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("data/sources.toml", include_str!("../../../../data/sources.toml")),
    ("data/accelerators.toml", include_str!("../../../../data/accelerators.toml")),
    ("data/regions.toml", include_str!("../../../../data/regions.toml")),
    ("data/facility.toml", include_str!("../../../../data/facility.toml")),
    ("data/runs.toml", include_str!("../../../../data/runs.toml")),
    ("data/fab.toml", include_str!("../../../../data/fab.toml")),
    ("data/nodes.toml", include_str!("../../../../data/nodes.toml")),
    ("data/chips.toml", include_str!("../../../../data/chips.toml")),
    ("data/fleet.toml", include_str!("../../../../data/fleet.toml")),
    ("data/strategy.toml", include_str!("../../../../data/strategy.toml")),
    ("data/claims.toml", include_str!("../../../../data/claims.toml")),
    ("data/market.toml", include_str!("../../../../data/market.toml")),
    ("data/methods.toml", include_str!("../../../../data/methods.toml")),
];

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A built-in data file.
    Default,
    /// A scenario file.
    Scenario(String),
    /// `--set KEY=VALUE` on the command line.
    Set,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => write!(f, "default"),
            Origin::Scenario(file) => write!(f, "scenario {file}"),
            Origin::Set => write!(f, "--set"),
        }
    }
}

/// A number with its range and provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub unit: &'static str,
    /// Id of an entry in the sources table, `assumption`, or `scenario`/`--set` for overrides
    /// (shared, so that recording it in a binding costs no allocation).
    pub source: std::sync::Arc<str>,
    pub year: Option<i64>,
    pub note: String,
    /// The number's name for people, where the data gives one; otherwise [`Dataset::label`]
    /// makes it from the entry's name and the field's label.
    pub label: Option<String>,
    /// How the number is drawn between low and high when uncertainty is sampled.
    pub dist: crate::uncertainty::Shape,
    pub origin: Origin,
    pub location: Option<Location>,
}

/// A text or list of texts (names, ids of other entries, choices).
#[derive(Clone, Debug, PartialEq)]
pub enum TextValue {
    One(String),
    List(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    pub value: TextValue,
    pub origin: Origin,
    pub location: Option<Location>,
}

/// An entry of the sources table.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub url: Option<String>,
    pub date: String,
    pub location: Option<Location>,
}

/// The source id that marks a number without a published source; its `note` must explain it.
pub const ASSUMPTION: &str = "assumption";
/// The source id of a number that is true by definition (a double-patterning scheme has two
/// exposures); its `note` says what defines it.
pub const DEFINITION: &str = "definition";

/// All data in force: the built-in files with any scenario and `--set` overrides applied.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub sources: BTreeMap<String, Source>,
    /// By key. A hash map: binding looks numbers up thousands of times a sample; where order
    /// matters (the check's report), the keys are sorted.
    pub params: HashMap<String, Param>,
    pub texts: BTreeMap<String, Text>,
    /// Ids of each keyed kind.
    pub ids: BTreeMap<&'static str, BTreeSet<String>>,
    /// Sources that the built-in data cites, before any override (for `data check`).
    pub cited_by_builtin: BTreeSet<String>,
    /// Where each keyed entry (`kind.id`) was first written, for messages about the entry as a
    /// whole (a field it lacks).
    pub entry_locations: BTreeMap<String, Location>,
}

/// The key of a field: `kind.id.field` for keyed kinds, `kind.field` otherwise.
pub fn key(kind: &str, id: Option<&str>, field: &str) -> String {
    // Built by hand rather than `format!`: binding builds thousands of keys per sample.
    let id = id.unwrap_or("");
    let mut k = String::with_capacity(kind.len() + id.len() + field.len() + 2);
    k.push_str(kind);
    k.push('.');
    if !id.is_empty() {
        k.push_str(id);
        k.push('.');
    }
    k.push_str(field);
    k
}

impl Dataset {
    /// The built-in data, parsed and checked for structure (see [`check`] for the full check).
    pub fn builtin() -> Result<Dataset, Diagnostics> {
        let mut ds = Dataset::default();
        let mut problems = Vec::new();
        for (file, text) in BUILTIN_FILES {
            if let Err(Diagnostics(mut d)) = parse::load_data_file(&mut ds, file, text) {
                problems.append(&mut d);
            }
        }
        problems.extend(ds.entity_problems());
        problems.extend(ds.reference_problems());
        ds.cited_by_builtin = ds.params.values().map(|p| p.source.to_string()).collect();
        if problems.is_empty() { Ok(ds) } else { Err(Diagnostics(problems)) }
    }

    /// Lays a scenario's data overrides over this data; returns the scenario's command inputs.
    pub fn apply_scenario(&mut self, file: &str, text: &str) -> Result<Scenario, Diagnostics> {
        let scenario = parse::apply_scenario(self, file, text)?;
        let mut problems = self.entity_problems();
        problems.extend(self.reference_problems());
        if problems.is_empty() { Ok(scenario) } else { Err(Diagnostics(problems)) }
    }

    /// Applies one `KEY=VALUE` override from the command line.
    pub fn apply_set(&mut self, assignment: &str) -> Result<(), Diagnostic> {
        parse::apply_set(self, assignment)
    }

    pub fn param(&self, key: &str) -> Option<&Param> {
        self.params.get(key)
    }

    /// A fingerprint of the data in force: every number (value, range, unit, source, year) and
    /// every text, key by key in order, hashed (64-bit FNV-1a). Two datasets that answer alike
    /// have the same fingerprint; a report cites it as its data version.
    pub fn fingerprint(&self) -> u64 {
        const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut h = OFFSET;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                h = (h ^ u64::from(*b)).wrapping_mul(PRIME);
            }
            // A separator, so that ("ab", "c") and ("a", "bc") differ.
            h = (h ^ 0xff).wrapping_mul(PRIME);
        };
        let mut keys: Vec<&String> = self.params.keys().collect();
        keys.sort_unstable();
        for k in keys {
            let p = &self.params[k];
            eat(k.as_bytes());
            for x in [p.value, p.low, p.high] {
                eat(&x.to_bits().to_le_bytes());
            }
            eat(p.unit.as_bytes());
            eat(p.source.as_bytes());
            eat(&p.year.unwrap_or(i64::MIN).to_le_bytes());
            eat(p.dist.name().as_bytes());
        }
        for (k, t) in &self.texts {
            eat(k.as_bytes());
            match &t.value {
                TextValue::One(s) => eat(s.as_bytes()),
                TextValue::List(l) => l.iter().for_each(|s| eat(s.as_bytes())),
            }
        }
        h
    }

    /// A data number's name for people: the label the data gives it, or its entry's name
    /// before the field's label ("DUV-only 7 nm defect density"); the key itself for a key
    /// the schema does not know. Keys are for typing (`--set`); labels are for reading.
    pub fn label(&self, key: &str) -> String {
        if let Some(l) = self.params.get(key).and_then(|p| p.label.as_ref()) {
            return l.clone();
        }
        let Some((kind, rest)) = key.split_once('.') else { return key.to_string() };
        let Some(k) = schema::KINDS.iter().find(|k| k.name == kind) else { return key.to_string() };
        let (id, field) = match rest.rsplit_once('.') {
            Some((id, field)) if k.keyed => (Some(id), field),
            _ if k.keyed => return key.to_string(),
            _ => (None, rest),
        };
        let Some(f) = k.field(field).filter(|f| !f.label.is_empty()) else { return key.to_string() };
        match id {
            Some(id) => format!("{} {}", self.entry_name(kind, id), f.label),
            None => f.label.to_string(),
        }
    }

    /// An entry's name, short: its `name` up to any parenthesis ("DUV-only 7 nm"), with its
    /// node's before it where the entry is part of a node (a layer group, `layer.n7-duv.m1`);
    /// its id if unnamed.
    pub fn entry_name(&self, kind: &str, id: &str) -> String {
        let short = |id: &str| {
            self.text(&key(kind, Some(id), "name")).map(|n| n.split(" (").next().unwrap_or(n).trim())
        };
        let full = self.text(&key(kind, Some(id), "name")).map(str::trim);
        // Up to the parenthesis, unless another entry of the kind (of the same node, for a layer
        // group) shortens to the same name: two layer groups told apart only by it.
        let name = match (short(id), full) {
            (Some(s), Some(f)) if s != f => {
                // Siblings: the entries of the kind under the same parent ("n28." for a layer
                // group of n28), found as a range of the sorted ids.
                let parent = |i: &str| i.rsplit_once('.').map_or(0, |p| p.0.len() + 1);
                let prefix = &id[..parent(id)];
                let shared = self.ids.get(kind).is_some_and(|ids| {
                    ids.range::<str, _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded))
                        .take_while(|o| o.starts_with(prefix))
                        .any(|o| o != id && parent(o) == prefix.len() && short(o) == Some(s))
                });
                if shared { f } else { s }
            }
            (Some(s), _) => s,
            _ => id,
        };
        let name = if name.is_empty() { id.to_string() } else { name.to_string() };
        let node = schema::KINDS
            .iter()
            .find(|k| k.name == kind)
            .and_then(|k| k.field("node"))
            .filter(|f| f.refers == Some("node"))
            .and_then(|_| self.text(&key(kind, Some(id), "node")));
        match node {
            Some(n) if kind != "node" && id.strip_prefix(n).is_some_and(|r| r.starts_with('.')) => {
                format!("{} {name}", self.entry_name("node", n))
            }
            _ => name,
        }
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        match self.texts.get(key).map(|t| &t.value) {
            Some(TextValue::One(s)) => Some(s),
            _ => None,
        }
    }

    /// Where a text was written (a scenario's line), if anywhere.
    pub fn text_location(&self, key: &str) -> Option<Location> {
        self.texts.get(key).and_then(|t| t.location.clone())
    }

    pub fn list(&self, key: &str) -> Option<&[String]> {
        match self.texts.get(key).map(|t| &t.value) {
            Some(TextValue::List(v)) => Some(v),
            _ => None,
        }
    }

    /// Ids of the layer groups of `node`, sorted: one ordered pass over the layers' texts
    /// (binding a node asks this for every sample; a lookup per layer costs several times more).
    pub fn layers_of<'a>(&'a self, node: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        use std::ops::Bound::{Excluded, Included};
        self.texts.range::<str, _>((Included("layer."), Excluded("layer/"))).filter_map(
            move |(k, t)| match &t.value {
                TextValue::One(v) if v == node => k.strip_prefix("layer.")?.strip_suffix(".node"),
                _ => None,
            },
        )
    }

    /// Ids of a keyed kind, sorted.
    pub fn ids_of(&self, kind: &str) -> Vec<&str> {
        self.ids.get(kind).map(|s| s.iter().map(String::as_str).collect()).unwrap_or_default()
    }

    pub fn has_id(&self, kind: &str, id: &str) -> bool {
        self.ids.get(kind).is_some_and(|s| s.contains(id))
    }

    /// Checks an id of a keyed kind, with the nearest valid ids when it is unknown.
    /// Checks that `id` is a method (`method.ID`) for the command `ledger`.
    pub fn require_method(&self, id: &str, ledger: &str, key: &str) -> Result<(), Diagnostic> {
        self.require_id("method", id, key)?;
        let ledgers =
            |m: &str| self.list(&crate::data::key("method", Some(m), "ledgers")).unwrap_or_default();
        if ledgers(id).iter().any(|l| l == ledger) {
            return Ok(());
        }
        let fits: Vec<&str> =
            self.ids_of("method").into_iter().filter(|m| ledgers(m).iter().any(|l| l == ledger)).collect();
        Err(Diagnostic::new(format!(
            "method `{id}` is a method of `{}`, not of `{ledger}`",
            ledgers(id).join("`, `")
        ))
        .key(key)
        .expected(format!("a method of `{ledger}`: {}", crate::diag::quote_list(&fits))))
    }
    pub fn require_id(&self, kind: &str, id: &str, key: &str) -> Result<(), Diagnostic> {
        if self.has_id(kind, id) {
            Ok(())
        } else {
            Err(Diagnostic::new(format!("unknown {kind} `{id}`"))
                .key(key)
                .expected(format!("one of the {kind} ids: {}", self.ids_of(kind).join(", ")))
                .suggest(id, self.ids_of(kind)))
        }
    }

    /// Keys of every parameter and text of one entry, in schema order.
    pub fn entry_keys(&self, kind: &str, id: Option<&str>) -> Vec<String> {
        let Some(k) = schema::kind(kind) else {
            return Vec::new();
        };
        k.field_names()
            .map(|f| key(kind, id, f))
            .filter(|key| self.params.contains_key(key) || self.texts.contains_key(key))
            .collect()
    }

    /// Fields an entry must give and does not, across all entries (ranges and bounds are
    /// checked as each number is read).
    fn entity_problems(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for kind in schema::KINDS {
            let ids: Vec<Option<&str>> =
                if kind.keyed { self.ids_of(kind.name).into_iter().map(Some).collect() } else { vec![None] };
            for id in ids {
                let has = |field: &str| {
                    let k = key(kind.name, id, field);
                    self.params.contains_key(&k) || self.texts.contains_key(&k)
                };
                let is = |field: &str, value: &str| self.text(&key(kind.name, id, field)) == Some(value);
                let at = || {
                    id.and_then(|id| {
                        self.first_location(kind.name, id)
                            .or_else(|| self.entry_locations.get(&format!("{}.{id}", kind.name)).cloned())
                    })
                };
                for field in kind.fields {
                    let (needed, why) = match field.need {
                        schema::Need::Always => (true, String::new()),
                        schema::Need::Optional => (false, String::new()),
                        schema::Need::When { field: f, value } => {
                            (is(f, value), format!(" when {f} is `{value}`"))
                        }
                    };
                    if needed && !has(field.name) {
                        problems.push(
                            Diagnostic::new(format!("missing required field `{}`{why}", field.name))
                                .at(at())
                                .key(key(kind.name, id, field.name))
                                .expected(field.doc),
                        );
                    }
                }
                for group in kind.one_of {
                    let given = group.fields.iter().filter(|g| has(g)).count();
                    let applies = group.when.is_none_or(|(f, value)| is(f, value));
                    if applies && given != 1 {
                        let (why, k) = match group.when {
                            Some((f, value)) => (format!(" when {f} is `{value}`"), key(kind.name, id, f)),
                            None => (String::new(), key(kind.name, id, group.fields[0])),
                        };
                        problems.push(
                            Diagnostic::new(format!(
                                "{}{why}",
                                if given == 0 { "missing a field" } else { "too many fields" }
                            ))
                            .at(at())
                            .key(k)
                            .expected(format!("exactly one of {}", crate::diag::quote_list(group.fields))),
                        );
                    }
                }
            }
        }
        problems
    }

    /// Texts that name entries of another kind (a layer's node, a node's scanners) naming ids
    /// that do not exist.
    pub fn reference_problems(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for kind in schema::KINDS {
            let ids: Vec<Option<&str>> =
                if kind.keyed { self.ids_of(kind.name).into_iter().map(Some).collect() } else { vec![None] };
            for field in kind.fields {
                let Some(target) = field.refers else { continue };
                for id in &ids {
                    let k = key(kind.name, *id, field.name);
                    let names: Vec<&str> = match (self.text(&k), self.list(&k)) {
                        (Some(one), _) => vec![one],
                        (_, Some(list)) => list.iter().map(String::as_str).collect(),
                        _ => continue,
                    };
                    for name in names {
                        if let Err(d) = self.require_id(target, name, &k) {
                            problems.push(d.at(self.text_location(&k)));
                        }
                    }
                }
            }
        }
        problems
    }

    fn first_location(&self, kind: &str, id: &str) -> Option<Location> {
        let prefix = format!("{kind}.{id}.");
        self.params
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(_, p)| p.location.clone())
            .chain(
                self.texts
                    .iter()
                    .filter(|(k, _)| k.starts_with(&prefix))
                    .filter_map(|(_, t)| t.location.clone()),
            )
            .min_by_key(|l| l.line)
    }
}
