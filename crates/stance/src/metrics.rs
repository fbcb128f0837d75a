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
