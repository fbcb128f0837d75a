//! `standpoint bench`: every classifier on every labelled set, with scores, intervals, paired
//! tests and cost. Each classifier runs in a child process (`standpoint bench-worker`), so that
//! its load time and peak memory are its own. The measuring and the reports are
//! `standpoint_stance::bench`; this is arguments, processes, printing and files.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use standpoint_stance::baseline::Lexical;
use standpoint_stance::bench::{
    check_prediction_lines, eval_sets, json_report, load_checks, load_sets, majority, measure,
    report_checks, report_set, Options, WorkerReport,
};
use standpoint_stance::BoxedClassifier;

use crate::model_setup::load_classifier;
use standpoint_cli::args::{BenchArgs, BenchWorkerArgs, ModelArgs};
use standpoint_cli::Outcome;
use standpoint_stance::locate::NAMED_MODELS;
use standpoint_stance::set_threads;
use standpoint_stance::speed::peak_rss_mib;

fn skip(e: &standpoint_stance::Error) {
    warn!("standpoint: {e}; skipped");
}

/// Resolves a classifier spec: `default`, `cross`, `ensemble` (the shipped models), `lexical`, `majority` (fit on the `train.jsonl` beside
/// each data file), `majority:FILE.jsonl`, or a manifest path; `@int8` or `@fp32` after a model
/// sets its precision (so one table can hold both).
fn build_classifier(spec: &str, data: &[PathBuf], model: &ModelArgs) -> Result<BoxedClassifier> {
    let mut model = model.clone();
    let spec = match spec.rsplit_once('@') {
        Some((name, p)) if p.parse::<standpoint_stance::Precision>().is_ok() => {
            model.precision = Some(p.parse().map_err(anyhow::Error::msg)?);
            name
        }
        _ => spec,
    };
    let model = &model;
    if spec == "lexical" {
        return Ok(Box::new(Lexical));
    }
    let majority_spec = spec.strip_prefix("majority");
    if let Some(rest) = majority_spec.filter(|r| r.is_empty() || r.starts_with(':')) {
        return Ok(Box::new(majority(rest, data)?));
    }
    let named = NAMED_MODELS.contains(&spec) && !Path::new(spec).exists();
    if !named && !Path::new(spec).is_file() {
        bail!("classifier {spec:?} is not default, cross, ensemble, lexical, majority[:FILE] or a manifest file");
    }
    let model = ModelArgs {
        model: Some(PathBuf::from(spec)),
        ..model.clone()
    };
    load_classifier(&model)
}

/// What a `bench-worker` process measures, handed over as a JSON file.
#[derive(serde::Serialize, serde::Deserialize)]
struct WorkerSpec {
    classifier: String,
    data: Vec<PathBuf>,
    checks: Option<PathBuf>,
    batch: usize,
    runs: usize,
    speed_items: usize,
    model: ModelArgs,
}

/// The worker: loads one classifier, predicts every set, times it.
pub fn worker(a: BenchWorkerArgs) -> Result<Outcome> {
    let spec: WorkerSpec = serde_json::from_slice(&std::fs::read(&a.spec)?)?;
    set_threads(spec.model.threads);
    let (sets, _) = load_sets(&spec.data, &mut skip)?;
    let (checks, _) = load_checks(spec.checks.as_deref(), &mut skip)?;
    let t0 = Instant::now();
    let clf = build_classifier(&spec.classifier, &spec.data, &spec.model)?;
    let load_seconds = t0.elapsed().as_secs_f64();
    let (b, r, n) = (spec.batch, spec.runs, spec.speed_items);
    let mut report = measure(&*clf, &sets, &checks, b, r, n)?;
    report.load_seconds = load_seconds;
    report.peak_rss_mib = peak_rss_mib();
    std::fs::write(&a.report, serde_json::to_vec(&report)?)
        .with_context(|| format!("writing {}", a.report.display()))?;
    Ok(Outcome::Clean)
}

/// Runs each classifier in its own `bench-worker` process and reads its report.
fn run_workers(a: &BenchArgs) -> Result<Vec<(String, WorkerReport)>> {
    let exe = std::env::current_exe().context("locating the standpoint binary")?;
    let tmp = std::env::temp_dir().join(format!("standpoint-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let mut reports = Vec::new();
    for (i, classifier) in a.classifiers.iter().enumerate() {
        warn!("standpoint: bench: running {classifier}");
        let (spec, report) = (
            tmp.join(format!("{i}-spec.json")),
            tmp.join(format!("{i}.json")),
        );
        let worker = WorkerSpec {
            classifier: classifier.clone(),
            data: a.data.clone(),
            checks: a.checks.clone(),
            batch: a.batch,
            runs: a.runs,
            speed_items: a.speed_items,
            model: a.model.clone(),
        };
        std::fs::write(&spec, serde_json::to_vec(&worker)?)?;
        let status = std::process::Command::new(&exe)
            .arg("bench-worker")
            .args([&spec, &report])
            .status()
            .context("starting the bench worker")?;
        if !status.success() {
            bail!("classifier {classifier:?} failed (see the messages above)");
        }
        let r: WorkerReport = serde_json::from_slice(&std::fs::read(&report)?)?;
        reports.push((classifier.clone(), r));
    }
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(reports)
}

pub fn run(a: BenchArgs) -> Result<Outcome> {
    if a.classifiers.is_empty() {
        bail!("give at least one --classifier (default, lexical, majority, or a manifest)");
    }
    let (sets, skipped) = load_sets(&a.data, &mut skip)?;
    let (checks, skipped_checks) = load_checks(a.checks.as_deref(), &mut skip)?;
    let skipped = skipped + skipped_checks;
    let reports = run_workers(&a)?;
    let options = Options {
        bootstrap: a.bootstrap,
        seed: a.seed,
        errors: a.errors,
    };
    let mut text = String::new();
    let mut json_sets = Vec::new();
    let mut pred_lines = Vec::new();
    for set in &eval_sets(&a.data, &sets) {
        let keep = a.predictions.is_some() && !set.name.ends_with("[zero-shot rows]");
        let lines = keep.then_some(&mut pred_lines);
        json_sets.push(report_set(set, &reports, &options, &mut text, lines));
    }
    let json_checks = match &a.checks {
        Some(file) => Some(report_checks(file, &checks, &reports, a.errors, &mut text)?),
        None => None,
    };
    print!("{text}");
    println!();
    println!(
        "Intervals: percentile bootstrap, {} resamples, seed {}. Speed: median of {} passes over the \
         first {} items in batches of {} after a warm-up batch; latency per batch over the scoring pass.",
        a.bootstrap, a.seed, a.runs, reports.first().map_or(0, |r| r.1.speed_items), a.batch
    );
    if let Some(p) = &a.json {
        let settings = serde_json::json!({
            "data": a.data, "bootstrap": a.bootstrap, "seed": a.seed, "batch": a.batch,
            "skipped_rows": skipped,
        });
        let doc = json_report(settings, &reports, json_sets, json_checks);
        std::fs::write(p, serde_json::to_string_pretty(&doc)? + "\n")
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &a.predictions {
        pred_lines.extend(check_prediction_lines(&checks, &reports));
        let mut s = String::new();
        for l in &pred_lines {
            s.push_str(&l.to_string());
            s.push('\n');
        }
        std::fs::write(p, s).with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(Outcome::skipped_if(skipped > 0))
}
