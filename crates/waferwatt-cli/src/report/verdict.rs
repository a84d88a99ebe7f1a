//! A claim's verdict, as the library decided it, in words and as JSON. Nothing here decides a
//! verdict: it renders [`ClaimVerdict`]'s enum, numbers and deciding assumptions.

use serde_json::{Value, json};
use waferwatt::accounts::verdict::{ClaimVerdict, Decider, Evidence, Reads, Side, Verdict};

use crate::render::{human, percent, short, sig3, signed, usd};

/// The verdict's name in the report's text.
pub fn word(v: Verdict) -> &'static str {
    match v {
        Verdict::Supported => "SUPPORTED",
        Verdict::Partly => "PARTLY SUPPORTED",
        Verdict::NotSupported => "NOT SUPPORTED",
        Verdict::Unsettled => "UNSETTLED",
        Verdict::NotMeasured => "NOT MEASURED",
    }
}

/// A number in its unit, as the report writes it.
pub fn number(x: f64, unit: &str) -> String {
    let (n, u) = split(x, unit);
    if u.is_empty() { n } else { format!("{n} {u}") }
}

/// A number and the unit to write after it (empty where the number carries its own).
fn split(x: f64, unit: &str) -> (String, String) {
    let whole = |x: f64| if x.fract() == 0.0 && x.abs() < 1e4 { format!("{x:.0}") } else { human(x) };
    match unit {
        "fraction" => (percent(x), String::new()),
        // A difference of two fractions, in percentage points.
        "points" => (format!("{:.1}", x * 100.0).replace('-', "−"), "points".into()),
        // A ratio less one: how much dearer or cheaper, larger or smaller.
        "premium" => (signed(x), String::new()),
        "ratio" => (short(x), String::new()),
        "USD" => (usd(x), String::new()),
        "count" => (whole(x), String::new()),
        "year" => (format!("{x:.0}"), String::new()),
        "FLOP" => (format!("{x:.3e}"), unit.into()),
        "1/cm2" => (sig3(x), "per cm²".into()),
        _ if x.abs() >= 1e4 => (human(x), unit.into()),
        _ => (short(x), unit.into()),
    }
}

/// A range in one unit: "45.0 k–50.0 k wafers/month".
fn range(lo: f64, hi: f64, unit: &str) -> String {
    let ((a, u), (b, _)) = (split(lo, unit), split(hi, unit));
    if u.is_empty() { format!("{a}–{b}") } else { format!("{a}–{b} {u}") }
}

/// How the claim's figure is read, in words: "(read as 45 %–55 %)".
fn reading_band(v: &ClaimVerdict) -> String {
    let Some(b) = v.claim.band else { return String::new() };
    let n = |x| number(x, b.unit);
    match b.reads {
        Reads::About if b.low < b.high => format!(" (read as {}–{})", n(b.low), n(b.high)),
        Reads::About => format!(" (read as {})", n(b.value)),
        Reads::AtLeast => format!(" (read as: at least {})", n(b.low)),
        Reads::AtMost => format!(" (read as: at most {})", n(b.high)),
    }
}

fn side_words(s: Side) -> &'static str {
    match s {
        Side::Below => "the figure is below the claimed band",
        Side::Within => "the figure is within the claimed band",
        Side::Above => "the figure is above the claimed band",
    }
}

fn evidence_line(e: &Evidence) -> String {
    let range = e.range.map(|(lo, hi)| {
        if e.source.is_some() {
            format!("range {}", range(lo, hi, &e.unit))
        } else {
            format!("p5–p95 {}", range(lo, hi, &e.unit))
        }
    });
    let cite =
        e.source.as_ref().map(|s| format!("{s}{}", e.year.map(|y| format!(", {y}")).unwrap_or_default()));
    let extra: Vec<String> = [range, cite].into_iter().flatten().collect();
    let extra = if extra.is_empty() { String::new() } else { format!(" ({})", extra.join("; ")) };
    let case = e.case.as_ref().map(|c| format!("{c}: ")).unwrap_or_default();
    format!("{case}{}: {}{extra}", e.label, number(e.value, &e.unit))
}

fn decider_line(d: &Decider, unit: &str) -> String {
    let tail = match (d.flips, d.assumption) {
        (true, true) => ", turns it; an assumption with no published source",
        (true, false) => ", turns it",
        (false, true) => "; an assumption",
        (false, false) => "",
    };
    let w = &d.swing;
    let at = match d.flip_at {
        Some(x) if d.flips => format!(", at about {}", number(x, &w.unit)),
        Some(x) => format!("; it would turn it at about {}, beyond its range", number(x, &w.unit)),
        None => String::new(),
    };
    format!("{} ({}: {}{tail}{at})", w.key, range(w.low, w.high, &w.unit), range(w.at_low, w.at_high, unit))
}

/// The verdict's sentence: the verdict, whose numbers, why it is unsettled if it is.
fn headline(v: &ClaimVerdict) -> String {
    let mut s = word(v.verdict).to_string();
    if v.verdict == Verdict::Unsettled && v.central != Verdict::Unsettled {
        s.push_str(&format!(": on the central values {}", word(v.central)));
        // What turns it: its own deciding numbers, or its parts' where it has none.
        let mut flips: Vec<&str> = v.flipped_by().map(|d| d.swing.key.as_str()).collect();
        if flips.is_empty() {
            flips = v
                .parts
                .iter()
                .filter(|p| !p.context)
                .flat_map(|p| p.flipped_by())
                .map(|d| d.swing.key.as_str())
                .collect();
            flips.dedup();
        }
        match flips.as_slice() {
            [] => {}
            [one] => s.push_str(&format!(", but {one} within its range turns it")),
            many => s.push_str(&format!(", but each of {} within its range turns it", many.join(", "))),
        }
    }
    if let Some(side) = v.side.filter(|s| *s != Side::Within && v.central != Verdict::Supported) {
        s.push_str(&format!(" ({})", side_words(side)));
    }
    if v.rests_on_assumptions() {
        s.push_str(
            ". What turns it is an assumption with no published source: the answer cannot be called measured",
        );
    }
    s
}

/// The unit a verdict's deciding figure is in: its first evidence line's.
fn deciding_unit(v: &ClaimVerdict) -> &str {
    v.evidence
        .iter()
        .find(|e| e.range.is_some() && e.source.is_none())
        .or(v.evidence.first())
        .map_or("", |e| e.unit.as_str())
}

/// A plain figure of a series: its case (a quarter, a region) and what it is.
fn series(e: &Evidence) -> Option<(&str, &str)> {
    if e.range.is_none() && e.source.is_none() {
        e.case.as_deref().map(|c| (c, e.label.as_str()))
    } else {
        None
    }
}

fn body(v: &ClaimVerdict, indent: &str, s: &mut String) {
    // A run of plain figures of one series (by quarter, node or region) is written as one line.
    let mut i = 0;
    while i < v.evidence.len() {
        let run: Vec<&Evidence> = match series(&v.evidence[i]) {
            Some((_, what)) => {
                v.evidence[i..].iter().take_while(|e| series(e).is_some_and(|(_, w)| w == what)).collect()
            }
            None => Vec::new(),
        };
        if run.len() > 2 {
            let what = series(run[0]).map_or("", |(_, w)| w);
            let items: Vec<String> = run
                .iter()
                .filter_map(|e| series(e).map(|(k, _)| format!("{k} {}", number(e.value, &e.unit))))
                .collect();
            s.push_str(&format!("{indent}{what}: {}.\n", items.join(", ")));
            i += run.len();
        } else {
            s.push_str(&format!("{indent}{}.\n", evidence_line(&v.evidence[i])));
            i += 1;
        }
    }
    if !v.deciding.is_empty() {
        let (unit, on) = match &v.deciding_on {
            Some(m) => (m.unit.as_str(), format!(" ({})", m.label)),
            None => (deciding_unit(v), String::new()),
        };
        let ds: Vec<String> = v.deciding.iter().map(|d| decider_line(d, unit)).collect();
        s.push_str(&format!("{indent}Moved most by{on}: {}.\n", ds.join("; ")));
    }
}

/// The claim and its verdict, as the report prints them ("Claim: …", "Verdict: …", then the
/// numbers and, for a claim of several parts, each part).
pub fn text(v: &ClaimVerdict) -> String {
    let mut s = format!("Claim: \"{}\"{}\n", v.claim.says, reading_band(v));
    s.push_str(&format!("Tested: {}; for {}.\n", v.claim.reading, v.actor));
    s.push_str(&format!("Verdict: {}.\n", headline(v)));
    body(v, "  ", &mut s);
    for p in &v.parts {
        let kind = if p.context { "For context, not counted" } else { "Part" };
        s.push_str(&format!("  {kind}: {} ({}): {}.\n", p.claim.reading, p.actor, headline(p)));
        body(p, "    ", &mut s);
    }
    s
}

/// The verdict as JSON: its enum, whose numbers, the numbers and ranges, the deciding
/// assumptions, and its parts.
pub fn json(v: &ClaimVerdict) -> Value {
    json!({
        "claim": v.claim.id,
        "says": v.claim.says,
        "reading": v.claim.reading,
        "actor": v.actor,
        "read_as": v.claim.band.map(|b| json!({ "value": b.value, "low": b.low, "high": b.high, "unit": b.unit,
            "reads": Reads::NAMES[b.reads as usize] })),
        "verdict": v.verdict.id(),
        "central": v.central.id(),
        "side": v.side.map(Side::id),
        "rests_on_assumptions": v.rests_on_assumptions(),
        "context": v.context,
        "numbers": v.evidence.iter().map(|e| json!({
            "label": e.label, "case": e.case, "value": e.value, "unit": e.unit,
            "range": e.range.map(|(lo, hi)| [lo, hi]), "source": e.source, "year": e.year,
        })).collect::<Vec<_>>(),
        "deciding": v.deciding.iter().map(|d| json!({
            "parameter": d.swing.key, "low": d.swing.low, "high": d.swing.high, "unit": d.swing.unit,
            "at_low": d.swing.at_low, "at_high": d.swing.at_high, "turns_it": d.flips, "assumption": d.assumption,
            "turns_it_at": d.flip_at,
        })).collect::<Vec<_>>(),
        "deciding_on": v.deciding_on.as_ref().map(|m| json!({ "label": m.label, "unit": m.unit })),
        "parts": v.parts.iter().map(json).collect::<Vec<_>>(),
    })
}
