//! `standpoint segment`.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use standpoint_pipeline::sentences::{read_document, write_sentences, SentenceFormat};
use standpoint_segment::{Config, Newlines, Segmenter};

use crate::args::{NewlineArg, SegmentArgs, SegmentFormat};
use crate::Outcome;

/// The validated configuration of a segment run.
struct SegmentRun {
    inputs: Vec<Option<PathBuf>>,
    format: SegmentFormat,
    segmenter: Segmenter,
}

impl SegmentRun {
    fn from_args(a: SegmentArgs) -> SegmentRun {
        let newlines = match a.newlines {
            NewlineArg::Paragraph => Newlines::Paragraph,
            NewlineArg::BlankLine => Newlines::BlankLine,
        };
        let mut config = Config::default().newlines(newlines).lists(!a.no_lists);
        for abbr in a.abbreviations {
            config = config.abbreviation(abbr);
        }
        let inputs = if a.files.is_empty() {
            vec![None]
        } else {
            a.files
                .into_iter()
                .map(|p| if p.as_os_str() == "-" { None } else { Some(p) })
                .collect()
        };
        SegmentRun {
            inputs,
            format: a.format,
            segmenter: Segmenter::new(config),
        }
    }
}

pub fn run(args: SegmentArgs) -> Result<Outcome> {
    let run = SegmentRun::from_args(args);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut outcome = Outcome::Clean;
    let several = run.inputs.len() > 1;
    let format = match run.format {
        SegmentFormat::Text => SentenceFormat::Text,
        SegmentFormat::Jsonl => SentenceFormat::Jsonl,
    };
    for (n, input) in run.inputs.iter().enumerate() {
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
        write_sentences(&mut out, &name, &text, &run.segmenter, format)?;
    }
    out.flush().context("writing output")?;
    Ok(outcome)
}
