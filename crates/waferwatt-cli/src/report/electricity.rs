//! The electricity account of the report: the ledger of a published frontier run owned in
//! several regions, and the verdicts on the claims about electricity.

use serde_json::{Value, json};
use waferwatt::accounts::electricity::{self, ElectricityAccount};
use waferwatt::data::Dataset;

use super::doc::Blocks;
use crate::chart::Plot;
use crate::render::{percent, short, sig3, signed_usd, usd};
use crate::train_cmd::{Evaluated, table, to_json};

pub fn blocks(ds: &Dataset, a: &ElectricityAccount, ledgers: &[Evaluated]) -> Blocks {
    let mut s = Blocks::default();
    let (Some(first), Some(ledger)) = (a.ledgers.first(), ledgers.first()) else {
        return s;
    };
    let b = &first.bound;
    let x = &b.inputs;
    s.heading(2, "The electricity account");
    s.para(format!(
        "Reference run: {} ({}), {} accelerator-hours on {} as published{}, {}; the same cluster owned \
         and run in each region below. Hardware is priced the same everywhere; only the \
         region's tariff, grid and PUE change.",
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
    s.para(format!(
        "Ownership: {}-year life at {} cost of capital; servers +{} of the accelerator price; network {} \
         of all hardware; facility {} per MW over {} years; average power {} of server peak \
         (server {}× the accelerator's TDP).",
        short(x.hardware_life_years),
        percent(x.cost_of_capital),
        percent(x.server_capex_fraction),
        percent(x.network_capex_fraction),
        usd(x.facility_capex_usd_per_mw),
        short(x.facility_life_years),
        percent(x.avg_power_fraction),
        short(x.server_power_multiplier),
    ));
    s.figure(
        "cost-waterfall",
        format!("The reference run's cost by ledger item in {}", b.region),
        "The run's cost built up item by item, from owning the hardware to the electricity bill: the height of \
         each step is what that line adds.",
        Plot::Waterfall(crate::figures::waterfall(ledger)),
    );
    s.figure(
        "regions",
        "The same run across regions, by ledger item",
        "Owning and running the same cluster in each region: the electricity slice changes with the tariff, \
         the rest hardly at all.",
        Plot::Bars(crate::figures::regions(ledgers)),
    );
    s.figure(
        "electricity-tornado",
        format!("What moves electricity's share of the cost in {}", b.region),
        "Each bar moves one number across its range in the data, the rest at their central values: the numbers \
         that could make electricity the largest cost, and how far.",
        Plot::Tornado(super::tornado(
            ds,
            "electricity's share",
            ledger.out.share(waferwatt::train::Item::Electricity),
            &a.share_drivers,
            true,
        )),
    );
    s.table(
        table(ledgers)
            .led("The reference run's ledger, region by region: what it uses and what each line costs"),
    );

    // Claim 1: electricity is the largest cost.
    s.claim(super::verdict::claim(ds, &a.verdict_largest));
    for l in &a.ledgers {
        s.item(format!(
            "{}: electricity would be the largest line only above {}/kWh, {}× its tariff of {}.",
            l.bound.region,
            usd(l.breakeven_tariff_usd_per_kwh),
            sig3(l.breakeven_tariff_usd_per_kwh / l.bound.inputs.tariff_usd_per_kwh),
            usd(l.bound.inputs.tariff_usd_per_kwh)
        ));
    }

    // Claim 2: Chinese hubs pay about 40 % less; and what that buys with domestic chips.
    s.claim(super::verdict::claim(ds, &a.verdict_discount));
    s.item("Prices are compared per kWh in USD as each region buys them (`waferwatt data show region.ID`):");
    for l in &a.ledgers {
        s.sub(format!("{}: {}", l.bound.region, tariff_basis(ds, &l.bound)));
    }
    for g in &a.gaps {
        s.sub(gap_line(g, ""));
    }
    for g in a.deal_gaps.iter().filter(|g| a.claim_against.contains(&g.dear)) {
        s.sub(gap_line(g, " deal"));
    }
    s.item(format!("What a tariff {} lower is worth:", percent(a.claimed_discount)));
    for l in a.ledgers.iter().filter(|l| l.country != a.claim_country) {
        s.sub(format!(
            "{}: the total falls by {} ({} of {}), as much as a {} cheaper accelerator would save.",
            l.bound.region,
            percent(-l.total_change_at_claimed_discount),
            usd(-l.total_change_at_claimed_discount * l.out.total_usd),
            usd(l.out.total_usd),
            percent(l.equivalent_price_cut),
        ));
    }
    if let Some(d) = &a.domestic {
        if let Some(l) = d.ledgers.first() {
            s.item(format!(
                "The same run on {} ({} of them, the same compute at the same MFU and wall-clock time, at {} \
                 each):",
                d.accelerator_name,
                l.bound.inputs.accelerators.map(|n| format!("{n:.0}")).unwrap_or_default(),
                usd(l.bound.inputs.accelerator_price_usd),
            ));
        }
        for x in &d.against {
            s.sub(format!(
                "{} in {}: {} and {} MWh, against {} and {} MWh in {}: {} in all, that is {} for hardware, \
                 facility and upkeep, {} for {} MWh {} energy at {}'s tariff, and {} that the cheaper power saves.",
                d.accelerator,
                x.domestic_region,
                usd(x.domestic_total_usd),
                crate::render::human(x.domestic_energy_mwh),
                usd(x.foreign_total_usd),
                crate::render::human(x.foreign_energy_mwh),
                x.foreign_region,
                signed_usd(x.domestic_total_usd - x.foreign_total_usd),
                signed_usd(x.hardware_gap_usd),
                signed_usd(x.extra_energy_usd),
                crate::render::human((x.domestic_energy_mwh - x.foreign_energy_mwh).abs()),
                if x.domestic_energy_mwh >= x.foreign_energy_mwh { "more" } else { "less" },
                x.foreign_region,
                signed_usd(-x.tariff_saving_usd),
            ));
        }
    }
    s.para(format!(
        "Try: `waferwatt train --run {} --region {} --explain`",
        a.run,
        a.ledgers.iter().map(|l| l.bound.region.as_str()).take(2).collect::<Vec<_>>().join(","),
    ));
    s
}

/// One region's price against another's, with how it compares with the claim.
fn gap_line(g: &electricity::TariffGap, what: &str) -> String {
    let (word, d) = if g.discount >= 0.0 { ("cheaper", g.discount) } else { ("dearer", -g.discount) };
    format!(
        "{}{what} ${}/kWh against {} ${}/kWh: {} {word} ({}); whole ledger {} {}.",
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
            json!({ "parameter": d.key, "label": ds.label(&d.key), "low": d.low, "high": d.high, "electricity_share_at_low": d.at_low,
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
    let like: Vec<Value> = a
        .domestic
        .iter()
        .flat_map(|d| d.against.iter().map(move |x| (d, x)))
        .map(|(d, x)| {
            json!({ "accelerator": d.accelerator, "domestic_region": x.domestic_region,
                "foreign_region": x.foreign_region, "domestic_total_usd": x.domestic_total_usd,
                "foreign_total_usd": x.foreign_total_usd, "domestic_energy_mwh": x.domestic_energy_mwh,
                "foreign_energy_mwh": x.foreign_energy_mwh, "tariff_saving_usd": x.tariff_saving_usd,
                "hardware_gap_usd": x.hardware_gap_usd })
        })
        .collect();
    let mut largest = super::verdict::json(ds, &a.verdict_largest);
    largest["electricity_share_drivers"] = json!(drivers);
    largest["electricity_share_range"] = super::range_json(&a.share_drivers);
    let mut discount = super::verdict::json(ds, &a.verdict_discount);
    discount["tariff_gaps"] = json!(a.gaps.iter().map(gap).collect::<Vec<_>>());
    discount["deal_gaps"] = json!(a.deal_gaps.iter().map(gap).collect::<Vec<_>>());
    discount["like_for_like"] = json!(like);
    json!({
        "run": a.run,
        "run_source": source,
        "claims": { "largest": largest, "discount": discount },
        "regions": regions,
    })
}
