//! Sentence-level classification without documents (`standpoint classify`): sentences from a
//! stream, one per line, with their byte offsets ([`SentenceLines`]; a line that is too long or
//! not UTF-8 is a [`BadLine`], the stream goes on), and a writer that classifies them in batches
//! into JSONL records ([`ClassifyWriter`]).
//!
//! ```
//! use standpoint_pipeline::lines::{ClassifyWriter, SentenceLines};
//! use standpoint_types::{CountMismatch, Probs, StanceClassifier};
//!
//! struct Undecided;
//! impl StanceClassifier for Undecided {
//!     type Error = CountMismatch;
//!     fn name(&self) -> &str { "undecided" }
//!     fn predict(&self, s: &[&str], t: &[&str]) -> Result<Vec<Probs>, CountMismatch> {
//!         Ok(vec![Probs::new(1.0, 1.0, 1.0); s.len() * t.len()])
//!     }
//! }
//!
//! let input: &[u8] = b"First sentence.\n\n  Second one.\n\xffbad\n";
//! let mut out = Vec::new();
//! let mut writer = ClassifyWriter::new(&mut out, &Undecided, &["x"]);
//! let mut bad = 0;
//! for item in SentenceLines::new(input, 1000) {
//!     match item.unwrap() {
//!         Ok(s) => writer.write(&[(s.start, s.end, s.text.as_str())]).unwrap(),
//!         Err(_) => bad += 1,
//!     }
//! }
//! drop(writer);
//! let text = String::from_utf8(out).unwrap();
//! assert_eq!(text.lines().count(), 2);
//! assert!(text.lines().nth(1).unwrap().contains("\"start\":19,\"end\":30"));
//! assert_eq!(bad, 1);
//! ```

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::read::{read_capped_line, CappedLine};
use crate::sink::StanceOut;
use crate::StanceClassifier;

/// A sentence read from a line: its trimmed text and byte span in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanText {
    /// Offset of its first byte in the stream.
    pub start: usize,
    /// Offset one past its last byte.
    pub end: usize,
    /// The text.
    pub text: String,
}

/// A line that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadLine {
    /// Longer than the limit (skipped without being kept in memory).
    #[error("{line}: line longer than --max-line-bytes {max}")]
    TooLong {
        /// 1-based line number.
        line: usize,
        /// The limit.
        max: usize,
    },
    /// Not valid UTF-8.
    #[error("{line}: invalid UTF-8 at byte {byte} of the line")]
    Utf8 {
        /// 1-based line number.
        line: usize,
        /// Offset of the first invalid byte in the line.
        byte: usize,
    },
}

/// The non-blank lines of a stream as sentences with byte offsets; at most `max_line_bytes` of
/// any line is held in memory.
pub struct SentenceLines<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    line: usize,
    max: usize,
}

impl<R: BufRead> SentenceLines<R> {
    /// Lines of `reader`; longer lines than `max_line_bytes` are [`BadLine::TooLong`].
    pub fn new(reader: R, max_line_bytes: usize) -> Self {
        SentenceLines {
            reader,
            buf: Vec::new(),
            pos: 0,
            line: 0,
            max: max_line_bytes,
        }
    }
}

impl<R: BufRead> Iterator for SentenceLines<R> {
    type Item = io::Result<std::result::Result<SpanText, BadLine>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let got = match read_capped_line(&mut self.reader, &mut self.buf, self.max as u64 + 1) {
                Ok(g) => g,
                Err(e) => return Some(Err(e)),
            };
            let start_of_line = self.pos;
            self.line += 1;
            match got {
                CappedLine::Eof => return None,
                CappedLine::TooLong { total } => {
                    self.pos += total as usize;
                    let bad = BadLine::TooLong {
                        line: self.line,
                        max: self.max,
                    };
                    return Some(Ok(Err(bad)));
                }
                CappedLine::Line => self.pos += self.buf.len(),
            }
            let text = match std::str::from_utf8(&self.buf) {
                Ok(t) => t,
                Err(e) => {
                    let bad = BadLine::Utf8 {
                        line: self.line,
                        byte: e.valid_up_to(),
                    };
                    return Some(Ok(Err(bad)));
                }
            };
            let t = text.trim();
            if t.is_empty() {
                continue;
            }
            let start = start_of_line + (text.len() - text.trim_start().len());
            return Some(Ok(Ok(SpanText {
                start,
                end: start + t.len(),
                text: t.to_string(),
            })));
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

/// Classifies batches of `(start, end, text)` sentences toward the targets and writes one JSONL
/// record per sentence: `{index, start, end, text, stance: {target: {label, favor, against,
/// none}}}`, numbering sentences across batches.
pub struct ClassifyWriter<'a, C, W: Write> {
    w: io::BufWriter<W>,
    clf: &'a C,
    targets: &'a [&'a str],
    index: usize,
}

impl<'a, C: StanceClassifier, W: Write> ClassifyWriter<'a, C, W> {
    /// A writer into `w`.
    pub fn new(w: W, clf: &'a C, targets: &'a [&'a str]) -> Self {
        ClassifyWriter {
            w: io::BufWriter::new(w),
            clf,
            targets,
            index: 0,
        }
    }

    /// Classifies and writes one batch.
    pub fn write(&mut self, batch: &[(usize, usize, &str)]) -> Result<()> {
        self.write_in_context(batch, &vec![""; batch.len()])
    }

    /// Classifies and writes one batch, sentence `i` read after `contexts[i]` (the text before
    /// it; see [`StanceClassifier::predict_in_context`]).
    pub fn write_in_context(
        &mut self,
        batch: &[(usize, usize, &str)],
        contexts: &[&str],
    ) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let sentences: Vec<&str> = batch.iter().map(|b| b.2).collect();
        let probs = self
            .clf
            .predict_in_context(&sentences, contexts, self.targets)
            .map_err(|e| Error::Classifier(Box::new(e)))?;
        if probs.len() != sentences.len() * self.targets.len() {
            return Err(Error::ClassifierCount {
                got: probs.len(),
                sentences: sentences.len(),
                targets: self.targets.len(),
            });
        }
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
            serde_json::to_writer(&mut self.w, &rec).map_err(Error::Serialize)?;
            self.w
                .write_all(b"\n")
                .map_err(Error::io("writing", "standard output"))?;
        }
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> Result<()> {
        self.w
            .flush()
            .map_err(Error::io("writing", "standard output"))
    }
}
