//! The explorer page in headless Chromium, loaded from its folder as a reader opens it: it
//! renders, a slider moved as a reader moves it updates the numbers, every number equals the
//! command line's for the same inputs, a link with the state restores the view, a bad link is
//! refused by name, and nothing is fetched.
//!
//! The page is built first (`crates/waferwatt-web/build-explorer DIR`) and named by
//! `WAFERWATT_EXPLORER=DIR` (relative to the workspace, or absolute); CI sets `WAFERWATT_REQUIRE_EXPLORER`, under which a missing page or
//! browser fails the test instead of skipping it.

mod browser;

use std::collections::BTreeMap;

use browser::{page, selftest};
use serde_json::Value;
use waferwatt_cli::api::{self, Named, Refusal};

/// A section's controls as the test states them: a control's id to its values (none where it
/// follows the data).
type Controls = BTreeMap<String, Vec<String>>;

/// The command line's options: an option's name to its values.
type Options = BTreeMap<String, Vec<String>>;

fn controls(pairs: &[(&str, &[&str])]) -> Controls {
    pairs.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect()
}

/// The page's controls at first, as the test states them.
fn defaults() -> BTreeMap<&'static str, Controls> {
    BTreeMap::from([
        ("train", controls(&[("run", &["llama-3.1-405b"]), ("region", &["us-va", "us-ca", "cn-nm"])])),
        ("wafer", controls(&[("node", &["n7-smic", "n7-euv", "n5"]), ("die", &["ascend-910b"])])),
        ("strategy", controls(&[("samples", &["200"])])),
    ])
}

/// A reader's move on a control: a slider or a choice set to `value`, a box ticked or
/// unticked, a slider's "data" button pressed.
fn apply(c: &mut Controls, control: &str, value: &str) {
    match (control, value) {
        ("region" | "node", id) => {
            let list = c.get_mut(control).unwrap();
            if let Some(i) = list.iter().position(|v| v == id) {
                list.remove(i);
            } else {
                list.push(id.to_string());
            }
        }
        (_, "reset") => {
            c.remove(control);
        }
        (_, v) => {
            c.insert(control.to_string(), vec![v.to_string()]);
        }
    }
}

/// The command line's options for a section's controls: each control's meaning, written here
/// apart from the page's code.
fn to_options(section: &str, c: &Controls) -> Options {
    let mut o = Options::new();
    let mut sets = Vec::new();
    let one = |id: &str| c.get(id).map(|v| v[0].clone());
    let put = |o: &mut Options, name: &str, v: Option<String>| {
        if let Some(v) = v {
            o.insert(name.to_string(), vec![v]);
        }
    };
    match section {
        "train" => {
            put(&mut o, "run", one("run"));
            put(&mut o, "accelerator", one("accelerator"));
            put(&mut o, "tariff_usd_per_kwh", one("tariff"));
            put(&mut o, "pue", one("pue"));
            put(&mut o, "mfu", one("mfu"));
            sets.extend(one("life").map(|v| format!("ownership.hardware_life_years={v}")));
            sets.extend(one("coc").map(|v| format!("ownership.cost_of_capital={v}")));
            o.insert("region".into(), c["region"].clone());
        }
        "wafer" => {
            o.insert("node".into(), c["node"].clone());
            // A die area set replaces the die chosen.
            match one("area") {
                Some(area) => put(&mut o, "die_area", Some(area)),
                None => put(&mut o, "die", one("die")),
            }
            put(&mut o, "d0", one("d0"));
        }
        "strategy" => {
            if one("samples").as_deref() != Some("0") {
                put(&mut o, "samples", one("samples"));
                put(&mut o, "seed", Some("1".into()));
            }
            put(&mut o, "drivers", Some("off".into()));
            put(&mut o, "euv_year", one("euv"));
            sets.extend(one("budget").map(|v| format!("strategy.budget_usd={v}")));
            sets.extend(one("rd").map(|v| format!("path.euv-first.rd_share={v}")));
        }
        other => panic!("no section {other}"),
    }
    if !sets.is_empty() {
        o.insert("set".into(), sets);
    }
    o
}

/// The command line's JSON answer for a section's options.
fn command_line(section: &str, o: &Options) -> Result<Value, String> {
    let named: Vec<Named> = o
        .iter()
        .map(|(k, v)| {
            // A list the command line takes comma-joined (--node) is one word.
            let values = if k == "node" { vec![v.join(",")] } else { v.clone() };
            Named::new(k.clone(), values)
        })
        .collect();
    match api::run_json(&[section], &named, false) {
        Ok(a) => Ok(serde_json::from_str(&a.json).unwrap()),
        Err(Refusal::Input(d)) => Err(d.to_string()),
        Err(Refusal::Usage(u)) => Err(u),
    }
}

/// The answer's rows: the object, or each of an array.
fn rows(answer: &Value) -> Vec<&Value> {
    match answer {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    }
}

/// The columns the page should show: the regions, the nodes, or the paths the command line
/// answered.
fn columns(section: &str, answer: &Value) -> std::collections::BTreeSet<String> {
    let of = |key: &str| rows(answer).iter().map(|r| r[key].as_str().unwrap().to_string()).collect();
    match section {
        "train" => of("region"),
        "wafer" => of("node"),
        _ => answer["paths"].as_object().unwrap().keys().cloned().collect(),
    }
}

/// The figure `name` of column `col` as the command line's JSON gives it: each figure the page
/// shows, restated from the answer's own fields.
fn expected(section: &str, name: &str, col: &str, answer: &Value) -> Value {
    let one = |key: &str| -> &Value {
        rows(answer)
            .into_iter()
            .find(|r| r[key] == *col)
            .unwrap_or_else(|| panic!("the command line has no {key} {col}"))
    };
    match section {
        "train" => {
            let r = one("region");
            let ledger = r["ledger"].as_array().unwrap();
            let item = |name: &str| ledger.iter().find(|l| l["item"] == name).unwrap();
            let largest = ledger
                .iter()
                .max_by(|a, b| a["usd"].as_f64().unwrap().total_cmp(&b["usd"].as_f64().unwrap()));
            match name {
                "ledger.electricity.usd" => item("electricity")["usd"].clone(),
                "ledger.electricity.share" => item("electricity")["share"].clone(),
                "largest_item" => largest.unwrap()["item"].clone(),
                "largest_item.share" => largest.unwrap()["share"].clone(),
                key => r[key].clone(),
            }
        }
        "wafer" => {
            let r = one("node");
            match name {
                "exposures.euv" => r["exposures"].get("euv").cloned().unwrap_or(Value::from(0.0)),
                key => r[key].clone(),
            }
        }
        "strategy" => {
            let p = &answer["paths"][col];
            let last = answer["years"].as_array().unwrap().len() - 1;
            let sampled = answer.get("samples").is_some_and(|n| n.as_u64().unwrap_or(0) > 0);
            // A sampled figure's percentile, or the central value for each of them.
            let at = |v: &Value, q: &str| if v.is_number() { v.clone() } else { v[q].clone() };
            let cum = &p["cumulative_compute_flop"][last];
            match name {
                "cumulative_compute_flop.p50" => at(cum, "p50"),
                "cumulative_compute_flop.p5" => at(cum, "p5"),
                "cumulative_compute_flop.p95" => at(cum, "p95"),
                "rd_share" => p["rd_share"].clone(),
                "euv_arrival.p50" => match &p["euv_arrival"] {
                    Value::Number(_) => p["euv_arrival"].clone(),
                    e => e.get("p50").cloned().unwrap_or(Value::from("never")),
                },
                "p_lead" if sampled => answer["p_lead"][col][last].clone(),
                "p_lead" => Value::from("not sampled"),
                "break_even_year.p50" => match answer["break_even_year"].get(col) {
                    None => Value::from("–"),
                    Some(b) => match &b["year"] {
                        Value::Null => b["status"]
                            .as_str()
                            .map_or(Value::from("–"), |s| Value::from(s.replace('_', " "))),
                        Value::Number(_) => b["year"].clone(),
                        y => y.get("p50").cloned().unwrap_or(Value::from("–")),
                    },
                },
                other => panic!("the test does not know the figure {other}"),
            }
        }
        other => panic!("no section {other}"),
    }
}

/// How many figures each column of a section's table shows.
const ROWS: [(&str, usize); 3] = [("train", 14), ("wafer", 12), ("strategy", 7)];

/// A number as the page writes it for the eye ("$65 M", "5.26 %", "6.71e29 FLOP", "38,337"),
/// and half the unit of its last digit: what it can be off by from the exact value.
fn read_shown(text: &str) -> Option<(f64, f64)> {
    let t = text.trim().replace(',', "");
    let (sign, t) = t.strip_prefix('-').map_or((1.0, t.as_str()), |r| (-1.0, r));
    let t = t.strip_prefix('$').unwrap_or(t);
    let (number, scale) = [(" %", 0.01), (" tn", 1e12), (" bn", 1e9), (" M", 1e6), (" FLOP", 1.0)]
        .iter()
        .find_map(|(unit, scale)| t.strip_suffix(unit).map(|n| (n, *scale)))
        .unwrap_or((t, 1.0));
    let (mantissa, exponent) = number.split_once('e').map_or((number, 0), |(m, e)| (m, e.parse().unwrap()));
    let decimals = mantissa.split_once('.').map_or(0, |(_, d)| d.len() as i32);
    let value: f64 = number.parse().ok()?;
    Some((sign * value * scale, 0.5 * 10f64.powi(exponent - decimals) * scale))
}

/// Sets every figure the page showed beside the command line's: its exact value within a
/// relative 1e-9 (the same code computes both, but the browser's WebAssembly has its own exp,
/// ln and pow, Rust's libm, which may differ from the system's in the last bits), and its text
/// within the rounding of its last digit. The columns are the command line's.
fn same_figures(section: &str, shown: &Value, answer: &Value, when: &str) {
    let texts = shown["texts"].as_object().unwrap();
    let shown = shown["figures"].as_object().unwrap();
    let rows = ROWS.iter().find(|r| r.0 == section).unwrap().1;
    let cols: std::collections::BTreeSet<String> =
        shown.keys().map(|k| k.split_once('@').unwrap().1.to_string()).collect();
    assert_eq!(cols, columns(section, answer), "{when}: {section}'s columns");
    assert_eq!(shown.len(), rows * cols.len(), "{when}: {section} shows {} figures", shown.len());
    for (key, got) in shown {
        let (name, col) = key.split_once('@').unwrap();
        let want = expected(section, name, col, answer);
        let text = texts[key].as_str().unwrap();
        match (got.as_f64(), want.as_f64()) {
            (Some(g), Some(w)) => {
                let tolerance = 1e-9 * w.abs().max(f64::MIN_POSITIVE);
                assert!(
                    (g - w).abs() <= tolerance,
                    "{when}: {section} {key}: the page holds {g}, the command line {w}"
                );
                let (read, half) =
                    read_shown(text).unwrap_or_else(|| panic!("{when}: {section} {key} reads {text:?}"));
                assert!(
                    (read - w).abs() <= half * (1.0 + 1e-9),
                    "{when}: {section} {key} reads {text:?} for {w}"
                );
            }
            // A figure the command line answers null (no rental price): an empty cell, "–".
            _ if want.is_null() => {
                assert_eq!((got.as_str(), text), (Some(""), "–"), "{when}: {section} {key}");
            }
            _ => {
                assert_eq!(got, &want, "{when}: {section} {key}");
                assert_eq!(text, want.as_str().unwrap(), "{when}: {section} {key}'s text");
            }
        }
    }
}

/// The charts a section draws: a waterfall per region and the energy share; the cost bars and a
/// map per node; the fan. Each map's whole dies are the ledger's gross dies, and its good ones
/// its expected good dies to within one.
fn same_charts(section: &str, shown: &Value, answer: &Value, when: &str) {
    let n = rows(answer).len() as u64;
    let charts = shown["charts"].as_u64().unwrap();
    match section {
        "train" | "wafer" => assert_eq!(charts, n + 1, "{when}: {section}'s charts"),
        _ => assert_eq!(charts, 1, "{when}: {section}'s charts"),
    }
    if section == "wafer" {
        let maps = shown["maps"].as_array().unwrap();
        assert_eq!(maps.len() as u64, n, "{when}: a map per node");
        for (m, r) in maps.iter().zip(rows(answer)) {
            let count = |k: &str| m.get(k).and_then(Value::as_f64).unwrap_or(0.0);
            let gross = r["gross_dies"].as_f64().unwrap();
            assert_eq!(count("good") + count("defective"), gross, "{when}: {}'s map", r["node"]);
            let good = r["good_dies"].as_f64().unwrap();
            assert!(
                (count("good") - good).abs() <= 0.5,
                "{when}: {}'s map shows {} good of {good}",
                r["node"],
                count("good")
            );
        }
    }
}

/// The page's options as the test's (lists and single values alike as lists of text).
fn sent(v: &Value) -> Options {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let list = match v {
                Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
                Value::String(s) if k == "node" => s.split(',').map(str::to_string).collect(),
                Value::String(s) => vec![s.clone()],
                other => vec![other.to_string()],
            };
            (k.clone(), list)
        })
        .collect()
}

fn sorted(mut o: Options) -> Options {
    for v in o.values_mut() {
        v.sort();
    }
    o
}

#[test]
fn the_page_answers_as_the_command_line_does_and_a_link_restores_it() {
    let Some(page) = page() else { return };
    let url = format!("file://{}", page.display());
    let report = selftest(&format!("{url}?selftest=1"));

    // Nothing fetched, nothing the policy had to block.
    assert_eq!(report["resources"], serde_json::json!([]), "the page fetched");
    assert_eq!(report["blocked"], serde_json::json!([]), "the page tried to fetch");
    assert!(report["status"].as_str().unwrap().starts_with("Ready"), "{}", report["status"]);

    let mut state = defaults();
    let check = |section: &str, c: &Controls, shown: &Value, when: &str| {
        let o = to_options(section, c);
        assert_eq!(shown["error"], Value::Null, "{when}: {section} shows a refusal");
        assert_eq!(
            sorted(sent(&shown["options"])),
            sorted(o.clone()),
            "{when}: the page asked for other inputs"
        );
        let answer = command_line(section, &o).unwrap();
        same_figures(section, shown, &answer, when);
        same_charts(section, shown, &answer, when);
    };
    for (section, c) in &state {
        check(section, c, &report["initial"][section], "at first");
    }

    // Every slider moved; a region and a node ticked; an accelerator, a die and the samples
    // chosen; a slider given back to the data. Each move changes the numbers, and the page
    // then shows the command line's answer for the inputs the test states.
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 17, "every slider, two boxes, three choices (one twice), a reset");
    let mut times = Vec::new();
    for step in steps {
        let (section, control) = (step["section"].as_str().unwrap(), step["control"].as_str().unwrap());
        let value = step["value"].as_str().unwrap();
        let when = format!("after {section} {control} = {value}");
        let c = state.get_mut(section).unwrap();
        // A die chosen while a die area is set changes nothing: the area stands in for it.
        let still = section == "wafer" && control == "die" && c.contains_key("area");
        apply(c, control, value);
        let moved = step["moved"].as_u64().unwrap();
        assert_eq!(moved == 0, still, "{when}: {moved} numbers moved");
        check(section, c, step, &when);
        times.push(format!("{section} {control}: {:.1} ms", step["ms"].as_f64().unwrap()));
    }
    // Recorded, not asserted (the benchmark's job): what a move took in this browser.
    eprintln!("a move recomputed and redrew in: {}", times.join(", "));

    // The drivers, on request: the command line's, in its order.
    let mut o = to_options("strategy", &state["strategy"]);
    o.remove("samples");
    o.remove("seed");
    o.insert("drivers".into(), vec!["on".into()]);
    let drivers = command_line("strategy", &o).unwrap()["drivers"].as_array().unwrap().clone();
    let want: Vec<Value> = drivers.iter().take(12).map(|d| d["parameter"].clone()).collect();
    assert_eq!(report["drivers"].as_array().unwrap(), &want, "the drivers shown");

    // Its exports: the CSV the button gives, every figure exactly; the charts as SVG.
    for (section, what) in [("train", "region"), ("wafer", "node"), ("strategy", "path")] {
        let e = &report["exports"][section];
        let csv = e["csv"].as_str().unwrap();
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(format!("figure,{what},value").as_str()));
        let figures = report["final"][section]["figures"].as_object().unwrap();
        let mut n = 0;
        for line in lines {
            let fields: Vec<&str> = line.rsplitn(2, ',').collect();
            let key = fields[1].replacen(',', "@", 1).trim_matches('"').to_string();
            let got = &figures[&key];
            match got.as_f64() {
                Some(v) => assert_eq!(fields[0].parse::<f64>().ok(), Some(v), "{section} CSV: {line}"),
                None => {
                    assert_eq!(fields[0].trim_matches('"'), got.as_str().unwrap(), "{section} CSV: {line}")
                }
            }
            n += 1;
        }
        assert_eq!(n, figures.len(), "{section}'s CSV has a row per figure");
        let svg = e["svg"].as_str().unwrap();
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|err| panic!("{section}'s SVG: {err}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert!(doc.root_element().attribute("viewBox").is_some());
        assert!(
            doc.descendants().filter(|n| n.has_tag_name("text")).count() > 3,
            "{section}'s SVG has no labels"
        );
    }

    // The link restores the view: the same inputs, the same figures, bit for bit.
    let hash = report["hash"].as_str().unwrap();
    assert!(hash.starts_with('#') && hash.contains("t.tariff="), "{hash}");
    let restored = selftest(&format!("{url}?selftest=restore{hash}"));
    for section in ["train", "wafer", "strategy"] {
        for field in ["state", "options", "figures", "texts", "error"] {
            assert_eq!(
                restored["final"][section][field], report["final"][section][field],
                "{section}'s {field} from the link {hash}"
            );
        }
    }
    let status = restored["status"].as_str().unwrap();
    assert!(status.starts_with("Ready") && !status.contains("Not taken"), "{status}");
}

#[test]
fn a_bad_link_is_refused_by_name_and_out_of_range_input_as_the_command_line_refuses_it() {
    let Some(page) = page() else { return };
    let url = format!("file://{}", page.display());
    let r = selftest(&format!(
        "{url}?selftest=restore#t.region=cn-nm,xx-yy&t.tariff=abc&t.mfu=0x10&q.z=1&t.pue.x=2&w.node=zz&t.pue=0.5"
    ));
    let status = r["status"].as_str().unwrap();
    for problem in [
        "t.region: no xx-yy in the data",
        "t.tariff=abc is not a number",
        "t.mfu=0x10 is not a number",
        "q.z is not a control",
        "t.pue.x is not a control",
        "w.node: no zz in the data",
    ] {
        assert!(status.contains(problem), "the status does not say {problem:?}: {status}");
    }
    // A list with nothing the data has keeps the page's own.
    assert_eq!(r["final"]["wafer"]["state"]["node"], serde_json::json!(["n7-smic", "n7-euv", "n5"]));
    // What the link could take it took: Inner Mongolia, with a PUE the model refuses, in the
    // command line's words.
    let mut c = defaults()["train"].clone();
    c.insert("region".into(), vec!["cn-nm".into()]);
    c.insert("pue".into(), vec!["0.5".into()]);
    let refusal = command_line("train", &to_options("train", &c)).unwrap_err();
    assert!(refusal.contains("--pue"), "{refusal}");
    assert_eq!(r["final"]["train"]["error"].as_str(), Some(refusal.as_str()));
    assert_eq!(r["final"]["train"]["figures"], serde_json::json!({}));
    // The other sections are untouched.
    assert_eq!(r["final"]["wafer"]["error"], Value::Null);
    assert_eq!(r["resources"], serde_json::json!([]));
}

#[test]
fn the_page_is_one_file_that_names_nothing_outside_itself() {
    let Some(page) = page() else { return };
    let html = std::fs::read_to_string(page).unwrap();
    // The policy: nothing from anywhere, the page's one script by its hash, and WebAssembly.
    let policy =
        html.split("Content-Security-Policy\" content=\"").nth(1).unwrap().split('"').next().unwrap();
    assert!(policy.starts_with("default-src 'none'; script-src 'sha256-"), "{policy}");
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    for banned in [" src=", "href=\"http", "<link", "@import", "url(http", "<iframe", "<object", "<embed"] {
        assert!(!html.contains(banned), "the page holds {banned}");
    }
    assert_eq!(html.matches("<script").count(), 1, "one script");
}
