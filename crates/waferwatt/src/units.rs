//! Unit conversions. These are definitions, not data: they have no source and no range.

/// Hours in a (365-day) year, the period over which capital costs are annualised.
pub const HOURS_PER_YEAR: f64 = 8760.0;
/// Average hours in a month (a year's hours over twelve), for monthly demand charges.
pub const HOURS_PER_MONTH: f64 = HOURS_PER_YEAR / MONTHS_PER_YEAR;
pub const MONTHS_PER_YEAR: f64 = 12.0;
pub const SECONDS_PER_HOUR: f64 = 3600.0;
pub const HOURS_PER_DAY: f64 = 24.0;
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
