//! Published market figures and the two claims of the commentary that they alone can test:
//! China's share of the world's mature-node capacity against Taiwan's, year by year
//! (`mature_capacity.*`), and China's share of ASML's DUV business, quarter by quarter
//! (`asml_quarter.*`, with the order backlog and where the tools went as `market.*`).

use super::verdict::{self, ClaimVerdict, Evidence, Side, Verdict};
use crate::data::{Dataset, Param, key};
use crate::diag::Diagnostic;

/// The claim ids this module tests.
pub const CLAIM_MATURE: &str = "mature-share";
pub const CLAIM_ASML: &str = "asml-china-duv";

/// A market figure from the data: what it measures, and the number with its range and source.
#[derive(Clone, Debug, PartialEq)]
pub struct MarketFigure {
    pub id: String,
    pub what: String,
    pub param: Param,
}

/// Every market figure in the data, in id order.
pub fn market(ds: &Dataset) -> Vec<MarketFigure> {
    ds.ids_of("market")
        .iter()
        .filter_map(|id| {
            let p = ["share", "wafers_per_month", "units"]
                .iter()
                .find_map(|f| ds.param(&key("market", Some(id), f)))?;
            Some(MarketFigure {
                id: id.to_string(),
                what: ds.text(&key("market", Some(id), "what")).unwrap_or(id).to_string(),
                param: p.clone(),
            })
        })
        .collect()
}

/// Whether a published figure is an estimate for a past year or a forecast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Actual,
    Forecast,
}

impl Status {
    pub fn of(s: &str) -> Option<Status> {
        match s {
            "actual" => Some(Status::Actual),
            "forecast" => Some(Status::Forecast),
            _ => None,
        }
    }
}

/// One source's shares of the world's mature capacity for one year.
#[derive(Clone, Debug, PartialEq)]
pub struct MatureShare {
    pub id: String,
    pub year: i32,
    pub forecast: bool,
    pub basis: String,
    pub cn: Param,
    pub tw: Option<Param>,
}

/// Every `mature_capacity` entry, by year.
pub fn mature_shares(ds: &Dataset) -> Vec<MatureShare> {
    let mut v: Vec<MatureShare> = ds
        .ids_of("mature_capacity")
        .iter()
        .filter_map(|id| {
            let k = |f: &str| key("mature_capacity", Some(id), f);
            Some(MatureShare {
                id: id.to_string(),
                year: ds.param(&k("year"))?.value as i32,
                forecast: Status::of(ds.text(&k("status")).unwrap_or_default()) == Some(Status::Forecast),
                basis: ds.text(&k("basis")).unwrap_or_default().to_string(),
                cn: ds.param(&k("cn_share"))?.clone(),
                tw: ds.param(&k("tw_share")).cloned(),
            })
        })
        .collect();
    v.sort_by(|a, b| a.year.cmp(&b.year).then(a.id.cmp(&b.id)));
    v
}

/// One quarter of ASML's system sales.
#[derive(Clone, Debug, PartialEq)]
pub struct AsmlQuarter {
    /// `2024q1`.
    pub id: String,
    pub system_sales_eur: f64,
    pub euv_share: f64,
    pub cn_share: f64,
    /// China's share of the non-EUV system sales: China buys no EUV, so its sales over the
    /// sales that are not EUV.
    pub cn_share_non_euv: f64,
    pub arfi_units: Option<f64>,
}

/// Every `asml_quarter` entry, in order.
pub fn asml_quarters(ds: &Dataset) -> Vec<AsmlQuarter> {
    ds.ids_of("asml_quarter")
        .iter()
        .filter_map(|id| {
            let k = |f: &str| key("asml_quarter", Some(id), f);
            let (sales, euv, cn) =
                (ds.param(&k("system_sales_eur"))?, ds.param(&k("euv_share"))?, ds.param(&k("cn_share"))?);
            Some(AsmlQuarter {
                id: id.to_string(),
                system_sales_eur: sales.value,
                euv_share: euv.value,
                cn_share: cn.value,
                cn_share_non_euv: non_euv_share(cn.value, euv.value),
                arfi_units: ds.param(&k("arfi_units")).map(|p| p.value),
            })
        })
        .collect()
}

/// A buyer of no EUV's share of the sales that are not EUV, from its share of all sales.
pub fn non_euv_share(share: f64, euv_share: f64) -> f64 {
    share / (1.0 - euv_share)
}

/// The longest run of consecutive quarters (in the order given) that pass `holds`, and where
/// it starts.
pub fn longest_run<T>(items: &[T], holds: impl Fn(&T) -> bool) -> (usize, usize) {
    let (mut best, mut best_start, mut run) = (0, 0, 0);
    for (i, x) in items.iter().enumerate() {
        run = if holds(x) { run + 1 } else { 0 };
        if run > best {
            best = run;
            best_start = i + 1 - run;
        }
    }
    (best, best_start)
}

/// "China's mature-process chips hold over 20 % of the world market, and China is the largest
/// supplier": China's share of mature capacity in every year a source estimates, against the
/// claimed 20 %, with output and revenue shares where sources give them; and China against
/// Taiwan in the years a source gives both. Forecasts are context, not evidence.
pub fn mature_verdict(ds: &Dataset) -> Result<ClaimVerdict, Diagnostic> {
    let claim = verdict::claim(ds, CLAIM_MATURE)?;
    let band = claim.band.ok_or_else(|| {
        Diagnostic::new(format!("claim `{CLAIM_MATURE}` states no share"))
            .key(format!("claim.{CLAIM_MATURE}.value"))
    })?;
    let shares = mature_shares(ds);
    let actual: Vec<&MatureShare> = shares.iter().filter(|s| !s.forecast).collect();
    let label = |s: &MatureShare, who: &str| {
        format!("{who}'s share of {} in {}{}", s.basis, s.year, if s.forecast { " (forecast)" } else { "" })
    };

    // China's share of capacity, and of output and revenue.
    let capacity_sides: Vec<Side> = actual.iter().map(|s| band.side(s.cn.value)).collect();
    let measures = super::measures(ds, CLAIM_MATURE);
    let mut share = ClaimVerdict::new(
        &claim.part(format!(
            "China's share of the world's mature capacity, output or revenue is at least {:.0} %",
            band.value * 100.0
        )),
        "China, every fab in the country",
        verdict::from_sides(
            &[capacity_sides.clone(), measures.iter().map(|(_, p)| band.side(p.value)).collect()].concat(),
        ),
    );
    share.side = verdict::common_side(&capacity_sides);
    for s in &shares {
        share = share.evidence(Evidence::published(label(s, "China"), &s.cn));
    }
    for (what, p) in &measures {
        share = share.evidence(Evidence::published(what.clone(), p));
    }
    // Forecasts and other figures that do not count, for context.
    for (what, p) in super::context(ds, CLAIM_MATURE) {
        share = share.evidence(Evidence::published(what, &p));
    }

    // China against Taiwan, where one source gives both for one year.
    let both: Vec<&MatureShare> = shares.iter().filter(|s| s.tw.is_some()).collect();
    let sides: Vec<Side> =
        both.iter()
            .filter(|s| !s.forecast)
            .map(|s| {
                if s.tw.as_ref().is_some_and(|tw| s.cn.value > tw.value) { Side::Within } else { Side::Below }
            })
            .collect();
    let mut largest = ClaimVerdict::new(
        &claim.part_on_its_own("China's share of the world's mature capacity is larger than Taiwan's"),
        "China against Taiwan, in the years one source gives both",
        verdict::from_sides(&sides),
    )
    .side(verdict::common_side(&sides));
    for s in &both {
        largest = largest.evidence(Evidence::published(label(s, "China"), &s.cn));
        if let Some(tw) = &s.tw {
            largest = largest.evidence(Evidence::published(label(s, "Taiwan"), tw));
        }
    }
    // A forecast that China passes Taiwan is context: it says when the claim may come true.
    for s in shares.iter().filter(|s| s.forecast && s.tw.is_none()) {
        largest = largest.evidence(Evidence::published(label(s, "China"), &s.cn));
    }

    Ok(ClaimVerdict::of_parts(&claim, claim.actor.clone(), vec![share, largest], Vec::new()))
}

/// "China took over 40 % of ASML's DUV orders for several quarters, and the tools went to
/// mature fabs": China's share of ASML's system sales and of its non-EUV system sales, quarter
/// by quarter, against the claimed share; the longest run of quarters above it against
/// "several"; the order backlog (orders, not sales); and what is known of where the tools went.
pub fn asml_verdict(ds: &Dataset) -> Result<ClaimVerdict, Diagnostic> {
    let claim = verdict::claim(ds, CLAIM_ASML)?;
    let missing = |f: &str| {
        Diagnostic::new(format!("claim `{CLAIM_ASML}` states no {f}")).key(format!("claim.{CLAIM_ASML}.{f}"))
    };
    let band = claim.band.ok_or_else(|| missing("value"))?;
    let several = ds.param(&key("claim", Some(CLAIM_ASML), "count")).ok_or_else(|| missing("count"))?.value;
    let quarters = asml_quarters(ds);
    let above = |share: f64| band.side(share) == Side::Within && share > band.low;

    // Sales: every system, and the non-EUV systems China can buy.
    let run_part = |basis: &str, share: fn(&AsmlQuarter) -> f64| {
        let (run, start) = longest_run(&quarters, |q| above(share(q)));
        let count = quarters.iter().filter(|q| above(share(q))).count();
        let side = if run as f64 >= several { Side::Within } else { Side::Below };
        let mut p = ClaimVerdict::new(
            &claim.part(format!(
                "China's share of ASML's {basis} was above {:.0} % in {several} or more quarters in a row",
                band.value * 100.0
            )),
            format!("ASML's {basis}, customers in mainland China"),
            verdict::from_sides(&[side]),
        )
        .side(Some(side))
        .evidence(Evidence::new(
            format!(
                "quarters in a row above the claimed share, from {}",
                quarters.get(start).map_or("", |q| q.id.as_str())
            ),
            run as f64,
            "count",
        ))
        .evidence(Evidence::new("quarters above it in all", count as f64, "count"));
        for q in &quarters {
            p = p.evidence(
                Evidence::new(format!("China's share of {basis}"), share(q), "fraction").case(&q.id),
            );
        }
        p
    };
    let sales = run_part("net system sales", |q| q.cn_share);
    let duv = run_part("non-EUV system sales", |q| q.cn_share_non_euv);

    // Orders: ASML publishes none by region and technology; the backlog is the order book not
    // yet shipped, EUV included, which China cannot buy. China's share of the whole backlog is
    // so a lower bound on its share of DUV orders: below the claim's share, it measures nothing.
    let mut orders = ClaimVerdict::new(
        &claim.part(format!(
            "China's share of ASML's DUV orders was above {:.0} % (no source splits the order backlog by \
             technology; China's share of the whole backlog, EUV included, is a lower bound on it)",
            band.value * 100.0
        )),
        "ASML's order backlog, customers in mainland China",
        Verdict::NotMeasured,
    );
    for (what, p) in super::measures(ds, CLAIM_ASML) {
        orders = orders.evidence(Evidence::published(what, &p));
    }

    // Where the tools went: no source splits them by the node they run.
    let mut went = ClaimVerdict::new(
        &claim.part_on_its_own("the tools went mainly to mature-node fabs"),
        "ASML's systems shipped to China, by the fabs that bought them",
        Verdict::NotMeasured,
    );
    for (what, p) in super::context(ds, CLAIM_ASML) {
        went = went.evidence(Evidence::published(what, &p));
    }

    // The claim is about DUV: China's share of all system sales, EUV included, is context.
    Ok(ClaimVerdict::of_parts(&claim, claim.actor.clone(), vec![duv, orders, went], vec![sales]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buyer_of_no_euv_takes_a_larger_share_of_the_rest() {
        // 49 % of all system sales when 46 % of them are EUV: 0.49 / 0.54 = 90.7 % of the rest.
        assert!((non_euv_share(0.49, 0.46) - 0.907407).abs() < 1e-6);
        assert_eq!(non_euv_share(0.3, 0.0), 0.3);
    }

    #[test]
    fn the_longest_run_is_found_where_it_starts() {
        let xs = [0.46, 0.39, 0.49, 0.49, 0.47, 0.27, 0.42];
        assert_eq!(longest_run(&xs, |x| *x > 0.4), (3, 2));
        assert_eq!(longest_run(&xs, |x| *x > 0.9), (0, 0));
        assert_eq!(longest_run(&[] as &[f64], |x| *x > 0.0), (0, 0));
    }

    #[test]
    fn the_asml_quarters_match_asmls_annual_shares() {
        // ASML's China share of 2024 system sales is 41 % and of 2025 33 % (SCMP, Caixin, from
        // ASML's results); the quarters of the data, weighted by sales, must give the same to
        // within a point (the compiled quarterly shares are whole per cents).
        let ds = Dataset::builtin().unwrap();
        let q = asml_quarters(&ds);
        let year = |y: &str| {
            let (cn, all) = q
                .iter()
                .filter(|x| x.id.starts_with(y))
                .fold((0.0, 0.0), |(c, a), x| (c + x.cn_share * x.system_sales_eur, a + x.system_sales_eur));
            cn / all
        };
        assert!((year("2024") - 0.41).abs() <= 0.01, "{}", year("2024"));
        assert!((year("2025") - 0.33).abs() <= 0.01, "{}", year("2025"));
    }

    #[test]
    fn the_mature_claim_is_answered_for_china_against_taiwan() {
        let ds = Dataset::builtin().unwrap();
        let v = mature_verdict(&ds).unwrap();
        // Every estimate of China's share is above 20 % (TrendForce 29-34 %, SIA/BCG 33 %);
        // Taiwan's 43 % against China's 34 % in 2024 (TrendForce via Reuters) leaves China second.
        assert_eq!(v.parts[0].verdict, Verdict::Supported);
        assert_eq!(v.parts[1].verdict, Verdict::NotSupported);
        assert_eq!(v.verdict, Verdict::Partly);
        // Taiwan's share falling below China's would make China the largest.
        let mut ds = ds;
        ds.apply_set("mature_capacity.2024-trendforce.tw_share=0.3").unwrap();
        assert_eq!(mature_verdict(&ds).unwrap().parts[1].verdict, Verdict::Supported);
        ds.apply_set("mature_capacity.2024-trendforce.cn_share=0.15").unwrap();
        assert_eq!(mature_verdict(&ds).unwrap().parts[0].verdict, Verdict::Partly);
    }

    #[test]
    fn the_asml_claim_holds_for_sales_not_orders() {
        let ds = Dataset::builtin().unwrap();
        let v = asml_verdict(&ds).unwrap();
        // The deciding parts: non-EUV sales, orders, where the tools went; all sales as context.
        let (duv, orders, sales) = (&v.parts[0], &v.parts[1], &v.parts[3]);
        assert!(sales.context && !duv.context);
        // ASML's results: 49 %, 49 %, 47 % of all sales in 2024 Q1-Q3: three quarters in a row
        // above 40 %; of non-EUV sales, ten in a row from 2023 Q3.
        assert_eq!(sales.verdict, Verdict::Supported);
        assert_eq!(sales.evidence[0].value, 3.0);
        assert_eq!(duv.evidence[0].value, 10.0);
        // The backlog was about 20 % (ASML's CFO), but of the whole backlog, EUV included, which
        // China cannot buy: a lower bound on its share of DUV orders, so not a measure of them.
        assert_eq!(orders.verdict, Verdict::NotMeasured);
        assert_eq!(orders.evidence[0].value, 0.20);
        assert_eq!(v.verdict, Verdict::Partly);
        // Four quarters in a row needed: all sales no longer hold; non-EUV sales still do.
        let mut ds = ds;
        ds.apply_set("claim.asml-china-duv.count=4").unwrap();
        let v = asml_verdict(&ds).unwrap();
        assert_eq!(v.parts[3].verdict, Verdict::NotSupported);
        assert_eq!(v.parts[0].verdict, Verdict::Supported);
    }
}
