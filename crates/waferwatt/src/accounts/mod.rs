//! The accounts of `waferwatt report`: each one answers a question of the source
//! commentary with the ledgers and the data, as plain results that a face renders.

pub mod capacity;
pub mod electricity;
pub mod market;
pub mod packaging;
pub mod strategy;
pub mod tools;
pub mod verdict;

use crate::data::{Dataset, key};
use crate::diag::Diagnostic;

/// What a claim of the data says, in words.
pub(crate) fn claim_text(ds: &Dataset, id: &str) -> Result<String, Diagnostic> {
    let k = key("claim", Some(id), "says");
    ds.text(&k).map(str::to_string).ok_or_else(|| Diagnostic::new(format!("the data has no `{k}`")).key(k))
}

/// The published figures a claim names as its measures (`claim.ID.measures`): each market
/// figure's words and number.
pub(crate) fn measures(ds: &Dataset, id: &str) -> Vec<(String, crate::data::Param)> {
    figures(ds, id, "measures")
}

/// The published figures a claim cites for context (`claim.ID.context`).
pub(crate) fn context(ds: &Dataset, id: &str) -> Vec<(String, crate::data::Param)> {
    figures(ds, id, "context")
}

fn figures(ds: &Dataset, id: &str, field: &str) -> Vec<(String, crate::data::Param)> {
    let market = market::market(ds);
    ds.list(&key("claim", Some(id), field))
        .unwrap_or_default()
        .iter()
        .filter_map(|m| market.iter().find(|f| &f.id == m).map(|f| (f.what.clone(), f.param.clone())))
        .collect()
}

/// The built-in data with few samples behind each of the report's ranges (a test of a verdict,
/// not of a range), and the given `--set` overrides.
#[cfg(test)]
pub(crate) fn test_data(sets: &[&str]) -> Dataset {
    let mut ds = Dataset::builtin().unwrap();
    ds.apply_set("defaults.report_samples=16").unwrap();
    for s in sets {
        ds.apply_set(s).unwrap();
    }
    ds
}
