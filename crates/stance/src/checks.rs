//! Behavioural checks in the spirit of CheckList (Ribeiro et al., ACL 2020): single (sentence,
//! target) cases with an expectation, grouped by the capability they test (explicit support,
//! negation, hedges, difficulty that is not opposition, reported speech, target swaps, ...).
//!
//! A case either names the label the classifier must predict (`"label": "AGAINST"`) or a label
//! it must not predict (`"not": "AGAINST"`: "a ceasefire will be hard to reach" may be NONE or
//! FAVOR toward a ceasefire, never AGAINST). The suite the project ships is
//! `tests/data/stance_checks.jsonl` (written by `scripts/make_stance_checks.py`); it is a test,
//! never training data.
//!
//! ```
//! use standpoint_stance::checks::{score_checks, Check, Expect};
//! use standpoint_stance::{Label, Probs};
//!
//! let checks = vec![
//!     Check::new("1", "oppose", "We oppose a ceasefire.", "a ceasefire", Expect::Is(Label::Against)),
//!     Check::new("2", "difficulty", "A ceasefire will be hard to reach.", "a ceasefire",
//!                Expect::Not(Label::Against)),
//! ];
//! let predicted = [Probs::new(0.7, 0.2, 0.1), Probs::new(0.1, 0.2, 0.7)];
//! let report = score_checks(&checks, &predicted).unwrap();
//! assert_eq!(report.capabilities[0].failures, 1); // "oppose" read as FAVOR
//! assert_eq!(report.capabilities[1].failures, 0);
//! assert_eq!(report.failure_rate(), 0.5);
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Error, Label, Probs};

/// What a case expects of the predicted label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expect {
    /// The prediction must be this label.
    Is(Label),
    /// The prediction must be any label but this one.
    Not(Label),
}

impl Expect {
    /// Whether `predicted` meets the expectation.
    ///
    /// ```
    /// use standpoint_stance::{checks::Expect, Label};
    /// assert!(Expect::Not(Label::Against).passes(Label::None));
    /// assert!(!Expect::Is(Label::Favor).passes(Label::None));
    /// ```
    pub fn passes(self, predicted: Label) -> bool {
        match self {
            Expect::Is(l) => predicted == l,
            Expect::Not(l) => predicted != l,
        }
    }
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Is(l) => write!(f, "{l}"),
            Expect::Not(l) => write!(f, "not {l}"),
        }
    }
}

/// One behavioural case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Case id.
    pub id: String,
    /// The capability it tests ("negation", "difficulty", ...).
    pub capability: String,
    /// The sentence.
    pub text: String,
    /// The target.
    pub target: String,
    /// The expectation.
    pub expect: Expect,
}

impl Check {
    /// A case from its parts.
    ///
    /// ```
    /// use standpoint_stance::{checks::{Check, Expect}, Label};
    /// let c = Check::new("a", "support", "We back it.", "it", Expect::Is(Label::Favor));
    /// assert_eq!(c.capability, "support");
    /// ```
    pub fn new(id: &str, capability: &str, text: &str, target: &str, expect: Expect) -> Check {
        Check {
            id: id.into(),
            capability: capability.into(),
            text: text.into(),
            target: target.into(),
            expect,
        }
    }
}

#[derive(Deserialize)]
struct RawCheck {
    id: Option<serde_json::Value>,
    capability: Option<String>,
    text: Option<String>,
    target: Option<String>,
    label: Option<String>,
    not: Option<String>,
}

/// Reads a checks file: JSONL `{"id","capability","text","target"}` with exactly one of
/// `"label"` or `"not"`. Bad lines come back as errors naming the file and line, next to the
/// good cases.
///
/// ```
/// let dir = std::env::temp_dir().join("standpoint-doc-checks");
/// std::fs::create_dir_all(&dir).unwrap();
/// let f = dir.join("c.jsonl");
/// std::fs::write(&f, concat!(
///     "{\"id\":\"a\",\"capability\":\"oppose\",\"text\":\"We oppose it.\",\"target\":\"it\",\"label\":\"AGAINST\"}\n",
///     "{\"id\":\"b\",\"capability\":\"hedge\",\"text\":\"Maybe.\",\"target\":\"it\",\"label\":\"FAVOR\",\"not\":\"NONE\"}\n",
/// )).unwrap();
/// let (good, bad) = standpoint_stance::checks::read_checks(&f).unwrap();
/// assert_eq!((good.len(), bad.len()), (1, 1));
/// assert!(bad[0].to_string().contains("c.jsonl:2"));
/// ```
pub fn read_checks(path: &Path) -> Result<(Vec<Check>, Vec<Error>), Error> {
    crate::data::read_records(path, |raw: RawCheck, id| {
        let (Some(capability), Some(text), Some(target)) = (raw.capability, raw.text, raw.target)
        else {
            return Err(format!("id {id}: missing capability, text or target"));
        };
        let expect = match (raw.label, raw.not) {
            (Some(l), None) => l.parse().map(Expect::Is),
            (None, Some(l)) => l.parse().map(Expect::Not),
            _ => {
                return Err(format!(
                    "id {id}: give exactly one of \"label\" and \"not\""
                ))
            }
        };
        let expect = expect.map_err(|e| format!("id {id}: {e}"))?;
        Ok(Check {
            id,
            capability,
            text,
            target,
            expect,
        })
    })
}

impl crate::data::WithId for RawCheck {
    fn take_id(&mut self) -> Option<serde_json::Value> {
        self.id.take()
    }
}

/// The result of one capability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapabilityScore {
    /// The capability.
    pub capability: String,
    /// Number of cases.
    pub cases: usize,
    /// Number of failed cases.
    pub failures: usize,
    /// Ids of the failed cases, in file order.
    pub failed_ids: Vec<String>,
}

impl CapabilityScore {
    /// Failures / cases (0 when there are no cases).
    ///
    /// ```
    /// let s = standpoint_stance::checks::CapabilityScore {
    ///     capability: "x".into(), cases: 4, failures: 1, failed_ids: vec!["a".into()] };
    /// assert_eq!(s.failure_rate(), 0.25);
    /// ```
    pub fn failure_rate(&self) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            self.failures as f64 / self.cases as f64
        }
    }
}

/// Failures per capability, in the order capabilities first appear in the suite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecksReport {
    /// One entry per capability.
    pub capabilities: Vec<CapabilityScore>,
}

impl ChecksReport {
    /// All cases.
    ///
    /// ```
    /// let r = standpoint_stance::checks::ChecksReport { capabilities: vec![] };
    /// assert_eq!(r.cases(), 0);
    /// ```
    pub fn cases(&self) -> usize {
        self.capabilities.iter().map(|c| c.cases).sum()
    }

    /// All failures.
    ///
    /// ```
    /// let r = standpoint_stance::checks::ChecksReport { capabilities: vec![] };
    /// assert_eq!(r.failures(), 0);
    /// ```
    pub fn failures(&self) -> usize {
        self.capabilities.iter().map(|c| c.failures).sum()
    }

    /// Failures / cases over the whole suite (0 for an empty suite).
    ///
    /// ```
    /// let r = standpoint_stance::checks::ChecksReport { capabilities: vec![] };
    /// assert_eq!(r.failure_rate(), 0.0);
    /// ```
    pub fn failure_rate(&self) -> f64 {
        if self.cases() == 0 {
            0.0
        } else {
            self.failures() as f64 / self.cases() as f64
        }
    }

    /// The score of one capability, if the suite has it.
    ///
    /// ```
    /// let r = standpoint_stance::checks::ChecksReport { capabilities: vec![] };
    /// assert!(r.get("negation").is_none());
    /// ```
    pub fn get(&self, capability: &str) -> Option<&CapabilityScore> {
        self.capabilities
            .iter()
            .find(|c| c.capability == capability)
    }
}

/// Scores predictions (aligned with `checks`) per capability. The predicted label is the most
/// probable of the three. Errors when the lengths differ.
///
/// ```
/// use standpoint_stance::checks::{score_checks, Check, Expect};
/// use standpoint_stance::{Label, Probs};
/// let c = [Check::new("1", "x", "s", "t", Expect::Is(Label::None))];
/// assert!(score_checks(&c, &[]).is_err());
/// ```
pub fn score_checks(checks: &[Check], predicted: &[Probs]) -> Result<ChecksReport, Error> {
    if checks.len() != predicted.len() {
        return Err(Error::CountMismatch(standpoint_types::CountMismatch {
            expected: checks.len(),
            got: predicted.len(),
        }));
    }
    let mut capabilities: Vec<CapabilityScore> = Vec::new();
    for (c, p) in checks.iter().zip(predicted) {
        let i = match capabilities
            .iter()
            .position(|s| s.capability == c.capability)
        {
            Some(i) => i,
            None => {
                capabilities.push(CapabilityScore {
                    capability: c.capability.clone(),
                    cases: 0,
                    failures: 0,
                    failed_ids: Vec::new(),
                });
                capabilities.len() - 1
            }
        };
        let s = &mut capabilities[i];
        s.cases += 1;
        if !c.expect.passes(p.label()) {
            s.failures += 1;
            s.failed_ids.push(c.id.clone());
        }
    }
    Ok(ChecksReport { capabilities })
}
