//! Hand-worked cases and properties of the capacity ledger.

use proptest::prelude::*;

use super::*;
use crate::data::Dataset;
use crate::provenance::Given;

/// The report's fleet on the built-in data: 350 NXT:1980Di making Ascend 910C on n7-duv.
fn report_fleet() -> FleetInputs {
    static FLEET: std::sync::OnceLock<FleetInputs> = std::sync::OnceLock::new();
    FLEET
        .get_or_init(|| {
            let ds = Dataset::builtin().unwrap();
            bind(&ds, &FleetRequest::from_data(&ds)).unwrap().inputs
        })
        .clone()
}

#[test]
fn hand_worked_scanner_capacity() {
    // One ArFi class: 10 exposures at 250 wph × 0.8 effective is 0.05 scanner-hours a
    // wafer; a scanner up 90 % of a 730-hour month carries 730 × 0.9 ÷ 0.05 = 13,140 wafer
    // starts a month (at full utilization); 40 of them, half given to the node, 262,800.
    let wafer = crate::fab::tests::hand_case();
    let g = ScannerGroup {
        class: ToolClass::Arfi,
        count: 40.0,
        share: 0.5,
        wph: 250.0,
        effective_fraction: 0.8,
        availability: 0.9,
    };
    let w = group_capacity(&wafer, &g).unwrap();
    assert!((w - 40.0 * 0.5 * 730.0 * 0.9 / 0.05).abs() < 1e-6, "{w}");
    // A class the node does not use carries nothing.
    assert_eq!(group_capacity(&wafer, &ScannerGroup { class: ToolClass::Euv, ..g }), None);
}

#[test]
fn the_chain_from_scanners_to_gigawatts_holds_together() {
    let x = report_fleet();
    let o = evaluate(&x);
    // Good dies and packages.
    let good = o.wafer_starts_per_month * o.chip.compute_die.good_dies;
    assert!((o.good_dies_per_month - good).abs() < 1e-6 * good);
    let packages = [Some(o.packages_by_dies), o.packages_by_hbm, o.packages_by_packaging]
        .into_iter()
        .flatten()
        .fold(f64::INFINITY, f64::min);
    let py = x.chip.packaging_yield * x.chip.chiplet.bond_yield_per_die.powf(x.chip.extra_chiplets);
    assert!((o.accelerators_per_year - packages * py * 12.0).abs() < 1e-6 * o.accelerators_per_year);
    // FLOP/s, the 100-day run, and power.
    let flops = o.accelerators_per_year * x.chip.bf16_tflops * 1e12;
    assert!((o.bf16_flops_added_per_year - flops).abs() < 1e-6 * flops);
    assert!(
        (o.largest_run_flop - flops * x.mfu * x.goodput * x.run_days * 86_400.0).abs()
            < 1e-6 * o.largest_run_flop
    );
    assert!((o.facility_power_gw - o.it_power_gw * x.pue).abs() < 1e-12);
    assert!(o.scanner_utilization > 0.0 && o.scanner_utilization <= 1.0 + 1e-12);
    // DUV-only 7 nm takes more ArFi passes than 28 nm: the busy scanners would make more n28
    // wafers than the n7-duv wafers they make.
    assert!(o.forgone_mature_wafers_per_month > o.wafer_starts_per_month);
    check(&o).unwrap();
}

#[test]
fn adding_a_resource_that_does_not_bind_changes_nothing() {
    let mut x = report_fleet();
    x.hbm_stacks_per_month = None;
    let base = evaluate(&x);
    assert_eq!(base.bottleneck, Bottleneck::Scanners(ToolClass::Arfi));
    // More HBM than the dies need, and a KrF fleet next to the ArFi one.
    x.hbm_stacks_per_month = Some(1e12);
    x.scanners.push(ScannerGroup { class: ToolClass::Krf, count: 1e6, ..x.scanners[0] });
    let more = evaluate(&x);
    assert_eq!(more.accelerators_per_year, base.accelerators_per_year);
    assert_eq!(more.bottleneck, base.bottleneck);
}

#[test]
fn forgone_mature_wafers_follow_the_busy_scanners_class_by_class() {
    let mut x = report_fleet();
    // A KrF fleet beside the ArFi one: ArFi binds on n7-duv; on n28 the busy scanners of
    // each class carry their share, and the scarcer sets the forgone wafers.
    x.scanners.push(ScannerGroup { class: ToolClass::Krf, count: 50.0, ..x.scanners[0] });
    let o = evaluate(&x);
    let mature = class_capacity(&x.mature, &x.scanners);
    let expect = [ToolClass::Arfi, ToolClass::Krf]
        .iter()
        .map(|c| {
            mature[*c as usize].unwrap() * o.wafer_starts_per_month / o.class_capacity[*c as usize].unwrap()
        })
        .fold(f64::INFINITY, f64::min);
    assert!((o.forgone_mature_wafers_per_month - expect).abs() <= 1e-9 * expect);
    // With one class it is the fleet's mature capacity times the share in use.
    let y = report_fleet();
    let p = evaluate(&y);
    assert!(
        (p.forgone_mature_wafers_per_month - p.mature_capacity_per_month * p.scanner_utilization).abs()
            < 1e-6
    );
}

#[test]
fn when_hbm_binds_it_sets_the_output_and_scanners_idle() {
    let mut x = report_fleet();
    x.hbm_stacks_per_month = Some(1000.0);
    let o = evaluate(&x);
    assert_eq!(o.bottleneck, Bottleneck::Hbm);
    let py = x.chip.packaging_yield * x.chip.chiplet.bond_yield_per_die.powf(x.chip.extra_chiplets);
    assert!((o.accelerators_per_year - 1000.0 / x.chip.hbm_stacks * py * 12.0).abs() < 1e-9);
    assert!(o.scanner_utilization < 1.0);
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
    assert_eq!(b.inputs.hbm_stacks_per_month, None);
    assert!(b.notes.iter().any(|n| n.contains("taken as not limiting")));
    // EUV scanners print nothing on a DUV-only node.
    let euv =
        FleetRequest { scanners: Some(Given::flag(vec![("nxe3400c".into(), 10.0)], "--scanners")), ..req };
    let err = bind(&ds, &euv).unwrap_err();
    assert!(err.0[0].message.contains("no scanner of a class that n7-duv uses"), "{err:?}");
}

proptest! {
    /// Output is linear in the bottleneck resource: k times the scanners, k times the accelerators.
    #[test]
    fn output_is_linear_in_the_bottleneck(k in 0.1..10.0f64) {
        let mut x = report_fleet();
        x.hbm_stacks_per_month = None;
        let base = evaluate(&x).accelerators_per_year;
        x.scanners[0].count *= k;
        let scaled = evaluate(&x).accelerators_per_year;
        prop_assert!((scaled - k * base).abs() <= 1e-9 * scaled.max(1.0));
    }

    /// More ArFi exposures a wafer, fewer wafers from the same scanners.
    #[test]
    fn more_exposures_fewer_wafers(extra in 1.0..40.0f64) {
        let mut x = report_fleet();
        let base = evaluate(&x).scanner_wafers_per_month;
        x.chip.compute.wafer.classes[ToolClass::Arfi as usize].exposures += extra;
        prop_assert!(evaluate(&x).scanner_wafers_per_month < base);
    }
}
