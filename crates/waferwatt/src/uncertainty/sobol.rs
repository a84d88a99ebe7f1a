//! Variance-based sensitivity: Sobol' first-order and total indices from Saltelli's sampling
//! scheme (Saltelli et al., "Variance based sensitivity analysis of model output", Computer
//! Physics Communications 181, 2010, table 2).
//!
//! Two independent matrices A and B of N samples; for each number j, the matrix AB_j is A with
//! column j taken from B. With f the model's result and V its variance over A and B together:
//! - first-order S_j = mean((f(B) − mean f) · (f(AB_j) − f(A))) / V, Saltelli's estimator (b)
//!   with f(B) centred (its expectation is unchanged; uncentred, its noise grows with the
//!   result's mean against its spread), which is exactly 0 for a number the result does not
//!   read (Jansen's first-order estimator, (c), gives such numbers all the same noise);
//! - total S_Tj = mean((f(A) − f(AB_j))²) / 2 / V, Jansen's estimator (f).
//!
//! The confidence half-width is 1.96 standard errors of the mean in each numerator (V held
//! fixed): a normal approximation.

use super::{Dist, Model, evaluate_rows, nth, open01, stream_start};

/// One number's indices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Indices {
    pub first: f64,
    pub first_conf: f64,
    pub total: f64,
    pub total_conf: f64,
}

/// What a Sobol' analysis found.
#[derive(Clone, Debug, PartialEq)]
pub struct Sobol {
    /// By number, in the order of the distributions given.
    pub indices: Vec<Indices>,
    /// The result's variance over A and B.
    pub variance: f64,
    /// Whether the result does not move at all over the samples (then every index is 0).
    pub constant: bool,
    /// Base samples used (those of which no row was refused).
    pub base: usize,
    /// Model evaluations made: N × (numbers + 2).
    pub evaluations: usize,
}

/// One result of a model, as a model.
pub(crate) struct Column<'a, M> {
    pub model: &'a M,
    pub width: usize,
    pub output: usize,
}

impl<M: Model> Model for Column<'_, M> {
    type Scratch = (M::Scratch, Vec<f64>);
    fn scratch(&self) -> Self::Scratch {
        (self.model.scratch(), vec![0.0; self.width])
    }
    fn eval(&self, (scratch, all): &mut Self::Scratch, x: &[f64], out: &mut [f64]) -> bool {
        let ok = self.model.eval(scratch, x, all);
        out[0] = all[self.output];
        ok
    }
}

/// Sobol' indices of result `output` (of `width`) of `model`, with `base` samples of A and B;
/// number `j` is drawn from its own stream `ids[j]` (see [`super::stream_start`]).
#[allow(clippy::too_many_arguments)]
pub fn analyse<M: Model>(
    model: &M,
    dists: &[Dist],
    ids: &[u64],
    base: usize,
    seed: u64,
    width: usize,
    output: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Sobol {
    let d = dists.len();
    let blocks = d + 2;
    let starts: Vec<u64> = ids.iter().map(|id| stream_start(seed, *id)).collect();
    // Row r is block r / N (0: A, 1: B, 2 + j: AB_j) of base sample r % N; number j of base
    // sample i takes the numbers 2i (A) and 2i + 1 (B) of its stream.
    let fill = |r: usize, x: &mut [f64]| {
        let (block, i) = (r / base, r % base);
        for (j, (dist, start)) in dists.iter().zip(&starts).enumerate() {
            let from_b = block == 1 || block == 2 + j;
            let k = 2 * i as u64 + u64::from(from_b);
            x[j] = dist.quantile(open01(nth(*start, k)));
        }
    };
    let column = Column { model, width, output };
    let rows = evaluate_rows(&column, base * blocks, d, 1, fill, progress);
    let f = |block: usize, i: usize| rows.get(block * base + i, 0);
    // A base sample counts only if the model gave the result in every one of its rows.
    let kept: Vec<usize> = (0..base).filter(|&i| (0..blocks).all(|b| !f(b, i).is_nan())).collect();
    let n = kept.len() as f64;
    let ab: Vec<f64> = kept.iter().flat_map(|&i| [f(0, i), f(1, i)]).collect();
    let mean = ab.iter().sum::<f64>() / ab.len().max(1) as f64;
    let variance = ab.iter().map(|y| (y - mean) * (y - mean)).sum::<f64>() / (ab.len() as f64 - 1.0).max(1.0);
    // A result that does not move (its variance rounding noise against its size) has no
    // variance to share out.
    let scale = ab.iter().fold(0.0_f64, |m, y| m.max(y.abs()));
    let constant = kept.len() < 2 || variance.sqrt() <= 1e-12 * scale;
    let z = super::dist::probit(0.975);
    // Mean and standard error of a term over the kept samples.
    let stat = |term: &dyn Fn(usize) -> f64| {
        let m = kept.iter().map(|&i| term(i)).sum::<f64>() / n;
        let var = kept.iter().map(|&i| (term(i) - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        (m, (var / n).sqrt())
    };
    let indices = (0..d)
        .map(|j| {
            // A number that cannot move contributes nothing, exactly.
            if constant || !dists[j].varies() {
                return Indices { first: 0.0, first_conf: 0.0, total: 0.0, total_conf: 0.0 };
            }
            // f(B) centred on the mean: the same expectation, but a noise that does not grow
            // with the result's size against its spread (SALib centres the results likewise).
            let (fm, fse) = stat(&|i| (f(1, i) - mean) * (f(2 + j, i) - f(0, i)));
            let (tm, tse) = stat(&|i| (f(0, i) - f(2 + j, i)).powi(2) / 2.0);
            Indices {
                first: fm / variance,
                first_conf: z * fse / variance,
                total: tm / variance,
                total_conf: z * tse / variance,
            }
        })
        .collect();
    Sobol { indices, variance, constant, base: kept.len(), evaluations: base * blocks }
}
