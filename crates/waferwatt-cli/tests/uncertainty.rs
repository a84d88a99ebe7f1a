//! Monte Carlo on the commands and `waferwatt sensitivity`, on the real binary.

mod common;

use common::*;
use serde_json::Value;

/// Every `{p5, p50, p95, mean}` object in `v`, by path.
fn summaries<'a>(v: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(o) if o.contains_key("p50") => out.push((path, v)),
        Value::Object(o) => o.iter().for_each(|(k, v)| summaries(v, format!("{path}.{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| summaries(v, format!("{path}.{i}"), out)),
        _ => {}
    }
}

#[test]
fn sampled_json_gives_ordered_percentiles_for_every_result() {
    let central = json(&["train", "--run", "llama-3.1-405b", "--format", "json"]);
    let v = json(&["train", "--run", "llama-3.1-405b", "--samples", "5000", "--format", "json"]);
    let mut found = Vec::new();
    summaries(&v, String::new(), &mut found);
    assert!(found.len() >= 20, "{}", found.len());
    for (path, s) in &found {
        let f = |k: &str| s[k].as_f64().unwrap_or_else(|| panic!("{path}.{k}"));
        assert!(f("p5") <= f("p50") && f("p50") <= f("p95"), "{path}: {s}");
        assert!(f("p5") <= f("mean") * (1.0 + 1e-12) && f("mean") <= f("p95") * (1.0 + 1e-12), "{path}: {s}");
    }
    // The central total lies inside the sampled 90 % band, which is wide: the hardware's life
    // alone moves the total by more than half (see the tornado test).
    let total = &v["total_usd"];
    let c = central["total_usd"].as_f64().unwrap();
    assert!(total["p5"].as_f64().unwrap() < c && c < total["p95"].as_f64().unwrap(), "{total} vs {c}");
    assert!(total["p95"].as_f64().unwrap() > 1.2 * total["p5"].as_f64().unwrap());
    // Fixed figures stay what they are; the run's published hours are not uncertain.
    assert_eq!(v["accelerator_hours"]["p5"], v["accelerator_hours"]["p95"]);
    assert_eq!(v["uncertainty"]["samples"], 5000);
    let uncertain = v["uncertainty"]["uncertain"].as_array().unwrap();
    assert!(
        uncertain.iter().any(|u| u["key"] == "ownership.hardware_life_years" && u["dist"] == "triangular")
    );
    // Strings and the reported figures are not sampled.
    assert_eq!(v["region"], "us-avg");
    assert_eq!(v["published"], central["published"]);
    // Every other number is a summary, in every format of region (a Chinese tariff in yuan too).
    for args in [
        &["train", "--run", "llama-3.1-405b", "--samples", "500", "--format", "json"][..],
        &[
            "train",
            "--run",
            "llama-3.1-405b",
            "--region",
            "cn-nm,us-va",
            "--samples",
            "500",
            "--format",
            "json",
        ],
        &["wafer", "--samples", "50", "--format", "json"],
    ] {
        let v = json(args);
        let mut plain = Vec::new();
        numbers_outside_summaries(&v, String::new(), &mut plain);
        assert!(plain.is_empty(), "{args:?}: plain numbers {plain:?}");
    }
}

/// Paths of numbers that are not inside a `{p5, p50, p95, mean}` object, the reported figures
/// or the run's description.
fn numbers_outside_summaries(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::Number(_) => out.push(path),
        Value::Object(o) if o.contains_key("p50") => {}
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| !["published", "uncertainty"].contains(&k.as_str()))
            .for_each(|(k, v)| numbers_outside_summaries(v, format!("{path}.{k}"), out)),
        Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, v)| numbers_outside_summaries(v, format!("{path}.{i}"), out))
        }
        _ => {}
    }
}

#[test]
fn seeded_runs_are_identical_whatever_the_thread_count() {
    for args in [
        &[
            "train",
            "--run",
            "llama-3.1-405b",
            "--region",
            "us-va,cn-nm",
            "--samples",
            "20000",
            "--format",
            "json",
        ][..],
        &[
            "train",
            "--run",
            "deepseek-v3",
            "--samples",
            "9000",
            "--sampler",
            "lhs",
            "--seed",
            "7",
            "--format",
            "csv",
        ],
        &["wafer", "--samples", "300", "--seed", "3", "--format", "json"],
    ] {
        let one = with_threads("1", args);
        assert_eq!(one, with_threads("2", args), "{args:?}");
        assert_eq!(one, with_threads("2", args), "{args:?}, again");
    }
    let a = with_threads("2", &["train", "--run", "llama-3.1-405b", "--samples", "1000", "--seed", "1"]);
    let b = with_threads("2", &["train", "--run", "llama-3.1-405b", "--samples", "1000", "--seed", "2"]);
    assert_ne!(a, b, "another seed draws other numbers");
}

#[test]
fn the_table_shows_percentiles_and_the_raw_file_every_sample() {
    let dir = std::env::temp_dir().join(format!("waferwatt-raw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let raw = dir.join("samples.csv");
    let raw_arg = raw.to_string_lossy().to_string();
    let t = ok(&["train", "--run", "llama-3.1-405b", "--samples", "2000", "--raw", &raw_arg]);
    assert!(t.contains("2000 samples (Monte Carlo, seed 1)"), "{t}");
    assert!(t.lines().any(|l| l.contains("p5") && l.contains("p50") && l.contains("p95")), "{t}");
    assert!(t.lines().any(|l| l.starts_with("total_usd")), "{t}");
    let text = std::fs::read_to_string(&raw).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2001);
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(&header[..2], ["sample", "kept"]);
    assert!(header.contains(&"ownership.hardware_life_years") && header.contains(&"total_usd"));
    // Every drawn number lies in its range.
    let col = header.iter().position(|h| *h == "ownership.hardware_life_years").unwrap();
    for l in &lines[1..] {
        let x: f64 = l.split(',').nth(col).unwrap().parse().unwrap();
        assert!((3.0..=7.0).contains(&x), "{x}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_ledger_command_samples() {
    for args in [
        &["wafer", "--samples", "200"][..],
        &["chip", "--accelerator", "mi300x", "--samples", "100"],
        &["fleet", "--samples", "200"],
    ] {
        let t = ok(args);
        assert!(t.contains(&format!("{} samples", args[args.len() - 1])), "{args:?}\n{t}");
    }
    let v = json(&["fleet", "--samples", "300", "--format", "json"]);
    let a = &v["accelerators_per_year"];
    assert!(a["p5"].as_f64().unwrap() < a["p95"].as_f64().unwrap(), "{a}");
    // Off: the central answer, as without --samples.
    assert_eq!(ok(&["wafer", "--samples", "200", "--uncertainty", "off"]), ok(&["wafer"]),);
}

#[test]
fn a_scenario_can_give_a_number_its_own_distribution() {
    let v = json(&[
        "train",
        "--run",
        "llama-3.1-405b",
        "--scenario",
        "dist-normal.toml",
        "--samples",
        "100",
        "--format",
        "json",
    ]);
    let price = v["uncertainty"]["uncertain"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["key"] == "accelerator.h100-sxm.price_usd")
        .cloned()
        .unwrap();
    assert_eq!(price["dist"], "normal");
    assert_eq!(price["low"], 22000.0);
    let err = bad_input(&["train", "--scenario", "bad-dist.toml", "--samples", "10"]);
    for must in [
        "bad-dist.toml:3:",
        "unknown distribution `triangle`",
        "did you mean `triangular`",
        "bad-dist.toml:5:",
        "lognormal",
    ] {
        assert!(err.contains(must), "expected `{must}` in\n{err}");
    }
}

/// A column of a `--raw` file, by header.
fn raw_column(text: &str, name: &str) -> Vec<f64> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{name} in {header:?}"));
    lines.map(|l| l.split(',').nth(col).unwrap().parse().unwrap()).collect()
}

#[test]
fn draws_keep_to_hard_limits_and_to_their_own_streams() {
    let dir = std::env::temp_dir().join(format!("waferwatt-streams-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let raw = |name: &str, extra: &[&str]| {
        let path = dir.join(name).to_string_lossy().to_string();
        let mut args = vec!["train", "--run", "llama-3.1-405b", "--samples", "3000", "--raw", &path];
        args.extend(extra);
        ok(&args);
        std::fs::read_to_string(&path).unwrap()
    };
    let base = raw("base.csv", &[]);
    let fixed = raw("fixed.csv", &["--set", "region.us-avg.grid_kgco2_per_kwh=0.367"]);
    // Fixing one number leaves every other number's draws as they were.
    let life = "ownership.hardware_life_years";
    assert_eq!(raw_column(&base, life), raw_column(&fixed, life));
    assert!(!fixed.lines().next().unwrap().contains("region.us-avg.grid_kgco2_per_kwh"));
    // ... so a what-if on a number the cost does not read leaves the cost's samples unchanged.
    assert_eq!(raw_column(&base, "total_usd"), raw_column(&fixed, "total_usd"));
    // A normal goodput about 0.95 with its p95 at 1: about 5 % of draws would pass 1; they
    // stop at 1, a share's limit.
    let path = dir.join("limit.csv").to_string_lossy().to_string();
    let args = ["train", "--params", "70B", "--tokens", "15T", "--samples", "4000", "--raw", &path];
    ok(&[&args[..], &["--scenario", "dist-at-limit.toml"]].concat());
    let goodput = raw_column(&std::fs::read_to_string(&path).unwrap(), "training.goodput");
    let at_limit = goodput.iter().filter(|g| **g == 1.0).count();
    assert!(goodput.iter().all(|g| *g <= 1.0));
    // 200 expected; a binomial standard deviation is about 14.
    assert!((140..=260).contains(&at_limit), "{at_limit} draws at the limit");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn several_nodes_are_named_by_node() {
    let t = ok(&["wafer", "--node", "n7-duv,n5", "--samples", "50", "--format", "csv"]);
    assert!(t.lines().any(|l| l.starts_with("n7-duv.cost_per_good_die_usd,")), "{t}");
    assert!(t.lines().any(|l| l.starts_with("n5.cost_per_good_die_usd,")), "{t}");
}

#[test]
fn the_tornado_puts_the_largest_swing_first_and_leaves_fixed_numbers_out() {
    let v = json(&[
        "sensitivity",
        "train",
        "--run",
        "llama-3.1-405b",
        "--output",
        "total_usd",
        "--format",
        "json",
    ]);
    let swings = v["swings"].as_array().unwrap();
    assert!(swings.len() >= 10);
    let width = |s: &Value| s["swing"].as_f64().unwrap();
    assert!(swings.windows(2).all(|w| width(&w[0]) >= width(&w[1])));
    for s in swings {
        let (lo, hi) = (s["at_low"].as_f64().unwrap(), s["at_high"].as_f64().unwrap());
        assert!((width(s) - (hi - lo).abs()).abs() <= 1e-6 * width(s).max(1.0));
    }
    let top = swings[0]["key"].as_str().unwrap().to_string();
    // Fixed by --set, the top number has no range and drops out of the tornado.
    let set = format!("{top}=5");
    let fixed = json(&[
        "sensitivity",
        "train",
        "--run",
        "llama-3.1-405b",
        "--output",
        "total_usd",
        "--format",
        "json",
        "--set",
        &set,
    ]);
    assert!(fixed["swings"].as_array().unwrap().iter().all(|s| s["key"] != top.as_str()));
    // A number the output does not read swings it by nothing.
    let rental = swings.iter().find(|s| s["key"] == "accelerator.h100-sxm.rental_usd_per_hour").unwrap();
    assert_eq!(width(rental), 0.0);
    let t = ok(&["sensitivity", "train", "--run", "llama-3.1-405b", "--output", "total_usd"]);
    assert!(t.starts_with("total_usd: "), "{t}");
    assert!(t.lines().nth(2).unwrap().starts_with(&top), "{t}");
}

#[test]
fn every_ledger_a_result_reads_through_is_swung() {
    // The MI300X's I/O dies are made on n7-euv, its compute dies on n5: both nodes' numbers
    // move its build cost.
    let v = json(&[
        "sensitivity",
        "chip",
        "--accelerator",
        "mi300x",
        "--output",
        "build_cost_usd",
        "--format",
        "json",
    ]);
    let keys: Vec<&str> =
        v["swings"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
    for node in ["node.n5.", "node.n7-euv."] {
        assert!(keys.iter().any(|k| k.starts_with(node)), "{node} in {keys:?}");
    }
    // A run on an accelerator priced by the chip ledger is moved by the wafer's numbers.
    let v = json(&[
        "sensitivity",
        "train",
        "--scenario",
        "../../../../scenarios/h100-on-n7-duv.toml",
        "--output",
        "us-va.ledger.accelerator amortization.usd",
        "--format",
        "json",
    ]);
    let swings = v["swings"].as_array().unwrap();
    let d0 =
        swings.iter().find(|s| s["key"] == "node.n7-duv.d0_per_cm2").expect("the wafer's defect density");
    assert!(d0["swing"].as_f64().unwrap() > 0.0);
}

#[test]
fn sobol_indices_come_with_their_confidence() {
    let v = json(&[
        "sensitivity",
        "train",
        "--run",
        "llama-3.1-405b",
        "--output",
        "ledger.electricity.usd",
        "--analysis",
        "sobol",
        "--samples",
        "2048",
        "--format",
        "json",
    ]);
    let idx = v["indices"].as_array().unwrap();
    let total = |s: &Value| s["total"].as_f64().unwrap();
    assert!(idx.windows(2).all(|w| total(&w[0]) >= total(&w[1])));
    for s in idx {
        assert!(s["first_conf"].as_f64().unwrap() >= 0.0 && s["total_conf"].as_f64().unwrap() >= 0.0);
        assert!((-0.2..=1.2).contains(&total(s)), "{s}");
    }
    // The electricity bill does not read the accelerator's price: its total index is nil.
    let price = idx.iter().find(|s| s["key"] == "accelerator.h100-sxm.price_usd").unwrap();
    assert_eq!(total(price), 0.0);
    assert_eq!(v["evaluations"], 2048 * (idx.len() + 2));
    // Numbers the result does not read (the rental price, the grid's carbon) get 0, not noise.
    for key in ["accelerator.h100-sxm.rental_usd_per_hour", "region.us-avg.grid_kgco2_per_kwh"] {
        let s = idx.iter().find(|s| s["key"] == key).unwrap();
        assert_eq!((s["first"].as_f64(), total(s)), (Some(0.0), 0.0), "{key}");
    }
    // A result of one number alone (the region's PUE): that number's first-order index is 1.
    let v = json(&[
        "sensitivity",
        "train",
        "--run",
        "llama-3.1-405b",
        "--output",
        "pue",
        "--analysis",
        "sobol",
        "--format",
        "json",
    ]);
    let pue =
        v["indices"].as_array().unwrap().iter().find(|s| s["key"] == "region.us-avg.pue").cloned().unwrap();
    assert!((pue["first"].as_f64().unwrap() - 1.0).abs() < 0.05, "{pue}");
    assert!(pue["first_conf"].as_f64().unwrap() < 0.05, "{pue}");
    // A result that does not move has no variance to share out.
    let t = ok(&[
        "sensitivity",
        "train",
        "--run",
        "llama-3.1-405b",
        "--output",
        "compute_flop",
        "--analysis",
        "sobol",
    ]);
    assert!(t.contains("compute_flop does not move"), "{t}");
}

#[test]
fn the_tornado_chart_is_svg_with_one_pair_of_bars_per_number() {
    let dir = std::env::temp_dir().join(format!("waferwatt-tornado-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tornado.svg").to_string_lossy().to_string();
    ok(&["sensitivity", "wafer", "--output", "cost_per_good_die_usd", "--chart", &path]);
    let svg = std::fs::read_to_string(&path).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("the chart parses as XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let bars = doc.descendants().filter(|n| n.has_tag_name("rect")).count() - 1;
    assert!(bars >= 2 && bars % 2 == 0, "{bars}");
    assert!(svg.contains("node.n7-smic.d0_per_cm2"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sampling_mistakes_exit_2_with_a_clear_message() {
    for (args, must) in [
        (&["train", "--run", "llama-3.1-405b", "--raw", "x.csv"][..], "no --samples"),
        (&["train", "--run", "llama-3.1-405b", "--samples", "10", "--explain"], "--explain"),
        (&["train", "--samples", "-5"], "not a whole number of samples"),
        (&["train", "--samples", "1.5"], "not a whole number of samples"),
        (&["wafer", "--samples", "10", "--map", "m.svg"], "--map"),
        (
            &["sensitivity", "train", "--run", "llama-3.1-405b", "--output", "total_us"],
            "did you mean `total_usd`",
        ),
        (&["sensitivity", "wafer", "--output", "masks", "--chart", "t.txt"], "ends in neither"),
        (
            &["sensitivity", "train", "--output", "total_usd", "--analysis", "sobol", "--chart", "t.svg"],
            "--analysis oat",
        ),
    ] {
        let err = bad_input(args);
        assert!(err.contains(must), "{args:?}: expected `{must}` in\n{err}");
    }
}

#[test]
fn every_sampled_figure_lands_on_its_own_place_in_the_json() {
    // A split is named by its chiplet count, which is itself a sampled figure: each split's
    // figures must land on that split, all of them, whichever is replaced first.
    let v = json(&[
        "chip",
        "--accelerator",
        "h100-sxm",
        "--chiplets",
        "1,2,4",
        "--samples",
        "64",
        "--format",
        "json",
    ]);
    let splits = v["splits"].as_array().expect("splits");
    assert_eq!(splits.len(), 3);
    let mut area = f64::INFINITY;
    for (split, k) in splits.iter().zip([1.0, 2.0, 4.0]) {
        let plain: Vec<&String> =
            split.as_object().unwrap().iter().filter(|(_, v)| v.is_number()).map(|(f, _)| f).collect();
        assert!(plain.is_empty(), "split {k}: {plain:?} not summarised");
        assert_eq!(split["chiplets"]["p50"].as_f64(), Some(k));
        let a = split["chiplet_area_mm2"]["p50"].as_f64().unwrap();
        assert!(a < area, "a split into more chiplets has smaller ones: {a} after {area}");
        area = a;
    }
}
