//! The capacity account: what a DUV-only fleet of published size can make on a DUV-only
//! node, in accelerators and FLOP a year, the power it draws, and the mature-node output it
//! gives up; and the saying that mature-process chips are over a fifth of the world market.

use crate::data::Dataset;
use crate::diag::Diagnostics;
use crate::fleet::{self, FleetBound, FleetOutputs, FleetRequest};
use crate::provenance::Given;
use crate::sensitivity;
use crate::train::{self, TrainRequest};

pub use super::market::{MarketFigure, market};
use super::verdict::ClaimVerdict;

#[derive(Clone, Debug)]
pub struct CapacityAccount {
    pub bound: FleetBound,
    pub out: FleetOutputs,
    /// The same fleet with no HBM or packaging cap: what the scanners alone allow.
    pub scanners_only: FleetOutputs,
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
    open.hbm_stacks_per_month = None;
    open.packaging_wafers_per_month = None;
    let scanners_only = fleet::evaluate(&open);
    let drivers = sensitivity::figure(ds, samples, seed, |ds| {
        let b = fleet::bind(ds, &req)?;
        let a = fleet::evaluate(&b.inputs).accelerators_per_year;
        Ok((b.bindings, a))
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
        // The scanner count is among the drivers whenever scanners bind, HBM when HBM binds.
        let key = match a.out.bottleneck {
            fleet::Bottleneck::Hbm => "fleet.report_hbm_stacks_per_month",
            _ => "fleet.report_arfi_scanners",
        };
        assert!(a.drivers.iter().any(|d| d.key == key), "{key}");
    }
}
