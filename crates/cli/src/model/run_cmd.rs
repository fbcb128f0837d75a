//! `standpoint run`: corpus in, sentence / document / group stance out, streaming, parallel,
//! resumable and shardable. The work is `standpoint_pipeline::run`; this is arguments,
//! progress, messages and the summary.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use indicatif::ProgressBar;
use standpoint_aggregate::DecisionRule;
use standpoint_cli::args::{RunArgs, ShardArg};
use standpoint_cli::print_summary;
use standpoint_cli::{commands, Outcome};
use standpoint_pipeline::checkpoint::{RunSpec, State};
use standpoint_pipeline::read::{count_records, Bad, Doc, Format};
use standpoint_pipeline::run::{Events, Opened, RunDir, RunOptions};
use standpoint_pipeline::shard::Shard;
use standpoint_pipeline::targets::read_targets;
use standpoint_pipeline::Pipeline;
use standpoint_stance::locate;

use crate::model_setup::{bar, load_classifier_in, manifest_path};
use crate::tagger_cmd;
use standpoint_stance::set_threads;

/// The run's settings from the arguments.
pub fn spec_of(a: &RunArgs) -> Result<RunSpec> {
    let mut spec = spec_without_fingerprint(a)?;
    // The model's contents, not only its path: a resume or merge must not mix two models.
    let paths = standpoint_stance::factory::ModelPaths {
        encoder_dir: crate::model_setup::encoder_dir(&a.model),
        ..Default::default()
    };
    spec.model_fingerprint = Some(standpoint_stance::factory::run_fingerprint(
        &spec.model,
        &paths,
        &spec.attribution,
    )?);
    let precision = crate::model_setup::precision(&a.model)?;
    spec.precision =
        (precision != standpoint_stance::Precision::Fp32).then(|| precision.to_string());
    Ok(spec)
}

fn spec_without_fingerprint(a: &RunArgs) -> Result<RunSpec> {
    Ok(RunSpec {
        inputs: a.inputs.clone(),
        format: Format::from(a.format).name().to_string(),
        id_field: a.id_field.clone(),
        text_field: a.text_field.clone(),
        targets: read_targets(&a.targets, a.targets_file.as_deref())?,
        model: manifest_path(&a.model)?,
        groupings: standpoint_aggregate::groupings(&a.group_by)?,
        evidence: a.evidence,
        rule: DecisionRule {
            margin: a.margin,
            min_stance_sentences: a.min_stance_sentences,
            ..DecisionRule::default()
        },
        chunk_docs: a.chunk_docs,
        max_doc_bytes: a.max_doc_bytes,
        attribution: a
            .tagger
            .iter()
            .map(|t| {
                let dir = locate::tagger_dir(t)?;
                // Refused before the output folder is touched.
                if !dir.join("tagger.json").is_file() {
                    anyhow::bail!(
                        "--tagger {}: no tagger.json there (a folder from `standpoint \
                         train-tagger`, or `default`)",
                        dir.display()
                    );
                }
                Ok(dir)
            })
            .collect::<Result<_>>()?,
        combine: a.combine,
        model_fingerprint: None,
        precision: None,
    })
}

/// Progress bar and messages on standard error.
struct Progress(ProgressBar);

impl Progress {
    fn new(a: &RunArgs, state: &State) -> Progress {
        let total = match a.no_progress {
            true => None,
            false => count_records(&state.spec.inputs, a.format.into()),
        };
        let bar = match total {
            _ if a.no_progress => ProgressBar::hidden(),
            Some(n) => bar(
                n,
                "{bar:30} {pos}/{len} records [{elapsed_precise}<{eta_precise}] {msg}",
            ),
            None => bar(0, "{spinner} {pos} records [{elapsed_precise}] {msg}"),
        };
        bar.set_position(state.items_done);
        bar.reset_eta();
        Progress(bar)
    }
}

impl Events for Progress {
    fn skipped(&mut self, b: &Bad) {
        self.0.suspend(|| warn!("standpoint: {b}; skipped"));
    }

    fn duplicate_id(&mut self, d: &Doc) {
        self.0.suspend(|| {
            warn!(
                "standpoint: {}:{}: id {} was used by an earlier document; both are kept \
                 (counted in run.json as duplicate_ids)",
                d.file, d.line, d.id
            )
        });
    }

    fn checkpoint(&mut self, state: &State) {
        self.0.set_position(state.items_done);
        self.0.set_message(format!(
            "{} sentences, {} errors",
            state.sentences, state.errors
        ));
    }
}

fn outcome(state: &State) -> Outcome {
    Outcome::skipped_if(state.errors > 0)
}

/// The shard and output folder of a run: `--shard auto` takes the shard from the scheduler and
/// writes into OUT/shard-K-of-N.
fn shard_and_out(a: &RunArgs) -> Result<(Option<Shard>, PathBuf)> {
    match a.shard {
        None => Ok((None, a.out.clone())),
        Some(ShardArg::Fixed(s)) => Ok((Some(s), a.out.clone())),
        Some(ShardArg::Auto) => {
            let count = match a.shard_count {
                Some(n) => Some(n),
                None => match std::env::var("STANDPOINT_SHARD_COUNT") {
                    Ok(v) => Some(
                        v.trim()
                            .parse::<u64>()
                            .ok()
                            .filter(|n| *n > 0)
                            .with_context(|| {
                                format!("STANDPOINT_SHARD_COUNT is not a positive number: {v:?}")
                            })?,
                    ),
                    Err(_) => None,
                },
            };
            let (shard, scheduler) = Shard::from_scheduler(|k| std::env::var(k).ok(), count)?;
            let out = a.out.join(shard.folder_name());
            warn!(
                "standpoint: {scheduler} task: shard {shard}, writing into {}",
                out.display()
            );
            Ok((Some(shard), out))
        }
    }
}

pub fn run(mut a: RunArgs) -> Result<Outcome> {
    let spec = spec_of(&a)?;
    let (shard, out) = shard_and_out(&a)?;
    a.out = out;
    let dir = match RunDir::open(&a.out, spec, shard, a.fresh)? {
        Opened::Complete(state) => {
            warn!(
                "standpoint: {} is already complete ({} documents); use --fresh to run again",
                a.out.display(),
                state.documents
            );
            print_summary(&state)?;
            if let Some(labels) = &a.labels {
                let names: Vec<String> = state.spec.groupings.iter().map(|g| g.name()).collect();
                standpoint_cli::validate_cmd::write_run_estimates(&a.out, labels, &names)?;
            }
            if a.report {
                commands::write_report(&a.out, &a.out.join("report.html"), a.report_limits)?;
            }
            return Ok(outcome(&state));
        }
        Opened::Ready(dir) => dir,
    };
    let start = dir.state();
    if start.items_done > 0 {
        warn!(
            "standpoint: resuming after {} input records ({} documents done)",
            start.items_done, start.documents
        );
    }
    let threads = set_threads(a.model.threads);
    // The precision the run's identity records (resolved once, when the spec was made); the
    // tagger runs in it too.
    let precision = match start.spec.precision.as_deref() {
        Some(p) => p.parse().map_err(anyhow::Error::msg)?,
        None => standpoint_stance::Precision::Fp32,
    };
    let classifier = load_classifier_in(&a.model, precision)?;
    let mut pipeline =
        Pipeline::for_run(classifier, &start.spec).batch_sentences(a.batch_sentences);
    if !start.spec.attribution.is_empty() {
        let tagger = tagger_cmd::TaggerAttribution::load(&start.spec.attribution, None, precision)?
            .combined(start.spec.combine);
        pipeline = pipeline.attribution(Arc::new(tagger));
    }
    let options = RunOptions {
        segment_threads: a.segment_threads,
        classifier_threads: threads,
        strict: a.strict,
    };
    let mut progress = Progress::new(&a, start);
    let result = dir.execute(&pipeline, &options, &mut progress);
    progress.0.finish_and_clear();
    let state = result?;
    print_summary(&state)?;
    let done = outcome(&state);
    if let Some(labels) = &a.labels {
        let names: Vec<String> = state.spec.groupings.iter().map(|g| g.name()).collect();
        standpoint_cli::validate_cmd::write_run_estimates(&a.out, labels, &names)?;
    }
    if a.report {
        // After the run has released the folder's lock, so the report sees a finished run.
        let report = commands::write_report(&a.out, &a.out.join("report.html"), a.report_limits)?;
        if report == Outcome::Skipped {
            return Ok(Outcome::Skipped);
        }
    }
    Ok(done)
}
