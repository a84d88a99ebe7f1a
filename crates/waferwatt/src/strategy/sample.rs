//! The strategy ledger under uncertainty: every uncertain number it reads drawn per sample
//! (the data re-bound, so the chip and training ledgers' derived inputs move too), the paths
//! compared sample by sample (which leads each year, when the challenger breaks even), the
//! allocation swept, and the numbers that most move the difference between the paths.

use super::{
    METRICS, StrategyBound, StrategyInputs, StrategyOutputs, StrategyRequest, bind, break_even, check,
    evaluate, sweep,
};
use crate::data::Dataset;
use crate::diag::Diagnostics;
use crate::sensitivity::{Swing, tornado};
use crate::uncertainty::{DataModel, Plan, Rows, Summary, Uncertain, sample, summarize, uncertain_keys};

/// Where each result sits in a sample's row: per path, per year, each of [`METRICS`]; then
/// each path's EUV arrival year; then each challenger's break-even year against the first
/// path. A year that does not come within the horizon is written as the year after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub paths: usize,
    pub years: usize,
    pub end_year: i32,
}

impl Layout {
    pub fn of(x: &StrategyInputs) -> Layout {
        Layout { paths: x.paths.len(), years: x.years, end_year: x.end_year() }
    }
    pub fn width(&self) -> usize {
        self.paths * self.years * METRICS.len() + self.paths + self.paths.saturating_sub(1)
    }
    pub fn metric(&self, path: usize, year: usize, metric: usize) -> usize {
        (path * self.years + year) * METRICS.len() + metric
    }
    pub fn arrival(&self, path: usize) -> usize {
        self.paths * self.years * METRICS.len() + path
    }
    /// Challenger `path` (from 1) against path 0.
    pub fn break_even(&self, path: usize) -> usize {
        self.paths * self.years * METRICS.len() + self.paths + path - 1
    }
    /// The year written for "not within the horizon".
    pub fn never(&self) -> f64 {
        f64::from(self.end_year + 1)
    }
    pub fn write(&self, out: &StrategyOutputs, row: &mut [f64]) {
        for (p, path) in out.paths.iter().enumerate() {
            for (i, y) in path.years.iter().enumerate() {
                for j in 0..METRICS.len() {
                    row[self.metric(p, i, j)] = y.metric(j);
                }
            }
            row[self.arrival(p)] = path.euv_arrival.map_or(self.never(), f64::from);
            if p > 0 {
                row[self.break_even(p)] = break_even(&out.paths[0], path).map_or(self.never(), f64::from);
            }
        }
    }
}

/// The uncertain numbers the strategy reads, and its bound central case.
pub fn uncertain(
    ds: &Dataset,
    req: &StrategyRequest,
) -> Result<(StrategyBound, Vec<Uncertain>), Diagnostics> {
    let b = bind(ds, req)?;
    let keys = uncertain_keys(ds, &b.bindings).map_err(Diagnostics::from)?;
    Ok((b, keys))
}

/// The model of the strategy that re-binds the data for each sample and writes `figure`'s
/// results for the bound inputs (false refuses the sample).
fn model<'a, F>(
    ds: &'a Dataset,
    req: &'a StrategyRequest,
    keys: &[Uncertain],
    figure: F,
) -> impl crate::uncertainty::Model + 'a
where
    F: Fn(&StrategyInputs, &mut [f64]) -> bool + Sync + 'a,
{
    DataModel {
        ds,
        keys: keys.iter().map(|k| k.key.clone()).collect(),
        figure: move |d: &Dataset, out: &mut [f64]| match bind(d, req) {
            Ok(b) => figure(&b.inputs, out),
            Err(_) => false,
        },
    }
}

/// Every path's results, sample by sample, laid out by [`Layout`].
pub fn sample_paths(
    ds: &Dataset,
    req: &StrategyRequest,
    keys: &[Uncertain],
    plan: &Plan,
    layout: Layout,
    progress: &(dyn Fn(usize) + Sync),
) -> Rows {
    let m = model(ds, req, keys, move |x, out| {
        let o = evaluate(x);
        if check(&o).is_err() {
            return false;
        }
        layout.write(&o, out);
        true
    });
    sample(&m, plan, layout.width(), progress)
}

/// How the paths compare across samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Samples compared (not refused).
    pub samples: usize,
    /// By year, by path: the share of samples in which the path has strictly the most
    /// installed FLOP/s.
    pub lead_compute: Vec<Vec<f64>>,
    /// By year: the share of samples in which the leaders tie.
    pub tie_compute: Vec<f64>,
    /// By year, by path: the share in which the path's cost per FLOP is strictly the lowest.
    pub lead_cost: Vec<Vec<f64>>,
    /// By year, by path: the share in which EUV has arrived.
    pub euv: Vec<Vec<f64>>,
    /// By challenger (path 1 on): its break-even year against path 0, over the samples that
    /// break even within the horizon, and the share that do not.
    pub break_even: Vec<(Option<Summary>, f64)>,
    /// By path: the EUV arrival year over the samples in which it comes, and the share in
    /// which it does not.
    pub arrival: Vec<(Option<Summary>, f64)>,
}

/// The leader of `values` (largest if `most`), or `None` on a tie or a missing value.
fn leader(values: &[f64], most: bool) -> Option<usize> {
    let mut best: Option<usize> = None;
    let mut tie = false;
    for (p, v) in values.iter().enumerate() {
        if v.is_nan() {
            continue;
        }
        match best {
            None => best = Some(p),
            Some(b) => {
                let (vb, same) = (values[b], (v - values[b]).abs() <= 1e-9 * v.abs().max(values[b].abs()));
                if same {
                    tie = true;
                } else if (most && *v > vb) || (!most && *v < vb) {
                    best = Some(p);
                    tie = false;
                }
            }
        }
    }
    if tie { None } else { best }
}

pub fn compare(rows: &Rows, layout: Layout) -> Comparison {
    let (np, ny) = (layout.paths, layout.years);
    let mut lead_compute = vec![vec![0.0; np]; ny];
    let mut lead_cost = vec![vec![0.0; np]; ny];
    let mut euv = vec![vec![0.0; np]; ny];
    let mut tie_compute = vec![0.0; ny];
    let mut n = 0usize;
    let mut vals = vec![0.0; np];
    for i in (0..rows.rows()).filter(|i| !rows.is_refused(*i)) {
        n += 1;
        for y in 0..ny {
            for (p, v) in vals.iter_mut().enumerate() {
                *v = rows.get(i, layout.metric(p, y, 0));
                euv[y][p] += rows.get(i, layout.metric(p, y, 11));
            }
            match leader(&vals, true) {
                Some(p) => lead_compute[y][p] += 1.0,
                None => tie_compute[y] += 1.0,
            }
            for (p, v) in vals.iter_mut().enumerate() {
                *v = rows.get(i, layout.metric(p, y, 8));
            }
            if let Some(p) = leader(&vals, false) {
                lead_cost[y][p] += 1.0;
            }
        }
    }
    let share = |v: &mut Vec<Vec<f64>>| v.iter_mut().flatten().for_each(|x| *x /= n.max(1) as f64);
    share(&mut lead_compute);
    share(&mut lead_cost);
    share(&mut euv);
    tie_compute.iter_mut().for_each(|x| *x /= n.max(1) as f64);
    let years = |col: usize| {
        let all = rows.column(col);
        let within: Vec<f64> = all.iter().copied().filter(|y| *y < layout.never()).collect();
        let never = if all.is_empty() { 0.0 } else { 1.0 - within.len() as f64 / all.len() as f64 };
        (summarize(&within), never)
    };
    Comparison {
        samples: n,
        lead_compute,
        tie_compute,
        lead_cost,
        euv,
        break_even: (1..np).map(|p| years(layout.break_even(p))).collect(),
        arrival: (0..np).map(|p| years(layout.arrival(p))).collect(),
    }
}

/// The allocation sweep over samples: for each share of the budget given to R&D until EUV
/// arrives, the cumulative compute by year index `by`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    pub shares: Vec<f64>,
    /// Cumulative compute at each share (over samples; one value if not sampled).
    pub compute: Vec<Option<Summary>>,
    /// The share with the largest mean.
    pub best: f64,
    /// The best share sample by sample (p5, p50, p95 of it).
    pub best_by_sample: Option<Summary>,
}

/// Shares swept: 0 to 1 in `steps` equal steps.
pub fn shares(steps: usize) -> Vec<f64> {
    (0..=steps).map(|k| k as f64 / steps as f64).collect()
}

pub fn sweep_samples(
    ds: &Dataset,
    req: &StrategyRequest,
    keys: &[Uncertain],
    plan: &Plan,
    shares: &[f64],
    by: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Sweep {
    let m = model(ds, req, keys, move |x, out| {
        out.copy_from_slice(&sweep(x, shares, by));
        true
    });
    let rows = sample(&m, plan, shares.len(), progress);
    let compute: Vec<Option<Summary>> = (0..shares.len()).map(|j| summarize(&rows.column(j))).collect();
    let best = compute
        .iter()
        .enumerate()
        .filter_map(|(j, s)| s.map(|s| (j, s.mean)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(0.0, |(j, _)| shares[j]);
    let per_sample: Vec<f64> = (0..rows.rows())
        .filter(|i| !rows.is_refused(*i))
        .filter_map(|i| {
            let row = rows.row(i);
            row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|(j, _)| shares[j])
        })
        .collect();
    Sweep { shares: shares.to_vec(), compute, best, best_by_sample: summarize(&per_sample) }
}

/// The numbers that most move the difference in cumulative compute by year index `by`
/// between path 1 and path 0, one at a time over each number's range: the tornado of the
/// difference, largest first. `None` with a single path, or if the central case is refused.
pub fn drivers(
    ds: &Dataset,
    req: &StrategyRequest,
    keys: &[Uncertain],
    paths: usize,
    by: usize,
) -> Option<(f64, Vec<Swing>)> {
    if paths < 2 {
        return None;
    }
    let m = model(ds, req, keys, move |x, out| {
        let o = evaluate(x);
        let cum = |p: usize| o.paths[p].years.get(by).map_or(f64::NAN, |y| y.cumulative_compute_flop);
        out[0] = cum(1) - cum(0);
        out[0].is_finite()
    });
    tornado(&m, keys, 1, 0)
}
