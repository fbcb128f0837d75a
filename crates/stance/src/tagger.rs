//! A token tagger (feature `model`): labelled byte spans (`source`, `cue`, `content`, ...) in
//! whole documents, from the sentence encoder fine-tuned with LoRA adapters and a linear layer
//! over every token state (BIO labels). `standpoint-attribute` turns its spans into
//! attributions; this module knows nothing about quotes.
//!
//! Documents longer than one window are read in overlapping windows; each token takes its
//! labels from the window in which it sits most centrally, so every token sees context on
//! both sides. Only the adapters and the layer are stored (a few hundred kB); the encoder comes
//! from its PyPI wheel, like the other models.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tch::nn::{self, OptimizerConfig};
use tch::{Device, Tensor};

use crate::metrics::SplitMix64;
use crate::native::{
    optimizer_step, save_tensors, warmup_linear, Adapters, NativeBert, WeightFile,
};
use crate::Error;

/// A labelled byte span `[start, end)`; `kind` indexes the tagger's kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaggedSpan {
    /// Index into [`SpanTagger::kinds`].
    pub kind: usize,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// What a tagger folder's `tagger.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaggerManifest {
    /// Always `"span_tagger"`.
    pub kind: String,
    /// Span kinds in label order (label 0 is outside; kind `i` has B = 1 + 2i, I = 2 + 2i).
    pub kinds: Vec<String>,
    /// The encoder's folder name (found like the stance models' encoders).
    pub encoder: String,
    /// Adapters and layer (safetensors), relative to the manifest's folder.
    pub weights_file: String,
    /// Adapter rank.
    pub rank: usize,
    /// Adapter scale numerator.
    pub alpha: f64,
    /// Tokens per window, special tokens included.
    pub window: usize,
    /// How it was trained (settings, data, time).
    #[serde(default)]
    pub training: serde_json::Value,
    /// Dev-set scores measured after training.
    #[serde(default)]
    pub dev: serde_json::Value,
}

/// A BIO token tagger over a BERT sentence encoder.
pub struct SpanTagger {
    bert: NativeBert,
    adapters: Adapters,
    merged: bool,
    head_w: Tensor,
    head_b: Tensor,
    /// What it is (kinds, window, adapter settings); saved as `tagger.json`.
    manifest: TaggerManifest,
    cls: i64,
    sep: i64,
    _vars: Option<nn::VarStore>,
}

impl std::fmt::Debug for SpanTagger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanTagger")
            .field("kinds", &self.manifest.kinds)
            .field("window", &self.window())
            .field("merged", &self.merged)
            .finish()
    }
}

/// One window of a tokenised document: token range `[from, to)` of the document's tokens.
#[derive(Debug, Clone, Copy)]
struct Window {
    from: usize,
    to: usize,
}

/// Windows of `body` tokens every `stride` tokens, the last one ending at `n`.
fn windows(n: usize, body: usize, stride: usize, offset: usize) -> Vec<Window> {
    let body = body.max(1);
    let stride = stride.clamp(1, body);
    let mut out = Vec::new();
    if n == 0 {
        return out;
    }
    let mut from = offset.min(n.saturating_sub(1)) % stride;
    if from > 0 {
        out.push(Window { from: 0, to: from });
    }
    loop {
        let to = (from + body).min(n);
        out.push(Window { from, to });
        if to == n {
            break;
        }
        from += stride;
    }
    out
}

impl SpanTagger {
    /// Loads a tagger folder (`tagger.json` and its weights) over the encoder in
    /// `encoder_dir`, adapters merged for inference.
    pub fn load(dir: &Path, encoder_dir: &Path) -> Result<SpanTagger, Error> {
        let manifest = read_manifest(dir)?;
        crate::model::check_encoder_files(encoder_dir)?;
        if let Some(why) = crate::native::unsupported(encoder_dir)? {
            return Err(Error::ModelFiles {
                path: encoder_dir.to_path_buf(),
                message: format!(
                    "a span tagger needs a plain BERT or MPNet encoder; this one has {why}"
                ),
            });
        }
        let mut bert = NativeBert::load(encoder_dir)?;
        let path = dir.join(&manifest.weights_file);
        let mut file = WeightFile::open(&path, "tagger weights", "run `standpoint train-tagger`")?;
        let adapters = file.adapters(&bert.dense_shapes(), manifest.rank, manifest.alpha)?;
        let labels = 1 + 2 * manifest.kinds.len() as i64;
        let head_w = file.take("tagger.weight", &[labels, bert.dim()])?;
        let head_b = file.take("tagger.bias", &[labels])?;
        bert.merge(&adapters)?;
        SpanTagger::assemble(bert, adapters, true, head_w, head_b, manifest)
    }

    /// Quantises the encoder (its adapters merged) to int8 for inference (`--precision int8`,
    /// see [`crate::Precision`]); the head stays fp32. On an error the tagger is unchanged.
    ///
    /// # Errors
    /// [`Error::Int8`] for a tagger being trained (adapters not merged) or where this machine's
    /// libtorch has no int8 kernels.
    pub fn quantize(&mut self) -> Result<(), Error> {
        if !self.merged {
            return Err(Error::Int8 {
                reason: "a tagger being trained cannot be quantised".into(),
            });
        }
        self.bert.quantize()
    }

    /// The precision the encoder runs in.
    pub fn precision(&self) -> crate::Precision {
        if self.bert.is_int8() {
            crate::Precision::Int8
        } else {
            crate::Precision::Fp32
        }
    }

    fn assemble(
        bert: NativeBert,
        adapters: Adapters,
        merged: bool,
        head_w: Tensor,
        head_b: Tensor,
        manifest: TaggerManifest,
    ) -> Result<SpanTagger, Error> {
        let special = |t: &str| {
            bert.tokenizer()
                .token_id(t)
                .ok_or_else(|| Error::ModelFiles {
                    path: PathBuf::from("tokenizer.json"),
                    message: format!("the vocabulary has no {t} token"),
                })
        };
        let (cls, sep) = (special("[CLS]")?, special("[SEP]")?);
        Ok(SpanTagger {
            bert,
            adapters,
            merged,
            head_w,
            head_b,
            manifest,
            cls,
            sep,
            _vars: None,
        })
    }

    /// The span kinds, in label order.
    pub fn kinds(&self) -> &[String] {
        &self.manifest.kinds
    }

    /// Tokens per window, special tokens included (the manifest's, within what the encoder's
    /// positions allow).
    pub fn window(&self) -> usize {
        self.manifest.window.clamp(8, self.bert.max_positions())
    }

    /// What the tagger is: the manifest it was loaded from or trained with (`training` and
    /// `dev` are for the caller to fill before [`save`](Self::save)).
    pub fn manifest(&self) -> &TaggerManifest {
        &self.manifest
    }

    /// Logits `[b, l, labels]` of windows (token ids without special tokens).
    fn logits(&self, rows: &[&[i64]], train: bool) -> Tensor {
        let with_special: Vec<Vec<i64>> = rows
            .iter()
            .map(|r| {
                let mut v = Vec::with_capacity(r.len() + 2);
                v.push(self.cls);
                v.extend_from_slice(r);
                v.push(self.sep);
                v
            })
            .collect();
        let ids: Vec<&[i64]> = with_special.iter().map(Vec::as_slice).collect();
        let adapters = (!self.merged).then_some(&self.adapters);
        let (x, _mask) = self.bert.hidden_states(&ids, None, adapters, train);
        let l = x.size()[1];
        x.narrow(1, 1, l - 1)
            .dropout(0.1, train)
            .linear(&self.head_w, Some(&self.head_b))
    }

    /// Labelled spans of one document, in order. Tokens are read in windows of
    /// [`window`](Self::window) tokens overlapping by half.
    pub fn tag(&self, text: &str) -> Result<Vec<TaggedSpan>, Error> {
        tag_ensemble(std::slice::from_ref(self), text)
    }

    /// Label probabilities of every token of `ids` (flat, `labels` per token), each token's
    /// from the window in which it sits most centrally.
    fn probabilities(&self, ids: &[i64]) -> Result<Vec<f32>, Error> {
        let labels = 1 + 2 * self.kinds().len();
        let body = self.window() - 2;
        let wins = windows(ids.len(), body, body / 2, 0);
        let mut out = vec![0f32; ids.len() * labels];
        let mut best = vec![-1i64; ids.len()];
        tch::no_grad(|| {
            for chunk in wins.chunks(8) {
                let rows: Vec<&[i64]> = chunk.iter().map(|w| &ids[w.from..w.to]).collect();
                let p = self
                    .logits(&rows, false)
                    .softmax(-1, tch::Kind::Float)
                    .to_device(Device::Cpu);
                for (r, w) in chunk.iter().enumerate() {
                    let row: Vec<f32> = Vec::<f32>::try_from(p.get(r as i64).flatten(0, -1))?;
                    for (k, i) in (w.from..w.to).enumerate() {
                        // How central the token sits in this window.
                        let centre = k.min(w.to - w.from - 1 - k) as i64;
                        if centre > best[i] {
                            best[i] = centre;
                            out[i * labels..(i + 1) * labels]
                                .copy_from_slice(&row[k * labels..(k + 1) * labels]);
                        }
                    }
                }
            }
            Ok::<(), Error>(())
        })?;
        Ok(out)
    }

    /// Writes a tagger folder: `manifest` as `tagger.json` and the weights it names.
    pub fn save(&self, dir: &Path, manifest: &TaggerManifest) -> Result<(), Error> {
        let io = |path: PathBuf| move |source| Error::Io { path, source };
        std::fs::create_dir_all(dir).map_err(io(dir.to_path_buf()))?;
        self.save_weights(&dir.join(&manifest.weights_file))?;
        let path = dir.join("tagger.json");
        let json = serde_json::to_string_pretty(manifest).map_err(|source| Error::Manifest {
            path: path.clone(),
            source,
        })?;
        std::fs::write(&path, json + "\n").map_err(io(path.clone()))
    }

    /// Writes the adapters and the layer (safetensors).
    pub fn save_weights(&self, path: &Path) -> Result<(), Error> {
        let mut named: Vec<(String, &Tensor)> = self.adapters.named();
        named.push(("tagger.weight".into(), &self.head_w));
        named.push(("tagger.bias".into(), &self.head_b));
        save_tensors(named, path)
    }
}

/// Labelled spans of one document from several taggers of the same kinds over the same
/// encoder: each token takes the label with the highest probability averaged over the
/// taggers (one tagger: [`SpanTagger::tag`]).
///
/// # Errors
///
/// [`Error::ModelFiles`] when the taggers differ in kinds or encoder (or none is given);
/// a tokenizer or libtorch error otherwise.
pub fn tag_ensemble(taggers: &[SpanTagger], text: &str) -> Result<Vec<TaggedSpan>, Error> {
    let first = taggers.first().ok_or_else(|| Error::ModelFiles {
        path: PathBuf::new(),
        message: "no tagger given".into(),
    })?;
    if let Some(other) = taggers.iter().find(|t| {
        t.manifest.kinds != first.manifest.kinds || t.manifest.encoder != first.manifest.encoder
    }) {
        return Err(Error::ModelFiles {
            path: PathBuf::from("tagger.json"),
            message: format!(
                "taggers of one ensemble must label the same kinds over the same encoder: \
                 {:?} over {} and {:?} over {}",
                first.manifest.kinds,
                first.manifest.encoder,
                other.manifest.kinds,
                other.manifest.encoder
            ),
        });
    }
    crate::guard("tagging", || {
        let (ids, offsets) = first.bert.tokenizer().encode_offsets(text)?;
        let n_labels = 1 + 2 * first.kinds().len();
        let mut sum = vec![0f32; ids.len() * n_labels];
        for t in taggers {
            for (s, p) in sum.iter_mut().zip(t.probabilities(&ids)?) {
                *s += p;
            }
        }
        let mut labels: Vec<i64> = sum
            .chunks(n_labels)
            .map(|p| {
                p.iter()
                    .enumerate()
                    .fold(
                        (0, f32::MIN),
                        |best, (i, &x)| {
                            if x > best.1 {
                                (i, x)
                            } else {
                                best
                            }
                        },
                    )
                    .0 as i64
            })
            .collect();
        whole_words(&mut labels, &offsets, text);
        Ok(decode(&labels, &offsets, first.kinds().len()))
    })
}

/// Gives the pieces of a word the label of its first piece: a piece that continues a word
/// ("Kasic" + "h", no space between and letters or digits on both sides) is outside when the
/// word's first piece is, and inside the first piece's span otherwise. A span never ends or
/// starts inside a word.
fn whole_words(labels: &mut [i64], offsets: &[(usize, usize)], text: &str) {
    let alnum_before = |at: usize| {
        text.get(..at)
            .and_then(|t| t.chars().next_back())
            .is_some_and(char::is_alphanumeric)
    };
    let alnum_at = |at: usize| {
        text.get(at..)
            .and_then(|t| t.chars().next())
            .is_some_and(char::is_alphanumeric)
    };
    for i in 1..labels.len().min(offsets.len()) {
        let (start, _) = offsets[i];
        let continues = start == offsets[i - 1].1 && alnum_before(start) && alnum_at(start);
        if continues {
            let first = labels[i - 1];
            labels[i] = if first <= 0 { 0 } else { first + (first % 2) };
        }
    }
}

/// Spans from BIO labels: a B label or an I label of another kind than the previous token's
/// starts a span; a span covers its first token's start to its last token's end.
fn decode(labels: &[i64], offsets: &[(usize, usize)], kinds: usize) -> Vec<TaggedSpan> {
    let mut out: Vec<TaggedSpan> = Vec::new();
    let mut open: Option<TaggedSpan> = None;
    for (&label, &(start, end)) in labels.iter().zip(offsets) {
        let label = label.max(0) as usize;
        if label == 0 || label > 2 * kinds {
            out.extend(open.take());
            continue;
        }
        let kind = (label - 1) / 2;
        let begins = label % 2 == 1;
        match open.as_mut() {
            Some(s) if s.kind == kind && !begins => s.end = end.max(s.end),
            _ => {
                out.extend(open.take());
                open = Some(TaggedSpan { kind, start, end });
            }
        }
    }
    out.extend(open);
    out
}

/// BIO labels of a document's tokens from its gold spans. Where spans of several kinds cover a
/// token, the earliest kind in `kinds` order wins.
fn encode_labels(spans: &[TaggedSpan], offsets: &[(usize, usize)], kinds: usize) -> Vec<i64> {
    let mut labels = vec![0i64; offsets.len()];
    let mut owner: Vec<Option<usize>> = vec![None; offsets.len()];
    for kind in (0..kinds).rev() {
        for (n, s) in spans.iter().enumerate().filter(|(_, s)| s.kind == kind) {
            let mut first = true;
            for (i, &(a, b)) in offsets.iter().enumerate() {
                if a >= s.start && b <= s.end && b > a {
                    labels[i] = (2 + 2 * kind - usize::from(first)) as i64;
                    owner[i] = Some(n);
                    first = false;
                }
            }
        }
    }
    // A token whose span differs from the previous token's begins a span.
    for i in 1..labels.len() {
        if labels[i] > 0 && labels[i] % 2 == 0 && owner[i] != owner[i - 1] {
            labels[i] -= 1;
        }
    }
    labels
}

fn read_manifest(dir: &Path) -> Result<TaggerManifest, Error> {
    let path = dir.join("tagger.json");
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let m: TaggerManifest = serde_json::from_str(&text).map_err(|source| Error::Manifest {
        path: path.clone(),
        source,
    })?;
    if m.kind != "span_tagger" || m.kinds.is_empty() {
        return Err(Error::ModelFiles {
            path,
            message: "not a span tagger manifest (kind \"span_tagger\" with kinds)".into(),
        });
    }
    Ok(m)
}

/// Settings of [`TaggerTrainer`].
#[derive(Debug, Clone)]
pub struct TaggerConfig {
    /// Random seed.
    pub seed: u64,
    /// Passes over the data.
    pub epochs: usize,
    /// Adapter rank.
    pub rank: usize,
    /// Adapter scale numerator.
    pub alpha: f64,
    /// Peak AdamW learning rate (6% warm-up, then linear decay).
    pub learning_rate: f64,
    /// Windows per step.
    pub batch_size: usize,
    /// Tokens per window, special tokens included.
    pub window: usize,
}

impl Default for TaggerConfig {
    fn default() -> Self {
        TaggerConfig {
            seed: 13,
            epochs: 3,
            rank: 8,
            alpha: 16.0,
            learning_rate: 1e-3,
            batch_size: 8,
            window: 256,
        }
    }
}

/// One training document: its text and gold spans.
#[derive(Debug, Clone)]
pub struct TaggerExample<'a> {
    /// The document.
    pub text: &'a str,
    /// Its gold spans (byte offsets).
    pub spans: Vec<TaggedSpan>,
}

/// What [`TaggerTrainer::train`] reports.
pub type TaggerEvent<'a> = crate::TrainEvent<'a, SpanTagger>;

/// Trains a [`SpanTagger`].
#[derive(Debug, Default)]
pub struct TaggerTrainer {
    /// The settings.
    pub config: TaggerConfig,
}

impl TaggerTrainer {
    /// Trains on `examples` for span `kinds`; `on_event` sees every step and epoch. The tagger's
    /// [`manifest`](SpanTagger::manifest) records the settings; fill in `training` before saving.
    pub fn train(
        &self,
        encoder_dir: &Path,
        encoder_name: &str,
        kinds: &[String],
        examples: &[TaggerExample<'_>],
        mut on_event: impl FnMut(TaggerEvent<'_>) -> Result<(), Error>,
    ) -> Result<SpanTagger, Error> {
        crate::guard("training the tagger", || {
            let c = &self.config;
            crate::model::check_encoder_files(encoder_dir)?;
            if examples.is_empty() {
                return Err(Error::NoTrainingExamples);
            }
            tch::manual_seed(c.seed as i64);
            let bert = NativeBert::load(encoder_dir)?;
            let manifest = TaggerManifest {
                kind: "span_tagger".into(),
                kinds: kinds.to_vec(),
                encoder: encoder_name.into(),
                weights_file: "tagger.safetensors".into(),
                rank: c.rank,
                alpha: c.alpha,
                window: c.window,
                training: serde_json::Value::Null,
                dev: serde_json::Value::Null,
            };
            let vs = nn::VarStore::new(Device::Cpu);
            let root = vs.root();
            let adapters = Adapters::init(&root, &bert.dense_shapes(), c.rank, c.alpha)?;
            let labels = 1 + 2 * kinds.len() as i64;
            let head_w = root.var(
                "tag_w",
                &[labels, bert.dim()],
                nn::Init::Randn {
                    mean: 0.0,
                    stdev: 0.02,
                },
            );
            let head_b = root.var("tag_b", &[labels], nn::Init::Const(0.0));
            let mut model = SpanTagger::assemble(bert, adapters, false, head_w, head_b, manifest)?;
            let docs: Vec<(Vec<i64>, Vec<i64>)> = examples
                .iter()
                .map(|e| {
                    let (ids, offsets) = model.bert.tokenizer().encode_offsets(e.text)?;
                    let y = encode_labels(&e.spans, &offsets, kinds.len());
                    Ok((ids, y))
                })
                .collect::<Result<_, Error>>()?;
            let mut opt = nn::AdamW {
                wd: 0.01,
                ..Default::default()
            }
            .build(&vs, c.learning_rate)?;
            let body = model.window() - 2;
            let mut rng = SplitMix64::new(c.seed);
            let count = |rng: &mut SplitMix64| -> Vec<(usize, Window)> {
                let mut all = Vec::new();
                for (d, (ids, _)) in docs.iter().enumerate() {
                    let offset = rng.below(body);
                    all.extend(
                        windows(ids.len(), body, body, offset)
                            .into_iter()
                            .map(|w| (d, w)),
                    );
                }
                all
            };
            let per_epoch = count(&mut SplitMix64::new(c.seed)).len();
            let bs = c.batch_size.max(1);
            let total = (per_epoch.div_ceil(bs) * c.epochs).max(1);
            let warmup = (total as f64 * 0.06).ceil().max(1.0);
            let mut done = 0usize;
            for epoch in 1..=c.epochs {
                let mut wins = count(&mut rng);
                for i in (1..wins.len()).rev() {
                    let j = rng.below(i + 1);
                    wins.swap(i, j);
                }
                let steps = wins.len().div_ceil(bs);
                let mut sum = 0.0;
                for (k, batch) in wins.chunks(bs).enumerate() {
                    opt.set_lr(warmup_linear(c.learning_rate, done, total, warmup));
                    let rows: Vec<&[i64]> = batch
                        .iter()
                        .map(|(d, w)| &docs[*d].0[w.from..w.to])
                        .collect();
                    let l = rows.iter().map(|r| r.len()).max().unwrap_or(0) + 1;
                    let mut y = vec![-100i64; batch.len() * l];
                    for (b, (d, w)) in batch.iter().enumerate() {
                        y[b * l..b * l + (w.to - w.from)]
                            .copy_from_slice(&docs[*d].1[w.from..w.to]);
                    }
                    let logits = model.logits(&rows, true);
                    let loss = logits.view([-1, labels]).cross_entropy_loss::<Tensor>(
                        &Tensor::from_slice(&y),
                        None,
                        tch::Reduction::Mean,
                        -100,
                        0.0,
                    );
                    let lv = optimizer_step(&mut opt, &loss, epoch, k + 1)?;
                    sum += lv;
                    done += 1;
                    on_event(TaggerEvent::Step {
                        epoch,
                        step: k + 1,
                        steps,
                        loss: lv,
                    })?;
                }
                on_event(TaggerEvent::Epoch {
                    epoch,
                    mean_loss: sum / steps.max(1) as f64,
                    model: &model,
                })?;
            }
            model._vars = Some(vs);
            Ok(model)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_every_token() {
        for n in [0usize, 1, 5, 254, 255, 1000] {
            for offset in [0usize, 3, 100] {
                let w = windows(n, 254, 127, offset);
                let mut seen = vec![false; n];
                for x in &w {
                    assert!(x.from < x.to && x.to <= n && x.to - x.from <= 254);
                    seen[x.from..x.to].iter_mut().for_each(|s| *s = true);
                }
                assert!(seen.iter().all(|&s| s), "n {n} offset {offset}");
            }
        }
    }

    #[test]
    fn labels_round_trip_through_decode() {
        // Tokens: "He" "said" "“" "no" "”" "." at byte offsets.
        let offsets = [(0, 2), (3, 7), (8, 11), (11, 13), (13, 16), (16, 17)];
        let spans = [
            TaggedSpan {
                kind: 0,
                start: 0,
                end: 2,
            },
            TaggedSpan {
                kind: 1,
                start: 3,
                end: 7,
            },
            TaggedSpan {
                kind: 2,
                start: 8,
                end: 16,
            },
        ];
        let labels = encode_labels(&spans, &offsets, 3);
        assert_eq!(labels, [1, 3, 5, 6, 6, 0]);
        assert_eq!(decode(&labels, &offsets, 3), spans);
    }

    #[test]
    fn a_word_takes_its_first_piece_label() {
        // "Kasich is": pieces "Kasic" "h" and "is"; the tagger labelled "Kasic" B-source (1)
        // and "h" B-content (5): the word is one source span.
        let text = "Kasich is";
        let offsets = [(0, 5), (5, 6), (7, 9)];
        let mut labels = vec![1, 5, 3];
        whole_words(&mut labels, &offsets, text);
        assert_eq!(labels, [1, 2, 3]);
        assert_eq!(
            decode(&labels, &offsets, 3),
            [
                TaggedSpan {
                    kind: 0,
                    start: 0,
                    end: 6
                },
                TaggedSpan {
                    kind: 1,
                    start: 7,
                    end: 9
                }
            ]
        );
        // A word whose first piece is outside is outside; "Trump’s" is three words.
        let text = "Trump’s plan";
        let offsets = [(0, 5), (5, 8), (8, 9), (10, 12), (12, 14)];
        let mut labels = vec![1, 0, 2, 0, 6];
        whole_words(&mut labels, &offsets, text);
        assert_eq!(labels, [1, 0, 2, 0, 0]);
    }

    #[test]
    fn adjacent_spans_of_one_kind_stay_apart() {
        let offsets = [(0, 1), (2, 3), (4, 5)];
        let spans = [
            TaggedSpan {
                kind: 0,
                start: 0,
                end: 3,
            },
            TaggedSpan {
                kind: 0,
                start: 4,
                end: 5,
            },
        ];
        let labels = encode_labels(&spans, &offsets, 1);
        assert_eq!(labels, [1, 2, 1]);
        assert_eq!(decode(&labels, &offsets, 1), spans);
    }
}
