//! Segmentation output (`standpoint segment`): each document's sentences as text lines or as
//! JSONL records with byte offsets.
//!
//! ```
//! use standpoint_pipeline::sentences::{write_sentences, SentenceFormat};
//! use standpoint_segment::Segmenter;
//! let mut out = Vec::new();
//! let text = "One sentence.\nTwo sentences.";
//! write_sentences(&mut out, "doc", text, &Segmenter::default(), SentenceFormat::Jsonl).unwrap();
//! let first = String::from_utf8(out).unwrap().lines().next().unwrap().to_string();
//! assert_eq!(first, r#"{"doc":"doc","index":0,"start":0,"end":13,"paragraph":0,"text":"One sentence."}"#);
//! ```

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use standpoint_segment::Segmenter;

/// How sentences are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentenceFormat {
    /// One sentence per line (line breaks inside a sentence become spaces).
    Text,
    /// `{doc, index, start, end, paragraph, text}` per sentence.
    Jsonl,
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

/// Writes the sentences of document `doc` (its text `text`) to `out`.
pub fn write_sentences(
    out: &mut impl Write,
    doc: &str,
    text: &str,
    segmenter: &Segmenter,
    format: SentenceFormat,
) -> io::Result<()> {
    for (index, s) in segmenter.sentences(text).enumerate() {
        let sentence = s.text(text);
        match format {
            SentenceFormat::Text if sentence.contains(['\n', '\r']) => {
                out.write_all(sentence.replace(['\n', '\r'], " ").as_bytes())?
            }
            SentenceFormat::Text => out.write_all(sentence.as_bytes())?,
            SentenceFormat::Jsonl => {
                let rec = SentenceRecord {
                    doc,
                    index,
                    start: s.start,
                    end: s.end,
                    paragraph: s.paragraph,
                    text: sentence,
                };
                serde_json::to_writer(&mut *out, &rec)?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Why a document could not be read whole.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The file or standard input could not be read.
    #[error("cannot read {what}")]
    Read {
        /// "file" or "standard input".
        what: &'static str,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The bytes are not UTF-8.
    #[error("invalid UTF-8 at byte {byte} (line {line})")]
    Utf8 {
        /// Offset of the first invalid byte.
        byte: usize,
        /// Its 1-based line.
        line: usize,
    },
}

/// A whole document: the file at `path`, or standard input for `None`.
pub fn read_document(path: Option<&Path>) -> Result<String, DocumentError> {
    let bytes = match path {
        Some(p) => std::fs::read(p).map_err(|source| DocumentError::Read {
            what: "file",
            source,
        })?,
        None => {
            let mut buf = Vec::new();
            io::Read::read_to_end(&mut io::stdin().lock(), &mut buf).map_err(|source| {
                DocumentError::Read {
                    what: "standard input",
                    source,
                }
            })?;
            buf
        }
    };
    String::from_utf8(bytes).map_err(|e| {
        let byte = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..byte].iter().filter(|&&b| b == b'\n').count();
        DocumentError::Utf8 { byte, line }
    })
}
