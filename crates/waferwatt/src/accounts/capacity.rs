//! The capacity account: what China made in 2025 from what it had — SMIC's wafer starts for
//! accelerators, the bank of dies made abroad, the HBM stock drawn down and shared, the
//! domestic HBM and packaging lines, the immersion scanners and their overlay — set beside
//! every reported figure of the year's output (the backtest), with the tools a company's
//! reported capacity takes compared like with like; and the claims that published market
//! figures test (mature-node supply, ASML's orders).

use crate::data::{Dataset, Param, key};
use crate::diag::Diagnostics;
use crate::fleet::{self, FleetBound, FleetOutputs, FleetRequest};
use crate::provenance::Given;
use crate::sensitivity;
use crate::train::{self, TrainRequest};

pub use super::market::{MarketFigure, market};
use super::verdict::{Band, ClaimVerdict, Reads, Side};

/// A reported figure of the year's output beside the model's.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestRow {
    pub id: String,
    pub what: String,
    pub reported: Param,
    /// The accelerator it counts, if one; every model of the mix if not.
    pub accelerator: Option<String>,
    /// The model's count of the same thing.
    pub model: f64,
    /// Where the model stands against the reported range.
    pub side: Side,
    /// Outside the range: the data number behind the binding limit, and the factor it would
    /// have to be multiplied by for the model to reach the range's nearer end (if nothing
    /// else binds first).
    pub to_move: Option<(String, f64)>,
}

/// The data number behind each limit, as the report's fleet reads it.
fn limit_key(b: fleet::Bottleneck) -> &'static str {
    match b {
        fleet::Bottleneck::Scanners(_) => "fleet.report_arfi_scanners",
        fleet::Bottleneck::WaferStarts => "fleet.report_wafer_starts_per_month",
        fleet::Bottleneck::Hbm => "memory.stock_stacks",
        fleet::Bottleneck::Packaging => "fleet.report_interposer_wafers_per_month",
    }
}

/// The report's fleet against the reported output it is set beside (`fleet.backtest`).
fn backtest(ds: &Dataset, b: &FleetBound, out: &FleetOutputs) -> Vec<BacktestRow> {
    let figures = market(ds);
    ds.list("fleet.backtest")
        .unwrap_or_default()
        .iter()
        .filter_map(|id| {
            let f = figures.iter().find(|f| &f.id == id)?;
            let accelerator = ds.text(&key("market", Some(id), "accelerator")).map(str::to_string);
            let model = match &accelerator {
                Some(a) => {
                    let i = b.mix.iter().position(|(m, _)| m == a)?;
                    out.accelerators_by_item[i]
                }
                None => out.accelerators_per_year,
            };
            let p = &f.param;
            let side = Band { value: p.value, low: p.low, high: p.high, reads: Reads::About, unit: p.unit }
                .side(model);
            let target = match side {
                Side::Below => Some(p.low),
                Side::Above => Some(p.high),
                Side::Within => None,
            };
            let to_move =
                target.filter(|_| model > 0.0).map(|t| (limit_key(out.bottleneck).to_string(), t / model));
            Some(BacktestRow {
                id: id.clone(),
                what: f.what.clone(),
                reported: p.clone(),
                accelerator,
                model,
                side,
                to_move,
            })
        })
        .collect()
}

/// Immersion scanners of the fleet's model that `wafers` wafer starts a month on the fleet's
/// node need, every layer counted.
fn scanners_for(b: &FleetBound, wafers: f64) -> Option<f64> {
    let g = fleet::ScannerGroup { count: 1.0, share: 1.0, ..*b.inputs.scanners.first()? };
    let one =
        fleet::class_capacity(&b.inputs.chip().compute.wafer, &b.inputs.demand, &[g])[g.class as usize]?;
    (one > 0.0).then(|| wafers / one)
}

#[derive(Clone, Debug)]
pub struct CapacityAccount {
    pub bound: FleetBound,
    pub out: FleetOutputs,
    /// The same fleet with no limit but its scanners: what lithography alone allows.
    pub scanners_only: FleetOutputs,
    /// The report's fleet against every reported figure of the year's output.
    pub backtest: Vec<BacktestRow>,
    /// Like with like: the fleet's scanners that SMIC's reported advanced capacity would take
    /// (capacity, scanners), and those the accelerators' own wafer starts take.
    pub smic_capacity_scanners: Option<(f64, f64)>,
    pub output_scanners: Option<f64>,
    /// What moves accelerators a year most.
    pub drivers: sensitivity::Figure,
    /// The compute of the report's run, for scale.
    pub run: String,
    pub run_flop: Option<f64>,
    pub market: Vec<MarketFigure>,
    /// "China's mature-process chips are over 20 % of the world market, China the largest supplier".
    pub verdict_mature: ClaimVerdict,
    /// "China took over 40 % of ASML's DUV orders for several quarters".
    pub verdict_asml: ClaimVerdict,
}

impl CapacityAccount {
    pub fn figure(&self, id: &str) -> Option<&MarketFigure> {
        self.market.iter().find(|m| m.id == id)
    }
}

/// Works the account on the data in force.
pub fn account(ds: &Dataset) -> Result<CapacityAccount, Diagnostics> {
    let (samples, seed) = sensitivity::report_sampling(ds)?;
    let req = FleetRequest::from_data(ds);
    let bound = fleet::bind(ds, &req)?;
    let out = fleet::evaluate(&bound.inputs);
    let mut open = bound.inputs.clone();
    open.wafer_starts_per_month = None;
    open.die_bank = None;
    open.hbm = None;
    open.packaging_wafers_per_month = None;
    let scanners_only = fleet::evaluate(&open);
    let backtest = backtest(ds, &bound, &out);
    let smic_capacity_scanners = market(ds)
        .into_iter()
        .find(|m| m.id == "smic-advanced-capacity")
        .and_then(|m| Some((m.param.value, scanners_for(&bound, m.param.value)?)));
    let output_scanners = scanners_for(&bound, out.wafer_starts_per_month);
    let drivers = sensitivity::planned(ds, samples, seed, |ds, slots| {
        let b = fleet::plan(ds, &req, slots)?;
        let bindings = b.bindings.clone();
        Ok((bindings, move |v: &[f64]| Some(fleet::evaluate(&b.plan.derive(v).ok()?).accelerators_per_year)))
    })?;
    let run = ds.text("defaults.report_run").unwrap_or_default().to_string();
    let run_flop = train::bind(
        ds,
        &TrainRequest { run: Some(Given::data(run.clone(), "defaults.report_run")), ..Default::default() },
    )
    .ok()
    .and_then(|mut b| b.pop())
    .and_then(|b| train::evaluate(&b.inputs).compute_flop);
    let market = market(ds);
    Ok(CapacityAccount {
        backtest,
        smic_capacity_scanners,
        output_scanners,
        bound,
        out,
        scanners_only,
        drivers,
        run,
        run_flop,
        verdict_mature: super::market::mature_verdict(ds)?,
        verdict_asml: super::market::asml_verdict(ds)?,
        market,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_follows_the_data() {
        let ds = Dataset::builtin().unwrap();
        let a = account(&ds).unwrap();
        assert_eq!(a.bound.node, "n7-smic");
        // The HBM cap can only lower the output.
        assert!(a.out.accelerators_per_year <= a.scanners_only.accelerators_per_year);
        assert!(a.figure("smic-advanced-capacity").is_some());
        // The number behind the binding limit is among the drivers.
        let key = limit_key(a.out.bottleneck);
        assert!(a.drivers.iter().any(|d| d.key == key), "{key}: {:?}", a.drivers.swings);
        // Every reported figure of the backtest is set beside the model's count of the same
        // thing: the 910C alone for Bloomberg's, every Ascend for the others.
        assert_eq!(a.backtest.len(), 3);
        let c = a.backtest.iter().find(|r| r.accelerator.as_deref() == Some("ascend-910c")).unwrap();
        assert!(c.model < a.out.accelerators_per_year);
        // Outside its range, a row says how far the binding number would have to move: the
        // model at that factor lands on the range's nearer end.
        for r in a.backtest.iter().filter(|r| r.side != Side::Within) {
            let (_, f) = r.to_move.as_ref().unwrap();
            let end = if r.side == Side::Above { r.reported.high } else { r.reported.low };
            assert!((r.model * f - end).abs() < 1e-6 * end);
        }
    }
}
