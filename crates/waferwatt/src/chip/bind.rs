//! From a request (flags or a scenario's `[chip]` section) and the data in force — the
//! accelerator, its bill of materials (`package.*`), the nodes of its dies, packaging and
//! chiplet terms — to the plain [`ChipInputs`] of the ledger, with provenance. A node to
//! port to scales the compute dies' area by logic density and the TDP by power at equal
//! speed.

use std::collections::BTreeMap;

use super::{ChipInputs, ChipletTerms, Dies, PackageKind, die_shape, fits_reticle};
use crate::data::{Dataset, InputValue, ScenarioInput, key};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fab::{self, WaferInputs, WaferRequest};
use crate::provenance::{Binder, Binding, Given, read_command_section};

/// What the user asked of `chip`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChipRequest {
    pub accelerator: Option<Given<String>>,
    /// A node to port the compute dies to.
    pub node: Option<Given<String>>,
    /// Splits of the compute area to compare.
    pub chiplets: Option<Given<Vec<u32>>>,
}

/// Accepted keys of a scenario's `[chip]` section.
pub const CHIP_KEYS: &[&str] = &["accelerator", "node", "chiplets"];

impl ChipRequest {
    /// Reads a scenario's `[chip]` section.
    pub fn from_scenario(section: &BTreeMap<String, ScenarioInput>) -> Result<ChipRequest, Diagnostics> {
        let mut req = ChipRequest::default();
        let counts = "chiplet counts from 1 to 64, e.g. \"1,2,4\"";
        read_command_section("chip", section, |f| {
            match f.key {
                "accelerator" => req.accelerator = Some(f.text()?),
                "node" => req.node = Some(f.text()?),
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
}

/// The fab ledger's inputs for `node`; the die is set per use.
fn node_wafer(ds: &Dataset, node: &str, area: f64) -> Result<(WaferInputs, Vec<Binding>), Diagnostic> {
    let req = WaferRequest {
        nodes: Some(Given::data(vec![node.to_string()], "package.node")),
        die_area_mm2: Some(Given::data(area, "package.die_area_mm2")),
        stitched: Some(Given::data(true, "package")),
        ..Default::default()
    };
    let b = fab::bind(ds, &req)
        .map_err(|d| d.0.into_iter().next().unwrap_or_else(|| Diagnostic::new("no node")))?;
    let b = b.into_iter().next().ok_or_else(|| Diagnostic::new(format!("node `{node}` did not bind")))?;
    Ok((b.inputs, b.bindings))
}

/// Whether a scenario or `--set` changed any number of an accelerator's bill of materials.
fn bill_changed(ds: &Dataset, accelerator: &str) -> bool {
    let prefix = format!("package.{accelerator}.");
    ds.params.iter().any(|(k, p)| k.starts_with(&prefix) && p.origin != crate::data::Origin::Default)
}

/// Binds a request to the data.
pub fn bind(ds: &Dataset, req: &ChipRequest) -> Result<ChipBound, Diagnostics> {
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
    bind_chip(ds, req, &accelerator).map_err(Diagnostics::from)
}

fn bind_chip(ds: &Dataset, req: &ChipRequest, accelerator: &str) -> Result<ChipBound, Diagnostic> {
    let mut b = Binder::new(ds);
    let mut notes = Vec::new();
    let pk = |f: &str| key("package", Some(accelerator), f);
    let ak = |f: &str| key("accelerator", Some(accelerator), f);
    let text = |k: &str| -> Result<String, Diagnostic> {
        ds.text(k).map(str::to_string).ok_or_else(|| Diagnostic::new(format!("the data has no `{k}`")).key(k))
    };

    let from_node = text(&pk("node"))?;
    let area = b.data("die_area_mm2", &pk("die_area_mm2"))?;
    let count = b.data("die_count", &pk("die_count"))?;
    if count.fract() != 0.0 {
        return Err(Diagnostic::new(format!("{count} is not a whole number of dies"))
            .key(pk("die_count"))
            .at(ds.param(&pk("die_count")).and_then(|p| p.location.clone()))
            .expected("a whole number of compute dies"));
    }
    let tdp_w = b.data("tdp_w", &ak("tdp_w"))?;
    let reticle_width_mm = b.data("reticle_width_mm", "fab.reticle_width_mm")?;
    let reticle_height_mm = b.data("reticle_height_mm", "fab.reticle_height_mm")?;
    let chiplet = ChipletTerms {
        d2d_area_fraction: b.data("d2d_area_fraction", "chiplet.d2d_area_fraction")?,
        bond_yield_per_die: b.data("bond_yield_per_die", "chiplet.bond_yield_per_die")?,
        bond_usd_per_die: b.data("bond_usd_per_die", "chiplet.bond_usd_per_die")?,
        package_usd_per_mm2: b.data("package_usd_per_mm2", "chiplet.package_usd_per_mm2")?,
    };
    let mut interposer_area_mm2 = match ds.param(&pk("interposer_area_mm2")) {
        Some(_) => b.data("interposer_area_mm2", &pk("interposer_area_mm2"))?,
        None => 0.0,
    };

    // A die as made must fit the reticle (a ported one is split to fit, below).
    if !fits_reticle(die_shape(area, reticle_width_mm), reticle_width_mm, reticle_height_mm) {
        return Err(Diagnostic::new(format!(
            "a compute die of {area} mm² does not fit the {reticle_width_mm} × {reticle_height_mm} mm reticle field"
        ))
        .key(pk("die_area_mm2"))
        .at(ds.param(&pk("die_area_mm2")).and_then(|p| p.location.clone()))
        .expected("compute dies no larger than the reticle field: split a larger one into die_count dies"));
    }

    // Port the compute dies: area by density, TDP by power at equal speed.
    let (node, compute_area, compute_count, tdp_w, port) = match &req.node {
        Some(to) if to.value != from_node => {
            let idx = |n: &str, f: &'static str, name: &'static str, b: &mut Binder| {
                let k = key("node", Some(n), f);
                if ds.param(&k).is_none() {
                    return Err(Diagnostic::new(format!(
                        "node `{n}` has no published {f}, so nothing can be ported to or from it"
                    ))
                    .key(k)
                    .expected("a node with density_index and power_index"));
                }
                b.data(name, &k)
            };
            let (d_from, d_to) = (
                idx(&from_node, "density_index", "density_index_from", &mut b)?,
                idx(&to.value, "density_index", "density_index_to", &mut b)?,
            );
            let (p_from, p_to) = (
                idx(&from_node, "power_index", "power_index_from", &mut b)?,
                idx(&to.value, "power_index", "power_index_to", &mut b)?,
            );
            let share = b.data("port_logic_share", "packaging.port_logic_share")?;
            let ported = area * (share * d_from / d_to + (1.0 - share));
            let tdp_to = tdp_w * p_to / p_from;
            b.derived(
                "ported_die_area_mm2",
                ported,
                "mm2",
                "area × (logic share × density index (from) ÷ density index (to) + (1 − logic share))".into(),
            );
            b.derived(
                "ported_tdp_w",
                tdp_to,
                "W",
                "TDP × power index (to) ÷ power index (from), at equal speed".into(),
            );
            let fits = fits_reticle(die_shape(ported, reticle_width_mm), reticle_width_mm, reticle_height_mm);
            let mut k = 1u32;
            let per_chiplet =
                |k: u32| ported / f64::from(k) * if k > 1 { 1.0 + chiplet.d2d_area_fraction } else { 1.0 };
            while !fits_reticle(
                die_shape(per_chiplet(k), reticle_width_mm),
                reticle_width_mm,
                reticle_height_mm,
            ) && k < 64
            {
                k += 1;
            }
            if !fits {
                notes.push(format!(
                    "on {} the compute die would be {:.0} mm², over the {} × {} mm reticle field: it is split into {k} chiplets of {:.0} mm² with die-to-die interfaces",
                    to.value, ported, reticle_width_mm, reticle_height_mm, per_chiplet(k)
                ));
                interposer_area_mm2 += count * (f64::from(k) * per_chiplet(k) - area);
            } else if ported > area {
                interposer_area_mm2 += count * (ported - area);
            }
            let port = Port {
                from_node: from_node.clone(),
                to_node: to.value.clone(),
                area_from_mm2: area,
                area_to_mm2: ported,
                fits_reticle: fits,
                split_into: k,
                tdp_from_w: tdp_w,
                tdp_to_w: tdp_to,
            };
            (to.value.clone(), per_chiplet(k), count * f64::from(k), tdp_to, Some(port))
        }
        _ => (from_node.clone(), area, count, tdp_w, None),
    };
    let extra_chiplets = compute_count - count;
    let fits = fits_reticle(die_shape(compute_area, reticle_width_mm), reticle_width_mm, reticle_height_mm);
    if let (Some(p), false) = (&port, fits) {
        return Err(Diagnostic::new(format!(
            "ported to {} the compute die would be {:.0} mm²: even {} chiplets do not fit the reticle",
            p.to_node, p.area_to_mm2, p.split_into
        ))
        .key("--node")
        .expected("a node on which the design fits in 64 chiplets or fewer"));
    }
    let (wafer, fab_bindings) = node_wafer(ds, &node, compute_area)?;
    b.bindings.extend(fab_bindings);
    let io = match ds.text(&pk("io_node")) {
        Some(io_node) => {
            let io_area = b.data("io_die_area_mm2", &pk("io_die_area_mm2"))?;
            let io_count = b.data("io_die_count", &pk("io_die_count"))?;
            let (io_wafer, io_bindings) = node_wafer(ds, io_node, io_area)?;
            // Recorded (for sampling and sensitivity) under the group `io`, apart from the
            // compute dies' wafer whose names they share.
            b.bindings.extend(io_bindings.into_iter().map(|mut x| {
                x.group = Some("io");
                x
            }));
            Some((io_node.to_string(), Dies { wafer: io_wafer, area_mm2: io_area, count: io_count }))
        }
        None => None,
    };
    let package_kind = ds
        .text(&pk("package_kind"))
        .and_then(PackageKind::from_name)
        .ok_or_else(|| Diagnostic::new("no package kind").key(pk("package_kind")))?;
    if package_kind == PackageKind::SiliconInterposer && interposer_area_mm2 <= 0.0 {
        return Err(Diagnostic::new(format!("a {} package needs its interposer area", package_kind.name()))
            .key(pk("interposer_area_mm2"))
            .expected("interposer_area_mm2 in mm²"));
    }
    // A market price is the product's as made; a ported design has none.
    let price_usd = match ds.param(&ak("price_usd")) {
        Some(_) if port.is_none() => Some(b.data("price_usd", &ak("price_usd"))?),
        _ => None,
    };
    if package_kind == PackageKind::SiliconInterposer {
        let limit = b.data("silicon_interposer_max_mm2", "packaging.silicon_interposer_max_mm2")?;
        if interposer_area_mm2 > limit {
            notes.push(format!(
                "the interposer would be {interposer_area_mm2:.0} mm², over the {limit:.0} mm² a silicon interposer \
                 (CoWoS-S) reaches: such a package would need bridges (CoWoS-L), which this estimate does not switch to"
            ));
        }
    }
    let build_markup = match ds.param(&ak("build_markup")) {
        Some(_) => Some(b.data("build_markup", &ak("build_markup"))?),
        None => None,
    };
    let interposer_count = match ds.param(&pk("interposer_count")) {
        Some(_) => b.data("interposer_count", &pk("interposer_count"))?,
        None => 1.0,
    };
    let inputs = ChipInputs {
        compute: Dies { wafer, area_mm2: compute_area, count: compute_count },
        io: io.as_ref().map(|(_, d)| *d),
        reticle_width_mm,
        reticle_height_mm,
        hbm_stacks: b.data("hbm_stacks", &pk("hbm_stacks"))?,
        hbm_gb_per_stack: b.data("hbm_gb_per_stack", &pk("hbm_gb_per_stack"))?,
        hbm_usd_per_gb: b.data("hbm_usd_per_gb", &pk("hbm_usd_per_gb"))?,
        package_kind,
        interposer_area_mm2,
        interposer_count,
        interposer_wafer_usd: b.data("interposer_wafer_usd", "packaging.interposer_wafer_usd")?,
        interposer_d0_per_cm2: b.data("interposer_d0_per_cm2", "packaging.interposer_d0_per_cm2")?,
        cowos_l_interposer_usd: b.data("cowos_l_interposer_usd", "packaging.cowos_l_interposer_usd")?,
        kgd_test_usd_per_die: b.data("kgd_test_usd_per_die", "packaging.kgd_test_usd_per_die")?,
        substrate_and_bonding_usd: b.data("substrate_and_bonding_usd", &pk("substrate_and_bonding_usd"))?,
        final_test_usd: b.data("final_test_usd", &pk("final_test_usd"))?,
        packaging_yield: b.data("packaging_yield", &pk("packaging_yield"))?,
        module_usd: b.data("module_usd", &pk("module_usd"))?,
        chiplet,
        extra_chiplets,
        bf16_tflops: b.data("bf16_tflops", &ak("bf16_tflops"))?,
        fp8_tflops: match ds.param(&ak("fp8_tflops")) {
            Some(_) => Some(b.data("fp8_tflops", &ak("fp8_tflops"))?),
            None => None,
        },
        tdp_w,
        price_usd,
        build_markup,
    };
    let chiplets = req.chiplets.as_ref().map(|g| g.value.clone()).unwrap_or_default();
    Ok(ChipBound {
        accelerator: accelerator.to_string(),
        accelerator_name: ds.text(&ak("name")).unwrap_or(accelerator).to_string(),
        node,
        io_node: io.map(|(n, _)| n),
        port: port.clone(),
        chiplets,
        // A published estimate is of the accelerator as made from its built-in bill, not as
        // ported or as changed by a scenario or --set.
        published_build_cost_usd: (port.is_none() && !bill_changed(ds, accelerator))
            .then(|| ds.param(&pk("published_build_cost_usd")).map(|p| p.value))
            .flatten(),
        inputs,
        bindings: b.bindings,
        notes,
    })
}
