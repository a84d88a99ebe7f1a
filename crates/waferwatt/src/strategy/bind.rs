//! Binding the strategy ledger to the data: the paths and the `[strategy]` numbers, the
//! accelerator on each node through the chip ledger, its year of use in the region through
//! the training ledger, an EUV tool's wafer starts through the capacity ledger, the import
//! rules (`[import.ID]`) and the domestic supplies' ceilings, ramps, capital and lead times.

use super::{EuvLearning, EuvTiming, Import, Node, Path, StrategyInputs, Supply, imported_unit};
use crate::chip::{self, ChipInputs, ChipPlan, ChipRequest};
use crate::data::{Dataset, key};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fab::{Count, ToolClass};
use crate::fleet::{self, ScannerGroup};
use crate::plan::{Num, Planner, Refused, Slots};
use crate::provenance::{Binding, Given};
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
    /// The plan the inputs were derived from (at the central values of its slots).
    pub plan: StrategyPlan,
}

/// Binds a request to the data.
pub fn bind(ds: &Dataset, req: &StrategyRequest) -> Result<StrategyBound, Diagnostics> {
    plan(ds, req, &mut Slots::default())
}

/// Plans a request on the data, its numbers read through `slots`: the bound strategy, with its
/// plan and its inputs at the central values.
pub fn plan(ds: &Dataset, req: &StrategyRequest, slots: &mut Slots) -> Result<StrategyBound, Diagnostics> {
    plan_strategy(ds, req, slots).map_err(Diagnostics::from)
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

/// A domestic supply, planned.
#[derive(Clone, Copy, Debug, PartialEq)]
struct SupplyPlan {
    start: Num,
    ceiling: Num,
    ramp_rate: Num,
    capex_usd: Num,
    lead_years: Num,
}

impl SupplyPlan {
    fn derive(&self, v: &[f64]) -> Supply {
        Supply {
            start: self.start.get(v),
            ceiling: self.ceiling.get(v),
            ramp_rate: self.ramp_rate.get(v),
            capex_usd: self.capex_usd.get(v),
            lead_years: self.lead_years.get(v),
        }
    }
}

/// An import rule, planned.
#[derive(Clone, Copy, Debug, PartialEq)]
struct ImportPlan {
    price_usd: Num,
    levy: Num,
    tdp_w: Num,
    bf16_tflops: Num,
    open_from: Num,
    open_to: Num,
    units_per_year: Num,
    acceptance: Num,
}

/// An EUV node, planned: its chip and the indices that say what a design gains on it.
#[derive(Clone, Debug, PartialEq)]
struct EuvNodePlan {
    node: String,
    chip: ChipPlan,
    density_index: Num,
    power_index: Num,
}

/// The strategy ledger, planned: [`StrategyPlan::derive`] gives its [`StrategyInputs`] for any
/// values of the numbers it reads. Its horizon (the start and end years, which size every
/// path's years) is structural.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyPlan {
    start_year: i32,
    years: usize,
    euv_year: Option<i32>,
    paths: Vec<(Num, Option<Num>)>,
    year_of_use: train::TrainPlan,
    duv: ChipPlan,
    duv_node: String,
    duv_d0_floor: Option<Num>,
    tool_wph: Num,
    tool_effective_fraction: Num,
    tool_availability: Num,
    d0_new_node: Num,
    duv_density_index: Num,
    duv_power_index: Num,
    euv: Vec<EuvNodePlan>,
    supplies: [SupplyPlan; 3],
    imports: Vec<ImportPlan>,
    hbm_stock_stacks: Num,
    hbm_stock_share: Num,
    hbm_drawdown_months: Num,
    die_bank_dies: Num,
    die_bank_months: Num,
    budget_usd: Num,
    budget_growth: Num,
    rd_needed_usd: Num,
    euv_earliest_year: Num,
    euv_programme_start: Num,
    euv_natural_years: Num,
    euv_time_cost_elasticity: Num,
    euv_node_lag_years: Num,
    euv_tools_first_year: Num,
    euv_tools_growth: Num,
    euv_tools_max_per_year: Num,
    euv_wph_first: Num,
    euv_wph_learning_rate: Num,
    euv_availability_first: Num,
    euv_availability_years: Num,
    d0_learning_years: Num,
    accelerator_markup: Num,
    tariff_trend: Num,
    lead_margin: Num,
    run_days: Num,
}

/// A node's defect density as its chip is made: the override if given, else the base and the
/// schemes' adders.
fn floor(c: &ChipInputs) -> f64 {
    let w = &c.compute.wafer;
    w.d0_override_per_cm2.unwrap_or(w.d0_base_per_cm2 + w.d0_adder_per_cm2)
}

impl StrategyPlan {
    /// The ledger's inputs at values `v`, or why they are refused.
    pub fn derive(&self, v: &[f64]) -> Result<StrategyInputs, Refused> {
        let (year_of_use, _) = self.year_of_use.derive(v)?;
        let duv_chip = self.duv.derive(v)?;
        let w = &duv_chip.compute.wafer;
        if w.class(ToolClass::Euv).exposures > 0.0 || w.class(ToolClass::HighNa).exposures > 0.0 {
            return Err(Refused::new(
                format!("{} prints layers with EUV", self.duv_node),
                Some("strategy.duv_node"),
                "a node made without EUV (e.g. n7-duv), the one a path has before EUV arrives",
            ));
        }
        // The DUV node starts at its defect density of the data's year and learns towards its
        // floor (`node.ID.d0_floor_per_cm2`, with the same scheme adders), if it gives one.
        let d0_now = floor(&duv_chip);
        let d0_floor = match self.duv_d0_floor {
            Some(f) => (f.get(v) + w.d0_adder_per_cm2).min(d0_now),
            None => d0_now,
        };
        let duv = Node { chip: duv_chip, d0_start: d0_now, d0_floor, wafers_per_month_per_tool: 0.0 };
        let tool = ScannerGroup {
            class: ToolClass::Euv,
            count: 1.0,
            share: 1.0,
            wph: self.tool_wph.get(v),
            effective_fraction: self.tool_effective_fraction.get(v),
            availability: self.tool_availability.get(v),
            overlay_nm: None,
        };
        let (duv_density, duv_power) = (self.duv_density_index.get(v), self.duv_power_index.get(v));
        let d0_new_node = self.d0_new_node.get(v);
        let mut euv = Vec::with_capacity(self.euv.len());
        for n in &self.euv {
            // A design made on an EUV node keeps the DUV design's die area and packs the node's
            // density into it: more compute per die and per HBM stack, at the node's power per
            // transistor; made in a domestic fab, at the DUV node's margin.
            let mut ci = n.chip.derive(v)?;
            let gain = n.density_index.get(v) / duv_density;
            let power = n.power_index.get(v) / duv_power;
            let d = &duv.chip;
            ci.compute.area_mm2 = d.compute.area_mm2;
            ci.compute.count = d.compute.count;
            ci.extra_chiplets = d.extra_chiplets;
            ci.bf16_tflops = d.bf16_tflops * gain;
            ci.fp8_tflops = d.fp8_tflops.map(|f| f * gain);
            ci.tdp_w = d.tdp_w * gain * power;
            ci.compute.wafer.gross_margin = d.compute.wafer.gross_margin;
            let per_tool = fleet::group_capacity(&ci.compute.wafer, &tool).ok_or_else(|| {
                Refused::new(
                    format!("{} prints no layer with EUV", n.node),
                    Some("strategy.euv_nodes"),
                    "nodes that EUV opens (e.g. n7-euv, n5)",
                )
            })?;
            let f = floor(&ci);
            euv.push(Node {
                chip: ci,
                d0_start: d0_new_node.max(f),
                d0_floor: f,
                wafers_per_month_per_tool: per_tool,
            });
        }
        let imports = self
            .imports
            .iter()
            .map(|i| Import {
                unit: imported_unit(
                    &year_of_use,
                    i.price_usd.get(v) * (1.0 + i.levy.get(v)),
                    i.tdp_w.get(v),
                    i.bf16_tflops.get(v),
                ),
                open_from: i.open_from.get(v),
                open_to: i.open_to.get(v),
                units_per_year: i.units_per_year.get(v),
                acceptance: i.acceptance.get(v),
            })
            .collect();
        // The stocks made or bought abroad before the controls, as the capacity ledger draws
        // them: the HBM stock's share for these accelerators over its months, the bank of dies
        // over its.
        let hbm_stock_stacks = self.hbm_stock_stacks.get(v) * self.hbm_stock_share.get(v);
        let die_bank_dies = self.die_bank_dies.get(v);
        Ok(StrategyInputs {
            start_year: self.start_year,
            years: self.years,
            budget_usd: self.budget_usd.get(v),
            budget_growth: self.budget_growth.get(v),
            paths: self
                .paths
                .iter()
                .map(|(rd, after)| Path {
                    rd_share: rd.get(v),
                    rd_share_after: after.map_or(0.0, |n| n.get(v)),
                })
                .collect(),
            euv_timing: EuvTiming {
                rd_needed_usd: self.rd_needed_usd.get(v),
                earliest_year: self.euv_earliest_year.get(v),
                programme_start: self.euv_programme_start.get(v),
                natural_years: self.euv_natural_years.get(v),
                elasticity: self.euv_time_cost_elasticity.get(v),
            },
            euv_year: self.euv_year,
            duv,
            euv,
            euv_node_lag_years: self.euv_node_lag_years.get(v),
            euv_tools_first_year: self.euv_tools_first_year.get(v),
            euv_tools_growth: self.euv_tools_growth.get(v),
            euv_tools_max_per_year: self.euv_tools_max_per_year.get(v),
            euv_learning: EuvLearning {
                wph_first: self.euv_wph_first.get(v),
                wph_mature: tool.wph,
                wph_rate: self.euv_wph_learning_rate.get(v),
                availability_first: self.euv_availability_first.get(v),
                availability_mature: tool.availability,
                availability_years: self.euv_availability_years.get(v),
            },
            supplies: self.supplies.map(|s| s.derive(v)),
            hbm_stock_stacks,
            hbm_stock_per_year: hbm_stock_stacks / self.hbm_drawdown_months.get(v) * MONTHS_PER_YEAR,
            die_bank_dies,
            die_bank_per_year: die_bank_dies / self.die_bank_months.get(v) * MONTHS_PER_YEAR,
            imports,
            d0_learning_years: self.d0_learning_years.get(v),
            accelerator_markup: self.accelerator_markup.get(v),
            tariff_trend: self.tariff_trend.get(v),
            lead_margin: self.lead_margin.get(v),
            year_of_use,
            run_days: self.run_days.get(v),
        })
    }
}

fn plan_strategy(
    ds: &Dataset,
    req: &StrategyRequest,
    slots: &mut Slots,
) -> Result<StrategyBound, Diagnostic> {
    let mut p = Planner::new(ds, slots);
    let s = |f: &str| key("strategy", None, f);

    // The horizon: the data's numbers describe its start year, so a horizon starts there. It
    // sizes every path's years, so it is structural: read once, never sampled.
    let data_start = whole_year(p.structural("start_year", &s("start_year"))?, &s("start_year"))?;
    let data_end = whole_year(p.structural("end_year", &s("end_year"))?, &s("end_year"))?;
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
        let rd_share = p.num("rd_share", &key("path", Some(id), "rd_share"))?;
        let rd_share_after = p.num_opt("rd_share_after", &key("path", Some(id), "rd_share_after"));
        paths.push((rd_share, rd_share_after));
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
    let tb = train::plan(
        ds,
        &TrainRequest {
            accelerator: Some(Given::data(accelerator.clone(), &s("accelerator"))),
            regions: Some(Given::data(vec![region.clone()], &s("region"))),
            accelerator_hours: Some(Given::data(HOURS_PER_YEAR, "strategy")),
            ..Default::default()
        },
        p.slots,
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
    p.b.bindings.extend(tb.bindings.into_iter().filter(|x| !NOT_USED.contains(&x.name)));

    // The nodes: the accelerator's compute dies on each, counted analytically (the exact count
    // costs more than the rest of a year's accounts and moves them by well under a die).
    let node_chip = |node: &str, k: &str, slots: &mut Slots| -> Result<chip::ChipBound, Diagnostic> {
        ds.require_id("node", node, k)?;
        let mut c = chip::plan(
            ds,
            &ChipRequest {
                accelerator: Some(Given::data(accelerator.clone(), &s("accelerator"))),
                node: Some(Given::data(node.to_string(), k)),
                chiplets: None,
                count: None,
                method: None,
            },
            slots,
        )
        .map_err(first)?;
        c.plan.set_compute_count(Count::Analytic);
        Ok(c)
    };
    let duv_node = text(ds, &s("duv_node"))?;
    let duv_chip = node_chip(&duv_node, &s("duv_node"), p.slots)?;
    let floor_key = key("node", Some(&duv_node), "d0_floor_per_cm2");
    let duv_d0_floor = p.num_opt("duv_d0_floor_per_cm2", &floor_key);
    p.b.bindings.extend(duv_chip.bindings);

    // An EUV tool's wafer starts a month on each EUV node, as the capacity ledger counts them.
    let scanner = text(ds, &s("euv_scanner"))?;
    let sk = |f: &str| key("scanner", Some(&scanner), f);
    if ds.text(&sk("class")) != Some("euv") {
        return Err(Diagnostic::new(format!("scanner `{scanner}` is not an EUV scanner"))
            .key(s("euv_scanner"))
            .expected("an EUV scanner (class \"euv\"), e.g. nxe3400c"));
    }
    let tool_wph = p.num("euv_tool_wph", &sk("wph"))?;
    let tool_effective_fraction = p.num("euv_tool_effective_fraction", &sk("effective_fraction"))?;
    let tool_availability = p.num("euv_tool_availability", &sk("availability"))?;
    let euv_nodes: Vec<String> = ds.list(&s("euv_nodes")).map(<[String]>::to_vec).unwrap_or_default();
    if euv_nodes.is_empty() {
        return Err(Diagnostic::new("no EUV nodes")
            .key(s("euv_nodes"))
            .expected("node ids, e.g. [\"n7-euv\", \"n5\"]"));
    }
    let d0_new_node = p.num("d0_new_node", &s("d0_new_node"))?;
    let index = |p: &mut Planner, name, node: &str, f: &str| {
        let k = key("node", Some(node), f);
        p.num(name, &k).map_err(|d| d.expected(format!("`{f}` for {node}, to say what its chips gain")))
    };
    let duv_density_index = index(&mut p, "duv_density_index", &duv_node, "density_index")?;
    let duv_power_index = index(&mut p, "duv_power_index", &duv_node, "power_index")?;
    let mut euv = Vec::new();
    for node in &euv_nodes {
        let c = node_chip(node, &s("euv_nodes"), p.slots)?;
        let density_index = index(&mut p, "euv_density_index", node, "density_index")?;
        let power_index = index(&mut p, "euv_power_index", node, "power_index")?;
        euv.push(EuvNodePlan { node: node.clone(), chip: c.plan, density_index, power_index });
        p.b.bindings.extend(c.bindings);
    }

    // The domestic supplies: in service at the start (the capacity ledger's numbers), their
    // ceilings, ramps, capital and lead times.
    let supply = |p: &mut Planner,
                  start: (&'static str, &str),
                  f: [(&'static str, &str); 4]|
     -> Result<SupplyPlan, Diagnostic> {
        Ok(SupplyPlan {
            start: p.num(start.0, start.1)?,
            ceiling: p.num(f[0].0, &s(f[0].1))?,
            ramp_rate: p.num(f[1].0, &s(f[1].1))?,
            capex_usd: p.num(f[2].0, &s(f[2].1))?,
            lead_years: p.num(f[3].0, &s(f[3].1))?,
        })
    };
    let wafers = supply(
        &mut p,
        ("duv_wafers_per_month", &s("duv_wafers_per_month")),
        [
            ("duv_wafers_ceiling", "duv_wafers_ceiling"),
            ("duv_ramp_rate", "duv_ramp_rate"),
            ("duv_capex_usd_per_wpm", "duv_capex_usd_per_wpm"),
            ("duv_lead_years", "duv_lead_years"),
        ],
    )?;
    let hbm = supply(
        &mut p,
        ("hbm_domestic_stacks_per_month", "memory.domestic_stacks_per_month"),
        [
            ("hbm_ceiling_stacks_per_month", "hbm_ceiling_stacks_per_month"),
            ("hbm_ramp_rate", "hbm_ramp_rate"),
            ("hbm_capex_usd_per_stack_month", "hbm_capex_usd_per_stack_month"),
            ("hbm_lead_years", "hbm_lead_years"),
        ],
    )?;
    let packaging = supply(
        &mut p,
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
        let price_usd = p
            .num("import_price_usd", &ak("price_usd"))
            .map_err(|d| d.expected(format!("a market price for {acc}, the part import.{id} allows")))?;
        imports.push(ImportPlan {
            price_usd,
            levy: p.num("import_levy", &ik("levy"))?,
            tdp_w: p.num("import_tdp_w", &ak("tdp_w"))?,
            bf16_tflops: p.num("import_bf16_tflops", &ak("bf16_tflops"))?,
            open_from: p.num("import_open_from", &ik("open_from"))?,
            open_to: p.num("import_open_to", &ik("open_to"))?,
            units_per_year: p.num("import_units_per_year", &ik("units_per_year"))?,
            acceptance: p.num("import_acceptance", &ik("acceptance"))?,
        });
    }

    let plan = StrategyPlan {
        start_year: start,
        years: (end - start + 1) as usize,
        euv_year,
        paths,
        year_of_use: tb.plan,
        duv: duv_chip.plan,
        duv_node: duv_node.clone(),
        duv_d0_floor,
        tool_wph,
        tool_effective_fraction,
        tool_availability,
        d0_new_node,
        duv_density_index,
        duv_power_index,
        euv,
        supplies: [wafers, hbm, packaging],
        imports,
        hbm_stock_stacks: p.num("hbm_stock_stacks", "memory.stock_stacks")?,
        hbm_stock_share: p.num("hbm_stock_share", "memory.stock_share")?,
        hbm_drawdown_months: p.num("hbm_drawdown_months", "memory.drawdown_months")?,
        die_bank_dies: p.num("die_bank_dies", "fleet.die_bank_dies")?,
        die_bank_months: p.num("die_bank_months", "fleet.die_bank_months")?,
        budget_usd: p.num("budget_usd", &s("budget_usd"))?,
        budget_growth: p.num("budget_growth", &s("budget_growth"))?,
        rd_needed_usd: p.num("rd_needed_usd", &s("rd_needed_usd"))?,
        euv_earliest_year: p.num("euv_earliest_year", &s("euv_earliest_year"))?,
        euv_programme_start: p.num("euv_programme_start", &s("euv_programme_start"))?,
        euv_natural_years: p.num("euv_natural_years", &s("euv_natural_years"))?,
        euv_time_cost_elasticity: p.num("euv_time_cost_elasticity", &s("euv_time_cost_elasticity"))?,
        euv_node_lag_years: p.num("euv_node_lag_years", &s("euv_node_lag_years"))?,
        euv_tools_first_year: p.num("euv_tools_first_year", &s("euv_tools_first_year"))?,
        euv_tools_growth: p.num("euv_tools_growth", &s("euv_tools_growth"))?,
        euv_tools_max_per_year: p.num("euv_tools_max_per_year", &s("euv_tools_max_per_year"))?,
        euv_wph_first: p.num("euv_wph_first", &s("euv_wph_first"))?,
        euv_wph_learning_rate: p.num("euv_wph_learning_rate", &s("euv_wph_learning_rate"))?,
        euv_availability_first: p.num("euv_availability_first", &s("euv_availability_first"))?,
        euv_availability_years: p.num("euv_availability_years", &s("euv_availability_years"))?,
        d0_learning_years: p.num("d0_learning_years", &s("d0_learning_years"))?,
        accelerator_markup: p.num("accelerator_markup", &s("accelerator_markup"))?,
        tariff_trend: p.num("tariff_trend", &s("tariff_trend"))?,
        lead_margin: p.num("lead_margin", &s("lead_margin"))?,
        run_days: p.num("run_days", "fleet.run_days")?,
    };
    let inputs = plan.derive(&p.slots.central).map_err(Diagnostic::from)?;
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
        "domestic accelerators are priced at the chip ledger's build cost × (1 + its markup, `strategy.accelerator_markup`), \
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
        bindings: p.bindings(),
        notes,
        plan,
    })
}
