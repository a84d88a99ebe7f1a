//! Binding a fleet (flags, a scenario's `[fleet]`, or the report's fleet in the data) to the
//! data: the accelerator through the chip ledger, the mature node through the fab ledger,
//! the power of a region through the training ledger.

use std::collections::BTreeMap;

use super::{Capacity, DieBank, FleetInputs, Hbm, Memory, MixItem, ScannerGroup};
use crate::chip::{self, ChipBound, ChipPlan, ChipRequest};
use crate::data::{Dataset, ScenarioInput, key};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fab::WaferPlan;
use crate::fab::{self, ToolClass, WaferRequest};
use crate::plan::{Num, Planner, Refused, Slots};
use crate::provenance::{Binding, Given, InputOrigin, NOT_LIMITING, read_command_section};
use crate::train::{self, TrainRequest};
use crate::units::HOURS_PER_YEAR;

/// Accepted keys of a scenario's `[fleet]` section.
pub const FLEET_KEYS: &[&str] = &[
    "scanners",
    "share",
    "node",
    "accelerator",
    "mix",
    "wafer_starts_per_month",
    "die_bank_dies",
    "hbm_stacks_per_month",
    "packaging_wafers_per_month",
    "region",
    "mfu",
    "count",
    "method",
];

/// How far apart two compute dies' areas may be, as a share, and still be one die (rounding).
const SAME_DIE: f64 = 1e-9;

/// The most accelerators a mix may hold (each is a chip ledger per evaluation).
pub const MIX_MAX: usize = 8;

/// A fleet as asked for; what is left out comes from the data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FleetRequest {
    /// Scanner ids and counts.
    pub scanners: Option<Given<Vec<(String, f64)>>>,
    /// Share of each scanner class given to the node.
    pub shares: Option<Given<Vec<(String, f64)>>>,
    pub node: Option<Given<String>>,
    /// One accelerator, made alone.
    pub accelerator: Option<Given<String>>,
    /// Accelerators and their shares of the packages.
    pub mix: Option<Given<Vec<(String, f64)>>>,
    /// Limits: a number, or `None` inside for "not limiting".
    pub wafer_starts_per_month: Option<Given<Option<f64>>>,
    pub die_bank_dies: Option<Given<Option<f64>>>,
    pub hbm_stacks_per_month: Option<Given<Option<f64>>>,
    pub packaging_wafers_per_month: Option<Given<Option<f64>>>,
    pub region: Option<Given<String>>,
    pub mfu: Option<Given<f64>>,
    /// How gross dies are counted (`exact` or `analytic`), as in the chip ledger.
    pub count: Option<Given<String>>,
    /// A published method as a preset (`method.ID`), in place of the ledger's own rules.
    pub method: Option<Given<String>>,
}

/// `a=1,b=2.5` as names and finite, non-negative numbers.
pub fn parse_counts(s: &str) -> Option<Vec<(String, f64)>> {
    let v: Option<Vec<(String, f64)>> = s
        .split(',')
        .map(|p| {
            let (k, v) = p.split_once('=')?;
            let v: f64 = v.trim().parse().ok()?;
            let k = k.trim();
            (v.is_finite() && v >= 0.0 && !k.is_empty()).then(|| (k.to_string(), v))
        })
        .collect();
    v.filter(|v| !v.is_empty())
}

impl FleetRequest {
    /// Reads a scenario's `[fleet]` section.
    pub fn from_scenario(section: &BTreeMap<String, ScenarioInput>) -> Result<FleetRequest, Diagnostics> {
        let mut req = FleetRequest::default();
        read_command_section("fleet", section, |f| {
            match f.key {
                "scanners" => {
                    req.scanners = Some(
                        f.parsed(parse_counts, "scanner ids and counts, e.g. \"nxt2000i=100,nxt870=40\"")?,
                    )
                }
                "share" => {
                    req.shares =
                        Some(f.parsed(parse_counts, "scanner classes and shares, e.g. \"arfi=0.5\"")?)
                }
                "node" => req.node = Some(f.text()?),
                "accelerator" => req.accelerator = Some(f.text()?),
                "mix" => req.mix = Some(f.parsed(
                    parse_counts,
                    "accelerator ids and shares of the packages, e.g. \"ascend-910c=0.8,ascend-910b=0.2\"",
                )?),
                "region" => req.region = Some(f.text()?),
                "count" => req.count = Some(f.text()?),
                "wafer_starts_per_month" => req.wafer_starts_per_month = Some(f.limit()?),
                "die_bank_dies" => req.die_bank_dies = Some(f.limit()?),
                "hbm_stacks_per_month" => req.hbm_stacks_per_month = Some(f.limit()?),
                "packaging_wafers_per_month" => req.packaging_wafers_per_month = Some(f.limit()?),
                "mfu" => req.mfu = Some(f.number()?),
                "method" => req.method = Some(f.text()?),
                _ => return Err(f.unknown(FLEET_KEYS)),
            }
            Ok(())
        })?;
        Ok(req)
    }

    pub fn overlay(self, over: FleetRequest) -> FleetRequest {
        let (over_acc, over_mix) = (over.accelerator.is_some(), over.mix.is_some());
        FleetRequest {
            scanners: over.scanners.or(self.scanners),
            shares: over.shares.or(self.shares),
            node: over.node.or(self.node),
            // One accelerator or a mix: whichever the overlay names replaces both.
            accelerator: if over_mix { over.accelerator } else { over.accelerator.or(self.accelerator) },
            mix: if over_acc { over.mix } else { over.mix.or(self.mix) },
            wafer_starts_per_month: over.wafer_starts_per_month.or(self.wafer_starts_per_month),
            die_bank_dies: over.die_bank_dies.or(self.die_bank_dies),
            hbm_stacks_per_month: over.hbm_stacks_per_month.or(self.hbm_stacks_per_month),
            packaging_wafers_per_month: over.packaging_wafers_per_month.or(self.packaging_wafers_per_month),
            region: over.region.or(self.region),
            mfu: over.mfu.or(self.mfu),
            count: over.count.or(self.count),
            method: over.method.or(self.method),
        }
    }

    /// The report's fleet, from the data's `[fleet]` entries: its scanners, node and region.
    /// Its mix, wafer starts, die bank, HBM and packaging are read from the data in `bind`
    /// unless the request names them.
    pub fn from_data(ds: &Dataset) -> FleetRequest {
        let text = |k: &str| ds.text(k).map(|v| Given::data(v.to_string(), k));
        FleetRequest {
            scanners: ds
                .text("fleet.report_scanner")
                .zip(ds.param("fleet.report_arfi_scanners"))
                .map(|(s, n)| Given::data(vec![(s.to_string(), n.value)], "fleet.report_arfi_scanners")),
            node: text("fleet.report_node"),
            region: text("fleet.report_region"),
            ..Default::default()
        }
    }
}

/// A request bound to the data.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetBound {
    /// The published method in force, if any.
    pub method: Option<String>,
    /// The main design (the mix's first).
    pub accelerator: String,
    pub accelerator_name: String,
    /// Every accelerator of the mix, with its name, in the order of `inputs.mix`.
    pub mix: Vec<(String, String)>,
    pub node: String,
    pub region: String,
    pub mature_node: String,
    /// The scanner id of each group of [`FleetInputs::scanners`].
    pub scanner_ids: Vec<String>,
    pub chip: ChipBound,
    pub inputs: FleetInputs,
    pub bindings: Vec<Binding>,
    pub notes: Vec<String>,
    /// The plan the inputs were derived from (at the central values of its slots).
    pub plan: FleetPlan,
}

/// A number given by a flag or scenario, or read from the data when the request names a
/// data key (so that the sensitivity sweeps can move it).
fn number(
    p: &mut Planner,
    name: &'static str,
    unit: &'static str,
    g: &Given<f64>,
) -> Result<Num, Diagnostic> {
    match &g.from {
        InputOrigin::Data(k) if p.ds().param(k).is_some() => p.num(name, k),
        _ => Ok(p.given(name, unit, g)),
    }
}

/// Checks a user's number: finite, and not below `min`.
fn at_least(g: &Given<f64>, field: &str, min: f64, expected: &str) -> Result<(), Diagnostic> {
    if g.value.is_finite() && g.value >= min {
        Ok(())
    } else {
        Err(Diagnostic::new(format!("{} is not {expected}", g.value))
            .at(g.at())
            .key(g.name(field))
            .expected(expected))
    }
}

/// Binds a request to the data.
pub fn bind(ds: &Dataset, req: &FleetRequest) -> Result<FleetBound, Diagnostics> {
    plan(ds, req, &mut Slots::default())
}

/// Plans a request on the data, its numbers read through `slots`: the bound fleet, with its
/// plan and its inputs at the central values.
pub fn plan(ds: &Dataset, req: &FleetRequest, slots: &mut Slots) -> Result<FleetBound, Diagnostics> {
    plan_fleet(ds, req, slots).map_err(Diagnostics::from)
}

/// A group of scanners, planned.
#[derive(Clone, Copy, Debug, PartialEq)]
struct GroupPlan {
    class: ToolClass,
    count: Num,
    share: Num,
    wph: Num,
    effective_fraction: Num,
    availability: Num,
    overlay_nm: Option<Num>,
}

/// The HBM a fleet draws on, planned.
#[derive(Clone, Copy, Debug, PartialEq)]
enum HbmPlan {
    Flow(Num),
    Stock {
        dram_wafers_per_month: Num,
        stacks_per_wafer: Num,
        stock_stacks: Num,
        drawdown_months: Num,
        stock_share: Num,
        domestic_stacks_per_month: Num,
    },
}

/// The fleet ledger, planned: [`FleetPlan::derive`] gives its [`FleetInputs`] for any values of
/// the numbers it reads.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetPlan {
    mix: Vec<(ChipPlan, Num)>,
    /// The node's layer groups, for what they ask of the scanners.
    node_layers: WaferPlan,
    mature: WaferPlan,
    groups: Vec<GroupPlan>,
    wafer_starts_per_month: Option<Num>,
    die_bank: Option<(Num, Num)>,
    hbm: Option<HbmPlan>,
    packaging_wafers_per_month: Option<Num>,
    year_of_use: train::TrainPlan,
    run_days: Num,
    mfu: Num,
    capacity: CapacityPlan,
}

/// How the scanners become wafer starts, planned.
#[derive(Clone, Copy, Debug, PartialEq)]
enum CapacityPlan {
    Exposures,
    PerScanner { wafers_per_month: Num, chips_per_wafer: Option<Num> },
    Rated { utilization: Num },
}

impl FleetPlan {
    /// The ledger's inputs at values `v`, or why they are refused.
    pub fn derive(&self, v: &[f64]) -> Result<FleetInputs, Refused> {
        let mix = self
            .mix
            .iter()
            .map(|(c, share)| Ok(MixItem { chip: c.derive(v)?, share: share.get(v) }))
            .collect::<Result<Vec<MixItem>, Refused>>()?;
        let area = mix[0].chip.compute.area_mm2;
        // A mix shares one compute die, whatever the draws.
        if mix[1..].iter().any(|m| (m.chip.compute.area_mm2 - area).abs() > SAME_DIE * area) {
            return Err(Refused::new(
                "the mix's accelerators no longer share one compute die at these values",
                Some("mix"),
                "accelerators made from the same compute die",
            ));
        }
        let mfu = self.mfu.get(v);
        if mfu > 1.0 {
            return Err(Refused::new(
                format!("{mfu} is not an MFU"),
                None,
                "a share of peak FLOP/s, above 0 and at most 1",
            ));
        }
        let (t, _) = self.year_of_use.derive(v)?;
        Ok(FleetInputs {
            mix,
            demand: self.node_layers.demand(v),
            mature_demand: self.mature.demand(v),
            mature: self.mature.derive_area(v, area)?,
            scanners: self
                .groups
                .iter()
                .map(|g| ScannerGroup {
                    class: g.class,
                    count: g.count.get(v),
                    share: g.share.get(v),
                    wph: g.wph.get(v),
                    effective_fraction: g.effective_fraction.get(v),
                    availability: g.availability.get(v),
                    overlay_nm: g.overlay_nm.map(|n| n.get(v)),
                })
                .collect(),
            wafer_starts_per_month: self.wafer_starts_per_month.map(|n| n.get(v)),
            die_bank: self.die_bank.map(|(d, m)| DieBank { dies: d.get(v), drawdown_months: m.get(v) }),
            hbm: self.hbm.map(|h| match h {
                HbmPlan::Flow(n) => Hbm::Flow(n.get(v)),
                HbmPlan::Stock {
                    dram_wafers_per_month,
                    stacks_per_wafer,
                    stock_stacks,
                    drawdown_months,
                    stock_share,
                    domestic_stacks_per_month,
                } => Hbm::Stock(Memory {
                    stock_stacks: stock_stacks.get(v),
                    drawdown_months: drawdown_months.get(v),
                    stock_share: stock_share.get(v),
                    domestic_stacks_per_month: domestic_stacks_per_month.get(v),
                    domestic_ceiling_stacks_per_month: dram_wafers_per_month.get(v) * stacks_per_wafer.get(v),
                }),
            }),
            packaging_wafers_per_month: self.packaging_wafers_per_month.map(|n| n.get(v)),
            mfu,
            goodput: t.goodput,
            run_days: self.run_days.get(v),
            server_power_multiplier: t.server_power_multiplier,
            avg_power_fraction: t.avg_power_fraction,
            pue: t.pue,
            tariff_usd_per_kwh: t.tariff_usd_per_kwh,
            capacity: match self.capacity {
                CapacityPlan::Exposures => Capacity::Exposures,
                CapacityPlan::PerScanner { wafers_per_month, chips_per_wafer } => Capacity::PerScanner {
                    wafers_per_month: wafers_per_month.get(v),
                    chips_per_wafer: chips_per_wafer.map(|n| n.get(v)),
                },
                CapacityPlan::Rated { utilization } => Capacity::Rated { utilization: utilization.get(v) },
            },
        })
    }
}

/// How the scanners become wafer starts: the ledger's own rule, or a method's.
fn plan_capacity(
    p: &mut Planner,
    method: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<CapacityPlan, Diagnostic> {
    let Some(m) = method else { return Ok(CapacityPlan::Exposures) };
    let k = |f: &str| key("method", Some(m), f);
    let needs = |p: &mut Planner, name: &'static str, f: &str| -> Result<Num, Diagnostic> {
        if p.ds().param(&k(f)).is_none() {
            return Err(Diagnostic::new(format!("method `{m}` has no `{f}`, which its capacity rule needs"))
                .key(k(f))
                .expected("the number in the method's entry (data/methods.toml, or a scenario)"));
        }
        p.num(name, &k(f))
    };
    Ok(match p.ds().text(&k("capacity")) {
        Some("per-scanner") => {
            let wafers_per_month = needs(p, "wafers_per_month_per_scanner", "wafers_per_month_per_scanner")?;
            let chips_per_wafer = p.num_opt("chips_per_wafer", &k("chips_per_wafer"));
            notes.push(format!(
                "method {m}: {} wafer starts a month per scanner at any node{}",
                p.central(wafers_per_month),
                chips_per_wafer.map_or(String::new(), |c| format!(
                    ", {} working accelerators per wafer whatever the die (the die ledger's own good dies a \
                     wafer, shown for the die, are not used)",
                    p.central(c)
                ))
            ));
            CapacityPlan::PerScanner { wafers_per_month, chips_per_wafer }
        }
        Some("rated-throughput") => {
            let utilization = needs(p, "scanner_utilization", "scanner_utilization")?;
            notes.push(format!(
                "method {m}: scanners × rated wafers an hour × hours × {} utilisation ÷ the node's exposures",
                p.central(utilization)
            ));
            CapacityPlan::Rated { utilization }
        }
        _ => CapacityPlan::Exposures,
    })
}

/// A limit as asked: checked, then its value, or `None` for "not limiting" with a note; the
/// number is read from the data when the request names a data key.
fn limit(
    p: &mut Planner,
    g: &Given<Option<f64>>,
    name: &'static str,
    unit: &'static str,
    what: &str,
    notes: &mut Vec<String>,
) -> Result<Option<Num>, Diagnostic> {
    match g.value {
        Some(v) => {
            let g = Given { value: v, from: g.from.clone() };
            at_least(&g, name, 0.0, &format!("{what}, zero or more, or \"{NOT_LIMITING}\""))?;
            Ok(Some(number(p, name, unit, &g)?))
        }
        None => {
            notes.push(format!("{what}: not limiting, as asked ({})", g.name(name)));
            Ok(None)
        }
    }
}

/// The accelerators made and their shares: one accelerator as asked, a mix as asked, or the
/// report's (its main design, `fleet.report_accelerator`, then every `fleet_mix` entry).
fn mix_of(
    ds: &Dataset,
    p: &mut Planner,
    req: &FleetRequest,
) -> Result<Vec<(Given<String>, Num)>, Diagnostic> {
    if let Some(a) = &req.accelerator {
        p.derived("mix_share", 1.0, "fraction", format!("{} alone", a.value));
        return Ok(vec![(a.clone(), Num::Const(1.0))]);
    }
    if let Some(m) = &req.mix {
        let mut v = Vec::new();
        for (id, share) in &m.value {
            let g = Given { value: *share, from: m.from.clone() };
            at_least(&g, "mix", f64::MIN_POSITIVE, "a share of the packages above zero")?;
            let share = p.given("mix_share", "fraction", &g);
            v.push((Given { value: id.clone(), from: m.from.clone() }, share));
        }
        return Ok(v);
    }
    let main_key = "fleet.report_accelerator";
    let main = ds
        .text(main_key)
        .ok_or_else(|| Diagnostic::new(format!("the data has no `{main_key}`")).key(main_key))?;
    let mut v: Vec<(Given<String>, Num)> = Vec::new();
    for id in ds.ids_of("fleet_mix") {
        let ak = key("fleet_mix", Some(id), "accelerator");
        let acc = ds.text(&ak).unwrap_or_default().to_string();
        let share = p.num("mix_share", &key("fleet_mix", Some(id), "share"))?;
        v.push((Given::data(acc, &ak), share));
    }
    if v.is_empty() {
        v.push((Given::data(main.to_string(), main_key), Num::Const(1.0)));
    }
    // The main design first.
    v.sort_by_key(|(a, _)| a.value != main);
    Ok(v)
}

fn plan_fleet(ds: &Dataset, req: &FleetRequest, slots: &mut Slots) -> Result<FleetBound, Diagnostic> {
    let from_data = FleetRequest::from_data(ds);
    let pick = |a: &Option<Given<String>>, b: &Option<Given<String>>, k: &str| {
        a.clone().or(b.clone()).ok_or_else(|| Diagnostic::new(format!("the data has no `{k}`")).key(k))
    };
    let method = match &req.method {
        Some(g) => {
            ds.require_method(&g.value, "fleet", &g.name("method")).map_err(|d| d.at(g.at()))?;
            Some(g.value.as_str())
        }
        None => None,
    };
    // A method's way of counting dies, unless the request names one.
    let count = fab::method_count(ds, req.method.as_ref(), "fleet", req.count.as_ref())?;
    let mut p = Planner::new(ds, slots);
    let mix = mix_of(ds, &mut p, req)?;
    if mix.is_empty() || mix.len() > MIX_MAX {
        return Err(Diagnostic::new(format!("a mix of {} accelerators", mix.len()))
            .key("mix")
            .expected(format!("one accelerator or more, at most {MIX_MAX}")));
    }
    for (i, (a, _)) in mix.iter().enumerate() {
        ds.require_id("accelerator", &a.value, &a.name("accelerator")).map_err(|d| d.at(a.at()))?;
        if mix[..i].iter().any(|(x, _)| x.value == a.value) {
            return Err(Diagnostic::new(format!("accelerator `{}` is named twice in the mix", a.value))
                .at(a.at())
                .key(a.name("mix"))
                .expected("each accelerator once, with its share"));
        }
    }
    let accelerator = mix[0].0.clone();
    // The node: as asked, or the one the main design's bill of materials names.
    let node = match req
        .node
        .clone()
        .or(from_data.node.clone().filter(|_| req.accelerator.is_none() && req.mix.is_none()))
    {
        Some(n) => n,
        None => {
            let k = key("package", Some(&accelerator.value), "node");
            Given::data(ds.text(&k).unwrap_or_default().to_string(), &k)
        }
    };
    let region = pick(&req.region, &from_data.region, "fleet.report_region")?;
    let mut chips = Vec::new();
    for (a, _) in &mix {
        let c = chip::plan(
            ds,
            &ChipRequest {
                accelerator: Some(a.clone()),
                node: Some(node.clone()),
                chiplets: None,
                count: count.clone(),
                method: None,
            },
            p.slots,
        )
        .map_err(first)?;
        chips.push(c);
    }
    let chip = chips[0].clone();
    // A mix shares one compute die: the dies of the wafers, or of the bank, go to any of them.
    for c in &chips[1..] {
        let (a, m) = (c.inputs.compute.area_mm2, chip.inputs.compute.area_mm2);
        if (a - m).abs() > SAME_DIE * m {
            return Err(Diagnostic::new(format!(
                "{}'s compute die ({} mm²) is not {}'s ({} mm²): a fleet's mix shares one compute die",
                c.accelerator, a, chip.accelerator, m
            ))
            .key(accelerator.name("mix"))
            .expected("accelerators made from the same compute die, or one accelerator at a time"));
        }
    }
    let mut notes = chip.notes.clone();
    let report_mix = req.accelerator.is_none() && req.mix.is_none();

    // The scanners, model by model.
    let scanners = req
        .scanners
        .clone()
        .or(from_data.scanners.clone())
        .ok_or_else(|| Diagnostic::new("no scanners").key("--scanners").expected("ID=N,..."))?;
    let shares = req.shares.clone().map(|g| g.value).unwrap_or_default();
    let share_from = req.shares.as_ref().map_or(InputOrigin::Flag("--share".into()), |g| g.from.clone());
    for (class, share) in &shares {
        let given = Given { value: *share, from: share_from.clone() };
        if ToolClass::from_name(class).is_none() {
            return Err(Diagnostic::new(format!("unknown scanner class `{class}`"))
                .at(given.at())
                .key(given.name("share"))
                .expected(format!(
                    "one of: {}",
                    ToolClass::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
                ))
                .suggest(class, ToolClass::ALL.iter().map(|c| c.name())));
        }
        if shares.iter().filter(|(c, _)| c == class).count() > 1 {
            return Err(Diagnostic::new(format!("the share of `{class}` is given twice"))
                .at(given.at())
                .key(given.name("share"))
                .expected("each class once"));
        }
        let in_fleet = scanners
            .value
            .iter()
            .any(|(id, _)| ds.text(&key("scanner", Some(id), "class")) == Some(class.as_str()));
        if !in_fleet {
            return Err(Diagnostic::new(format!("the fleet has no `{class}` scanners to share"))
                .at(given.at())
                .key(given.name("share"))
                .expected("shares of the classes the fleet's scanners belong to"));
        }
        if *share <= 0.0 || *share > 1.0 {
            return Err(Diagnostic::new(format!("{share} is not a share between 0 and 1"))
                .at(given.at())
                .key(given.name("share"))
                .expected("a share of the class's scanners, above 0 and at most 1"));
        }
    }
    let mut groups = Vec::new();
    let mut scanner_ids = Vec::new();
    for (id, count) in &scanners.value {
        let g = Given { value: *count, from: scanners.from.clone() };
        ds.require_id("scanner", id, &g.name("scanners")).map_err(|d| d.at(g.at()))?;
        at_least(&g, "scanners", f64::MIN_POSITIVE, "a count of scanners above zero")?;
        let class =
            ds.text(&key("scanner", Some(id), "class")).and_then(ToolClass::from_name).ok_or_else(|| {
                Diagnostic::new(format!("scanner `{id}` has no class")).key(key("scanner", Some(id), "class"))
            })?;
        if scanner_ids.contains(id) {
            return Err(Diagnostic::new(format!("scanner `{id}` is named twice"))
                .at(g.at())
                .key(g.name("scanners"))
                .expected("each scanner model once, with its count"));
        }
        let sk = |f: &str| key("scanner", Some(id), f);
        p.b.group = Some(class.name());
        let count = number(&mut p, "scanners", "count", &g)?;
        let share = match shares.iter().find(|(c, _)| c == class.name()) {
            Some((_, s)) => p.given("share", "fraction", &Given { value: *s, from: share_from.clone() }),
            None => {
                p.derived("share", 1.0, "fraction", "all of them (no share given)".into());
                Num::Const(1.0)
            }
        };
        groups.push(GroupPlan {
            class,
            count,
            share,
            wph: p.num("fleet_wph", &sk("wph"))?,
            effective_fraction: p.num("fleet_effective_fraction", &sk("effective_fraction"))?,
            availability: p.num("fleet_availability", &sk("availability"))?,
            overlay_nm: p.num_opt("fleet_overlay_nm", &sk("overlay_nm")),
        });
        p.b.group = None;
        scanner_ids.push(id.clone());
    }
    let wafer = &chip.inputs.compute.wafer;
    let used: Vec<ToolClass> =
        ToolClass::ALL.into_iter().filter(|c| wafer.class(*c).exposures > 0.0).collect();
    if !groups.iter().any(|g| used.contains(&g.class)) {
        return Err(Diagnostic::new(format!(
            "the fleet has no scanner of a class that {} uses ({})",
            chip.node,
            used.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
        ))
        .at(scanners.at())
        .key(scanners.name("scanners"))
        .expected("scanners of at least one class the node prints with"));
    }
    notes.push(
        "only lithography limits wafer starts here: etch, deposition, metrology and the rest of a fab are taken \
         as not limiting"
            .into(),
    );
    // DUV scanners cannot stand in for EUV: a node with EUV layers needs EUV scanners named.
    if let Some(c) = used
        .iter()
        .find(|c| matches!(c, ToolClass::Euv | ToolClass::HighNa) && !groups.iter().any(|g| g.class == **c))
    {
        return Err(Diagnostic::new(format!(
            "{} prints layers with {} scanners, and the fleet names none",
            chip.node,
            c.name()
        ))
        .at(scanners.at())
        .key(scanners.name("scanners"))
        .expected(format!(
            "{} scanners in the fleet, or a node without {} layers (e.g. n7-duv)",
            c.name(),
            c.name()
        )));
    }
    let unnamed: Vec<&str> =
        used.iter().filter(|c| !groups.iter().any(|g| g.class == **c)).map(|c| c.name()).collect();
    if !unnamed.is_empty() {
        notes.push(format!(
            "{} uses {} scanners too; the fleet names none, so they are taken as not limiting",
            chip.node,
            unnamed.join(", ")
        ));
    }
    // What the node's layers ask of the scanners, with the overlay each needs.
    let node_layers = fab::plan(
        ds,
        &WaferRequest {
            nodes: Some(Given { value: vec![node.value.clone()], from: node.from.clone() }),
            die_area_mm2: Some(Given::data(chip.inputs.compute.area_mm2, "package.die_area_mm2")),
            stitched: Some(Given::data(true, "fleet")),
            ..Default::default()
        },
        p.slots,
    )
    .map_err(first)?
    .remove(0);
    p.b.bindings
        .extend(node_layers.bindings.iter().filter(|x| x.name.starts_with("scheme_overlay")).cloned());
    for g in &groups {
        let g = ScannerGroup {
            class: g.class,
            count: p.central(g.count),
            share: p.central(g.share),
            wph: p.central(g.wph),
            effective_fraction: p.central(g.effective_fraction),
            availability: p.central(g.availability),
            overlay_nm: g.overlay_nm.map(|n| p.central(n)),
        };
        let blocked: Vec<&str> = node_layers
            .layers
            .iter()
            .filter(|l| l.class == g.class && !super::prints(g.overlay_nm, l.overlay_budget_nm))
            .map(|l| l.id.as_str())
            .collect();
        if !blocked.is_empty() {
            notes.push(format!(
                "{} scanners' overlay ({} nm) is too loose for {}: only the class's finer scanners print them",
                g.class.name(),
                g.overlay_nm.unwrap_or_default(),
                blocked.join(", ")
            ));
        }
    }

    if let Some(io) = &chip.io_node {
        notes.push(format!(
            "{}'s I/O dies are made on {io}, outside this fleet: only its compute dies load the scanners",
            accelerator.value
        ));
    }

    // The compute dies: the wafer starts given to the accelerators (the report's, for its own
    // mix), and the bank of dies made abroad before the controls (likewise).
    let wafer_starts_per_month = match &req.wafer_starts_per_month {
        Some(g) => {
            limit(&mut p, g, "wafer_starts_per_month", "wafers/month", "wafer starts a month", &mut notes)?
        }
        None if report_mix
            && req.scanners.as_ref().is_none_or(|g| matches!(g.from, InputOrigin::Data(_))) =>
        {
            Some(p.num("wafer_starts_per_month", "fleet.report_wafer_starts_per_month")?)
        }
        None => None,
    };
    let die_bank = match &req.die_bank_dies {
        Some(g) => limit(&mut p, g, "die_bank_dies", "count", "dies in the bank", &mut notes)?,
        None if report_mix => Some(p.num("die_bank_dies", "fleet.die_bank_dies")?),
        None => {
            notes.push(
                "no bank of dies made abroad: the fleet's own wafers make every die (--die-bank-dies)".into(),
            );
            None
        }
    }
    .map(|dies| -> Result<(Num, Num), Diagnostic> {
        Ok((dies, p.num("die_bank_months", "fleet.die_bank_months")?))
    })
    .transpose()?;

    // Caps on the accelerators: HBM and packaging, from the data unless asked otherwise.
    let hbm = match &req.hbm_stacks_per_month {
        Some(g) => {
            limit(&mut p, g, "hbm_stacks_per_month", "stacks/month", "HBM stacks a month", &mut notes)?
                .map(HbmPlan::Flow)
        }
        None => {
            let m = |p: &mut Planner, name, f: &str| p.num(name, &key("memory", None, f));
            let dram_wafers_per_month =
                m(&mut p, "hbm_dram_wafers_per_month", "dram_wafers_for_hbm_per_month")?;
            let stacks_per_wafer = m(&mut p, "hbm_stacks_per_wafer", "stacks_per_wafer")?;
            let ceiling = p.central(dram_wafers_per_month) * p.central(stacks_per_wafer);
            p.derived(
                "hbm_domestic_ceiling",
                ceiling,
                "stacks/month",
                "DRAM wafers a month for HBM × good stacks a wafer".into(),
            );
            Some(HbmPlan::Stock {
                dram_wafers_per_month,
                stacks_per_wafer,
                stock_stacks: m(&mut p, "hbm_stock_stacks", "stock_stacks")?,
                drawdown_months: m(&mut p, "hbm_drawdown_months", "drawdown_months")?,
                stock_share: m(&mut p, "hbm_stock_share", "stock_share")?,
                domestic_stacks_per_month: m(
                    &mut p,
                    "hbm_domestic_stacks_per_month",
                    "domestic_stacks_per_month",
                )?,
            })
        }
    };
    let packaging_wafers_per_month = match &req.packaging_wafers_per_month {
        Some(g) => limit(
            &mut p,
            g,
            "packaging_wafers_per_month",
            "wafers/month",
            "advanced-packaging wafers a month",
            &mut notes,
        )?,
        None => Some(p.num("packaging_wafers_per_month", "fleet.report_interposer_wafers_per_month")?),
    };
    if packaging_wafers_per_month.is_some() {
        for c in chips.iter().filter(|c| c.inputs.package_kind != chip::PackageKind::SiliconInterposer) {
            notes.push(format!(
                "packaging wafers cap silicon-interposer packages only; {} uses {}",
                c.accelerator,
                c.inputs.package_kind.name()
            ));
        }
    }
    if let Some(g) = &req.mfu {
        at_least(g, "mfu", f64::MIN_POSITIVE, "an MFU above zero")?;
    }

    // Power and its price in the region, and the MFU, as the training ledger binds them
    // for one accelerator running a year (the size does not change them).
    let tb = train::plan(
        ds,
        &TrainRequest {
            accelerator: Some(accelerator.clone()),
            regions: Some(Given { value: vec![region.value.clone()], from: region.from.clone() }),
            accelerator_hours: Some(Given::data(HOURS_PER_YEAR, "fleet")),
            ..Default::default()
        },
        p.slots,
    )
    .map_err(first)?
    .remove(0);
    const NOT_POWER: &[&str] = &[
        "accelerator_hours",
        "accelerator_price_usd",
        "accelerators",
        "rental_usd_per_hour",
        "cost_of_capital",
        "hardware_life_years",
        "facility_capex_usd_per_mw",
        "facility_life_years",
        "server_capex_fraction",
        "network_capex_fraction",
        "maintenance_fraction_per_year",
        "peak_tflops",
        "tdp_w",
        "mfu",
    ];
    p.b.bindings.extend(tb.bindings.iter().filter(|x| !NOT_POWER.contains(&x.name)).cloned());

    // The mature node, for the output the scanners give up: the same die area.
    let mature_node = ds.text("fleet.mature_node").unwrap_or_default().to_string();
    let mature = fab::plan(
        ds,
        &WaferRequest {
            nodes: Some(Given::data(vec![mature_node.clone()], "fleet.mature_node")),
            die_area_mm2: Some(Given::data(chip.inputs.compute.area_mm2, "package.die_area_mm2")),
            stitched: Some(Given::data(true, "fleet")),
            ..Default::default()
        },
        p.slots,
    )
    .map_err(first)?
    .remove(0);
    let capacity = plan_capacity(&mut p, method, &mut notes)?;
    let run_days = p.num("run_days", "fleet.run_days")?;
    let mfu = p.either("mfu", &req.mfu, "training.mfu")?;
    if p.central(mfu) > 1.0 {
        return Err(Diagnostic::new(format!("{} is not an MFU", p.central(mfu)))
            .key(req.mfu.as_ref().map_or("training.mfu".into(), |g| g.name("mfu")))
            .expected("a share of peak FLOP/s, above 0 and at most 1"));
    }
    let plan = FleetPlan {
        mix: chips.iter().zip(&mix).map(|(c, (_, share))| (c.plan.clone(), *share)).collect(),
        node_layers: node_layers.plan,
        mature: mature.plan,
        groups,
        wafer_starts_per_month,
        die_bank,
        hbm,
        packaging_wafers_per_month,
        year_of_use: tb.plan,
        run_days,
        mfu,
        capacity,
    };
    let inputs = plan.derive(&p.slots.central).map_err(Diagnostic::from)?;
    // The chip ledger's numbers feed the die and package figures.
    for c in &chips {
        p.b.bindings.extend(c.bindings.iter().cloned());
    }
    Ok(FleetBound {
        method: method.map(str::to_string),
        accelerator: accelerator.value.clone(),
        accelerator_name: chip.accelerator_name.clone(),
        mix: chips.iter().map(|c| (c.accelerator.clone(), c.accelerator_name.clone())).collect(),
        node: chip.node.clone(),
        region: region.value.clone(),
        mature_node,
        scanner_ids,
        chip,
        inputs,
        bindings: crate::provenance::unique(p.bindings()),
        notes,
        plan,
    })
}

fn first(d: Diagnostics) -> Diagnostic {
    d.0.into_iter().next().unwrap_or_else(|| Diagnostic::new("the fleet did not bind"))
}
