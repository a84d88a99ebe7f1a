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
use crate::provenance::Binding;
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
    let mut out = Vec::new();
    for key in crate::provenance::data_keys(bindings) {
        let Some(p) = ds.param(key) else { continue };
        let dist = Dist::new(p.dist, p.low, p.value, p.high).map_err(|e| {
            crate::diag::Diagnostic::new(format!("`{key}` has no valid {} distribution: {e}", p.dist.name()))
                .at(p.location.clone())
                .key(key)
                .expected("a range the distribution can take")
        })?;
        // Counts (dies in a package, steps per exposure) are drawn whole.
        let dist = if p.unit == "count" { dist.whole() } else { dist };
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
                // The uniform draws first (one serial chain), then the quantiles (independent
                // of each other, so they overlap in the processor).
                for x in x.iter_mut() {
                    *x = open01(&mut rng);
                }
                for (x, d) in x.iter_mut().zip(&self.dists) {
                    *x = d.quantile(*x);
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

/// Samples per unit of parallel work, and per step of the progress callback, at most.
pub const CHUNK: usize = 4096;

/// Rows per unit of parallel work for `n` rows: at least 64 units, so that a few hundred
/// samples of a slow model still spread over every core, and at most [`CHUNK`] rows each.
fn chunk_rows(n: usize) -> usize {
    (n / 64).clamp(16, CHUNK)
}

/// Results of `n` rows of `width` figures each, stored in blocks of rows, column by column
/// within a block (so a column is read in long runs). A figure a row lacks (the model wrote
/// NaN, or a number that is not finite) is NaN; a refused row is NaN throughout.
pub struct Rows {
    pub width: usize,
    pub n: usize,
    chunk: usize,
    values: Vec<f64>,
    refused: Vec<bool>,
}

impl Rows {
    pub fn rows(&self) -> usize {
        self.n
    }
    /// The block holding row `i`, its length, and the row's place in it.
    fn block(&self, i: usize) -> (&[f64], usize, usize) {
        let c = i / self.chunk;
        let start = c * self.chunk * self.width;
        let len = (self.n - c * self.chunk).min(self.chunk);
        (&self.values[start..start + len * self.width], len, i % self.chunk)
    }
    /// Result `j` of row `i`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        let (block, len, r) = self.block(i);
        block[j * len + r]
    }
    /// Row `i`, copied out.
    pub fn row(&self, i: usize) -> Vec<f64> {
        (0..self.width).map(|j| self.get(i, j)).collect()
    }
    /// Whether the model refused row `i`.
    pub fn is_refused(&self, i: usize) -> bool {
        self.refused[i]
    }
    /// Rows the model refused.
    pub fn refused(&self) -> usize {
        self.refused.iter().filter(|r| **r).count()
    }
    /// Column `j`, without the rows that lack it.
    pub fn column(&self, j: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.n);
        let mut i = 0;
        while i < self.n {
            let (block, len, _) = self.block(i);
            out.extend(block[j * len..(j + 1) * len].iter().copied().filter(|v| !v.is_nan()));
            i += len;
        }
        out
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
    let mut refused = vec![false; n];
    let done = std::sync::atomic::AtomicUsize::new(0);
    let chunk = chunk_rows(n);
    values
        .par_chunks_mut((chunk * width).max(1))
        .zip(refused.par_chunks_mut(chunk))
        .enumerate()
        .for_each_init(
            || (model.scratch(), vec![0.0; inputs], vec![0.0; width]),
            |(scratch, x, out), (c, (block, refused))| {
                let len = refused.len();
                for (r, refused) in refused.iter_mut().enumerate() {
                    fill(c * chunk + r, x);
                    let ok = model.eval(scratch, x, out);
                    *refused = !ok;
                    for (j, v) in out.iter().enumerate() {
                        block[j * len + r] = if ok && v.is_finite() { *v } else { f64::NAN };
                    }
                }
                let d = done.fetch_add(len, std::sync::atomic::Ordering::Relaxed);
                progress(d + len);
            },
        );
    Rows { width, n, chunk, values, refused }
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
    let (mut lo, mut hi, mut sum) = (f64::INFINITY, f64::NEG_INFINITY, 0.0);
    for v in values.iter() {
        lo = lo.min(*v);
        hi = hi.max(*v);
        sum += v;
    }
    let mean = sum / n as f64;
    if lo == hi {
        return Some(Summary { p5: lo, p50: lo, p95: lo, mean: lo, n });
    }
    // The median first; then the 5th percentile among the values below it and the 95th among
    // those above, so that each selection works on a shorter slice.
    let rank = |q: f64| {
        let h = (n - 1) as f64 * q;
        (h.floor() as usize, h - h.floor())
    };
    let (k50, f50) = rank(0.50);
    let (below, m, above) = values.select_nth_unstable_by(k50, f64::total_cmp);
    let m = *m;
    let min = |s: &[f64]| s.iter().copied().fold(f64::INFINITY, f64::min);
    let p50 = if f50 > 0.0 { m + f50 * (min(above) - m) } else { m };
    let (k5, f5) = rank(0.05);
    let p5 = if k5 < k50 {
        let (_, v, rest) = below.select_nth_unstable_by(k5, f64::total_cmp);
        let next = if rest.is_empty() { m } else { min(rest) };
        *v + f5 * (next - *v)
    } else {
        m
    };
    let (k95, f95) = rank(0.95);
    let p95 = if k95 > k50 {
        let (_, v, rest) = above.select_nth_unstable_by(k95 - k50 - 1, f64::total_cmp);
        let v = *v;
        if f95 > 0.0 && !rest.is_empty() { v + f95 * (min(rest) - v) } else { v }
    } else if f95 > 0.0 {
        m + f95 * (min(above) - m)
    } else {
        m
    };
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
