//! A fine-tuned bi-encoder (feature `model`): the sentence encoder with LoRA adapters and the
//! default model's head over `[s, t, s*t, |s-t|]`, trained together, e.g. on a teacher's
//! probabilities (distillation from the cross-encoder). Sentences and targets are encoded
//! apart, so a sentence costs one encoder pass however many targets there are; at load the
//! adapters are merged into the encoder's weights ([`crate::Encoder::load_adapted`]) and the
//! model runs as an [`crate::EncoderHeadClassifier`] whose manifest names the adapters.

use std::path::{Path, PathBuf};

use tch::nn;
use tch::{Device, Tensor};

use crate::checkpoint::{CheckpointSpec, Fingerprint};
use crate::cross::{FineTuneConfig, FineTuneExample, TrainEvent};
use crate::manifest::EncoderHeadManifest;
use crate::model::Head;
use crate::native::{save_tensors, Adapters, NativeBert, WeightFile};
use crate::trainer;
use crate::{Error, Probs, StanceClassifier};

/// A bi-encoder in training form (adapters apart from the weights).
pub struct BiEncoder {
    bert: NativeBert,
    adapters: Adapters,
    head: Head,
    max_length: usize,
    _vars: nn::VarStore,
}

impl std::fmt::Debug for BiEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BiEncoder")
            .field("max_length", &self.max_length)
            .finish()
    }
}

/// What [`BiEncoderTrainer::train`] reports.
pub type BiEncoderEvent<'a> = TrainEvent<'a, BiEncoder>;

impl BiEncoder {
    /// Writes the adapters (`layer.{i}.{part}.{a|b}`) and the head (its own file, as
    /// [`Head::save`] writes it).
    pub fn save(&self, adapter_path: &Path, head_path: &Path) -> Result<(), Error> {
        save_tensors(self.adapters.named(), adapter_path)?;
        self.head.save(head_path)
    }

    /// Token ids of texts, truncated to the model's length.
    fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<i64>>, Error> {
        self.bert.tokenizer().encode(texts, self.max_length)
    }

    /// Embeddings of tokenised texts in input order: in training one padded pass (with
    /// dropout); otherwise batches of one length (no padding), so that a text's embedding does
    /// not depend on its batch-mates.
    fn embed(&self, ids: &[Vec<i64>], train: bool) -> Tensor {
        if train {
            let rows: Vec<&[i64]> = ids.iter().map(Vec::as_slice).collect();
            return self.bert.embed(&rows, Some(&self.adapters), true);
        }
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| ids[i].len());
        let lens: Vec<usize> = order.iter().map(|&i| ids[i].len()).collect();
        let mut parts = Vec::new();
        for range in crate::model::same_length_batches(&lens, 64, crate::DEFAULT_MAX_BATCH_TOKENS) {
            let batch: Vec<&[i64]> = order[range].iter().map(|&i| ids[i].as_slice()).collect();
            parts.push(self.bert.embed(&batch, Some(&self.adapters), train));
        }
        if parts.is_empty() {
            return Tensor::zeros([0, self.bert.dim()], (tch::Kind::Float, Device::Cpu));
        }
        let sorted = Tensor::cat(&parts, 0);
        let mut inverse = vec![0i64; ids.len()];
        for (pos, &i) in order.iter().enumerate() {
            inverse[i] = pos as i64;
        }
        sorted.index_select(0, &Tensor::from_slice(&inverse))
    }
}

impl StanceClassifier for BiEncoder {
    type Error = Error;

    fn name(&self) -> &str {
        "bi-encoder"
    }

    fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, Error> {
        crate::guard("classifying", || {
            let (s, t) = tch::no_grad(|| -> Result<(Tensor, Tensor), Error> {
                let s = self.embed(&self.tokenize(sentences)?, false);
                let t = self.embed(&self.tokenize(targets)?, false);
                Ok((s, t))
            })?;
            self.head.predict(&s, &t)
        })
    }
}

/// Fine-tunes a [`BiEncoder`] from a sentence-transformers BERT folder.
#[derive(Debug, Default)]
pub struct BiEncoderTrainer {
    /// Settings (rank, alpha, learning rate, epochs, ...; `max_length` caps sentences).
    pub config: FineTuneConfig,
    /// Hidden width of the head.
    pub hidden: usize,
    /// Checkpoints (and resume).
    pub checkpoint: Option<CheckpointSpec>,
    /// Start from this `encoder_head` model (its manifest.json) instead of a fresh head: its
    /// head (same hidden width) and, when the manifest names them, its encoder adapters (same
    /// rank and alpha). From the shipped default (no adapters), training starts from exactly
    /// the default's readings; from a bi-encoder, it continues that model in a later session.
    pub init: Option<PathBuf>,
}

/// The `encoder_head` manifest at `path` and the folder its files are named from.
fn init_manifest(path: &Path) -> Result<(EncoderHeadManifest, &Path), Error> {
    match crate::manifest::Manifest::load(path)? {
        crate::manifest::Manifest::EncoderHead(m) => {
            Ok((m, path.parent().unwrap_or(Path::new("."))))
        }
        _ => Err(Error::ModelFiles {
            path: path.to_path_buf(),
            message: "a bi-encoder can only start from an encoder_head manifest (the default \
                      model or a bi-encoder)"
                .into(),
        }),
    }
}

impl BiEncoderTrainer {
    /// Trains on `examples` (their `context` is not read); `on_event` sees every step and
    /// epoch. Checkpoints and resume as [`crate::CrossEncoderTrainer::train`].
    pub fn train(
        &self,
        encoder_dir: &Path,
        examples: &[FineTuneExample<'_>],
        mut on_event: impl FnMut(BiEncoderEvent<'_>) -> Result<(), Error>,
    ) -> Result<BiEncoder, Error> {
        crate::guard("fine-tuning", || {
            let c = &self.config;
            crate::model::check_encoder_files(encoder_dir)?;
            if let Some(why) = crate::native::unsupported(encoder_dir)? {
                return Err(Error::ModelFiles {
                    path: encoder_dir.to_path_buf(),
                    message: format!(
                        "a bi-encoder needs a plain BERT or MPNet encoder; this one has {why}"
                    ),
                });
            }
            if examples.is_empty() {
                return Err(Error::NoTrainingExamples);
            }
            tch::manual_seed(c.seed as i64);
            let bert = NativeBert::load(encoder_dir)?;
            let vars = nn::VarStore::new(Device::Cpu);
            let adapters = Adapters::init(&vars.root(), &bert.dense_shapes(), c.rank, c.alpha)?;
            let head = Head::new(bert.dim() as usize, self.hidden.max(1));
            if let Some(init) = &self.init {
                self.start_from(init, &bert, &adapters, &head)?;
            }
            let model = BiEncoder {
                bert,
                adapters,
                head,
                max_length: c.max_length,
                _vars: vars,
            };
            let texts: Vec<&str> = examples.iter().map(|e| e.text).collect();
            let sentence_ids = model.tokenize(&texts)?;
            // Targets: each distinct one tokenised once.
            let mut targets: Vec<&str> = examples.iter().map(|e| e.target).collect();
            targets.sort_unstable();
            targets.dedup();
            let target_ids = model.tokenize(&targets)?;
            let target_of: Vec<usize> = examples
                .iter()
                .map(|e| targets.binary_search(&e.target).unwrap_or(0))
                .collect();
            let lengths: Vec<usize> = sentence_ids.iter().map(Vec::len).collect();
            let checkpoint = match &self.checkpoint {
                Some(spec) => Some((spec.clone(), self.fingerprint(encoder_dir, examples)?)),
                None => None,
            };
            let mut params: Vec<(String, Tensor)> = model
                .adapters
                .named()
                .into_iter()
                .map(|(n, t)| (n, t.shallow_clone()))
                .collect();
            params.extend(model.head.variables());
            let mean_w = trainer::mean_weight(examples);
            let spec = trainer::LoopSpec {
                seed: c.seed,
                epochs: c.epochs,
                batch_size: c.batch_size,
                learning_rate: c.learning_rate,
                weight_decay: c.weight_decay,
                lengths: &lengths,
                checkpoint,
            };
            trainer::run(
                &model,
                params,
                spec,
                |m, batch| {
                    let s_ids: Vec<Vec<i64>> =
                        batch.iter().map(|&i| sentence_ids[i].clone()).collect();
                    let t_ids: Vec<Vec<i64>> = batch
                        .iter()
                        .map(|&i| target_ids[target_of[i]].clone())
                        .collect();
                    let s = m.embed(&s_ids, true);
                    let t = m.embed(&t_ids, true);
                    let logits = m.head.logits_aligned(&s.dropout(0.1, true), &t);
                    Ok(trainer::weighted_loss(&logits, examples, batch, mean_w))
                },
                &mut on_event,
            )?;
            Ok(model)
        })
    }

    fn fingerprint(
        &self,
        encoder_dir: &Path,
        examples: &[FineTuneExample<'_>],
    ) -> Result<Fingerprint, Error> {
        let mut f = trainer::config_fingerprint("bi-encoder v1", &self.config);
        f.add_u64(self.hidden as u64);
        trainer::add_encoder(&mut f, encoder_dir)?;
        if let Some(init) = &self.init {
            f.add_str("init")
                .add_str(&crate::cross::start_weights(init)?.0);
        }
        trainer::add_examples(&mut f, examples);
        Ok(f)
    }
}

impl BiEncoderTrainer {
    /// Copies the head (and the adapters, when named) of the `encoder_head` model at `init`
    /// into the fresh trainable variables.
    fn start_from(
        &self,
        init: &Path,
        bert: &NativeBert,
        adapters: &Adapters,
        head: &Head,
    ) -> Result<(), Error> {
        let c = &self.config;
        let (m, dir) = init_manifest(init)?;
        if m.hidden != self.hidden {
            return Err(Error::ModelFiles {
                path: init.to_path_buf(),
                message: format!(
                    "its head has hidden width {h}; start from it with --hidden {h}",
                    h = m.hidden
                ),
            });
        }
        let from_head = Head::load(&dir.join(&m.head_file), bert.dim() as usize, m.hidden)?;
        if let Some(a) = &m.adapters {
            if a.rank != c.rank || a.alpha != c.alpha {
                return Err(Error::ModelFiles {
                    path: init.to_path_buf(),
                    message: format!(
                        "it has rank {r} and alpha {al}; continue it with --rank {r} --alpha {al}",
                        r = a.rank,
                        al = a.alpha
                    ),
                });
            }
            let mut w = WeightFile::open(
                &dir.join(&a.file),
                "adapter weights",
                "run `standpoint finetune --bi-encoder`",
            )?;
            adapters.copy_from(&w.adapters(&bert.dense_shapes(), a.rank, a.alpha)?);
        }
        tch::no_grad(|| {
            for ((_, to), (_, from)) in head.variables().iter().zip(from_head.variables()) {
                to.shallow_clone().copy_(&from);
            }
        });
        Ok(())
    }
}
