//! Who said it: attributions in news text. For each quote or piece of reported speech it finds
//! the content span(s), the cue ("said", "told", "according to", ...), the source mention and a
//! resolved speaker with a role, all as byte offsets into the document, like the segmenter.
//!
//! Rules, no model: direct quotes (straight and curly marks, quotes that run over several
//! sentences, the news convention of a quote that continues into the next paragraph, which
//! reopens with a quotation mark), frames around them ("…,” the minister said.", "He said:
//! “…”", "“…,” said Dr. Amira Haddad."), indirect speech ("X said that …", "X told reporters …",
//! "According to X, …", "…, sources said."), mixed quotes ("X called the plan “a betrayal”"),
//! transcript speakers ("PENCE: …") and quotes with no source. Speakers are resolved within the
//! document: pronouns and short mentions link to the fullest name seen ("US Secretary of State
//! Marco Rubio" → speaker "Marco Rubio", role "US Secretary of State").
//!
//! ```
//! use standpoint_attribute::Attributor;
//!
//! let text = "Secretary of State Marco Rubio spoke on Monday. \u{201c}We will not back down,\u{201d} \
//!             Rubio said.\n\nHe added that talks would resume.";
//! let found = Attributor::default().attribute(text);
//! assert_eq!(found.len(), 2);
//! assert_eq!(found[0].content_text(text), ["\u{201c}We will not back down,\u{201d}"]);
//! assert_eq!(found[0].speaker.as_deref(), Some("Marco Rubio"));
//! assert_eq!(found[0].role.as_deref(), Some("Secretary of State"));
//! assert!(found[0].direct);
//! assert_eq!(found[1].speaker.as_deref(), Some("Marco Rubio")); // "He"
//! assert_eq!(found[1].content_text(text), ["talks would resume"]);
//! ```
#![deny(missing_docs)]

mod cues;
mod quotes;
mod speakers;
mod tagged;
mod words;

use standpoint_segment::{Config, Newlines, Segmenter};

pub use speakers::{clean_mention, split_name};
pub use tagged::{Tag, TagKind};

/// A byte range `[start, end)` of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span's text.
    ///
    /// ```
    /// assert_eq!(standpoint_attribute::Span { start: 4, end: 9 }.text("say hello"), "hello");
    /// ```
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// One attribution: what was said, by whom, with which cue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The content: one span, or several for a quote interrupted by its frame ("“A,” she
    /// said, “B.”") or running over paragraphs.
    pub content: Vec<Span>,
    /// The cue ("said", "according to", ":"); empty when there is none.
    pub cue: Vec<Span>,
    /// The source mention ("the minister", "he", "Dr. Amira Haddad"), if any.
    pub source: Option<Span>,
    /// The resolved speaker's name ("Amira Haddad"), or the mention itself when it names no
    /// person ("a source", "The New York Post"); `None` without a source.
    pub speaker: Option<String>,
    /// The speaker's role or title when the document gives one ("US Secretary of State").
    pub role: Option<String>,
    /// Whether the content holds a quotation (direct or mixed quote).
    pub direct: bool,
}

impl Attribution {
    /// The content spans' texts.
    pub fn content_text<'t>(&self, text: &'t str) -> Vec<&'t str> {
        self.content.iter().map(|s| s.text(text)).collect()
    }
}

/// Finds attributions; cheap to build, reusable, `Sync`.
#[derive(Debug, Clone)]
pub struct Attributor {
    segmenter: Segmenter,
}

impl Default for Attributor {
    fn default() -> Self {
        Attributor {
            segmenter: Segmenter::new(Config::default().newlines(Newlines::Paragraph)),
        }
    }
}

impl Attributor {
    /// Every attribution in `text`, in document order. Never panics; unbalanced quotation
    /// marks close at the end of their paragraph, or after five sentences when it runs on.
    pub fn attribute(&self, text: &str) -> Vec<Attribution> {
        self.attribute_doc(&words::Doc::new(text, &self.segmenter))
    }

    /// [`attribute`](Self::attribute) on a document already segmented.
    pub(crate) fn attribute_doc(&self, doc: &words::Doc<'_>) -> Vec<Attribution> {
        let text = doc.text;
        let mut quoted = quotes::find(text);
        quotes::cap_unclosed(doc, &mut quoted);
        let mut found = quotes::frame(doc, &quoted);
        let reported = cues::indirect(doc, &found);
        found.extend(reported);
        found.sort_by_key(|a| a.content.first().map_or(0, |s| s.start));
        // Contents never overlap: an attribution overlapping an earlier one is dropped. The
        // kept contents are held as disjoint intervals (start -> end, touching and overlapping
        // spans united), so each check is one lookup, not a scan of everything kept.
        let mut kept: Vec<Attribution> = Vec::with_capacity(found.len());
        let mut taken: std::collections::BTreeMap<usize, usize> = Default::default();
        for a in found {
            let clash = a.content.iter().any(|y| {
                taken
                    .range(..y.end)
                    .next_back()
                    .is_some_and(|(_, &end)| end > y.start)
            });
            if !clash && a.content.iter().all(|c| c.end > c.start) {
                for c in &a.content {
                    let (mut start, mut end) = (c.start, c.end);
                    // Unite with every interval it touches.
                    while let Some((&s, &e)) = taken.range(..=end).next_back() {
                        if e < start {
                            break;
                        }
                        taken.remove(&s);
                        start = start.min(s);
                        end = end.max(e);
                    }
                    taken.insert(start, end);
                }
                kept.push(a);
            }
        }
        let mut found = kept;
        speakers::resolve(doc, &mut found);
        found
    }
}
