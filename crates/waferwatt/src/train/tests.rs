//! Hand-worked cases and invariants of the training ledger.

use proptest::prelude::*;

use super::*;

/// A case small enough to work by hand (figures in the comments of the test below).
fn hand_case() -> Inputs {
    Inputs {
        compute_flop: Some(1e24),
        accelerator_hours: None,
        compute_hours: None,
        accelerators: Some(1000.0),
        peak_tflops: 1000.0,
        mfu: 0.5,
        goodput: 1.0,
        tdp_w: 1000.0,
        server_power_multiplier: 2.0,
        avg_power_fraction: 0.5,
        pue: 1.5,
        tariff_usd_per_kwh: 0.1,
        grid_kgco2_per_kwh: 0.4,
        accelerator_price_usd: 10_000.0,
        server_capex_fraction: 0.5,
        network_capex_fraction: 0.25,
        hardware_life_years: 5.0,
        cost_of_capital: 0.0,
        maintenance_fraction_per_year: 0.01,
        facility_capex_usd_per_mw: 10e6,
        facility_life_years: 10.0,
        rental_usd_per_hour: Some(2.0),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn hand_worked_ledger() {
    let out = evaluate(&hand_case());
    // hours = 1e24 / (1000e12 × 0.5 × 1.0) / 3600 = 555,555.5… h
    let hours = 1e24 / 0.5e15 / 3600.0;
    assert!(close(out.accelerator_hours, hours));
    // wall time = hours / 1000 accelerators / 24 = 23.148 days
    assert!(close(out.wall_days.unwrap(), hours / 1000.0 / 24.0));
    // IT power = 1000 W × 2 × 0.5 = 1 kW; energy = hours × 1 kW × 1.5 = 833,333 kWh
    assert!(close(out.it_kw_per_accelerator, 1.0));
    assert!(close(out.energy_mwh, hours * 1.5 / 1000.0));
    // emissions = 833,333 kWh × 0.4 kg = 333.3 t
    assert!(close(out.emissions_tco2e, hours * 1.5 * 0.4 / 1000.0));
    let years = hours / 8760.0;
    // straight line (r = 0): accelerator 10,000 × 1/5 per year
    assert!(close(out.usd(Item::Accelerators), 10_000.0 / 5.0 * years));
    // server 5,000; network (10,000 + 5,000) × 0.25 / 0.75 = 5,000; together 10,000 / 5 per year
    assert!(close(out.usd(Item::ServersAndNetwork), 10_000.0 / 5.0 * years));
    // facility: 10 M$/MW × 0.002 MW peak = 20,000 over 10 years
    assert!(close(out.usd(Item::Facility), 20_000.0 / 10.0 * years));
    assert!(close(out.usd(Item::Electricity), hours * 1.5 * 0.1));
    // maintenance: 1 % a year of all hardware (10,000 + 5,000 + 5,000)
    assert!(close(out.usd(Item::Maintenance), 0.01 * 20_000.0 * years));
    assert!(close(out.total_usd, out.ledger_usd.iter().sum()));
    assert!(close(out.rental_usd.unwrap(), 2.0 * hours));
    assert_eq!(out.implied_mfu, None);
    assert_eq!(out.mfu, Some(0.5));
}

#[test]
fn given_hours_imply_the_mfu_that_would_have_produced_them() {
    let forward = evaluate(&hand_case());
    let back = evaluate(&Inputs { accelerator_hours: Some(forward.accelerator_hours), ..hand_case() });
    assert!(close(back.implied_mfu.unwrap(), 0.5));
    assert!(close(back.total_usd, forward.total_usd));
}

#[test]
fn hours_without_compute_leave_compute_and_mfu_unknown() {
    let out = evaluate(&Inputs { compute_flop: None, accelerator_hours: Some(1000.0), ..hand_case() });
    assert_eq!(out.compute_flop, None);
    assert_eq!(out.implied_mfu, None);
    assert_eq!(out.mfu, None);
    assert_eq!(out.accelerator_hours, 1000.0);
}

fn inputs() -> impl Strategy<Value = Inputs> {
    (
        (1e20..1e27f64, 100.0..5000.0f64, 0.05..1.0f64, 0.5..1.0f64, 100.0..1500.0f64),
        (1.0..2.5f64, 0.3..1.0f64, 1.0..2.0f64, 0.0..0.5f64, 0.0..1.0f64),
        (1000.0..60000.0f64, 0.0..1.0f64, 0.0..0.5f64, 1.0..10.0f64, 0.0..0.2f64),
        (0.0..0.1f64, 1e6..3e7f64, 5.0..30.0f64),
    )
        .prop_map(
            |(
                (c, peak, mfu, goodput, tdp),
                (mult, avg, pue, tariff, grid),
                (price, sf, nf, life, r),
                (m, fac, fl),
            )| {
                Inputs {
                    compute_flop: Some(c),
                    accelerator_hours: None,
                    compute_hours: None,
                    accelerators: Some(1024.0),
                    peak_tflops: peak,
                    mfu,
                    goodput,
                    tdp_w: tdp,
                    server_power_multiplier: mult,
                    avg_power_fraction: avg,
                    pue,
                    tariff_usd_per_kwh: tariff,
                    grid_kgco2_per_kwh: grid,
                    accelerator_price_usd: price,
                    server_capex_fraction: sf,
                    network_capex_fraction: nf,
                    hardware_life_years: life,
                    cost_of_capital: r,
                    maintenance_fraction_per_year: m,
                    facility_capex_usd_per_mw: fac,
                    facility_life_years: fl,
                    rental_usd_per_hour: None,
                }
            },
        )
}

proptest! {
    #[test]
    fn shares_sum_to_one_and_every_line_is_finite_and_non_negative(x in inputs()) {
        let out = evaluate(&x);
        let sum: f64 = Item::ALL.iter().map(|i| out.share(*i)).sum();
        prop_assert!((sum - 1.0).abs() < 1e-12);
        for usd in out.ledger_usd {
            prop_assert!(usd.is_finite() && usd >= 0.0);
        }
    }

    #[test]
    fn cost_rises_with_tariff_pue_and_hours(x in inputs(), k in 1.01..3.0f64) {
        let base = evaluate(&x).total_usd;
        let dearer = Inputs { tariff_usd_per_kwh: x.tariff_usd_per_kwh * k + 0.01, ..x };
        prop_assert!(evaluate(&dearer).total_usd > base);
        let hotter = Inputs { pue: x.pue * k, ..x };
        prop_assert!(evaluate(&hotter).total_usd > base);
        let longer = Inputs { compute_flop: x.compute_flop.map(|c| c * k), ..x };
        prop_assert!(evaluate(&longer).total_usd > base);
    }

    #[test]
    fn energy_and_every_line_scale_linearly_with_hours(x in inputs(), k in 0.1..10.0f64) {
        let a = evaluate(&x);
        let b = evaluate(&Inputs { compute_flop: x.compute_flop.map(|c| c * k), ..x });
        prop_assert!((b.energy_mwh / a.energy_mwh - k).abs() < 1e-9 * k);
        prop_assert!((b.total_usd / a.total_usd - k).abs() < 1e-9 * k);
    }

    #[test]
    fn the_sampling_loops_test_agrees_with_the_check(x in inputs(), hours in 1.0..1e9f64, cost in -1.0..1e9f64) {
        // Given hours that may imply an MFU above 1, and prices that may be zero or negative.
        let y = Inputs { accelerator_hours: Some(hours), accelerator_price_usd: cost, ..x };
        for z in [x, y] {
            let out = evaluate(&z);
            prop_assert_eq!(accepts(&out), check(&out).is_ok());
        }
    }

    #[test]
    fn a_better_mfu_never_costs_more(x in inputs()) {
        let better = Inputs { mfu: (x.mfu * 1.5).min(1.0), ..x };
        prop_assert!(evaluate(&better).total_usd <= evaluate(&x).total_usd * (1.0 + 1e-12));
    }
}

/// Derive on one plan equals re-binding the data with the same draws: for runs sized by hours
/// and by compute, in flat-USD, flat-CNY and two-part regions with a power deal, and for an
/// accelerator priced by the chip ledger (whose numbers move the price through the plan).
#[test]
fn derive_on_one_plan_is_rebinding_with_the_same_draws() {
    use crate::data::Dataset;
    use crate::plan::{Slots, oracle};
    let mut ds = Dataset::builtin().unwrap();
    let scenario = include_str!("../../../../scenarios/h100-on-n7-duv.toml");
    let train = ds.apply_scenario("h100-on-n7-duv.toml", scenario).unwrap();
    let from_scenario = TrainRequest::from_scenario(train.section("train").unwrap()).unwrap();
    let flag = |v: &str, n: &str| Some(Given::flag(v.to_string(), n));
    let requests = [
        TrainRequest { run: flag("llama-3.1-405b", "--run"), ..Default::default() },
        TrainRequest {
            params: Some(Given::flag(70e9, "--params")),
            tokens: Some(Given::flag(15e12, "--tokens")),
            regions: Some(Given::flag(
                vec!["cn-nm".into(), "us-va".into(), "cn-avg".into(), "cn-gz".into()],
                "--region",
            )),
            power_deal: Some(Given::flag(true, "--power-deal")),
            ..Default::default()
        },
        TrainRequest {
            run: flag("deepseek-v3", "--run"),
            tariff_usd_per_kwh: Some(Given::flag(0.05, "--tariff")),
            ..Default::default()
        },
        from_scenario,
    ];
    for req in requests {
        let mut slots = Slots::default();
        let bounds = plan(&ds, &req, &mut slots).unwrap();
        let bindings: Vec<_> = bounds.iter().flat_map(|b| b.bindings.clone()).collect();
        let derive = |v: &[f64]| -> Option<Vec<(Inputs, f64)>> {
            bounds.iter().map(|b| b.plan.derive(v).ok().map(|(x, p)| (x, p.local_per_kwh))).collect()
        };
        let rebind = |d: &Dataset| -> Option<Vec<(Inputs, f64)>> {
            bind(d, &req).ok().map(|bs| bs.into_iter().map(|b| (b.inputs, b.price.local_per_kwh)).collect())
        };
        oracle(&ds, &slots, &bindings, 64, derive, rebind);
    }
}
