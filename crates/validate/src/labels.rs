//! Sample files: written by `standpoint sample` (one row per drawn sentence, with its context,
//! the classifier's reading and an empty `label` column) and read back once labelled, by hand
//! in a spreadsheet or on the labelling page. CSV or JSONL, by the file's extension.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::run::Label;
use crate::sample::{Drawn, Key};
use crate::Error;

/// One row of a sample file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The run the sentence comes from ([`crate::run::run_id`]).
    pub run: String,
    /// The target.
    pub target: String,
    /// The design: `srs` or `stratified:FIELD`, and the seed (`srs/7`).
    pub design: String,
    /// The document's input position.
    pub seq: u64,
    /// The document id.
    pub doc: String,
    /// The sentence's index in its document.
    pub index: u32,
    /// The stratum (`all` for a simple random sample).
    pub stratum: String,
    /// The probability that the design included this sentence.
    pub inclusion_probability: f64,
    /// The classifier's label.
    pub prediction: String,
    /// Its probabilities.
    pub favor: f64,
    /// Its probabilities.
    pub against: f64,
    /// Its probabilities.
    pub none: f64,
    /// The sentence's speaker (empty: the reporter).
    pub speaker: String,
    /// The document's source.
    pub source: String,
    /// The document's date.
    pub date: String,
    /// The sentence before (empty at the start of a document).
    pub previous: String,
    /// The sentence.
    pub text: String,
    /// The sentence after.
    pub next: String,
    /// The hand label: FAVOR, AGAINST, NONE, or empty / SKIP while not labelled.
    pub label: String,
}

#[derive(Deserialize)]
struct SentenceLine {
    seq: u64,
    doc: String,
    index: u32,
    text: String,
    #[serde(default)]
    speaker: Option<String>,
    stance: HashMap<String, Probs>,
}

#[derive(Deserialize)]
struct Probs {
    label: Label,
    favor: f64,
    against: f64,
    none: f64,
}

#[derive(Deserialize)]
struct DocLine {
    seq: u64,
    #[serde(default)]
    meta: HashMap<String, String>,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The rows for drawn sentences of run `dir`: context, reading and document fields filled from
/// the run's files (a second pass that keeps only what was drawn and its neighbours).
pub fn rows(
    dir: &Path,
    run: &str,
    target: &str,
    design: &str,
    drawn: &[Drawn],
) -> Result<Vec<Row>, Error> {
    let wanted: HashMap<Key, usize> = drawn.iter().enumerate().map(|(i, d)| (d.key, i)).collect();
    let docs: HashSet<u64> = drawn.iter().map(|d| d.key.0).collect();
    let mut out: Vec<Option<Row>> = vec![None; drawn.len()];
    let mut texts: HashMap<Key, String> = HashMap::new();
    let path = dir.join("sentences.jsonl");
    let file = std::fs::File::open(&path).map_err(io_err(&path))?;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io_err(&path))?;
        // Cheap skip of documents with nothing drawn.
        let s: SentenceLine = serde_json::from_str(&line).map_err(|e| Error::Line {
            path: path.clone(),
            line: i + 1,
            message: e.to_string(),
        })?;
        if !docs.contains(&s.seq) {
            continue;
        }
        texts.insert((s.seq, s.index), s.text.clone());
        if let Some(&k) = wanted.get(&(s.seq, s.index)) {
            let Some(p) = s.stance.get(target) else {
                return Err(Error::Line {
                    path: path.clone(),
                    line: i + 1,
                    message: format!("no stance toward {target:?}"),
                });
            };
            out[k] = Some(Row {
                run: run.into(),
                target: target.into(),
                design: design.into(),
                seq: s.seq,
                doc: s.doc,
                index: s.index,
                stratum: drawn[k].stratum.clone(),
                inclusion_probability: drawn[k].inclusion,
                prediction: p.label.as_str().into(),
                favor: p.favor,
                against: p.against,
                none: p.none,
                speaker: s.speaker.unwrap_or_default(),
                source: String::new(),
                date: String::new(),
                previous: String::new(),
                text: s.text,
                next: String::new(),
                label: String::new(),
            });
        }
    }
    let path = dir.join("documents.jsonl");
    let mut meta: HashMap<u64, HashMap<String, String>> = HashMap::new();
    let file = std::fs::File::open(&path).map_err(io_err(&path))?;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io_err(&path))?;
        let d: DocLine = serde_json::from_str(&line).map_err(|e| Error::Line {
            path: path.clone(),
            line: i + 1,
            message: e.to_string(),
        })?;
        if docs.contains(&d.seq) {
            meta.insert(d.seq, d.meta);
        }
    }
    out.into_iter()
        .zip(drawn)
        .map(|(row, d)| {
            let mut row = row.ok_or_else(|| Error::Usage {
                message: format!(
                    "sentence {}:{} is not in {}",
                    d.key.0,
                    d.key.1,
                    path.display()
                ),
            })?;
            let (seq, index) = d.key;
            if let Some(p) = index.checked_sub(1) {
                row.previous = texts.get(&(seq, p)).cloned().unwrap_or_default();
            }
            row.next = texts.get(&(seq, index + 1)).cloned().unwrap_or_default();
            if let Some(m) = meta.get(&seq) {
                row.source = m.get("source").cloned().unwrap_or_default();
                row.date = m.get("date").cloned().unwrap_or_default();
            }
            Ok(row)
        })
        .collect()
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// Writes a sample file (CSV when `path` ends in `.csv`, else JSONL) whole: a temporary file
/// renamed into place (never through a link or onto a device), so an interrupted write leaves
/// the old file.
pub fn write(path: &Path, rows: &[Row]) -> Result<(), Error> {
    let csv_file = is_csv(path);
    standpoint_pipeline::checkpoint::replace_file(path, |w| {
        if csv_file {
            let mut c = csv::Writer::from_writer(&mut *w);
            for r in rows {
                let mut r = r.clone();
                for f in [
                    &mut r.doc,
                    &mut r.speaker,
                    &mut r.source,
                    &mut r.previous,
                    &mut r.text,
                    &mut r.next,
                ] {
                    *f = standpoint_pipeline::sink::csv_cell(f).into_owned();
                }
                c.serialize(r).map_err(std::io::Error::other)?;
            }
            c.flush()?;
        } else {
            for r in rows {
                serde_json::to_writer(&mut *w, r)?;
                w.write_all(b"\n")?;
            }
        }
        Ok(())
    })
    .map_err(|e| Error::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Reads a sample file, labelled or not; every row must be whole (an error names the file and
/// line).
pub fn read(path: &Path) -> Result<Vec<Row>, Error> {
    let mut out = Vec::new();
    if is_csv(path) {
        let mut c = csv::Reader::from_path(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        for (i, r) in c.deserialize::<Row>().enumerate() {
            let mut row = r.map_err(|e| Error::Line {
                path: path.to_path_buf(),
                line: i + 2,
                message: format!("not a row of a sample file ({e})"),
            })?;
            // Cells neutralised for spreadsheets on writing.
            for f in [&mut row.doc] {
                if let Some(rest) = f.strip_prefix('\'') {
                    *f = rest.to_string();
                }
            }
            out.push(row);
        }
    } else {
        let f = std::fs::File::open(path).map_err(io_err(path))?;
        for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
            let line = line.map_err(io_err(path))?;
            if line.trim().is_empty() {
                continue;
            }
            out.push(serde_json::from_str(&line).map_err(|e| Error::Line {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!("not a row of a sample file ({e})"),
            })?);
        }
    }
    Ok(out)
}

/// A labelled sample, checked: one run, one design, one target per file, no sentence twice,
/// labels known. Rows left empty or marked `SKIP` are not part of the estimate (the sample is
/// what was labelled: skipping at random keeps it random; say so when it was not).
#[derive(Debug, Clone)]
pub struct Labelled {
    /// The run.
    pub run: String,
    /// The target.
    pub target: String,
    /// The design (`srs/SEED` or `stratified:FIELD/SEED`).
    pub design: String,
    /// Each labelled sentence's label and stratum.
    pub labels: BTreeMap<Key, (Label, String)>,
    /// Rows not labelled (empty or SKIP).
    pub unlabelled: usize,
}

/// Checks the rows of a labelled file (`path` names it in errors).
pub fn labelled(path: &Path, rows: &[Row]) -> Result<Labelled, Error> {
    let first = rows.first().ok_or_else(|| Error::Usage {
        message: format!("{}: no rows", path.display()),
    })?;
    // Line numbers as the reader counts them (CSV: the header is line 1).
    let line = |i: usize| if is_csv(path) { i + 2 } else { i + 1 };
    let mut labels = BTreeMap::new();
    let mut unlabelled = 0;
    for (i, r) in rows.iter().enumerate() {
        let bad = |message: String| Error::Line {
            path: path.to_path_buf(),
            line: line(i),
            message,
        };
        for (what, a, b) in [
            ("run", &r.run, &first.run),
            ("target", &r.target, &first.target),
            ("design", &r.design, &first.design),
        ] {
            if a != b {
                return Err(bad(format!(
                    "{what} {a:?}, the first row has {b:?}: one sample per file"
                )));
            }
        }
        let text = r.label.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("skip") || text.eq_ignore_ascii_case("s") {
            unlabelled += 1;
            continue;
        }
        let Some(label) = crate::run::parse_label(text) else {
            return Err(bad(format!(
                "label {text:?} is not FAVOR, AGAINST, NONE or SKIP"
            )));
        };
        if labels
            .insert((r.seq, r.index), (label, r.stratum.clone()))
            .is_some()
        {
            return Err(bad(format!(
                "sentence {}:{} is labelled twice",
                r.doc, r.index
            )));
        }
    }
    Ok(Labelled {
        run: first.run.clone(),
        target: first.target.clone(),
        design: first.design.clone(),
        labels,
        unlabelled,
    })
}

/// Refuses labels that trained the run's model: a labelled row whose (target, sentence) key is
/// in `trained` (from [`crate::run::trained_keys`]). A label that adapted a model cannot also
/// correct that model's estimates without bias; the error names the file, the first such line
/// and how many there are.
pub fn check_not_trained(
    path: &Path,
    rows: &[Row],
    labelled: &Labelled,
    trained: &std::collections::HashSet<String>,
) -> Result<(), Error> {
    let line = |i: usize| if is_csv(path) { i + 2 } else { i + 1 };
    let hits: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| labelled.labels.contains_key(&(r.seq, r.index)))
        .filter(|(_, r)| trained.contains(&standpoint_types::sentence_key(&r.target, &r.text)))
        .map(|(i, _)| i)
        .collect();
    match hits.first() {
        None => Ok(()),
        Some(&i) => Err(Error::Line {
            path: path.to_path_buf(),
            line: line(i),
            message: format!(
                "{} labelled sentence(s) of this file trained the run's model (`standpoint \
                 train --from`); a label that trained a model cannot also correct its \
                 estimates. Label a sample of a run of the model it started from, or mark \
                 these rows SKIP (a small bias remains: the sentences the model was trained on \
                 can then never be among the labels)",
                hits.len()
            ),
        }),
    }
}
