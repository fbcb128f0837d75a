//! Training recipes shared by the head (`standpoint train`) and the cross-encoder
//! (`standpoint finetune`): the default data mix, per-file weights, hard NONE weighting,
//! mismatched-target NONE pairs, and (feature `model`) cached sentence embeddings.
//!
//! ```
//! use standpoint_stance::train::negative_pairs;
//! let targets: Vec<String> = ["a", "a", "b"].iter().map(|s| s.to_string()).collect();
//! let pairs = negative_pairs(&targets, 4, 13);
//! assert_eq!(pairs.len(), 4);
//! assert!(pairs.iter().all(|&(i, j)| targets[i] != targets[j]));
//! assert_eq!(pairs, negative_pairs(&targets, 4, 13)); // seeded
//! ```

use crate::data::{mentions_target, Example};
use crate::Label;

/// The default training mix, relative to the shared data folder. VAST dev is kept out: it is
/// the zero-shot evaluation set.
pub const DEFAULT_TRAIN: &[&str] = &[
    "stance/semeval2016_tweeteval/train.jsonl",
    "stance/pstance/train.jsonl",
    "stance/newsmtsc/train.jsonl",
    "stance/ibm_claim_stance/train.jsonl",
    "stance/vast/train.jsonl",
    "stance/perspectrum/train.jsonl",
];

/// The weight of each example of a file of `n` examples: every data set weighs in proportion
/// to the square root of its size.
///
/// ```
/// assert_eq!(standpoint_stance::train::file_weight(100), 0.1);
/// ```
pub fn file_weight(n: usize) -> f32 {
    1.0 / (n.max(1) as f32).sqrt()
}

/// `count` seeded (sentence example, target example) index pairs whose targets differ
/// (case-insensitively); empty when every example has the same target.
pub fn negative_pairs(targets: &[String], count: usize, seed: u64) -> Vec<(usize, usize)> {
    let n = targets.len();
    let distinct = targets.iter().any(|t| !t.eq_ignore_ascii_case(&targets[0]));
    if n < 2 || !distinct {
        return Vec::new();
    }
    let mut rng = crate::metrics::SplitMix64::new(seed ^ 0x6e65_6761_7469_7665);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let (i, j) = (rng.below(n), rng.below(n));
        if !targets[i].eq_ignore_ascii_case(&targets[j]) {
            out.push((i, j));
        }
    }
    out
}

/// The weight factor of an example: `hard` for a NONE example whose text mentions its target,
/// 1 otherwise.
///
/// ```
/// use standpoint_stance::{data::Example, train::hard_none_factor, Label};
/// let e = Example { id: "1".into(), text: "Talks on a ceasefire resume.".into(),
///                   target: "a ceasefire".into(), label: Label::None, seen: None };
/// assert_eq!(hard_none_factor(&e, 3.0), 3.0);
/// ```
pub fn hard_none_factor(e: &Example, hard: f64) -> f32 {
    if e.label == Label::None && mentions_target(&e.text, &e.target) {
        hard as f32
    } else {
        1.0
    }
}

#[cfg(feature = "model")]
pub use embed::{embed_cached, embed_examples, EmbedEvent};

#[cfg(feature = "model")]
mod embed {
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};
    use std::path::{Path, PathBuf};

    use tch::Tensor;

    use crate::data::Example;
    use crate::{Encoder, Error};

    /// Progress of [`embed_cached`].
    #[derive(Debug)]
    pub enum EmbedEvent<'a> {
        /// `done` of `total` texts encoded (not sent when the cache has them).
        Encoded {
            /// Texts encoded so far.
            done: usize,
            /// Texts to encode.
            total: usize,
        },
        /// The cache file could not be written (the embeddings are still returned).
        CacheNotWritten {
            /// The cache file.
            path: &'a Path,
            /// Why.
            error: &'a tch::TchError,
        },
    }

    /// Embeds unique strings with the encoder, caching the result in `cache` by a hash of the
    /// encoder's width and the texts.
    pub fn embed_cached(
        encoder: &Encoder,
        texts: &[&str],
        cache: &Path,
        events: &mut dyn FnMut(EmbedEvent<'_>),
    ) -> Result<Tensor, Error> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        encoder.dim().hash(&mut h);
        texts.hash(&mut h);
        let file: PathBuf = cache.join(format!("emb-{:016x}.pt", h.finish()));
        if file.is_file() {
            if let Ok(t) = Tensor::load(&file) {
                if t.size() == [texts.len() as i64, encoder.dim() as i64] {
                    return Ok(t);
                }
            }
        }
        let mut parts = Vec::new();
        let mut done = 0;
        for chunk in texts.chunks(512) {
            parts.push(encoder.encode(chunk)?);
            done += chunk.len();
            events(EmbedEvent::Encoded {
                done,
                total: texts.len(),
            });
        }
        let t = if parts.is_empty() {
            Tensor::zeros(
                [0, encoder.dim() as i64],
                (tch::Kind::Float, tch::Device::Cpu),
            )
        } else {
            Tensor::cat(&parts, 0)
        };
        let _ = std::fs::create_dir_all(cache);
        if let Err(error) = t.save(&file) {
            events(EmbedEvent::CacheNotWritten {
                path: &file,
                error: &error,
            });
        }
        Ok(t)
    }

    /// Sentence and target embeddings aligned with `examples` (each distinct string encoded
    /// once).
    pub fn embed_examples(
        encoder: &Encoder,
        examples: &[Example],
        cache: &Path,
        events: &mut dyn FnMut(EmbedEvent<'_>),
    ) -> Result<(Tensor, Tensor), Error> {
        let mut uniq: Vec<&str> = Vec::new();
        let mut index: HashMap<&str, i64> = HashMap::new();
        let mut rows_s = Vec::with_capacity(examples.len());
        let mut rows_t = Vec::with_capacity(examples.len());
        for e in examples {
            for (s, rows) in [
                (e.text.as_str(), &mut rows_s),
                (e.target.as_str(), &mut rows_t),
            ] {
                let i = *index.entry(s).or_insert_with(|| {
                    uniq.push(s);
                    uniq.len() as i64 - 1
                });
                rows.push(i);
            }
        }
        let emb = embed_cached(encoder, &uniq, cache, events)?;
        Ok((
            emb.index_select(0, &Tensor::from_slice(&rows_s)),
            emb.index_select(0, &Tensor::from_slice(&rows_t)),
        ))
    }
}
