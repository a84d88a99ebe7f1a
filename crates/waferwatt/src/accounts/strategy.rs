//! The strategy account: the source commentary's closing question (compute with cheap power
//! now, or domestic EUV first?) answered by the strategy ledger on the data in force, over
//! the report's samples: who leads year by year, when the EUV path breaks even, what share
//! of the budget R&D should get, and which assumptions flip the answer.

use super::verdict::{self, ClaimVerdict, Evidence, Side, Verdict};
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
    /// For each of the drivers' swings, where that number would turn the answer (the
    /// difference reaching the line "at least as much" is read at), if it can.
    pub flip_at: Vec<Option<f64>>,
    /// The allocation sweep by the last year, over the same samples.
    pub sweep: Sweep,
    /// The electricity bill's share of the year's cost of compute, by path, in the last year
    /// (central).
    pub electricity_share: Vec<f64>,
    /// The answer to the closing question, as a verdict on "EUV first delivers at least as
    /// much training compute by the last year".
    pub verdict: ClaimVerdict,
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

/// The claim this account answers (an entry of `claim.*` in the data).
pub const CLAIM: &str = "compute-or-euv";

/// The closing question as a verdict: whether the challenger (path 1) has delivered at least
/// as much cumulative training compute as the baseline by the last year, in most samples; the
/// central case disagreeing, or a sourced range turning the central sign, leaves it unsettled.
fn answer(
    ds: &Dataset,
    bound: &StrategyBound,
    central: &StrategyOutputs,
    c: &Comparison,
    drivers: Option<&(f64, Vec<Swing>)>,
) -> Result<ClaimVerdict, Diagnostic> {
    let claim = verdict::claim(ds, CLAIM)?;
    let x = &bound.inputs;
    let (base, challenger) = (&bound.paths[0].1, &bound.paths[1].1);
    let be = &c.break_even[0];
    let at_least = be.caught_up + be.never_behind + be.same;
    let sampled = if at_least > 0.5 {
        Verdict::Supported
    } else if be.not_by_end > 0.5 {
        Verdict::NotSupported
    } else {
        Verdict::Unsettled
    };
    let central_catch = strategy::break_even(&central.paths[0], &central.paths[1], x.lead_margin);
    let central_side =
        if matches!(central_catch, strategy::Catch::NotBy) { Side::Below } else { Side::Within };
    let central_verdict = verdict::from_sides(&[central_side]);
    let mut v = ClaimVerdict::new(
        &claim,
        format!(
            "{}: \"{challenger}\" against \"{base}\", {}–{}",
            claim.actor,
            x.start_year,
            x.year(x.years - 1)
        ),
        central_verdict,
    )
    .side(Some(central_side))
    .evidence(
        Evidence::new(
            format!(
                "samples in which \"{challenger}\" has delivered at least as much training compute as \
                 \"{base}\" by {}",
                x.year(x.years - 1)
            ),
            at_least,
            "fraction",
        )
        .deciding(),
    )
    .evidence(Evidence::new(
        "samples in which the challenger catches up by the last year",
        be.caught_up,
        "fraction",
    ))
    .evidence(Evidence::new("samples in which it is never behind", be.never_behind, "fraction"))
    .evidence(Evidence::new("samples in which the two stay level", be.same, "fraction"))
    .evidence(Evidence::new(
        "samples in which it is still behind in the last year",
        be.not_by_end,
        "fraction",
    ));
    if let Some(y) = be.year {
        v = v.evidence(
            Evidence::new("break-even year, where it comes", y.p50, "year").range(Some((y.p5, y.p95))),
        );
    }
    if let Some((difference, swings)) = drivers {
        v = v.evidence(Evidence::new(
            "cumulative compute by the last year, challenger less baseline, at the central values",
            *difference,
            "FLOP",
        ));
        let line = answer_line(central, x.lead_margin);
        let measure = verdict::Measure {
            label: "cumulative compute by the last year, challenger less baseline".into(),
            unit: "FLOP".into(),
        };
        v = v.decided_on(measure, verdict::deciders_to_line(ds, *difference, line, swings));
    }
    // The samples decide; a central case on the other side of them, or a sourced range that
    // turns the central sign, leaves the answer open.
    v.verdict =
        if sampled != central_verdict { Verdict::Unsettled } else { verdict::settle(sampled, &v.deciding) };
    Ok(v)
}

/// The difference in cumulative compute by the last year (challenger less baseline) at which
/// the challenger has delivered "at least as much": not behind by more than the lead margin of
/// the baseline's, as the break-even test reads it.
fn answer_line(central: &StrategyOutputs, margin: f64) -> f64 {
    let baseline = central.paths[0].years.last().map_or(0.0, |y| y.cumulative_compute_flop);
    -margin * baseline.abs()
}

/// Works the account on the data in force.
pub fn account(ds: &Dataset) -> Result<StrategyAccount, Diagnostics> {
    let (samples, seed) = sensitivity::report_sampling(ds)?;
    let req = StrategyRequest::default();
    let planning = strategy::uncertain(ds, &req)?;
    let (bound, keys) = (&planning.bound, &planning.keys);
    if bound.paths.len() < 2 {
        return Err(Diagnostic::new("the report compares two paths, and strategy.paths names one")
            .key("strategy.paths")
            .expected("a baseline and a challenger, e.g. [\"compute-now\", \"euv-first\"]")
            .into());
    }
    let central = strategy::evaluate(&bound.inputs);
    strategy::check(&central)?;
    let layout = Layout::of(&bound.inputs);
    let plan = Plan::keyed(keys, samples, seed, Sampling::LatinHypercube);
    let quiet = |_| {};
    let rows = planning.sample_paths(&plan, layout, &quiet)?;
    let by = bound.inputs.years - 1;
    let drivers = planning.drivers(keys, by)?;
    let sweep = planning.sweep_samples(&plan, by, bound.inputs.lead_margin, &quiet)?;
    let electricity_share = central
        .paths
        .iter()
        .map(|p| {
            let y = p.years[by];
            let year_cost = y.usd_per_unit_flop.map_or(0.0, |c| c * y.compute_flop / strategy::FLOP_UNIT);
            if year_cost > 0.0 { y.electricity_usd / year_cost } else { 0.0 }
        })
        .collect();
    let says = super::claim_text(ds, CLAIM)?;
    let line = answer_line(&central, bound.inputs.lead_margin);
    let flip_at = drivers
        .as_ref()
        .map(|(c, swings)| swings.iter().map(|w| verdict::flip_point(ds, *c, line, w)).collect())
        .unwrap_or_default();
    let comparison = strategy::compare(&rows, layout);
    let verdict = answer(ds, bound, &central, &comparison, drivers.as_ref())?;
    let uncertain = keys.len();
    let bound = planning.bound;
    Ok(StrategyAccount {
        says,
        verdict,
        comparison,
        summaries: summarize_rows(&rows),
        bound,
        central,
        layout,
        samples,
        uncertain,
        drivers,
        flip_at,
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
        // At the built-in budget the supplies, not money, bind: R&D costs "compute now" no
        // compute, so "EUV first" is never behind and the answer is that it delivers at least
        // as much.
        assert_eq!(a.verdict.central, Verdict::Supported, "at the central values EUV first is never behind");
        // Where money binds (a tenth of the budget), R&D is compute forgone: with EUV no
        // sooner than 2038, "EUV first" cannot catch up by 2040 in most samples, and the
        // verdict turns.
        ds.apply_set("strategy.budget_usd=9e9").unwrap();
        let poor = account(&ds).unwrap();
        let be = &poor.comparison.break_even[0];
        assert!(be.not_by_end > 0.5, "{be:?}");
        assert_eq!(poor.verdict.central, Verdict::NotSupported);
        assert!(matches!(poor.verdict.verdict, Verdict::NotSupported | Verdict::Unsettled));
    }
}
