//! Tests of the real `waferwatt` binary: the README's commands, every output format, and
//! bad input (malformed scenario files under `tests/fixtures`, unknown ids, bad numbers,
//! conflicting flags), whose messages are kept as snapshots.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::{Value, json};

#[test]
fn every_waferwatt_command_in_the_readme_runs() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let commands: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("waferwatt "))
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .collect();
    assert!(commands.len() >= 10, "the README shows its commands");
    let maps = std::env::temp_dir().join(format!("waferwatt-readme-{}", std::process::id()));
    std::fs::create_dir_all(&maps).unwrap();
    for c in commands {
        // Files the README writes go to a scratch folder, not the repository.
        let args: Vec<String> = c
            .split_whitespace()
            .map(|a| {
                let written = [".svg", ".png", ".html", ".md", ".pdf"].iter().any(|e| a.ends_with(e));
                if written { maps.join(a).display().to_string() } else { a.to_string() }
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if args.contains(&"--pdf") && chromium().is_none() {
            // Without a browser to print with, the README's PDF is refused by name.
            let o = waferwatt_in(&root, &args);
            assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
            continue;
        }
        ok_in(&root, &args);
    }
    std::fs::remove_dir_all(&maps).ok();
    assert!(readme.contains("cargo run --release -p waferwatt-cli -- report"));
    assert!(readme.contains("cargo test --workspace"));
}

#[test]
fn readme_report_runs_on_the_built_in_data() {
    let out = ok(&["report"]);
    // The README's excerpt is the report's own words, line for line.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let section = readme.split("An excerpt:").nth(1).expect("an excerpt");
    let section = section.split("## Using it").next().unwrap_or_default();
    // Every code block of the excerpt (the odd parts between fences).
    let blocks: Vec<&str> = section.split("```").skip(1).step_by(2).collect();
    assert!(blocks.len() >= 2, "the excerpt and its range");
    for line in blocks.iter().flat_map(|b| b.lines()).filter(|l| !l.trim().is_empty()) {
        assert!(out.contains(line), "the README's excerpt line {line:?} is not in the report");
    }
    assert!(out.contains("THE ELECTRICITY ACCOUNT"));
    assert!(out.contains("Claim: \"electricity is the largest cost of training AI\""));
    assert!(out.contains("Verdict"));
    for region in ["us-va", "us-ca", "cn-nm"] {
        assert!(out.contains(region), "{region} missing from the report");
    }
}

#[test]
fn report_json_states_the_verdicts_with_their_numbers() {
    let v = json(&["report", "--format", "json"]);
    let e = &v["electricity"];
    assert_eq!(e["run"], "llama-3.1-405b");
    let regions = e["regions"].as_array().expect("regions");
    assert!(regions.len() >= 3);
    // The verdict follows the numbers: electricity is "largest anywhere" exactly when some
    // region's largest line is electricity.
    let any_largest = regions.iter().any(|r| r["largest_item"] == "electricity");
    let largest = &e["claims"]["largest"];
    assert_eq!(largest["verdict"] == "not_supported", !any_largest);
    let discount = &e["claims"]["discount"];
    assert!(!discount["tariff_gaps"].as_array().unwrap().is_empty());
    assert!(!discount["like_for_like"].as_array().unwrap().is_empty());
    // Every claim of the commentary has a verdict, an actor and its numbers, in one list.
    let claims = v["claims"].as_array().expect("claims");
    let ids: Vec<&str> = claims.iter().map(|c| c["claim"].as_str().unwrap()).collect();
    let data = ok(&["data", "list", "claim"]);
    for id in &ids {
        assert!(data.contains(id), "{id} is not a claim of the data");
    }
    assert_eq!(ids.len(), data.lines().skip(1).filter(|l| !l.trim().is_empty()).count(), "{data}");
    for c in claims {
        let verdict = c["verdict"].as_str().unwrap();
        assert!(
            ["supported", "partly", "not_supported", "unsettled", "not_measured"].contains(&verdict),
            "{verdict}"
        );
        assert!(!c["actor"].as_str().unwrap().is_empty());
        assert!(c["numbers"].as_array().unwrap().len() + c["parts"].as_array().unwrap().len() > 0, "{c}");
    }
    assert_eq!(e["run_source"]["id"], "llama-3.1-card");
}

#[test]
fn a_scenario_flows_into_the_report() {
    let base = json(&["report", "--format", "json"]);
    let dearer = json(&["report", "--format", "json", "--set", "region.us-va.tariff_usd_per_kwh=0.5"]);
    let va = |v: &Value| {
        v["electricity"]["regions"].as_array().unwrap().iter().find(|r| r["region"] == "us-va").unwrap()["total_usd"]
            .as_f64()
            .unwrap()
    };
    assert!(va(&dearer) > va(&base));
}

#[test]
fn data_check_passes_on_the_built_in_data() {
    let out = ok(&["data", "check"]);
    assert!(out.contains("all checks pass"), "{out}");
}

#[test]
fn data_list_show_and_sources() {
    let kinds = ok(&["data", "list"]);
    assert!(kinds.contains("accelerator") && kinds.contains("region"));
    let accels = ok(&["data", "list", "accelerator"]);
    for id in [
        "a100-sxm",
        "h100-sxm",
        "h800",
        "h20",
        "h200",
        "b200",
        "mi300x",
        "tpu-v5p",
        "ascend-910b",
        "ascend-910c",
    ] {
        assert!(accels.contains(id), "{id} missing");
    }
    let regions = ok(&["data", "list", "region"]);
    for id in ["us-va", "us-ca", "us-tx", "us-or", "us-avg", "cn-avg", "cn-nm", "cn-gz", "cn-nx", "cn-gs"] {
        assert!(regions.contains(id), "{id} missing");
    }
    let show = ok(&["data", "show", "h100-sxm"]);
    assert!(show.contains("tdp_w") && show.contains("epoch-ml-hardware"));
    let show = json(&["data", "show", "run.llama-3.1-405b", "--format", "json"]);
    assert!(show["fields"].as_array().unwrap().iter().any(|f| f["field"] == "accelerator_hours"));
    let sources = ok(&["data", "sources"]);
    assert!(sources.contains("deepseek-v3-report") && sources.contains("https://arxiv.org/abs/2412.19437"));
    let err = bad_input(&["data", "show", "h100"]);
    assert!(err.contains("did you mean") && err.contains("`h100-sxm`"), "{err}");
}

#[test]
fn data_numbers_lists_every_number_once_with_its_source() {
    let check = json(&["data", "check", "--format", "json"]);
    let all = json(&["data", "numbers", "--format", "json"]);
    let rows = all.as_array().unwrap();
    assert_eq!(rows.len() as u64, check["numbers"].as_u64().unwrap());
    let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "sorted, each once");
    // Every number cites an entry of the sources table, or says it is an assumption or a
    // definition.
    let sources = json(&["data", "sources", "--format", "json"]);
    let ids: Vec<&str> = sources.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    for r in rows {
        let source = r["source"].as_str().unwrap();
        assert!(ids.contains(&source) || ["assumption", "definition"].contains(&source), "{r}");
    }
    // A key whose id holds a dot is split at its last dot.
    let mol = rows.iter().find(|r| r["key"] == "layer.n5.mol.count").expect("layer.n5.mol.count");
    assert_eq!(
        (&mol["kind"], &mol["id"], &mol["field"]),
        (&json!("layer"), &json!("n5.mol"), &json!("count"))
    );
    let one = json(&["data", "numbers", "ownership", "--format", "json"]);
    assert!(one.as_array().unwrap().iter().all(|r| r["kind"] == "ownership" && r["id"].is_null()));
    // The CSV has a row a number, in the columns of `data show`; --set moves it.
    let csv = ok(&["data", "numbers", "region", "--format", "csv", "--set", "region.us-va.pue=1.3"]);
    assert!(csv.starts_with("key,value,low,high,dist,unit,source,year,note,label\n"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("region.us-va.pue,1.3,")), "{csv}");
    let err = bad_input(&["data", "numbers", "regoin"]);
    assert!(err.contains("unknown kind `regoin`") && err.contains("region"), "{err}");
}

#[test]
fn train_json_has_the_promised_fields_and_shares_sum_to_one() {
    let v = json(&["train", "--run", "deepseek-v3", "--format", "json"]);
    for field in [
        "accelerator_hours",
        "compute_flop",
        "implied_mfu",
        "wall_days",
        "energy_mwh",
        "emissions_tco2e",
        "ledger",
        "total_usd",
        "rental_usd",
    ] {
        assert!(v.get(field).is_some(), "{field} missing");
    }
    let ledger = v["ledger"].as_array().unwrap();
    let shares: f64 = ledger.iter().map(|l| l["share"].as_f64().unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-12);
    let usd: f64 = ledger.iter().map(|l| l["usd"].as_f64().unwrap()).sum();
    assert!((usd - v["total_usd"].as_f64().unwrap()).abs() < 1e-6 * usd);
    // DeepSeek-V3 technical report, table 1: 2.788 M H800-hours at 2 USD = 5.576 M USD.
    assert!((v["rental_usd"].as_f64().unwrap() - 5.576e6).abs() < 1.0);
}

#[test]
fn unknown_figures_are_null_in_json() {
    let v = json(&["train", "--accelerator-hours", "1000", "--format", "json"]);
    assert!(v["compute_flop"].is_null());
    assert!(v["implied_mfu"].is_null());
    assert!(v["wall_days"].is_null());
    let v = json(&["train", "--params", "1B", "--tokens", "20B", "--region", "us-tx", "--format", "json"]);
    assert!(v["rental_usd"].is_number(), "h100-sxm has a market rental price in the data");
    let v = json(&["train", "--accelerator", "h20", "--params", "1B", "--tokens", "20B", "--format", "json"]);
    assert!(v["rental_usd"].is_null(), "no rental price for h20 in the data");
}

#[test]
fn a_comma_list_of_regions_compares_side_by_side() {
    let v = json(&["train", "--run", "llama-3.1-405b", "--region", "us-va,us-ca,cn-nm", "--format", "json"]);
    let arr = v.as_array().expect("an array for several regions");
    assert_eq!(arr.len(), 3);
    let tariff = |i: usize| arr[i]["tariff_usd_per_kwh"].as_f64().unwrap();
    assert!(tariff(1) > tariff(0) && tariff(0) > tariff(2));
    let table = ok(&["train", "--run", "llama-3.1-405b", "--region", "us-va,cn-nm"]);
    let header = table.lines().nth(1).unwrap();
    assert!(header.contains("us-va") && header.contains("cn-nm"));
}

#[test]
fn csv_has_a_header_and_one_row_per_region() {
    let out =
        ok(&["train", "--params", "70B", "--tokens", "15T", "--region", "us-va,cn-gz", "--format", "csv"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    let cols = lines[0].split(',').count();
    assert!(lines.iter().all(|l| l.split(',').count() == cols));
    assert!(lines[0].starts_with("region,") && lines[0].contains("electricity_share"));
}

#[test]
fn flags_override_the_scenario_which_overrides_the_data() {
    let v = json(&["train", "--scenario", "own-accelerator-price.toml", "--format", "json"]);
    let arr = v.as_array().unwrap();
    assert_eq!(arr[0]["accelerator"], "ascend-910b");
    assert_eq!(arr[0]["mfu"].as_f64(), Some(0.3));
    let v = json(&[
        "train",
        "--scenario",
        "own-accelerator-price.toml",
        "--mfu",
        "0.35",
        "--region",
        "my-site",
        "--format",
        "json",
    ]);
    assert_eq!(v["mfu"].as_f64(), Some(0.35));
    assert_eq!(v["region"], "my-site");
}

#[test]
fn explain_names_formula_inputs_sources_and_origins() {
    let out = ok(&["train", "--run", "llama-3.1-405b", "--mfu", "0.4", "--explain"]);
    assert!(out.contains("how the us-avg figures were derived"));
    assert!(out.contains("crf(r, n) = r ÷ (1 − (1 + r)^−n)"));
    assert!(out.contains("accelerator.h100-sxm.price_usd [source: techspot-h100-price, 2023] (default)"));
    assert!(out.contains("(flag --mfu)"));
    let out = ok(&["train", "--scenario", "own-accelerator-price.toml", "--explain", "--region", "cn-gz"]);
    // A data override names its line in the scenario; so does a [train] input.
    assert!(
        out.contains(
            "accelerator.ascend-910b.price_usd [source: scenario] (scenario own-accelerator-price.toml:12:13)"
        ),
        "{out}"
    );
    assert!(out.contains("mfu = 0.300 fraction    (scenario own-accelerator-price.toml:9:7)"), "{out}");
    let v = json(&["train", "--run", "deepseek-v3", "--explain", "--format", "json"]);
    let steps = v["explain"].as_array().unwrap();
    assert!(steps.iter().any(|s| s["figure"] == "implied_mfu"
        && s["inputs"].as_array().unwrap().iter().any(|i| i["source"] == "deepseek-v3-report")));
}

#[test]
fn notes_say_when_a_request_changes_a_published_run_or_finds_no_deal() {
    let out = ok(&["train", "--run", "deepseek-v3", "--mfu", "0.4"]);
    assert!(out.contains("note: hours follow from --mfu = 0.4"), "{out}");
    let v = json(&["train", "--run", "deepseek-v3", "--region", "cn-nm", "--power-deal", "--format", "json"]);
    assert_eq!(v["power_deal"], false);
    assert!(v["notes"][0].as_str().unwrap().contains("no published data-centre deal"));
    let v = json(&[
        "train",
        "--run",
        "deepseek-v3",
        "--region",
        "cn-gz",
        "--power-deal",
        "false",
        "--format",
        "json",
    ]);
    assert_eq!(v["power_deal"], false);
}

#[test]
fn the_pue_says_where_it_came_from() {
    let region = json(&["train", "--run", "llama-3.1-405b", "--region", "us-va", "--format", "json"]);
    assert_eq!(region["pue_basis"], "region's typical");
    let facility =
        json(&["train", "--run", "llama-3.1-405b", "--facility", "hyperscale", "--format", "json"]);
    assert_eq!(facility["pue_basis"], "facility kind");
    assert_eq!(facility["pue"].as_f64(), Some(1.1));
}

#[test]
fn a_published_run_shows_what_its_authors_reported() {
    let v = json(&["train", "--run", "llama-3.1-405b", "--format", "json"]);
    assert_eq!(v["published"]["emissions_tco2e"].as_f64(), Some(8930.0));
    let out = ok(&["train", "--run", "deepseek-v3"]);
    assert!(out.contains("as published") && out.contains("$5.58 M"), "{out}");
}

#[test]
fn data_options_work_after_the_data_subcommand() {
    let out = ok(&["data", "check", "--scenario", "own-accelerator-price.toml"]);
    assert!(out.contains("all checks pass"), "{out}");
    let csv = ok(&["data", "check", "--format", "csv"]);
    assert!(csv.starts_with("ok,numbers,sources,assumptions,definitions,problems\ntrue,"), "{csv}");
}

#[test]
fn set_overrides_any_data_number() {
    let base = json(&["train", "--run", "llama-3.1-405b", "--format", "json"]);
    let lower = json(&[
        "train",
        "--run",
        "llama-3.1-405b",
        "--format",
        "json",
        "--set",
        "accelerator.h100-sxm.tdp_w=650",
    ]);
    assert!(lower["energy_mwh"].as_f64() < base["energy_mwh"].as_f64());
    let ratio = lower["energy_mwh"].as_f64().unwrap() / base["energy_mwh"].as_f64().unwrap();
    assert!((ratio - 650.0 / 700.0).abs() < 1e-12);
}

#[test]
fn the_power_deal_and_vat_change_chinese_prices_only() {
    let p = |args: &[&str]| json(args)["tariff_usd_per_kwh"].as_f64().unwrap();
    let base = ["train", "--params", "1B", "--tokens", "20B", "--format", "json", "--region"];
    let gz = [&base[..], &["cn-gz"]].concat();
    let tariff = p(&gz);
    assert!(p(&[&gz[..], &["--power-deal"]].concat()) < tariff);
    assert!(p(&[&gz[..], &["--vat", "included"]].concat()) > tariff);
    let va = [&base[..], &["us-va"]].concat();
    assert_eq!(p(&[&va[..], &["--power-deal", "--vat", "included"]].concat()), p(&va));
}

#[test]
fn bad_numbers_and_conflicts_exit_2() {
    let cases: &[&[&str]] = &[
        &["train", "--params", "405B", "--tokens", "15T", "--mfu", "1.5"],
        &["train", "--params", "405B", "--tokens", "15T", "--mfu", "-0.4"],
        &["train", "--params", "405B", "--tokens", "15T", "--pue", "0.9"],
        &["train", "--params", "405B", "--tokens", "15T", "--tariff-usd-per-kwh", "-0.1"],
        &["train", "--params", "405B", "--tokens", "15T", "--accelerators", "10.5"],
        &["train", "--params", "nan", "--tokens", "15T"],
        &["train", "--params", "inf", "--tokens", "15T"],
        &["train", "--params", "405B"],
        &["train", "--flop", "1e24", "--params", "405B", "--tokens", "15T"],
        &["train", "--run", "deepseek-v3", "--mfu", "0.5", "--accelerator-hours", "1000"],
        &["train", "--run", "deepseek-v3", "--accelerator-hours", "10"],
        &["train"],
        &["train", "--params", "405B", "--tokens", "15T", "--vat", "maybe"],
        &["train", "--params", "405B", "--tokens", "15T", "--set", "server.network_capex_fraction=1"],
        &["train", "--params", "405B", "--tokens", "15T", "--set", "accelerator.h100-sxm.price_usd=0"],
        &["train", "--params", "405B", "--tokens", "15T", "--set", "nonsense"],
        &["report", "--format", "csv"],
        // Results that would not be finite, or sizes of zero.
        &["train", "--run", "deepseek-v3", "--rental-usd-per-hour", "1e308"],
        &["train", "--run", "deepseek-v3", "--set", "run.deepseek-v3.accelerators=0"],
        &["train", "--run", "deepseek-v3", "--set", "run.deepseek-v3.tokens=0"],
        &["train", "--run", "deepseek-v3", "--set", "fx.cny_per_usd=0"],
        &["train", "--run", "deepseek-v3", "--set", "accelerator.h800.price_usd=1e308"],
        // Empty or repeated region lists.
        &["train", "--run", "deepseek-v3", "--region", ","],
        &["train", "--run", "deepseek-v3", "--region", "us-va,us-va"],
        // Terms that a given tariff would silently ignore.
        &[
            "train",
            "--run",
            "deepseek-v3",
            "--region",
            "cn-gz",
            "--tariff-usd-per-kwh",
            "0.05",
            "--power-deal",
        ],
        &["train", "--run", "deepseek-v3", "--tariff-usd-per-kwh", "0.05", "--vat", "included"],
        // An MFU with nothing to apply it to.
        &["train", "--accelerator-hours", "1000", "--mfu", "0.4"],
        &["train", "--run", "deepseek-v3", "--explain", "--format", "csv"],
        &["data", "check", "--set", "fx.cny_per_usd=0"],
    ];
    for args in cases {
        bad_input(args);
    }
}

#[test]
fn unknown_ids_name_the_nearest_valid_ones() {
    let err = bad_input(&["train", "--accelerator", "h100", "--params", "1B", "--tokens", "1T"]);
    insta::assert_snapshot!("unknown_accelerator", err);
    let err = bad_input(&["train", "--run", "deepseek-v4"]);
    assert!(err.contains("did you mean") && err.contains("`deepseek-v3`"), "{err}");
    let err = bad_input(&["train", "--run", "llama-3.1-405b", "--region", "us-va,cn-nn"]);
    assert!(err.contains("unknown region `cn-nn`") && err.contains("did you mean `cn-nm`"), "{err}");
    let err = bad_input(&["train", "--run", "llama-3.1-405b", "--set", "accelerator.h100-sxm.tdpw=650"]);
    insta::assert_snapshot!("unknown_field_in_set", err);
    let err = bad_input(&[
        "train",
        "--accelerator",
        "a100-sxm",
        "--params",
        "1B",
        "--tokens",
        "1T",
        "--precision",
        "fp8",
    ]);
    assert!(err.contains("no published dense fp8 peak"), "{err}");
}

#[test]
fn malformed_scenario_files_name_file_line_column_and_key() {
    for (file, must) in [
        (
            "typo-and-negative.toml",
            &[
                "typo-and-negative.toml:4:9",
                "accelerator.h100-sxm.tdp_w",
                "did you mean `low`",
                "did you mean `region`",
            ][..],
        ),
        ("broken-toml.toml", &["broken-toml.toml:3:7", "invalid TOML"][..]),
        ("incomplete-region.toml", &["region.my-hub.tariff_model", "incomplete-region.toml:4:8"][..]),
        (
            "bad-train-section.toml",
            &["train.acelerator", "did you mean `accelerator`", "train.mfu", "bad-train-section.toml:5:7"][..],
        ),
        (
            "share-out-of-range.toml",
            &["server.avg_power_fraction", "not a share between 0 and 1", "share-out-of-range.toml:4:22"][..],
        ),
        (
            "range-out-of-order.toml",
            &["accelerator.b200.price_usd", "range out of order", "range-out-of-order.toml:4:13"][..],
        ),
        ("unknown-run.toml", &["unknown run `deepseek-v4`", "unknown-run.toml:4:7", "train.run"][..]),
        (
            "two-part-missing-parts.toml",
            &[
                "region.cn-new.td_cny_per_kwh",
                "when tariff_model is `two-part`",
                "two-part-missing-parts.toml:4:8",
            ][..],
        ),
        ("flat-two-prices.toml", &["too many fields", "region.us-new.tariff_model"][..]),
        (
            "bad-defaults.toml",
            &["unknown accelerator `h101`", "bad-defaults.toml:5:15", "unknown region `nowhere`"][..],
        ),
    ] {
        let err = bad_input(&["train", "--scenario", file]);
        for m in must {
            assert!(err.contains(m), "{file}: expected `{m}` in\n{err}");
        }
        insta::assert_snapshot!(file.trim_end_matches(".toml"), err);
    }
    let err = bad_input(&["train", "--scenario", "no-such-file.toml"]);
    assert!(err.contains("cannot read scenario file no-such-file.toml"), "{err}");
}

#[test]
fn wafer_compares_nodes_side_by_side() {
    // The issue's own command.
    let out = ok(&["wafer", "--node", "n7-duv,n7-euv", "--die", "26x31.3"]);
    let header = out.lines().nth(1).unwrap();
    assert!(header.contains("n7-duv") && header.contains("n7-euv"));
    for row in ["masks", "scanner-hours per wafer", "litho share of cost", "cost per good die", "euv"] {
        assert!(out.contains(row), "{row} missing:\n{out}");
    }
}

#[test]
fn wafer_json_has_the_promised_fields() {
    let v = json(&["wafer", "--node", "n7-euv", "--die", "gh100", "--format", "json"]);
    for field in [
        "exposures",
        "masks",
        "scanner_hours",
        "litho_usd",
        "wafer_cost_usd",
        "wafer_price_usd",
        "litho_cost_share",
        "litho_time_share",
        "cycle_days",
        "gross_dies",
        "gross_dies_analytic",
        "die_yield",
        "good_dies",
        "cost_per_good_die_usd",
        "scanners_per_10k_wafers_month",
    ] {
        assert!(v.get(field).is_some(), "{field} missing");
    }
    assert_eq!(v["exposures"]["euv"].as_f64(), Some(5.0));
    assert!(v["scanners_per_10k_wafers_month"]["euv"].as_f64().unwrap() > 0.0);
    assert_eq!(v["scanners"]["euv"]["scanner"], "nxe3400c");
    // The good dies follow from gross dies and yield.
    let (g, y, good) = (
        v["gross_dies"].as_f64().unwrap(),
        v["die_yield"].as_f64().unwrap(),
        v["good_dies"].as_f64().unwrap(),
    );
    assert!((g * y - good).abs() < 1e-9);
    let several = json(&["wafer", "--node", "n5,n5-duv", "--format", "json"]);
    assert_eq!(several.as_array().map(Vec::len), Some(2));
    assert!(several[1]["exposures"].get("euv").is_none(), "n5-duv has no EUV layer");
}

#[test]
fn wafer_csv_and_analytic_count() {
    let out =
        ok(&["wafer", "--node", "n28,n16", "--die-area", "100", "--count", "analytic", "--format", "csv"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l.split(',').count() == lines[0].split(',').count()));
    let v = json(&["wafer", "--node", "n28", "--die-area", "100", "--count", "analytic", "--format", "json"]);
    assert_eq!(v["gross_dies"], v["gross_dies_analytic"]);
}

#[test]
fn the_wafer_map_is_svg_with_one_die_per_gross_die() {
    let dir = std::env::temp_dir().join(format!("waferwatt-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("map.svg");
    let v = json(&[
        "wafer",
        "--node",
        "n7-duv",
        "--die",
        "phone-soc",
        "--map",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let svg = std::fs::read_to_string(&file).expect("the map was written");
    let doc = roxmltree::Document::parse(&svg).expect("the map is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let fills: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name("rect")).filter_map(|n| n.attribute("fill")).collect();
    let (good, bad) = (
        fills.iter().filter(|f| f.eq_ignore_ascii_case("#4c9a5b")).count(),
        fills.iter().filter(|f| f.eq_ignore_ascii_case("#d9534f")).count(),
    );
    assert_eq!(
        (good + bad) as f64,
        v["gross_dies"].as_f64().unwrap() + 2.0,
        "two legend swatches beside the dies"
    );
    // Defective dies in the proportion the expected yield gives (to a die, plus the swatch).
    let expected_bad = (v["gross_dies"].as_f64().unwrap() * (1.0 - v["die_yield"].as_f64().unwrap())).round();
    assert_eq!(bad as f64, expected_bad + 1.0);
    // Several nodes: one map each.
    ok(&["wafer", "--node", "n5,n3", "--map", file.to_str().unwrap()]);
    assert!(dir.join("map.n5.svg").exists() && dir.join("map.n3.svg").exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn wafer_bad_input_exits_2() {
    let err = bad_input(&["wafer", "--node", "n7-duv", "--die", "30x34"]);
    assert!(err.contains("larger than the 26 × 33 mm reticle field") && err.contains("--stitched"), "{err}");
    ok(&["wafer", "--node", "n7-duv", "--die", "30x34", "--stitched"]);
    let err = bad_input(&["wafer", "--node", "n7"]);
    assert!(err.contains("did you mean") && err.contains("`n7-duv`"), "{err}");
    let cases: &[&[&str]] = &[
        &["wafer", "--die", "26by31"],
        &["wafer", "--die", "10x10", "--die-area", "100"],
        &["wafer", "--yield-model", "gaussian"],
        &["wafer", "--count", "roughly"],
        &["wafer", "--d0", "-0.1"],
        &["wafer", "--edge-exclusion", "150"],
        &["wafer", "--wafer-mm", "20", "--die", "26x31.3"],
        &["wafer", "--node", "n7-duv,n7-duv"],
        &["wafer", "--d0", "1e9"],
        &["wafer", "--explain", "--format", "csv"],
        &["wafer", "--set", "node.n7-duv.gross_margin=1"],
    ];
    for args in cases {
        bad_input(args);
    }
    let err = bad_input(&["wafer", "--scenario", "wafer-euv-layer-without-scanner.toml"]);
    insta::assert_snapshot!("wafer_euv_layer_without_scanner", err);
}

#[test]
fn a_scenario_can_define_a_node_of_its_own() {
    let v = json(&["wafer", "--scenario", "wafer-own-node.toml", "--format", "json"]);
    let arr = v.as_array().unwrap();
    assert_eq!(arr[1]["node"], "n7-own");
    assert_eq!(arr[1]["masks"].as_f64(), Some(84.0));
    assert_eq!(arr[1]["yield_model"], "murphy");
    assert!(arr[1]["die_yield"].as_f64() < arr[0]["die_yield"].as_f64());
    let out = ok(&["wafer", "--scenario", "wafer-own-node.toml", "--explain", "--node", "n7-own"]);
    assert!(
        out.contains("layer.n7-own.all-critical.count [source: scenario] (scenario wafer-own-node.toml:"),
        "{out}"
    );
}

#[test]
fn the_report_carries_the_tools_account() {
    let out = ok(&["report"]);
    assert!(out.contains("THE TOOLS ACCOUNT"));
    for claim in [
        "Claim: \"lithography is about half of chip-making time\"",
        "Claim: \"lithography is a third of chip-making cost\"",
        "Claim: \"DUV multi-patterning can stand in for EUV at 7 nm\"",
    ] {
        assert!(out.contains(claim), "{claim} missing");
    }
    let v = json(&["report", "--format", "json"]);
    let pairs = v["tools"]["pairs"].as_array().unwrap();
    // The claim's pair is the actor's: SMIC's DUV-only N+2 against 7 nm with EUV layers; the
    // same technology on a TSMC-class line comes next, for comparison.
    assert_eq!((pairs[0]["duv"].as_str(), pairs[0]["euv"].as_str()), (Some("n7-smic"), Some("n7-euv")));
    assert_eq!(pairs[1]["duv"], "n7-duv");
    let premium = |v: &Value| v["tools"]["pairs"][0]["dies"][0]["duv_premium_per_good_die"].as_f64().unwrap();
    // A dirtier DUV process makes DUV dearer per good die: the account follows the data.
    let dirtier = json(&["report", "--format", "json", "--set", "node.n7-smic.d0_per_cm2=0.2"]);
    assert!(premium(&dirtier) > premium(&v));
    // The verdict is the actor's, with its parts: feasibility, then economics.
    let stand_in = &v["tools"]["claims"]["stand_in"];
    assert!(stand_in["actor"].as_str().unwrap().contains("n7-smic"));
    let parts = stand_in["parts"].as_array().unwrap();
    assert_eq!(parts[0]["verdict"], "supported", "SMIC makes 7 nm-class chips in volume");
    assert!(
        parts[1]["numbers"][0]["value"].as_f64().unwrap() > 0.25,
        "SMIC's premium per good reticle-size die"
    );
}

#[test]
fn wafer_reads_data_strictly() {
    // An orphan layer, a scheme too coarse for its layer's pitch, a die too big for High-NA.
    let err = bad_input(&["wafer", "--scenario", "wafer-orphan-layer.toml"]);
    assert!(err.contains("unknown node `n99`") && err.contains("wafer-orphan-layer.toml:5:8"), "{err}");
    let err = bad_input(&["wafer", "--node", "n3", "--scenario", "wafer-scheme-too-coarse.toml"]);
    assert!(
        err.contains("cannot print layer `n3.m0-m2-metal`")
            && err.contains("wafer-scheme-too-coarse.toml:5:10"),
        "{err}"
    );
    let err = bad_input(&["wafer", "--scenario", "wafer-high-na.toml"]);
    assert!(err.contains("26 × 16.5 mm reticle field of a node with High-NA layers"), "{err}");
    ok(&["wafer", "--scenario", "wafer-high-na.toml", "--die", "phone-soc"]);
    for args in [
        &["wafer", "--map", "map.txt"][..],
        &["wafer", "--node", "n7-duv,,n5"],
        &["wafer", "--set", "fab.litho_steps_per_exposure=13"],
    ] {
        bad_input(args);
    }
}

#[test]
fn an_extra_exposure_always_costs_more() {
    let base = json(&["wafer", "--node", "n7-duv", "--format", "json"]);
    let more =
        json(&["wafer", "--node", "n7-duv", "--format", "json", "--set", "scheme.arfi-lele.exposures=3"]);
    for f in ["wafer_cost_usd", "scanner_hours", "process_steps", "cycle_days"] {
        assert!(more[f].as_f64() > base[f].as_f64(), "{f}");
    }
}

#[test]
fn a_die_area_takes_the_reticle_width_and_notes_say_what_was_not_used() {
    let v = json(&["wafer", "--die-area", "814", "--format", "json"]);
    assert_eq!(v["die_width_mm"].as_f64(), Some(26.0));
    let v = json(&["wafer", "--wafer-mm", "200", "--alpha", "2", "--format", "json"]);
    let notes = v["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("the wafer's cost does not")));
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("alpha applies only to the negbin")));
}

#[test]
fn wafer_explain_keeps_each_scanner_class_to_its_own_inputs() {
    let out = ok(&["wafer", "--node", "n5", "--explain"]);
    let block = out.split("USD per arfi scanner-hour").nth(1).unwrap().split("USD per").next().unwrap();
    assert!(block.contains("scanner.nxt2050i.price_eur") && !block.contains("nxe3600d"), "{block}");
    let yield_block = out.split("die_yield =").nth(1).unwrap().split("good_dies").next().unwrap();
    // Each input by its label, its key beside it.
    assert!(yield_block.contains("NVIDIA GH100 width = 26.0 mm   die.gh100.width_mm"), "{yield_block}");
    assert!(yield_block.contains("defect density = 0.0750 1/cm2   node.n5.d0_per_cm2"), "{yield_block}");
}

#[test]
fn chip_itemises_the_build_cost_of_an_accelerator() {
    let out = ok(&["chip", "--accelerator", "h100-sxm"]);
    for line in
        ["compute dies", "HBM", "interposer or bridge", "packaging yield loss", "total", "as published"]
    {
        assert!(out.contains(line), "{line} missing:\n{out}");
    }
    let v = json(&["chip", "--accelerator", "h100-sxm", "--format", "json"]);
    let build = v["build_cost_usd"].as_f64().unwrap();
    let items = v["items"].as_array().unwrap();
    let sum: f64 = items.iter().map(|i| i["usd"].as_f64().unwrap()).sum();
    let shares: f64 = items.iter().map(|i| i["share"].as_f64().unwrap()).sum();
    assert!((sum - build).abs() < 1e-9 * build && (shares - 1.0).abs() < 1e-12, "{sum} {build} {shares}");
    let (bf16, tdp) = (v["peak_tflops"]["bf16"].as_f64().unwrap(), v["tdp_w"].as_f64().unwrap());
    assert!(v["peak_tflops"]["fp8"].as_f64().unwrap() > bf16);
    assert!((v["tflops_per_w"].as_f64().unwrap() - bf16 / tdp).abs() < 1e-12);
    let price = v["price_usd"].as_f64().unwrap();
    assert!((v["gross_margin"].as_f64().unwrap() - (1.0 - build / price)).abs() < 1e-12);
    // One CSV row with the same build cost.
    let csv = ok(&["chip", "--accelerator", "h100-sxm", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2);
    let col = lines[0].split(',').position(|h| h == "build_cost_usd").unwrap();
    let got: f64 = lines[1].split(',').nth(col).unwrap().parse().unwrap();
    assert!((got - build).abs() < 1e-9 * build);
    // Dearer HBM, dearer accelerator, by exactly the HBM's gigabytes.
    let dearer = json(&[
        "chip",
        "--accelerator",
        "h100-sxm",
        "--format",
        "json",
        "--set",
        "package.h100-sxm.hbm_usd_per_gb=20",
    ]);
    assert!(dearer["build_cost_usd"].as_f64().unwrap() > build);
    // A changed bill is no longer the one the analysts priced.
    assert!(v["published_build_cost_usd"].as_f64().is_some() && dearer["published_build_cost_usd"].is_null());
    let out = ok(&["chip", "--accelerator", "h100-sxm", "--explain"]);
    assert!(out.contains("package.h100-sxm.hbm_usd_per_gb [source:"), "{out}");
}

#[test]
fn chip_ports_a_design_and_compares_chiplet_splits() {
    let out = ok(&["chip", "--accelerator", "h100-sxm", "--node", "n7-duv", "--chiplets", "1,2,4"]);
    assert!(out.contains("ported from n5 to n7-duv") && out.contains("per good package"), "{out}");
    let base = json(&["chip", "--accelerator", "h100-sxm", "--format", "json"]);
    let v = json(&[
        "chip",
        "--accelerator",
        "h100-sxm",
        "--node",
        "n7-duv",
        "--chiplets",
        "1,2,4",
        "--format",
        "json",
    ]);
    let port = &v["port"];
    assert_eq!(port["from_node"], "n5");
    // n7 packs fewer transistors per mm² than n5 and burns more power at the same speed.
    assert!(port["area_to_mm2"].as_f64() > port["area_from_mm2"].as_f64());
    assert!(port["tdp_to_w"].as_f64() > port["tdp_from_w"].as_f64());
    assert_eq!(port["fits_reticle"], false);
    assert_eq!(port["split_into"].as_u64(), Some(2));
    assert!(v["tflops_per_w"].as_f64() < base["tflops_per_w"].as_f64());
    let splits = v["splits"].as_array().unwrap();
    assert_eq!(splits.iter().map(|s| s["chiplets"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 4]);
    // Smaller chiplets yield better.
    let yields: Vec<f64> = splits.iter().map(|s| s["yield"].as_f64().unwrap()).collect();
    assert!(yields.windows(2).all(|w| w[1] > w[0]), "{yields:?}");
    assert!(splits.iter().all(|s| s["cost_per_good_package_usd"].as_f64().unwrap() > 0.0));
}

#[test]
fn chip_bad_input_exits_2() {
    let err = bad_input(&["chip", "--accelerator", "h100"]);
    assert!(err.contains("did you mean"), "{err}");
    let err = bad_input(&["chip", "--accelerator", "a100-sxm"]);
    assert!(err.contains("a100-sxm") && err.contains("package"), "{err}");
    let err = bad_input(&["chip", "--accelerator", "h100-sxm", "--node", "n28"]);
    assert!(err.contains("n28"), "{err}");
    for args in [
        &["chip", "--accelerator", "h100-sxm", "--chiplets", "0,2"][..],
        &["chip", "--accelerator", "h100-sxm", "--chiplets", "two"],
        &["chip", "--accelerator", "h100-sxm", "--explain", "--format", "csv"],
        &["chip", "--accelerator", "h100-sxm", "--set", "package.h100-sxm.hbm_usd_per_gb=-1"],
        &["chip", "--accelerator", "h100-sxm", "--set", "package.h100-sxm.packaging_yield=1.5"],
    ] {
        bad_input(args);
    }
    let err = bad_input(&["chip", "--accelerator", "h100-sxm", "--set", "package.h100-sxm.die_count=1.5"]);
    assert!(
        err.contains("not a whole number of dies") && err.contains("package.h100-sxm.die_count"),
        "{err}"
    );
    let err =
        bad_input(&["chip", "--accelerator", "h100-sxm", "--set", "package.h100-sxm.die_area_mm2=1200"]);
    assert!(err.contains("does not fit the 26 × 33 mm reticle field"), "{err}");
}

#[test]
fn train_prices_an_accelerator_of_the_scenario_from_its_bill_of_materials() {
    // What a run costs on H100-class accelerators made on n7-duv and run on Guizhou power.
    let chip = json(&[
        "chip",
        "--scenario",
        "own-accelerator-bom.toml",
        "--accelerator",
        "h100-n7duv",
        "--format",
        "json",
    ]);
    let build = chip["build_cost_usd"].as_f64().unwrap();
    assert!(
        (chip["price_usd"].as_f64().unwrap() - 2.0 * build).abs() < 1e-9 * build,
        "markup 1 doubles the build cost"
    );
    let out = ok(&["train", "--scenario", "own-accelerator-bom.toml", "--explain"]);
    assert!(out.contains("from the chip ledger (compute dies on n7-duv)"), "{out}");
    let amortization = |v: &Value| v[0]["ledger"][0]["usd"].as_f64().unwrap();
    let base = json(&["train", "--scenario", "own-accelerator-bom.toml", "--format", "json"]);
    assert_eq!(base[0]["region"], "cn-gz");
    let dearer = json(&[
        "train",
        "--scenario",
        "own-accelerator-bom.toml",
        "--format",
        "json",
        "--set",
        "accelerator.h100-n7duv.build_markup=2",
    ]);
    // The capex follows the price: build × 3 against build × 2.
    let ratio = amortization(&dearer) / amortization(&base);
    assert!((ratio - 1.5).abs() < 1e-9, "{ratio}");
}

#[test]
fn the_report_carries_the_packaging_account() {
    let out = ok(&["report"]);
    assert!(out.contains("THE PACKAGING ACCOUNT"));
    assert!(out.contains("Claim: \"advanced packaging is a second track"), "{out}");
    // The ported design's table (its caption wraps, so read it with its lines joined).
    let joined = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(joined.contains("(h100-sxm): compute dies on n7-smic"), "{out}");
    let v = json(&["report", "--format", "json"]);
    let p = &v["packaging"];
    let nodes: Vec<&str> =
        p["nodes"].as_array().unwrap().iter().map(|n| n["node"].as_str().unwrap()).collect();
    assert_eq!(nodes, ["n7-smic", "n7-euv", "n5"]);
    assert_eq!(p["ported"]["node"], "n7-smic");
    assert_eq!(p["design"]["node"], "n5");
    // A far dirtier DUV process makes splitting pay: the account follows the data.
    let dirty = json(&["report", "--format", "json", "--set", "node.n7-smic.d0_per_cm2=0.3"]);
    let premium = |v: &Value| v["packaging"]["chiplet_premium"].as_f64().unwrap();
    assert!(premium(&dirty) < 0.0 && premium(&dirty) < premium(&v), "{} {}", premium(&dirty), premium(&v));
    assert!(dirty["packaging"]["recovered_by_best_split"].as_f64().unwrap() > 0.0);
}

#[test]
fn fleet_prints_the_chain_from_scanners_to_gigawatts() {
    // One's own scanners with HBM and packaging asked not to limit: the scanners bind.
    let open = ["--hbm-stacks-per-month", "none", "--packaging-wafers-per-month", "none"];
    let args = [
        &["fleet", "--scanners", "nxt2000i=100", "--node", "n7-duv", "--accelerator", "ascend-910c"][..],
        &open,
    ]
    .concat();
    let out = ok(&args);
    for line in [
        "arfi scanners carry",
        "wafer starts a month",
        "bottleneck",
        "good dies a month",
        "accelerators a year",
        "largest run in 100 days",
        "IT power (GW)",
        "electricity bill a year",
        "n28 wafer starts a month",
    ] {
        assert!(out.contains(line), "{line} missing:\n{out}");
    }
    let mut j = args.to_vec();
    j.extend(["--format", "json"]);
    let v = json(&j);
    for f in [
        "wafer_starts_per_month",
        "bottleneck",
        "good_dies_per_month",
        "accelerators_per_year",
        "bf16_flops_added_per_year",
        "largest_run_flop_100d",
        "it_power_gw",
        "facility_power_gw",
        "electricity_usd_per_year",
        "forgone_n28_wafers_per_month",
    ] {
        assert!(!v[f].is_null(), "{f} missing");
    }
    assert_eq!(v["bottleneck"], "arfi scanners");
    let acc = v["accelerators_per_year"].as_f64().unwrap();
    // Twice the scanners, twice the output while they bind.
    let two = json(
        &[
            &[
                "fleet",
                "--scanners",
                "nxt2000i=200",
                "--node",
                "n7-duv",
                "--accelerator",
                "ascend-910c",
                "--format",
                "json",
            ][..],
            &open,
        ]
        .concat(),
    );
    assert!((two["accelerators_per_year"].as_f64().unwrap() / acc - 2.0).abs() < 1e-9);
    // A tight HBM supply binds instead and leaves scanners idle.
    let hbm = json(&[
        "fleet",
        "--scanners",
        "nxt2000i=100",
        "--node",
        "n7-duv",
        "--accelerator",
        "ascend-910c",
        "--hbm-stacks-per-month",
        "8000",
        "--packaging-wafers-per-month",
        "none",
        "--format",
        "json",
    ]);
    assert_eq!(hbm["bottleneck"], "HBM");
    assert!(hbm["accelerators_per_year"].as_f64() < Some(acc));
    assert!(hbm["scanner_utilization"].as_f64() < Some(1.0));
    // One CSV row.
    let mut c = args.clone();
    c.extend(["--format", "csv"]);
    assert_eq!(ok(&c).lines().count(), 2);
    // The MFU sets the largest run and nothing else.
    let half = json(&[
        "fleet",
        "--scanners",
        "nxt2000i=100",
        "--accelerator",
        "ascend-910c",
        "--mfu",
        "0.2",
        "--format",
        "json",
    ]);
    let full = json(&[
        "fleet",
        "--scanners",
        "nxt2000i=100",
        "--accelerator",
        "ascend-910c",
        "--mfu",
        "0.4",
        "--format",
        "json",
    ]);
    let run = |v: &Value| v["largest_run_flop_100d"].as_f64().unwrap();
    assert!((run(&full) / run(&half) - 2.0).abs() < 1e-9);
    assert_eq!(half["accelerators_per_year"], full["accelerators_per_year"]);
    let out = ok(&["fleet", "--scanners", "nxt2000i=100", "--accelerator", "ascend-910c", "--explain"]);
    assert!(out.contains("scanner.nxt2000i.wph [source:"), "{out}");
}

#[test]
fn a_scenario_gives_a_fleet_and_its_share() {
    let full = json(&[
        "fleet",
        "--scanners",
        "nxt2000i=200",
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
    ]);
    let half = json(&["fleet", "--scenario", "fleet-half-share.toml", "--format", "json"]);
    let w = |v: &Value| v["wafer_starts_per_month"].as_f64().unwrap();
    assert!((w(&half) / w(&full) - 0.5).abs() < 1e-9);
    // Flags win over the scenario.
    let flag =
        json(&["fleet", "--scenario", "fleet-half-share.toml", "--share", "arfi=1", "--format", "json"]);
    assert!((w(&flag) / w(&full) - 1.0).abs() < 1e-9);
}

#[test]
fn fleet_bad_input_exits_2() {
    let err = bad_input(&["fleet", "--scanners", "nxt2000=100"]);
    assert!(err.contains("did you mean"), "{err}");
    let err = bad_input(&["fleet", "--scanners", "nxe3400c=10", "--accelerator", "ascend-910c"]);
    assert!(err.contains("no scanner of a class that n7-smic uses"), "{err}");
    // DUV scanners cannot print a node's EUV layers.
    let err =
        bad_input(&["fleet", "--scanners", "nxt2000i=100", "--node", "n3", "--accelerator", "ascend-910c"]);
    assert!(err.contains("prints layers with euv scanners, and the fleet names none"), "{err}");
    let err = bad_input(&["fleet", "--share", "krf=0.5"]);
    assert!(err.contains("the fleet has no `krf` scanners"), "{err}");
    let err = bad_input(&["fleet", "--share", "arfi=0.5,arfi=0.2"]);
    assert!(err.contains("given twice"), "{err}");
    let err = bad_input(&["fleet", "--share", "arfy=0.5"]);
    assert!(err.contains("unknown scanner class `arfy`") && err.contains("arfi"), "{err}");
    for args in [
        &["fleet", "--scanners", "nxt2000i=lots"][..],
        &["fleet", "--scanners", "nxt2000i=0"],
        &["fleet", "--scanners", "nxt2000i=10,nxt2000i=5"],
        &["fleet", "--share", "arfi=1.5"],
        &["fleet", "--share", "arfi=0"],
        &["fleet", "--mfu", "1.5"],
        &["fleet", "--mfu", "0"],
        &["fleet", "--hbm-stacks-per-month=-5"],
        &["fleet", "--region", "mars"],
        &["fleet", "--explain", "--format", "csv"],
    ] {
        bad_input(args);
    }
    let err = bad_input(&["fleet", "--scenario", "fleet-bad-key.toml"]);
    assert!(err.contains("fleet-bad-key.toml:4:1") && err.contains("did you mean `scanners`"), "{err}");
}

#[test]
fn the_report_carries_the_capacity_account() {
    let out = ok(&["report"]);
    assert!(out.contains("THE CAPACITY ACCOUNT"));
    assert!(
        out.contains("Claim: \"China's mature-process chips hold over 20 % of the world market"),
        "{out}"
    );
    let v = json(&["report", "--format", "json"]);
    let c = &v["capacity"];
    assert_eq!(c["fleet"]["node"], "n7-smic");
    // China holds 29-34 % of mature capacity (TrendForce), but Taiwan 43 % to China's 34 % (2024).
    let mature = &c["claims"]["mature_share"];
    assert_eq!(mature["verdict"], "partly");
    assert_eq!(mature["parts"][0]["verdict"], "supported");
    assert_eq!(mature["parts"][1]["verdict"], "not_supported");
    // With HBM binding, twice the stacks give twice the accelerators.
    assert_eq!(c["fleet"]["bottleneck"], "HBM");
    let acc = |v: &Value| v["capacity"]["fleet"]["accelerators_per_year"].as_f64().unwrap();
    // HBM is drawn over fewer months: the output follows the stacks a month while HBM binds.
    let more = json(&["report", "--format", "json", "--set", "memory.drawdown_months=9"]);
    let stacks = |v: &Value| v["capacity"]["fleet"]["hbm_stacks_per_month"].as_f64().unwrap();
    assert!(stacks(&more) > stacks(&v));
    assert!((acc(&more) / acc(&v) - stacks(&more) / stacks(&v)).abs() < 1e-9);
    // The backtest sets every reported figure beside the model's count of the same thing.
    let backtest = c["backtest"].as_array().unwrap();
    assert_eq!(backtest.len(), 3);
    assert!(backtest.iter().any(|r| r["counts"] == "ascend-910c"));
}

/// The analytic die count (the peers' gross-die formula) in `chip` and `fleet`, as in `wafer`.
#[test]
fn chip_and_fleet_count_dies_by_the_formula_when_asked() {
    let wafer = json(&["wafer", "--node", "n5", "--die", "gh100", "--count", "analytic", "--format", "json"]);
    let exact = json(&["chip", "--accelerator", "h100-sxm", "--format", "json"]);
    let analytic = json(&["chip", "--accelerator", "h100-sxm", "--count", "analytic", "--format", "json"]);
    let gross = |v: &Value| v["compute_die"]["gross_dies"].as_f64().unwrap();
    // The H100's compute die is the GH100 on n5: the formula gives the wafer ledger's count, to
    // the small difference the shapes make (the chip ledger shapes the die from its area to the
    // reticle's width, the wafer ledger takes GH100's 26 × 31.3 mm; the scribe around them
    // differs by a few hundredths of a mm²).
    let w = wafer["gross_dies"].as_f64().unwrap();
    assert!((gross(&analytic) / w - 1.0).abs() < 1e-3, "{} against {w}", gross(&analytic));
    assert_eq!(analytic["compute_die"]["gross_die_count"], "analytic");
    assert_eq!(exact["compute_die"]["gross_die_count"], "exact");
    assert!(gross(&analytic) < gross(&exact), "{} {}", gross(&analytic), gross(&exact));
    assert!(analytic["build_cost_usd"].as_f64() > exact["build_cost_usd"].as_f64());
    // The fleet's chips are counted the same way.
    let fleet = |extra: &[&str]| {
        let mut args = vec!["fleet", "--format", "json"];
        args.extend_from_slice(extra);
        json(&args)["good_dies_per_month"].as_f64().unwrap()
    };
    assert!(fleet(&["--count", "analytic"]) < fleet(&[]));
    // A misspelt way is refused by name, with the nearest.
    let err = bad_input(&["chip", "--count", "analytc"]);
    assert!(err.contains("--count") && err.contains("did you mean `analytic`"), "{err}");
    let err = bad_input(&["fleet", "--count", "approx"]);
    assert!(err.contains("`exact`, `analytic`"), "{err}");
}
