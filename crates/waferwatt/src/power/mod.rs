//! The power ledger (DESIGN.md §3): what a data centre pays per kWh in a region.
//!
//! US regions quote one all-in industrial price (EIA average revenue per kWh). Chinese
//! large users pay a two-part tariff built from parts: energy × (1 + line loss) + the
//! transmission-and-distribution energy rate + a monthly maximum-demand charge spread over
//! the hours the load actually runs + system operation + government funds, with 13 % VAT
//! included in every quoted part. Here those parts stay visible, so that load factor and
//! VAT treatment are inputs and a special data-centre deal is a named option.

use crate::units::HOURS_PER_MONTH;

/// How a region's price is quoted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TariffSpec {
    /// One all-in price per kWh in USD.
    FlatUsd { usd_per_kwh: f64 },
    /// One all-in price per kWh in CNY.
    FlatCny { cny_per_kwh: f64 },
    /// A Chinese two-part tariff, parts in CNY as published (VAT included).
    TwoPart(TwoPart),
}

/// The parts of a two-part tariff, in CNY as published (VAT included).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TwoPart {
    pub energy_cny_per_kwh: f64,
    pub line_loss_fraction: f64,
    pub td_cny_per_kwh: f64,
    pub demand_cny_per_kw_month: f64,
    pub system_op_cny_per_kwh: f64,
    pub funds_cny_per_kwh: f64,
}

/// Whether the buyer pays the VAT in quoted prices or recovers it as input VAT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vat {
    Included,
    Recovered,
}

impl Vat {
    pub fn name(self) -> &'static str {
        match self {
            Vat::Included => "included",
            Vat::Recovered => "recovered",
        }
    }
}

/// The buyer's side of the price: how steady the load is, VAT, and any special deal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PurchaseTerms {
    /// Average load over the contracted maximum demand (0..1].
    pub load_factor: f64,
    /// Users whose monthly energy per kW of demand reaches this pay only
    /// `high_use_demand_factor` of the demand charge.
    pub high_use_threshold_kwh_per_kw_month: f64,
    pub high_use_demand_factor: f64,
    pub vat: Vat,
    /// A published special data-centre price that replaces the tariff, if taken.
    pub deal_cny_per_kwh: Option<f64>,
}

/// What one kWh costs and of what it is made, in the region's currency.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Price {
    pub currency: Currency,
    pub energy: f64,
    pub line_loss: f64,
    pub td: f64,
    pub demand: f64,
    pub system_op: f64,
    pub funds: f64,
    /// VAT taken out when it is recovered (zero or negative).
    pub vat_recovered: f64,
    pub local_per_kwh: f64,
    pub usd_per_kwh: f64,
    /// True when a special data-centre deal set the price.
    pub deal: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Currency {
    Usd,
    Cny,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Cny => "CNY",
        }
    }
}

/// The price of a kWh under a tariff, for a buyer's terms, at `cny_per_usd`.
pub fn price(spec: TariffSpec, vat_rate: f64, terms: PurchaseTerms, cny_per_usd: f64) -> Price {
    let blank = Price {
        currency: Currency::Cny,
        energy: 0.0,
        line_loss: 0.0,
        td: 0.0,
        demand: 0.0,
        system_op: 0.0,
        funds: 0.0,
        vat_recovered: 0.0,
        local_per_kwh: 0.0,
        usd_per_kwh: 0.0,
        deal: false,
    };
    let mut p = match (spec, terms.deal_cny_per_kwh) {
        (TariffSpec::FlatUsd { usd_per_kwh }, _) => {
            Price { currency: Currency::Usd, energy: usd_per_kwh, ..blank }
        }
        (_, Some(deal)) => Price { energy: deal, deal: true, ..blank },
        (TariffSpec::FlatCny { cny_per_kwh }, None) => Price { energy: cny_per_kwh, ..blank },
        (TariffSpec::TwoPart(t), None) => Price {
            energy: t.energy_cny_per_kwh,
            line_loss: t.energy_cny_per_kwh * t.line_loss_fraction,
            td: t.td_cny_per_kwh,
            demand: {
                let kwh_per_kw_month = HOURS_PER_MONTH * terms.load_factor;
                let factor = if kwh_per_kw_month >= terms.high_use_threshold_kwh_per_kw_month {
                    terms.high_use_demand_factor
                } else {
                    1.0
                };
                t.demand_cny_per_kw_month * factor / kwh_per_kw_month
            },
            system_op: t.system_op_cny_per_kwh,
            funds: t.funds_cny_per_kwh,
            ..blank
        },
    };
    let gross = p.energy + p.line_loss + p.td + p.demand + p.system_op + p.funds;
    if terms.vat == Vat::Recovered {
        p.vat_recovered = gross / (1.0 + vat_rate) - gross;
    }
    p.local_per_kwh = gross + p.vat_recovered;
    p.usd_per_kwh = match p.currency {
        Currency::Usd => p.local_per_kwh,
        Currency::Cny => p.local_per_kwh / cny_per_usd,
    };
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Terms with no high-use discount on the demand charge.
    const NO_DISCOUNT: PurchaseTerms = PurchaseTerms {
        load_factor: 1.0,
        high_use_threshold_kwh_per_kw_month: f64::INFINITY,
        high_use_demand_factor: 1.0,
        vat: Vat::Recovered,
        deal_cny_per_kwh: None,
    };

    #[test]
    fn high_use_users_pay_a_reduced_demand_charge() {
        // 31.2 CNY/kW-month at load factor 0.8: 584 kWh per kW a month, above 260, so
        // 90 %: 31.2 × 0.9 / 584 = 0.0480822 CNY/kWh instead of 0.0534247.
        let terms = PurchaseTerms {
            load_factor: 0.8,
            high_use_threshold_kwh_per_kw_month: 260.0,
            high_use_demand_factor: 0.9,
            vat: Vat::Included,
            deal_cny_per_kwh: None,
        };
        let p = price(TariffSpec::TwoPart(mengxi()), 0.13, terms, 7.12);
        assert!((p.demand - 0.0480822).abs() < 1e-7, "{}", p.demand);
        let low_use = PurchaseTerms { load_factor: 0.3, ..terms };
        let p = price(TariffSpec::TwoPart(mengxi()), 0.13, low_use, 7.12);
        assert!((p.demand - 31.2 / (730.0 * 0.3)).abs() < 1e-9, "no discount below the threshold");
    }

    fn mengxi() -> TwoPart {
        TwoPart {
            energy_cny_per_kwh: 0.2829,
            line_loss_fraction: 0.0281,
            td_cny_per_kwh: 0.0520,
            demand_cny_per_kw_month: 31.2,
            system_op_cny_per_kwh: 0.02,
            funds_cny_per_kwh: 0.0224,
        }
    }

    #[test]
    fn two_part_price_hand_worked() {
        // energy 0.2829 + loss 0.2829 × 0.0281 = 0.00794949 + T&D 0.0520
        // + demand 31.2 / (730 × 0.85) = 0.05028203 + sysop 0.02 + funds 0.0224
        // = 0.43553152 CNY/kWh with VAT; ÷ 1.13 = 0.38542612; ÷ 7.12 = 0.05413288 USD
        let terms =
            PurchaseTerms { load_factor: 0.85, vat: Vat::Included, deal_cny_per_kwh: None, ..NO_DISCOUNT };
        let p = price(TariffSpec::TwoPart(mengxi()), 0.13, terms, 7.12);
        assert!((p.local_per_kwh - 0.43553152).abs() < 1e-7, "{}", p.local_per_kwh);
        let p =
            price(TariffSpec::TwoPart(mengxi()), 0.13, PurchaseTerms { vat: Vat::Recovered, ..terms }, 7.12);
        assert!((p.local_per_kwh - 0.38542612).abs() < 1e-7);
        assert!((p.usd_per_kwh - 0.05413288).abs() < 1e-7);
    }

    #[test]
    fn a_steadier_load_spreads_the_demand_charge_thinner() {
        let at = |lf| {
            let terms =
                PurchaseTerms { load_factor: lf, vat: Vat::Included, deal_cny_per_kwh: None, ..NO_DISCOUNT };
            price(TariffSpec::TwoPart(mengxi()), 0.13, terms, 7.12).local_per_kwh
        };
        assert!(at(0.9) < at(0.6));
    }

    #[test]
    fn a_deal_replaces_the_tariff_and_us_prices_ignore_it() {
        let terms = PurchaseTerms {
            load_factor: 0.85,
            vat: Vat::Included,
            deal_cny_per_kwh: Some(0.35),
            ..NO_DISCOUNT
        };
        assert_eq!(price(TariffSpec::TwoPart(mengxi()), 0.13, terms, 7.0).local_per_kwh, 0.35);
        let us = price(TariffSpec::FlatUsd { usd_per_kwh: 0.0892 }, 0.0, terms, 7.0);
        assert_eq!(us.usd_per_kwh, 0.0892);
        assert!(!us.deal);
    }
}
