//! `standpoint train`: embeds labelled data with the frozen encoder (cached on disk), trains the
//! head with a fixed seed, scores the dev sets and writes the head and its manifest.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::ProgressBar;
use standpoint_stance::data::Example;
use standpoint_stance::eval::{self, DevEvent, DevScores};
use standpoint_stance::train::shared_dir;
use standpoint_stance::train::{
    embed_examples, head_data, head_manifest, mix_record, read_mix, EmbedEvent, DEFAULT_TRAIN,
};
use standpoint_stance::{Encoder, HeadTrainer, TrainConfig};

use crate::model_setup::encoder_dir;
use standpoint_cli::args::TrainArgs;
use standpoint_cli::Outcome;
use standpoint_stance::set_threads;

/// A progress bar for `embed_examples`, drawn when encoding is needed (not for cache hits).
pub fn embed_progress(what: String) -> impl FnMut(EmbedEvent<'_>) {
    let mut bar: Option<ProgressBar> = None;
    move |event| match event {
        EmbedEvent::Encoded { done, total } => {
            let bar = bar.get_or_insert_with(|| {
                let t = "{msg} {bar:30} {pos}/{len} [{elapsed_precise}<{eta_precise}, {per_sec}]";
                crate::model_setup::bar(total as u64, t).with_message(format!("encoding {what}"))
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
/// per set; missing sets and bad rows are reported and skipped.
pub fn score_dev(
    shared: &Path,
    predict: impl FnMut(&str, &[Example]) -> Result<Vec<standpoint_stance::Probs>>,
) -> Result<DevScores> {
    eval::score_dev(shared, predict, |event| match event {
        DevEvent::Missing(p) => warn!("standpoint: dev set {} not found; not scored", p.display()),
        DevEvent::Skipped(e) => warn!("standpoint: {e}; skipped"),
        DevEvent::Scored(name, scores) => {
            let parts: Vec<String> = scores.iter().map(|(k, v)| format!("{k} {v:.2}")).collect();
            println!("{name:>16}: {}", parts.join(", "));
        }
    })
}

/// The training files: `--data`, else the default mix under the shared folder.
pub fn training_files(data: &[PathBuf], shared: &Path) -> Vec<PathBuf> {
    if data.is_empty() {
        DEFAULT_TRAIN.iter().map(|f| shared.join(f)).collect()
    } else {
        data.to_vec()
    }
}

pub fn run(a: TrainArgs) -> Result<Outcome> {
    if let Some(from) = a.from.clone() {
        return crate::adapt_cmd::run(a, &from);
    }
    let threads = set_threads(a.model.threads);
    let shared = shared_dir(a.training.shared.as_deref());
    let files = training_files(&a.training.data, &shared);
    let enc_dir = encoder_dir(&a.model);
    let encoder = Encoder::load(&enc_dir)
        .with_context(|| format!("loading encoder {}", enc_dir.display()))?;
    warn!(
        "standpoint: training on {} file(s), {threads} thread(s), seed {}",
        files.len(),
        a.training.seed
    );
    let mix = read_mix(&files, &shared, a.hard_none_weight, &mut |e| {
        warn!("standpoint: {e}; skipped")
    })?;
    let mut bars: Option<(String, _)> = None;
    let data = head_data(
        &encoder,
        &mix,
        &a.cache,
        a.negatives,
        a.training.seed,
        &mut |name, e| {
            if bars.as_ref().is_none_or(|(n, _)| n != name) {
                bars = Some((name.to_string(), embed_progress(name.to_string())));
            }
            if let Some((_, bar)) = bars.as_mut() {
                bar(e);
            }
        },
    )?;
    if data.negatives > 0 {
        warn!(
            "standpoint: added {} mismatched-target NONE pairs",
            data.negatives
        );
    }
    let config = TrainConfig {
        seed: a.training.seed,
        epochs: a.epochs,
        hidden: a.hidden,
        ..TrainConfig::default()
    };
    let template = "{msg} {bar:30} epoch {pos}/{len} [{elapsed_precise}] {prefix}";
    let bar = crate::model_setup::bar(config.epochs as u64, template).with_message("training head");
    let trainer = HeadTrainer {
        config: config.clone(),
    };
    let head = trainer.train(
        &data.sentences,
        &data.targets,
        &data.labels,
        &data.weights,
        |_, loss| {
            bar.set_prefix(format!("loss {loss:.4}"));
            bar.inc(1);
        },
    )?;
    bar.finish_and_clear();
    let dev = score_dev(&shared, |name, ex| {
        let (ds, dt) = embed_examples(
            &encoder,
            ex,
            &a.cache,
            &mut embed_progress(name.to_string()),
        )?;
        Ok(head.predict_aligned(&ds, &dt)?)
    })?;
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let head_file = "head.safetensors";
    head.save(&a.out.join(head_file))?;
    let (neg, hard) = (a.negatives, a.hard_none_weight);
    let record = mix_record(&mix);
    let spec = standpoint_stance::train::encoder_spec(&enc_dir);
    let manifest = head_manifest(&config, spec, &record, neg, hard, head_file, dev);
    let mpath = a.out.join("manifest.json");
    manifest.save(&mpath)?;
    warn!(
        "standpoint: wrote {} and {}",
        a.out.join(head_file).display(),
        mpath.display()
    );
    Ok(Outcome::Clean)
}
