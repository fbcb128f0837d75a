//! Evaluation recipes: the dev sets and the metric each benchmark reports ([`DEV_SETS`],
//! [`score`]), per-set scores with bootstrap intervals ([`score_set`]), paired comparisons of
//! two classifiers ([`compare`]) and the one [`quantile`] function the reports use.
//!
//! ```
//! use standpoint_stance::eval::{quantile, score_set};
//! use standpoint_stance::Label::{Against, Favor, None};
//!
//! let gold = [Favor, Favor, Against, None];
//! let pred = [Favor, Against, Against, None];
//! let s = score_set(&gold, &pred, &["t"; 4], 200, 7);
//! assert_eq!(s.accuracy, 0.75);
//! assert!(s.macro_f1_ci.0 <= s.macro_f1 && s.macro_f1 <= s.macro_f1_ci.1);
//! assert_eq!(quantile(&[3.0, 1.0, 2.0, 4.0], 0.5), 2.5);
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::data::Example;
use crate::metrics::{
    bootstrap_interval, by_target, f_macro, mcnemar, paired_bootstrap, Confusion,
};
use crate::{Label, Probs};

/// The metric a benchmark reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevMetric {
    /// SemEval-2016: F_avg over all items.
    SemEvalFavg,
    /// P-Stance: mean per-target F_avg, FAVOR/AGAINST only (no NONE class: argmax of the two).
    PStanceFmacro,
    /// Macro-F1 over three classes.
    MacroF1,
    /// VAST: macro-F1 on zero-shot rows (seen = 0), and on all rows.
    VastZeroShot,
    /// Two-class sets (Perspectrum): accuracy and F_avg of the argmax of FAVOR and AGAINST.
    TwoClass,
}

/// A dev set: its name in reports, its file under the shared data folder, its metric.
#[derive(Debug, Clone, Copy)]
pub struct DevSet {
    /// Name in manifests and reports.
    pub name: &'static str,
    /// Path relative to the shared data folder.
    pub file: &'static str,
    /// The benchmark's metric.
    pub metric: DevMetric,
}

/// The dev sets `train`, `finetune` and `bench` score.
pub const DEV_SETS: &[DevSet] = &[
    DevSet {
        name: "semeval2016_val",
        file: "stance/semeval2016_tweeteval/val.jsonl",
        metric: DevMetric::SemEvalFavg,
    },
    DevSet {
        name: "pstance_val",
        file: "stance/pstance/val.jsonl",
        metric: DevMetric::PStanceFmacro,
    },
    DevSet {
        name: "newsmtsc_dev_rw",
        file: "stance/newsmtsc/dev_rw.jsonl",
        metric: DevMetric::MacroF1,
    },
    DevSet {
        name: "vast_dev",
        file: "stance/vast/dev.jsonl",
        metric: DevMetric::VastZeroShot,
    },
    DevSet {
        name: "perspectrum_dev",
        file: "stance/perspectrum/dev.jsonl",
        metric: DevMetric::TwoClass,
    },
    DevSet {
        name: "arc_dev",
        file: "stance/arc/dev.jsonl",
        metric: DevMetric::MacroF1,
    },
];

/// Dev-set scores, set name -> metric -> value (percent).
pub type DevScores = BTreeMap<String, BTreeMap<String, f64>>;

/// Scores predictions with the benchmark's metric; returns metric name -> value (percent).
///
/// ```
/// use standpoint_stance::eval::{score, DevMetric};
/// use standpoint_stance::{data::Example, Label, Probs};
/// let ex = |label| Example { id: "1".into(), text: "t".into(), target: "x".into(), label, seen: None, context: String::new(), source_label: None };
/// let s = score(DevMetric::MacroF1, &[ex(Label::Favor)], &[Probs::new(0.9, 0.05, 0.05)]);
/// assert_eq!(s["accuracy"], 100.0);
/// ```
pub fn score(metric: DevMetric, examples: &[Example], probs: &[Probs]) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let pairs = || examples.iter().zip(probs);
    match metric {
        DevMetric::SemEvalFavg => {
            let c = Confusion::from_pairs(pairs().map(|(e, p)| (e.label, p.label())));
            out.insert("f_avg".into(), 100.0 * c.f_avg());
            out.insert("macro_f1".into(), 100.0 * c.macro_f1());
            out.insert("accuracy".into(), 100.0 * c.accuracy());
        }
        DevMetric::PStanceFmacro => {
            let m = by_target(
                pairs().map(|(e, p)| (e.target.as_str(), e.label, p.label_without_none())),
            );
            out.insert("f_macro".into(), 100.0 * f_macro(&m));
            let c = Confusion::from_pairs(pairs().map(|(e, p)| (e.label, p.label_without_none())));
            out.insert("f_avg".into(), 100.0 * c.f_avg());
        }
        DevMetric::MacroF1 => {
            let c = Confusion::from_pairs(pairs().map(|(e, p)| (e.label, p.label())));
            out.insert("macro_f1".into(), 100.0 * c.macro_f1());
            out.insert("accuracy".into(), 100.0 * c.accuracy());
        }
        DevMetric::VastZeroShot => {
            let zs = Confusion::from_pairs(
                pairs()
                    .filter(|(e, _)| e.seen == Some(0))
                    .map(|(e, p)| (e.label, p.label())),
            );
            let all = Confusion::from_pairs(pairs().map(|(e, p)| (e.label, p.label())));
            out.insert("zero_shot_macro_f1".into(), 100.0 * zs.macro_f1());
            out.insert("all_macro_f1".into(), 100.0 * all.macro_f1());
        }
        DevMetric::TwoClass => {
            let c = Confusion::from_pairs(pairs().map(|(e, p)| (e.label, p.label_without_none())));
            out.insert("accuracy".into(), 100.0 * c.accuracy());
            out.insert("f_avg".into(), 100.0 * c.f_avg());
        }
    }
    out
}

/// What [`score_dev`] reports as it goes.
#[derive(Debug)]
pub enum DevEvent<'a> {
    /// A dev set's file is not there; the set is not scored.
    Missing(&'a std::path::Path),
    /// A bad row, skipped.
    Skipped(&'a crate::Error),
    /// A set was scored.
    Scored(&'a str, &'a BTreeMap<String, f64>),
}

/// Scores every dev set found under `shared` with `predict(name, examples)`.
pub fn score_dev<E: From<crate::Error>>(
    shared: &std::path::Path,
    mut predict: impl FnMut(&str, &[Example]) -> Result<Vec<Probs>, E>,
    mut events: impl FnMut(DevEvent<'_>),
) -> Result<DevScores, E> {
    let mut dev = BTreeMap::new();
    for set in DEV_SETS {
        let path = shared.join(set.file);
        if !path.is_file() {
            events(DevEvent::Missing(&path));
            continue;
        }
        let (ex, bad) = crate::data::read_jsonl(&path)?;
        for e in &bad {
            events(DevEvent::Skipped(e));
        }
        let probs = predict(set.name, &ex)?;
        let scores = score(set.metric, &ex, &probs);
        events(DevEvent::Scored(set.name, &scores));
        dev.insert(set.name.to_string(), scores);
    }
    Ok(dev)
}

/// The `q` quantile (0..=1) by linear interpolation between closest ranks; NaN for no values.
///
/// ```
/// use standpoint_stance::eval::quantile;
/// assert_eq!(quantile(&[1.0, 2.0, 3.0], 0.5), 2.0);
/// assert_eq!(quantile(&[10.0, 20.0], 0.95), 19.5);
/// assert!(quantile(&[], 0.5).is_nan());
/// ```
pub fn quantile(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// The label a prediction means: the argmax, or the argmax of FAVOR and AGAINST for sets
/// without a NONE class.
pub fn predicted(p: [f32; 3], no_none: bool) -> Label {
    let probs = Probs {
        favor: p[0],
        against: p[1],
        none: p[2],
    };
    if no_none {
        probs.label_without_none()
    } else {
        probs.label()
    }
}

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, Serialize)]
pub struct ClassScores {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

/// Scores of one classifier on one set (fractions, not percent).
#[derive(Debug, Clone, Serialize)]
pub struct SetScores {
    /// Items.
    pub n: usize,
    /// Accuracy.
    pub accuracy: f64,
    /// Macro-F1 over the three classes.
    pub macro_f1: f64,
    /// Its percentile-bootstrap 95% interval.
    pub macro_f1_ci: (f64, f64),
    /// Mean F1 of FAVOR and AGAINST.
    pub f_avg: f64,
    /// Its percentile-bootstrap 95% interval.
    pub f_avg_ci: (f64, f64),
    /// Mean per-target F_avg.
    pub f_macro: f64,
    /// Per class.
    pub per_class: BTreeMap<&'static str, ClassScores>,
    /// F_avg per target.
    pub per_target_f_avg: BTreeMap<String, f64>,
    /// `confusion[gold][predicted]` in FAVOR, AGAINST, NONE order.
    pub confusion: [[u64; 3]; 3],
}

fn confusion(gold: &[Label], pred: &[Label], idx: &[usize]) -> Confusion {
    Confusion::from_pairs(idx.iter().map(|&i| (gold[i], pred[i])))
}

/// Scores `pred` against `gold` (with each item's target), with bootstrap intervals.
pub fn score_set(
    gold: &[Label],
    pred: &[Label],
    targets: &[&str],
    resamples: usize,
    seed: u64,
) -> SetScores {
    let all: Vec<usize> = (0..gold.len()).collect();
    let c = confusion(gold, pred, &all);
    let per_target = by_target(all.iter().map(|&i| (targets[i], gold[i], pred[i])));
    let macro_ci = bootstrap_interval(gold.len(), resamples, seed, |s| {
        confusion(gold, pred, s).macro_f1()
    });
    let favg_ci = bootstrap_interval(gold.len(), resamples, seed, |s| {
        confusion(gold, pred, s).f_avg()
    });
    SetScores {
        n: gold.len(),
        accuracy: c.accuracy(),
        macro_f1: c.macro_f1(),
        macro_f1_ci: macro_ci,
        f_avg: c.f_avg(),
        f_avg_ci: favg_ci,
        f_macro: f_macro(&per_target),
        per_class: Label::ALL
            .iter()
            .map(|&l| {
                let s = ClassScores {
                    precision: c.precision(l),
                    recall: c.recall(l),
                    f1: c.f1(l),
                };
                (l.as_str(), s)
            })
            .collect(),
        per_target_f_avg: per_target
            .iter()
            .map(|(t, c)| (t.clone(), c.f_avg()))
            .collect(),
        confusion: c.counts,
    }
}

/// Two classifiers compared on the same items.
#[derive(Debug, Clone, Serialize)]
pub struct PairedTest {
    /// Macro-F1 of A minus B.
    pub delta_macro_f1: f64,
    /// Paired-bootstrap p-value of that difference.
    pub p_macro_f1: f64,
    /// F_avg of A minus B.
    pub delta_f_avg: f64,
    /// Paired-bootstrap p-value of that difference.
    pub p_f_avg: f64,
    /// Items A gets right and B wrong.
    pub mcnemar_b: u64,
    /// Items B gets right and A wrong.
    pub mcnemar_c: u64,
    /// McNemar's exact p-value (accuracy).
    pub mcnemar_p: f64,
}

/// Paired bootstrap and McNemar tests of predictions `pa` against `pb`.
pub fn compare(
    gold: &[Label],
    pa: &[Label],
    pb: &[Label],
    resamples: usize,
    seed: u64,
) -> PairedTest {
    let all: Vec<usize> = (0..gold.len()).collect();
    let (ca, cb) = (confusion(gold, pa, &all), confusion(gold, pb, &all));
    let p_macro_f1 = paired_bootstrap(gold.len(), resamples, seed, |s| {
        confusion(gold, pa, s).macro_f1() - confusion(gold, pb, s).macro_f1()
    });
    let p_f_avg = paired_bootstrap(gold.len(), resamples, seed, |s| {
        confusion(gold, pa, s).f_avg() - confusion(gold, pb, s).f_avg()
    });
    let b = (0..gold.len())
        .filter(|&i| pa[i] == gold[i] && pb[i] != gold[i])
        .count() as u64;
    let c = (0..gold.len())
        .filter(|&i| pa[i] != gold[i] && pb[i] == gold[i])
        .count() as u64;
    PairedTest {
        delta_macro_f1: ca.macro_f1() - cb.macro_f1(),
        p_macro_f1,
        delta_f_avg: ca.f_avg() - cb.f_avg(),
        p_f_avg,
        mcnemar_b: b,
        mcnemar_c: c,
        mcnemar_p: mcnemar(b, c),
    }
}
