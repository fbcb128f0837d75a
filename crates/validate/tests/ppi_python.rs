//! standpoint-validate against ppi-python 0.2.3 (`ppi_mean_pointestimate`, `ppi_mean_ci`) on 60
//! seeded random cases computed by `scripts/reference-ppi.py` and stored beside this test:
//! estimates to 1e-9, interval bounds to 1e-6 (the acceptance of issue 24).

use standpoint_validate::{gold_mean, ppi_mean, ppi_mean_fixed};

#[derive(serde::Deserialize)]
struct Case {
    y: Vec<f64>,
    yhat: Vec<f64>,
    unlabelled: Vec<f64>,
    point: f64,
    #[serde(rename = "ci_0.9")]
    ci90: [f64; 2],
    #[serde(rename = "ci_0.95")]
    ci95: [f64; 2],
    #[serde(rename = "ci_0.99")]
    ci99: [f64; 2],
    ci_lam0: [f64; 2],
    ci_lam1: [f64; 2],
}

fn cases() -> Vec<Case> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ppi_reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn power_tuned_estimates_and_intervals_equal_ppi_python() {
    let cases = cases();
    assert_eq!(cases.len(), 60);
    for (i, c) in cases.iter().enumerate() {
        for (level, want) in [(0.9, c.ci90), (0.95, c.ci95), (0.99, c.ci99)] {
            let e = ppi_mean(&c.y, &c.yhat, &c.unlabelled, level).unwrap();
            assert!(
                (e.interval.estimate - c.point).abs() < 1e-9,
                "case {i}: estimate {} vs {}",
                e.interval.estimate,
                c.point
            );
            assert!(
                (e.interval.lo - want[0]).abs() < 1e-6 && (e.interval.hi - want[1]).abs() < 1e-6,
                "case {i} at {level}: [{}, {}] vs {want:?}",
                e.interval.lo,
                e.interval.hi
            );
        }
    }
}

#[test]
fn labels_only_and_classic_ppi_equal_ppi_python_at_lambda_0_and_1() {
    for (i, c) in cases().iter().enumerate() {
        let (g, _) = gold_mean(&c.y, 0.95).unwrap();
        assert!(
            (g.lo - c.ci_lam0[0]).abs() < 1e-6 && (g.hi - c.ci_lam0[1]).abs() < 1e-6,
            "case {i}: {g:?} vs {:?}",
            c.ci_lam0
        );
        for (lambda, want) in [(0.0, c.ci_lam0), (1.0, c.ci_lam1)] {
            let e = ppi_mean_fixed(&c.y, &c.yhat, &c.unlabelled, lambda, 0.95).unwrap();
            let i95 = e.interval;
            assert!(
                (i95.lo - want[0]).abs() < 1e-6 && (i95.hi - want[1]).abs() < 1e-6,
                "case {i}, lambda {lambda}: {i95:?} vs {want:?}"
            );
        }
    }
}
