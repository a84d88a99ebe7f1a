//! The strategy ledger (DESIGN.md §6): facing export controls on lithography, does a country
//! get more training compute by spending on compute now, or on its own EUV first?
//!
//! A year-by-year simulation of named paths over a horizon. Each year a path splits the budget:
//! a share to lithography R&D, the rest to compute. The compute money first pays the
//! electricity and upkeep of the accelerators already installed, then buys new ones, installed
//! (servers, network, facility), as many as the fabs can make and HBM allows; what no fab can
//! turn into chips is left unspent. Nodes come from the chip ledger (build cost, good dies a
//! wafer) at a defect density that falls with learning; electricity and upkeep from the
//! training ledger, at a price that follows the region's trend; hardware retires after its life.
//!
//! EUV arrives for a path in the first year, not before `euv_earliest_year`, that opens with
//! the path's cumulative R&D spend at or above `rd_needed_usd`. Drawn per sample (lognormal),
//! that threshold is a hazard in cumulative spend: the chance that EUV has come by a spend
//! `S` is the threshold's distribution function at `S`. The earliest year is the time
//! development takes whatever the money (ASML's EUV took about 22 years; a follower may be
//! faster). Both paths see the same draws, so their difference is the path's alone. Once EUV
//! has arrived, domestic EUV tools are made each year (a first year's number growing to a
//! ceiling) and each year's tools go to the newest EUV node, each node opening
//! `euv_node_lag_years` after the one before.

mod bind;
mod explain;
mod sample;
#[cfg(test)]
mod tests;

pub use bind::{MAX_YEARS, StrategyBound, StrategyRequest, bind};
pub use explain::explain;
pub use sample::{
    BreakEven, Comparison, Layout, Sweep, compare, drivers, flips, sample_paths, shares, sweep_samples,
    uncertain,
};

use crate::chip::{self, ChipInputs};
use crate::fleet;
use crate::train;
use crate::units::{
    FLOPS_PER_TFLOPS, HOURS_PER_DAY, HOURS_PER_YEAR, KWH_PER_MWH, KWH_PER_TWH, MONTHS_PER_YEAR,
    SECONDS_PER_HOUR,
};

/// A year's seconds.
const SECONDS_PER_YEAR: f64 = HOURS_PER_YEAR * SECONDS_PER_HOUR;
/// The unit of training compute that cost is quoted per.
pub const FLOP_UNIT: f64 = 1e24;

/// One process node a path can buy accelerators made on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Node {
    /// The accelerator with its compute dies on this node (analytic die count).
    pub chip: ChipInputs,
    /// Defect density in the node's first year.
    pub d0_start: f64,
    /// Defect density it learns towards: the node's own, from the data.
    pub d0_floor: f64,
    /// Wafer starts a month one EUV tool carries on the node (0 for the DUV node).
    pub wafers_per_month_per_tool: f64,
}

/// A rule for splitting the budget.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Path {
    /// Share of the budget spent on lithography R&D until EUV arrives.
    pub rd_share: f64,
    /// Share spent on it once EUV has arrived.
    pub rd_share_after: f64,
}

impl Path {
    /// Whether the path pursues EUV at all.
    pub fn pursues_euv(&self) -> bool {
        self.rd_share > 0.0
    }
}

/// Everything the strategy ledger needs, as plain numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyInputs {
    pub start_year: i32,
    /// Years simulated, the start year first.
    pub years: usize,
    pub budget_usd: f64,
    pub budget_growth: f64,
    pub paths: Vec<Path>,
    pub rd_needed_usd: f64,
    pub euv_earliest_year: f64,
    /// EUV forced to arrive in this year for every path that pursues it (a what-if).
    pub euv_year: Option<i32>,
    pub duv: Node,
    /// The nodes EUV opens, in order.
    pub euv: Vec<Node>,
    pub euv_node_lag_years: f64,
    pub euv_tools_first_year: f64,
    pub euv_tools_growth: f64,
    pub euv_tools_max_per_year: f64,
    pub duv_wafers_per_month: f64,
    pub duv_wafers_added_per_year: f64,
    /// HBM stacks in stock at the start (bought before export controls), drawn as needed.
    pub hbm_stock_stacks: f64,
    /// Domestic HBM stacks a month in the start year, growing by `hbm_growth` a year.
    pub hbm_domestic_stacks_per_month: f64,
    pub hbm_growth: f64,
    pub d0_learning_years: f64,
    pub accelerator_markup: f64,
    pub tariff_trend: f64,
    /// A lead smaller than this share is a tie.
    pub lead_margin: f64,
    /// One accelerator run for a year in the region (the training ledger's inputs): power,
    /// PUE, price of a kWh in the start year, hardware life, cost of capital, upkeep, MFU.
    pub year_of_use: train::Inputs,
    pub run_days: f64,
}

impl StrategyInputs {
    pub fn year(&self, i: usize) -> i32 {
        self.start_year + i as i32
    }
    pub fn end_year(&self) -> i32 {
        self.year(self.years.saturating_sub(1))
    }
}

/// An accelerator made on one node at one age of its learning, and what it costs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    /// Working accelerators a wafer start gives.
    pub per_wafer: f64,
    /// Dense BF16 FLOP/s of one.
    pub flops: f64,
    pub hbm_stacks: f64,
    /// Capital cost installed: accelerator at build cost × (1 + markup), servers, network,
    /// facility.
    pub capex_usd: f64,
    /// The training ledger's inputs for a year of one (its price set).
    pub year_of_use: train::Inputs,
}

/// Defect density after `age` years of learning from `start` towards `floor`.
pub fn learned_d0(start: f64, floor: f64, age: f64, learning_years: f64) -> f64 {
    if start <= floor {
        return start;
    }
    floor + (start - floor) * (-age.max(0.0) / learning_years).exp()
}

/// The accelerator made on `node` after `age` years of learning.
pub fn unit(x: &StrategyInputs, node: &Node, age: f64) -> Unit {
    let mut c = node.chip;
    c.compute.wafer.d0_override_per_cm2 =
        Some(learned_d0(node.d0_start, node.d0_floor, age, x.d0_learning_years));
    let out = chip::evaluate(&c);
    let year_of_use = train::Inputs {
        accelerator_price_usd: out.build_cost_usd * (1.0 + x.accelerator_markup),
        tdp_w: c.tdp_w,
        peak_tflops: c.bf16_tflops,
        ..x.year_of_use
    };
    Unit {
        per_wafer: fleet::accelerators_per_wafer(&c, &out),
        flops: c.bf16_tflops * FLOPS_PER_TFLOPS,
        hbm_stacks: c.hbm_stacks,
        capex_usd: train::capex(&year_of_use).total_usd(),
        year_of_use,
    }
}

/// Every node's accelerator at every age the horizon can need: the DUV node by year from the
/// start, each EUV node by years since it opened. Paths share it.
#[derive(Clone, Debug)]
pub struct Tables {
    pub duv: Vec<Unit>,
    pub euv: Vec<Vec<Unit>>,
}

pub fn tables(x: &StrategyInputs) -> Tables {
    let ages = |n: &Node| (0..x.years).map(|a| unit(x, n, a as f64)).collect::<Vec<_>>();
    Tables { duv: ages(&x.duv), euv: x.euv.iter().map(ages).collect() }
}

/// One year of one path.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Year {
    pub year: i32,
    /// Dense BF16 FLOP/s in service and running.
    pub installed_flops: f64,
    pub accelerators: f64,
    /// FLOP of the largest run the running accelerators could train in `run_days` at the MFU
    /// and goodput.
    pub largest_run_flop: f64,
    /// Training compute the running accelerators deliver in the year at the MFU and goodput.
    pub compute_flop: f64,
    pub cumulative_compute_flop: f64,
    pub budget_usd: f64,
    pub rd_usd: f64,
    /// Money spent: R&D, accelerators installed, electricity and upkeep.
    pub spend_usd: f64,
    pub cumulative_spend_usd: f64,
    /// Budget no fab could turn into accelerators (accelerators whose electricity and upkeep
    /// the compute share cannot pay stand idle, so it is never negative).
    pub unspent_usd: f64,
    /// Facility built this year (paid once; it outlives the accelerators in it).
    pub facility_usd: f64,
    /// The year's cost of its compute (hardware and facility at their capital recovery,
    /// electricity, upkeep) per 10^24 FLOP; `None` with nothing installed.
    pub usd_per_unit_flop: Option<f64>,
    pub energy_twh: f64,
    pub electricity_usd: f64,
    /// Whether EUV has arrived.
    pub euv: bool,
    /// Share of the installed FLOP/s made on EUV nodes.
    pub euv_flops_share: f64,
}

/// A path over the horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct PathOutputs {
    pub years: Vec<Year>,
    /// The year EUV arrived, if it did within the horizon.
    pub euv_arrival: Option<i32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StrategyOutputs {
    pub paths: Vec<PathOutputs>,
}

/// Accelerators bought in one year on one node.
#[derive(Clone, Copy, Debug)]
struct Vintage {
    year: i32,
    units: f64,
    unit: Unit,
    euv: bool,
}

/// The share of a vintage bought in `bought` still in service in `year`, for a life of `life`
/// years (a life of 4.5 serves half of the fifth year).
fn in_service(bought: i32, year: i32, life: f64) -> f64 {
    if year < bought { 0.0 } else { (bought as f64 + life - year as f64).clamp(0.0, 1.0) }
}

/// EUV tools made in the `k`-th year after arrival.
fn tools_made(x: &StrategyInputs, k: usize) -> f64 {
    (x.euv_tools_first_year * x.euv_tools_growth.powi(k as i32)).min(x.euv_tools_max_per_year)
}

/// The index of the newest EUV node open `k` years after arrival.
fn newest_node(x: &StrategyInputs, k: usize) -> usize {
    let lag = x.euv_node_lag_years.round();
    let opened = if lag <= 0.0 { x.euv.len() } else { (k as f64 / lag).floor() as usize + 1 };
    opened.min(x.euv.len()).saturating_sub(1)
}

/// Years after arrival at which EUV node `j` opens.
fn node_opens(x: &StrategyInputs, j: usize) -> usize {
    (j as f64 * x.euv_node_lag_years.round().max(0.0)) as usize
}

/// Accelerators of one kind offered in a year: what one is, how many the wafers allow, and
/// whether it is made on an EUV node.
#[derive(Clone, Copy)]
struct Offer {
    unit: Unit,
    supply: f64,
    euv: bool,
}

/// Simulates one path.
pub fn simulate(x: &StrategyInputs, t: &Tables, path: &Path) -> PathOutputs {
    let life = x.year_of_use.hardware_life_years;
    let facility_life = x.year_of_use.facility_life_years;
    let mut vintages: Vec<Vintage> = Vec::with_capacity(x.years * (1 + x.euv.len()));
    // Facility built, by year, in kW of peak IT power: it outlives the accelerators in it and
    // is paid for once, when first needed.
    let mut facility: Vec<(i32, f64)> = Vec::with_capacity(x.years);
    let mut tools = vec![0.0; x.euv.len()];
    let mut hbm_stock = x.hbm_stock_stacks;
    let (mut cum_rd, mut cum_spend, mut cum_compute) = (0.0, 0.0, 0.0);
    let mut arrival: Option<i32> = None;
    let mut years = Vec::with_capacity(x.years);
    let kw = |u: &Unit| train::peak_it_kw(&u.year_of_use);
    for i in 0..x.years {
        let year = x.year(i);
        if arrival.is_none() && path.pursues_euv() {
            let comes = match x.euv_year {
                Some(y) => year == y,
                None => year as f64 >= x.euv_earliest_year && cum_rd >= x.rd_needed_usd,
            };
            if comes {
                arrival = Some(year);
            }
        }
        let budget = x.budget_usd * x.budget_growth.powi(i as i32);
        let rd = budget * if arrival.is_some() { path.rd_share_after } else { path.rd_share };
        cum_rd += rd;
        let since = arrival.map(|a| (year - a) as usize);
        if let Some(k) = since {
            tools[newest_node(x, k)] += tools_made(x, k);
        }
        let tariff = x.year_of_use.tariff_usd_per_kwh * x.tariff_trend.powi(i as i32);
        let year_of =
            |u: &Unit| train::evaluate(&train::Inputs { tariff_usd_per_kwh: tariff, ..u.year_of_use });
        let opex = |o: &train::Outputs| o.usd(train::Item::Electricity) + o.usd(train::Item::Maintenance);
        // Electricity and upkeep of what is installed come first; what the compute share
        // cannot pay for stands idle this year.
        let running: f64 =
            vintages.iter().map(|v| v.units * in_service(v.year, year, life) * opex(&year_of(&v.unit))).sum();
        let compute_money = budget - rd;
        let running_share = if running > compute_money { (compute_money / running).max(0.0) } else { 1.0 };
        let mut money = (compute_money - running).max(0.0);
        // Facility free for new accelerators: what is built and standing, less what the
        // accelerators still in service take.
        let built: f64 = facility.iter().map(|(y, k)| k * in_service(*y, year, facility_life)).sum();
        let taken: f64 =
            vintages.iter().map(|v| v.units * in_service(v.year, year, life) * kw(&v.unit)).sum();
        let mut free_kw = (built - taken).max(0.0);
        // What each node can make this year, the cheapest FLOP/s first. EUV tools convert the
        // fabs' wafer starts to EUV nodes, the newest first, where a wafer start gives more
        // FLOP/s there than on the DUV node (a young node's yield may not); the DUV node keeps
        // the rest.
        let mut wafers = (x.duv_wafers_per_month + x.duv_wafers_added_per_year * i as f64) * MONTHS_PER_YEAR;
        let mut offers: Vec<Offer> = Vec::with_capacity(1 + x.euv.len());
        if let Some(k) = since {
            let duv_per_wafer = t.duv[i].per_wafer * t.duv[i].flops;
            for (j, node) in x.euv.iter().enumerate().rev() {
                let opens = node_opens(x, j);
                if tools[j] <= 0.0 || k < opens {
                    continue;
                }
                let unit = t.euv[j][k - opens];
                if unit.per_wafer * unit.flops > duv_per_wafer {
                    let w = (tools[j] * node.wafers_per_month_per_tool * MONTHS_PER_YEAR).min(wafers);
                    wafers -= w;
                    offers.push(Offer { unit, supply: w * unit.per_wafer, euv: true });
                }
            }
        }
        offers.push(Offer { unit: t.duv[i], supply: wafers * t.duv[i].per_wafer, euv: false });
        offers
            .sort_by(|a, b| (a.unit.capex_usd / a.unit.flops).total_cmp(&(b.unit.capex_usd / b.unit.flops)));
        // HBM: the stock left, and this year's domestic flow.
        let hbm_flow = x.hbm_domestic_stacks_per_month * MONTHS_PER_YEAR * x.hbm_growth.powi(i as i32);
        let mut hbm = hbm_stock + hbm_flow;
        let (mut bought, mut facility_usd, mut new_kw) = (0.0, 0.0, 0.0);
        for o in offers {
            let u = o.unit;
            let capex = train::capex(&u.year_of_use);
            let (hardware, first_year) = (capex.hardware_usd(), opex(&year_of(&u)));
            let by_hbm = if u.hbm_stacks > 0.0 { hbm / u.hbm_stacks } else { f64::INFINITY };
            let cap = o.supply.min(by_hbm).max(0.0);
            // First into standing facility, then with new facility.
            let in_free = (free_kw / kw(&u)).min(cap).min(money / (hardware + first_year));
            let rest = ((money - in_free * (hardware + first_year)) / (capex.total_usd() + first_year))
                .min(cap - in_free)
                .max(0.0);
            let units = in_free + rest;
            if units <= 0.0 {
                continue;
            }
            let cost = in_free * (hardware + first_year) + rest * (capex.total_usd() + first_year);
            money = if cost >= money { 0.0 } else { money - cost };
            free_kw = (free_kw - in_free * kw(&u)).max(0.0);
            hbm -= units * u.hbm_stacks;
            bought += units * hardware + rest * capex.facility_usd;
            facility_usd += rest * capex.facility_usd;
            new_kw += rest * kw(&u);
            vintages.push(Vintage { year, units, unit: u, euv: o.euv });
        }
        // The year's flow is used first, the stock for the rest.
        let used = hbm_stock + hbm_flow - hbm.max(0.0);
        hbm_stock = (hbm_stock - (used - hbm_flow).max(0.0)).max(0.0);
        if new_kw > 0.0 {
            facility.push((year, new_kw));
        }
        // The year's accounts over what is in service and running.
        let (
            mut flops,
            mut accelerators,
            mut euv_flops,
            mut cost,
            mut energy_mwh,
            mut electricity,
            mut upkeep,
        ) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for v in &vintages {
            let installed = v.units * in_service(v.year, year, life);
            if installed <= 0.0 {
                continue;
            }
            // This year's purchases were paid for with their first year's running costs.
            let n = if v.year == year { installed } else { installed * running_share };
            let o = year_of(&v.unit);
            flops += n * v.unit.flops;
            accelerators += n;
            if v.euv {
                euv_flops += n * v.unit.flops;
            }
            // An idle accelerator still costs its capital.
            cost += n * o.total_usd + (installed - n) * (o.total_usd - opex(&o));
            energy_mwh += n * o.energy_mwh;
            electricity += n * o.usd(train::Item::Electricity);
            upkeep += n * o.usd(train::Item::Maintenance);
        }
        let delivered = x.year_of_use.mfu * x.year_of_use.goodput;
        let compute = flops * delivered * SECONDS_PER_YEAR;
        cum_compute += compute;
        let spend = rd + bought + electricity + upkeep;
        cum_spend += spend;
        let left = budget - spend;
        years.push(Year {
            year,
            installed_flops: flops,
            accelerators,
            largest_run_flop: flops * delivered * x.run_days * HOURS_PER_DAY * SECONDS_PER_HOUR,
            compute_flop: compute,
            cumulative_compute_flop: cum_compute,
            budget_usd: budget,
            rd_usd: rd,
            spend_usd: spend,
            cumulative_spend_usd: cum_spend,
            // (Below a billionth of the budget is rounding, not money left.)
            unspent_usd: if left.abs() < budget * 1e-9 { 0.0 } else { left },
            facility_usd,
            usd_per_unit_flop: (compute > 0.0).then(|| cost / compute * FLOP_UNIT),
            energy_twh: energy_mwh * KWH_PER_MWH / KWH_PER_TWH,
            electricity_usd: electricity,
            euv: arrival.is_some(),
            euv_flops_share: if flops > 0.0 { euv_flops / flops } else { 0.0 },
        });
    }
    PathOutputs { years, euv_arrival: arrival }
}

/// Every path of `x`.
pub fn evaluate(x: &StrategyInputs) -> StrategyOutputs {
    let t = tables(x);
    StrategyOutputs { paths: x.paths.iter().map(|p| simulate(x, &t, p)).collect() }
}

/// Cumulative training compute by year index `by` of a path that gives each share of the
/// budget in `shares` to R&D until EUV arrives (and nothing after): the allocation sweep.
pub fn sweep(x: &StrategyInputs, shares: &[f64], by: usize) -> Vec<f64> {
    let t = tables(x);
    shares
        .iter()
        .map(|s| {
            let out = simulate(x, &t, &Path { rd_share: *s, rd_share_after: 0.0 });
            out.years.get(by).map_or(0.0, |y| y.cumulative_compute_flop)
        })
        .collect()
}

/// How a challenger's cumulative compute compares with the baseline's over the horizon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Catch {
    /// Within `margin` of the baseline in every year: the paths are the same.
    Same,
    /// Never behind by more than `margin`, and ahead by more in some year.
    NeverBehind,
    /// Behind until the year before this one, never behind from it on: the break-even year.
    From(i32),
    /// Behind in the last year.
    NotBy,
}

/// Where `challenger`'s cumulative compute stands against `baseline`'s: the break-even year is
/// the first year after the challenger was last behind by more than `margin` (a share of the
/// baseline's).
pub fn break_even(baseline: &PathOutputs, challenger: &PathOutputs, margin: f64) -> Catch {
    let n = baseline.years.len().min(challenger.years.len());
    let at =
        |i: usize| (baseline.years[i].cumulative_compute_flop, challenger.years[i].cumulative_compute_flop);
    let behind = |i: usize| {
        let (b, c) = at(i);
        c < b - margin * b.abs()
    };
    let ahead = |i: usize| {
        let (b, c) = at(i);
        c > b + margin * b.abs()
    };
    match (0..n).rev().find(|i| behind(*i)) {
        Some(last) if last + 1 == n => Catch::NotBy,
        Some(last) => Catch::From(challenger.years[last + 1].year),
        None if (0..n).any(ahead) => Catch::NeverBehind,
        None => Catch::Same,
    }
}

/// The leader of `values` (the largest if `most`, else the smallest), or `None` if another is
/// within `margin` of it (a share of the leader's value) or a value is missing.
pub fn leader(values: &[f64], most: bool, margin: f64) -> Option<usize> {
    if values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let better = |a: f64, b: f64| if most { a > b } else { a < b };
    let best = (0..values.len()).reduce(|a, b| if better(values[b], values[a]) { b } else { a })?;
    let v = values[best];
    let close = values.iter().enumerate().any(|(p, w)| p != best && (v - w).abs() <= margin * v.abs());
    (!close).then_some(best)
}

/// Relative difference below which two results are the same number (rounding, not a lead).
const SAME: f64 = 1e-9;

/// The best of `shares` by `values` (the smallest share among exact ties: extra R&D that buys
/// nothing is not chosen), and the span of shares whose values come within `tolerance` (a
/// share) of the best; `None` if no value is finite.
pub fn best_share(shares: &[f64], values: &[f64], tolerance: f64) -> Option<(f64, f64, f64)> {
    let top = values.iter().copied().filter(|v| v.is_finite()).fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return None;
    }
    let within = |t: f64| {
        shares
            .iter()
            .zip(values)
            .filter(move |(_, v)| v.is_finite() && **v >= top - t * top.abs())
            .map(|(s, _)| *s)
    };
    let best = within(SAME).fold(f64::INFINITY, f64::min);
    let lo = within(tolerance).fold(f64::INFINITY, f64::min);
    let hi = within(tolerance).fold(f64::NEG_INFINITY, f64::max);
    Some((best, lo, hi))
}

/// Results per year that a path reports, by name, unit and how to read them from a [`Year`].
pub const METRICS: &[(&str, &str)] = &[
    ("installed_flops", "FLOP/s"),
    ("accelerators", "count"),
    ("largest_run_flop", "FLOP"),
    ("cumulative_compute_flop", "FLOP"),
    ("spend_usd", "USD"),
    ("cumulative_spend_usd", "USD"),
    ("rd_usd", "USD"),
    ("unspent_usd", "USD"),
    ("usd_per_1e24_flop", "USD"),
    ("energy_twh", "TWh"),
    ("electricity_usd", "USD"),
    ("euv", "share"),
    ("euv_flops_share", "fraction"),
    ("facility_usd", "USD"),
];

/// Places of some results in [`METRICS`].
pub mod metric {
    pub const INSTALLED_FLOPS: usize = 0;
    pub const LARGEST_RUN: usize = 2;
    pub const CUMULATIVE_SPEND: usize = 5;
    pub const USD_PER_UNIT_FLOP: usize = 8;
    pub const ENERGY_TWH: usize = 9;
    pub const EUV: usize = 11;
}

impl Year {
    /// Metric `j` of [`METRICS`]; NaN where the year has none.
    pub fn metric(&self, j: usize) -> f64 {
        match j {
            0 => self.installed_flops,
            1 => self.accelerators,
            2 => self.largest_run_flop,
            3 => self.cumulative_compute_flop,
            4 => self.spend_usd,
            5 => self.cumulative_spend_usd,
            6 => self.rd_usd,
            7 => self.unspent_usd,
            8 => self.usd_per_unit_flop.unwrap_or(f64::NAN),
            9 => self.energy_twh,
            10 => self.electricity_usd,
            11 => f64::from(u8::from(self.euv)),
            12 => self.euv_flops_share,
            13 => self.facility_usd,
            _ => f64::NAN,
        }
    }
}

/// Refuses results no one should be shown.
pub fn check(out: &StrategyOutputs) -> Result<(), crate::diag::Diagnostic> {
    for p in &out.paths {
        for y in &p.years {
            for (j, (name, _)) in METRICS.iter().enumerate() {
                let v = y.metric(j);
                if !(v.is_finite() || (j == metric::USD_PER_UNIT_FLOP && y.usd_per_unit_flop.is_none())) {
                    return Err(crate::diag::Diagnostic::new(format!(
                        "the inputs give no finite {name} in {}",
                        y.year
                    ))
                    .expected("a budget, yields, prices and growth rates that stay finite"));
                }
            }
        }
    }
    Ok(())
}
