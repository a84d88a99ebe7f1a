//! The packaging account: can splitting a large die into chiplets win back what a
//! lower-yield DUV-only process loses? The compute silicon of a reticle-size die as 1, 2, 4
//! or 8 chiplets on a DUV-only node and on an EUV node; and what an H100-class design costs
//! when made on the DUV-only node.

use super::verdict::{self, ClaimVerdict, Evidence, Verdict};
use crate::chip::{self, ChipBound, ChipInputs, ChipOutputs, ChipRequest, Split};
use crate::data::{Dataset, key};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fab::{self, WaferBound, WaferInputs, WaferRequest};
use crate::plan::Slots;
use crate::provenance::{Binding, Given, Provenance};
use crate::sensitivity;

/// One node's splits of the reference area.
#[derive(Clone, Debug)]
pub struct NodeSplits {
    pub node: String,
    pub splits: Vec<Split>,
    /// Compute area from which two chiplets beat one die, if they ever do below the reticle.
    pub break_even_mm2: Option<f64>,
}

impl NodeSplits {
    /// The cheapest split per good package.
    pub fn best(&self) -> Option<&Split> {
        self.splits.iter().min_by(|a, b| a.cost_per_good_package_usd.total_cmp(&b.cost_per_good_package_usd))
    }
    pub fn monolithic(&self) -> Option<&Split> {
        self.splits.iter().find(|s| s.chiplets == 1)
    }
    /// The cheapest split of two or more chiplets against one die: its cost per good package
    /// over one die's, minus one (negative when chiplets save).
    pub fn chiplet_premium(&self) -> Option<f64> {
        let best = self
            .splits
            .iter()
            .filter(|s| s.chiplets > 1)
            .min_by(|a, b| a.cost_per_good_package_usd.total_cmp(&b.cost_per_good_package_usd))?;
        Some(best.cost_per_good_package_usd / self.monolithic()?.cost_per_good_package_usd - 1.0)
    }
}

/// The claim this account tests (an entry of `claim.*` in the data).
pub const CLAIM_TRACK: &str = "packaging-track";

/// The first node (the DUV-only one) against the second (its EUV counterpart): how much dearer
/// one die is, and how much of that the first node's best split wins back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recovery {
    /// Monolithic cost per good package on the first node over the second's, minus one.
    pub penalty: f64,
    pub best_chiplets: u32,
    /// Share of the gap the best split closes (0 when one die is already the cheapest).
    pub recovered: f64,
}

impl Recovery {
    /// Whether chiplets win back the yield loss: all of it, part, none, or there was none.
    pub fn verdict(&self) -> Verdict {
        if self.penalty <= 0.0 {
            Verdict::NotMeasured
        } else if self.best_chiplets == 1 {
            Verdict::NotSupported
        } else if self.recovered >= 1.0 {
            Verdict::Supported
        } else {
            Verdict::Partly
        }
    }
}

#[derive(Clone, Debug)]
pub struct PackagingAccount {
    pub die: String,
    pub area_mm2: f64,
    pub nodes: Vec<NodeSplits>,
    /// The design as made, and as ported to the DUV-only node.
    pub design: (ChipBound, ChipOutputs),
    pub ported: (ChipBound, ChipOutputs),
    /// What moves the ported design's build cost most.
    pub ported_cost_drivers: sensitivity::Figure,
    /// What moves the first node's chiplet premium (`NodeSplits::chiplet_premium`) most.
    pub chiplet_premium_drivers: sensitivity::Figure,
    /// What moves the share of the DUV-only node's yield loss its best split wins back.
    pub recovery_drivers: sensitivity::Figure,
    /// The verdict on the commentary's "second track".
    pub verdict_track: ClaimVerdict,
}

impl PackagingAccount {
    pub fn recovery(&self) -> Option<Recovery> {
        recovery(&self.nodes)
    }
}

/// The first node (the DUV-only one) against the second (its EUV counterpart).
pub fn recovery(nodes: &[NodeSplits]) -> Option<Recovery> {
    let (duv, other) = (nodes.first()?, nodes.get(1)?);
    let (mono, best, reference) = (duv.monolithic()?, duv.best()?, other.monolithic()?);
    let gap = mono.cost_per_good_package_usd - reference.cost_per_good_package_usd;
    let gain = mono.cost_per_good_package_usd - best.cost_per_good_package_usd;
    Some(Recovery {
        penalty: mono.cost_per_good_package_usd / reference.cost_per_good_package_usd - 1.0,
        best_chiplets: best.chiplets,
        recovered: if gap > 0.0 { gain / gap } else { 0.0 },
    })
}

/// Where a recovered share stands: none, part, all of the yield loss.
fn recovery_side(recovered: f64) -> u8 {
    if recovered >= 1.0 {
        2
    } else if recovered > 0.0 {
        1
    } else {
        0
    }
}

/// "Advanced packaging is a second track": the back-end tools the commentary counts, against
/// what is reported; and the quantitative answer, whether chiplets win back what the DUV-only
/// node loses in yield against its EUV counterpart.
fn track_verdict(ds: &Dataset, a: &PackagingAccount) -> Result<ClaimVerdict, Diagnostic> {
    let claim = verdict::claim(ds, CLAIM_TRACK)?;
    let mut tools = verdict::against_published(
        &claim.part(match claim.band {
            Some(b) => {
                format!("the tools the commentary counts, about {}, against the counts reported", b.value)
            }
            None => "the tools the commentary counts, against the counts reported".to_string(),
        }),
        claim.actor.clone(),
        &super::measures(ds, CLAIM_TRACK),
    );
    for (what, p) in super::context(ds, CLAIM_TRACK) {
        tools = tools.evidence(Evidence::published(what, &p));
    }
    let (duv, euv) = match a.nodes.as_slice() {
        [d, e, ..] => (d.node.as_str(), e.node.as_str()),
        _ => ("", ""),
    };
    let chiplets = match a.recovery() {
        Some(r) => {
            let premium = a.nodes.first().and_then(NodeSplits::chiplet_premium).unwrap_or(0.0);
            ClaimVerdict::new(
                &claim.part(format!(
                    "splitting a reticle-size die into chiplets on {duv} wins back what it loses in yield against {euv}"
                )),
                format!("{duv} against {euv}, for the compute silicon of {}, at the foundries' cost", a.die),
                r.verdict(),
            )
            .evidence(Evidence::new("one die's cost per good package over the EUV node's", r.penalty, "premium"))
            .evidence(
                Evidence::new("share of that the best split wins back", r.recovered, "fraction")
                    .sampled(&a.recovery_drivers),
            )
            .evidence(Evidence::new(
                "the best split of two or more chiplets against one die, per good package",
                premium,
                "premium",
            ))
            .decided_by(verdict::deciders(ds, r.recovered, &a.recovery_drivers, recovery_side))
        }
        None => ClaimVerdict::new(&claim, claim.actor.clone(), Verdict::NotMeasured),
    };
    // The count of tools nothing measures: the claim is at most partly borne out.
    Ok(ClaimVerdict::of_parts(&claim, claim.actor.clone(), vec![tools, chiplets], Vec::new()))
}

fn list(ds: &Dataset, k: &str) -> Result<Vec<String>, Diagnostic> {
    ds.list(k).map(<[String]>::to_vec).ok_or_else(|| Diagnostic::new(format!("the data has no `{k}`")).key(k))
}

/// Works the account on the data in force.
pub fn account(ds: &Dataset) -> Result<PackagingAccount, Diagnostics> {
    let (samples, seed) = sensitivity::report_sampling(ds)?;
    let die = ds.text("defaults.die").unwrap_or_default().to_string();
    let (w, h) = (
        ds.param(&key("die", Some(&die), "width_mm")).map_or(0.0, |p| p.value),
        ds.param(&key("die", Some(&die), "height_mm")).map_or(0.0, |p| p.value),
    );
    let area_mm2 = w * h;
    let splits_key = "defaults.report_splits";
    let ks: Vec<u32> = list(ds, splits_key)?
        .iter()
        .map(|s| s.parse().ok().filter(|k| (1..=64).contains(k)))
        .collect::<Option<_>>()
        .ok_or_else(|| {
            Diagnostic::new("chiplet counts from 1 to 64").key(splits_key).at(ds.text_location(splits_key))
        })?;
    let (accelerator, port_node) = {
        let k = "defaults.report_port";
        let v = ds.text(k).unwrap_or_default();
        let (a, n) = v.split_once(':').ok_or_else(|| {
            Diagnostic::new(format!("`{v}` is not an accelerator and a node"))
                .key(k)
                .at(ds.text_location(k))
                .expected("ID:NODE, e.g. h100-sxm:n7-duv")
        })?;
        (a.to_string(), n.to_string())
    };
    let chip_req = |node: Option<&str>| ChipRequest {
        accelerator: Some(Given::data(accelerator.clone(), "defaults.report_port")),
        node: node.map(|n| Given::data(n.to_string(), "defaults.report_port")),
        chiplets: None,
        count: None,
        method: None,
    };
    let design = chip::bind(ds, &chip_req(None))?;
    let design_out = chip::evaluate(&design.inputs);
    let ported = chip::bind(ds, &chip_req(Some(&port_node)))?;
    let ported_out = chip::evaluate(&ported.inputs);

    let mut nodes = Vec::new();
    for node in list(ds, "defaults.report_packaging_nodes")? {
        nodes.push(node_splits(ds, &node, area_mm2, &ks, &design.inputs, true)?.0);
    }
    // The design's packaging and chiplet terms, which the splits read (its own node's process
    // is not in play).
    let packaging_terms = |design: &ChipBound| -> Vec<Binding> {
        design
            .bindings
            .iter()
            .filter(|b| match &b.provenance {
                Provenance::Data { key, .. } => {
                    ["package.", "packaging.", "chiplet."].iter().any(|p| key.starts_with(p))
                }
                _ => false,
            })
            .cloned()
            .collect()
    };
    // What could make chiplets pay on the first (DUV-only) node.
    let chiplet_premium_drivers = match nodes.first() {
        Some(first) if ks.iter().any(|k| *k > 1) => sensitivity::planned(ds, samples, seed, |ds, slots| {
            let design = chip::plan(ds, &chip_req(None), slots)?;
            let w = split_wafer(ds, &first.node, area_mm2, slots)?;
            let bindings = [w.bindings.clone(), packaging_terms(&design)].concat();
            let (node, ks) = (first.node.clone(), ks.clone());
            let premium = move |v: &[f64]| {
                let (x, wafer) = (design.plan.derive(v).ok()?, w.plan.derive(v).ok()?);
                Some(splits(&node, area_mm2, &ks, &wafer, &x, false).chiplet_premium().unwrap_or(0.0))
            };
            Ok((bindings, premium))
        })?,
        _ => sensitivity::Figure::default(),
    };
    // The share of the yield loss the DUV-only node's best split wins back.
    let recovery_drivers = match list(ds, "defaults.report_packaging_nodes")?.as_slice() {
        [duv, euv, ..] if ks.iter().any(|k| *k > 1) => {
            sensitivity::planned(ds, samples, seed, |ds, slots| {
                let design = chip::plan(ds, &chip_req(None), slots)?;
                let d = split_wafer(ds, duv, area_mm2, slots)?;
                let e = split_wafer(ds, euv, area_mm2, slots)?;
                let bindings = [d.bindings.clone(), e.bindings.clone(), packaging_terms(&design)].concat();
                let (duv, euv, ks) = (duv.clone(), euv.clone(), ks.clone());
                let recovered = move |v: &[f64]| {
                    let x = design.plan.derive(v).ok()?;
                    let (dw, ew) = (d.plan.derive(v).ok()?, e.plan.derive(v).ok()?);
                    let both = [
                        splits(&duv, area_mm2, &ks, &dw, &x, false),
                        splits(&euv, area_mm2, &ks, &ew, &x, false),
                    ];
                    Some(recovery(&both).map_or(0.0, |r| r.recovered))
                };
                Ok((bindings, recovered))
            })?
        }
        _ => sensitivity::Figure::default(),
    };
    let req = chip_req(Some(&port_node));
    let ported_cost_drivers = sensitivity::planned(ds, samples, seed, |ds, slots| {
        let b = chip::plan(ds, &req, slots)?;
        let bindings = b.bindings.clone();
        Ok((bindings, move |v: &[f64]| Some(chip::evaluate(&b.plan.derive(v).ok()?).build_cost_usd)))
    })?;
    let mut a = PackagingAccount {
        die,
        area_mm2,
        nodes,
        design: (design, design_out),
        ported: (ported, ported_out),
        ported_cost_drivers,
        chiplet_premium_drivers,
        recovery_drivers,
        verdict_track: ClaimVerdict::new(&verdict::claim(ds, CLAIM_TRACK)?, "", Verdict::NotMeasured),
    };
    a.verdict_track = track_verdict(ds, &a)?;
    Ok(a)
}

/// `area_mm2` split `ks` ways on `node` (and the break-even area if `break_even`), with the
/// bindings of the node's wafer.
fn node_splits(
    ds: &Dataset,
    node: &str,
    area_mm2: f64,
    ks: &[u32],
    x: &ChipInputs,
    break_even: bool,
) -> Result<(NodeSplits, Vec<Binding>), Diagnostics> {
    let wafer = split_wafer(ds, node, area_mm2, &mut Slots::default())?;
    Ok((splits(node, area_mm2, ks, &wafer.inputs, x, break_even), wafer.bindings))
}

/// The wafer of `node` for a die of `area_mm2`, planned.
fn split_wafer(
    ds: &Dataset,
    node: &str,
    area_mm2: f64,
    slots: &mut Slots,
) -> Result<WaferBound, Diagnostics> {
    let req = WaferRequest {
        nodes: Some(Given::data(vec![node.to_string()], "defaults.report_packaging_nodes")),
        die_area_mm2: Some(Given::data(area_mm2, "defaults.die")),
        stitched: Some(Given::data(true, "defaults.die")),
        ..Default::default()
    };
    Ok(fab::plan(ds, &req, slots)?.remove(0))
}

/// The splits of `area_mm2` into each of `ks` chiplets on `wafer`, for the design `x`.
fn splits(
    node: &str,
    area_mm2: f64,
    ks: &[u32],
    wafer: &WaferInputs,
    x: &ChipInputs,
    break_even: bool,
) -> NodeSplits {
    // At the foundry's cost: the nodes compared carry different margins (SMIC's and TSMC's),
    // and the question is what making the chips takes, not what a foundry charges.
    let wafer = WaferInputs { gross_margin: 0.0, ..*wafer };
    NodeSplits {
        splits: ks.iter().map(|k| chip::split(area_mm2, *k, &wafer, x)).collect(),
        break_even_mm2: break_even
            .then(|| {
                let (lo, hi) = chip::break_even_span(x);
                chip::break_even_area(&wafer, x, lo, hi)
            })
            .flatten(),
        node: node.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_splits_the_reference_die_on_every_listed_node() {
        let ds = Dataset::builtin().unwrap();
        let a = account(&ds).unwrap();
        let listed = ds.list("defaults.report_packaging_nodes").unwrap();
        assert_eq!(a.nodes.iter().map(|n| n.node.as_str()).collect::<Vec<_>>(), listed);
        for n in &a.nodes {
            let ks: Vec<u32> = n.splits.iter().map(|s| s.chiplets).collect();
            assert_eq!(ks, [1, 2, 4, 8]);
            // One die is the reference area itself.
            let mono = n.monolithic().unwrap();
            assert!((mono.chiplet_area_mm2 - a.area_mm2).abs() < 1e-9);
            let best_multi =
                n.splits[1..].iter().map(|s| s.cost_per_good_package_usd).fold(f64::INFINITY, f64::min);
            let premium = n.chiplet_premium().unwrap();
            assert!((premium - (best_multi / mono.cost_per_good_package_usd - 1.0)).abs() < 1e-12);
        }
        // The design is ported to the DUV-only node and grows there.
        let port = a.ported.0.port.as_ref().unwrap();
        assert_eq!((port.from_node.as_str(), port.to_node.as_str()), ("n5", "n7-smic"));
        assert!(port.area_to_mm2 > port.area_from_mm2);
        // A dirtier DUV process makes chiplets pay better (their premium falls).
        let d0 = a.chiplet_premium_drivers.iter().find(|d| d.key == "node.n7-smic.d0_per_cm2").unwrap();
        assert!(d0.at_high < d0.at_low);
    }

    #[test]
    fn a_recovery_reads_as_all_part_none_or_nothing_to_recover() {
        let r = |penalty, best_chiplets, recovered| Recovery { penalty, best_chiplets, recovered }.verdict();
        assert_eq!(r(0.2, 2, 1.0), Verdict::Supported);
        assert_eq!(r(0.2, 4, 0.999), Verdict::Partly);
        assert_eq!(r(0.2, 1, 0.0), Verdict::NotSupported);
        assert_eq!(r(0.0, 2, 0.0), Verdict::NotMeasured, "no yield loss to win back");
    }

    #[test]
    fn the_second_track_verdict_follows_the_chiplets() {
        let mut ds = Dataset::builtin().unwrap();
        ds.apply_set("defaults.report_samples=16").unwrap();
        let v = account(&ds).unwrap().verdict_track;
        // No source counts the packaging tools delivered: that part is not measured.
        assert_eq!(v.parts[0].verdict, Verdict::NotMeasured);
        // At SMIC's defect density and costs, chiplets win back part of what one die on N+2 loses
        // against 7 nm with EUV layers, at cost.
        assert_eq!(v.parts[1].central, Verdict::Partly);
        // At the low end of its defect density one die on N+2 costs no more than on EUV 7 nm:
        // there is nothing for chiplets to win back.
        let mut low = ds.clone();
        low.apply_set("node.n7-smic.d0_per_cm2=0.045").unwrap();
        assert_eq!(account(&low).unwrap().verdict_track.parts[1].central, Verdict::NotMeasured);
        // With dear die-to-die interfaces, tests and bonds, and a defect density between its
        // floor and today's, one die is cheapest: chiplets win nothing back.
        ds.apply_set("node.n7-smic.d0_per_cm2=0.1").unwrap();
        ds.apply_set("chiplet.d2d_area_fraction=0.15").unwrap();
        ds.apply_set("packaging.kgd_test_usd_per_die=50").unwrap();
        ds.apply_set("chiplet.bond_usd_per_die=30").unwrap();
        ds.apply_set("chiplet.bond_yield_per_die=0.99").unwrap();
        let v = account(&ds).unwrap().verdict_track;
        assert_eq!(v.parts[1].central, Verdict::NotSupported);
        // The claim cannot be more than partly borne out while the tool count is unmeasured.
        assert_ne!(v.central, Verdict::Supported);
    }
}
