//! The vocabulary the standpoint crates share, with no model and no libtorch behind it:
//! [`Label`], [`Probs`] and the [`StanceClassifier`] trait. `standpoint-stance` implements the
//! trait (and re-exports these types); `standpoint-aggregate` and `standpoint-pipeline` use them
//! without linking any model runtime.
//!
//! ```
//! use standpoint_types::{Label, Probs, StanceClassifier};
//!
//! /// A classifier that favours every target a sentence names.
//! struct Mentions;
//!
//! impl StanceClassifier for Mentions {
//!     type Error = standpoint_types::CountMismatch;
//!     fn name(&self) -> &str {
//!         "mentions"
//!     }
//!     fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, Self::Error> {
//!         Ok(sentences
//!             .iter()
//!             .flat_map(|s| targets.iter().map(move |t| if s.contains(t) {
//!                 Probs::new(1.0, 0.0, 0.0)
//!             } else {
//!                 Probs::new(0.0, 0.0, 1.0)
//!             }))
//!             .collect())
//!     }
//! }
//!
//! let p = Mentions.predict(&["We want a ceasefire."], &["a ceasefire", "tariffs"]).unwrap();
//! assert_eq!(p[0].label(), Label::Favor);
//! assert_eq!(p[1].label(), Label::None);
//! ```
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};

/// A string that is not FAVOR, AGAINST or NONE.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown stance label {0:?} (expected FAVOR, AGAINST or NONE)")]
pub struct ParseLabelError(pub String);

/// A classifier returned a different number of results than it was asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("classifier returned {got} results where {expected} were expected")]
pub struct CountMismatch {
    /// Results asked for.
    pub expected: usize,
    /// Results returned.
    pub got: usize,
}

/// A stance label.
///
/// ```
/// use standpoint_types::Label;
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
    /// assert_eq!(standpoint_types::Label::None.as_str(), "NONE");
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
    /// assert_eq!(standpoint_types::Label::Against.index(), 1);
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
    type Err = ParseLabelError;

    fn from_str(s: &str) -> Result<Self, ParseLabelError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "FAVOR" | "FAVOUR" => Ok(Label::Favor),
            "AGAINST" => Ok(Label::Against),
            "NONE" => Ok(Label::None),
            _ => Err(ParseLabelError(s.to_string())),
        }
    }
}

/// Probabilities for FAVOR, AGAINST and NONE; they sum to 1.
///
/// ```
/// use standpoint_types::{Label, Probs};
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
    /// let p = standpoint_types::Probs::new(2.0, 1.0, 1.0);
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
    /// let p = standpoint_types::Probs::from_logits([0.0, 0.0, 0.0]);
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
    /// assert_eq!(standpoint_types::Probs::new(1.0, 0.0, 0.0).as_array(), [1.0, 0.0, 0.0]);
    /// ```
    pub fn as_array(&self) -> [f32; 3] {
        [self.favor, self.against, self.none]
    }

    /// The most probable label (ties go to the earlier label in [`Label::ALL`]).
    ///
    /// ```
    /// use standpoint_types::{Label, Probs};
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
    /// use standpoint_types::{Label, Probs};
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
    /// assert_eq!(standpoint_types::Probs::new(0.0, 1.0, 0.0).net(), -1.0);
    /// ```
    pub fn net(&self) -> f32 {
        self.favor - self.against
    }
}

/// A stance classifier: a batch of sentences and a list of targets in, one [`Probs`] per
/// (sentence, target) pair out, sentence-major: the result for sentence `i` and target `j` is
/// at `i * targets.len() + j`.
///
/// Sentence-encoder implementations (the default encoder + head, the baselines) encode each
/// sentence at most once per call, whatever the number of targets; pair models (cross-encoder,
/// NLI, sequence classifier) necessarily run once per (sentence, target) pair.
///
/// Each implementation names its own error type, so callers can match on it; it converts from
/// [`CountMismatch`] for the provided [`predict_pairs`](StanceClassifier::predict_pairs).
/// Boxes and references of classifiers are classifiers too.
///
/// ```
/// use standpoint_types::{CountMismatch, Probs, StanceClassifier};
/// struct Undecided;
/// impl StanceClassifier for Undecided {
///     type Error = CountMismatch;
///     fn name(&self) -> &str { "undecided" }
///     fn predict(&self, s: &[&str], t: &[&str]) -> Result<Vec<Probs>, CountMismatch> {
///         Ok(vec![Probs::new(1.0, 1.0, 1.0); s.len() * t.len()])
///     }
/// }
/// let boxed: Box<dyn StanceClassifier<Error = CountMismatch>> = Box::new(Undecided);
/// assert_eq!(boxed.predict(&["a", "b"], &["x", "y", "z"]).unwrap().len(), 6);
/// ```
pub trait StanceClassifier {
    /// What a prediction fails with.
    type Error: std::error::Error + From<CountMismatch> + Send + Sync + 'static;

    /// A short name for reports ("encoder-head", "majority", ...).
    fn name(&self) -> &str;

    /// Classifies every sentence toward every target.
    fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, Self::Error>;

    /// Classifies every sentence toward every target, reading `contexts[i]` (the text before
    /// sentence `i`, e.g. the previous sentences of its paragraph; `""` for none) to resolve
    /// what the sentence refers to. The sentence stays what is classified. Classifiers that read
    /// no context ignore it: the default calls [`predict`](StanceClassifier::predict).
    ///
    /// ```
    /// use standpoint_types::{CountMismatch, Probs, StanceClassifier};
    /// struct Flat;
    /// impl StanceClassifier for Flat {
    ///     type Error = CountMismatch;
    ///     fn name(&self) -> &str { "flat" }
    ///     fn predict(&self, s: &[&str], t: &[&str]) -> Result<Vec<Probs>, CountMismatch> {
    ///         Ok(vec![Probs::new(1.0, 1.0, 1.0); s.len() * t.len()])
    ///     }
    /// }
    /// assert_eq!(Flat.predict_in_context(&["It works."], &["The plan."], &["the plan"]).unwrap().len(), 1);
    /// assert!(Flat.predict_in_context(&["It works."], &[], &["the plan"]).is_err());
    /// assert!(!Flat.reads_context());
    /// ```
    fn predict_in_context(
        &self,
        sentences: &[&str],
        contexts: &[&str],
        targets: &[&str],
    ) -> Result<Vec<Probs>, Self::Error> {
        if contexts.len() != sentences.len() {
            return Err(CountMismatch {
                expected: sentences.len(),
                got: contexts.len(),
            }
            .into());
        }
        self.predict(sentences, targets)
    }

    /// Whether [`predict_in_context`](StanceClassifier::predict_in_context) reads the context
    /// (callers skip building it when not).
    fn reads_context(&self) -> bool {
        false
    }

    /// Classifies (sentence, target) pairs, grouped by target so that each target's sentences go
    /// through one [`predict`](StanceClassifier::predict) call.
    ///
    /// ```
    /// use standpoint_types::{CountMismatch, Probs, StanceClassifier};
    /// struct Length;
    /// impl StanceClassifier for Length {
    ///     type Error = CountMismatch;
    ///     fn name(&self) -> &str { "length" }
    ///     fn predict(&self, s: &[&str], t: &[&str]) -> Result<Vec<Probs>, CountMismatch> {
    ///         Ok(s.iter().flat_map(|s| t.iter().map(move |t| {
    ///             Probs::new(s.len() as f32, t.len() as f32, 1.0)
    ///         })).collect())
    ///     }
    /// }
    /// let p = Length.predict_pairs(&[("long sentence", "t"), ("s", "long target")]).unwrap();
    /// assert!(p[0].net() > p[1].net());
    /// ```
    fn predict_pairs(&self, pairs: &[(&str, &str)]) -> Result<Vec<Probs>, Self::Error> {
        let mut targets: Vec<&str> = pairs.iter().map(|p| p.1).collect();
        targets.sort_unstable();
        targets.dedup();
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
            if probs.len() != idx.len() {
                return Err(CountMismatch {
                    expected: idx.len(),
                    got: probs.len(),
                }
                .into());
            }
            for (&i, p) in idx.iter().zip(probs) {
                results[i] = Some(p);
            }
        }
        Ok(results.into_iter().flatten().collect())
    }
}

impl<C: StanceClassifier + ?Sized> StanceClassifier for Box<C> {
    type Error = C::Error;

    fn name(&self) -> &str {
        (**self).name()
    }

    fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, C::Error> {
        (**self).predict(sentences, targets)
    }

    fn predict_pairs(&self, pairs: &[(&str, &str)]) -> Result<Vec<Probs>, C::Error> {
        (**self).predict_pairs(pairs)
    }

    fn predict_in_context(
        &self,
        sentences: &[&str],
        contexts: &[&str],
        targets: &[&str],
    ) -> Result<Vec<Probs>, C::Error> {
        (**self).predict_in_context(sentences, contexts, targets)
    }

    fn reads_context(&self) -> bool {
        (**self).reads_context()
    }
}

impl<C: StanceClassifier + ?Sized> StanceClassifier for &C {
    type Error = C::Error;

    fn name(&self) -> &str {
        (**self).name()
    }

    fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, C::Error> {
        (**self).predict(sentences, targets)
    }

    fn predict_pairs(&self, pairs: &[(&str, &str)]) -> Result<Vec<Probs>, C::Error> {
        (**self).predict_pairs(pairs)
    }

    fn predict_in_context(
        &self,
        sentences: &[&str],
        contexts: &[&str],
        targets: &[&str],
    ) -> Result<Vec<Probs>, C::Error> {
        (**self).predict_in_context(sentences, contexts, targets)
    }

    fn reads_context(&self) -> bool {
        (**self).reads_context()
    }
}

/// A short, stable key for a (target, sentence text) pair: 16 hex digits of the 64-bit FNV-1a
/// hash of the target, a NUL byte and the text. A model adapted on hand labels records the keys
/// of the sentences it was trained on, so that an estimate can refuse those labels (a label that
/// trained a model cannot also correct it without bias).
///
/// ```
/// let k = standpoint_types::sentence_key("a ceasefire", "We want a ceasefire.");
/// assert_eq!(k.len(), 16);
/// assert_eq!(k, standpoint_types::sentence_key("a ceasefire", "We want a ceasefire."));
/// assert_ne!(k, standpoint_types::sentence_key("concessions", "We want a ceasefire."));
/// ```
pub fn sentence_key(target: &str, text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in target
        .as_bytes()
        .iter()
        .chain(&[0u8])
        .chain(text.as_bytes())
    {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The precision of an encoder's dense layers: `fp32` (the default) or `int8` (quantised at
/// load by `standpoint-stance`; see its `--precision` documentation).
///
/// ```
/// use standpoint_types::Precision;
/// assert_eq!("int8".parse::<Precision>().unwrap(), Precision::Int8);
/// assert_eq!(Precision::default().to_string(), "fp32");
/// assert!("fp16".parse::<Precision>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// 32-bit floats throughout.
    #[default]
    Fp32,
    /// int8 weights and dynamically quantised activations in the encoder's dense layers.
    Int8,
}

impl Precision {
    /// The name (`fp32`, `int8`).
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Int8 => "int8",
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> Result<Precision, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fp32" | "float32" => Ok(Precision::Fp32),
            "int8" => Ok(Precision::Int8),
            other => Err(format!("unknown precision {other:?} (fp32 or int8)")),
        }
    }
}
