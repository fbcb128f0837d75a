//! `standpoint classify`: sentences (or segmented documents) in, JSONL with per-target
//! probabilities out, in batches.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};

use anyhow::{Context, Result};
use serde::Serialize;
use standpoint_pipeline::sink::StanceOut;
use standpoint_segment::Segmenter;

use crate::model_setup::{load_classifier, set_threads};
use standpoint_cli::args::ClassifyArgs;
use standpoint_cli::Outcome;
use standpoint_pipeline::read::{read_capped_line, CappedLine};

#[derive(Serialize)]
struct Record<'a> {
    index: usize,
    start: usize,
    end: usize,
    text: &'a str,
    stance: BTreeMap<&'a str, StanceOut>,
}

pub fn run(a: ClassifyArgs) -> Result<Outcome> {
    set_threads(&a.model);
    let clf = load_classifier(&a.model)?;
    let name = a
        .file
        .as_ref()
        .map_or("standard input".to_string(), |p| p.display().to_string());
    let reader: Box<dyn BufRead> = match &a.file {
        Some(p) => Box::new(BufReader::new(
            std::fs::File::open(p).with_context(|| format!("{}: cannot read file", p.display()))?,
        )),
        None => Box::new(BufReader::new(io::stdin())),
    };
    let targets: Vec<&str> = a.targets.iter().map(String::as_str).collect();
    let stdout = io::stdout();
    let mut out = Output {
        w: BufWriter::new(stdout.lock()),
        clf: &clf,
        targets: &targets,
        index: 0,
    };
    if a.segment {
        // Whole documents: segmentation needs the text at once.
        let mut bytes = Vec::new();
        let mut reader = reader;
        reader
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {name}"))?;
        let input = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
            anyhow::anyhow!("{name}:{line}: invalid UTF-8 at byte {at}")
        })?;
        let spans: Vec<(usize, usize)> = Segmenter::default()
            .sentences(&input)
            .map(|s| (s.start, s.end))
            .collect();
        for chunk in spans.chunks(a.batch) {
            let batch: Vec<(usize, usize, &str)> =
                chunk.iter().map(|&(s, e)| (s, e, &input[s..e])).collect();
            out.write(&batch)?;
        }
        out.w.flush()?;
        return Ok(Outcome::Clean);
    }
    // One sentence per line, streamed: a bad line is reported and skipped, and no line is held
    // in memory beyond --max-line-bytes.
    let mut reader = reader;
    let mut skipped = 0usize;
    let mut pos = 0usize;
    let mut line_no = 0usize;
    let mut pending: Vec<(usize, usize, String)> = Vec::new();
    let limit = a.max_line_bytes as u64 + 1;
    let mut buf = Vec::new();
    loop {
        let line = read_capped_line(&mut reader, &mut buf, limit)
            .with_context(|| format!("reading {name}"))?;
        if let CappedLine::Eof = line {
            break;
        }
        line_no += 1;
        let start_of_line = pos;
        if let CappedLine::TooLong { total } = line {
            pos += total as usize;
            skipped += 1;
            warn!(
                "standpoint: {name}:{line_no}: line longer than --max-line-bytes {}; skipped",
                a.max_line_bytes
            );
            continue;
        }
        pos += buf.len();
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t,
            Err(e) => {
                skipped += 1;
                warn!(
                    "standpoint: {name}:{line_no}: invalid UTF-8 at byte {} of the line; skipped",
                    e.valid_up_to()
                );
                continue;
            }
        };
        let t = text.trim();
        if t.is_empty() {
            continue;
        }
        let start = start_of_line + (text.len() - text.trim_start().len());
        pending.push((start, start + t.len(), t.to_string()));
        if pending.len() == a.batch {
            let batch: Vec<(usize, usize, &str)> = pending
                .iter()
                .map(|(s, e, t)| (*s, *e, t.as_str()))
                .collect();
            out.write(&batch)?;
            pending.clear();
        }
    }
    let batch: Vec<(usize, usize, &str)> = pending
        .iter()
        .map(|(s, e, t)| (*s, *e, t.as_str()))
        .collect();
    out.write(&batch)?;
    out.w.flush()?;
    Ok(if skipped > 0 {
        Outcome::Skipped
    } else {
        Outcome::Clean
    })
}

/// Classifies batches and writes their JSONL records, numbering sentences across batches.
struct Output<'a, W: Write> {
    w: W,
    clf: &'a standpoint_stance::BoxedClassifier,
    targets: &'a [&'a str],
    index: usize,
}

impl<W: Write> Output<'_, W> {
    fn write(&mut self, batch: &[(usize, usize, &str)]) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let sentences: Vec<&str> = batch.iter().map(|b| b.2).collect();
        let probs = self.clf.predict(&sentences, self.targets)?;
        for (i, &(start, end, text)) in batch.iter().enumerate() {
            let stance = self
                .targets
                .iter()
                .enumerate()
                .map(|(j, t)| (*t, StanceOut::from(probs[i * self.targets.len() + j])))
                .collect();
            let rec = Record {
                index: self.index,
                start,
                end,
                text,
                stance,
            };
            self.index += 1;
            serde_json::to_writer(&mut self.w, &rec)?;
            self.w.write_all(b"\n")?;
        }
        Ok(())
    }
}
