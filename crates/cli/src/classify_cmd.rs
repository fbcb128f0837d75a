//! `standpoint classify`: sentences (or segmented documents) in, JSONL with per-target
//! probabilities out, in batches.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Read, Write};

use anyhow::{Context, Result};
use serde::Serialize;
use standpoint_segment::Segmenter;
use standpoint_stance::Probs;

use crate::args::ClassifyArgs;
use crate::model_setup::{load_classifier, set_threads};
use crate::Outcome;

/// One target's stance in the sentence-level JSONL of `classify` and `run`.
#[derive(Serialize)]
pub struct StanceOut {
    label: &'static str,
    favor: f32,
    against: f32,
    none: f32,
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
    let mut input = String::new();
    match &a.file {
        Some(p) => {
            let bytes =
                std::fs::read(p).with_context(|| format!("{}: cannot read file", p.display()))?;
            input = String::from_utf8(bytes)
                .with_context(|| format!("{}: invalid UTF-8", p.display()))?;
        }
        None => {
            io::stdin()
                .read_to_string(&mut input)
                .context("reading standard input")?;
        }
    }
    let spans: Vec<(usize, usize)> = if a.segment {
        Segmenter::default()
            .sentences(&input)
            .map(|s| (s.start, s.end))
            .collect()
    } else {
        let mut v = Vec::new();
        let mut pos = 0;
        for line in input.split_inclusive('\n') {
            let t = line.trim();
            if !t.is_empty() {
                let start = pos + (line.len() - line.trim_start().len());
                v.push((start, start + t.len()));
            }
            pos += line.len();
        }
        v
    };
    let targets: Vec<&str> = a.targets.iter().map(String::as_str).collect();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let batch = a.batch.max(1);
    for (b, chunk) in spans.chunks(batch).enumerate() {
        let sentences: Vec<&str> = chunk.iter().map(|&(s, e)| &input[s..e]).collect();
        let probs = clf.predict(&sentences, &targets)?;
        for (i, (&(start, end), text)) in chunk.iter().zip(&sentences).enumerate() {
            let stance = targets
                .iter()
                .enumerate()
                .map(|(j, t)| (*t, StanceOut::from(probs[i * targets.len() + j])))
                .collect();
            let rec = Record {
                index: b * batch + i,
                start,
                end,
                text,
                stance,
            };
            serde_json::to_writer(&mut out, &rec)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}
