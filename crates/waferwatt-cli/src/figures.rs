//! The charts of each command's results, as chart data (`chart.rs` draws them): shared by the
//! commands' `--chart` and the HTML and Markdown report.

use waferwatt::fab::{ToolClass, WaferBound, WaferOutputs};
use waferwatt::fleet::Bottleneck;
use waferwatt::train::Item;

use crate::chart::{Bars, ChainChart, Lines, Panels, Waterfall};
use crate::render::{human, percent, sig3};

/// A ledger item's name short enough for an axis.
fn short(i: Item) -> &'static str {
    match i {
        Item::Accelerators => "accelerators",
        Item::ServersAndNetwork => "servers, network",
        Item::Facility => "facility",
        Item::Electricity => "electricity",
        Item::Maintenance => "maintenance",
    }
}

/// A training run's cost in one region, item by item, as a waterfall.
pub fn waterfall(r: &crate::train_cmd::Evaluated) -> Waterfall {
    let b = &r.bound;
    Waterfall {
        title: format!(
            "training cost by ledger item, {} in {}",
            b.run.as_deref().unwrap_or(&b.accelerator),
            b.region
        ),
        subtitle: format!(
            "{} on {}, {} accelerator-hours; total {}",
            b.run.as_deref().unwrap_or("the run"),
            b.accelerator_name,
            human(r.out.accelerator_hours),
            crate::render::usd(r.out.total_usd)
        ),
        y_desc: "USD".into(),
        start: None,
        end: None,
        items: Item::ALL.iter().map(|i| (short(*i).to_string(), r.out.usd(*i))).collect(),
    }
}

/// The same run across regions: each region's cost, stacked by ledger item.
pub fn regions(results: &[crate::train_cmd::Evaluated]) -> Bars {
    let run =
        results.first().map_or(String::new(), |r| r.bound.run.clone().unwrap_or(r.bound.accelerator.clone()));
    Bars {
        title: format!("the same run ({run}) across regions, by ledger item"),
        y_desc: "USD".into(),
        categories: results.iter().map(|r| r.bound.region.clone()).collect(),
        series: Item::ALL
            .iter()
            .map(|i| (short(*i).to_string(), results.iter().map(|r| r.out.usd(*i)).collect()))
            .collect(),
        stacked: true,
    }
}

/// A training run's chart: its waterfall in one region, or the regions side by side.
pub fn train(results: &[crate::train_cmd::Evaluated], path: &str) -> Result<(), crate::Failure> {
    match results {
        [one] => crate::chart::write(path, &waterfall(one), "--chart"),
        _ => crate::chart::write(path, &regions(results), "--chart"),
    }
}

/// Wafer cost and scanner-hours per wafer, node by node (DUV-only nodes against EUV ones).
pub fn wafers_of(results: &[(&WaferBound, &WaferOutputs)]) -> Panels {
    let label = |(b, _): &(&WaferBound, &WaferOutputs)| {
        let euv = b.inputs.class(ToolClass::Euv).exposures > 0.0
            || b.inputs.class(ToolClass::HighNa).exposures > 0.0;
        format!("{}{}", b.node, if euv { " (EUV)" } else { "" })
    };
    let categories: Vec<String> = results.iter().map(label).collect();
    let panel = |title: &str, y: &str, f: &dyn Fn(&WaferOutputs) -> f64| Bars {
        title: title.into(),
        y_desc: y.into(),
        categories: categories.clone(),
        series: vec![(title.into(), results.iter().map(|(_, o)| f(o)).collect())],
        stacked: false,
    };
    let die = results.first().map_or((0.0, 0.0), |(b, _)| (b.inputs.die.width_mm, b.inputs.die.height_mm));
    Panels {
        title: "wafer cost and scanner time, node by node".into(),
        subtitle: format!(
            "die {} × {} mm; cost is the fab's, before margin; nodes without (EUV) are DUV only",
            die.0, die.1
        ),
        panels: vec![
            panel("cost per wafer", "USD", &|o| o.wafer_cost_usd),
            panel("scanner-hours per wafer", "hours", &|o| o.scanner_hours),
        ],
    }
}

/// The same, from the wafer command's results.
pub fn wafers(results: &[crate::wafer_cmd::Evaluated]) -> Panels {
    wafers_of(&results.iter().map(|r| (&r.bound, &r.out)).collect::<Vec<_>>())
}

/// What the compute silicon costs per good package, split into 1, 2, 4 … chiplets.
pub fn splits(r: &crate::chip_cmd::Evaluated) -> Lines {
    Lines {
        title: format!("chiplet split: {} on {}", r.bound.accelerator_name, r.bound.node),
        subtitle:
            "compute silicon, its test, bonding and package per good package (HBM and assembly left out)"
                .into(),
        x_desc: "chiplets".into(),
        y_desc: "USD per good package".into(),
        series: vec![(
            r.bound.node.clone(),
            r.splits.iter().map(|s| (f64::from(s.chiplets), s.cost_per_good_package_usd)).collect(),
        )],
    }
}

/// From scanners to gigawatts: the capacity ledger's stages, the binding one marked.
pub fn chain(r: &crate::fleet_cmd::Evaluated) -> ChainChart {
    let (b, o) = (&r.bound, &r.out);
    let scanners: f64 = b.inputs.scanners.iter().map(|g| g.count * g.share).sum();
    let binds = match o.bottleneck {
        Bottleneck::Scanners(_) => 0,
        Bottleneck::WaferStarts => 1,
        Bottleneck::Hbm | Bottleneck::Packaging => 3,
    };
    ChainChart {
        title: format!("capacity chain: {} on {}", b.accelerator_name, b.node),
        subtitle: format!(
            "bottleneck: {}; scanner capacity used {}; powered in {}",
            o.bottleneck.name(),
            percent(o.scanner_utilization),
            b.region
        ),
        stages: vec![
            ("scanners given to the node".into(), human(scanners)),
            ("wafer starts a month".into(), human(o.wafer_starts_per_month)),
            ("good compute dies a month".into(), human(o.good_dies_per_month)),
            ("accelerators a year".into(), human(o.accelerators_per_year)),
            ("dense BF16 FLOP/s added a year".into(), sig3(o.bf16_flops_added_per_year)),
            ("GW at the facility".into(), sig3(o.facility_power_gw)),
        ],
        binds: Some(binds),
    }
}
