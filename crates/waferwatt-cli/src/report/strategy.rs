//! The closing section of the report: the commentary's closing question (compute with cheap
//! power now, or domestic EUV first?) answered with the strategy ledger's numbers, the
//! assumptions behind the answer, and what would flip it.

use serde_json::{Value, json};
use waferwatt::accounts::strategy::StrategyAccount;
use waferwatt::strategy::{self, metric};

use crate::render::{Table, human, percent, sig3, wrap};
use crate::report::WIDTH;

use crate::strategy_cmd::{range as p50, usd_h as usd, years_json, years_range as years};

pub fn text(a: &StrategyAccount) -> String {
    let (b, x) = (&a.bound, &a.bound.inputs);
    let (base, challenger) = (&b.paths[0].1, &b.paths[1].1);
    let end = x.end_year();
    let last = x.years - 1;
    let mut s = String::from(
        "THE STRATEGY ACCOUNT: COMPUTE NOW, OR EUV FIRST?\n------------------------------------------------\n",
    );
    let threshold =
        a.bound.bindings.iter().find(|k| k.name == "rd_needed_usd").map_or(x.rd_needed_usd, |k| k.value);
    s.push_str(&wrap(
        &format!(
            "The commentary closes by asking: \"{}\" The strategy ledger (`waferwatt strategy`) answers it year by \
             year, {}–{end}, over {} samples of {} uncertain numbers: a budget of {} a year (×{} a year after), \
             which each path splits between lithography R&D and compute. Compute buys {} accelerators installed \
             (servers, network, facility), as many as the fabs make ({} wafer starts a month on {} in {}, {} more \
             each year, capped by HBM) and powered in {} (price ×{} a year). EUV comes once cumulative R&D passes \
             a threshold ({} at the central value, lognormal) and not before {:.0}; then domestic EUV tools (like \
             the {}) open {}. \"{base}\" spends {} on R&D, \"{challenger}\" {} until EUV arrives.\n",
            a.says,
            x.start_year,
            a.samples,
            a.uncertain,
            usd(x.budget_usd),
            sig3(x.budget_growth),
            b.accelerator_name,
            human(x.duv_wafers_per_month),
            b.duv_node,
            x.start_year,
            human(x.duv_wafers_added_per_year),
            b.region,
            sig3(x.tariff_trend),
            usd(threshold),
            x.euv_earliest_year,
            b.euv_scanner,
            b.euv_nodes.join(" then "),
            percent(x.paths[0].rd_share),
            percent(x.paths[1].rd_share),
        ),
        WIDTH,
    ));
    s.push('\n');
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
    );
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
    s.push_str(&t.render());
    s.push_str(&format!(
        "(p50 and p5–p95 over the samples; \"leads\", \"cheaper\": by more than {})\n\n",
        percent(x.lead_margin)
    ));

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
    let best_by_sample = a
        .sweep
        .best_by_sample
        .map(|b| {
            format!(
                "; sample by sample the best share is {} (p5–p95 {}–{})",
                percent(b.p50),
                percent(b.p5),
                percent(b.p95)
            )
        })
        .unwrap_or_default();
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
    let best = match a.sweep.best {
        None => "No share of the budget gives a finite result in the sweep".to_string(),
        Some((b, lo, hi)) if b <= 0.0 => format!(
            "Compute alone is best: giving R&D any share of the budget gives no more expected compute by {end} \
             (shares {}–{} come within {} of the best)",
            percent(lo),
            percent(hi),
            percent(x.lead_margin)
        ),
        Some((b, lo, hi)) => format!(
            "The share of the budget given to lithography R&D (until EUV arrives) with the most expected compute \
             by {end} is {} (shares {}–{} come within {} of it){}",
            percent(b),
            percent(lo),
            percent(hi),
            percent(x.lead_margin),
            if b >= 1.0 { ": lithography alone" } else { ": neither pure answer" }
        ),
    };
    s.push_str(&wrap(&super::verdict::text(&a.verdict), WIDTH));
    s.push_str(&wrap(
        &format!(
            "In detail: {headline}. In cumulative training compute since {}, \"{challenger}\" is behind and then \
             catches up by {end} in {} of samples ({}), is never behind in {}, stays the same in {} and is still \
             behind in {end} in {}; at the central values it {central_text}: {agree}. Installed compute, in \
             most samples: {pattern}. {cheaper}; in {end} its cost per 10^24 FLOP is {} against {}. EUV arrives \
             {}. {best}{best_by_sample}.\n",
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
        ),
        WIDTH,
    ));
    s.push('\n');
    // Whether money or the fabs bind, on the baseline at the central values.
    let binds = a.central.paths[0].years.iter().find(|y| y.unspent_usd <= 0.0).map(|y| y.year);
    let limit = match binds {
        Some(y) if y == x.start_year => {
            "money binds from the start: the budget buys all the fabs can make and more".to_string()
        }
        Some(y) => format!(
            "until {} the fabs and HBM, not money, limit \"{base}\" (budget is left unspent), and from {y} money does",
            y - 1
        ),
        None => format!(
            "the fabs and HBM, not money, limit \"{base}\" in every year to {end} (budget is left unspent)"
        ),
    };
    let trend = a
        .drivers
        .as_ref()
        .and_then(|(c, w)| w.iter().find(|w| w.key == "strategy.tariff_trend").map(|w| (*c, w.clone())));
    let trend = match trend {
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
    s.push_str(&wrap(
        &format!(
            "Cheap power: electricity is {} of the year's cost of compute in {end} on \"{base}\" at {}'s price \
             (central values){trend}. At the central values {limit}.\n",
            percent(a.electricity_share[0]),
            b.region
        ),
        WIDTH,
    ));
    if let Some((centre, swings)) = &a.drivers {
        s.push('\n');
        s.push_str(&wrap(
            &format!(
                "What would flip it: the difference in compute delivered by {end} (\"{challenger}\" − \"{base}\") is \
                 {} FLOP at the central values. Each number from its low to its high, largest swing first:\n",
                sig3(*centre)
            ),
            WIDTH,
        ));
        let mut t = Table::new(
            ["number", "low", "high", "difference at low", "at high", "flips it?"].map(String::from).to_vec(),
        );
        let flips = |w: &waferwatt::sensitivity::Swing| strategy::flips(w, *centre);
        for w in swings.iter().filter(|w| w.width() > 0.0).take(6) {
            let q = |v: f64| if w.unit == "year" { format!("{v:.0}") } else { sig3(v) };
            t.row(vec![
                w.key.clone(),
                q(w.low),
                q(w.high),
                sig3(w.at_low),
                sig3(w.at_high),
                if flips(w) { "yes".into() } else { "no".into() },
            ]);
        }
        s.push_str(&t.render());
        let flipping: Vec<&str> = swings.iter().filter(|w| flips(w)).map(|w| w.key.as_str()).collect();
        if !flipping.is_empty() {
            s.push_str(&wrap(
                &format!(
                    "The central case's answer (the sign of the difference) flips within the range of: {}.\n",
                    flipping.join(", ")
                ),
                WIDTH,
            ));
        }
    }
    s.push('\n');
    s.push_str(&wrap(
        &format!(
            "Assumptions behind it: {}. `waferwatt strategy --samples 2000 --sweep` shows every year and path; \
             change any number with --set or a scenario.\n",
            b.notes.join("; ")
        ),
        WIDTH,
    ));
    s
}

pub fn json(a: &StrategyAccount) -> Value {
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
        "claim": super::verdict::json(&a.verdict),
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
        "drivers": a.drivers.as_ref().map(|d| crate::report::drivers_json(&d.1)).unwrap_or_default(),
        "notes": a.bound.notes,
    })
}

/// A challenger's break-even over the samples, as JSON.
pub fn break_even_json(b: &strategy::BreakEven) -> Value {
    let y = crate::sampling::summary_or_null(b.year);
    json!({ "year": y, "caught_up": b.caught_up, "never_behind": b.never_behind, "same": b.same,
            "not_by_end": b.not_by_end })
}
