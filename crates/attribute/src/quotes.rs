//! Direct quotes: quotation marks paired within paragraphs (and across paragraphs by the news
//! convention), then the frame around each quote that names its source and cue.

use crate::cues::{cue_at, source_after, source_before, span_of, PRONOUNS};
use crate::words::{tokens, Doc, Tok};
use crate::{Attribution, Span};

/// A quotation: one span per paragraph it covers, each including its marks (a quote left open
/// at the end of a paragraph that the next paragraph does not reopen ends there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Quote {
    pub spans: Vec<Span>,
}

impl Quote {
    fn start(&self) -> usize {
        self.spans[0].start
    }

    fn end(&self) -> usize {
        self.spans[self.spans.len() - 1].end
    }

    /// Words inside the marks.
    fn words(&self, text: &str) -> usize {
        self.spans
            .iter()
            .map(|s| s.text(text).split_whitespace().count())
            .sum()
    }

    /// Whether the quote holds sentence punctuation (a full statement, not a scare quote).
    fn is_statement(&self, text: &str) -> bool {
        self.words(text) >= 6
            || self
                .spans
                .iter()
                .any(|s| s.text(text).contains([',', '.', '?', '!']))
    }
}

/// All quotations in document order.
pub(crate) type Quoted = Vec<Quote>;

fn opens(text: &str, i: usize, c: char) -> bool {
    match c {
        '\u{201c}' => true,
        '"' => {
            let before = text[..i].chars().next_back();
            let after = text[i + 1..].chars().next();
            before.is_none_or(|b| b.is_whitespace() || "([{\u{2014}\u{2013}-:".contains(b))
                && after.is_some_and(|a| !a.is_whitespace())
        }
        _ => false,
    }
}

/// Pairs quotation marks paragraph by paragraph.
pub(crate) fn find(text: &str) -> Quoted {
    let paragraphs = crate::words::paragraphs(text);
    let mut out: Quoted = Vec::new();
    // A quote still open at the end of the previous paragraph.
    let mut carried: Option<Quote> = None;
    for (p, para) in paragraphs.iter().enumerate() {
        let s = para.text(text);
        let mut open: Option<usize> = None;
        for (i, c) in s.char_indices() {
            let at = para.start + i;
            match open {
                None if opens(text, at, c) => {
                    open = Some(at);
                    // A continued quote must reopen at the very start of the paragraph.
                    if i != 0 {
                        if let Some(q) = carried.take() {
                            out.push(q);
                        }
                    }
                }
                Some(o) if matches!(c, '\u{201d}' | '"') => {
                    let span = Span {
                        start: o,
                        end: at + c.len_utf8(),
                    };
                    let mut q = carried.take().unwrap_or(Quote { spans: Vec::new() });
                    q.spans.push(span);
                    out.push(q);
                    open = None;
                }
                _ => {}
            }
        }
        if let Some(q) = carried.take() {
            out.push(q);
        }
        if let Some(o) = open {
            // Open at the end of the paragraph: continued if the next paragraph reopens.
            let span = Span {
                start: o,
                end: para.end,
            };
            let reopens = paragraphs.get(p + 1).is_some_and(|n| {
                let first = n.text(text).chars().next();
                first.is_some_and(|c| opens(text, n.start, c))
            });
            let mut q = Quote { spans: vec![span] };
            if reopens {
                carried = Some(q);
            } else {
                q.spans.shrink_to_fit();
                out.push(q);
            }
        }
    }
    if let Some(q) = carried {
        out.push(q);
    }
    out
}

/// Source and cue found around a quote.
struct Frame {
    cue: Span,
    source: Span,
}

/// "…,” he said." / "…,” said Smith." right after the quote, within its sentence.
fn frame_after(doc: &Doc<'_>, q: &Quote) -> Option<(Frame, usize)> {
    let text = doc.text;
    let sent = doc.sentence_at(q.end().saturating_sub(1))?;
    let end = doc
        .sentence_at(q.end())
        .map_or(sent.end, |s| s.end.max(sent.end));
    if q.end() >= end {
        return None;
    }
    let toks = tokens(
        text,
        Span {
            start: q.end(),
            end,
        },
    );
    let mut i = 0;
    while toks
        .get(i)
        .is_some_and(|t| matches!(t.text(text), "," | "\u{2014}"))
    {
        i += 1;
    }
    if toks.get(i).is_some_and(|t| !t.word) {
        return None;
    }
    // ", said X"
    if let Some(cue) = cue_at(&toks, i, text) {
        let after = toks
            .iter()
            .position(|t| t.end > cue.end)
            .unwrap_or(toks.len());
        let (s0, s1) = source_after(&toks, after, text)?;
        return Some((
            Frame {
                cue,
                source: span_of(&toks, s0, s1),
            },
            frame_end(&toks, s1),
        ));
    }
    // ", X said" (within 9 tokens)
    for k in i + 1..(i + 10).min(toks.len()) {
        if !toks[k].word {
            break;
        }
        if let Some(cue) = cue_at(&toks, k, text) {
            let (s0, s1) = source_before(&toks, k, text)?;
            if s0 != i {
                return None;
            }
            let after = toks
                .iter()
                .position(|t| t.end > cue.end)
                .unwrap_or(toks.len());
            return Some((
                Frame {
                    cue,
                    source: span_of(&toks, s0, s1),
                },
                frame_end(&toks, after),
            ));
        }
    }
    None
}

/// Byte where a frame's clause ends: the token index `k` onwards up to a comma or the end.
fn frame_end(toks: &[Tok], k: usize) -> usize {
    toks.get(k.saturating_sub(1)).map_or(0, |t| t.end)
}

/// "He said: “…" / "Smith told reporters, “…" / "X called it “…”" before the quote, in its
/// sentence. Returns the frame and whether the quote is mixed (words between cue and quote).
fn frame_before(doc: &Doc<'_>, q: &Quote) -> Option<(Frame, bool)> {
    let text = doc.text;
    let sent = doc.sentence_at(q.start())?;
    if sent.start >= q.start() {
        return None;
    }
    let toks = tokens(
        text,
        Span {
            start: sent.start,
            end: q.start(),
        },
    );
    let n = toks.len();
    // The cue nearest the quote, at most 12 tokens before it.
    let k = (n.saturating_sub(12)..n)
        .rev()
        .find(|&k| cue_at(&toks, k, text).is_some())?;
    let cue = cue_at(&toks, k, text)?;
    let mut e = k;
    while e > 0
        && matches!(
            toks[e - 1].text(text),
            "has" | "had" | "have" | "also" | "later" | "then"
        )
    {
        e -= 1;
    }
    let (s0, s1) = source_before(&toks, e, text)?;
    let rest: Vec<&Tok> = toks[k + 1..].iter().filter(|t| t.end > cue.end).collect();
    let mixed = rest
        .iter()
        .any(|t| t.word && !matches!(t.text(text), "reporters" | "that"));
    Some((
        Frame {
            cue,
            source: span_of(&toks, s0, s1),
        },
        mixed,
    ))
}

/// A paragraph "SPEAKER: text" (transcripts).
fn transcript(doc: &Doc<'_>, para: Span) -> Option<Attribution> {
    let text = doc.text;
    let s = para.text(text);
    let colon = s.find(':')?;
    let name = &s[..colon];
    let caps = name.split_whitespace().count() <= 3
        && name.chars().any(|c| c.is_uppercase())
        && name.chars().all(|c| !c.is_lowercase());
    if !caps || colon + 2 >= s.len() {
        return None;
    }
    let content = crate::words::trim(
        text,
        Span {
            start: para.start + colon + 1,
            end: para.end,
        },
        &[],
    );
    Some(Attribution {
        content: vec![content],
        cue: vec![Span {
            start: para.start + colon,
            end: para.start + colon + 1,
        }],
        source: Some(Span {
            start: para.start,
            end: para.start + colon,
        }),
        speaker: None,
        role: None,
        direct: true,
    })
}

/// The direct attributions: quotes with their frames, interrupted quotes joined, transcript
/// paragraphs, and statement-like quotes without a frame (the source of the previous quote when
/// it is in the same or the previous paragraph, else none).
pub(crate) fn frame(doc: &Doc<'_>, quoted: &Quoted) -> Vec<Attribution> {
    let text = doc.text;
    let mut out: Vec<Attribution> = Vec::new();
    let mut i = 0;
    while i < quoted.len() {
        let q = &quoted[i];
        let mut content = q.spans.clone();
        let mut frame = None;
        if let Some((f, frame_end)) = frame_after(doc, q) {
            // "“A,” she said, “B.”": the next quote right after the frame joins this one.
            if let Some(next) = quoted.get(i + 1) {
                let gap = &text[frame_end.min(next.start())..next.start()];
                if gap.trim().trim_matches(',').trim().is_empty() && frame_end <= next.start() {
                    content.extend(next.spans.iter().copied());
                    i += 1;
                }
            }
            frame = Some(f);
        } else if let Some((f, mixed)) = frame_before(doc, q) {
            if mixed {
                // The content runs from after the cue to the end of the sentence.
                let sent = doc.sentence_at(q.start()).unwrap_or(q.spans[0]);
                let start = f.cue.end;
                let end = doc
                    .sentence_at(q.end().saturating_sub(1))
                    .map_or(sent.end, |s| s.end);
                let span = crate::words::trim(text, Span { start, end }, &['.', ',', ':', ';']);
                let span = strip_that(text, span);
                content = vec![span];
                // Skip the other quotes inside this content.
                while quoted.get(i + 1).is_some_and(|n| n.start() < span.end) {
                    i += 1;
                }
            }
            frame = Some(f);
        }
        let attribution = match frame {
            Some(f) => Some(Attribution {
                content,
                cue: vec![f.cue],
                source: Some(f.source),
                speaker: None,
                role: None,
                direct: true,
            }),
            None if q.is_statement(text) => {
                let source = previous_source(doc, &out, q.start());
                Some(Attribution {
                    content,
                    cue: Vec::new(),
                    source,
                    speaker: None,
                    role: None,
                    direct: true,
                })
            }
            None => None,
        };
        out.extend(attribution);
        i += 1;
    }
    for &para in &doc.paragraphs {
        if out.iter().any(|a| overlaps(a, para)) {
            continue;
        }
        out.extend(transcript(doc, para));
    }
    out
}

fn overlaps(a: &Attribution, s: Span) -> bool {
    a.content.iter().any(|c| c.start < s.end && s.start < c.end)
}

/// "that …" → "…".
fn strip_that(text: &str, span: Span) -> Span {
    let s = span.text(text);
    match s.strip_prefix("that ") {
        Some(rest) => Span {
            start: span.end - rest.len(),
            end: span.end,
        },
        None => span,
    }
}

/// The source of the last attribution if it lies in this paragraph or the previous one, for a
/// quote that continues a speaker's words without a new frame. Pronoun sources are kept as
/// they are (speaker resolution links them).
fn previous_source(doc: &Doc<'_>, found: &[Attribution], at: usize) -> Option<Span> {
    let last = found.last()?;
    let src = last.source?;
    let para_of = |b: usize| doc.paragraphs.partition_point(|p| p.start <= b);
    let (pa, pq) = (para_of(src.start), para_of(at));
    let _ = PRONOUNS;
    (pq >= pa && pq - pa <= 1).then_some(src)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(text: &str) -> Vec<Vec<&str>> {
        find(text)
            .iter()
            .map(|q| q.spans.iter().map(|s| s.text(text)).collect())
            .collect()
    }

    #[test]
    fn marks_pair_within_and_across_paragraphs() {
        let t = "He said \u{201c}one\u{201d} and \"two\".\n\n\u{201c}Three, four.\n\n\u{201c}Five.\u{201d}";
        assert_eq!(
            quotes(t),
            [
                vec!["\u{201c}one\u{201d}"],
                vec!["\"two\""],
                vec!["\u{201c}Three, four.", "\u{201c}Five.\u{201d}"]
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_ends_with_its_paragraph() {
        let t = "She said \u{201c}never again.\n\nThe end.";
        assert_eq!(quotes(t), [vec!["\u{201c}never again."]]);
    }
}
