//! The electricity account: a published frontier-scale run, owned and run in several
//! regions, tested against two claims of the source commentary — that electricity is the
//! largest cost of training, and that Chinese hubs pay about 40 % less for it than
//! Virginia or California.

use crate::data::{Dataset, Source, key};
use crate::diag::{Diagnostic, Diagnostics};
use crate::sensitivity;
use crate::train::{self, Bound, Given, Item, Outputs, TrainRequest};
use crate::units::KWH_PER_MWH;

/// The claim ids this account tests (entries of `claim.*` in the data).
pub const CLAIM_LARGEST: &str = "electricity-largest";
pub const CLAIM_DISCOUNT: &str = "cn-power-discount";

/// One region's ledger for the reference run.
#[derive(Clone, Debug)]
pub struct RegionLedger {
    pub bound: Bound,
    pub out: Outputs,
    pub country: String,
    /// The tariff at which electricity would cost as much as the largest other line.
    pub breakeven_tariff_usd_per_kwh: f64,
    /// How much the total falls if the tariff falls by the claimed discount.
    pub total_change_at_claimed_discount: f64,
    /// The accelerator-price cut that would save as much as the claimed tariff discount.
    pub equivalent_price_cut: f64,
}

/// How a measured discount compares with the claimed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// The claimed-cheap region is dearer.
    Dearer,
    Smaller,
    AsClaimed,
    Larger,
}

impl Match {
    pub fn words(self) -> &'static str {
        match self {
            Match::Dearer => "dearer, not cheaper",
            Match::Smaller => "smaller than claimed",
            Match::AsClaimed => "as claimed",
            Match::Larger => "larger than claimed",
        }
    }
}

/// A Chinese region's price against a US region's.
#[derive(Clone, Debug)]
pub struct TariffGap {
    pub cheap: String,
    pub dear: String,
    pub cheap_usd_per_kwh: f64,
    pub dear_usd_per_kwh: f64,
    /// 1 − cheap ÷ dear.
    pub discount: f64,
    /// How much lower the cheap region's whole ledger is than the dear one's.
    pub total_discount: f64,
    pub verdict: Match,
}

#[derive(Clone, Debug)]
pub struct ElectricityAccount {
    pub run: String,
    pub run_name: String,
    /// The source of the run's published hours.
    pub run_source: Option<Source>,
    pub ledgers: Vec<RegionLedger>,
    pub claim_largest: String,
    pub claim_discount: String,
    pub claimed_discount: f64,
    /// "About" the claimed discount, as a range (the claim's low and high in the data).
    pub claimed_range: (f64, f64),
    /// The regions the discount claim compares with.
    pub claim_against: Vec<String>,
    /// The country whose regions the discount claim is about.
    pub claim_country: String,
    pub gaps: Vec<TariffGap>,
    /// The same, for the Chinese regions that have a published data-centre deal, on that deal.
    pub deal_gaps: Vec<TariffGap>,
    /// Whether electricity is the largest line in any region compared.
    pub electricity_largest_anywhere: bool,
    /// What moves electricity's share of the first region's ledger most, largest first.
    pub share_drivers: sensitivity::Figure,
}

impl ElectricityAccount {
    /// The gaps against the regions the claim names.
    pub fn claimed_gaps(&self) -> impl Iterator<Item = &TariffGap> {
        self.gaps.iter().filter(|g| self.claim_against.contains(&g.dear))
    }

    pub fn ledger(&self, region: &str) -> Option<&RegionLedger> {
        self.ledgers.iter().find(|l| l.bound.region == region)
    }
    /// The highest electricity share across the regions, with its region.
    pub fn max_electricity_share(&self) -> (&str, f64) {
        self.ledgers
            .iter()
            .map(|l| (l.bound.region.as_str(), l.out.share(Item::Electricity)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or(("", 0.0))
    }
}

/// Works the account on the data in force.
pub fn account(ds: &Dataset) -> Result<ElectricityAccount, Diagnostics> {
    let (samples, seed) = sensitivity::report_sampling(ds)?;
    let run = ds
        .text("defaults.report_run")
        .ok_or_else(|| Diagnostic::new("no reference run").key("defaults.report_run"))?;
    let regions = ds
        .list("defaults.report_regions")
        .ok_or_else(|| Diagnostic::new("no report regions").key("defaults.report_regions"))?
        .to_vec();
    let req = TrainRequest {
        run: Some(Given::data(run.to_string(), "defaults.report_run")),
        regions: Some(Given::data(regions, "defaults.report_regions")),
        ..Default::default()
    };
    let claimed_param = key("claim", Some(CLAIM_DISCOUNT), "value");
    let claimed = ds
        .param(&claimed_param)
        .ok_or_else(|| Diagnostic::new(format!("the data has no `{claimed_param}`")).key(claimed_param))?;
    let (claimed_discount, claimed_range) = (claimed.value, (claimed.low, claimed.high));
    let claim_against =
        ds.list(&key("claim", Some(CLAIM_DISCOUNT), "against")).map(<[String]>::to_vec).unwrap_or_default();
    let country = |region: &str| ds.text(&key("region", Some(region), "country")).unwrap_or("").to_string();
    let ledgers: Vec<RegionLedger> = train::bind(ds, &req)?
        .into_iter()
        .map(|bound| {
            let out = train::evaluate(&bound.inputs);
            RegionLedger { country: country(&bound.region), ..region_ledger(bound, out, claimed_discount) }
        })
        .collect();
    let claim_country =
        ds.text(&key("claim", Some(CLAIM_DISCOUNT), "country")).unwrap_or_default().to_string();
    let gaps = tariff_gaps(&ledgers, &ledgers, &claim_country, claimed_range);
    // The same hubs on their published special data-centre prices, where they have one.
    let with_deal =
        TrainRequest { power_deal: Some(Given::data(true, "dc_deal_cny_per_kwh")), ..req.clone() };
    let deal_ledgers: Vec<RegionLedger> = train::bind(ds, &with_deal)?
        .into_iter()
        .filter(|b| b.price.deal)
        .map(|bound| {
            let out = train::evaluate(&bound.inputs);
            RegionLedger { country: country(&bound.region), ..region_ledger(bound, out, claimed_discount) }
        })
        .collect();
    let deal_gaps = tariff_gaps(&deal_ledgers, &ledgers, &claim_country, claimed_range);
    Ok(ElectricityAccount {
        run: run.to_string(),
        run_name: ds.text(&key("run", Some(run), "name")).unwrap_or(run).to_string(),
        run_source: ds
            .param(&key("run", Some(run), "accelerator_hours"))
            .and_then(|p| ds.sources.get(&*p.source))
            .cloned(),
        electricity_largest_anywhere: ledgers.iter().any(|l| l.out.largest() == Item::Electricity),
        ledgers,
        claim_largest: super::claim_text(ds, CLAIM_LARGEST)?,
        claim_discount: super::claim_text(ds, CLAIM_DISCOUNT)?,
        claimed_discount,
        claimed_range,
        claim_against,
        claim_country,
        gaps,
        deal_gaps,
        share_drivers: sensitivity::figure(ds, samples, seed, |ds| {
            let b = train::bind(ds, &req)?.remove(0);
            let share = train::evaluate(&b.inputs).share(Item::Electricity);
            Ok((b.bindings, share))
        })?,
    })
}

/// A region's ledger with the figures the account derives from it (country left blank).
fn region_ledger(bound: Bound, out: Outputs, claimed_discount: f64) -> RegionLedger {
    let largest_other =
        Item::ALL.into_iter().filter(|i| *i != Item::Electricity).map(|i| out.usd(i)).fold(0.0, f64::max);
    let energy_kwh = out.energy_mwh * KWH_PER_MWH;
    // Lines that scale with the accelerator price: the hardware and its maintenance.
    let price_share = [Item::Accelerators, Item::ServersAndNetwork, Item::Maintenance]
        .into_iter()
        .map(|i| out.share(i))
        .sum::<f64>();
    let saving = claimed_discount * out.share(Item::Electricity);
    RegionLedger {
        equivalent_price_cut: saving / price_share,
        country: String::new(),
        breakeven_tariff_usd_per_kwh: largest_other / energy_kwh,
        total_change_at_claimed_discount: -saving,
        bound,
        out,
    }
}

/// Each region of the claim's country in `cheap` against each region of another country in `dear`.
fn tariff_gaps(
    cheap: &[RegionLedger],
    dear: &[RegionLedger],
    country: &str,
    claimed_range: (f64, f64),
) -> Vec<TariffGap> {
    let mut gaps = Vec::new();
    for c in cheap.iter().filter(|l| l.country == country) {
        for d in dear.iter().filter(|l| l.country != country) {
            let discount = 1.0 - c.bound.inputs.tariff_usd_per_kwh / d.bound.inputs.tariff_usd_per_kwh;
            gaps.push(TariffGap {
                cheap: c.bound.region.clone(),
                dear: d.bound.region.clone(),
                cheap_usd_per_kwh: c.bound.inputs.tariff_usd_per_kwh,
                dear_usd_per_kwh: d.bound.inputs.tariff_usd_per_kwh,
                discount,
                verdict: if discount < 0.0 {
                    Match::Dearer
                } else if discount < claimed_range.0 {
                    Match::Smaller
                } else if discount > claimed_range.1 {
                    Match::Larger
                } else {
                    Match::AsClaimed
                },
                total_discount: 1.0 - c.out.total_usd / d.out.total_usd,
            });
        }
    }
    gaps
}
