//! Binding the strategy ledger to the data: the paths and the `[strategy]` numbers, the
//! accelerator on each node through the chip ledger, its year of use in the region through
//! the training ledger, an EUV tool's wafer starts through the capacity ledger, the import
//! rules (`[import.ID]`) and the domestic supplies' ceilings, ramps, capital and lead times.

use super::{EuvLearning, EuvTiming, Import, Node, Path, StrategyInputs, Supply, imported_unit};
use crate::chip::{self, ChipBound, ChipRequest};
use crate::data::{Dataset, key};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fab::{Count, ToolClass};
use crate::fleet::{self, ScannerGroup};
use crate::provenance::{Binder, Binding, Given};
use crate::train::{self, TrainRequest};
use crate::units::{HOURS_PER_YEAR, MONTHS_PER_YEAR};

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
    /// The import rules' ids, in the order of `inputs.imports`.
    pub imports: Vec<String>,
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
    b.bindings.extend(tb.bindings.into_iter().filter(|x| !NOT_USED.contains(&x.name)));

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
    b.bindings.extend(duv_chip.bindings);

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
    // A design made on an EUV node keeps the DUV design's die area and packs the node's density
    // into it: more compute per die and per HBM stack, at the node's power per transistor;
    // made in a domestic fab, at the DUV node's margin.
    let index = |b: &mut Binder, name, node: &str, f: &str| {
        let k = key("node", Some(node), f);
        b.data(name, &k).map_err(|d| d.expected(format!("`{f}` for {node}, to say what its chips gain")))
    };
    let duv_density = index(&mut b, "duv_density_index", &duv_node, "density_index")?;
    let duv_power = index(&mut b, "duv_power_index", &duv_node, "power_index")?;
    let mut euv = Vec::new();
    for node in &euv_nodes {
        let mut c = node_chip(node, &s("euv_nodes"))?;
        let gain = index(&mut b, "euv_density_index", node, "density_index")? / duv_density;
        let power = index(&mut b, "euv_power_index", node, "power_index")? / duv_power;
        let (d, ci) = (&duv.chip, &mut c.inputs);
        ci.compute.area_mm2 = d.compute.area_mm2;
        ci.compute.count = d.compute.count;
        ci.extra_chiplets = d.extra_chiplets;
        ci.bf16_tflops = d.bf16_tflops * gain;
        ci.fp8_tflops = d.fp8_tflops.map(|f| f * gain);
        ci.tdp_w = d.tdp_w * gain * power;
        ci.compute.wafer.gross_margin = d.compute.wafer.gross_margin;
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
        b.bindings.extend(c.bindings);
    }

    // The domestic supplies: in service at the start (the capacity ledger's numbers), their
    // ceilings, ramps, capital and lead times.
    let supply = |b: &mut Binder,
                  start: (&'static str, &str),
                  f: [(&'static str, &str); 4]|
     -> Result<Supply, Diagnostic> {
        Ok(Supply {
            start: b.data(start.0, start.1)?,
            ceiling: b.data(f[0].0, &s(f[0].1))?,
            ramp_rate: b.data(f[1].0, &s(f[1].1))?,
            capex_usd: b.data(f[2].0, &s(f[2].1))?,
            lead_years: b.data(f[3].0, &s(f[3].1))?,
        })
    };
    let wafers = supply(
        &mut b,
        ("duv_wafers_per_month", &s("duv_wafers_per_month")),
        [
            ("duv_wafers_ceiling", "duv_wafers_ceiling"),
            ("duv_ramp_rate", "duv_ramp_rate"),
            ("duv_capex_usd_per_wpm", "duv_capex_usd_per_wpm"),
            ("duv_lead_years", "duv_lead_years"),
        ],
    )?;
    let hbm = supply(
        &mut b,
        ("hbm_domestic_stacks_per_month", "memory.domestic_stacks_per_month"),
        [
            ("hbm_ceiling_stacks_per_month", "hbm_ceiling_stacks_per_month"),
            ("hbm_ramp_rate", "hbm_ramp_rate"),
            ("hbm_capex_usd_per_stack_month", "hbm_capex_usd_per_stack_month"),
            ("hbm_lead_years", "hbm_lead_years"),
        ],
    )?;
    let packaging = supply(
        &mut b,
        ("packaging_wafers_per_month", "fleet.report_interposer_wafers_per_month"),
        [
            ("packaging_ceiling_wafers_per_month", "packaging_ceiling_wafers_per_month"),
            ("packaging_ramp_rate", "packaging_ramp_rate"),
            ("packaging_capex_usd_per_wpm", "packaging_capex_usd_per_wpm"),
            ("packaging_lead_years", "packaging_lead_years"),
        ],
    )?;

    // The import rules: each part at its price with the levy, in the region's year of use.
    let import_ids = ds.list(&s("imports")).map(<[String]>::to_vec).unwrap_or_default();
    let mut imports = Vec::new();
    for id in &import_ids {
        ds.require_id("import", id, &s("imports"))?;
        let ik = |f: &str| key("import", Some(id), f);
        let acc = text(ds, &ik("accelerator"))?;
        ds.require_id("accelerator", &acc, &ik("accelerator"))?;
        let ak = |f: &str| key("accelerator", Some(&acc), f);
        let price = b
            .data("import_price_usd", &ak("price_usd"))
            .map_err(|d| d.expected(format!("a market price for {acc}, the part import.{id} allows")))?;
        let levy = b.data("import_levy", &ik("levy"))?;
        let (tdp, tflops) =
            (b.data("import_tdp_w", &ak("tdp_w"))?, b.data("import_bf16_tflops", &ak("bf16_tflops"))?);
        imports.push(Import {
            unit: imported_unit(&tb.inputs, price * (1.0 + levy), tdp, tflops),
            open_from: b.data("import_open_from", &ik("open_from"))?,
            open_to: b.data("import_open_to", &ik("open_to"))?,
            units_per_year: b.data("import_units_per_year", &ik("units_per_year"))?,
            acceptance: b.data("import_acceptance", &ik("acceptance"))?,
        });
    }

    // The stocks made or bought abroad before the controls, as the capacity ledger draws them:
    // the HBM stock's share for these accelerators over its months, the bank of dies over its.
    let hbm_stock_stacks = b.data("hbm_stock_stacks", "memory.stock_stacks")?
        * b.data("hbm_stock_share", "memory.stock_share")?;
    let hbm_months = b.data("hbm_drawdown_months", "memory.drawdown_months")?;
    let die_bank_dies = b.data("die_bank_dies", "fleet.die_bank_dies")?;
    let bank_months = b.data("die_bank_months", "fleet.die_bank_months")?;
    let inputs = StrategyInputs {
        start_year: start,
        years: (end - start + 1) as usize,
        budget_usd: b.data("budget_usd", &s("budget_usd"))?,
        budget_growth: b.data("budget_growth", &s("budget_growth"))?,
        paths,
        euv_timing: EuvTiming {
            rd_needed_usd: b.data("rd_needed_usd", &s("rd_needed_usd"))?,
            earliest_year: b.data("euv_earliest_year", &s("euv_earliest_year"))?,
            programme_start: b.data("euv_programme_start", &s("euv_programme_start"))?,
            natural_years: b.data("euv_natural_years", &s("euv_natural_years"))?,
            elasticity: b.data("euv_time_cost_elasticity", &s("euv_time_cost_elasticity"))?,
        },
        euv_year,
        duv,
        euv,
        euv_node_lag_years: b.data("euv_node_lag_years", &s("euv_node_lag_years"))?,
        euv_tools_first_year: b.data("euv_tools_first_year", &s("euv_tools_first_year"))?,
        euv_tools_growth: b.data("euv_tools_growth", &s("euv_tools_growth"))?,
        euv_tools_max_per_year: b.data("euv_tools_max_per_year", &s("euv_tools_max_per_year"))?,
        euv_learning: EuvLearning {
            wph_first: b.data("euv_wph_first", &s("euv_wph_first"))?,
            wph_mature: tool.wph,
            wph_rate: b.data("euv_wph_learning_rate", &s("euv_wph_learning_rate"))?,
            availability_first: b.data("euv_availability_first", &s("euv_availability_first"))?,
            availability_mature: tool.availability,
            availability_years: b.data("euv_availability_years", &s("euv_availability_years"))?,
        },
        supplies: [wafers, hbm, packaging],
        hbm_stock_stacks,
        hbm_stock_per_year: hbm_stock_stacks / hbm_months * MONTHS_PER_YEAR,
        die_bank_dies,
        die_bank_per_year: die_bank_dies / bank_months * MONTHS_PER_YEAR,
        imports,
        d0_learning_years: b.data("d0_learning_years", &s("d0_learning_years"))?,
        accelerator_markup: b.data("accelerator_markup", &s("accelerator_markup"))?,
        tariff_trend: b.data("tariff_trend", &s("tariff_trend"))?,
        lead_margin: b.data("lead_margin", &s("lead_margin"))?,
        year_of_use: tb.inputs,
        run_days: b.data("run_days", "fleet.run_days")?,
    };
    let notes = vec![
        "each year the money goes first to the electricity and upkeep of what is installed (what it cannot pay \
         for stands idle), then to accelerators, the cheapest compute a year first, then to capacity; what is \
         left is carried to the next year at the cost of capital"
            .into(),
        format!(
            "{duv_node} wafer starts, domestic HBM and packaging grow only as capacity is bought, each no faster \
             than a logistic ramp to its ceiling allows and in balance with the others: the DUV scanners and other \
             tools behind them are export-controlled, so money alone does not raise the ceilings"
        ),
        "domestic accelerators are priced at the chip ledger's build cost × (1 + strategy.accelerator_markup), \
         dies counted analytically; a design on an EUV node keeps its die area and gains compute by the nodes' \
         density, at their power per transistor, priced at the DUV node's foundry margin"
            .into(),
        "imported accelerators come with their own HBM; each rule gives a volume a year while it is open, at the \
         price with its levy, as much as is let in (`waferwatt data list import`)"
            .into(),
        "EUV masks and pellicles are priced as the fab ledger prices an EUV node's masks; EUV resist has no \
         published price and is in the node's cost per step"
            .into(),
    ];
    Ok(StrategyBound {
        paths: names,
        accelerator,
        accelerator_name: tb.accelerator_name.clone(),
        region,
        duv_node,
        euv_nodes,
        imports: import_ids,
        euv_scanner: scanner,
        inputs,
        bindings: b.bindings,
        notes,
    })
}
