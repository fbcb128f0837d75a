//! Where results go: the [`Sink`] trait (as in ripgrep's `grep-searcher`), the run folder's
//! line formats ([`Lines`]: sentences.jsonl, documents.jsonl, documents.csv, errors.jsonl), a
//! [`Collect`] sink that keeps everything in memory, and the final group files.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde::Serialize;
use standpoint_aggregate::{GroupBy, GroupSummary, Interval, Summary};

use crate::checkpoint::{replace_file, State};
use crate::error::{Error, Result};
use crate::read::Bad;
use crate::{DocResult, Probs};

/// Receives a pipeline's results in input order.
pub trait Sink {
    /// One document's results toward `targets`.
    fn document(&mut self, targets: &[String], result: &DocResult) -> Result<()>;

    /// A bad record at input position `seq`, skipped.
    fn skipped(&mut self, seq: u64, bad: &Bad) -> Result<()>;
}

/// Keeps every result in memory.
#[derive(Debug, Default)]
pub struct Collect {
    /// The documents' results.
    pub documents: Vec<DocResult>,
    /// The bad records: input position and the report (`FILE:LINE (id ID): error`).
    pub skipped: Vec<(u64, String)>,
}

impl Sink for Collect {
    fn document(&mut self, _targets: &[String], result: &DocResult) -> Result<()> {
        self.documents.push(result.clone());
        Ok(())
    }

    fn skipped(&mut self, seq: u64, bad: &Bad) -> Result<()> {
        self.skipped.push((seq, bad.to_string()));
        Ok(())
    }
}

/// One target's stance in the sentence-level JSONL of `classify` and `run`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StanceOut {
    /// The most probable label.
    pub label: &'static str,
    /// P(FAVOR).
    pub favor: f32,
    /// P(AGAINST).
    pub against: f32,
    /// P(NONE).
    pub none: f32,
}

impl From<Probs> for StanceOut {
    fn from(p: Probs) -> StanceOut {
        StanceOut {
            label: p.label().as_str(),
            favor: p.favor,
            against: p.against,
            none: p.none,
        }
    }
}

/// A text cell for the CSV files, safe to open in a spreadsheet: a value that a spreadsheet would
/// run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a
/// number) gets a leading `'`, the usual neutraliser; numbers such as `-0.5` stay as they are.
///
/// ```
/// use standpoint_pipeline::sink::csv_cell;
/// assert_eq!(csv_cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(csv_cell("-0.25"), "-0.25");
/// assert_eq!(csv_cell("doc-1"), "doc-1");
/// ```
pub fn csv_cell(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && s.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The header of documents.csv.
pub const DOC_CSV_HEADER: &str =
    "seq,doc,target,sentences,favor,against,none,mean_favor,mean_against,mean_none,net,decision\n";

#[derive(Serialize)]
struct SentenceLine<'a> {
    seq: u64,
    doc: &'a str,
    index: usize,
    start: usize,
    end: usize,
    text: &'a str,
    speaker: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
    attribution: &'static str,
    stance: BTreeMap<&'a str, StanceOut>,
}

#[derive(Serialize)]
struct DocLine<'a> {
    seq: u64,
    doc: &'a str,
    file: &'a str,
    line: u64,
    meta: &'a BTreeMap<String, String>,
    sentences: usize,
    stance: BTreeMap<&'a str, &'a Summary>,
    /// Per speaker (`(none)`: the reporter's own voice), per target.
    speakers: BTreeMap<&'a str, BTreeMap<&'a str, &'a Summary>>,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    seq: u64,
    file: &'a str,
    line: u64,
    id: Option<&'a str>,
    error: &'a str,
}

/// The run folder's line formats, in memory: one buffer per line file, in the order of
/// [`LINE_FILES`](crate::checkpoint::LINE_FILES) (sentences.jsonl, documents.jsonl,
/// documents.csv without its header, errors.jsonl). A run appends them to the files after each
/// chunk; anyone can [`take`](Lines::take) them.
#[derive(Debug, Default)]
pub struct Lines {
    bufs: [Vec<u8>; 4],
}

impl Lines {
    /// The buffered bytes of each line file, leaving the buffers empty.
    pub fn take(&mut self) -> [Vec<u8>; 4] {
        std::mem::take(&mut self.bufs)
    }

    /// The buffered bytes of each line file.
    pub fn buffers(&self) -> &[Vec<u8>; 4] {
        &self.bufs
    }
}

fn json_line(buf: &mut Vec<u8>, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer(&mut *buf, value).map_err(Error::Serialize)?;
    buf.push(b'\n');
    Ok(())
}

impl Sink for Lines {
    fn document(&mut self, targets: &[String], r: &DocResult) -> Result<()> {
        let d = &r.doc;
        for (i, s) in r.sentences.iter().enumerate() {
            let stance = targets
                .iter()
                .enumerate()
                .map(|(j, t)| (t.as_str(), StanceOut::from(r.stance(i, j))))
                .collect();
            let line = SentenceLine {
                seq: r.seq,
                doc: &d.id,
                index: i,
                start: s.start,
                end: s.end,
                text: s.text(&d.text),
                speaker: r.voices[i].speaker.as_deref(),
                role: r.voices[i].role.as_deref(),
                attribution: r.voices[i].attribution.as_str(),
                stance,
            };
            json_line(&mut self.bufs[0], &line)?;
        }
        let mut csv_rows = csv::Writer::from_writer(&mut self.bufs[2]);
        for (t, s) in targets.iter().zip(&r.summaries) {
            let mut row = vec![
                r.seq.to_string(),
                csv_cell(&d.id).into_owned(),
                csv_cell(t).into_owned(),
            ];
            row.extend(sentence_columns(s));
            row.push(s.decision.as_str().to_string());
            csv_rows.write_record(&row).map_err(Error::Csv)?;
        }
        csv_rows.flush().map_err(|e| Error::Csv(e.into()))?;
        drop(csv_rows);
        let line = DocLine {
            seq: r.seq,
            doc: &d.id,
            file: &d.file,
            line: d.line,
            meta: &d.meta,
            sentences: r.sentences.len(),
            stance: targets
                .iter()
                .map(String::as_str)
                .zip(&r.summaries)
                .collect(),
            speakers: r
                .speakers
                .iter()
                .map(|(name, _, summaries)| {
                    let per_target = targets.iter().map(String::as_str).zip(summaries).collect();
                    (name.as_str(), per_target)
                })
                .collect(),
        };
        json_line(&mut self.bufs[1], &line)
    }

    fn skipped(&mut self, seq: u64, b: &Bad) -> Result<()> {
        let line = ErrorLine {
            seq,
            file: &b.file,
            line: b.line,
            id: b.id.as_deref(),
            error: &b.error.to_string(),
        };
        json_line(&mut self.bufs[3], &line)
    }
}

/// The sentence statistics columns shared by documents.csv and groups.csv: sentences, label
/// counts, mean probabilities, net.
fn sentence_columns(s: &Summary) -> [String; 8] {
    [
        s.sentences.to_string(),
        s.counts.favor.to_string(),
        s.counts.against.to_string(),
        s.counts.none.to_string(),
        format!("{:.4}", s.mean.favor),
        format!("{:.4}", s.mean.against),
        format!("{:.4}", s.mean.none),
        format!("{:.4}", s.net),
    ]
}

/// What run.json says about the process that wrote a folder.
#[derive(Debug, Clone, Copy)]
pub struct Provenance<'a> {
    /// The classifier's name.
    pub classifier: &'a str,
    /// Classifier threads.
    pub threads: usize,
    /// Segmentation threads.
    pub segment_threads: usize,
}

/// Writes groups.json, groups.csv and run.json from a complete state.
///
/// Returns the seconds spent writing the summaries, which run.json's `seconds` includes (with
/// thousands of targets they are most of a run's time).
pub fn write_final(dir: &Path, state: &State, how: Provenance<'_>) -> Result<f64> {
    let started = std::time::Instant::now();
    let rule = *state.aggregates.rule();
    // Row by row: thousands of targets never hold every row in memory at once.
    replace_file(&dir.join("groups.json"), |f| {
        let mut ser = serde_json::Serializer::pretty(&mut *f);
        serde::Serializer::collect_seq(&mut ser, state.aggregates.summaries_iter())?;
        f.write_all(b"\n")
    })?;
    replace_file(&dir.join("groups.csv"), |f| {
        write_groups_csv(f, state.aggregates.summaries_iter()).map_err(io::Error::other)
    })?;
    let summaries = started.elapsed().as_secs_f64();
    let total = state.seconds + summaries;
    let secs = total.max(1e-9);
    let manifest = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "inputs": state.spec.inputs,
        "format": state.spec.format,
        "fields": {"id": state.spec.id_field, "text": state.spec.text_field},
        "targets": state.spec.targets,
        "model": state.spec.model,
        "precision": state.spec.precision.as_deref().unwrap_or("fp32"),
        "classifier": how.classifier,
        "attribution": if state.spec.attribution.is_empty() {
            serde_json::json!("rules")
        } else {
            match state.spec.combine {
                true => serde_json::json!({"tagger": state.spec.attribution, "combined_with": "rules"}),
                false => serde_json::json!({"tagger": state.spec.attribution}),
            }
        },
        "groupings": state.spec.groupings.iter().map(GroupBy::name).collect::<Vec<_>>(),
        "evidence_per_side": state.spec.evidence,
        "decision_rule": rule,
        "shard": state.shard.map(|s| s.to_string()),
        "counts": {
            "input_records": state.items_done,
            "documents": state.documents,
            "sentences": state.sentences,
            "errors": state.errors,
            "duplicate_ids": state.duplicate_ids,
            "other_shards": state.other_shards,
        },
        "timings": {
            "seconds": total,
            "summaries_seconds": summaries,
            "documents_per_second": state.documents as f64 / secs,
            "sentences_per_second": state.sentences as f64 / secs,
        },
        "threads": {"torch": how.threads, "segmentation": how.segment_threads},
        "outputs": ["sentences.jsonl", "documents.jsonl", "documents.csv", "groups.json",
                    "groups.csv", "errors.jsonl", "run.json", "state.json"],
        "complete": state.complete,
        "missing_shards": state.missing_shards,
    });
    replace_file(&dir.join("run.json"), |f| {
        serde_json::to_writer_pretty(&mut *f, &manifest)?;
        f.write_all(b"\n")
    })?;
    Ok(summaries)
}

fn write_groups_csv(
    f: &mut BufWriter<File>,
    rows: impl Iterator<Item = GroupSummary>,
) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(f);
    w.write_record([
        "grouping",
        "group",
        "target",
        "documents",
        "doc_favor",
        "doc_against",
        "doc_mixed",
        "doc_none",
        "sentences",
        "favor",
        "against",
        "none",
        "mean_favor",
        "mean_against",
        "mean_none",
        "net",
        "favor_share",
        "favor_share_low",
        "favor_share_high",
        "decision",
    ])?;
    for r in rows {
        let r = &r;
        let s = &r.summary;
        let share = |f: fn(&Interval) -> f64| {
            s.favor_share
                .as_ref()
                .map_or(String::new(), |i| format!("{:.4}", f(i)))
        };
        let mut row = vec![
            csv_cell(&r.grouping.to_string()).into_owned(),
            csv_cell(&r.group.to_string()).into_owned(),
            csv_cell(&r.target.to_string()).into_owned(),
            r.documents.total().to_string(),
            r.documents.favor.to_string(),
            r.documents.against.to_string(),
            r.documents.mixed.to_string(),
            r.documents.none.to_string(),
        ];
        row.extend(sentence_columns(s));
        row.extend([
            share(|i| i.estimate),
            share(|i| i.low),
            share(|i| i.high),
            s.decision.as_str().to_string(),
        ]);
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}
