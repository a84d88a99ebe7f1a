//! Distributions of uncertain numbers, each drawn through its quantile function so that plain
//! Monte Carlo and Latin hypercube sampling share one transform (a uniform draw `u` in (0, 1)
//! goes to the number whose cumulative probability is `u`).

use std::sync::Arc;

/// The shape of a number's distribution between its low and high.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// Low, value (the mode) and high: the default.
    #[default]
    Triangular,
    /// Every value between low and high equally likely.
    Uniform,
    /// Mean at the value; low and high are the 5th and 95th percentiles (their half-distance
    /// sets the standard deviation).
    Normal,
    /// Low and high are the 5th and 95th percentiles; the median is their geometric mean.
    LogNormal,
    /// Beta-PERT on low, value (the mode) and high, with the usual weight of 4 on the mode.
    Pert,
    /// The value, always.
    Fixed,
}

impl Shape {
    pub const NAMES: &'static [&'static str] =
        &["triangular", "uniform", "normal", "lognormal", "pert", "fixed"];
    pub const ALL: [Shape; 6] =
        [Shape::Triangular, Shape::Uniform, Shape::Normal, Shape::LogNormal, Shape::Pert, Shape::Fixed];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
    pub fn from_name(name: &str) -> Option<Shape> {
        Self::NAMES.iter().position(|n| *n == name).map(|i| Self::ALL[i])
    }
}

/// The PERT distribution's weight on the mode: the standard choice of the PERT method
/// (Malcolm et al. 1959; Vose, "Risk Analysis", 2008), which gives a mean of
/// (low + 4 × mode + high) / 6.
pub const PERT_WEIGHT: f64 = 4.0;

/// How far from midway a normal's value may sit, as a share of its range: enough for numbers
/// written with a few significant digits.
const SYMMETRY: f64 = 1e-3;

/// Points on which the PERT quantile function is tabulated (linear between them).
const PERT_TABLE_POINTS: usize = 2049;

/// A distribution ready to draw from.
#[derive(Clone, Debug)]
pub struct Dist {
    pub shape: Shape,
    pub low: f64,
    pub value: f64,
    pub high: f64,
    /// Whether draws are whole numbers (counts).
    pub whole: bool,
    /// Draws beyond these are set at them: a number's hard limits (a share at most 1, a price
    /// not below 0), and a count's low and high.
    limits: (f64, f64),
    /// The range drawn over: low and high, or half a unit beyond them for a count, so that each
    /// whole number owns a cell of the same width once rounded.
    a: f64,
    b: f64,
    /// Shape parameters: (mean, standard deviation) of the normal, or of the logarithm; for
    /// the triangular, the mode's cumulative probability and the two products under the roots.
    mu: f64,
    sigma: f64,
    tri: [f64; 3],
    /// PERT's quantile function on an even grid of probabilities.
    table: Option<Arc<[f64]>>,
}

impl Dist {
    /// A distribution from a number's low, value and high. A zero-width range is fixed.
    pub fn new(shape: Shape, low: f64, value: f64, high: f64) -> Result<Dist, String> {
        Dist::check(shape, low, value, high)?;
        let shape = if low == high { Shape::Fixed } else { shape };
        Ok(Dist::drawn_over(shape, low, value, high, low, high))
    }

    /// Whether `shape` can take this low, value and high, without building the distribution
    /// (a PERT's quantile table takes milliseconds).
    pub fn check(shape: Shape, low: f64, value: f64, high: f64) -> Result<(), String> {
        if !(low.is_finite() && value.is_finite() && high.is_finite()) {
            return Err("low, value and high must be finite".into());
        }
        if !(low <= value && value <= high) {
            return Err(format!("low {low} ≤ value {value} ≤ high {high} does not hold"));
        }
        let shape = if low == high { Shape::Fixed } else { shape };
        match shape {
            Shape::Normal if ((value - low) - (high - value)).abs() > SYMMETRY * (high - low) => {
                return Err(format!(
                    "a normal is symmetric about its value, but {value} is not midway between {low} and {high} \
                     (use triangular, pert or lognormal for a skewed range)"
                ));
            }
            Shape::LogNormal if low <= 0.0 => {
                return Err(format!("a lognormal needs a low above 0, not {low}"));
            }
            _ => {}
        }
        Ok(())
    }

    /// The distribution of `shape` drawn over `a..b` (its mode at `value`), reporting `low`,
    /// `value` and `high`.
    fn drawn_over(shape: Shape, low: f64, value: f64, high: f64, a: f64, b: f64) -> Dist {
        let z95 = probit(0.95);
        let tri = [(value - a) / (b - a), (b - a) * (value - a), (b - a) * (b - value)];
        let (mu, sigma) = match shape {
            Shape::Normal => (value, (high - low) / (2.0 * z95)),
            Shape::LogNormal => ((low.ln() + high.ln()) / 2.0, (high.ln() - low.ln()) / (2.0 * z95)),
            _ => (0.0, 0.0),
        };
        let table = (shape == Shape::Pert).then(|| {
            let (p, q) = pert_shape(a, value, b);
            let last = (PERT_TABLE_POINTS - 1) as f64;
            (0..PERT_TABLE_POINTS)
                .map(|i| a + (b - a) * inverse_beta(i as f64 / last, p, q))
                .collect::<Arc<[f64]>>()
        });
        let limits = (f64::NEG_INFINITY, f64::INFINITY);
        Dist { shape, low, value, high, whole: false, limits, a, b, mu, sigma, tri, table }
    }

    /// A number fixed at `value`.
    pub fn fixed(value: f64) -> Dist {
        Dist::drawn_over(Shape::Fixed, value, value, value, value, value)
    }

    /// The same distribution drawn as whole numbers (when low, value and high are whole):
    /// drawn over half a unit beyond low and high, rounded, and kept within low and high.
    pub fn whole(self) -> Dist {
        // Beyond 2^52 every float is whole and half a unit is below its precision: widening
        // by a half and rounding would draw outside the range, so such counts are drawn as
        // they are.
        const EXACT: f64 = 4_503_599_627_370_496.0;
        if ![self.low, self.value, self.high].iter().all(|v| v.fract() == 0.0 && v.abs() < EXACT) {
            return self;
        }
        match self.shape {
            Shape::Triangular | Shape::Uniform | Shape::Pert => {
                let widened = Dist::drawn_over(
                    self.shape,
                    self.low,
                    self.value,
                    self.high,
                    self.low - 0.5,
                    self.high + 0.5,
                );
                Dist {
                    whole: true,
                    limits: (self.limits.0.max(self.low), self.limits.1.min(self.high)),
                    ..widened
                }
            }
            // A normal's or lognormal's low and high are percentiles, not bounds.
            _ => Dist { whole: true, ..self },
        }
    }

    /// The same distribution with draws beyond `lo` and `hi` set at them.
    pub fn limited(self, lo: f64, hi: f64) -> Dist {
        Dist { limits: (self.limits.0.max(lo), self.limits.1.min(hi)), ..self }
    }

    /// Whether draws can differ from the value.
    pub fn varies(&self) -> bool {
        self.shape != Shape::Fixed
    }

    /// The number at cumulative probability `u` (0 < u < 1).
    #[inline(always)]
    pub fn quantile(&self, u: f64) -> f64 {
        let x = self.continuous(u);
        // Rounded to the nearest whole number (half away from zero) for a count, by a plain
        // conversion rather than a call to `round`.
        let x = if self.whole { ((x.abs() + 0.5) as i64 as f64).copysign(x) } else { x };
        x.clamp(self.limits.0, self.limits.1)
    }

    #[inline(always)]
    fn continuous(&self, u: f64) -> f64 {
        let (a, b) = (self.a, self.b);
        match self.shape {
            Shape::Triangular => {
                // Written as selects rather than branches: which side of the mode a draw falls
                // on is a coin toss that a branch predictor cannot learn.
                let [c, below, above] = self.tri;
                let left = u < c;
                let r = (if left { u * below } else { (1.0 - u) * above }).sqrt();
                if left { a + r } else { b - r }
            }
            Shape::Uniform => a + u * (b - a),
            Shape::Fixed => self.value,
            _ => self.quantile_other(u),
        }
    }

    #[inline(never)]
    fn quantile_other(&self, u: f64) -> f64 {
        match self.shape {
            Shape::Normal => self.mu + self.sigma * probit(u),
            Shape::LogNormal => (self.mu + self.sigma * probit(u)).exp(),
            Shape::Pert => {
                let t = self.table.as_deref().unwrap_or(&[]);
                let last = t.len().saturating_sub(1);
                let x = u * last as f64;
                let i = (x as usize).min(last.saturating_sub(1));
                let f = x - i as f64;
                match (t.get(i), t.get(i + 1)) {
                    (Some(lo), Some(hi)) => lo + f * (hi - lo),
                    _ => self.value,
                }
            }
            Shape::Triangular | Shape::Uniform | Shape::Fixed => self.continuous(u),
        }
    }

    /// The mean of the continuous distribution (before any rounding or limits).
    pub fn mean(&self) -> f64 {
        let (a, m, b) = (self.a, self.value, self.b);
        match self.shape {
            Shape::Fixed => m,
            Shape::Uniform => (a + b) / 2.0,
            Shape::Triangular => (a + m + b) / 3.0,
            Shape::Normal => self.mu,
            Shape::LogNormal => (self.mu + self.sigma * self.sigma / 2.0).exp(),
            Shape::Pert => (a + PERT_WEIGHT * m + b) / (PERT_WEIGHT + 2.0),
        }
    }
}

/// PERT's beta shape parameters.
fn pert_shape(low: f64, mode: f64, high: f64) -> (f64, f64) {
    let r = high - low;
    (1.0 + PERT_WEIGHT * (mode - low) / r, 1.0 + PERT_WEIGHT * (high - mode) / r)
}

/// The standard normal quantile, by Wichura's algorithm AS 241 (PPND16, Applied Statistics
/// 37, 1988), accurate to about 1e-16. The coefficients are as the paper prints them.
#[allow(clippy::excessive_precision)]
pub fn probit(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853)
                * r
                + 45921.953931549871457)
                * r
                + 13731.693765509461125)
                * r
                + 1971.5909503065514427)
                * r
                + 133.14166789178437745)
                * r
                + 3.387132872796366608)
            / (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867)
                * r
                + 5394.1960214247511077)
                * r
                + 687.1870074920579083)
                * r
                + 42.313330701600911252)
                * r
                + 1.0);
    }
    let mut r = if q < 0.0 { p } else { 1.0 - p };
    if r <= 0.0 {
        return if q < 0.0 { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    r = (-r.ln()).sqrt();
    let v = if r <= 5.0 {
        let r = r - 1.6;
        (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734)
            / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
                + 0.0151986665636164571966)
                * r
                + 0.14810397642748007459)
                * r
                + 0.68976733498510000455)
                * r
                + 1.6763848301838038494)
                * r
                + 2.05319162663775882187)
                * r
                + 1.0)
    } else {
        let r = r - 5.0;
        (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386)
            * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772)
            / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
                + 1.8463183175100546818e-5)
                * r
                + 7.868691311456132591e-4)
                * r
                + 0.0148753612908506148525)
                * r
                + 0.13692988092273580531)
                * r
                + 0.59983220655588793769)
                * r
                + 1.0)
    };
    if q < 0.0 { -v } else { v }
}

/// ln Γ(x) for x > 0, by Lanczos' approximation (g = 7, n = 9; Numerical Recipes, 3rd ed.,
/// §6.1), accurate to about 1e-15.
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularized incomplete beta function I_x(a, b), by its continued fraction (modified
/// Lentz; Numerical Recipes, 3rd ed., §6.4).
pub fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    let tiny = f64::MIN_POSITIVE / f64::EPSILON;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    d = 1.0 / if d.abs() < tiny { tiny } else { d };
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        for (num, last) in [
            (m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m)), false),
            (-(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)), true),
        ] {
            d = 1.0 + num * d;
            d = 1.0 / if d.abs() < tiny { tiny } else { d };
            c = 1.0 + num / c;
            if c.abs() < tiny {
                c = tiny;
            }
            let step = d * c;
            h *= step;
            if last && (step - 1.0).abs() < f64::EPSILON {
                return h;
            }
        }
    }
    h
}

/// The x at which I_x(a, b) = p, by bisection (monotone, so it always converges).
fn inverse_beta(p: f64, a: f64, b: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if incomplete_beta(mid, a, b) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_give_each_whole_number_its_full_share_and_limits_hold() {
        // Uniform over 1..4 as a count: each of 1, 2, 3, 4 a quarter of the probability.
        let d = Dist::new(Shape::Uniform, 1.0, 2.0, 4.0).unwrap().whole();
        let n = 100_000;
        let mut counts = [0usize; 5];
        for k in 0..n {
            let x = d.quantile((k as f64 + 0.5) / n as f64);
            assert!(x.fract() == 0.0 && (1.0..=4.0).contains(&x), "{x}");
            counts[x as usize] += 1;
        }
        for c in &counts[1..] {
            assert!((*c as f64 / n as f64 - 0.25).abs() < 1e-3, "{counts:?}");
        }
        // A normal count keeps its tails: its low and high are percentiles, not bounds.
        let c = Dist::new(Shape::Normal, 10.0, 20.0, 30.0).unwrap().whole();
        assert!(c.quantile(0.01) < 10.0 && c.quantile(0.99) > 30.0 && c.quantile(0.01).fract() == 0.0);
        // A normal about 0.95 with p95 at 1, limited to shares: 5 % of draws at 1, none above.
        let g = Dist::new(Shape::Normal, 0.9, 0.95, 1.0).unwrap().limited(0.0, 1.0);
        assert_eq!(g.quantile(0.99), 1.0);
        assert!(g.quantile(0.94) < 1.0);
    }

    #[test]
    fn counts_beyond_exact_integers_stay_in_their_range() {
        // A count range past 2^63 (a fuzzed scenario's): whole numbers there are every float.
        let d = Dist::new(Shape::Triangular, 1e19, 2e19, 3e19).unwrap().whole();
        for k in 0..1000 {
            let x = d.quantile((k as f64 + 0.5) / 1000.0);
            assert!((1e19..=3e19).contains(&x), "{x}");
        }
    }

    #[test]
    fn probit_matches_known_quantiles() {
        // Standard normal quantiles (Abramowitz & Stegun, table 26.5).
        for (p, z) in
            [(0.5, 0.0), (0.95, 1.6448536269514722), (0.975, 1.959963984540054), (0.001, -3.090232306167813)]
        {
            assert!((probit(p) - z).abs() < 1e-12, "probit({p}) = {}", probit(p));
        }
    }

    #[test]
    fn incomplete_beta_matches_closed_forms() {
        // I_x(1, 1) = x; I_x(2, 1) = x²; I_x(1, 2) = 1 - (1 - x)².
        for x in [0.1, 0.37, 0.8] {
            assert!((incomplete_beta(x, 1.0, 1.0) - x).abs() < 1e-12);
            assert!((incomplete_beta(x, 2.0, 1.0) - x * x).abs() < 1e-12);
            assert!((incomplete_beta(x, 1.0, 2.0) - (1.0 - (1.0 - x) * (1.0 - x))).abs() < 1e-12);
        }
    }

    #[test]
    fn quantiles_land_where_each_shape_says() {
        let tri = Dist::new(Shape::Triangular, 0.0, 1.0, 4.0).unwrap();
        // Below the mode, F(x) = x² / ((b - a)(m - a)): F(1) = 1/4.
        assert!((tri.quantile(0.25) - 1.0).abs() < 1e-12);
        let n = Dist::new(Shape::Normal, 8.0, 10.0, 12.0).unwrap();
        assert!((n.quantile(0.05) - 8.0).abs() < 1e-9 && (n.quantile(0.95) - 12.0).abs() < 1e-9);
        let ln = Dist::new(Shape::LogNormal, 1.0, 3.0, 100.0).unwrap();
        assert!((ln.quantile(0.05) - 1.0).abs() < 1e-9 && (ln.quantile(0.95) - 100.0).abs() < 1e-6);
        assert!((ln.quantile(0.5) - 10.0).abs() < 1e-9);
        // A symmetric PERT has its median at the mode.
        let pert = Dist::new(Shape::Pert, 0.0, 5.0, 10.0).unwrap();
        assert!((pert.quantile(0.5) - 5.0).abs() < 1e-6);
        assert!(Dist::new(Shape::LogNormal, 0.0, 1.0, 2.0).is_err());
        // A normal must be symmetric about its value.
        assert!(Dist::new(Shape::Normal, 8.0, 9.0, 12.0).is_err());
        assert!(!Dist::new(Shape::Normal, 3.0, 3.0, 3.0).unwrap().varies());
    }
}
