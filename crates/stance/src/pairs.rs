//! Classifiers for models users bring (feature `model`): zero-shot NLI through rust-bert's
//! `ZeroShotClassificationModel`, and fine-tuned (target, text) pair classifiers through
//! rust-bert's sequence-classification model. Both read a model folder holding `config.json`
//! (with `id2label`), `model.safetensors` (or `rust_model.ot`) and `vocab.txt` (plus
//! `merges.txt` for RoBERTa-style tokenizers). Nothing is downloaded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_bert::pipelines::common::{ModelResource, ModelType, TokenizerOption};
use rust_bert::pipelines::sequence_classification::{
    SequenceClassificationConfig, SequenceClassificationOption,
};
use rust_bert::pipelines::zero_shot_classification::{
    ZeroShotClassificationConfig, ZeroShotClassificationModel,
};
use rust_bert::resources::LocalResource;
use rust_tokenizers::tokenizer::TruncationStrategy;
use serde::Deserialize;
use tch::{Device, Kind, Tensor};

use crate::manifest::{ModelFolder, NliManifest, SequenceManifest};
use crate::{Error, Label, Probs, StanceClassifier};

#[derive(Debug, Deserialize)]
struct ConfigJson {
    #[serde(default)]
    id2label: Option<BTreeMap<String, String>>,
    #[serde(default)]
    do_lower_case: Option<bool>,
}

/// Files of a model folder, checked before anything is loaded.
struct Files {
    config: PathBuf,
    weights: PathBuf,
    vocab: PathBuf,
    merges: Option<PathBuf>,
    model_type: ModelType,
    /// Labels in logit order, from `id2label`.
    labels: Vec<String>,
    lower_case: bool,
}

fn model_type(name: &str, path: &Path) -> Result<ModelType, Error> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "bert" => ModelType::Bert,
        "distilbert" => ModelType::DistilBert,
        "roberta" => ModelType::Roberta,
        "xlm-roberta" | "xlmroberta" => ModelType::XLMRoberta,
        "albert" => ModelType::Albert,
        "deberta" => ModelType::Deberta,
        "mobilebert" => ModelType::MobileBert,
        "bart" => ModelType::Bart,
        other => {
            return Err(Error::ModelFiles {
                path: path.to_path_buf(),
                message: format!(
                    "unsupported model_type {other:?} (bert, distilbert, roberta, xlm-roberta, \
                     albert, deberta, mobilebert, bart)"
                ),
            })
        }
    })
}

fn check_files(folder: &ModelFolder, base: &Path) -> Result<Files, Error> {
    let dir = base.join(&folder.model_dir);
    let missing = |p: &Path, what: &str| Error::ModelFiles {
        path: p.to_path_buf(),
        message: format!(
            "{what} missing; point model_dir at a local folder with config.json (with id2label), \
             model.safetensors or rust_model.ot, and the tokenizer's vocab file"
        ),
    };
    if !dir.is_dir() {
        return Err(missing(&dir, "model folder"));
    }
    let config = dir.join("config.json");
    if !config.is_file() {
        return Err(missing(&config, "config.json"));
    }
    let weights = ["model.safetensors", "rust_model.ot"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
        .ok_or_else(|| missing(&dir.join("model.safetensors"), "weights"))?;
    let model_type = model_type(&folder.model_type, &dir)?;
    let vocab_name = match model_type {
        ModelType::Roberta | ModelType::Bart => "vocab.json",
        ModelType::XLMRoberta | ModelType::Albert => "sentencepiece.bpe.model",
        _ => "vocab.txt",
    };
    let vocab = dir.join(vocab_name);
    if !vocab.is_file() {
        return Err(missing(&vocab, "tokenizer vocabulary"));
    }
    let merges =
        matches!(model_type, ModelType::Roberta | ModelType::Bart).then(|| dir.join("merges.txt"));
    if let Some(m) = &merges {
        if !m.is_file() {
            return Err(missing(m, "merges.txt"));
        }
    }
    let text = std::fs::read_to_string(&config).map_err(|source| Error::Io {
        path: config.clone(),
        source,
    })?;
    let cfg: ConfigJson = serde_json::from_str(&text).map_err(|source| Error::ConfigParse {
        path: config.clone(),
        source,
    })?;
    let id2label = cfg.id2label.ok_or_else(|| Error::ModelFiles {
        path: config.clone(),
        message: "no id2label: the labels of the model's outputs must be named".into(),
    })?;
    let mut labels = vec![String::new(); id2label.len()];
    for (k, v) in &id2label {
        let i: usize = k
            .parse()
            .ok()
            .filter(|&i: &usize| i < labels.len())
            .ok_or_else(|| Error::ModelFiles {
                path: config.clone(),
                message: format!("id2label key {k:?} is not an index below {}", labels.len()),
            })?;
        labels[i] = v.clone();
    }
    Ok(Files {
        config,
        weights,
        vocab,
        merges,
        model_type,
        labels,
        lower_case: folder.lower_case.or(cfg.do_lower_case).unwrap_or(true),
    })
}

fn local(p: &Path) -> LocalResource {
    LocalResource {
        local_path: p.to_path_buf(),
    }
}

fn load_failed(path: &Path, why: String) -> Error {
    Error::ModelFiles {
        path: path.to_path_buf(),
        message: format!("the model failed to load ({why}); check that the files are complete"),
    }
}

/// Runs a rust-bert constructor, turning both its errors and its panics (it panics on some
/// malformed configs) into [`Error::ModelFiles`].
fn guarded<T>(
    path: &Path,
    f: impl FnOnce() -> Result<T, rust_bert::RustBertError>,
) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|_| load_failed(path, "malformed configuration or weights".into()))?
        .map_err(|e| load_failed(path, e.to_string()))
}

/// Zero-shot stance through an NLI model: for each (sentence, target) the sentence is the
/// premise and one hypothesis per label is built from the manifest's templates ("The author
/// supports {target}."). The entailment probability of each hypothesis (entailment against
/// contradiction, as rust-bert's multi-label zero-shot computes it) is normalised over the three
/// labels.
///
/// rust-bert reads the contradiction and entailment logits at positions 0 and 2. Models ordered
/// `contradiction, neutral, entailment` are used as is; models ordered `entailment, neutral,
/// contradiction` are remapped (entailment = 1 - the score rust-bert reports). Other orders are
/// rejected with an error naming them. The order is read from `id2label` unless the manifest
/// sets `entailment` and `contradiction` explicitly.
///
/// Cost: three cross-encoder passes per (sentence, target); there is no encode-once shortcut
/// for cross-encoders.
pub struct NliClassifier {
    model: ZeroShotClassificationModel,
    manifest: NliManifest,
    flip: bool,
}

impl std::fmt::Debug for NliClassifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NliClassifier")
            .field("manifest", &self.manifest)
            .field("entailment_first", &self.flip)
            .finish()
    }
}

impl NliClassifier {
    /// Loads the model the manifest names; `model_dir` is relative to `base` (the manifest's
    /// folder) unless absolute.
    pub fn load(manifest: &NliManifest, base: &Path) -> Result<NliClassifier, Error> {
        let files = check_files(&manifest.folder, base)?;
        let find = |needle: &str| {
            files
                .labels
                .iter()
                .position(|l| l.to_ascii_lowercase().starts_with(needle))
        };
        let entailment = manifest.entailment.or_else(|| find("entail"));
        let contradiction = manifest.contradiction.or_else(|| find("contradict"));
        let flip = match (files.labels.len(), entailment, contradiction) {
            (3, Some(2), Some(0)) => false,
            (3, Some(0), Some(2)) => true,
            (n, e, c) => {
                return Err(Error::ModelFiles {
                    path: files.config.clone(),
                    message: format!(
                        "NLI label order not usable: {n} labels {:?}, entailment at {e:?}, \
                         contradiction at {c:?}; rust-bert's zero-shot pipeline needs three \
                         labels with entailment and contradiction at positions 0 and 2 (set \
                         \"entailment\"/\"contradiction\" in the manifest if id2label names \
                         them differently)",
                        files.labels
                    ),
                })
            }
        };
        for (name, t) in [
            ("favor", &manifest.templates.favor),
            ("against", &manifest.templates.against),
            ("none", &manifest.templates.none),
        ] {
            if !t.contains("{target}") {
                return Err(Error::ModelFiles {
                    path: files.config.clone(),
                    message: format!("the {name} template {t:?} has no {{target}} placeholder"),
                });
            }
        }
        let config = ZeroShotClassificationConfig {
            model_type: files.model_type,
            model_resource: ModelResource::Torch(Box::new(local(&files.weights))),
            config_resource: Box::new(local(&files.config)),
            vocab_resource: Box::new(local(&files.vocab)),
            merges_resource: files
                .merges
                .as_deref()
                .map(|m| Box::new(local(m)) as Box<_>),
            lower_case: files.lower_case,
            strip_accents: None,
            add_prefix_space: None,
            device: Device::Cpu,
            kind: None,
        };
        let model = guarded(&files.weights, || ZeroShotClassificationModel::new(config))?;
        Ok(NliClassifier {
            model,
            manifest: manifest.clone(),
            flip,
        })
    }

    fn hypotheses(&self, target: &str) -> [String; 3] {
        let t = &self.manifest.templates;
        [&t.favor, &t.against, &t.none].map(|h| h.replace("{target}", target))
    }
}

impl StanceClassifier for NliClassifier {
    type Error = Error;

    fn name(&self) -> &str {
        "zero-shot-nli"
    }

    fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, Error> {
        crate::guard("classifying", || {
            if sentences.is_empty() || targets.is_empty() {
                return Ok(Vec::new());
            }
            let hyps: Vec<String> = targets.iter().flat_map(|t| self.hypotheses(t)).collect();
            let labels: Vec<&str> = hyps.iter().map(String::as_str).collect();
            let per_chunk = (self.manifest.batch_pairs / labels.len()).max(1);
            let mut out = Vec::with_capacity(sentences.len() * targets.len());
            for chunk in sentences.chunks(per_chunk) {
                let scores = self.model.predict_multilabel(
                    chunk,
                    labels.as_slice(),
                    Some(Box::new(|l: &str| l.to_string())),
                    self.manifest.max_length,
                )?;
                for sentence in scores {
                    let mut entail: Vec<f64> = sentence.iter().map(|l| l.score).collect();
                    if self.flip {
                        entail.iter_mut().for_each(|p| *p = 1.0 - *p);
                    }
                    for e in entail.chunks_exact(3) {
                        let total = (e[0] + e[1] + e[2]).max(f64::MIN_POSITIVE);
                        out.push(Probs {
                            favor: (e[0] / total) as f32,
                            against: (e[1] / total) as f32,
                            none: (e[2] / total) as f32,
                        });
                    }
                }
            }
            if out.len() != sentences.len() * targets.len() {
                return Err(Error::CountMismatch(standpoint_types::CountMismatch {
                    expected: sentences.len() * targets.len(),
                    got: out.len(),
                }));
            }
            Ok(out)
        })
    }
}

/// A fine-tuned stance classifier over (target, text) pairs, run through rust-bert's
/// sequence-classification model (`SequenceClassificationOption`, the model behind
/// `SequenceClassificationModel`). The pipeline type itself only takes single texts and reports
/// sigmoid scores of the top labels; stance models are trained on text pairs and their outputs
/// are a softmax, so this classifier tokenises pairs itself (`[CLS] target [SEP] text [SEP]`,
/// or text first) and reads the logits.
///
/// The manifest maps each model label (from `id2label`) to FAVOR, AGAINST or NONE; labels may
/// share a stance (their probabilities add up). A model without a NONE label gives `none = 0`.
pub struct SequenceClassifier {
    model: SequenceClassificationOption,
    tokenizer: TokenizerOption,
    manifest: SequenceManifest,
    /// Stance of each logit.
    stance_of: Vec<Label>,
    pad_id: i64,
}

impl std::fmt::Debug for SequenceClassifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SequenceClassifier")
            .field("manifest", &self.manifest)
            .field("stance_of", &self.stance_of)
            .finish()
    }
}

impl SequenceClassifier {
    /// Loads the model the manifest names; `model_dir` is relative to `base` unless absolute.
    pub fn load(manifest: &SequenceManifest, base: &Path) -> Result<SequenceClassifier, Error> {
        let files = check_files(&manifest.folder, base)?;
        let mut stance_of = Vec::new();
        for name in &files.labels {
            let mapped = manifest
                .labels
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
                .or_else(|| name.parse::<Label>().ok())
                .ok_or_else(|| Error::ModelFiles {
                    path: files.config.clone(),
                    message: format!(
                        "model label {name:?} is not mapped to FAVOR/AGAINST/NONE; add it to \
                         \"labels\" in the manifest"
                    ),
                })?;
            stance_of.push(mapped);
        }
        let config = SequenceClassificationConfig {
            model_type: files.model_type,
            model_resource: ModelResource::Torch(Box::new(local(&files.weights))),
            config_resource: Box::new(local(&files.config)),
            vocab_resource: Box::new(local(&files.vocab)),
            merges_resource: files
                .merges
                .as_deref()
                .map(|m| Box::new(local(m)) as Box<_>),
            lower_case: files.lower_case,
            strip_accents: None,
            add_prefix_space: None,
            device: Device::Cpu,
            kind: None,
        };
        let model = guarded(&files.weights, || {
            SequenceClassificationOption::new(&config)
        })?;
        let tokenizer = guarded(&files.vocab, || {
            TokenizerOption::from_file(
                files.model_type,
                &files.vocab.to_string_lossy(),
                files
                    .merges
                    .as_deref()
                    .map(|m| m.to_str().unwrap_or_default()),
                files.lower_case,
                None,
                None,
            )
        })?;
        let pad_id = tokenizer.get_pad_id().unwrap_or(0);
        Ok(SequenceClassifier {
            model,
            tokenizer,
            manifest: manifest.clone(),
            stance_of,
            pad_id,
        })
    }

    fn forward(&self, pairs: &[(&str, &str)]) -> Result<Vec<Probs>, Error> {
        let enc = self.tokenizer.encode_pair_list(
            pairs,
            self.manifest.max_length,
            &TruncationStrategy::LongestFirst,
            0,
        );
        let b = enc.len() as i64;
        let l = enc.iter().map(|e| e.token_ids.len()).max().unwrap_or(1) as i64;
        let mut ids = vec![self.pad_id; (b * l) as usize];
        let mut types = vec![0i64; (b * l) as usize];
        let mut mask = vec![0i64; (b * l) as usize];
        for (r, e) in enc.iter().enumerate() {
            let o = r * l as usize;
            ids[o..o + e.token_ids.len()].copy_from_slice(&e.token_ids);
            for (j, s) in e.segment_ids.iter().enumerate() {
                types[o + j] = *s as i64;
                mask[o + j] = 1;
            }
        }
        let ids = Tensor::from_slice(&ids).view([b, l]);
        let types = Tensor::from_slice(&types).view([b, l]);
        let mask = Tensor::from_slice(&mask).view([b, l]);
        let logits = tch::no_grad(|| {
            self.model
                .forward_t(Some(&ids), Some(&mask), Some(&types), None, None, false)
        });
        let p = logits.softmax(-1, Kind::Float).contiguous();
        let n = self.stance_of.len();
        if p.size() != [b, n as i64] {
            return Err(Error::OutputShape {
                got: p.size(),
                expected: vec![b, n as i64],
            });
        }
        let v: Vec<f32> = Vec::try_from(p.view([-1]))?;
        Ok(v.chunks_exact(n)
            .map(|row| {
                let mut probs = Probs {
                    favor: 0.0,
                    against: 0.0,
                    none: 0.0,
                };
                for (x, label) in row.iter().zip(&self.stance_of) {
                    match label {
                        Label::Favor => probs.favor += x,
                        Label::Against => probs.against += x,
                        Label::None => probs.none += x,
                    }
                }
                probs
            })
            .collect())
    }
}

impl StanceClassifier for SequenceClassifier {
    type Error = Error;

    fn name(&self) -> &str {
        "sequence-classifier"
    }

    fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, Error> {
        crate::guard("classifying", || {
            let pairs: Vec<(&str, &str)> = sentences
                .iter()
                .flat_map(|s| {
                    targets.iter().map(move |t| {
                        if self.manifest.text_first {
                            (*s, *t)
                        } else {
                            (*t, *s)
                        }
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(pairs.len());
            for chunk in pairs.chunks(self.manifest.batch_pairs.max(1)) {
                out.extend(self.forward(chunk)?);
            }
            Ok(out)
        })
    }
}
