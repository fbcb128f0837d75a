//! Scores used by the public stance benchmarks.
//!
//! - SemEval-2016 F_avg: mean of the F1 of FAVOR and of AGAINST over all items (NONE
//!   predictions count against both classes' recall).
//! - P-Stance F_macro: F_avg computed per target, then averaged over targets.
//! - macro-F1: mean F1 over the classes present in the gold labels (NewsMTSC, VAST).

use std::collections::BTreeMap;

use crate::Label;

/// A 3x3 confusion matrix, `counts[gold][predicted]` in [`Label::ALL`] order.
///
/// ```
/// use standpoint_stance::{metrics::Confusion, Label::*};
/// let c = Confusion::from_pairs([(Favor, Favor), (Against, Favor), (Against, Against), (None, None)]);
/// assert_eq!(c.accuracy(), 0.75);
/// assert!((c.f1(Favor) - 2.0 / 3.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Confusion {
    /// `counts[gold][predicted]`.
    pub counts: [[u64; 3]; 3],
}

impl Confusion {
    /// Builds a matrix from (gold, predicted) pairs.
    ///
    /// ```
    /// use standpoint_stance::{metrics::Confusion, Label::*};
    /// assert_eq!(Confusion::from_pairs([(Favor, None)]).counts[0][2], 1);
    /// ```
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Label, Label)>) -> Confusion {
        let mut c = Confusion::default();
        for (g, p) in pairs {
            c.add(g, p);
        }
        c
    }

    /// Adds one item.
    ///
    /// ```
    /// use standpoint_stance::{metrics::Confusion, Label::*};
    /// let mut c = Confusion::default();
    /// c.add(Favor, Favor);
    /// assert_eq!(c.total(), 1);
    /// ```
    pub fn add(&mut self, gold: Label, predicted: Label) {
        self.counts[gold.index()][predicted.index()] += 1;
    }

    /// Number of items.
    ///
    /// ```
    /// assert_eq!(standpoint_stance::metrics::Confusion::default().total(), 0);
    /// ```
    pub fn total(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }

    /// Share of items predicted correctly (0 when empty).
    ///
    /// ```
    /// assert_eq!(standpoint_stance::metrics::Confusion::default().accuracy(), 0.0);
    /// ```
    pub fn accuracy(&self) -> f64 {
        let correct: u64 = (0..3).map(|i| self.counts[i][i]).sum();
        ratio(correct, self.total())
    }

    /// Precision of a class (0 when it was never predicted).
    ///
    /// ```
    /// use standpoint_stance::{metrics::Confusion, Label::*};
    /// let c = Confusion::from_pairs([(Favor, Favor), (Against, Favor)]);
    /// assert_eq!(c.precision(Favor), 0.5);
    /// ```
    pub fn precision(&self, l: Label) -> f64 {
        let j = l.index();
        ratio(self.counts[j][j], (0..3).map(|i| self.counts[i][j]).sum())
    }

    /// Recall of a class (0 when it never occurs in the gold labels).
    ///
    /// ```
    /// use standpoint_stance::{metrics::Confusion, Label::*};
    /// let c = Confusion::from_pairs([(Favor, Favor), (Favor, None)]);
    /// assert_eq!(c.recall(Favor), 0.5);
    /// ```
    pub fn recall(&self, l: Label) -> f64 {
        let i = l.index();
        ratio(self.counts[i][i], self.counts[i].iter().sum())
    }

    /// F1 of a class (0 when precision and recall are both 0).
    ///
    /// ```
    /// use standpoint_stance::{metrics::Confusion, Label::*};
    /// assert_eq!(Confusion::from_pairs([(Favor, Favor)]).f1(Favor), 1.0);
    /// ```
    pub fn f1(&self, l: Label) -> f64 {
        let (p, r) = (self.precision(l), self.recall(l));
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// SemEval-2016 F_avg: (F1(FAVOR) + F1(AGAINST)) / 2.
    ///
    /// ```
    /// use standpoint_stance::{metrics::Confusion, Label::*};
    /// let c = Confusion::from_pairs([(Favor, Favor), (Against, None)]);
    /// assert_eq!(c.f_avg(), 0.5);
    /// ```
    pub fn f_avg(&self) -> f64 {
        (self.f1(Label::Favor) + self.f1(Label::Against)) / 2.0
    }

    /// Mean F1 over the classes that occur in the gold labels.
    ///
    /// ```
    /// use standpoint_stance::{metrics::Confusion, Label::*};
    /// let c = Confusion::from_pairs([(Favor, Favor), (Against, Against)]);
    /// assert_eq!(c.macro_f1(), 1.0);
    /// ```
    pub fn macro_f1(&self) -> f64 {
        let present: Vec<Label> = Label::ALL
            .into_iter()
            .filter(|l| self.counts[l.index()].iter().sum::<u64>() > 0)
            .collect();
        if present.is_empty() {
            return 0.0;
        }
        present.iter().map(|&l| self.f1(l)).sum::<f64>() / present.len() as f64
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Confusion matrices per target.
///
/// ```
/// use standpoint_stance::{metrics::by_target, Label::*};
/// let m = by_target([("a", Favor, Favor), ("b", Against, Favor)]);
/// assert_eq!(m.len(), 2);
/// ```
pub fn by_target<'a>(
    items: impl IntoIterator<Item = (&'a str, Label, Label)>,
) -> BTreeMap<String, Confusion> {
    let mut m: BTreeMap<String, Confusion> = BTreeMap::new();
    for (t, g, p) in items {
        m.entry(t.to_string()).or_default().add(g, p);
    }
    m
}

/// P-Stance F_macro: the mean over targets of each target's F_avg.
///
/// ```
/// use standpoint_stance::{metrics::{by_target, f_macro}, Label::*};
/// let m = by_target([("a", Favor, Favor), ("a", Against, Against), ("b", Favor, Against), ("b", Against, Against)]);
/// // target a: F_avg 1.0; target b: F1(FAVOR)=0, F1(AGAINST)=2/3, F_avg 1/3.
/// assert!((f_macro(&m) - (1.0 + 1.0 / 3.0) / 2.0).abs() < 1e-12);
/// ```
pub fn f_macro(per_target: &BTreeMap<String, Confusion>) -> f64 {
    if per_target.is_empty() {
        return 0.0;
    }
    per_target.values().map(Confusion::f_avg).sum::<f64>() / per_target.len() as f64
}

/// A small seeded random number generator (SplitMix64): bootstrap results depend only on the
/// seed, on every platform and version.
///
/// ```
/// use standpoint_stance::metrics::SplitMix64;
/// let (mut a, mut b) = (SplitMix64::new(7), SplitMix64::new(7));
/// assert_eq!(a.below(1000), b.below(1000));
/// ```
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator with this seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..n` (`n > 0`; Lemire's multiply-shift, negligible bias).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

/// Indices of `resamples` bootstrap samples of `n` items (with replacement), seeded.
fn samples(n: usize, resamples: usize, seed: u64) -> impl Iterator<Item = Vec<usize>> {
    let mut rng = SplitMix64::new(seed);
    (0..resamples).map(move |_| (0..n).map(|_| rng.below(n)).collect())
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Percentile bootstrap 95% interval of a statistic over `n` items: `stat` gets the indices of
/// one resample. Seeded and reproducible.
///
/// ```
/// use standpoint_stance::metrics::bootstrap_interval;
/// let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
/// let mean = |idx: &[usize]| idx.iter().map(|&i| x[i]).sum::<f64>() / idx.len() as f64;
/// let (lo, hi) = bootstrap_interval(x.len(), 1000, 13, mean);
/// assert!(lo < 4.5 && 4.5 < hi && lo > 1.0 && hi < 8.0);
/// assert_eq!((lo, hi), bootstrap_interval(x.len(), 1000, 13, mean));
/// ```
pub fn bootstrap_interval(
    n: usize,
    resamples: usize,
    seed: u64,
    mut stat: impl FnMut(&[usize]) -> f64,
) -> (f64, f64) {
    if n == 0 || resamples == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mut v: Vec<f64> = samples(n, resamples, seed).map(|s| stat(&s)).collect();
    v.sort_by(|a, b| a.total_cmp(b));
    (percentile(&v, 0.025), percentile(&v, 0.975))
}

/// Paired bootstrap test: two-sided p-value for "the difference between two systems on the
/// same items is zero". `diff` gets the indices of one resample and returns metric(A) -
/// metric(B) on it; p = 2 x the smaller share of resamples on either side of zero (capped at 1).
///
/// ```
/// use standpoint_stance::metrics::paired_bootstrap;
/// // Identical systems: every resampled difference is 0, so p = 1.
/// assert_eq!(paired_bootstrap(50, 200, 1, |_| 0.0), 1.0);
/// // A always better by a wide margin: p is tiny.
/// assert!(paired_bootstrap(50, 200, 1, |_| 0.3) < 0.01);
/// ```
pub fn paired_bootstrap(
    n: usize,
    resamples: usize,
    seed: u64,
    mut diff: impl FnMut(&[usize]) -> f64,
) -> f64 {
    if n == 0 || resamples == 0 {
        return 1.0;
    }
    let (mut le, mut ge) = (0usize, 0usize);
    for s in samples(n, resamples, seed) {
        let d = diff(&s);
        if d <= 0.0 {
            le += 1;
        }
        if d >= 0.0 {
            ge += 1;
        }
    }
    (2.0 * le.min(ge) as f64 / resamples as f64).min(1.0)
}

/// Exact McNemar test: two-sided p-value from the discordant pairs, `b` items only system A got
/// right and `c` items only system B got right.
///
/// ```
/// use standpoint_stance::metrics::mcnemar;
/// // b=10, c=2: p = 2 * (C(12,0)+C(12,1)+C(12,2)) / 2^12 = 158/4096.
/// assert!((mcnemar(10, 2) - 158.0 / 4096.0).abs() < 1e-12);
/// assert_eq!(mcnemar(5, 5), 1.0);
/// ```
pub fn mcnemar(b: u64, c: u64) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    // ln C(n, i) accumulated term by term; sum the lower tail in probability space.
    let mut ln_c = 0.0f64;
    let mut tail = 0.0f64;
    let ln_half_n = n as f64 * 0.5f64.ln();
    for i in 0..=k {
        if i > 0 {
            ln_c += ((n - i + 1) as f64).ln() - (i as f64).ln();
        }
        tail += (ln_c + ln_half_n).exp();
    }
    (2.0 * tail).min(1.0)
}

/// How closely two readings of the same pairs agree (int8 against fp32, one model against
/// another): the share of pairs given the same label, and each pair's largest difference in a
/// class probability, sorted ascending (for percentiles).
///
/// ```
/// use standpoint_stance::{metrics::agreement, Probs};
/// let a = [Probs { favor: 0.7, against: 0.2, none: 0.1 }, Probs { favor: 0.1, against: 0.2, none: 0.7 }];
/// let b = [Probs { favor: 0.6, against: 0.3, none: 0.1 }, Probs { favor: 0.5, against: 0.1, none: 0.4 }];
/// let (same, diffs) = agreement(&a, &b);
/// assert_eq!(same, 0.5);
/// assert!((diffs[0] - 0.1).abs() < 1e-6 && (diffs[1] - 0.4).abs() < 1e-6);
/// ```
pub fn agreement(a: &[crate::Probs], b: &[crate::Probs]) -> (f64, Vec<f32>) {
    let same = a
        .iter()
        .zip(b)
        .filter(|(x, y)| x.label() == y.label())
        .count();
    let mut diffs: Vec<f32> = a
        .iter()
        .zip(b)
        .map(|(x, y)| {
            (x.favor - y.favor)
                .abs()
                .max((x.against - y.against).abs())
                .max((x.none - y.none).abs())
        })
        .collect();
    diffs.sort_by(f32::total_cmp);
    (same as f64 / a.len().max(1) as f64, diffs)
}
