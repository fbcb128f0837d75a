//! Stance classification: FAVOR / AGAINST / NONE toward given targets, with probabilities.
//!
//! One small trait, [`StanceClassifier`], takes a batch of sentences and a list of targets and
//! returns one [`Probs`] per (sentence, target) pair. Implementations:
//!
//! - [`EncoderHeadClassifier`] (feature `model`, the default): a frozen sentence encoder
//!   (all-MiniLM-L6-v2 through rust-bert) plus a small head trained by this project. Each
//!   sentence and each target is encoded once per batch; N targets cost one encoder pass per
//!   sentence plus N cheap head evaluations.
//! - [`CrossEncoder`] (feature `model`): the same encoder fine-tuned as a (target, sentence)
//!   cross-encoder with LoRA adapters ([`CrossEncoderTrainer`], `standpoint finetune`); more
//!   accurate, one encoder pass per (sentence, target) pair.
//! - [`NliClassifier`] and [`SequenceClassifier`] (feature `model`): zero-shot NLI and fine-tuned
//!   pair classifiers a user brings, through rust-bert.
//! - [`Ensemble`]: a weighted average of any classifiers' probabilities.
//! - [`baseline::Majority`] and [`baseline::Lexical`]: model-free baselines for benchmarking.
//!   They build without libtorch (`default-features = false`).
//!
//! The [`metrics`] module computes the scores the public stance benchmarks use (SemEval-2016
//! F_avg, P-Stance F_macro, macro-F1).
//!
//! ```
//! use standpoint_stance::{baseline::Majority, Label, StanceClassifier};
//!
//! let train = [("We must stop the war", "a ceasefire", Label::Favor),
//!              ("A truce rewards them", "a ceasefire", Label::Against),
//!              ("Talks resume today", "a ceasefire", Label::Favor)];
//! let clf = Majority::fit(train.iter().map(|(_, t, l)| (*t, *l)));
//! let probs = clf.predict(&["Anything at all"], &["a ceasefire"]).unwrap();
//! assert_eq!(probs[0].label(), Label::Favor);
//! ```
#![deny(missing_docs)]

pub mod baseline;
pub mod checks;
#[cfg(feature = "model")]
mod cross;
pub mod data;
mod ensemble;
mod error;
pub mod manifest;
pub mod metrics;
#[cfg(feature = "model")]
mod model;
#[cfg(feature = "model")]
mod native;
#[cfg(feature = "model")]
mod pairs;
#[cfg(feature = "model")]
pub mod tokenize;

#[cfg(feature = "model")]
pub use cross::{
    CrossEncoder, CrossEncoderTrainer, FineTuneConfig, FineTuneEvent, FineTuneExample,
};
pub use ensemble::Ensemble;
pub use error::Error;
#[cfg(feature = "model")]
pub use model::{
    Encoder, EncoderBackend, EncoderHeadClassifier, Head, HeadTrainer, TrainConfig,
    DEFAULT_MAX_BATCH_TOKENS,
};
#[cfg(feature = "model")]
pub use pairs::{NliClassifier, SequenceClassifier};

use serde::{Deserialize, Serialize};

/// A stance label.
///
/// ```
/// use standpoint_stance::Label;
/// assert_eq!("against".parse::<Label>().unwrap(), Label::Against);
/// assert_eq!(Label::Favor.as_str(), "FAVOR");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Label {
    /// The text argues for the target.
    Favor,
    /// The text argues against the target.
    Against,
    /// Neither (neutral, unrelated).
    None,
}

impl Label {
    /// All labels, in the order of [`Probs::as_array`].
    pub const ALL: [Label; 3] = [Label::Favor, Label::Against, Label::None];

    /// The label's canonical name.
    ///
    /// ```
    /// assert_eq!(standpoint_stance::Label::None.as_str(), "NONE");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Favor => "FAVOR",
            Label::Against => "AGAINST",
            Label::None => "NONE",
        }
    }

    /// Index of the label in [`Label::ALL`].
    ///
    /// ```
    /// assert_eq!(standpoint_stance::Label::Against.index(), 1);
    /// ```
    pub fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Label {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_uppercase().as_str() {
            "FAVOR" | "FAVOUR" => Ok(Label::Favor),
            "AGAINST" => Ok(Label::Against),
            "NONE" => Ok(Label::None),
            _ => Err(Error::UnknownLabel(s.to_string())),
        }
    }
}

/// Probabilities for FAVOR, AGAINST and NONE; they sum to 1.
///
/// ```
/// use standpoint_stance::{Label, Probs};
/// let p = Probs::new(0.7, 0.2, 0.1);
/// assert_eq!(p.label(), Label::Favor);
/// assert!((p.net() - 0.5).abs() < 1e-6);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Probs {
    /// P(FAVOR).
    pub favor: f32,
    /// P(AGAINST).
    pub against: f32,
    /// P(NONE).
    pub none: f32,
}

impl Probs {
    /// Builds probabilities from three non-negative weights, normalised to sum to 1.
    ///
    /// ```
    /// let p = standpoint_stance::Probs::new(2.0, 1.0, 1.0);
    /// assert_eq!(p.favor, 0.5);
    /// ```
    pub fn new(favor: f32, against: f32, none: f32) -> Probs {
        let sum = favor + against + none;
        if sum > 0.0 && sum.is_finite() {
            Probs {
                favor: favor / sum,
                against: against / sum,
                none: none / sum,
            }
        } else {
            Probs {
                favor: 1.0 / 3.0,
                against: 1.0 / 3.0,
                none: 1.0 / 3.0,
            }
        }
    }

    /// Probabilities from logits (softmax).
    ///
    /// ```
    /// let p = standpoint_stance::Probs::from_logits([0.0, 0.0, 0.0]);
    /// assert!((p.none - 1.0 / 3.0).abs() < 1e-6);
    /// ```
    pub fn from_logits(logits: [f32; 3]) -> Probs {
        let m = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let e = logits.map(|l| (l - m).exp());
        Probs::new(e[0], e[1], e[2])
    }

    /// `[favor, against, none]`.
    ///
    /// ```
    /// assert_eq!(standpoint_stance::Probs::new(1.0, 0.0, 0.0).as_array(), [1.0, 0.0, 0.0]);
    /// ```
    pub fn as_array(&self) -> [f32; 3] {
        [self.favor, self.against, self.none]
    }

    /// The most probable label (ties go to the earlier label in [`Label::ALL`]).
    ///
    /// ```
    /// use standpoint_stance::{Label, Probs};
    /// assert_eq!(Probs::new(0.1, 0.1, 0.8).label(), Label::None);
    /// ```
    pub fn label(&self) -> Label {
        let a = self.as_array();
        let mut best = 0;
        for i in 1..3 {
            if a[i] > a[best] {
                best = i;
            }
        }
        Label::ALL[best]
    }

    /// The most probable of FAVOR and AGAINST, for data sets without a NONE class (P-Stance).
    ///
    /// ```
    /// use standpoint_stance::{Label, Probs};
    /// assert_eq!(Probs::new(0.2, 0.3, 0.5).label_without_none(), Label::Against);
    /// ```
    pub fn label_without_none(&self) -> Label {
        if self.against > self.favor {
            Label::Against
        } else {
            Label::Favor
        }
    }

    /// Net stance `P(FAVOR) - P(AGAINST)`, in [-1, 1].
    ///
    /// ```
    /// assert_eq!(standpoint_stance::Probs::new(0.0, 1.0, 0.0).net(), -1.0);
    /// ```
    pub fn net(&self) -> f32 {
        self.favor - self.against
    }
}

/// A stance classifier: a batch of sentences and a list of targets in, one [`Probs`] per
/// (sentence, target) pair out, sentence-major: the result for sentence `i` and target `j` is
/// at `i * targets.len() + j`.
///
/// Sentence-encoder implementations ([`EncoderHeadClassifier`], the baselines) encode each
/// sentence at most once per call, whatever the number of targets; pair models (cross-encoder,
/// NLI, sequence classifier) necessarily run once per (sentence, target) pair.
///
/// ```
/// use standpoint_stance::{baseline::Lexical, StanceClassifier};
/// let clf = Lexical::default();
/// let p = clf.predict(&["We oppose this terrible plan.", "Sunny today."], &["the plan", "x"]).unwrap();
/// assert_eq!(p.len(), 4);
/// ```
pub trait StanceClassifier {
    /// A short name for reports ("encoder-head", "majority", ...).
    fn name(&self) -> &str;

    /// Classifies every sentence toward every target.
    fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, Error>;

    /// Classifies (sentence, target) pairs: sentences and targets are each encoded once.
    ///
    /// ```
    /// use standpoint_stance::{baseline::Lexical, StanceClassifier};
    /// let p = Lexical::default().predict_pairs(&[("I support it.", "it"), ("I hate it.", "it")]).unwrap();
    /// assert!(p[0].net() > p[1].net());
    /// ```
    fn predict_pairs(&self, pairs: &[(&str, &str)]) -> Result<Vec<Probs>, Error> {
        let mut targets: Vec<&str> = pairs.iter().map(|p| p.1).collect();
        targets.sort_unstable();
        targets.dedup();
        let mut out = Vec::with_capacity(pairs.len());
        // Group by target so that each target's sentences go through one call.
        let mut by_target: Vec<Vec<usize>> = vec![Vec::new(); targets.len()];
        for (i, (_, t)) in pairs.iter().enumerate() {
            let j = targets.binary_search(t).unwrap_or(0);
            by_target[j].push(i);
        }
        let mut results = vec![None; pairs.len()];
        for (j, idx) in by_target.iter().enumerate() {
            if idx.is_empty() {
                continue;
            }
            let sents: Vec<&str> = idx.iter().map(|&i| pairs[i].0).collect();
            let probs = self.predict(&sents, &targets[j..=j])?;
            for (&i, p) in idx.iter().zip(probs) {
                results[i] = Some(p);
            }
        }
        for r in results {
            out.push(r.ok_or_else(|| Error::Model("classifier returned too few results".into()))?);
        }
        Ok(out)
    }
}
