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

/// A section's options as the test states them (not as the page reports them): option name to
/// its values.
type Options = BTreeMap<String, Vec<String>>;

fn opts(pairs: &[(&str, &[&str])]) -> Options {
    pairs.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect()
}

/// What the page should ask of the model after each control it moves: the command line's option
/// for each control, written here from the controls' meaning.
fn apply(o: &mut Options, section: &str, control: &str, value: &str) {
    let mut set = |key: &str| {
        let list = o.entry("set".into()).or_default();
        list.retain(|s| !s.starts_with(&format!("{key}=")));
        list.push(format!("{key}={value}"));
    };
    let option = match (section, control) {
        ("train", "tariff") => "tariff_usd_per_kwh",
        ("train", "pue") => "pue",
        ("train", "mfu") => "mfu",
        ("train", "life") => return set("ownership.hardware_life_years"),
        ("train", "coc") => return set("ownership.cost_of_capital"),
        ("wafer", "area") => {
            o.remove("die");
            "die_area"
        }
        ("wafer", "d0") => "d0",
        ("strategy", "budget") => return set("strategy.budget_usd"),
        ("strategy", "rd") => return set("path.euv-first.rd_share"),
        ("strategy", "euv") => "euv_year",
        ("train", "region") | ("wafer", "node") => {
            // A box ticked: one more region or node, side by side.
            let list = o.get_mut(if control == "region" { "region" } else { "node" }).unwrap();
            if let Some(i) = list.iter().position(|v| v == value) {
                list.remove(i);
            } else {
                list.push(value.to_string());
            }
            return;
        }
        other => panic!("the test does not know the control {other:?}"),
    };
    o.insert(option.into(), vec![value.to_string()]);
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

/// The figure `name` of column `col` as the command line's JSON gives it: each figure the page
/// shows, restated from the answer's own fields.
fn expected(section: &str, name: &str, col: &str, answer: &Value) -> Value {
    let one = |key: &str| -> &Value {
        let rows: Vec<&Value> = match answer {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        rows.into_iter()
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
            let cum = &p["cumulative_compute_flop"][last];
            match name {
                "cumulative_compute_flop.p50" => cum["p50"].clone(),
                "cumulative_compute_flop.p5" => cum["p5"].clone(),
                "cumulative_compute_flop.p95" => cum["p95"].clone(),
                "rd_share" => p["rd_share"].clone(),
                "euv_arrival.p50" => p["euv_arrival"].get("p50").cloned().unwrap_or(Value::from("never")),
                "p_lead" => answer["p_lead"][col][last].clone(),
                "break_even_year.p50" => answer["break_even_year"]
                    .get(col)
                    .map_or(Value::from("–"), |b| b["year"]["p50"].clone()),
                other => panic!("the test does not know the figure {other}"),
            }
        }
        other => panic!("no section {other}"),
    }
}

/// How many figures each column of a section's table shows.
const ROWS: [(&str, usize); 3] = [("train", 14), ("wafer", 12), ("strategy", 7)];

/// Sets every figure the page showed beside the command line's, within a relative 1e-9: the
/// same code computes both, but the browser's WebAssembly has its own exp, ln and pow (Rust's
/// libm), which may differ from the system's in the last bits.
fn same_figures(section: &str, shown: &Value, answer: &Value, when: &str) {
    let shown = shown.as_object().unwrap();
    let rows = ROWS.iter().find(|r| r.0 == section).unwrap().1;
    let columns: std::collections::BTreeSet<&str> =
        shown.keys().map(|k| k.split_once('@').unwrap().1).collect();
    assert_eq!(shown.len(), rows * columns.len(), "{when}: {section} shows {} figures", shown.len());
    for (key, got) in shown {
        let (name, col) = key.split_once('@').unwrap();
        let want = expected(section, name, col, answer);
        match (got.as_f64(), want.as_f64()) {
            (Some(g), Some(w)) => {
                let tolerance = 1e-9 * w.abs().max(f64::MIN_POSITIVE);
                assert!(
                    (g - w).abs() <= tolerance,
                    "{when}: {section} {key}: the page shows {g}, the command line {w}"
                );
            }
            _ => assert_eq!(got, &want, "{when}: {section} {key}"),
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

    // The page's defaults, as the test states them.
    let mut state: BTreeMap<&str, Options> = BTreeMap::from([
        ("train", opts(&[("run", &["llama-3.1-405b"]), ("region", &["us-va", "us-ca", "cn-nm"])])),
        ("wafer", opts(&[("node", &["n7-smic", "n7-euv", "n5"]), ("die", &["ascend-910b"])])),
        ("strategy", opts(&[("samples", &["200"]), ("seed", &["1"]), ("drivers", &["off"])])),
    ]);
    for (section, o) in &state {
        let shown = &report["initial"][section];
        assert_eq!(shown["error"], Value::Null, "{section} refused its defaults");
        assert_eq!(sorted(sent(&shown["options"])), sorted(o.clone()), "{section}'s defaults");
        same_figures(section, &shown["figures"], &command_line(section, o).unwrap(), "at first");
        assert!(shown["charts"].as_u64().unwrap() >= 1, "{section} drew no chart");
    }
    // A waterfall per region and the energy share; a map per node and the cost bars.
    assert_eq!(report["initial"]["train"]["charts"], 4);
    assert_eq!(report["initial"]["wafer"]["charts"], 4);

    // Every slider moved, and a region and a node ticked: each move changes what it should
    // and nothing else, and the page then shows the command line's answer.
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 12, "every slider and two boxes");
    let mut times = Vec::new();
    for step in steps {
        let (section, control) = (step["section"].as_str().unwrap(), step["control"].as_str().unwrap());
        let value = step["value"].as_str().unwrap();
        let when = format!("after {section} {control} = {value}");
        let o = state.get_mut(section).unwrap();
        apply(o, section, control, value);
        assert_eq!(step["error"], Value::Null, "{when}: the page shows a refusal");
        assert_eq!(
            sorted(sent(&step["options"])),
            sorted(o.clone()),
            "{when}: the page asked for other inputs"
        );
        assert!(step["moved"].as_u64().unwrap() > 0, "{when}: no number moved");
        same_figures(section, &step["figures"], &command_line(section, o).unwrap(), &when);
        times.push(format!("{section} {control}: {:.1} ms", step["ms"].as_f64().unwrap()));
    }
    // Recorded, not asserted (the benchmark's job): what a move took in this browser.
    eprintln!("a move recomputed and redrew in: {}", times.join(", "));

    // Its exports: a CSV of every figure and the charts as SVG.
    for section in ["train", "wafer", "strategy"] {
        let e = &report["exports"][section];
        assert_eq!(e["csv_head"], "figure,column,value");
        let figures = report["final"][section]["figures"].as_object().unwrap().len() as u64;
        assert_eq!(e["csv_lines"].as_u64().unwrap(), figures + 1, "{section}'s CSV");
        assert!(e["svg_head"].as_str().unwrap().contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{e}");
    }

    // The link restores the view: the same inputs, the same figures, bit for bit.
    let hash = report["hash"].as_str().unwrap();
    assert!(hash.starts_with('#') && hash.contains("t.tariff="), "{hash}");
    let restored = selftest(&format!("{url}?selftest=restore{hash}"));
    for section in ["train", "wafer", "strategy"] {
        for field in ["state", "options", "figures", "error"] {
            assert_eq!(
                restored["final"][section][field], report["final"][section][field],
                "{section}'s {field} from the link {hash}"
            );
        }
    }
    assert!(restored["status"].as_str().unwrap().starts_with("Ready"), "{}", restored["status"]);
}

#[test]
fn a_bad_link_is_refused_by_name_and_out_of_range_input_as_the_command_line_refuses_it() {
    let Some(page) = page() else { return };
    let url = format!("file://{}", page.display());
    let r = selftest(&format!("{url}?selftest=restore#t.region=cn-nm,xx-yy&t.tariff=abc&q.z=1&t.pue=0.5"));
    let status = r["status"].as_str().unwrap();
    for problem in ["t.region: no xx-yy in the data", "t.tariff=abc is not a number", "q.z is not a control"]
    {
        assert!(status.contains(problem), "the status does not say {problem:?}: {status}");
    }
    // What the link could take it took: Inner Mongolia, with a PUE the model refuses, in the
    // command line's words.
    let o = opts(&[("run", &["llama-3.1-405b"]), ("region", &["cn-nm"]), ("pue", &["0.5"])]);
    let refusal = command_line("train", &o).unwrap_err();
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
