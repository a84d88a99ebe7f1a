//! Rendering explanations: each figure's formula, then every input it used with its value,
//! data key, source, year and origin. Shared by every command's `--explain`.

use serde_json::{Value, json};
use waferwatt::data::Origin;
use waferwatt::train::{Binding, Provenance, Step};

use crate::render::human;

/// (origin, key, source, year) of a binding.
pub fn provenance_parts(p: &Provenance) -> (String, Option<String>, Option<String>, Option<i64>) {
    match p {
        Provenance::Data { key, source, year, origin, location, .. } => {
            let origin = match (origin, location) {
                (Origin::Default, _) | (_, None) => origin.to_string(),
                (_, Some(at)) => format!("scenario {at}"),
            };
            (origin, Some(key.clone()), Some(source.to_string()), *year)
        }
        Provenance::Input(origin) => (origin.to_string(), None, None, None),
        Provenance::Derived(how) => (format!("derived: {how}"), None, None, None),
    }
}

/// A value as its unit reads best: whole counts and years as they are, the rest for people.
fn value(v: f64, unit: &str) -> String {
    if (unit == "count" || unit == "year") && v.fract() == 0.0 { format!("{v}") } else { human(v) }
}

/// The label of a number read from the data.
fn label(p: &Provenance) -> Option<&str> {
    match p {
        Provenance::Data { label, .. } => Some(label),
        _ => None,
    }
}

/// The steps as text under a title; each input read from the data is named by its label (the
/// key beside it, to type).
pub fn text(title: &str, steps: &[Step], bindings: &[Binding]) -> String {
    let mut text = format!("how the {title} figures were derived\n");
    for s in steps {
        text.push_str(&format!(
            "{} = {} {}\n    = {}\n",
            s.figure,
            value(s.value, s.unit),
            s.unit,
            s.formula
        ));
        for x in bindings.iter().filter(|x| s.reads(x)) {
            let (origin, key, source, year) = provenance_parts(&x.provenance);
            let name = label(&x.provenance).unwrap_or(x.name);
            let cited = match (key, source) {
                (Some(k), Some(src)) => {
                    format!("{k} [source: {src}{}]", year.map(|y| format!(", {y}")).unwrap_or_default())
                }
                _ => String::new(),
            };
            text.push_str(&format!(
                "      {name} = {} {}   {cited} ({origin})\n",
                value(x.value, x.unit),
                x.unit
            ));
        }
    }
    text
}

/// The steps as JSON: `[{figure, value, unit, formula, inputs: [...]}]`, each input read from
/// the data with its label.
pub fn json(steps: &[Step], bindings: &[Binding]) -> Value {
    let steps: Vec<Value> = steps
        .iter()
        .map(|s| {
            let inputs: Vec<Value> = bindings
                .iter()
                .filter(|x| s.reads(x))
                .map(|x| {
                    let (origin, key, source, year) = provenance_parts(&x.provenance);
                    let label = label(&x.provenance);
                    json!({ "name": x.name, "label": label, "value": x.value, "unit": x.unit, "origin": origin,
                            "key": key, "source": source, "year": year })
                })
                .collect();
            json!({ "figure": s.figure, "value": s.value, "unit": s.unit, "formula": s.formula, "inputs": inputs })
        })
        .collect();
    Value::Array(steps)
}
