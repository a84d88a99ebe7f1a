//! The tools account of the report: DUV multi-patterning against EUV, and lithography's share
//! of wafer cost and process time, with the verdicts on the commentary's sayings.

use serde_json::{Value, json};
use waferwatt::accounts::tools::{Claim, Pair, ToolsAccount};
use waferwatt::fab::{self, ToolClass};
use waferwatt::sensitivity::Swing;

use crate::Failure;
use crate::render::{percent, sig3, signed, usd, wrap};
use crate::report::WIDTH;
use crate::wafer_cmd::{Evaluated, to_table};

/// No figure leaves unless it is finite.
pub fn check(a: &ToolsAccount) -> Result<(), Failure> {
    for p in &a.pairs {
        for (_, d, e) in &p.by_die {
            for w in [d, e] {
                fab::check(&w.out).map_err(|x| Failure::from(x.key(format!("node {}", w.bound.node))))?;
            }
        }
    }
    Ok(())
}

/// Where a figure stands against a claim read as a range.
fn against(x: f64, c: &Claim) -> &'static str {
    if x < c.low {
        "below"
    } else if x > c.high {
        "above"
    } else {
        "within"
    }
}

/// The span of a share over the nodes of every pair (first die).
fn span(a: &ToolsAccount, f: impl Fn(&fab::WaferOutputs) -> f64) -> (f64, f64, Vec<String>) {
    let mut v = Vec::new();
    let mut each = Vec::new();
    for p in &a.pairs {
        if let Some((_, d, e)) = p.by_die.first() {
            for w in [d, e] {
                v.push(f(&w.out));
                each.push(format!("{} {}", w.bound.node, percent(f(&w.out))));
            }
        }
    }
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi, each)
}

/// Whether the main driver's range ends on two sides of a line or band (`side` names the
/// side of a value): then the data cannot settle a verdict.
fn unsettled<T: PartialEq>(drivers: &[Swing], side: impl Fn(f64) -> T) -> bool {
    drivers.first().is_some_and(|d| side(d.at_low) != side(d.at_high))
}

/// The verdict on a share claim, and the line of figures behind it.
fn share_verdict(
    a: &ToolsAccount,
    c: &Claim,
    f: fn(&fab::WaferOutputs) -> f64,
    drv: &[Swing],
) -> (String, Vec<String>) {
    let (lo, hi, each) = span(a, f);
    let central = match (against(lo, c), against(hi, c)) {
        ("within", "within") => "SUPPORTED",
        ("below", "below") => "NOT SUPPORTED: lithography's share is smaller",
        ("above", "above") => "NOT SUPPORTED: lithography's share is larger",
        _ => "PARTLY SUPPORTED: it depends on the node",
    };
    let verdict = if unsettled(drv, |x| against(x, c)) {
        format!(
            "UNSETTLED: on the central values {central}, but its main assumption moves it across the claimed band"
        )
    } else {
        central.to_string()
    };
    (verdict, each)
}

fn share_claim(
    s: &mut String,
    a: &ToolsAccount,
    c: &Claim,
    what: &str,
    f: fn(&fab::WaferOutputs) -> f64,
    drv: &waferwatt::sensitivity::Figure,
) {
    let (verdict, each) = share_verdict(a, c, f, drv);
    s.push_str(&format!("Claim: \"{}\" (read as {}–{})\n", c.says, percent(c.low), percent(c.high)));
    s.push_str(&format!(
        "Verdict: {verdict}. Lithography's share of {what}: {}.\n  On {}: {}.\n",
        each.join(", "),
        a.pairs.first().map(|p| p.duv.as_str()).unwrap_or_default(),
        super::top_drivers(drv, percent)
    ));
}

/// The verdict on "DUV can stand in for EUV at 7 nm": the first pair is the claim's; the
/// others are context.
fn stand_in_verdict(a: &ToolsAccount) -> String {
    let c = &a.claim_stand_in;
    let Some(p) = a.pairs.first() else { return "NO COMPARISON".into() };
    let within = (0..p.by_die.len()).all(|i| p.premium(i) <= c.value);
    let central = if within { "SUPPORTED" } else { "NOT SUPPORTED" };
    if unsettled(&a.premium_drivers, |x| x <= c.value) {
        format!(
            "UNSETTLED: on the central values {central}, but its main assumption moves the premium across {}",
            percent(c.value)
        )
    } else {
        central.to_string()
    }
}

pub fn text(a: &ToolsAccount) -> String {
    let mut s = String::from("THE TOOLS ACCOUNT\n-----------------\n");
    s.push_str(
        "Without EUV a 7 nm-class process prints its tightest layers two to four times over with DUV \
         immersion (LELE, LE3, SADP, SAQP). What does that cost in exposures, masks, scanner-hours, cycle \
         time, yield and money per good die? Layer stacks are derived from each scheme's pitch limits and \
         checked against published mask counts (`waferwatt data list layer`).\n",
    );
    let mut s = wrap(&s, WIDTH);
    for p in &a.pairs {
        let Some((_, d, e)) = p.by_die.first() else { continue };
        s.push('\n');
        let results = [
            Evaluated { bound: d.bound.clone(), out: d.out },
            Evaluated { bound: e.bound.clone(), out: e.out },
        ];
        s.push_str(&to_table(&results));
        let mut prose = String::new();
        for (i, (die, d, e)) in p.by_die.iter().enumerate() {
            prose.push_str(&format!(
                "  {die} ({} × {} mm): yield {} against {}; cost per good die {} against {}: DUV {} {}.\n",
                d.bound.inputs.die.width_mm,
                d.bound.inputs.die.height_mm,
                percent(d.out.die_yield),
                percent(e.out.die_yield),
                usd(d.out.cost_per_good_die_usd),
                usd(e.out.cost_per_good_die_usd),
                percent(p.premium(i).abs()),
                if p.premium(i) >= 0.0 { "dearer" } else { "cheaper" },
            ));
        }
        s.push_str(&wrap(&prose, WIDTH));
    }
    s.push('\n');
    let mut claims = String::new();
    share_claim(&mut claims, a, &a.claim_time, "process time", |o| o.litho_time_share, &a.time_share_drivers);
    share_claim(&mut claims, a, &a.claim_cost, "wafer cost", |o| o.litho_cost_share, &a.cost_share_drivers);
    claims.push_str(&stand_in(a));
    s.push_str(&wrap(&claims, WIDTH));
    s
}

/// "DUV multi-patterning can stand in for EUV", pair by pair.
fn stand_in(a: &ToolsAccount) -> String {
    let c = &a.claim_stand_in;
    let mut s = format!(
        "Claim: \"{}\" (read as: a cost per good die at most {} above EUV's)\nVerdict: {}.\n",
        c.says,
        percent(c.value),
        stand_in_verdict(a)
    );
    for (k, p) in a.pairs.iter().enumerate() {
        let premiums: Vec<String> = p
            .by_die
            .iter()
            .enumerate()
            .map(|(i, (die, _, _))| format!("{die} {}", signed(p.premium(i))))
            .collect();
        let Some((_, d, e)) = p.by_die.first() else { continue };
        let arfi = |w: &waferwatt::accounts::tools::Wafer| {
            w.out.class(ToolClass::Arfi).scanners_per_10k_wafers_month
        };
        let euv = e.out.class(ToolClass::Euv).scanners_per_10k_wafers_month;
        s.push_str(&format!(
            "  {} for {}{}: cost per good die {}. It takes {} more masks, {} more process steps, {} more \
             days of cycle time, and {} ArFi scanners per 10k wafers a month where {} needs {} ArFi and {} EUV.\n",
            p.duv,
            p.euv,
            if k == 0 { "" } else { " (beyond the claim, for context)" },
            premiums.join(", "),
            d.out.masks - e.out.masks,
            d.out.process_steps - e.out.process_steps,
            sig3(d.out.cycle_days - e.out.cycle_days),
            sig3(arfi(d)),
            p.euv,
            sig3(arfi(e)),
            sig3(euv),
        ));
    }
    s.push_str(&format!(
        "  The premium ({}, {}): {}.\n",
        a.pairs.first().map(|p| format!("{} against {}", p.duv, p.euv)).unwrap_or_default(),
        a.dies.first().cloned().unwrap_or_default(),
        super::top_drivers(&a.premium_drivers, percent)
    ));
    s
}

fn pair_json(p: &Pair) -> Value {
    let dies: Vec<Value> = p
        .by_die
        .iter()
        .enumerate()
        .map(|(i, (die, d, e))| {
            let side = |w: &waferwatt::accounts::tools::Wafer| {
                json!({ "node": w.bound.node, "masks": w.out.masks, "exposures_total": w.out.exposures,
                    "scanner_hours": w.out.scanner_hours, "process_steps": w.out.process_steps,
                    "cycle_days": w.out.cycle_days, "wafer_cost_usd": w.out.wafer_cost_usd,
                    "litho_cost_share": w.out.litho_cost_share, "litho_time_share": w.out.litho_time_share,
                    "die_yield": w.out.die_yield, "good_dies": w.out.good_dies,
                    "cost_per_good_die_usd": w.out.cost_per_good_die_usd })
            };
            json!({ "die": die, "duv": side(d), "euv": side(e), "duv_premium_per_good_die": p.premium(i) })
        })
        .collect();
    json!({ "duv": p.duv, "euv": p.euv, "dies": dies })
}

pub fn json(a: &ToolsAccount) -> Value {
    let claim = |c: &Claim| json!({ "says": c.says, "value": c.value, "read_as": [c.low, c.high] });
    let drivers = super::drivers_json;
    let mut time = claim(&a.claim_time);
    time["verdict"] = json!(share_verdict(a, &a.claim_time, |o| o.litho_time_share, &a.time_share_drivers).0);
    let mut cost = claim(&a.claim_cost);
    cost["verdict"] = json!(share_verdict(a, &a.claim_cost, |o| o.litho_cost_share, &a.cost_share_drivers).0);
    let mut stand_in = claim(&a.claim_stand_in);
    stand_in["verdict"] = json!(stand_in_verdict(a));
    json!({
        "pairs": a.pairs.iter().map(pair_json).collect::<Vec<_>>(),
        "claims": { "time": time, "cost": cost, "stand_in": stand_in },
        "premium_drivers": drivers(&a.premium_drivers),
        "premium_range": super::range_json(&a.premium_drivers),
        "litho_time_share_drivers": drivers(&a.time_share_drivers),
        "litho_time_share_range": super::range_json(&a.time_share_drivers),
        "litho_cost_share_drivers": drivers(&a.cost_share_drivers),
        "litho_cost_share_range": super::range_json(&a.cost_share_drivers),
    })
}
