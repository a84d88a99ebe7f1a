//! The closing section of the report: the commentary's closing question (compute with cheap
//! power now, or domestic EUV first?) answered with the strategy ledger's numbers, the
//! assumptions behind the answer, and what would flip it.

use serde_json::{Value, json};
use waferwatt::accounts::strategy::StrategyAccount;
use waferwatt::strategy::{self, metric};

use waferwatt::data::Dataset;

use super::doc::Blocks;
use crate::chart::{FanChart, Plot};
use crate::render::{Table, human, percent, sig3};

use crate::strategy_cmd::{range as p50, usd_h as usd, years_json, years_range as years};

pub fn blocks(ds: &Dataset, a: &StrategyAccount) -> Blocks {
    let (b, x) = (&a.bound, &a.bound.inputs);
    let (base, challenger) = (&b.paths[0].1, &b.paths[1].1);
    let end = x.end_year();
    let last = x.years - 1;
    let mut s = Blocks::default();
    s.heading(2, "The strategy account: compute now, or EUV first?");
    let t = &x.euv_timing;
    let threshold =
        a.bound.bindings.iter().find(|k| k.name == "rd_needed_usd").map_or(t.rd_needed_usd, |k| k.value);
    let [wafers, hbm, packaging] = &x.supplies;
    s.para(format!(
            "The commentary closes by asking: \"{}\" The strategy ledger (`waferwatt strategy`) answers it year by \
             year, {}–{end}, over {} samples of {} uncertain numbers, for China's own industry: a budget of {} a \
             year (×{} a year after, China's AI capital spending), which each path splits between lithography \
             R&D and everything else. Everything else always has somewhere to go, at a price: the running costs \
             of what is installed, then accelerators, the cheapest compute a year first: {} on {} within the \
             wafer starts ({} a month in {}, ramping to at most {}), HBM (a stock of {} stacks, then {} a month \
             domestic, ramping to at most {}) and packaging there are, and imports within the export rules in \
             force each year ({}); then capacity for more wafer starts, HBM and packaging at {}, {} and {} per unit \
             a month, each arriving after {}–{} years; the rest is carried to the next year and reported. \
             Powered in {} (price ×{} a year). EUV comes once both the time and the money are enough: not before \
             {:.0}, and once cumulative R&D reaches {} at the central value (lognormal), more if rushed below \
             {:.0} years from {:.0}; then domestic EUV tools (learning towards the {}) open {}, where a design \
             gains compute per die and per HBM stack by the nodes' density. \"{base}\" spends {} on R&D, \
             \"{challenger}\" {} until EUV arrives.",
            a.says,
            x.start_year,
            a.samples,
            a.uncertain,
            usd(x.budget_usd),
            sig3(x.budget_growth),
            b.accelerator_name,
            b.duv_node,
            human(wafers.start),
            x.start_year,
            human(wafers.ceiling),
            human(x.hbm_stock_stacks),
            human(hbm.start),
            human(hbm.ceiling),
            b.imports.join(", "),
            usd(wafers.capex_usd),
            usd(hbm.capex_usd),
            usd(packaging.capex_usd),
            sig3(packaging.lead_years.min(hbm.lead_years).min(wafers.lead_years)),
            sig3(packaging.lead_years.max(hbm.lead_years).max(wafers.lead_years)),
            b.region,
            sig3(x.tariff_trend),
            t.earliest_year,
            usd(threshold),
            t.natural_years,
            t.programme_start,
            b.euv_scanner,
            b.euv_nodes.join(" then "),
            percent(x.paths[0].rd_share),
            percent(x.paths[1].rd_share),
    ));
    figures(ds, a, &mut s);
    let mut t = Table::new(
        [
            "year".to_string(),
            format!("{base}: installed FLOP/s"),
            format!("{challenger}: installed FLOP/s"),
            format!("P({challenger} leads)"),
            format!("P({challenger} cheaper)"),
            "P(EUV)".into(),
        ]
        .to_vec(),
    )
    .captioned(format!("The two paths year by year, {}–{end}", x.start_year));
    for i in 0..x.years {
        t.row(vec![
            x.year(i).to_string(),
            p50(a.sampled(0, i, metric::INSTALLED_FLOPS), sig3),
            p50(a.sampled(1, i, metric::INSTALLED_FLOPS), sig3),
            percent(a.comparison.lead_compute[i][1]),
            percent(a.comparison.lead_cost[i][1]),
            percent(a.comparison.euv[i][1]),
        ]);
    }
    t.notes.push(format!(
        "(p50 and p5–p95 over the samples; \"leads\", \"cheaper\": by more than {})",
        percent(x.lead_margin)
    ));
    s.table(t);

    // The answer, from the numbers.
    let be = &a.comparison.break_even[0];
    let at_least = be.caught_up + be.never_behind;
    // Who leads in installed compute, year by year, in most samples: runs of years.
    let who = |i: usize| {
        let c = &a.comparison;
        if c.lead_compute[i][1] >= 0.5 {
            format!("\"{challenger}\" ahead")
        } else if c.lead_compute[i][0] >= 0.5 {
            format!("\"{base}\" ahead")
        } else if c.tie_compute[i] >= 0.5 {
            "level".to_string()
        } else {
            "no majority".to_string()
        }
    };
    let mut runs: Vec<(i32, i32, String)> = Vec::new();
    for i in 0..x.years {
        let w = who(i);
        match runs.last_mut() {
            Some(r) if r.2 == w => r.1 = x.year(i),
            _ => runs.push((x.year(i), x.year(i), w)),
        }
    }
    let pattern = runs
        .iter()
        .map(|(a, z, w)| if a == z { format!("{a}: {w}") } else { format!("{a}–{z}: {w}") })
        .collect::<Vec<_>>()
        .join("; ");
    let cost = |p: usize| p50(a.sampled(p, last, metric::USD_PER_UNIT_FLOP), usd);
    let cheaper = match a.cheaper_from() {
        Some(y) => format!(
            "\"{challenger}\" is cheaper per FLOP (by more than {}) in most samples in every year from {y}",
            percent(x.lead_margin)
        ),
        None => format!("\"{challenger}\" is not cheaper per FLOP in most samples through to {end}"),
    };
    let headline = if be.not_by_end > 0.5 {
        format!(
            "in most samples \"{challenger}\" has delivered less training compute than \"{base}\" by {end}"
        )
    } else if at_least > 0.5 {
        format!(
            "in most samples \"{challenger}\" has delivered at least as much training compute as \"{base}\" by {end}"
        )
    } else {
        format!("no outcome has a majority of the samples by {end}")
    };
    let central = strategy::break_even(&a.central.paths[0], &a.central.paths[1], x.lead_margin);
    let central_ahead = !matches!(central, strategy::Catch::NotBy);
    let agree = if central_ahead == (be.not_by_end <= 0.5) {
        "the central case agrees".to_string()
    } else {
        "the central case disagrees, so read the answer as open".to_string()
    };
    let central_text = crate::strategy_cmd::catch_text(central, end);
    let best = crate::strategy_cmd::sweep_words(&a.sweep, x.lead_margin, end);
    s.claim(super::verdict::claim(ds, &a.verdict));
    s.para(format!(
            "In detail: {headline}. In cumulative training compute since {}, \"{challenger}\" is behind and then \
             catches up by {end} in {} of samples ({}), is never behind in {}, stays the same in {} and is still \
             behind in {end} in {}; at the central values it {central_text}: {agree}. Installed compute, in \
             most samples: {pattern}. {cheaper}; in {end} its cost per 10^24 FLOP is {} against {}. EUV arrives \
             {}. The allocation sweep: {best}",
            x.start_year,
            percent(be.caught_up),
            be.year.map_or("no break-even year".into(), |y| format!(
                "break-even in {:.0}, p5–p95 {:.0}–{:.0}",
                y.p50, y.p5, y.p95
            )),
            percent(be.never_behind),
            percent(be.same),
            percent(be.not_by_end),
            cost(1),
            cost(0),
            years(&a.comparison.arrival[1], end),
    ));
    // Whether money or the supplies bind, on the baseline at the central values: money left
    // over means no outlet could take it.
    let years_carried: Vec<&strategy::Year> =
        a.central.paths[0].years.iter().filter(|y| y.carried_usd > 0.0).collect();
    let last_year = a.central.paths[0].years.last();
    let limit = match (years_carried.first(), years_carried.last(), last_year) {
        (None, _, _) => format!("money binds \"{base}\" in every year: each outlet could take more"),
        (Some(f), Some(l), Some(z)) => format!(
            "the supplies (HBM, the fabs' tools, the import rules), not money, bind \"{base}\" in {} of {} years \
             ({}–{}): money no outlet could take is carried, {} by {end} ({}× that year's budget), so a share \
             given to R&D in those years costs it no compute",
            years_carried.len(),
            x.years,
            f.year,
            l.year,
            usd(z.carried_usd),
            sig3(z.carried_usd / z.budget_usd)
        ),
        _ => String::new(),
    };
    let trend = a
        .drivers
        .as_ref()
        .and_then(|(c, w)| w.iter().find(|w| w.key == "strategy.tariff_trend").map(|w| (*c, w.clone())));
    let trend = match trend {
        Some((_, w)) if (w.at_high - w.at_low).abs() <= 1e-6 * w.at_low.abs().max(w.at_high.abs()) => {
            format!(
                "; the price trend's range (×{}–×{} a year) does not move the difference in compute by {end}",
                sig3(w.low),
                sig3(w.high)
            )
        }
        Some((c, w)) => format!(
            "; the price trend's range (×{}–×{} a year) moves the difference in compute by {end} from {} to {} FLOP \
             (central {}){}",
            sig3(w.low),
            sig3(w.high),
            sig3(w.at_low),
            sig3(w.at_high),
            sig3(c),
            if (w.at_low > 0.0) != (w.at_high > 0.0) {
                ", enough to flip it"
            } else {
                ", not enough to flip it"
            }
        ),
        None => String::new(),
    };
    s.para(format!(
        "What limits compute: at the central values {limit}. Cheap power: electricity is {} of the year's cost \
         of compute in {end} on \"{base}\" at {}'s price (central values){trend}.",
        percent(a.electricity_share[0]),
        b.region
    ));
    if let Some((centre, swings)) = &a.drivers {
        s.para(format!(
            "What would flip it: the difference in compute delivered by {end} (\"{challenger}\" − \"{base}\") is \
             {} FLOP at the central values. Each number from its low to its high, largest swing first:",
            sig3(*centre)
        ));
        let mut t = Table::new(
            ["number", "low", "high", "difference at low", "at high", "turns the answer"]
                .map(String::from)
                .to_vec(),
        )
        .captioned(format!("What would flip the difference in compute delivered by {end}"));
        let flips = |w: &waferwatt::sensitivity::Swing| strategy::flips(w, *centre);
        for (w, at) in swings.iter().zip(&a.flip_at).filter(|(w, _)| w.width() > 0.0).take(6) {
            let q = |v: f64| super::verdict::number(v, &w.unit);
            t.row(vec![
                ds.label(&w.key),
                q(w.low),
                q(w.high),
                sig3(w.at_low),
                sig3(w.at_high),
                match at {
                    Some(v) if flips(w) => format!("at about {}", q(*v)),
                    Some(v) => format!("only at about {}, beyond its range", q(*v)),
                    None => "no".into(),
                },
            ]);
        }
        s.table(t);
        let flipping: Vec<String> =
            swings.iter().filter(|w| flips(w)).map(|w| super::verdict::labelled(ds, &w.key)).collect();
        if !flipping.is_empty() {
            s.para(format!(
                "The central case's answer (the sign of the difference) flips within the range of: {}.",
                flipping.join(", ")
            ));
        }
    }
    s.para(format!(
        "Assumptions behind it: {}. `waferwatt strategy --samples 2000 --sweep` shows every year and path; \
         change any number with `--set` or a scenario.",
        b.notes.join("; ")
    ));
    s
}

/// The account's charts: the fan of running compute by path, and what moves the difference.
fn figures(ds: &Dataset, a: &StrategyAccount, s: &mut Blocks) {
    let x = &a.bound.inputs;
    let fan = FanChart {
        title: "running dense BF16 FLOP/s".into(),
        series: a
            .bound
            .paths
            .iter()
            .enumerate()
            .map(|(k, (_, name))| {
                let years = (0..x.years)
                    .filter_map(|i| {
                        a.sampled(k, i, metric::INSTALLED_FLOPS).map(|s| (x.year(i), s.p5, s.p50, s.p95))
                    })
                    .collect();
                (name.clone(), years)
            })
            .collect(),
    };
    s.figure(
        "strategy-fan",
        "Running compute per path, p50 and p5–p95 by year",
        "The line is each path's median over the samples, the band its p5–p95: where the bands overlap, the \
         data's ranges cannot tell the paths apart.",
        Plot::Fan(fan),
    );
    if let Some((centre, swings)) = &a.drivers {
        s.figure(
            "strategy-tornado",
            format!("What moves the difference in compute delivered by {}", x.end_year()),
            "Each bar moves one number across its range in the data, the rest at their central values; a bar that crosses \
             the central line could flip the answer.",
            Plot::Tornado(super::tornado(ds, "difference in compute delivered (FLOP)", *centre, swings, false)),
        );
    }
}

pub fn json(ds: &Dataset, a: &StrategyAccount) -> Value {
    let x = &a.bound.inputs;
    let ids: Vec<&str> = a.bound.paths.iter().map(|(id, _)| id.as_str()).collect();
    let by_path = |f: &dyn Fn(usize, usize) -> Value| -> Value {
        ids.iter()
            .enumerate()
            .map(|(p, id)| (id.to_string(), Value::Array((0..x.years).map(|i| f(p, i)).collect())))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let summary = crate::sampling::summary_or_null;
    json!({
        "says": a.says,
        "claim": super::verdict::json(ds, &a.verdict),
        "samples": a.samples,
        "years": (0..x.years).map(|i| x.year(i)).collect::<Vec<_>>(),
        "installed_flops": by_path(&|p, i| summary(a.sampled(p, i, metric::INSTALLED_FLOPS))),
        "usd_per_1e24_flop": by_path(&|p, i| summary(a.sampled(p, i, metric::USD_PER_UNIT_FLOP))),
        "p_lead": by_path(&|p, i| json!(a.comparison.lead_compute[i][p])),
        "p_tie": a.comparison.tie_compute,
        "p_cheapest": by_path(&|p, i| json!(a.comparison.lead_cost[i][p])),
        "euv_arrival": ids.iter().enumerate().map(|(p, id)| (id.to_string(), years_json(&a.comparison.arrival[p]))).collect::<serde_json::Map<_, _>>(),
        "break_even_year": ids.iter().enumerate().skip(1).map(|(p, id)| (id.to_string(), break_even_json(&a.comparison.break_even[p - 1]))).collect::<serde_json::Map<_, _>>(),
        "crossover_year": a.crossover(),
        "cheaper_from_year": a.cheaper_from(),
        "best_rd_share": a.sweep.best.map(|b| b.0),
        "near_best_rd_shares": a.sweep.best.map(|b| json!([b.1, b.2])),
        "best_rd_share_by_sample": summary(a.sweep.best_by_sample),
        "electricity_share_of_cost": a.electricity_share,
        "difference_central_flop": a.drivers.as_ref().map(|d| d.0),
        "drivers": a.drivers.as_ref().map(|d| crate::report::drivers_json(ds, &d.1)).unwrap_or_default(),
        "notes": a.bound.notes,
    })
}

/// A challenger's break-even over the samples, as JSON.
pub fn break_even_json(b: &strategy::BreakEven) -> Value {
    let y = crate::sampling::summary_or_null(b.year);
    json!({ "year": y, "caught_up": b.caught_up, "never_behind": b.never_behind, "same": b.same,
            "not_by_end": b.not_by_end })
}
