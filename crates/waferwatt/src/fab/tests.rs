//! Hand-worked cases and invariants of the wafer ledger.

use proptest::prelude::*;

use super::*;
use crate::fab::yields::YieldModel;

/// One ArFi class with 10 exposures and round numbers, to work by hand.
pub(crate) fn hand_case() -> WaferInputs {
    let mut classes = [ClassInputs::default(); 6];
    classes[ToolClass::Arfi as usize] = ClassInputs {
        exposures: 10.0,
        exposure_overhead: 0.0,
        masks: 10.0,
        wph: 250.0,
        effective_fraction: 0.8,
        availability: 0.9,
        price_usd: 87_600_000.0,
        life_years: 10.0,
        power_kw: 100.0,
        service_fraction_per_year: 0.05,
        consumables_usd_per_exposure: 2.0,
        mask_cost_usd: 100_000.0,
    };
    WaferInputs {
        classes,
        extra_steps: 20.0,
        d0_base_per_cm2: 0.1,
        d0_adder_per_cm2: 0.0,
        d0_override_per_cm2: None,
        steps_per_mask: 12.0,
        cost_per_step_usd: 5.0,
        substrate_usd: 100.0,
        overhead_fraction: 0.1,
        days_per_mask: 1.0,
        gross_margin: 0.5,
        wafers_per_mask_set: 10_000.0,
        tool_utilization: 1.0,
        cost_of_capital: 0.0,
        electricity_usd_per_kwh: 0.1,
        litho_steps_per_exposure: 5.0,
        litho_step_time_factor: 1.0,
        track_usd_per_exposure: 1.0,
        metrology_usd_per_exposure: 0.5,
        other_capex_usd_per_wpm: 90_000.0,
        capex_life_years: 5.0,
        wafer_mm: 300.0,
        edge_exclusion_mm: 3.0,
        scribe_mm: 0.0,
        die: Die { width_mm: 10.0, height_mm: 10.0 },
        yield_model: YieldModel::Poisson,
        negbin_alpha: 3.0,
        count: Count::Analytic,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn hand_worked_wafer() {
    let out = evaluate(&hand_case());
    let arfi = out.class(ToolClass::Arfi);
    // hours = 10 exposures / (250 × 0.8 wph) = 0.05 h
    assert!(close(arfi.scanner_hours, 0.05));
    // a year: capital 87.6 M / 10 = 8.76 M, service 4.38 M, power 100 kW × 8760 h × 0.1 = 87,600;
    // 13,227,600 USD over 8760 × 0.9 = 7884 productive hours = 1677.7626 USD/h
    let per_hour = (8_760_000.0 + 4_380_000.0 + 87_600.0) / 7884.0;
    assert!(close(arfi.usd_per_scanner_hour, per_hour));
    // litho: 0.05 h × per hour + 10 × 2 USD consumables, track 10 × 1, metrology 10 × 0.5, and
    // 10 masks × 100k over 10k wafers = 100 (billed apart from the wafer)
    let tools = 0.05 * per_hour + 20.0;
    assert!(close(out.litho_tool_usd, tools));
    assert!(close(out.track_usd, 10.0) && close(out.metrology_usd, 5.0));
    assert!(close(out.mask_set_usd, 1_000_000.0) && close(out.mask_usd, 100.0));
    let litho = tools + 15.0 + 100.0;
    assert!(close(out.litho_usd, litho));
    // steps: 10 masks × 12 + 20 extra = 140; litho steps 10 × 5 = 50; others 90 at 5 USD = 450
    assert_eq!(out.process_steps, 140.0);
    assert!(close(out.non_litho_usd, 450.0));
    // fab capital: 90,000 per wafer-month beyond the litho cells ÷ 5 years (no interest) ÷ 12
    // months at full utilization = 1,500 a wafer; the scanners a wafer start a month needs,
    // 0.05 h ÷ (730 h × 0.9) × 87.6 M = 6,666.67 USD of capital, are charged per hour instead
    assert!(close(out.fab_capital_usd, 1500.0));
    assert!(close(out.scanner_capex_usd_per_wpm, 0.05 / 657.0 * 87_600_000.0));
    // cost = (tools + track + metrology + 450 + 1,500 + 100 substrate) × 1.1, masks apart; price
    // at 50 % margin is twice that
    let cost = (tools + 15.0 + 450.0 + out.fab_capital_usd + 100.0) * 1.1;
    assert!(close(out.wafer_cost_usd, cost));
    assert!(close(out.wafer_price_usd, 2.0 * cost));
    // litho's share counts the masks, in the cost and beside it
    assert!(close(out.litho_cost_share, litho / (cost + 100.0)));
    // cycle: 1 day per mask × 140 / 12; litho time share 50 / (50 + 90)
    assert!(close(out.cycle_days, 140.0 / 12.0));
    assert!(close(out.litho_time_share, 50.0 / 140.0));
    // scanners for 10k wafers a month: 10,000 × 0.05 h / (730 h × 0.9)
    assert!(close(arfi.scanners_per_10k_wafers_month, 500.0 / 657.0));
    // 1 cm² die at D0 0.1: yield e^-0.1; analytic dies 613.556 on a 294 mm usable circle
    assert!(close(out.die_yield, (-0.1f64).exp()));
    assert!((out.gross_dies - 613.556).abs() < 0.001);
    let good = out.gross_dies * out.die_yield;
    assert!(close(out.cost_per_good_die_usd, (cost + 100.0) / good));
    assert!(close(out.price_per_good_die_usd, (2.0 * cost + 100.0) / good));
}

#[test]
fn fab_capital_is_an_annuity_over_the_started_wafers() {
    // 10 % over 5 years, crf 0.263797; 200k × 0.263797 ÷ (12 × 0.8) = 5,495.8 a wafer
    let x = WaferInputs {
        other_capex_usd_per_wpm: 200_000.0,
        cost_of_capital: 0.1,
        tool_utilization: 0.8,
        ..hand_case()
    };
    let v = evaluate(&x).fab_capital_usd;
    assert!((v - 5495.78).abs() < 0.01, "{v}");
}

#[test]
fn a_given_d0_replaces_base_and_adders() {
    let x = WaferInputs { d0_adder_per_cm2: 0.05, ..hand_case() };
    assert!(close(evaluate(&x).d0_per_cm2, 0.15));
    let x = WaferInputs { d0_override_per_cm2: Some(0.02), ..x };
    assert!(close(evaluate(&x).d0_per_cm2, 0.02));
}

fn inputs() -> impl Strategy<Value = WaferInputs> {
    (
        1.0..100.0f64,
        100.0..300.0f64,
        0.3..1.0f64,
        1e6..3e8f64,
        0.0..0.3f64,
        1.0..30.0f64,
        0.0..0.5f64,
        2.0..30.0f64,
    )
        .prop_map(|(exposures, wph, eff, price, d0, die, margin, cost_per_step)| {
            let mut x = hand_case();
            let a = &mut x.classes[ToolClass::Arfi as usize];
            a.exposures = exposures;
            a.masks = exposures;
            a.wph = wph;
            a.effective_fraction = eff;
            a.price_usd = price;
            x.d0_base_per_cm2 = d0;
            x.die = Die { width_mm: die, height_mm: die };
            x.gross_margin = margin;
            x.cost_per_step_usd = cost_per_step;
            x
        })
}

proptest! {
    #[test]
    fn more_exposures_take_more_scanner_hours_and_cost_more(x in inputs(), k in 1.0..5.0f64) {
        let a = evaluate(&x);
        let mut more = x;
        more.classes[ToolClass::Arfi as usize].exposures *= 1.0 + k;
        more.classes[ToolClass::Arfi as usize].masks *= 1.0 + k;
        let b = evaluate(&more);
        prop_assert!(b.scanner_hours > a.scanner_hours);
        prop_assert!(b.wafer_cost_usd > a.wafer_cost_usd);
        prop_assert!(b.cycle_days > a.cycle_days);
    }

    #[test]
    fn another_exposure_of_the_same_mask_still_costs_more(x in inputs(), k in 0.1..3.0f64) {
        let a = evaluate(&x);
        let mut more = x;
        more.classes[ToolClass::Arfi as usize].exposures *= 1.0 + k;
        let b = evaluate(&more);
        prop_assert!(b.process_steps > a.process_steps);
        prop_assert!(b.wafer_cost_usd > a.wafer_cost_usd);
        prop_assert!(b.litho_time_share > a.litho_time_share);
    }

    #[test]
    fn yield_falls_with_area_and_d0(x in inputs(), k in 1.01..3.0f64) {
        let a = evaluate(&x);
        let bigger = evaluate(&WaferInputs { die: Die { width_mm: x.die.width_mm * k, height_mm: x.die.height_mm }, ..x });
        let dirtier = evaluate(&WaferInputs { d0_base_per_cm2: x.d0_base_per_cm2 * k + 0.001, ..x });
        prop_assert!(bigger.die_yield <= a.die_yield);
        prop_assert!(dirtier.die_yield < a.die_yield);
    }

    #[test]
    fn shares_are_shares_and_the_price_covers_the_cost(x in inputs()) {
        let o = evaluate(&x);
        prop_assert!(o.litho_cost_share > 0.0 && o.litho_cost_share < 1.0);
        prop_assert!(o.litho_time_share > 0.0 && o.litho_time_share < 1.0);
        prop_assert!(o.wafer_price_usd >= o.wafer_cost_usd);
        prop_assert!(o.die_yield > 0.0 && o.die_yield <= 1.0);
    }

    #[test]
    fn fab_capital_and_masks_cost_more_and_masks_carry_no_margin(x in inputs(), k in 0.1..3.0f64) {
        let a = evaluate(&x);
        let b = evaluate(&WaferInputs { other_capex_usd_per_wpm: x.other_capex_usd_per_wpm * (1.0 + k), ..x });
        prop_assert!(b.wafer_cost_usd > a.wafer_cost_usd && b.fab_capital_usd > a.fab_capital_usd);
        let mut dearer = x;
        dearer.classes[ToolClass::Arfi as usize].mask_cost_usd *= 1.0 + k;
        let c = evaluate(&dearer);
        // Masks are billed apart, at cost: the wafer's price does not move, the die's does, by
        // exactly the masks' extra cost per good die.
        prop_assert!(c.wafer_price_usd == a.wafer_price_usd);
        let extra = (c.mask_usd - a.mask_usd) / a.good_dies;
        prop_assert!((c.price_per_good_die_usd - a.price_per_good_die_usd - extra).abs() <= 1e-9 * c.price_per_good_die_usd);
        prop_assert!(a.price_per_good_die_usd >= a.cost_per_good_die_usd);
    }

    #[test]
    fn the_exact_count_never_exceeds_the_usable_area(side in 2.0..33.0f64, aspect in 0.5..2.0f64) {
        let x = WaferInputs { die: Die { width_mm: side, height_mm: (side * aspect).min(33.0) }, count: Count::Exact, ..hand_case() };
        let o = evaluate(&x);
        let cell = x.cell();
        let bound = std::f64::consts::PI * (x.usable_diameter_mm() / 2.0).powi(2) / (cell.width_mm * cell.height_mm);
        prop_assert!(o.gross_dies <= bound);
        prop_assert!(o.gross_dies >= o.gross_dies_analytic.floor() - 1.0);
    }
}

#[test]
fn derive_on_one_plan_is_rebinding_with_the_same_draws() {
    use crate::data::Dataset;
    use crate::plan::{Slots, oracle};
    use crate::provenance::Given;
    let ds = Dataset::builtin().unwrap();
    for node in ["n7-duv", "n7-euv", "n7-smic", "n5", "n3", "n28"] {
        let req =
            WaferRequest { nodes: Some(Given::flag(vec![node.to_string()], "--node")), ..Default::default() };
        let mut slots = Slots::default();
        let b = plan(&ds, &req, &mut slots).unwrap().remove(0);
        oracle(
            &ds,
            &slots,
            &b.bindings,
            64,
            |v| b.plan.derive(v).ok(),
            |d| bind(d, &req).ok().map(|mut w| w.remove(0).inputs),
        );
    }
}

/// A die given by its area is shaped to the reticle width at each draw of it, as re-binding
/// shapes it: with a range on the reticle width, derive and re-binding agree.
#[test]
fn a_die_given_by_area_is_shaped_per_draw() {
    use crate::data::Dataset;
    use crate::plan::{Slots, oracle};
    use crate::provenance::Given;
    let mut ds = Dataset::builtin().unwrap();
    let rw = ds.params.get_mut("fab.reticle_width_mm").unwrap();
    (rw.low, rw.high) = (24.0, rw.value);
    let req = WaferRequest {
        nodes: Some(Given::flag(vec!["n7-duv".to_string()], "--node")),
        die_area_mm2: Some(Given::flag(800.0, "--die-area")),
        ..Default::default()
    };
    let mut slots = Slots::default();
    let b = plan(&ds, &req, &mut slots).unwrap().remove(0);
    oracle(
        &ds,
        &slots,
        &b.bindings,
        64,
        |v| b.plan.derive(v).ok(),
        |d| bind(d, &req).ok().map(|mut w| w.remove(0).inputs),
    );
}
