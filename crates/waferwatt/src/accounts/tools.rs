//! The tools account: DUV multi-patterning against EUV, node pair by node pair (n7-duv
//! against n7-euv, n5-duv against n5), for a reticle-size AI die and a phone-size die; and
//! lithography's share of wafer cost and process time against the commentary's saying that it
//! is half of the time and a third of the cost.

use super::verdict::{self, ClaimVerdict, Evidence, Side, Verdict};
use crate::data::Dataset;
use crate::diag::{Diagnostic, Diagnostics};
use crate::fab::{self, WaferBound, WaferOutputs, WaferRequest};
use crate::plan::Slots;
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
        premium(&d.out, &e.out)
    }
}

/// One wafer's cost per good die over another's, less one.
fn premium(d: &WaferOutputs, e: &WaferOutputs) -> f64 {
    d.cost_per_good_die_usd / e.cost_per_good_die_usd - 1.0
}

#[derive(Clone, Debug)]
pub struct ToolsAccount {
    pub pairs: Vec<Pair>,
    pub dies: Vec<String>,
    /// What moves the first pair's DUV litho time share most.
    pub time_share_drivers: sensitivity::Figure,
    /// What moves its litho cost share most.
    pub cost_share_drivers: sensitivity::Figure,
    /// What moves each pair's DUV premium per good die (first die) most, by pair.
    pub premium_drivers: Vec<sensitivity::Figure>,
    /// "Lithography is about half of chip-making time", for the first pair's DUV node.
    pub verdict_time: ClaimVerdict,
    /// "... and a third of its cost".
    pub verdict_cost: ClaimVerdict,
    /// "DUV multi-patterning can stand in for EUV at 7 nm".
    pub verdict_stand_in: ClaimVerdict,
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
                .expected("DUV:EUV, e.g. n7-smic:n7-euv")
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
    // A wafer's ledger planned, and its outputs at a row of values.
    let planned =
        |ds: &Dataset, slots: &mut Slots, node: &str, die: &str| -> Result<WaferBound, Diagnostics> {
            Ok(fab::plan(ds, &request(node, die), slots)?.remove(0))
        };
    let at = |w: &WaferBound, v: &[f64]| w.plan.derive(v).ok().map(|x| fab::evaluate(&x));
    // The litho shares are shares of a wafer's time and cost, which the dies on it do not
    // change: the wafer is not counted into dies per sample.
    let share = |f: fn(&WaferOutputs) -> f64| {
        sensitivity::planned(ds, samples, seed, |ds, slots| {
            let mut w = planned(ds, slots, &first_node, &first_die)?;
            w.plan.count = fab::Count::Analytic;
            Ok((w.bindings.clone(), move |v: &[f64]| at(&w, v).map(|o| f(&o))))
        })
    };
    // The premium's drivers for the claim's pair and for the next pair of the same EUV node
    // (the same technology on another actor's line), if there is one.
    let mut premium_drivers = Vec::new();
    for p in pairs.iter().filter(|p| p.euv == pairs[0].euv).take(2) {
        premium_drivers.push(sensitivity::planned(ds, samples, seed, |ds, slots| {
            let (d, e) = (planned(ds, slots, &p.duv, &first_die)?, planned(ds, slots, &p.euv, &first_die)?);
            let bindings = [d.bindings.clone(), e.bindings.clone()].concat();
            Ok((bindings, move |v: &[f64]| Some(premium(&at(&d, v)?, &at(&e, v)?))))
        })?);
    }
    let time_share_drivers = share(|o| o.litho_time_share)?;
    let cost_share_drivers = share(|o| o.litho_cost_share)?;
    let verdict_time =
        share_verdict(ds, CLAIM_TIME, &pairs, |o| o.litho_time_share, "process time", &time_share_drivers)?;
    let verdict_cost =
        share_verdict(ds, CLAIM_COST, &pairs, |o| o.litho_cost_share, "wafer cost", &cost_share_drivers)?;
    let verdict_stand_in = stand_in_verdict(ds, &pairs, &premium_drivers)?;
    Ok(ToolsAccount {
        pairs,
        dies,
        time_share_drivers,
        cost_share_drivers,
        premium_drivers,
        verdict_time,
        verdict_cost,
        verdict_stand_in,
    })
}

/// Every node of the pairs once, in order of first appearance, with its wafer for the first
/// die.
pub fn nodes(pairs: &[Pair]) -> Vec<&Wafer> {
    let mut seen: Vec<&Wafer> = Vec::new();
    for p in pairs {
        if let Some((_, d, e)) = p.by_die.first() {
            for w in [d, e] {
                if !seen.iter().any(|s| s.bound.node == w.bound.node) {
                    seen.push(w);
                }
            }
        }
    }
    seen
}

/// Lithography's share of time or cost against the claimed band: the verdict is on the first
/// pair's DUV node (the actor's line); every other node is context.
fn share_verdict(
    ds: &Dataset,
    id: &str,
    pairs: &[Pair],
    f: fn(&WaferOutputs) -> f64,
    what: &str,
    drivers: &sensitivity::Figure,
) -> Result<ClaimVerdict, Diagnostic> {
    let claim = verdict::claim(ds, id)?;
    let band = claim.band.ok_or_else(|| {
        Diagnostic::new(format!("claim `{id}` states no share")).key(format!("claim.{id}.value"))
    })?;
    let all = nodes(pairs);
    let Some(actor) = all.first() else {
        return Ok(ClaimVerdict::new(&claim, claim.actor.clone(), Verdict::NotMeasured));
    };
    let side = band.side(f(&actor.out));
    let mut v = ClaimVerdict::new(
        &claim,
        format!("{} ({}), on its own numbers", claim.actor, actor.bound.node),
        verdict::from_sides(&[side]),
    )
    .side(Some(side));
    for (i, w) in all.iter().enumerate() {
        let e = Evidence::new(format!("lithography's share of {what}"), f(&w.out), "fraction")
            .case(&w.bound.node);
        v = v.evidence(if i == 0 { e.sampled(drivers) } else { e });
    }
    Ok(v.decided_by(verdict::deciders(ds, f(&actor.out), drivers, |x| band.side(x))))
}

/// "DUV multi-patterning can stand in for EUV at 7 nm", for the first pair's DUV node (the
/// actor's line): feasibility from reported volume production (`claim.ID.measures`),
/// economics from its premium per good die over the EUV node for every die. The next pair
/// with the same EUV node, if any, is the same question on another line: context.
fn stand_in_verdict(
    ds: &Dataset,
    pairs: &[Pair],
    drivers: &[sensitivity::Figure],
) -> Result<ClaimVerdict, Diagnostic> {
    let claim = verdict::claim(ds, CLAIM_STAND_IN)?;
    let band = claim.band.ok_or_else(|| {
        Diagnostic::new(format!("claim `{CLAIM_STAND_IN}` states no premium"))
            .key(format!("claim.{CLAIM_STAND_IN}.value"))
    })?;
    let Some(first) = pairs.first() else {
        return Ok(ClaimVerdict::new(&claim, claim.actor.clone(), Verdict::NotMeasured));
    };
    // Feasibility: the line makes chips in volume, by every reported figure.
    let measures = super::measures(ds, CLAIM_STAND_IN);
    let sides: Vec<Side> =
        measures.iter().map(|(_, p)| if p.value > 0.0 { Side::Within } else { Side::Below }).collect();
    let mut feasible = ClaimVerdict::new(
        &claim.part(format!("{} makes chips in volume", first.duv)),
        format!("{}, as reported", first.duv),
        verdict::from_sides(&sides),
    );
    for (what, p) in &measures {
        feasible = feasible.evidence(Evidence::published(what.clone(), p));
    }
    let economics = |p: &Pair, fig: Option<&sensitivity::Figure>, actor: String| {
        let sides: Vec<Side> = (0..p.by_die.len()).map(|i| band.side(p.premium(i))).collect();
        let mut v = ClaimVerdict::new(
            &claim.part(format!(
                "{}'s cost per good die is within the claimed premium over {}'s",
                p.duv, p.euv
            )),
            actor,
            verdict::from_sides(&sides),
        )
        .side(verdict::common_side(&sides));
        for (i, (die, _, _)) in p.by_die.iter().enumerate() {
            let e = Evidence::new(
                format!("{} over {}, cost per good die", p.duv, p.euv),
                p.premium(i),
                "premium",
            )
            .case(die);
            v = v.evidence(match fig {
                Some(f) if i == 0 => e.sampled(f),
                _ => e,
            });
        }
        match fig {
            Some(f) => v.decided_by(verdict::deciders(ds, p.premium(0), f, |x| band.side(x))),
            None => v,
        }
    };
    let mut economic = economics(
        first,
        drivers.first(),
        format!("{} against {}, on their own numbers", first.duv, first.euv),
    );
    // Reported prices (`claim.ID.context`): the DUV line's price at its own margin against the EUV
    // node's published price, and the margin the reported premium would need on its cost.
    if let (Some((_, d, e)), Some((what, p))) =
        (first.by_die.first(), super::context(ds, CLAIM_STAND_IN).first())
    {
        economic = economic.evidence(Evidence::published(what.clone(), p));
        if let Some(published) = e.bound.published_wafer_price_usd {
            economic = economic
                .evidence(Evidence::new(
                    format!(
                        "{}'s wafer at its own margin against {}'s published price",
                        first.duv, first.euv
                    ),
                    d.out.wafer_price_usd / published - 1.0,
                    "premium",
                ))
                .evidence(Evidence::new(
                    format!("the gross margin {} would need to charge the reported premium", first.duv),
                    1.0 - d.out.wafer_cost_usd / ((1.0 + p.value) * published),
                    "fraction",
                ));
        }
    }
    let side = economic.side;
    let infeasible = feasible.verdict == Verdict::NotSupported;
    let context: Vec<ClaimVerdict> = pairs
        .iter()
        .skip(1)
        .find(|p| p.euv == first.euv)
        .map(|other| {
            economics(
                other,
                drivers.get(1),
                format!(
                    "for comparison, the same technology on another line: {} against {}",
                    other.duv, other.euv
                ),
            )
        })
        .into_iter()
        .collect();
    let mut v = ClaimVerdict::of_parts(
        &claim,
        format!("{} ({} against {})", claim.actor, first.duv, first.euv),
        vec![feasible, economic],
        context,
    );
    v.side = side;
    // Feasibility comes first: a line that makes nothing in volume stands in for nothing.
    if infeasible {
        (v.verdict, v.central) = (Verdict::NotSupported, Verdict::NotSupported);
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::accounts::test_data as data;

    #[test]
    fn the_verdicts_are_for_smics_line() {
        let a = account(&data(&[])).unwrap();
        assert_eq!(a.pairs[0].duv, "n7-smic");
        assert!(a.verdict_time.actor.contains("n7-smic") && a.verdict_cost.actor.contains("n7-smic"));
        // The first number is the actor's own, sampled.
        let first = &a.verdict_cost.evidence[0];
        assert!(first.case.as_deref() == Some("n7-smic") && first.range.is_some());
    }

    #[test]
    fn the_cost_share_verdict_follows_the_share_across_the_band() {
        // The mask set spread over fewer wafers raises lithography's share of cost: below the
        // claimed 30-37 % at the default 20,000 wafers, within it at 4,000, above it at 2,000.
        let side = |sets: &[&str]| {
            let v = account(&data(sets)).unwrap().verdict_cost;
            (v.central, v.side)
        };
        assert_eq!(side(&[]), (Verdict::NotSupported, Some(Side::Below)));
        assert_eq!(
            side(&["node.n7-smic.wafers_per_mask_set=4000"]),
            (Verdict::Supported, Some(Side::Within))
        );
        assert_eq!(
            side(&["node.n7-smic.wafers_per_mask_set=2000"]),
            (Verdict::NotSupported, Some(Side::Above))
        );
    }

    #[test]
    fn standing_in_is_feasible_and_its_economics_follow_the_claimed_premium() {
        let v = account(&data(&[])).unwrap().verdict_stand_in;
        assert_eq!(v.parts[0].verdict, Verdict::Supported, "SMIC makes N+2 chips in volume");
        // SMIC's premium per good reticle-size die is above 25 %: not economic on the central values.
        assert!(v.parts[1].evidence[0].value > 0.25);
        assert_ne!(v.parts[1].central, Verdict::Supported);
        assert_eq!(v.central, Verdict::Partly);
        // Read as "at most 100 % dearer", every die stands within it.
        let v = account(&data(&["claim.duv-for-euv.value=1"])).unwrap().verdict_stand_in;
        assert_eq!(v.parts[1].central, Verdict::Supported);
        assert_eq!(v.central, Verdict::Supported);
        // The TSMC-class line is context: it does not count.
        assert!(v.parts[2].context && !v.parts[1].context);
        // No volume reported: not feasible, so not supported whatever the economics.
        let v = account(&data(&[
            "claim.duv-for-euv.value=1",
            "market.smic-advanced-capacity.wafers_per_month=0",
            "market.ascend-910c-output-2025.units=0",
        ]))
        .unwrap()
        .verdict_stand_in;
        assert_eq!(v.parts[0].verdict, Verdict::NotSupported);
        assert_eq!((v.verdict, v.central), (Verdict::NotSupported, Verdict::NotSupported));
    }
}
