//! Uncertainty (DESIGN.md "Uncertainty"): every uncertain number drawn from its distribution,
//! any model evaluated per sample in parallel, and the results summarised as percentiles.
//!
//! Every uncertain number draws from a SplitMix64 stream of its own (named by a hash of its
//! data key, started by the run's seed); sample i takes the i-th number of each stream. So a
//! seeded run gives the same numbers bit for bit whatever the number of threads, and fixing or
//! adding one number leaves the others' draws as they were. A
//! [`Model`] maps one row of drawn numbers to one row of results; the one model of the ledgers
//! is [`crate::plan::Planned`], which derives their inputs from their plans per sample.

pub mod dist;
pub mod sobol;
mod stream;

pub use stream::summarize_model;

use crate::par::*;

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
        // Counts (dies in a package, steps per exposure) are drawn whole; no draw passes a
        // number's hard limits (a share above 1, a price below 0).
        let dist = if p.unit == "count" { dist.whole() } else { dist };
        let (lo, hi) = crate::data::schema::limits(key).unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        let dist = dist.limited(lo, hi);
        if dist.varies() {
            out.push(Uncertain { key: key.to_string(), unit: p.unit.to_string(), dist });
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

/// SplitMix64's output function (Steele, Lea & Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014; the same as Java's `SplittableRandom`).
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64's increment: the golden ratio in 64 bits.
pub const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// Where the stream of one uncertain number starts, for a run's seed: each number has a stream
/// of its own, named by `id` (a hash of its data key), so that adding or fixing another number
/// leaves its draws as they were and a what-if compares like with like.
#[inline]
pub fn stream_start(seed: u64, id: u64) -> u64 {
    mix(mix(seed).wrapping_add(id.wrapping_mul(GOLDEN)))
}

/// The `k`-th number (from 0) of the SplitMix64 stream that starts at `start`. A number's
/// draw for sample `i` is the `i`-th of its stream: it depends on the seed, the number and the
/// sample alone, never on which thread drew it.
#[inline]
pub fn nth(start: u64, k: u64) -> u64 {
    mix(start.wrapping_add(k.wrapping_add(1).wrapping_mul(GOLDEN)))
}

/// The id of a data key's stream: its FNV-1a hash (Fowler, Noll & Vo), mixed.
pub fn key_id(key: &str) -> u64 {
    const OFFSET: u64 = 0xCBF2_9CE4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01B3;
    mix(key.bytes().fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME)))
}

/// The largest number below 1.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

/// A uniform draw in the open interval (0, 1) from 64 random bits: the top 52, centred in
/// their cell (so neither 0 nor 1 can come out).
#[inline]
pub fn open01(bits: u64) -> f64 {
    ((bits >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
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
    /// Where each number's stream starts.
    starts: Vec<u64>,
}

impl Plan {
    /// A plan whose numbers' streams are named by their place (`0, 1, ...`).
    pub fn new(dists: Vec<Dist>, samples: usize, seed: u64, sampling: Sampling) -> Plan {
        let ids: Vec<u64> = (0..dists.len() as u64).collect();
        Plan::with_ids(dists, &ids, samples, seed, sampling)
    }

    /// A plan for the uncertain numbers of the data, each drawn from its key's own stream.
    pub fn keyed(keys: &[Uncertain], samples: usize, seed: u64, sampling: Sampling) -> Plan {
        let ids: Vec<u64> = keys.iter().map(|k| key_id(&k.key)).collect();
        Plan::with_ids(keys.iter().map(|k| k.dist.clone()).collect(), &ids, samples, seed, sampling)
    }

    fn with_ids(dists: Vec<Dist>, ids: &[u64], samples: usize, seed: u64, sampling: Sampling) -> Plan {
        let strata = match sampling {
            Sampling::MonteCarlo => Vec::new(),
            Sampling::LatinHypercube => ids
                .iter()
                .map(|id| {
                    // A shuffle per number (Fisher–Yates) from a stream of its own.
                    let shuffle = stream_start(!seed, *id);
                    let mut p: Vec<u32> = (0..samples as u32).collect();
                    for i in (1..p.len()).rev() {
                        let k = (nth(shuffle, i as u64) % (i as u64 + 1)) as usize;
                        p.swap(i, k);
                    }
                    p
                })
                .collect(),
        };
        let starts = ids.iter().map(|id| stream_start(seed, *id)).collect();
        Plan { dists, samples, seed, sampling, strata, starts }
    }

    /// Number `k` of sample `i`: the value [`Plan::draw`] writes at `x[k]`, drawn alone (to
    /// lay the draws out a number at a time, as columns).
    #[inline]
    pub fn draw_one(&self, k: usize, i: usize) -> f64 {
        let u = open01(nth(self.starts[k], i as u64));
        match self.sampling {
            Sampling::MonteCarlo => self.dists[k].quantile(u),
            Sampling::LatinHypercube => {
                let u = (f64::from(self.strata[k][i]) + u) / self.samples as f64;
                self.dists[k].quantile(u.min(BELOW_ONE))
            }
        }
    }

    /// The numbers of sample `i`, written into `x`.
    #[inline]
    pub fn draw(&self, i: usize, x: &mut [f64]) {
        // The hot path: the same formulas as `draw_one` (a test holds them equal, bit for
        // bit, for every row), with the sampling chosen once for the row.
        match self.sampling {
            Sampling::MonteCarlo => {
                for ((x, dist), start) in x.iter_mut().zip(&self.dists).zip(&self.starts) {
                    *x = dist.quantile(open01(nth(*start, i as u64)));
                }
            }
            Sampling::LatinHypercube => {
                let n = self.samples as f64;
                let numbers = x.iter_mut().zip(&self.dists).zip(&self.starts).zip(&self.strata);
                for (((x, dist), start), s) in numbers {
                    let u = (f64::from(s[i]) + open01(nth(*start, i as u64))) / n;
                    *x = dist.quantile(u.min(BELOW_ONE));
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
pub(crate) fn chunk_rows(n: usize) -> usize {
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
        self.runs(j).flat_map(|r| r.iter().copied().filter(|v| !v.is_nan())).collect()
    }
    /// Column `j` in runs of consecutive rows, in row order (rows that lack it are NaN).
    pub fn runs(&self, j: usize) -> impl Iterator<Item = &[f64]> + '_ {
        (0..self.n.div_ceil(self.chunk.max(1))).map(move |c| {
            let (block, len, _) = self.block(c * self.chunk);
            &block[j * len..(j + 1) * len]
        })
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

/// Every sample's numbers, then its results, column after column (`plan.samples` values each,
/// NaN where a sample lacks a result): the layout a data frame takes whole, with no copy per
/// row. Columns are filled in parallel.
pub fn columns(plan: &Plan, rows: &Rows) -> Vec<f64> {
    let (n, k) = (rows.n, plan.dists.len());
    debug_assert_eq!(n, plan.samples, "the rows are the plan's samples");
    let mut values = vec![0.0; n * (k + rows.width)];
    if n == 0 {
        return values;
    }
    values.par_chunks_mut(n).enumerate().for_each(|(j, column)| {
        if j < k {
            for (i, v) in column.iter_mut().enumerate() {
                *v = plan.draw_one(j, i);
            }
        } else {
            let mut at = 0;
            for run in rows.runs(j - k) {
                column[at..at + run.len()].copy_from_slice(run);
                at += run.len();
            }
        }
    });
    values
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

/// An order-preserving map of numbers (not NaN) to unsigned integers: selecting on these is
/// quicker than on floats compared with `total_cmp`.
#[inline]
pub(crate) fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

#[inline]
pub(crate) fn unkey(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Percentiles (linear between order statistics, numpy's default) and the mean; `None` if
/// there are no values.
pub fn summarize(values: &[f64]) -> Option<Summary> {
    let mut keys: Vec<u64> = values.iter().map(|v| key(*v)).collect();
    summarize_keys(&mut keys, values.iter().sum())
}

/// [`summarize`] on the values' keys, given their sum. Reorders `keys`.
pub(crate) fn summarize_keys(keys: &mut [u64], sum: f64) -> Option<Summary> {
    let n = keys.len();
    if n == 0 {
        return None;
    }
    let mean = sum / n as f64;
    let (lo, hi) = keys.iter().fold((u64::MAX, 0), |(lo, hi), k| (lo.min(*k), hi.max(*k)));
    if lo == hi {
        let v = unkey(lo);
        return Some(Summary { p5: v, p50: v, p95: v, mean: v, n });
    }
    // Each percentile interpolates between the order statistics at ranks ⌊h⌋ and ⌊h⌋ + 1.
    let at = |q: f64| {
        let h = (n - 1) as f64 * q;
        (h.floor() as usize, h - h.floor())
    };
    let qs = [at(0.05), at(0.50), at(0.95)];
    let mut ranks: Vec<usize> = qs.iter().flat_map(|&(k, _)| [k, (k + 1).min(n - 1)]).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let values = order_statistics(keys, lo, hi, &ranks);
    let value = |k: usize| values[ranks.binary_search(&k).unwrap_or(0)];
    let [p5, p50, p95] = qs.map(|(k, f)| {
        let (a, b) = (unkey(value(k)), unkey(value((k + 1).min(n - 1))));
        if f > 0.0 { a + f * (b - a) } else { a }
    });
    Some(Summary { p5, p50, p95, mean, n })
}

/// Bits of the histogram by which [`order_statistics`] narrows its search.
const RADIX_BITS: u32 = 16;

/// The keys at the sorted positions `ranks` (ascending), by one radix pass: a histogram of
/// the keys' leading bits above `lo` finds the buckets that hold those ranks, and only their
/// keys are gathered and sorted. Two passes over the keys, against several for selection.
fn order_statistics(keys: &[u64], lo: u64, hi: u64, ranks: &[usize]) -> Vec<u64> {
    let span = hi - lo;
    let shift = (64 - span.leading_zeros()).saturating_sub(RADIX_BITS);
    let bucket = |k: u64| ((k - lo) >> shift) as usize;
    let mut counts = vec![0u32; (span >> shift) as usize + 1];
    for k in keys {
        counts[bucket(*k)] += 1;
    }
    // For each rank, its bucket and its place within the bucket.
    let mut wanted: Vec<(usize, usize)> = Vec::with_capacity(ranks.len());
    let (mut below, mut b) = (0usize, 0usize);
    for &r in ranks {
        while below + counts[b] as usize <= r {
            below += counts[b] as usize;
            b += 1;
        }
        wanted.push((b, r - below));
    }
    let mut buckets: Vec<usize> = wanted.iter().map(|w| w.0).collect();
    buckets.dedup();
    let mut gathered: Vec<Vec<u64>> =
        buckets.iter().map(|b| Vec::with_capacity(counts[*b] as usize)).collect();
    // Which gathered list a bucket's keys go to (0: none), looked up without a search.
    let mut slot = vec![0u8; counts.len()];
    for (i, b) in buckets.iter().enumerate() {
        slot[*b] = i as u8 + 1;
    }
    for k in keys {
        let s = slot[bucket(*k)];
        if s != 0 {
            gathered[usize::from(s) - 1].push(*k);
        }
    }
    gathered.iter_mut().for_each(|g| g.sort_unstable());
    wanted.iter().map(|&(b, within)| gathered[buckets.binary_search(&b).unwrap_or(0)][within]).collect()
}

/// Summaries of every column of `rows`, in parallel.
pub fn summarize_rows(rows: &Rows) -> Vec<Option<Summary>> {
    (0..rows.width)
        .into_par_iter()
        .map(|j| {
            let (mut keys, mut sum) = (Vec::with_capacity(rows.n), 0.0);
            for run in rows.runs(j) {
                keys.extend(run.iter().filter(|v| !v.is_nan()).map(|v| key(*v)));
                sum += run.iter().filter(|v| !v.is_nan()).sum::<f64>();
            }
            summarize_keys(&mut keys, sum)
        })
        .collect()
}

#[cfg(test)]
mod tests;
