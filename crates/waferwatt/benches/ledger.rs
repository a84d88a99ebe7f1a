//! Benchmark: training-ledger evaluations per second on one core (`cargo bench`).
//!
//! The ledger is evaluated on the bound inputs of a published run, with one input nudged on
//! every iteration so that no evaluation can be hoisted out of the loop. Figures go into
//! BENCHMARKS.md.

use std::hint::black_box;
use std::time::Instant;

use waferwatt::data::Dataset;
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

fn main() {
    // `cargo test --benches` runs this binary with no `--bench`: keep that run short.
    let quick = !std::env::args().any(|a| a == "--bench");
    let seconds = if quick { 0.01 } else { 1.0 };
    for (name, x) in [
        ("llama-3.1-405b, hours given (implied MFU)", inputs("llama-3.1-405b", true)),
        ("llama-3.1-405b, hours from compute and MFU", inputs("llama-3.1-405b", false)),
        ("deepseek-v3, hours given", inputs("deepseek-v3", true)),
    ] {
        let r = rate(x, seconds);
        println!("train ledger, {name}: {:.1} million evaluations/s (one core)", r / 1e6);
    }
}
