//! Binding the strategy ledger to the data: the paths and the `[strategy]` numbers, the
//! accelerator on each node through the chip ledger, its year of use in the region through
//! the training ledger, and an EUV tool's wafer starts through the capacity ledger.

use super::{Node, Path, StrategyInputs};
use crate::chip::{self, ChipBound, ChipRequest};
use crate::data::{Dataset, key};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fab::{Count, ToolClass};
use crate::fleet::{self, ScannerGroup};
use crate::provenance::{Binder, Binding, Given};
use crate::train::{self, TrainRequest};
use crate::units::HOURS_PER_YEAR;

/// The longest horizon simulated, in years (a bound on work, not a modelling choice).
pub const MAX_YEARS: i32 = 200;

/// The strategy as asked for; what is left out comes from the data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StrategyRequest {
    /// Path ids, the baseline first.
    pub paths: Option<Given<Vec<String>>>,
    /// First and last year.
    pub horizon: Option<Given<(i32, i32)>>,
    /// A year EUV is forced to arrive in, for every path that pursues it.
    pub euv_year: Option<Given<i32>>,
}

/// A request bound to the data.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyBound {
    /// Path ids and names, in order.
    pub paths: Vec<(String, String)>,
    pub accelerator: String,
    pub accelerator_name: String,
    pub region: String,
    pub duv_node: String,
    pub euv_nodes: Vec<String>,
    pub euv_scanner: String,
    pub inputs: StrategyInputs,
    pub bindings: Vec<Binding>,
    pub notes: Vec<String>,
}

/// Binds a request to the data.
pub fn bind(ds: &Dataset, req: &StrategyRequest) -> Result<StrategyBound, Diagnostics> {
    bind_strategy(ds, req).map_err(Diagnostics::from)
}

fn text(ds: &Dataset, k: &str) -> Result<String, Diagnostic> {
    ds.text(k).map(str::to_string).ok_or_else(|| Diagnostic::new(format!("the data has no `{k}`")).key(k))
}

fn whole_year(v: f64, k: &str) -> Result<i32, Diagnostic> {
    if v.fract() == 0.0 && (1.0..=9999.0).contains(&v) {
        Ok(v as i32)
    } else {
        Err(Diagnostic::new(format!("{v} is not a year")).key(k).expected("a whole year, e.g. 2025"))
    }
}

fn first(d: Diagnostics) -> Diagnostic {
    d.0.into_iter().next().unwrap_or_else(|| Diagnostic::new("the strategy did not bind"))
}

fn bind_strategy(ds: &Dataset, req: &StrategyRequest) -> Result<StrategyBound, Diagnostic> {
    let mut b = Binder::new(ds);
    let s = |f: &str| key("strategy", None, f);

    // The horizon: the data's numbers describe its start year, so a horizon starts there.
    let data_start = whole_year(b.data("start_year", &s("start_year"))?, &s("start_year"))?;
    let data_end = whole_year(b.data("end_year", &s("end_year"))?, &s("end_year"))?;
    let span_ok = |a: i32, z: i32| a <= z && i64::from(z) - i64::from(a) < i64::from(MAX_YEARS);
    let (start, end) = match &req.horizon {
        Some(g) => {
            let (a, z) = g.value;
            let wrong = |what: String, expected: String| {
                Diagnostic::new(what).at(g.at()).key(g.name("horizon")).expected(expected)
            };
            if a != data_start {
                return Err(wrong(
                    format!("the horizon starts in {a}, but the strategy's numbers describe {data_start}"),
                    format!(
                        "{data_start}:LAST (to start elsewhere, set strategy.start_year and the numbers that describe \
                         that year)"
                    ),
                ));
            }
            if !span_ok(a, z) {
                return Err(wrong(
                    format!("{a}:{z} is not a horizon"),
                    format!("FIRST:LAST with FIRST no later than LAST, at most {MAX_YEARS} years"),
                ));
            }
            (a, z)
        }
        None => {
            if !span_ok(data_start, data_end) {
                return Err(Diagnostic::new(format!(
                    "the data's horizon {data_start}:{data_end} is not a horizon"
                ))
                .key(s("end_year"))
                .expected(format!(
                    "an end year no earlier than the start year, at most {MAX_YEARS} years on"
                )));
            }
            (data_start, data_end)
        }
    };

    // The paths.
    let ids = match &req.paths {
        Some(g) => g.clone(),
        None => Given::data(ds.list(&s("paths")).map(<[String]>::to_vec).unwrap_or_default(), &s("paths")),
    };
    if ids.value.is_empty() {
        return Err(Diagnostic::new("no paths to compare")
            .at(ids.at())
            .key(ids.name("paths"))
            .expected(format!("path ids, e.g. {}", ds.ids_of("path").join(","))));
    }
    let mut paths = Vec::new();
    let mut names = Vec::new();
    for id in &ids.value {
        ds.require_id("path", id, &ids.name("paths")).map_err(|d| d.at(ids.at()))?;
        if names.iter().any(|(i, _): &(String, String)| i == id) {
            return Err(Diagnostic::new(format!("path `{id}` is named twice"))
                .at(ids.at())
                .key(ids.name("paths"))
                .expected("each path once"));
        }
        let rd_share = b.data("rd_share", &key("path", Some(id), "rd_share"))?;
        let rd_share_after =
            b.data_opt("rd_share_after", &key("path", Some(id), "rd_share_after")).unwrap_or(0.0);
        paths.push(Path { rd_share, rd_share_after });
        names.push((id.clone(), ds.text(&key("path", Some(id), "name")).unwrap_or(id).to_string()));
    }

    let euv_year = match &req.euv_year {
        Some(g) if !(start..=end).contains(&g.value) => {
            return Err(Diagnostic::new(format!("{} is outside the horizon {start}:{end}", g.value))
                .at(g.at())
                .key(g.name("euv_year"))
                .expected("a year within the horizon"));
        }
        Some(g) => Some(g.value),
        None => None,
    };

    // The accelerator's year of use in the region, as the training ledger binds it.
    let accelerator = text(ds, &s("accelerator"))?;
    let region = text(ds, &s("region"))?;
    let tb = train::bind(
        ds,
        &TrainRequest {
            accelerator: Some(Given::data(accelerator.clone(), &s("accelerator"))),
            regions: Some(Given::data(vec![region.clone()], &s("region"))),
            accelerator_hours: Some(Given::data(HOURS_PER_YEAR, "strategy")),
            ..Default::default()
        },
    )
    .map_err(first)?
    .remove(0);
    // The price, power and peak come from the chip ledger on each node instead.
    const NOT_USED: &[&str] = &[
        "accelerator_hours",
        "accelerator_price_usd",
        "accelerators",
        "rental_usd_per_hour",
        "peak_tflops",
        "tdp_w",
    ];
    b.bindings.extend(tb.bindings.iter().filter(|x| !NOT_USED.contains(&x.name)).cloned());

    // The nodes: the accelerator's compute dies on each, counted analytically (the exact count
    // costs more than the rest of a year's accounts and moves them by well under a die).
    let node_chip = |node: &str, k: &str| -> Result<ChipBound, Diagnostic> {
        ds.require_id("node", node, k)?;
        let mut c = chip::bind(
            ds,
            &ChipRequest {
                accelerator: Some(Given::data(accelerator.clone(), &s("accelerator"))),
                node: Some(Given::data(node.to_string(), k)),
                chiplets: None,
            },
        )
        .map_err(first)?;
        c.inputs.compute.wafer.count = Count::Analytic;
        Ok(c)
    };
    let floor = |c: &ChipBound| {
        let w = &c.inputs.compute.wafer;
        w.d0_override_per_cm2.unwrap_or(w.d0_base_per_cm2 + w.d0_adder_per_cm2)
    };
    let duv_node = text(ds, &s("duv_node"))?;
    let duv_chip = node_chip(&duv_node, &s("duv_node"))?;
    if duv_chip.inputs.compute.wafer.class(ToolClass::Euv).exposures > 0.0
        || duv_chip.inputs.compute.wafer.class(ToolClass::HighNa).exposures > 0.0
    {
        return Err(Diagnostic::new(format!("{duv_node} prints layers with EUV"))
            .key(s("duv_node"))
            .expected("a node made without EUV (e.g. n7-duv), the one a path has before EUV arrives"));
    }
    // The DUV node starts at its defect density of the data's year and learns towards its
    // floor (`node.ID.d0_floor_per_cm2`, with the same scheme adders), if it gives one.
    let d0_now = floor(&duv_chip);
    let floor_key = key("node", Some(&duv_node), "d0_floor_per_cm2");
    let d0_floor = match b.data_opt("duv_d0_floor_per_cm2", &floor_key) {
        Some(f) => (f + duv_chip.inputs.compute.wafer.d0_adder_per_cm2).min(d0_now),
        None => d0_now,
    };
    let duv = Node { chip: duv_chip.inputs, d0_start: d0_now, d0_floor, wafers_per_month_per_tool: 0.0 };
    b.bindings.extend(duv_chip.bindings.iter().cloned());

    // An EUV tool's wafer starts a month on each EUV node, as the capacity ledger counts them.
    let scanner = text(ds, &s("euv_scanner"))?;
    let sk = |f: &str| key("scanner", Some(&scanner), f);
    if ds.text(&sk("class")) != Some("euv") {
        return Err(Diagnostic::new(format!("scanner `{scanner}` is not an EUV scanner"))
            .key(s("euv_scanner"))
            .expected("an EUV scanner (class \"euv\"), e.g. nxe3400c"));
    }
    let tool = ScannerGroup {
        class: ToolClass::Euv,
        count: 1.0,
        share: 1.0,
        wph: b.data("euv_tool_wph", &sk("wph"))?,
        effective_fraction: b.data("euv_tool_effective_fraction", &sk("effective_fraction"))?,
        availability: b.data("euv_tool_availability", &sk("availability"))?,
        overlay_nm: None,
    };
    let euv_nodes: Vec<String> = ds.list(&s("euv_nodes")).map(<[String]>::to_vec).unwrap_or_default();
    if euv_nodes.is_empty() {
        return Err(Diagnostic::new("no EUV nodes")
            .key(s("euv_nodes"))
            .expected("node ids, e.g. [\"n7-euv\", \"n5\"]"));
    }
    let d0_new_node = b.data("d0_new_node", &s("d0_new_node"))?;
    let mut euv = Vec::new();
    for node in &euv_nodes {
        let c = node_chip(node, &s("euv_nodes"))?;
        let per_tool = fleet::group_capacity(&c.inputs.compute.wafer, &tool).ok_or_else(|| {
            Diagnostic::new(format!("{node} prints no layer with EUV"))
                .key(s("euv_nodes"))
                .expected("nodes that EUV opens (e.g. n7-euv, n5)")
        })?;
        euv.push(Node {
            chip: c.inputs,
            d0_start: d0_new_node.max(floor(&c)),
            d0_floor: floor(&c),
            wafers_per_month_per_tool: per_tool,
        });
        b.bindings.extend(c.bindings.iter().cloned());
    }

    let inputs = StrategyInputs {
        start_year: start,
        years: (end - start + 1) as usize,
        budget_usd: b.data("budget_usd", &s("budget_usd"))?,
        budget_growth: b.data("budget_growth", &s("budget_growth"))?,
        paths,
        rd_needed_usd: b.data("rd_needed_usd", &s("rd_needed_usd"))?,
        euv_earliest_year: b.data("euv_earliest_year", &s("euv_earliest_year"))?,
        euv_year,
        duv,
        euv,
        euv_node_lag_years: b.data("euv_node_lag_years", &s("euv_node_lag_years"))?,
        euv_tools_first_year: b.data("euv_tools_first_year", &s("euv_tools_first_year"))?,
        euv_tools_growth: b.data("euv_tools_growth", &s("euv_tools_growth"))?,
        euv_tools_max_per_year: b.data("euv_tools_max_per_year", &s("euv_tools_max_per_year"))?,
        duv_wafers_per_month: b.data("duv_wafers_per_month", &s("duv_wafers_per_month"))?,
        duv_wafers_added_per_year: b.data("duv_wafers_added_per_year", &s("duv_wafers_added_per_year"))?,
        hbm_stock_stacks: b.data("hbm_stock_stacks", &s("hbm_stock_stacks"))?,
        hbm_domestic_stacks_per_month: b
            .data("hbm_domestic_stacks_per_month", &s("hbm_domestic_stacks_per_month"))?,
        hbm_growth: b.data("hbm_growth", &s("hbm_growth"))?,
        d0_learning_years: b.data("d0_learning_years", &s("d0_learning_years"))?,
        accelerator_markup: b.data("accelerator_markup", &s("accelerator_markup"))?,
        tariff_trend: b.data("tariff_trend", &s("tariff_trend"))?,
        lead_margin: b.data("lead_margin", &s("lead_margin"))?,
        year_of_use: tb.inputs,
        run_days: b.data("run_days", "fleet.run_days")?,
    };
    let notes = vec![
        "accelerators whose electricity and upkeep the compute share cannot pay stand idle; a facility, paid \
         once, outlives the accelerators in it"
            .into(),
        format!(
            "{duv_node} wafer starts for accelerators grow by a set number a year: the DUV scanners and other \
             tools behind them are export-controlled, so money alone does not add more"
        ),
        "accelerators are priced at the chip ledger's build cost × (1 + strategy.accelerator_markup); dies \
         counted analytically"
            .into(),
        "HBM caps the accelerators (a stock bought before the controls, then a domestic flow); packaging and \
         every fab tool but the EUV scanner are taken as not limiting"
            .into(),
    ];
    Ok(StrategyBound {
        paths: names,
        accelerator,
        accelerator_name: tb.accelerator_name.clone(),
        region,
        duv_node,
        euv_nodes,
        euv_scanner: scanner,
        inputs,
        bindings: b.bindings,
        notes,
    })
}
