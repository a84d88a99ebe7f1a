//! `waferwatt validate` (the calibration record), `--method` presets and `waferwatt compare`.

mod common;

use common::*;

#[test]
fn validate_prints_the_calibration_table_and_passes() {
    let text = ok(&["validate"]);
    for column in ["case", "quantity", "model", "published", "difference", "tolerance", "result", "source"] {
        assert!(text.lines().next().unwrap().contains(column), "no column {column}");
    }
    assert!(text.contains("Epoch 2024 method: Llama 3.1 405B amortised hardware"));
    assert!(!text.contains("FAIL") && !text.contains("ERROR"), "{text}");
    let v = json(&["validate", "--format", "json"]);
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 16, "{} cases", cases.len());
    assert_eq!(v["passed"], v["total"]);
    for c in cases {
        let (model, lo, hi) = (
            c["model"].as_f64().unwrap(),
            c["accepted"][0].as_f64().unwrap(),
            c["accepted"][1].as_f64().unwrap(),
        );
        assert!(lo <= model && model <= hi, "{}", c["id"]);
        assert!(!c["tolerance"]["note"].as_str().unwrap().is_empty());
    }
    // The CSV has as many fields in each row as in its header (quoted commas are no separators).
    let csv = ok(&["validate", "--format", "csv"]);
    let mut lines = csv.lines();
    let head = csv_fields(lines.next().unwrap());
    assert_eq!(lines.clone().count(), cases.len());
    assert!(lines.all(|l| csv_fields(l) == head), "{csv}");
}

#[test]
fn a_case_pushed_out_of_its_tolerance_fails_validate() {
    // A rental price of 3 USD an hour against DeepSeek's published 2: the case must fail, by name.
    let o = waferwatt(&["validate", "--set", "run.deepseek-v3.rental_usd_per_hour=3"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("FAIL"));
    assert!(stderr(&o).contains("deepseek-v3-rental"), "{}", stderr(&o));
    // The H100 at 350 W halves the Epoch energy case: out of its 0.5 %.
    let o = waferwatt(&["validate", "--only", "epoch", "--set", "accelerator.h100-sxm.tdp_w=350"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("epoch-llama-3-1-405b-energy"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("bloom"), "only the H100's cases move: {}", stderr(&o));
    // Nothing matches: refused as input.
    assert!(bad_input(&["validate", "--only", "no-such-case"]).contains("--only"));
}

#[test]
fn the_epoch_preset_runs_on_the_command_line_and_is_refused_where_it_does_not_apply() {
    let v = json(&[
        "train",
        "--run",
        "llama-3.1-405b",
        "--method",
        "epoch-2024",
        "--start",
        "2024-02-24",
        "--format",
        "json",
    ]);
    assert_eq!(v["method"], "epoch-2024");
    assert_eq!(v["pue_basis"], "method's");
    let lines = v["ledger"].as_array().unwrap();
    assert_eq!(lines[2]["usd"], 0.0, "no facility in Epoch's method");
    assert_eq!(lines[4]["usd"], 0.0, "no maintenance in Epoch's method");
    assert!(v["upfront_capex_usd"].as_f64().unwrap() > 0.0);
    assert!(bad_input(&["train", "--method", "nope"]).contains("unknown method"));
    assert!(bad_input(&["train", "--run", "gpt-3", "--start", "2024-13-01"]).contains("YYYY-MM-DD"));
}

#[test]
fn compare_bridges_a_preset_to_the_default() {
    let v = json(&[
        "compare",
        "--method",
        "default",
        "--method",
        "epoch-2024",
        "train",
        "--run",
        "llama-3.1-405b",
        "--start",
        "2024-02-24",
        "--format",
        "json",
    ]);
    let r = &v["regions"][0];
    let (a, b) =
        (r["a"]["ledger"]["total_usd"].as_f64().unwrap(), r["b"]["ledger"]["total_usd"].as_f64().unwrap());
    let steps: f64 = r["bridge"].as_array().unwrap().iter().map(|s| s["usd"].as_f64().unwrap()).sum();
    assert!((a + steps - b).abs() < 1e-6 * b, "the bridge sums to the difference: {a} + {steps} ≠ {b}");
    let inputs: Vec<&str> =
        r["bridge"].as_array().unwrap().iter().map(|s| s["input"].as_str().unwrap()).collect();
    // The start decays the price under both methods at the same rate: no step for it.
    assert!(!inputs.contains(&"accelerator_price_usd"), "{inputs:?}");
    for moved in ["hardware_life_years", "cost_of_capital", "facility_capex_usd_per_mw"] {
        assert!(inputs.contains(&moved), "{moved} is a step: {inputs:?}");
    }
    let text = ok(&["compare", "--method", "default", "--method", "epoch-2024", "train", "--run", "gpt-3"]);
    assert!(text.contains("bridge: what accounts for"), "{text}");
    assert!(bad_input(&["compare", "--method", "epoch-2024", "train", "--run", "gpt-3"]).contains("two"));
}

#[test]
fn the_fleet_presets_apply_their_rules_and_compare_bridges_them() {
    let fleet = [
        "--scanners",
        "nxt2000i=100",
        "--node",
        "n7-duv",
        "--accelerator",
        "ascend-910c",
        "--hbm-stacks-per-month",
        "none",
        "--packaging-wafers-per-month",
        "none",
        "--format",
        "json",
    ];
    let with = |method: &str| {
        let mut args = vec!["fleet", "--method", method];
        args.extend(fleet);
        json(&args)
    };
    // AI Futures' rule: 1,000 wafer starts a month a scanner, 28 working accelerators a wafer.
    let v = with("ai-futures");
    assert_eq!(v["wafer_starts_per_month"].as_f64().unwrap(), 100.0 * 1000.0);
    assert!((v["accelerators_per_year"].as_f64().unwrap() - 100.0 * 1000.0 * 28.0 * 12.0).abs() < 1e-3);
    // fabanalysis's rule: rated throughput × hours × 0.8 ÷ the node's immersion exposures.
    let v = with("rated-throughput");
    let exposures =
        json(&["wafer", "--node", "n7-duv", "--format", "json"])["exposures"]["arfi"].as_f64().unwrap();
    let expected = 100.0 * 275.0 * 8760.0 / 12.0 * 0.8 / exposures;
    assert!((v["wafer_starts_per_month"].as_f64().unwrap() / expected - 1.0).abs() < 1e-9);
    // A method of another command is refused by name.
    assert!(bad_input(&["fleet", "--method", "epoch-2024"]).contains("not of `fleet`"));

    let mut args = vec!["compare", "--method", "default", "--method", "ai-futures", "fleet"];
    args.extend(fleet);
    let c = json(&args);
    let (a, b) = (
        c["a"]["fleet"]["accelerators_per_year"].as_f64().unwrap(),
        c["b"]["fleet"]["accelerators_per_year"].as_f64().unwrap(),
    );
    let steps: f64 =
        c["bridge"].as_array().unwrap().iter().map(|s| s["accelerators_per_year"].as_f64().unwrap()).sum();
    assert!((a + steps - b).abs() <= 1e-6 * b.max(a), "{a} + {steps} ≠ {b}");
    assert!(c["bridge"].as_array().unwrap().iter().any(|s| s["step"] == "capacity_rule"));
}

#[test]
fn the_analytic_preset_counts_dies_as_count_analytic_does_on_wafer_chip_and_fleet() {
    let wafer = |extra: &[&str]| {
        let mut args = vec!["wafer", "--node", "n5", "--die", "gh100", "--format", "json"];
        args.extend(extra);
        json(&args)["gross_dies"].as_f64().unwrap()
    };
    assert_eq!(wafer(&["--method", "analytic"]), wafer(&["--count", "analytic"]));
    assert_ne!(wafer(&["--method", "analytic"]), wafer(&[]), "the formula is not the exact count");
    let chip = |extra: &[&str]| {
        let mut args = vec!["chip", "--accelerator", "h100-sxm", "--format", "json"];
        args.extend(extra);
        json(&args)["build_cost_usd"].as_f64().unwrap()
    };
    assert_eq!(chip(&["--method", "analytic"]), chip(&["--count", "analytic"]));
    // A flag still wins over the method.
    assert_eq!(chip(&["--method", "analytic", "--count", "exact"]), chip(&[]));
    let e = bad_input(&["wafer", "--method", "epoch-2024"]);
    assert!(e.contains("not of `wafer`") && e.contains("`analytic`"), "{e}");
}

#[test]
fn a_tpu_runs_in_its_own_server() {
    // Epoch's TPU figures (training-cost-trends, energy.py): a TPU host draws 1.56 × the chip's
    // TDP, at 0.43 of it on average in training, where a GPU server is 1.82 and 0.75.
    let v = json(&["train", "--accelerator", "tpu-v5p", "--accelerator-hours", "1e6", "--format", "json"]);
    let tdp = 540.0;
    assert!((v["peak_it_kw_per_accelerator"].as_f64().unwrap() - tdp * 1.56 / 1000.0).abs() < 1e-9);
    assert!((v["it_kw_per_accelerator"].as_f64().unwrap() - tdp * 1.56 * 0.43 / 1000.0).abs() < 1e-9);
    // A flag still wins.
    let v = json(&[
        "train",
        "--accelerator",
        "tpu-v5p",
        "--accelerator-hours",
        "1e6",
        "--avg-power-fraction",
        "0.6",
        "--format",
        "json",
    ]);
    assert!((v["it_kw_per_accelerator"].as_f64().unwrap() - tdp * 1.56 * 0.6 / 1000.0).abs() < 1e-9);
}

#[test]
fn a_price_is_decayed_only_when_asked_and_each_decay_is_said() {
    // A run with a published start is not decayed unless --start or a decaying method asks.
    let plain = json(&["train", "--run", "bloom-176b", "--format", "json"]);
    assert!(plain["notes"].as_array().unwrap().iter().all(|n| !n.as_str().unwrap().contains("valued at")));
    let epoch = json(&["train", "--run", "bloom-176b", "--method", "epoch-2024", "--format", "json"]);
    assert!(
        epoch["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("2022-03-11")),
        "{}",
        epoch["notes"]
    );
    // A price set with --set has no source year: it is not decayed, and says so, rather than fail.
    let o = json(&[
        "train",
        "--run",
        "bloom-176b",
        "--method",
        "epoch-2024",
        "--set",
        "accelerator.a100-sxm.price_usd=15000",
        "--format",
        "json",
    ]);
    assert!(o["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("has no date")));
    // A price date that is no date is refused by its own key.
    let dir = std::env::temp_dir().join(format!("ww-date-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad-date.toml");
    std::fs::write(&file, "[accelerator.h100-sxm]\nprice_date = \"2023-02-30\"\n").unwrap();
    let e = bad_input(&[
        "train",
        "--run",
        "gpt-3",
        "--accelerator",
        "h100-sxm",
        "--start",
        "2024-01-01",
        "--scenario",
        file.to_str().unwrap(),
    ]);
    assert!(e.contains("accelerator.h100-sxm.price_date") && e.contains("bad-date.toml"), "{e}");
    // validate takes data overrides only: a command section would be silently unused.
    std::fs::write(&file, "[train]\naccelerator_hours = 6e7\n").unwrap();
    assert!(bad_input(&["validate", "--scenario", file.to_str().unwrap()]).contains("[train]"));
    let _ = std::fs::remove_dir_all(&dir);
    // --only matches ids, groups and names in any case, a run's dots as the ids' dashes.
    let v = json(&["validate", "--only", "Llama-3.1", "--format", "json"]);
    assert!(v["total"].as_u64().unwrap() >= 4, "{}", v["total"]);
    // compare refuses a method against itself.
    assert!(
        bad_input(&[
            "compare",
            "--method",
            "epoch-2024",
            "--method",
            "epoch-2024",
            "train",
            "--run",
            "gpt-3"
        ])
        .contains("itself")
    );
}
