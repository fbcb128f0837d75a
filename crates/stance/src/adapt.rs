//! Adapting the default model to a corpus with hand labels: the frozen encoder + head model's
//! head fine-tuned, from its trained weights, on a few hundred labelled (sentence, target) pairs
//! of the user's own corpus (`standpoint train --data labels.jsonl --from default`).
//!
//! How much it helps is measured honestly by **cross-fitting**: the labels are split into K
//! folds; for each fold a head is adapted on the other K − 1 and reads the fold it never saw. The
//! out-of-fold readings of the adapted heads and the base model's readings of the same sentences
//! are both scored against the labels ([`CrossFit`]), so the accuracy gain reported is not the
//! fit to the training labels. The model written is adapted on all the labels.
//!
//! Labels used to train a model cannot also correct that model's estimates without bias: the
//! adapted manifest records the keys of its training sentences
//! ([`standpoint_types::sentence_key`]), and `standpoint estimate` refuses those labels on a run
//! of the adapted model (see `docs/validation.md`).

use tch::Tensor;

pub use crate::manifest::CrossFit;
use crate::metrics::Confusion;
use crate::model::{Encoder, Head, HeadTrainer, TrainConfig};
use crate::{Error, Label, Probs};

/// Settings of an adaptation.
#[derive(Debug, Clone)]
pub struct AdaptConfig {
    /// Passes over the labels.
    pub epochs: usize,
    /// Learning rate (smaller than training from scratch: the head starts trained).
    pub learning_rate: f64,
    /// Folds for cross-fitting (at least 2).
    pub folds: usize,
    /// Seed (fold assignment, shuffling, dropout).
    pub seed: u64,
}

impl Default for AdaptConfig {
    fn default() -> Self {
        AdaptConfig {
            epochs: 20,
            learning_rate: 3e-4,
            folds: 5,
            seed: 13,
        }
    }
}

/// An adapted head and how it was measured.
#[derive(Debug)]
pub struct Adaptation {
    /// The head adapted on every label.
    pub head: Head,
    /// The cross-fitted measurement.
    pub crossfit: CrossFit,
}

/// Fold of each of `n` items: a seeded shuffle dealt round-robin, so folds differ in size by at
/// most one.
///
/// ```
/// let f = standpoint_stance::adapt::folds(10, 3, 7);
/// assert_eq!(f.len(), 10);
/// for k in 0..3 {
///     let size = f.iter().filter(|&&x| x == k).count();
///     assert!(size == 3 || size == 4);
/// }
/// assert_eq!(f, standpoint_stance::adapt::folds(10, 3, 7));
/// ```
pub fn folds(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = crate::metrics::SplitMix64::new(seed ^ 0x0066_6f6c_6473);
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut out = vec![0; n];
    for (pos, &i) in order.iter().enumerate() {
        out[i] = pos % k.max(1);
    }
    out
}

/// Adapts `base` (a trained head over `encoder`) to labelled pairs `(text, target, label)`:
/// cross-fitted measurement first, then the head adapted on every label. Errors (no labels,
/// fewer labels than folds) never panic.
pub fn adapt(
    encoder: &Encoder,
    base: &Head,
    pairs: &[(&str, &str, Label)],
    config: &AdaptConfig,
) -> Result<Adaptation, Error> {
    let k = config.folds.max(2);
    if pairs.len() < k {
        return Err(Error::TooFewLabels {
            labels: pairs.len(),
            folds: k,
        });
    }
    let texts: Vec<&str> = pairs.iter().map(|p| p.0).collect();
    let mut targets: Vec<&str> = pairs.iter().map(|p| p.1).collect();
    targets.sort_unstable();
    targets.dedup();
    let s = encoder.encode(&texts)?;
    let tv = encoder.encode(&targets)?;
    let t_index: Vec<i64> = pairs
        .iter()
        .map(|p| targets.binary_search(&p.1).unwrap_or(0) as i64)
        .collect();
    let t = tv.index_select(0, &Tensor::from_slice(&t_index));
    let labels: Vec<i64> = pairs.iter().map(|p| p.2.index() as i64).collect();
    let trainer = HeadTrainer {
        config: TrainConfig {
            seed: config.seed,
            epochs: config.epochs,
            learning_rate: config.learning_rate,
            batch_size: 32,
            hidden: base.hidden(),
            ..TrainConfig::default()
        },
    };
    let label_of = |p: &Probs| p.label();
    let base_pred: Vec<Label> = base.predict_aligned(&s, &t)?.iter().map(label_of).collect();
    let fold = folds(pairs.len(), k, config.seed);
    let mut oof = vec![Label::None; pairs.len()];
    for f in 0..k {
        let train: Vec<i64> = (0..pairs.len())
            .filter(|&i| fold[i] != f)
            .map(|i| i as i64)
            .collect();
        let held: Vec<i64> = (0..pairs.len())
            .filter(|&i| fold[i] == f)
            .map(|i| i as i64)
            .collect();
        let (ti, hi) = (Tensor::from_slice(&train), Tensor::from_slice(&held));
        let y: Vec<i64> = train.iter().map(|&i| labels[i as usize]).collect();
        let w = vec![1.0f32; y.len()];
        let head = trainer.train_from(
            Some(base),
            &s.index_select(0, &ti),
            &t.index_select(0, &ti),
            &y,
            &w,
            |_, _| {},
        )?;
        let p = head.predict_aligned(&s.index_select(0, &hi), &t.index_select(0, &hi))?;
        for (&i, p) in held.iter().zip(&p) {
            oof[i as usize] = p.label();
        }
    }
    let truth: Vec<Label> = pairs.iter().map(|p| p.2).collect();
    let base_c = Confusion::from_pairs(truth.iter().copied().zip(base_pred));
    let oof_c = Confusion::from_pairs(truth.iter().copied().zip(oof));
    let w = vec![1.0f32; labels.len()];
    let head = trainer.train_from(Some(base), &s, &t, &labels, &w, |_, _| {})?;
    Ok(Adaptation {
        head,
        crossfit: CrossFit {
            folds: k,
            labels: pairs.len(),
            base_accuracy: base_c.accuracy(),
            adapted_accuracy: oof_c.accuracy(),
            base_macro_f1: base_c.macro_f1(),
            adapted_macro_f1: oof_c.macro_f1(),
        },
    })
}
