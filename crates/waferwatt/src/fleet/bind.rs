//! Binding a fleet (flags, a scenario's `[fleet]`, or the report's fleet in the data) to the
//! data: the accelerator through the chip ledger, the mature node through the fab ledger,
//! the power of a region through the training ledger.

use std::collections::BTreeMap;

use super::{FleetInputs, ScannerGroup};
use crate::chip::{self, ChipBound, ChipRequest};
use crate::data::{Dataset, ScenarioInput, key};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fab::{self, ToolClass, WaferRequest};
use crate::provenance::{Binder, Binding, Given, InputOrigin, read_command_section};
use crate::train::{self, TrainRequest};
use crate::units::HOURS_PER_YEAR;

/// Accepted keys of a scenario's `[fleet]` section.
pub const FLEET_KEYS: &[&str] = &[
    "scanners",
    "share",
    "node",
    "accelerator",
    "hbm_stacks_per_month",
    "packaging_wafers_per_month",
    "region",
    "mfu",
];

/// A fleet as asked for; what is left out comes from the data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FleetRequest {
    /// Scanner ids and counts.
    pub scanners: Option<Given<Vec<(String, f64)>>>,
    /// Share of each scanner class given to the node.
    pub shares: Option<Given<Vec<(String, f64)>>>,
    pub node: Option<Given<String>>,
    pub accelerator: Option<Given<String>>,
    pub hbm_stacks_per_month: Option<Given<f64>>,
    pub packaging_wafers_per_month: Option<Given<f64>>,
    pub region: Option<Given<String>>,
    pub mfu: Option<Given<f64>>,
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
                "region" => req.region = Some(f.text()?),
                "hbm_stacks_per_month" => req.hbm_stacks_per_month = Some(f.number()?),
                "packaging_wafers_per_month" => req.packaging_wafers_per_month = Some(f.number()?),
                "mfu" => req.mfu = Some(f.number()?),
                _ => return Err(f.unknown(FLEET_KEYS)),
            }
            Ok(())
        })?;
        Ok(req)
    }

    pub fn overlay(self, over: FleetRequest) -> FleetRequest {
        FleetRequest {
            scanners: over.scanners.or(self.scanners),
            shares: over.shares.or(self.shares),
            node: over.node.or(self.node),
            accelerator: over.accelerator.or(self.accelerator),
            hbm_stacks_per_month: over.hbm_stacks_per_month.or(self.hbm_stacks_per_month),
            packaging_wafers_per_month: over.packaging_wafers_per_month.or(self.packaging_wafers_per_month),
            region: over.region.or(self.region),
            mfu: over.mfu.or(self.mfu),
        }
    }

    /// The report's fleet, from the data's `[fleet]` entries.
    pub fn from_data(ds: &Dataset) -> FleetRequest {
        let text = |k: &str| ds.text(k).map(|v| Given::data(v.to_string(), k));
        let num = |k: &str| ds.param(k).map(|p| Given::data(p.value, k));
        FleetRequest {
            scanners: ds
                .text("fleet.report_scanner")
                .zip(ds.param("fleet.report_arfi_scanners"))
                .map(|(s, n)| Given::data(vec![(s.to_string(), n.value)], "fleet.report_arfi_scanners")),
            shares: None,
            node: text("fleet.report_node"),
            accelerator: text("fleet.report_accelerator"),
            hbm_stacks_per_month: num("fleet.report_hbm_stacks_per_month"),
            packaging_wafers_per_month: None,
            region: text("fleet.report_region"),
            mfu: None,
        }
    }
}

/// A request bound to the data.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetBound {
    pub accelerator: String,
    pub accelerator_name: String,
    pub node: String,
    pub region: String,
    pub mature_node: String,
    /// The scanner id of each group of [`FleetInputs::scanners`].
    pub scanner_ids: Vec<String>,
    pub chip: ChipBound,
    pub inputs: FleetInputs,
    pub bindings: Vec<Binding>,
    pub notes: Vec<String>,
}

/// A number given by a flag or scenario, or read from the data when the request names a
/// data key (so that the sensitivity sweeps can move it).
fn number(b: &mut Binder, name: &'static str, unit: &'static str, g: &Given<f64>) -> Result<f64, Diagnostic> {
    match &g.from {
        InputOrigin::Data(k) if b.ds.param(k).is_some() => b.data(name, k),
        _ => Ok(b.given(name, unit, g)),
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
    bind_fleet(ds, req).map_err(Diagnostics::from)
}

fn bind_fleet(ds: &Dataset, req: &FleetRequest) -> Result<FleetBound, Diagnostic> {
    let from_data = FleetRequest::from_data(ds);
    let pick = |a: &Option<Given<String>>, b: &Option<Given<String>>, k: &str| {
        a.clone().or(b.clone()).ok_or_else(|| Diagnostic::new(format!("the data has no `{k}`")).key(k))
    };
    let accelerator = pick(&req.accelerator, &from_data.accelerator, "fleet.report_accelerator")?;
    ds.require_id("accelerator", &accelerator.value, &accelerator.name("accelerator"))
        .map_err(|d| d.at(accelerator.at()))?;
    // The node: as asked, or the one the accelerator's bill of materials names.
    let node = match &req.node {
        Some(n) => n.clone(),
        None => {
            let k = key("package", Some(&accelerator.value), "node");
            Given::data(ds.text(&k).unwrap_or_default().to_string(), &k)
        }
    };
    let region = pick(&req.region, &from_data.region, "fleet.report_region")?;
    let chip = chip::bind(
        ds,
        &ChipRequest { accelerator: Some(accelerator.clone()), node: Some(node.clone()), chiplets: None },
    )
    .map_err(first)?;

    let mut b = Binder::new(ds);
    let mut notes = chip.notes.clone();

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
        b.group = Some(class.name());
        let count = number(&mut b, "scanners", "count", &g)?;
        let share = match shares.iter().find(|(c, _)| c == class.name()) {
            Some((_, s)) => b.given("share", "fraction", &Given { value: *s, from: share_from.clone() }),
            None => {
                b.derived("share", 1.0, "fraction", "all of them (no share given)".into());
                1.0
            }
        };
        groups.push(ScannerGroup {
            class,
            count,
            share,
            wph: b.data("fleet_wph", &sk("wph"))?,
            effective_fraction: b.data("fleet_effective_fraction", &sk("effective_fraction"))?,
            availability: b.data("fleet_availability", &sk("availability"))?,
        });
        b.group = None;
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

    if let Some(io) = &chip.io_node {
        notes.push(format!(
            "{}'s I/O dies are made on {io}, outside this fleet: only its compute dies load the scanners",
            accelerator.value
        ));
    }

    // Caps on the accelerators: HBM and packaging, if given.
    let hbm_stacks_per_month = match &req.hbm_stacks_per_month {
        Some(g) => {
            at_least(g, "hbm_stacks_per_month", 0.0, "a number of stacks, zero or more")?;
            Some(number(&mut b, "hbm_stacks_per_month", "stacks/month", g)?)
        }
        None => {
            notes.push("HBM supply not given: taken as not limiting (--hbm-stacks-per-month)".into());
            None
        }
    };
    let packaging_wafers_per_month = match &req.packaging_wafers_per_month {
        Some(g) => {
            at_least(g, "packaging_wafers_per_month", 0.0, "a number of wafers, zero or more")?;
            if chip.inputs.package_kind != chip::PackageKind::SiliconInterposer {
                notes.push(format!(
                    "packaging wafers cap silicon-interposer packages only; {} uses {}",
                    accelerator.value,
                    chip.inputs.package_kind.name()
                ));
            }
            Some(number(&mut b, "packaging_wafers_per_month", "wafers/month", g)?)
        }
        None => {
            notes.push(
                "advanced-packaging capacity not given: taken as not limiting (--packaging-wafers-per-month)"
                    .into(),
            );
            None
        }
    };
    if let Some(g) = &req.mfu {
        at_least(g, "mfu", f64::MIN_POSITIVE, "an MFU above zero")?;
    }

    // Power and its price in the region, and the MFU, as the training ledger binds them
    // for one accelerator running a year (the size does not change them).
    let tb = train::bind(
        ds,
        &TrainRequest {
            accelerator: Some(accelerator.clone()),
            regions: Some(Given { value: vec![region.value.clone()], from: region.from.clone() }),
            accelerator_hours: Some(Given::data(HOURS_PER_YEAR, "fleet")),
            ..Default::default()
        },
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
    b.bindings.extend(tb.bindings.iter().filter(|x| !NOT_POWER.contains(&x.name)).cloned());

    // The mature node, for the output the scanners give up: the same die area.
    let mature_node = ds.text("fleet.mature_node").unwrap_or_default().to_string();
    let mature = fab::bind(
        ds,
        &WaferRequest {
            nodes: Some(Given::data(vec![mature_node.clone()], "fleet.mature_node")),
            die_area_mm2: Some(Given::data(chip.inputs.compute.area_mm2, "package.die_area_mm2")),
            stitched: Some(Given::data(true, "fleet")),
            ..Default::default()
        },
    )
    .map_err(first)?
    .remove(0)
    .inputs;
    let run_days = b.data("run_days", "fleet.run_days")?;
    let mfu = b.either("mfu", &req.mfu, "training.mfu")?;
    if mfu > 1.0 {
        return Err(Diagnostic::new(format!("{mfu} is not an MFU"))
            .key(req.mfu.as_ref().map_or("training.mfu".into(), |g| g.name("mfu")))
            .expected("a share of peak FLOP/s, above 0 and at most 1"));
    }
    let t = &tb.inputs;
    let inputs = FleetInputs {
        chip: chip.inputs,
        mature,
        scanners: groups,
        hbm_stacks_per_month,
        packaging_wafers_per_month,
        mfu,
        goodput: t.goodput,
        run_days,
        server_power_multiplier: t.server_power_multiplier,
        avg_power_fraction: t.avg_power_fraction,
        pue: t.pue,
        tariff_usd_per_kwh: t.tariff_usd_per_kwh,
    };
    // The chip ledger's numbers feed the die and package figures.
    b.bindings.extend(chip.bindings.iter().cloned());
    Ok(FleetBound {
        accelerator: accelerator.value.clone(),
        accelerator_name: chip.accelerator_name.clone(),
        node: chip.node.clone(),
        region: region.value.clone(),
        mature_node,
        scanner_ids,
        chip,
        inputs,
        bindings: b.bindings,
        notes,
    })
}

fn first(d: Diagnostics) -> Diagnostic {
    d.0.into_iter().next().unwrap_or_else(|| Diagnostic::new("the fleet did not bind"))
}
