//! The electricity account: a published frontier-scale run, owned and run in several
//! regions, tested against two claims of the source commentary — that electricity is the
//! largest cost of training, and that Chinese hubs pay about 40 % less for it than
//! Virginia or California — and the commentary's argument behind the second: the same run on
//! domestic accelerators in the Chinese hubs against H100s in the US, total cost and energy side
//! by side, and what the tariff gap is worth next to the hardware gap.

use super::verdict::{self, ClaimVerdict, Evidence, Side};
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
    /// Where the measured discount stands against the claimed band.
    pub fn side(self) -> Side {
        match self {
            Match::Dearer | Match::Smaller => Side::Below,
            Match::AsClaimed => Side::Within,
            Match::Larger => Side::Above,
        }
    }

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

/// The same run on a domestic accelerator in a hub of the claim's country, against the
/// reference accelerator in a region the claim names.
#[derive(Clone, Debug)]
pub struct LikeForLike {
    pub domestic_region: String,
    pub foreign_region: String,
    pub domestic_total_usd: f64,
    pub foreign_total_usd: f64,
    pub domestic_energy_mwh: f64,
    pub foreign_energy_mwh: f64,
    /// What the domestic run saves on electricity by the tariff gap alone: its own energy at
    /// the foreign tariff less at its own.
    pub tariff_saving_usd: f64,
    /// The domestic run's hardware, facility and upkeep less the foreign run's.
    pub hardware_gap_usd: f64,
    /// What the domestic run's extra energy (its MWh less the foreign run's) costs at the
    /// foreign tariff: with the two above, the whole gap between the runs.
    pub extra_energy_usd: f64,
}

/// The reference run redone on a domestic accelerator: the same compute at the same MFU, on
/// enough accelerators to finish in the same wall-clock time.
#[derive(Clone, Debug)]
pub struct Domestic {
    pub accelerator: String,
    pub accelerator_name: String,
    pub ledgers: Vec<RegionLedger>,
    pub against: Vec<LikeForLike>,
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
    /// The run on the country's own accelerators, when the data names one.
    pub domestic: Option<Domestic>,
    /// The verdicts on the two claims.
    pub verdict_largest: ClaimVerdict,
    pub verdict_discount: ClaimVerdict,
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
    let band = verdict::claim(ds, CLAIM_DISCOUNT)?.band.ok_or_else(|| {
        Diagnostic::new(format!("claim `{CLAIM_DISCOUNT}` states no share")).key(claimed_param_key())
    })?;
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
    let gaps = tariff_gaps(&ledgers, &ledgers, &claim_country, band);
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
    let deal_gaps = tariff_gaps(&deal_ledgers, &ledgers, &claim_country, band);
    let share_drivers = sensitivity::planned(ds, samples, seed, |ds, slots| {
        let b = train::plan(ds, &req, slots)?.remove(0);
        let share =
            move |v: &[f64]| Some(train::evaluate(&b.plan.derive(v).ok()?.0).share(Item::Electricity));
        Ok((b.bindings.clone(), share))
    })?;
    let domestic = domestic(ds, &ledgers, &claim_country, &claim_against, claimed_discount)?;
    // Whether electricity is the largest line turns on its share less the largest other line's.
    let margin_drivers = sensitivity::planned(ds, samples, seed, |ds, slots| {
        let b = train::plan(ds, &req, slots)?.remove(0);
        let margin = move |v: &[f64]| Some(electricity_margin(&train::evaluate(&b.plan.derive(v).ok()?.0)));
        Ok((b.bindings.clone(), margin))
    })?;
    let verdict_largest = largest_verdict(ds, &ledgers, &share_drivers, &margin_drivers)?;
    let verdict_discount = discount_verdict(ds, &gaps, &deal_gaps, domestic.as_ref(), &claim_against)?;
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
        share_drivers,
        domestic,
        verdict_largest,
        verdict_discount,
    })
}

/// The reference run on the data's domestic accelerator (`defaults.report_domestic_accelerator`)
/// in each region of the claim's country, set beside the reference accelerator in each region
/// the claim names. The same compute at the reference run's MFU, on as many accelerators as
/// finish it in the same wall-clock time.
fn domestic(
    ds: &Dataset,
    reference: &[RegionLedger],
    country: &str,
    against: &[String],
    claimed_discount: f64,
) -> Result<Option<Domestic>, Diagnostics> {
    let choice = "defaults.report_domestic_accelerator";
    let Some(acc) = ds.text(choice) else { return Ok(None) };
    let Some(first) = reference.first() else { return Ok(None) };
    let (x, out) = (&first.bound.inputs, &first.out);
    let (Some(flop), Some(mfu), Some(n)) = (out.compute_flop, out.mfu, x.accelerators) else {
        return Ok(None);
    };
    let regions: Vec<String> =
        reference.iter().filter(|l| l.country == country).map(|l| l.bound.region.clone()).collect();
    if regions.is_empty() {
        return Ok(None);
    }
    let peak_key = key("accelerator", Some(acc), &format!("{}_tflops", first.bound.precision));
    let Some(peak) = ds.param(&peak_key).map(|p| p.value) else { return Ok(None) };
    let req = TrainRequest {
        accelerator: Some(Given::data(acc.to_string(), choice)),
        flop: Some(Given::data(flop, "defaults.report_run")),
        mfu: Some(Given::data(mfu, "defaults.report_run")),
        goodput: Some(Given::data(x.goodput, "defaults.report_run")),
        accelerators: Some(Given::data((n * x.peak_tflops / peak).ceil(), "defaults.report_run")),
        precision: Some(Given::data(first.bound.precision.clone(), "defaults.report_run")),
        regions: Some(Given::data(regions, "defaults.report_regions")),
        ..Default::default()
    };
    let ledgers: Vec<RegionLedger> = train::bind(ds, &req)?
        .into_iter()
        .map(|bound| {
            let out = train::evaluate(&bound.inputs);
            RegionLedger { country: country.to_string(), ..region_ledger(bound, out, claimed_discount) }
        })
        .collect();
    let mut pairs = Vec::new();
    for d in &ledgers {
        for f in reference.iter().filter(|l| against.contains(&l.bound.region)) {
            let non_electric = |o: &Outputs| o.total_usd - o.usd(Item::Electricity);
            let (d_tariff, f_tariff) = (d.bound.inputs.tariff_usd_per_kwh, f.bound.inputs.tariff_usd_per_kwh);
            pairs.push(LikeForLike {
                domestic_region: d.bound.region.clone(),
                foreign_region: f.bound.region.clone(),
                domestic_total_usd: d.out.total_usd,
                foreign_total_usd: f.out.total_usd,
                domestic_energy_mwh: d.out.energy_mwh,
                foreign_energy_mwh: f.out.energy_mwh,
                tariff_saving_usd: d.out.energy_mwh * KWH_PER_MWH * (f_tariff - d_tariff),
                hardware_gap_usd: non_electric(&d.out) - non_electric(&f.out),
                extra_energy_usd: (d.out.energy_mwh - f.out.energy_mwh) * KWH_PER_MWH * f_tariff,
            });
        }
    }
    let accelerator_name = ledgers.first().map(|l| l.bound.accelerator_name.clone()).unwrap_or_default();
    Ok(Some(Domestic { accelerator: acc.to_string(), accelerator_name, ledgers, against: pairs }))
}

/// "Electricity is the largest cost": for every region compared, is it the largest line?
/// Electricity's share of a ledger less the largest other line's: positive where electricity
/// is the largest line.
pub fn electricity_margin(out: &Outputs) -> f64 {
    let other =
        Item::ALL.into_iter().filter(|i| *i != Item::Electricity).map(|i| out.share(i)).fold(0.0, f64::max);
    out.share(Item::Electricity) - other
}

fn largest_verdict(
    ds: &Dataset,
    ledgers: &[RegionLedger],
    drivers: &sensitivity::Figure,
    margin: &sensitivity::Figure,
) -> Result<ClaimVerdict, Diagnostics> {
    let claim = verdict::claim(ds, CLAIM_LARGEST)?;
    let largest: Vec<Side> = ledgers
        .iter()
        .map(|l| if l.out.largest() == Item::Electricity { Side::Within } else { Side::Below })
        .collect();
    let regions: Vec<&str> = ledgers.iter().map(|l| l.bound.region.as_str()).collect();
    let mut v = ClaimVerdict::new(
        &claim,
        format!("{} with the reference run's accelerators, in {}", claim.actor, regions.join(", ")),
        verdict::from_sides(&largest),
    )
    .side(verdict::common_side(&largest));
    for l in ledgers {
        v = v.evidence(
            Evidence::new(
                "electricity's share of the run's cost",
                l.out.share(Item::Electricity),
                "fraction",
            )
            .case(&l.bound.region),
        );
    }
    if let Some(first) = ledgers.first() {
        v = v.evidence(
            Evidence::new(
                format!("electricity's share in {}, over the report's samples", first.bound.region),
                first.out.share(Item::Electricity),
                "fraction",
            )
            .sampled(drivers),
        );
        // A swing turns the verdict only if it makes electricity the largest line, or not.
        let central = electricity_margin(&first.out);
        let measure = verdict::Measure {
            label: format!("electricity's share less the largest other line's in {}", first.bound.region),
            unit: "points".into(),
        };
        return Ok(v.decided_on(measure, verdict::deciders(ds, central, margin, |x| x > 0.0)));
    }
    Ok(v)
}

/// "Chinese hubs pay about 40 % less": the tariffs of the claim's hubs against the regions it
/// names; the published data-centre deals; and the argument behind it, the run on domestic
/// accelerators against the reference accelerators.
fn discount_verdict(
    ds: &Dataset,
    gaps: &[TariffGap],
    deal_gaps: &[TariffGap],
    domestic: Option<&Domestic>,
    against: &[String],
) -> Result<ClaimVerdict, Diagnostics> {
    let claim = verdict::claim(ds, CLAIM_DISCOUNT)?;
    let part = |gaps: &[TariffGap], what: &str| {
        let named: Vec<&TariffGap> = gaps.iter().filter(|g| against.contains(&g.dear)).collect();
        let sides: Vec<Side> = named.iter().map(|g| g.verdict.side()).collect();
        let hubs: Vec<&str> = {
            let mut h: Vec<&str> = named.iter().map(|g| g.cheap.as_str()).collect();
            h.dedup();
            h
        };
        let mut v = ClaimVerdict::new(
            &claim.part(format!(
                "the hubs' {what} are about the claimed share below {}'s",
                against.join(" and ")
            )),
            format!("{} against {}", hubs.join(", "), against.join(", ")),
            verdict::from_sides(&sides),
        )
        .side(verdict::common_side(&sides));
        for g in named {
            v = v.evidence(
                Evidence::new("discount per kWh", g.discount, "fraction")
                    .case(format!("{} against {}", g.cheap, g.dear)),
            );
        }
        v
    };
    let mut parts = vec![part(gaps, "industrial tariffs")];
    // The deals are a buyer's option: context, not part of the verdict.
    let deals = deal_gaps
        .iter()
        .any(|g| against.contains(&g.dear))
        .then(|| part(deal_gaps, "published data-centre deals"));
    // The argument behind it: cheap power makes the country's own compute competitive. Each
    // pair stands within the claim if the domestic run costs no more in all.
    if let Some(d) = domestic {
        let sides: Vec<Side> = d
            .against
            .iter()
            .map(|p| if p.domestic_total_usd <= p.foreign_total_usd { Side::Within } else { Side::Above })
            .collect();
        let mut p = ClaimVerdict::new(
            &claim.part_on_its_own(format!(
                "with {} accelerators, the cheaper power makes the whole run in the hubs no dearer than with the \
                 reference run's accelerators in {}",
                d.accelerator_name,
                against.join(" or ")
            )),
            format!("{} in the hubs against the reference run's accelerators in {}", d.accelerator_name, against.join(", ")),
            verdict::from_sides(&sides),
        )
        .side(verdict::common_side(&sides));
        for x in &d.against {
            p = p.evidence(
                Evidence::new(
                    format!("the whole run on {} over the reference run", d.accelerator),
                    x.domestic_total_usd / x.foreign_total_usd - 1.0,
                    "premium",
                )
                .case(format!("{} against {}", x.domestic_region, x.foreign_region)),
            );
        }
        parts.push(p);
    }
    // The tariffs and the argument decide; the deals are context.
    let side = parts[0].side;
    let mut v = ClaimVerdict::of_parts(&claim, claim.actor.clone(), parts, deals.into_iter().collect());
    v.side = side;
    Ok(v)
}

fn claimed_param_key() -> String {
    key("claim", Some(CLAIM_DISCOUNT), "value")
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
    band: verdict::Band,
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
                verdict: match band.side(discount) {
                    _ if discount < 0.0 => Match::Dearer,
                    Side::Below => Match::Smaller,
                    Side::Within => Match::AsClaimed,
                    Side::Above => Match::Larger,
                },
                total_discount: 1.0 - c.out.total_usd / d.out.total_usd,
            });
        }
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::verdict::Verdict;

    fn account_with(sets: &[&str]) -> ElectricityAccount {
        account(&crate::accounts::test_data(sets)).unwrap()
    }

    #[test]
    fn electricity_is_the_largest_line_only_where_power_is_dear_enough() {
        let a = account_with(&[]);
        assert_eq!(a.verdict_largest.central, Verdict::NotSupported);
        // At 2 USD/kWh in California electricity is its largest line: true in one region of five.
        let a = account_with(&["region.us-ca.tariff_usd_per_kwh=2"]);
        assert_eq!(a.verdict_largest.central, Verdict::Partly);
    }

    #[test]
    fn the_discount_verdict_follows_the_tariffs_and_the_domestic_run() {
        let a = account_with(&[]);
        // Inner Mongolia 40 % below Virginia, Guizhou 26 %: partly as claimed.
        assert_eq!(a.verdict_discount.parts[0].verdict, Verdict::Partly);
        // The same run on Ascend 910C in the hubs costs more than on H100s in the US.
        let domestic = a.verdict_discount.parts.iter().find(|p| p.actor.contains("Ascend")).unwrap();
        assert_eq!(domestic.verdict, Verdict::NotSupported);
        assert!(
            a.domestic.as_ref().unwrap().against.iter().all(|x| x.hardware_gap_usd > x.tariff_saving_usd)
        );
        // The three terms are the whole gap between the runs: nothing left unexplained.
        for x in &a.domestic.as_ref().unwrap().against {
            let gap = x.domestic_total_usd - x.foreign_total_usd;
            let terms = x.hardware_gap_usd - x.tariff_saving_usd + x.extra_energy_usd;
            assert!((gap - terms).abs() <= 1e-9 * gap.abs().max(1.0), "{gap} against {terms}");
        }
        // US power at 6 cents: the hubs are no cheaper than claimed anywhere.
        let a =
            account_with(&["region.us-va.tariff_usd_per_kwh=0.06", "region.us-ca.tariff_usd_per_kwh=0.06"]);
        assert_eq!(a.verdict_discount.parts[0].verdict, Verdict::NotSupported);
        // A 910C at a tenth of its price makes the domestic run the cheaper one.
        let a = account_with(&["accelerator.ascend-910c.price_usd=2860"]);
        let domestic = a.verdict_discount.parts.iter().find(|p| p.actor.contains("Ascend")).unwrap();
        assert_eq!(domestic.verdict, Verdict::Supported);
    }

    #[test]
    fn the_domestic_run_does_the_same_compute_in_the_same_time() {
        let a = account_with(&[]);
        let d = a.domestic.as_ref().unwrap();
        let (reference, own) = (&a.ledgers[0], &d.ledgers[0]);
        assert_eq!(own.out.compute_flop, reference.out.compute_flop);
        // As many accelerators as finish it in the same wall-clock time, to within one accelerator.
        let days = |l: &RegionLedger| l.out.wall_days.unwrap();
        assert!((days(own) / days(reference) - 1.0).abs() < 1e-3, "{} {}", days(own), days(reference));
    }
}
