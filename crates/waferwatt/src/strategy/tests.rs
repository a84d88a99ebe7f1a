use proptest::prelude::*;

use super::*;
use crate::data::Dataset;

fn bound() -> StrategyBound {
    let ds = Dataset::builtin().unwrap();
    bind(&ds, &StrategyRequest::default()).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Electricity and upkeep of one accelerator for a year at `tariff`.
fn opex(u: &Unit, tariff: f64) -> (f64, f64, f64) {
    let o = train::evaluate(&train::Inputs { tariff_usd_per_kwh: tariff, ..u.year_of_use });
    (o.usd(train::Item::Electricity), o.usd(train::Item::Maintenance), o.energy_mwh)
}

#[test]
fn one_year_by_hand() {
    let mut x = bound().inputs;
    x.years = 1;
    x.paths = vec![Path { rd_share: 0.25, rd_share_after: 0.0 }];
    let u = tables(&x).duv[0];
    let (elec, upkeep, mwh) = opex(&u, x.year_of_use.tariff_usd_per_kwh);
    let money = x.budget_usd * 0.75;
    let supply = x.duv_wafers_per_month * 12.0 * u.per_wafer;
    let by_hbm = (x.hbm_stock_stacks + x.hbm_domestic_stacks_per_month * 12.0) / u.hbm_stacks;
    // Nothing stands yet: each accelerator comes with its facility.
    assert!(close(u.capex_usd, train::capex(&u.year_of_use).total_usd()));
    let units = (money / (u.capex_usd + elec + upkeep)).min(supply).min(by_hbm);
    let y = evaluate(&x).paths[0].years[0];
    assert_eq!(y.year, x.start_year);
    assert!(close(y.accelerators, units), "{} vs {units}", y.accelerators);
    assert!(close(y.installed_flops, units * u.flops));
    assert!(close(y.rd_usd, x.budget_usd * 0.25));
    assert!(close(y.spend_usd, y.rd_usd + units * (u.capex_usd + elec + upkeep)));
    assert!(close(y.unspent_usd, x.budget_usd - y.spend_usd));
    assert!(close(y.facility_usd, units * train::capex(&u.year_of_use).facility_usd));
    assert!(close(y.energy_twh, units * mwh / 1e6));
    assert!(close(y.electricity_usd, units * elec));
    let delivered = x.year_of_use.mfu * x.year_of_use.goodput;
    assert!(close(y.compute_flop, units * u.flops * delivered * 8760.0 * 3600.0));
    assert!(close(y.largest_run_flop, units * u.flops * delivered * x.run_days * 86400.0));
    // A year's cost of compute: the training ledger's whole year of each accelerator.
    let year = train::evaluate(&u.year_of_use).total_usd;
    assert!(close(y.usd_per_unit_flop.unwrap(), units * year / y.compute_flop * 1e24));
    assert!(!y.euv);
}

#[test]
fn two_years_by_hand_with_retirement_and_standing_facility() {
    let mut x = bound().inputs;
    x.years = 2;
    x.paths = vec![Path { rd_share: 0.0, rd_share_after: 0.0 }];
    // A budget too small for the fabs to bind, so money sets the count.
    x.budget_usd = 1e9;
    x.budget_growth = 1.5;
    let t = tables(&x);
    let (u0, u1) = (t.duv[0], t.duv[1]);
    let (c0, c1) = (train::capex(&u0.year_of_use), train::capex(&u1.year_of_use));
    let tariff1 = x.year_of_use.tariff_usd_per_kwh * x.tariff_trend;
    let (e0, m0, _) = opex(&u0, x.year_of_use.tariff_usd_per_kwh);
    let n0 = 1e9 / (c0.total_usd() + e0 + m0);
    let (e1, m1, _) = opex(&u1, tariff1);
    for life in [1.0, 2.0] {
        x.year_of_use.hardware_life_years = life;
        let ys = &evaluate(&x).paths[0].years;
        assert!(close(ys[0].accelerators, n0));
        let n1 = if life >= 2.0 {
            // The first year's accelerators still run (paid first) and fill their facility.
            let (e_old, m_old, _) = opex(&u0, tariff1);
            (1.5e9 - n0 * (e_old + m_old)) / (c1.total_usd() + e1 + m1)
        } else {
            // They retired: their facility stands empty, and the first n0 new ones need none.
            let rest = (1.5e9 - n0 * (c1.hardware_usd() + e1 + m1)) / (c1.total_usd() + e1 + m1);
            assert!(close(ys[1].facility_usd, rest * c1.facility_usd));
            n0 + rest
        };
        let kept = if life >= 2.0 { n0 } else { 0.0 };
        assert!(close(ys[1].accelerators, kept + n1), "life {life}: {} vs {}", ys[1].accelerators, kept + n1);
        assert!(close(ys[1].installed_flops, kept * u0.flops + n1 * u1.flops));
        assert!(close(ys[1].cumulative_spend_usd, 2.5e9));
        assert!(close(ys[1].cumulative_compute_flop, ys[0].compute_flop + ys[1].compute_flop));
    }
}

#[test]
fn what_the_budget_cannot_run_stands_idle() {
    let mut x = bound().inputs;
    x.years = 3;
    x.paths = vec![Path { rd_share: 0.0, rd_share_after: 0.0 }];
    // No budget after the first year: last year's accelerators cannot be run.
    x.budget_growth = 0.0;
    let ys = evaluate(&x).paths[0].years.clone();
    assert!(ys[0].installed_flops > 0.0);
    for y in &ys[1..] {
        assert_eq!((y.spend_usd, y.unspent_usd, y.installed_flops, y.energy_twh), (0.0, 0.0, 0.0, 0.0));
        assert_eq!(y.usd_per_unit_flop, None);
    }
    check(&StrategyOutputs { paths: vec![PathOutputs { years: ys, euv_arrival: None }] }).unwrap();
}

#[test]
fn hbm_stock_runs_out_and_the_flow_remains() {
    let mut x = bound().inputs;
    x.paths = vec![Path { rd_share: 0.0, rd_share_after: 0.0 }];
    x.budget_usd = 1e15;
    x.duv_wafers_per_month = 1e9;
    x.hbm_domestic_stacks_per_month = 1000.0;
    x.hbm_growth = 1.0;
    let stacks = tables(&x).duv[0].hbm_stacks;
    let ys = evaluate(&x).paths[0].years.clone();
    // HBM binds: the first year takes the whole stock and a year's flow, each later year the flow.
    let first = ys[0].accelerators;
    assert!(close(first, (x.hbm_stock_stacks + 12_000.0) / stacks), "{first}");
    assert!(close(ys[1].accelerators - first, 12_000.0 / stacks));
}

#[test]
fn defect_density_learns_towards_the_floor() {
    assert_eq!(learned_d0(0.3, 0.1, 0.0, 2.0), 0.3);
    assert!(close(learned_d0(0.3, 0.1, 2.0, 2.0), 0.1 + 0.2 / std::f64::consts::E));
    assert!(learned_d0(0.3, 0.1, 50.0, 2.0) - 0.1 < 1e-6);
    // Already at or below the floor: no change.
    assert_eq!(learned_d0(0.05, 0.1, 3.0, 2.0), 0.05);
}

#[test]
fn forced_euv_gives_the_new_node_from_that_year() {
    let mut x = bound().inputs;
    for year in [2027, 2031, 2036] {
        x.euv_year = Some(year);
        let out = evaluate(&x);
        let (now, first) = (&out.paths[0], &out.paths[1]);
        assert_eq!(now.euv_arrival, None, "a path with no R&D never gets EUV");
        assert_eq!(first.euv_arrival, Some(year));
        for y in &first.years {
            assert_eq!(y.euv, y.year >= year, "{}", y.year);
            if y.year < year {
                assert_eq!(y.euv_flops_share, 0.0);
            }
        }
        // The young node's yield keeps wafers on the DUV node at first; by the end the EUV
        // nodes make some of the installed compute.
        assert!(first.years.last().unwrap().euv_flops_share > 0.0);
        // Before arrival the paths differ only by the R&D spent.
        let i = (year - x.start_year) as usize;
        for k in 0..i {
            assert!(first.years[k].installed_flops <= now.years[k].installed_flops * (1.0 + 1e-12));
        }
    }
}

#[test]
fn no_rd_no_euv_whatever_the_threshold() {
    let mut x = bound().inputs;
    x.rd_needed_usd = 1.0;
    x.euv_earliest_year = 0.0;
    x.paths = vec![Path { rd_share: 0.0, rd_share_after: 0.5 }, Path { rd_share: 0.01, rd_share_after: 0.0 }];
    let out = evaluate(&x);
    assert_eq!(out.paths[0].euv_arrival, None);
    assert!(out.paths[0].years.iter().all(|y| !y.euv && y.rd_usd == 0.0));
    // One cent of R&D in the first year passes a one-dollar threshold: EUV in the second.
    assert_eq!(out.paths[1].euv_arrival, Some(x.start_year + 1));
}

#[test]
fn arrival_waits_for_the_spend_and_the_earliest_year() {
    let mut x = bound().inputs;
    x.paths = vec![Path { rd_share: 0.25, rd_share_after: 0.0 }];
    x.euv_earliest_year = 0.0;
    // Spend S by the end of year k: the threshold just above the first year's spend means
    // EUV comes in the third year, not the second.
    let first_year = x.budget_usd * 0.25;
    x.rd_needed_usd = first_year * 1.01;
    assert_eq!(evaluate(&x).paths[0].euv_arrival, Some(x.start_year + 2));
    x.rd_needed_usd = first_year * 0.99;
    assert_eq!(evaluate(&x).paths[0].euv_arrival, Some(x.start_year + 1));
    // The earliest year holds it back however much is spent.
    x.euv_earliest_year = 2033.0;
    assert_eq!(evaluate(&x).paths[0].euv_arrival, Some(2033));
    // A larger threshold never brings it earlier.
    let mut last = 0;
    for need in [1e9, 3e10, 1e11, 3e11] {
        x.rd_needed_usd = need;
        let a = evaluate(&x).paths[0].euv_arrival.unwrap_or(i32::MAX);
        assert!(a >= last);
        last = a;
    }
}

#[test]
fn break_even_by_hand() {
    let path = |cum: &[f64]| PathOutputs {
        years: cum
            .iter()
            .enumerate()
            .map(|(i, c)| Year { year: 2025 + i as i32, cumulative_compute_flop: *c, ..Default::default() })
            .collect(),
        euv_arrival: None,
    };
    let base = path(&[1.0, 2.0, 3.0, 4.0]);
    assert_eq!(break_even(&base, &path(&[0.5, 1.5, 3.5, 5.0]), 0.01), Catch::From(2027));
    assert_eq!(break_even(&base, &path(&[1.0, 2.0, 3.0, 4.0]), 0.01), Catch::Same);
    // Within the margin counts as level.
    assert_eq!(break_even(&base, &path(&[1.005, 1.99, 3.0, 4.0]), 0.01), Catch::Same);
    assert_eq!(break_even(&base, &path(&[1.0, 2.5, 3.0, 4.0]), 0.01), Catch::NeverBehind);
    assert_eq!(break_even(&base, &path(&[2.0, 1.0, 3.5, 5.0]), 0.01), Catch::From(2027));
    assert_eq!(break_even(&base, &path(&[2.0, 3.0, 4.0, 3.97]), 0.01), Catch::NeverBehind);
    assert_eq!(break_even(&base, &path(&[2.0, 3.0, 4.0, 3.8]), 0.01), Catch::NotBy);
}

#[test]
fn leaders_and_ties_by_hand() {
    assert_eq!(leader(&[1.0, 2.0, 1.5], true, 0.01), Some(1));
    assert_eq!(leader(&[1.0, 2.0, 1.5], false, 0.01), Some(0));
    assert_eq!(leader(&[2.0, 2.01, 1.0], true, 0.01), None, "within 1 %: a tie");
    assert_eq!(leader(&[2.0, 2.03, 1.0], true, 0.01), Some(1));
    assert_eq!(leader(&[2.0, f64::NAN], true, 0.01), None);
    assert_eq!(leader(&[3.0], true, 0.01), Some(0));
}

#[test]
fn the_best_share_is_the_smallest_among_ties() {
    let shares = [0.0, 0.25, 0.5, 0.75, 1.0];
    // R&D that buys nothing is not chosen.
    assert_eq!(best_share(&shares, &[5.0, 5.0, 5.0, 4.0, 3.0], 0.01), Some((0.0, 0.0, 0.5)));
    assert_eq!(best_share(&shares, &[4.0, 5.0, 4.96, 6.0, 3.0], 0.01), Some((0.75, 0.75, 0.75)));
    assert_eq!(best_share(&shares, &[4.0, 5.0, 4.96, 4.0, 3.0], 0.01), Some((0.25, 0.25, 0.5)));
    assert_eq!(best_share(&shares, &[f64::NAN; 5], 0.01), None);
}

#[test]
fn identical_paths_tie_and_never_break_even() {
    let mut ds = Dataset::builtin().unwrap();
    ds.apply_set("path.euv-first.rd_share=0").unwrap();
    let req = StrategyRequest::default();
    let (b, keys) = uncertain(&ds, &req).unwrap();
    let layout = Layout::of(&b.inputs);
    let plan = crate::uncertainty::Plan::keyed(&keys, 50, 3, crate::uncertainty::Sampling::MonteCarlo);
    let rows = sample_paths(&ds, &req, &keys, &plan, layout, &|_| {});
    let c = compare(&rows, layout);
    assert_eq!(c.samples, 50);
    assert!(c.tie_compute.iter().all(|t| *t == 1.0), "{:?}", c.tie_compute);
    assert!(c.lead_cost.iter().flatten().all(|p| *p == 0.0));
    let be = c.break_even[0];
    assert_eq!((be.same, be.caught_up, be.never_behind, be.not_by_end), (1.0, 0.0, 0.0, 0.0));
    assert_eq!(c.arrival[1].1, 1.0, "no R&D, no EUV");
}

#[test]
fn compared_samples_add_up() {
    let ds = Dataset::builtin().unwrap();
    let req = StrategyRequest::default();
    let (b, keys) = uncertain(&ds, &req).unwrap();
    let layout = Layout::of(&b.inputs);
    let plan = crate::uncertainty::Plan::keyed(&keys, 64, 9, crate::uncertainty::Sampling::LatinHypercube);
    let rows = sample_paths(&ds, &req, &keys, &plan, layout, &|_| {});
    let c = compare(&rows, layout);
    for (y, lead) in c.lead_compute.iter().enumerate() {
        assert!((lead.iter().sum::<f64>() + c.tie_compute[y] - 1.0).abs() < 1e-12);
        // EUV, once arrived, stays: its share never falls.
        if y > 0 {
            assert!(c.euv[y][1] >= c.euv[y - 1][1]);
        }
    }
    let be = c.break_even[0];
    assert!((be.caught_up + be.never_behind + be.same + be.not_by_end - 1.0).abs() < 1e-12);
    // Row by row, the break-even written is the one the outputs give.
    for i in 0..rows.rows() {
        let y = rows.get(i, layout.break_even(1));
        assert!(y >= f64::from(b.inputs.start_year) - 2.0 && y <= layout.never());
    }
}

#[test]
fn the_parameters_move_the_answer() {
    let x = bound().inputs;
    let base = evaluate(&x);
    let last = |o: &StrategyOutputs, p: usize| *o.paths[p].years.last().unwrap();
    let with = |f: &dyn Fn(&mut StrategyInputs)| {
        let mut y = x.clone();
        f(&mut y);
        evaluate(&y)
    };
    // Cheaper power: a smaller bill.
    let o = with(&|y| y.tariff_trend = 0.95);
    assert!(last(&o, 0).electricity_usd < last(&base, 0).electricity_usd);
    // More wafers: no less compute; more HBM, where HBM binds: more.
    let o = with(&|y| y.duv_wafers_added_per_year *= 2.0);
    assert!(last(&o, 0).cumulative_compute_flop >= last(&base, 0).cumulative_compute_flop);
    let o = with(&|y| y.hbm_domestic_stacks_per_month *= 2.0);
    assert!(last(&o, 0).cumulative_compute_flop > last(&base, 0).cumulative_compute_flop);
    // A later earliest year: EUV later.
    let o = with(&|y| y.euv_earliest_year = 2036.0);
    assert!(o.paths[1].euv_arrival > base.paths[1].euv_arrival);
    // Faster learning: more good dies a wafer, so no less compute.
    let o = with(&|y| y.d0_learning_years = 0.5);
    assert!(last(&o, 0).cumulative_compute_flop >= last(&base, 0).cumulative_compute_flop);
    // A higher markup: dearer compute per FLOP.
    let o = with(&|y| y.accelerator_markup = 3.0);
    assert!(last(&o, 0).usd_per_unit_flop > last(&base, 0).usd_per_unit_flop);
    check(&base).unwrap();
}

#[test]
fn sweep_at_zero_is_the_path_without_rd() {
    let x = bound().inputs;
    let by = x.years - 1;
    let swept = sweep(&x, &[0.0, 0.25], by);
    let out = evaluate(&x);
    assert!(close(swept[0], out.paths[0].years[by].cumulative_compute_flop));
    assert!(close(swept[1], out.paths[1].years[by].cumulative_compute_flop));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn more_budget_no_less_compute(scale in 0.01f64..3.0, more in 1.0f64..3.0, share in 0.0f64..0.9) {
        let mut x = bound().inputs;
        x.paths = vec![Path { rd_share: share, rd_share_after: 0.0 }];
        x.budget_usd *= scale;
        let a = evaluate(&x);
        x.budget_usd *= more;
        let b = evaluate(&x);
        for (ya, yb) in a.paths[0].years.iter().zip(&b.paths[0].years) {
            prop_assert!(yb.cumulative_compute_flop >= ya.cumulative_compute_flop * (1.0 - 1e-9));
        }
        prop_assert!(check(&b).is_ok());
    }

    #[test]
    fn spend_never_exceeds_the_budget(scale in 0.01f64..3.0, share in 0.0f64..1.0, growth in 0.0f64..1.3) {
        let mut x = bound().inputs;
        x.paths = vec![Path { rd_share: share, rd_share_after: share / 2.0 }];
        x.budget_usd *= scale;
        x.budget_growth = growth;
        for y in &evaluate(&x).paths[0].years {
            prop_assert!(y.spend_usd <= y.budget_usd * (1.0 + 1e-9), "{:?}", y);
            prop_assert!(y.unspent_usd >= 0.0, "{:?}", y);
            prop_assert!(close(y.spend_usd + y.unspent_usd, y.budget_usd), "{:?}", y);
            prop_assert!(y.euv_flops_share >= 0.0 && y.euv_flops_share <= 1.0);
        }
    }
}
