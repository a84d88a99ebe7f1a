//! One-at-a-time sensitivity of a training-ledger figure: each data number the ledger used
//! is moved to its low and then its high, the rest held at their values, and the figure
//! recomputed. Biggest swing first: the assumptions that move the answer most.

use super::{Outputs, Provenance, TrainRequest, bind, evaluate};
use crate::data::Dataset;
use crate::diag::Diagnostics;

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

/// Swings of `figure` for the `region_index`-th region of `req`, largest first. Numbers
/// the user fixed by flag or scenario input are not swung; numbers with no range are skipped.
pub fn one_at_a_time(
    ds: &Dataset,
    req: &TrainRequest,
    region_index: usize,
    figure: impl Fn(&Outputs) -> f64,
) -> Result<Vec<Swing>, Diagnostics> {
    let bound = bind(ds, req)?;
    let Some(base) = bound.get(region_index) else {
        return Ok(Vec::new());
    };
    let mut keys: Vec<&str> = base
        .bindings
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
        let b = bind(&moved, req)?;
        Ok(b.get(region_index).map(|b| figure(&evaluate(&b.inputs))).unwrap_or(f64::NAN))
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
