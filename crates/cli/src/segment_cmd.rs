//! `standpoint segment`.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use standpoint_pipeline::sentences::{read_document, write_sentences, SentenceFormat};
use standpoint_segment::{Config, Newlines, Segmenter};

use crate::args::{NewlineArg, SegmentArgs, SegmentFormat};
use crate::Outcome;

/// The segmenter the arguments ask for.
fn segmenter(a: &SegmentArgs) -> Segmenter {
    let newlines = match a.newlines {
        NewlineArg::Paragraph => Newlines::Paragraph,
        NewlineArg::BlankLine => Newlines::BlankLine,
    };
    let mut config = Config::default().newlines(newlines).lists(!a.no_lists);
    for abbr in &a.abbreviations {
        config = config.abbreviation(abbr.clone());
    }
    Segmenter::new(config)
}

pub fn run(a: SegmentArgs) -> Result<Outcome> {
    let segmenter = segmenter(&a);
    let inputs: Vec<Option<PathBuf>> = match a.files.is_empty() {
        true => vec![None],
        false => a
            .files
            .iter()
            .map(|p| (p.as_os_str() != "-").then(|| p.clone()))
            .collect(),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut outcome = Outcome::Clean;
    let several = inputs.len() > 1;
    let format = match a.format {
        SegmentFormat::Text => SentenceFormat::Text,
        SegmentFormat::Jsonl => SentenceFormat::Jsonl,
    };
    for (n, input) in inputs.iter().enumerate() {
        let name = input
            .as_deref()
            .map_or_else(|| "-".to_string(), |p| p.display().to_string());
        let text = match read_document(input.as_deref()) {
            Ok(text) => text,
            Err(err) => {
                out.flush()?;
                let err = anyhow::Error::from(err);
                warn!("standpoint: {name}: {err:#}; skipped");
                outcome = Outcome::Skipped;
                continue;
            }
        };
        if several && format == SentenceFormat::Text && n > 0 {
            out.write_all(b"\n")?;
        }
        write_sentences(&mut out, &name, &text, &segmenter, format)?;
    }
    out.flush().context("writing output")?;
    Ok(outcome)
}
