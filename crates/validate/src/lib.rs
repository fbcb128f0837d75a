//! Estimates you can defend: a corpus share (of FAVOR, AGAINST or NONE sentences toward a
//! target) or the net score (favor − against), estimated from a classifier's predictions on
//! every sentence *and* a small random sample labelled by hand, with intervals that stay valid
//! however biased the classifier is.
//!
//! Three estimates of the same quantity θ = mean of Y over the corpus (Y = 1 for a sentence of
//! the class, 0 otherwise; or +1 / −1 / 0 for the net score):
//!
//! - **raw**: the mean of the classifier's predictions Ŷ over the corpus, with a normal
//!   interval that treats Ŷ as the truth (what a classifier-only summary reports; too narrow,
//!   and centred on the wrong value when the classifier is biased);
//! - **gold**: the mean of the hand labels Y over the sample alone (unbiased, wide);
//! - **ppi**: prediction-powered inference with power tuning (PPI++; Angelopoulos, Bates,
//!   Fannjiang, Jordan, Zrnic, *Science* 2023; Angelopoulos, Duchi, Zrnic, 2023):
//!
//!   θ̂_λ = λ · mean(Ŷ over the N unlabelled sentences) + mean(Y − λŶ over the n labelled),
//!
//!   λ̂ = clip₀¹( cov_n(Y, Ŷ) / ((1 + n/N) · var_{n+N}(Ŷ)) ), and the interval
//!   θ̂ ± z · √(sd_N(λ̂Ŷ)²/N + sd_n(Y − λ̂Ŷ)²/n). λ = 0 gives the labels-only estimate; λ = 1
//!   classic PPI. The arithmetic follows `ppi-python`'s `ppi_mean_pointestimate` and
//!   `ppi_mean_ci` step for step (the test suite compares them to 1e-9).
//!
//! With a stratified sample each stratum is estimated on its own and the strata are combined by
//! their share of the corpus: θ̂ = Σ W_h θ̂_h, se² = Σ W_h² se_h².
//!
//! ```
//! use standpoint_validate::{ppi_mean, Interval};
//! // 6 labelled sentences (truth, prediction) and the predictions on 10 others.
//! let y = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0];
//! let yhat = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0];
//! let unlabelled = [1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0];
//! let e = ppi_mean(&y, &yhat, &unlabelled, 0.95).unwrap();
//! assert!(e.interval.lo < e.interval.estimate && e.interval.estimate < e.interval.hi);
//! assert!((0.0..=1.0).contains(&e.lambda));
//! ```

#![deny(missing_docs)]

pub mod estimate;
pub mod labels;
mod normal;
pub mod page;
pub mod predictions;
pub mod run;
pub mod sample;

pub use normal::normal_quantile;

use serde::{Deserialize, Serialize};

/// An estimate with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The point estimate.
    pub estimate: f64,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl Interval {
    /// `estimate ± z · se`.
    pub fn normal(estimate: f64, se: f64, z: f64) -> Interval {
        Interval {
            estimate,
            lo: estimate - z * se,
            hi: estimate + z * se,
        }
    }

    /// Whether `x` lies inside (bounds included).
    pub fn covers(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// `hi - lo`.
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}

/// A prediction-powered estimate: the interval, its standard error and the power-tuning weight
/// λ used.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PpiEstimate {
    /// Estimate and interval.
    pub interval: Interval,
    /// Standard error.
    pub se: f64,
    /// The weight on the predictions (0: labels only; 1: classic PPI).
    pub lambda: f64,
}

/// Why an estimate cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No labelled sentences (or none in a stratum).
    #[error("no labelled sentences{}", stratum.as_ref().map(|s| format!(" in stratum {s:?}")).unwrap_or_default())]
    NoLabels {
        /// The stratum, when stratified.
        stratum: Option<String>,
    },
    /// Labels and predictions of different lengths.
    #[error("{labels} labels but {predictions} predictions for them")]
    Lengths {
        /// Labels.
        labels: usize,
        /// Predictions.
        predictions: usize,
    },
    /// A level outside (0, 1).
    #[error("confidence level {0} is not between 0 and 1")]
    Level(f64),
    /// A value that is not a finite number.
    #[error("a value is not a finite number")]
    NotFinite,
    /// A file could not be read or written.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A line of a file is wrong.
    #[error("{}:{line}: {message}", path.display())]
    Line {
        /// The file.
        path: std::path::PathBuf,
        /// Its 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A request that cannot be met (a bad grouping, too large a sample, ...).
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
    },
}

fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    x.iter().sum::<f64>() / x.len() as f64
}

/// Standard deviation with `ddof` (0: population, as numpy's default `std`).
fn std(x: &[f64], ddof: usize) -> f64 {
    if x.len() <= ddof {
        return 0.0;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - ddof) as f64).sqrt()
}

fn z_of(level: f64) -> Result<f64, Error> {
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::Level(level));
    }
    Ok(normal_quantile(1.0 - (1.0 - level) / 2.0))
}

fn check(y: &[f64], yhat: &[f64], unlabelled: &[f64]) -> Result<(), Error> {
    if y.len() != yhat.len() {
        return Err(Error::Lengths {
            labels: y.len(),
            predictions: yhat.len(),
        });
    }
    if y.is_empty() {
        return Err(Error::NoLabels { stratum: None });
    }
    if y.iter()
        .chain(yhat)
        .chain(unlabelled)
        .any(|v| !v.is_finite())
    {
        return Err(Error::NotFinite);
    }
    Ok(())
}

/// The PPI++ point estimate with weight `lambda` (ppi-python's `ppi_mean_pointestimate` with
/// `lhat` given): λ·mean(unlabelled) + mean(y − λ·yhat).
pub fn ppi_point(y: &[f64], yhat: &[f64], unlabelled: &[f64], lambda: f64) -> f64 {
    let rect: Vec<f64> = y.iter().zip(yhat).map(|(a, b)| a - lambda * b).collect();
    let imputed: Vec<f64> = unlabelled.iter().map(|v| lambda * v).collect();
    mean(&imputed) + mean(&rect)
}

/// The power-tuned weight λ̂ (ppi-python's `_calc_lhat_glm` for a mean, clipped to [0, 1]):
/// cov_n(y, yhat) / ((1 + n/N) · var_{n+N}(yhat)), the variance over labelled and unlabelled
/// predictions together (n + N − 1 in the denominator, as `numpy.cov`).
pub fn power_tuning(y: &[f64], yhat: &[f64], unlabelled: &[f64]) -> f64 {
    let (n, big_n) = (y.len() as f64, unlabelled.len() as f64);
    if y.is_empty() || unlabelled.is_empty() {
        return 0.0;
    }
    // ppi-python centres the gradients at the λ = 1 estimate; a shift does not change a
    // covariance, but the same order of operations keeps the last bits alike.
    let theta = ppi_point(y, yhat, unlabelled, 1.0);
    let g: Vec<f64> = y.iter().map(|v| v - theta).collect();
    let gh: Vec<f64> = yhat.iter().map(|v| v - theta).collect();
    let ghu: Vec<f64> = unlabelled.iter().map(|v| v - theta).collect();
    let (mg, mgh) = (mean(&g), mean(&gh));
    let mut cov = 0.0;
    for (a, b) in g.iter().zip(&gh) {
        cov += (1.0 / n) * ((a - mg) * (b - mgh) + (b - mgh) * (a - mg));
    }
    let all: Vec<f64> = gh.iter().chain(&ghu).copied().collect();
    let var = std(&all, 1).powi(2);
    let denom = 2.0 * (1.0 + n / big_n) * var;
    if denom <= 0.0 || !denom.is_finite() {
        return 0.0;
    }
    (cov / denom).clamp(0.0, 1.0)
}

/// PPI++ (power-tuned prediction-powered inference) for a mean: `y` the labels of the sample,
/// `yhat` the predictions for the same sentences, `unlabelled` the predictions for the rest of
/// the corpus, at confidence `level` (0.95). Equals ppi-python's `ppi_mean_ci` with
/// `alpha = 1 − level` and its `ppi_mean_pointestimate`.
pub fn ppi_mean(
    y: &[f64],
    yhat: &[f64],
    unlabelled: &[f64],
    level: f64,
) -> Result<PpiEstimate, Error> {
    check(y, yhat, unlabelled)?;
    let z = z_of(level)?;
    let lambda = power_tuning(y, yhat, unlabelled);
    Ok(ppi_with(y, yhat, unlabelled, lambda, z))
}

/// PPI with a fixed weight `lambda` (0: the labels-only interval; 1: classic PPI), at
/// confidence `level`: ppi-python's `ppi_mean_ci` with `lam` given.
pub fn ppi_mean_fixed(
    y: &[f64],
    yhat: &[f64],
    unlabelled: &[f64],
    lambda: f64,
    level: f64,
) -> Result<PpiEstimate, Error> {
    check(y, yhat, unlabelled)?;
    let z = z_of(level)?;
    Ok(ppi_with(y, yhat, unlabelled, lambda, z))
}

fn ppi_with(y: &[f64], yhat: &[f64], unlabelled: &[f64], lambda: f64, z: f64) -> PpiEstimate {
    let estimate = ppi_point(y, yhat, unlabelled, lambda);
    let (n, big_n) = (y.len() as f64, unlabelled.len() as f64);
    let imputed: Vec<f64> = unlabelled.iter().map(|v| lambda * v).collect();
    let rect: Vec<f64> = y.iter().zip(yhat).map(|(a, b)| a - lambda * b).collect();
    let imputed_se = if unlabelled.is_empty() {
        0.0
    } else {
        std(&imputed, 0) / big_n.sqrt()
    };
    let rect_se = std(&rect, 0) / n.sqrt();
    let se = (imputed_se * imputed_se + rect_se * rect_se).sqrt();
    PpiEstimate {
        interval: Interval::normal(estimate, se, z),
        se,
        lambda,
    }
}

/// The labels-only estimate: the sample mean with a normal interval (population standard
/// deviation over √n, as the PPI formulas at λ = 0).
pub fn gold_mean(y: &[f64], level: f64) -> Result<(Interval, f64), Error> {
    check(y, y, &[])?;
    let z = z_of(level)?;
    let se = std(y, 0) / (y.len() as f64).sqrt();
    Ok((Interval::normal(mean(y), se, z), se))
}

/// The classifier-only estimate: the mean of the predictions over the whole corpus, with the
/// normal interval that takes them as the truth.
pub fn raw_mean(predictions: &[f64], level: f64) -> Result<(Interval, f64), Error> {
    if predictions.is_empty() {
        return Err(Error::NoLabels { stratum: None });
    }
    check(&[0.0], &[0.0], predictions)?;
    let z = z_of(level)?;
    let se = std(predictions, 0) / (predictions.len() as f64).sqrt();
    Ok((Interval::normal(mean(predictions), se, z), se))
}

/// One stratum of a stratified sample: its labelled sentences (labels and predictions), the
/// predictions for its other sentences, and its name (for messages).
#[derive(Debug, Clone, Copy)]
pub struct Stratum<'a> {
    /// The stratum's name.
    pub name: &'a str,
    /// Labels of its sampled sentences.
    pub y: &'a [f64],
    /// Predictions for the same sentences.
    pub yhat: &'a [f64],
    /// Predictions for its sentences that were not sampled.
    pub unlabelled: &'a [f64],
}

impl Stratum<'_> {
    fn size(&self) -> usize {
        self.y.len() + self.unlabelled.len()
    }
}

/// Stratified PPI++: each stratum estimated on its own (its own λ), combined by the stratum's
/// share of the corpus; also the stratified labels-only estimate. Returns (ppi, gold).
pub fn stratified(strata: &[Stratum<'_>], level: f64) -> Result<(PpiEstimate, Interval), Error> {
    let z = z_of(level)?;
    let total: usize = strata.iter().map(Stratum::size).sum();
    if total == 0 {
        return Err(Error::NoLabels { stratum: None });
    }
    let (mut est, mut var, mut gold, mut gold_var, mut lambda) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for s in strata {
        if s.size() == 0 {
            continue;
        }
        check(s.y, s.yhat, s.unlabelled).map_err(|e| match e {
            Error::NoLabels { .. } => Error::NoLabels {
                stratum: Some(s.name.to_string()),
            },
            e => e,
        })?;
        let w = s.size() as f64 / total as f64;
        let p = ppi_with(
            s.y,
            s.yhat,
            s.unlabelled,
            power_tuning(s.y, s.yhat, s.unlabelled),
            z,
        );
        est += w * p.interval.estimate;
        var += w * w * p.se * p.se;
        lambda += w * p.lambda;
        let se_g = std(s.y, 0) / (s.y.len() as f64).sqrt();
        gold += w * mean(s.y);
        gold_var += w * w * se_g * se_g;
    }
    let se = var.sqrt();
    Ok((
        PpiEstimate {
            interval: Interval::normal(est, se, z),
            se,
            lambda,
        },
        Interval::normal(gold, gold_var.sqrt(), z),
    ))
}

/// What `standpoint sample` asks for.
#[derive(Debug, Clone, Copy)]
pub struct SampleRequest<'a> {
    /// The run folder.
    pub run_dir: &'a std::path::Path,
    /// The target.
    pub target: &'a str,
    /// Sentences to draw (more, with `add`).
    pub n: usize,
    /// The seed of the draw.
    pub seed: u64,
    /// Stratify by a grouping (`source`, `date:month`), `speaker` or the predicted `label`.
    pub stratify_by: Option<&'a str>,
    /// The sample file (`.csv` or `.jsonl`).
    pub out: &'a std::path::Path,
    /// Add `n` sentences to the sample already in `out` (same seed and design), keeping its
    /// labels.
    pub add: bool,
}

/// What a draw wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleWritten {
    /// Rows in the file.
    pub rows: usize,
    /// Rows added by this draw.
    pub new: usize,
    /// Sentences of the run toward the target.
    pub population: usize,
    /// The design's name.
    pub design: String,
}

/// Draws a sample from a run folder and writes its file (the whole file, atomically); with
/// `add`, reads the existing file, checks that it is this run's, target's and design's, and
/// writes it again with `n` more rows and every row's inclusion probability under the enlarged
/// design, labels kept.
pub fn sample_file(req: &SampleRequest<'_>) -> Result<SampleWritten, Error> {
    let design = estimate::Design {
        stratify_by: req.stratify_by.map(str::to_string),
        seed: req.seed,
    };
    run::check_complete(req.run_dir)?;
    let run = run::run_id(req.run_dir)?;
    let population = run::sentences(req.run_dir, req.target, None, req.stratify_by)?;
    let old: Vec<labels::Row> = if req.add {
        let rows = labels::read(req.out)?;
        labels::labelled(req.out, &rows)?;
        if let Some(r) = rows.first() {
            for (what, have, want) in [
                ("run", &r.run, &run),
                ("target", &r.target, &req.target.to_string()),
                ("design", &r.design, &design.name()),
            ] {
                if have != want {
                    return Err(Error::Usage {
                        message: format!(
                            "{}: its {what} is {have:?}, this draw's {want:?}; add with the \
                             settings the sample was drawn with",
                            req.out.display()
                        ),
                    });
                }
            }
        }
        rows
    } else {
        if req.out.exists() {
            return Err(Error::Usage {
                message: format!(
                    "{} exists: give --add to draw more into it (its labels are kept), or \
                     another --out",
                    req.out.display()
                ),
            });
        }
        Vec::new()
    };
    let already: Vec<sample::Key> = old.iter().map(|r| (r.seq, r.index)).collect();
    let drawn = sample::draw(&population, req.seed, req.n, &already)?;
    let fresh = &drawn[old.len()..];
    let mut rows = old;
    let new_rows = labels::rows(req.run_dir, &run, req.target, &design.name(), fresh)?;
    rows.extend(new_rows);
    // Every row's inclusion probability under the final design.
    for (r, d) in rows.iter_mut().zip(&drawn) {
        r.inclusion_probability = d.inclusion;
    }
    labels::write(req.out, &rows)?;
    Ok(SampleWritten {
        rows: rows.len(),
        new: fresh.len(),
        population: population.len(),
        design: design.name(),
    })
}

/// Reads a labelled sample file, checks it against run folder `run_dir`, and estimates (per
/// group of `group_by` when given) at confidence `level`.
pub fn estimate_file(
    run_dir: &std::path::Path,
    labels_path: &std::path::Path,
    group_by: Option<&str>,
    level: f64,
) -> Result<estimate::Report, Error> {
    estimate_with(run_dir, labels_path, None, group_by, level)
}

/// [`estimate_file`] with the run's predictions replaced by another classifier's, read from
/// `predictions` (see [`predictions`]): the labels then correct that classifier, and the
/// report's agreement and `predictions` fields describe it.
pub fn estimate_with(
    run_dir: &std::path::Path,
    labels_path: &std::path::Path,
    predictions: Option<&std::path::Path>,
    group_by: Option<&str>,
    level: f64,
) -> Result<estimate::Report, Error> {
    let rows = labels::read(labels_path)?;
    let labelled = labels::labelled(labels_path, &rows)?;
    run::check_complete(run_dir)?;
    let run = run::run_id(run_dir)?;
    if labelled.run != run {
        return Err(Error::Usage {
            message: format!(
                "{}: drawn from another run ({}; this folder's is {run})",
                labels_path.display(),
                labelled.run
            ),
        });
    }
    let design = estimate::Design::parse(&labelled.design).ok_or_else(|| Error::Usage {
        message: format!(
            "{}: unknown design {:?}",
            labels_path.display(),
            labelled.design
        ),
    })?;
    let (trained, note) = run::trained_keys(run_dir)?;
    if let Some(trained) = &trained {
        labels::check_not_trained(labels_path, &rows, &labelled, trained)?;
    }
    let mut population = run::sentences(
        run_dir,
        &labelled.target,
        group_by,
        design.stratify_by.as_deref(),
    )?;
    if let Some(path) = predictions {
        let rows = predictions::read(path, &labelled.target)?;
        predictions::apply(&mut population, &rows, path)?;
    }
    let mut report = estimate::estimate(&population, &labelled, group_by, level)?;
    if let Some(path) = predictions {
        report.predictions = path.display().to_string();
    }
    report.notes.extend(note);
    Ok(report)
}

/// The estimates a run folder shows beside its own summaries (`run --labels`): overall and
/// for each of `groupings` (crossed groupings left out), from one labelled sample file.
pub fn estimate_run(
    run_dir: &std::path::Path,
    labels_path: &std::path::Path,
    groupings: &[&str],
    level: f64,
) -> Result<Vec<estimate::Report>, Error> {
    let mut out = vec![estimate_file(run_dir, labels_path, None, level)?];
    for g in groupings
        .iter()
        .filter(|g| **g != "all" && !g.contains('+'))
    {
        out.push(estimate_file(run_dir, labels_path, Some(g), level)?);
    }
    Ok(out)
}

/// What [`write_run_estimates`] wrote.
#[derive(Debug, Clone)]
pub struct RunEstimates {
    /// The reports (overall first, then one per grouping), as in `estimates.json`.
    pub reports: Vec<estimate::Report>,
    /// Rows of `groups.json` that carry a `corrected` entry.
    pub rows: usize,
}

/// `run --labels`: the estimates of a finished run folder from one labelled sample, overall and
/// per grouping ([`estimate_run`]), written to `RUN/estimates.json` and, beside the classifier's
/// summaries, into the matching rows of `RUN/groups.json` ([`estimate::annotate_groups`]). Both
/// files are replaced whole (a temporary file renamed into place); on an error neither changes.
pub fn write_run_estimates(
    run_dir: &std::path::Path,
    labels_path: &std::path::Path,
    groupings: &[&str],
    level: f64,
) -> Result<RunEstimates, Error> {
    use std::io::Write;
    let reports = estimate_run(run_dir, labels_path, groupings, level)?;
    let groups_path = run_dir.join("groups.json");
    fn io<E: std::fmt::Display>(path: &std::path::Path) -> impl Fn(E) -> Error + '_ {
        move |e: E| Error::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }
    let text = std::fs::read_to_string(&groups_path).map_err(io(&groups_path))?;
    let mut groups: Vec<serde_json::Value> =
        serde_json::from_str(&text).map_err(|e| Error::Io {
            path: groups_path.clone(),
            message: format!("not a run's groups.json ({e})"),
        })?;
    let rows = estimate::annotate_groups(&mut groups, &reports, &labels_path.display().to_string());
    let est_path = run_dir.join("estimates.json");
    let est = serde_json::to_string_pretty(&reports).map_err(|e| Error::Io {
        path: est_path.clone(),
        message: e.to_string(),
    })? + "\n";
    let grp = serde_json::to_string_pretty(&groups).map_err(|e| Error::Io {
        path: groups_path.clone(),
        message: e.to_string(),
    })? + "\n";
    standpoint_pipeline::checkpoint::replace_file(&est_path, |f| f.write_all(est.as_bytes()))
        .map_err(io(&est_path))?;
    standpoint_pipeline::checkpoint::replace_file(&groups_path, |f| f.write_all(grp.as_bytes()))
        .map_err(io(&groups_path))?;
    Ok(RunEstimates { reports, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_zero_is_the_labels_only_estimate_and_lambda_one_classic_ppi() {
        let y = [1.0, 0.0, 1.0, 1.0];
        let yhat = [1.0, 1.0, 1.0, 0.0];
        let u = [1.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        assert_eq!(ppi_point(&y, &yhat, &u, 0.0), 0.75);
        let classic = mean(&u) + mean(&[0.0, -1.0, 0.0, 1.0]);
        assert!((ppi_point(&y, &yhat, &u, 1.0) - classic).abs() < 1e-15);
    }

    #[test]
    fn perfect_predictions_give_the_corpus_mean_with_tiny_error() {
        // Labels equal predictions: λ near 1, the estimate is the mean over everything.
        let y = [1.0, 0.0, 1.0, 0.0, 1.0];
        let u: Vec<f64> = (0..1000).map(|i| (i % 3 == 0) as u8 as f64).collect();
        let e = ppi_mean(&y, &y, &u, 0.95).unwrap();
        assert!(e.lambda > 0.9, "{e:?}");
        let (g, _) = gold_mean(&y, 0.95).unwrap();
        assert!(e.interval.width() < g.width());
    }

    #[test]
    fn useless_predictions_fall_back_to_the_labels() {
        // Predictions unrelated to the labels: λ = 0, the labels-only estimate.
        let y = [1.0, 0.0, 1.0, 0.0, 1.0, 1.0];
        let yhat = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let u = [0.0, 1.0, 0.0, 1.0];
        let e = ppi_mean(&y, &yhat, &u, 0.95).unwrap();
        let (g, _) = gold_mean(&y, 0.95).unwrap();
        assert_eq!(e.lambda, 0.0);
        assert!((e.interval.estimate - g.estimate).abs() < 1e-15);
    }

    /// Against scipy.stats.norm.ppf (scipy 1.17.1).
    #[test]
    fn normal_quantile_matches_scipy() {
        for (p, want) in [
            (1e-300, -37.0470962993612),
            (1e-10, -6.361340902404056),
            (0.001, -3.090232306167813),
            (0.05, -1.6448536269514729),
            (0.2, -0.8416212335729142),
            (0.4999, -0.0002506628300880075),
            (0.7, 0.5244005127080407),
            (0.95, 1.6448536269514722),
            (0.995, 2.5758293035489004),
            (1.0 - 1e-12, 7.0344869100478356),
        ] {
            let got = normal_quantile(p);
            assert!(
                (got - want).abs() <= 1e-13 * want.abs().max(1.0),
                "{p}: {got} vs {want}"
            );
        }
        assert!(normal_quantile(1.5).is_nan());
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(matches!(
            ppi_mean(&[], &[], &[1.0], 0.95),
            Err(Error::NoLabels { .. })
        ));
        assert!(matches!(
            ppi_mean(&[1.0], &[], &[1.0], 0.95),
            Err(Error::Lengths { .. })
        ));
        assert!(matches!(
            ppi_mean(&[1.0], &[1.0], &[1.0], 1.5),
            Err(Error::Level(_))
        ));
        assert!(matches!(
            ppi_mean(&[f64::NAN], &[1.0], &[1.0], 0.9),
            Err(Error::NotFinite)
        ));
    }
}
