//! Die yield from die area and defect density (DESIGN.md §1).

/// The yield models on offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YieldModel {
    /// `e^(−A·D0)`: defects fall at random.
    Poisson,
    /// `((1 − e^(−A·D0)) / (A·D0))²`.
    Murphy,
    /// `1 / (1 + A·D0)`.
    Seeds,
    /// `(1 + A·D0/α)^(−α)`: clustered defects (Stapper); α → ∞ is Poisson, α = 1 is Seeds.
    NegativeBinomial,
}

impl YieldModel {
    pub const NAMES: &'static [&'static str] = &["poisson", "murphy", "seeds", "negbin"];

    pub fn name(self) -> &'static str {
        match self {
            YieldModel::Poisson => "poisson",
            YieldModel::Murphy => "murphy",
            YieldModel::Seeds => "seeds",
            YieldModel::NegativeBinomial => "negbin",
        }
    }

    pub fn from_name(name: &str) -> Option<YieldModel> {
        match name {
            "poisson" => Some(YieldModel::Poisson),
            "murphy" => Some(YieldModel::Murphy),
            "seeds" => Some(YieldModel::Seeds),
            "negbin" => Some(YieldModel::NegativeBinomial),
            _ => None,
        }
    }

    /// The share of dies of `area_cm2` with no killing defect at `d0_per_cm2`; `alpha` is the
    /// negative binomial's clustering parameter (ignored by the other models).
    pub fn die_yield(self, area_cm2: f64, d0_per_cm2: f64, alpha: f64) -> f64 {
        let ad = area_cm2 * d0_per_cm2;
        if ad == 0.0 {
            return 1.0;
        }
        match self {
            YieldModel::Poisson => (-ad).exp(),
            // −expm1(−x) = 1 − e^(−x) without cancellation at small x
            YieldModel::Murphy => (-(-ad).exp_m1() / ad).powi(2),
            YieldModel::Seeds => 1.0 / (1.0 + ad),
            YieldModel::NegativeBinomial => (1.0 + ad / alpha).powf(-alpha),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::YieldModel::*;

    #[test]
    fn hand_worked_yields() {
        // A = 1 cm², D0 = 0.1 /cm²: A·D0 = 0.1
        assert!((Poisson.die_yield(1.0, 0.1, 3.0) - 0.904837).abs() < 1e-6); // e^-0.1
        // ((1 − e^-0.1) / 0.1)² = (0.951626)² = 0.905592
        assert!((Murphy.die_yield(1.0, 0.1, 3.0) - 0.905592).abs() < 1e-6);
        assert!((Seeds.die_yield(1.0, 0.1, 3.0) - 1.0 / 1.1).abs() < 1e-12);
        // (1 + 0.1/3)^-3 = 1.033333^-3 = 0.906314
        assert!((NegativeBinomial.die_yield(1.0, 0.1, 3.0) - 0.906314).abs() < 1e-6);
    }

    #[test]
    fn negative_binomial_spans_seeds_and_poisson() {
        let (a, d) = (8.14, 0.1);
        assert!((NegativeBinomial.die_yield(a, d, 1.0) - Seeds.die_yield(a, d, 1.0)).abs() < 1e-12);
        assert!((NegativeBinomial.die_yield(a, d, 1e9) - Poisson.die_yield(a, d, 1.0)).abs() < 1e-6);
    }

    #[test]
    fn murphy_stays_exact_at_tiny_defect_densities() {
        for ad in [1e-12, 1e-300] {
            let y = Murphy.die_yield(1.0, ad, 3.0);
            assert!(y <= 1.0 && y >= 1.0 - 2.0 * ad, "{ad}: {y}");
        }
    }

    #[test]
    fn no_area_or_no_defects_yield_everything() {
        for m in [Poisson, Murphy, Seeds, NegativeBinomial] {
            assert_eq!(m.die_yield(0.0, 0.1, 3.0), 1.0);
            assert_eq!(m.die_yield(1.0, 0.0, 3.0), 1.0);
        }
    }
}
