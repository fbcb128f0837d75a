//! The document as sentences, paragraphs and word tokens with byte spans.

use std::collections::HashSet;
use std::sync::OnceLock;

use standpoint_segment::Segmenter;

use crate::Span;

/// Opening and closing quotation marks.
pub(crate) fn is_quote_mark(c: char) -> bool {
    matches!(c, '"' | '\u{201c}' | '\u{201d}')
}

/// A token: a word (letters, digits, inner apostrophes, hyphens and periods, a trailing period
/// of an abbreviation) or one punctuation character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub word: bool,
}

impl Tok {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Abbreviations whose period belongs to the word.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Capt", "Sgt", "Sr", "Jr",
    "St", "Prof", "Rev", "Gen", "Adm", "Maj", "Cmdr", "Pres", "Sec", "Atty", "U.S", "U.N", "U.K",
    "E.U", "D.C", "Inc", "Co", "Corp", "Ltd", "No", "vs", "a.m", "p.m", "ret", "Ret", "Del",
];

/// The tokens of `text[span]`.
pub(crate) fn tokens(text: &str, span: Span) -> Vec<Tok> {
    let mut out = Vec::new();
    let s = &text[span.start..span.end];
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                let inner = matches!(d, '\'' | '\u{2019}' | '-' | '.' | '&');
                if d.is_alphanumeric() {
                    end = j + d.len_utf8();
                    it.next();
                } else if inner {
                    // Keep it only when a letter or digit follows (or an abbreviation ends).
                    let rest = &s[j + d.len_utf8()..];
                    let next_alnum = rest.chars().next().is_some_and(|n| n.is_alphanumeric());
                    // An initial in a name ("John D. Podesta", "Rep. G.K. Butterfield"):
                    // single capitals joined by periods, then a space and a capitalised word.
                    let initial = d == '.'
                        && s[i..j]
                            .split('.')
                            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_uppercase))
                        && rest.starts_with(' ')
                        && rest[1..].chars().next().is_some_and(char::is_uppercase);
                    let abbrev = d == '.' && (initial || ABBREVIATIONS.contains(&&s[i..j]));
                    if next_alnum || abbrev {
                        end = j + d.len_utf8();
                        it.next();
                        if abbrev && !next_alnum {
                            break;
                        }
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            out.push(Tok {
                start: span.start + i,
                end: span.start + end,
                word: true,
            });
        } else {
            out.push(Tok {
                start: span.start + i,
                end: span.start + i + c.len_utf8(),
                word: false,
            });
        }
    }
    out
}

/// Sentences and paragraphs of a document.
pub(crate) struct Doc<'t> {
    pub text: &'t str,
    pub sentences: Vec<Span>,
    /// Non-empty lines.
    pub paragraphs: Vec<Span>,
}

impl<'t> Doc<'t> {
    pub fn new(text: &'t str, segmenter: &Segmenter) -> Doc<'t> {
        let sentences = segmenter
            .sentences(text)
            .map(|s| Span {
                start: s.start,
                end: s.end,
            })
            .collect();
        Doc {
            text,
            sentences,
            paragraphs: paragraphs(text),
        }
    }

    /// The paragraph holding byte `at`.
    pub fn paragraph_at(&self, at: usize) -> Option<Span> {
        let i = self.paragraphs.partition_point(|s| s.start <= at);
        i.checked_sub(1)
            .map(|i| self.paragraphs[i])
            .filter(|p| at < p.end.max(p.start + 1))
    }

    /// The sentence holding byte `at` (or the nearest one before it).
    pub fn sentence_at(&self, at: usize) -> Option<Span> {
        let i = self.sentences.partition_point(|s| s.start <= at);
        i.checked_sub(1).map(|i| self.sentences[i])
    }
}

/// The non-blank lines of `text`, trimmed.
pub(crate) fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let trimmed_start = start + (line.len() - line.trim_start().len());
        let trimmed_end = start + line.trim_end().len();
        if trimmed_end > trimmed_start {
            out.push(Span {
                start: trimmed_start,
                end: trimmed_end,
            });
        }
        start = end;
    }
    out
}

/// `span` without leading and trailing whitespace and `chars`.
pub(crate) fn trim(text: &str, span: Span, chars: &[char]) -> Span {
    let s = &text[span.start..span.end];
    let t = s.trim_start_matches(|c: char| c.is_whitespace() || chars.contains(&c));
    let start = span.start + (s.len() - t.len());
    let t = t.trim_end_matches(|c: char| c.is_whitespace() || chars.contains(&c));
    Span {
        start,
        end: start + t.len(),
    }
}

/// A fixed list of lowercase words, looked up without regard to case: a hash set built on
/// first use, and no allocation for short ASCII words (lookups run for every capitalised word
/// of every document).
pub(crate) struct WordSet {
    list: &'static [&'static str],
    set: OnceLock<HashSet<&'static str>>,
}

impl WordSet {
    pub(crate) const fn new(list: &'static [&'static str]) -> WordSet {
        WordSet {
            list,
            set: OnceLock::new(),
        }
    }

    /// Whether `word`, lowercased, is in the list.
    pub(crate) fn contains(&self, word: &str) -> bool {
        let set = self.set.get_or_init(|| self.list.iter().copied().collect());
        if word.len() <= 32 && word.is_ascii() {
            let mut buf = [0u8; 32];
            let b = &mut buf[..word.len()];
            b.copy_from_slice(word.as_bytes());
            b.make_ascii_lowercase();
            std::str::from_utf8(b).is_ok_and(|w| set.contains(w))
        } else {
            set.contains(word.to_lowercase().as_str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens of all of `text`, as text.
    fn token_texts(text: &str) -> Vec<&str> {
        let all = Span {
            start: 0,
            end: text.len(),
        };
        tokens(text, all).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn tokens_keep_abbreviations_and_inner_marks() {
        let text = "Dr. Amira Haddad’s U.S. plan, “fine.”";
        let t = token_texts(text);
        assert_eq!(
            t,
            [
                "Dr.",
                "Amira",
                "Haddad’s",
                "U.S.",
                "plan",
                ",",
                "\u{201c}",
                "fine",
                ".",
                "\u{201d}"
            ]
        );
    }

    #[test]
    fn initials_keep_their_period_inside_a_name() {
        let text = "said Rep. G.K. Butterfield and John D. Podesta of Plan B.";
        let t = token_texts(text);
        assert_eq!(
            t,
            [
                "said",
                "Rep.",
                "G.K.",
                "Butterfield",
                "and",
                "John",
                "D.",
                "Podesta",
                "of",
                "Plan",
                "B",
                "."
            ]
        );
    }

    #[test]
    fn paragraphs_are_trimmed_non_blank_lines() {
        let text = " One.\n\n  Two. \nThree";
        let p: Vec<&str> = paragraphs(text).iter().map(|s| s.text(text)).collect();
        assert_eq!(p, ["One.", "Two.", "Three"]);
    }
}

/// A set of byte ranges kept as disjoint intervals (touching and overlapping ranges united), so
/// that "does this span overlap anything so far?" is one ordered lookup: the attribution passes
/// stay linear in the document's length however many quotes it has. Answers exactly as testing
/// `c.start < s.end && s.start < c.end` against every range `c` added, for non-empty `s`.
#[derive(Debug, Default, Clone)]
pub(crate) struct SpanSet {
    /// start -> end of each interval.
    intervals: std::collections::BTreeMap<usize, usize>,
    /// Empty ranges added (they overlap a span they lie strictly inside).
    points: std::collections::BTreeSet<usize>,
}

impl SpanSet {
    /// Adds `s`.
    pub fn insert(&mut self, s: Span) {
        if s.end <= s.start {
            self.points.insert(s.start);
            return;
        }
        let (mut start, mut end) = (s.start, s.end);
        while let Some((&a, &b)) = self.intervals.range(..=end).next_back() {
            if b < start {
                break;
            }
            self.intervals.remove(&a);
            start = start.min(a);
            end = end.max(b);
        }
        self.intervals.insert(start, end);
    }

    /// Whether a non-empty `s` overlaps a range added (always false for an empty `s`).
    pub fn overlaps(&self, s: Span) -> bool {
        if s.end <= s.start {
            return false;
        }
        let interval = self
            .intervals
            .range(..s.end)
            .next_back()
            .is_some_and(|(_, &b)| b > s.start);
        interval || self.points.range(s.start + 1..s.end).next().is_some()
    }
}
