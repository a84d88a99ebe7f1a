//! Variance-based sensitivity: Sobol' first-order and total indices from Saltelli's sampling
//! scheme with Jansen's estimators (Saltelli et al., "Variance based sensitivity analysis of
//! model output", Computer Physics Communications 181, 2010, table 2, estimators (b) and (f)).
//!
//! Two independent matrices A and B of N samples; for each number j, the matrix AB_j is A with
//! column j taken from B. With f the model's result:
//! - first-order S_j = (V − mean((f(B) − f(AB_j))²) / 2) / V,
//! - total S_Tj = mean((f(A) − f(AB_j))²) / 2 / V,
//!
//! where V is the variance of f over A and B together. The confidence half-width is 1.96
//! standard errors of the mean in each numerator (V held fixed): a normal approximation.

use super::{Dist, Model, evaluate_rows, nth, open01};

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
    /// Base samples used (those of which no row was refused).
    pub base: usize,
    /// Model evaluations made: N × (numbers + 2).
    pub evaluations: usize,
}

/// Sobol' indices of result `output` (of `width`) of `model`, with `base` samples of A and B.
pub fn analyse<M: Model>(
    model: &M,
    dists: &[Dist],
    base: usize,
    seed: u64,
    width: usize,
    output: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Sobol {
    let d = dists.len();
    let blocks = d + 2;
    // Row r is block r / N (0: A, 1: B, 2 + j: AB_j) of base sample r % N.
    let fill = |r: usize, x: &mut [f64]| {
        let (block, i) = (r / base, r % base);
        // Base sample i takes the numbers i·2d .. (i+1)·2d of the stream: A's, then B's.
        let k = (i * 2 * dists.len()) as u64;
        for (j, dist) in dists.iter().enumerate() {
            let a = open01(nth(seed, k + j as u64));
            let b = open01(nth(seed, k + (dists.len() + j) as u64));
            let from_b = block == 1 || block == 2 + j;
            x[j] = dist.quantile(if from_b { b } else { a });
        }
    };
    let rows = evaluate_rows(model, base * blocks, d, width, fill, progress);
    let f = |block: usize, i: usize| rows.get(block * base + i, output);
    // A base sample counts only if the model gave the result in every one of its rows.
    let kept: Vec<usize> = (0..base).filter(|&i| (0..blocks).all(|b| !f(b, i).is_nan())).collect();
    let n = kept.len() as f64;
    let ab: Vec<f64> = kept.iter().flat_map(|&i| [f(0, i), f(1, i)]).collect();
    let mean = ab.iter().sum::<f64>() / ab.len().max(1) as f64;
    let variance = ab.iter().map(|y| (y - mean) * (y - mean)).sum::<f64>() / (ab.len() as f64 - 1.0).max(1.0);
    let z = super::dist::probit(0.975);
    // Mean and standard error of a term over the kept samples.
    let stat = |term: &dyn Fn(usize) -> f64| {
        let m = kept.iter().map(|&i| term(i)).sum::<f64>() / n;
        let var = kept.iter().map(|&i| (term(i) - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        (m, (var / n).sqrt())
    };
    let indices = (0..d)
        .map(|j| {
            // A number that cannot move contributes nothing, exactly (the estimators would
            // give sampling noise around zero).
            if variance <= 0.0 || kept.len() < 2 || !dists[j].varies() {
                return Indices { first: 0.0, first_conf: 0.0, total: 0.0, total_conf: 0.0 };
            }
            let (fm, fse) = stat(&|i| (f(1, i) - f(2 + j, i)).powi(2) / 2.0);
            let (tm, tse) = stat(&|i| (f(0, i) - f(2 + j, i)).powi(2) / 2.0);
            Indices {
                first: (variance - fm) / variance,
                first_conf: z * fse / variance,
                total: tm / variance,
                total_conf: z * tse / variance,
            }
        })
        .collect();
    Sobol { indices, variance, base: kept.len(), evaluations: base * blocks }
}
