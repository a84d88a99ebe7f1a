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

/// The built-in inputs with one path, no imports, no bank and capacity that cannot grow: the
/// domestic DUV outlet alone, for hand-worked cases.
fn domestic_only(rd_share: f64) -> StrategyInputs {
    let mut x = bound().inputs;
    x.paths = vec![Path { rd_share, rd_share_after: 0.0 }];
    x.imports.clear();
    x.die_bank_dies = 0.0;
    for s in &mut x.supplies {
        s.ramp_rate = 0.0;
    }
    x
}

#[test]
fn one_year_by_hand() {
    let mut x = domestic_only(0.25);
    x.years = 1;
    let u = tables(&x).duv[0];
    let (elec, upkeep, mwh) = opex(&u, x.year_of_use.tariff_usd_per_kwh);
    let money = x.budget_usd * 0.75;
    let supply = x.supplies[supply::WAFERS].start * 12.0 * u.per_wafer;
    let hbm = x.hbm_stock_stacks.min(x.hbm_stock_per_year) + x.supplies[supply::HBM].start * 12.0;
    let packaging = x.supplies[supply::PACKAGING].start * 12.0 / u.packaging_wafers;
    // Nothing stands yet: each accelerator comes with its facility.
    assert!(close(u.capex_usd, train::capex(&u.year_of_use).total_usd()));
    let units = (money / (u.capex_usd + elec + upkeep)).min(supply).min(hbm / u.hbm_stacks).min(packaging);
    let y = evaluate(&x).paths[0].years[0];
    assert_eq!(y.year, x.start_year);
    assert!(close(y.accelerators, units), "{} vs {units}", y.accelerators);
    assert!(close(y.installed_flops, units * u.flops));
    assert!(close(y.rd_usd, x.budget_usd * 0.25));
    assert!(close(y.domestic_usd, units * u.capex_usd));
    assert!(close(y.running_usd, units * (elec + upkeep)));
    assert!(close(y.spend_usd, y.rd_usd + units * (u.capex_usd + elec + upkeep)));
    // What no outlet took is carried, and nothing else is left.
    assert!(close(y.carried_usd, x.budget_usd - y.spend_usd));
    assert_eq!((y.imports_usd, y.capacity_usd, y.carried_in_usd), (0.0, 0.0, 0.0));
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
    let mut x = domestic_only(0.0);
    x.years = 2;
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
        assert_eq!(ys[0].carried_usd, 0.0, "money binds: nothing is carried");
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
    let mut x = domestic_only(0.0);
    x.years = 3;
    // A first year that money binds, and no budget after it: last year's accelerators
    // cannot be run.
    x.budget_usd = 1e9;
    x.budget_growth = 0.0;
    let ys = evaluate(&x).paths[0].years.clone();
    assert!(ys[0].installed_flops > 0.0);
    assert_eq!(ys[0].carried_usd, 0.0);
    for y in &ys[1..] {
        assert_eq!((y.spend_usd, y.carried_usd, y.installed_flops, y.energy_twh), (0.0, 0.0, 0.0, 0.0));
        assert_eq!(y.usd_per_unit_flop, None);
    }
    check(&StrategyOutputs { paths: vec![PathOutputs { years: ys, euv_arrival: None }] }).unwrap();
}

#[test]
fn money_no_outlet_takes_is_carried_at_the_cost_of_capital() {
    let mut x = domestic_only(0.0);
    x.years = 2;
    let ys = evaluate(&x).paths[0].years.clone();
    // The fabs bind at the built-in budget: most of it is carried, with a year's return.
    assert!(ys[0].carried_usd > 0.5 * ys[0].budget_usd, "{:?}", ys[0]);
    assert!(close(ys[1].carried_in_usd, ys[0].carried_usd * (1.0 + x.year_of_use.cost_of_capital)));
    for y in &ys {
        assert!(close(y.budget_usd + y.carried_in_usd, y.spend_usd + y.carried_usd), "{y:?}");
    }
    // Carried money pays next year's running costs when the new budget cannot.
    x.budget_growth = 0.0;
    let ys = evaluate(&x).paths[0].years.clone();
    assert!(ys[1].installed_flops >= ys[0].installed_flops * (1.0 - 1e-12));
    assert!(ys[1].running_usd > 0.0);
}

#[test]
fn the_hbm_stock_is_drawn_at_its_pace_then_the_flow_remains() {
    let mut x = domestic_only(0.0);
    x.budget_usd = 1e15;
    x.supplies[supply::WAFERS].start = 1e9;
    x.supplies[supply::PACKAGING].start = 1e9;
    x.supplies[supply::HBM].start = 1000.0;
    x.hbm_stock_per_year = x.hbm_stock_stacks / 2.0;
    let stacks = tables(&x).duv[0].hbm_stacks;
    let ys = evaluate(&x).paths[0].years.clone();
    // HBM binds: the first two years take half the stock each with a year's flow, the third
    // the flow alone.
    let per_year = (x.hbm_stock_stacks / 2.0 + 12_000.0) / stacks;
    assert!(close(ys[0].accelerators, per_year), "{}", ys[0].accelerators);
    assert!(close(ys[1].accelerators - ys[0].accelerators, per_year));
    assert!(close(ys[2].accelerators - ys[1].accelerators, 12_000.0 / stacks));
    assert_eq!(ys[1].hbm_stock_stacks, 0.0);
}

#[test]
fn the_bank_of_dies_adds_to_the_wafers() {
    let mut x = domestic_only(0.0);
    x.years = 1;
    x.budget_usd = 1e15;
    x.hbm_stock_per_year = f64::INFINITY;
    x.hbm_stock_stacks = 1e12;
    x.supplies[supply::PACKAGING].start = 1e9;
    let u = tables(&x).duv[0];
    let wafers = x.supplies[supply::WAFERS].start * 12.0 * u.per_wafer;
    let alone = evaluate(&x).paths[0].years[0].accelerators;
    assert!(close(alone, wafers));
    x.die_bank_dies = 1e6;
    x.die_bank_per_year = 4e5;
    let with = evaluate(&x).paths[0].years[0].accelerators;
    assert!(close(with - alone, 4e5 / u.dies * u.package_yield), "{with} {alone}");
}

#[test]
fn an_import_rule_by_hand() {
    let x = domestic_only(0.0);
    let u = imported_unit(&x.year_of_use, 30_000.0, 700.0, 1000.0);
    let rule =
        Import { unit: u, open_from: 2025.5, open_to: 2026.25, units_per_year: 1000.0, acceptance: 0.5 };
    assert!(close(rule.available(2024), 0.0));
    assert!(close(rule.available(2025), 250.0));
    assert!(close(rule.available(2026), 125.0));
    assert!(close(rule.available(2027), 0.0));
    // In the ledger, alone (no domestic output) and with money to spare, exactly what the rule
    // allows is bought, at its price, installed.
    let mut x = x;
    x.years = 2;
    x.supplies[supply::WAFERS].start = 0.0;
    x.imports = vec![rule];
    let ys = evaluate(&x).paths[0].years.clone();
    assert!(close(ys[0].accelerators, 250.0));
    assert!(close(ys[0].imports_usd, 250.0 * u.capex_usd));
    assert_eq!(ys[0].domestic_usd, 0.0);
    assert!(close(ys[0].imported_flops_share, 1.0));
    assert!(close(ys[1].accelerators, 375.0));
    // A levy is part of the price the rule names.
    let dear = imported_unit(&x.year_of_use, 30_000.0 * 1.25, 700.0, 1000.0);
    let y = &x.year_of_use;
    let hardware = 7_500.0 * (1.0 + y.server_capex_fraction) / (1.0 - y.network_capex_fraction);
    assert!(close(dear.capex_usd - u.capex_usd, hardware));
}

#[test]
fn capacity_is_ordered_in_balance_as_far_as_each_ramp_allows() {
    let s = |start: f64| Supply { start, ceiling: 1000.0, ramp_rate: 1.0, capex_usd: 1.0, lead_years: 1.0 };
    let supplies = [s(100.0), s(50.0), s(200.0)];
    // Logistic steps: 100 × (1 − 0.1) = 90, 50 × 0.95 = 47.5, 200 × 0.8 = 160.
    assert!(close(supplies[0].max_order(100.0), 90.0));
    assert!(close(supplies[0].max_order(999.0), 0.999));
    assert_eq!(supplies[0].max_order(1000.0), 0.0);
    assert_eq!(supplies[0].max_order(2000.0), 0.0);
    // One of each per accelerator: the second can reach 97.5, so the first needs nothing and
    // the third nothing; only the second grows, by all its ramp allows.
    let o = capacity_orders(&supplies, &[100.0, 50.0, 200.0], &[1.0, 1.0, 1.0], &[true; 3]);
    assert!(close(o[0], 0.0) && close(o[1], 47.5) && close(o[2], 0.0), "{o:?}");
    // Eight stacks an accelerator: the HBM's 97.5 carries 12.19; the others are past it.
    let o = capacity_orders(&supplies, &[10.0, 50.0, 200.0], &[1.0, 8.0, 1.0], &[true; 3]);
    assert!(close(o[0], 97.5 / 8.0 - 10.0) && close(o[1], 47.5) && close(o[2], 0.0), "{o:?}");
    // A supply that cannot come in time holds the others back.
    let o = capacity_orders(&supplies, &[100.0, 50.0, 200.0], &[1.0, 1.0, 1.0], &[true, false, true]);
    assert_eq!(o, [0.0; 3]);
    // Lead times: whole years, or split between two.
    assert_eq!(arrivals(1.0), [(1, 1.0), (2, 0.0)]);
    assert_eq!(arrivals(2.5), [(2, 0.5), (3, 0.5)]);
    assert_eq!(arrivals(0.0), [(1, 1.0), (1, 0.0)]);
}

#[test]
fn capacity_bought_comes_after_its_lead_time() {
    let mut x = domestic_only(0.0);
    x.years = 4;
    x.hbm_stock_stacks = 0.0;
    // HBM alone binds and can grow; the others have room to spare.
    x.supplies[supply::WAFERS].start = 1e6;
    x.supplies[supply::PACKAGING].start = 1e6;
    let hbm = &mut x.supplies[supply::HBM];
    (hbm.start, hbm.ceiling, hbm.ramp_rate, hbm.lead_years) = (1000.0, 1e6, 0.5, 1.5);
    let ys = evaluate(&x).paths[0].years.clone();
    let cap = |i: usize| ys[i].capacity[supply::HBM];
    // Year 0 orders 0.5 × 1000 × (1 − 0.001) = 499.5: half comes in year 1, half in year 2.
    let first = 0.5 * 1000.0 * (1.0 - 1000.0 / 1e6);
    assert!(close(cap(0), 1000.0));
    assert!(close(cap(1), 1000.0 + first / 2.0), "{}", cap(1));
    // Year 1 orders on all in service and on order (1,499.5).
    let second = 0.5 * (1000.0 + first) * (1.0 - (1000.0 + first) / 1e6);
    assert!(close(cap(2), 1000.0 + first + second / 2.0), "{}", cap(2));
    assert!(close(ys[0].capacity_usd, first * x.supplies[supply::HBM].capex_usd));
    // No order that would come after the horizon: the last two years order no HBM.
    assert_eq!(ys[3].capacity_usd, 0.0);
}

#[test]
fn timing_needs_both_the_years_and_the_money() {
    let t = EuvTiming {
        rd_needed_usd: 10.0,
        earliest_year: 2028.0,
        programme_start: 2019.0,
        natural_years: 12.0,
        elasticity: 1.5,
    };
    assert_eq!(t.needed(2027), f64::INFINITY);
    assert!(close(t.needed(2028), 10.0 * (12.0f64 / 9.0).powf(1.5)));
    assert!(close(t.needed(2031), 10.0));
    assert!(close(t.needed(2040), 10.0), "no discount for a slow programme");
    // Rushed, it costs more the more it is rushed.
    assert!(t.needed(2028) > t.needed(2029) && t.needed(2029) > t.needed(2030));
}

#[test]
fn a_first_euv_tool_learns_towards_a_mature_one() {
    let l = EuvLearning {
        wph_first: 30.0,
        wph_mature: 170.0,
        wph_rate: 0.6,
        availability_first: 0.5,
        availability_mature: 0.85,
        availability_years: 5.0,
    };
    assert!(close(l.factor(0.0), 30.0 * 0.5 / (170.0 * 0.85)));
    let w5 = 170.0 / (1.0 + (170.0 / 30.0 - 1.0) * (-3.0f64).exp());
    assert!(close(l.factor(5.0), w5 / 170.0));
    assert!(l.factor(40.0) > 0.999 && l.factor(40.0) <= 1.0);
}

#[test]
fn a_design_on_an_euv_node_packs_more_compute_into_the_same_die() {
    let x = bound().inputs;
    let (duv, n5) = (&x.duv.chip, &x.euv[1].chip);
    assert_eq!(n5.compute.area_mm2, duv.compute.area_mm2);
    assert_eq!(n5.hbm_stacks, duv.hbm_stacks);
    // node.n5.density_index 1.8 over node.n7-smic's 0.9; power_index 1.0 over 1.5.
    assert!(close(n5.bf16_tflops / duv.bf16_tflops, 1.8 / 0.9));
    assert!(close(n5.tdp_w / duv.tdp_w, 1.8 / 0.9 * 1.0 / 1.5));
    assert_eq!(n5.compute.wafer.gross_margin, duv.compute.wafer.gross_margin, "a domestic fab's margin");
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
    x.euv_timing = EuvTiming {
        rd_needed_usd: 1.0,
        earliest_year: 0.0,
        programme_start: 0.0,
        natural_years: 1.0,
        elasticity: 1.0,
    };
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
    // A programme long under way, so that no year is rushed.
    x.euv_timing.earliest_year = 0.0;
    x.euv_timing.programme_start = 1900.0;
    // Spend S by the end of year k: the threshold just above the first year's spend means
    // EUV comes in the third year, not the second.
    let first_year = x.budget_usd * 0.25;
    x.euv_timing.rd_needed_usd = first_year * 1.01;
    assert_eq!(evaluate(&x).paths[0].euv_arrival, Some(x.start_year + 2));
    x.euv_timing.rd_needed_usd = first_year * 0.99;
    assert_eq!(evaluate(&x).paths[0].euv_arrival, Some(x.start_year + 1));
    // The earliest year holds it back however much is spent.
    x.euv_timing.earliest_year = 2033.0;
    assert_eq!(evaluate(&x).paths[0].euv_arrival, Some(2033));
    // A larger threshold never brings it earlier.
    let mut last = 0;
    for need in [1e9, 3e10, 1e11, 3e11] {
        x.euv_timing.rd_needed_usd = need;
        let a = evaluate(&x).paths[0].euv_arrival.unwrap_or(i32::MAX);
        assert!(a >= last);
        last = a;
    }
    // A rushed programme needs more: with a natural length far beyond the horizon, the same
    // money arrives later.
    x.euv_timing = EuvTiming {
        rd_needed_usd: 3e10,
        earliest_year: 2026.0,
        programme_start: 2019.0,
        natural_years: 12.0,
        elasticity: 1.5,
    };
    let paced = evaluate(&x).paths[0].euv_arrival.unwrap_or(i32::MAX);
    x.euv_timing.natural_years = 30.0;
    let rushed = evaluate(&x).paths[0].euv_arrival.unwrap_or(i32::MAX);
    assert!(rushed > paced, "{rushed} vs {paced}");
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
    let p = uncertain(&ds, &req).unwrap();
    let layout = Layout::of(&p.bound.inputs);
    let plan = crate::uncertainty::Plan::keyed(&p.keys, 50, 3, crate::uncertainty::Sampling::MonteCarlo);
    let rows = p.sample_paths(&plan, layout, &|_| {}).unwrap();
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
    let p = uncertain(&ds, &req).unwrap();
    let layout = Layout::of(&p.bound.inputs);
    let plan = crate::uncertainty::Plan::keyed(&p.keys, 64, 9, crate::uncertainty::Sampling::LatinHypercube);
    let rows = p.sample_paths(&plan, layout, &|_| {}).unwrap();
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
        assert!(y >= f64::from(p.bound.inputs.start_year) - 2.0 && y <= layout.never());
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
    // A higher HBM ceiling, where HBM binds: more compute.
    let o = with(&|y| y.supplies[supply::HBM].ceiling *= 2.0);
    assert!(last(&o, 0).cumulative_compute_flop > last(&base, 0).cumulative_compute_flop);
    // More of an import let in: more compute, and more of it imported.
    let o = with(&|y| y.imports.iter_mut().for_each(|m| m.acceptance = 1.0));
    assert!(last(&o, 0).cumulative_compute_flop > last(&base, 0).cumulative_compute_flop);
    assert!(last(&o, 0).imported_flops_share > last(&base, 0).imported_flops_share);
    // A later earliest year: EUV later.
    let o = with(&|y| y.euv_timing.earliest_year = 2036.0);
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
fn doubling_a_binding_budget_raises_compute_now_in_the_first_years() {
    // At the built-in budget the supplies bind, not money (most of it is carried); at a
    // tenth of it money binds, and twice the money buys more compute from the first year.
    let mut x = bound().inputs;
    x.paths = vec![Path { rd_share: 0.0, rd_share_after: 0.0 }];
    x.budget_usd /= 10.0;
    let a = evaluate(&x);
    x.budget_usd *= 2.0;
    let b = evaluate(&x);
    for i in 0..3 {
        let (ya, yb) = (a.paths[0].years[i], b.paths[0].years[i]);
        assert_eq!(ya.carried_usd, 0.0, "money binds in {}", ya.year);
        assert!(
            yb.installed_flops > ya.installed_flops * 1.05,
            "{}: {} vs {}",
            ya.year,
            yb.installed_flops,
            ya.installed_flops
        );
    }
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

#[test]
fn the_difference_moves_with_budget_imports_timing_and_ceilings() {
    // Where money binds (a fifth of the built-in budget), the difference between the paths
    // moves with the budget, an import rule, EUV's timing and a supply's ceiling.
    let mut ds = Dataset::builtin().unwrap();
    let budget = ds.params.get_mut("strategy.budget_usd").unwrap();
    (budget.value, budget.low, budget.high) = (18e9, 15e9, 21e9);
    let req = StrategyRequest::default();
    let p = uncertain(&ds, &req).unwrap();
    let (_, swings) = p.drivers(&p.keys, p.bound.inputs.years - 1).unwrap().unwrap();
    for key in [
        "strategy.budget_usd",
        "import.grey-market.levy",
        "strategy.euv_earliest_year",
        "strategy.hbm_ceiling_stacks_per_month",
    ] {
        let w = swings.iter().find(|w| w.key == key).unwrap_or_else(|| panic!("{key} is not uncertain"));
        assert!(w.width() > 0.0, "{key} does not move the difference: {w:?}");
    }
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
    fn every_dollar_is_spent_or_carried(scale in 0.01f64..3.0, share in 0.0f64..1.0, growth in 0.0f64..1.3) {
        let mut x = bound().inputs;
        x.paths = vec![Path { rd_share: share, rd_share_after: share / 2.0 }];
        x.budget_usd *= scale;
        x.budget_growth = growth;
        for y in &evaluate(&x).paths[0].years {
            let money = y.budget_usd + y.carried_in_usd;
            prop_assert!(y.spend_usd <= money * (1.0 + 1e-9), "{:?}", y);
            prop_assert!(y.carried_usd >= 0.0, "{:?}", y);
            prop_assert!(close(y.spend_usd + y.carried_usd, money), "{:?}", y);
            let outlets = y.rd_usd + y.running_usd + y.domestic_usd + y.imports_usd + y.capacity_usd;
            prop_assert!(close(outlets, y.spend_usd), "{:?}", y);
            prop_assert!(y.euv_flops_share >= 0.0 && y.euv_flops_share <= 1.0);
        }
    }

    /// Money is carried only when no outlet could take more: where a path carries money every
    /// year, more money changes nothing but what is carried.
    #[test]
    fn money_is_carried_only_where_no_outlet_has_room(
        hbm_ceiling in 1e5f64..2e6,
        ramp in 0.3f64..1.5,
        acceptance in 0.0f64..0.5,
        more in 1.1f64..3.0,
    ) {
        let mut x = bound().inputs;
        x.paths = vec![Path { rd_share: 0.0, rd_share_after: 0.0 }];
        x.supplies[supply::HBM].ceiling = hbm_ceiling;
        x.supplies.iter_mut().for_each(|s| s.ramp_rate = ramp);
        x.imports.iter_mut().for_each(|m| m.acceptance = m.acceptance.max(acceptance));
        let a = evaluate(&x);
        prop_assume!(a.paths[0].years.iter().all(|y| y.carried_usd > 0.0));
        x.budget_usd *= more;
        let b = evaluate(&x);
        for (ya, yb) in a.paths[0].years.iter().zip(&b.paths[0].years) {
            prop_assert!(close(ya.installed_flops, yb.installed_flops), "{}", ya.year);
            prop_assert!(close(ya.domestic_usd, yb.domestic_usd) && close(ya.imports_usd, yb.imports_usd));
            prop_assert!(close(ya.capacity_usd, yb.capacity_usd), "{}", ya.year);
            prop_assert!(yb.carried_usd > ya.carried_usd);
        }
    }

    #[test]
    fn no_supply_passes_its_ceiling(
        scale in 0.1f64..30.0,
        ramp in 0.0f64..5.0,
        lead in 0.0f64..4.0,
        ceiling in 0.5f64..20.0,
    ) {
        let mut x = bound().inputs;
        x.budget_usd *= scale;
        for s in &mut x.supplies {
            s.ramp_rate = ramp;
            s.lead_years = lead;
            s.ceiling = s.start * ceiling;
        }
        for p in evaluate(&x).paths {
            for y in &p.years {
                for (s, c) in x.supplies.iter().zip(y.capacity) {
                    prop_assert!(c <= s.start.max(s.ceiling) * (1.0 + 1e-9), "{} {c} {s:?}", y.year);
                    prop_assert!(c >= s.start * (1.0 - 1e-12));
                }
            }
        }
    }

    #[test]
    fn without_rd_euv_never_arrives(
        need in 1.0f64..1e12,
        earliest in 1990.0f64..2040.0,
        natural in 0.5f64..30.0,
        after in 0.0f64..1.0,
    ) {
        let mut x = bound().inputs;
        x.euv_timing.rd_needed_usd = need;
        x.euv_timing.earliest_year = earliest;
        x.euv_timing.natural_years = natural;
        x.paths = vec![Path { rd_share: 0.0, rd_share_after: after }];
        let out = evaluate(&x);
        prop_assert_eq!(out.paths[0].euv_arrival, None);
        prop_assert!(out.paths[0].years.iter().all(|y| !y.euv && y.euv_flops_share == 0.0 && y.rd_usd == 0.0));
    }
}

/// Derive on one plan equals re-binding the data with the same draws (every number of the
/// strategy: the chip ledger on three nodes, the training ledger, supplies and imports).
#[test]
fn derive_on_one_plan_is_rebinding_with_the_same_draws() {
    use crate::plan::{Slots, oracle};
    let ds = Dataset::builtin().unwrap();
    let req = StrategyRequest::default();
    let mut slots = Slots::default();
    let b = plan(&ds, &req, &mut slots).unwrap();
    oracle(&ds, &slots, &b.bindings, 32, |v| b.plan.derive(v).ok(), |d| bind(d, &req).ok().map(|b| b.inputs));
}

/// The horizon sizes the paths, so it is planned once and a range on it is refused, by name,
/// rather than fixed silently.
#[test]
fn a_range_on_the_horizon_is_refused_by_name() {
    let mut ds = Dataset::builtin().unwrap();
    let end = ds.params.get_mut("strategy.end_year").unwrap();
    (end.low, end.high) = (end.value - 2.0, end.value + 2.0);
    let p = uncertain(&ds, &StrategyRequest::default()).unwrap();
    let layout = Layout::of(&p.bound.inputs);
    let plan = crate::uncertainty::Plan::keyed(&p.keys, 4, 1, crate::uncertainty::Sampling::MonteCarlo);
    let e = p.sample_paths(&plan, layout, &|_| {}).err().expect("refused");
    assert!(
        e.message.contains("strategy.end_year") && e.message.contains("cannot be sampled"),
        "{}",
        e.message
    );
    // The central answer's drivers leave it out rather than refuse the answer.
    let (_, swings) = p.drivers(&p.keys, p.bound.inputs.years - 1).unwrap().unwrap();
    assert!(!swings.is_empty() && swings.iter().all(|s| s.key != "strategy.end_year"));
}
