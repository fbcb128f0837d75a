//! Predictions from another classifier: the estimators only need a label per sentence, so the
//! run's own readings can be replaced by any tool's (a spreadsheet column, another model's
//! output, a dictionary method). The hand labels then correct *that* classifier, and the
//! agreement table describes it.
//!
//! A predictions file is JSONL or CSV (by its extension) with one row per sentence of the run:
//! `doc` (the document id as in `sentences.jsonl`) or `seq` (the document's input position, for
//! corpora whose ids repeat), `index` (the sentence's index in its document, as in
//! `sentences.jsonl`) and `label` (FAVOR / AGAINST / NONE, or the shorthands
//! [`crate::run::parse_label`] takes). A `target` column, when present, must name the sample's
//! target. Every sentence of the run must have exactly one row: a missing sentence, a row for a
//! sentence the run does not have, a repeated row or an unknown label is an error naming the
//! file and line.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use standpoint_validate::predictions::read;
//! let dir = std::env::temp_dir().join(format!("standpoint-doc-pred-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let path = dir.join("other-tool.csv");
//! std::fs::write(&path, "doc,index,label\nwire-001,0,NONE\nwire-001,1,favor\n")?;
//! let rows = read(&path, "a ceasefire")?;
//! assert_eq!(rows.len(), 2);
//! assert_eq!(rows[1].label, standpoint_validate::run::Label::Favor);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use serde::Deserialize;

use crate::run::{Label, Sentence};
use crate::Error;

/// Which document a row names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocRef {
    /// By id (`doc`).
    Id(String),
    /// By input position (`seq`).
    Seq(u64),
}

impl std::fmt::Display for DocRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocRef::Id(id) => write!(f, "{id:?}"),
            DocRef::Seq(seq) => write!(f, "at seq {seq}"),
        }
    }
}

/// One row of a predictions file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prediction {
    /// The row's line in its file (CSV: the header is line 1).
    pub line: usize,
    /// The document.
    pub doc: DocRef,
    /// The sentence's index in its document.
    pub index: u32,
    /// The predicted label.
    pub label: Label,
}

#[derive(Deserialize)]
struct RawRow {
    #[serde(default)]
    doc: Option<serde_json::Value>,
    #[serde(default)]
    seq: Option<serde_json::Value>,
    index: serde_json::Value,
    label: String,
    #[serde(default)]
    target: Option<String>,
}

fn number(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn row(raw: RawRow, target: &str) -> Result<(DocRef, u32, Label), String> {
    if let Some(t) = raw.target.as_deref().filter(|t| !t.is_empty()) {
        if t != target {
            return Err(format!("target {t:?}, but the sample is toward {target:?}"));
        }
    }
    let doc = match (&raw.seq, &raw.doc) {
        (Some(s), _) if !s.is_null() && s.as_str() != Some("") => {
            DocRef::Seq(number(s).ok_or_else(|| format!("seq {s} is not a position"))?)
        }
        (_, Some(serde_json::Value::String(d))) => {
            DocRef::Id(d.strip_prefix('\'').unwrap_or(d).to_string())
        }
        (_, Some(serde_json::Value::Number(n))) => DocRef::Id(n.to_string()),
        _ => return Err("no `doc` (document id) or `seq` column".into()),
    };
    let index = number(&raw.index)
        .and_then(|i| u32::try_from(i).ok())
        .ok_or_else(|| format!("index {} is not a sentence index", raw.index))?;
    let label = crate::run::parse_label(raw.label.trim())
        .ok_or_else(|| format!("label {:?} is not FAVOR, AGAINST or NONE", raw.label))?;
    Ok((doc, index, label))
}

/// Reads a predictions file toward `target` (every row checked; errors name the file and line).
pub fn read(path: &Path, target: &str) -> Result<Vec<Prediction>, Error> {
    let bad = |line: usize, message: String| Error::Line {
        path: path.to_path_buf(),
        line,
        message,
    };
    let io = |e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut out = Vec::new();
    let csv_file = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if csv_file {
        let mut c = csv::Reader::from_path(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let headers = c.headers().map_err(|e| bad(1, e.to_string()))?.clone();
        for (i, rec) in c.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| bad(line, e.to_string()))?;
            let mut map = serde_json::Map::new();
            for (h, v) in headers.iter().zip(rec.iter()) {
                map.insert(h.to_string(), serde_json::Value::String(v.to_string()));
            }
            let raw: RawRow = serde_json::from_value(serde_json::Value::Object(map))
                .map_err(|e| bad(line, format!("not a prediction row ({e})")))?;
            let (doc, index, label) = row(raw, target).map_err(|m| bad(line, m))?;
            out.push(Prediction {
                line,
                doc,
                index,
                label,
            });
        }
    } else {
        let f = std::fs::File::open(path).map_err(io)?;
        for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
            let text = line.map_err(io)?;
            if text.trim().is_empty() {
                continue;
            }
            let raw: RawRow = serde_json::from_str(&text)
                .map_err(|e| bad(i + 1, format!("not a prediction row ({e})")))?;
            let (doc, index, label) = row(raw, target).map_err(|m| bad(i + 1, m))?;
            out.push(Prediction {
                line: i + 1,
                doc,
                index,
                label,
            });
        }
    }
    Ok(out)
}

/// Replaces the run's predictions in `population` by `rows` (read from `path`): every sentence
/// must get exactly one. Strata drawn on the run's own label keep it: the design was drawn on it.
pub fn apply(population: &mut [Sentence], rows: &[Prediction], path: &Path) -> Result<(), Error> {
    let bad = |line: usize, message: String| Error::Line {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut by_id: HashMap<&str, Vec<u64>> = HashMap::new();
    let mut at: HashMap<(u64, u32), usize> = HashMap::new();
    for (i, s) in population.iter().enumerate() {
        let seqs = by_id.entry(s.doc.as_str()).or_default();
        if seqs.last() != Some(&s.seq) {
            seqs.push(s.seq);
        }
        at.insert((s.seq, s.index), i);
    }
    let mut seen = vec![0usize; population.len()];
    let mut labels = vec![Label::None; population.len()];
    for p in rows {
        let seq = match &p.doc {
            DocRef::Seq(s) => *s,
            DocRef::Id(id) => match by_id.get(id.as_str()).map(Vec::as_slice) {
                Some([one]) => *one,
                Some(many) => {
                    return Err(bad(
                        p.line,
                        format!(
                            "document id {id:?} names {} documents of this run: give `seq` \
                             (the document's position) instead",
                            many.len()
                        ),
                    ))
                }
                None => {
                    return Err(bad(
                        p.line,
                        format!("document {id:?} has no sentences in this run"),
                    ))
                }
            },
        };
        let Some(&i) = at.get(&(seq, p.index)) else {
            return Err(bad(
                p.line,
                format!(
                    "sentence {} of document {} is not in this run",
                    p.index, p.doc
                ),
            ));
        };
        if seen[i] != 0 {
            return Err(bad(
                p.line,
                format!(
                    "sentence {} of document {} is predicted twice (line {} too)",
                    p.index, p.doc, seen[i]
                ),
            ));
        }
        seen[i] = p.line;
        labels[i] = p.label;
    }
    drop(by_id);
    let missing = seen.iter().filter(|l| **l == 0).count();
    if missing > 0 {
        let first = seen.iter().position(|l| *l == 0).unwrap_or(0);
        let s = &population[first];
        return Err(Error::Usage {
            message: format!(
                "{}: {missing} sentence(s) of the run have no prediction, the first sentence {} \
                 of document {:?} (seq {}); every sentence needs one",
                path.display(),
                s.index,
                s.doc,
                s.seq
            ),
        });
    }
    for (s, label) in population.iter_mut().zip(labels) {
        s.predicted = label;
    }
    Ok(())
}
