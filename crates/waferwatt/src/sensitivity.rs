//! One-at-a-time sensitivity of any figure: each data number that the figure's ledger used
//! is moved to its low and then its high, the rest held at their values, and the figure
//! recomputed. Biggest swing first: the assumptions that move the answer most.
//!
//! It works on the data, not on a ledger's inputs, so that derived inputs (a tariff built
//! from its parts, a wafer's exposures summed over layer groups) move as they should.

use crate::data::Dataset;
use crate::diag::Diagnostics;
use crate::provenance::{Binding, Provenance};

/// How far one assumption moves a figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Swing {
    /// The data key (e.g. `accelerator.h100-sxm.price_usd`).
    pub key: String,
    pub low: f64,
    pub high: f64,
    pub unit: String,
    /// The figure with this number at its low and at its high.
    pub at_low: f64,
    pub at_high: f64,
}

impl Swing {
    pub fn width(&self) -> f64 {
        (self.at_high - self.at_low).abs()
    }
}

/// Swings of the figure that `figure` computes from the data, largest first. `figure` returns
/// the bindings it used and its value; numbers it did not take from the data (flags, scenario
/// inputs) are not swung, and numbers with no range are skipped.
pub fn one_at_a_time(
    ds: &Dataset,
    figure: impl Fn(&Dataset) -> Result<(Vec<Binding>, f64), Diagnostics>,
) -> Result<Vec<Swing>, Diagnostics> {
    let (bindings, _) = figure(ds)?;
    let mut keys: Vec<&str> = bindings
        .iter()
        .filter_map(|b| match &b.provenance {
            Provenance::Data { key, .. } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let at = |key: &str, value: f64| -> Result<f64, Diagnostics> {
        let mut moved = ds.clone();
        if let Some(p) = moved.params.get_mut(key) {
            p.value = value;
        }
        Ok(figure(&moved)?.1)
    };
    let mut swings = Vec::new();
    for key in keys {
        let Some(p) = ds.param(key) else { continue };
        if p.low >= p.high {
            continue;
        }
        swings.push(Swing {
            key: key.to_string(),
            low: p.low,
            high: p.high,
            unit: p.unit.clone(),
            at_low: at(key, p.low)?,
            at_high: at(key, p.high)?,
        });
    }
    swings.sort_by(|a, b| b.width().total_cmp(&a.width()).then(a.key.cmp(&b.key)));
    Ok(swings)
}
