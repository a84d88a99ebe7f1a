//! The tools account: DUV multi-patterning against EUV, node pair by node pair (n7-duv
//! against n7-euv, n5-duv against n5), for a reticle-size AI die and a phone-size die; and
//! lithography's share of wafer cost and process time against the commentary's saying that it
//! is half of the time and a third of the cost.

use crate::data::{Dataset, key};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fab::{self, WaferBound, WaferOutputs, WaferRequest};
use crate::provenance::Given;
use crate::sensitivity;

pub const CLAIM_TIME: &str = "litho-half-time";
pub const CLAIM_COST: &str = "litho-third-cost";
pub const CLAIM_STAND_IN: &str = "duv-for-euv";

/// One node's wafer for one die.
#[derive(Clone, Debug)]
pub struct Wafer {
    pub bound: WaferBound,
    pub out: WaferOutputs,
}

/// A DUV-only node against its EUV counterpart, for each reference die.
#[derive(Clone, Debug)]
pub struct Pair {
    pub duv: String,
    pub euv: String,
    /// By die, in the order of the report's dies: (die id, DUV wafer, EUV wafer).
    pub by_die: Vec<(String, Wafer, Wafer)>,
}

impl Pair {
    /// DUV's cost per good die over EUV's, less one, for the die at `i`.
    pub fn premium(&self, i: usize) -> f64 {
        let (_, d, e) = &self.by_die[i];
        d.out.cost_per_good_die_usd / e.out.cost_per_good_die_usd - 1.0
    }
}

/// A claim with its figure read as a range.
#[derive(Clone, Debug)]
pub struct Claim {
    pub says: String,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Clone, Debug)]
pub struct ToolsAccount {
    pub pairs: Vec<Pair>,
    pub dies: Vec<String>,
    pub claim_time: Claim,
    pub claim_cost: Claim,
    pub claim_stand_in: Claim,
    /// What moves the first pair's DUV litho time share most.
    pub time_share_drivers: sensitivity::Figure,
    /// What moves its litho cost share most.
    pub cost_share_drivers: sensitivity::Figure,
    /// What moves the first pair's DUV premium per good die (first die) most.
    pub premium_drivers: sensitivity::Figure,
}

/// A claim of the data: what it says and the figure it states.
pub(crate) fn claim(ds: &Dataset, id: &str) -> Result<Claim, Diagnostic> {
    let says = ds
        .text(&key("claim", Some(id), "says"))
        .ok_or_else(|| Diagnostic::new(format!("the data has no claim `{id}`")).key(format!("claim.{id}")))?;
    let p = ds.param(&key("claim", Some(id), "value")).ok_or_else(|| {
        Diagnostic::new(format!("claim `{id}` has no value")).key(format!("claim.{id}.value"))
    })?;
    Ok(Claim { says: says.to_string(), value: p.value, low: p.low, high: p.high })
}

fn request(node: &str, die: &str) -> WaferRequest {
    WaferRequest {
        nodes: Some(Given::data(vec![node.to_string()], "defaults.report_node_pairs")),
        die: Some(Given::data(die.to_string(), "defaults.report_dies")),
        ..Default::default()
    }
}

fn wafer(ds: &Dataset, node: &str, die: &str) -> Result<Wafer, Diagnostics> {
    let bound = fab::bind(ds, &request(node, die))?.remove(0);
    let out = fab::evaluate(&bound.inputs);
    Ok(Wafer { bound, out })
}

/// Works the account on the data in force.
pub fn account(ds: &Dataset) -> Result<ToolsAccount, Diagnostics> {
    let (samples, seed) = sensitivity::report_sampling(ds)?;
    let pairs_key = "defaults.report_node_pairs";
    let dies = ds.list("defaults.report_dies").map(<[String]>::to_vec).unwrap_or_default();
    let mut pairs = Vec::new();
    for p in ds.list(pairs_key).unwrap_or_default() {
        let Some((duv, euv)) = p.split_once(':') else {
            return Err(Diagnostic::new(format!("`{p}` is not a node pair"))
                .key(pairs_key)
                .at(ds.text_location(pairs_key))
                .expected("DUV:EUV, e.g. n7-duv:n7-euv")
                .into());
        };
        let mut by_die = Vec::new();
        for die in &dies {
            by_die.push((die.clone(), wafer(ds, duv, die)?, wafer(ds, euv, die)?));
        }
        pairs.push(Pair { duv: duv.to_string(), euv: euv.to_string(), by_die });
    }
    let (first_node, first_die) = match (pairs.first(), dies.first()) {
        (Some(p), Some(d)) => (p.duv.clone(), d.clone()),
        _ => return Err(Diagnostic::new("no node pair or die to compare").key(pairs_key).into()),
    };
    let share = |f: fn(&WaferOutputs) -> f64| {
        let (node, die) = (first_node.clone(), first_die.clone());
        sensitivity::figure(ds, samples, seed, move |ds| {
            let w = wafer(ds, &node, &die)?;
            Ok((w.bound.bindings, f(&w.out)))
        })
    };
    let premium_drivers = match pairs.first() {
        Some(p) => {
            let (duv, euv, die) = (p.duv.clone(), p.euv.clone(), first_die.clone());
            sensitivity::figure(ds, samples, seed, move |ds| {
                let (d, e) = (wafer(ds, &duv, &die)?, wafer(ds, &euv, &die)?);
                let premium = d.out.cost_per_good_die_usd / e.out.cost_per_good_die_usd - 1.0;
                Ok(([d.bound.bindings, e.bound.bindings].concat(), premium))
            })?
        }
        None => sensitivity::Figure::default(),
    };
    Ok(ToolsAccount {
        premium_drivers,
        time_share_drivers: share(|o| o.litho_time_share)?,
        cost_share_drivers: share(|o| o.litho_cost_share)?,
        pairs,
        dies,
        claim_time: claim(ds, CLAIM_TIME)?,
        claim_cost: claim(ds, CLAIM_COST)?,
        claim_stand_in: claim(ds, CLAIM_STAND_IN)?,
    })
}
