//! One-at-a-time sensitivity of any figure: each uncertain number that the figure's model
//! reads is moved to its low and then its high, the rest held at their values, and the figure
//! recomputed. Biggest swing first: the assumptions that move the answer most.
//!
//! [`tornado`] works on any [`Model`] (a ledger's fast sampler, or the data re-bound per
//! sample); [`figure`] re-binds the data, so that derived inputs (a tariff
//! built from its parts, a wafer's exposures summed over layer groups) move as they should.

use crate::data::Dataset;
use crate::diag::Diagnostics;
use crate::plan::{Planned, Slots};
use crate::provenance::Binding;
use crate::uncertainty::{DataModel, Model, Plan, Sampling, Summary, Uncertain, summarize, uncertain_keys};

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

/// The uncertain numbers `figure` reads from the data, and the model that re-binds the data
/// for each of their values.
fn data_model<'a>(
    ds: &'a Dataset,
    figure: &'a (impl Fn(&Dataset) -> Result<(Vec<Binding>, f64), Diagnostics> + Sync),
) -> Result<(Vec<Uncertain>, impl Model + 'a), Diagnostics> {
    let (bindings, _) = figure(ds)?;
    let keys = uncertain_keys(ds, &bindings)?;
    let model = DataModel {
        ds,
        keys: keys.iter().map(|k| k.key.clone()).collect(),
        figure: move |d: &Dataset, out: &mut [f64]| match figure(d) {
            Ok((_, v)) => {
                out[0] = v;
                true
            }
            Err(_) => false,
        },
    };
    Ok((keys, model))
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

/// The swings of `figure` and its spread over `samples` Latin hypercube samples of every
/// uncertain number it reads (seeded by `seed`), re-binding the data for each. `figure`
/// returns the bindings it used and its value; numbers it did not take from the data (flags,
/// scenario inputs) are not uncertain, nor are numbers with no range.
pub fn figure(
    ds: &Dataset,
    samples: usize,
    seed: u64,
    figure: impl Fn(&Dataset) -> Result<(Vec<Binding>, f64), Diagnostics> + Sync,
) -> Result<Figure, Diagnostics> {
    let (keys, model) = data_model(ds, &figure)?;
    let swings = tornado(&model, &keys, 1, 0).map(|t| t.1).unwrap_or_default();
    let plan = Plan::keyed(&keys, samples, seed, Sampling::LatinHypercube);
    let rows = crate::uncertainty::sample(&model, &plan, 1, &|_| {});
    Ok(Figure { swings, spread: summarize(&rows.column(0)), samples, refused: rows.refused() })
}

/// [`figure`] through plans: `plan` plans the figure's ledgers on the data, their numbers read
/// through the slots it is given, and returns the bindings they used and the figure as a
/// function of a row of values (`None` where a ledger refuses them). The same swings and spread
/// as re-binding the data per sample (the plans' oracle tests hold derive equal to re-binding),
/// without the binding.
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
    use crate::diag::Diagnostic;
    use crate::provenance::Binder;

    const A: &str = "node.n7-duv.d0_per_cm2";
    const B: &str = "node.n5.d0_per_cm2";

    /// A figure of two data numbers that refuses `B` above its central value.
    fn figure(ds: &Dataset, central_b: f64) -> Result<(Vec<Binding>, f64), Diagnostics> {
        let mut b = Binder::new(ds);
        let a = b.data("a", A)?;
        let x = b.data("b", B)?;
        if x > central_b {
            return Err(Diagnostic::new("inconsistent").into());
        }
        Ok((b.bindings, 10.0 * a + x))
    }

    #[test]
    fn swings_are_largest_first_and_impossible_ends_are_left_out() {
        let ds = Dataset::builtin().unwrap();
        let central_b = ds.param(B).unwrap().value;
        let swings = super::figure(&ds, 16, 1, |d| figure(d, central_b)).unwrap().swings;
        assert_eq!(swings.len(), 1, "B fails at its high end, so only A swings");
        let (s, p) = (&swings[0], ds.param(A).unwrap());
        assert_eq!(s.key, A);
        let b = ds.param(B).unwrap().value;
        assert!(
            (s.at_low - (10.0 * p.low + b)).abs() < 1e-12 && (s.at_high - (10.0 * p.high + b)).abs() < 1e-12
        );
        // With both allowed, A (weighted ten times) comes first.
        let both = super::figure(&ds, 16, 1, |d| figure(d, f64::INFINITY)).unwrap().swings;
        assert_eq!(both.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), [A, B]);
    }
}
