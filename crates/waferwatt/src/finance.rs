//! Capital recovery: how an up-front price becomes a cost per year and per hour.

use crate::units::HOURS_PER_YEAR;

/// Capital recovery factor `r / (1 − (1 + r)^−n)`: the share of a price paid each year to
/// repay it with interest `r` over `n` years. With `r = 0` it is straight-line, `1/n`.
pub fn crf(rate: f64, years: f64) -> f64 {
    if rate == 0.0 { 1.0 / years } else { rate / (1.0 - (1.0 + rate).powf(-years)) }
}

/// The cost of one hour of an asset bought for `price` and used for `years` at `rate`.
pub fn capital_cost_per_hour(price: f64, rate: f64, years: f64) -> f64 {
    price * crf(rate, years) / HOURS_PER_YEAR
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crf_matches_a_hand_worked_annuity() {
        // 8 % over 5 years: 0.08 / (1 − 1.08^−5) = 0.08 / (1 − 0.680583) = 0.250456
        assert!((crf(0.08, 5.0) - 0.250456).abs() < 1e-6);
    }

    #[test]
    fn crf_without_interest_is_straight_line() {
        assert_eq!(crf(0.0, 4.0), 0.25);
    }

    #[test]
    fn an_hour_of_a_30k_accelerator_over_five_years_at_8_percent() {
        // 30,000 × 0.250456 / 8760 = 0.857726 USD per hour
        assert!((capital_cost_per_hour(30_000.0, 0.08, 5.0) - 0.857726).abs() < 1e-5);
    }
}
