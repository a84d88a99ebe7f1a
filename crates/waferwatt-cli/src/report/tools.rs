//! The tools account of the report: DUV multi-patterning against EUV, and lithography's share
//! of wafer cost and process time, with the verdicts on the commentary's sayings.

use serde_json::{Value, json};
use waferwatt::accounts::tools::{Pair, ToolsAccount};
use waferwatt::fab::{self, ToolClass};

use waferwatt::data::Dataset;

use super::doc::Blocks;
use crate::Failure;
use crate::chart::Plot;
use crate::render::{percent, sig3, signed, usd};
use crate::wafer_cmd::{Evaluated, table};

/// No figure leaves unless it is finite.
pub fn check(a: &ToolsAccount) -> Result<(), Failure> {
    for p in &a.pairs {
        for (_, d, e) in &p.by_die {
            for w in [d, e] {
                fab::check(&w.out).map_err(|x| Failure::from(x.key(format!("node {}", w.bound.node))))?;
            }
        }
    }
    Ok(())
}

pub fn blocks(ds: &Dataset, a: &ToolsAccount) -> Blocks {
    let mut s = Blocks::default();
    s.heading(2, "The tools account");
    s.para(
        "Without EUV a 7 nm-class process prints its tightest layers two to four times over with DUV \
         immersion (LELE, LE3, SADP, SAQP). What does that cost in exposures, masks, scanner-hours, cycle \
         time, yield and money per good die? China's answer is SMIC's DUV-only N+2 and N+3 (n7-smic, \
         n5-smic: SMIC's yields, margin, fab and scanners); beside them the same technology on a TSMC-class \
         line (n7-duv, n5-duv) and the EUV nodes (n7-euv, n5). Layer stacks are derived from each scheme's \
         pitch limits and checked against published mask counts (`waferwatt data list layer`). A wafer's \
         price leaves out its mask set, billed once per design and spread here over the design's wafers.",
    );
    figures(ds, a, &mut s);
    // One table per EUV node: every DUV-only node compared with it, then the EUV node.
    let mut euv_nodes: Vec<&str> = a.pairs.iter().map(|p| p.euv.as_str()).collect();
    euv_nodes.dedup();
    for euv in euv_nodes {
        let mut results = Vec::new();
        for p in a.pairs.iter().filter(|p| p.euv == euv) {
            if let Some((_, d, _)) = p.by_die.first() {
                results.push(Evaluated { bound: d.bound.clone(), out: d.out });
            }
        }
        if let Some((_, _, e)) = a.pairs.iter().find(|p| p.euv == euv).and_then(|p| p.by_die.first()) {
            results.push(Evaluated { bound: e.bound.clone(), out: e.out });
        }
        s.table(table(&results).led(&format!(
            "What a wafer takes and costs on each DUV-only node beside {euv}: exposures, masks, cost, dies and \
             scanners"
        )));
        for p in a.pairs.iter().filter(|p| p.euv == euv) {
            for (i, (die, d, e)) in p.by_die.iter().enumerate() {
                s.item(format!(
                    "{die} ({} × {} mm) on {} against {}: yield {} against {}; cost per good die {} against {}: \
                     DUV {} {}.",
                    d.bound.inputs.die.width_mm,
                    d.bound.inputs.die.height_mm,
                    p.duv,
                    p.euv,
                    percent(d.out.die_yield),
                    percent(e.out.die_yield),
                    usd(d.out.cost_per_good_die_usd),
                    usd(e.out.cost_per_good_die_usd),
                    percent(p.premium(i).abs()),
                    if p.premium(i) >= 0.0 { "dearer" } else { "cheaper" },
                ));
            }
        }
        for w in a.pairs.iter().filter(|p| p.euv == euv).filter_map(|p| p.by_die.first().map(|x| &x.1)) {
            if let Some(published) = w.bound.published_wafer_price_usd {
                s.item(format!(
                    "{}'s wafer price {} against {} as published ({}).",
                    w.bound.node,
                    usd(w.out.wafer_price_usd),
                    usd(published),
                    signed(w.out.wafer_price_usd / published - 1.0)
                ));
            }
        }
    }
    for v in [&a.verdict_time, &a.verdict_cost, &a.verdict_stand_in] {
        s.claim(super::verdict::claim(ds, v));
    }
    stand_in_context(a, &mut s);
    s
}

/// The account's charts: wafer cost and scanner time, DUV against EUV; a wafer map; what moves
/// the DUV premium.
fn figures(ds: &Dataset, a: &ToolsAccount, s: &mut Blocks) {
    let first: Vec<(&fab::WaferBound, &fab::WaferOutputs)> = a
        .pairs
        .iter()
        .filter_map(|p| p.by_die.first())
        .flat_map(|(_, d, e)| [(&d.bound, &d.out), (&e.bound, &e.out)])
        .collect();
    let die = a.dies.first().map_or("", String::as_str);
    s.figure(
        "wafers",
        format!("Wafer cost and scanner-hours per wafer, DUV-only nodes against EUV ones ({die} die)"),
        "Each DUV-only node beside the EUV node it stands in for, at the foundry's cost before margin: compare \
         the bars of a pair to see where multi-patterning adds scanner time and where a fab's own capital adds \
         cost.",
        Plot::Panels(crate::figures::wafers_of(&first)),
    );
    if let Some((b, o)) = first.first() {
        s.figure(
            "wafer-map",
            format!("A wafer of {die} dies on {}", b.node),
            "Good dies in green, dies lost to defects in red (as many as the yield model expects, placed at \
             random), partial dies at the edge in grey: the larger the die, the fewer whole dies a wafer holds \
             and the larger the share a defect spoils.",
            Plot::Map(crate::map::map(b, o)),
        );
    }
    if let (Some(p), Some(f)) = (a.pairs.first(), a.premium_drivers.first()) {
        s.figure(
            "premium-tornado",
            format!("What moves the DUV premium per good die ({} against {})", p.duv, p.euv),
            "Each bar moves one number from the low to the high of its range in the data, the rest held at their \
             central values; the longest bars are the numbers the premium most depends on.",
            Plot::Tornado(super::tornado(ds, "DUV premium per good die", p.premium(0), &f.swings, true)),
        );
    }
}

/// What standing in takes, pair by pair: masks, steps, cycle time and scanners.
fn stand_in_context(a: &ToolsAccount, s: &mut Blocks) {
    s.item(
        "What standing in takes (SMIC's nodes relax their pitches, so they can take fewer masks and steps \
         than an EUV node of the same name; they pay in density and yield):",
    );
    for p in &a.pairs {
        let Some((_, d, e)) = p.by_die.first() else { continue };
        let arfi = |w: &waferwatt::accounts::tools::Wafer| {
            w.out.class(ToolClass::Arfi).scanners_per_10k_wafers_month
        };
        let euv = e.out.class(ToolClass::Euv).scanners_per_10k_wafers_month;
        s.sub(format!(
            "{} for {}: {} masks against {}, {} process steps against {}, {} days of cycle time against {}, \
             and {} ArFi scanners per 10k wafers a month where {} needs {} ArFi and {} EUV.",
            p.duv,
            p.euv,
            d.out.masks,
            e.out.masks,
            d.out.process_steps,
            e.out.process_steps,
            sig3(d.out.cycle_days),
            sig3(e.out.cycle_days),
            sig3(arfi(d)),
            p.euv,
            sig3(arfi(e)),
            sig3(euv),
        ));
    }
}

fn pair_json(p: &Pair) -> Value {
    let dies: Vec<Value> = p
        .by_die
        .iter()
        .enumerate()
        .map(|(i, (die, d, e))| {
            let side = |w: &waferwatt::accounts::tools::Wafer| {
                json!({ "node": w.bound.node, "masks": w.out.masks, "exposures_total": w.out.exposures,
                    "scanner_hours": w.out.scanner_hours, "process_steps": w.out.process_steps,
                    "cycle_days": w.out.cycle_days, "wafer_cost_usd": w.out.wafer_cost_usd,
                    "wafer_price_usd": w.out.wafer_price_usd, "mask_set_usd": w.out.mask_set_usd,
                    "published_wafer_price_usd": w.bound.published_wafer_price_usd,
                    "litho_cost_share": w.out.litho_cost_share, "litho_time_share": w.out.litho_time_share,
                    "die_yield": w.out.die_yield, "good_dies": w.out.good_dies,
                    "cost_per_good_die_usd": w.out.cost_per_good_die_usd })
            };
            json!({ "die": die, "duv": side(d), "euv": side(e), "duv_premium_per_good_die": p.premium(i) })
        })
        .collect();
    json!({ "duv": p.duv, "euv": p.euv, "dies": dies })
}

pub fn json(ds: &Dataset, a: &ToolsAccount) -> Value {
    let drivers = |f| super::drivers_json(ds, f);
    let premium: Vec<Value> = a
        .premium_drivers
        .iter()
        .map(|f| json!({ "drivers": drivers(f), "range": super::range_json(f) }))
        .collect();
    json!({
        "pairs": a.pairs.iter().map(pair_json).collect::<Vec<_>>(),
        "claims": {
            "time": super::verdict::json(ds, &a.verdict_time),
            "cost": super::verdict::json(ds, &a.verdict_cost),
            "stand_in": super::verdict::json(ds, &a.verdict_stand_in),
        },
        "premium": premium,
        "litho_time_share_drivers": drivers(&a.time_share_drivers),
        "litho_time_share_range": super::range_json(&a.time_share_drivers),
        "litho_cost_share_drivers": drivers(&a.cost_share_drivers),
        "litho_cost_share_range": super::range_json(&a.cost_share_drivers),
    })
}
