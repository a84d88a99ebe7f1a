//! The capacity account of the report: what a DUV-only fleet makes, what binds it, what it
//! draws and what it gives up; and the saying about mature-process chips.

use serde_json::{Value, json};
use waferwatt::accounts::capacity::{CapacityAccount, MarketFigure};
use waferwatt::fleet::Bottleneck;

use crate::Failure;
use crate::fleet_cmd::{self, Evaluated};
use crate::render::{human, percent, sig3, usd, wrap};
use crate::report::WIDTH;

/// No figure leaves unless it is finite.
pub fn check(a: &CapacityAccount) -> Result<Evaluated, Failure> {
    waferwatt::fleet::check(&a.scanners_only)?;
    fleet_cmd::evaluate(a.bound.clone())
}

/// A market figure in words: value, range if any, source and year.
fn cite(m: &MarketFigure) -> String {
    let m = &m.param;
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

pub fn text(a: &CapacityAccount, e: &Evaluated) -> String {
    let (b, o, x) = (&a.bound, &a.out, &a.bound.inputs);
    let mut s = String::from("THE CAPACITY ACCOUNT\n--------------------\n");
    let scanners: f64 = x.scanners.iter().map(|g| g.count).sum();
    s.push_str(&wrap(
        &format!(
            "What can a DUV-only fleet make? About {} immersion scanners, an order of magnitude for all of China \
             (no count is published; see `waferwatt data show fleet`), all making {} for the {}, with {} HBM \
             stacks a month (the stacks that reached China before the December 2024 ban, spent over a year). \
             Only lithography, HBM and packaging are modelled as limits.\n\n",
            sig3(scanners),
            b.node,
            b.accelerator_name,
            human(x.hbm_stacks_per_month.unwrap_or(0.0)),
        ),
        WIDTH,
    ));
    s.push_str(&fleet_cmd::to_table(e));
    let mut prose = String::new();
    let scanner_wafers = a.scanners_only.wafer_starts_per_month;
    let cn_mature = a.figure("mature-capacity-cn");
    // Lithography alone, and the same scanners at 28 nm: a check on the fleet's size.
    if let Some(smic) = a.figure("smic-advanced-capacity") {
        prose.push_str(&format!(
            "Finding: in lithography alone the scanners could carry {} wafer starts a month of {}, {} times SMIC's \
             reported advanced-node capacity of {}. Given wholly to {} they would carry {} wafer starts a month{}. \
             {}\n",
            human(scanner_wafers),
            b.node,
            sig3(scanner_wafers / smic.param.value),
            cite(smic),
            b.mature_node,
            human(o.mature_capacity_per_month),
            cn_mature
                .map(|m| format!(
                    ", {} times China's whole mature capacity of about {}",
                    sig3(o.mature_capacity_per_month / m.param.value),
                    cite(m)
                ))
                .unwrap_or_default(),
            if cn_mature.is_some_and(|m| o.mature_capacity_per_month > m.param.value) {
                "Since China's scanners also make its mature chips, either the fleet's size (an order of magnitude, \
                 grade C) or the model's throughput per scanner is high: read the scanner figures as upper bounds."
            } else {
                "The fleet's scanners are on the scale of China's output."
            }
        ));
    }
    prose.push_str(&format!(
        "Finding: {} binds. The fleet makes {} accelerators a year, keeping {} of the scanners' capacity busy. \
         Without the HBM cap, lithography alone would allow {} (an upper bound: the rest of the fab is not \
         modelled).\n",
        o.bottleneck.name(),
        human(o.accelerators_per_year),
        percent(o.scanner_utilization),
        human(a.scanners_only.accelerators_per_year),
    ));
    // Against what was reported.
    let reported: Vec<String> = ["ascend-910c-output-2025", "ascend-output-2025"]
        .iter()
        .filter_map(|id| a.figure(id))
        .map(|m| format!("{}: {}", m.what, cite(m)))
        .collect();
    if let Some(m) = a.figure("ascend-910c-output-2025") {
        let (acc, p) = (o.accelerators_per_year, &m.param);
        let why = match o.bottleneck {
            Bottleneck::Hbm => "the HBM stock spent more slowly than over one year, or given to other chips",
            Bottleneck::Packaging => "less packaging capacity, or capacity given to other chips",
            Bottleneck::Scanners(_) => {
                "yields below the model's at the die, or scanners given to other chips"
            }
        };
        prose.push_str(&if acc > p.high {
            format!(
                "  That is {} times the highest reported output ({}): something else binds, such as {why}.\n",
                sig3(acc / p.high),
                reported.join("; ")
            )
        } else if acc < p.low {
            format!("  That is below the reported output ({}).\n", reported.join("; "))
        } else {
            format!("  That is within the reported output ({}).\n", reported.join("; "))
        });
    }
    if let Some(y) = a.figure("ascend-910c-yield") {
        prose.push_str(&format!(
            "  The model's die yield for the {} is {}, against {} reported.\n",
            b.accelerator,
            percent(o.chip.compute_die.die_yield),
            cite(y)
        ));
    }
    prose.push_str(&format!(
        "Finding: a year's output adds {:.2e} FLOP/s of dense BF16. Were it one cluster, {} days at {} MFU and {} \
         goodput would train {:.2e} FLOP{}. Running all year it draws {} GW at the facility and {} TWh, {} of electricity in {}.\n",
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
    prose.push_str(&format!(
        "Finding: the scanners this output keeps busy would otherwise make {} {} wafer starts a month{}.\n",
        human(o.forgone_mature_wafers_per_month),
        b.mature_node,
        cn_mature
            .map(|m| format!(
                ", {} of China's mature capacity",
                percent(o.forgone_mature_wafers_per_month / m.param.value),
            ))
            .unwrap_or_default(),
    ));
    let drivers = super::top_drivers(&a.drivers, human);
    prose.push_str(&format!("  Accelerators a year: {drivers}.\n"));
    if o.bottleneck == Bottleneck::Hbm {
        prose.push_str(
            "  With HBM binding, more scanners add nothing: the question for a DUV-only industry is memory \
             first.\n",
        );
    }
    prose.push('\n');
    prose.push_str(&super::verdict::text(&a.verdict_mature));
    prose.push_str(&super::verdict::text(&a.verdict_asml));
    s.push('\n');
    s.push_str(&wrap(&prose, WIDTH));
    s
}

pub fn json(a: &CapacityAccount, e: &Evaluated) -> Value {
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
        "accelerators_per_year_drivers": super::drivers_json(&a.drivers),
        "accelerators_per_year_range": super::range_json(&a.drivers),
        "run": a.run,
        "run_flop": a.run_flop,
        "market": a.market.iter().map(fig).collect::<Vec<_>>(),
        "claims": {
            "mature_share": super::verdict::json(&a.verdict_mature),
            "asml_china_duv": super::verdict::json(&a.verdict_asml),
        },
    })
}
