//! Hand-worked cases and invariants of the chip ledger.

use proptest::prelude::*;

use super::*;
use crate::fab::{ClassInputs, Count, ToolClass, dies};

/// A wafer that costs 1,000 USD a wafer-equivalent with round numbers: no litho, no overhead,
/// 1,000 USD of substrate, Poisson yield at D0 0.1/cm², analytic counts.
fn wafer() -> WaferInputs {
    let mut classes = [ClassInputs::default(); 6];
    classes[ToolClass::Arfi as usize].exposures = 0.0;
    WaferInputs {
        classes,
        extra_steps: 0.0,
        cost_per_step_usd: 0.0,
        substrate_usd: 1000.0,
        overhead_fraction: 0.0,
        wafers_per_mask_set: 1.0,
        electricity_usd_per_kwh: 0.0,
        other_capex_usd_per_wpm: 0.0,
        die: Die { width_mm: 10.0, height_mm: 10.0 },
        count: Count::Analytic,
        ..crate::fab::tests::hand_case()
    }
}

fn chip() -> ChipInputs {
    ChipInputs {
        compute: Dies { wafer: wafer(), area_mm2: 100.0, count: 2.0, aspect: 1.0 },
        io: None,
        reticle_width_mm: 26.0,
        reticle_height_mm: 33.0,
        hbm_stacks: 4.0,
        hbm_gb_per_stack: 16.0,
        hbm_usd_per_gb: 10.0,
        package_kind: PackageKind::Bridge,
        interposer_area_mm2: 0.0,
        interposer_count: 1.0,
        interposer_wafer_usd: 0.0,
        interposer_d0_per_cm2: 0.0,
        cowos_l_interposer_usd: 500.0,
        kgd_test_usd_per_die: 10.0,
        substrate_and_bonding_usd: 200.0,
        final_test_usd: 100.0,
        packaging_yield: 0.8,
        module_usd: 50.0,
        chiplet: ChipletTerms {
            d2d_area_fraction: 0.1,
            bond_yield_per_die: 0.99,
            bond_usd_per_die: 5.0,
            package_usd_per_mm2: 0.2,
        },
        bf16_tflops: 1000.0,
        fp8_tflops: None,
        tdp_w: 500.0,
        price_usd: None,
        build_markup: Some(1.0),
        extra_chiplets: 0.0,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn hand_worked_build_cost() {
    let x = chip();
    let out = evaluate(&x);
    // A 100 mm² die: 613.556 gross dies on a 294 mm circle, yield e^-0.1. The wafer costs
    // 1,000 USD and sells at a 50 % margin, 2,000 USD: the designer pays the price.
    let good = dies::analytic(294.0, fab::dies::Cell { width_mm: 10.0, height_mm: 10.0 }) * (-0.1f64).exp();
    let per_die = 2000.0 / good;
    assert!(close(out.usd(Item::ComputeDies), 2.0 * per_die));
    // Every die is tested: 10 USD a die over the yield, for each of two good dies.
    let kgd = 2.0 * 10.0 / (-0.1f64).exp();
    assert!(close(out.usd(Item::KgdTest), kgd));
    assert!(close(out.usd(Item::Hbm), 640.0));
    assert!(close(out.usd(Item::Interposer), 500.0));
    // Everything in the package over a yield of 0.8 adds a quarter of it.
    let packaged = 2.0 * per_die + kgd + 640.0 + 500.0 + 200.0 + 100.0;
    assert!(close(out.usd(Item::PackagingYieldLoss), packaged * 0.25));
    assert!(close(out.build_cost_usd, packaged * 1.25 + 50.0));
    assert!(close(out.price_usd.unwrap(), 2.0 * out.build_cost_usd));
    assert!(close(out.gross_margin.unwrap(), 0.5));
    assert!(close(out.tflops_per_w, 2.0));
    let shares: f64 = Item::ALL.iter().map(|i| out.share(*i)).sum();
    assert!(close(shares, 1.0));
}

#[test]
fn extra_chiplets_are_bonded() {
    let base = evaluate(&chip());
    let out = evaluate(&ChipInputs { extra_chiplets: 2.0, ..chip() });
    // Two more bonds at 5 USD, and the package yield falls by 0.99² (the dies are unchanged).
    assert!(close(out.usd(Item::SubstrateAndBonding), 200.0 + 2.0 * 5.0));
    let packaged = base.build_cost_usd - base.usd(Item::PackagingYieldLoss) - 50.0 + 10.0;
    assert!(close(out.usd(Item::PackagingYieldLoss), packaged * (1.0 / (0.8 * 0.99 * 0.99) - 1.0)));
}

#[test]
fn a_silicon_interposer_is_priced_on_its_own_wafer() {
    let x = ChipInputs {
        package_kind: PackageKind::SiliconInterposer,
        interposer_area_mm2: 2500.0,
        interposer_count: 2.0,
        interposer_wafer_usd: 3000.0,
        interposer_d0_per_cm2: 0.004,
        ..chip()
    };
    // 33 × 75.76 mm interposers (one field high): yield e^(−25 × 0.004) = e^−0.1; they are
    // counted on their wafer as the compute dies are, exactly or by the analytic formula.
    let cell = fab::dies::Cell { width_mm: 33.0, height_mm: 2500.0 / 33.0 };
    for (count, per_wafer) in [
        (fab::Count::Exact, fab::dies::exact(294.0, cell).0 as f64),
        (fab::Count::Analytic, fab::dies::analytic(294.0, cell)),
    ] {
        let mut x = x;
        x.compute.wafer.count = count;
        let out = evaluate(&x);
        assert_eq!(out.interposers_per_wafer, per_wafer);
        assert!(close(out.usd(Item::Interposer), 2.0 * 3000.0 / (per_wafer * (-0.1f64).exp())));
    }
}

#[test]
fn a_split_hand_worked() {
    let x = chip();
    let s = split(400.0, 2, &x.compute.wafer, &x);
    // two chiplets of 220 mm² (10 % die-to-die area)
    assert!(close(s.chiplet_area_mm2, 220.0));
    assert!(close(s.die_yield, (-0.22f64).exp()));
    let package = 0.2 * 440.0 + 5.0 * 2.0;
    // The chiplet at the foundry's price, and its test over its yield (every die is tested).
    let expected = (2.0 * (s.cost_per_good_chiplet_usd + 10.0 / s.die_yield) + package) / 0.99f64.powi(2);
    assert!(close(s.cost_per_good_package_usd, expected));
}

proptest! {
    #[test]
    fn more_chiplets_yield_better_dies(area in 100.0..850.0f64, d0 in 0.02..0.4f64) {
        let mut x = chip();
        x.compute.wafer.d0_base_per_cm2 = d0;
        let yields: Vec<f64> = [1, 2, 4, 8].iter().map(|k| split(area, *k, &x.compute.wafer, &x).die_yield).collect();
        prop_assert!(yields.windows(2).all(|w| w[1] > w[0]));
    }

    /// Convex over the splits: the cost added per extra chiplet rises. From one die to two
    /// the die-to-die area arrives all at once (a step, not a slope), so convexity is over
    /// two chiplets and more.
    #[test]
    fn cost_per_good_package_is_convex_in_the_split(area in 200.0..850.0f64, d0 in 0.05..0.4f64) {
        let mut x = chip();
        x.compute.wafer.d0_base_per_cm2 = d0;
        let c: Vec<f64> = [2, 4, 8, 16].iter().map(|k| split(area, *k, &x.compute.wafer, &x).cost_per_good_package_usd).collect();
        // slopes per added chiplet: (c4 − c2)/2 ≤ (c8 − c4)/4 ≤ (c16 − c8)/8
        let slopes = [(c[1] - c[0]) / 2.0, (c[2] - c[1]) / 4.0, (c[3] - c[2]) / 8.0];
        prop_assert!(slopes[0] <= slopes[1] + 1e-9 && slopes[1] <= slopes[2] + 1e-9, "{c:?}");
    }
}

#[test]
fn splitting_pays_only_beyond_a_die_size_and_sooner_at_higher_defect_density() {
    let x = chip();
    let clean = break_even_area(&x.compute.wafer, &x, 50.0, 2000.0);
    let mut dirty = x;
    dirty.compute.wafer.d0_base_per_cm2 = 0.3;
    let dirty_area = break_even_area(&dirty.compute.wafer, &dirty, 50.0, 2000.0);
    assert!(dirty_area.is_some());
    if let Some(c) = clean {
        assert!(dirty_area.unwrap() < c);
    }
}

#[test]
fn derive_on_one_plan_is_rebinding_with_the_same_draws() {
    use crate::data::Dataset;
    use crate::plan::{Slots, oracle};
    use crate::provenance::Given;
    let ds = Dataset::builtin().unwrap();
    // As made, with I/O dies, and ported (to a node on which the die splits into chiplets).
    let cases = [
        ("h100-sxm", None),
        ("mi300x", None),
        ("ascend-910b", None),
        ("h100-sxm", Some("n7-duv")),
        ("b200", Some("n7-smic")),
    ];
    for (acc, node) in cases {
        let req = ChipRequest {
            accelerator: Some(Given::flag(acc.to_string(), "--accelerator")),
            node: node.map(|n| Given::flag(n.to_string(), "--node")),
            ..Default::default()
        };
        let mut slots = Slots::default();
        let b = plan(&ds, &req, &mut slots).unwrap();
        oracle(
            &ds,
            &slots,
            &b.bindings,
            64,
            |v| b.plan.derive(v).ok(),
            |d| bind(d, &req).ok().map(|c| c.inputs),
        );
    }
}

/// Re-deriving only the yield from a chip priced at another defect density gives the numbers
/// of pricing it afresh, bit for bit (ported, with I/O dies, on a silicon interposer, counted
/// exactly and analytically).
#[test]
fn a_learnt_defect_density_prices_as_afresh() {
    use crate::data::Dataset;
    use crate::provenance::Given;
    let ds = Dataset::builtin().unwrap();
    for (acc, node) in
        [("h100-sxm", None), ("mi300x", None), ("b200", Some("n7-smic")), ("ascend-910c", None)]
    {
        let req = ChipRequest {
            accelerator: Some(Given::flag(acc.to_string(), "--accelerator")),
            node: node.map(|n| Given::flag(n.to_string(), "--node")),
            ..Default::default()
        };
        let mut x = bind(&ds, &req).unwrap().inputs;
        for count in [crate::fab::Count::Exact, crate::fab::Count::Analytic] {
            x.compute.wafer.count = count;
            let base = evaluate_at_d0(&x, Some(0.3));
            for d0 in [0.05, 0.1, 0.2, 0.3, 0.7, 2.0] {
                assert_eq!(
                    at_defect_density(&x, Some(d0), &base),
                    evaluate_at_d0(&x, Some(d0)),
                    "{acc} at {d0}"
                );
            }
        }
    }
}
