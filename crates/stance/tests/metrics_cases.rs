//! Metric definitions checked against hand-computed cases (model-free).

use standpoint_stance::metrics::{by_target, f_macro, Confusion};
use standpoint_stance::Label::{self, *};

#[test]
fn semeval_f_avg_counts_none_predictions_against_both_classes() {
    // gold/pred: F->F, F->N, A->A, A->F, N->N, N->A
    let c = Confusion::from_pairs([
        (Favor, Favor),
        (Favor, None),
        (Against, Against),
        (Against, Favor),
        (None, None),
        (None, Against),
    ]);
    // FAVOR: P = 1/2, R = 1/2, F1 = 1/2. AGAINST: P = 1/2, R = 1/2, F1 = 1/2.
    assert!((c.f_avg() - 0.5).abs() < 1e-12);
    // NONE: P = 1/2, R = 1/2 -> macro = 0.5
    assert!((c.macro_f1() - 0.5).abs() < 1e-12);
    assert!((c.accuracy() - 0.5).abs() < 1e-12);
}

#[test]
fn f1_by_hand() {
    // 3 FAVOR gold: 2 right, 1 as AGAINST; 1 AGAINST gold predicted FAVOR.
    let c = Confusion::from_pairs([
        (Favor, Favor),
        (Favor, Favor),
        (Favor, Against),
        (Against, Favor),
    ]);
    let (p, r) = (2.0 / 3.0, 2.0 / 3.0);
    assert!((c.f1(Favor) - 2.0 * p * r / (p + r)).abs() < 1e-12);
    assert_eq!(c.f1(Against), 0.0);
    // NONE never occurs in gold: macro-F1 averages FAVOR and AGAINST only.
    assert!((c.macro_f1() - c.f_avg()).abs() < 1e-12);
}

#[test]
fn pstance_f_macro_is_mean_of_per_target_f_avg() {
    let items: Vec<(&str, Label, Label)> = vec![
        ("Trump", Favor, Favor),
        ("Trump", Against, Against),
        ("Trump", Against, Favor),
        ("Biden", Favor, Favor),
        ("Biden", Favor, Favor),
    ];
    let m = by_target(items.iter().copied());
    // Trump: FAVOR P=1/2 R=1 F1=2/3; AGAINST P=1 R=1/2 F1=2/3 -> 2/3. Biden: FAVOR 1, AGAINST 0 -> 1/2.
    assert!((f_macro(&m) - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-12);
}

#[test]
fn bootstrap_is_seeded_and_depends_on_the_seed() {
    use standpoint_stance::metrics::{bootstrap_interval, paired_bootstrap};
    let x: Vec<f64> = (0..200).map(|i| ((i * 37) % 101) as f64).collect();
    let mean = |idx: &[usize]| idx.iter().map(|&i| x[i]).sum::<f64>() / idx.len() as f64;
    let a = bootstrap_interval(x.len(), 500, 1, mean);
    assert_eq!(a, bootstrap_interval(x.len(), 500, 1, mean));
    assert_ne!(a, bootstrap_interval(x.len(), 500, 2, mean));
    let m = mean(&(0..x.len()).collect::<Vec<_>>());
    assert!(a.0 < m && m < a.1);
    // A difference of noise around zero is not significant; a shift is.
    let d: Vec<f64> = (0..200)
        .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    let p = paired_bootstrap(d.len(), 500, 3, |s| s.iter().map(|&i| d[i]).sum::<f64>());
    assert!(p > 0.2, "{p}");
    let p = paired_bootstrap(d.len(), 500, 3, |s| {
        s.iter().map(|&i| d[i] + 0.5).sum::<f64>()
    });
    assert!(p < 0.01, "{p}");
}
