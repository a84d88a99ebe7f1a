//! Dies per wafer, two ways (DESIGN.md §1): the exact count of whole die cells inside the
//! usable circle, maximised over grid offsets, and the classic analytic formula.
//!
//! The exact count works row by row: a row of cells spans `[y0, y0 + h]`, so its cells fit
//! where `|x| ≤ √(R² − max(y0², (y0 + h)²))`, and the whole cells in that span follow from two
//! floor/ceil operations. No allocation; a few thousand offsets take well under a millisecond.

use std::f64::consts::PI;

/// A die cell: the die and its share of the scribe lines around it, in mm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub width_mm: f64,
    pub height_mm: f64,
}

/// Grid offsets tried along each axis (`OFFSET_STEPS²` offsets in all); even, so that the
/// centred layouts (a die centred, or a corner at the centre) are among them.
pub const OFFSET_STEPS: u32 = 32;

/// Gross dies by `π (d/2)² / S − π d / √(2 S)`, with `d` the usable diameter and `S` the
/// cell area.
pub fn analytic(usable_diameter_mm: f64, cell: Cell) -> f64 {
    let s = cell.width_mm * cell.height_mm;
    let d = usable_diameter_mm;
    (PI * (d / 2.0).powi(2) / s - PI * d / (2.0 * s).sqrt()).max(0.0)
}

/// Whole cells inside a circle of `radius_mm` for a grid whose cells start at
/// `(offset_x + i·w, offset_y + j·h)`.
pub fn count_at(radius_mm: f64, cell: Cell, offset_x: f64, offset_y: f64) -> u64 {
    let (w, h, r) = (cell.width_mm, cell.height_mm, radius_mm);
    let first = ((-r - offset_y) / h).floor() as i64;
    let last = ((r - offset_y) / h).ceil() as i64;
    let mut n: i64 = 0;
    for j in first..=last {
        let y0 = offset_y + j as f64 * h;
        let y1 = y0 + h;
        if y0 < -r || y1 > r {
            continue;
        }
        let half = (r * r - y0.abs().max(y1.abs()).powi(2)).sqrt();
        // cells i with x0 = offset_x + i·w ≥ −half and x0 + w ≤ half
        let lo = ((-half - offset_x) / w).ceil() as i64;
        let hi = ((half - offset_x) / w).floor() as i64 - 1;
        n += (hi - lo + 1).max(0);
    }
    n as u64
}

/// Rows kept on the stack by [`exact`]; a die so small that a wafer holds more rows falls back
/// to counting offset by offset.
const MAX_ROWS: usize = 2048;

/// The most whole cells inside the usable circle over `OFFSET_STEPS²` grid offsets, and the
/// offset that gives them.
///
/// For one vertical offset each row's half-width `a` (in cell widths) is computed once; then,
/// for a horizontal offset `t` (in cell widths, `0 ≤ t < 1`), the row holds
/// `⌊a − t⌋ + ⌊a + t⌋ = 2n − [t > f] + [t + f ≥ 1]` whole cells, with `n = ⌊a⌋`, `f = a − n`.
/// So the inner loop over offsets takes two comparisons a row and no square root.
///
/// The last few counts are remembered per thread, by their exact geometry: a sampler whose die
/// and wafer are not uncertain counts once, however many samples it draws (the count is a
/// pure function of its arguments, so the memo changes no result).
pub fn exact(usable_diameter_mm: f64, cell: Cell) -> (u64, (f64, f64)) {
    let key = [usable_diameter_mm.to_bits(), cell.width_mm.to_bits(), cell.height_mm.to_bits()];
    if let Some(hit) = MEMO.with(|m| m.get().iter().flatten().find(|(k, _)| *k == key).map(|(_, v)| *v)) {
        return hit;
    }
    let found = exact_uncached(usable_diameter_mm, cell);
    MEMO.with(|m| {
        let mut entries = m.get();
        entries.rotate_right(1);
        entries[0] = Some((key, found));
        m.set(entries);
    });
    found
}

/// Geometries remembered by [`exact`] per thread: a ledger chain counts at most a few dies
/// (compute, I/O, interposer) per sample.
const MEMO_ENTRIES: usize = 16;

type MemoEntry = Option<([u64; 3], (u64, (f64, f64)))>;

thread_local! {
    static MEMO: std::cell::Cell<[MemoEntry; MEMO_ENTRIES]> = const { std::cell::Cell::new([None; MEMO_ENTRIES]) };
}

/// [`exact`] without its memo.
pub fn exact_uncached(usable_diameter_mm: f64, cell: Cell) -> (u64, (f64, f64)) {
    let (w, h, r) = (cell.width_mm, cell.height_mm, usable_diameter_mm / 2.0);
    if (2.0 * r / h) as usize + 3 > MAX_ROWS {
        return exact_by_offset(r, cell);
    }
    // Per vertical offset: the rows with whole cells on both sides of the centre line (their
    // fractions sorted), and the few without (at the top and bottom of the circle).
    let mut frac = [0f64; MAX_ROWS];
    let mut bare = [0f64; MAX_ROWS];
    let mut best = (0, (0.0, 0.0));
    for iy in 0..OFFSET_STEPS {
        let oy = h * iy as f64 / OFFSET_STEPS as f64;
        let (mut rows, mut bare_rows, mut cells) = (0, 0, 0i64);
        for j in ((-r - oy) / h).floor() as i64..=((r - oy) / h).ceil() as i64 {
            let y0 = oy + j as f64 * h;
            let y1 = y0 + h;
            if y0 < -r || y1 > r {
                continue;
            }
            let a = (r * r - y0.abs().max(y1.abs()).powi(2)).sqrt() / w;
            let whole = a.floor();
            if whole > 0.0 {
                cells += 2 * whole as i64;
                frac[rows] = a - whole;
                rows += 1;
            } else {
                bare[bare_rows] = a - whole;
                bare_rows += 1;
            }
        }
        let frac = &mut frac[..rows];
        frac.sort_unstable_by(f64::total_cmp);
        for ix in 0..OFFSET_STEPS {
            let t = ix as f64 / OFFSET_STEPS as f64;
            // A row of n whole cells and fraction f holds 2n − [t > f] + [t + f ≥ 1] at offset
            // t; both tests are monotone in f, so over the sorted fractions they are two
            // searches. A row with no whole cell holds one where t ≤ f and t + f ≥ 1.
            let below = frac.partition_point(|f| t > *f) as i64;
            let over = (rows - frac.partition_point(|f| t + f < 1.0)) as i64;
            let edge = bare[..bare_rows].iter().filter(|f| t <= **f && t + **f >= 1.0).count() as i64;
            let n = cells - below + over + edge;
            if n as u64 > best.0 {
                best = (n as u64, (t * w, oy));
            }
        }
    }
    best
}

/// [`exact`] the slow way, offset by offset, for dies too small for its row buffer.
fn exact_by_offset(radius_mm: f64, cell: Cell) -> (u64, (f64, f64)) {
    let mut best = (0, (0.0, 0.0));
    for ix in 0..OFFSET_STEPS {
        let ox = cell.width_mm * ix as f64 / OFFSET_STEPS as f64;
        for iy in 0..OFFSET_STEPS {
            let oy = cell.height_mm * iy as f64 / OFFSET_STEPS as f64;
            let n = count_at(radius_mm, cell, ox, oy);
            if n > best.0 {
                best = (n, (ox, oy));
            }
        }
    }
    best
}

/// Where a cell of the map lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Wholly inside the usable circle: a gross die.
    Whole,
    /// Crossing the usable edge but touching the wafer: a partial die.
    Partial,
}

/// Every cell of the grid at `offset` that touches the wafer, with its lower-left corner
/// (wafer centre at the origin) and whether it is whole. For drawing maps, not hot paths.
pub fn layout(
    wafer_diameter_mm: f64,
    usable_diameter_mm: f64,
    cell: Cell,
    offset: (f64, f64),
) -> Vec<(f64, f64, Place)> {
    let (w, h) = (cell.width_mm, cell.height_mm);
    let (rw, ru) = (wafer_diameter_mm / 2.0, usable_diameter_mm / 2.0);
    let inside = |x: f64, y: f64, r: f64| x * x + y * y <= r * r;
    let mut cells = Vec::new();
    let (i0, i1) = (((-rw - offset.0) / w).floor() as i64, ((rw - offset.0) / w).ceil() as i64);
    let (j0, j1) = (((-rw - offset.1) / h).floor() as i64, ((rw - offset.1) / h).ceil() as i64);
    for j in j0..=j1 {
        for i in i0..=i1 {
            let (x, y) = (offset.0 + i as f64 * w, offset.1 + j as f64 * h);
            let corners = [(x, y), (x + w, y), (x, y + h), (x + w, y + h)];
            if corners.iter().all(|&(cx, cy)| inside(cx, cy, ru)) {
                cells.push((x, y, Place::Whole));
            } else {
                // touches the wafer if the point of the cell nearest the centre is on it
                let nx = 0.0_f64.clamp(x, x + w);
                let ny = 0.0_f64.clamp(y, y + h);
                if inside(nx, ny, rw) {
                    cells.push((x, y, Place::Partial));
                }
            }
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An independent count: every cell of a wide grid, tested by its four corners.
    fn brute_force(radius: f64, cell: Cell, ox: f64, oy: f64) -> u64 {
        let inside = |x: f64, y: f64| x * x + y * y <= radius * radius;
        let n = (2.0 * radius / cell.width_mm.min(cell.height_mm)) as i64 + 2;
        let mut count = 0;
        for j in -n..=n {
            for i in -n..=n {
                let (x, y) = (ox + i as f64 * cell.width_mm, oy + j as f64 * cell.height_mm);
                let (x1, y1) = (x + cell.width_mm, y + cell.height_mm);
                if inside(x, y) && inside(x1, y) && inside(x, y1) && inside(x1, y1) {
                    count += 1;
                }
            }
        }
        count
    }

    #[test]
    fn row_by_row_count_matches_brute_force() {
        for (w, h) in [(5.0, 5.0), (26.1, 31.4), (10.1, 10.8), (3.3, 7.9), (33.1, 26.1)] {
            let cell = Cell { width_mm: w, height_mm: h };
            for (ox, oy) in [(0.0, 0.0), (w / 2.0, h / 2.0), (0.37 * w, 0.81 * h)] {
                assert_eq!(
                    count_at(147.0, cell, ox, oy),
                    brute_force(147.0, cell, ox, oy),
                    "{w}x{h} at {ox},{oy}"
                );
            }
        }
    }

    #[test]
    fn exact_is_the_best_brute_force_count_over_the_same_offsets() {
        let cell = Cell { width_mm: 26.1, height_mm: 31.4 };
        let (n, _) = exact(294.0, cell);
        let mut best = 0;
        for ix in 0..OFFSET_STEPS {
            for iy in 0..OFFSET_STEPS {
                let (ox, oy) = (cell.width_mm * ix as f64 / 32.0, cell.height_mm * iy as f64 / 32.0);
                best = best.max(brute_force(147.0, cell, ox, oy));
            }
        }
        assert_eq!(n, best);
    }

    #[test]
    fn the_fast_search_agrees_with_counting_offset_by_offset() {
        for (w, h) in
            [(5.1, 5.1), (10.1, 10.8), (26.1, 31.4), (3.3, 7.9), (1.0, 1.0), (33.1, 86.0), (150.0, 20.0)]
        {
            let cell = Cell { width_mm: w, height_mm: h };
            assert_eq!(exact_uncached(294.0, cell).0, exact_by_offset(147.0, cell).0, "{w}x{h}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_search_is_the_offset_by_offset_search(
            w in 0.5..120.0f64, h in 0.5..120.0f64, d in 50.0..300.0f64,
        ) {
            let cell = Cell { width_mm: w, height_mm: h };
            // The same best count, at an offset that gives it.
            let (n, (ox, oy)) = exact_uncached(d, cell);
            proptest::prop_assert_eq!(n, exact_by_offset(d / 2.0, cell).0);
            proptest::prop_assert_eq!(n, count_at(d / 2.0, cell, ox, oy));
        }
    }

    #[test]
    fn analytic_hand_worked() {
        // d = 294 mm, S = 10 × 10 = 100 mm²: π·147²/100 − π·294/√200
        // = 678.867 − 65.311 = 613.556
        let n = analytic(294.0, Cell { width_mm: 10.0, height_mm: 10.0 });
        assert!((n - 613.556).abs() < 0.01, "{n}");
    }

    #[test]
    fn exact_count_is_bounded_by_area_and_close_to_the_formula() {
        for (w, h) in [(5.1, 5.1), (10.1, 10.8), (26.1, 31.4)] {
            let cell = Cell { width_mm: w, height_mm: h };
            let (n, _) = exact(294.0, cell);
            let area_bound = std::f64::consts::PI * 147.0 * 147.0 / (w * h);
            assert!((n as f64) <= area_bound);
            // The formula's edge term is a rough average: conservative, and least exact for
            // large dies (a reticle-size die: 67 exact against 60 by formula).
            let a = analytic(294.0, cell);
            assert!(n as f64 >= a.floor() && (n as f64 - a) / a < 0.15, "{w}x{h}: exact {n}, analytic {a}");
        }
    }

    #[test]
    fn the_layout_holds_the_exact_count_of_whole_dies() {
        let cell = Cell { width_mm: 26.1, height_mm: 31.4 };
        let (n, offset) = exact(294.0, cell);
        let cells = layout(300.0, 294.0, cell, offset);
        assert_eq!(cells.iter().filter(|c| c.2 == Place::Whole).count() as u64, n);
        assert!(cells.iter().any(|c| c.2 == Place::Partial));
    }
}
