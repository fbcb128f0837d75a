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

use serde::{Deserialize, Serialize};
use standpoint_attribute::{Attribution, Attributor, Span, Tag, TagKind};

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

/// Finds the attributions of one document with the rules and writes its JSON line.
pub fn write_document(
    out: &mut (impl Write + ?Sized),
    id: &str,
    text: &str,
    attributor: &Attributor,
) -> io::Result<()> {
    write_attributions(out, id, &attributor.attribute(text))
}

/// Writes one document's JSON line from attributions found by any means (rules or a tagger
/// through [`Attributor::from_tags`]).
///
/// ```
/// let mut out = Vec::new();
/// standpoint_pipeline::attributions::write_attributions(&mut out, "a", &[]).unwrap();
/// assert_eq!(out, b"{\"id\":\"a\",\"quotes\":[]}\n");
/// ```
pub fn write_attributions(
    out: &mut (impl Write + ?Sized),
    id: &str,
    found: &[Attribution],
) -> io::Result<()> {
    let doc = DocOut {
        id,
        quotes: found.iter().map(QuoteOut::from).collect(),
    };
    serde_json::to_writer(&mut *out, &doc)?;
    out.write_all(b"\n")
}

/// One annotated document of PolNeAR-format gold (`../shared/data/attribution`): its text and
/// every source, cue and content span as a [`Tag`], for training and scoring a tagger.
#[derive(Debug, Clone)]
pub struct GoldDocument {
    /// The document id.
    pub id: String,
    /// The text.
    pub text: String,
    /// Every annotated span (UTF-8 byte offsets).
    pub tags: Vec<Tag>,
}

#[derive(Deserialize)]
struct GoldSpan {
    start: usize,
    end: usize,
}

#[derive(Deserialize)]
struct GoldAttribution {
    #[serde(default)]
    source: Vec<GoldSpan>,
    #[serde(default)]
    cue: Vec<GoldSpan>,
    #[serde(default)]
    content: Vec<GoldSpan>,
}

#[derive(Deserialize)]
struct GoldLine {
    id: String,
    text: String,
    attributions: Vec<GoldAttribution>,
}

/// Reads PolNeAR-format gold (one JSON article per line:
/// `{"id","text","attributions":[{"source":[{"start","end"}],"cue":[...],"content":[...]}]}`).
/// A line that does not parse, or whose spans fall outside its text or off character
/// boundaries, is passed to `bad` with its line number and skipped.
///
/// ```
/// let line = r#"{"id":"a","text":"He said no.","attributions":[{"source":[{"start":0,"end":2}],"cue":[{"start":3,"end":7}],"content":[{"start":8,"end":10}]}]}"#;
/// let docs = standpoint_pipeline::attributions::read_gold(line.as_bytes(), |_, _| ()).unwrap();
/// assert_eq!(docs[0].tags.len(), 3);
/// let mut bad = Vec::new();
/// standpoint_pipeline::attributions::read_gold(&b"{oops\n"[..], |n, e| bad.push((n, e))).unwrap();
/// assert_eq!(bad[0].0, 1);
/// ```
pub fn read_gold(
    input: impl io::BufRead,
    mut bad: impl FnMut(usize, String),
) -> io::Result<Vec<GoldDocument>> {
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let g: GoldLine = match serde_json::from_str(&line) {
            Ok(g) => g,
            Err(e) => {
                bad(n + 1, e.to_string());
                continue;
            }
        };
        let mut tags = Vec::new();
        let mut wrong = None;
        for a in &g.attributions {
            for (kind, spans) in [
                (TagKind::Source, &a.source),
                (TagKind::Cue, &a.cue),
                (TagKind::Content, &a.content),
            ] {
                for s in spans {
                    let ok = s.start <= s.end
                        && s.end <= g.text.len()
                        && g.text.is_char_boundary(s.start)
                        && g.text.is_char_boundary(s.end);
                    if !ok {
                        wrong = Some(format!(
                            "document {}: span {}..{} is outside the text or off a character \
                             boundary",
                            g.id, s.start, s.end
                        ));
                    }
                    tags.push(Tag {
                        kind,
                        span: Span {
                            start: s.start,
                            end: s.end,
                        },
                    });
                }
            }
        }
        match wrong {
            Some(w) => bad(n + 1, w),
            None => out.push(GoldDocument {
                id: g.id,
                text: g.text,
                tags,
            }),
        }
    }
    Ok(out)
}
