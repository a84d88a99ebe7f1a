//! The packaging account of the report: can chiplets win back what a DUV-only process loses
//! in yield, and what an H100-class design costs when made on that process.

use serde_json::{Value, json};
use waferwatt::accounts::packaging::{NodeSplits, PackagingAccount};

use waferwatt::data::Dataset;

use super::doc::Blocks;
use crate::Failure;
use crate::chart::{Lines, Plot};
use crate::chip_cmd::{self, Evaluated, split_json};
use crate::render::{percent, sig3, signed, usd};

/// The design as made and as ported, checked like `waferwatt chip` checks them.
pub struct Designs {
    pub design: Evaluated,
    pub ported: Evaluated,
}

/// No figure leaves unless it is finite.
pub fn check(a: &PackagingAccount) -> Result<Designs, Failure> {
    for n in &a.nodes {
        for s in &n.splits {
            if !s.cost_per_good_package_usd.is_finite() {
                return Err(waferwatt::diag::Diagnostic::new(format!(
                    "{} chiplets on {} give no good package",
                    s.chiplets, n.node
                ))
                .key("defaults.report_splits")
                .expected("splits with good dies on a wafer")
                .into());
            }
        }
    }
    Ok(Designs {
        design: chip_cmd::evaluate(a.design.0.clone())?,
        ported: chip_cmd::evaluate(a.ported.0.clone())?,
    })
}

fn node_line(n: &NodeSplits, span: (f64, f64)) -> String {
    let (Some(mono), Some(best)) = (n.monolithic(), n.best()) else { return String::new() };
    let best_part = if best.chiplets == 1 {
        "one die is the cheapest split".to_string()
    } else {
        format!(
            "the cheapest is {} chiplets at {} ({} less)",
            best.chiplets,
            usd(best.cost_per_good_package_usd),
            percent(1.0 - best.cost_per_good_package_usd / mono.cost_per_good_package_usd)
        )
    };
    let even = chip_cmd::break_even_text(n.break_even_mm2, span);
    format!(
        "{}: one die of yield {} costs {} per good package; {best_part}; {even}.",
        n.node,
        percent(mono.die_yield),
        usd(mono.cost_per_good_package_usd)
    )
}

pub fn blocks(ds: &Dataset, a: &PackagingAccount, d: &Designs) -> Blocks {
    let x = &a.design.0.inputs;
    let c = &x.chiplet;
    let nodes: Vec<&str> = a.nodes.iter().map(|n| n.node.as_str()).collect();
    let mut s = Blocks::default();
    s.heading(2, "The packaging account");
    s.para(format!(
        "The source commentary names advanced packaging a second track. Where a DUV-only process \
         yields fewer good large dies, can splitting a die into chiplets win the yield back? The compute silicon of \
         {} ({} mm², about a reticle field) as {} chiplets: each chiplet carries a die-to-die interface \
         of {} of its area, a known-good-die test of {}, bonding at {} yield per chiplet and {}, and the \
         package costs {} per mm² of silicon. On {}: the first is the DUV-only process, the second its EUV \
         counterpart, any others are context (same area, so not the same design; the port below is \
         the same design). Per good package counts the compute silicon at the foundry's cost (the nodes \
         carry different margins, SMIC's and TSMC's, and the question is what making the chips takes), its \
         test, bonding and package; HBM, interposer and final assembly, the same for every split, are \
         left out.",
        a.die,
        sig3(a.area_mm2),
        a.nodes.first().map(|n| n.splits.iter().map(|s| s.chiplets.to_string()).collect::<Vec<_>>().join(", ")).unwrap_or_default(),
        percent(c.d2d_area_fraction),
        usd(x.kgd_test_usd_per_die),
        percent(c.bond_yield_per_die),
        usd(c.bond_usd_per_die),
        usd(c.package_usd_per_mm2),
        nodes.join(", ")
    ));
    s.figure(
        "chiplets",
        format!("Cost per good package by number of chiplets, {}", nodes.join(", ")),
        "Each line is one node: where a line falls as chiplets are added, splitting wins back more yield than \
         the interfaces, tests and bonding cost; where it rises, one die is cheaper.",
        Plot::Lines(Lines {
            title: format!("chiplet split of {} ({:.0} mm² of compute silicon)", a.die, a.area_mm2),
            subtitle: "compute silicon, its test, bonding and package per good package".into(),
            x_desc: "chiplets".into(),
            y_desc: "USD per good package".into(),
            series: a
                .nodes
                .iter()
                .map(|n| {
                    (
                        n.node.clone(),
                        n.splits.iter().map(|s| (f64::from(s.chiplets), s.cost_per_good_package_usd)).collect(),
                    )
                })
                .collect(),
        }),
    );
    for n in &a.nodes {
        s.table(chip_cmd::splits(&n.splits).captioned(format!(
            "The compute silicon of {} split into chiplets on {}: yield and cost per good package",
            a.die, n.node
        )));
    }
    for n in &a.nodes {
        s.item(node_line(n, waferwatt::chip::break_even_span(x)));
    }
    s.claim(super::verdict::claim(ds, &a.verdict_track));

    // The same design on the DUV-only node.
    let (db, dout) = (&d.design.bound, &d.design.out);
    let (pb, pout) = (&d.ported.bound, &d.ported.out);
    let mut t = chip_cmd::table(&d.ported)
        .led(&format!("The same design made on {}: its build cost, item by item", pb.node));
    t.notes.extend(pb.notes.iter().map(|n| format!("note: {n}")));
    s.table(t);
    if let Some(p) = &pb.port {
        let compute = |o: &waferwatt::chip::ChipOutputs| o.usd(waferwatt::chip::Item::ComputeDies);
        s.finding(format!(
            "the same design on {} needs {} mm² of compute silicon instead of {} ({}), {} W instead \
             of {} W at the same speed ({} TFLOP/s per W instead of {}), and costs {} to build instead of {} \
             ({}). The compute dies are {} of the build cost on {}; HBM, packaging and test are most of \
             the rest. The DUV-only node's larger costs are in power and in scanner capacity (the tools \
             account).",
            pb.node,
            sig3(p.area_to_mm2),
            sig3(p.area_from_mm2),
            if p.fits_reticle {
                "it fits the reticle".to_string()
            } else {
                format!("over the reticle, so {} chiplets", p.split_into)
            },
            sig3(p.tdp_to_w),
            sig3(p.tdp_from_w),
            sig3(pout.tflops_per_w),
            sig3(dout.tflops_per_w),
            usd(pout.build_cost_usd),
            usd(dout.build_cost_usd),
            signed(pout.build_cost_usd / dout.build_cost_usd - 1.0),
            percent(compute(pout) / pout.build_cost_usd),
            pb.node,
        ));
    }
    s.item(format!("Its build cost: {}.", super::top_drivers(ds, &a.ported_cost_drivers, usd)));
    s.item(format!(
        "As made ({} on {}): build cost {}{}.",
        db.accelerator,
        db.node,
        usd(dout.build_cost_usd),
        db.published_build_cost_usd.map(|p| format!(", against {} as published", usd(p))).unwrap_or_default()
    ));
    s
}

pub fn json(ds: &Dataset, a: &PackagingAccount, d: &Designs) -> Value {
    let nodes: Vec<Value> = a
        .nodes
        .iter()
        .map(|n| {
            json!({ "node": n.node, "splits": n.splits.iter().map(split_json).collect::<Vec<_>>(),
                "best_chiplets": n.best().map(|s| s.chiplets), "break_even_area_mm2": n.break_even_mm2 })
        })
        .collect();
    let r = a.recovery();
    json!({
        "die": a.die,
        "area_mm2": a.area_mm2,
        "nodes": nodes,
        "monolithic_penalty": r.map(|r| r.penalty),
        "recovered_by_best_split": r.map(|r| r.recovered),
        "design": chip_cmd::to_json(&d.design, false),
        "ported": chip_cmd::to_json(&d.ported, false),
        "chiplet_premium": a.nodes.first().and_then(|n| n.chiplet_premium()),
        "chiplet_premium_drivers": super::drivers_json(ds, &a.chiplet_premium_drivers),
        "chiplet_premium_range": super::range_json(&a.chiplet_premium_drivers),
        "ported_build_cost_drivers": super::drivers_json(ds, &a.ported_cost_drivers),
        "ported_build_cost_range": super::range_json(&a.ported_cost_drivers),
        "claims": { "track": super::verdict::json(ds, &a.verdict_track) },
    })
}
