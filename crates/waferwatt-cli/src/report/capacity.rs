//! The capacity account of the report: what a DUV-only fleet makes, what binds it, what it
//! draws and what it gives up; and the saying about mature-process chips.

use serde_json::{Value, json};
use waferwatt::accounts::capacity::{CapacityAccount, MarketClaim, MarketFigure};
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
        format!(" up to {}", v(m.high))
    } else if m.high == m.value {
        format!(" down to {}", v(m.low))
    } else {
        format!(" in {}–{}", v(m.low), v(m.high))
    };
    format!("{}{range} ({}{})", v(m.value), m.source, m.year.map(|y| format!(", {y}")).unwrap_or_default())
}

/// The verdict on "mature-process chips are over a fifth of the world market".
fn mature_verdict(c: &MarketClaim) -> String {
    let above = c.measures.iter().filter(|m| m.param.value > c.value).count();
    let central = if c.measures.is_empty() {
        "NO MEASURE"
    } else if above == c.measures.len() {
        "SUPPORTED on every measure found"
    } else if above == 0 {
        "NOT SUPPORTED on any measure found"
    } else {
        "PARTLY SUPPORTED: it depends on the measure"
    };
    let crossing = c.measures.iter().any(|m| (m.param.low > c.value) != (m.param.high > c.value));
    if crossing {
        format!("{central}, though the range of one measure reaches below {}", percent(c.value))
    } else {
        central.to_string()
    }
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
    if let Some(smic) = a.figure("smic-advanced-capacity") {
        prose.push_str(&format!(
            "Finding: the scanners alone could carry {} wafer starts a month of {}, {} times SMIC's reported \
             advanced-node capacity of {}. {}\n",
            human(scanner_wafers),
            b.node,
            sig3(scanner_wafers / smic.param.value),
            cite(smic),
            if scanner_wafers > smic.param.value {
                "Immersion scanners are not what holds China's 7 nm output down: the rest of the fab, yields and \
                 HBM are (this model counts only the scanners among the tools)."
            } else {
                "On these numbers the scanners themselves are the limit."
            }
        ));
    }
    let output =
        a.figure("ascend-output-2025").map(|m| format!(" (Ascend output reported for 2025: {})", cite(m)));
    prose.push_str(&format!(
        "Finding: {} binds. The fleet makes {} accelerators a year{}, keeping {} of the scanners' capacity busy. \
         Without the HBM cap the scanners' dies would make {}.\n",
        o.bottleneck.name(),
        human(o.accelerators_per_year),
        output.unwrap_or_default(),
        percent(o.scanner_utilization),
        human(a.scanners_only.accelerators_per_year),
    ));
    prose.push_str(&format!(
        "Finding: a year's output adds {:.2e} FLOP/s of dense BF16; run for {} days at {} MFU it could train \
         {:.2e} FLOP{}. It draws {} GW at the facility and {} TWh a year, {} of electricity in {}.\n",
        o.bf16_flops_added_per_year,
        crate::render::short(x.run_days),
        percent(x.mfu),
        o.largest_run_flop,
        a.run_flop.map(|f| format!(", {} times {}", sig3(o.largest_run_flop / f), a.run)).unwrap_or_default(),
        sig3(o.facility_power_gw),
        sig3(o.energy_twh_per_year),
        usd(o.electricity_usd_per_year),
        b.region,
    ));
    let cn_mature = a.figure("mature-capacity-cn");
    prose.push_str(&format!(
        "Finding: the scanners this output keeps busy would otherwise make {} {} wafer starts a month{}.\n",
        human(o.forgone_mature_wafers_per_month),
        b.mature_node,
        cn_mature
            .map(|m| format!(
                ", {} of China's mature capacity of about {}",
                percent(o.forgone_mature_wafers_per_month / m.param.value),
                cite(m)
            ))
            .unwrap_or_default(),
    ));
    if let Some(m) = a.figure("ascend-output-2025") {
        let acc = o.accelerators_per_year;
        let m = &m.param;
        prose.push_str(&if acc > m.high {
            format!(
                "  That is more than any reported output ({} times the highest): something else binds too, such as \
                 yields below the model's {} at the die, HBM spent more slowly, or capacity given to other chips.\n",
                sig3(acc / m.high),
                percent(o.chip.compute_die.die_yield)
            )
        } else if acc < m.low {
            format!("  That is less than any reported output ({} of the lowest).\n", percent(acc / m.low))
        } else {
            "  That is within the reported range.\n".to_string()
        });
    }
    let drivers = super::top_drivers(&a.drivers, human);
    prose.push_str(&format!("  What moves accelerators a year most: {drivers}.\n"));
    if o.bottleneck == Bottleneck::Hbm {
        prose.push_str(
            "  With HBM binding, more scanners add nothing: the question for a DUV-only industry is memory \
             first.\n",
        );
    }
    let c = &a.claim_mature;
    prose.push_str(&format!(
        "\nClaim: \"{}\" (read as: above {})\nVerdict: {}. No source found gives mature chips' share of the whole \
         chip market by revenue; what exists: {}.\n",
        c.says,
        percent(c.value),
        mature_verdict(c),
        c.measures.iter().map(|m| format!("{} {}", m.what, cite(m))).collect::<Vec<_>>().join("; ")
    ));
    s.push('\n');
    s.push_str(&wrap(&prose, WIDTH));
    s
}

pub fn json(a: &CapacityAccount, e: &Evaluated) -> Value {
    let fig = |m: &MarketFigure| {
        let p = &m.param;
        json!({ "id": m.id, "what": m.what, "value": p.value, "low": p.low, "high": p.high, "unit": p.unit,
            "source": p.source, "year": p.year })
    };
    let c = &a.claim_mature;
    json!({
        "fleet": fleet_cmd::to_json(e, false),
        "scanners_only": {
            "wafer_starts_per_month": a.scanners_only.wafer_starts_per_month,
            "accelerators_per_year": a.scanners_only.accelerators_per_year,
        },
        "accelerators_per_year_drivers": super::drivers_json(&a.drivers),
        "run": a.run,
        "run_flop": a.run_flop,
        "market": a.market.iter().map(fig).collect::<Vec<_>>(),
        "claims": { "mature_share": { "says": c.says, "value": c.value, "verdict": mature_verdict(c),
            "measures": c.measures.iter().map(fig).collect::<Vec<_>>() } },
    })
}
