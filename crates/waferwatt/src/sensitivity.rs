//! One-at-a-time sensitivity of any figure: each uncertain number that the figure's model
//! reads is moved to its low and then its high, the rest held at their values, and the figure
//! recomputed. Biggest swing first: the assumptions that move the answer most.
//!
//! [`tornado`] works on any [`Model`]; [`planned`] works on a figure of planned ledgers, whose
//! derived inputs (a tariff built from its parts, a wafer's exposures summed over layer
//! groups) are derived again for each value.

use crate::data::Dataset;
use crate::diag::Diagnostics;
use crate::plan::{Planned, Slots};
use crate::provenance::Binding;
use crate::uncertainty::{Model, Plan, Sampling, Summary, Uncertain, summarize, uncertain_keys};

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

/// Result `output` (of `width`) of `model` at the central values of `keys`, and its swings as
/// each number goes to its low and then its high, largest first; `None` if the model refuses
/// the central values. A number at one of whose range ends the model refuses the data (a
/// scheme that can no longer print a layer another ledger needs) is left out: that end is not
/// a state the data allows.
pub fn tornado<M: Model>(
    model: &M,
    keys: &[Uncertain],
    width: usize,
    output: usize,
) -> Option<(f64, Vec<Swing>)> {
    let central: Vec<f64> = keys.iter().map(|k| k.dist.value).collect();
    let mut scratch = model.scratch();
    let mut out = vec![0.0; width];
    let mut at =
        |x: &[f64]| model.eval(&mut scratch, x, &mut out).then(|| out[output]).filter(|v| v.is_finite());
    let centre = at(&central)?;
    let mut swings = Vec::new();
    for (j, k) in keys.iter().enumerate() {
        let mut x = central.clone();
        x[j] = k.dist.low;
        let at_low = at(&x);
        x[j] = k.dist.high;
        if let (Some(at_low), Some(at_high)) = (at_low, at(&x)) {
            let (low, high, unit) = (k.dist.low, k.dist.high, k.unit.clone());
            swings.push(Swing { key: k.key.clone(), low, high, unit, at_low, at_high });
        }
    }
    swings.sort_by(|a, b| b.width().total_cmp(&a.width()).then(a.key.cmp(&b.key)));
    Some((centre, swings))
}

/// What the data's uncertainty does to one figure: its spread over the uncertain numbers'
/// distributions, and the swings one number at a time (largest first).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figure {
    pub swings: Vec<Swing>,
    /// p5, p50, p95 and mean over `samples` Latin hypercube samples; `None` if every sample
    /// was refused.
    pub spread: Option<Summary>,
    pub samples: usize,
    /// Samples the ledgers refused (the data did not hold together at those numbers).
    pub refused: usize,
}

impl std::ops::Deref for Figure {
    type Target = [Swing];
    fn deref(&self) -> &[Swing] {
        &self.swings
    }
}

/// The swings of a figure and its spread over `samples` Latin hypercube samples of every
/// uncertain number it reads (seeded by `seed`). `plan` plans the figure's ledgers on the data,
/// their numbers read through the slots it is given, and returns the bindings they used and
/// the figure as a function of a row of values (`None` where a ledger refuses them). Numbers
/// the figure did not take from the data (flags, scenario inputs) are not uncertain, nor are
/// numbers with no range. The same as re-binding the data per sample (the plans' oracle tests
/// hold derive equal to re-binding), without the binding.
pub fn planned<E>(
    ds: &Dataset,
    samples: usize,
    seed: u64,
    plan: impl FnOnce(&Dataset, &mut Slots) -> Result<(Vec<Binding>, E), Diagnostics>,
) -> Result<Figure, Diagnostics>
where
    E: Fn(&[f64]) -> Option<f64> + Sync,
{
    let mut slots = Slots::default();
    let (bindings, eval) = plan(ds, &mut slots)?;
    let keys = uncertain_keys(ds, &bindings)?;
    let model = Planned::new(&slots, &keys, |v: &[f64], out: &mut [f64]| match eval(v) {
        Some(x) => {
            out[0] = x;
            true
        }
        None => false,
    })?;
    let swings = tornado(&model, &keys, 1, 0).map(|t| t.1).unwrap_or_default();
    let plan = Plan::keyed(&keys, samples, seed, Sampling::LatinHypercube);
    let rows = crate::uncertainty::sample(&model, &plan, 1, &|_| {});
    Ok(Figure { swings, spread: summarize(&rows.column(0)), samples, refused: rows.refused() })
}

/// The most samples behind a range of the report: a few hundred give its p5 and p95 to about
/// a percentile point; many more only slow the report (an assumption about what is useful).
pub const REPORT_SAMPLES_MAX: f64 = 100_000.0;

/// The report's sample count and seed, from the data (`defaults.report_samples`, `report_seed`).
pub fn report_sampling(ds: &Dataset) -> Result<(usize, u64), crate::diag::Diagnostic> {
    let key = "defaults.report_samples";
    let samples = ds.param(key).map_or(1.0, |p| p.value);
    if !(1.0..=REPORT_SAMPLES_MAX).contains(&samples) || samples.fract() != 0.0 {
        return Err(crate::diag::Diagnostic::new(format!(
            "{samples} samples for each of the report's ranges"
        ))
        .key(key)
        .expected(format!("a whole number from 1 to {REPORT_SAMPLES_MAX}")));
    }
    let key = "defaults.report_seed";
    let seed = ds.param(key).map_or(0.0, |p| p.value);
    // Whole and exactly representable (below 2^53).
    if !(0.0..=(1u64 << 53) as f64).contains(&seed) || seed.fract() != 0.0 {
        return Err(crate::diag::Diagnostic::new(format!("{seed} is not a seed"))
            .key(key)
            .expected("a whole number from 0 to 2^53"));
    }
    Ok((samples as usize, seed as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Planner;

    const A: &str = "node.n7-duv.d0_per_cm2";
    const B: &str = "node.n5.d0_per_cm2";

    /// The figure 10 a + b of two data numbers, refused with `b` above `central_b`.
    fn figure(ds: &Dataset, central_b: f64) -> Result<Figure, Diagnostics> {
        planned(ds, 16, 1, |ds, slots| {
            let mut p = Planner::new(ds, slots);
            let (a, b) = (p.num("a", A)?, p.num("b", B)?);
            let f = move |v: &[f64]| (b.get(v) <= central_b).then(|| 10.0 * a.get(v) + b.get(v));
            Ok((p.bindings(), f))
        })
    }

    #[test]
    fn swings_are_largest_first_and_impossible_ends_are_left_out() {
        let ds = Dataset::builtin().unwrap();
        let central_b = ds.param(B).unwrap().value;
        let swings = figure(&ds, central_b).unwrap().swings;
        assert_eq!(swings.len(), 1, "B fails at its high end, so only A swings");
        let (s, p) = (&swings[0], ds.param(A).unwrap());
        assert_eq!(s.key, A);
        let b = ds.param(B).unwrap().value;
        assert!(
            (s.at_low - (10.0 * p.low + b)).abs() < 1e-12 && (s.at_high - (10.0 * p.high + b)).abs() < 1e-12
        );
        // With both allowed, A (weighted ten times) comes first.
        let both = figure(&ds, f64::INFINITY).unwrap().swings;
        assert_eq!(both.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), [A, B]);
    }
}
