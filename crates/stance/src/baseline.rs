//! Model-free baselines for benchmarking; they build without libtorch.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Error, Label, Probs, StanceClassifier};

/// Predicts, for every sentence, the label distribution of the target in the training data
/// (so the majority class per target); unseen targets get the overall distribution.
///
/// ```
/// use standpoint_stance::{baseline::Majority, Label, StanceClassifier};
/// let m = Majority::fit([("x", Label::Against), ("x", Label::Against), ("y", Label::Favor)]);
/// let p = m.predict(&["s"], &["x", "y", "unseen"]).unwrap();
/// assert_eq!(p[0].label(), Label::Against);
/// assert_eq!(p[1].label(), Label::Favor);
/// assert_eq!(p[2].label(), Label::Against);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Majority {
    /// Label distribution per target (lowercased).
    pub per_target: BTreeMap<String, Probs>,
    /// Distribution over all training items.
    pub overall: Probs,
}

impl Majority {
    /// Counts labels per target.
    pub fn fit<'a>(items: impl IntoIterator<Item = (&'a str, Label)>) -> Majority {
        let mut counts: BTreeMap<String, [f32; 3]> = BTreeMap::new();
        let mut all = [0f32; 3];
        for (t, l) in items {
            counts.entry(t.trim().to_lowercase()).or_default()[l.index()] += 1.0;
            all[l.index()] += 1.0;
        }
        Majority {
            per_target: counts
                .into_iter()
                .map(|(t, c)| (t, Probs::new(c[0], c[1], c[2])))
                .collect(),
            overall: Probs::new(all[0], all[1], all[2]),
        }
    }
}

impl StanceClassifier for Majority {
    type Error = Error;

    fn name(&self) -> &str {
        "majority"
    }

    fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, Error> {
        let per: Vec<Probs> = targets
            .iter()
            .map(|t| {
                *self
                    .per_target
                    .get(&t.trim().to_lowercase())
                    .unwrap_or(&self.overall)
            })
            .collect();
        Ok(sentences.iter().flat_map(|_| per.iter().copied()).collect())
    }
}

/// A lexical baseline: counts supportive and opposing cue words (with simple negation) and
/// maps the balance to probabilities. No training, no model.
///
/// ```
/// use standpoint_stance::{baseline::Lexical, Label, StanceClassifier};
/// let p = Lexical::default().predict(&["We strongly oppose it", "We do not oppose it", "It rained"], &["it"]).unwrap();
/// assert_eq!(p[0].label(), Label::Against);
/// assert_eq!(p[1].label(), Label::Favor);
/// assert_eq!(p[2].label(), Label::None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Lexical;

const FAVOR_CUES: &[&str] = &[
    "support",
    "supports",
    "supported",
    "favor",
    "favour",
    "back",
    "backs",
    "backed",
    "welcome",
    "welcomed",
    "welcomes",
    "endorse",
    "endorsed",
    "praise",
    "praised",
    "need",
    "needs",
    "must",
    "should",
    "good",
    "great",
    "best",
    "right",
    "love",
    "agree",
    "agreed",
    "yes",
    "vote",
    "win",
    "hope",
    "benefit",
    "worth",
    "only way",
    "proud",
    "defend",
    "defended",
    "urge",
    "urged",
];
const AGAINST_CUES: &[&str] = &[
    "oppose",
    "opposes",
    "opposed",
    "against",
    "reject",
    "rejects",
    "rejected",
    "disaster",
    "terrible",
    "wrong",
    "bad",
    "worst",
    "hate",
    "never",
    "ban",
    "stop",
    "no",
    "refuse",
    "refused",
    "condemn",
    "condemned",
    "criticize",
    "criticised",
    "criticized",
    "fail",
    "failed",
    "dangerous",
    "surrender",
    "reward",
    "lie",
    "lies",
    "corrupt",
    "warned",
    "warn",
    "threat",
];
const NEGATIONS: &[&str] = &[
    "not", "don't", "doesn't", "didn't", "never", "no", "won't", "cannot", "can't", "isn't",
    "aren't",
];

impl Lexical {
    fn score(sentence: &str) -> (f32, f32) {
        let words: Vec<String> = sentence
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let (mut f, mut a) = (0f32, 0f32);
        for (i, w) in words.iter().enumerate() {
            let negated = i > 0 && NEGATIONS.contains(&words[i - 1].as_str());
            let (is_f, is_a) = (
                FAVOR_CUES.contains(&w.as_str()),
                AGAINST_CUES.contains(&w.as_str()) && !NEGATIONS.contains(&w.as_str()),
            );
            match (is_f, is_a, negated) {
                (true, _, false) | (_, true, true) => f += 1.0,
                (true, _, true) | (_, true, false) => a += 1.0,
                _ => {}
            }
        }
        (f, a)
    }
}

impl StanceClassifier for Lexical {
    type Error = Error;

    fn name(&self) -> &str {
        "lexical"
    }

    fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, Error> {
        let mut out = Vec::with_capacity(sentences.len() * targets.len());
        for s in sentences {
            let (f, a) = Lexical::score(s);
            let p = Probs::new(0.2 + f, 0.2 + a, 0.5);
            out.extend(std::iter::repeat_n(p, targets.len()));
        }
        Ok(out)
    }
}
