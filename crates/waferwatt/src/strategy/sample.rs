//! The strategy ledger under uncertainty: every uncertain number it reads drawn per sample
//! (its inputs derived again from its plan, so the chip and training ledgers' derived inputs
//! move too), the paths
//! compared sample by sample (which leads each year, when the challenger breaks even), the
//! allocation swept, and the numbers that most move the difference between the paths.

use super::{
    Catch, METRICS, StrategyBound, StrategyInputs, StrategyOutputs, StrategyRequest, best_share, break_even,
    check, evaluate, leader, metric, sweep,
};
use crate::data::Dataset;
use crate::diag::{Diagnostic, Diagnostics};
use crate::plan::{Planned, Slots};
use crate::sensitivity::{Swing, tornado};
use crate::uncertainty::{Model, Plan, Rows, Summary, Uncertain, sample, summarize, uncertain_keys};

/// Where each result sits in a sample's row: per path, per year, each of [`METRICS`]; then
/// each path's EUV arrival year; then each challenger's break-even against the first path.
/// A year that does not come within the horizon is written as the year after it; a
/// challenger never behind as the year before the start, one the same as the baseline two
/// years before.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub paths: usize,
    pub years: usize,
    pub start_year: i32,
    pub end_year: i32,
    /// A lead smaller than this share is a tie.
    pub margin: f64,
}

impl Layout {
    pub fn of(x: &StrategyInputs) -> Layout {
        Layout {
            paths: x.paths.len(),
            years: x.years,
            start_year: x.start_year,
            end_year: x.end_year(),
            margin: x.lead_margin,
        }
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
        f64::from(self.end_year) + 1.0
    }
    fn never_behind(&self) -> f64 {
        f64::from(self.start_year) - 1.0
    }
    fn same(&self) -> f64 {
        f64::from(self.start_year) - 2.0
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
                row[self.break_even(p)] = match break_even(&out.paths[0], path, self.margin) {
                    Catch::From(y) => f64::from(y),
                    Catch::NotBy => self.never(),
                    Catch::NeverBehind => self.never_behind(),
                    Catch::Same => self.same(),
                };
            }
        }
    }
}

/// The strategy planned for sampling: its bound central case, the slots its plan reads and
/// the uncertain numbers among them.
pub struct Planning {
    pub bound: StrategyBound,
    pub slots: Slots,
    pub keys: Vec<Uncertain>,
}

/// Plans the strategy and finds the uncertain numbers it reads.
pub fn uncertain(ds: &Dataset, req: &StrategyRequest) -> Result<Planning, Diagnostics> {
    let mut slots = Slots::default();
    let bound = super::plan(ds, req, &mut slots)?;
    let keys = uncertain_keys(ds, &bound.bindings).map_err(Diagnostics::from)?;
    Ok(Planning { bound, slots, keys })
}

impl Planning {
    /// The model of the strategy through its plan, writing `figure`'s results for the derived
    /// inputs (false refuses the sample), under the uncertain numbers `keys`.
    fn model<'a, F>(&'a self, keys: &[Uncertain], figure: F) -> Result<impl Model + 'a, Diagnostic>
    where
        F: Fn(&StrategyInputs, &mut [f64]) -> bool + Sync + 'a,
    {
        Planned::new(&self.slots, keys, move |v: &[f64], out: &mut [f64]| match self.bound.plan.derive(v) {
            Ok(x) => figure(&x, out),
            Err(_) => false,
        })
    }

    /// Every path's results, sample by sample, laid out by [`Layout`].
    pub fn sample_paths(
        &self,
        plan: &Plan,
        layout: Layout,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Rows, Diagnostic> {
        let m = self.model(&self.keys, move |x, out| {
            let o = evaluate(x);
            if check(&o).is_err() {
                return false;
            }
            layout.write(&o, out);
            true
        })?;
        Ok(sample(&m, plan, layout.width(), progress))
    }

    /// The allocation sweep over the samples of `plan`, by year index `by`.
    pub fn sweep_samples(
        &self,
        plan: &Plan,
        by: usize,
        margin: f64,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Sweep, Diagnostic> {
        let shares = shares();
        let m = self.model(&self.keys, |x, out| {
            out.copy_from_slice(&sweep(x, &shares, by));
            true
        })?;
        let rows = sample(&m, plan, shares.len(), progress);
        Ok(Sweep::of(&shares, &rows, margin))
    }

    /// The numbers among `keys` that most move the difference in cumulative compute by year
    /// index `by` between path 1 and path 0, one at a time over each number's range: the
    /// tornado of the difference, largest first. `None` with a single path, or if the central
    /// case is refused. A number that shapes the model (the horizon) is left out: moving it
    /// changes what is compared, not the answer (sampling it is refused).
    pub fn drivers(&self, keys: &[Uncertain], by: usize) -> Result<Option<(f64, Vec<Swing>)>, Diagnostic> {
        if self.bound.inputs.paths.len() < 2 {
            return Ok(None);
        }
        let keys: Vec<Uncertain> =
            keys.iter().filter(|k| !self.slots.is_structural(&k.key)).cloned().collect();
        let keys = keys.as_slice();
        let m = self.model(keys, move |x, out| {
            let o = evaluate(x);
            let cum = |p: usize| o.paths[p].years.get(by).map_or(f64::NAN, |y| y.cumulative_compute_flop);
            out[0] = cum(1) - cum(0);
            out[0].is_finite()
        })?;
        Ok(tornado(&m, keys, 1, 0))
    }
}

/// The shares of samples in which a challenger breaks even against the baseline, and when.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BreakEven {
    /// The break-even year over the samples in which it comes (behind, then caught up).
    pub year: Option<Summary>,
    /// Samples in which it comes within the horizon.
    pub caught_up: f64,
    /// Samples in which the challenger is never behind (and ahead in some year).
    pub never_behind: f64,
    /// Samples in which the two paths stay within the margin of each other throughout.
    pub same: f64,
    /// Samples in which the challenger is still behind in the last year.
    pub not_by_end: f64,
}

/// How the paths compare across samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Samples compared (not refused).
    pub samples: usize,
    /// By year, by path: the share of samples in which the path has the most installed
    /// FLOP/s by more than the margin.
    pub lead_compute: Vec<Vec<f64>>,
    /// By year: the share of samples in which no path leads by more than the margin.
    pub tie_compute: Vec<f64>,
    /// By year, by path: the share in which the path's cost per FLOP is the lowest by more
    /// than the margin.
    pub lead_cost: Vec<Vec<f64>>,
    /// By year, by path: the share in which EUV has arrived.
    pub euv: Vec<Vec<f64>>,
    /// By challenger (path 1 on), against path 0.
    pub break_even: Vec<BreakEven>,
    /// By path: the EUV arrival year over the samples in which it comes, and the share in
    /// which it does not.
    pub arrival: Vec<(Option<Summary>, f64)>,
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
                *v = rows.get(i, layout.metric(p, y, metric::INSTALLED_FLOPS));
                euv[y][p] += rows.get(i, layout.metric(p, y, metric::EUV));
            }
            match leader(&vals, true, layout.margin) {
                Some(p) => lead_compute[y][p] += 1.0,
                None => tie_compute[y] += 1.0,
            }
            for (p, v) in vals.iter_mut().enumerate() {
                *v = rows.get(i, layout.metric(p, y, metric::USD_PER_UNIT_FLOP));
            }
            if let Some(p) = leader(&vals, false, layout.margin) {
                lead_cost[y][p] += 1.0;
            }
        }
    }
    let per = 1.0 / n.max(1) as f64;
    lead_compute
        .iter_mut()
        .chain(lead_cost.iter_mut())
        .chain(euv.iter_mut())
        .flatten()
        .for_each(|x| *x *= per);
    tie_compute.iter_mut().for_each(|x| *x *= per);
    let share = |all: &[f64], f: &dyn Fn(f64) -> bool| {
        if all.is_empty() { 0.0 } else { all.iter().filter(|y| f(**y)).count() as f64 / all.len() as f64 }
    };
    let arrival = |p: usize| {
        let all = rows.column(layout.arrival(p));
        let within: Vec<f64> = all.iter().copied().filter(|y| *y < layout.never()).collect();
        (summarize(&within), share(&all, &|y| y >= layout.never()))
    };
    let break_even = |p: usize| {
        let all = rows.column(layout.break_even(p));
        let from: Vec<f64> = all
            .iter()
            .copied()
            .filter(|y| (layout.never_behind() + 0.5..layout.never()).contains(y))
            .collect();
        BreakEven {
            year: summarize(&from),
            caught_up: share(&all, &|y| (layout.never_behind() + 0.5..layout.never()).contains(&y)),
            never_behind: share(&all, &|y| y == layout.never_behind()),
            same: share(&all, &|y| y == layout.same()),
            not_by_end: share(&all, &|y| y >= layout.never()),
        }
    };
    Comparison {
        samples: n,
        lead_compute,
        tie_compute,
        lead_cost,
        euv,
        break_even: (1..np).map(break_even).collect(),
        arrival: (0..np).map(arrival).collect(),
    }
}

/// The allocation sweep over samples: for each share of the budget given to R&D until EUV
/// arrives, the cumulative compute by year index `by`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    pub shares: Vec<f64>,
    /// Cumulative compute at each share (over samples; one value if not sampled).
    pub compute: Vec<Option<Summary>>,
    /// The share with the largest mean (the smallest among exact ties), and the span of
    /// shares whose mean is within the lead margin of it; `None` with no finite result.
    pub best: Option<(f64, f64, f64)>,
    /// The best share sample by sample (the smallest among exact ties): p5, p50, p95.
    pub best_by_sample: Option<Summary>,
}

impl Sweep {
    /// The largest share of the budget R&D can take at no cost in expected compute: every
    /// share up to it gives no less than the share 0 (all on compute) less `margin` of it.
    /// `None` without a share 0 or a finite result there.
    pub fn free_up_to(&self, margin: f64) -> Option<f64> {
        let mean = |j: usize| self.compute.get(j).copied().flatten().map(|c| c.mean);
        let zero = self.shares.iter().position(|s| *s == 0.0).and_then(mean).filter(|v| v.is_finite())?;
        let mut free = 0.0;
        for (j, s) in self.shares.iter().enumerate() {
            match mean(j) {
                Some(v) if v >= zero - margin * zero.abs() => free = *s,
                _ => break,
            }
        }
        Some(free)
    }
    /// From the cumulative compute at each share, sample by sample (rows of `rows`).
    pub fn of(shares: &[f64], rows: &Rows, margin: f64) -> Sweep {
        let compute: Vec<Option<Summary>> = (0..shares.len()).map(|j| summarize(&rows.column(j))).collect();
        let means: Vec<f64> = compute.iter().map(|c| c.map_or(f64::NAN, |c| c.mean)).collect();
        let per_sample: Vec<f64> = (0..rows.rows())
            .filter(|i| !rows.is_refused(*i))
            .filter_map(|i| best_share(shares, &rows.row(i), 0.0).map(|b| b.0))
            .collect();
        Sweep {
            shares: shares.to_vec(),
            best: best_share(shares, &means, margin),
            compute,
            best_by_sample: summarize(&per_sample),
        }
    }
}

/// Steps of the allocation sweep: shares 0, 0.05, …, 1 (a grid fine enough to show where the
/// best share lies, and 21 simulations a sample).
const SWEEP_STEPS: usize = 20;

/// The shares swept: 0 to 1 in equal steps.
pub fn shares() -> Vec<f64> {
    (0..=SWEEP_STEPS).map(|k| k as f64 / SWEEP_STEPS as f64).collect()
}

/// Whether a number at its low or its high reverses the sign of the difference between the
/// paths that the central values give (the central case's answer flips; reaching zero, the
/// paths level, is not a reversal).
pub fn flips(s: &Swing, centre: f64) -> bool {
    s.at_low * centre < 0.0 || s.at_high * centre < 0.0
}
