//! Weighted averages of classifiers' probabilities; model-free (builds without libtorch).

use crate::{BoxedClassifier, Error, Probs, StanceClassifier};

/// A weighted average of member classifiers' probabilities. Members with different strengths
/// (the frozen encoder + head on tweets, the cross-encoder on news and unseen targets) combine
/// into one classifier; each member runs on every input, so the cost is the sum of theirs.
///
/// ```
/// use standpoint_stance::{baseline::{Lexical, Majority}, Ensemble, Label, StanceClassifier};
///
/// let majority = Majority::fit([("the plan", Label::Against)]);
/// let both = Ensemble::new(vec![(Box::new(Lexical) as _, 1.0), (Box::new(majority) as _, 3.0)]).unwrap();
/// let p = both.predict(&["We strongly support the plan."], &["the plan"]).unwrap()[0];
/// let lexical = Lexical.predict(&["We strongly support the plan."], &["the plan"]).unwrap()[0];
/// assert!((p.against - (0.25 * lexical.against + 0.75)).abs() < 1e-6);
/// ```
pub struct Ensemble {
    members: Vec<(BoxedClassifier, f32)>,
}

impl std::fmt::Debug for Ensemble {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.members.iter().map(|(m, w)| (m.name(), w)))
            .finish()
    }
}

impl Ensemble {
    /// Builds an ensemble; weights must be finite and non-negative with a positive sum, and are
    /// normalised to sum to 1.
    ///
    /// ```
    /// use standpoint_stance::{baseline::Lexical, Ensemble};
    /// assert!(Ensemble::new(vec![]).is_err());
    /// assert!(Ensemble::new(vec![(Box::new(Lexical) as _, -1.0)]).is_err());
    /// assert_eq!(Ensemble::new(vec![(Box::new(Lexical) as _, 2.0)]).unwrap().weights(), vec![1.0]);
    /// ```
    pub fn new(members: Vec<(BoxedClassifier, f32)>) -> Result<Ensemble, Error> {
        if members.is_empty() {
            return Err(Error::EnsembleEmpty);
        }
        if let Some((m, w)) = members.iter().find(|(_, w)| !w.is_finite() || *w < 0.0) {
            return Err(Error::EnsembleWeight {
                member: m.name().to_string(),
                weight: *w,
            });
        }
        let sum: f32 = members.iter().map(|(_, w)| w).sum();
        if sum <= 0.0 {
            return Err(Error::EnsembleWeightsZero);
        }
        Ok(Ensemble {
            members: members.into_iter().map(|(m, w)| (m, w / sum)).collect(),
        })
    }

    /// The normalised member weights, in member order.
    ///
    /// ```
    /// use standpoint_stance::{baseline::Lexical, Ensemble};
    /// let e = Ensemble::new(vec![(Box::new(Lexical) as _, 1.0), (Box::new(Lexical) as _, 3.0)]).unwrap();
    /// assert_eq!(e.weights(), vec![0.25, 0.75]);
    /// ```
    pub fn weights(&self) -> Vec<f32> {
        self.members.iter().map(|(_, w)| *w).collect()
    }

    fn combine(
        &self,
        n: usize,
        mut run: impl FnMut(&dyn StanceClassifier<Error = Error>) -> Result<Vec<Probs>, Error>,
    ) -> Result<Vec<Probs>, Error> {
        let mut acc = vec![[0f32; 3]; n];
        for (m, w) in &self.members {
            let probs = run(m.as_ref())?;
            if probs.len() != n {
                return Err(Error::CountMismatch(standpoint_types::CountMismatch {
                    expected: n,
                    got: probs.len(),
                }));
            }
            for (a, p) in acc.iter_mut().zip(&probs) {
                for (x, y) in a.iter_mut().zip(p.as_array()) {
                    *x += w * y;
                }
            }
        }
        Ok(acc
            .into_iter()
            .map(|a| Probs::new(a[0], a[1], a[2]))
            .collect())
    }
}

impl StanceClassifier for Ensemble {
    type Error = Error;

    fn name(&self) -> &str {
        "ensemble"
    }

    fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, Error> {
        self.combine(sentences.len() * targets.len(), |m| {
            m.predict(sentences, targets)
        })
    }

    fn predict_pairs(&self, pairs: &[(&str, &str)]) -> Result<Vec<Probs>, Error> {
        self.combine(pairs.len(), |m| m.predict_pairs(pairs))
    }

    fn predict_in_context(
        &self,
        sentences: &[&str],
        contexts: &[&str],
        targets: &[&str],
    ) -> Result<Vec<Probs>, Error> {
        self.combine(sentences.len() * targets.len(), |m| {
            m.predict_in_context(sentences, contexts, targets)
        })
    }

    fn reads_context(&self) -> bool {
        self.members.iter().any(|(m, _)| m.reads_context())
    }
}
