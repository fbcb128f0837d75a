//! `standpoint finetune`: fine-tunes the sentence encoder as a (target, sentence) cross-encoder
//! with LoRA adapters, scores the dev sets and writes the adapters and their manifest.

use std::time::Instant;

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

use standpoint_stance::checkpoint::CheckpointSpec;
use standpoint_stance::manifest::Manifest;
use standpoint_stance::{CrossEncoder, CrossEncoderTrainer, FineTuneConfig, StanceClassifier};

use crate::model_setup::encoder_dir;
use crate::train_cmd::{score_dev, training_files};
use standpoint_cli::args::FinetuneArgs;
use standpoint_cli::Outcome;
use standpoint_stance::eval::DevScores;
use standpoint_stance::set_threads;
use standpoint_stance::train::shared_dir;
use standpoint_stance::train::{
    apply_teacher, as_sentiment, augment_file, cross_manifest, mix_record, pairs,
    pairs_with_negatives, read_mix, short_targets, teacher_key, unlabelled_examples,
};
use standpoint_stance::unlabelled::news_pairs;

pub fn run(a: FinetuneArgs) -> Result<Outcome> {
    let threads = set_threads(a.model.threads);
    let shared = shared_dir(a.training.shared.as_deref());
    let mut files = training_files(&a.training.data, &shared);
    // A file read as sentiment is not also read as stance (the default mix holds NewsMTSC).
    let same = |x: &PathBuf, y: &PathBuf| match (x.canonicalize(), y.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => x == y,
    };
    files.retain(|f| !a.sentiment_data.iter().any(|s| same(f, s)));
    let enc_dir = encoder_dir(&a.model);
    let mut mix = read_mix(&files, &shared, a.hard_none_weight, &mut |e| {
        warn!("standpoint: {e}; skipped")
    })?;
    if a.augment > 0.0 {
        let aug = augment_file(&mix, a.augment, a.training.seed, a.augment_version);
        warn!(
            "standpoint: {} augmented examples (weight {})",
            aug.examples.len(),
            a.augment
        );
        mix.push(aug);
    }
    let sentiment = read_mix(&a.sentiment_data, &shared, a.hard_none_weight, &mut |e| {
        warn!("standpoint: {e}; skipped")
    })?;
    for mut f in sentiment {
        as_sentiment(&mut f);
        warn!(
            "standpoint: {} examples of {} read as sentiment toward their targets",
            f.examples.len(),
            f.shown
        );
        mix.push(f);
    }
    let record = mix_record(&mix);
    let set = pairs_with_negatives(mix, a.limit, a.negatives, a.training.seed);
    let n = set.examples.len();
    let mut train = set.fine_tune_examples();
    let config = FineTuneConfig {
        seed: a.training.seed,
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
        set.negatives.len(),
        files.len() + a.sentiment_data.len(),
        a.training.seed,
        a.rank,
        a.epochs
    );

    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let adapter_file = "adapters.safetensors";
    let manifest_for = |dev: DevScores, epochs: usize| {
        let (neg, hard) = (a.negatives, a.hard_none_weight);
        let encoder = standpoint_stance::train::encoder_spec(&enc_dir);
        cross_manifest(
            &config,
            encoder,
            &record,
            neg,
            hard,
            epochs,
            adapter_file,
            dev,
        )
    };

    let checkpoint = CheckpointSpec {
        dir: match &a.checkpoint_dir {
            Some(d) => d.clone(),
            None => default_checkpoint_dir(&a.out)?,
        },
        every: Duration::from_secs_f64((a.checkpoint_minutes.max(0.0)) * 60.0),
        every_steps: a.checkpoint_steps,
        resume: a.resume,
    };
    warn!(
        "standpoint: checkpoints in {} (every {} min{}); {}",
        checkpoint.dir.display(),
        a.checkpoint_minutes,
        if a.checkpoint_steps > 0 {
            format!(" and {} steps", a.checkpoint_steps)
        } else {
            String::new()
        },
        if a.resume {
            "resuming"
        } else {
            "continue a stopped run with the same command and --resume"
        }
    );
    // Unlabelled news pairs, labelled below by the teacher alone.
    let articles = match &a.unlabelled {
        Some(path) => read_articles(path),
        None => Vec::new(),
    };
    let refs: Vec<(&str, &str)> = articles
        .iter()
        .map(|(i, t)| (i.as_str(), t.as_str()))
        .collect();
    let others = short_targets(train.iter().map(|e| e.target));
    let news = news_pairs(&refs, &others, a.unlabelled_pairs, a.training.seed);
    let labelled = train.len();
    if a.unlabelled.is_some() {
        let mean = train.iter().map(|e| e.weight).sum::<f32>() / labelled.max(1) as f32;
        warn!(
            "standpoint: {} unlabelled pairs from {} articles",
            news.len(),
            articles.len()
        );
        train.extend(unlabelled_examples(&news, mean));
    }
    if let Some(teacher) = &a.teacher {
        soften(&a, teacher, &checkpoint.dir, &mut train, labelled)?;
    }
    let continued = match &a.init {
        Some(init) => Some(Box::new(
            standpoint_stance::continued_from(init).with_context(|| {
                format!("reading the model to continue from, {}", init.display())
            })?,
        )),
        None => None,
    };
    if a.bi_encoder {
        let run = BiRun {
            config: &config,
            record: &record,
            enc_dir: &enc_dir,
            shared: &shared,
            continued,
        };
        return bi_encoder(&a, run, checkpoint, &train);
    }
    let mut progress = crate::model_setup::StepBar::new(config.epochs);
    let started = Instant::now();
    let model: CrossEncoder = CrossEncoderTrainer {
        config: config.clone(),
        checkpoint: Some(checkpoint),
        init: a.init.clone(),
    }
    .train(&enc_dir, &train, |event| {
        let Some((epoch, _, model)) = progress.event(event, started) else {
            return Ok(());
        };
        let write = |dev: DevScores| -> Result<(), standpoint_stance::Error> {
            model.save(&a.out.join(adapter_file))?;
            let mut manifest = manifest_for(dev, epoch);
            if let Manifest::CrossEncoder(m) = &mut manifest {
                m.context = model.reads_context();
                if let Some(t) = &mut m.training {
                    t.continued_from = continued.clone();
                }
            }
            manifest.save(&a.out.join("manifest.json"))
        };
        if a.dev_every_epoch || epoch == config.epochs {
            let dev = progress
                .bar
                .suspend(|| score_dev(&shared, |_, ex| Ok(model.predict_pairs(&pairs(ex))?)))
                .map_err(|e| standpoint_stance::Error::Callback(e.into()))?;
            write(dev)
        } else {
            write(DevScores::new())
        }
    })?;
    progress.bar.finish_and_clear();
    warn!(
        "standpoint: {} stored numbers (adapters + classifier), {:.0} s; wrote {} and {}",
        model.stored_parameters(),
        started.elapsed().as_secs_f64(),
        a.out.join(adapter_file).display(),
        a.out.join("manifest.json").display()
    );
    Ok(Outcome::Clean)
}

/// Replaces each example's target distribution with `--teacher-weight` x the teacher's
/// probabilities + the rest from its label (teacher probabilities cached beside the
/// checkpoints, keyed by the teacher's files).
fn soften(
    a: &FinetuneArgs,
    teacher: &Path,
    cache_dir: &Path,
    train: &mut [standpoint_stance::FineTuneExample<'_>],
    labelled: usize,
) -> Result<()> {
    let args = standpoint_cli::args::ModelArgs {
        model: Some(teacher.to_path_buf()),
        encoder: a.model.encoder.clone(),
        threads: a.model.threads,
        precision: Some(a.teacher_precision),
    };
    let manifest = crate::model_setup::manifest_path(&args)?;
    // The cache is keyed by the teacher's files and the precision it runs in (an int8 fallback
    // to fp32 is keyed as fp32).
    let precision = crate::model_setup::precision(&args)?;
    let clf = crate::model_setup::load_classifier_in(&args, precision)
        .with_context(|| format!("loading the teacher {}", manifest.display()))?;
    let key = format!("{} {precision}", teacher_key(&manifest));
    std::fs::create_dir_all(cache_dir)?;
    let cache = cache_dir.join("teacher.bin");
    let bar = crate::model_setup::bar(
        train.len() as u64,
        "teacher {bar:30} {pos}/{len} [{elapsed_precise}<{eta_precise}]",
    );
    let probs = standpoint_stance::train::teacher_probs(
        clf.as_ref(),
        train,
        Some((&cache, &key)),
        |done, _| bar.set_position(done as u64),
    )?;
    bar.finish_and_clear();
    apply_teacher(train, &probs, labelled, a.teacher_weight as f32);
    warn!(
        "standpoint: distilling from {} (weight {}); its probabilities cached in {}",
        manifest.display(),
        a.teacher_weight,
        cache.display()
    );
    Ok(())
}

/// Articles from a JSONL, CSV or text input (the corpus readers of `run`); a bad record is
/// reported by file, line and id and skipped.
fn read_articles(path: &Path) -> Vec<(String, String)> {
    use standpoint_pipeline::read::{Fields, Format, Reader};
    let reader = Reader::new(
        vec![path.to_path_buf()],
        Format::Auto,
        Fields::default(),
        1 << 24,
    );
    let mut out = Vec::new();
    for item in reader {
        match item {
            Ok(doc) => out.push((doc.id, doc.text)),
            Err(bad) => warn!("standpoint: {bad}; skipped"),
        }
    }
    out
}

/// What `finetune` has settled before a bi-encoder run.
struct BiRun<'a> {
    config: &'a FineTuneConfig,
    record: &'a [(String, usize)],
    enc_dir: &'a Path,
    shared: &'a Path,
    continued: Option<Box<standpoint_stance::manifest::ContinuedFrom>>,
}

/// `finetune --bi-encoder`: trains, scores and writes the adapters, the head and an
/// `encoder_head` manifest naming both.
fn bi_encoder(
    a: &FinetuneArgs,
    run: BiRun<'_>,
    checkpoint: CheckpointSpec,
    train: &[standpoint_stance::FineTuneExample<'_>],
) -> Result<Outcome> {
    let BiRun {
        config,
        record,
        enc_dir,
        shared,
        continued,
    } = run;
    use standpoint_stance::manifest::AdapterSpec;
    use standpoint_stance::train::head_manifest;
    use standpoint_stance::{BiEncoderTrainer, TrainConfig};
    let (adapter_file, head_file) = ("encoder-adapters.safetensors", "head.safetensors");
    let mut progress = crate::model_setup::StepBar::new(config.epochs);
    let started = Instant::now();
    BiEncoderTrainer {
        config: config.clone(),
        hidden: a.hidden,
        checkpoint: Some(checkpoint),
        init: a.init.clone(),
    }
    .train(enc_dir, train, |event| {
        let Some((epoch, _, model)) = progress.event(event, started) else {
            return Ok(());
        };
        let dev = if a.dev_every_epoch || epoch == config.epochs {
            progress
                .bar
                .suspend(|| score_dev(shared, |_, ex| Ok(model.predict_pairs(&pairs(ex))?)))
                .map_err(|e| standpoint_stance::Error::Callback(e.into()))?
        } else {
            DevScores::new()
        };
        model.save(&a.out.join(adapter_file), &a.out.join(head_file))?;
        let head_config = TrainConfig {
            seed: config.seed,
            epochs: epoch,
            learning_rate: config.learning_rate,
            weight_decay: config.weight_decay,
            batch_size: config.batch_size,
            hidden: a.hidden,
        };
        let mut manifest = head_manifest(
            &head_config,
            standpoint_stance::train::encoder_spec(enc_dir),
            record,
            a.negatives,
            a.hard_none_weight,
            head_file,
            dev,
        );
        if let Manifest::EncoderHead(m) = &mut manifest {
            m.adapters = Some(AdapterSpec {
                file: adapter_file.into(),
                rank: config.rank,
                alpha: config.alpha,
            });
            if let Some(t) = &mut m.training {
                t.continued_from = continued.clone();
                t.distilled_from =
                    a.teacher
                        .as_ref()
                        .map(|teacher| standpoint_stance::manifest::Distillation {
                            teacher: teacher.display().to_string(),
                            precision: a.teacher_precision.to_string(),
                            weight: a.teacher_weight,
                            unlabelled: a.unlabelled.as_ref().map(|u| u.display().to_string()),
                            unlabelled_pairs: if a.unlabelled.is_some() {
                                a.unlabelled_pairs
                            } else {
                                0
                            },
                        });
            }
        }
        manifest.save(&a.out.join("manifest.json"))
    })?;
    progress.bar.finish_and_clear();
    warn!(
        "standpoint: {:.0} s; wrote {} and {}",
        started.elapsed().as_secs_f64(),
        a.out.join(adapter_file).display(),
        a.out.join("manifest.json").display()
    );
    Ok(Outcome::Clean)
}

/// `$XDG_CACHE_HOME/standpoint/train/finetune-NAME` (else under `~/.cache`), NAME made from the
/// output folder's absolute path.
fn default_checkpoint_dir(out: &Path) -> Result<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .context("no $XDG_CACHE_HOME or $HOME for the checkpoint folder; pass --checkpoint-dir")?;
    let abs = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let name: String = abs
        .to_string_lossy()
        .trim_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(cache
        .join("standpoint/train")
        .join(format!("finetune-{name}")))
}
