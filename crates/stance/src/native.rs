//! A direct tch forward pass for sentence-transformers BERT and MPNet encoders (feature
//! `model`).
//!
//! MPNet (all-mpnet-base-v2) differs from BERT in four places, all handled here: weight names
//! (`attention.attn.{q,k,v,o}`), no segment embeddings, positions counted from
//! `pad_token_id + 1`, and a learned bias per attention head added to every attention score,
//! looked up by the bucket of the relative distance between the two tokens (T5's bidirectional
//! buckets: 32 buckets, half per direction, exact below 8, logarithmic up to 128). The test
//! suite checks it against vectors of the Python reference implementation.
//!
//! rust-bert's BERT computes GELU in five tensor operations, runs three separate projections for
//! query, key and value, and materialises the attention matrix. This module loads the same
//! safetensors weights and runs the same arithmetic with libtorch's fused operators: one GEMM for
//! Q, K and V, `scaled_dot_product_attention`, and the native `gelu`. The test suite checks that
//! it agrees with rust-bert's output (cosine >= 0.99999).

use std::path::Path;

use crate::tokenize::{PairIds, PairTokenizer};
use serde::Deserialize;
use tch::{Kind, Tensor};

use crate::Error;

#[derive(Debug, Deserialize)]
struct BertJson {
    hidden_size: i64,
    num_attention_heads: i64,
    num_hidden_layers: i64,
    #[serde(default = "default_eps")]
    layer_norm_eps: f64,
    #[serde(default)]
    hidden_act: Option<String>,
    #[serde(default)]
    position_embedding_type: Option<String>,
    #[serde(default)]
    model_type: Option<String>,
    #[serde(default)]
    pad_token_id: Option<i64>,
    #[serde(default)]
    relative_attention_num_buckets: Option<i64>,
}

/// The architectures this forward pass runs.
const NATIVE_TYPES: [&str; 2] = ["bert", "mpnet"];

/// How positions and segments enter the embeddings and attention.
enum Arch {
    /// Absolute positions from 0 and segment (token type) embeddings.
    Bert {
        token_type: Tensor,
        token_type0: Tensor,
    },
    /// Absolute positions from `pad_token_id + 1` and a relative-position bias per head:
    /// `bias[bucket(j - i)]` for query `i` and key `j`.
    MPNet {
        /// `[max, max]` bucket of every (query, key) position pair.
        buckets: Tensor,
        /// `[buckets, heads]`.
        bias: Tensor,
    },
}

fn default_eps() -> f64 {
    1e-12
}

#[derive(Debug, Deserialize)]
struct PoolingJson {
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
}

#[derive(Debug, Deserialize)]
struct ModuleJson {
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Debug, Deserialize)]
struct SbertJson {
    #[serde(default = "default_max_len")]
    max_seq_length: usize,
}

fn default_max_len() -> usize {
    256
}

/// How token vectors become one sentence vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pooling {
    Mean,
    Cls,
}

struct Layer {
    qkv_w: Tensor,
    qkv_b: Tensor,
    out_w: Tensor,
    out_b: Tensor,
    ln1_w: Tensor,
    ln1_b: Tensor,
    up_w: Tensor,
    up_b: Tensor,
    down_w: Tensor,
    down_b: Tensor,
    ln2_w: Tensor,
    ln2_b: Tensor,
    /// The four dense layers in int8 ([`NativeBert::quantize`]); `None` in fp32.
    int8: Option<[crate::quant::QLinear; 4]>,
}

/// A sentence-transformers BERT encoder run directly on tch.
pub(crate) struct NativeBert {
    tokenizer: PairTokenizer,
    max_len: usize,
    word: Tensor,
    position: Tensor,
    /// Row of `position` of the first token.
    position_offset: i64,
    arch: Arch,
    emb_ln_w: Tensor,
    emb_ln_b: Tensor,
    layers: Vec<Layer>,
    heads: i64,
    hidden: i64,
    eps: f64,
    pooling: Pooling,
    normalize: bool,
    /// Per-channel input statistics gathered while calibrating for int8; `None` otherwise.
    calibration: std::sync::Mutex<Option<Vec<[Option<Calibration>; 4]>>>,
}

/// What calibration keeps of one dense layer's inputs, per input channel.
struct Calibration {
    /// Largest magnitude.
    max: Tensor,
    /// Sum over tokens.
    sum: Tensor,
    /// Tokens summed.
    tokens: i64,
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| Error::ConfigParse {
        path: path.to_path_buf(),
        source,
    })
}

/// Why a folder cannot be run natively (so the caller can fall back to rust-bert), or `None`.
pub(crate) fn unsupported(dir: &Path) -> Result<Option<String>, Error> {
    let modules: Vec<ModuleJson> = read_json(&dir.join("modules.json"))?;
    for m in &modules {
        let k = m.kind.rsplit('.').next().unwrap_or("");
        if !matches!(k, "Transformer" | "Pooling" | "Normalize") {
            return Ok(Some(format!("module {}", m.kind)));
        }
    }
    let cfg: BertJson = read_json(&dir.join("config.json"))?;
    if let Some(t) = cfg
        .model_type
        .as_deref()
        .filter(|t| !NATIVE_TYPES.contains(t))
    {
        return Ok(Some(format!("model type {t}")));
    }
    if cfg.hidden_act.as_deref().is_some_and(|a| a != "gelu") {
        return Ok(Some(format!("activation {:?}", cfg.hidden_act)));
    }
    if cfg
        .position_embedding_type
        .as_deref()
        .is_some_and(|p| p != "absolute")
    {
        return Ok(Some("relative position embeddings".into()));
    }
    let pool: PoolingJson = read_json(&dir.join("1_Pooling/config.json"))?;
    let modes = [
        pool.pooling_mode_cls_token,
        pool.pooling_mode_mean_tokens,
        pool.pooling_mode_max_tokens,
        pool.pooling_mode_mean_sqrt_len_tokens,
    ];
    if modes.iter().filter(|&&m| m).count() != 1
        || pool.pooling_mode_max_tokens
        || pool.pooling_mode_mean_sqrt_len_tokens
    {
        return Ok(Some("pooling other than a single mean or CLS mode".into()));
    }
    Ok(None)
}

/// The `model_type` of an encoder folder's config.json (`"bert"` when it names none).
pub(crate) fn model_type(dir: &Path) -> Result<String, Error> {
    let cfg: BertJson = read_json(&dir.join("config.json"))?;
    Ok(cfg.model_type.unwrap_or_else(|| "bert".into()))
}

/// MPNet's (and T5's) bidirectional relative-position bucket of `relative = key - query`:
/// half the buckets per direction, distances below `buckets / 4` each their own bucket, longer
/// ones logarithmic up to `max_distance`. The same tensor arithmetic as the reference
/// implementation, so float rounding falls the same way.
fn relative_buckets(relative: &Tensor, buckets: i64, max_distance: i64) -> Tensor {
    let half = buckets / 2;
    let n = -relative;
    let sign = n.lt(0).to_kind(Kind::Int64) * half;
    let n = n.abs();
    let max_exact = half / 2;
    let is_small = n.lt(max_exact);
    let large = ((n.to_kind(Kind::Float) / max_exact as f64).log()
        / (max_distance as f64 / max_exact as f64).ln()
        * (half - max_exact) as f64)
        .to_kind(Kind::Int64)
        + max_exact;
    let large = large.clamp_max(half - 1);
    sign + n.where_self(&is_small, &large)
}

impl NativeBert {
    /// Loads from a sentence-transformers folder. Call [`unsupported`] first.
    pub(crate) fn load(dir: &Path) -> Result<NativeBert, Error> {
        let cfg: BertJson = read_json(&dir.join("config.json"))?;
        let pool: PoolingJson = read_json(&dir.join("1_Pooling/config.json"))?;
        let modules: Vec<ModuleJson> = read_json(&dir.join("modules.json"))?;
        let sbert: SbertJson = read_json(&dir.join("sentence_bert_config.json"))?;
        let tokenizer = PairTokenizer::from_dir(dir)?;
        let weights_path = dir.join("model.safetensors");
        let corrupt = |message: String| Error::ModelFiles {
            path: weights_path.clone(),
            message,
        };
        let tensors = Tensor::read_safetensors(&weights_path).map_err(|source| Error::Weights {
            path: weights_path.clone(),
            hint: "reinstall with `bash scripts/setup-libtorch.sh`",
            source,
        })?;
        let mut map: std::collections::HashMap<String, Tensor> = tensors
            .into_iter()
            .map(|(k, v)| {
                let k = k
                    .strip_prefix("bert.")
                    .or_else(|| k.strip_prefix("mpnet."))
                    .unwrap_or(&k)
                    .to_string();
                (k, v)
            })
            .collect();
        // `-1` in a shape accepts any size in that dimension.
        let mut take = |name: &str, shape: &[i64]| -> Result<Tensor, Error> {
            let t = map
                .remove(name)
                .ok_or_else(|| corrupt(format!("tensor {name} missing")))?;
            let size = t.size();
            let fits =
                size.len() == shape.len() && size.iter().zip(shape).all(|(&a, &b)| b < 0 || a == b);
            if !fits {
                return Err(corrupt(format!(
                    "tensor {name} has shape {size:?}, config says {shape:?}"
                )));
            }
            let t = t.to_kind(Kind::Float);
            if !crate::model::all_finite(&t) {
                return Err(corrupt(format!(
                    "tensor {name} holds NaN or infinite values"
                )));
            }
            Ok(t)
        };
        let h = cfg.hidden_size;
        let mpnet = cfg.model_type.as_deref() == Some("mpnet");
        let word = take("embeddings.word_embeddings.weight", &[-1, h])?;
        let position = take("embeddings.position_embeddings.weight", &[-1, h])?;
        let position_offset = if mpnet {
            cfg.pad_token_id.unwrap_or(1) + 1
        } else {
            0
        };
        let rows = position.size()[0] - position_offset;
        if rows < 2 {
            return Err(corrupt(format!(
                "the position table has {} rows",
                position.size()[0]
            )));
        }
        let max_len = sbert.max_seq_length.min(rows as usize);
        let arch = if mpnet {
            let n = cfg.relative_attention_num_buckets.unwrap_or(32);
            let bias = take(
                "encoder.relative_attention_bias.weight",
                &[n, cfg.num_attention_heads],
            )?;
            let pos = Tensor::arange(rows, (Kind::Int64, tch::Device::Cpu));
            let relative = pos.unsqueeze(0) - pos.unsqueeze(1);
            Arch::MPNet {
                buckets: relative_buckets(&relative, n, 128),
                bias,
            }
        } else {
            let token_type = take("embeddings.token_type_embeddings.weight", &[-1, h])?;
            Arch::Bert {
                token_type0: token_type.get(0),
                token_type,
            }
        };
        let emb_ln_w = take("embeddings.LayerNorm.weight", &[h])?;
        let emb_ln_b = take("embeddings.LayerNorm.bias", &[h])?;
        let mut layers = Vec::new();
        for i in 0..cfg.num_hidden_layers {
            let p = format!("encoder.layer.{i}.");
            // (query, key, value, attention output, its layer norm)
            let names = if mpnet {
                ["attn.q", "attn.k", "attn.v", "attn.o", "LayerNorm"]
            } else {
                [
                    "self.query",
                    "self.key",
                    "self.value",
                    "output.dense",
                    "output.LayerNorm",
                ]
            };
            let [q, k, v, o, ln] = names.map(|n| format!("{p}attention.{n}"));
            let q_w = take(&format!("{q}.weight"), &[h, h])?;
            let k_w = take(&format!("{k}.weight"), &[h, h])?;
            let v_w = take(&format!("{v}.weight"), &[h, h])?;
            let q_b = take(&format!("{q}.bias"), &[h])?;
            let k_b = take(&format!("{k}.bias"), &[h])?;
            let v_b = take(&format!("{v}.bias"), &[h])?;
            let up_w = take(&format!("{p}intermediate.dense.weight"), &[-1, h])?;
            let inter = up_w.size()[0];
            layers.push(Layer {
                qkv_w: Tensor::cat(&[q_w, k_w, v_w], 0),
                qkv_b: Tensor::cat(&[q_b, k_b, v_b], 0),
                out_w: take(&format!("{o}.weight"), &[h, h])?,
                out_b: take(&format!("{o}.bias"), &[h])?,
                ln1_w: take(&format!("{ln}.weight"), &[h])?,
                ln1_b: take(&format!("{ln}.bias"), &[h])?,
                up_b: take(&format!("{p}intermediate.dense.bias"), &[inter])?,
                up_w,
                down_w: take(&format!("{p}output.dense.weight"), &[h, inter])?,
                down_b: take(&format!("{p}output.dense.bias"), &[h])?,
                ln2_w: take(&format!("{p}output.LayerNorm.weight"), &[h])?,
                ln2_b: take(&format!("{p}output.LayerNorm.bias"), &[h])?,
                int8: None,
            });
        }
        if h % cfg.num_attention_heads != 0 {
            return Err(Error::ModelFiles {
                path: dir.join("config.json"),
                message: "hidden_size is not a multiple of num_attention_heads".into(),
            });
        }
        let normalize = modules.iter().any(|m| m.kind.ends_with("Normalize"));
        Ok(NativeBert {
            tokenizer,
            max_len,
            word,
            position,
            position_offset,
            arch,
            emb_ln_w,
            emb_ln_b,
            layers,
            heads: cfg.num_attention_heads,
            hidden: h,
            eps: cfg.layer_norm_eps,
            pooling: if pool.pooling_mode_cls_token {
                Pooling::Cls
            } else {
                Pooling::Mean
            },
            normalize,
            calibration: std::sync::Mutex::new(None),
        })
    }

    pub(crate) fn dense_parameters(&self) -> usize {
        self.layers
            .iter()
            .map(|l| match &l.int8 {
                Some(q) => q.iter().map(|q| q.weights()).sum(),
                None => l.qkv_w.numel() + l.out_w.numel() + l.up_w.numel() + l.down_w.numel(),
            })
            .sum()
    }

    pub(crate) fn tokenizer(&self) -> &PairTokenizer {
        &self.tokenizer
    }

    /// The longest input the position table allows.
    pub(crate) fn max_positions(&self) -> usize {
        (self.position.size()[0] - self.position_offset) as usize
    }

    pub(crate) fn dim(&self) -> i64 {
        self.hidden
    }

    /// Token ids of each text ([CLS] ... [SEP], truncated to the model's maximum length).
    pub(crate) fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<i64>>, Error> {
        self.tokenizer.encode(texts, self.max_len)
    }

    /// Token ids and segment ids of each pair ([CLS] a [SEP] b [SEP]; the longer side is
    /// truncated first to fit `max_len`).
    pub(crate) fn tokenize_pairs(
        &self,
        pairs: &[(&str, &str)],
        max_len: usize,
    ) -> Result<Vec<PairIds>, Error> {
        self.tokenizer
            .encode_pairs(pairs, max_len.min(self.max_len))
    }

    /// `(out, in)` shapes of each layer's dense weights: fused QKV, attention output, FFN up,
    /// FFN down.
    pub(crate) fn dense_shapes(&self) -> Vec<[(i64, i64); 4]> {
        let shape = |t: &Tensor| {
            let s = t.size();
            (s[0], s[1])
        };
        self.layers
            .iter()
            .map(|l| {
                [
                    shape(&l.qkv_w),
                    shape(&l.out_w),
                    shape(&l.up_w),
                    shape(&l.down_w),
                ]
            })
            .collect()
    }

    /// Adds low-rank updates into the dense weights (`W += scale * B A`), so that inference
    /// with adapters costs the same as without.
    /// Quantises the four dense layers of every block to int8 for inference
    /// ([`crate::quant`]); merge adapters first. Errors (leaving the model fp32) when this
    /// machine's libtorch cannot run the int8 kernels.
    pub(crate) fn quantize(&mut self) -> Result<(), Error> {
        crate::quant::int8_available().map_err(|reason| Error::Int8 { reason })?;
        if self.is_int8() {
            return Ok(());
        }
        // Calibration: the fp32 model reads a fixed set of sentences, and each dense layer's
        // input channels' largest magnitudes are kept (SmoothQuant's statistics).
        let empty = || std::array::from_fn::<Option<Calibration>, 4, _>(|_| None);
        if let Ok(mut g) = self.calibration.lock() {
            *g = Some((0..self.layers.len()).map(|_| empty()).collect());
        }
        // One sentence at a time: no padding tokens in the statistics.
        let ids = self.tokenize(crate::quant::CALIBRATION)?;
        for chunk in ids.chunks(1) {
            let refs: Vec<&[i64]> = chunk.iter().map(Vec::as_slice).collect();
            let _ = crate::guard("calibrating int8", || Ok(self.forward(&refs)))?;
        }
        let stats = self
            .calibration
            .lock()
            .ok()
            .and_then(|mut g| g.take())
            .unwrap_or_default();
        let mut done = Vec::with_capacity(self.layers.len());
        for (i, l) in self.layers.iter().enumerate() {
            let act = |p: usize| {
                stats
                    .get(i)
                    .and_then(|s| s[p].as_ref())
                    .map(|c| crate::quant::Inputs {
                        max: c.max.shallow_clone(),
                        mean: &c.sum / c.tokens.max(1) as f64,
                    })
            };
            done.push([
                crate::quant::QLinear::new(&l.qkv_w, &l.qkv_b, act(0).as_ref(), false)?,
                crate::quant::QLinear::new(&l.out_w, &l.out_b, act(1).as_ref(), false)?,
                crate::quant::QLinear::new(&l.up_w, &l.up_b, act(2).as_ref(), false)?,
                crate::quant::QLinear::new(&l.down_w, &l.down_b, act(3).as_ref(), true)?,
            ]);
        }
        // The fp32 copies of the quantised weights are no longer read (int8 models are never
        // trained nor merged into): freed, so an int8 model holds less memory than fp32.
        for (l, q) in self.layers.iter_mut().zip(done) {
            l.int8 = Some(q);
            for w in [&mut l.qkv_w, &mut l.out_w, &mut l.up_w, &mut l.down_w] {
                *w = Tensor::new();
            }
        }
        Ok(())
    }

    /// While calibrating ([`NativeBert::quantize`]): the largest magnitude of each input
    /// channel of dense layer `part` of block `i` seen so far.
    fn record(&self, i: usize, part: usize, x: &Tensor) {
        let Ok(mut guard) = self.calibration.lock() else {
            return;
        };
        if let Some(stats) = guard.as_mut() {
            let h = x.size()[x.dim() - 1];
            let (max, sum, n) = tch::no_grad(|| {
                let x = x.reshape([-1, h]).to_kind(Kind::Float);
                let max = x.abs().amax([0i64].as_slice(), false);
                let sum = x.sum_dim_intlist([0i64].as_slice(), false, Kind::Float);
                (max, sum, x.size()[0])
            });
            let slot = &mut stats[i][part];
            *slot = Some(match slot.take() {
                Some(old) => Calibration {
                    max: old.max.maximum(&max),
                    sum: old.sum + sum,
                    tokens: old.tokens + n,
                },
                None => Calibration {
                    max,
                    sum,
                    tokens: n,
                },
            });
        }
    }

    /// Whether the dense layers run in int8.
    pub(crate) fn is_int8(&self) -> bool {
        self.layers.first().is_some_and(|l| l.int8.is_some())
    }

    pub(crate) fn merge(&mut self, adapters: &Adapters) -> Result<(), Error> {
        if self.is_int8() {
            return Err(Error::Int8 {
                reason: "adapters must be merged before the encoder is quantised".into(),
            });
        }
        if adapters.layers.len() != self.layers.len() {
            return Err(Error::AdapterLayers {
                adapters: adapters.layers.len(),
                layers: self.layers.len(),
            });
        }
        tch::no_grad(|| {
            for (layer, ad) in self.layers.iter_mut().zip(&adapters.layers) {
                for (w, lora) in [
                    (&mut layer.qkv_w, &ad.qkv),
                    (&mut layer.out_w, &ad.out),
                    (&mut layer.up_w, &ad.up),
                    (&mut layer.down_w, &ad.down),
                ] {
                    let delta = lora.b.matmul(&lora.a) * adapters.scale;
                    if delta.size() != w.size() {
                        return Err(Error::AdapterShape {
                            update: delta.size(),
                            weight: w.size(),
                        });
                    }
                    *w = &*w + delta;
                }
            }
            Ok(())
        })
    }

    /// Embeds one batch of token-id sequences: `[n, hidden]`.
    pub(crate) fn forward(&self, ids: &[&[i64]]) -> Tensor {
        tch::no_grad(|| self.embed(ids, None, false))
    }

    /// Sentence embeddings `[n, hidden]` (the model's pooling and normalisation) of a padded
    /// batch, with `adapters` added to every dense layer and dropout when `train`; records
    /// gradients unless called under `no_grad`.
    pub(crate) fn embed(&self, ids: &[&[i64]], adapters: Option<&Adapters>, train: bool) -> Tensor {
        let (x, mask) = self.hidden_states(ids, None, adapters, train);
        let pooled = match self.pooling {
            Pooling::Cls => x.select(1, 0),
            Pooling::Mean => mean_pool(&x, &mask),
        };
        if self.normalize {
            let norm = pooled
                .norm_scalaropt_dim(2, [1i64].as_slice(), true)
                .clamp_min(1e-12);
            pooled / norm
        } else {
            pooled
        }
    }

    /// Token states `[b, l, hidden]` and the float mask `[b, l]` of a padded batch. `types`
    /// gives segment ids (pairs); `adapters` adds low-rank updates to every dense layer;
    /// `train` turns dropout (hidden states and adapter inputs, p = 0.1) on.
    pub(crate) fn hidden_states(
        &self,
        ids: &[&[i64]],
        types: Option<&[&[i64]]>,
        adapters: Option<&Adapters>,
        train: bool,
    ) -> (Tensor, Tensor) {
        const DROPOUT: f64 = 0.1;
        let b = ids.len() as i64;
        let l = ids.iter().map(|s| s.len()).max().unwrap_or(0).max(1) as i64;
        let mut flat = vec![0i64; (b * l) as usize];
        let mut mask = vec![0f32; (b * l) as usize];
        for (r, s) in ids.iter().enumerate() {
            let o = r * l as usize;
            flat[o..o + s.len()].copy_from_slice(s);
            mask[o..o + s.len()].fill(1.0);
        }
        let input = Tensor::from_slice(&flat).view([b, l]);
        let mask = Tensor::from_slice(&mask).view([b, l]);
        let h = self.hidden;
        let hd = h / self.heads;
        let mut x = self.word.index_select(0, &input.view([-1])).view([b, l, h])
            + self
                .position
                .narrow(0, self.position_offset, l)
                .unsqueeze(0);
        x = match (&self.arch, types) {
            (Arch::MPNet { .. }, _) => x,
            (Arch::Bert { token_type0, .. }, None) => x + token_type0,
            (Arch::Bert { token_type, .. }, Some(types)) => {
                let mut t = vec![0i64; (b * l) as usize];
                for (r, s) in types.iter().enumerate() {
                    let o = r * l as usize;
                    t[o..o + s.len()].copy_from_slice(s);
                }
                let t = Tensor::from_slice(&t);
                x + token_type.index_select(0, &t).view([b, l, h])
            }
        };
        x = x
            .layer_norm(
                [h],
                Some(&self.emb_ln_w),
                Some(&self.emb_ln_b),
                self.eps,
                false,
            )
            .dropout(DROPOUT, train);
        // Additive mask: 0 for tokens, a large negative number for padding. (tch 0.17 passes a
        // `None` mask to libtorch as an undefined tensor, which sdpa rejects, so a mask is always
        // given.)
        let padding = (mask.view([b, 1, 1, l]) - 1.0) * 1e9;
        let attn_mask = match &self.arch {
            // [l, l] buckets -> [l, l, heads] -> [1, heads, l, l], broadcast with the padding
            // mask to [b, heads, l, l] (a new tensor: an in-place add cannot grow the shape).
            Arch::MPNet { buckets, bias } => {
                let idx = buckets.narrow(0, 0, l).narrow(1, 0, l);
                let pb = bias
                    .index_select(0, &idx.reshape([-1]))
                    .view([l, l, self.heads])
                    .permute([2, 0, 1])
                    .unsqueeze(0);
                padding + pb
            }
            Arch::Bert { .. } => padding,
        };
        // int8 only where no adapter is trained (inference).
        let int8 = |i: usize, part: usize| match adapters {
            None => self.layers[i].int8.as_ref().map(|q| &q[part]),
            Some(_) => None,
        };
        let dense = |x: &Tensor,
                     w: &Tensor,
                     bias: &Tensor,
                     lora: Option<&Lora>,
                     scale: f64,
                     (i, part): (usize, usize)| {
            self.record(i, part, x);
            let y = match int8(i, part) {
                Some(q) => q.forward(x),
                None => x.linear(w, Some(bias)),
            };
            match lora {
                Some(lora) => {
                    y + x
                        .dropout(DROPOUT, train)
                        .linear::<Tensor>(&lora.a, None)
                        .linear::<Tensor>(&lora.b, None)
                        * scale
                }
                None => y,
            }
        };
        for (i, layer) in self.layers.iter().enumerate() {
            let ad = adapters.map(|a| (&a.layers[i], a.scale));
            let scale = ad.map_or(0.0, |a| a.1);
            let qkv = dense(
                &x,
                &layer.qkv_w,
                &layer.qkv_b,
                ad.map(|a| &a.0.qkv),
                scale,
                (i, 0),
            );
            let qkv = qkv.view([b, l, 3, self.heads, hd]).permute([2, 0, 3, 1, 4]);
            let (q, k, v) = (qkv.get(0), qkv.get(1), qkv.get(2));
            let ctx = Tensor::scaled_dot_product_attention(
                &q,
                &k,
                &v,
                Some(&attn_mask),
                0.0,
                false,
                None,
            );
            let ctx = ctx.transpose(1, 2).reshape([b, l, h]);
            let a = dense(
                &ctx,
                &layer.out_w,
                &layer.out_b,
                ad.map(|a| &a.0.out),
                scale,
                (i, 1),
            )
            .dropout(DROPOUT, train)
                + &x;
            x = a.layer_norm([h], Some(&layer.ln1_w), Some(&layer.ln1_b), self.eps, false);
            let up = dense(
                &x,
                &layer.up_w,
                &layer.up_b,
                ad.map(|a| &a.0.up),
                scale,
                (i, 2),
            )
            .gelu("none");
            let down = dense(
                &up,
                &layer.down_w,
                &layer.down_b,
                ad.map(|a| &a.0.down),
                scale,
                (i, 3),
            )
            .dropout(DROPOUT, train)
                + &x;
            x = down.layer_norm([h], Some(&layer.ln2_w), Some(&layer.ln2_b), self.eps, false);
        }
        (x, mask)
    }
}

/// Mean of the token states over the mask: `[b, hidden]`.
pub(crate) fn mean_pool(x: &Tensor, mask: &Tensor) -> Tensor {
    let m = mask.unsqueeze(-1);
    let sum = (x * &m).sum_dim_intlist([1i64].as_slice(), false, Kind::Float);
    let count = m
        .sum_dim_intlist([1i64].as_slice(), false, Kind::Float)
        .clamp_min(1e-9);
    sum / count
}

/// A low-rank update `B A` of one dense weight (`A`: `[rank, in]`, `B`: `[out, rank]`).
pub(crate) struct Lora {
    pub(crate) a: Tensor,
    pub(crate) b: Tensor,
}

/// Low-rank updates of one layer's four dense weights.
pub(crate) struct LayerLora {
    pub(crate) qkv: Lora,
    pub(crate) out: Lora,
    pub(crate) up: Lora,
    pub(crate) down: Lora,
}

/// LoRA adapters for every layer, scaled by `alpha / rank`.
pub(crate) struct Adapters {
    pub(crate) layers: Vec<LayerLora>,
    pub(crate) scale: f64,
}

impl Adapters {
    /// Names of the four dense weights of a layer, in [`NativeBert::dense_shapes`] order.
    pub(crate) const PARTS: [&'static str; 4] = ["qkv", "out", "up", "down"];

    /// Builds adapters for the layers whose dense-weight shapes are given (in
    /// [`NativeBert::dense_shapes`] order); `make(layer, part, (out, in))` makes each update.
    pub(crate) fn build(
        shapes: &[[(i64, i64); 4]],
        scale: f64,
        mut make: impl FnMut(usize, &str, (i64, i64)) -> Result<Lora, Error>,
    ) -> Result<Adapters, Error> {
        let [qkv, out, up, down] = Self::PARTS;
        let mut layers = Vec::with_capacity(shapes.len());
        for (i, s) in shapes.iter().enumerate() {
            layers.push(LayerLora {
                qkv: make(i, qkv, s[0])?,
                out: make(i, out, s[1])?,
                up: make(i, up, s[2])?,
                down: make(i, down, s[3])?,
            });
        }
        Ok(Adapters { layers, scale })
    }

    /// Overwrites these adapters' tensors with `from`'s, in place (no gradient recorded):
    /// a run that starts from an earlier model's adapters.
    pub(crate) fn copy_from(&self, from: &Adapters) {
        tch::no_grad(|| {
            for (to, from) in self.layers.iter().zip(&from.layers) {
                for (t, f) in [
                    (&to.qkv, &from.qkv),
                    (&to.out, &from.out),
                    (&to.up, &from.up),
                    (&to.down, &from.down),
                ] {
                    t.a.shallow_clone().copy_(&f.a);
                    t.b.shallow_clone().copy_(&f.b);
                }
            }
        });
    }

    /// Every tensor with its file name (`layer.{i}.{part}.{a|b}`).
    pub(crate) fn named(&self) -> Vec<(String, &Tensor)> {
        let mut out = Vec::new();
        for (i, l) in self.layers.iter().enumerate() {
            for (part, lora) in Self::PARTS.iter().zip([&l.qkv, &l.out, &l.up, &l.down]) {
                out.push((format!("layer.{i}.{part}.a"), &lora.a));
                out.push((format!("layer.{i}.{part}.b"), &lora.b));
            }
        }
        out
    }
}

/// A safetensors file of trained parts (adapters, classifier, tagger layer), read once; each
/// tensor is taken by name with its shape and finiteness checked, errors naming the file.
pub(crate) struct WeightFile {
    path: std::path::PathBuf,
    map: std::collections::HashMap<String, Tensor>,
}

impl WeightFile {
    /// Reads `path`; `what` names the parts and `redo` how to make them again (for messages).
    pub(crate) fn open(path: &Path, what: &str, redo: &'static str) -> Result<WeightFile, Error> {
        if !path.is_file() {
            return Err(Error::ModelFiles {
                path: path.to_path_buf(),
                message: format!("{what} missing; {redo} or restore the file"),
            });
        }
        let map = Tensor::read_safetensors(path)
            .map_err(|source| Error::Weights {
                path: path.to_path_buf(),
                hint: redo,
                source,
            })?
            .into_iter()
            .collect();
        Ok(WeightFile {
            path: path.to_path_buf(),
            map,
        })
    }

    /// The tensor `name`, which must have `shape` and hold finite numbers.
    pub(crate) fn take(&mut self, name: &str, shape: &[i64]) -> Result<Tensor, Error> {
        let bad = |message: String| Error::ModelFiles {
            path: self.path.clone(),
            message,
        };
        let t = self
            .map
            .remove(name)
            .ok_or_else(|| bad(format!("tensor {name} missing")))?;
        if t.size() != shape {
            return Err(bad(format!(
                "tensor {name} has shape {:?}, expected {shape:?}",
                t.size()
            )));
        }
        let t = t.to_kind(Kind::Float);
        if !crate::model::all_finite(&t) {
            return Err(bad(format!("tensor {name} holds NaN or infinite values")));
        }
        Ok(t)
    }

    /// Adapters of `rank` for layers of `shapes` (`layer.{i}.{part}.{a|b}`), scaled by
    /// `alpha / rank`.
    pub(crate) fn adapters(
        &mut self,
        shapes: &[[(i64, i64); 4]],
        rank: usize,
        alpha: f64,
    ) -> Result<Adapters, Error> {
        let r = rank as i64;
        Adapters::build(shapes, alpha / rank.max(1) as f64, |i, part, (out, inp)| {
            Ok(Lora {
                a: self.take(&format!("layer.{i}.{part}.a"), &[r, inp])?,
                b: self.take(&format!("layer.{i}.{part}.b"), &[out, r])?,
            })
        })
    }
}

impl Adapters {
    /// Fresh trainable adapters in `root` (A uniform, B zero, so training starts from the
    /// encoder itself).
    pub(crate) fn init(
        root: &tch::nn::Path<'_>,
        shapes: &[[(i64, i64); 4]],
        rank: usize,
        alpha: f64,
    ) -> Result<Adapters, Error> {
        let r = rank.max(1) as i64;
        Adapters::build(shapes, alpha / r as f64, |i, part, (out, inp)| {
            let bound = 1.0 / (inp as f64).sqrt();
            Ok(Lora {
                a: root.var(
                    &format!("l{i}_{part}_a"),
                    &[r, inp],
                    tch::nn::Init::Uniform {
                        lo: -bound,
                        up: bound,
                    },
                ),
                b: root.var(
                    &format!("l{i}_{part}_b"),
                    &[out, r],
                    tch::nn::Init::Const(0.0),
                ),
            })
        })
    }
}

/// Writes named tensors (detached, contiguous) as safetensors.
pub(crate) fn save_tensors(named: Vec<(String, &Tensor)>, path: &Path) -> Result<(), Error> {
    let detached: Vec<(String, Tensor)> = named
        .into_iter()
        .map(|(n, t)| (n, t.detach().contiguous()))
        .collect();
    Tensor::write_safetensors(&detached, path)?;
    Ok(())
}

/// The learning rate at `step` (0-based) of `total`: linear warm-up over `warmup` steps to
/// `peak`, then linear decay to zero.
pub(crate) fn warmup_linear(peak: f64, step: usize, total: usize, warmup: f64) -> f64 {
    let (t, total) = (step as f64, total.max(1) as f64);
    if t < warmup {
        peak * (t + 1.0) / warmup
    } else {
        peak * ((total - t) / (total - warmup)).max(0.0)
    }
}

/// One optimiser step on `loss` (gradients clipped to norm 1); the loss, or
/// [`Error::Diverged`] when it is not a finite number.
pub(crate) fn optimizer_step(
    opt: &mut tch::nn::Optimizer,
    loss: &Tensor,
    epoch: usize,
    step: usize,
) -> Result<f64, Error> {
    opt.backward_step_clip_norm(loss, 1.0);
    let lv = loss.double_value(&[]);
    if !lv.is_finite() {
        return Err(Error::Diverged {
            loss: lv,
            epoch,
            step,
        });
    }
    Ok(lv)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// T5 / MPNet buckets at the edges: exact below 8 each way, logarithmic to 128, then
    /// saturated; keys after the query in the upper half.
    #[test]
    fn relative_buckets_follow_the_reference_rule() {
        let rel = Tensor::from_slice(&[0i64, 1, -1, 7, -7, 8, 12, 16, 127, 128, 500, -500]);
        let got = Vec::<i64>::try_from(relative_buckets(&rel, 32, 128)).unwrap();
        assert_eq!(got, [0, 17, 1, 23, 7, 24, 25, 26, 31, 31, 31, 15]);
    }

    /// Pair inputs (token ids made by the Python tokenizer) through the native MPNet, against
    /// Hugging Face's MPNetModel (`scripts/reference-mpnet.py`), padded together in one batch.
    /// The encoder comes with `scripts/setup-mpnet.sh` (part of the test command's setup).
    #[test]
    fn mpnet_pair_vectors_agree_with_the_python_reference() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = std::env::var_os("STANDPOINT_MPNET_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| root.join("../../.deps/models/all-mpnet-base-v2"));
        let text = std::fs::read_to_string(root.join("tests/data/reference_mpnet.json")).unwrap();
        let r: serde_json::Value = serde_json::from_str(&text).unwrap();
        let bert = NativeBert::load(&dir)
            .unwrap_or_else(|e| panic!("{e} (run `bash scripts/setup-mpnet.sh`)"));
        let ids: Vec<Vec<i64>> = serde_json::from_value(r["pair_ids"].clone()).unwrap();
        let want: Vec<Vec<f32>> = serde_json::from_value(r["pair_vectors"].clone()).unwrap();
        let refs: Vec<&[i64]> = ids.iter().map(Vec::as_slice).collect();
        let got = bert.forward(&refs);
        for (i, w) in want.iter().enumerate() {
            let g = Vec::<f32>::try_from(got.get(i as i64)).unwrap();
            let dot: f64 = g.iter().zip(w).map(|(a, b)| *a as f64 * *b as f64).sum();
            assert!(dot >= 0.99999, "pair {i}: cosine {dot}");
        }
    }
}
