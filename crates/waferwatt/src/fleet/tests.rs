//! Hand-worked cases and properties of the capacity ledger.

use proptest::prelude::*;

use super::*;
use crate::data::Dataset;
use crate::provenance::Given;

/// The report's fleet on the built-in data: China's immersion scanners, SMIC's wafer starts
/// for Ascend 910C and 910B on n7-smic, the bank of dies, the HBM stock and flow, packaging.
fn report_fleet() -> FleetInputs {
    static FLEET: std::sync::OnceLock<FleetInputs> = std::sync::OnceLock::new();
    FLEET
        .get_or_init(|| {
            let ds = Dataset::builtin().unwrap();
            bind(&ds, &FleetRequest::from_data(&ds)).unwrap().inputs
        })
        .clone()
}

/// The report's fleet with only its scanners as a limit.
fn scanners_only() -> FleetInputs {
    FleetInputs {
        wafer_starts_per_month: None,
        die_bank: None,
        hbm: None,
        packaging_wafers_per_month: None,
        ..report_fleet()
    }
}

fn group(count: f64, overlay_nm: Option<f64>) -> ScannerGroup {
    ScannerGroup {
        class: ToolClass::Arfi,
        count,
        share: 1.0,
        wph: 250.0,
        effective_fraction: 0.8,
        availability: 0.9,
        overlay_nm,
    }
}

#[test]
fn hand_worked_scanner_capacity() {
    // One ArFi class: 10 exposures at 250 wph × 0.8 effective is 0.05 scanner-hours a
    // wafer; a scanner up 90 % of a 730-hour month carries 730 × 0.9 ÷ 0.05 = 13,140 wafer
    // starts a month (at full utilization); 40 of them, half given to the node, 262,800.
    let wafer = crate::fab::tests::hand_case();
    let g = ScannerGroup { share: 0.5, ..group(40.0, None) };
    let w = group_capacity(&wafer, &g).unwrap();
    assert!((w - 40.0 * 0.5 * 730.0 * 0.9 / 0.05).abs() < 1e-6, "{w}");
    // A class the node does not use carries nothing.
    assert_eq!(group_capacity(&wafer, &ScannerGroup { class: ToolClass::Euv, ..g }), None);
}

#[test]
fn layers_that_need_tight_overlay_go_only_to_the_scanners_that_give_it() {
    let wafer = crate::fab::tests::hand_case();
    // One scanner gives 250 × 0.8 × 0.9 × 730 = 131,400 exposures a month (utilization 1).
    let per_scanner = 131_400.0;
    // A wafer: 10 exposures of a layer that needs 2 nm, 30 of layers that need nothing.
    let demand = [
        LayerDemand { class: ToolClass::Arfi, overlay_budget_nm: Some(2.0), exposure_time: 10.0 },
        LayerDemand { class: ToolClass::Arfi, overlay_budget_nm: None, exposure_time: 30.0 },
    ];
    let cap =
        |groups: &[ScannerGroup]| class_capacity(&wafer, &demand, groups)[ToolClass::Arfi as usize].unwrap();
    // 10 fine scanners (1.5 nm) and 30 coarse ones (3 nm): all 40 share the 40 exposures, and
    // the fine ones can take the tight 10 — the whole fleet sets it: 40 × 131,400 ÷ 40.
    let mixed = [group(10.0, Some(1.5)), group(30.0, Some(3.0))];
    assert!((cap(&mixed) - 40.0 * per_scanner / 40.0).abs() < 1e-6);
    // 2 fine and 38 coarse: the fine ones alone must print the tight layer, 2 × 131,400 ÷ 10.
    let few = [group(2.0, Some(1.5)), group(38.0, Some(3.0))];
    assert!((cap(&few) - 2.0 * per_scanner / 10.0).abs() < 1e-6);
    // Coarse scanners only: the tight layer cannot be printed at all.
    assert_eq!(cap(&[group(40.0, Some(3.0))]), 0.0);
    // An unknown overlay prints everything, as before overlay was modelled.
    assert!((cap(&[group(40.0, None)]) - per_scanner).abs() < 1e-6);
}

#[test]
fn hbm_is_a_stock_drawn_down_and_a_flow_under_its_ceiling() {
    let m = Memory {
        stock_stacks: 12e6,
        drawdown_months: 24.0,
        stock_share: 0.5,
        domestic_stacks_per_month: 100_000.0,
        domestic_ceiling_stacks_per_month: 40_000.0,
    };
    // 12 M × 0.5 ÷ 24 = 250,000 a month from the stock; the domestic flow held to 40,000.
    assert!((m.stacks_per_month() - 290_000.0).abs() < 1e-6);
    assert_eq!(Hbm::Flow(5.0).stacks_per_month(), 5.0);
}

#[test]
fn the_chain_from_scanners_to_gigawatts_holds_together() {
    let x = report_fleet();
    let o = evaluate(&x);
    // Dies: the wafers' and the bank's, in proportion, make the packages' dies.
    let dies = o.wafer_starts_per_month * o.chip.compute_die.good_dies + o.bank_dies_per_month;
    let packages = [Some(o.packages_by_dies), o.packages_by_hbm, o.packages_by_packaging]
        .into_iter()
        .flatten()
        .fold(f64::INFINITY, f64::min);
    assert!((dies - packages * o.dies_per_package).abs() < 1e-6 * dies);
    // Each accelerator its share of the packages, at its packaging yield.
    let total: f64 = x.mix.iter().map(|m| m.share).sum();
    for (m, n) in x.mix.iter().zip(&o.accelerators_by_item) {
        assert!((n - packages * m.share / total * m.chip.package_yield() * 12.0).abs() < 1e-6 * n);
    }
    // FLOP/s, the 100-day run, and power.
    let flops: f64 =
        x.mix.iter().zip(&o.accelerators_by_item).map(|(m, n)| n * m.chip.bf16_tflops * 1e12).sum();
    assert!((o.bf16_flops_added_per_year - flops).abs() < 1e-6 * flops);
    assert!(
        (o.largest_run_flop - flops * x.mfu * x.goodput * x.run_days * 86_400.0).abs()
            < 1e-6 * o.largest_run_flop
    );
    assert!((o.facility_power_gw - o.it_power_gw * x.pue).abs() < 1e-12);
    assert!(o.scanner_utilization > 0.0 && o.scanner_utilization <= 1.0 + 1e-12);
    check(&o).unwrap();
}

#[test]
fn adding_a_resource_that_does_not_bind_changes_nothing() {
    let mut x = scanners_only();
    let base = evaluate(&x);
    assert_eq!(base.bottleneck, Bottleneck::Scanners(ToolClass::Arfi));
    // More HBM than the dies need, and a KrF fleet next to the ArFi one.
    x.hbm = Some(Hbm::Flow(1e12));
    x.scanners.push(ScannerGroup { class: ToolClass::Krf, count: 1e6, ..x.scanners[0] });
    let more = evaluate(&x);
    assert_eq!(more.accelerators_per_year, base.accelerators_per_year);
    assert_eq!(more.bottleneck, base.bottleneck);
}

#[test]
fn forgone_mature_wafers_follow_the_busy_scanners_class_by_class() {
    let mut x = scanners_only();
    // A KrF fleet beside the ArFi one: ArFi binds; on n28 the busy scanners of each class
    // carry their share, and the scarcer sets the forgone wafers.
    x.scanners.push(ScannerGroup { class: ToolClass::Krf, count: 50.0, ..x.scanners[0] });
    x.wafer_starts_per_month = Some(5000.0);
    let o = evaluate(&x);
    let mature = class_capacity(&x.mature, &x.mature_demand, &x.scanners);
    let expect = [ToolClass::Arfi, ToolClass::Krf]
        .iter()
        .map(|c| {
            mature[*c as usize].unwrap() * o.wafer_starts_per_month / o.class_capacity[*c as usize].unwrap()
        })
        .fold(f64::INFINITY, f64::min);
    assert!((o.forgone_mature_wafers_per_month - expect).abs() <= 1e-9 * expect);
    // With one class it is the fleet's mature capacity times the share in use.
    let p = evaluate(&report_fleet());
    assert!(
        (p.forgone_mature_wafers_per_month - p.mature_capacity_per_month * p.scanner_utilization).abs()
            < 1e-6
    );
}

#[test]
fn when_hbm_binds_it_sets_the_output_and_scanners_idle() {
    let mut x = report_fleet();
    x.hbm = Some(Hbm::Flow(1000.0));
    let o = evaluate(&x);
    assert_eq!(o.bottleneck, Bottleneck::Hbm);
    let total: f64 = x.mix.iter().map(|m| m.share).sum();
    let expect: f64 = x
        .mix
        .iter()
        .map(|m| 1000.0 / o.stacks_per_package * m.share / total * m.chip.package_yield() * 12.0)
        .sum();
    assert!((o.accelerators_per_year - expect).abs() < 1e-9 * expect);
    assert!(o.scanner_utilization < 1.0);
}

#[test]
fn the_report_fleet_has_every_limit_and_names_what_binds() {
    let ds = Dataset::builtin().unwrap();
    let b = bind(&ds, &FleetRequest::default()).unwrap();
    let x = &b.inputs;
    assert!(
        x.wafer_starts_per_month.is_some() && x.die_bank.is_some() && x.packaging_wafers_per_month.is_some()
    );
    assert!(matches!(x.hbm, Some(Hbm::Stock(_))));
    assert_eq!(b.mix.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["ascend-910c", "ascend-910b"]);
    let o = evaluate(x);
    // Not limiting is asked for, never the default.
    let open = bind(
        &ds,
        &FleetRequest {
            hbm_stacks_per_month: Some(Given::flag(None, "--hbm-stacks-per-month")),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(open.inputs.hbm, None);
    assert!(open.notes.iter().any(|n| n.contains("not limiting, as asked")));
    assert!(evaluate(&open.inputs).accelerators_per_year >= o.accelerators_per_year);
}

#[test]
fn a_request_binds_from_flags() {
    let ds = Dataset::builtin().unwrap();
    let req = FleetRequest {
        scanners: Some(Given::flag(vec![("nxt2000i".into(), 100.0)], "--scanners")),
        node: Some(Given::flag("n7-duv".into(), "--node")),
        accelerator: Some(Given::flag("ascend-910c".into(), "--accelerator")),
        ..Default::default()
    };
    let b = bind(&ds, &req).unwrap();
    assert_eq!(b.inputs.scanners.len(), 1);
    // One's own scanners and accelerator: no wafer starts or bank of the report's; HBM and
    // packaging from the data.
    assert_eq!((b.inputs.wafer_starts_per_month, b.inputs.die_bank), (None, None));
    assert!(b.inputs.hbm.is_some());
    // EUV scanners print nothing on a DUV-only node.
    let euv = FleetRequest {
        scanners: Some(Given::flag(vec![("nxe3400c".into(), 10.0)], "--scanners")),
        ..req.clone()
    };
    let err = bind(&ds, &euv).unwrap_err();
    assert!(err.0[0].message.contains("no scanner of a class that n7-duv uses"), "{err:?}");
    // A mix must share one compute die.
    let mixed = FleetRequest {
        accelerator: None,
        mix: Some(Given::flag(vec![("ascend-910c".into(), 0.5), ("h100-sxm".into(), 0.5)], "--mix")),
        ..req
    };
    let err = bind(&ds, &mixed).unwrap_err();
    assert!(err.0[0].message.contains("shares one compute die"), "{err:?}");
}

proptest! {
    /// Output is linear in the bottleneck resource: k times the scanners, k times the accelerators.
    #[test]
    fn output_is_linear_in_the_bottleneck(k in 0.1..10.0f64) {
        let mut x = scanners_only();
        let base = evaluate(&x).accelerators_per_year;
        x.scanners[0].count *= k;
        let scaled = evaluate(&x).accelerators_per_year;
        prop_assert!((scaled - k * base).abs() <= 1e-9 * scaled.max(1.0));
    }

    /// More ArFi exposures a wafer, fewer wafers from the same scanners.
    #[test]
    fn more_exposures_fewer_wafers(extra in 1.0..40.0f64) {
        let mut x = scanners_only();
        let base = evaluate(&x).scanner_wafers_per_month;
        x.demand.push(LayerDemand { class: ToolClass::Arfi, overlay_budget_nm: None, exposure_time: extra });
        prop_assert!(evaluate(&x).scanner_wafers_per_month < base);
    }

    /// A larger HBM stock, a larger bank, more wafer starts or packaging never lower the output.
    #[test]
    fn more_of_any_resource_never_lowers_output(k in 1.0..5.0f64, which in 0usize..4) {
        let x = report_fleet();
        let base = evaluate(&x).accelerators_per_year;
        let mut y = x.clone();
        match which {
            0 => if let Some(Hbm::Stock(m)) = &mut y.hbm { m.stock_stacks *= k },
            1 => if let Some(b) = &mut y.die_bank { b.dies *= k },
            2 => y.wafer_starts_per_month = y.wafer_starts_per_month.map(|w| w * k),
            _ => y.packaging_wafers_per_month = y.packaging_wafers_per_month.map(|p| p * k),
        }
        prop_assert!(evaluate(&y).accelerators_per_year >= base * (1.0 - 1e-12));
    }

    /// The output never exceeds what any single limit allows, whatever the numbers.
    #[test]
    fn output_never_exceeds_a_single_limit(
        stock in 1e5..5e7f64, months in 1.0..36.0f64, wafers in 100.0..50_000.0f64,
        bank in 0.0..5e6f64, packaging in 100.0..50_000.0f64,
    ) {
        let mut x = report_fleet();
        if let Some(Hbm::Stock(m)) = &mut x.hbm { m.stock_stacks = stock; m.drawdown_months = months; }
        x.wafer_starts_per_month = Some(wafers);
        x.die_bank = Some(DieBank { dies: bank, drawdown_months: months });
        x.packaging_wafers_per_month = Some(packaging);
        let o = evaluate(&x);
        let packages = o.accelerators_by_item.iter().zip(&x.mix)
            .map(|(n, m)| n / m.chip.package_yield() / 12.0).sum::<f64>();
        let tol = 1.0 + 1e-9;
        prop_assert!(packages <= o.packages_by_dies * tol);
        prop_assert!(packages <= o.packages_by_hbm.unwrap() * tol);
        prop_assert!(packages <= o.packages_by_packaging.unwrap() * tol);
        prop_assert!(o.wafer_starts_per_month <= wafers * tol && o.wafer_starts_per_month <= o.scanner_wafers_per_month * tol);
    }

    /// A scanner never prints a layer its overlay forbids: scanners too coarse for a node's
    /// tightest layer add nothing to what the fine ones carry of it.
    #[test]
    fn a_coarse_scanner_never_prints_a_tight_layer(fine in 1.0..50.0f64, coarse in 0.0..500.0f64) {
        let x = report_fleet();
        let tight = x.demand.iter().filter_map(|d| d.overlay_budget_nm).fold(f64::INFINITY, f64::min);
        prop_assume!(tight.is_finite());
        let s = x.scanners[0];
        let groups = [
            ScannerGroup { count: fine, overlay_nm: Some(tight), ..s },
            ScannerGroup { count: coarse, overlay_nm: Some(tight + 1.0), ..s },
        ];
        let wafer = &x.chip().compute.wafer;
        let w = class_capacity(wafer, &x.demand, &groups)[s.class as usize].unwrap();
        // The fine scanners' exposures over the tight layers' time bound it.
        let need: f64 = x.demand.iter().filter(|d| d.class == s.class && d.overlay_budget_nm == Some(tight)).map(|d| d.exposure_time).sum();
        prop_assert!(w <= exposure_capacity(wafer, &groups[0]) / need * (1.0 + 1e-12));
    }
}

/// Derive on one plan equals re-binding the data with the same draws: the report's fleet (its
/// mix, bank of dies, HBM stock and packaging), and a fleet asked by flags on a ported node
/// with no limits but the scanners.
#[test]
fn derive_on_one_plan_is_rebinding_with_the_same_draws() {
    use crate::plan::{Slots, oracle};
    let ds = Dataset::builtin().unwrap();
    let flags = FleetRequest {
        scanners: Some(Given::flag(
            vec![("nxt2000i".to_string(), 40.0), ("nxt1470".to_string(), 20.0)],
            "--scanners",
        )),
        node: Some(Given::flag("n7-duv".to_string(), "--node")),
        accelerator: Some(Given::flag("h100-sxm".to_string(), "--accelerator")),
        hbm_stacks_per_month: Some(Given::flag(Some(50_000.0), "--hbm-stacks-per-month")),
        ..Default::default()
    };
    for req in [FleetRequest::from_data(&ds), flags] {
        let mut slots = Slots::default();
        let b = plan(&ds, &req, &mut slots).unwrap();
        oracle(
            &ds,
            &slots,
            &b.bindings,
            48,
            |v| b.plan.derive(v).ok(),
            |d| bind(d, &req).ok().map(|b| b.inputs),
        );
    }
}

/// A mix shares one compute die: with ranges on each accelerator's die area, a draw that
/// parts them is refused by derive as re-binding refuses it.
#[test]
fn a_mix_parted_by_a_draw_is_refused_as_re_binding_refuses_it() {
    use crate::plan::{Slots, oracle};
    let mut ds = Dataset::builtin().unwrap();
    for a in ["ascend-910b", "ascend-910c"] {
        let p = ds.params.get_mut(&format!("package.{a}.die_area_mm2")).unwrap();
        (p.low, p.high) = (p.value * 0.95, p.value * 1.05);
    }
    let req = FleetRequest::from_data(&ds);
    let mut slots = Slots::default();
    let b = plan(&ds, &req, &mut slots).unwrap();
    assert!(b.inputs.mix.len() > 1, "the report's mix");
    oracle(&ds, &slots, &b.bindings, 32, |v| b.plan.derive(v).ok(), |d| bind(d, &req).ok().map(|b| b.inputs));
}
