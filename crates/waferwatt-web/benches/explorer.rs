//! How long the explorer takes to answer a slider, in headless Chromium: every slider of every
//! section moved across its range (`MOVES` times each, default 20), each move timed from the
//! input event to the redrawn section, and the page's start. Run after building the page:
//! `crates/waferwatt-web/build-explorer target/explorer && WAFERWATT_EXPLORER=target/explorer
//! cargo bench -p waferwatt-web`. The figures go into BENCHMARKS.md.

#[path = "../tests/browser/mod.rs"]
mod browser;

fn main() {
    let Some(page) = browser::page() else { return };
    let moves: usize = std::env::var("MOVES").ok().and_then(|m| m.parse().ok()).unwrap_or(20);
    let report = browser::selftest(&format!("file://{}?selftest=bench&moves={moves}", page.display()));
    println!(
        "start (decode, compile and the first answers of every section): {:.0} ms",
        report["startup_ms"].as_f64().unwrap()
    );
    println!("{:<10} {:>6} {:>9} {:>9} {:>9}", "section", "moves", "median", "p90", "max");
    for section in ["train", "wafer", "strategy"] {
        let mut t: Vec<f64> =
            report["bench"][section].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        t.sort_by(f64::total_cmp);
        let at = |q: f64| t[((t.len() - 1) as f64 * q).round() as usize];
        println!("{section:<10} {:>6} {:>6.1} ms {:>6.1} ms {:>6.1} ms", t.len(), at(0.5), at(0.9), at(1.0));
    }
}
