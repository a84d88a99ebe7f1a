//! Benchmarks (`cargo bench`): training-ledger evaluations per second on one core; exact
//! dies per wafer; whole-wafer evaluations per second; accelerator build costs; a fleet's
//! output; the report's accounts; the training ledger under Monte Carlo sampling, and a
//! Sobol' analysis.
//!
//! The ledger is evaluated on the bound inputs of a published run, with one input nudged on
//! every iteration so that no evaluation can be hoisted out of the loop. Figures go into
//! BENCHMARKS.md.

use std::hint::black_box;
use std::time::Instant;

use waferwatt::accounts;
use waferwatt::chip;
use waferwatt::data::Dataset;
use waferwatt::fab::{self, Count, WaferRequest, dies};
use waferwatt::fleet;
use waferwatt::train::{self, Given, Inputs, TrainRequest};

fn inputs(run: &str, hours_given: bool) -> Inputs {
    let ds = Dataset::builtin().expect("built-in data");
    let req = TrainRequest { run: Some(Given::flag(run.to_string(), "--run")), ..Default::default() };
    let mut x = train::bind(&ds, &req).expect("binds").remove(0).inputs;
    if !hours_given {
        x.accelerator_hours = None;
    }
    x
}

/// Evaluations per second over at least `min_seconds`, the best of three rounds.
fn rate(x: Inputs, min_seconds: f64) -> f64 {
    let mut best: f64 = 0.0;
    for _ in 0..3 {
        let mut n: u64 = 0;
        let mut sink = 0.0;
        let start = Instant::now();
        loop {
            for i in 0..1_000_000u64 {
                let mut y = x;
                y.tariff_usd_per_kwh += (i as f64) * 1e-15;
                let out = train::evaluate(black_box(&y));
                sink += out.total_usd + out.energy_mwh;
            }
            n += 1_000_000;
            if start.elapsed().as_secs_f64() >= min_seconds {
                break;
            }
        }
        black_box(sink);
        best = best.max(n as f64 / start.elapsed().as_secs_f64());
    }
    best
}

/// Mean time of `f` over repeated calls for at least `min_seconds`, best of three rounds.
fn time_per_call(min_seconds: f64, mut f: impl FnMut(u64) -> f64) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let (mut n, mut sink) = (0u64, 0.0);
        let start = Instant::now();
        while start.elapsed().as_secs_f64() < min_seconds || n == 0 {
            sink += f(n);
            n += 1;
        }
        black_box(sink);
        best = best.min(start.elapsed().as_secs_f64() / n as f64);
    }
    best
}

fn wafer_inputs(node: &str, die: &str, count: Count) -> fab::WaferInputs {
    let ds = Dataset::builtin().expect("built-in data");
    let req = WaferRequest {
        nodes: Some(Given::flag(vec![node.to_string()], "--node")),
        die: Some(Given::flag(die.to_string(), "--die")),
        ..Default::default()
    };
    let mut x = fab::bind(&ds, &req).expect("binds").remove(0).inputs;
    x.count = count;
    x
}

fn main() {
    // `cargo test --benches` runs this binary with no `--bench`: keep that run short.
    let quick = !std::env::args().any(|a| a == "--bench");
    let seconds = if quick { 0.01 } else { 1.0 };
    // `cargo bench --bench ledger -- sampling` runs the sampling benchmarks alone.
    if std::env::args().any(|a| a == "sampling") {
        return sampling(&Dataset::builtin().expect("built-in data"), quick);
    }
    // `cargo bench --bench ledger -- strategy` runs the strategy benchmarks alone.
    if std::env::args().any(|a| a == "accounts") {
        return accounts_bench(&Dataset::builtin().expect("built-in data"), seconds);
    }
    if std::env::args().any(|a| a == "strategy") {
        return strategy(&Dataset::builtin().expect("built-in data"), quick);
    }
    for (name, x) in [
        ("llama-3.1-405b, hours given (implied MFU)", inputs("llama-3.1-405b", true)),
        ("llama-3.1-405b, hours from compute and MFU", inputs("llama-3.1-405b", false)),
        ("deepseek-v3, hours given", inputs("deepseek-v3", true)),
    ] {
        let r = rate(x, seconds);
        println!("train ledger, {name}: {:.1} million evaluations/s (one core)", r / 1e6);
    }
    let cell = dies::Cell { width_mm: 5.1, height_mm: 5.1 };
    let t =
        time_per_call(seconds, |i| dies::exact_uncached(black_box(294.0 + i as f64 * 1e-12), cell).0 as f64);
    println!(
        "exact dies per wafer, 5 × 5 mm die (+0.1 mm scribe), 32 × 32 offsets: {:.1} µs a call",
        t * 1e6
    );
    for (label, die, count) in [
        ("wafer ledger, n7-duv, 5 × 5 mm die, exact count", "5x5", Count::Exact),
        ("wafer ledger, n7-duv, GH100 die, exact count", "26x31.3", Count::Exact),
        ("wafer ledger, n7-duv, any die, analytic count", "26x31.3", Count::Analytic),
    ] {
        let x = wafer_inputs("n7-duv", die, count);
        let t = time_per_call(seconds, |i| {
            let mut y = x;
            y.cost_per_step_usd += i as f64 * 1e-12;
            fab::evaluate(black_box(&y)).cost_per_good_die_usd
        });
        println!("{label}: {:.2} µs an evaluation ({:.2} million a second)", t * 1e6, 1e-6 / t);
    }
    let ds = Dataset::builtin().expect("built-in data");
    for (label, node) in
        [("chip ledger, h100-sxm as made", None), ("chip ledger, h100-sxm ported to n7-duv", Some("n7-duv"))]
    {
        let req = chip::ChipRequest {
            accelerator: Some(Given::flag("h100-sxm".to_string(), "--accelerator")),
            node: node.map(|n| Given::flag(n.to_string(), "--node")),
            chiplets: None,
            count: None,
            method: None,
        };
        let x = chip::bind(&ds, &req).expect("binds").inputs;
        let t = time_per_call(seconds, |i| {
            let mut y = x;
            y.hbm_usd_per_gb += i as f64 * 1e-12;
            chip::evaluate(black_box(&y)).build_cost_usd
        });
        println!("{label}: {:.1} µs an evaluation", t * 1e6);
    }
    let fleet_inputs = fleet::bind(&ds, &fleet::FleetRequest::from_data(&ds)).expect("binds").inputs;
    let t = time_per_call(seconds, |i| {
        let mut y = fleet_inputs.clone();
        y.scanners[0].count += i as f64 * 1e-12;
        fleet::evaluate(black_box(&y)).accelerators_per_year
    });
    println!(
        "capacity ledger, the report's fleet (its scanners, the Ascend mix on n7-smic, every limit): {:.1} µs an evaluation",
        t * 1e6
    );
    // The report's accounts from loaded data, sensitivity sweeps included (what `waferwatt
    // report` computes, less loading and rendering).
    accounts_bench(&ds, seconds);
    let t = time_per_call(seconds, |_| Dataset::builtin().map_or(0.0, |d| d.params.len() as f64));
    println!("loading and checking the built-in data: {:.1} ms", t * 1e3);
    sampling(&ds, quick);
    strategy(&ds, quick);
}

/// The report's accounts from loaded data, sensitivity sweeps included (what `waferwatt report`
/// computes, less loading and rendering), at the data's samples a range and at 4,000.
fn accounts_bench(ds: &Dataset, seconds: f64) {
    let report_samples = ds.param("defaults.report_samples").map_or(0.0, |p| p.value);
    for samples in [report_samples, 4000.0] {
        let mut ds = ds.clone();
        if let Some(p) = ds.params.get_mut("defaults.report_samples") {
            (p.value, p.low, p.high) = (samples, samples, samples);
        }
        for (label, f) in [
            (
                "tools account",
                (|ds: &Dataset| accounts::tools::account(ds).map(|_| ()).is_ok()) as fn(&Dataset) -> bool,
            ),
            ("packaging account", |ds| accounts::packaging::account(ds).map(|_| ()).is_ok()),
            ("electricity account", |ds| accounts::electricity::account(ds).map(|_| ()).is_ok()),
            ("capacity account", |ds| accounts::capacity::account(ds).map(|_| ()).is_ok()),
            ("strategy account", |ds| accounts::strategy::account(ds).map(|_| ()).is_ok()),
        ] {
            let t = time_per_call(seconds, |_| f64::from(u8::from(f(black_box(&ds)))));
            println!("{label}, {samples} samples a range: {:.1} ms", t * 1e3);
        }
    }
}

/// The strategy ledger: one evaluation (two paths, 16 years), one binding, the report's
/// account, and 10,000 samples with the paths compared.
fn strategy(ds: &Dataset, quick: bool) {
    use waferwatt::strategy::{self, StrategyRequest};
    use waferwatt::uncertainty::{Plan, Sampling};
    let seconds = if quick { 0.01 } else { 1.0 };
    let req = StrategyRequest::default();
    let x = strategy::bind(ds, &req).expect("binds").inputs;
    let t = time_per_call(seconds, |i| {
        let mut y = x.clone();
        y.budget_usd += i as f64 * 1e-3;
        strategy::evaluate(black_box(&y)).paths[1].years[15].cumulative_compute_flop
    });
    println!("strategy ledger, 2 paths × 16 years: {:.1} µs an evaluation", t * 1e6);
    let mut slots = waferwatt::plan::Slots::default();
    let planned = strategy::plan(ds, &req, &mut slots).expect("plans");
    let t = time_per_call(seconds, |i| {
        let mut v = slots.central.clone();
        v[0] += i as f64 * 1e-9;
        planned.plan.derive(black_box(&v)).map_or(0.0, |x| x.budget_usd)
    });
    println!("strategy derive (its inputs from one plan, at a row of values): {:.1} µs", t * 1e6);
    let t =
        time_per_call(seconds, |_| strategy::bind(black_box(ds), &req).map_or(0.0, |b| b.inputs.budget_usd));
    println!("strategy binding (chip ledger on 3 nodes, training ledger, data): {:.1} µs", t * 1e6);
    let t =
        time_per_call(seconds, |_| f64::from(u8::from(accounts::strategy::account(black_box(ds)).is_ok())));
    println!("strategy account (400 samples, sweep of 21 shares, drivers): {:.1} ms", t * 1e3);
    let n = if quick { 200 } else { 10_000 };
    let planning = strategy::uncertain(ds, &req).expect("plans");
    let keys = &planning.keys;
    let layout = strategy::Layout::of(&planning.bound.inputs);
    let start = std::time::Instant::now();
    let plan = Plan::keyed(keys, n, 1, Sampling::MonteCarlo);
    let rows = planning.sample_paths(&plan, layout, &|_| {}).expect("samples");
    let c = strategy::compare(&rows, layout);
    let t = start.elapsed().as_secs_f64();
    println!(
        "strategy sampled, {n} samples of {} numbers, inputs derived from one plan per sample, paths compared: {:.2} s ({:.0} samples/s, {} threads; P(lead) in the last year {:.2})",
        keys.len(),
        t,
        n as f64 / t,
        rayon::current_num_threads(),
        c.lead_compute[layout.years - 1][1]
    );
}

/// The training ledger under Monte Carlo: draw every uncertain number, evaluate, keep every
/// result; then the percentiles of every result. And a Sobol' analysis of 20 numbers.
fn sampling(ds: &Dataset, quick: bool) {
    use waferwatt::uncertainty::{self, Plan, Sampling, sobol, uncertain_keys};
    let n = if quick { 20_000 } else { 1_000_000 };
    let none = |_: usize| {};
    let planned = |run: &str, region: &str, keep: usize| {
        let req = TrainRequest {
            run: Some(Given::flag(run.to_string(), "--run")),
            regions: Some(Given::flag(vec![region.to_string()], "--region")),
            ..Default::default()
        };
        let mut slots = waferwatt::plan::Slots::default();
        let bounds = train::plan(ds, &req, &mut slots).expect("plans");
        let bindings: Vec<_> = bounds.iter().flat_map(|b| b.bindings.clone()).collect();
        let mut keys = uncertain_keys(ds, &bindings).expect("keys");
        keys.truncate(keep);
        let layout = train::Layout::new(&bounds);
        (bounds, layout, slots, keys)
    };
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a pool");
        for (run, region) in [("llama-3.1-405b", "us-avg"), ("llama-3.1-405b", "cn-nm")] {
            let (bounds, layout, slots, keys) = planned(run, region, usize::MAX);
            let s = train::model(&bounds, &layout, &slots, &keys).expect("a model");
            let width = layout.width();
            let plan = Plan::keyed(&keys, n, 1, Sampling::MonteCarlo);
            let (mut best_sample, mut best_total) = (f64::INFINITY, f64::INFINITY);
            for _ in 0..3 {
                let start = Instant::now();
                let rows = pool.install(|| uncertainty::sample(&s, &plan, width, &none));
                let sampled = start.elapsed().as_secs_f64();
                let sums = pool.install(|| uncertainty::summarize_rows(&rows));
                black_box(sums);
                best_sample = best_sample.min(sampled);
                best_total = best_total.min(start.elapsed().as_secs_f64());
            }
            println!(
                "train ledger sampled through its plan, {run} in {region} ({} uncertain numbers, {width} results kept), \
                 {threads} thread(s): {:.1} million samples/s; {n} samples with percentiles in {:.0} ms",
                keys.len(),
                n as f64 / best_sample / 1e6,
                best_total * 1e3
            );
        }
    }
    let (bounds, layout, slots, keys) = planned("llama-3.1-405b", "cn-nm", 20);
    let s = train::model(&bounds, &layout, &slots, &keys).expect("a model");
    let dists: Vec<_> = keys.iter().map(|k| k.dist.clone()).collect();
    let ids: Vec<u64> = keys.iter().map(|k| waferwatt::uncertainty::key_id(&k.key)).collect();
    let base = if quick { 1 << 8 } else { 1 << 14 };
    let width = layout.width();
    let t = time_per_call(if quick { 0.0 } else { 1.0 }, |_| {
        sobol::analyse(&s, &dists, &ids, base, 1, width, 0, &none).variance
    });
    println!(
        "Sobol' analysis, train ledger, {} uncertain numbers, {base} base samples ({} evaluations): {:.0} ms",
        dists.len(),
        base * (dists.len() + 2),
        t * 1e3
    );
    chain(quick);
}

/// The chain wafer → chip → training ledger under sampling, through the plans, as
/// `waferwatt train --scenario scenarios/h100-on-n7-duv.toml --region cn-gz --samples N` does
/// it: an H100-class design on n7-duv priced at its build cost and trained in cn-gz. Each
/// sample draws every uncertain number of the chain, derives the three ledgers' inputs from
/// one plan and evaluates them, keeping every result. Three ways: every number drawn, so the
/// wafer's edge exclusion and scribe move the exact die count every sample; the wafer's
/// geometry fixed (the count is then done once); and the analytic die count.
fn chain(quick: bool) {
    use waferwatt::uncertainty::{self, Plan, Sampling, uncertain_keys};
    let mut ds = Dataset::builtin().expect("built-in data");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/h100-on-n7-duv.toml");
    let text = std::fs::read_to_string(path).expect("the scenario");
    let scenario = ds.apply_scenario("h100-on-n7-duv.toml", &text).expect("applies");
    let req = TrainRequest::from_scenario(scenario.section("train").expect("[train]")).expect("reads");
    let req = TrainRequest { regions: Some(Given::flag(vec!["cn-gz".to_string()], "--region")), ..req };
    let n = if quick { 2_000 } else { 200_000 };
    let none = |_: usize| {};
    for (label, count, fixed) in [
        ("every number drawn, dies counted exactly", Count::Exact, false),
        ("wafer geometry fixed, dies counted exactly", Count::Exact, true),
        ("every number drawn, analytic die count", Count::Analytic, false),
    ] {
        let mut slots = waferwatt::plan::Slots::default();
        let mut bounds = train::plan(&ds, &req, &mut slots).expect("plans");
        bounds.iter_mut().for_each(|b| b.plan.set_count(count));
        let bindings: Vec<_> = bounds.iter().flat_map(|b| b.bindings.clone()).collect();
        let mut keys = uncertain_keys(&ds, &bindings).expect("keys");
        if fixed {
            keys.retain(|k| !matches!(k.key.as_str(), "fab.edge_exclusion_mm" | "fab.scribe_mm"));
        }
        let layout = train::Layout::new(&bounds);
        let model = train::model(&bounds, &layout, &slots, &keys).expect("a model");
        let plan = Plan::keyed(&keys, n, 1, Sampling::MonteCarlo);
        let start = Instant::now();
        let rows = uncertainty::sample(&model, &plan, layout.width(), &none);
        let rate = n as f64 / start.elapsed().as_secs_f64();
        black_box(rows.refused());
        println!(
            "chain wafer → chip → train sampled through its plans, h100-n7duv in cn-gz, {} uncertain numbers, \
             {label}: {:.2} million samples/s ({} threads)",
            keys.len(),
            rate / 1e6,
            rayon::current_num_threads()
        );
    }
}
