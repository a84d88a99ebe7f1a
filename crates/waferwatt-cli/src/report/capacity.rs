//! The capacity account of the report: what a DUV-only fleet makes, what binds it, what it
//! draws and what it gives up; and the saying about mature-process chips.

use serde_json::{Value, json};
use waferwatt::accounts::capacity::{CapacityAccount, MarketFigure};
use waferwatt::accounts::verdict::Side;
use waferwatt::fleet::Bottleneck;

use waferwatt::data::Dataset;

use super::doc::Blocks;
use crate::Failure;
use crate::chart::Plot;
use crate::fleet_cmd::{self, Evaluated};
use crate::render::{human, percent, sig3, usd};

/// No figure leaves unless it is finite.
pub fn check(a: &CapacityAccount) -> Result<Evaluated, Failure> {
    waferwatt::fleet::check(&a.scanners_only)?;
    fleet_cmd::evaluate(a.bound.clone())
}

/// A market figure in words: value, range if any, source and year.
fn cite(m: &MarketFigure) -> String {
    cite_param(&m.param)
}

fn cite_param(m: &waferwatt::data::Param) -> String {
    let v = |x: f64| if m.unit == "fraction" { percent(x) } else { human(x) };
    let range = if m.low >= m.high {
        String::new()
    } else if m.low == m.value {
        format!("up to {}; ", v(m.high))
    } else if m.high == m.value {
        format!("down to {}; ", v(m.low))
    } else {
        format!("range {}–{}; ", v(m.low), v(m.high))
    };
    format!("{} ({range}{}{})", v(m.value), m.source, m.year.map(|y| format!(", {y}")).unwrap_or_default())
}

pub fn blocks(ds: &Dataset, a: &CapacityAccount, e: &Evaluated) -> Blocks {
    let (b, o, x) = (&a.bound, &a.out, &a.bound.inputs);
    let mut s = Blocks::default();
    s.heading(2, "The capacity account");
    let scanners: f64 = x.scanners.iter().map(|g| g.count).sum();
    let memory = match x.hbm {
        Some(waferwatt::fleet::Hbm::Stock(m)) => format!(
            "the HBM stock that reached China before the December 2024 controls ({} stacks, {} of it to these \
             accelerators, drawn over {} months) and {} domestic stacks a month (under a ceiling of {})",
            human(m.stock_stacks),
            percent(m.stock_share),
            crate::render::short(m.drawdown_months),
            human(m.domestic_stacks_per_month),
            human(m.domestic_ceiling_stacks_per_month),
        ),
        Some(waferwatt::fleet::Hbm::Flow(f)) => format!("{} HBM stacks a month", human(f)),
        None => "HBM taken as not limiting".into(),
    };
    s.para(format!(
            "What did China make in 2025, and what limited it? Huawei's accelerators ({}) from {} wafer starts a \
             month of SMIC's {} given to them, dies from a bank made by TSMC before the controls ({}), {}, {} \
             advanced-packaging wafers a month, and about {} immersion scanners for the whole country (no count \
             is published; `waferwatt data show fleet`), each printing only the layers its overlay allows. Only \
             lithography, the dies, HBM and packaging are modelled as limits; `waferwatt fleet` gives the same \
             answer with no flags, and `none` lifts a limit (`--hbm-stacks-per-month none`).",
            fleet_cmd::mix_words(b),
            x.wafer_starts_per_month.map_or("as many".into(), human),
            b.node,
            x.die_bank.map_or("none".into(), |d| format!(
                "{} dies drawn over {} months",
                human(d.dies),
                crate::render::short(d.drawdown_months)
            )),
            memory,
            x.packaging_wafers_per_month.map_or("unlimited".into(), human),
            sig3(scanners),
    ));
    s.figure(
        "capacity-chain",
        "From scanners to gigawatts: the report's DUV-only fleet",
        "Each box is a stage of the chain from the scanners to the power drawn; the one marked binds, and \
         the stages after it carry only what it lets through.",
        Plot::Chain(crate::figures::chain(e)),
    );
    s.table(
        fleet_cmd::table(e).led("The chain from scanners to gigawatts, stage by stage, and what binds it"),
    );
    let items: Vec<String> =
        b.mix.iter().zip(&o.accelerators_by_item).map(|((id, _), n)| format!("{} {id}", human(*n))).collect();
    s.finding(format!(
        "{} binds. The year's output is {} accelerators ({}); {} of them from the bank's dies. With no \
         limit but the scanners, lithography alone would allow {} (an upper bound: the rest of the fab is not \
         modelled).",
        o.bottleneck.name(),
        human(o.accelerators_per_year),
        items.join(", "),
        percent(if o.dies_per_package > 0.0 && o.accelerators_per_year > 0.0 {
            (o.bank_dies_per_month * 12.0 / o.dies_per_package)
                / (o.accelerators_per_year / x.chip().package_yield())
        } else {
            0.0
        }),
        human(a.scanners_only.accelerators_per_year),
    ));
    s.item(format!("Accelerators a year: {}.", super::top_drivers(ds, &a.drivers, human)));
    // The backtest: the model's 2025 against every reported figure.
    s.finding("the backtest, 2025's output against what was reported:");
    for r in &a.backtest {
        let count = r.accelerator.as_deref().map_or("every Ascend model".to_string(), |a| a.to_string());
        let stands = match r.side {
            Side::Within => "within its range".to_string(),
            Side::Above => format!("{} times its top", sig3(r.model / r.reported.high)),
            Side::Below => format!("{} of its bottom", percent(r.model / r.reported.low)),
        };
        let moves = r
            .to_move
            .as_ref()
            .map(|(k, f)| {
                format!(
                    "; for the model to reach it the binding limit, {} (`{k}`), would have to be ×{} (if nothing else \
                     binds first)",
                    o.bottleneck.name(),
                    sig3(*f)
                )
            })
            .unwrap_or_default();
        s.item(format!(
            "{}: reported {}; the model ({count}) {}, {stands}{moves}.",
            r.what,
            cite_param(&r.reported),
            human(r.model),
        ));
    }
    if let Some(y) = a.figure("ascend-910c-yield") {
        s.item(format!(
            "The model's die yield for the {} is {}, against {} reported.",
            b.accelerator,
            percent(o.chip.compute_die.die_yield),
            cite(y)
        ));
    }
    // Like with like: a company's allocated tools against its reported capacity; the country's
    // fleet against the country's demand.
    let scanner_name = b.scanner_ids.first().cloned().unwrap_or_default();
    if let (Some((cap, n)), Some(out_n)) = (a.smic_capacity_scanners, a.output_scanners) {
        s.finding(format!(
            "like with like: SMIC's reported advanced-node capacity, {} wafer starts a month, takes about {} \
             {scanner_name}-class scanners on {} (every layer and its overlay counted); the accelerators' {} wafer \
             starts a month take about {}. Those are a company's tools against its own capacity; the country's \
             {} immersion scanners also print China's mature logic, DRAM and NAND.",
            human(cap),
            sig3(n),
            b.node,
            human(o.wafer_starts_per_month),
            sig3(out_n),
            sig3(scanners),
        ));
    }
    if let Some(m) = a.figure("mature-capacity-cn") {
        s.item(format!(
            "The country's fleet against the country's demand: given wholly to {} the scanners would carry {} \
             wafer starts a month, {} times China's whole mature capacity of about {}{}; read the fleet's size (an \
             order of magnitude, grade C) or the model's throughput per scanner as high, or the rest as memory's.",
            b.mature_node,
            human(o.mature_capacity_per_month),
            sig3(o.mature_capacity_per_month / m.param.value),
            cite(m),
            a.figure("cxmt-dram-wafers")
                .map(|d| format!(", beside CXMT's {} DRAM wafers a month", cite(d)))
                .unwrap_or_default(),
        ));
    }
    s.finding(format!(
        "a year's output adds {:.2e} FLOP/s of dense BF16. Were it one cluster, {} days at {} MFU and {} \
         goodput would train {:.2e} FLOP{}. Running all year it draws {} GW at the facility and {} TWh, {} of electricity in {}.",
        o.bf16_flops_added_per_year,
        crate::render::short(x.run_days),
        percent(x.mfu),
        percent(x.goodput),
        o.largest_run_flop,
        a.run_flop.map(|f| format!(", {} times {}", sig3(o.largest_run_flop / f), a.run)).unwrap_or_default(),
        sig3(o.facility_power_gw),
        sig3(o.energy_twh_per_year),
        usd(o.electricity_usd_per_year),
        b.region,
    ));
    s.finding(format!(
        "the scanners this output keeps busy would otherwise make {} {} wafer starts a month{}.",
        human(o.forgone_mature_wafers_per_month),
        b.mature_node,
        a.figure("mature-capacity-cn")
            .map(|m| format!(
                ", {} of China's mature capacity",
                percent(o.forgone_mature_wafers_per_month / m.param.value)
            ))
            .unwrap_or_default(),
    ));
    if matches!(o.bottleneck, Bottleneck::Hbm | Bottleneck::Packaging) {
        s.item(format!(
            "With {} binding, more scanners add nothing: the question for a DUV-only industry is what binds \
             beyond lithography.",
            o.bottleneck.name()
        ));
    }
    s.claim(super::verdict::claim(ds, &a.verdict_mature));
    s.claim(super::verdict::claim(ds, &a.verdict_asml));
    s
}

pub fn json(ds: &Dataset, a: &CapacityAccount, e: &Evaluated) -> Value {
    let fig = |m: &MarketFigure| {
        let p = &m.param;
        json!({ "id": m.id, "what": m.what, "value": p.value, "low": p.low, "high": p.high, "unit": p.unit,
            "source": &*p.source, "year": p.year })
    };
    json!({
        "fleet": fleet_cmd::to_json(e, false),
        "scanners_only": {
            "wafer_starts_per_month": a.scanners_only.wafer_starts_per_month,
            "accelerators_per_year": a.scanners_only.accelerators_per_year,
        },
        "accelerators_per_year_drivers": super::drivers_json(ds, &a.drivers),
        "accelerators_per_year_range": super::range_json(&a.drivers),
        "run": a.run,
        "run_flop": a.run_flop,
        "backtest": a.backtest.iter().map(|r| json!({
            "id": r.id, "what": r.what, "reported": r.reported.value, "low": r.reported.low,
            "high": r.reported.high, "source": &*r.reported.source, "year": r.reported.year,
            "counts": r.accelerator.as_deref().unwrap_or("all"), "model": r.model, "side": r.side.id(),
            "to_move": r.to_move.as_ref().map(|(k, f)| json!({ "limit": k, "factor": f })),
        })).collect::<Vec<_>>(),
        "like_for_like": {
            "smic_advanced_capacity_wafers_per_month": a.smic_capacity_scanners.map(|c| c.0),
            "scanners_it_takes": a.smic_capacity_scanners.map(|c| c.1),
            "scanners_the_output_takes": a.output_scanners,
        },
        "market": a.market.iter().map(fig).collect::<Vec<_>>(),
        "claims": {
            "mature_share": super::verdict::json(ds, &a.verdict_mature),
            "asml_china_duv": super::verdict::json(ds, &a.verdict_asml),
        },
    })
}
