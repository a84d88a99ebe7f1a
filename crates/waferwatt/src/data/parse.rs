//! Reading data files, scenario files and `--set` assignments into a [`Dataset`].
//!
//! Works on toml's spanned document tree so that every problem names file, line, column
//! and key. File formats stop here: what leaves this module is plain values.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::schema::{self, Bound, FieldType, Kind};
use super::{Dataset, Origin, Param, Source, Text, TextValue, key};
use crate::diag::{Diagnostic, Diagnostics, Location, quote_list};
use crate::uncertainty::{Dist, Shape};

/// The longest label a number may carry: a chart's axis and a table's first column hold it.
const LABEL_CHARS: usize = 60;

/// Sections of a scenario file that hold command inputs rather than data overrides.
pub const COMMAND_SECTIONS: &[&str] = &["train", "wafer", "chip", "fleet"];

/// A value given to a command in a scenario file.
#[derive(Clone, Debug, PartialEq)]
pub enum InputValue {
    Number(f64),
    Text(String),
    List(Vec<String>),
    Bool(bool),
}

/// One command input from a scenario, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioInput {
    pub value: InputValue,
    pub location: Location,
}

/// What a scenario file says besides data overrides: its command inputs, by section.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scenario {
    pub file: String,
    pub sections: BTreeMap<String, BTreeMap<String, ScenarioInput>>,
}

impl Scenario {
    pub fn section(&self, name: &str) -> Option<&BTreeMap<String, ScenarioInput>> {
        self.sections.get(name)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A built-in data file: every number is a full `{ value, low, high, unit, source, year }`.
    Data,
    /// A scenario: a bare number fixes a value; a table overrides the fields it names.
    Scenario,
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    lines: crate::diag::Lines,
    mode: Mode,
    origin: Origin,
}

impl Ctx<'_> {
    fn loc(&self, span: Range<usize>) -> Location {
        self.lines.locate(self.file, self.text, span.start)
    }
}

pub(crate) fn parse_document<'i>(file: &str, text: &'i str) -> Result<Spanned<DeTable<'i>>, Diagnostics> {
    DeTable::parse(text).map_err(|e| {
        let location = e.span().map(|s| Location::at(file, text, s.start));
        let message = e.message().trim().trim_end_matches('.').to_string();
        Diagnostics(vec![
            Diagnostic::new(format!("invalid TOML: {message}"))
                .at(location)
                .expected("a TOML document (https://toml.io)"),
        ])
    })
}

/// Reads one built-in data file into `ds`.
pub fn load_data_file(ds: &mut Dataset, file: &str, text: &str) -> Result<(), Diagnostics> {
    let doc = parse_document(file, text)?;
    let ctx =
        Ctx { file, text, lines: crate::diag::Lines::new(text), mode: Mode::Data, origin: Origin::Default };
    let mut problems = Vec::new();
    for (name, value) in doc.get_ref().iter() {
        let at = ctx.loc(name.span());
        let result = if name.get_ref() == "source" {
            read_sources(ds, &ctx, value)
        } else if let Some(kind) = schema::kind(name.get_ref()) {
            read_kind(ds, &ctx, kind, value)
        } else {
            let mut names: Vec<&str> = schema::KINDS.iter().map(|k| k.name).collect();
            names.push("source");
            Err(vec![
                Diagnostic::new(format!("unknown table `{}`", name.get_ref()))
                    .at(Some(at))
                    .key(name.get_ref().to_string())
                    .expected("a kind of data or `source`")
                    .suggest(name.get_ref(), names),
            ])
        };
        if let Err(mut d) = result {
            problems.append(&mut d);
        }
    }
    finish(problems, ())
}

/// Problems in the order they appear in the file, or the value when there are none.
fn finish<T>(mut problems: Vec<Diagnostic>, value: T) -> Result<T, Diagnostics> {
    if problems.is_empty() {
        return Ok(value);
    }
    problems.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
    Err(Diagnostics(problems))
}

/// Applies a scenario file's overrides to `ds` and returns its command inputs.
pub fn apply_scenario(ds: &mut Dataset, file: &str, text: &str) -> Result<Scenario, Diagnostics> {
    let doc = parse_document(file, text)?;
    let ctx = Ctx {
        file,
        text,
        lines: crate::diag::Lines::new(text),
        mode: Mode::Scenario,
        origin: Origin::Scenario(file.to_string()),
    };
    let mut scenario = Scenario { file: file.to_string(), sections: BTreeMap::new() };
    let mut problems = Vec::new();
    for (name, value) in doc.get_ref().iter() {
        let name_str: &str = name.get_ref();
        let at = ctx.loc(name.span());
        let result = if name_str == "extends" {
            match value.get_ref() {
                DeValue::String(s) if s == "default" => Ok(()),
                _ => Err(vec![
                    Diagnostic::new("a scenario can only extend the built-in data")
                        .at(Some(ctx.loc(value.span())))
                        .key("extends")
                        .expected("extends = \"default\""),
                ]),
            }
        } else if name_str == "source" {
            read_sources(ds, &ctx, value)
        } else if COMMAND_SECTIONS.contains(&name_str) {
            read_section(&ctx, name_str, value).map(|s| {
                scenario.sections.insert(name_str.to_string(), s);
            })
        } else if let Some(kind) = schema::kind(name_str) {
            read_kind(ds, &ctx, kind, value)
        } else {
            let mut names: Vec<&str> = vec!["extends", "source"];
            names.extend(COMMAND_SECTIONS);
            names.extend(schema::KINDS.iter().map(|k| k.name));
            Err(vec![
                Diagnostic::new(format!("unknown key `{name_str}` at the top of the scenario"))
                    .at(Some(at))
                    .key(name_str.to_string())
                    .expected(format!(
                        "`extends`, `source`, a command section ({}) or a kind of data",
                        quote_list(COMMAND_SECTIONS)
                    ))
                    .suggest(name_str, names),
            ])
        };
        if let Err(mut d) = result {
            problems.append(&mut d);
        }
    }
    finish(problems, scenario)
}

/// Applies `KEY=VALUE` from the command line, e.g. `accelerator.h100-sxm.tdp_w=650`.
pub fn apply_set(ds: &mut Dataset, assignment: &str) -> Result<(), Diagnostic> {
    let Some((k, v)) = assignment.split_once('=') else {
        return Err(Diagnostic::new(format!("`--set {assignment}` has no `=`"))
            .expected("--set KEY=VALUE, e.g. --set accelerator.h100-sxm.tdp_w=650"));
    };
    let (k, v) = (k.trim(), v.trim());
    let (kind_name, rest) = k.split_once('.').unwrap_or((k, ""));
    let Some(kind) = schema::kind(kind_name) else {
        return Err(Diagnostic::new(format!("unknown kind `{kind_name}` in --set"))
            .key(k)
            .expected("KIND.ID.FIELD or KIND.FIELD")
            .suggest(kind_name, schema::KINDS.iter().map(|k| k.name)));
    };
    // Ids may hold dots (`llama-3.1-405b`): the field is the last part, the id what is between.
    let split = if kind.keyed { rest.rsplit_once('.').filter(|(id, _)| !id.is_empty()) } else { None };
    let (id, field_name) = match (kind.keyed, split) {
        (true, Some((id, field))) => (Some(id), field),
        (false, _) if !rest.is_empty() && !rest.contains('.') => (None, rest),
        _ => {
            let form =
                if kind.keyed { format!("{kind_name}.ID.FIELD") } else { format!("{kind_name}.FIELD") };
            return Err(Diagnostic::new(format!("`{k}` is not a data key")).key(k).expected(form));
        }
    };
    if let Some(id) = id {
        ds.require_id(kind_name, id, k)?;
    }
    let Some(field) = kind.field(field_name) else {
        return Err(unknown_field(kind, field_name, k, None));
    };
    let full = key(kind_name, id, field_name);
    match field.ty {
        FieldType::Number(unit) => {
            let value: f64 = v.parse().ok().filter(|x: &f64| x.is_finite()).ok_or_else(|| {
                Diagnostic::new(format!("`{v}` is not a finite number"))
                    .key(&full)
                    .expected(format!("a number in {unit}"))
            })?;
            field.bound.check(unit, value).map_err(|e| Diagnostic::new(e).key(&full))?;
            let old = ds.params.get(&full);
            let param = Param {
                value,
                low: value,
                high: value,
                unit,
                source: "--set".into(),
                year: None,
                note: old
                    .map(|p| format!("set on the command line; default was {} {}", p.value, p.unit))
                    .unwrap_or_else(|| "set on the command line".to_string()),
                label: old.and_then(|p| p.label.clone()),
                dist: Shape::Fixed,
                origin: Origin::Set,
                location: None,
            };
            ds.params.insert(full, param);
        }
        FieldType::Text => {
            check_choice(field.choices, v).map_err(|d| d.key(&full))?;
            ds.texts.insert(
                full,
                Text { value: TextValue::One(v.to_string()), origin: Origin::Set, location: None },
            );
        }
        FieldType::TextList => {
            let items = v.split(',').map(|s| s.trim().to_string()).collect();
            ds.texts
                .insert(full, Text { value: TextValue::List(items), origin: Origin::Set, location: None });
        }
    }
    Ok(())
}

fn read_sources(ds: &mut Dataset, ctx: &Ctx, value: &Spanned<DeValue>) -> Result<(), Vec<Diagnostic>> {
    let table = expect_table(ctx, value, "source", "a table of sources `[source.ID]`")?;
    let mut problems = Vec::new();
    for (id, entry) in table.iter() {
        let k = format!("source.{}", id.get_ref());
        let at = ctx.loc(id.span());
        let result = (|| {
            let t = expect_table(ctx, entry, &k, "a source table with title, publisher, url, date")
                .map_err(|mut d| d.remove(0))?;
            let get = |name: &str, required: bool| -> Result<Option<String>, Diagnostic> {
                match t.get(name) {
                    Some(v) => match v.get_ref() {
                        DeValue::String(s) => Ok(Some(s.to_string())),
                        _ => Err(Diagnostic::new(format!("`{name}` must be a string"))
                            .at(Some(ctx.loc(v.span())))
                            .key(format!("{k}.{name}"))
                            .expected("a string")),
                    },
                    None if required => Err(Diagnostic::new(format!("source has no `{name}`"))
                        .at(Some(at.clone()))
                        .key(format!("{k}.{name}"))
                        .expected("title, publisher, date (and url where there is one)")),
                    None => Ok(None),
                }
            };
            for (name, v) in t.iter() {
                if !["title", "publisher", "url", "date", "note"].contains(&name.get_ref().as_ref()) {
                    return Err(Diagnostic::new(format!("unknown key `{}` in a source", name.get_ref()))
                        .at(Some(ctx.loc(v.span())))
                        .key(format!("{k}.{}", name.get_ref()))
                        .expected("title, publisher, url, date, note"));
                }
            }
            let source = Source {
                id: id.get_ref().to_string(),
                title: get("title", true)?.unwrap_or_default(),
                publisher: get("publisher", true)?.unwrap_or_default(),
                url: get("url", false)?,
                date: get("date", true)?.unwrap_or_default(),
                location: Some(at.clone()),
            };
            if ds.sources.insert(source.id.clone(), source).is_some() {
                return Err(Diagnostic::new(format!("source `{}` is defined twice", id.get_ref()))
                    .at(Some(at.clone()))
                    .key(k.clone()));
            }
            Ok(())
        })();
        if let Err(d) = result {
            problems.push(d);
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

fn read_kind(
    ds: &mut Dataset,
    ctx: &Ctx,
    kind: &'static Kind,
    value: &Spanned<DeValue>,
) -> Result<(), Vec<Diagnostic>> {
    let table = expect_table(ctx, value, kind.name, "a table")?;
    let mut problems = Vec::new();
    if kind.keyed {
        for (id, entry) in table.iter() {
            let id_str: &str = id.get_ref();
            let k = format!("{}.{id_str}", kind.name);
            if !valid_id(id_str) {
                problems.push(
                    Diagnostic::new(format!("`{id_str}` is not a valid id"))
                        .at(Some(ctx.loc(id.span())))
                        .key(k)
                        .expected("lowercase letters, digits, `-` and `.`"),
                );
                continue;
            }
            match expect_table(ctx, entry, &k, "a table of fields") {
                Ok(fields) => {
                    ds.ids.entry(kind.name).or_default().insert(id_str.to_string());
                    ds.entry_locations.entry(k.clone()).or_insert_with(|| ctx.loc(id.span()));
                    read_fields(ds, ctx, kind, Some(id_str), fields, &mut problems);
                }
                Err(mut d) => problems.append(&mut d),
            }
        }
    } else {
        read_fields(ds, ctx, kind, None, table, &mut problems);
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

fn read_fields(
    ds: &mut Dataset,
    ctx: &Ctx,
    kind: &'static Kind,
    id: Option<&str>,
    fields: &DeTable,
    problems: &mut Vec<Diagnostic>,
) {
    for (name, value) in fields.iter() {
        let k = key(kind.name, id, name.get_ref());
        let Some(field) = kind.field(name.get_ref()) else {
            problems.push(unknown_field(kind, name.get_ref(), &k, Some(ctx.loc(name.span()))));
            continue;
        };
        let result = match field.ty {
            FieldType::Number(unit) => read_number(ds, ctx, &k, unit, field.bound, value),
            FieldType::Text => read_text(ctx, &k, field.choices, value).map(|t| {
                ds.texts.insert(k.clone(), t);
            }),
            FieldType::TextList => read_list(ctx, &k, value).map(|t| {
                ds.texts.insert(k.clone(), t);
            }),
        };
        if let Err(d) = result {
            problems.push(d);
        }
    }
}

fn unknown_field(kind: &Kind, name: &str, key: &str, at: Option<Location>) -> Diagnostic {
    Diagnostic::new(format!("unknown field `{name}` for {}", kind.name))
        .at(at)
        .key(key)
        .expected(format!("one of: {}", kind.field_names().collect::<Vec<_>>().join(", ")))
        .suggest(name, kind.field_names())
}

fn read_number(
    ds: &mut Dataset,
    ctx: &Ctx,
    k: &str,
    unit: &'static str,
    bound: Bound,
    value: &Spanned<DeValue>,
) -> Result<(), Diagnostic> {
    let at = ctx.loc(value.span());
    let bad = |msg: String, at: Location| {
        Diagnostic::new(msg).at(Some(at)).key(k).expected(format!(
            "{{ value, low, high, dist, unit = \"{unit}\", source, year, note }}{}",
            if ctx.mode == Mode::Scenario { ", or a bare number to fix the value" } else { "" }
        ))
    };
    let old = ds.params.get(k).cloned();
    let p = match (value.get_ref(), ctx.mode) {
        (DeValue::Integer(_) | DeValue::Float(_), Mode::Scenario) => {
            let v =
                as_number(value.get_ref()).ok_or_else(|| bad("not a finite number".into(), at.clone()))?;
            Param {
                value: v,
                low: v,
                high: v,
                unit,
                source: "scenario".into(),
                year: None,
                note: old
                    .as_ref()
                    .map(|p| format!("fixed by the scenario; default was {} {}", p.value, p.unit))
                    .unwrap_or_else(|| "given by the scenario".to_string()),
                label: old.as_ref().and_then(|p| p.label.clone()),
                dist: Shape::Fixed,
                origin: ctx.origin.clone(),
                location: Some(at.clone()),
            }
        }
        (DeValue::Table(t), _) => {
            let mut p = old.clone().filter(|_| ctx.mode == Mode::Scenario).unwrap_or(Param {
                value: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
                unit: "",
                source: "".into(),
                year: None,
                note: String::new(),
                label: None,
                dist: Shape::default(),
                origin: ctx.origin.clone(),
                location: None,
            });
            p.origin = ctx.origin.clone();
            p.location = Some(at.clone());
            if ctx.mode == Mode::Scenario {
                p.source = "scenario".into();
                p.year = None;
            }
            for (name, v) in t.iter() {
                let vat = ctx.loc(v.span());
                match name.get_ref().as_ref() {
                    f @ ("value" | "low" | "high") => {
                        let x = as_number(v.get_ref())
                            .ok_or_else(|| bad(format!("`{f}` must be a finite number"), vat.clone()))?;
                        match f {
                            "value" => p.value = x,
                            "low" => p.low = x,
                            _ => p.high = x,
                        }
                    }
                    "unit" => match v.get_ref() {
                        DeValue::String(s) if s == unit => p.unit = unit,
                        DeValue::String(s) => {
                            return Err(Diagnostic::new(format!("unit `{s}` does not match the field"))
                                .at(Some(vat))
                                .key(k)
                                .expected(format!("unit = \"{unit}\"")));
                        }
                        _ => return Err(bad("`unit` must be a string".into(), vat)),
                    },
                    "source" => match v.get_ref() {
                        DeValue::String(s) if !s.is_empty() => p.source = s.as_ref().into(),
                        _ => {
                            return Err(bad("`source` must name a source id or `assumption`".into(), vat));
                        }
                    },
                    "dist" => match v.get_ref() {
                        DeValue::String(s) => {
                            p.dist = Shape::from_name(s).ok_or_else(|| {
                                Diagnostic::new(format!("unknown distribution `{s}`"))
                                    .at(Some(vat.clone()))
                                    .key(format!("{k}.dist"))
                                    .expected(format!("one of {}", quote_list(Shape::NAMES)))
                                    .suggest(s, Shape::NAMES.iter().copied())
                            })?;
                        }
                        _ => return Err(bad("`dist` must be a string".into(), vat)),
                    },
                    "note" => match v.get_ref() {
                        DeValue::String(s) => p.note = s.to_string(),
                        _ => return Err(bad("`note` must be a string".into(), vat)),
                    },
                    "label" => match v.get_ref() {
                        DeValue::String(s) if !s.trim().is_empty() && s.chars().count() <= LABEL_CHARS => {
                            p.label = Some(s.trim().to_string());
                        }
                        _ => {
                            return Err(Diagnostic::new("a number's `label` must be a short text")
                                .at(Some(vat))
                                .key(format!("{k}.label"))
                                .expected(format!("a name for people of 1 to {LABEL_CHARS} characters")));
                        }
                    },
                    "year" => match v.get_ref() {
                        DeValue::Integer(i) => {
                            p.year = i64::from_str_radix(i.as_str(), i.radix()).ok();
                        }
                        _ => return Err(bad("`year` must be an integer".into(), vat)),
                    },
                    other => {
                        return Err(Diagnostic::new(format!("unknown key `{other}` in a number"))
                            .at(Some(vat))
                            .key(format!("{k}.{other}"))
                            .expected("value, low, high, dist, unit, source, year, note, label")
                            .suggest(
                                other,
                                ["value", "low", "high", "dist", "unit", "source", "year", "note", "label"],
                            ));
                    }
                }
            }
            if ctx.mode == Mode::Scenario {
                p.unit = unit;
                if t.get("low").is_none() && t.get("high").is_none() && old.is_none() {
                    p.low = p.value;
                    p.high = p.value;
                }
            }
            if ctx.mode == Mode::Data {
                for required in ["value", "low", "high", "unit", "source", "year"] {
                    if t.get(required).is_none() {
                        return Err(bad(format!("this number has no `{required}`"), at));
                    }
                }
            }
            p
        }
        _ => {
            return Err(bad(format!("expected a number table, found {}", value.get_ref().type_str()), at));
        }
    };
    if p.value.is_nan() {
        return Err(bad("this number has no `value`".into(), at));
    }
    let bare = matches!(value.get_ref(), DeValue::Integer(_) | DeValue::Float(_));
    for (what, v) in [("value", p.value), ("low", p.low), ("high", p.high)] {
        bound.check(unit, v).map_err(|e| bad(if bare { e } else { format!("{what}: {e}") }, at.clone()))?;
    }
    if !(p.low <= p.value && p.value <= p.high) {
        return Err(Diagnostic::new(format!(
            "range out of order: low {} ≤ value {} ≤ high {} does not hold",
            p.low, p.value, p.high
        ))
        .at(Some(at))
        .key(k)
        .expected("low ≤ value ≤ high (give low and high with a value outside the default range)"));
    }
    if let Err(e) = Dist::check(p.dist, p.low, p.value, p.high) {
        return Err(Diagnostic::new(format!("a {} distribution cannot take this range: {e}", p.dist.name()))
            .at(Some(at))
            .key(format!("{k}.dist"))
            .expected(
                "a range the distribution can take: a lognormal's low above 0, a normal's value midway",
            ));
    }
    if ctx.mode == Mode::Data
        && (&*p.source == super::ASSUMPTION || &*p.source == super::DEFINITION)
        && p.note.trim().is_empty()
    {
        return Err(Diagnostic::new(format!("`{}` must explain itself", p.source))
            .at(Some(at))
            .key(k)
            .expected("a `note` giving the reasoning behind the assumed value"));
    }
    ds.params.insert(k.to_string(), p);
    Ok(())
}

pub(crate) fn as_number(v: &DeValue) -> Option<f64> {
    let x = match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok()? as f64,
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok()?,
        _ => return None,
    };
    x.is_finite().then_some(x)
}

fn check_choice(choices: &[&str], got: &str) -> Result<(), Diagnostic> {
    if choices.is_empty() || choices.contains(&got) {
        Ok(())
    } else {
        Err(Diagnostic::new(format!("`{got}` is not an accepted value"))
            .expected(format!("one of {}", quote_list(choices)))
            .suggest(got, choices.iter().copied()))
    }
}

fn read_text(ctx: &Ctx, k: &str, choices: &[&str], value: &Spanned<DeValue>) -> Result<Text, Diagnostic> {
    let at = ctx.loc(value.span());
    match value.get_ref() {
        DeValue::String(s) => {
            check_choice(choices, s).map_err(|d| d.at(Some(at.clone())).key(k))?;
            Ok(Text { value: TextValue::One(s.to_string()), origin: ctx.origin.clone(), location: Some(at) })
        }
        other => Err(Diagnostic::new(format!("expected a string, found {}", other.type_str()))
            .at(Some(at))
            .key(k)
            .expected("a string")),
    }
}

fn read_list(ctx: &Ctx, k: &str, value: &Spanned<DeValue>) -> Result<Text, Diagnostic> {
    let at = ctx.loc(value.span());
    let err = || {
        Diagnostic::new("expected a list of strings").at(Some(at.clone())).key(k).expected("[\"a\", \"b\"]")
    };
    let DeValue::Array(items) = value.get_ref() else {
        return Err(err());
    };
    let list = items
        .iter()
        .map(|v| match v.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            _ => Err(err()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Text { value: TextValue::List(list), origin: ctx.origin.clone(), location: Some(at) })
}

fn read_section(
    ctx: &Ctx,
    name: &str,
    value: &Spanned<DeValue>,
) -> Result<BTreeMap<String, ScenarioInput>, Vec<Diagnostic>> {
    let table = expect_table(ctx, value, name, "a table of command inputs")?;
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for (k, v) in table.iter() {
        let location = ctx.loc(v.span());
        let value = match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => as_number(v.get_ref()).map(InputValue::Number),
            DeValue::String(s) => Some(InputValue::Text(s.to_string())),
            DeValue::Boolean(b) => Some(InputValue::Bool(*b)),
            DeValue::Array(items) => items
                .iter()
                .map(|i| match i.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .map(InputValue::List),
            _ => None,
        };
        match value {
            Some(value) => {
                out.insert(k.get_ref().to_string(), ScenarioInput { value, location });
            }
            None => {
                let d = Diagnostic::new(format!("`{}` has a value of the wrong kind", k.get_ref()))
                    .at(Some(location))
                    .key(format!("{name}.{}", k.get_ref()))
                    .expected("a finite number, a string, a boolean or a list of strings");
                // A command input is one value; a range or distribution belongs to the data
                // number it overrides.
                problems.push(if matches!(v.get_ref(), DeValue::Table(_)) {
                    d.hint(format!(
                        "a [{name}] input is one value: to give a range or distribution, set the data number \
                         it overrides instead (e.g. [training] mfu = {{ value = 0.4, low = 0.3, high = 0.5, \
                         dist = \"pert\" }}; `waferwatt {name} --explain` names them)"
                    ))
                } else {
                    d
                });
            }
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

fn expect_table<'a, 'i>(
    ctx: &Ctx,
    value: &'a Spanned<DeValue<'i>>,
    k: &str,
    expected: &str,
) -> Result<&'a DeTable<'i>, Vec<Diagnostic>> {
    match value.get_ref() {
        DeValue::Table(t) => Ok(t),
        other => Err(vec![
            Diagnostic::new(format!("expected a table, found {}", other.type_str()))
                .at(Some(ctx.loc(value.span())))
                .key(k)
                .expected(expected),
        ]),
    }
}
