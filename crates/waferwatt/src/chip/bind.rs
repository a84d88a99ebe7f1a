//! From a request (flags or a scenario's `[chip]` section) and the data in force — the
//! accelerator, its bill of materials (`package.*`), the nodes of its dies, packaging and
//! chiplet terms — to the plain [`ChipInputs`] of the ledger, with provenance. A node to
//! port to scales the compute dies' area by logic density and the TDP by power at equal
//! speed.

use std::collections::BTreeMap;

use super::{ChipInputs, ChipletTerms, Dies, PackageKind, die_shape, die_shaped, fits_reticle};
use crate::data::{Dataset, InputValue, ScenarioInput, key};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fab::{self, WaferPlan, WaferRequest};
use crate::plan::{Num, Planner, Refused, Slots};
use crate::provenance::{Binding, Given, read_command_section};

/// What the user asked of `chip`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChipRequest {
    pub accelerator: Option<Given<String>>,
    /// A node to port the compute dies to.
    pub node: Option<Given<String>>,
    /// Splits of the compute area to compare.
    pub chiplets: Option<Given<Vec<u32>>>,
    /// How gross dies are counted: `exact` (whole cells at the best grid offset, the default)
    /// or `analytic` (the gross-die formula, as peers use).
    pub count: Option<Given<String>>,
    /// A published method as a preset (`method.ID`): its way of counting dies.
    pub method: Option<Given<String>>,
}

/// Accepted keys of a scenario's `[chip]` section.
pub const CHIP_KEYS: &[&str] = &["accelerator", "node", "chiplets", "count", "method"];

impl ChipRequest {
    /// Reads a scenario's `[chip]` section.
    pub fn from_scenario(section: &BTreeMap<String, ScenarioInput>) -> Result<ChipRequest, Diagnostics> {
        let mut req = ChipRequest::default();
        let counts = "chiplet counts from 1 to 64, e.g. \"1,2,4\"";
        read_command_section("chip", section, |f| {
            match f.key {
                "accelerator" => req.accelerator = Some(f.text()?),
                "node" => req.node = Some(f.text()?),
                "count" => req.count = Some(f.text()?),
                "method" => req.method = Some(f.text()?),
                "chiplets" => {
                    req.chiplets = Some(match f.input.value {
                        InputValue::Number(x) if x >= 1.0 && x.fract() == 0.0 && x <= 64.0 => {
                            Given { value: vec![x as u32], from: f.from() }
                        }
                        _ => f.parsed(parse_chiplets, counts)?,
                    })
                }
                _ => return Err(f.unknown(CHIP_KEYS)),
            }
            Ok(())
        })?;
        Ok(req)
    }

    pub fn overlay(self, over: ChipRequest) -> ChipRequest {
        ChipRequest {
            accelerator: over.accelerator.or(self.accelerator),
            node: over.node.or(self.node),
            chiplets: over.chiplets.or(self.chiplets),
            count: over.count.or(self.count),
            method: over.method.or(self.method),
        }
    }
}

/// `1,2,4,8` as chiplet counts from 1 to 64.
pub fn parse_chiplets(s: &str) -> Option<Vec<u32>> {
    let v: Option<Vec<u32>> =
        s.split(',').map(|x| x.trim().parse().ok().filter(|k| (1..=64).contains(k))).collect();
    v.filter(|v| !v.is_empty())
}

/// How the compute dies were moved to another node.
#[derive(Clone, Debug, PartialEq)]
pub struct Port {
    pub from_node: String,
    pub to_node: String,
    pub area_from_mm2: f64,
    /// Area of one compute die on the new node (before any split).
    pub area_to_mm2: f64,
    pub fits_reticle: bool,
    /// Chiplets each compute die was split into to fit the reticle (1 if it fits).
    pub split_into: u32,
    pub tdp_from_w: f64,
    pub tdp_to_w: f64,
}

/// A request bound to the data.
#[derive(Clone, Debug, PartialEq)]
pub struct ChipBound {
    pub accelerator: String,
    pub accelerator_name: String,
    /// The node the compute dies are made on (after any port).
    pub node: String,
    pub io_node: Option<String>,
    pub port: Option<Port>,
    pub chiplets: Vec<u32>,
    pub published_build_cost_usd: Option<f64>,
    pub inputs: ChipInputs,
    pub bindings: Vec<Binding>,
    pub notes: Vec<String>,
    /// The plan the inputs were derived from (at the central values of its slots).
    pub plan: ChipPlan,
}

/// The fab ledger for `node`, planned; the die is set per use.
fn node_wafer(
    ds: &Dataset,
    node: &str,
    area: f64,
    slots: &mut Slots,
) -> Result<(WaferPlan, Vec<Binding>), Diagnostic> {
    let req = WaferRequest {
        nodes: Some(Given::data(vec![node.to_string()], "package.node")),
        die_area_mm2: Some(Given::data(area, "package.die_area_mm2")),
        stitched: Some(Given::data(true, "package")),
        ..Default::default()
    };
    let b = fab::plan(ds, &req, slots)
        .map_err(|d| d.0.into_iter().next().unwrap_or_else(|| Diagnostic::new("no node")))?;
    let b = b.into_iter().next().ok_or_else(|| Diagnostic::new(format!("node `{node}` did not bind")))?;
    Ok((b.plan, b.bindings))
}

/// Whether a scenario or `--set` changed any number of an accelerator's bill of materials.
fn bill_changed(ds: &Dataset, accelerator: &str) -> bool {
    let prefix = format!("package.{accelerator}.");
    ds.params.iter().any(|(k, p)| k.starts_with(&prefix) && p.origin != crate::data::Origin::Default)
}

/// Binds a request to the data.
pub fn bind(ds: &Dataset, req: &ChipRequest) -> Result<ChipBound, Diagnostics> {
    plan(ds, req, &mut Slots::default())
}

/// Plans a request on the data, its numbers read through `slots` (shared with any ledger that
/// plans beside it): the bound chip, with its plan and its inputs at the central values.
pub fn plan(ds: &Dataset, req: &ChipRequest, slots: &mut Slots) -> Result<ChipBound, Diagnostics> {
    let count = fab::method_count(ds, req.method.as_ref(), "chip", req.count.as_ref())?;
    let req = &ChipRequest { count, method: None, ..req.clone() };
    let (accelerator, acc_key, acc_at) = match &req.accelerator {
        Some(g) => (g.value.clone(), g.name("accelerator"), g.at()),
        None => {
            let id = ds.text("defaults.accelerator").unwrap_or_default().to_string();
            (id, "defaults.accelerator".to_string(), ds.text_location("defaults.accelerator"))
        }
    };
    ds.require_id("accelerator", &accelerator, &acc_key).map_err(|d| d.at(acc_at.clone()))?;
    if !ds.has_id("package", &accelerator) {
        return Err(Diagnostic::new(format!("accelerator `{accelerator}` has no bill of materials"))
            .at(acc_at)
            .key(format!("package.{accelerator}"))
            .expected(format!(
                "an accelerator with a [package.ID] entry: {}",
                ds.ids_of("package").join(", ")
            ))
            .into());
    }
    if let Some(n) = &req.node {
        ds.require_id("node", &n.value, &n.name("node")).map_err(|d| d.at(n.at()))?;
    }
    fab::count_of(req.count.as_ref())?;
    plan_chip(ds, req, &accelerator, slots).map_err(Diagnostics::from)
}

/// Moving the compute dies to another node: the numbers that scale their area and TDP.
#[derive(Clone, Debug, PartialEq)]
struct PortPlan {
    to_node: String,
    density_from: Num,
    density_to: Num,
    power_from: Num,
    power_to: Num,
    logic_share: Num,
}

/// The chip ledger, planned: [`ChipPlan::derive`] gives its [`ChipInputs`] for any values of
/// the numbers it reads.
#[derive(Clone, Debug, PartialEq)]
pub struct ChipPlan {
    die: DiePlan,
    bond_yield_per_die: Num,
    bond_usd_per_die: Num,
    package_usd_per_mm2: Num,
    interposer_area: Option<Num>,
    port: Option<PortPlan>,
    compute_wafer: WaferPlan,
    io: Option<(WaferPlan, Num, Num)>,
    package_kind: PackageKind,
    price_usd: Option<Num>,
    build_markup: Option<Num>,
    interposer_count: Option<Num>,
    hbm_stacks: Num,
    hbm_gb_per_stack: Num,
    hbm_usd_per_gb: Num,
    interposer_wafer_usd: Num,
    interposer_d0_per_cm2: Num,
    cowos_l_interposer_usd: Num,
    kgd_test_usd_per_die: Num,
    substrate_and_bonding_usd: Num,
    final_test_usd: Num,
    packaging_yield: Num,
    module_usd: Num,
    bf16_tflops: Num,
    fp8_tflops: Option<Num>,
}

/// The compute die as billed, and the numbers that decide how a port splits it.
#[derive(Clone, Debug, PartialEq)]
struct DiePlan {
    area: Num,
    count: Num,
    tdp_w: Num,
    reticle_w: Num,
    reticle_h: Num,
    d2d_area_fraction: Num,
    /// The published die's width and height, where the package names one: the die as made
    /// keeps its shape (a ported or split die is taken square).
    shape: Option<(Num, Num)>,
}

impl DiePlan {
    /// Height over width of the die as made, at values `v`.
    fn aspect(&self, v: &[f64]) -> f64 {
        self.shape.map_or(1.0, |(w, h)| h.get(v) / w.get(v))
    }
}

/// A port worked out at some values: the ported area, the chiplets it is split into and the
/// interposer area it adds.
struct Ported {
    area_to_mm2: f64,
    split_into: u32,
    per_chiplet_mm2: f64,
    fits: bool,
    tdp_to_w: f64,
}

/// The most chiplets a ported die is split into.
const MAX_CHIPLETS: u32 = 64;

impl DiePlan {
    fn port(&self, p: &PortPlan, v: &[f64]) -> Ported {
        let (area, rw, rh) = (self.area.get(v), self.reticle_w.get(v), self.reticle_h.get(v));
        let share = p.logic_share.get(v);
        let ported = area * (share * p.density_from.get(v) / p.density_to.get(v) + (1.0 - share));
        let d2d = self.d2d_area_fraction.get(v);
        let per_chiplet = |k: u32| ported / f64::from(k) * if k > 1 { 1.0 + d2d } else { 1.0 };
        let mut k = 1u32;
        while !fits_reticle(die_shape(per_chiplet(k), rw), rw, rh) && k < MAX_CHIPLETS {
            k += 1;
        }
        Ported {
            area_to_mm2: ported,
            split_into: k,
            per_chiplet_mm2: per_chiplet(k),
            fits: fits_reticle(die_shape(ported, rw), rw, rh),
            tdp_to_w: self.tdp_w.get(v) * p.power_to.get(v) / p.power_from.get(v),
        }
    }
}

/// A port's figures at some values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PortAt {
    pub area_from_mm2: f64,
    pub area_to_mm2: f64,
    pub split_into: u32,
    pub tdp_from_w: f64,
    pub tdp_to_w: f64,
}

impl ChipPlan {
    /// The port (if the design is ported) at values `v`.
    pub fn port_at(&self, v: &[f64]) -> Option<PortAt> {
        let p = self.port.as_ref()?;
        let ported = self.die.port(p, v);
        Some(PortAt {
            area_from_mm2: self.die.area.get(v),
            area_to_mm2: ported.area_to_mm2,
            split_into: ported.split_into,
            tdp_from_w: self.die.tdp_w.get(v),
            tdp_to_w: ported.tdp_to_w,
        })
    }

    /// Counts the gross dies (and interposers) of every die by `count`.
    pub fn set_count(&mut self, count: fab::Count) {
        self.compute_wafer.count = count;
        if let Some((io, _, _)) = &mut self.io {
            io.count = count;
        }
    }

    /// Counts the compute dies' gross dies (and the interposers) by `count`.
    pub fn set_compute_count(&mut self, count: fab::Count) {
        self.compute_wafer.count = count;
    }

    /// The ledger's inputs at values `v`, or why they are refused.
    pub fn derive(&self, v: &[f64]) -> Result<ChipInputs, Refused> {
        let die = &self.die;
        let (area, count) = (die.area.get(v), die.count.get(v));
        let (rw, rh) = (die.reticle_w.get(v), die.reticle_h.get(v));
        if count.fract() != 0.0 {
            return Err(Refused::new(
                format!("{count} is not a whole number of dies"),
                None,
                "a whole number of compute dies",
            ));
        }
        if !fits_reticle(die_shaped(area, rw, die.aspect(v)), rw, rh) {
            return Err(Refused::new(
                format!("a compute die of {area} mm² does not fit the {rw} × {rh} mm reticle field"),
                None,
                "compute dies no larger than the reticle field: split a larger one into die_count dies",
            ));
        }
        let mut interposer_area_mm2 = self.interposer_area.map_or(0.0, |n| n.get(v));
        let (compute_area, compute_count, tdp_w) = match &self.port {
            Some(p) => {
                let ported = die.port(p, v);
                let k = ported.split_into;
                if !ported.fits {
                    interposer_area_mm2 += count * (f64::from(k) * ported.per_chiplet_mm2 - area);
                } else if ported.area_to_mm2 > area {
                    interposer_area_mm2 += count * (ported.area_to_mm2 - area);
                }
                if !fits_reticle(die_shape(ported.per_chiplet_mm2, rw), rw, rh) {
                    return Err(Refused::new(
                        format!(
                            "ported to {} the compute die would be {:.0} mm²: even {k} chiplets do not fit the reticle",
                            p.to_node, ported.area_to_mm2
                        ),
                        Some("--node"),
                        "a node on which the design fits in 64 chiplets or fewer",
                    ));
                }
                (ported.per_chiplet_mm2, count * f64::from(k), ported.tdp_to_w)
            }
            None => (area, count, die.tdp_w.get(v)),
        };
        let compute = Dies {
            wafer: self.compute_wafer.derive_area(v, compute_area)?,
            area_mm2: compute_area,
            count: compute_count,
            aspect: if self.port.is_some() { 1.0 } else { die.aspect(v) },
        };
        let io = match &self.io {
            Some((plan, area, count)) => {
                let area = area.get(v);
                Some(Dies {
                    wafer: plan.derive_area(v, area)?,
                    area_mm2: area,
                    count: count.get(v),
                    aspect: 1.0,
                })
            }
            None => None,
        };
        if self.package_kind == PackageKind::SiliconInterposer && interposer_area_mm2 <= 0.0 {
            return Err(Refused::new(
                format!("a {} package needs its interposer area", self.package_kind.name()),
                None,
                "interposer_area_mm2 in mm²",
            ));
        }
        Ok(ChipInputs {
            compute,
            io,
            reticle_width_mm: rw,
            reticle_height_mm: rh,
            hbm_stacks: self.hbm_stacks.get(v),
            hbm_gb_per_stack: self.hbm_gb_per_stack.get(v),
            hbm_usd_per_gb: self.hbm_usd_per_gb.get(v),
            package_kind: self.package_kind,
            interposer_area_mm2,
            interposer_count: self.interposer_count.map_or(1.0, |n| n.get(v)),
            interposer_wafer_usd: self.interposer_wafer_usd.get(v),
            interposer_d0_per_cm2: self.interposer_d0_per_cm2.get(v),
            cowos_l_interposer_usd: self.cowos_l_interposer_usd.get(v),
            kgd_test_usd_per_die: self.kgd_test_usd_per_die.get(v),
            substrate_and_bonding_usd: self.substrate_and_bonding_usd.get(v),
            final_test_usd: self.final_test_usd.get(v),
            packaging_yield: self.packaging_yield.get(v),
            module_usd: self.module_usd.get(v),
            chiplet: ChipletTerms {
                d2d_area_fraction: die.d2d_area_fraction.get(v),
                bond_yield_per_die: self.bond_yield_per_die.get(v),
                bond_usd_per_die: self.bond_usd_per_die.get(v),
                package_usd_per_mm2: self.package_usd_per_mm2.get(v),
            },
            extra_chiplets: compute_count - count,
            bf16_tflops: self.bf16_tflops.get(v),
            fp8_tflops: self.fp8_tflops.map(|n| n.get(v)),
            tdp_w,
            price_usd: self.price_usd.map(|n| n.get(v)),
            build_markup: self.build_markup.map(|n| n.get(v)),
        })
    }
}

fn plan_chip(
    ds: &Dataset,
    req: &ChipRequest,
    accelerator: &str,
    slots: &mut Slots,
) -> Result<ChipBound, Diagnostic> {
    let mut p = Planner::new(ds, slots);
    let mut notes = Vec::new();
    let pk = |f: &str| key("package", Some(accelerator), f);
    let ak = |f: &str| key("accelerator", Some(accelerator), f);
    let text = |k: &str| -> Result<String, Diagnostic> {
        ds.text(k).map(str::to_string).ok_or_else(|| Diagnostic::new(format!("the data has no `{k}`")).key(k))
    };
    let located = |d: Diagnostic, k: &str| d.key(k).at(ds.param(k).and_then(|p| p.location.clone()));
    let opt = |p: &mut Planner, name: &'static str, k: &str| -> Result<Option<Num>, Diagnostic> {
        match ds.param(k) {
            Some(_) => Ok(Some(p.num(name, k)?)),
            None => Ok(None),
        }
    };

    let from_node = text(&pk("node"))?;
    let area = p.num("die_area_mm2", &pk("die_area_mm2"))?;
    let count = p.num("die_count", &pk("die_count"))?;
    let tdp_w = p.num("tdp_w", &ak("tdp_w"))?;
    let reticle_w = p.num("reticle_width_mm", "fab.reticle_width_mm")?;
    let reticle_h = p.num("reticle_height_mm", "fab.reticle_height_mm")?;
    let d2d_area_fraction = p.num("d2d_area_fraction", "chiplet.d2d_area_fraction")?;
    let bond_yield_per_die = p.num("bond_yield_per_die", "chiplet.bond_yield_per_die")?;
    let bond_usd_per_die = p.num("bond_usd_per_die", "chiplet.bond_usd_per_die")?;
    let package_usd_per_mm2 = p.num("package_usd_per_mm2", "chiplet.package_usd_per_mm2")?;
    let interposer_area = opt(&mut p, "interposer_area_mm2", &pk("interposer_area_mm2"))?;
    // The die's published shape, where the package names the die.
    let shape = match ds.text(&pk("die")) {
        Some(d) => Some((
            p.num("die_width_mm", &key("die", Some(d), "width_mm"))?,
            p.num("die_height_mm", &key("die", Some(d), "height_mm"))?,
        )),
        None => None,
    };
    let (area_c, count_c, tdp_c) = (p.central(area), p.central(count), p.central(tdp_w));
    let (rw, rh) = (p.central(reticle_w), p.central(reticle_h));
    let aspect_c = shape.map_or(1.0, |(w, h)| p.central(h) / p.central(w));
    if count_c.fract() != 0.0 {
        return Err(located(
            Diagnostic::new(format!("{count_c} is not a whole number of dies"))
                .expected("a whole number of compute dies"),
            &pk("die_count"),
        ));
    }
    // A die as made must fit the reticle (a ported one is split to fit, below).
    if !fits_reticle(die_shaped(area_c, rw, aspect_c), rw, rh) {
        return Err(located(
            Diagnostic::new(format!(
                "a compute die of {area_c} mm² does not fit the {rw} × {rh} mm reticle field"
            ))
            .expected(
                "compute dies no larger than the reticle field: split a larger one into die_count dies",
            ),
            &pk("die_area_mm2"),
        ));
    }

    // Port the compute dies: area by density, TDP by power at equal speed.
    let port_plan = match &req.node {
        Some(to) if to.value != from_node => {
            let mut idx = |n: &str, f: &'static str, name: &'static str| {
                let k = key("node", Some(n), f);
                if ds.param(&k).is_none() {
                    return Err(Diagnostic::new(format!(
                        "node `{n}` has no published {f}, so nothing can be ported to or from it"
                    ))
                    .key(k)
                    .expected("a node with density_index and power_index"));
                }
                p.num(name, &k)
            };
            Some(PortPlan {
                to_node: to.value.clone(),
                density_from: idx(&from_node, "density_index", "density_index_from")?,
                density_to: idx(&to.value, "density_index", "density_index_to")?,
                power_from: idx(&from_node, "power_index", "power_index_from")?,
                power_to: idx(&to.value, "power_index", "power_index_to")?,
                logic_share: p.num("port_logic_share", "packaging.port_logic_share")?,
            })
        }
        _ => None,
    };
    let die = DiePlan { area, count, tdp_w, reticle_w, reticle_h, d2d_area_fraction, shape };
    let mut interposer_c = interposer_area.map_or(0.0, |n| p.central(n));
    let (node, compute_area, port) = match &port_plan {
        Some(pp) => {
            let ported = die.port(pp, &p.slots.central);
            p.derived(
                "ported_die_area_mm2",
                ported.area_to_mm2,
                "mm2",
                "area × (logic share × density index (from) ÷ density index (to) + (1 − logic share))".into(),
            );
            p.derived(
                "ported_tdp_w",
                ported.tdp_to_w,
                "W",
                "TDP × power index (to) ÷ power index (from), at equal speed".into(),
            );
            let k = ported.split_into;
            if !ported.fits {
                notes.push(format!(
                    "on {} the compute die would be {:.0} mm², over the {rw} × {rh} mm reticle field: it is split into {k} chiplets of {:.0} mm² with die-to-die interfaces",
                    pp.to_node, ported.area_to_mm2, ported.per_chiplet_mm2
                ));
                interposer_c += count_c * (f64::from(k) * ported.per_chiplet_mm2 - area_c);
            } else if ported.area_to_mm2 > area_c {
                interposer_c += count_c * (ported.area_to_mm2 - area_c);
            }
            let port = Port {
                from_node: from_node.clone(),
                to_node: pp.to_node.clone(),
                area_from_mm2: area_c,
                area_to_mm2: ported.area_to_mm2,
                fits_reticle: ported.fits,
                split_into: k,
                tdp_from_w: tdp_c,
                tdp_to_w: ported.tdp_to_w,
            };
            if !fits_reticle(die_shape(ported.per_chiplet_mm2, rw), rw, rh) {
                return Err(Diagnostic::new(format!(
                    "ported to {} the compute die would be {:.0} mm²: even {k} chiplets do not fit the reticle",
                    port.to_node, port.area_to_mm2
                ))
                .key("--node")
                .expected("a node on which the design fits in 64 chiplets or fewer"));
            }
            (pp.to_node.clone(), ported.per_chiplet_mm2, Some(port))
        }
        None => (from_node.clone(), area_c, None),
    };
    let (compute_wafer, fab_bindings) = node_wafer(ds, &node, compute_area, p.slots)?;
    p.b.bindings.extend(fab_bindings);
    let io_node = ds.text(&pk("io_node"));
    let mut io = None;
    if let Some(io_node) = io_node {
        let io_area = p.num("io_die_area_mm2", &pk("io_die_area_mm2"))?;
        let io_count = p.num("io_die_count", &pk("io_die_count"))?;
        let (io_wafer, io_bindings) = node_wafer(ds, io_node, p.central(io_area), p.slots)?;
        // Recorded (for sampling and sensitivity) under the group `io`, apart from the
        // compute dies' wafer whose names they share.
        p.b.bindings.extend(io_bindings.into_iter().map(|mut x| {
            x.group = Some("io");
            x
        }));
        io = Some((io_wafer, io_area, io_count));
    }
    let package_kind = ds
        .text(&pk("package_kind"))
        .and_then(PackageKind::from_name)
        .ok_or_else(|| Diagnostic::new("no package kind").key(pk("package_kind")))?;
    if package_kind == PackageKind::SiliconInterposer && interposer_c <= 0.0 {
        return Err(Diagnostic::new(format!("a {} package needs its interposer area", package_kind.name()))
            .key(pk("interposer_area_mm2"))
            .expected("interposer_area_mm2 in mm²"));
    }
    // A market price is the product's as made; a ported design has none.
    let price_usd = match port {
        None => opt(&mut p, "price_usd", &ak("price_usd"))?,
        Some(_) => None,
    };
    if package_kind == PackageKind::SiliconInterposer {
        let limit = p.num("silicon_interposer_max_mm2", "packaging.silicon_interposer_max_mm2")?;
        let limit = p.central(limit);
        if interposer_c > limit {
            notes.push(format!(
                "the interposer would be {interposer_c:.0} mm², over the {limit:.0} mm² a silicon interposer \
                 (CoWoS-S) reaches: such a package would need bridges (CoWoS-L), which this estimate does not switch to"
            ));
        }
    }
    let mut plan = ChipPlan {
        die,
        bond_yield_per_die,
        bond_usd_per_die,
        package_usd_per_mm2,
        interposer_area,
        port: port_plan,
        compute_wafer,
        io,
        package_kind,
        price_usd,
        build_markup: opt(&mut p, "build_markup", &ak("build_markup"))?,
        interposer_count: opt(&mut p, "interposer_count", &pk("interposer_count"))?,
        hbm_stacks: p.num("hbm_stacks", &pk("hbm_stacks"))?,
        hbm_gb_per_stack: p.num("hbm_gb_per_stack", &pk("hbm_gb_per_stack"))?,
        hbm_usd_per_gb: p.num("hbm_usd_per_gb", &pk("hbm_usd_per_gb"))?,
        interposer_wafer_usd: p.num("interposer_wafer_usd", "packaging.interposer_wafer_usd")?,
        interposer_d0_per_cm2: p.num("interposer_d0_per_cm2", "packaging.interposer_d0_per_cm2")?,
        cowos_l_interposer_usd: p.num("cowos_l_interposer_usd", "packaging.cowos_l_interposer_usd")?,
        kgd_test_usd_per_die: p.num("kgd_test_usd_per_die", "packaging.kgd_test_usd_per_die")?,
        substrate_and_bonding_usd: p.num("substrate_and_bonding_usd", &pk("substrate_and_bonding_usd"))?,
        final_test_usd: p.num("final_test_usd", &pk("final_test_usd"))?,
        packaging_yield: p.num("packaging_yield", &pk("packaging_yield"))?,
        module_usd: p.num("module_usd", &pk("module_usd"))?,
        bf16_tflops: p.num("bf16_tflops", &ak("bf16_tflops"))?,
        fp8_tflops: opt(&mut p, "fp8_tflops", &ak("fp8_tflops"))?,
    };
    plan.set_count(fab::count_of(req.count.as_ref())?);
    let inputs = plan.derive(&p.slots.central).map_err(Diagnostic::from)?;
    let chiplets = req.chiplets.as_ref().map(|g| g.value.clone()).unwrap_or_default();
    Ok(ChipBound {
        accelerator: accelerator.to_string(),
        accelerator_name: ds.text(&ak("name")).unwrap_or(accelerator).to_string(),
        node,
        io_node: io_node.map(str::to_string),
        port: port.clone(),
        chiplets,
        // A published estimate is of the accelerator as made from its built-in bill, not as
        // ported or as changed by a scenario or --set.
        published_build_cost_usd: (port.is_none() && !bill_changed(ds, accelerator))
            .then(|| ds.param(&pk("published_build_cost_usd")).map(|p| p.value))
            .flatten(),
        inputs,
        bindings: p.bindings(),
        notes,
        plan,
    })
}
