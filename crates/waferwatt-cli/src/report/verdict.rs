//! A claim's verdict, as the library decided it, in words and as JSON. Nothing here decides a
//! verdict: it renders [`ClaimVerdict`]'s enum, numbers and deciding assumptions.

use serde_json::{Value, json};
use waferwatt::accounts::verdict::{ClaimVerdict, Decider, Evidence, Reads, Side, Verdict};
use waferwatt::data::Dataset;

use super::doc::{Claim, Item, Summary, verdict_word};
use crate::render::Table;

use crate::render::{human, percent, short, sig3, signed, usd};

/// A number in its unit, as the report writes it.
pub fn number(x: f64, unit: &str) -> String {
    let (n, u) = split(x, unit);
    if u.is_empty() { n } else { format!("{n} {u}") }
}

/// A number and the unit to write after it (empty where the number carries its own).
fn split(x: f64, unit: &str) -> (String, String) {
    if !x.is_finite() {
        return ("n/a".into(), String::new());
    }
    let whole = |x: f64| if x.fract() == 0.0 && x.abs() < 1e4 { format!("{x:.0}") } else { human(x) };
    match unit {
        "fraction" => (percent(x), String::new()),
        "fraction/year" => (percent(x), "a year".into()),
        // A difference of two fractions, in percentage points.
        "points" => (format!("{:.1}", x * 100.0).replace('-', "−"), "points".into()),
        // A ratio less one: how much dearer or cheaper, larger or smaller.
        "premium" => (signed(x), String::new()),
        "ratio" => (short(x), String::new()),
        "USD" => (usd(x), String::new()),
        "count" => (whole(x), String::new()),
        "year" => (format!("{x:.0}"), String::new()),
        "FLOP" => (format!("{x:.2e}"), unit.into()),
        "1/cm2" => (sig3(x), "per cm²".into()),
        _ if x.abs() >= 1e4 => (human(x), unit.into()),
        _ => (short(x), unit.into()),
    }
}

/// A range in one unit: "45.0 k–50.0 k wafers/month".
pub fn range(lo: f64, hi: f64, unit: &str) -> String {
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

/// A data number's name and its key to type: "DUV-only 7 nm defect density
/// (`node.n7-duv.d0_per_cm2`)".
pub fn labelled(ds: &Dataset, key: &str) -> String {
    let label = ds.label(key);
    if label == key { format!("`{key}`") } else { format!("{label} (`{key}`)") }
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

fn decider_line(ds: &Dataset, d: &Decider, unit: &str) -> String {
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
    let label = ds.label(&w.key);
    let key = if label == w.key { String::new() } else { format!("`{}`, ", w.key) };
    format!(
        "{label} ({key}{}: {}{tail}{at})",
        range(w.low, w.high, &w.unit),
        range(w.at_low, w.at_high, unit)
    )
}

/// What moves a verdict's figure most, as a table: each number by its label and key, its range,
/// the figure at its low and high, whether it turns the answer, and whether it is sourced.
fn deciding_table(ds: &Dataset, v: &ClaimVerdict, unit: &str, on: &str) -> Table {
    let mut t = Table::new(
        ["number", "its range", "the figure, low to high", "turns the answer", "source", "data key"]
            .map(String::from)
            .to_vec(),
    )
    .left_aligned(6)
    .captioned(format!(
        "What moves it most{on}: each number from its low to its high, the others at their central values"
    ));
    for d in &v.deciding {
        let w = &d.swing;
        let turns = match d.flip_at {
            Some(x) if d.flips => format!("yes, at about {}", number(x, &w.unit)),
            Some(x) => format!("only at about {}, beyond its range", number(x, &w.unit)),
            None if d.flips => "yes".into(),
            None => "no".into(),
        };
        t.row(vec![
            ds.label(&w.key),
            range(w.low, w.high, &w.unit),
            range(w.at_low, w.at_high, unit),
            turns,
            if d.assumption { "an assumption".into() } else { "published".into() },
            format!("`{}`", w.key),
        ]);
    }
    t
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

/// The numbers behind a verdict, as items: its figures (a run of one series in one item) and
/// what moves it most.
fn body(ds: &Dataset, v: &ClaimVerdict) -> Vec<Item> {
    let mut items = Vec::new();
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
            let cases: Vec<String> = run
                .iter()
                .filter_map(|e| series(e).map(|(k, _)| format!("{k} {}", number(e.value, &e.unit))))
                .collect();
            items.push(Item::new(format!("{what}: {}.", cases.join(", "))));
            i += run.len();
        } else {
            items.push(Item::new(format!("{}.", evidence_line(&v.evidence[i]))));
            i += 1;
        }
    }
    if !v.deciding.is_empty() {
        let (unit, on) = match &v.deciding_on {
            Some(m) => (m.unit.as_str(), format!(" ({})", m.label)),
            None => (deciding_unit(v), String::new()),
        };
        let lines: Vec<String> = v.deciding.iter().map(|d| decider_line(ds, d, unit)).collect();
        let mut item = Item::new(format!("Moved most by{on}: {}.", lines.join("; ")));
        item.table = Some(deciding_table(ds, v, unit, &on));
        items.push(item);
    }
    items
}

/// The figure a verdict turns on, with the verdict (or part) it belongs to: the figure marked
/// as deciding it, else its first sampled figure, else its first figure, else the figure of
/// the first part in question (one measured that does not simply hold), else of the first part.
fn headline(v: &ClaimVerdict) -> Option<(&ClaimVerdict, &Evidence)> {
    let own = v
        .evidence
        .iter()
        .find(|e| e.decides)
        .or_else(|| v.evidence.iter().find(|e| e.range.is_some() && e.source.is_none()))
        .or(v.evidence.first())
        .map(|e| (v, e));
    let counted = || v.parts.iter().filter(|p| !p.context);
    let in_question = || {
        counted()
            .filter(|p| matches!(p.verdict, Verdict::Unsettled | Verdict::NotSupported | Verdict::Partly))
            .find_map(headline)
    };
    own.or_else(in_question).or_else(|| counted().find_map(headline))
}

/// A figure in words: "lithography's share of process time (n7-smic) is 48 % (p5–p95 39 %–73 %)".
fn figure_words(e: &Evidence) -> String {
    let case = e.case.as_ref().map(|c| format!(" ({c})")).unwrap_or_default();
    let spread = match e.range {
        Some((lo, hi)) if e.source.is_none() => format!(" (p5–p95 {})", range(lo, hi, &e.unit)),
        Some((lo, hi)) => format!(" (published range {})", range(lo, hi, &e.unit)),
        None => String::new(),
    };
    format!("{}{case} is {}{spread}", e.label, number(e.value, &e.unit))
}

/// Where a figure stands against the claim's band, in words.
fn against_band(v: &ClaimVerdict, side: Side) -> String {
    let Some(b) = v.claim.band else {
        return if side == Side::Within { "as claimed".into() } else { "not as claimed".into() };
    };
    let n = |x| number(x, b.unit);
    match (b.reads, side) {
        (Reads::About, _) => {
            let band = if b.low < b.high {
                format!("the claimed {}–{}", n(b.low), n(b.high))
            } else {
                format!("the claimed {}", n(b.value))
            };
            let at = match side {
                Side::Within => "within",
                Side::Below => "below",
                Side::Above => "above",
            };
            format!("{at} {band}")
        }
        (Reads::AtLeast, Side::Below) => format!("below the claimed {}", n(b.low)),
        (Reads::AtLeast, _) => format!("at or above the claimed {}", n(b.low)),
        (Reads::AtMost, Side::Above) => format!("above the claimed {}", n(b.high)),
        (Reads::AtMost, _) => format!("at or below the claimed {}", n(b.high)),
    }
}

/// What turns an unsettled verdict: its own deciding numbers that flip it, or its parts'.
fn turning(ds: &Dataset, v: &ClaimVerdict) -> String {
    let mut flips: Vec<&str> = v.flipped_by().map(|d| d.swing.key.as_str()).collect();
    if flips.is_empty() {
        flips = v
            .parts
            .iter()
            .filter(|p| !p.context)
            .flat_map(|p| p.flipped_by())
            .map(|d| d.swing.key.as_str())
            .fold(Vec::new(), |mut seen, k| {
                if !seen.contains(&k) {
                    seen.push(k);
                }
                seen
            });
    }
    let names: Vec<String> = flips.iter().map(|k| ds.label(k)).collect();
    match names.len() {
        0 => "but a number within its range turns the answer".to_string(),
        1 => format!("but {}, within its range, turns the answer", names[0]),
        _ => format!("but {}, each within its range, turns the answer", listed(&names, "or")),
    }
}

/// Items in a sentence: "a", "a or b", "a, b or c".
fn listed(items: &[String], conjunction: &str) -> String {
    match items {
        [init @ .., last] if !init.is_empty() => format!("{} {conjunction} {last}", init.join(", ")),
        _ => items.join(""),
    }
}

/// A small count in words ("two"), a larger one in digits.
fn in_words(n: usize) -> String {
    const WORDS: [&str; 11] =
        ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    WORDS.get(n).map_or_else(|| n.to_string(), |w| (*w).to_string())
}

/// A sentence's first letter in capitals, unless the sentence opens with an id ("n7-smic").
fn capitalised(s: &str) -> String {
    let first = s.split_whitespace().next().unwrap_or("");
    if first.chars().any(|c| c.is_ascii_digit() || c == '_') {
        return s.to_string();
    }
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().collect::<String>() + c.as_str())
}

/// The verdict in a sentence for people: the figure (where `with_figure`), where it stands
/// against the claim, what could turn it and whether an assumption decides it. Whose numbers
/// is said beside it ("Tested: … for …").
pub fn sentence(ds: &Dataset, v: &ClaimVerdict, with_figure: bool) -> String {
    let fig =
        if v.parts.is_empty() && with_figure { headline(v).map(|(_, e)| figure_words(e)) } else { None };
    // Where the figure stands, where the verdict placed it.
    let stands = v.side.filter(|_| v.claim.band.is_some()).map(|side| against_band(v, side));
    let counted: Vec<&ClaimVerdict> = v.parts.iter().filter(|p| !p.context).collect();
    // Whether its figures are cases of a series (nodes, regions) that may disagree.
    let several_cases = v.evidence.iter().filter(|e| e.case.is_some()).count() > 1;
    let parts = |of: fn(&ClaimVerdict) -> Verdict| {
        let count = |v: Verdict| counted.iter().filter(|p| of(p) == v).count();
        let n = counted.len();
        let (holding, partly, unmeasured) =
            (count(Verdict::Supported), count(Verdict::Partly), count(Verdict::NotMeasured));
        if holding == n {
            return format!("all {} of its parts hold", in_words(n));
        }
        let one = |k: usize, single: &str, many: &str| {
            (k > 0).then(|| format!("{} {}", in_words(k), if k == 1 { single } else { many }))
        };
        let said: Vec<String> = [
            one(holding, "holds", "hold"),
            one(partly, "holds in part", "hold in part"),
            one(n - holding - partly - unmeasured, "does not hold", "do not hold"),
            one(unmeasured, "is not measured", "are not measured"),
        ]
        .into_iter()
        .flatten()
        .collect();
        format!("of its {} parts, {}", in_words(n), listed(&said, "and"))
    };
    let join = |a: Option<String>, b: Option<String>| match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}: {b}")),
        (a, b) => a.or(b),
    };
    let mut s = match v.verdict {
        Verdict::NotMeasured => {
            Some("no source measures what the claim says; the figures given are proxies for it".to_string())
        }
        Verdict::Unsettled if !counted.is_empty() => {
            Some(format!("on the central values, {}, {}", parts(|p| p.central), turning(ds, v)))
        }
        Verdict::Unsettled => {
            let central = stands.unwrap_or_else(|| match v.central {
                Verdict::Partly if several_cases => "partly supported (the cases compared disagree)".into(),
                other => verdict_word(other).to_lowercase(),
            });
            Some(match fig {
                Some(f) => format!("{f}: {central} on the central values, {}", turning(ds, v)),
                None => format!("{central} on the central values, {}", turning(ds, v)),
            })
        }
        _ if !counted.is_empty() => Some(parts(|p| p.verdict)),
        Verdict::Partly if several_cases => Some(format!(
            "{}the cases compared disagree, some as claimed and some not",
            fig.map(|f| format!("{f}; ")).unwrap_or_default()
        )),
        Verdict::Partly => join(fig, stands),
        Verdict::Supported | Verdict::NotSupported => join(fig, stands),
    }
    .map(|s| capitalised(&s) + ".")
    .unwrap_or_default();
    if v.rests_on_assumptions() {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&assumption_words(v));
    }
    s
}

/// How far the numbers that turn a verdict rest on assumptions with no published source.
fn assumption_words(v: &ClaimVerdict) -> String {
    let flips = v.flipped_by().count();
    let assumed = v.flipped_by().filter(|d| d.assumption).count();
    let which = match (assumed, flips) {
        (1, 1) => "The number that turns it is an assumption".to_string(),
        (a, f) if a == f => "Each number that turns it is an assumption".to_string(),
        (1, _) => "One of the numbers that turn it is an assumption".to_string(),
        (a, _) => capitalised(&format!("{} of the numbers that turn it are assumptions", in_words(a))),
    };
    format!("{which} with no published source, so the answer cannot be called measured.")
}

/// The claim and its verdict as a block of the report: the claim, how it is read and tested,
/// the verdict in a sentence, the numbers and, for a claim of several parts, each part.
pub fn claim(ds: &Dataset, v: &ClaimVerdict) -> Claim {
    let mut items = body(ds, v);
    for p in &v.parts {
        let kind = if p.context { "For context, not counted" } else { "Part" };
        items.push(Item {
            table: None,
            text: format!(
                "{kind}: {} ({}): {}. {}",
                p.claim.reading,
                p.actor,
                verdict_word(p.verdict),
                sentence(ds, p, false)
            )
            .trim_end()
            .to_string(),
            sub: body(ds, p),
        });
    }
    Claim {
        id: v.claim.id.clone(),
        says: v.claim.says.clone(),
        read_as: reading_band(v),
        tested: format!("{}; for {}.", v.claim.reading, v.actor),
        verdict: v.verdict,
        sentence: sentence(ds, v, true),
        items,
    }
}

/// The claim in one line of the summary: the figure it turns on and its range (p5–p95, a
/// published range, or where the figure is one case of several, the span of the cases).
pub fn summary(v: &ClaimVerdict) -> Summary {
    let h = headline(v);
    // A figure that is one case of several (a region pair, a node) is shown as the span of its
    // cases, and how many of them meet the claim: one case alone would be a convenient pick.
    let cases: Vec<&Evidence> = h
        .filter(|(_, e)| e.case.is_some() && e.range.is_none())
        .map(|(owner, e)| owner.evidence.iter().filter(|x| x.label == e.label && x.case.is_some()).collect())
        .unwrap_or_default();
    let (number, range) = match h {
        Some((owner, e)) if cases.len() > 1 => {
            let (lo, hi) = cases
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x.value), b.max(x.value)));
            let within = owner
                .claim
                .band
                .map(|b| cases.iter().filter(|x| b.side(x.value) == Side::Within).count())
                .map(|k| format!("{} of {} cases as claimed", in_words(k), in_words(cases.len())))
                .unwrap_or_default();
            (format!("{}: {} across {} cases", e.label, range(lo, hi, &e.unit), cases.len()), within)
        }
        Some((_, e)) => {
            let case = e.case.as_ref().map(|c| format!(" ({c})")).unwrap_or_default();
            let spread = e.range.map(|(lo, hi)| {
                let kind = if e.source.is_some() { "published range" } else { "p5–p95" };
                format!("{kind} {}", range(lo, hi, &e.unit))
            });
            (format!("{}{case}: {}", e.label, number(e.value, &e.unit)), spread.unwrap_or_default())
        }
        None => (String::new(), String::new()),
    };
    Summary {
        id: v.claim.id.clone(),
        says: v.claim.says.clone(),
        verdict: v.verdict,
        actor: v.actor.clone(),
        number,
        range,
    }
}

/// The verdict as JSON: its enum, whose numbers, the numbers and ranges, the deciding
/// assumptions, and its parts.
pub fn json(ds: &Dataset, v: &ClaimVerdict) -> Value {
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
            "range": e.range.map(|(lo, hi)| [lo, hi]), "source": e.source, "year": e.year, "decides": e.decides,
        })).collect::<Vec<_>>(),
        "deciding": v.deciding.iter().map(|d| json!({
            "parameter": d.swing.key, "label": ds.label(&d.swing.key), "low": d.swing.low, "high": d.swing.high, "unit": d.swing.unit,
            "at_low": d.swing.at_low, "at_high": d.swing.at_high, "turns_it": d.flips, "assumption": d.assumption,
            "turns_it_at": d.flip_at,
        })).collect::<Vec<_>>(),
        "deciding_on": v.deciding_on.as_ref().map(|m| json!({ "label": m.label, "unit": m.unit })),
        "parts": v.parts.iter().map(|p| json(ds, p)).collect::<Vec<_>>(),
    })
}
