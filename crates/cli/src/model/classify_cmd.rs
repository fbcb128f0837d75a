//! `standpoint classify`: sentences (or segmented documents) in, JSONL with per-target
//! probabilities out, in batches (`standpoint_pipeline::lines`).

use std::io::{self, BufRead, BufReader, Read};

use anyhow::{Context, Result};
use standpoint_pipeline::lines::{ClassifyWriter, SentenceLines};
use standpoint_pipeline::CONTEXT_SENTENCES;
use standpoint_segment::Segmenter;

use crate::model_setup::load_classifier;
use standpoint_cli::args::ClassifyArgs;
use standpoint_cli::Outcome;
use standpoint_stance::set_threads;

pub fn run(a: ClassifyArgs) -> Result<Outcome> {
    set_threads(a.model.threads);
    let clf = load_classifier(&a.model)?;
    let name = a
        .file
        .as_ref()
        .map_or("standard input".to_string(), |p| p.display().to_string());
    let mut reader: Box<dyn BufRead> = match &a.file {
        Some(p) => Box::new(BufReader::new(
            std::fs::File::open(p).with_context(|| format!("{}: cannot read file", p.display()))?,
        )),
        None => Box::new(BufReader::new(io::stdin())),
    };
    let targets: Vec<&str> = a.targets.iter().map(String::as_str).collect();
    let mut out = ClassifyWriter::new(io::stdout().lock(), &clf, &targets);
    if a.segment {
        // Whole documents: segmentation needs the text at once.
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {name}"))?;
        let input = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
            anyhow::anyhow!("{name}:{line}: invalid UTF-8 at byte {at}")
        })?;
        let sentences = Segmenter::default().segment(&input);
        let spans: Vec<(usize, usize, &str)> = sentences
            .iter()
            .map(|s| (s.start, s.end, s.text(&input)))
            .collect();
        let contexts: Vec<&str> = (0..sentences.len())
            .map(|i| {
                let r = standpoint_segment::context_before(&sentences, i, CONTEXT_SENTENCES);
                input.get(r).unwrap_or("")
            })
            .collect();
        for (chunk, ctx) in spans.chunks(a.batch).zip(contexts.chunks(a.batch)) {
            out.write_in_context(chunk, ctx)?;
        }
        out.flush()?;
        return Ok(Outcome::Clean);
    }
    // One sentence per line, streamed: a bad line is reported and skipped, and no line is held
    // in memory beyond --max-line-bytes.
    let mut skipped = 0usize;
    let mut pending = Vec::new();
    for item in SentenceLines::new(reader, a.max_line_bytes) {
        match item.with_context(|| format!("reading {name}"))? {
            Ok(s) => pending.push(s),
            Err(bad) => {
                skipped += 1;
                warn!("standpoint: {name}:{bad}; skipped");
            }
        }
        if pending.len() == a.batch {
            let batch: Vec<_> = pending
                .iter()
                .map(|s| (s.start, s.end, s.text.as_str()))
                .collect();
            out.write(&batch)?;
            pending.clear();
        }
    }
    let batch: Vec<_> = pending
        .iter()
        .map(|s| (s.start, s.end, s.text.as_str()))
        .collect();
    out.write(&batch)?;
    out.flush()?;
    Ok(Outcome::skipped_if(skipped > 0))
}
