//! The benchmark behind `standpoint bench`: one classifier measured on labelled sets and the
//! behavioural checks ([`measure`] gives a [`WorkerReport`]), then reports over several
//! classifiers' reports: per-set score tables with bootstrap intervals, paired tests, the most
//! confident mistakes, per-capability failure rates (Markdown text plus JSON).
//!
//! ```
//! use standpoint_stance::bench::{eval_sets, measure, report_set, Options};
//! use standpoint_stance::{baseline::Lexical, data::Example, Label};
//!
//! let ex = |t: &str, l| Example { id: t.into(), text: t.into(), target: "it".into(), label: l, seen: None, context: String::new(), source_label: None };
//! let sets = vec![vec![ex("We support it.", Label::Favor), ex("We oppose it.", Label::Against)]];
//! let report = measure(&Lexical, &sets, &[], 8, 1, 10).unwrap();
//! let reports = vec![("lexical".to_string(), report)];
//! let mut text = String::new();
//! for set in &eval_sets(&["dev.jsonl".into()], &sets) {
//!     report_set(set, &reports, &Options::default(), &mut text, None);
//! }
//! assert!(text.contains("| lexical |"));
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::checks::{score_checks, Check, ChecksReport};
use crate::data::Example;
use crate::eval::{compare, predicted, quantile, score_set};
use crate::{Error, Label, Probs, StanceClassifier};

/// How reports are computed.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bootstrap resamples for intervals and paired tests.
    pub bootstrap: usize,
    /// Bootstrap seed.
    pub seed: u64,
    /// Most confident mistakes (and failed checks per capability) to list per classifier.
    pub errors: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bootstrap: 1000,
            seed: 13,
            errors: 0,
        }
    }
}

/// Reads labelled sets (bad rows go to `on_bad` and are skipped; a set with no usable row is
/// an error). Returns the sets and the number of rows skipped.
pub fn load_sets(
    files: &[PathBuf],
    on_bad: &mut dyn FnMut(&Error),
) -> Result<(Vec<Vec<Example>>, usize), Error> {
    let mut sets = Vec::new();
    let mut skipped = 0;
    for f in files {
        let (good, bad) = crate::data::read_jsonl(f)?;
        bad.iter().for_each(&mut *on_bad);
        skipped += bad.len();
        if good.is_empty() {
            return Err(Error::NoUsableRows { path: f.clone() });
        }
        sets.push(good);
    }
    Ok((sets, skipped))
}

/// Reads a behavioural suite (none: no checks), like [`load_sets`].
pub fn load_checks(
    file: Option<&Path>,
    on_bad: &mut dyn FnMut(&Error),
) -> Result<(Vec<Check>, usize), Error> {
    let Some(f) = file else {
        return Ok((Vec::new(), 0));
    };
    let (good, bad) = crate::checks::read_checks(f)?;
    bad.iter().for_each(&mut *on_bad);
    if good.is_empty() {
        return Err(Error::NoUsableRows {
            path: f.to_path_buf(),
        });
    }
    Ok((good, bad.len()))
}

/// The majority baseline `majority` (`rest` empty: fitted on the `train.jsonl` beside each data
/// file) or `majority:FILE.jsonl` (`rest` = `:FILE.jsonl`).
pub fn majority(rest: &str, data: &[PathBuf]) -> Result<crate::baseline::Majority, Error> {
    let train: Vec<PathBuf> = match rest.strip_prefix(':') {
        Some(f) => vec![PathBuf::from(f)],
        None => {
            let mut v: Vec<PathBuf> = data
                .iter()
                .filter_map(|d| Some(d.parent()?.join("train.jsonl")))
                .filter(|p| p.is_file())
                .collect();
            v.sort();
            v.dedup();
            if v.is_empty() {
                return Err(Error::NoTrainBeside);
            }
            v
        }
    };
    let mut items = Vec::new();
    for f in &train {
        let (good, _) = crate::data::read_jsonl(f)?;
        items.extend(good);
    }
    Ok(crate::baseline::Majority::fit(
        items.iter().map(|e| (e.target.as_str(), e.label)),
    ))
}

/// `writeln!` into a `String`, which cannot fail.
macro_rules! w {
    ($($t:tt)*) => {{
        let _ = writeln!($($t)*);
    }};
}

fn median(v: &[f64]) -> f64 {
    quantile(v, 0.5)
}

/// What a worker reports for one classifier.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkerReport {
    /// The classifier's own name.
    pub name: String,
    /// Seconds to load it.
    pub load_seconds: f64,
    /// Sentences/s of each timed pass; the median is reported.
    pub speed_runs: Vec<f64>,
    /// Pairs in each timed pass.
    pub speed_items: usize,
    /// Latency of each call of the scoring pass, ms.
    pub batch_ms: Vec<f64>,
    /// Peak resident memory of the process, MiB.
    pub peak_rss_mib: Option<f64>,
    /// Per data file, probabilities in item order.
    pub predictions: Vec<Vec<[f32; 3]>>,
    /// Probabilities for the behavioural checks, in file order.
    #[serde(default)]
    pub checks: Vec<[f32; 3]>,
}

/// Probabilities for `pairs` in calls of `batch` pairs, with each call's latency in ms.
pub fn predict_batched(
    clf: &dyn StanceClassifier<Error = Error>,
    pairs: &[(&str, &str)],
    batch: usize,
    batch_ms: &mut Vec<f64>,
) -> Result<Vec<[f32; 3]>, Error> {
    let mut probs = Vec::with_capacity(pairs.len());
    for chunk in pairs.chunks(batch.max(1)) {
        let t = Instant::now();
        let p = clf.predict_pairs(chunk)?;
        batch_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        probs.extend(p.into_iter().map(|p| p.as_array()));
    }
    Ok(probs)
}

/// Probabilities for examples, each read after its `context` (grouped by target into
/// [`StanceClassifier::predict_in_context`] calls of at most `batch` sentences); examples
/// without context are read alone, exactly as by [`predict_batched`].
///
/// ```
/// use standpoint_stance::{baseline::Lexical, bench::predict_examples, data::Example, Label};
/// let ex = |t: &str, c: &str| Example { id: t.into(), text: t.into(), target: "it".into(),
///     label: Label::None, seen: None, context: c.into(), source_label: None };
/// let p = predict_examples(&Lexical, &[ex("I love it", "Before."), ex("I hate it", "")], 1).unwrap();
/// assert_eq!(p.len(), 2);
/// ```
pub fn predict_examples(
    clf: &dyn StanceClassifier<Error = Error>,
    examples: &[Example],
    batch: usize,
) -> Result<Vec<[f32; 3]>, Error> {
    if examples.iter().all(|e| e.context.is_empty()) {
        let pairs: Vec<(&str, &str)> = examples
            .iter()
            .map(|e| (e.text.as_str(), e.target.as_str()))
            .collect();
        return predict_batched(clf, &pairs, batch, &mut Vec::new());
    }
    let items: Vec<(&str, &str, &str)> = examples
        .iter()
        .map(|e| (e.text.as_str(), e.context.as_str(), e.target.as_str()))
        .collect();
    predict_in_context_grouped(clf, &items, batch, |_, _| {})
}

/// Probabilities for (sentence, context, target) items, grouped by target into
/// [`StanceClassifier::predict_in_context`] calls of at most `batch` sentences, in input order;
/// `progress(done, total)` after each call.
pub fn predict_in_context_grouped(
    clf: &dyn StanceClassifier<Error = Error>,
    items: &[(&str, &str, &str)],
    batch: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<[f32; 3]>, Error> {
    let mut by_target: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, it) in items.iter().enumerate() {
        by_target.entry(it.2).or_default().push(i);
    }
    let mut out = vec![[0f32; 3]; items.len()];
    let mut done = 0;
    for (target, idx) in by_target {
        for chunk in idx.chunks(batch.max(1)) {
            let s: Vec<&str> = chunk.iter().map(|&i| items[i].0).collect();
            let c: Vec<&str> = chunk.iter().map(|&i| items[i].1).collect();
            let p = clf.predict_in_context(&s, &c, &[target])?;
            if p.len() != chunk.len() {
                return Err(Error::CountMismatch(standpoint_types::CountMismatch {
                    expected: chunk.len(),
                    got: p.len(),
                }));
            }
            for (&i, p) in chunk.iter().zip(p) {
                out[i] = p.as_array();
            }
            done += chunk.len();
            progress(done, items.len());
        }
    }
    Ok(out)
}

/// Predicts every set and every check with `clf` in batches of `batch` pairs (recording each
/// call's latency), then times `runs` passes over the first `speed_items` pairs after a warm-up
/// batch. `load_seconds` and `peak_rss_mib` are left for the caller, who knows them.
pub fn measure(
    clf: &dyn StanceClassifier<Error = Error>,
    sets: &[Vec<Example>],
    checks: &[Check],
    batch: usize,
    runs: usize,
    speed_items: usize,
) -> Result<WorkerReport, Error> {
    let batch = batch.max(1);
    let mut batch_ms = Vec::new();
    let mut predictions = Vec::new();
    for set in sets {
        if set.iter().any(|e| !e.context.is_empty()) {
            predictions.push(predict_examples(clf, set, batch)?);
            continue;
        }
        let pairs: Vec<(&str, &str)> = set
            .iter()
            .map(|e| (e.text.as_str(), e.target.as_str()))
            .collect();
        predictions.push(predict_batched(clf, &pairs, batch, &mut batch_ms)?);
    }
    let check_pairs: Vec<(&str, &str)> = checks
        .iter()
        .map(|c| (c.text.as_str(), c.target.as_str()))
        .collect();
    let check_probs = predict_batched(clf, &check_pairs, batch, &mut Vec::new())?;
    // Throughput: the first `speed_items` items of all sets (then the checks), after a
    // warm-up batch.
    let all: Vec<(&str, &str)> = sets
        .iter()
        .flatten()
        .map(|e| (e.text.as_str(), e.target.as_str()))
        .chain(check_pairs.iter().copied())
        .take(speed_items)
        .collect();
    let _ = clf.predict_pairs(&all[..all.len().min(batch)])?;
    let mut speed_runs = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        for chunk in all.chunks(batch) {
            clf.predict_pairs(chunk)?;
        }
        speed_runs.push(all.len() as f64 / t.elapsed().as_secs_f64().max(1e-9));
    }
    Ok(WorkerReport {
        name: clf.name().to_string(),
        load_seconds: 0.0,
        speed_runs,
        speed_items: all.len(),
        batch_ms,
        peak_rss_mib: None,
        predictions,
        checks: check_probs,
    })
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
pub struct EvalSet<'a> {
    /// Name in the report.
    pub name: String,
    /// Index of the data file.
    pub file: usize,
    /// Rows of the file in this set.
    pub rows: Vec<usize>,
    /// The file's items.
    pub items: &'a [Example],
    /// No NONE gold labels: predictions are the argmax of FAVOR and AGAINST.
    pub no_none: bool,
}

/// Each data file, plus its zero-shot rows when it marks them (VAST).
pub fn eval_sets<'a>(files: &[PathBuf], sets: &'a [Vec<Example>]) -> Vec<EvalSet<'a>> {
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

/// Writes the scores table of one set; returns the JSON per classifier.
fn print_scores(
    o: &Options,
    out: &mut String,
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
    w!(out);
    w!(
        out,
        "### {} ({} items{})",
        set.name,
        gold.len(),
        if set.no_none {
            "; no NONE class: predictions are the argmax of FAVOR and AGAINST"
        } else {
            ""
        }
    );
    w!(out);
    w!(out, "| classifier | accuracy | macro-F1 [95% CI] | F_avg [95% CI] | F_macro | F1 FAVOR / AGAINST / NONE | sentences/s | batch p50 / p95 ms | load s | peak MiB |");
    w!(out, "|---|---|---|---|---|---|---|---|---|---|");
    let mut per_clf = Vec::new();
    for ((spec, r), pred) in reports.iter().zip(preds) {
        let s = score_set(gold, pred, &targets, o.bootstrap, o.seed);
        w!(out,
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

/// Writes the paired tests between every pair of classifiers; returns them as JSON.
fn print_paired(
    o: &Options,
    out: &mut String,
    reports: &[(String, WorkerReport)],
    gold: &[Label],
    preds: &[Vec<Label>],
) -> Vec<serde_json::Value> {
    let mut tests = Vec::new();
    if reports.len() > 1 {
        w!(out);
        w!(out, "| A vs B | Δ macro-F1 | p (paired bootstrap) | Δ F_avg | p (paired bootstrap) | McNemar p (accuracy) |");
        w!(out, "|---|---|---|---|---|---|");
    }
    for x in 0..reports.len() {
        for y in x + 1..reports.len() {
            let t = compare(gold, &preds[x], &preds[y], o.bootstrap, o.seed);
            w!(
                out,
                "| {} vs {} | {:+.1} | {} | {:+.1} | {} | {} |",
                reports[x].0,
                reports[y].0,
                100.0 * t.delta_macro_f1,
                p_text(t.p_macro_f1, o.bootstrap),
                100.0 * t.delta_f_avg,
                p_text(t.p_f_avg, o.bootstrap),
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

/// Writes each classifier's `o.errors` most confident mistakes on the set.
fn print_mistakes(
    o: &Options,
    out: &mut String,
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
        w!(out);
        w!(
            out,
            "{} most confident mistakes of {spec}:",
            o.errors.min(wrong.len())
        );
        for (conf, k) in wrong.iter().take(o.errors) {
            let e = &set.items[set.rows[*k]];
            let text: String = e.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let text: String = text.chars().take(140).collect();
            w!(
                out,
                "- [{}] target {:?}: gold {}, predicted {} ({:.2}): {text}",
                e.id,
                e.target,
                gold[*k],
                pred[*k],
                conf
            );
        }
    }
}

/// Every prediction of every classifier on the set, as JSON lines for `--predictions`.
pub fn prediction_lines(
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

/// Writes one set's tables (scores, paired tests, and with `o.errors > 0` the most confident
/// mistakes) to `out`, adds its per-item predictions to `predictions` when given, and returns
/// the set's JSON.
pub fn report_set(
    set: &EvalSet,
    reports: &[(String, WorkerReport)],
    o: &Options,
    out: &mut String,
    predictions: Option<&mut Vec<serde_json::Value>>,
) -> serde_json::Value {
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
    let per_clf = print_scores(o, out, set, reports, &gold, &preds);
    let tests = print_paired(o, out, reports, &gold, &preds);
    if o.errors > 0 {
        print_mistakes(o, out, set, reports, &gold, &preds);
    }
    if let Some(lines) = predictions {
        prediction_lines(set, reports, &gold, &preds, lines);
    }
    serde_json::json!({
        "set": set.name, "items": gold.len(), "no_none_class": set.no_none,
        "classifiers": per_clf, "paired_tests": tests,
    })
}

/// The whole report as JSON: `settings` (an object) plus each classifier's cost, the sets'
/// scores and tests, and the checks.
pub fn json_report(
    settings: serde_json::Value,
    reports: &[(String, WorkerReport)],
    sets: Vec<serde_json::Value>,
    checks: Option<serde_json::Value>,
) -> serde_json::Value {
    let costs: Vec<serde_json::Value> = reports
        .iter()
        .map(|(spec, r)| {
            serde_json::json!({
                "classifier": spec, "name": r.name, "load_seconds": r.load_seconds,
                "sentences_per_second": quantile(&r.speed_runs, 0.5), "speed_runs": r.speed_runs,
                "batch_ms_p50": quantile(&r.batch_ms, 0.5), "batch_ms_p95": quantile(&r.batch_ms, 0.95),
                "peak_rss_mib": r.peak_rss_mib,
            })
        })
        .collect();
    let mut doc = settings;
    doc["cost"] = costs.into();
    doc["sets"] = sets.into();
    doc["checks"] = checks.unwrap_or_default();
    doc
}

/// The `--predictions` lines of the behavioural checks: every check of every classifier.
pub fn check_prediction_lines(
    checks: &[Check],
    reports: &[(String, WorkerReport)],
) -> Vec<serde_json::Value> {
    let mut lines = Vec::new();
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
    lines
}

/// Writes the behavioural suite's failure rate per capability and classifier (and, with
/// `errors > 0`, up to that many failed cases per capability and classifier); returns the JSON.
pub fn report_checks(
    file: &Path,
    checks: &[Check],
    reports: &[(String, WorkerReport)],
    errors: usize,
    out: &mut String,
) -> Result<serde_json::Value, Error> {
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
    w!(out);
    w!(
        out,
        "### Behavioural checks: {} ({} cases; failure rate per capability, lower is better)",
        file.display(),
        checks.len()
    );
    w!(out);
    let names: Vec<&str> = reports.iter().map(|(s, _)| s.as_str()).collect();
    w!(out, "| capability | cases | {} |", names.join(" | "));
    w!(out, "|---|---|{}", "---|".repeat(names.len()));
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
        w!(
            out,
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
    w!(
        out,
        "| **all** | {} | {} |",
        first.cases(),
        cells.join(" | ")
    );
    if errors > 0 {
        let by_id: BTreeMap<&str, (usize, &Check)> = checks
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), (i, c)))
            .collect();
        for ((spec, r), rep) in reports.iter().zip(&scored) {
            w!(out);
            w!(
                out,
                "Failed checks of {spec} (up to {errors} per capability):"
            );
            for cap in &rep.capabilities {
                for id in cap.failed_ids.iter().take(errors) {
                    if let Some(&(i, c)) = by_id.get(id.as_str()) {
                        let p = r.checks[i];
                        w!(out,
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
