//! `standpoint segment`.

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
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

#[derive(Serialize)]
struct SentenceRecord<'a> {
    doc: &'a str,
    index: usize,
    start: usize,
    end: usize,
    paragraph: usize,
    text: &'a str,
}

pub fn run(args: SegmentArgs) -> Result<Outcome> {
    let run = SegmentRun::from_args(args);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut outcome = Outcome::Clean;
    let several = run.inputs.len() > 1;
    for (n, input) in run.inputs.iter().enumerate() {
        let name = input
            .as_deref()
            .map_or_else(|| "-".to_string(), |p| p.display().to_string());
        let text = match read_document(input.as_deref()) {
            Ok(text) => text,
            Err(err) => {
                out.flush()?;
                warn!("standpoint: {name}: {err:#}; skipped");
                outcome = Outcome::Skipped;
                continue;
            }
        };
        if several && run.format == SegmentFormat::Text && n > 0 {
            out.write_all(b"\n")?;
        }
        for (index, s) in run.segmenter.sentences(&text).enumerate() {
            let sentence = s.text(&text);
            match run.format {
                SegmentFormat::Text => write_one_line(&mut out, sentence)?,
                SegmentFormat::Jsonl => {
                    let rec = SentenceRecord {
                        doc: &name,
                        index,
                        start: s.start,
                        end: s.end,
                        paragraph: s.paragraph,
                        text: sentence,
                    };
                    serde_json::to_writer(&mut out, &rec)?;
                    out.write_all(b"\n")?;
                }
            }
        }
    }
    out.flush().context("writing output")?;
    Ok(outcome)
}

/// Writes a sentence on one line, turning line breaks into spaces.
fn write_one_line(out: &mut impl Write, sentence: &str) -> io::Result<()> {
    if sentence.contains(['\n', '\r']) {
        out.write_all(sentence.replace(['\n', '\r'], " ").as_bytes())?;
    } else {
        out.write_all(sentence.as_bytes())?;
    }
    out.write_all(b"\n")
}

fn read_document(path: Option<&Path>) -> Result<String> {
    let bytes = match path {
        Some(p) => fs::read(p).context("cannot read file")?,
        None => {
            let mut buf = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .context("cannot read standard input")?;
            buf
        }
    };
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
        anyhow::anyhow!("invalid UTF-8 at byte {at} (line {line})")
    })
}
