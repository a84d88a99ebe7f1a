//! `--samples N --seed S` on every ledger command, and `waferwatt sensitivity`: the thin face
//! over the library's uncertainty engine. A command hands over its model (its ledgers' plans,
//! derived per sample), its central JSON answer and the names the library gives its results
//! (paths into that answer); this module samples, summarises and renders.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Args, ValueEnum};
use serde_json::{Value, json};
use waferwatt::diag::Diagnostic;
use waferwatt::sensitivity::tornado;
use waferwatt::uncertainty::{self, Model, Plan, Sampling, Summary, Uncertain, sobol};

use crate::Failure;
use crate::render::{Format, Table, csv_line, plain, sig3};

/// Options of Monte Carlo sampling, shared by every ledger command.
#[derive(Args, Debug, Clone, Default)]
pub struct SampleOptions {
    /// Draw every uncertain number N times from its distribution and show percentiles
    /// (with `sensitivity --analysis sobol`: the base samples)
    #[arg(long, value_name = "N", value_parser = parse_samples, allow_negative_numbers = true)]
    pub samples: Option<usize>,
    /// Seed of the draws (default 1): the same seed gives the same results whatever the thread
    /// count, and each number keeps its draws when others are added or fixed
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// How draws are spread: mc (independent) or lhs (Latin hypercube)
    #[arg(long, value_enum, value_name = "HOW", default_value_t = SamplerArg::Mc)]
    pub sampler: SamplerArg,
    /// off: evaluate the central values only, even with --samples
    #[arg(long, value_enum, value_name = "ON|OFF", default_value_t = Switch::On)]
    pub uncertainty: Switch,
    /// Write every sample (its uncertain numbers and its results) to a CSV file
    #[arg(long, value_name = "FILE")]
    pub raw: Option<String>,
    /// Where the other faces take every sample in memory, as columns (what `--raw` writes).
    #[arg(skip)]
    pub keep: Option<Keep>,
    /// No progress bar: the other faces run in processes whose standard error is not theirs.
    #[arg(skip)]
    pub quiet: bool,
}

/// Every sample's uncertain numbers and results, column by column: what `--raw` writes, kept in
/// memory for the other faces (a data frame is built from `values` whole).
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// The uncertain numbers' keys, then the results' names: the `--raw` CSV's columns after
    /// `sample` and `kept`.
    pub names: Vec<String>,
    /// The uncertain numbers drawn, in the order of their columns (the first of `names`):
    /// distribution, range, unit.
    pub uncertain: Vec<Uncertain>,
    pub samples: usize,
    /// Whether the ledger kept each sample (a refused sample has no results).
    pub kept: Vec<bool>,
    /// Column after column, `samples` values each; NaN where a sample lacks a result.
    pub values: Vec<f64>,
    /// Each result's summary, as `--format csv` prints them.
    pub summaries: Vec<(String, Summary)>,
}

/// A place the samples' columns are left in, shared with the face that asked for them.
#[derive(Debug, Clone, Default)]
pub struct Keep(std::sync::Arc<std::sync::Mutex<Option<Columns>>>);

impl Keep {
    pub fn put(&self, columns: Columns) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(columns);
        }
    }
    /// The columns left by the run, if it sampled.
    pub fn take(&self) -> Option<Columns> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SamplerArg {
    #[default]
    Mc,
    Lhs,
}

#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Switch {
    #[default]
    On,
    Off,
}

/// The most samples a run takes.
const MAX_SAMPLES: usize = 100_000_000;

/// The most memory the samples' results may take (bytes): a quarter of this machine's kind.
const MAX_RESULT_BYTES: usize = 6 << 30;

fn parse_samples(s: &str) -> Result<usize, String> {
    let n = crate::input::parse_quantity(s)?;
    if n < 1.0 || n.fract() != 0.0 || n > MAX_SAMPLES as f64 {
        return Err(format!("`{s}` is not a whole number of samples from 1 to {MAX_SAMPLES}"));
    }
    Ok(n as usize)
}

/// The seed when none is given.
const DEFAULT_SEED: u64 = 1;

impl SampleOptions {
    pub fn seed(&self) -> u64 {
        self.seed.unwrap_or(DEFAULT_SEED)
    }
    /// Whether to sample at all.
    pub fn active(&self) -> bool {
        self.samples.is_some() && self.uncertainty == Switch::On
    }
    /// Refuses options that do nothing without sampling.
    pub fn check(&self) -> Result<(), Failure> {
        if self.raw.is_some() && !self.active() {
            return Err(Diagnostic::new(if self.samples.is_none() {
                "--raw writes the samples, but no --samples were asked for"
            } else {
                "--raw writes the samples, but --uncertainty off draws none"
            })
            .key("--raw")
            .expected("--samples N with --raw FILE")
            .into());
        }
        Ok(())
    }
    /// How many values a sample holds at the peak of a run that keeps its `width` results
    /// and `keys` draws: once, to write them (`--raw`); kept for a face, twice (as rows with
    /// the columns made from them, then the columns with the face's copy of them, the rows
    /// gone by then).
    pub fn held(&self, width: usize, keys: usize) -> usize {
        if self.keep.is_some() { 2 * (width + keys) } else { width + keys }
    }
    fn sampling(&self) -> Sampling {
        match self.sampler {
            SamplerArg::Mc => Sampling::MonteCarlo,
            SamplerArg::Lhs => Sampling::LatinHypercube,
        }
    }
}

/// `--chart` draws the central values: refused with sampling, and a file name that is neither
/// SVG nor PNG is refused before any work.
pub fn check_chart(chart: Option<&str>, opts: &SampleOptions) -> Result<(), Failure> {
    let Some(path) = chart else { return Ok(()) };
    if opts.active() {
        return Err(Diagnostic::new("--chart draws the central values, not samples")
            .key("--chart")
            .expected("--chart without --samples (`waferwatt sensitivity ... --chart` draws a tornado)")
            .into());
    }
    crate::chart::check_name(path, "--chart")
}

/// `--explain` shows the central derivation: it has no CSV form and does not combine with
/// sampling.
pub fn check_explain(explain: bool, format: Format, opts: &SampleOptions) -> Result<(), Failure> {
    if explain && format == Format::Csv {
        return Err(Diagnostic::new("--explain has no CSV form")
            .expected("--explain with --format table or --format json")
            .into());
    }
    if explain && opts.active() {
        return Err(Diagnostic::new("--explain shows how the central values were derived, not samples")
            .key("--explain")
            .expected("--explain without --samples, or --samples without --explain")
            .into());
    }
    Ok(())
}

/// What a command hands over to be sampled: its central answer, its results' names (paths
/// into that answer) and the uncertain numbers its model takes, in order.
pub struct Problem {
    pub base: Value,
    pub names: Vec<String>,
    pub keys: Vec<Uncertain>,
    /// Whether one evaluation takes well under a microsecond (the training ledger), rather than
    /// the microseconds of the die counts of the wafer, chip and fleet ledgers.
    pub fast: bool,
}

/// What to do with a problem.
pub enum Task<'a> {
    Sample { opts: &'a SampleOptions, format: Format, title: String },
    Sensitivity { opts: &'a SampleOptions, sens: &'a SensOptions, format: Format },
}

/// Samples (or analyses) `model` on `problem`.
pub fn answer_model<M: Model>(model: &M, problem: Problem, task: Task) -> Result<String, Failure> {
    match task {
        Task::Sample { opts, format, title } => sample(model, problem, opts, format, &title),
        Task::Sensitivity { opts, sens, format } => sensitivity(model, problem, opts, sens, format),
    }
}

/// How long a run goes before its progress bar shows: runs that answer at once stay quiet.
const PROGRESS_AFTER: std::time::Duration = std::time::Duration::from_millis(250);

/// A progress bar on standard error, when it is a terminal, the run takes a while, and the
/// options are not `quiet`.
pub fn progress(opts: &SampleOptions, total: usize, what: &'static str) -> impl Fn(usize) + Sync {
    // No clock is read unless a bar may be drawn: a WebAssembly page has none to read.
    let start = (!opts.quiet && std::io::stderr().is_terminal()).then(std::time::Instant::now);
    let last = AtomicUsize::new(0);
    move |done: usize| {
        if start.is_none_or(|s| s.elapsed() < PROGRESS_AFTER) {
            return;
        }
        let pct = done * 100 / total.max(1);
        if last.fetch_max(pct + 1, Ordering::Relaxed) < pct + 1 {
            let bar = 30 * pct / 100;
            eprint!("\r{what} [{}{}] {pct:>3}%", "#".repeat(bar), " ".repeat(30 - bar));
            if done >= total {
                eprint!("\r{}\r", " ".repeat(50));
            }
        }
    }
}

/// What sampling found.
struct Sampled {
    names: Vec<String>,
    summaries: Vec<Option<Summary>>,
}

/// Refuses, before any work, `n` samples of `width` results when the `held` values each
/// sample keeps (its results, its draws, their copies; fewer when only summaries are kept)
/// would not fit in [`MAX_RESULT_BYTES`].
pub fn check_memory(n: usize, width: usize, held: usize) -> Result<(), Failure> {
    let bytes = n.saturating_mul(held).saturating_mul(8);
    if bytes > MAX_RESULT_BYTES {
        return Err(Diagnostic::new(format!(
            "{n} samples of {width} results would take {} GB of memory",
            (bytes >> 30).max(1)
        ))
        .key("--samples")
        .expected(format!("at most {} samples for this command", MAX_RESULT_BYTES / 8 / held.max(1)))
        .into());
    }
    Ok(())
}

/// The share of the values the streamed summaries keep, at most (one in this many): the
/// windows about the pilot's percentiles span a few hundredths of the ranks each.
const STREAMED_SHARE: usize = 6;

fn sample<M: Model>(
    model: &M,
    problem: Problem,
    opts: &SampleOptions,
    format: Format,
    title: &str,
) -> Result<String, Failure> {
    let n = opts.samples.unwrap_or(1);
    let width = problem.names.len();
    let plan = Plan::keyed(&problem.keys, n, opts.seed(), opts.sampling());
    // Every sample's results are kept only to write them out (--raw); the summaries alone keep
    // the values about each percentile (about a tenth of them), whatever the sample count.
    let (summaries, refused) = if opts.raw.is_some() || opts.keep.is_some() {
        check_memory(n, width, opts.held(width, problem.keys.len()))?;
        let rows = uncertainty::sample(model, &plan, width, &progress(opts, n, "sampling"));
        if let Some(path) = &opts.raw {
            write_raw(path, &plan, &problem, &rows)?;
        }
        let summaries = uncertainty::summarize_rows(&rows);
        if let Some(keep) = &opts.keep {
            keep.put(columns(&plan, &problem.keys, &problem.names, &rows, &summaries));
        }
        (summaries, rows.refused())
    } else {
        check_memory(n, width, width.div_ceil(STREAMED_SHARE))?;
        uncertainty::summarize_model(model, &plan, width, &progress(opts, n, "sampling"))
    };
    if refused == n {
        return Err(Diagnostic::new(format!("the model refused all {n} samples"))
            .expected("uncertain numbers whose ranges give results the ledger accepts")
            .hint("run without --samples to see the error at the central values")
            .into());
    }
    let s = Sampled { names: problem.names.clone(), summaries };
    let header =
        Header { samples: n, seed: opts.seed(), sampling: opts.sampling(), keys: &problem.keys, refused };
    Ok(match format {
        Format::Json => {
            format!(
                "{}\n",
                serde_json::to_string_pretty(&to_json(problem.base, &s, &header)).unwrap_or_default()
            )
        }
        Format::Csv => to_csv(&s),
        Format::Table => to_table(title, &s, &header),
    })
}

struct Header<'a> {
    samples: usize,
    seed: u64,
    sampling: Sampling,
    keys: &'a [Uncertain],
    refused: usize,
}

impl Header<'_> {
    fn line(&self) -> String {
        let how = match self.sampling {
            Sampling::MonteCarlo => "Monte Carlo",
            Sampling::LatinHypercube => "Latin hypercube",
        };
        let mut s = format!(
            "{} samples ({how}, seed {}) of {} uncertain numbers",
            self.samples,
            self.seed,
            self.keys.len()
        );
        if self.refused > 0 {
            s.push_str(&format!("; {} refused by the ledger and left out", self.refused));
        }
        s
    }
}

pub fn summary_json(s: &Summary) -> Value {
    json!({ "p5": s.p5, "p50": s.p50, "p95": s.p95, "mean": s.mean })
}

/// A summary as JSON, or null where there is none.
pub fn summary_or_null(s: Option<Summary>) -> Value {
    s.map_or(Value::Null, |s| summary_json(&s))
}

fn to_json(mut base: Value, s: &Sampled, h: &Header) -> Value {
    let kept = h.samples - h.refused;
    let pointers: Vec<Option<String>> = s.names.iter().map(|name| pointer(&base, name)).collect();
    for (at, summary) in pointers.iter().zip(&s.summaries) {
        if let (Some(leaf), Some(summary)) = (at.as_deref().and_then(|at| base.pointer_mut(at)), summary) {
            *leaf = summary_json(summary);
            // A figure that only some samples have says in how many.
            if summary.n < kept {
                leaf["samples"] = json!(summary.n);
            }
        }
    }
    let meta = json!({
        "samples": h.samples,
        "seed": h.seed,
        "sampler": match h.sampling { Sampling::MonteCarlo => "mc", Sampling::LatinHypercube => "lhs" },
        "refused": h.refused,
        "uncertain": h.keys.iter().map(|k| json!({
            "key": k.key,
            "dist": k.dist.shape.name(),
            "low": k.dist.low,
            "value": k.dist.value,
            "high": k.dist.high,
            "unit": k.unit,
        })).collect::<Vec<_>>(),
    });
    match &mut base {
        Value::Object(o) => {
            o.insert("uncertainty".into(), meta);
            base
        }
        _ => json!({ "results": base, "uncertainty": meta }),
    }
}

fn to_csv(s: &Sampled) -> String {
    let mut out = csv_line(&["figure", "p5", "p50", "p95", "mean"].map(String::from));
    for (name, summary) in s.names.iter().zip(&s.summaries) {
        if let Some(x) = summary {
            out.push_str(&csv_line(&[name.clone(), plain(x.p5), plain(x.p50), plain(x.p95), plain(x.mean)]));
        }
    }
    out
}

fn to_table(title: &str, s: &Sampled, h: &Header) -> String {
    let kept = h.samples - h.refused;
    let mut text = format!("{title}\n{}\n", h.line());
    let mut t = Table::new(["", "p5", "p50", "p95", "mean"].map(String::from).to_vec());
    let mut still = 0;
    for (name, summary) in s.names.iter().zip(&s.summaries) {
        let Some(x) = summary else { continue };
        if x.p5 == x.p95 && x.mean == x.p50 {
            still += 1;
            continue;
        }
        let label = if x.n < kept { format!("{name} (in {} of {kept} samples)", x.n) } else { name.clone() };
        t.row(vec![label, sig3(x.p5), sig3(x.p50), sig3(x.p95), sig3(x.mean)]);
    }
    text.push_str(&t.render());
    if still > 0 {
        text.push_str(&format!(
            "{still} other figures do not move with the uncertain numbers (see --format json)\n"
        ));
    }
    text
}

/// The samples as columns (the uncertain numbers `keys`, then the results named `names`), with
/// the results' summaries.
pub fn columns(
    plan: &Plan,
    keys: &[Uncertain],
    names: &[String],
    rows: &uncertainty::Rows,
    summaries: &[Option<Summary>],
) -> Columns {
    let mut all: Vec<String> = keys.iter().map(|k| k.key.clone()).collect();
    all.extend(names.iter().cloned());
    Columns {
        names: all,
        uncertain: keys.to_vec(),
        samples: rows.rows(),
        kept: (0..rows.rows()).map(|i| !rows.is_refused(i)).collect(),
        values: uncertainty::columns(plan, rows),
        summaries: names.iter().zip(summaries).filter_map(|(name, s)| s.map(|s| (name.clone(), s))).collect(),
    }
}

fn write_raw(path: &str, plan: &Plan, problem: &Problem, rows: &uncertainty::Rows) -> Result<(), Failure> {
    let fail = |e: std::io::Error| {
        Failure::from(
            Diagnostic::new(format!("cannot write the samples to {path}: {e}"))
                .key("--raw")
                .expected("a writable path"),
        )
    };
    let file = std::fs::File::create(path).map_err(fail)?;
    let mut w = std::io::BufWriter::new(file);
    let mut header = vec!["sample".to_string(), "kept".to_string()];
    header.extend(problem.keys.iter().map(|k| k.key.clone()));
    header.extend(problem.names.iter().cloned());
    w.write_all(csv_line(&header).as_bytes()).map_err(fail)?;
    let mut x = vec![0.0; problem.keys.len()];
    for i in 0..rows.rows() {
        plan.draw(i, &mut x);
        let row = rows.row(i);
        let kept = !rows.is_refused(i);
        let mut cells = vec![i.to_string(), u8::from(kept).to_string()];
        cells.extend(x.iter().map(|v| plain(*v)));
        cells.extend(row.iter().map(|v| if v.is_nan() { String::new() } else { plain(*v) }));
        w.write_all(csv_line(&cells).as_bytes()).map_err(fail)?;
    }
    w.flush().map_err(fail)
}

/// Options of `waferwatt sensitivity`, beside the command's own.
#[derive(Args, Debug, Clone)]
pub struct SensOptions {
    /// The result to analyse, named as in the command's JSON (e.g. total_usd, ledger.electricity.usd)
    #[arg(long, value_name = "KEY")]
    pub output: String,
    /// oat: swing each uncertain number from low to high (a tornado); sobol: variance-based
    /// first-order and total indices
    #[arg(long = "analysis", id = "analysis", value_enum, value_name = "HOW", default_value_t = Method::Oat)]
    pub method: Method,
    /// Where to draw the tornado: the command's own `--chart FILE.svg` (or .png), which under
    /// `sensitivity` draws the tornado
    #[arg(skip)]
    pub chart: Option<String>,
}

impl SensOptions {
    /// Refuses options that do not go together, before any work: the command's sampling
    /// options that an analysis does not use, or uses only with Sobol'.
    pub fn check(&self, opts: &SampleOptions, explain: bool) -> Result<(), Failure> {
        let refuse = |flag: &str, why: &str, expected: &str| -> Result<(), Failure> {
            Err(Diagnostic::new(format!("{flag} {why}"))
                .key(flag.to_string())
                .expected(expected.to_string())
                .into())
        };
        let sobol = self.method == Method::Sobol;
        if let Some(path) = &self.chart {
            crate::chart::check_name(path, "--chart")?;
        }
        if self.chart.is_some() && sobol {
            return refuse(
                "--chart",
                "draws the tornado of --analysis oat",
                "--analysis oat with --chart FILE.svg (or .png)",
            );
        }
        if explain {
            return refuse("--explain", "is not an analysis", "waferwatt COMMAND --explain, apart");
        }
        if opts.raw.is_some() {
            return refuse("--raw", "writes the samples of --samples, not of an analysis", "no --raw here");
        }
        if opts.uncertainty == Switch::Off {
            return refuse("--uncertainty", "off leaves nothing to analyse", "no --uncertainty off here");
        }
        if opts.sampler == SamplerArg::Lhs {
            let why = if sobol {
                "lhs is not used: Sobol' samples A and B independently"
            } else {
                "is not used: the tornado draws nothing"
            };
            return refuse("--sampler", why, "no --sampler here");
        }
        if !sobol && (opts.samples.is_some() || opts.seed.is_some()) {
            let flag = if opts.samples.is_some() { "--samples" } else { "--seed" };
            return refuse(
                flag,
                "is for --analysis sobol: the tornado draws nothing",
                "--analysis sobol with --samples N",
            );
        }
        if let Some(n) = opts.samples.filter(|n| *n < SOBOL_MIN_BASE) {
            return refuse(
                "--samples",
                &format!("{n} is too few base samples for Sobol' indices"),
                &format!("at least {SOBOL_MIN_BASE}"),
            );
        }
        Ok(())
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Oat,
    Sobol,
}

/// Sobol' base samples when none are given, for a quick model: 2^12, which puts
/// the indices' 95 % confidence half-widths near 0.02 for smooth models (the Ishigami test in
/// the library).
const SOBOL_DEFAULT_BASE: usize = 1 << 12;

/// The same for a heavy one (die counts per sample): 2^8, wider confidence, an answer in
/// seconds.
const SOBOL_DEFAULT_BASE_HEAVY: usize = 1 << 8;

/// Fewest base samples: below this the normal approximation behind the confidence, and the
/// variance itself, are not to be trusted.
const SOBOL_MIN_BASE: usize = 64;

fn sensitivity<M: Model>(
    model: &M,
    problem: Problem,
    opts: &SampleOptions,
    sens: &SensOptions,
    format: Format,
) -> Result<String, Failure> {
    let Some(output) = problem.names.iter().position(|n| *n == sens.output) else {
        return Err(Diagnostic::new(format!("the command has no result `{}`", sens.output))
            .key("--output")
            .expected(format!("one of: {}", problem.names.join(", ")))
            .suggest(&sens.output, problem.names.iter().map(String::as_str))
            .into());
    };
    let width = problem.names.len();
    // The swings cost two evaluations a number: next to a Sobol' analysis, nothing.
    let Some((centre, swings)) = tornado(model, &problem.keys, width, output) else {
        return Err(Diagnostic::new(format!("`{}` has no value at the central values", sens.output))
            .key("--output")
            .expected("a result the command gives a number for (see its --format json)")
            .into());
    };
    match sens.method {
        Method::Oat => {
            if let Some(path) = &sens.chart {
                let chart = crate::chart::Tornado {
                    title: sens.output.clone(),
                    centre,
                    swings: swings.iter().map(|w| (w.key.clone(), w.at_low, w.at_high)).collect(),
                    percent: false,
                };
                crate::chart::write(path, &chart, "--chart")?;
                crate::chart::said(path);
            }
            Ok(match format {
                Format::Json => format!(
                    "{}\n",
                    serde_json::to_string_pretty(&json!({
                        "output": sens.output,
                        "method": "oat",
                        "central": centre,
                        "swings": swings.iter().map(|s| json!({
                            "key": s.key, "unit": s.unit, "low": s.low, "high": s.high,
                            "at_low": s.at_low, "at_high": s.at_high, "swing": s.width(),
                        })).collect::<Vec<_>>(),
                    }))
                    .unwrap_or_default()
                ),
                Format::Csv => {
                    let mut s = csv_line(
                        &["key", "unit", "low", "high", "at_low", "at_high", "swing"].map(String::from),
                    );
                    for w in &swings {
                        s.push_str(&csv_line(&[
                            w.key.clone(),
                            w.unit.clone(),
                            plain(w.low),
                            plain(w.high),
                            plain(w.at_low),
                            plain(w.at_high),
                            plain(w.width()),
                        ]));
                    }
                    s
                }
                Format::Table => {
                    let mut text = format!(
                        "{}: {} at the central values; each uncertain number swung from its low to its high, \
                         the others held\n",
                        sens.output,
                        sig3(centre)
                    );
                    let mut t = Table::new(
                        ["number", "low", "high", "at low", "at high", "swing"].map(String::from).to_vec(),
                    );
                    for w in &swings {
                        t.row(vec![
                            w.key.clone(),
                            format!("{} {}", sig3(w.low), w.unit),
                            format!("{} {}", sig3(w.high), w.unit),
                            sig3(w.at_low),
                            sig3(w.at_high),
                            sig3(w.width()),
                        ]);
                    }
                    text.push_str(&t.left_aligned(1).render());
                    let skipped = problem.keys.len() - swings.len();
                    if skipped > 0 {
                        text.push_str(&format!(
                            "{skipped} numbers left out: the ledger refuses the data at one end of their range\n"
                        ));
                    }
                    text
                }
            })
        }
        Method::Sobol => {
            let default = if problem.fast { SOBOL_DEFAULT_BASE } else { SOBOL_DEFAULT_BASE_HEAVY };
            let base = opts.samples.unwrap_or(default);
            let dists: Vec<_> = problem.keys.iter().map(|k| k.dist.clone()).collect();
            let ids: Vec<u64> = problem.keys.iter().map(|k| uncertainty::key_id(&k.key)).collect();
            let total = base.saturating_mul(dists.len() + 2);
            if total.saturating_mul(8) > MAX_RESULT_BYTES {
                return Err(Diagnostic::new(format!(
                    "{base} base samples of {} numbers are too many",
                    dists.len()
                ))
                .key("--samples")
                .expected(format!("at most {} base samples", MAX_RESULT_BYTES / 8 / (dists.len() + 2)))
                .into());
            }
            let s = sobol::analyse(
                model,
                &dists,
                &ids,
                base,
                opts.seed(),
                width,
                output,
                &progress(opts, total, "sobol"),
            );
            let mut order: Vec<usize> = (0..dists.len()).collect();
            order.sort_by(|&a, &b| s.indices[b].total.total_cmp(&s.indices[a].total));
            Ok(match format {
                Format::Json => format!(
                    "{}\n",
                    serde_json::to_string_pretty(&json!({
                        "output": sens.output,
                        "method": "sobol",
                        "base_samples": base,
                        "evaluations": s.evaluations,
                        "kept": s.base,
                        "variance": s.variance,
                        "constant": s.constant,
                        "indices": order.iter().map(|&j| json!({
                            "key": problem.keys[j].key,
                            "first": s.indices[j].first,
                            "first_conf": s.indices[j].first_conf,
                            "total": s.indices[j].total,
                            "total_conf": s.indices[j].total_conf,
                        })).collect::<Vec<_>>(),
                    }))
                    .unwrap_or_default()
                ),
                Format::Csv => {
                    let mut text =
                        csv_line(&["key", "first", "first_conf", "total", "total_conf"].map(String::from));
                    for &j in &order {
                        let i = s.indices[j];
                        text.push_str(&csv_line(&[
                            problem.keys[j].key.clone(),
                            plain(i.first),
                            plain(i.first_conf),
                            plain(i.total),
                            plain(i.total_conf),
                        ]));
                    }
                    text
                }
                Format::Table => {
                    let mut text = format!(
                        "{}: Sobol' indices from {} base samples ({} evaluations, seed {}); ± is a 95 % \
                         confidence half-width\n",
                        sens.output,
                        base,
                        s.evaluations,
                        opts.seed()
                    );
                    if s.base < base {
                        text.push_str(&format!(
                            "{} base samples refused by the ledger and left out\n",
                            base - s.base
                        ));
                    }
                    let mut t = Table::new(["number", "first-order", "total"].map(String::from).to_vec());
                    let pm = |v: f64, c: f64| format!("{v:.3} ± {c:.3}");
                    for &j in &order {
                        let i = s.indices[j];
                        t.row(vec![
                            problem.keys[j].key.clone(),
                            pm(i.first, i.first_conf),
                            pm(i.total, i.total_conf),
                        ]);
                    }
                    if s.constant {
                        text.push_str(&format!(
                            "{} does not move over the uncertain numbers' ranges: there is no variance to \
                             share out, and every index is 0\n",
                            sens.output
                        ));
                        return Ok(text);
                    }
                    text.push_str(&t.left_aligned(1).render());
                    let first: f64 = s.indices.iter().map(|i| i.first).sum();
                    let total: f64 = s.indices.iter().map(|i| i.total).sum();
                    text.push_str(&format!(
                        "first-order indices sum to {first:.2}, total indices to {total:.2}: a number whose \
                         total is well above its first-order index acts on the result with others\n"
                    ));
                    text
                }
            })
        }
    }
}

/// The numeric (and null) leaves of a JSON answer, by path: object keys, and array elements by their
/// `region`, `item`, `class`, `id` or `name` (else their index). Notes, explanations and
/// published figures are not results and are left out.
#[cfg(test)]
pub fn leaves(v: &Value) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    walk(v, String::new(), &mut |path, leaf| match leaf {
        // A figure the answer lacks here (a break-even that does not exist) may exist in a
        // sample: it keeps its place, as not a number.
        Value::Null => out.push((path, f64::NAN)),
        Value::Number(n) => out.extend(n.as_f64().map(|x| (path, x))),
        _ => {}
    });
    out
}

/// Every scalar leaf of a JSON answer (numbers, texts, switches and nulls), named by its path
/// as [`leaves`] names the numbers.
pub fn scalars(v: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    walk(v, String::new(), &mut |path, leaf| out.push((path, leaf.clone())));
    out
}

const NOT_RESULTS: &[&str] = &["explain", "published", "notes", "uncertainty"];
const LABELS: &[&str] = &["region", "node", "item", "id", "class", "name", "accelerator", "chiplets"];

/// How the elements of an array are named in paths: by the first of [`LABELS`] that every
/// element has (as text, or a whole number) and no two share, else by their index.
fn labels(a: &[Value]) -> Vec<String> {
    LABELS
        .iter()
        .find_map(|l| {
            let names: Vec<String> = a
                .iter()
                .map(|v| match v.get(l)? {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => n.as_u64().map(|n| n.to_string()),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            let mut sorted = names.clone();
            sorted.sort();
            sorted.dedup();
            (sorted.len() == names.len()).then_some(names)
        })
        .unwrap_or_else(|| (0..a.len()).map(|i| i.to_string()).collect())
}

fn join(path: &str, seg: &str) -> String {
    if path.is_empty() { seg.to_string() } else { format!("{path}.{seg}") }
}

/// Calls `leaf` with each scalar of `v` and its path; notes, explanations and published figures
/// are not results and are passed over.
fn walk(v: &Value, path: String, leaf: &mut dyn FnMut(String, &Value)) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                if !NOT_RESULTS.contains(&k.as_str()) {
                    walk(v, join(&path, k), leaf);
                }
            }
        }
        Value::Array(a) => {
            for (v, l) in a.iter().zip(labels(a)) {
                walk(v, join(&path, &l), leaf);
            }
        }
        scalar => leaf(path, scalar),
    }
}

/// Where the leaf at `path` (as [`leaves`] names it) sits, as a JSON pointer. Pointers are
/// found on the answer as it stands before any leaf is replaced: a label may itself be a
/// result (a split's `chiplets`), and once replaced by its summary it names nothing.
fn pointer(v: &Value, path: &str) -> Option<String> {
    if path.is_empty() {
        return Some(String::new());
    }
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
    match v {
        Value::Object(o) => {
            // Keys may hold dots; take the longest key that prefixes the path.
            let key = o
                .keys()
                .filter(|k| path == k.as_str() || path.starts_with(&format!("{k}.")))
                .max_by_key(|k| k.len())?;
            let rest = path.get(key.len() + 1..).unwrap_or("");
            Some(format!("/{}{}", escape(key), pointer(o.get(key)?, rest)?))
        }
        Value::Array(a) => {
            let names = labels(a);
            let i = (0..a.len())
                .filter(|&i| path == names[i] || path.starts_with(&format!("{}.", names[i])))
                .max_by_key(|&i| names[i].len())?;
            let rest = path.get(names[i].len() + 1..).unwrap_or("");
            Some(format!("/{i}{}", pointer(&a[i], rest)?))
        }
        _ => None,
    }
}

/// The leaf at `path` (as [`leaves`] names it).
#[cfg(test)]
fn leaf_mut<'a>(v: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let at = pointer(v, path)?;
    v.pointer_mut(&at)
}

#[cfg(test)]
mod tests {
    /// The library names each ledger's sampled results as this command line's JSON shows
    /// them: every number of the central answer is a result of that name and value, and every
    /// result is a place in the answer (a number, or null where a figure is lacking). So every
    /// number shown is sampled, and nothing sampled goes unshown.
    #[test]
    fn the_library_names_every_number_of_the_json() {
        use waferwatt::plan::Names;
        use waferwatt::provenance::Given;
        let ds = waferwatt::data::Dataset::builtin().unwrap();
        let same = |json: &Value, names: Vec<String>, values: Vec<f64>, what: &str| {
            let all = leaves(json);
            for (path, v) in all.iter().filter(|(_, v)| !v.is_nan()) {
                let i = names
                    .iter()
                    .position(|n| n == path)
                    .unwrap_or_else(|| panic!("{what}: {path} is not named"));
                assert!(values[i] == *v, "{what}: {path} is {v} in the JSON, {} in the library", values[i]);
            }
            for n in &names {
                assert!(all.iter().any(|(p, _)| p == n), "{what}: {n} is not in the JSON");
            }
        };
        let flag = |v: &str, f: &str| Some(Given::flag(v.to_string(), f));
        // Wafers: one node, two nodes side by side, a die given by its area.
        for req in [
            waferwatt::fab::WaferRequest::default(),
            waferwatt::fab::WaferRequest {
                nodes: Some(Given::flag(vec!["n7-duv".into(), "n5".into()], "--node")),
                die_area_mm2: Some(Given::flag(100.0, "--die-area")),
                ..Default::default()
            },
        ] {
            let mut slots = waferwatt::plan::Slots::default();
            let results =
                crate::wafer_cmd::evaluate_all(waferwatt::fab::plan(&ds, &req, &mut slots).unwrap())
                    .ok()
                    .unwrap();
            let (mut names, mut values, v) = (Names::default(), Vec::new(), &slots.central);
            for r in &results {
                let prefix = if results.len() > 1 { r.bound.node.clone() } else { String::new() };
                waferwatt::fab::figures(&r.bound, v, &r.bound.inputs, &r.out, &prefix, &mut names);
                waferwatt::fab::figures(
                    &r.bound,
                    v,
                    &r.bound.inputs,
                    &r.out,
                    &prefix,
                    &mut Collect(&mut values),
                );
            }
            same(&crate::wafer_cmd::json_all(&results, false), names.0, values, "wafer");
        }
        // Chips: as made, and ported with splits.
        for req in [
            waferwatt::chip::ChipRequest::default(),
            waferwatt::chip::ChipRequest {
                accelerator: flag("h100-sxm", "--accelerator"),
                node: flag("n7-smic", "--node"),
                chiplets: Some(Given::flag(vec![1, 2, 4], "--chiplets")),
                count: None,
                method: None,
            },
        ] {
            let mut slots = waferwatt::plan::Slots::default();
            let r = crate::chip_cmd::evaluate(waferwatt::chip::plan(&ds, &req, &mut slots).unwrap())
                .ok()
                .unwrap();
            let v = slots.central;
            let (mut names, mut values) = (Names::default(), Vec::new());
            waferwatt::chip::figures(&r.bound, &v, &r.bound.inputs, &r.out, &mut names);
            waferwatt::chip::figures(&r.bound, &v, &r.bound.inputs, &r.out, &mut Collect(&mut values));
            same(&crate::chip_cmd::to_json(&r, false), names.0, values, "chip");
        }
        // Fleets: the report's, and one with two scanner models of a class.
        for req in [
            waferwatt::fleet::FleetRequest::from_data(&ds),
            waferwatt::fleet::FleetRequest {
                scanners: Some(Given::flag(
                    vec![("nxt2000i".into(), 40.0), ("nxt1980di".into(), 20.0)],
                    "--scanners",
                )),
                accelerator: flag("h100-sxm", "--accelerator"),
                node: flag("n7-duv", "--node"),
                ..Default::default()
            },
        ] {
            let r = crate::fleet_cmd::evaluate(waferwatt::fleet::bind(&ds, &req).unwrap()).ok().unwrap();
            let (mut names, mut values) = (Names::default(), Vec::new());
            waferwatt::fleet::figures(&r.bound.mix, &r.bound.inputs, &r.out, &mut names);
            waferwatt::fleet::figures(&r.bound.mix, &r.bound.inputs, &r.out, &mut Collect(&mut values));
            same(&crate::fleet_cmd::to_json(&r, false), names.0, values, "fleet");
        }
    }

    /// Collects a ledger's values.
    struct Collect<'a>(&'a mut Vec<f64>);
    impl waferwatt::plan::Sink for Collect<'_> {
        fn put(&mut self, _: &dyn Fn() -> String, value: f64) {
            self.0.push(value);
        }
    }

    use super::*;

    #[test]
    fn leaves_are_named_by_labels_and_found_again() {
        let mut v = json!([
            { "region": "us-va", "total_usd": 2.0, "ledger": [{ "item": "electricity", "usd": 1.0 }],
              "notes": [], "published": { "cost_usd": 3.0 } },
            { "region": "cn-nm", "total_usd": 4.0, "ledger": [{ "item": "electricity", "usd": 0.5 }] },
        ]);
        let names: Vec<String> = leaves(&v).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            names,
            [
                "us-va.total_usd",
                "us-va.ledger.electricity.usd",
                "cn-nm.total_usd",
                "cn-nm.ledger.electricity.usd"
            ]
        );
        *leaf_mut(&mut v, "cn-nm.ledger.electricity.usd").unwrap() = json!(9.0);
        assert_eq!(v[1]["ledger"][0]["usd"], json!(9.0));
        assert!(leaf_mut(&mut v, "cn-nm.nothing").is_none());
        // Labels must tell elements apart: a shared class gives way to the id, no label to the index.
        let mut v = json!({ "layers": [{ "id": "n7.a", "class": "arfi", "n": 1 }, { "id": "n7.b", "class": "arfi", "n": 2 }],
                            "xs": [{ "n": 3 }, { "n": 4 }] });
        let names: Vec<String> = leaves(&v).into_iter().map(|(p, _)| p).collect();
        assert_eq!(names, ["layers.n7.a.n", "layers.n7.b.n", "xs.0.n", "xs.1.n"]);
        *leaf_mut(&mut v, "layers.n7.b.n").unwrap() = json!(9);
        assert_eq!(v["layers"][1]["n"], json!(9));
    }
}
