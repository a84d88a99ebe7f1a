//! Uncertainty (DESIGN.md "Uncertainty"): every uncertain number drawn from its distribution,
//! any model evaluated per sample in parallel, and the results summarised as percentiles.
//!
//! Each sample has its own random stream, seeded from the run's seed and the sample's index,
//! so a seeded run gives the same numbers bit for bit whatever the number of threads. A
//! [`Model`] maps one row of drawn numbers to one row of results; [`DataModel`] is the model
//! of any ledger that re-binds the data per sample (exact, general, slower), and a ledger may
//! offer a faster one of its own (the training ledger's [`crate::train::Sampler`]).

pub mod dist;
pub mod sobol;

use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::data::Dataset;
use crate::provenance::{Binding, Provenance};
pub use dist::{Dist, Shape};

/// One uncertain number of the data, and its distribution.
#[derive(Clone, Debug)]
pub struct Uncertain {
    pub key: String,
    pub unit: String,
    pub dist: Dist,
}

/// The data keys a ledger used whose numbers are uncertain, in key order, once each.
pub fn uncertain_keys(ds: &Dataset, bindings: &[Binding]) -> Result<Vec<Uncertain>, crate::diag::Diagnostic> {
    let mut keys: Vec<&str> = bindings
        .iter()
        .filter_map(|b| match &b.provenance {
            Provenance::Data { key, .. } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let Some(p) = ds.param(key) else { continue };
        let dist = Dist::new(p.dist, p.low, p.value, p.high).map_err(|e| {
            crate::diag::Diagnostic::new(format!("`{key}` has no valid {} distribution: {e}", p.dist.name()))
                .at(p.location.clone())
                .key(key)
                .expected("a range the distribution can take")
        })?;
        if dist.varies() {
            out.push(Uncertain { key: key.to_string(), unit: p.unit.clone(), dist });
        }
    }
    Ok(out)
}

/// How the uniform draws behind each sample are spread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sampling {
    /// Independent draws.
    #[default]
    MonteCarlo,
    /// Latin hypercube: each number's range cut into as many equally likely strata as there
    /// are samples, each stratum drawn once.
    LatinHypercube,
}

/// The random stream of one sample: the run's seed and the sample's index, mixed.
#[inline]
pub fn stream(seed: u64, index: u64) -> Xoshiro256PlusPlus {
    // SplitMix64's increment (the golden ratio in 64 bits) spreads neighbouring indices far
    // apart before the generator's own SplitMix64 seeding mixes them further.
    Xoshiro256PlusPlus::seed_from_u64(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// A uniform draw in the open interval (0, 1): 53 random bits, centred in their cell.
#[inline]
pub fn open01(rng: &mut impl RngCore) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// Everything that fixes the draws of a run.
#[derive(Clone, Debug)]
pub struct Plan {
    pub dists: Vec<Dist>,
    pub samples: usize,
    pub seed: u64,
    pub sampling: Sampling,
    /// Latin hypercube strata, by number then sample.
    strata: Vec<Vec<u32>>,
}

impl Plan {
    pub fn new(dists: Vec<Dist>, samples: usize, seed: u64, sampling: Sampling) -> Plan {
        let strata = match sampling {
            Sampling::MonteCarlo => Vec::new(),
            Sampling::LatinHypercube => (0..dists.len())
                .map(|j| {
                    // A shuffle per number from its own stream (Fisher–Yates).
                    let mut rng = stream(!seed, j as u64);
                    let mut p: Vec<u32> = (0..samples as u32).collect();
                    for i in (1..p.len()).rev() {
                        let k = (rng.next_u64() % (i as u64 + 1)) as usize;
                        p.swap(i, k);
                    }
                    p
                })
                .collect(),
        };
        Plan { dists, samples, seed, sampling, strata }
    }

    /// The numbers of sample `i`, written into `x`.
    #[inline]
    pub fn draw(&self, i: usize, x: &mut [f64]) {
        let mut rng = stream(self.seed, i as u64);
        match self.sampling {
            Sampling::MonteCarlo => {
                for (x, d) in x.iter_mut().zip(&self.dists) {
                    *x = d.quantile(open01(&mut rng));
                }
            }
            Sampling::LatinHypercube => {
                let n = self.samples as f64;
                for ((x, d), s) in x.iter_mut().zip(&self.dists).zip(&self.strata) {
                    *x = d.quantile((s[i] as f64 + open01(&mut rng)) / n);
                }
            }
        }
    }
}

/// A model to sample: one row of numbers in, one row of results out.
pub trait Model: Sync {
    /// Working memory a thread keeps between samples (a copy of the data, say).
    type Scratch: Send;
    fn scratch(&self) -> Self::Scratch;
    /// Writes the results of the numbers `x` into `out`; false if the model refuses them.
    fn eval(&self, scratch: &mut Self::Scratch, x: &[f64], out: &mut [f64]) -> bool;
}

/// Samples per unit of parallel work, and per step of the progress callback.
pub const CHUNK: usize = 4096;

/// Results of `n` rows (row by row, `width` results each); refused rows are NaN throughout.
pub struct Rows {
    pub width: usize,
    pub values: Vec<f64>,
}

impl Rows {
    pub fn rows(&self) -> usize {
        self.values.len().checked_div(self.width).unwrap_or(0)
    }
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.width..(i + 1) * self.width]
    }
    /// Rows the model refused.
    pub fn refused(&self) -> usize {
        (0..self.rows()).filter(|&i| self.row(i).first().is_some_and(|v| v.is_nan())).count()
    }
    /// Column `j`, without refused rows.
    pub fn column(&self, j: usize) -> Vec<f64> {
        self.values.iter().skip(j).step_by(self.width.max(1)).copied().filter(|v| !v.is_nan()).collect()
    }
}

/// Evaluates `model` on `n` rows of numbers, row `i` written by `fill(i, x)`, in parallel.
/// `progress` is told how many rows are done after each chunk.
pub fn evaluate_rows<M: Model>(
    model: &M,
    n: usize,
    inputs: usize,
    width: usize,
    fill: impl Fn(usize, &mut [f64]) + Sync,
    progress: &(dyn Fn(usize) + Sync),
) -> Rows {
    let mut values = vec![0.0; n * width];
    let done = std::sync::atomic::AtomicUsize::new(0);
    if width > 0 {
        values.par_chunks_mut(CHUNK * width).enumerate().for_each_init(
            || (model.scratch(), vec![0.0; inputs]),
            |(scratch, x), (c, rows)| {
                for (r, out) in rows.chunks_mut(width).enumerate() {
                    fill(c * CHUNK + r, x);
                    if !model.eval(scratch, x, out) || out.iter().any(|v| !v.is_finite()) {
                        out.fill(f64::NAN);
                    }
                }
                let d = done.fetch_add(rows.len() / width, std::sync::atomic::Ordering::Relaxed);
                progress(d + rows.len() / width);
            },
        );
    }
    Rows { width, values }
}

/// Monte Carlo (or Latin hypercube) over a plan.
pub fn sample<M: Model>(model: &M, plan: &Plan, width: usize, progress: &(dyn Fn(usize) + Sync)) -> Rows {
    evaluate_rows(model, plan.samples, plan.dists.len(), width, |i, x| plan.draw(i, x), progress)
}

/// A result's spread over the samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub mean: f64,
    /// Samples behind it.
    pub n: usize,
}

/// Percentiles (linear between order statistics, numpy's default) and the mean; `None` if
/// there are no values. Reorders `values`.
pub fn summarize(values: &mut [f64]) -> Option<Summary> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let mut at = |q: f64| {
        let h = (n - 1) as f64 * q;
        let lo = h.floor() as usize;
        let (_, v, rest) = values.select_nth_unstable_by(lo, f64::total_cmp);
        let v = *v;
        let next = rest.iter().copied().fold(f64::INFINITY, f64::min);
        if lo + 1 < n { v + (h - lo as f64) * (next - v) } else { v }
    };
    let (p5, p50, p95) = (at(0.05), at(0.50), at(0.95));
    Some(Summary { p5, p50, p95, mean, n })
}

/// Summaries of every column of `rows`, in parallel.
pub fn summarize_rows(rows: &Rows) -> Vec<Option<Summary>> {
    (0..rows.width).into_par_iter().map(|j| summarize(&mut rows.column(j))).collect()
}

/// The model of any ledger that re-binds the data for each sample: the uncertain numbers are
/// written into a thread's own copy of the data and `figure` computes the results from it.
/// Exact for every ledger, since derived inputs (a tariff from its parts, exposures summed
/// over layer groups) are derived again.
pub struct DataModel<'a, F> {
    pub ds: &'a Dataset,
    pub keys: Vec<String>,
    pub figure: F,
}

impl<F> Model for DataModel<'_, F>
where
    F: Fn(&Dataset, &mut [f64]) -> bool + Sync,
{
    type Scratch = Dataset;
    fn scratch(&self) -> Dataset {
        self.ds.clone()
    }
    fn eval(&self, ds: &mut Dataset, x: &[f64], out: &mut [f64]) -> bool {
        for (k, v) in self.keys.iter().zip(x) {
            if let Some(p) = ds.params.get_mut(k) {
                p.value = *v;
            }
        }
        (self.figure)(ds, out)
    }
}

#[cfg(test)]
mod tests;
