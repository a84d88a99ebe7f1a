//! The packaging account: can splitting a large die into chiplets win back what a
//! lower-yield DUV-only process loses? The compute silicon of a reticle-size die as 1, 2, 4
//! or 8 chiplets on a DUV-only node and on an EUV node; and what an H100-class design costs
//! when made on the DUV-only node.

use super::verdict::{self, ClaimVerdict, Evidence, Side, Verdict};
use crate::chip::{self, ChipBound, ChipInputs, ChipOutputs, ChipRequest, Split};
use crate::data::{Dataset, key};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fab::{self, WaferRequest};
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
    /// The verdict on the commentary's "second track".
    pub verdict_track: ClaimVerdict,
}

impl PackagingAccount {
    pub fn recovery(&self) -> Option<Recovery> {
        let (duv, other) = (self.nodes.first()?, self.nodes.get(1)?);
        let (mono, best, reference) = (duv.monolithic()?, duv.best()?, other.monolithic()?);
        let gap = mono.cost_per_good_package_usd - reference.cost_per_good_package_usd;
        let gain = mono.cost_per_good_package_usd - best.cost_per_good_package_usd;
        Some(Recovery {
            penalty: mono.cost_per_good_package_usd / reference.cost_per_good_package_usd - 1.0,
            best_chiplets: best.chiplets,
            recovered: if gap > 0.0 { gain / gap } else { 0.0 },
        })
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
    let nodes: Vec<&str> = a.nodes.iter().take(2).map(|n| n.node.as_str()).collect();
    let mut chiplets = match a.recovery() {
        Some(r) => {
            let premium = a.nodes.first().and_then(NodeSplits::chiplet_premium).unwrap_or(0.0);
            let v = ClaimVerdict::new(
                &claim.part(format!(
                    "splitting a reticle-size die into chiplets on {} wins back what it loses in yield against {}",
                    nodes.first().unwrap_or(&""),
                    nodes.get(1).unwrap_or(&"")
                )),
                format!("{} against {}, for the compute silicon of {}", nodes.first().unwrap_or(&""), nodes.get(1).unwrap_or(&""), a.die),
                r.verdict(),
            )
            .evidence(Evidence::new("one die's cost per good package over the EUV node's", r.penalty, "premium"))
            .evidence(Evidence::new("share of that the best split wins back", r.recovered, "fraction"))
            .evidence(
                Evidence::new("the best split of two or more chiplets against one die, per good package", premium, "premium")
                    .sampled(&a.chiplet_premium_drivers),
            );
            v.decided_by(verdict::deciders(ds, &a.chiplet_premium_drivers, |x| x < 0.0))
        }
        None => ClaimVerdict::new(&claim, claim.actor.clone(), Verdict::NotMeasured),
    };
    chiplets.side = None;
    let overall = verdict::combine(&[tools.verdict, chiplets.verdict]);
    let mut v = ClaimVerdict::new(&claim, claim.actor.clone(), overall);
    v.central = verdict::combine(&[tools.central, chiplets.central]);
    v.side = tools.side.filter(|s| *s != Side::Within);
    v.parts = vec![tools, chiplets];
    Ok(v)
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
    };
    let design = chip::bind(ds, &chip_req(None))?;
    let design_out = chip::evaluate(&design.inputs);
    let ported = chip::bind(ds, &chip_req(Some(&port_node)))?;
    let ported_out = chip::evaluate(&ported.inputs);

    let mut nodes = Vec::new();
    for node in list(ds, "defaults.report_packaging_nodes")? {
        nodes.push(node_splits(ds, &node, area_mm2, &ks, &design.inputs, true)?.0);
    }
    // What could make chiplets pay on the first (DUV-only) node.
    let chiplet_premium_drivers = match nodes.first() {
        Some(first) if ks.iter().any(|k| *k > 1) => {
            let node = first.node.clone();
            sensitivity::figure(ds, samples, seed, |ds| {
                let design = chip::bind(ds, &chip_req(None))?;
                let (n, mut bindings) = node_splits(ds, &node, area_mm2, &ks, &design.inputs, false)?;
                // The splits read the design's packaging and chiplet terms; its own node's
                // process is not in play.
                bindings.extend(design.bindings.into_iter().filter(|b| match &b.provenance {
                    Provenance::Data { key, .. } => {
                        ["package.", "packaging.", "chiplet."].iter().any(|p| key.starts_with(p))
                    }
                    _ => false,
                }));
                Ok((bindings, n.chiplet_premium().unwrap_or(0.0)))
            })?
        }
        _ => sensitivity::Figure::default(),
    };
    let req = chip_req(Some(&port_node));
    let ported_cost_drivers = sensitivity::figure(ds, samples, seed, |ds| {
        let b = chip::bind(ds, &req)?;
        let cost = chip::evaluate(&b.inputs).build_cost_usd;
        Ok((b.bindings, cost))
    })?;
    let mut a = PackagingAccount {
        die,
        area_mm2,
        nodes,
        design: (design, design_out),
        ported: (ported, ported_out),
        ported_cost_drivers,
        chiplet_premium_drivers,
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
    let req = WaferRequest {
        nodes: Some(Given::data(vec![node.to_string()], "defaults.report_packaging_nodes")),
        die_area_mm2: Some(Given::data(area_mm2, "defaults.die")),
        stitched: Some(Given::data(true, "defaults.die")),
        ..Default::default()
    };
    let wafer = fab::bind(ds, &req)?.remove(0);
    let splits = NodeSplits {
        splits: ks.iter().map(|k| chip::split(area_mm2, *k, &wafer.inputs, x)).collect(),
        break_even_mm2: break_even
            .then(|| {
                let (lo, hi) = chip::break_even_span(x);
                chip::break_even_area(&wafer.inputs, x, lo, hi)
            })
            .flatten(),
        node: node.to_string(),
    };
    Ok((splits, wafer.bindings))
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
    fn the_second_track_verdict_follows_the_chiplets() {
        let mut ds = Dataset::builtin().unwrap();
        ds.apply_set("defaults.report_samples=16").unwrap();
        let v = account(&ds).unwrap().verdict_track;
        // No source counts the packaging tools delivered: that part is not measured.
        assert_eq!(v.parts[0].verdict, Verdict::NotMeasured);
        // At SMIC's defect density chiplets win back all of its yield loss against EUV 7 nm.
        assert_eq!(v.parts[1].central, Verdict::Supported);
        // At a TSMC-class defect density one die is cheapest: chiplets win nothing back.
        ds.apply_set("node.n7-smic.d0_per_cm2=0.045").unwrap();
        let v = account(&ds).unwrap().verdict_track;
        assert_ne!(v.parts[1].central, Verdict::Supported);
    }
}
