//! From a labelled sample and a run to corrected estimates: for every estimand (the shares of
//! FAVOR, AGAINST and NONE sentences, and net = favor − against) the classifier-only (`raw`),
//! prediction-powered (`ppi`, PPI++) and labels-only (`gold`) estimates with intervals, per
//! group when asked, and how well the classifier agrees with the labels.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::labels::Labelled;
use crate::run::{Label, Sentence};
use crate::{gold_mean, ppi_mean, raw_mean, stratified, Error, Interval, Stratum};

/// A sample's design as its rows record it: `srs/SEED` or `stratified:FIELD/SEED`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Design {
    /// The stratifying field (`source`, `date:month`, `speaker`, `label`), if stratified.
    pub stratify_by: Option<String>,
    /// The seed of the draw.
    pub seed: u64,
}

impl Design {
    /// The design's name as written in sample files.
    ///
    /// ```
    /// use standpoint_validate::estimate::Design;
    /// let d = Design { stratify_by: Some("date:month".into()), seed: 7 };
    /// assert_eq!(d.name(), "stratified:date:month/7");
    /// assert_eq!(Design::parse(&d.name()), Some(d));
    /// assert_eq!(Design::parse("srs/3"), Some(Design { stratify_by: None, seed: 3 }));
    /// ```
    pub fn name(&self) -> String {
        match &self.stratify_by {
            Some(f) => format!("stratified:{f}/{}", self.seed),
            None => format!("srs/{}", self.seed),
        }
    }

    /// Reads a design name.
    pub fn parse(s: &str) -> Option<Design> {
        let (kind, seed) = s.rsplit_once('/')?;
        let seed = seed.parse().ok()?;
        let stratify_by = match kind {
            "srs" => None,
            k => Some(k.strip_prefix("stratified:")?.to_string()),
        };
        Some(Design { stratify_by, seed })
    }
}

/// What is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Estimand {
    /// Share of FAVOR sentences.
    Favor,
    /// Share of AGAINST sentences.
    Against,
    /// Share of NONE sentences.
    None,
    /// favor − against (each sentence +1, −1 or 0).
    Net,
}

impl Estimand {
    /// All four, in order.
    pub const ALL: [Estimand; 4] = [
        Estimand::Favor,
        Estimand::Against,
        Estimand::None,
        Estimand::Net,
    ];

    /// A sentence's value under this estimand.
    pub fn value(self, l: Label) -> f64 {
        match (self, l) {
            (Estimand::Favor, Label::Favor)
            | (Estimand::Against, Label::Against)
            | (Estimand::None, Label::None)
            | (Estimand::Net, Label::Favor) => 1.0,
            (Estimand::Net, Label::Against) => -1.0,
            _ => 0.0,
        }
    }
}

/// The three estimates of one estimand in one group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Estimate {
    /// The group (`all` without a grouping).
    pub group: String,
    /// What is estimated.
    pub estimand: Estimand,
    /// Sentences in the group.
    pub sentences: usize,
    /// Labelled sentences in the group.
    pub labels: usize,
    /// Classifier only.
    pub raw: Interval,
    /// Prediction-powered (PPI++), `None` with fewer than two labels.
    pub ppi: Option<Interval>,
    /// The power-tuning weight (0: labels only ... 1: classic PPI).
    pub lambda: Option<f64>,
    /// Labels only.
    pub gold: Option<Interval>,
    /// A plain-words warning (the raw interval misses the corrected estimate; too few labels).
    pub warning: Option<String>,
}

/// How the classifier agrees with the hand labels.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Agreement {
    /// Labelled sentences.
    pub n: usize,
    /// Share the classifier got right.
    pub accuracy: f64,
    /// `confusion[label][prediction]`, in the order FAVOR, AGAINST, NONE.
    pub confusion: [[usize; 3]; 3],
    /// F1 of each class, in the same order.
    pub f1: [f64; 3],
}

/// Everything `standpoint estimate` reports for one labelled file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// The target.
    pub target: String,
    /// The design of the sample.
    pub design: String,
    /// The confidence level.
    pub level: f64,
    /// The grouping, if any.
    pub group_by: Option<String>,
    /// Labelled sentences used; rows left unlabelled.
    pub labels: usize,
    /// Rows left unlabelled or skipped.
    pub skipped: usize,
    /// Whose predictions were corrected: `run` (the run's classifier) or the predictions file
    /// given instead ([`crate::predictions`]).
    pub predictions: String,
    /// The estimates.
    pub estimates: Vec<Estimate>,
    /// Agreement with the labels.
    pub agreement: Agreement,
    /// Notes in plain words about what could not be checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The classifier's agreement with labelled sentences (`pairs`: label, prediction).
pub fn agreement(pairs: &[(Label, Label)]) -> Agreement {
    let mut confusion = [[0usize; 3]; 3];
    for &(y, p) in pairs {
        confusion[y.index()][p.index()] += 1;
    }
    let right: usize = (0..3).map(|i| confusion[i][i]).sum();
    let f1 = [0, 1, 2].map(|c| {
        let tp = confusion[c][c] as f64;
        let predicted: usize = (0..3).map(|r| confusion[r][c]).sum();
        let actual: usize = confusion[c].iter().sum();
        let denom = predicted as f64 + actual as f64;
        if denom == 0.0 {
            0.0
        } else {
            2.0 * tp / denom
        }
    });
    Agreement {
        n: pairs.len(),
        accuracy: if pairs.is_empty() {
            0.0
        } else {
            right as f64 / pairs.len() as f64
        },
        confusion,
        f1,
    }
}

/// A stratum's name, labels, predictions for them, and predictions for its other sentences.
type StratumValues = (String, Vec<f64>, Vec<f64>, Vec<f64>);

/// The estimates for a labelled sample of run sentences `population` (read with the grouping
/// `group_by`, if any, and the sample's stratifying field, [`Design::stratify_by`]), at
/// confidence `level`. A stratified design is estimated stratum by
/// stratum within each group.
pub fn estimate(
    population: &[Sentence],
    labelled: &Labelled,
    group_by: Option<&str>,
    level: f64,
) -> Result<Report, Error> {
    // Every labelled sentence must be in the run.
    let mut found = 0;
    let mut pairs = Vec::new();
    // group -> stratum -> (labelled (y, yhat), unlabelled yhat)
    type Cell = (Vec<(Label, Label)>, Vec<Label>);
    let mut cells: BTreeMap<String, BTreeMap<String, Cell>> = BTreeMap::new();
    for s in population {
        let group = match group_by {
            Some(_) => s.group.clone().unwrap_or_else(|| "(none)".into()),
            None => "all".into(),
        };
        let (stratum, lab) = match labelled.labels.get(&(s.seq, s.index)) {
            Some((y, st)) => {
                found += 1;
                pairs.push((*y, s.predicted));
                (st.clone(), Some(*y))
            }
            None => (s.stratum.clone().unwrap_or_else(|| "all".into()), None),
        };
        let cell = cells.entry(group).or_default().entry(stratum).or_default();
        match lab {
            Some(y) => cell.0.push((y, s.predicted)),
            None => cell.1.push(s.predicted),
        }
    }
    if found != labelled.labels.len() {
        return Err(Error::Usage {
            message: format!(
                "{} labelled sentences are not in this run (another run's sample?)",
                labelled.labels.len() - found
            ),
        });
    }
    let mut estimates = Vec::new();
    for (group, strata) in &cells {
        let n_sent: usize = strata.values().map(|c| c.0.len() + c.1.len()).sum();
        let n_lab: usize = strata.values().map(|c| c.0.len()).sum();
        for e in Estimand::ALL {
            let all_pred: Vec<f64> = strata
                .values()
                .flat_map(|c| c.0.iter().map(|p| p.1).chain(c.1.iter().copied()))
                .map(|l| e.value(l))
                .collect();
            let (raw, _) = raw_mean(&all_pred, level)?;
            let mut row = Estimate {
                group: group.clone(),
                estimand: e,
                sentences: n_sent,
                labels: n_lab,
                raw,
                ppi: None,
                lambda: None,
                gold: None,
                warning: None,
            };
            let too_few = strata.values().any(|c| c.0.len() < 2);
            if too_few {
                row.warning = Some(format!(
                    "too few labels ({n_lab}{}) for an interval; label more (sample --add)",
                    if strata.len() > 1 {
                        ", under two in a stratum"
                    } else {
                        ""
                    }
                ));
                estimates.push(row);
                continue;
            }
            let vecs: Vec<StratumValues> = strata
                .iter()
                .map(|(name, (lab, unl))| {
                    (
                        name.clone(),
                        lab.iter().map(|p| e.value(p.0)).collect(),
                        lab.iter().map(|p| e.value(p.1)).collect(),
                        unl.iter().map(|l| e.value(*l)).collect(),
                    )
                })
                .collect();
            let (ppi, gold, lambda) = if vecs.len() == 1 {
                let (_, y, yhat, u) = &vecs[0];
                let p = ppi_mean(y, yhat, u, level)?;
                let (g, _) = gold_mean(y, level)?;
                (p.interval, g, p.lambda)
            } else {
                let strata: Vec<Stratum<'_>> = vecs
                    .iter()
                    .map(|(name, y, yhat, u)| Stratum {
                        name,
                        y,
                        yhat,
                        unlabelled: u,
                    })
                    .collect();
                let (p, g) = stratified(&strata, level)?;
                (p.interval, g, p.lambda)
            };
            if vecs.iter().any(|(_, y, _, _)| y.iter().all(|v| *v == y[0])) {
                row.warning = Some(format!(
                    "all {} labels{} agree, so the interval is narrower than the truth allows; \
                     label more (sample --add)",
                    n_lab,
                    if vecs.len() > 1 { " of a stratum" } else { "" }
                ));
            } else if !raw.covers(ppi.estimate) {
                row.warning = Some(format!(
                    "the classifier-only interval [{:.3}, {:.3}] misses the corrected estimate \
                     {:.3}: the classifier is biased here; report the corrected one",
                    raw.lo, raw.hi, ppi.estimate
                ));
            }
            row.ppi = Some(ppi);
            row.gold = Some(gold);
            row.lambda = Some(lambda);
            estimates.push(row);
        }
    }
    Ok(Report {
        target: labelled.target.clone(),
        design: labelled.design.clone(),
        level,
        group_by: group_by.map(str::to_string),
        labels: labelled.labels.len(),
        skipped: labelled.unlabelled,
        predictions: "run".into(),
        estimates,
        agreement: agreement(&pairs),
        notes: Vec::new(),
    })
}

/// The corrected estimates of `reports` written into the rows of a run's `groups.json` they
/// belong to, beside the classifier's own summary: each row of the sample's target whose
/// grouping and group a report covers gains
/// `"corrected": {"labels", "sentences", "level", "labels_file", "favor", "against", "none", "net"}`,
/// each estimand `{"estimate", "lo", "hi", "lambda"}` (PPI++; `null` with fewer than two labels
/// in the group). Corrections from an earlier labels file are removed first, so the file always
/// matches `estimates.json`. Rows are matched by (`target`, `grouping`, `group`); the overall
/// report goes to the `all` row.
pub fn annotate_groups(
    groups: &mut [serde_json::Value],
    reports: &[Report],
    labels_file: &str,
) -> usize {
    use std::collections::HashMap;
    let mut want: HashMap<(&str, &str, &str), serde_json::Map<String, serde_json::Value>> =
        HashMap::new();
    for r in reports {
        let grouping = r.group_by.as_deref().unwrap_or("all");
        for e in &r.estimates {
            let entry = want
                .entry((r.target.as_str(), grouping, e.group.as_str()))
                .or_insert_with(|| {
                    let mut m = serde_json::Map::new();
                    m.insert("labels".into(), e.labels.into());
                    m.insert("sentences".into(), e.sentences.into());
                    m.insert("level".into(), r.level.into());
                    m.insert("labels_file".into(), labels_file.into());
                    m
                });
            let key = format!("{:?}", e.estimand).to_lowercase();
            let value = match &e.ppi {
                Some(i) => serde_json::json!({
                    "estimate": i.estimate, "lo": i.lo, "hi": i.hi, "lambda": e.lambda
                }),
                None => serde_json::Value::Null,
            };
            entry.insert(key, value);
        }
    }
    let mut n = 0;
    for row in groups.iter_mut() {
        let Some(obj) = row.as_object_mut() else {
            continue;
        };
        obj.remove("corrected");
        let field = |k: &str| {
            obj.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let (t, g, v) = (field("target"), field("grouping"), field("group"));
        if let Some(c) = want.get(&(t.as_str(), g.as_str(), v.as_str())) {
            obj.insert("corrected".into(), serde_json::Value::Object(c.clone()));
            n += 1;
        }
    }
    n
}
