//! What an account concludes of a claim of the source commentary, as data: the verdict, whose
//! numbers it rests on, the figures behind it with their ranges, and the assumptions that
//! decide it. The faces render a [`ClaimVerdict`]; none decides a verdict by building a string.
//!
//! A claim's data (`claim.ID`) says what the commentary said (`says`), the proposition tested
//! (`reading`), whose numbers answer it (`actor`), and, where it states a figure, the band that
//! figure is read as (`value` with `low`/`high`, and `reads`: about, at least or at most).

use crate::data::{Dataset, key};
use crate::diag::Diagnostic;
use crate::sensitivity::{Figure, Swing};

/// What the numbers say of a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The numbers agree with the claim as read.
    Supported,
    /// They agree in some of the cases compared (nodes, regions, years, parts of the claim),
    /// not in all.
    Partly,
    /// They disagree.
    NotSupported,
    /// The central values lean one way, but a number within its sourced range turns the answer.
    Unsettled,
    /// No source measures what the claim says; the figures given are proxies.
    NotMeasured,
}

impl Verdict {
    pub const ALL: [Verdict; 5] = [
        Verdict::Supported,
        Verdict::Partly,
        Verdict::NotSupported,
        Verdict::Unsettled,
        Verdict::NotMeasured,
    ];

    /// The verdict's name in machine-readable output.
    pub fn id(self) -> &'static str {
        match self {
            Verdict::Supported => "supported",
            Verdict::Partly => "partly",
            Verdict::NotSupported => "not_supported",
            Verdict::Unsettled => "unsettled",
            Verdict::NotMeasured => "not_measured",
        }
    }
}

/// Where a figure stands against the band a claim is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Below,
    Within,
    Above,
}

impl Side {
    pub fn id(self) -> &'static str {
        match self {
            Side::Below => "below",
            Side::Within => "within",
            Side::Above => "above",
        }
    }
}

/// How a claim's figure is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads {
    /// Within `low..=high` ("about a third").
    About,
    /// At least `low` ("over 20 %").
    AtLeast,
    /// At most `high` ("no more than 25 % dearer").
    AtMost,
}

impl Reads {
    pub const NAMES: &'static [&'static str] = crate::data::schema::CLAIM_READINGS;
    pub fn from_name(s: &str) -> Option<Reads> {
        match s {
            "about" => Some(Reads::About),
            "at least" => Some(Reads::AtLeast),
            "at most" => Some(Reads::AtMost),
            _ => None,
        }
    }
}

/// The band a claim's figure is read as.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub reads: Reads,
    /// The figure's unit (a share, a count).
    pub unit: &'static str,
}

impl Band {
    /// Where `x` stands against the band.
    pub fn side(&self, x: f64) -> Side {
        let below = matches!(self.reads, Reads::About | Reads::AtLeast) && x < self.low;
        let above = matches!(self.reads, Reads::About | Reads::AtMost) && x > self.high;
        if below {
            Side::Below
        } else if above {
            Side::Above
        } else {
            Side::Within
        }
    }
}

/// A claim as the data states it.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    pub id: String,
    pub says: String,
    /// The proposition the account tests.
    pub reading: String,
    /// Whose numbers answer it.
    pub actor: String,
    pub band: Option<Band>,
}

impl Claim {
    /// A part of the claim: the same claim, a narrower proposition, read against the claim's
    /// band.
    pub fn part(&self, reading: impl Into<String>) -> Claim {
        Claim { reading: reading.into(), ..self.clone() }
    }
    /// A part tested on a test of its own (China's share against Taiwan's, one run's cost
    /// against another's), not against the claim's band: it has none.
    pub fn part_on_its_own(&self, reading: impl Into<String>) -> Claim {
        Claim { reading: reading.into(), band: None, ..self.clone() }
    }
}

/// Reads claim `id` from the data.
pub fn claim(ds: &Dataset, id: &str) -> Result<Claim, Diagnostic> {
    let text = |f: &str| -> Result<String, Diagnostic> {
        let k = key("claim", Some(id), f);
        ds.text(&k).map(str::to_string).ok_or_else(|| {
            Diagnostic::new(format!("the data has no `{k}`")).key(k).expected("the claim's text")
        })
    };
    let reads_key = key("claim", Some(id), "reads");
    let reads = match ds.text(&reads_key) {
        None => Reads::About,
        Some(r) => Reads::from_name(r).ok_or_else(|| {
            Diagnostic::new(format!("`{r}` is not a way to read a claim"))
                .key(reads_key.clone())
                .expected(format!("one of {}", crate::diag::quote_list(Reads::NAMES)))
        })?,
    };
    let band = ["value", "count"].iter().find_map(|f| ds.param(&key("claim", Some(id), f))).map(|p| Band {
        value: p.value,
        low: p.low,
        high: p.high,
        reads,
        unit: p.unit,
    });
    Ok(Claim {
        id: id.to_string(),
        says: text("says")?,
        reading: text("reading")?,
        actor: text("actor")?,
        band,
    })
}

/// The verdict on the central values from where each case compared stands: every case within
/// the band supports the claim, every case on one side outside it does not, a mix is partial.
pub fn from_sides(sides: &[Side]) -> Verdict {
    if sides.is_empty() {
        Verdict::NotMeasured
    } else if sides.iter().all(|s| *s == Side::Within) {
        Verdict::Supported
    } else if sides.iter().all(|s| *s == Side::Below) || sides.iter().all(|s| *s == Side::Above) {
        Verdict::NotSupported
    } else {
        Verdict::Partly
    }
}

/// The verdict on a claim of several settled parts: the same verdict throughout is that
/// verdict; any part that holds, in whole or in part, beside parts that do not makes it
/// partial; none that holds, not supported. Parts nothing measures are set aside, but a claim
/// one of whose parts cannot be measured is at most partly supported.
pub fn combine(parts: &[Verdict]) -> Verdict {
    let measured: Vec<Verdict> = parts.iter().copied().filter(|v| *v != Verdict::NotMeasured).collect();
    let unmeasured = measured.len() < parts.len();
    match measured.first() {
        None => Verdict::NotMeasured,
        Some(Verdict::Supported) if unmeasured && measured.iter().all(|v| *v == Verdict::Supported) => {
            Verdict::Partly
        }
        Some(first) if measured.iter().all(|v| v == first) => *first,
        Some(_) if measured.iter().any(|v| matches!(v, Verdict::Supported | Verdict::Partly)) => {
            Verdict::Partly
        }
        Some(_) if measured.contains(&Verdict::Unsettled) => Verdict::Unsettled,
        Some(_) => Verdict::NotSupported,
    }
}

/// What a part may turn out to be: a settled part its verdict; an unsettled one its central
/// verdict or any other that a number within its range could give.
fn outcomes(p: &ClaimVerdict) -> Vec<Verdict> {
    if p.verdict == Verdict::Unsettled {
        let mut v = vec![p.central];
        v.extend(
            [Verdict::Supported, Verdict::Partly, Verdict::NotSupported]
                .into_iter()
                .filter(|o| *o != p.central),
        );
        v
    } else {
        vec![p.verdict]
    }
}

/// The verdict and the central verdict of a claim from its deciding parts: the central one
/// combines the parts' central verdicts; the verdict is the one every way the unsettled parts
/// could turn out agrees on, or unsettled if they do not agree.
pub fn combine_parts(parts: &[&ClaimVerdict]) -> (Verdict, Verdict) {
    let central = combine(&parts.iter().map(|p| p.central).collect::<Vec<_>>());
    let mut combos: Vec<Vec<Verdict>> = vec![Vec::new()];
    for p in parts {
        combos = combos
            .into_iter()
            .flat_map(|c| outcomes(p).into_iter().map(move |o| [c.clone(), vec![o]].concat()))
            .collect();
    }
    let results: Vec<Verdict> = combos.iter().map(|c| combine(c)).collect();
    let verdict = if results.iter().all(|r| *r == results[0]) { results[0] } else { Verdict::Unsettled };
    (verdict, central)
}

/// A claim's figure against published figures that measure it (`claim.ID.measures`): the
/// verdict from where each stands against the claim's band, each an evidence line.
pub fn against_published(
    claim: &Claim,
    actor: impl Into<String>,
    figures: &[(String, crate::data::Param)],
) -> ClaimVerdict {
    let sides: Vec<Side> = match claim.band {
        Some(b) => figures.iter().map(|(_, p)| b.side(p.value)).collect(),
        None => Vec::new(),
    };
    let mut v = ClaimVerdict::new(claim, actor, from_sides(&sides)).side(common_side(&sides));
    for (label, p) in figures {
        v = v.evidence(Evidence::published(label.clone(), p));
    }
    v
}

/// One side for every case, or none where the cases differ.
pub fn common_side(sides: &[Side]) -> Option<Side> {
    let first = *sides.first()?;
    sides.iter().all(|s| *s == first).then_some(first)
}

/// A number a verdict rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// What it is, in words.
    pub label: String,
    /// The case it is for, when it is one of a series (a node, a region, a quarter).
    pub case: Option<String>,
    pub value: f64,
    pub unit: String,
    /// p5–p95 over the report's samples, or a published figure's low–high.
    pub range: Option<(f64, f64)>,
    /// The source id, for a published figure.
    pub source: Option<String>,
    pub year: Option<i64>,
    /// The figure the verdict is decided on, where it is not the first sampled one.
    pub decides: bool,
}

impl Evidence {
    pub fn new(label: impl Into<String>, value: f64, unit: &str) -> Evidence {
        Evidence {
            label: label.into(),
            case: None,
            value,
            unit: unit.to_string(),
            range: None,
            source: None,
            year: None,
            decides: false,
        }
    }
    /// Marks the figure the verdict is decided on.
    pub fn deciding(self) -> Evidence {
        Evidence { decides: true, ..self }
    }
    /// One of a series: the same figure for the case named.
    pub fn case(self, case: impl Into<String>) -> Evidence {
        Evidence { case: Some(case.into()), ..self }
    }
    pub fn range(self, range: Option<(f64, f64)>) -> Evidence {
        Evidence { range, ..self }
    }
    /// The spread of a sampled figure.
    pub fn sampled(self, fig: &Figure) -> Evidence {
        self.range(fig.spread.map(|s| (s.p5, s.p95)))
    }
    /// A published figure of the data, with its range, source and year.
    pub fn published(label: impl Into<String>, p: &crate::data::Param) -> Evidence {
        Evidence {
            label: label.into(),
            case: None,
            value: p.value,
            unit: p.unit.to_string(),
            range: (p.low < p.high).then_some((p.low, p.high)),
            source: Some(p.source.to_string()),
            year: p.year,
            decides: false,
        }
    }
}

/// An assumption that moves the figure a verdict turns on: its swing, and whether it turns the
/// verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Decider {
    pub swing: Swing,
    /// Within its range, it moves the figure across the claim's line.
    pub flips: bool,
    /// No published figure is behind it (`source = "assumption"`).
    pub assumption: bool,
    /// Where the number would take the figure to the claim's line, read as a straight line
    /// through its swing (see [`crossing`]); `None` if neither end moves the figure towards it
    /// or no line was given.
    pub flip_at: Option<f64>,
}

/// The value of a number at which a figure reaches `line`, read as a straight line from the
/// central value (where the figure is `central`) through each end of the number's swing:
/// within the range where an end passes the line, else beyond the end that moves the figure
/// towards it (a trend, not a result); the nearer of the two. `None` if neither end moves the
/// figure towards the line.
pub fn crossing(value: f64, central: f64, line: f64, s: &Swing) -> Option<f64> {
    let towards = |at: f64| (at - central) * (line - central) > 0.0;
    [(s.low, s.at_low), (s.high, s.at_high)]
        .into_iter()
        .filter(|(x, at)| towards(*at) && *x != value)
        .map(|(x, at)| value + (x - value) * (line - central) / (at - central))
        .filter(|x| x.is_finite())
        .min_by(|a, b| (a - value).abs().total_cmp(&(b - value).abs()))
}

/// How many of a figure's largest swings a verdict names besides those that turn it.
pub const NAMED_DRIVERS: usize = 3;

/// The assumptions behind a figure of value `central`: its largest swings, and every swing
/// that, at either end of its range, takes the figure to another side of the claim's line than
/// the central value's (`side` names the side of a value of the figure).
pub fn deciders<T: PartialEq>(
    ds: &Dataset,
    central: f64,
    swings: &[Swing],
    side: impl Fn(f64) -> T,
) -> Vec<Decider> {
    let at = side(central);
    swings
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let flips = side(s.at_low) != at || side(s.at_high) != at;
            (i < NAMED_DRIVERS || flips).then(|| Decider {
                swing: s.clone(),
                flips,
                assumption: ds.param(&s.key).is_some_and(|p| &*p.source == "assumption"),
                flip_at: None,
            })
        })
        .collect()
}

/// Where the number of swing `s` would take a figure of value `central` to `line`
/// ([`crossing`] from the number's central value in the data), if that is a value the number
/// can take (a crossing at a negative count is none).
pub fn flip_point(ds: &Dataset, central: f64, line: f64, s: &Swing) -> Option<f64> {
    let (lo, hi) = crate::data::schema::limits(&s.key).unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    ds.param(&s.key).and_then(|p| crossing(p.value, central, line, s)).filter(|x| (lo..=hi).contains(x))
}

/// The deciders of a figure whose claim's line is the value `line`, each with where it would
/// take the figure to the line ([`flip_point`]).
pub fn deciders_to_line(ds: &Dataset, central: f64, line: f64, swings: &[Swing]) -> Vec<Decider> {
    let mut out = deciders(ds, central, swings, |v| v >= line);
    for d in &mut out {
        d.flip_at = flip_point(ds, central, line, &d.swing);
    }
    out
}

/// The verdict once the deciding assumptions are weighed: a central answer that one of them
/// turns within its range is unsettled.
pub fn settle(central: Verdict, deciding: &[Decider]) -> Verdict {
    if central != Verdict::NotMeasured && deciding.iter().any(|d| d.flips) {
        Verdict::Unsettled
    } else {
        central
    }
}

/// A figure named with its unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    pub label: String,
    pub unit: String,
}

/// What an account concludes of one claim.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimVerdict {
    pub claim: Claim,
    /// Whose numbers this verdict uses, in words (the claim's actor, made precise by the account).
    pub actor: String,
    pub verdict: Verdict,
    /// The verdict on the central values alone (differs from `verdict` when unsettled).
    pub central: Verdict,
    /// Where the measured figure stands against the claim, when every case stands on one side.
    pub side: Option<Side>,
    /// The numbers it rests on.
    pub evidence: Vec<Evidence>,
    /// The assumptions that move the figure it turns on.
    pub deciding: Vec<Decider>,
    /// The figure the deciding swings move, where it is not the first evidence line's (a
    /// margin to the claim's line rather than the figure itself).
    pub deciding_on: Option<Measure>,
    /// Parts of the answer that are verdicts of their own (a claim of two propositions, or
    /// one answered for two actors), each with the same shape.
    pub parts: Vec<ClaimVerdict>,
    /// A part given for context: it does not count towards its claim's verdict.
    pub context: bool,
}

impl ClaimVerdict {
    pub fn new(claim: &Claim, actor: impl Into<String>, central: Verdict) -> ClaimVerdict {
        ClaimVerdict {
            claim: claim.clone(),
            actor: actor.into(),
            verdict: central,
            central,
            side: None,
            evidence: Vec::new(),
            deciding: Vec::new(),
            deciding_on: None,
            parts: Vec::new(),
            context: false,
        }
    }
    /// A claim decided by `parts`, with `context` parts beside them that do not count.
    pub fn of_parts(
        claim: &Claim,
        actor: impl Into<String>,
        parts: Vec<ClaimVerdict>,
        context: Vec<ClaimVerdict>,
    ) -> ClaimVerdict {
        let (verdict, central) = combine_parts(&parts.iter().collect::<Vec<_>>());
        let mut v = ClaimVerdict::new(claim, actor, central);
        v.verdict = verdict;
        v.parts = parts;
        v.parts.extend(context.into_iter().map(|c| ClaimVerdict { context: true, ..c }));
        v
    }
    /// The deciding assumptions, and the verdict they leave.
    pub fn decided_by(mut self, deciding: Vec<Decider>) -> ClaimVerdict {
        self.verdict = settle(self.central, &deciding);
        self.deciding = deciding;
        self
    }
    /// The deciding assumptions, swinging `measure` rather than the first evidence line.
    pub fn decided_on(self, measure: Measure, deciding: Vec<Decider>) -> ClaimVerdict {
        ClaimVerdict { deciding_on: Some(measure), ..self.decided_by(deciding) }
    }
    pub fn side(self, side: Option<Side>) -> ClaimVerdict {
        ClaimVerdict { side, ..self }
    }
    pub fn evidence(mut self, e: Evidence) -> ClaimVerdict {
        self.evidence.push(e);
        self
    }
    /// Whether an unsourced assumption can turn it.
    pub fn rests_on_assumptions(&self) -> bool {
        self.deciding.iter().any(|d| d.flips && d.assumption)
    }
    /// The assumptions that turn it within their ranges.
    pub fn flipped_by(&self) -> impl Iterator<Item = &Decider> {
        self.deciding.iter().filter(|d| d.flips)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(reads: Reads) -> Band {
        Band { value: 0.3, low: 0.25, high: 0.35, reads, unit: "fraction" }
    }

    #[test]
    fn a_band_reads_about_at_least_and_at_most() {
        let about = band(Reads::About);
        assert_eq!(about.side(0.2), Side::Below);
        assert_eq!(about.side(0.3), Side::Within);
        assert_eq!(about.side(0.4), Side::Above);
        // "at least": only below the low misses; "at most": only above the high.
        assert_eq!(band(Reads::AtLeast).side(0.9), Side::Within);
        assert_eq!(band(Reads::AtLeast).side(0.2), Side::Below);
        assert_eq!(band(Reads::AtMost).side(-1.0), Side::Within);
        assert_eq!(band(Reads::AtMost).side(0.36), Side::Above);
    }

    #[test]
    fn sides_make_a_verdict() {
        use Side::*;
        assert_eq!(from_sides(&[Within, Within]), Verdict::Supported);
        assert_eq!(from_sides(&[Below, Below]), Verdict::NotSupported);
        assert_eq!(from_sides(&[Above]), Verdict::NotSupported);
        assert_eq!(from_sides(&[Within, Above]), Verdict::Partly);
        assert_eq!(from_sides(&[Below, Above]), Verdict::Partly);
        assert_eq!(from_sides(&[]), Verdict::NotMeasured);
        assert_eq!(common_side(&[Above, Above]), Some(Above));
        assert_eq!(common_side(&[Above, Within]), None);
    }

    #[test]
    fn parts_combine_into_a_verdict() {
        use Verdict::*;
        assert_eq!(combine(&[Supported, Supported]), Supported);
        // A part nothing measures keeps the rest from being more than partly supported.
        assert_eq!(combine(&[Supported, NotMeasured]), Partly);
        assert_eq!(combine(&[NotSupported, NotMeasured]), NotSupported);
        assert_eq!(combine(&[NotMeasured]), NotMeasured);
        assert_eq!(combine(&[Supported, NotSupported]), Partly);
        assert_eq!(combine(&[Unsettled, Partly]), Partly);
        assert_eq!(combine(&[Unsettled, NotSupported]), Unsettled);
        assert_eq!(combine(&[NotSupported, NotSupported, NotMeasured]), NotSupported);
    }

    fn part(verdict: Verdict, central: Verdict) -> ClaimVerdict {
        let c = Claim { id: "c".into(), says: "".into(), reading: "".into(), actor: "".into(), band: None };
        ClaimVerdict { verdict, ..ClaimVerdict::new(&c, "", central) }
    }

    #[test]
    fn an_unsettled_part_leaves_the_claim_open_only_if_its_outcomes_disagree() {
        use Verdict::*;
        let settled = part(Supported, Supported);
        let open = part(Unsettled, Partly);
        // Supported and an open part: partly or supported as the part turns out: unsettled.
        assert_eq!(combine_parts(&[&settled, &open]), (Unsettled, Partly));
        // A part nothing measures and an open one: whatever the open part is, at most partly.
        let none = part(NotMeasured, NotMeasured);
        let open_supported = part(Unsettled, Supported);
        assert_eq!(combine_parts(&[&none, &open_supported]), (Unsettled, Partly));
        // Settled parts only: the rule of `combine`.
        assert_eq!(combine_parts(&[&settled, &part(NotSupported, NotSupported)]), (Partly, Partly));
    }

    fn swing(key: &str, at_low: f64, at_high: f64) -> Swing {
        Swing { key: key.into(), low: 0.0, high: 1.0, unit: "ratio".into(), at_low, at_high }
    }

    #[test]
    fn a_swing_across_the_line_unsettles_the_verdict_and_others_do_not() {
        let ds = Dataset::builtin().unwrap();
        let b = band(Reads::About);
        // Largest first, as the tornado gives them: four within the band, then a small one across.
        let swings = [
            swing("fab.litho_steps_per_exposure", 0.26, 0.34),
            swing("a", 0.27, 0.33),
            swing("b", 0.28, 0.32),
            swing("c", 0.29, 0.31),
            swing("d", 0.24, 0.30),
        ];
        let d = deciders(&ds, 0.3, &swings, |x| b.side(x));
        // The three largest are named; the fourth is left out; the fifth turns it, so it stays.
        assert_eq!(
            d.iter().map(|d| d.swing.key.as_str()).collect::<Vec<_>>(),
            ["fab.litho_steps_per_exposure", "a", "b", "d"]
        );
        assert!(d[0].assumption && !d[0].flips);
        assert_eq!(settle(Verdict::Supported, &d), Verdict::Unsettled);
        assert_eq!(settle(Verdict::Supported, &d[..3]), Verdict::Supported);
        // A verdict with nothing measured stays so, whatever moves.
        assert_eq!(settle(Verdict::NotMeasured, &d), Verdict::NotMeasured);
    }

    #[test]
    fn where_a_number_would_take_the_figure_to_the_line() {
        // Central value 0.5 gives 10; the line is at 0.
        let s = |at_low, at_high| Swing {
            key: "k".into(),
            low: 0.0,
            high: 1.0,
            unit: "ratio".into(),
            at_low,
            at_high,
        };
        // The low end passes the line: it crosses within the range, a quarter of the way from
        // the central value (10 → −10 over 0.5 → 0: zero at 0.25).
        assert_eq!(crossing(0.5, 10.0, 0.0, &s(-10.0, 12.0)), Some(0.25));
        // Neither end passes it, but the high moves towards it: beyond the high, on the trend
        // (10 → 8 over 0.5 → 1: zero at 3).
        assert_eq!(crossing(0.5, 10.0, 0.0, &s(11.0, 8.0)), Some(3.0));
        // Both ends move towards it: the nearer crossing.
        assert_eq!(crossing(0.5, 10.0, 0.0, &s(0.0, 5.0)), Some(0.0));
        // Neither end moves towards it.
        assert_eq!(crossing(0.5, 10.0, 0.0, &s(12.0, 11.0)), None);
    }
}
