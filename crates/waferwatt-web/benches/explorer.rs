//! How long the explorer takes to answer a slider, in headless Chromium: every slider of every
//! section moved across its range (`MOVES` times each, default 20), each move timed from the
//! input event to the redrawn section, with the model's part of it, and the page's start. Run
//! after building the page: `crates/waferwatt-web/build-explorer target/explorer &&
//! WAFERWATT_EXPLORER=target/explorer cargo bench -p waferwatt-web`. The figures go into
//! BENCHMARKS.md.

#[path = "../tests/browser/mod.rs"]
mod browser;

/// The value at quantile `q` of `t`.
fn quantile(mut t: Vec<f64>, q: f64) -> f64 {
    t.sort_by(f64::total_cmp);
    t[((t.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let Some(page) = browser::page() else { return };
    let moves: usize = std::env::var("MOVES").ok().and_then(|m| m.parse().ok()).unwrap_or(20);
    let report = browser::selftest(&format!("file://{}?selftest=bench&moves={moves}", page.display()));
    println!(
        "start (decode, compile and the first answers of every section): {:.0} ms",
        report["startup_ms"].as_f64().unwrap()
    );
    println!(
        "{:<10} {:>6} {:>9} {:>9} {:>9} {:>13}  slowest move",
        "section", "moves", "median", "p90", "max", "model median"
    );
    for section in ["train", "wafer", "strategy"] {
        // Each move: (the whole move, the model's part, the control and its value).
        let moves: Vec<(f64, f64, String)> = report["bench"][section]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m[0].as_f64().unwrap(), m[1].as_f64().unwrap(), format!("{} = {}", m[2], m[3])))
            .collect();
        let whole: Vec<f64> = moves.iter().map(|m| m.0).collect();
        let slowest = moves.iter().max_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
        println!(
            "{section:<10} {:>6} {:>6.1} ms {:>6.1} ms {:>6.1} ms {:>10.1} ms  {}",
            moves.len(),
            quantile(whole.clone(), 0.5),
            quantile(whole.clone(), 0.9),
            quantile(whole, 1.0),
            quantile(moves.iter().map(|m| m.1).collect(), 0.5),
            slowest.2
        );
    }
}
