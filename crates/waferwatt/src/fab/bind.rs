//! From a request (flags or a scenario's `[wafer]` section) and the data in force — scanners,
//! patterning schemes, masks, process nodes and their layer groups — to the plain
//! [`WaferInputs`] of the ledger, recording where every number came from.

use std::collections::BTreeMap;

use super::{ClassInputs, Count, Die, ToolClass, WaferInputs, YieldModel};
use crate::data::{Dataset, ScenarioInput, key};
use crate::diag::{Diagnostic, Diagnostics, Location, quote_list};
use crate::plan::{Num, Planner, Refused, Slots};
use crate::provenance::{Binding, Given, Rule, read_command_section};

/// What the user asked of `wafer`. Every field is optional; data fills the rest.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WaferRequest {
    pub nodes: Option<Given<Vec<String>>>,
    /// `WxH` in mm, or the id of a die in the data.
    pub die: Option<Given<String>>,
    pub die_area_mm2: Option<Given<f64>>,
    pub scribe_mm: Option<Given<f64>>,
    pub edge_exclusion_mm: Option<Given<f64>>,
    pub wafer_mm: Option<Given<f64>>,
    pub yield_model: Option<Given<String>>,
    pub d0_per_cm2: Option<Given<f64>>,
    pub count: Option<Given<String>>,
    pub negbin_alpha: Option<Given<f64>>,
    pub stitched: Option<Given<bool>>,
    /// A published method as a preset (`method.ID`): its way of counting dies.
    pub method: Option<Given<String>>,
}

/// Accepted keys of a scenario's `[wafer]` section.
pub const WAFER_KEYS: &[&str] = &[
    "node",
    "die",
    "die_area",
    "scribe",
    "edge_exclusion",
    "wafer_mm",
    "yield_model",
    "d0",
    "count",
    "alpha",
    "stitched",
    "method",
];

impl WaferRequest {
    /// Reads a scenario's `[wafer]` section.
    pub fn from_scenario(section: &BTreeMap<String, ScenarioInput>) -> Result<WaferRequest, Diagnostics> {
        let mut req = WaferRequest::default();
        read_command_section("wafer", section, |f| {
            match f.key {
                "node" => req.nodes = Some(f.ids("node id")?),
                "die" => req.die = Some(f.text()?),
                "die_area" => req.die_area_mm2 = Some(f.number()?),
                "scribe" => req.scribe_mm = Some(f.number()?),
                "edge_exclusion" => req.edge_exclusion_mm = Some(f.number()?),
                "wafer_mm" => req.wafer_mm = Some(f.number()?),
                "yield_model" => req.yield_model = Some(f.text()?),
                "d0" => req.d0_per_cm2 = Some(f.number()?),
                "count" => req.count = Some(f.text()?),
                "alpha" => req.negbin_alpha = Some(f.number()?),
                "stitched" => req.stitched = Some(f.flag()?),
                "method" => req.method = Some(f.text()?),
                _ => return Err(f.unknown(WAFER_KEYS)),
            }
            Ok(())
        })?;
        Ok(req)
    }

    /// This request with every field that `over` sets replaced by `over`'s.
    pub fn overlay(self, over: WaferRequest) -> WaferRequest {
        macro_rules! pick {
            ($($f:ident),*) => { WaferRequest { $($f: over.$f.or(self.$f)),* } };
        }
        pick!(
            nodes,
            die,
            die_area_mm2,
            scribe_mm,
            edge_exclusion_mm,
            wafer_mm,
            yield_model,
            d0_per_cm2,
            count,
            negbin_alpha,
            stitched,
            method
        )
    }
}

/// One layer group of a node, as bound.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerGroup {
    pub id: String,
    pub name: String,
    pub scheme: String,
    pub class: ToolClass,
    pub count: f64,
    pub exposures: f64,
    /// Scanner time a wafer's layers of this group take, in exposures at full speed.
    pub exposure_time: f64,
    pub masks: f64,
    /// The overlay its scheme needs, if it needs a tighter one than any scanner of its class
    /// gives: only scanners at or below it can print the group.
    pub overlay_budget_nm: Option<f64>,
}

/// A request bound to the data for one node.
#[derive(Clone, Debug, PartialEq)]
pub struct WaferBound {
    pub node: String,
    pub node_name: String,
    /// How the die was named: `26x31.3`, or a die id with its name.
    pub die_label: String,
    /// The scanner model used for each class, by [`ToolClass`] order.
    pub scanners: [Option<String>; 6],
    pub layers: Vec<LayerGroup>,
    pub stitched: bool,
    /// A published wafer price for the node, for comparison.
    pub published_wafer_price_usd: Option<f64>,
    pub inputs: WaferInputs,
    pub bindings: Vec<Binding>,
    /// Things the user should know about how the request was read.
    pub notes: Vec<String>,
    /// The plan the inputs were derived from (at the central values of its slots).
    pub plan: WaferPlan,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A die size, `WxH` in mm (`26x31.3`, `26×31.3`).
pub fn parse_die(s: &str) -> Option<(f64, f64)> {
    let (w, h) = s.split_once(['x', 'X', '×'])?;
    let (w, h): (f64, f64) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    (w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0).then_some((w, h))
}

fn check_request(req: &WaferRequest) -> Vec<Diagnostic> {
    let rules: [(&str, &Option<Given<f64>>, Rule); 6] = [
        ("die_area", &req.die_area_mm2, Rule::Positive),
        ("scribe", &req.scribe_mm, Rule::Like("fab.scribe_mm")),
        ("edge_exclusion", &req.edge_exclusion_mm, Rule::Like("fab.edge_exclusion_mm")),
        ("wafer_mm", &req.wafer_mm, Rule::Like("fab.wafer_mm")),
        ("d0", &req.d0_per_cm2, Rule::NonNegative),
        ("alpha", &req.negbin_alpha, Rule::Positive),
    ];
    let mut problems: Vec<Diagnostic> =
        rules.into_iter().filter_map(|(field, given, rule)| rule.check(field, given.as_ref())).collect();
    if let (Some(d), Some(a)) = (&req.die, &req.die_area_mm2) {
        problems.push(
            Diagnostic::new(format!("{} conflicts with {}", d.name("die"), a.name("die_area")))
                .at(d.at())
                .expected("either a die (WxH or an id) or a die area"),
        );
    }
    let choice = |g: &Option<Given<String>>, field: &str, names: &[&str]| {
        g.as_ref().filter(|g| !names.contains(&g.value.as_str())).map(|g| {
            Diagnostic::new(format!("`{}` is not an accepted {field}", g.value))
                .at(g.at())
                .key(g.name(field))
                .expected(format!("one of {}", quote_list(names)))
                .suggest(&g.value, names.iter().copied())
        })
    };
    problems.extend(choice(&req.yield_model, "yield_model", YieldModel::NAMES));
    problems.extend(count_of(req.count.as_ref()).err());
    problems
}

/// The way gross dies are counted that a request names (exact where it names none), or a
/// refusal naming the accepted ways.
pub fn count_of(count: Option<&Given<String>>) -> Result<Count, Diagnostic> {
    match count {
        None => Ok(Count::Exact),
        Some(g) => Count::from_name(&g.value).ok_or_else(|| {
            Diagnostic::new(format!("`{}` is not a way to count dies", g.value))
                .at(g.at())
                .key(g.name("count"))
                .expected(format!("one of {}", crate::diag::quote_list(Count::NAMES)))
                .suggest(&g.value, Count::NAMES.iter().copied())
        }),
    }
}

/// How a command counts dies: as the request says, else as its method (`method.ID.count`) says,
/// else exactly. Refuses a method that is not one of `ledger`'s.
pub fn method_count(
    ds: &Dataset,
    method: Option<&Given<String>>,
    ledger: &str,
    count: Option<&Given<String>>,
) -> Result<Option<Given<String>>, Diagnostic> {
    let Some(m) = method else { return Ok(count.cloned()) };
    ds.require_method(&m.value, ledger, &m.name("method")).map_err(|d| d.at(m.at()))?;
    let k = key("method", Some(&m.value), "count");
    Ok(count.cloned().or_else(|| ds.text(&k).map(|c| Given::data(c.to_string(), &k))))
}

/// Binds a request to the data: one [`WaferBound`] per node asked for.
pub fn bind(ds: &Dataset, req: &WaferRequest) -> Result<Vec<WaferBound>, Diagnostics> {
    plan(ds, req, &mut Slots::default())
}

/// Plans a request on the data, its numbers read through `slots` (shared with any ledger that
/// plans beside it): one [`WaferBound`] per node, each with its plan and its inputs at the
/// central values.
pub fn plan(ds: &Dataset, req: &WaferRequest, slots: &mut Slots) -> Result<Vec<WaferBound>, Diagnostics> {
    let count = method_count(ds, req.method.as_ref(), "wafer", req.count.as_ref())?;
    let req = &WaferRequest { count, ..req.clone() };
    let mut problems = check_request(req);
    let (nodes, node_key, node_at): (Vec<String>, String, Option<Location>) = match &req.nodes {
        Some(g) => (g.value.clone(), g.name("node"), g.at()),
        None => match ds.text("defaults.node") {
            Some(n) => (vec![n.to_string()], "defaults.node".into(), None),
            None => (Vec::new(), "defaults.node".into(), None),
        },
    };
    if nodes.is_empty() {
        problems.push(Diagnostic::new("no process node").key(&node_key).expected("one node id or more"));
    }
    for (i, n) in nodes.iter().enumerate() {
        if n.is_empty() {
            problems
                .push(Diagnostic::new("an empty node name in the list").at(node_at.clone()).key(&node_key));
        } else if nodes[..i].contains(n) {
            problems.push(
                Diagnostic::new(format!("node `{n}` is named twice")).at(node_at.clone()).key(&node_key),
            );
        } else if let Err(d) = ds.require_id("node", n, &node_key) {
            problems.push(d.at(node_at.clone()));
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let die = resolve_die(ds, req)?;
    nodes
        .iter()
        .map(|n| bind_node(ds, req, n, &die, slots))
        .collect::<Result<Vec<_>, Diagnostic>>()
        .map_err(Diagnostics::from)
}

/// The die asked for: its size and how to name it.
struct DieChoice {
    width_mm: f64,
    height_mm: f64,
    label: String,
    /// The data keys of its size, when it is a die of the data.
    keys: Option<(String, String)>,
}

/// The die asked for, held to the physical size a die may have (`die.ID.width_mm` and
/// `height_mm` in the schema): the exact count and the map do work in proportion to how many
/// dies a wafer holds.
fn resolve_die(ds: &Dataset, req: &WaferRequest) -> Result<DieChoice, Diagnostic> {
    let d = die_asked(ds, req)?;
    let (lo, hi) = crate::data::schema::limits("die.ID.width_mm").unwrap_or((0.0, f64::INFINITY));
    if ![d.width_mm, d.height_mm].iter().all(|v| (lo..=hi).contains(v)) {
        let (name, at) = match (&req.die_area_mm2, &req.die) {
            (Some(a), _) => (a.name("die_area"), a.at()),
            (_, Some(g)) => (g.name("die"), g.at()),
            _ => ("defaults.die".to_string(), None),
        };
        return Err(Diagnostic::new(format!(
            "a die of {} × {} mm is not one a wafer can hold",
            d.width_mm, d.height_mm
        ))
        .at(at)
        .key(name)
        .expected(format!("a die from {lo} to {hi} mm on each side")));
    }
    Ok(d)
}

fn die_asked(ds: &Dataset, req: &WaferRequest) -> Result<DieChoice, Diagnostic> {
    if let Some(a) = &req.die_area_mm2 {
        // As wide as the reticle allows, no wider than square: a reticle-size die keeps the
        // field's width, as large dies do.
        let rw = ds.param("fab.reticle_width_mm").map_or(f64::INFINITY, |p| p.value);
        let width = a.value.sqrt().min(rw);
        let height = a.value / width;
        return Ok(DieChoice {
            width_mm: width,
            height_mm: height,
            label: format!("{} mm² ({} × {} mm)", a.value, round2(width), round2(height)),
            keys: None,
        });
    }
    let (given, name, at) = match &req.die {
        Some(g) => (g.value.clone(), g.name("die"), g.at()),
        None => {
            let id =
                ds.text("defaults.die").ok_or_else(|| Diagnostic::new("no die given").key("defaults.die"))?;
            (id.to_string(), "defaults.die".to_string(), None)
        }
    };
    if let Some((w, h)) = parse_die(&given) {
        return Ok(DieChoice { width_mm: w, height_mm: h, label: format!("{w} × {h} mm"), keys: None });
    }
    if ds.has_id("die", &given) {
        let (wk, hk) = (key("die", Some(&given), "width_mm"), key("die", Some(&given), "height_mm"));
        let (w, h) = (ds.param(&wk).map(|p| p.value), ds.param(&hk).map(|p| p.value));
        if let (Some(w), Some(h)) = (w, h) {
            let label = ds.text(&key("die", Some(&given), "name")).unwrap_or(&given);
            return Ok(DieChoice {
                width_mm: w,
                height_mm: h,
                label: format!("{given}: {label}, {w} × {h} mm"),
                keys: Some((wk, hk)),
            });
        }
    }
    Err(Diagnostic::new(format!("`{given}` is neither a die size nor a die in the data"))
        .at(at)
        .key(name)
        .expected(format!("WxH in mm (e.g. 26x31.3) or one of the die ids: {}", ds.ids_of("die").join(", ")))
        .suggest(&given, ds.ids_of("die")))
}

/// One layer group as planned: its class and the numbers that make its share of the class's
/// exposures, masks, scanner time, extra steps and defects.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerPlan {
    pub class: ToolClass,
    pub count: Num,
    pub exposures: Num,
    pub masks: Num,
    pub throughput: Num,
    pub extra_steps: Num,
    pub defect_adder: Num,
    pub overlay_budget_nm: Option<Num>,
}

/// The numbers of one scanner class's scanner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassPlan {
    wph: Num,
    effective_fraction: Num,
    availability: Num,
    price_eur: Num,
    life_years: Num,
    power_kw: Num,
    service_fraction_per_year: Num,
    consumables_usd_per_exposure: Num,
    mask_cost_usd: Num,
}

/// The fab ledger for one node, planned: [`WaferPlan::derive`] gives its [`WaferInputs`] for
/// any values of the numbers it reads.
#[derive(Clone, Debug, PartialEq)]
pub struct WaferPlan {
    pub node: String,
    pub layers: Vec<LayerPlan>,
    classes: [Option<ClassPlan>; 6],
    usd_per_eur: Num,
    mask_price_index: Num,
    wafer_mm: Num,
    edge_exclusion_mm: Num,
    scribe_mm: Num,
    negbin_alpha: Num,
    d0_override_per_cm2: Option<Num>,
    die_w: Num,
    die_h: Num,
    /// A die given by its area: shaped to the reticle width at each value of it.
    die_area_mm2: Option<f64>,
    reticle_w: Num,
    reticle_h: Num,
    stitched: bool,
    yield_model: YieldModel,
    /// How gross dies are counted.
    pub count: Count,
    d0_base_per_cm2: Num,
    steps_per_mask: Num,
    cost_per_step_usd: Num,
    substrate_usd: Num,
    overhead_fraction: Num,
    days_per_mask: Num,
    gross_margin: Num,
    wafers_per_mask_set: Num,
    tool_utilization: Num,
    cost_of_capital: Num,
    electricity_usd_per_kwh: Num,
    litho_steps_per_exposure: Num,
    litho_step_time_factor: Num,
    track_usd_per_exposure: Num,
    metrology_usd_per_exposure: Num,
    other_capex_usd_per_wpm: Num,
    capex_life_years: Num,
}

/// Each class's exposures, masks and schemes' extra scanner time, and the node's extra steps
/// and defect adders, summed over `layers` at values `v`.
fn layer_sums(layers: &[LayerPlan], v: &[f64]) -> ([(f64, f64, f64); 6], f64, f64) {
    let (mut extra_steps, mut d0_adder) = (0.0, 0.0);
    let mut per_class = [(0.0, 0.0, 0.0); 6];
    for l in layers {
        let count = l.count.get(v);
        let exposures = l.exposures.get(v);
        extra_steps += count * l.extra_steps.get(v);
        d0_adder += count * l.defect_adder.get(v);
        let c = &mut per_class[l.class as usize];
        c.0 += count * exposures;
        c.1 += count * l.masks.get(v);
        c.2 += count * exposures * (1.0 / l.throughput.get(v) - 1.0);
    }
    (per_class, extra_steps, d0_adder)
}

impl WaferPlan {
    /// The ledger's inputs at values `v` for a die of `area_mm2`, shaped as a die given by its
    /// area is (as wide as the reticle field allows, no wider than square).
    pub fn derive_area(&self, v: &[f64], area_mm2: f64) -> Result<WaferInputs, Refused> {
        Ok(WaferInputs { die: crate::chip::die_shape(area_mm2, self.reticle_w.get(v)), ..self.derive(v)? })
    }

    /// What each layer group asks of the scanners at values `v`: its class, the overlay its
    /// scheme needs and its scanner time per wafer.
    pub fn demand(&self, v: &[f64]) -> Vec<crate::fleet::LayerDemand> {
        self.layers
            .iter()
            .map(|l| crate::fleet::LayerDemand {
                class: l.class,
                overlay_budget_nm: l.overlay_budget_nm.map(|n| n.get(v)),
                exposure_time: l.count.get(v) * l.exposures.get(v) / l.throughput.get(v),
            })
            .collect()
    }

    /// The ledger's inputs at values `v`, or why they are refused.
    pub fn derive(&self, v: &[f64]) -> Result<WaferInputs, Refused> {
        let (per_class, extra_steps, d0_adder) = layer_sums(&self.layers, v);
        let mut classes = [ClassInputs::default(); 6];
        for class in ToolClass::ALL {
            let (exposures, masks, exposure_overhead) = per_class[class as usize];
            if exposures == 0.0 && masks == 0.0 {
                continue;
            }
            let Some(c) = self.classes[class as usize] else {
                return Err(Refused::new(
                    format!(
                        "node `{}` has {} layers but lists no {} scanner",
                        self.node,
                        class.name(),
                        class.name()
                    ),
                    None,
                    "a scanner of each class the node's layers use",
                ));
            };
            classes[class as usize] = ClassInputs {
                exposures,
                exposure_overhead,
                masks,
                wph: c.wph.get(v),
                effective_fraction: c.effective_fraction.get(v),
                availability: c.availability.get(v),
                price_usd: c.price_eur.get(v) * self.usd_per_eur.get(v),
                life_years: c.life_years.get(v),
                power_kw: c.power_kw.get(v),
                service_fraction_per_year: c.service_fraction_per_year.get(v),
                consumables_usd_per_exposure: c.consumables_usd_per_exposure.get(v),
                mask_cost_usd: c.mask_cost_usd.get(v) * self.mask_price_index.get(v),
            };
        }
        let (wafer_mm, edge_exclusion_mm) = (self.wafer_mm.get(v), self.edge_exclusion_mm.get(v));
        if edge_exclusion_mm * 2.0 >= wafer_mm {
            return Err(Refused::new(
                "the edge exclusion leaves no usable wafer",
                Some("edge_exclusion"),
                "an edge exclusion below half the wafer diameter",
            ));
        }
        let (rw, rh) = (self.reticle_w.get(v), self.reticle_h.get(v));
        let (die_w, die_h) = match self.die_area_mm2 {
            Some(a) => {
                let d = crate::chip::die_shape(a, rw);
                (d.width_mm, d.height_mm)
            }
            None => (self.die_w.get(v), self.die_h.get(v)),
        };
        let (lo, hi) = crate::data::schema::limits("die.ID.width_mm").unwrap_or((0.0, f64::INFINITY));
        if ![die_w, die_h].iter().all(|x| (lo..=hi).contains(x)) {
            return Err(Refused::new(
                format!(
                    "a die of {die_w} × {die_h} mm is not one a wafer can hold (from {lo} to {hi} mm a side)"
                ),
                Some("die"),
                "a die the wafer can hold",
            ));
        }
        let fits = (die_w <= rw && die_h <= rh) || (die_w <= rh && die_h <= rw);
        if !fits && !self.stitched {
            return Err(Refused::new(
                format!(
                    "a {} × {} mm die is larger than the {rw} × {rh} mm reticle field",
                    round2(die_w),
                    round2(die_h)
                ),
                Some("die"),
                "a die within the reticle field, or --stitched for a die made of stitched fields",
            ));
        }
        let inputs = WaferInputs {
            classes,
            extra_steps,
            d0_base_per_cm2: self.d0_base_per_cm2.get(v),
            d0_adder_per_cm2: d0_adder,
            d0_override_per_cm2: self.d0_override_per_cm2.map(|n| n.get(v)),
            steps_per_mask: self.steps_per_mask.get(v),
            cost_per_step_usd: self.cost_per_step_usd.get(v),
            substrate_usd: self.substrate_usd.get(v),
            overhead_fraction: self.overhead_fraction.get(v),
            days_per_mask: self.days_per_mask.get(v),
            gross_margin: self.gross_margin.get(v),
            wafers_per_mask_set: self.wafers_per_mask_set.get(v),
            tool_utilization: self.tool_utilization.get(v),
            cost_of_capital: self.cost_of_capital.get(v),
            electricity_usd_per_kwh: self.electricity_usd_per_kwh.get(v),
            litho_steps_per_exposure: self.litho_steps_per_exposure.get(v),
            litho_step_time_factor: self.litho_step_time_factor.get(v),
            track_usd_per_exposure: self.track_usd_per_exposure.get(v),
            metrology_usd_per_exposure: self.metrology_usd_per_exposure.get(v),
            other_capex_usd_per_wpm: self.other_capex_usd_per_wpm.get(v),
            capex_life_years: self.capex_life_years.get(v),
            wafer_mm,
            edge_exclusion_mm,
            scribe_mm: self.scribe_mm.get(v),
            die: Die { width_mm: die_w, height_mm: die_h },
            yield_model: self.yield_model,
            negbin_alpha: self.negbin_alpha.get(v),
            count: self.count,
        };
        if inputs.litho_steps_per_exposure > inputs.steps_per_mask {
            return Err(Refused::new(
                format!(
                    "a lithography pass of {} steps is longer than the {} steps of a whole mask layer",
                    inputs.litho_steps_per_exposure, inputs.steps_per_mask
                ),
                Some(&key("node", Some(&self.node), "steps_per_mask")),
                "fab.litho_steps_per_exposure no greater than the node's steps_per_mask",
            ));
        }
        Ok(inputs)
    }
}

fn bind_node(
    ds: &Dataset,
    req: &WaferRequest,
    node: &str,
    die: &DieChoice,
    slots: &mut Slots,
) -> Result<WaferBound, Diagnostic> {
    let mut p = Planner::new(ds, slots);
    let nk = |f: &str| key("node", Some(node), f);

    // The scanner of each class on this node.
    let mut scanners: [Option<String>; 6] = Default::default();
    let list_key = nk("scanners");
    for id in ds.list(&list_key).unwrap_or_default() {
        ds.require_id("scanner", id, &list_key).map_err(|d| d.at(ds.text_location(&list_key)))?;
        let class = ds.text(&key("scanner", Some(id), "class")).and_then(ToolClass::from_name);
        let Some(class) = class else { continue };
        if scanners[class as usize].replace(id.clone()).is_some() {
            return Err(Diagnostic::new(format!("node `{node}` lists two {} scanners", class.name()))
                .at(ds.text_location(&list_key))
                .key(list_key.clone())
                .expected("one scanner per class"));
        }
    }

    // Layer groups: every `layer.*` entry naming this node.
    let mut layers = Vec::new();
    let mut plans = Vec::new();
    for id in ds.layers_of(node) {
        let scheme_key = key("layer", Some(id), "scheme");
        let scheme = ds.text(&scheme_key).unwrap_or_default();
        ds.require_id("scheme", scheme, &scheme_key).map_err(|d| d.at(ds.text_location(&scheme_key)))?;
        let sk = |f: &str| key("scheme", Some(scheme), f);
        let class = ds.text(&sk("class")).and_then(ToolClass::from_name).ok_or_else(|| {
            Diagnostic::new(format!("scheme `{scheme}` has no scanner class")).key(sk("class"))
        })?;
        p.b.group = Some(class.name());
        let count = p.num("layer_count", &key("layer", Some(id), "count"))?;
        let pitch_key = key("layer", Some(id), "pitch_nm");
        // Whether the scheme can print the layer is a check of the data, not an input of the
        // wafer's figures: it is read at its value and not recorded (nor sampled: a drawn pitch
        // limit would make the data contradict itself, not make the wafer dearer).
        let min_pitch = ds.param(&sk("min_pitch_nm")).map(|p| p.value);
        if let (Some(pitch), Some(min)) = (ds.param(&pitch_key).map(|p| p.value), min_pitch) {
            if pitch < min {
                let at =
                    ds.text_location(&scheme_key).or(ds.param(&pitch_key).and_then(|p| p.location.clone()));
                return Err(Diagnostic::new(format!(
                    "scheme `{scheme}` cannot print layer `{id}`: its pitch is {pitch} nm, the scheme's finest {min} nm"
                ))
                .at(at)
                .key(scheme_key.clone())
                .expected("a scheme whose finest pitch is at or below the layer's"));
            }
        }
        let plan = LayerPlan {
            class,
            count,
            exposures: p.num("scheme_exposures", &sk("exposures"))?,
            masks: p.num("scheme_masks", &sk("masks"))?,
            throughput: p.num("scheme_throughput_factor", &sk("throughput_factor"))?,
            overlay_budget_nm: p.num_opt("scheme_overlay_budget_nm", &sk("overlay_budget_nm")),
            extra_steps: p.num("scheme_extra_steps", &sk("extra_steps"))?,
            defect_adder: p.num("scheme_defect_adder_per_cm2", &sk("defect_adder_per_cm2"))?,
        };
        p.b.group = None;
        let (c, e, t) = (p.central(plan.count), p.central(plan.exposures), p.central(plan.throughput));
        layers.push(LayerGroup {
            id: id.to_string(),
            name: ds.text(&key("layer", Some(id), "name")).unwrap_or(id).to_string(),
            scheme: scheme.to_string(),
            class,
            count: c,
            exposures: c * e,
            exposure_time: c * e / t,
            masks: c * p.central(plan.masks),
            overlay_budget_nm: plan.overlay_budget_nm.map(|n| p.central(n)),
        });
        plans.push(plan);
    }
    if layers.is_empty() {
        return Err(Diagnostic::new(format!("node `{node}` has no layer groups"))
            .key(format!("layer.{node}.*"))
            .expected("`[layer.\"ID\"]` entries with node = the node's id"));
    }

    let usd_per_eur = p.num("usd_per_eur", "fx.usd_per_eur")?;
    let mask_price_index = p.num("mask_price_index", &nk("mask_price_index"))?;
    // The classes' sums at the central values, for the record and the check below.
    let central_sums = layer_sums(&plans, &p.slots.central);
    p.derived("extra_steps", central_sums.1, "count", "Σ layer count × the scheme's extra steps".into());
    p.derived(
        "d0_adder_per_cm2",
        central_sums.2,
        "1/cm2",
        "Σ layer count × the scheme's defect adder".into(),
    );
    let mut classes: [Option<ClassPlan>; 6] = [None; 6];
    for class in ToolClass::ALL {
        let (exposures, masks, exposure_overhead) = central_sums.0[class as usize];
        // A class is planned wherever the node has its layers, so that a draw giving a layer
        // group of it no exposures at the centre some does not find its scanner missing; with no
        // scanner listed it is planned only if the central values use it (and derive refuses a
        // draw that does, as re-binding does).
        let has_layers = plans.iter().any(|l| l.class == class);
        let unused = exposures == 0.0 && masks == 0.0;
        if !has_layers || (unused && scanners[class as usize].is_none()) {
            continue;
        }
        let Some(scanner) = scanners[class as usize].clone() else {
            return Err(Diagnostic::new(format!(
                "node `{node}` has {} layers but lists no {} scanner",
                class.name(),
                class.name()
            ))
            .at(ds.text_location(&list_key))
            .key(list_key.clone())
            .expected(format!("a scanner of class `{}` in the list", class.name()))
            .hint(format!(
                "the {} layers: {}",
                class.name(),
                layers
                    .iter()
                    .filter(|l| l.class == class)
                    .map(|l| {
                        let at = ds.text_location(&key("layer", Some(&l.id), "scheme"));
                        format!("{}{}", l.id, at.map(|a| format!(" ({a})")).unwrap_or_default())
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        let s = |f: &str| key("scanner", Some(&scanner), f);
        p.b.group = Some(class.name());
        p.derived("exposures", exposures, "count", format!("Σ over the {} layer groups", class.name()));
        p.derived(
            "exposure_overhead",
            exposure_overhead,
            "count",
            format!(
                "Σ over the {} layer groups: count × exposures × (1 ÷ the scheme's throughput factor − 1)",
                class.name()
            ),
        );
        classes[class as usize] = Some(ClassPlan {
            wph: p.num("wph", &s("wph"))?,
            effective_fraction: p.num("effective_fraction", &s("effective_fraction"))?,
            availability: p.num("availability", &s("availability"))?,
            price_eur: p.num("price_eur", &s("price_eur"))?,
            life_years: p.num("scanner_life_years", &s("life_years"))?,
            power_kw: p.num("power_kw", &s("power_kw"))?,
            service_fraction_per_year: p.num("service_fraction_per_year", &s("service_fraction_per_year"))?,
            consumables_usd_per_exposure: p
                .num("consumables_usd_per_exposure", &s("consumables_usd_per_exposure"))?,
            mask_cost_usd: p.num("mask_cost_usd", &key("mask", Some(class.name()), "cost_usd"))?,
        });
        p.b.group = None;
    }

    let wafer_mm = p.either("wafer_mm", &req.wafer_mm, "fab.wafer_mm")?;
    let edge_exclusion_mm = p.either("edge_exclusion_mm", &req.edge_exclusion_mm, "fab.edge_exclusion_mm")?;
    let scribe_mm = p.either("scribe_mm", &req.scribe_mm, "fab.scribe_mm")?;
    let negbin_alpha = p.either("negbin_alpha", &req.negbin_alpha, "fab.negbin_alpha")?;
    let d0_override_per_cm2 = req.d0_per_cm2.as_ref().map(|g| p.given("d0_per_cm2", "1/cm2", g));
    let (die_w, die_h) = match &die.keys {
        Some((wk, hk)) => (p.num("die_width_mm", wk)?, p.num("die_height_mm", hk)?),
        None => {
            let how = format!("as given: {}", die.label);
            p.derived("die_width_mm", die.width_mm, "mm", how.clone());
            p.derived("die_height_mm", die.height_mm, "mm", how);
            (Num::Const(die.width_mm), Num::Const(die.height_mm))
        }
    };
    if p.central(edge_exclusion_mm) * 2.0 >= p.central(wafer_mm) {
        return Err(Diagnostic::new("the edge exclusion leaves no usable wafer")
            .key("edge_exclusion")
            .expected("an edge exclusion below half the wafer diameter"));
    }
    let stitched = req.stitched.as_ref().is_some_and(|g| g.value);
    let reticle_w = p.num("reticle_width_mm", "fab.reticle_width_mm")?;
    let reticle_h = if layers.iter().any(|l| l.class == ToolClass::HighNa) {
        p.num("reticle_height_mm", "fab.high_na_reticle_height_mm")?
    } else {
        p.num("reticle_height_mm", "fab.reticle_height_mm")?
    };
    let (dw, dh, rw, rh) = (p.central(die_w), p.central(die_h), p.central(reticle_w), p.central(reticle_h));
    let fits = (dw <= rw && dh <= rh) || (dw <= rh && dh <= rw);
    if !fits && !stitched {
        let name = req.die.as_ref().map_or("die".to_string(), |g| g.name("die"));
        let name = req.die_area_mm2.as_ref().map_or(name, |g| g.name("die_area"));
        return Err(Diagnostic::new(format!(
            "a {} × {} mm die is larger than the {rw} × {rh} mm reticle field{}",
            round2(dw),
            round2(dh),
            if rh < rw { " of a node with High-NA layers" } else { "" }
        ))
        .at(req.die.as_ref().and_then(|g| g.at()))
        .key(name)
        .expected("a die within the reticle field, or --stitched for a die made of stitched fields"));
    }

    let yield_model = req
        .yield_model
        .as_ref()
        .and_then(|g| YieldModel::from_name(&g.value))
        .or_else(|| ds.text("fab.yield_model").and_then(YieldModel::from_name))
        .unwrap_or(YieldModel::Poisson);
    let count = count_of(req.count.as_ref()).unwrap_or(Count::Exact);
    let mut notes = Vec::new();
    let data_wafer = ds.param("fab.wafer_mm").map(|p| p.value);
    let wafer_central = p.central(wafer_mm);
    if data_wafer.is_some_and(|w| w != wafer_central) {
        notes.push(format!(
            "the cost data is for {} mm wafers: at {wafer_central} mm the die count changes, the wafer's cost does not",
            data_wafer.unwrap_or_default()
        ));
    }
    if req.negbin_alpha.is_some() && yield_model != YieldModel::NegativeBinomial {
        notes.push(format!("alpha applies only to the negbin yield model, not {}", yield_model.name()));
    }
    let plan = WaferPlan {
        node: node.to_string(),
        layers: plans,
        classes,
        usd_per_eur,
        mask_price_index,
        wafer_mm,
        edge_exclusion_mm,
        scribe_mm,
        negbin_alpha,
        d0_override_per_cm2,
        die_w,
        die_h,
        die_area_mm2: req.die_area_mm2.as_ref().map(|g| g.value),
        reticle_w,
        reticle_h,
        stitched,
        yield_model,
        count,
        d0_base_per_cm2: p.num("d0_base_per_cm2", &nk("d0_per_cm2"))?,
        steps_per_mask: p.num("steps_per_mask", &nk("steps_per_mask"))?,
        cost_per_step_usd: p.num("cost_per_step_usd", &nk("cost_per_step_usd"))?,
        substrate_usd: p.num("substrate_usd", &nk("substrate_usd"))?,
        overhead_fraction: p.num("overhead_fraction", &nk("overhead_fraction"))?,
        days_per_mask: p.num("days_per_mask", &nk("days_per_mask"))?,
        gross_margin: p.num("gross_margin", &nk("gross_margin"))?,
        wafers_per_mask_set: p.num("wafers_per_mask_set", &nk("wafers_per_mask_set"))?,
        tool_utilization: p.num("tool_utilization", "fab.tool_utilization")?,
        cost_of_capital: p.num("fab_cost_of_capital", "fab.cost_of_capital")?,
        electricity_usd_per_kwh: p.num("electricity_usd_per_kwh", "fab.electricity_usd_per_kwh")?,
        litho_steps_per_exposure: p.num("litho_steps_per_exposure", "fab.litho_steps_per_exposure")?,
        litho_step_time_factor: p.num("litho_step_time_factor", "fab.litho_step_time_factor")?,
        track_usd_per_exposure: p.num("track_usd_per_exposure", "fab.track_usd_per_exposure")?,
        metrology_usd_per_exposure: p.num("metrology_usd_per_exposure", "fab.metrology_usd_per_exposure")?,
        other_capex_usd_per_wpm: p.num("other_capex_usd_per_wpm", &nk("other_capex_usd_per_wpm"))?,
        capex_life_years: p.num("capex_life_years", "fab.capex_life_years")?,
    };
    let inputs = plan.derive(&p.slots.central).map_err(Diagnostic::from)?;
    Ok(WaferBound {
        node: node.to_string(),
        node_name: ds.text(&nk("name")).unwrap_or(node).to_string(),
        die_label: die.label.clone(),
        scanners,
        layers,
        stitched,
        published_wafer_price_usd: ds.param(&nk("published_wafer_price_usd")).map(|p| p.value),
        inputs,
        bindings: p.bindings(),
        notes,
        plan,
    })
}
