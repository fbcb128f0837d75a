//! `standpoint bench`: every classifier on every labelled set, with scores, intervals, paired
//! tests and cost. Each classifier runs in a child process (`standpoint bench-worker`), so that
//! its load time and peak memory are its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use standpoint_stance::baseline::{Lexical, Majority};
use standpoint_stance::checks::{read_checks, score_checks, Check, ChecksReport};
use standpoint_stance::data::{read_jsonl, Example};
use standpoint_stance::eval::{compare, predicted, quantile, score_set};
use standpoint_stance::manifest::Manifest;
use standpoint_stance::BoxedClassifier;
use standpoint_stance::{Label, Probs, StanceClassifier};

use crate::model_setup::{load_classifier, set_threads};
use crate::speed_cmd::{median, peak_rss_mib};
use standpoint_cli::args::{BenchArgs, BenchWorkerArgs, ModelArgs};
use standpoint_cli::locate::NAMED_MODELS;
use standpoint_cli::Outcome;

/// What a worker reports for one classifier.
#[derive(Debug, Serialize, Deserialize)]
struct WorkerReport {
    name: String,
    load_seconds: f64,
    /// Sentences/s of each timed pass; the median is reported.
    speed_runs: Vec<f64>,
    speed_items: usize,
    batch_ms: Vec<f64>,
    peak_rss_mib: Option<f64>,
    /// Per data file, probabilities in item order.
    predictions: Vec<Vec<[f32; 3]>>,
    /// Probabilities for the behavioural checks, in file order.
    #[serde(default)]
    checks: Vec<[f32; 3]>,
}

fn load_checks(file: Option<&Path>) -> Result<(Vec<Check>, usize)> {
    let Some(f) = file else {
        return Ok((Vec::new(), 0));
    };
    let (good, bad) = read_checks(f)?;
    for e in &bad {
        warn!("standpoint: {e}; skipped");
    }
    if good.is_empty() {
        bail!("{}: no usable checks", f.display());
    }
    Ok((good, bad.len()))
}

/// Probabilities for `pairs` in calls of `batch` pairs, with each call's latency in ms.
fn predict_batched(
    clf: &dyn StanceClassifier<Error = standpoint_stance::Error>,
    pairs: &[(&str, &str)],
    batch: usize,
    batch_ms: &mut Vec<f64>,
) -> Result<Vec<[f32; 3]>> {
    let mut probs = Vec::with_capacity(pairs.len());
    for chunk in pairs.chunks(batch.max(1)) {
        let t = Instant::now();
        let p = clf.predict_pairs(chunk)?;
        batch_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        probs.extend(p.into_iter().map(|p| p.as_array()));
    }
    Ok(probs)
}

fn load_examples(files: &[PathBuf]) -> Result<(Vec<Vec<Example>>, usize)> {
    let mut sets = Vec::new();
    let mut skipped = 0;
    for f in files {
        let (good, bad) = read_jsonl(f)?;
        for e in &bad {
            warn!("standpoint: {e}; skipped");
        }
        skipped += bad.len();
        if good.is_empty() {
            bail!("{}: no usable labelled rows", f.display());
        }
        sets.push(good);
    }
    Ok((sets, skipped))
}

/// Resolves a classifier spec: `default`, `cross`, `ensemble` (the shipped models), `lexical`, `majority` (fit on the `train.jsonl` beside
/// each data file), `majority:FILE.jsonl`, or a manifest path.
fn build_classifier(spec: &str, data: &[PathBuf], model: &ModelArgs) -> Result<BoxedClassifier> {
    match spec {
        "lexical" => return Ok(Box::new(Lexical)),
        name if NAMED_MODELS.contains(&name) && !Path::new(name).exists() => {
            let m = ModelArgs {
                model: Some(PathBuf::from(name)),
                encoder: model.encoder.clone(),
                threads: model.threads,
            };
            return load_classifier(&m);
        }
        _ => {}
    }
    if let Some(rest) = spec.strip_prefix("majority") {
        let train: Vec<PathBuf> = match rest.strip_prefix(':') {
            Some(f) => vec![PathBuf::from(f)],
            None if rest.is_empty() => {
                let mut v: Vec<PathBuf> = data
                    .iter()
                    .filter_map(|d| Some(d.parent()?.join("train.jsonl")))
                    .filter(|p| p.is_file())
                    .collect();
                v.sort();
                v.dedup();
                if v.is_empty() {
                    bail!(
                        "majority: no train.jsonl beside the data files; use majority:TRAIN.jsonl"
                    );
                }
                v
            }
            None => bail!("unknown classifier {spec:?}"),
        };
        let mut items = Vec::new();
        for f in &train {
            let (good, _) = read_jsonl(f)?;
            items.extend(good);
        }
        return Ok(Box::new(Majority::fit(
            items.iter().map(|e| (e.target.as_str(), e.label)),
        )));
    }
    let m = ModelArgs {
        model: Some(PathBuf::from(spec)),
        encoder: model.encoder.clone(),
        threads: model.threads,
    };
    if !Path::new(spec).is_file() {
        bail!("classifier {spec:?} is not default, cross, ensemble, lexical, majority[:FILE] or a manifest file");
    }
    let _ = Manifest::load(Path::new(spec))?;
    load_classifier(&m)
}

/// The worker: loads one classifier, predicts every set, times it.
pub fn worker(a: BenchWorkerArgs) -> Result<Outcome> {
    set_threads(&a.model);
    let (sets, _) = load_examples(&a.data)?;
    let (checks, _) = load_checks(a.checks.as_deref())?;
    let t0 = Instant::now();
    let clf = build_classifier(&a.classifier, &a.data, &a.model)?;
    let load_seconds = t0.elapsed().as_secs_f64();
    let batch = a.batch.max(1);
    let mut batch_ms = Vec::new();
    let mut predictions = Vec::new();
    for set in &sets {
        let pairs: Vec<(&str, &str)> = set
            .iter()
            .map(|e| (e.text.as_str(), e.target.as_str()))
            .collect();
        predictions.push(predict_batched(&*clf, &pairs, batch, &mut batch_ms)?);
    }
    let check_pairs: Vec<(&str, &str)> = checks
        .iter()
        .map(|c| (c.text.as_str(), c.target.as_str()))
        .collect();
    let check_probs = predict_batched(&*clf, &check_pairs, batch, &mut Vec::new())?;
    // Throughput: the first `speed_items` items of all sets (then the checks), after a
    // warm-up batch.
    let all: Vec<(&str, &str)> = sets
        .iter()
        .flatten()
        .map(|e| (e.text.as_str(), e.target.as_str()))
        .chain(check_pairs.iter().copied())
        .take(a.speed_items)
        .collect();
    let _ = clf.predict_pairs(&all[..all.len().min(batch)])?;
    let mut speed_runs = Vec::new();
    for _ in 0..a.runs.max(1) {
        let t = Instant::now();
        for chunk in all.chunks(batch) {
            clf.predict_pairs(chunk)?;
        }
        speed_runs.push(all.len() as f64 / t.elapsed().as_secs_f64().max(1e-9));
    }
    let report = WorkerReport {
        name: clf.name().to_string(),
        load_seconds,
        speed_runs,
        speed_items: all.len(),
        batch_ms,
        peak_rss_mib: peak_rss_mib(),
        predictions,
        checks: check_probs,
    };
    std::fs::write(&a.report, serde_json::to_vec(&report)?)
        .with_context(|| format!("writing {}", a.report.display()))?;
    Ok(Outcome::Clean)
}

/// A p-value for the table: "< 1/resamples" when no resample crossed zero.
fn p_text(p: f64, resamples: usize) -> String {
    if p == 0.0 {
        format!("< {:.4}", 1.0 / resamples.max(1) as f64)
    } else {
        format!("{p:.4}")
    }
}

/// One evaluation set: a data file, or its zero-shot rows.
struct EvalSet<'a> {
    name: String,
    file: usize,
    rows: Vec<usize>,
    items: &'a [Example],
    /// No NONE gold labels: predictions are the argmax of FAVOR and AGAINST.
    no_none: bool,
}

/// Each data file, plus its zero-shot rows when it marks them (VAST).
fn eval_sets<'a>(files: &[PathBuf], sets: &'a [Vec<Example>]) -> Vec<EvalSet<'a>> {
    let mut out = Vec::new();
    for (f, items) in sets.iter().enumerate() {
        let name = files[f]
            .strip_prefix(files[f].ancestors().nth(2).unwrap_or(Path::new("")))
            .unwrap_or(&files[f])
            .display()
            .to_string();
        let no_none = !items.iter().any(|e| e.label == Label::None);
        out.push(EvalSet {
            name: name.clone(),
            file: f,
            rows: (0..items.len()).collect(),
            items,
            no_none,
        });
        let zs: Vec<usize> = (0..items.len())
            .filter(|&i| items[i].seen == Some(0))
            .collect();
        if !zs.is_empty() && zs.len() < items.len() {
            out.push(EvalSet {
                name: format!("{name} [zero-shot rows]"),
                file: f,
                rows: zs,
                items,
                no_none,
            });
        }
    }
    out
}

/// Runs each classifier in its own `bench-worker` process and reads its report.
fn run_workers(a: &BenchArgs) -> Result<Vec<(String, WorkerReport)>> {
    let exe = std::env::current_exe().context("locating the standpoint binary")?;
    let tmp = std::env::temp_dir().join(format!("standpoint-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let mut reports = Vec::new();
    for (i, spec) in a.classifiers.iter().enumerate() {
        warn!("standpoint: bench: running {spec}");
        let report = tmp.join(format!("{i}.json"));
        let mut cmd = std::process::Command::new(&exe);
        cmd.arg("bench-worker")
            .arg("--classifier")
            .arg(spec)
            .arg("--report")
            .arg(&report)
            .arg("--runs")
            .arg(a.runs.to_string())
            .arg("--batch")
            .arg(a.batch.to_string())
            .arg("--speed-items")
            .arg(a.speed_items.to_string());
        for d in &a.data {
            cmd.arg("--data").arg(d);
        }
        if let Some(c) = &a.checks {
            cmd.arg("--checks").arg(c);
        }
        if let Some(e) = &a.model.encoder {
            cmd.arg("--encoder").arg(e);
        }
        if let Some(t) = a.model.threads {
            cmd.arg("--threads").arg(t.to_string());
        }
        let status = cmd.status().context("starting the bench worker")?;
        if !status.success() {
            bail!("classifier {spec:?} failed (see the messages above)");
        }
        let r: WorkerReport = serde_json::from_slice(&std::fs::read(&report)?)?;
        reports.push((spec.clone(), r));
    }
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(reports)
}

/// Prints the scores table of one set; returns the JSON per classifier.
fn print_scores(
    a: &BenchArgs,
    set: &EvalSet,
    reports: &[(String, WorkerReport)],
    gold: &[Label],
    preds: &[Vec<Label>],
) -> Vec<serde_json::Value> {
    let targets: Vec<&str> = set
        .rows
        .iter()
        .map(|&i| set.items[i].target.as_str())
        .collect();
    println!();
    println!(
        "### {} ({} items{})",
        set.name,
        gold.len(),
        if set.no_none {
            "; no NONE class: predictions are the argmax of FAVOR and AGAINST"
        } else {
            ""
        }
    );
    println!();
    println!("| classifier | accuracy | macro-F1 [95% CI] | F_avg [95% CI] | F_macro | F1 FAVOR / AGAINST / NONE | sentences/s | batch p50 / p95 ms | load s | peak MiB |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut per_clf = Vec::new();
    for ((spec, r), pred) in reports.iter().zip(preds) {
        let s = score_set(gold, pred, &targets, a.bootstrap, a.seed);
        println!(
            "| {spec} | {:.1} | {:.1} [{:.1}, {:.1}] | {:.1} [{:.1}, {:.1}] | {:.1} | {:.1} / {:.1} / {} | {:.0} | {:.0} / {:.0} | {:.2} | {} |",
            100.0 * s.accuracy,
            100.0 * s.macro_f1,
            100.0 * s.macro_f1_ci.0,
            100.0 * s.macro_f1_ci.1,
            100.0 * s.f_avg,
            100.0 * s.f_avg_ci.0,
            100.0 * s.f_avg_ci.1,
            100.0 * s.f_macro,
            100.0 * s.per_class["FAVOR"].f1,
            100.0 * s.per_class["AGAINST"].f1,
            if set.no_none { "-".to_string() } else { format!("{:.1}", 100.0 * s.per_class["NONE"].f1) },
            median(&r.speed_runs),
            quantile(&r.batch_ms, 0.5),
            quantile(&r.batch_ms, 0.95),
            r.load_seconds,
            r.peak_rss_mib.map_or("?".into(), |m| format!("{m:.0}")),
        );
        per_clf.push(serde_json::json!({"classifier": spec, "scores": s}));
    }
    per_clf
}

/// Prints the paired tests between every pair of classifiers; returns them as JSON.
fn print_paired(
    a: &BenchArgs,
    reports: &[(String, WorkerReport)],
    gold: &[Label],
    preds: &[Vec<Label>],
) -> Vec<serde_json::Value> {
    let mut tests = Vec::new();
    if reports.len() > 1 {
        println!();
        println!("| A vs B | Δ macro-F1 | p (paired bootstrap) | Δ F_avg | p (paired bootstrap) | McNemar p (accuracy) |");
        println!("|---|---|---|---|---|---|");
    }
    for x in 0..reports.len() {
        for y in x + 1..reports.len() {
            let t = compare(gold, &preds[x], &preds[y], a.bootstrap, a.seed);
            println!(
                "| {} vs {} | {:+.1} | {} | {:+.1} | {} | {} |",
                reports[x].0,
                reports[y].0,
                100.0 * t.delta_macro_f1,
                p_text(t.p_macro_f1, a.bootstrap),
                100.0 * t.delta_f_avg,
                p_text(t.p_f_avg, a.bootstrap),
                if t.mcnemar_p < 1e-4 {
                    "< 0.0001".to_string()
                } else {
                    format!("{:.4}", t.mcnemar_p)
                }
            );
            let mut v = serde_json::to_value(&t).unwrap_or_default();
            v["a"] = reports[x].0.clone().into();
            v["b"] = reports[y].0.clone().into();
            tests.push(v);
        }
    }
    tests
}

/// Prints each classifier's `a.errors` most confident mistakes on the set.
fn print_mistakes(
    a: &BenchArgs,
    set: &EvalSet,
    reports: &[(String, WorkerReport)],
    gold: &[Label],
    preds: &[Vec<Label>],
) {
    for ((spec, r), pred) in reports.iter().zip(preds) {
        let mut wrong: Vec<(f32, usize)> = set
            .rows
            .iter()
            .enumerate()
            .filter(|(k, _)| pred[*k] != gold[*k])
            .map(|(k, &i)| (r.predictions[set.file][i][pred[k].index()], k))
            .collect();
        wrong.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        println!();
        println!(
            "{} most confident mistakes of {spec}:",
            a.errors.min(wrong.len())
        );
        for (conf, k) in wrong.iter().take(a.errors) {
            let e = &set.items[set.rows[*k]];
            let text: String = e.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let text: String = text.chars().take(140).collect();
            println!(
                "- [{}] target {:?}: gold {}, predicted {} ({:.2}): {text}",
                e.id, e.target, gold[*k], pred[*k], conf
            );
        }
    }
}

/// Every prediction of every classifier on the set, as JSON lines for `--predictions`.
fn prediction_lines(
    set: &EvalSet,
    reports: &[(String, WorkerReport)],
    gold: &[Label],
    preds: &[Vec<Label>],
    out: &mut Vec<serde_json::Value>,
) {
    for ((spec, r), pred) in reports.iter().zip(preds) {
        for (k, &i) in set.rows.iter().enumerate() {
            let e = &set.items[i];
            let p = r.predictions[set.file][i];
            out.push(serde_json::json!({
                "set": set.name, "classifier": spec, "id": e.id, "target": e.target,
                "gold": gold[k], "predicted": pred[k],
                "favor": p[0], "against": p[1], "none": p[2],
            }));
        }
    }
}

pub fn run(a: BenchArgs) -> Result<Outcome> {
    if a.classifiers.is_empty() {
        bail!("give at least one --classifier (default, lexical, majority, or a manifest)");
    }
    let (sets, skipped) = load_examples(&a.data)?;
    let (checks, skipped_checks) = load_checks(a.checks.as_deref())?;
    let skipped = skipped + skipped_checks;
    let reports = run_workers(&a)?;
    let mut json_sets = Vec::new();
    let mut pred_lines = Vec::new();
    for set in &eval_sets(&a.data, &sets) {
        let gold: Vec<Label> = set.rows.iter().map(|&i| set.items[i].label).collect();
        let preds: Vec<Vec<Label>> = reports
            .iter()
            .map(|(_, r)| {
                let p = &r.predictions[set.file];
                set.rows
                    .iter()
                    .map(|&i| predicted(p[i], set.no_none))
                    .collect()
            })
            .collect();
        let per_clf = print_scores(&a, set, &reports, &gold, &preds);
        let tests = print_paired(&a, &reports, &gold, &preds);
        if a.errors > 0 {
            print_mistakes(&a, set, &reports, &gold, &preds);
        }
        if a.predictions.is_some() && !set.name.ends_with("[zero-shot rows]") {
            prediction_lines(set, &reports, &gold, &preds, &mut pred_lines);
        }
        json_sets.push(serde_json::json!({
            "set": set.name, "items": gold.len(), "no_none_class": set.no_none,
            "classifiers": per_clf, "paired_tests": tests,
        }));
    }
    let json_checks = match &a.checks {
        Some(file) => Some(report_checks(file, &checks, &reports, a.errors)?),
        None => None,
    };
    println!();
    println!(
        "Intervals: percentile bootstrap, {} resamples, seed {}. Speed: median of {} passes over the \
         first {} items in batches of {} after a warm-up batch; latency per batch over the scoring pass.",
        a.bootstrap, a.seed, a.runs, reports.first().map_or(0, |r| r.1.speed_items), a.batch
    );
    if let Some(p) = &a.json {
        let costs: Vec<serde_json::Value> = reports
            .iter()
            .map(|(spec, r)| {
                serde_json::json!({
                    "classifier": spec, "name": r.name, "load_seconds": r.load_seconds,
                    "sentences_per_second": median(&r.speed_runs), "speed_runs": r.speed_runs,
                    "batch_ms_p50": quantile(&r.batch_ms, 0.5), "batch_ms_p95": quantile(&r.batch_ms, 0.95),
                    "peak_rss_mib": r.peak_rss_mib,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "data": a.data, "bootstrap": a.bootstrap, "seed": a.seed, "batch": a.batch,
            "skipped_rows": skipped, "cost": costs, "sets": json_sets,
            "checks": json_checks,
        });
        std::fs::write(p, serde_json::to_string_pretty(&doc)? + "\n")
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &a.predictions {
        write_predictions(p, &checks, &reports, pred_lines)?;
    }
    Ok(if skipped > 0 {
        Outcome::Skipped
    } else {
        Outcome::Clean
    })
}

/// Writes `--predictions`: the dev-set lines, then every check of every classifier.
fn write_predictions(
    path: &Path,
    checks: &[Check],
    reports: &[(String, WorkerReport)],
    mut lines: Vec<serde_json::Value>,
) -> Result<()> {
    for (spec, r) in reports {
        for (c, p) in checks.iter().zip(&r.checks) {
            lines.push(serde_json::json!({
                "set": "checks", "classifier": spec, "id": c.id, "capability": c.capability,
                "target": c.target, "expected": c.expect.to_string(),
                "predicted": predicted(*p, false),
                "favor": p[0], "against": p[1], "none": p[2],
            }));
        }
    }
    let mut s = String::new();
    for l in &lines {
        s.push_str(&l.to_string());
        s.push('\n');
    }
    std::fs::write(path, s).with_context(|| format!("writing {}", path.display()))
}

/// Prints the behavioural suite's failure rate per capability and classifier (and, with
/// `errors > 0`, up to that many failed cases per capability and classifier); returns the JSON.
fn report_checks(
    file: &Path,
    checks: &[Check],
    reports: &[(String, WorkerReport)],
    errors: usize,
) -> Result<serde_json::Value> {
    let scored: Vec<ChecksReport> = reports
        .iter()
        .map(|(_, r)| {
            let probs: Vec<Probs> = r
                .checks
                .iter()
                .map(|p| Probs {
                    favor: p[0],
                    against: p[1],
                    none: p[2],
                })
                .collect();
            score_checks(checks, &probs)
        })
        .collect::<Result<_, _>>()?;
    println!();
    println!(
        "### Behavioural checks: {} ({} cases; failure rate per capability, lower is better)",
        file.display(),
        checks.len()
    );
    println!();
    let names: Vec<&str> = reports.iter().map(|(s, _)| s.as_str()).collect();
    println!("| capability | cases | {} |", names.join(" | "));
    println!("|---|---|{}", "---|".repeat(names.len()));
    let Some(first) = scored.first() else {
        return Ok(serde_json::Value::Null);
    };
    let cell = |rate: f64, n: usize| format!("{:.1}% ({n})", 100.0 * rate);
    for (k, cap) in first.capabilities.iter().enumerate() {
        let cells: Vec<String> = scored
            .iter()
            .map(|r| {
                let c = &r.capabilities[k];
                cell(c.failure_rate(), c.failures)
            })
            .collect();
        println!(
            "| {} | {} | {} |",
            cap.capability,
            cap.cases,
            cells.join(" | ")
        );
    }
    let cells: Vec<String> = scored
        .iter()
        .map(|r| cell(r.failure_rate(), r.failures()))
        .collect();
    println!("| **all** | {} | {} |", first.cases(), cells.join(" | "));
    if errors > 0 {
        let by_id: BTreeMap<&str, (usize, &Check)> = checks
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), (i, c)))
            .collect();
        for ((spec, r), rep) in reports.iter().zip(&scored) {
            println!();
            println!("Failed checks of {spec} (up to {errors} per capability):");
            for cap in &rep.capabilities {
                for id in cap.failed_ids.iter().take(errors) {
                    if let Some(&(i, c)) = by_id.get(id.as_str()) {
                        let p = r.checks[i];
                        println!(
                            "- [{}] {:?} toward {:?}: expected {}, predicted {} ({:.2} / {:.2} / {:.2})",
                            c.id,
                            c.text,
                            c.target,
                            c.expect,
                            predicted(p, false),
                            p[0],
                            p[1],
                            p[2]
                        );
                    }
                }
            }
        }
    }
    Ok(serde_json::json!({
        "file": file,
        "cases": checks.len(),
        "classifiers": reports.iter().zip(&scored).map(|((spec, _), r)| serde_json::json!({
            "classifier": spec,
            "failures": r.failures(),
            "failure_rate": r.failure_rate(),
            "capabilities": r.capabilities,
        })).collect::<Vec<_>>(),
    }))
}
