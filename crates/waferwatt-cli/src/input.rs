//! Loading the data in force: the built-in files, then a scenario file, then `--set`.

use std::path::Path;

use clap::Args;
use waferwatt::data::{Dataset, Scenario};
use waferwatt::diag::{Diagnostic, Diagnostics};

/// Options every command that reads the data shares.
#[derive(Args, Debug, Clone, Default)]
pub struct DataOptions {
    /// A scenario file (TOML) laid over the built-in data
    #[arg(long, value_name = "FILE", global = true)]
    pub scenario: Option<String>,
    /// Override one data number, e.g. accelerator.h100-sxm.tdp_w=650 (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE", global = true)]
    pub set: Vec<String>,
}

/// The built-in data, parsed once a process and copied after: a face that asks many times (a
/// page moving a slider, a sweep) pays for the parse once. The model holds no state; this face
/// keeps the copy.
fn builtin() -> Result<Dataset, Diagnostics> {
    static PARSED: std::sync::OnceLock<Result<Dataset, Diagnostics>> = std::sync::OnceLock::new();
    PARSED.get_or_init(Dataset::builtin).clone()
}

/// The data in force and the scenario's command inputs (empty without a scenario).
pub fn load(opts: &DataOptions) -> Result<(Dataset, Scenario), Diagnostics> {
    let mut ds = builtin()?;
    let scenario = match &opts.scenario {
        Some(path) => {
            let bytes = std::fs::read(Path::new(path)).map_err(|e| {
                Diagnostic::new(format!("cannot read scenario file {path}: {e}"))
                    .expected("a readable TOML file")
            })?;
            let text = String::from_utf8(bytes).map_err(|e| {
                // Where the first byte that is not UTF-8 sits: its line and column.
                let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = good.iter().filter(|b| **b == b'\n').count() + 1;
                let start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                let column = String::from_utf8_lossy(&good[start..]).chars().count() + 1;
                Diagnostic::new(format!("{path} is not UTF-8 text"))
                    .at(Some(waferwatt::diag::Location { file: path.as_str().into(), line, column }))
                    .expected("a TOML file in UTF-8")
            })?;
            ds.apply_scenario(path, &text)?
        }
        None => Scenario::default(),
    };
    let mut problems = Vec::new();
    for assignment in &opts.set {
        if let Err(d) = ds.apply_set(assignment) {
            problems.push(d);
        }
    }
    if problems.is_empty() && (opts.scenario.is_some() || !opts.set.is_empty()) {
        problems.extend(whole_scenario_problems(&ds, &scenario));
    }
    if problems.is_empty() { Ok((ds, scenario)) } else { Err(Diagnostics(problems)) }
}

/// All of a scenario and the `--set`s checked, whichever command loads them: every command
/// section read as its command would read it (a typo in `[wafer]` is one for `report` too),
/// every id an override names, every source an overridden number cites. A command then
/// ignores the sections that are not its own.
fn whole_scenario_problems(ds: &Dataset, scenario: &Scenario) -> Vec<Diagnostic> {
    use waferwatt::{chip, fab, fleet, train};
    let mut problems = Vec::new();
    for (name, section) in &scenario.sections {
        let read = match name.as_str() {
            "train" => train::TrainRequest::from_scenario(section).err(),
            "wafer" => fab::WaferRequest::from_scenario(section).err(),
            "chip" => chip::ChipRequest::from_scenario(section).err(),
            "fleet" => fleet::FleetRequest::from_scenario(section).err(),
            _ => None,
        };
        problems.extend(read.into_iter().flat_map(|d| d.0));
    }
    problems.extend(ds.reference_problems());
    problems.extend(ds.override_source_problems());
    problems
}

/// Parses a count with an optional suffix: `405e9`, `405B`, `15.6T`, `2k`, `2.788M`.
pub fn parse_quantity(s: &str) -> Result<f64, String> {
    let s = s.trim().replace('_', "");
    let (digits, scale) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() && !s.ends_with("inf") && !s.eq_ignore_ascii_case("nan") => {
            let scale = match c {
                'k' | 'K' => 1e3,
                'M' => 1e6,
                'B' | 'G' => 1e9,
                'T' => 1e12,
                'P' => 1e15,
                _ => {
                    return Err(format!("unknown suffix `{c}` in `{s}`: use k, M, B (or G), T or P"));
                }
            };
            (&s[..i], scale)
        }
        _ => (s.as_str(), 1.0),
    };
    let x: f64 = digits.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if x.is_finite() { Ok(x * scale) } else { Err(format!("`{s}` is not a finite number")) }
}

#[cfg(test)]
mod tests {
    use super::parse_quantity;

    #[test]
    fn quantities_take_suffixes() {
        assert_eq!(parse_quantity("405B"), Ok(405e9));
        assert_eq!(parse_quantity("15.6T"), Ok(15.6e12));
        assert_eq!(parse_quantity("2.788M"), Ok(2.788e6));
        assert_eq!(parse_quantity("3.3e24"), Ok(3.3e24));
        assert!(parse_quantity("12X").is_err());
        assert!(parse_quantity("inf").is_err());
        assert!(parse_quantity("nan").is_err());
        assert!(parse_quantity("abc").is_err());
    }
}
