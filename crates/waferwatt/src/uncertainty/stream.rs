//! Summaries of a model's results without keeping them: what `--samples N` needs (each
//! result's p5, p50, p95 and mean), in memory that does not grow with N.
//!
//! A pilot (the first chunks of the run) gives each result's spread; around each percentile
//! of the pilot a window of values is set, wide enough that the run's order statistic falls
//! inside it all but never. The run is then evaluated chunk by chunk, and of each result only
//! its sum per chunk, the count below each window and the values inside the windows are
//! kept. The percentiles are picked exactly from the windows (the same order statistics,
//! interpolated the same way, as [`super::summarize_rows`] on every value), the mean is
//! summed chunk by chunk in the same order; a percentile that falls outside its window is
//! found again from that result's values alone. So the summaries equal those of the stored
//! run, bit for bit.

use crate::par::*;

use super::sobol::Column;
use super::{Model, Plan, Summary, chunk_rows, key, summarize_rows, unkey};

/// Chunks of the pilot.
const PILOT_CHUNKS: usize = 4;

/// The narrowest window about a pilot percentile, as a share of the ranks either side: a
/// choice of margin (the pilot's rank error is smaller; see [`half_width`]).
const MIN_HALF_WIDTH: f64 = 0.01;

/// Standard errors of the pilot's percentile (in rank share) that a window spans either side.
const WINDOW_SIGMAS: f64 = 6.0;

/// The percentiles summarised.
const QUANTILES: [f64; 3] = [0.05, 0.50, 0.95];

/// Half the width of the window about quantile `q` of `m` pilot values, as a share of ranks.
fn half_width(q: f64, m: usize) -> f64 {
    (WINDOW_SIGMAS * (q * (1.0 - q) / m.max(1) as f64).sqrt()).max(MIN_HALF_WIDTH)
}

/// What one chunk leaves of one result.
#[derive(Clone, Debug, Default)]
struct Tally {
    /// Sum of its values in row order, and how many there are.
    sum: f64,
    count: usize,
    lo: u64,
    hi: u64,
    /// Per window: values below it, and the keys of those inside it, each distinct key once
    /// with how many times it came (a result that repeats its values, a count or a constant,
    /// keeps a few keys however many samples).
    below: Vec<usize>,
    inside: Vec<Runs>,
}

/// Keys in ascending order, each with its count.
#[derive(Clone, Debug, Default)]
struct Runs {
    keys: Vec<u64>,
    counts: Vec<u32>,
}

impl Runs {
    fn of(mut keys: Vec<u64>) -> Runs {
        keys.sort_unstable();
        let mut r = Runs::default();
        for k in keys {
            match (r.keys.last(), r.counts.last_mut()) {
                (Some(last), Some(c)) if *last == k => *c += 1,
                _ => {
                    r.keys.push(k);
                    r.counts.push(1);
                }
            }
        }
        r.keys.shrink_to_fit();
        r.counts.shrink_to_fit();
        r
    }
}

/// The windows (key ranges, disjoint and ascending) of each result, from the pilot.
fn windows(pilot: &[Vec<f64>], width: usize) -> Vec<Vec<(u64, u64)>> {
    (0..width)
        .map(|j| {
            let mut keys: Vec<u64> = pilot
                .iter()
                .flat_map(|b| column(b, width, j))
                .filter(|v| !v.is_nan())
                .map(|v| key(*v))
                .collect();
            keys.sort_unstable();
            let m = keys.len();
            if m == 0 {
                return vec![(0, u64::MAX)];
            }
            let mut w: Vec<(u64, u64)> = QUANTILES
                .iter()
                .map(|&q| {
                    let h = half_width(q, m);
                    let at = |share: f64| ((share * (m - 1) as f64).clamp(0.0, (m - 1) as f64)) as usize;
                    let (a, b) = (at(q - h), (at(q + h) + 1).min(m - 1));
                    (if a == 0 { 0 } else { keys[a] }, if b == m - 1 { u64::MAX } else { keys[b] })
                })
                .collect();
            w.sort_unstable();
            let mut merged: Vec<(u64, u64)> = Vec::new();
            for (a, b) in w {
                match merged.last_mut() {
                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            merged
        })
        .collect()
}

/// Column `j` of a block of rows stored column by column.
fn column(block: &[f64], width: usize, j: usize) -> &[f64] {
    let len = block.len() / width.max(1);
    &block[j * len..(j + 1) * len]
}

/// Working memory of a thread: the model's, a row of draws, a row of results, and a block.
type Scratch<M> = (<M as Model>::Scratch, Vec<f64>, Vec<f64>, Vec<f64>);

/// Evaluates chunk `c` (of `chunk` rows) of the run into the thread's block: its results
/// column by column. Returns how many rows the model refused.
fn eval_chunk<M: Model>(
    model: &M,
    plan: &Plan,
    width: usize,
    chunk: usize,
    c: usize,
    scratch: &mut Scratch<M>,
) -> usize {
    let (s, x, out, block) = scratch;
    let rows = (plan.samples - c * chunk).min(chunk);
    block.resize(rows * width, 0.0);
    let mut refused = 0;
    for r in 0..rows {
        plan.draw(c * chunk + r, x);
        let ok = model.eval(s, x, out);
        refused += usize::from(!ok);
        for (j, v) in out.iter().enumerate() {
            block[j * rows + r] = if ok && v.is_finite() { *v } else { f64::NAN };
        }
    }
    refused
}

/// What a block leaves of each result, for the windows `w`.
fn tally(block: &[f64], width: usize, w: &[Vec<(u64, u64)>]) -> Vec<Tally> {
    const MAX: usize = QUANTILES.len();
    (0..width)
        .map(|j| {
            let col = column(block, width, j);
            let nw = w[j].len().min(MAX);
            // Window bounds past the last window are never crossed.
            let mut starts = [u64::MAX; MAX];
            let mut ends = [u64::MAX; MAX];
            for (i, (a, b)) in w[j].iter().take(nw).enumerate() {
                (starts[i], ends[i]) = (*a, *b);
            }
            // Each value's region: 2i + 1 inside window i, 2i below it and above the one
            // before, found without a branch (which way a value goes is a coin toss); only the
            // few inside a window are kept, on a branch seldom taken.
            let mut counts = [0usize; 2 * MAX + 1];
            let mut inside: [Vec<u64>; MAX] = Default::default();
            let (mut lo, mut hi) = (u64::MAX, 0);
            for v in col.iter().filter(|v| !v.is_nan()) {
                let k = key(*v);
                lo = lo.min(k);
                hi = hi.max(k);
                let r = starts.iter().map(|a| usize::from(k >= *a)).sum::<usize>()
                    + ends.iter().map(|b| usize::from(k > *b)).sum::<usize>();
                counts[r] += 1;
                if r % 2 == 1 {
                    inside[r / 2].push(k);
                }
            }
            let below = (0..nw).map(|i| counts[..2 * i + 1].iter().sum()).collect();
            Tally {
                sum: col.iter().filter(|v| !v.is_nan()).sum::<f64>(),
                count: counts.iter().sum(),
                lo,
                hi,
                below,
                inside: inside.into_iter().take(nw).map(Runs::of).collect(),
            }
        })
        .collect()
}

/// Each result's summary over the samples of `plan`, and the rows the model refused, keeping
/// only the windows about each percentile. `progress` is told how many rows are done.
pub fn summarize_model<M: Model>(
    model: &M,
    plan: &Plan,
    width: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> (Vec<Option<Summary>>, usize) {
    let n = plan.samples;
    let chunk = chunk_rows(n);
    let chunks = n.div_ceil(chunk.max(1));
    if chunks <= 2 * PILOT_CHUNKS {
        let rows = super::sample(model, plan, width, progress);
        return (summarize_rows(&rows), rows.refused());
    }
    let inputs = plan.dists.len();
    let init = || (model.scratch(), vec![0.0; inputs], vec![0.0; width], Vec::with_capacity(chunk * width));
    let done = std::sync::atomic::AtomicUsize::new(0);
    let step = |rows: usize| {
        let d = done.fetch_add(rows, std::sync::atomic::Ordering::Relaxed) + rows;
        progress(d);
    };
    let pilot: Vec<(Vec<f64>, usize)> = (0..PILOT_CHUNKS)
        .into_par_iter()
        .map_init(init, |s, c| {
            let refused = eval_chunk(model, plan, width, chunk, c, s);
            step(chunk);
            (s.3.clone(), refused)
        })
        .collect();
    let w = windows(&pilot.iter().map(|p| p.0.clone()).collect::<Vec<_>>(), width);
    let mut tallies: Vec<(Vec<Tally>, usize)> =
        pilot.iter().map(|(b, r)| (tally(b, width, &w), *r)).collect();
    drop(pilot);
    let rest: Vec<(Vec<Tally>, usize)> = (PILOT_CHUNKS..chunks)
        .into_par_iter()
        .map_init(init, |s, c| {
            let refused = eval_chunk(model, plan, width, chunk, c, s);
            step(s.3.len() / width.max(1));
            (tally(&s.3, width, &w), refused)
        })
        .collect();
    tallies.extend(rest);
    let refused = tallies.iter().map(|t| t.1).sum();
    let summaries = (0..width)
        .into_par_iter()
        .map(|j| {
            let ts: Vec<&Tally> = tallies.iter().map(|t| &t.0[j]).collect();
            summary(&ts, &w[j]).unwrap_or_else(|| fallback(model, plan, width, j))
        })
        .collect();
    (summaries, refused)
}

/// The summary from a result's tallies, chunk by chunk in run order; `None` (outer) if a
/// percentile falls outside its window.
fn summary(ts: &[&Tally], w: &[(u64, u64)]) -> Option<Option<Summary>> {
    let n: usize = ts.iter().map(|t| t.count).sum();
    if n == 0 {
        return Some(None);
    }
    let mut sum = 0.0;
    for t in ts {
        sum += t.sum;
    }
    let (lo, hi) = ts.iter().fold((u64::MAX, 0), |(lo, hi), t| (lo.min(t.lo), hi.max(t.hi)));
    if lo == hi {
        let v = unkey(lo);
        return Some(Some(Summary { p5: v, p50: v, p95: v, mean: v, n }));
    }
    // Per window: the values below it, and its runs merged over the chunks with the rank at
    // which each run ends.
    let windows: Vec<(usize, Vec<(u64, usize)>)> = (0..w.len())
        .map(|i| {
            let below = ts.iter().map(|t| t.below[i]).sum();
            let mut runs: Vec<(u64, u32)> = ts
                .iter()
                .flat_map(|t| t.inside[i].keys.iter().copied().zip(t.inside[i].counts.iter().copied()))
                .collect();
            runs.sort_unstable_by_key(|r| r.0);
            let mut ends: Vec<(u64, usize)> = Vec::with_capacity(runs.len());
            let mut end = below;
            for (k, c) in runs {
                end += c as usize;
                match ends.last_mut() {
                    Some(last) if last.0 == k => last.1 = end,
                    _ => ends.push((k, end)),
                }
            }
            (below, ends)
        })
        .collect();
    // The value of rank `r` (from 0), if a window holds it.
    let at_rank = |r: usize| -> Option<u64> {
        let (_, ends) =
            windows.iter().find(|(below, ends)| *below <= r && ends.last().is_some_and(|e| r < e.1))?;
        ends.get(ends.partition_point(|e| e.1 <= r)).map(|e| e.0)
    };
    let at = |q: f64| {
        let h = (n - 1) as f64 * q;
        (h.floor() as usize, h - h.floor())
    };
    let mut p = [0.0; 3];
    for (slot, q) in p.iter_mut().zip(QUANTILES) {
        let (k, f) = at(q);
        let (a, b) = (unkey(at_rank(k)?), unkey(at_rank((k + 1).min(n - 1))?));
        *slot = if f > 0.0 { a + f * (b - a) } else { a };
    }
    Some(Some(Summary { p5: p[0], p50: p[1], p95: p[2], mean: sum / n as f64, n }))
}

/// Result `j`'s summary from all its values, evaluated again (when a percentile fell outside
/// the window the pilot set): memory for one result, not all.
fn fallback<M: Model>(model: &M, plan: &Plan, width: usize, j: usize) -> Option<Summary> {
    let rows = super::sample(&Column { model, width, output: j }, plan, 1, &|_| {});
    summarize_rows(&rows).pop().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uncertainty::{Dist, Sampling, Shape};

    /// Results: the draws, a heavy-tailed product, a constant, one missing where a draw is
    /// small, a whole number, and rows refused where another is large.
    struct Mixed;
    impl Model for Mixed {
        type Scratch = ();
        fn scratch(&self) {}
        fn eval(&self, _: &mut (), x: &[f64], out: &mut [f64]) -> bool {
            out[0] = x[0];
            out[1] = x[0] * x[1].exp();
            out[2] = 7.0;
            out[3] = if x[1] < 0.5 { f64::NAN } else { x[1] };
            out[4] = x[0].floor();
            x[0] < 9.5
        }
    }

    fn plan(n: usize, sampling: Sampling) -> Plan {
        let dists = vec![
            Dist::new(Shape::Triangular, 0.0, 1.0, 10.0).unwrap(),
            Dist::new(Shape::LogNormal, 0.1, 1.0, 20.0).unwrap(),
        ];
        Plan::new(dists, n, 3, sampling)
    }

    #[test]
    fn the_summaries_are_those_of_every_value_bit_for_bit() {
        for (n, sampling) in
            [(100_000, Sampling::MonteCarlo), (70_001, Sampling::LatinHypercube), (300, Sampling::MonteCarlo)]
        {
            let p = plan(n, sampling);
            let rows = crate::uncertainty::sample(&Mixed, &p, 5, &|_| {});
            let (summaries, refused) = summarize_model(&Mixed, &p, 5, &|_| {});
            assert_eq!(refused, rows.refused());
            assert_eq!(summaries, summarize_rows(&rows), "{n}");
            // The way back, from one result's values alone, gives the same.
            for j in 0..5 {
                assert_eq!(fallback(&Mixed, &p, 5, j), summarize_rows(&rows)[j]);
            }
        }
    }

    /// Repeated values are kept once each with their count: a constant result keeps one key a
    /// chunk, a whole-numbered one a few.
    #[test]
    fn repeated_values_are_kept_once_with_their_count() {
        let block: Vec<f64> =
            (0..4096).map(|i| f64::from(i % 3)).chain(std::iter::repeat_n(7.0, 4096)).collect();
        let w = vec![vec![(0, u64::MAX)]; 2];
        let t = tally(&block, 2, &w);
        assert_eq!((t[0].inside[0].keys.len(), t[0].inside[0].counts.iter().sum::<u32>()), (3, 4096));
        assert_eq!((t[1].inside[0].keys.len(), t[1].count), (1, 4096));
    }

    /// A model whose first rows (the pilot's, on one thread) lie apart from the rest: every
    /// percentile falls outside its window and is found again from the result's values.
    struct Drifting;
    impl Model for Drifting {
        type Scratch = usize;
        fn scratch(&self) -> usize {
            0
        }
        fn eval(&self, seen: &mut usize, x: &[f64], out: &mut [f64]) -> bool {
            *seen += 1;
            out[0] = if *seen <= 4 * 1562 { x[0] } else { 100.0 + x[0] };
            true
        }
    }

    #[test]
    fn a_percentile_outside_its_window_is_found_again() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let p = plan(100_000, Sampling::MonteCarlo);
        let (summaries, rows) = pool.install(|| {
            (
                summarize_model(&Drifting, &p, 1, &|_| {}).0,
                crate::uncertainty::sample(&Drifting, &p, 1, &|_| {}),
            )
        });
        let all = summarize_rows(&rows);
        assert!(all[0].unwrap().p50 > 100.0, "the drift is there");
        assert_eq!(summaries, all);
    }
}
