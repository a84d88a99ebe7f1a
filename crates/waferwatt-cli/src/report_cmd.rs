//! `waferwatt report`: the accounts, in words and numbers. For now, the electricity account.

use clap::Args;
use serde_json::{Value, json};
use waferwatt::accounts::electricity::{self, ElectricityAccount, Match};
use waferwatt::data::Dataset;
use waferwatt::train::Item;

use crate::Failure;
use crate::input::{DataOptions, load};
use crate::render::{Format, percent, short, sig3, usd, wrap};
use crate::train_cmd::{Evaluated, evaluate_all, to_json, to_table};

#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// Output format (csv is not offered: the report is prose with tables)
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub data: DataOptions,
}

pub fn run(args: &ReportArgs) -> Result<String, Failure> {
    let (ds, _) = load(&args.data)?;
    let account = electricity::account(&ds)?;
    // The same checks as `train`: no figure leaves unless it is finite.
    let ledgers = evaluate_all(account.ledgers.iter().map(|l| l.bound.clone()).collect())?;
    match args.format {
        Format::Json => Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&to_json_report(&account, &ledgers)).unwrap_or_default()
        )),
        Format::Csv => Err(waferwatt::diag::Diagnostic::new("the report has no CSV form")
            .expected("--format table or --format json; `waferwatt train --format csv` gives ledgers as CSV")
            .into()),
        Format::Table => Ok(text(&ds, &account, &ledgers, args.data.scenario.as_deref())),
    }
}

fn text(ds: &Dataset, a: &ElectricityAccount, ledgers: &[Evaluated], scenario: Option<&str>) -> String {
    let mut s = String::new();
    s.push_str("waferwatt report\n================\n");
    s.push_str(&format!(
        "Accounts of AI compute economics on {}. Every default number has a source \
         (`waferwatt data sources`) and can be changed (`--set`, `--scenario`).\n\n",
        scenario
            .map(|f| format!("the built-in data with scenario {f}"))
            .unwrap_or_else(|| "the built-in data".into())
    ));
    let Some(first) = a.ledgers.first() else {
        return s;
    };
    let b = &first.bound;
    let x = &b.inputs;
    s.push_str("THE ELECTRICITY ACCOUNT\n-----------------------\n");
    s.push_str(&format!(
        "Reference run: {} ({}), {} accelerator-hours on {} as published{}, {}; the same cluster owned \
         and run in each region below. Hardware is priced the same everywhere; only the \
         region's tariff, grid and PUE change.\n",
        a.run_name,
        a.run,
        crate::render::human(first.out.accelerator_hours),
        b.accelerator_name,
        a.run_source
            .as_ref()
            .map(|src| format!(
                " ({}, \"{}\", {}{})",
                src.publisher,
                src.title,
                src.date,
                src.url.as_ref().map(|u| format!(", {u}")).unwrap_or_default()
            ))
            .unwrap_or_default(),
        first.out.compute_flop.map(|c| format!("{c:.2e} FLOP")).unwrap_or_default(),
    ));
    s.push_str(&format!(
        "Ownership: {}-year life at {} cost of capital; servers +{} of the accelerator price; network {} \
         of all hardware; facility {} per MW over {} years; average power {} of server peak \
         (server {}× the accelerator's TDP).\n\n",
        short(x.hardware_life_years),
        percent(x.cost_of_capital),
        percent(x.server_capex_fraction),
        percent(x.network_capex_fraction),
        usd(x.facility_capex_usd_per_mw),
        short(x.facility_life_years),
        percent(x.avg_power_fraction),
        short(x.server_power_multiplier),
    ));
    let mut s = wrap(&s, WIDTH);
    s.push_str(&to_table(ledgers));
    s.push('\n');
    let head = s;
    let mut s = String::new();

    // Claim 1: electricity is the largest cost.
    let (max_region, max_share) = a.max_electricity_share();
    let min = a
        .ledgers
        .iter()
        .map(|l| (l.bound.region.as_str(), l.out.share(Item::Electricity)))
        .min_by(|p, q| p.1.total_cmp(&q.1))
        .unwrap_or(("", 0.0));
    s.push_str(&format!("Claim: \"{}\"\n", a.claim_largest));
    let verdict = if a.electricity_largest_anywhere { "SUPPORTED in some regions" } else { "NOT SUPPORTED" };
    let share_range = |f: &dyn Fn(&electricity::RegionLedger) -> f64| {
        let v: Vec<f64> = a.ledgers.iter().map(f).collect();
        let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| (l.min(*x), h.max(*x)));
        if (hi - lo).abs() < 0.005 { percent(lo) } else { format!("{}–{}", percent(lo), percent(hi)) }
    };
    let mut largest: Vec<&str> = a.ledgers.iter().map(|l| l.out.largest().name()).collect();
    largest.dedup();
    let hardware = share_range(&|l| {
        [Item::Accelerators, Item::ServersAndNetwork].into_iter().map(|i| l.out.share(i)).sum()
    });
    s.push_str(&format!(
        "Verdict: {verdict}. Electricity is {} ({}) to {} ({}) of the cost of owning and running the cluster. \
         The largest line is {} ({}); the hardware (accelerators, servers, network) together takes {}.\n",
        percent(min.1),
        min.0,
        percent(max_share),
        max_region,
        largest.join(" or "),
        share_range(&|l| l.out.share(l.out.largest())),
        hardware,
    ));
    for l in &a.ledgers {
        s.push_str(&format!(
            "  {}: electricity would be the largest line only above {}/kWh, {}× its tariff of {}.\n",
            l.bound.region,
            usd(l.breakeven_tariff_usd_per_kwh),
            sig3(l.breakeven_tariff_usd_per_kwh / l.bound.inputs.tariff_usd_per_kwh),
            usd(l.bound.inputs.tariff_usd_per_kwh)
        ));
    }
    if let Some(first) = a.ledgers.first() {
        let drivers: Vec<String> = a
            .share_drivers
            .iter()
            .take(2)
            .map(|d| {
                format!(
                    "{} ({}–{} {}: {}–{})",
                    d.key,
                    short(d.low),
                    short(d.high),
                    d.unit,
                    percent(d.at_low),
                    percent(d.at_high)
                )
            })
            .collect();
        s.push_str(&format!(
            "  What moves electricity's share most in {}, each over its sourced range: {}.\n\n",
            first.bound.region,
            drivers.join("; ")
        ));
    }

    // Claim 2: Chinese hubs pay about 40 % less.
    let (low, high) = a.claimed_range;
    s.push_str(&format!("Claim: \"{}\"\n", a.claim_discount));
    s.push_str(&format!(
        "Chinese prices here are two-part tariffs at 110 kV built from their parts (energy, line loss, \
         T&D, demand charge at load factor {}, system operation, funds), VAT recovered, at {} CNY per USD; \
         US prices are EIA industrial averages. \"About {}\" is read as {}–{}.\n",
        short(ds.param("power.load_factor").map(|p| p.value).unwrap_or(f64::NAN)),
        short(ds.param("fx.cny_per_usd").map(|p| p.value).unwrap_or(f64::NAN)),
        percent(a.claimed_discount),
        percent(low),
        percent(high),
    ));
    for g in &a.gaps {
        let (word, d) = if g.discount >= 0.0 { ("cheaper", g.discount) } else { ("dearer", -g.discount) };
        s.push_str(&format!(
            "  {} {}/kWh against {} {}/kWh: {} {word} ({}); whole ledger {} {}.\n",
            g.cheap,
            sig3(g.cheap_usd_per_kwh),
            g.dear,
            sig3(g.dear_usd_per_kwh),
            percent(d),
            g.verdict.words(),
            percent(g.total_discount.abs()),
            if g.total_discount >= 0.0 { "cheaper" } else { "dearer" },
        ));
    }
    s.push_str(&format!("Verdict on tariffs: {}\n", verdict_on(&a.gaps, &a.claim_against)));
    if !a.deal_gaps.is_empty() {
        s.push_str("On the hubs' published data-centre deals (`--power-deal`), VAT recovered likewise:\n");
        for g in a.deal_gaps.iter().filter(|g| a.claim_against.contains(&g.dear)) {
            s.push_str(&format!(
                "  {} deal {}/kWh against {} {}/kWh: {} cheaper ({}).\n",
                g.cheap,
                sig3(g.cheap_usd_per_kwh),
                g.dear,
                sig3(g.dear_usd_per_kwh),
                percent(g.discount),
                g.verdict.words(),
            ));
        }
        s.push_str(&format!("Verdict on deals: {}\n", verdict_on(&a.deal_gaps, &a.claim_against)));
    }
    s.push_str(&format!("What a tariff {} lower is worth:\n", percent(a.claimed_discount)));
    for l in a.ledgers.iter().filter(|l| l.country == "US") {
        s.push_str(&format!(
            "  {}: the total falls by {} ({} of {}), as much as a {} cheaper accelerator would save.\n",
            l.bound.region,
            percent(-l.total_change_at_claimed_discount),
            usd(-l.total_change_at_claimed_discount * l.out.total_usd),
            usd(l.out.total_usd),
            percent(l.equivalent_price_cut),
        ));
    }
    s.push_str(&format!(
        "\nTry: waferwatt train --run {} --region {} --explain\n",
        a.run,
        a.ledgers.iter().map(|l| l.bound.region.as_str()).take(2).collect::<Vec<_>>().join(","),
    ));
    head + &wrap(&s, WIDTH)
}

/// Width of the report's prose.
const WIDTH: usize = 100;

/// SUPPORTED, UNDERSTATED, OVERSTATED or PARTLY SUPPORTED over the gaps against the named regions,
/// with which pairs fall where.
fn verdict_on(gaps: &[electricity::TariffGap], against: &[String]) -> String {
    let named: Vec<_> = gaps.iter().filter(|g| against.contains(&g.dear)).collect();
    let all = |m: Match| !named.is_empty() && named.iter().all(|g| g.verdict == m);
    let verdict = if all(Match::AsClaimed) {
        "SUPPORTED"
    } else if all(Match::Larger) {
        "UNDERSTATED: the gap is larger than claimed"
    } else if all(Match::Smaller) {
        "OVERSTATED: the gap is smaller than claimed"
    } else {
        "PARTLY SUPPORTED: it depends on the hub and the US region"
    };
    let pairs = |m: Match| -> String {
        let v: Vec<String> =
            named.iter().filter(|g| g.verdict == m).map(|g| format!("{} vs {}", g.cheap, g.dear)).collect();
        if v.is_empty() { "none".into() } else { v.join(", ") }
    };
    format!(
        "{verdict} (against {}). As claimed: {}. Smaller: {}. Larger: {}.",
        against.join(", "),
        pairs(Match::AsClaimed),
        pairs(Match::Smaller),
        pairs(Match::Larger),
    )
}

fn to_json_report(a: &ElectricityAccount, ledgers: &[Evaluated]) -> Value {
    let gaps: Vec<Value> = a
        .gaps
        .iter()
        .map(|g| json!({ "cheap": g.cheap, "dear": g.dear, "cheap_usd_per_kwh": g.cheap_usd_per_kwh,
            "dear_usd_per_kwh": g.dear_usd_per_kwh, "discount": g.discount, "total_discount": g.total_discount,
            "verdict": g.verdict.words() }))
        .collect();
    let regions: Vec<Value> = a
        .ledgers
        .iter()
        .zip(ledgers)
        .map(|(l, e)| {
            let mut v = to_json(e, false);
            v["breakeven_tariff_usd_per_kwh"] = json!(l.breakeven_tariff_usd_per_kwh);
            v["total_change_at_claimed_discount"] = json!(l.total_change_at_claimed_discount);
            v["largest_item"] = json!(l.out.largest().name());
            v
        })
        .collect();
    let deal_gaps: Vec<Value> = a
        .deal_gaps
        .iter()
        .map(|g| {
            json!({ "cheap": g.cheap, "dear": g.dear, "cheap_usd_per_kwh": g.cheap_usd_per_kwh,
            "dear_usd_per_kwh": g.dear_usd_per_kwh, "discount": g.discount, "verdict": g.verdict.words() })
        })
        .collect();
    let drivers: Vec<Value> = a
        .share_drivers
        .iter()
        .map(|d| {
            json!({ "parameter": d.key, "low": d.low, "high": d.high, "electricity_share_at_low": d.at_low,
            "electricity_share_at_high": d.at_high })
        })
        .collect();
    json!({
        "electricity": {
            "deal_gaps": deal_gaps,
            "electricity_share_drivers": drivers,
            "run": a.run,
            "claims": { "largest": a.claim_largest, "discount": a.claim_discount, "claimed_discount": a.claimed_discount },
            "electricity_largest_anywhere": a.electricity_largest_anywhere,
            "regions": regions,
            "tariff_gaps": gaps,
        }
    })
}
