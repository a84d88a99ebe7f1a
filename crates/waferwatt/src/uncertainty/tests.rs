use super::*;

/// A model of closed form: its results are its inputs and a sum.
type Formula = Box<dyn Fn(&[f64], &mut [f64]) + Sync>;
struct Echo(Formula);

impl Model for Echo {
    type Scratch = ();
    fn scratch(&self) {}
    fn eval(&self, _: &mut (), x: &[f64], out: &mut [f64]) -> bool {
        (self.0)(x, out);
        true
    }
}

fn none(_: usize) {}

#[test]
fn sampled_percentiles_match_analytic_quantiles() {
    // Quantiles of each shape in closed form against 200 000 draws. The sampling error of
    // a percentile is about sqrt(p(1 − p) / n) / density ≈ 0.0005 / density: under 1 % of
    // the range for every shape here, so 1 % of the range is the tolerance.
    let dists = vec![
        Dist::new(Shape::Triangular, 0.0, 1.0, 4.0).unwrap(),
        Dist::new(Shape::Uniform, 2.0, 3.0, 6.0).unwrap(),
        Dist::new(Shape::Normal, 8.0, 10.0, 12.0).unwrap(),
        Dist::new(Shape::LogNormal, 1.0, 5.0, 100.0).unwrap(),
        Dist::new(Shape::Pert, 0.0, 2.0, 10.0).unwrap(),
    ];
    let model = Echo(Box::new(|x, out| out.copy_from_slice(x)));
    for sampling in [Sampling::MonteCarlo, Sampling::LatinHypercube] {
        let plan = Plan::new(dists.clone(), 200_000, 7, sampling);
        let rows = sample(&model, &plan, dists.len(), &none);
        for (j, d) in dists.iter().enumerate() {
            let s = summarize(&rows.column(j)).unwrap();
            let tol = 0.01 * (d.quantile(0.999) - d.quantile(0.001));
            for (got, p) in [(s.p5, 0.05), (s.p50, 0.5), (s.p95, 0.95)] {
                assert!(
                    (got - d.quantile(p)).abs() < tol,
                    "{:?} {sampling:?} p{p}: {got} vs {}",
                    d.shape,
                    d.quantile(p)
                );
            }
            assert!((s.mean - d.mean()).abs() < tol, "{:?} mean {} vs {}", d.shape, s.mean, d.mean());
        }
    }
    // The triangular's quantiles by hand: F(x) = x² / 4 below the mode 1, so p5 = √0.2.
    assert!((dists[0].quantile(0.05) - 0.2_f64.sqrt()).abs() < 1e-12);
}

#[test]
fn seeded_results_do_not_depend_on_the_thread_count() {
    let dists = vec![Dist::new(Shape::Triangular, 1.0, 2.0, 5.0).unwrap(); 3];
    let model = Echo(Box::new(|x, out| out[0] = x[0] * x[1] + x[2]));
    let run = |threads: usize, sampling: Sampling| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            sample(&model, &Plan::new(dists.clone(), 3 * CHUNK + 17, 42, sampling), 1, &none).values
        })
    };
    for s in [Sampling::MonteCarlo, Sampling::LatinHypercube] {
        let (one, two) = (run(1, s), run(2, s));
        assert!(one.iter().zip(&two).all(|(a, b)| a.to_bits() == b.to_bits()), "{s:?}");
    }
    assert_ne!(
        run(1, Sampling::MonteCarlo),
        sample(&model, &Plan::new(dists.clone(), 3 * CHUNK + 17, 43, Sampling::MonteCarlo), 1, &none).values
    );
}

proptest::proptest! {
    /// The radix search gives the percentiles that sorting gives, ties, signs and spans alike.
    #[test]
    fn percentiles_are_those_of_the_sorted_values(
        values in proptest::collection::vec(
            proptest::prop_oneof![-1e6..1e6f64, 0.0..1.0f64, proptest::sample::select(vec![-0.0, 0.0, 1.0, 2.0, 1e300])],
            1..400,
        ),
    ) {
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let at = |q: f64| {
            let h = (n - 1) as f64 * q;
            let (k, f) = (h.floor() as usize, h - h.floor());
            let (a, b) = (sorted[k], sorted[(k + 1).min(n - 1)]);
            if f > 0.0 { a + f * (b - a) } else { a }
        };
        let s = summarize(&values).unwrap();
        if sorted[0].to_bits() == sorted[n - 1].to_bits() {
            proptest::prop_assert_eq!(s.p50, sorted[0]);
        } else {
            proptest::prop_assert_eq!((s.p5, s.p50, s.p95), (at(0.05), at(0.5), at(0.95)));
        }
    }
}

#[test]
fn summaries_interpolate_like_numpy() {
    // numpy.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 50, 95]) = [1.45, 5.5, 9.55].
    let v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
    let s = summarize(&v).unwrap();
    assert!((s.p5 - 1.45).abs() < 1e-12 && (s.p50 - 5.5).abs() < 1e-12 && (s.p95 - 9.55).abs() < 1e-12);
    assert_eq!(s.mean, 5.5);
    // numpy.percentile of 0..=100 (odd count, percentiles on order statistics): [5, 50, 95];
    // of [3, 1, 2]: [1.1, 2, 2.9]; of [7]: all 7.
    let v: Vec<f64> = (0..=100).rev().map(f64::from).collect();
    let s = summarize(&v).unwrap();
    assert_eq!((s.p5, s.p50, s.p95), (5.0, 50.0, 95.0));
    let s = summarize(&[3.0, 1.0, 2.0]).unwrap();
    assert!((s.p5 - 1.1).abs() < 1e-12 && s.p50 == 2.0 && (s.p95 - 2.9).abs() < 1e-12);
    assert_eq!(summarize(&[7.0]).unwrap().p95, 7.0);
    assert!(summarize(&[] as &[f64]).is_none());
}

#[test]
fn sobol_indices_of_the_ishigami_function() {
    // Ishigami & Homma (1990), a = 7, b = 0.1, every x uniform on (−π, π). Analytic indices
    // (Sobol' & Levitan 1999; Saltelli et al. 2010 use the same): S1 = 0.3139, S2 = 0.4424,
    // S3 = 0, ST1 = 0.5576, ST2 = 0.4424, ST3 = 0.2437. With 2^14 base samples the standard
    // error of each estimate is about 0.01; the tolerance is 0.04, four standard errors.
    let pi = std::f64::consts::PI;
    let dists = vec![Dist::new(Shape::Uniform, -pi, 0.0, pi).unwrap(); 3];
    let model = Echo(Box::new(|x, out| {
        out[0] = x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin();
    }));
    let s = sobol::analyse(&model, &dists, &[0, 1, 2], 1 << 14, 1, 1, 0, &none);
    let want = [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)];
    for (j, (first, total)) in want.into_iter().enumerate() {
        let got = s.indices[j];
        assert!((got.first - first).abs() < 0.04, "S{}: {} vs {first}", j + 1, got.first);
        assert!((got.total - total).abs() < 0.04, "ST{}: {} vs {total}", j + 1, got.total);
        assert!(got.first_conf > 0.0 && got.first_conf < 0.05 && got.total_conf < 0.05);
    }
    assert_eq!(s.evaluations, (1 << 14) * 5);
    // The same far from zero (Ishigami + 1000): the estimates must not take the mean's noise.
    let model = Echo(Box::new(|x, out| {
        out[0] = 1000.0 + x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin();
    }));
    let s = sobol::analyse(&model, &dists, &[0, 1, 2], 1 << 14, 1, 1, 0, &none);
    for (j, (first, total)) in want.into_iter().enumerate() {
        let got = s.indices[j];
        assert!((got.first - first).abs() < 0.04, "offset S{}: {} vs {first}", j + 1, got.first);
        assert!((got.total - total).abs() < 0.04, "offset ST{}: {} vs {total}", j + 1, got.total);
        assert!(got.first_conf < 0.05, "offset S{} ± {}", j + 1, got.first_conf);
    }
    // A result of one number alone: its first-order index is 1, closely.
    let model = Echo(Box::new(|x, out| out[0] = 1.3 + 0.1 * x[1]));
    let s = sobol::analyse(&model, &dists, &[0, 1, 2], 1 << 12, 2, 1, 0, &none);
    assert!((s.indices[1].first - 1.0).abs() < 0.05 && s.indices[1].first_conf < 0.05, "{:?}", s.indices[1]);
}

#[test]
fn a_number_with_zero_range_has_zero_sensitivity() {
    let dists = vec![Dist::new(Shape::Triangular, 1.0, 2.0, 3.0).unwrap(), Dist::fixed(5.0)];
    let model = Echo(Box::new(|x, out| out[0] = x[0] * x[1]));
    let s = sobol::analyse(&model, &dists, &[0, 1], 4096, 3, 1, 0, &none);
    assert_eq!((s.indices[1].first, s.indices[1].total), (0.0, 0.0));
    assert!(s.indices[0].total > 0.9);
    // A number that varies but that the result does not read: both indices exactly 0.
    let dists = vec![Dist::new(Shape::Triangular, 1.0, 2.0, 3.0).unwrap(); 3];
    let model = Echo(Box::new(|x, out| out[0] = x[0] * x[1]));
    let s = sobol::analyse(&model, &dists, &[0, 1, 2], 4096, 3, 1, 0, &none);
    assert_eq!((s.indices[2].first, s.indices[2].total), (0.0, 0.0));
    assert!(s.indices[0].first > 0.3 && s.indices[1].first > 0.3);
    // A result that does not move at all: no variance to share, every index 0.
    let model = Echo(Box::new(|x, out| out[0] = 3.79e25 + 0.0 * x[0]));
    let s = sobol::analyse(&model, &dists, &[0, 1, 2], 1024, 3, 1, 0, &none);
    assert!(s.constant && s.indices.iter().all(|i| i.first == 0.0 && i.total == 0.0));
}

#[test]
fn refused_rows_are_left_out_of_summaries() {
    struct Half;
    impl Model for Half {
        type Scratch = ();
        fn scratch(&self) {}
        fn eval(&self, _: &mut (), x: &[f64], out: &mut [f64]) -> bool {
            out[0] = x[0];
            x[0] < 0.5
        }
    }
    let plan =
        Plan::new(vec![Dist::new(Shape::Uniform, 0.0, 0.5, 1.0).unwrap()], 10_000, 9, Sampling::MonteCarlo);
    let rows = sample(&Half, &plan, 1, &none);
    let refused = rows.refused();
    assert!(refused > 4_500 && refused < 5_500, "{refused}");
    assert!(rows.column(0).iter().all(|v| *v < 0.5));
}

#[test]
fn columns_hold_the_draws_and_the_rows() {
    // One number drawn alone is the number drawn with the others, and the columns lay out
    // exactly the draws and the rows, across chunk boundaries.
    let dists = vec![
        Dist::new(Shape::Triangular, 1.0, 2.0, 5.0).unwrap(),
        Dist::new(Shape::LogNormal, 1.0, 5.0, 100.0).unwrap(),
    ];
    // A model that lacks a result for some draws and refuses others outright.
    struct Picky;
    impl Model for Picky {
        type Scratch = ();
        fn scratch(&self) {}
        fn eval(&self, _: &mut (), x: &[f64], out: &mut [f64]) -> bool {
            out[0] = x[0] * x[1];
            out[1] = if x[0] > 2.0 { f64::NAN } else { x[0] };
            x[0] < 4.5
        }
    }
    for sampling in [Sampling::MonteCarlo, Sampling::LatinHypercube] {
        // Several of the sampler's chunks, the last one short, whatever the chunk size.
        let n = 3 * chunk_rows(3 * CHUNK) + 5;
        let plan = Plan::new(dists.clone(), n, 9, sampling);
        let rows = sample(&Picky, &plan, 2, &none);
        let cols = columns(&plan, &rows);
        assert_eq!(cols.len(), 4 * n);
        let mut x = [0.0; 2];
        for i in 0..n {
            plan.draw(i, &mut x);
            assert_eq!(cols[i].to_bits(), x[0].to_bits(), "{sampling:?} row {i}");
            assert_eq!(cols[n + i].to_bits(), x[1].to_bits());
            assert_eq!(cols[2 * n + i].to_bits(), rows.get(i, 0).to_bits());
            assert_eq!(cols[3 * n + i].to_bits(), rows.get(i, 1).to_bits());
            assert_eq!(rows.is_refused(i), x[0] >= 4.5, "row {i}");
            if rows.is_refused(i) {
                assert!(cols[2 * n + i].is_nan() && cols[3 * n + i].is_nan(), "a refused row has no results");
            }
        }
        assert!(rows.refused() > 0 && rows.refused() < n);
        assert!(cols[3 * n..].iter().any(|v| v.is_nan()), "a lacking result stays NaN");
    }
}
