//! The strategy ledger (DESIGN.md §6): facing export controls on lithography, does a country
//! get more training compute by spending on compute now, or on its own EUV first?
//!
//! A year-by-year simulation of named paths over a horizon. Each year a path gives a share of
//! its budget to lithography R&D. The rest always has somewhere to go, at a price, in this order:
//! the electricity and upkeep of the accelerators already installed; new accelerators, installed
//! (servers, network, facility), the cheapest compute a year first: domestic ones within the
//! wafer starts, HBM, dies and packaging there are, imported ones within the export rules in
//! force that year (a part, dates, a volume, a levy, the share let in); then capacity: DUV wafer
//! starts, HBM lines and packaging lines, each at a capital cost per unit, arriving after a lead
//! time, each ordered no faster than a logistic ramp towards its ceiling allows and in balance
//! with the others (no line is built that the others could not use). What is left is carried to
//! the next year at the cost of capital, and reported; never dropped.
//!
//! EUV arrives for a path in the first year in which both the time and the money are enough: not
//! before `euv_earliest_year`, and once its cumulative R&D reaches `rd_needed_usd` × (natural
//! length ÷ years since the programme began)^elasticity (money buys a little time at a rising
//! price; Graves 1989). `rd_needed_usd` is drawn per sample (lognormal). Both paths see the same
//! draws, so their difference is the path's alone. Once EUV has arrived, domestic EUV tools are
//! made each year (a first year's number growing to a ceiling), each year's going to the newest
//! EUV node; the tools learn from a first tool's throughput and availability towards a mature
//! one's. A design made on an EUV node keeps its die area and packs more compute into it (the
//! nodes' density), at the power the node's power index gives: more FLOP per die, per wafer and
//! per HBM stack.

mod bind;
mod explain;
mod sample;
#[cfg(test)]
mod tests;

pub use bind::{MAX_YEARS, StrategyBound, StrategyPlan, StrategyRequest, bind, plan};
pub use explain::explain;
pub use sample::{BreakEven, Comparison, Layout, Planning, Sweep, compare, flips, shares, uncertain};

use crate::chip::{self, ChipInputs, ChipOutputs};
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
    /// Wafer starts a month one mature EUV tool carries on the node (0 for the DUV node).
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

/// A domestic supply that capacity can be bought for, in units a month (wafer starts, HBM
/// stacks, packaging wafers).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Supply {
    /// In service at the start.
    pub start: f64,
    /// The most it can reach.
    pub ceiling: f64,
    /// Logistic rate: a year's orders add at most rate × C × (1 − C ÷ ceiling), C counting what
    /// is in service and on order.
    pub ramp_rate: f64,
    /// Capital for one more unit a month.
    pub capex_usd: f64,
    /// Years from order to output.
    pub lead_years: f64,
}

impl Supply {
    /// The most a year's orders can add with `c` in service and on order: a logistic step,
    /// never past the ceiling.
    pub fn max_order(&self, c: f64) -> f64 {
        // (Within a millionth of the ceiling is there: the logistic's last steps are rounding.)
        if c >= self.ceiling * (1.0 - 1e-6) {
            return 0.0;
        }
        // max and min rather than clamp: a hostile input (a yield of 1e-320) may make a bound
        // not a number, which clamp refuses by panicking.
        let room = self.ceiling - c;
        if room.is_nan() {
            return 0.0;
        }
        (self.ramp_rate * c * (1.0 - c / self.ceiling)).max(0.0).min(room)
    }
}

/// The domestic supplies, by their place in [`StrategyInputs::supplies`].
pub mod supply {
    pub const WAFERS: usize = 0;
    pub const HBM: usize = 1;
    pub const PACKAGING: usize = 2;
    /// Their names, in that order.
    pub const NAMES: [&str; 3] = ["DUV wafer starts", "HBM stacks", "packaging wafers"];
}

/// An export rule in force for an imported accelerator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Import {
    /// The accelerator, priced with the levy; it brings its own HBM and packaging.
    pub unit: Unit,
    /// Decimal years between which it may be bought.
    pub open_from: f64,
    pub open_to: f64,
    pub units_per_year: f64,
    /// The share the importing country lets in.
    pub acceptance: f64,
}

impl Import {
    /// How many may be bought in `year`: the share of the year the rule is open, of its
    /// volume, as much as is let in.
    pub fn available(&self, year: i32) -> f64 {
        let (a, z) = (f64::from(year), f64::from(year) + 1.0);
        let open = (z.min(self.open_to) - a.max(self.open_from)).max(0.0);
        open * self.units_per_year * self.acceptance
    }
}

/// When EUV can arrive: the time it takes and the money.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EuvTiming {
    /// Cumulative R&D needed at the programme's natural pace.
    pub rd_needed_usd: f64,
    /// No year before this, whatever the money.
    pub earliest_year: f64,
    pub programme_start: f64,
    /// The programme's length at its natural pace.
    pub natural_years: f64,
    /// A programme `f` times shorter needs `f`^elasticity times the money.
    pub elasticity: f64,
}

impl EuvTiming {
    /// Cumulative R&D needed for EUV to arrive in `year`: infinite before the earliest year.
    pub fn needed(&self, year: i32) -> f64 {
        let elapsed = f64::from(year) - self.programme_start;
        if f64::from(year) < self.earliest_year || elapsed <= 0.0 {
            return f64::INFINITY;
        }
        self.rd_needed_usd * (self.natural_years / elapsed).max(1.0).powf(self.elasticity)
    }
}

/// How a domestic EUV tool learns: its throughput from the first year's towards the mature
/// scanner's (a logistic), its availability likewise (a straight line).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EuvLearning {
    pub wph_first: f64,
    pub wph_mature: f64,
    pub wph_rate: f64,
    pub availability_first: f64,
    pub availability_mature: f64,
    pub availability_years: f64,
}

impl EuvLearning {
    /// A tool's wafers `k` years after EUV arrived over a mature tool's (at most 1).
    pub fn factor(&self, k: f64) -> f64 {
        let m = self.wph_mature;
        let w = if self.wph_first >= m {
            m
        } else {
            m / (1.0 + (m / self.wph_first - 1.0) * (-self.wph_rate * k.max(0.0)).exp())
        };
        let a = self.availability_first
            + (self.availability_mature - self.availability_first)
                * (k.max(0.0) / self.availability_years).min(1.0);
        (w * a / (m * self.availability_mature)).min(1.0)
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
    pub euv_timing: EuvTiming,
    /// EUV forced to arrive in this year for every path that pursues it (a what-if).
    pub euv_year: Option<i32>,
    pub duv: Node,
    /// The nodes EUV opens, in order.
    pub euv: Vec<Node>,
    pub euv_node_lag_years: f64,
    pub euv_tools_first_year: f64,
    pub euv_tools_growth: f64,
    pub euv_tools_max_per_year: f64,
    pub euv_learning: EuvLearning,
    /// DUV wafer starts, HBM stacks and packaging wafers a month, by [`supply`].
    pub supplies: [Supply; 3],
    /// HBM stacks in stock at the start for these accelerators (bought before export
    /// controls), drawn as needed, at most `hbm_stock_per_year` in a year.
    pub hbm_stock_stacks: f64,
    pub hbm_stock_per_year: f64,
    /// Compute dies of the design made abroad before the controls, drawn as needed, at most
    /// `die_bank_per_year` in a year.
    pub die_bank_dies: f64,
    pub die_bank_per_year: f64,
    pub imports: Vec<Import>,
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

/// An accelerator made on one node at one age of its learning, or imported, and what it costs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    /// Working accelerators a wafer start gives (0 for an imported one).
    pub per_wafer: f64,
    /// Dense BF16 FLOP/s of one.
    pub flops: f64,
    /// Domestic HBM stacks one takes (0 for an imported one).
    pub hbm_stacks: f64,
    /// Domestic packaging (interposer) wafers one takes.
    pub packaging_wafers: f64,
    /// Compute dies in one, and the share of assembled packages that work.
    pub dies: f64,
    pub package_yield: f64,
    /// Capital cost installed: accelerator at its price, servers, network, facility.
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

/// The accelerator made on `node` after `age` years of learning, at build cost × (1 + markup).
pub fn unit(x: &StrategyInputs, node: &Node, age: f64) -> Unit {
    unit_of(x, node, &chip::evaluate_at_d0(&node.chip, Some(learned_d0_at(x, node, age))))
}

/// A node's defect density after `age` years of learning.
fn learned_d0_at(x: &StrategyInputs, node: &Node, age: f64) -> f64 {
    learned_d0(node.d0_start, node.d0_floor, age, x.d0_learning_years)
}

/// The accelerator made on `node`, from its chip ledger's outputs `out`.
fn unit_of(x: &StrategyInputs, node: &Node, out: &ChipOutputs) -> Unit {
    let c = &node.chip;
    let year_of_use = train::Inputs {
        accelerator_price_usd: out.build_cost_usd * (1.0 + x.accelerator_markup),
        tdp_w: c.tdp_w,
        peak_tflops: c.bf16_tflops,
        ..x.year_of_use
    };
    Unit {
        per_wafer: fleet::accelerators_per_wafer(c, out),
        flops: c.bf16_tflops * FLOPS_PER_TFLOPS,
        hbm_stacks: c.hbm_stacks,
        packaging_wafers: fleet::packaging_wafers_per_package(c, out),
        dies: c.compute.count,
        package_yield: c.package_yield(),
        capex_usd: train::capex(&year_of_use).total_usd(),
        year_of_use,
    }
}

/// An imported accelerator at `price_usd` (its levy included), `tdp_w` and `tflops`, in the
/// year of use of `x`.
pub fn imported_unit(x: &train::Inputs, price_usd: f64, tdp_w: f64, tflops: f64) -> Unit {
    let year_of_use = train::Inputs { accelerator_price_usd: price_usd, tdp_w, peak_tflops: tflops, ..*x };
    Unit {
        per_wafer: 0.0,
        flops: tflops * FLOPS_PER_TFLOPS,
        hbm_stacks: 0.0,
        packaging_wafers: 0.0,
        dies: 0.0,
        package_yield: 1.0,
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
    // A node's wafer is priced once; as its defect density learns, only the yield and what
    // turns on it are worked out again (the same numbers as pricing it afresh each year).
    let ages = |n: &Node| {
        let first = chip::evaluate_at_d0(&n.chip, Some(learned_d0_at(x, n, 0.0)));
        (0..x.years)
            .map(|a| match a {
                0 => unit_of(x, n, &first),
                _ => unit_of(
                    x,
                    n,
                    &chip::at_defect_density(&n.chip, Some(learned_d0_at(x, n, a as f64)), &first),
                ),
            })
            .collect::<Vec<_>>()
    };
    Tables { duv: ages(&x.duv), euv: x.euv.iter().map(ages).collect() }
}

/// One year of one path. Its money: `budget_usd + carried_in_usd = spend_usd + carried_usd`,
/// and the spend is `rd_usd + running_usd + domestic_usd + imports_usd + capacity_usd`.
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
    /// The year's new money.
    pub budget_usd: f64,
    /// Money carried from the year before, with a year's return at the cost of capital.
    pub carried_in_usd: f64,
    pub rd_usd: f64,
    /// Electricity and upkeep of the accelerators running.
    pub running_usd: f64,
    /// Domestic accelerators bought and installed (facility included).
    pub domestic_usd: f64,
    /// Imported accelerators bought and installed (levy and facility included).
    pub imports_usd: f64,
    /// Capacity ordered: DUV wafer starts, HBM lines, packaging lines.
    pub capacity_usd: f64,
    pub spend_usd: f64,
    pub cumulative_spend_usd: f64,
    /// Money no outlet could take this year, carried to the next.
    pub carried_usd: f64,
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
    /// Share of the installed FLOP/s imported.
    pub imported_flops_share: f64,
    /// Domestic capacity in service, a month, by [`supply`].
    pub capacity: [f64; 3],
    /// HBM stacks left in the stock at the year's end.
    pub hbm_stock_stacks: f64,
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

/// Where an accelerator came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Duv,
    Euv,
    Import,
}

/// A year of one accelerator as the training ledger prices it, at any electricity price: its
/// electricity is its energy × the price, and nothing else depends on the price.
#[derive(Clone, Copy, Debug)]
struct YearCost {
    energy_kwh: f64,
    upkeep: f64,
    /// Hardware and facility at their capital recovery.
    capital: f64,
    /// Peak IT power, kW.
    kw: f64,
}

impl YearCost {
    fn of(u: &Unit) -> YearCost {
        let o = train::evaluate(&u.year_of_use);
        let (electricity, upkeep) = (o.usd(train::Item::Electricity), o.usd(train::Item::Maintenance));
        YearCost {
            energy_kwh: o.energy_mwh * KWH_PER_MWH,
            upkeep,
            capital: o.total_usd - electricity - upkeep,
            kw: train::peak_it_kw(&u.year_of_use),
        }
    }
    fn electricity(&self, tariff: f64) -> f64 {
        self.energy_kwh * tariff
    }
    /// Electricity and upkeep.
    fn opex(&self, tariff: f64) -> f64 {
        self.electricity(tariff) + self.upkeep
    }
    fn total(&self, tariff: f64) -> f64 {
        self.capital + self.opex(tariff)
    }
}

/// Accelerators bought in one year of one kind.
#[derive(Clone, Copy, Debug)]
struct Vintage {
    year: i32,
    units: f64,
    flops: f64,
    cost: YearCost,
    source: Source,
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

/// Accelerators of one kind offered in a year: what one is, how many the wafers, the bank or
/// the rules allow, and where it comes from.
#[derive(Clone, Copy)]
struct Offer {
    unit: Unit,
    supply: f64,
    source: Source,
    cost: YearCost,
}

/// The years (from the order's) in which an order with lead time `lead` comes into service,
/// and the share in each: a lead of 2.5 years brings half in the second year after, half in
/// the third; nothing comes in the year of the order.
fn arrivals(lead: f64) -> [(usize, f64); 2] {
    let k = lead.max(0.0).floor();
    let f = lead.max(0.0) - k;
    let k = k as usize;
    [(k.max(1), 1.0 - f), (k.saturating_add(1), f)]
}

/// Orders of capacity that keep the supplies in balance for accelerators needing `needs`
/// (wafer starts, HBM stacks, packaging wafers each): each supply grows as far as its ramp
/// allows, but no further than the scarcest would let the others be used. `pipeline` is what
/// is in service and on order; `open` whether an order placed now would come in time.
pub fn capacity_orders(
    supplies: &[Supply; 3],
    pipeline: &[f64; 3],
    needs: &[f64; 3],
    open: &[bool; 3],
) -> [f64; 3] {
    let mut target = f64::INFINITY;
    let mut max = [0.0; 3];
    for s in 0..3 {
        max[s] = if open[s] { supplies[s].max_order(pipeline[s]) } else { 0.0 };
        if needs[s] > 0.0 {
            target = target.min((pipeline[s] + max[s]) / needs[s]);
        }
    }
    if !target.is_finite() {
        return [0.0; 3];
    }
    // A bound that is not a number (a hostile input) orders nothing, rather than no bound.
    std::array::from_fn(|s| {
        if max[s].is_nan() { 0.0 } else { (target * needs[s] - pipeline[s]).max(0.0).min(max[s]) }
    })
}

/// Simulates one path.
pub fn simulate(x: &StrategyInputs, t: &Tables, path: &Path) -> PathOutputs {
    let life = x.year_of_use.hardware_life_years;
    let facility_life = x.year_of_use.facility_life_years;
    let mut vintages: Vec<Vintage> = Vec::with_capacity(x.years * (2 + x.euv.len() + x.imports.len()));
    // Facility built, by year, in kW of peak IT power: it outlives the accelerators in it and
    // is paid for once, when first needed.
    let mut facility: Vec<(i32, f64)> = Vec::with_capacity(x.years);
    let mut tools = vec![0.0; x.euv.len()];
    let mut hbm_stock = x.hbm_stock_stacks;
    let mut bank = x.die_bank_dies;
    // Capacity in service and on order, and what comes into service by year.
    let mut capacity: [f64; 3] = std::array::from_fn(|s| x.supplies[s].start);
    let mut on_order = [0.0; 3];
    let mut arriving = vec![[0.0; 3]; x.years + 1];
    let (mut cum_rd, mut cum_spend, mut cum_compute, mut carried) = (0.0, 0.0, 0.0, 0.0);
    let mut arrival: Option<i32> = None;
    let mut years = Vec::with_capacity(x.years);
    // A year of each kind of accelerator, priced once: the electricity price scales it.
    let duv_cost: Vec<YearCost> = t.duv.iter().map(YearCost::of).collect();
    let import_cost: Vec<YearCost> = x.imports.iter().map(|m| YearCost::of(&m.unit)).collect();
    for i in 0..x.years {
        let year = x.year(i);
        if arrival.is_none() && path.pursues_euv() {
            let comes = match x.euv_year {
                Some(y) => year == y,
                None => cum_rd >= x.euv_timing.needed(year),
            };
            if comes {
                arrival = Some(year);
            }
        }
        let budget = x.budget_usd * x.budget_growth.powi(i as i32);
        let rd = budget * if arrival.is_some() { path.rd_share_after } else { path.rd_share };
        cum_rd += rd;
        let carried_in = carried * (1.0 + x.year_of_use.cost_of_capital);
        for s in 0..3 {
            capacity[s] += arriving[i][s];
            on_order[s] -= arriving[i][s];
        }
        let since = arrival.map(|a| (year - a) as usize);
        if let Some(k) = since {
            tools[newest_node(x, k)] += tools_made(x, k);
        }
        let tariff = x.year_of_use.tariff_usd_per_kwh * x.tariff_trend.powi(i as i32);
        // Electricity and upkeep of what is installed come first; what the money cannot pay
        // for stands idle this year.
        let running: f64 =
            vintages.iter().map(|v| v.units * in_service(v.year, year, life) * v.cost.opex(tariff)).sum();
        let compute_money = budget - rd + carried_in;
        let running_share = if running > compute_money { (compute_money / running).max(0.0) } else { 1.0 };
        let mut money = (compute_money - running).max(0.0);
        // Facility free for new accelerators: what is built and standing, less what the
        // accelerators still in service take.
        let built: f64 = facility.iter().map(|(y, k)| k * in_service(*y, year, facility_life)).sum();
        let taken: f64 = vintages.iter().map(|v| v.units * in_service(v.year, year, life) * v.cost.kw).sum();
        let mut free_kw = (built - taken).max(0.0);
        // What each source can give this year. EUV tools convert the fabs' wafer starts to
        // EUV nodes, the newest first, where a wafer start gives more FLOP/s there than on the
        // DUV node (a young node's yield may not); the DUV node keeps the rest, and the bank
        // of dies made abroad adds to it.
        let mut wafers = capacity[supply::WAFERS] * MONTHS_PER_YEAR;
        let mut offers: Vec<Offer> = Vec::with_capacity(1 + x.euv.len() + x.imports.len());
        if let Some(k) = since {
            let duv_per_wafer = t.duv[i].per_wafer * t.duv[i].flops;
            let per_tool = x.euv_learning.factor(k as f64);
            for (j, node) in x.euv.iter().enumerate().rev() {
                let opens = node_opens(x, j);
                if tools[j] <= 0.0 || k < opens {
                    continue;
                }
                let unit = t.euv[j][k - opens];
                if unit.per_wafer * unit.flops > duv_per_wafer {
                    let w =
                        (tools[j] * node.wafers_per_month_per_tool * per_tool * MONTHS_PER_YEAR).min(wafers);
                    wafers -= w;
                    let cost = YearCost::of(&unit);
                    offers.push(Offer { unit, supply: w * unit.per_wafer, source: Source::Euv, cost });
                }
            }
        }
        let duv = t.duv[i];
        let from_wafers = wafers * duv.per_wafer;
        let bank_now = bank.min(x.die_bank_per_year);
        let from_bank = if duv.dies > 0.0 { bank_now / duv.dies * duv.package_yield } else { 0.0 };
        offers.push(Offer {
            unit: duv,
            supply: from_wafers + from_bank,
            source: Source::Duv,
            cost: duv_cost[i],
        });
        for (m, cost) in x.imports.iter().zip(&import_cost) {
            let supply = m.available(year);
            if supply > 0.0 {
                offers.push(Offer { unit: m.unit, supply, source: Source::Import, cost: *cost });
            }
        }
        // The cheapest compute a year first: a year of one (capital recovery, electricity,
        // upkeep) per FLOP/s.
        offers.sort_by(|a, b| {
            (a.cost.total(tariff) / a.unit.flops).total_cmp(&(b.cost.total(tariff) / b.unit.flops))
        });
        // HBM: the stock left, and this year's domestic flow; packaging likewise a flow.
        let hbm_flow = capacity[supply::HBM] * MONTHS_PER_YEAR;
        let stock_now = hbm_stock.min(x.hbm_stock_per_year);
        let mut hbm = stock_now + hbm_flow;
        let mut packaging = capacity[supply::PACKAGING] * MONTHS_PER_YEAR;
        let (mut domestic_usd, mut imports_usd, mut facility_usd, mut new_kw) = (0.0, 0.0, 0.0, 0.0);
        for o in offers {
            let u = o.unit;
            let capex = train::capex(&u.year_of_use);
            let (hardware, first_year, kw) = (capex.hardware_usd(), o.cost.opex(tariff), o.cost.kw);
            let mut cap = o.supply;
            if u.hbm_stacks > 0.0 {
                cap = cap.min(hbm / u.hbm_stacks);
            }
            if u.packaging_wafers > 0.0 {
                cap = cap.min(packaging / u.packaging_wafers);
            }
            let cap = cap.max(0.0);
            // First into standing facility, then with new facility.
            let in_free = (free_kw / kw).min(cap).min(money / (hardware + first_year));
            let rest = ((money - in_free * (hardware + first_year)) / (capex.total_usd() + first_year))
                .min(cap - in_free)
                .max(0.0);
            let units = in_free + rest;
            if units <= 0.0 {
                continue;
            }
            let cost = in_free * (hardware + first_year) + rest * (capex.total_usd() + first_year);
            money = if cost >= money { 0.0 } else { money - cost };
            free_kw = (free_kw - in_free * kw).max(0.0);
            hbm -= units * u.hbm_stacks;
            packaging -= units * u.packaging_wafers;
            if o.source == Source::Duv {
                // The wafers first, the bank for the rest.
                let from_bank = (units - from_wafers).max(0.0);
                bank = (bank - from_bank / u.package_yield * u.dies).max(0.0);
            }
            let bought = units * hardware + rest * capex.facility_usd;
            if o.source == Source::Import {
                imports_usd += bought;
            } else {
                domestic_usd += bought;
            }
            facility_usd += rest * capex.facility_usd;
            new_kw += rest * kw;
            vintages.push(Vintage { year, units, flops: u.flops, cost: o.cost, source: o.source });
        }
        // The year's flow is used first, the stock for the rest.
        let used = stock_now + hbm_flow - hbm.max(0.0);
        hbm_stock = (hbm_stock - (used - hbm_flow).max(0.0)).max(0.0);
        if new_kw > 0.0 {
            facility.push((year, new_kw));
        }
        // Capacity: what keeps the supplies in balance for the DUV design, as far as each
        // ramp allows and the money goes; none that would come after the horizon.
        let needs = [
            if duv.per_wafer > 0.0 { 1.0 / duv.per_wafer } else { 0.0 },
            duv.hbm_stacks,
            duv.packaging_wafers,
        ];
        let pipeline: [f64; 3] = std::array::from_fn(|s| capacity[s] + on_order[s]);
        let open: [bool; 3] = std::array::from_fn(|s| i + arrivals(x.supplies[s].lead_years)[1].0 < x.years);
        let mut orders = if duv.per_wafer > 0.0 {
            capacity_orders(&x.supplies, &pipeline, &needs, &open)
        } else {
            [0.0; 3]
        };
        let cost: f64 = (0..3).map(|s| orders[s] * x.supplies[s].capex_usd).sum();
        let scale = if cost > money { money / cost } else { 1.0 };
        let mut capacity_usd = 0.0;
        for s in 0..3 {
            orders[s] *= scale;
            capacity_usd += orders[s] * x.supplies[s].capex_usd;
            on_order[s] += orders[s];
            for (after, share) in arrivals(x.supplies[s].lead_years) {
                if let Some(a) = arriving.get_mut(i + after) {
                    a[s] += orders[s] * share;
                }
            }
        }
        money = (money - capacity_usd).max(0.0);
        // The year's accounts over what is in service and running.
        let (
            mut flops,
            mut accelerators,
            mut euv_flops,
            mut imported_flops,
            mut cost,
            mut energy_mwh,
            mut electricity,
            mut upkeep,
        ) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for v in &vintages {
            let installed = v.units * in_service(v.year, year, life);
            if installed <= 0.0 {
                continue;
            }
            // This year's purchases were paid for with their first year's running costs.
            let n = if v.year == year { installed } else { installed * running_share };
            flops += n * v.flops;
            accelerators += n;
            match v.source {
                Source::Euv => euv_flops += n * v.flops,
                Source::Import => imported_flops += n * v.flops,
                Source::Duv => {}
            }
            // An idle accelerator still costs its capital.
            cost += n * v.cost.total(tariff) + (installed - n) * v.cost.capital;
            energy_mwh += n * v.cost.energy_kwh / KWH_PER_MWH;
            electricity += n * v.cost.electricity(tariff);
            upkeep += n * v.cost.upkeep;
        }
        let delivered = x.year_of_use.mfu * x.year_of_use.goodput;
        let compute = flops * delivered * SECONDS_PER_YEAR;
        cum_compute += compute;
        let spend = rd + domestic_usd + imports_usd + capacity_usd + electricity + upkeep;
        cum_spend += spend;
        // (Below a billionth of the money is rounding, not money left.)
        carried = if money < (budget + carried_in) * 1e-9 { 0.0 } else { money };
        years.push(Year {
            year,
            installed_flops: flops,
            accelerators,
            largest_run_flop: flops * delivered * x.run_days * HOURS_PER_DAY * SECONDS_PER_HOUR,
            compute_flop: compute,
            cumulative_compute_flop: cum_compute,
            budget_usd: budget,
            carried_in_usd: carried_in,
            rd_usd: rd,
            running_usd: electricity + upkeep,
            domestic_usd,
            imports_usd,
            capacity_usd,
            spend_usd: spend,
            cumulative_spend_usd: cum_spend,
            carried_usd: carried,
            facility_usd,
            usd_per_unit_flop: (compute > 0.0).then(|| cost / compute * FLOP_UNIT),
            energy_twh: energy_mwh * KWH_PER_MWH / KWH_PER_TWH,
            electricity_usd: electricity,
            euv: arrival.is_some(),
            euv_flops_share: if flops > 0.0 { euv_flops / flops } else { 0.0 },
            imported_flops_share: if flops > 0.0 { imported_flops / flops } else { 0.0 },
            capacity,
            hbm_stock_stacks: hbm_stock,
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

/// Results per year that a path reports, by name and unit (read from a [`Year`] by
/// [`Year::metric`]).
pub const METRICS: &[(&str, &str)] = &[
    ("installed_flops", "FLOP/s"),
    ("accelerators", "count"),
    ("largest_run_flop", "FLOP"),
    ("cumulative_compute_flop", "FLOP"),
    ("spend_usd", "USD"),
    ("cumulative_spend_usd", "USD"),
    ("rd_usd", "USD"),
    ("carried_usd", "USD"),
    ("usd_per_1e24_flop", "USD"),
    ("energy_twh", "TWh"),
    ("electricity_usd", "USD"),
    ("euv", "share"),
    ("euv_flops_share", "fraction"),
    ("facility_usd", "USD"),
    ("budget_usd", "USD"),
    ("carried_in_usd", "USD"),
    ("running_usd", "USD"),
    ("domestic_usd", "USD"),
    ("imports_usd", "USD"),
    ("capacity_usd", "USD"),
    ("imported_flops_share", "fraction"),
    ("wafer_starts_per_month", "wafers/month"),
    ("hbm_stacks_per_month", "stacks/month"),
    ("packaging_wafers_per_month", "wafers/month"),
];

/// Places of some results in [`METRICS`].
pub mod metric {
    pub const INSTALLED_FLOPS: usize = 0;
    pub const LARGEST_RUN: usize = 2;
    pub const CUMULATIVE_SPEND: usize = 5;
    pub const CARRIED: usize = 7;
    pub const USD_PER_UNIT_FLOP: usize = 8;
    pub const ENERGY_TWH: usize = 9;
    pub const EUV: usize = 11;
    pub const IMPORTS: usize = 18;
    pub const CAPACITY: usize = 19;
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
            7 => self.carried_usd,
            8 => self.usd_per_unit_flop.unwrap_or(f64::NAN),
            9 => self.energy_twh,
            10 => self.electricity_usd,
            11 => f64::from(u8::from(self.euv)),
            12 => self.euv_flops_share,
            13 => self.facility_usd,
            14 => self.budget_usd,
            15 => self.carried_in_usd,
            16 => self.running_usd,
            17 => self.domestic_usd,
            18 => self.imports_usd,
            19 => self.capacity_usd,
            20 => self.imported_flops_share,
            21 => self.capacity[supply::WAFERS],
            22 => self.capacity[supply::HBM],
            23 => self.capacity[supply::PACKAGING],
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
