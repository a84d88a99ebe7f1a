//! The electricity account of the report: the ledger of a published frontier run owned in
//! several regions, and the verdicts on the claims about electricity.

use serde_json::{Value, json};
use waferwatt::accounts::electricity::{self, ElectricityAccount, Match};
use waferwatt::data::Dataset;
use waferwatt::train::Item;

use crate::render::{percent, short, sig3, usd, wrap};
use crate::report::WIDTH;
use crate::train_cmd::{Evaluated, to_json, to_table};

pub fn text(ds: &Dataset, a: &ElectricityAccount, ledgers: &[Evaluated]) -> String {
    let mut s = String::new();
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
    s.push_str(&format!("Claim: \"{}\"\n", a.claim_largest));
    let verdict = if a.electricity_largest_anywhere { "SUPPORTED in some regions" } else { "NOT SUPPORTED" };
    let share_range = |f: &dyn Fn(&electricity::RegionLedger) -> f64, with_regions: bool| {
        let v: Vec<(f64, &str)> = a.ledgers.iter().map(|l| (f(l), l.bound.region.as_str())).collect();
        let lo = v.iter().copied().min_by(|p, q| p.0.total_cmp(&q.0)).unwrap_or((0.0, ""));
        let hi = v.iter().copied().max_by(|p, q| p.0.total_cmp(&q.0)).unwrap_or((0.0, ""));
        if percent(lo.0) == percent(hi.0) {
            percent(lo.0)
        } else if with_regions {
            format!("{} ({}) to {} ({})", percent(lo.0), lo.1, percent(hi.0), hi.1)
        } else {
            format!("{}–{}", percent(lo.0), percent(hi.0))
        }
    };
    let mut largest: Vec<&str> = a.ledgers.iter().map(|l| l.out.largest().name()).collect();
    largest.dedup();
    let hardware = share_range(
        &|l| [Item::Accelerators, Item::ServersAndNetwork].into_iter().map(|i| l.out.share(i)).sum(),
        false,
    );
    s.push_str(&format!(
        "Verdict: {verdict}. Electricity is {} of the cost of owning and running the cluster. \
         The largest line is {} ({}); the hardware (accelerators, servers, network) together takes {}.\n",
        share_range(&|l| l.out.share(Item::Electricity), true),
        largest.join(" or "),
        share_range(&|l| l.out.share(l.out.largest()), false),
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
        let drivers = super::top_drivers(&a.share_drivers, percent);
        s.push_str(&format!("  Electricity's share in {}: {}.\n\n", first.bound.region, drivers));
    }

    // Claim 2: Chinese hubs pay about 40 % less.
    let (low, high) = a.claimed_range;
    s.push_str(&format!("Claim: \"{}\"\n", a.claim_discount));
    s.push_str(&format!(
        "Prices are compared per kWh in USD as each region buys them (`waferwatt data show region.ID`). \
         \"About {}\" is read as {}–{}.\n",
        percent(a.claimed_discount),
        percent(low),
        percent(high),
    ));
    for l in &a.ledgers {
        s.push_str(&format!("  {}: {}\n", l.bound.region, tariff_basis(ds, &l.bound)));
    }
    for g in &a.gaps {
        s.push_str(&gap_line(g, ""));
    }
    s.push_str(&format!("Verdict on tariffs: {}\n", verdict_on(a, &a.gaps)));
    if !a.deal_gaps.is_empty() {
        s.push_str("On the published data-centre deals (`--power-deal`), VAT recovered likewise:\n");
        for g in a.deal_gaps.iter().filter(|g| a.claim_against.contains(&g.dear)) {
            s.push_str(&gap_line(g, " deal"));
        }
        s.push_str(&format!("Verdict on deals: {}\n", verdict_on(a, &a.deal_gaps)));
    }
    s.push_str(&format!("What a tariff {} lower is worth:\n", percent(a.claimed_discount)));
    for l in a.ledgers.iter().filter(|l| l.country != a.claim_country) {
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

/// One region's price against another's, with how it compares with the claim.
fn gap_line(g: &electricity::TariffGap, what: &str) -> String {
    let (word, d) = if g.discount >= 0.0 { ("cheaper", g.discount) } else { ("dearer", -g.discount) };
    format!(
        "  {}{what} ${}/kWh against {} ${}/kWh: {} {word} ({}); whole ledger {} {}.\n",
        g.cheap,
        sig3(g.cheap_usd_per_kwh),
        g.dear,
        sig3(g.dear_usd_per_kwh),
        percent(d),
        g.verdict.words(),
        percent(g.total_discount.abs()),
        if g.total_discount >= 0.0 { "cheaper" } else { "dearer" },
    )
}

/// How a region's price per kWh is made, in words, from the data in force.
fn tariff_basis(ds: &Dataset, b: &waferwatt::train::Bound) -> String {
    use waferwatt::train::Provenance;
    let region = |f: &str| ds.text(&format!("region.{}.{f}", b.region));
    let source = b
        .bindings
        .iter()
        .find_map(|x| match &x.provenance {
            Provenance::Data { key, source, .. } if key.contains("tariff") || key.contains("energy_cny") => {
                Some(source.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| "given".into());
    let fx =
        b.binding("cny_per_usd").map(|x| format!(", at {} CNY per USD", short(x.value))).unwrap_or_default();
    let vat =
        if b.price.currency.code() == "USD" { String::new() } else { format!(", VAT {}", b.vat.name()) };
    let how = match (b.price.deal, region("tariff_model")) {
        (true, _) => "a published data-centre deal".to_string(),
        (false, Some("two-part")) => format!(
            "a two-part tariff{} built from its parts (energy, line loss, T&D, demand charge at load factor {}, \
             system operation, funds)",
            region("voltage").map(|v| format!(" at {v}")).unwrap_or_default(),
            b.binding("load_factor").map(|x| short(x.value)).unwrap_or_default(),
        ),
        _ => "one all-in price".to_string(),
    };
    format!("{how}{vat}{fx} [source: {source}] = ${}/kWh", sig3(b.inputs.tariff_usd_per_kwh))
}

/// The verdict on the discount claim over some gaps: only those against the regions the
/// claim names count.
fn verdict_on(a: &ElectricityAccount, gaps: &[electricity::TariffGap]) -> String {
    let named: Vec<_> = gaps.iter().filter(|g| a.claim_against.contains(&g.dear)).collect();
    if named.is_empty() {
        return format!(
            "NO COMPARISON: the report's regions pair no {} region with {}",
            a.claim_country,
            a.claim_against.join(" or ")
        );
    }
    let all = |ms: &[Match]| named.iter().all(|g| ms.contains(&g.verdict));
    let verdict = if all(&[Match::AsClaimed]) {
        "SUPPORTED"
    } else if all(&[Match::Larger]) {
        "UNDERSTATED: the gap is larger than claimed"
    } else if all(&[Match::Smaller, Match::Dearer]) {
        "OVERSTATED: the gap is smaller than claimed"
    } else {
        "PARTLY SUPPORTED: it depends on the hub and the US region"
    };
    let pairs = |ms: &[Match]| -> String {
        let v: Vec<String> = named
            .iter()
            .filter(|g| ms.contains(&g.verdict))
            .map(|g| format!("{} vs {}", g.cheap, g.dear))
            .collect();
        if v.is_empty() { "none".into() } else { v.join(", ") }
    };
    format!(
        "{verdict} (against {}). As claimed: {}. Smaller: {}. Larger: {}.",
        a.claim_against.join(", "),
        pairs(&[Match::AsClaimed]),
        pairs(&[Match::Smaller, Match::Dearer]),
        pairs(&[Match::Larger]),
    )
}

pub fn json(ds: &Dataset, a: &ElectricityAccount, ledgers: &[Evaluated]) -> Value {
    let gap = |g: &electricity::TariffGap| {
        json!({ "cheap": g.cheap, "dear": g.dear, "cheap_usd_per_kwh": g.cheap_usd_per_kwh,
            "dear_usd_per_kwh": g.dear_usd_per_kwh, "discount": g.discount, "total_discount": g.total_discount,
            "verdict": g.verdict.words() })
    };
    let drivers: Vec<Value> = a
        .share_drivers
        .iter()
        .map(|d| {
            json!({ "parameter": d.key, "low": d.low, "high": d.high, "electricity_share_at_low": d.at_low,
                "electricity_share_at_high": d.at_high })
        })
        .collect();
    let regions: Vec<Value> = a
        .ledgers
        .iter()
        .zip(ledgers)
        .map(|(l, e)| {
            let mut v = to_json(e, false);
            v["tariff_basis"] = json!(tariff_basis(ds, &l.bound));
            v["breakeven_tariff_usd_per_kwh"] = json!(l.breakeven_tariff_usd_per_kwh);
            v["total_change_at_claimed_discount"] = json!(l.total_change_at_claimed_discount);
            v["equivalent_accelerator_price_cut"] = json!(l.equivalent_price_cut);
            v["largest_item"] = json!(l.out.largest().name());
            v
        })
        .collect();
    let source = a.run_source.as_ref().map(
        |s| json!({ "id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url, "date": s.date }),
    );
    json!({
            "run": a.run,
            "run_source": source,
            "claims": {
                "largest": {
                    "says": a.claim_largest,
                    "verdict": if a.electricity_largest_anywhere { "SUPPORTED in some regions" } else { "NOT SUPPORTED" },
                    "electricity_largest_anywhere": a.electricity_largest_anywhere,
                    "electricity_share_drivers": drivers,
                    "electricity_share_range": super::range_json(&a.share_drivers),
                },
                "discount": {
                    "says": a.claim_discount,
                    "claimed_discount": a.claimed_discount,
                    "read_as": [a.claimed_range.0, a.claimed_range.1],
                    "country": a.claim_country,
                    "against": a.claim_against,
                    "verdict_on_tariffs": verdict_on(a, &a.gaps),
                    "verdict_on_deals": (!a.deal_gaps.is_empty()).then(|| verdict_on(a, &a.deal_gaps)),
                    "tariff_gaps": a.gaps.iter().map(gap).collect::<Vec<_>>(),
                    "deal_gaps": a.deal_gaps.iter().map(gap).collect::<Vec<_>>(),
                },
            },
            "regions": regions,
    })
}
