//! Fast English sentence segmentation with byte offsets.
//!
//! `standpoint-segment` splits English news and general prose into sentences. It returns byte
//! ranges into the input (spans, not copies) together with the paragraph each sentence belongs
//! to, so callers can always find a sentence in the original document.
//!
//! It is rule based, has no model and no dependencies, and is built for corpora: a single
//! pass over the bytes, with work only at candidate terminators (`.`, `?`, `!`, `…`, `)`).
//!
//! It handles abbreviations and titles (`Mr.`, `Sen.`, `Gen.`, `U.S.`, `Jan.`, `a.m.`),
//! initials, numbers and money (`$1.2bn`, `3.5%`), ellipses, numbered and lettered lists,
//! URLs and e-mail addresses, parentheses, and quotations (straight and curly, `...," he said.`).
//! By default every line break ends a sentence and starts a paragraph, so headlines,
//! datelines and captions without final punctuation are sentences of their own.
//!
//! # Guarantees
//! For any input, every non-whitespace character lies in exactly one sentence; sentences are
//! ordered, disjoint, never empty, start and end on char boundaries, and never start or end
//! with whitespace. Segmentation never panics.
//!
//! # Example
//! ```
//! use standpoint_segment::Segmenter;
//!
//! let text = "Sen. Smith arrived at 5 p.m. on Jan. 5. He said: \"We won't back down.\"\nNext line";
//! let seg = Segmenter::default();
//! let sentences: Vec<&str> = seg.segment(text).iter().map(|s| s.text(text)).collect();
//! assert_eq!(
//!     sentences,
//!     [
//!         "Sen. Smith arrived at 5 p.m. on Jan. 5.",
//!         "He said: \"We won't back down.\"",
//!         "Next line",
//!     ]
//! );
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::ops::Range;

mod rules;

use rules::{AbbrKind, BUILTIN_ABBREVIATIONS, STARTERS, TIME_FOLLOWERS};

/// One sentence: a byte range into the segmented text and the paragraph it belongs to.
///
/// ```
/// use standpoint_segment::Segmenter;
///
/// let text = "One. Two.\n\nThree.";
/// let s = Segmenter::default().segment(text);
/// assert_eq!((s[1].start, s[1].end, s[1].paragraph), (5, 9, 0));
/// assert_eq!(s[2].paragraph, 1);
/// assert_eq!(s[2].text(text), "Three.");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sentence {
    /// Byte offset of the first byte of the sentence.
    pub start: usize,
    /// Byte offset one past the last byte of the sentence.
    pub end: usize,
    /// Zero-based index of the paragraph the sentence belongs to.
    pub paragraph: usize,
}

impl Sentence {
    /// The byte range of the sentence.
    ///
    /// ```
    /// # use standpoint_segment::Segmenter;
    /// let text = "Hi there. Bye.";
    /// let s = Segmenter::default().segment(text);
    /// assert_eq!(s[1].range(), 10..14);
    /// ```
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The sentence text, borrowed from the document it was segmented from.
    ///
    /// `text` must be the same string that was segmented; otherwise the range may not fit it,
    /// and an empty string is returned instead of panicking.
    ///
    /// ```
    /// # use standpoint_segment::Segmenter;
    /// let text = "Hi there. Bye.";
    /// let s = Segmenter::default().segment(text);
    /// assert_eq!(s[0].text(text), "Hi there.");
    /// ```
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.range()).unwrap_or("")
    }

    /// The length of the sentence in bytes.
    ///
    /// ```
    /// # use standpoint_segment::Sentence;
    /// assert_eq!(Sentence { start: 3, end: 10, paragraph: 0 }.len(), 7);
    /// ```
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the sentence is empty (never true for sentences produced by a [`Segmenter`]).
    ///
    /// ```
    /// # use standpoint_segment::Sentence;
    /// assert!(Sentence { start: 3, end: 3, paragraph: 0 }.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// How line breaks are treated.
///
/// ```
/// use standpoint_segment::{Config, Newlines, Segmenter};
///
/// let text = "The minister said the talks\nwould resume.\n\nNew paragraph.";
/// let lines = Segmenter::default().segment(text);
/// assert_eq!(lines.len(), 3);
/// let wrapped = Segmenter::new(Config::default().newlines(Newlines::BlankLine)).segment(text);
/// assert_eq!(wrapped.len(), 2);
/// assert_eq!(wrapped[0].text(text), "The minister said the talks\nwould resume.");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Newlines {
    /// Every line break ends a sentence and every non-empty line starts a new paragraph
    /// (one paragraph per line, as in most JSONL news dumps). Headlines, datelines and
    /// captions without final punctuation become sentences of their own. The default.
    #[default]
    Paragraph,
    /// For hard-wrapped text: a single line break is a space; a blank line (a line holding
    /// only whitespace) ends a sentence and starts a new paragraph.
    BlankLine,
}

/// Segmenter configuration; [`Config::default`] is tuned for English news.
///
/// ```
/// use standpoint_segment::{Config, Newlines, Segmenter};
///
/// let config = Config::default().abbreviation("Assn").newlines(Newlines::Paragraph);
/// let text = "He joined the Bar Assn. Smith said so.";
/// assert_eq!(Segmenter::new(config).segment(text).len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// How line breaks are treated.
    pub newlines: Newlines,
    /// Extra abbreviations, without the final period (`"Assn"`, `"Supt"`); matched
    /// case-insensitively. A period after one of these ends a sentence only when a common
    /// sentence starter ("The", "He", "It", ...) follows.
    pub extra_abbreviations: Vec<String>,
    /// Detect numbered and lettered lists (`1. ... 2. ...`, `a) ... b) ...`) and break before
    /// each item. On by default.
    pub lists: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            newlines: Newlines::default(),
            extra_abbreviations: Vec::new(),
            lists: true,
        }
    }
}

impl Config {
    /// Sets the line-break mode.
    ///
    /// ```
    /// # use standpoint_segment::{Config, Newlines};
    /// assert_eq!(Config::default().newlines(Newlines::BlankLine).newlines, Newlines::BlankLine);
    /// ```
    pub fn newlines(mut self, newlines: Newlines) -> Self {
        self.newlines = newlines;
        self
    }

    /// Adds an abbreviation (without its final period).
    ///
    /// ```
    /// # use standpoint_segment::Config;
    /// assert_eq!(Config::default().abbreviation("Supt").extra_abbreviations, ["Supt"]);
    /// ```
    pub fn abbreviation(mut self, abbreviation: impl Into<String>) -> Self {
        self.extra_abbreviations.push(abbreviation.into());
        self
    }

    /// Turns list detection on or off.
    ///
    /// ```
    /// # use standpoint_segment::{Config, Segmenter};
    /// let text = "1. The first item 2. The second item";
    /// let with = Segmenter::default().segment(text);
    /// assert_eq!(with[0].text(text), "1. The first item");
    /// let without = Segmenter::new(Config::default().lists(false)).segment(text);
    /// assert_eq!(without[0].text(text), "1. The first item 2.");
    /// ```
    pub fn lists(mut self, lists: bool) -> Self {
        self.lists = lists;
        self
    }
}

/// A sentence segmenter. Cheap to share: segmentation takes `&self`, so one segmenter can
/// serve many threads.
///
/// ```
/// use standpoint_segment::Segmenter;
///
/// let seg = Segmenter::default();
/// let text = "I live in the U.S. How about you?";
/// let got: Vec<_> = seg.sentences(text).map(|s| s.text(text)).collect();
/// assert_eq!(got, ["I live in the U.S.", "How about you?"]);
/// ```
#[derive(Debug, Clone)]
pub struct Segmenter {
    newlines: Newlines,
    lists: bool,
    abbreviations: HashMap<Box<[u8]>, AbbrKind>,
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter::new(Config::default())
    }
}

/// Longest word (in bytes) looked up as an abbreviation.
const MAX_ABBR: usize = 24;

impl Segmenter {
    /// Builds a segmenter from a configuration.
    ///
    /// ```
    /// # use standpoint_segment::{Config, Segmenter};
    /// let seg = Segmenter::new(Config::default());
    /// assert_eq!(seg.segment("A. B.").len(), 1);
    /// ```
    pub fn new(config: Config) -> Self {
        let mut abbreviations: HashMap<Box<[u8]>, AbbrKind> = BUILTIN_ABBREVIATIONS
            .iter()
            .map(|(word, kind)| (word.as_bytes().into(), *kind))
            .collect();
        for extra in &config.extra_abbreviations {
            let word = extra.trim().trim_end_matches('.');
            if word.is_empty() || word.len() > MAX_ABBR {
                continue;
            }
            abbreviations.insert(
                word.to_ascii_lowercase().into_bytes().into(),
                AbbrKind::Regular,
            );
        }
        Segmenter {
            newlines: config.newlines,
            lists: config.lists,
            abbreviations,
        }
    }

    /// Segments `text` into sentences.
    ///
    /// ```
    /// # use standpoint_segment::Segmenter;
    /// let text = "She has $100.00. It is in her bag.";
    /// let s = Segmenter::default().segment(text);
    /// assert_eq!(s.len(), 2);
    /// assert_eq!(s[0].text(text), "She has $100.00.");
    /// ```
    pub fn segment(&self, text: &str) -> Vec<Sentence> {
        self.sentences(text).collect()
    }

    /// Streams the sentences of `text`, one paragraph at a time; memory use is bounded by the
    /// longest paragraph, not the whole text.
    ///
    /// ```
    /// # use standpoint_segment::Segmenter;
    /// let seg = Segmenter::default();
    /// let first = seg.sentences("Hello World. My name is Jonas.").next().unwrap();
    /// assert_eq!(first.range(), 0..12);
    /// ```
    pub fn sentences<'s, 't>(&'s self, text: &'t str) -> Sentences<'s, 't> {
        Sentences {
            seg: self,
            text,
            pos: 0,
            paragraph: 0,
            buf: Vec::new(),
            next: 0,
            scratch: Scratch::default(),
        }
    }

    /// Finds the next block (a stretch of text without hard breaks) starting at `pos`.
    /// Returns its range and where scanning resumes, or `None` at the end of the text.
    fn next_block(&self, bytes: &[u8], pos: usize) -> Option<(usize, usize, usize)> {
        if pos >= bytes.len() {
            return None;
        }
        match self.newlines {
            Newlines::Paragraph => {
                let end = find_byte(b'\n', &bytes[pos..]).map_or(bytes.len(), |k| pos + k);
                Some((pos, end, (end + 1).min(bytes.len())))
            }
            Newlines::BlankLine => {
                let mut search = pos;
                loop {
                    let Some(k) = find_byte(b'\n', &bytes[search..]) else {
                        return Some((pos, bytes.len(), bytes.len()));
                    };
                    let nl = search + k;
                    // A blank line: only spaces/tabs/CR between this newline and the next.
                    let mut j = nl + 1;
                    while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\r' | b'\x0c') {
                        j += 1;
                    }
                    if j < bytes.len() && bytes[j] == b'\n' {
                        return Some((pos, nl, j + 1));
                    }
                    search = nl + 1;
                }
            }
        }
    }

    /// Segments one block `[bs, be)` into `out`.
    fn segment_block(
        &self,
        text: &str,
        bs: usize,
        be: usize,
        paragraph: usize,
        scratch: &mut Scratch,
        out: &mut Vec<Sentence>,
    ) {
        let bytes = text.as_bytes();
        scratch.bounds.clear();
        scratch.markers.clear();
        let mut i = bs;
        while i < be {
            let b = bytes[i];
            if !INTERESTING[b as usize] {
                i += 1;
                continue;
            }
            match b {
                b'.' | b'?' | b'!' => i = self.terminator(text, bs, be, i, scratch),
                b')' => {
                    if self.lists {
                        self.list_marker(bytes, bs, be, i, scratch);
                    }
                    i += 1;
                }
                0xE2 if bytes[i..be].starts_with(ELLIPSIS) => {
                    i = self.terminator(text, bs, be, i, scratch)
                }
                _ => i += 1,
            }
        }
        if !scratch.markers.is_empty() {
            apply_lists(scratch);
        }
        let mut prev = bs;
        for &b in scratch.bounds.iter().chain(std::iter::once(&be)) {
            if b > prev {
                push_trimmed(text, prev, b, paragraph, out);
            }
            prev = prev.max(b);
        }
    }

    /// Handles a terminator cluster starting at `i`; records a boundary if it ends a sentence.
    /// Returns the position where scanning resumes.
    fn terminator(&self, text: &str, bs: usize, be: usize, i: usize, sc: &mut Scratch) -> usize {
        let bytes = text.as_bytes();
        // The cluster: terminators, ellipses, and spaced ellipses (". . .").
        let mut j = i;
        let mut dots = 0usize;
        let mut qe = false; // '?' or '!' present
        let mut spaced = false;
        while j < be {
            match bytes[j] {
                b'.' => {
                    dots += 1;
                    j += 1;
                }
                b'?' | b'!' => {
                    qe = true;
                    j += 1;
                }
                0xE2 if bytes[j..be].starts_with(ELLIPSIS) => {
                    dots += 3;
                    j += 3;
                }
                b' ' if dots > 0
                    && j + 1 < be
                    && bytes[j + 1] == b'.'
                    && (j + 2 >= be
                        || matches!(bytes[j + 2], b' ' | b'.')
                        || is_closer_at(bytes, j + 2, be) > 0) =>
                {
                    spaced = true;
                    j += 1;
                }
                _ => break,
            }
        }
        if self.lists && bytes[i] == b'.' && j == i + 1 {
            self.list_marker(bytes, bs, be, i, sc);
        }
        let cluster_end = j;
        // Closing quotes and brackets belong to the sentence they close.
        let mut k = cluster_end;
        loop {
            let n = is_closer_at(bytes, k, be);
            if n == 0 {
                break;
            }
            k += n;
        }
        let mut end = absorb_citations(bytes, i, k, be, true);
        if end >= be {
            return end; // the block end is a boundary anyway
        }
        let ws = ws_len_at(text, end);
        if ws == 0 {
            return end; // "U.S.A", "example.com", "$1.2bn", "...see", "Jr.'s"
        }
        let attached = i > bs && ws_len_at_before(text, i) == 0;
        // "[...]" marks an omission, never an end.
        if i > bs && bytes[i - 1] == b'[' && dots >= 3 {
            return end;
        }
        // A citation after the space belongs to the sentence it follows: "Dulwich. [17] Placed".
        let after_ws = end + ws;
        let mut cited = absorb_citations(bytes, i, after_ws, be, false);
        if cited == after_ws {
            cited = absorb_loose_note(text, after_ws, be);
        }
        if cited > after_ws {
            end = cited;
            if end >= be || ws_len_at(text, end) == 0 {
                return end;
            }
        }
        let next = next_token(text, end, be);
        let Some(first) = next.first else {
            return end; // only whitespace follows inside the block
        };
        if first.is_lowercase() && !next.list_item {
            return end;
        }
        if !qe && !spaced && dots == 1 && !next.list_item {
            let last = sc.bounds.last().copied().unwrap_or(bs).max(bs);
            if is_lone_marker(&text[last..i]) {
                return end; // "1. This is a list item.", "Q. What is his name?"
            }
        }
        let boundary = if qe {
            true
        } else if spaced {
            if attached {
                // "compounds. . . . The": the word's own period ends the sentence and the
                // ellipsis opens the next one.
                if first.is_uppercase() {
                    sc.bounds.push(if bytes[i] == b'.' {
                        i + 1
                    } else {
                        i + ELLIPSIS.len()
                    });
                }
                return end;
            }
            dots >= 4 && first.is_uppercase()
        } else if dots >= 2 {
            true
        } else {
            self.decide_period(text, bs, i, &next, first, sc)
        };
        if boundary {
            sc.bounds.push(end);
        }
        end
    }

    /// Decides whether a single period at `i` (followed by whitespace and a token that does
    /// not start lowercase) ends a sentence, from the word before it.
    fn decide_period(
        &self,
        text: &str,
        bs: usize,
        i: usize,
        next: &NextToken<'_>,
        first: char,
        sc: &Scratch,
    ) -> bool {
        let bytes = text.as_bytes();
        let word_start = word_start_before(bytes, bs, i);
        let word = &bytes[word_start..i];
        let kind = self.classify(word);
        let digit = first.is_ascii_digit();
        let starter = next.opened || STARTERS.contains(&next.word);
        match kind {
            None => true,
            Some(AbbrKind::Title) => false,
            Some(AbbrKind::Numeric) => !digit,
            Some(AbbrKind::Regular) => !digit && starter,
            Some(AbbrKind::Time) => {
                if digit || TIME_FOLLOWERS.contains(&next.word) {
                    false
                } else {
                    let last = sc.bounds.last().copied().unwrap_or(bs).max(bs);
                    !fronted_time_phrase(&text[last..word_start])
                }
            }
        }
    }

    fn classify(&self, word: &[u8]) -> Option<AbbrKind> {
        if word.is_empty() || word.len() > MAX_ABBR {
            return None;
        }
        let mut buf = [0u8; MAX_ABBR];
        let lower = &mut buf[..word.len()];
        lower.copy_from_slice(word);
        lower.make_ascii_lowercase();
        if let Some(kind) = self.abbreviations.get(&*lower) {
            return Some(*kind);
        }
        if word.len() == 1 && word[0].is_ascii_alphabetic() {
            return Some(AbbrKind::Regular); // an initial: "Jonas E. Smith"
        }
        // Dotted abbreviations: "U.S", "e.g", "Ph.D", "U.S.A".
        if word.contains(&b'.')
            && word.split(|&c| c == b'.').all(|seg| {
                !seg.is_empty() && seg.len() <= 2 && seg.iter().all(u8::is_ascii_alphabetic)
            })
        {
            return Some(AbbrKind::Regular);
        }
        None
    }

    /// Records a list-marker candidate ending at the `.` or `)` at `p`.
    fn list_marker(&self, bytes: &[u8], bs: usize, be: usize, p: usize, sc: &mut Scratch) {
        // Token before p: 1-3 digits, or a single ASCII lowercase letter.
        let mut s = p;
        while s > bs && p - s < 4 && bytes[s - 1].is_ascii_alphanumeric() {
            s -= 1;
        }
        let tok = &bytes[s..p];
        if tok.is_empty() || (s > bs && bytes[s - 1].is_ascii_alphanumeric()) {
            return;
        }
        let (value, letter) = if tok.iter().all(u8::is_ascii_digit) && tok.len() <= 3 {
            let v = tok.iter().fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
            (v, false)
        } else if tok.len() == 1 && tok[0].is_ascii_lowercase() {
            (u32::from(tok[0] - b'a') + 1, true)
        } else {
            return;
        };
        // Suffix: ".", ")" or ".)".
        let (mut e, kind) = if bytes[p] == b')' {
            (p + 1, 1u8)
        } else if p + 1 < be && bytes[p + 1] == b')' {
            (p + 2, 2u8)
        } else {
            (p + 1, 0u8)
        };
        if e >= be || !matches!(bytes[e], b' ' | b'\t') {
            return;
        }
        // What precedes the token: start of block, whitespace, or a bullet.
        let mut start = s;
        if s > bs {
            let before = bytes[s - 1];
            if before == b' ' || before == b'\t' || before == b'\n' || before == b'\r' {
                // Allow a bullet before the whitespace.
                let mut t = s - 1;
                while t > bs && matches!(bytes[t - 1], b' ' | b'\t') {
                    t -= 1;
                }
                if let Some(n) = bullet_before(bytes, bs, t) {
                    start = t - n;
                }
            } else if let Some(n) = bullet_before(bytes, bs, s) {
                start = s - n;
            } else {
                return;
            }
        }
        e = e.min(be);
        sc.markers.push(Marker {
            start,
            suffix_end: e,
            value,
            style: (letter as u8) << 2 | kind,
            chained: false,
        });
    }
}

/// Iterator over the sentences of a text, from [`Segmenter::sentences`].
///
/// ```
/// # use standpoint_segment::Segmenter;
/// let seg = Segmenter::default();
/// assert_eq!(seg.sentences("One. Two. Three.").count(), 3);
/// ```
#[derive(Debug)]
pub struct Sentences<'s, 't> {
    seg: &'s Segmenter,
    text: &'t str,
    pos: usize,
    paragraph: usize,
    buf: Vec<Sentence>,
    next: usize,
    scratch: Scratch,
}

impl Iterator for Sentences<'_, '_> {
    type Item = Sentence;

    fn next(&mut self) -> Option<Sentence> {
        loop {
            if self.next < self.buf.len() {
                self.next += 1;
                return Some(self.buf[self.next - 1]);
            }
            self.buf.clear();
            self.next = 0;
            let (bs, be, resume) = self.seg.next_block(self.text.as_bytes(), self.pos)?;
            self.pos = resume;
            self.seg.segment_block(
                self.text,
                bs,
                be,
                self.paragraph,
                &mut self.scratch,
                &mut self.buf,
            );
            if !self.buf.is_empty() {
                self.paragraph += 1;
            }
        }
    }
}

impl std::iter::FusedIterator for Sentences<'_, '_> {}

/// The byte range of what a reader has just read before sentence `i`: the previous sentences
/// of its paragraph (at most `max_sentences`), or, when it opens its paragraph, the last
/// sentence of the paragraph before (news paragraphs are often one sentence, and "rejected the
/// idea" needs the idea). Empty (`start..start`) for the first sentence or an index out of
/// range. A stance classifier reads it to resolve "it", "the idea" or "one"; the sentence
/// stays what is classified.
///
/// ```
/// use standpoint_segment::{context_before, Segmenter};
/// let text = "A truce is near. We welcome it.\n\nThe general rejected the idea. He left.";
/// let s = Segmenter::default().segment(text);
/// assert_eq!(&text[context_before(&s, 1, 2)], "A truce is near.");
/// assert_eq!(&text[context_before(&s, 2, 2)], "We welcome it.");
/// assert_eq!(&text[context_before(&s, 3, 2)], "The general rejected the idea.");
/// assert!(context_before(&s, 0, 2).is_empty());
/// ```
pub fn context_before(sentences: &[Sentence], i: usize, max_sentences: usize) -> Range<usize> {
    let Some(here) = sentences.get(i) else {
        return 0..0;
    };
    if i == 0 || max_sentences == 0 {
        return here.start..here.start;
    }
    let prev = &sentences[i - 1];
    if prev.paragraph != here.paragraph {
        return prev.start..prev.end.min(here.start);
    }
    let mut first = i - 1;
    while first > 0 && i - first < max_sentences && sentences[first - 1].paragraph == here.paragraph
    {
        first -= 1;
    }
    sentences[first].start..prev.end.min(here.start)
}

/// Segments `text` with the default configuration.
///
/// ```
/// let text = "Hello World. My name is Jonas.";
/// let s = standpoint_segment::segment(text);
/// assert_eq!(s[1].text(text), "My name is Jonas.");
/// ```
pub fn segment(text: &str) -> Vec<Sentence> {
    Segmenter::default().segment(text)
}

#[derive(Debug, Default)]
struct Scratch {
    bounds: Vec<usize>,
    markers: Vec<Marker>,
}

#[derive(Debug, Clone, Copy)]
struct Marker {
    start: usize,
    suffix_end: usize,
    value: u32,
    style: u8,
    chained: bool,
}

/// Breaks before every list marker that is part of a run of consecutive markers of the same
/// style (1, 2, 3 or a, b, c), and removes the boundary a marker's own period created.
fn apply_lists(sc: &mut Scratch) {
    let markers = &mut sc.markers;
    let n = markers.len();
    for a in 0..n {
        // Look ahead a bounded number of markers for the successor.
        for b in (a + 1)..n.min(a + 64) {
            if markers[b].style == markers[a].style && markers[b].value == markers[a].value + 1 {
                markers[a].chained = true;
                markers[b].chained = true;
                break;
            }
        }
    }
    if !markers.iter().any(|m| m.chained) {
        return;
    }
    let bounds = &mut sc.bounds;
    for m in markers.iter().filter(|m| m.chained) {
        bounds.retain(|&b| b != m.suffix_end);
        bounds.push(m.start);
    }
    bounds.sort_unstable();
    bounds.dedup();
}

fn push_trimmed(text: &str, s: usize, e: usize, paragraph: usize, out: &mut Vec<Sentence>) {
    let Some(slice) = text.get(s..e) else {
        return;
    };
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if !trimmed.is_empty() {
        let start = s + lead;
        out.push(Sentence {
            start,
            end: start + trimmed.len(),
            paragraph,
        });
    }
}

const ELLIPSIS: &[u8] = "…".as_bytes();

static INTERESTING: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'?' as usize] = true;
    t[b'!' as usize] = true;
    t[b')' as usize] = true;
    t[0xE2] = true;
    t
};

fn find_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// Length of a closing quote or bracket at `k`, or 0.
fn is_closer_at(bytes: &[u8], k: usize, be: usize) -> usize {
    if k >= be {
        return 0;
    }
    match bytes[k] {
        b'"' | b'\'' | b')' | b']' | b'}' => 1,
        // ’ ” › (E2 80 99, E2 80 9D, E2 80 BA)
        0xE2 if k + 3 <= be
            && bytes[k + 1] == 0x80
            && matches!(bytes[k + 2], 0x99 | 0x9D | 0xBA) =>
        {
            3
        }
        0xC2 if k + 2 <= be && bytes[k + 1] == 0xBB => 2, // »
        _ => 0,
    }
}

/// Length of an opening quote or bracket at `k`, or 0.
fn opener_len_at(bytes: &[u8], k: usize, be: usize) -> usize {
    if k >= be {
        return 0;
    }
    match bytes[k] {
        b'"' | b'\'' | b'(' | b'[' | b'{' | b'`' => 1,
        0xE2 if k + 3 <= be
            && bytes[k + 1] == 0x80
            && matches!(bytes[k + 2], 0x98 | 0x9C | 0xB9) =>
        {
            3
        }
        0xC2 if k + 2 <= be && bytes[k + 1] == 0xAB => 2, // «
        _ => 0,
    }
}

/// Length of a bullet character ending at `t` (exclusive), or `None`. A bullet stands at the
/// start of the block or after whitespace.
fn bullet_before(bytes: &[u8], bs: usize, t: usize) -> Option<usize> {
    let n = bullet_len_before(bytes, bs, t)?;
    let s = t - n;
    (s == bs || bytes[s - 1].is_ascii_whitespace()).then_some(n)
}

fn bullet_len_before(bytes: &[u8], bs: usize, t: usize) -> Option<usize> {
    if t > bs && matches!(bytes[t - 1], b'*' | b'-') {
        return Some(1);
    }
    // • U+2022 (E2 80 A2), ⁃ U+2043 (E2 81 83), ◦ U+25E6 (E2 97 A6), ▪ U+25AA (E2 96 AA)
    if t >= bs + 3 {
        let c = &bytes[t - 3..t];
        if c == [0xE2, 0x80, 0xA2]
            || c == [0xE2, 0x81, 0x83]
            || c == [0xE2, 0x97, 0xA6]
            || c == [0xE2, 0x96, 0xAA]
        {
            return Some(3);
        }
    }
    None
}

/// Byte length of the whitespace character at `k` (0 if none or out of range).
fn ws_len_at(text: &str, k: usize) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(k) {
        None => 0,
        Some(b) if b.is_ascii() => usize::from(b.is_ascii_whitespace() || *b == 0x0b),
        Some(_) => match text.get(k..).and_then(|s| s.chars().next()) {
            Some(c) if c.is_whitespace() => c.len_utf8(),
            _ => 0,
        },
    }
}

/// Whether the character just before `i` is whitespace (returns its length, 0 if not).
fn ws_len_at_before(text: &str, i: usize) -> usize {
    match text.get(..i).and_then(|s| s.chars().next_back()) {
        Some(c) if c.is_whitespace() => c.len_utf8(),
        _ => 0,
    }
}

/// Start of the word that ends at `i`: back to whitespace or an opening quote or bracket.
fn word_start_before(bytes: &[u8], bs: usize, i: usize) -> usize {
    let mut s = i;
    while s > bs && i - s <= MAX_ABBR {
        let c = bytes[s - 1];
        if c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b'(' | b'[' | b'{') {
            break;
        }
        // Curly opening quotes: ‘ “ (E2 80 98 / E2 80 9C)
        if s >= bs + 3
            && bytes[s - 3] == 0xE2
            && bytes[s - 2] == 0x80
            && matches!(bytes[s - 1], 0x98 | 0x9C)
        {
            break;
        }
        s -= 1;
    }
    if i - s > MAX_ABBR {
        return i - MAX_ABBR.min(i - bs); // too long to be an abbreviation; classify rejects it
    }
    s
}

struct NextToken<'t> {
    /// First character after whitespace and opening quotes/brackets.
    first: Option<char>,
    /// Whether an opening quote or bracket was skipped.
    opened: bool,
    /// The ASCII alphabetic word starting at `first` (may be empty).
    word: &'t str,
    /// The token is a parenthesised list label: "(b)", "(12)".
    list_item: bool,
}

fn next_token(text: &str, mut k: usize, be: usize) -> NextToken<'_> {
    let bytes = text.as_bytes();
    loop {
        let n = ws_len_at(text, k);
        if n == 0 || k >= be {
            break;
        }
        k += n;
    }
    let list_item = bytes.get(k) == Some(&b'(') && {
        let mut e = k + 1;
        while e < be && e - k <= 3 && bytes[e].is_ascii_alphanumeric() {
            e += 1;
        }
        e > k + 1 && e < be && bytes[e] == b')'
    };
    let mut opened = false;
    loop {
        let n = opener_len_at(bytes, k, be);
        if n == 0 {
            break;
        }
        opened = true;
        k += n;
    }
    if k >= be {
        return NextToken {
            first: None,
            opened,
            word: "",
            list_item,
        };
    }
    // Dashes do not start a sentence: "voila! -- you have cake."
    while k < be && (bytes[k] == b'-' || bytes[k..be].starts_with("—".as_bytes())) {
        k += if bytes[k] == b'-' { 1 } else { 3 };
        while k < be && bytes[k] == b' ' {
            k += 1;
        }
    }
    let first = text.get(k..be).and_then(|s| s.chars().next());
    let mut e = k;
    while e < be && e - k < 16 && bytes[e].is_ascii_alphabetic() {
        e += 1;
    }
    let word = if e < be && bytes[e].is_ascii_alphabetic() {
        "" // longer than any starter
    } else {
        text.get(k..e).unwrap_or("")
    };
    NextToken {
        first,
        opened,
        word,
        list_item,
    }
}

/// Extends a sentence end over citation marks: "[17]", "[7][8]", and, when `attached` and the
/// word before the period at `i` is a word, footnote numbers: "consultation.11 12 Take".
fn absorb_citations(bytes: &[u8], i: usize, mut k: usize, be: usize, attached: bool) -> usize {
    let start = k;
    loop {
        if k < be && bytes[k] == b'[' {
            let mut e = k + 1;
            while e < be && e - k <= 4 && bytes[e].is_ascii_digit() {
                e += 1;
            }
            if e > k + 1 && e < be && bytes[e] == b']' {
                k = e + 1;
                continue;
            }
        }
        break;
    }
    if attached
        && k == start
        && i > 0
        && (bytes[i - 1].is_ascii_alphabetic() || bytes[i - 1] == b')')
    {
        // Footnote numbers: digits right after the period, then more space-separated numbers.
        let mut e = k;
        while e < be && e - k < 3 && bytes[e].is_ascii_digit() {
            e += 1;
        }
        if e > k && (e >= be || bytes[e] == b' ') {
            k = e;
            loop {
                let mut f = k;
                while f < be && bytes[f] == b' ' {
                    f += 1;
                }
                let g0 = f;
                while f < be && f - g0 < 3 && bytes[f].is_ascii_digit() {
                    f += 1;
                }
                if f > g0 && f > k + 1 && (f >= be || bytes[f] == b' ') {
                    k = f;
                } else {
                    break;
                }
            }
        }
    }
    if k > start && k < be && !bytes[k].is_ascii_whitespace() {
        return start; // "[1]x" is not a citation mark
    }
    k
}

/// After a sentence end and a space: an omission mark ("[...]", "[…]") or a footnote number
/// followed by a capitalised word ("rights. 4 Even though") belongs to the sentence before.
fn absorb_loose_note(text: &str, k: usize, be: usize) -> usize {
    let bytes = &text.as_bytes()[..be];
    for mark in ["[...]", "[…]"] {
        if bytes[k..].starts_with(mark.as_bytes()) {
            let e = k + mark.len();
            return if e >= be || bytes[e].is_ascii_whitespace() {
                e
            } else {
                k
            };
        }
    }
    let mut e = k;
    while e < be && e - k < 2 && bytes[e].is_ascii_digit() {
        e += 1;
    }
    if e == k || e >= be || bytes[e] != b' ' {
        return k;
    }
    let after = bytes.get(e + 1).copied().unwrap_or(b' ');
    let next_lower = bytes.get(e + 2).copied().unwrap_or(b' ');
    if after.is_ascii_uppercase() && next_lower.is_ascii_lowercase() {
        e
    } else {
        k
    }
}

/// Whether `so_far` (the sentence up to a period) is only a list label: "1", "10", "Q", "• 9".
fn is_lone_marker(so_far: &str) -> bool {
    let t = so_far
        .trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '•' | '⁃' | '*' | '-' | '◦' | '▪')
        })
        .trim_end();
    let b = t.as_bytes();
    (1..=3).contains(&b.len()) && b.iter().all(u8::is_ascii_digit)
        || (b.len() == 1 && b[0].is_ascii_alphabetic())
}

/// "At 5 a.m." at the start of a sentence is a fronted time phrase, not a sentence.
fn fronted_time_phrase(before: &str) -> bool {
    let mut words = before.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let count = 1 + words.count();
    count <= 3
        && rules::TIME_PREPOSITIONS
            .iter()
            .any(|p| first.eq_ignore_ascii_case(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        Segmenter::default()
            .segment(text)
            .iter()
            .map(|s| s.text(text))
            .collect()
    }

    #[test]
    fn news_cases() {
        assert_eq!(
            split("WASHINGTON (Reuters) - Sen. Jane Doe said on Tuesday the U.S. would act. \u{201c}We will not wait,\u{201d} she said."),
            [
                "WASHINGTON (Reuters) - Sen. Jane Doe said on Tuesday the U.S. would act.",
                "\u{201c}We will not wait,\u{201d} she said."
            ]
        );
        assert_eq!(
            split("Profit rose 3.5% to $1.2bn. Shares fell."),
            ["Profit rose 3.5% to $1.2bn.", "Shares fell."]
        );
        assert_eq!(
            split("\"We tried...,\" he said. Then he left."),
            ["\"We tried...,\" he said.", "Then he left."]
        );
        assert_eq!(
            split("\"No,\" said Colonel (ret.) Anton Brik, who leads them. He left."),
            [
                "\"No,\" said Colonel (ret.) Anton Brik, who leads them.",
                "He left."
            ]
        );
    }

    #[test]
    fn quotes_spanning_sentences() {
        assert_eq!(
            split("\u{201c}We will not yield. We will fight,\u{201d} Gen. Ross said."),
            [
                "\u{201c}We will not yield.",
                "We will fight,\u{201d} Gen. Ross said."
            ]
        );
    }

    #[test]
    fn time_abbreviation_rule() {
        assert_eq!(
            split("At 5 a.m. Mr. Smith went to the bank. He left the bank at 6 P.M. Mr. Smith then went to the store."),
            [
                "At 5 a.m. Mr. Smith went to the bank.",
                "He left the bank at 6 P.M.",
                "Mr. Smith then went to the store."
            ]
        );
        assert_eq!(
            split("The vote is at 9 a.m. Tuesday."),
            ["The vote is at 9 a.m. Tuesday."]
        );
    }

    #[test]
    fn blank_line_mode_keeps_wrapped_sentences() {
        let seg = Segmenter::new(Config::default().newlines(Newlines::BlankLine));
        let text = "A wrapped\nsentence. Another.\n \nNew para.";
        let s = seg.segment(text);
        assert_eq!(s.len(), 3);
        assert_eq!((s[1].paragraph, s[2].paragraph), (0, 1));
    }
}
