//! A fuzz harness of our own, on stable Rust: hostile scenario files (the shipped scenarios
//! mutated byte by byte, line by line, number by number) and hostile `--set` overrides go
//! through the data reader and then through every ledger. Whatever the input, the reader
//! either refuses it with a located message or gives data on which each ledger either
//! refuses with a message or answers with numbers its own check accepts: never a panic.
//!
//! The default run (a few hundred cases, in `cargo test`) is CI's short run. For a longer one:
//!
//!     FUZZ_CASES=20000 cargo test --release -p waferwatt --test fuzz
//!
//! Each failure proptest finds is shrunk to a small input; add it to `regressions()` below
//! with the fix.

use proptest::prelude::*;
use waferwatt::data::{Dataset, Scenario};
use waferwatt::{chip, fab, fleet, strategy, train};

/// Cases per property: `FUZZ_CASES` or a short default.
fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(128)
}

/// Numbers a hostile or careless user writes.
const HOSTILE: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "2",
    "1e-324",
    "5e-324",
    "1e-310",
    "1e-9",
    "1e9",
    "1e25",
    "1e200",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "9.3e18",
    "1.8446744073709552e19",
    "4503599627370497",
    "nan",
    "inf",
    "-inf",
    "\"\"",
    "\"x\"",
    "[]",
    "[1, 2]",
    "{}",
    "true",
    "2025",
    "1e6",
    "0.999999",
    "450",
    "451",
];

/// The shipped scenario files: the starting points of the mutations.
fn seeds() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect();
    out.sort();
    out
}

/// Every ledger on the data and the scenario's command sections: each either refuses with a
/// message or answers with numbers its check accepts (or refuses in its check). A panic
/// fails the case.
fn run_ledgers(ds: &Dataset, sc: &Scenario) {
    let section = |n: &str| sc.section(n);
    let train_req = match section("train") {
        Some(s) => train::TrainRequest::from_scenario(s).ok(),
        None => Some(train::TrainRequest::default()),
    };
    for b in train_req.and_then(|r| train::bind(ds, &r).ok()).unwrap_or_default() {
        let _ = train::check(&train::evaluate(&b.inputs));
    }
    let wafer_req = match section("wafer") {
        Some(s) => fab::WaferRequest::from_scenario(s).ok(),
        None => Some(fab::WaferRequest::default()),
    };
    for b in wafer_req.and_then(|r| fab::bind(ds, &r).ok()).unwrap_or_default() {
        let _ = fab::check(&fab::evaluate(&b.inputs));
    }
    let chip_req = match section("chip") {
        Some(s) => chip::ChipRequest::from_scenario(s).ok(),
        None => Some(chip::ChipRequest::default()),
    };
    if let Some(b) = chip_req.and_then(|r| chip::bind(ds, &r).ok()) {
        let _ = chip::check(&chip::evaluate(&b.inputs));
    }
    let fleet_req = match section("fleet") {
        Some(s) => fleet::FleetRequest::from_scenario(s).ok(),
        None => Some(fleet::FleetRequest::default()),
    };
    if let Some(b) = fleet_req.and_then(|r| fleet::bind(ds, &r).ok()) {
        let _ = fleet::check(&fleet::evaluate(&b.inputs));
    }
    if let Ok(b) = strategy::bind(ds, &strategy::StrategyRequest::default()) {
        let _ = strategy::check(&strategy::evaluate(&b.inputs));
    }
}

/// A scenario read: refused with every message located, or data every ledger survives.
fn read_and_run(text: &str) -> Result<(), TestCaseError> {
    let mut ds = Dataset::builtin().expect("built-in data");
    match ds.apply_scenario("fuzzed.toml", text) {
        Ok(sc) => run_ledgers(&ds, &sc),
        Err(e) => {
            for d in &e.0 {
                prop_assert!(
                    d.location.is_some(),
                    "a scenario message with no file:line: {d}\n--- input:\n{text}"
                );
            }
        }
    }
    Ok(())
}

/// A mutation of a seed: what to do, where, with what.
#[derive(Clone, Debug)]
enum Edit {
    /// Replace the `k`-th number of the text with a hostile one.
    Number(usize, usize),
    /// Remove, duplicate or swap the `k`-th line.
    DropLine(usize),
    DupLine(usize),
    /// Put byte `b` at position `k`.
    Byte(usize, u8),
    /// Cut the text at `k`.
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (0usize..400, 0..HOSTILE.len()).prop_map(|(k, h)| Edit::Number(k, h)),
        1 => (0usize..200).prop_map(Edit::DropLine),
        1 => (0usize..200).prop_map(Edit::DupLine),
        2 => (0usize..8000, any::<u8>()).prop_map(|(k, b)| Edit::Byte(k, b)),
        1 => (0usize..8000).prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, e: &Edit) -> String {
    match *e {
        Edit::Number(k, h) => {
            // The k-th run of digits (with its sign, point and exponent) in the text.
            let bytes = text.as_bytes();
            let mut runs = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i].is_ascii_digit() {
                    let s = i;
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || b".+-_".contains(&bytes[i]))
                    {
                        i += 1;
                    }
                    runs.push((s, i));
                } else {
                    i += 1;
                }
            }
            match runs.get(k % runs.len().max(1)) {
                Some(&(s, t)) => format!("{}{}{}", &text[..s], HOSTILE[h], &text[t..]),
                None => text.to_string(),
            }
        }
        Edit::DropLine(k) | Edit::DupLine(k) => {
            let mut lines: Vec<&str> = text.lines().collect();
            if lines.is_empty() {
                return text.to_string();
            }
            let k = k % lines.len();
            if matches!(e, Edit::DropLine(_)) {
                lines.remove(k);
            } else {
                lines.insert(k, lines[k]);
            }
            lines.join("\n")
        }
        Edit::Byte(k, b) => {
            let mut bytes = text.as_bytes().to_vec();
            let k = k % (bytes.len() + 1);
            bytes.insert(k, b);
            // Not UTF-8 is the reader's caller's concern (a located message there); here the
            // text stays text.
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Edit::Truncate(k) => {
            let k = k % (text.len() + 1);
            let k = (0..=k).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            text[..k].to_string()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn hostile_scenarios_are_refused_with_a_location_or_survived(
        seed in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let seeds = seeds();
        let mut text = seeds[seed.index(seeds.len())].clone();
        for e in &edits {
            text = apply(&text, e);
        }
        read_and_run(&text)?;
    }

    #[test]
    fn hostile_overrides_are_refused_or_survived(
        pick in any::<prop::sample::Index>(),
        value in 0..HOSTILE.len(),
        pick2 in any::<prop::sample::Index>(),
        value2 in 0..HOSTILE.len(),
    ) {
        let base = Dataset::builtin().expect("built-in data");
        let mut keys: Vec<&String> = base.params.keys().chain(base.texts.keys()).collect();
        keys.sort();
        let mut ds = base.clone();
        // Two overrides at once: a number and its neighbour's range are often read together.
        for (p, v) in [(pick, value), (pick2, value2)] {
            let k = keys[p.index(keys.len())];
            let v = HOSTILE[v].trim_matches('"');
            if ds.apply_set(&format!("{k}={v}")).is_err() {
                return Ok(());
            }
        }
        if !ds.reference_problems().is_empty() {
            return Ok(());
        }
        run_ledgers(&ds, &Scenario::default());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Every command's inputs, as a scenario section gives them (the flags of `train`, `wafer`,
    /// `chip` and `fleet` are the same inputs under the same names): hostile values, two at a
    /// time, refused or survived.
    #[test]
    fn hostile_command_inputs_are_refused_or_survived(
        section in 0usize..4,
        k1 in any::<prop::sample::Index>(),
        v1 in 0..HOSTILE.len(),
        k2 in any::<prop::sample::Index>(),
        v2 in 0..HOSTILE.len(),
    ) {
        let (name, keys) = [
            ("train", train::TRAIN_KEYS),
            ("wafer", fab::WAFER_KEYS),
            ("chip", chip::CHIP_KEYS),
            ("fleet", fleet::FLEET_KEYS),
        ][section];
        let (a, b) = (keys[k1.index(keys.len())], keys[k2.index(keys.len())]);
        let mut text = format!("extends = \"default\"\n[{name}]\n{a} = {}\n", HOSTILE[v1]);
        if a != b {
            text.push_str(&format!("{b} = {}\n", HOSTILE[v2]));
        }
        read_and_run(&text)?;
    }
}

/// Inputs the fuzzer or a reader found, kept as regressions.
#[test]
fn regressions() {
    // A wafer a kilometre across once hung the exact die count and, larger, panicked.
    for wafer in ["1e25", "1e8", "1e6"] {
        let mut ds = Dataset::builtin().unwrap();
        assert!(ds.apply_set(&format!("fab.wafer_mm={wafer}")).is_err(), "{wafer}");
    }
    // A subnormal price reads as a number, never NaN: the ledger survives it.
    let mut ds = Dataset::builtin().unwrap();
    ds.apply_set("package.h100-sxm.module_usd=5e-324").unwrap();
    let b = chip::bind(&ds, &chip::ChipRequest::default()).unwrap();
    chip::check(&chip::evaluate(&b.inputs)).unwrap();
    // A layer moved to a node that does not exist is refused, not dropped.
    let mut ds = Dataset::builtin().unwrap();
    ds.apply_set("layer.n7-duv.semi-global.node=nan").unwrap();
    assert!(!ds.reference_problems().is_empty());
    // A subnormal packaging yield once made a capacity order's bound not a number, and the
    // strategy panicked on it; and a lead time of 1e300 years overflowed its arrival year.
    for set in ["package.ascend-910c.packaging_yield=5e-324", "package.ascend-910c.packaging_yield=1e-310"] {
        let mut ds = Dataset::builtin().unwrap();
        ds.apply_set(set).unwrap();
        run_ledgers(&ds, &Scenario::default());
    }
    let mut ds = Dataset::builtin().unwrap();
    assert!(ds.apply_set("strategy.duv_lead_years=1e300").is_err(), "a lead time past any horizon");
}
