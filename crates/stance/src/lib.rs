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

#[cfg(feature = "model")]
pub mod adapt;
pub mod augment;
pub mod baseline;
pub mod bench;
#[cfg(feature = "model")]
mod bi;
#[cfg(feature = "model")]
pub mod checkpoint;
pub mod checks;
#[cfg(feature = "model")]
mod cross;
pub mod data;
mod ensemble;
mod error;
pub mod eval;
pub mod factory;
pub mod locate;
pub mod manifest;
pub mod metrics;
#[cfg(feature = "model")]
mod model;
#[cfg(feature = "model")]
mod native;
#[cfg(feature = "model")]
mod pairs;
#[cfg(feature = "model")]
mod quant;
#[cfg(feature = "model")]
pub mod speed;
#[cfg(feature = "model")]
pub mod tagger;
#[cfg(feature = "model")]
pub mod tokenize;
pub mod train;
#[cfg(feature = "model")]
mod trainer;
pub mod unlabelled;

#[cfg(feature = "model")]
pub use bi::{BiEncoder, BiEncoderEvent, BiEncoderTrainer};
#[cfg(feature = "model")]
pub use cross::{
    continued_from, CrossEncoder, CrossEncoderTrainer, FineTuneConfig, FineTuneEvent,
    FineTuneExample, TrainEvent,
};
pub use ensemble::Ensemble;
#[cfg(feature = "model")]
pub(crate) use error::guard;
pub use error::Error;
pub use standpoint_types::Precision;
/// Whether int8 inference (`--precision int8`) can run on this machine: `Err` with the reason
/// when its kernels cannot (FBGEMM needs AVX2).
#[cfg(feature = "model")]
pub fn int8_available() -> Result<(), String> {
    quant::int8_available()
}

/// The precision a model can run in here when `asked` is wanted: `asked`, or fp32 with the
/// reason when it is int8 and this machine has no int8 kernels.
///
/// ```
/// use standpoint_stance::{usable_precision, Precision};
/// assert_eq!(usable_precision(Precision::Fp32), (Precision::Fp32, None));
/// ```
#[cfg(feature = "model")]
pub fn usable_precision(asked: Precision) -> (Precision, Option<String>) {
    match asked {
        Precision::Int8 => match int8_available() {
            Ok(()) => (asked, None),
            Err(why) => (Precision::Fp32, Some(why)),
        },
        Precision::Fp32 => (asked, None),
    }
}

/// Sets torch's thread budget for inference in this process: intra-op threads = `threads`
/// (default: the machine's cores). Returns the number set.
///
/// ```
/// assert_eq!(standpoint_stance::set_threads(Some(2)), 2);
/// ```
#[cfg(feature = "model")]
pub fn set_threads(threads: Option<usize>) -> usize {
    let n = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    tch::set_num_threads(n as i32);
    n
}
#[cfg(feature = "model")]
pub use model::{
    Encoder, EncoderBackend, EncoderHeadClassifier, Head, HeadTrainer, TrainConfig,
    DEFAULT_MAX_BATCH_TOKENS,
};
#[cfg(feature = "model")]
pub use pairs::{NliClassifier, SequenceClassifier};

pub use standpoint_types::{CountMismatch, Label, ParseLabelError, Probs, StanceClassifier};

/// A boxed classifier of this crate, as the manifest factory and [`Ensemble`] hold them.
pub type BoxedClassifier = Box<dyn StanceClassifier<Error = Error> + Send>;
