//! The strategy account: the source commentary's closing question (compute with cheap power
//! now, or domestic EUV first?) answered by the strategy ledger on the data in force, over
//! the report's samples: who leads year by year, when the EUV path breaks even, what share
//! of the budget R&D should get, and which assumptions flip the answer.

use crate::data::Dataset;
use crate::diag::{Diagnostic, Diagnostics};
use crate::sensitivity::{self, Swing};
use crate::strategy::{self, Comparison, Layout, StrategyBound, StrategyOutputs, StrategyRequest, Sweep};
use crate::uncertainty::{Plan, Sampling, Summary, summarize_rows};

#[derive(Clone, Debug)]
pub struct StrategyAccount {
    pub says: String,
    pub bound: StrategyBound,
    pub central: StrategyOutputs,
    pub layout: Layout,
    pub samples: usize,
    pub uncertain: usize,
    /// Every sampled result, by [`Layout`].
    pub summaries: Vec<Option<Summary>>,
    pub comparison: Comparison,
    /// The difference in cumulative compute by the last year (challenger − baseline) at the
    /// central values, and what moves it.
    pub drivers: Option<(f64, Vec<Swing>)>,
    /// The allocation sweep by the last year, over the same samples.
    pub sweep: Sweep,
    /// The electricity bill's share of the year's cost of compute, by path, in the last year
    /// (central).
    pub electricity_share: Vec<f64>,
}

impl StrategyAccount {
    /// The first year from which the challenger (path 1) leads in installed compute in at
    /// least half the samples in every year to the end.
    pub fn crossover(&self) -> Option<i32> {
        lasting(&self.comparison.lead_compute).map(|i| self.bound.inputs.year(i))
    }
    /// The first year from which the challenger's cost per FLOP is the lowest in at least half
    /// the samples in every year to the end.
    pub fn cheaper_from(&self) -> Option<i32> {
        lasting(&self.comparison.lead_cost).map(|i| self.bound.inputs.year(i))
    }
    /// A sampled result of path `p` in year index `i`.
    pub fn sampled(&self, p: usize, i: usize, metric: usize) -> Option<Summary> {
        self.summaries[self.layout.metric(p, i, metric)]
    }
}

/// The first year index from which path 1's share is at least a half in every later year.
fn lasting(by_year: &[Vec<f64>]) -> Option<usize> {
    let holds = |i: usize| by_year[i].get(1).is_some_and(|p| *p >= 0.5);
    (0..by_year.len()).rev().take_while(|i| holds(*i)).last()
}

/// Works the account on the data in force.
pub fn account(ds: &Dataset) -> Result<StrategyAccount, Diagnostics> {
    let (samples, seed) = sensitivity::report_sampling(ds)?;
    let req = StrategyRequest::default();
    let (bound, keys) = strategy::uncertain(ds, &req)?;
    if bound.paths.len() < 2 {
        return Err(Diagnostic::new("the report compares two paths, and strategy.paths names one")
            .key("strategy.paths")
            .expected("a baseline and a challenger, e.g. [\"compute-now\", \"euv-first\"]")
            .into());
    }
    let central = strategy::evaluate(&bound.inputs);
    strategy::check(&central)?;
    let layout = Layout::of(&bound.inputs);
    let plan = Plan::keyed(&keys, samples, seed, Sampling::LatinHypercube);
    let quiet = |_| {};
    let rows = strategy::sample_paths(ds, &req, &keys, &plan, layout, &quiet);
    let by = bound.inputs.years - 1;
    let drivers = strategy::drivers(ds, &req, &keys, bound.paths.len(), by);
    let sweep = strategy::sweep_samples(ds, &req, &keys, &plan, by, bound.inputs.lead_margin, &quiet);
    let electricity_share = central
        .paths
        .iter()
        .map(|p| {
            let y = p.years[by];
            let year_cost = y.usd_per_unit_flop.map_or(0.0, |c| c * y.compute_flop / strategy::FLOP_UNIT);
            if year_cost > 0.0 { y.electricity_usd / year_cost } else { 0.0 }
        })
        .collect();
    let says = super::claim_text(ds, "compute-or-euv")?;
    Ok(StrategyAccount {
        says,
        comparison: strategy::compare(&rows, layout),
        summaries: summarize_rows(&rows),
        bound,
        central,
        layout,
        samples,
        uncertain: keys.len(),
        drivers,
        sweep,
        electricity_share,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_follows_the_data() {
        let mut ds = Dataset::builtin().unwrap();
        ds.apply_set("defaults.report_samples=64").unwrap();
        let a = account(&ds).unwrap();
        assert_eq!(a.bound.paths[0].0, "compute-now");
        assert_eq!(a.samples, 64);
        assert_eq!(a.comparison.samples, 64);
        // The baseline pursues no EUV: it never arrives.
        assert_eq!(a.comparison.arrival[0].1, 1.0);
        let (best, lo, hi) = a.sweep.best.unwrap();
        assert!(lo <= best && best <= hi && (0.0..=1.0).contains(&best));
        assert!(a.electricity_share.iter().all(|s| *s > 0.0 && *s < 1.0));
        // A later earliest year can only delay the challenger's lead.
        ds.apply_set("strategy.euv_earliest_year=2038").unwrap();
        let later = account(&ds).unwrap();
        assert!(later.crossover().unwrap_or(i32::MAX) >= a.crossover().unwrap_or(i32::MAX));
    }
}
