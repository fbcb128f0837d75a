//! Attribution output (`standpoint attribute`): one JSON object per document,
//! `{"id", "quotes": [{"content": [{"start","end"}], "cue": [...], "source": {"start","end"} |
//! null, "speaker", "role", "direct"}]}`, the format `../shared/data/attribution/score.py`
//! reads.
//!
//! ```
//! use standpoint_attribute::Attributor;
//! let mut out = Vec::new();
//! let text = "\u{201c}No,\u{201d} she said.";
//! standpoint_pipeline::attributions::write_document(&mut out, "a", text, &Attributor::default()).unwrap();
//! let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! assert_eq!(v["quotes"][0]["content"][0]["end"], 9); // “No,” is 9 bytes
//! assert_eq!(v["quotes"][0]["direct"], true);
//! ```

use std::io::{self, Write};

use serde::Serialize;
use standpoint_attribute::{Attribution, Attributor, Span};

#[derive(Serialize)]
struct SpanOut {
    start: usize,
    end: usize,
}

impl From<&Span> for SpanOut {
    fn from(s: &Span) -> Self {
        SpanOut {
            start: s.start,
            end: s.end,
        }
    }
}

#[derive(Serialize)]
struct QuoteOut<'a> {
    content: Vec<SpanOut>,
    cue: Vec<SpanOut>,
    source: Option<SpanOut>,
    speaker: Option<&'a str>,
    role: Option<&'a str>,
    direct: bool,
}

impl<'a> From<&'a Attribution> for QuoteOut<'a> {
    fn from(a: &'a Attribution) -> Self {
        QuoteOut {
            content: a.content.iter().map(SpanOut::from).collect(),
            cue: a.cue.iter().map(SpanOut::from).collect(),
            source: a.source.as_ref().map(SpanOut::from),
            speaker: a.speaker.as_deref(),
            role: a.role.as_deref(),
            direct: a.direct,
        }
    }
}

#[derive(Serialize)]
struct DocOut<'a> {
    id: &'a str,
    quotes: Vec<QuoteOut<'a>>,
}

/// Finds the attributions of one document and writes its JSON line.
pub fn write_document(
    out: &mut impl Write,
    id: &str,
    text: &str,
    attributor: &Attributor,
) -> io::Result<()> {
    let found = attributor.attribute(text);
    let doc = DocOut {
        id,
        quotes: found.iter().map(QuoteOut::from).collect(),
    };
    serde_json::to_writer(&mut *out, &doc)?;
    out.write_all(b"\n")
}
