//! `waferwatt strategy` on the real binary: the yearly comparison, its sampled form, the
//! sweep, the chart and the mistakes a user can make.

mod common;

use common::*;
use serde_json::Value;

const PATHS: [&str; 2] = ["compute-now", "euv-first"];

fn years(v: &Value) -> Vec<i64> {
    v["years"].as_array().unwrap().iter().map(|y| y.as_i64().unwrap()).collect()
}

#[test]
fn central_json_has_every_year_and_path() {
    let v = json(&["strategy", "--format", "json"]);
    let ys = years(&v);
    assert_eq!(ys, (2025..=2040).collect::<Vec<_>>());
    for id in PATHS {
        let p = &v["paths"][id];
        for metric in [
            "installed_flops",
            "largest_run_flop",
            "cumulative_spend_usd",
            "usd_per_1e24_flop",
            "energy_twh",
            "electricity_usd",
        ] {
            let a = p[metric].as_array().unwrap_or_else(|| panic!("{id}.{metric}"));
            assert_eq!(a.len(), ys.len());
            assert!(a.iter().all(|x| x.as_f64().is_some_and(|x| x >= 0.0)), "{id}.{metric}: {a:?}");
        }
        // Cumulative spend never falls.
        let cum: Vec<f64> =
            p["cumulative_spend_usd"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        assert!(cum.windows(2).all(|w| w[1] >= w[0]));
    }
    assert!(v["paths"]["compute-now"]["euv_arrival"].is_null());
    let arrival = v["paths"]["euv-first"]["euv_arrival"].as_i64().unwrap();
    assert!((2028..=2040).contains(&arrival), "{arrival}");
    // Each year one path leads or they tie.
    for i in 0..ys.len() {
        let sum: f64 = PATHS.iter().map(|id| v["p_lead"][id][i].as_f64().unwrap()).sum::<f64>()
            + v["p_tie"][i].as_f64().unwrap();
        assert_eq!(sum, 1.0, "year {}", ys[i]);
    }
    let status = v["break_even_year"]["euv-first"]["status"].as_str().unwrap();
    assert!(["caught_up", "never_behind", "same", "not_by_end"].contains(&status), "{status}");
    let drivers = v["drivers"].as_array().unwrap();
    assert!(drivers.len() > 5);
    assert!(drivers.iter().all(|d| d["parameter"].is_string() && d["effect"].is_number()));
    // Largest swing first.
    let widths: Vec<f64> = drivers.iter().map(|d| d["effect"].as_f64().unwrap().abs()).collect();
    assert!(widths.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn sampled_json_gives_percentiles_and_lead_probabilities() {
    let args = ["strategy", "--format", "json", "--samples", "300", "--seed", "3"];
    let v = json(&args);
    assert_eq!(v["samples"], 300);
    let n = years(&v).len();
    for id in PATHS {
        for y in v["paths"][id]["installed_flops"].as_array().unwrap() {
            let (p5, p50, p95) =
                (y["p5"].as_f64().unwrap(), y["p50"].as_f64().unwrap(), y["p95"].as_f64().unwrap());
            assert!(p5 <= p50 && p50 <= p95 && p5 > 0.0, "{y}");
        }
    }
    for i in 0..n {
        let sum: f64 = PATHS.iter().map(|id| v["p_lead"][id][i].as_f64().unwrap()).sum::<f64>()
            + v["p_tie"][i].as_f64().unwrap();
        assert!((sum - 1.0).abs() < 1e-9, "{sum}");
    }
    // The path with no R&D never gets EUV; the other does in some samples.
    assert_eq!(v["paths"]["compute-now"]["euv_arrival"]["never"], 1.0);
    let a = &v["paths"]["euv-first"]["euv_arrival"];
    assert!(a["never"].as_f64().unwrap() < 1.0);
    assert!(a["p5"].as_f64().unwrap() >= 2025.0 && a["p95"].as_f64().unwrap() <= 2040.0);
    // Every sample falls in exactly one of the break-even outcomes.
    let be = &v["break_even_year"]["euv-first"];
    let total: f64 =
        ["caught_up", "never_behind", "same", "not_by_end"].iter().map(|k| be[*k].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9, "{be}");
    // Same seed, same answer, whatever the thread count.
    assert_eq!(with_threads("1", &args), with_threads("2", &args));
}

#[test]
fn sampled_table_shows_who_leads_and_break_even() {
    let out = ok(&["strategy", "--samples", "200"]);
    for want in [
        "P(compute now leads)",
        "P(EUV first leads)",
        "P(tie)",
        "break-even (EUV first against compute now",
        "200 samples",
    ] {
        assert!(out.contains(want), "{want} missing:\n{out}");
    }
}

#[test]
fn a_forced_euv_year_gives_the_node_from_that_year() {
    let v = json(&["strategy", "--format", "json", "--euv-year", "2029"]);
    assert_eq!(v["paths"]["euv-first"]["euv_arrival"], 2029);
    assert!(v["paths"]["compute-now"]["euv_arrival"].is_null());
    let euv = v["paths"]["euv-first"]["euv"].as_array().unwrap();
    for (y, e) in years(&v).iter().zip(euv) {
        assert_eq!(e.as_f64().unwrap(), if *y >= 2029 { 1.0 } else { 0.0 }, "{y}");
    }
}

#[test]
fn scenario_numbers_change_the_answer() {
    let base = json(&["strategy", "--format", "json"]);
    let later = json(&["strategy", "--format", "json", "--set", "strategy.euv_earliest_year=2036"]);
    assert_eq!(later["paths"]["euv-first"]["euv_arrival"], 2036);
    assert!(
        later["paths"]["euv-first"]["euv_arrival"].as_i64()
            > base["paths"]["euv-first"]["euv_arrival"].as_i64()
    );
    // No R&D: the challenger is the baseline, year by year.
    let same = json(&["strategy", "--format", "json", "--set", "path.euv-first.rd_share=0"]);
    assert!(same["paths"]["euv-first"]["euv_arrival"].is_null());
    assert_eq!(
        same["paths"]["euv-first"]["installed_flops"],
        same["paths"]["compute-now"]["installed_flops"]
    );
    // A scenario's own path, and its earliest year.
    let own = json(&[
        "strategy",
        "--format",
        "json",
        "--scenario",
        "strategy-own-path.toml",
        "--paths",
        "compute-now,half",
    ]);
    assert_eq!(own["paths"]["half"]["name"], "half on R&D");
    assert!(own["paths"]["half"]["euv_arrival"].as_i64().unwrap() >= 2033);
    // Cheaper power from the trend: a smaller bill in the last year.
    let cheap = json(&["strategy", "--format", "json", "--set", "strategy.tariff_trend=0.95"]);
    let bill = |v: &Value| v["paths"]["compute-now"]["electricity_usd"][15].as_f64().unwrap();
    assert!(bill(&cheap) < bill(&base));
}

#[test]
fn the_sweep_starts_at_the_path_without_rd() {
    let v = json(&["strategy", "--format", "json", "--sweep"]);
    let sw = &v["sweep"];
    let shares = sw["shares"].as_array().unwrap();
    assert_eq!(shares.len(), 21);
    let at_zero = sw["cumulative_compute_flop"][0].as_f64().unwrap();
    let now = v["paths"]["compute-now"]["cumulative_compute_flop"][15].as_f64().unwrap();
    assert!((at_zero - now).abs() <= 1e-9 * now, "{at_zero} vs {now}");
    let best = sw["best_share"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&best));
    let sampled = json(&["strategy", "--format", "json", "--sweep", "--samples", "100", "--by", "2035"]);
    assert_eq!(sampled["sweep"]["by_year"], 2035);
    let b = &sampled["sweep"]["best_share_by_sample"];
    assert!(b["p5"].as_f64().unwrap() <= b["p95"].as_f64().unwrap());
}

#[test]
fn fan_chart_is_svg_with_a_band_and_line_per_path() {
    let dir = std::env::temp_dir().join(format!("waferwatt-fan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fan.svg");
    ok(&["strategy", "--samples", "100", "--chart", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("the chart parses as SVG");
    let count = |tag: &str| doc.descendants().filter(|n| n.has_tag_name(tag)).count();
    // A band per path (the grid and the lines are polylines too).
    assert_eq!(count("polygon"), 2);
    assert!(count("polyline") >= 4);
    assert!(text.contains("EUV first") && text.contains("compute now"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn csv_has_a_row_per_path_year_and_result() {
    let out = ok(&["strategy", "--format", "csv"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "path,year,result,value");
    // Two paths, 16 years, every result of a year.
    assert_eq!(lines.len(), 1 + 2 * 16 * waferwatt::strategy::METRICS.len());
}

#[test]
fn mistakes_are_named() {
    let e = bad_input(&["strategy", "--paths", "compute-now,euv-frist"]);
    assert!(e.contains("euv-first") && e.contains("--paths"), "{e}");
    let e = bad_input(&["strategy", "--horizon", "2040:2025"]);
    assert!(e.contains("--horizon"), "{e}");
    let e = bad_input(&["strategy", "--by", "2050"]);
    assert!(e.contains("--by") && e.contains("outside the horizon"), "{e}");
    let e = bad_input(&["strategy", "--euv-year", "2019"]);
    assert!(e.contains("--euv-year"), "{e}");
    let e = bad_input(&["strategy", "--set", "strategy.budget_usd=-5"]);
    assert!(e.contains("strategy.budget_usd") && e.contains("greater than 0"), "{e}");
    // A scenario's command sections are checked on loading and ignored by the strategy,
    // which reads its numbers from the data (issue 17: it once refused the README's example).
    ok_in(&fixtures(), &["strategy", "--scenario", "strategy-train-section.toml"]);
    let e = bad_input(&["strategy", "--raw", "x.csv"]);
    assert!(e.contains("--raw"), "{e}");
    let e = bad_input(&["strategy", "--chart", "fan.txt"]);
    assert!(e.contains(".svg or .png"), "{e}");
}
