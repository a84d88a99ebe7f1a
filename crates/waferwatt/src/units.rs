//! Unit conversions. These are definitions, not data: they have no source and no range.

/// Hours in a (365-day) year, the period over which capital costs are annualised.
pub const HOURS_PER_YEAR: f64 = 8760.0;
/// Average hours in a month (a year's hours over twelve), for monthly demand charges.
pub const HOURS_PER_MONTH: f64 = HOURS_PER_YEAR / MONTHS_PER_YEAR;
pub const MONTHS_PER_YEAR: f64 = 12.0;
pub const SECONDS_PER_HOUR: f64 = 3600.0;
pub const HOURS_PER_DAY: f64 = 24.0;
/// Days in a calendar year on average (the Julian year), for ages measured between dates.
pub const DAYS_PER_YEAR: f64 = 365.25;
/// FLOP/s in one TFLOP/s.
pub const FLOPS_PER_TFLOPS: f64 = 1e12;
pub const W_PER_KW: f64 = 1e3;
pub const KW_PER_MW: f64 = 1e3;
pub const KWH_PER_MWH: f64 = 1e3;
pub const KWH_PER_TWH: f64 = 1e9;
pub const MW_PER_GW: f64 = 1e3;
pub const KG_PER_TONNE: f64 = 1e3;
/// Square millimetres in a square centimetre.
pub const MM2_PER_CM2: f64 = 100.0;

/// The day number of a date written `YYYY-MM-DD` (days since 1970-01-01), or `None` if it is
/// not a real date of years 1000-9999.
pub fn day_number(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let field = |r: std::ops::Range<usize>| date.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (field(0..4)?, field(5..7)?, field(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1000..=9999).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in[(m - 1) as usize] {
        return None;
    }
    // Days from civil (H. Hinnant's algorithm), with the year starting in March.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The date `days` after 1970-01-01, written YYYY-MM-DD: the inverse of [`day_number`].
pub fn date_of(days: i64) -> String {
    // H. Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod date_tests {
    use super::day_number;

    #[test]
    fn day_numbers_count_days_between_dates() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        // Epoch's Llama 3.1 case: acquired 2022-12-19, training from 2024-02-24: 432 days.
        assert_eq!(day_number("2024-02-24").unwrap() - day_number("2022-12-19").unwrap(), 432);
        for bad in ["2023-02-29", "2024-13-01", "2024-1-01", "20240101", "abcd-ef-gh", "0999-01-01"] {
            assert_eq!(day_number(bad), None, "{bad}");
        }
        assert!(day_number("2024-02-29").is_some());
        // 2000-02-29, a leap day of a century divisible by 400; 2026-12-03; before 1970.
        assert_eq!(super::date_of(11_016), "2000-02-29");
        assert_eq!(super::date_of(20_790), "2026-12-03");
        assert_eq!(super::date_of(-1), "1969-12-31");
        for d in ["1970-01-01", "2000-02-29", "2024-02-24", "2100-03-01", "1999-12-31"] {
            assert_eq!(super::date_of(day_number(d).unwrap()), d);
        }
    }
}
