//! Attributions from labelled spans (a token tagger's output): contents are grouped with the
//! cue of their sentence and the source nearest that cue, the news convention's pieces ("“A,”
//! she said, “B.”", a quote continued in the next paragraph) are joined, and speakers are
//! resolved as for the rules.

use crate::cues::{mention_end, span_of, subject_of};
use crate::words::{is_quote_mark, tokens, trim, Doc};
use crate::{speakers, Attribution, Attributor, Span};

/// What a labelled span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TagKind {
    /// Who speaks ("the senator", "he").
    Source,
    /// The cue ("said", "according to").
    Cue,
    /// What is said.
    Content,
}

impl TagKind {
    /// The kinds in the order a tagger's labels use (`source`, `cue`, `content`).
    pub const ALL: [TagKind; 3] = [TagKind::Source, TagKind::Cue, TagKind::Content];

    /// The kind's position in [`TagKind::ALL`] (a tagger's label order).
    ///
    /// ```
    /// use standpoint_attribute::TagKind;
    /// assert!(TagKind::ALL.iter().all(|k| TagKind::ALL[k.index()] == *k));
    /// ```
    pub fn index(self) -> usize {
        self as usize
    }

    /// The kind's name: `source`, `cue` or `content`.
    ///
    /// ```
    /// use standpoint_attribute::TagKind;
    /// assert_eq!(TagKind::ALL.map(|k| k.name()), ["source", "cue", "content"]);
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            TagKind::Source => "source",
            TagKind::Cue => "cue",
            TagKind::Content => "content",
        }
    }
}

/// A labelled span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// What it is.
    pub kind: TagKind,
    /// Where it is.
    pub span: Span,
}

/// The gap in bytes between two spans (0 when they touch or overlap).
fn gap(a: Span, b: Span) -> usize {
    b.start
        .saturating_sub(a.end)
        .max(a.start.saturating_sub(b.end))
}

/// `s` without whitespace at its ends and without whole lines at its ends that hold no letter
/// or digit (a quotation mark of the next paragraph the tagger ran into).
fn wordy_lines(text: &str, s: Span) -> Span {
    let mut s = trim(text, s, &[]);
    let wordy = |x: &str| x.chars().any(char::is_alphanumeric);
    while let Some(nl) = text[s.start..s.end].rfind('\n') {
        if wordy(&text[s.start + nl..s.end]) {
            break;
        }
        s = trim(
            text,
            Span {
                start: s.start,
                end: s.start + nl,
            },
            &[],
        );
    }
    while let Some(nl) = text[s.start..s.end].find('\n') {
        if wordy(&text[s.start..s.start + nl]) {
            break;
        }
        s = trim(
            text,
            Span {
                start: s.start + nl + 1,
                end: s.end,
            },
            &[],
        );
    }
    s
}

/// Sentences (indices) a span touches.
fn sentence_range(doc: &Doc<'_>, s: Span) -> (usize, usize) {
    let first = doc
        .sentences
        .partition_point(|x| x.end <= s.start)
        .min(doc.sentences.len().saturating_sub(1));
    let last = doc
        .sentences
        .partition_point(|x| x.start < s.end)
        .saturating_sub(1)
        .max(first);
    (first, last)
}

impl Attributor {
    /// Attributions from labelled spans of `text` (spans outside the text, off character
    /// boundaries or empty are ignored). Each content span takes the nearest cue in the
    /// sentences it touches (or, when there is none, the cue ending the sentence before it with
    /// a colon); contents sharing a cue form one attribution, a content without a cue right
    /// after an attribution in its paragraph continues it, and the source is the one nearest
    /// the cue in its sentence or next to it (outside the content; with the content after the
    /// cue, one before the cue first: a mention between them is the cue's object), else the
    /// rules' source for the same content, else the subject of the cue.
    ///
    /// ```
    /// use standpoint_attribute::{Attributor, Span, Tag, TagKind};
    /// let text = "\u{201c}We stay,\u{201d} she said, \u{201c}and we fight.\u{201d}";
    /// let tag = |kind, piece: &str| {
    ///     let start = text.find(piece).unwrap();
    ///     Tag { kind, span: Span { start, end: start + piece.len() } }
    /// };
    /// let tags = [tag(TagKind::Content, "\u{201c}We stay,\u{201d}"), tag(TagKind::Source, "she"),
    ///             tag(TagKind::Cue, "said"), tag(TagKind::Content, "\u{201c}and we fight.\u{201d}")];
    /// let found = Attributor::default().from_tags(text, &tags);
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(found[0].content.len(), 2);
    /// assert_eq!(found[0].source.map(|s| s.text(text)), Some("she"));
    /// assert!(found[0].direct);
    /// ```
    pub fn from_tags(&self, text: &str, tags: &[Tag]) -> Vec<Attribution> {
        let doc = Doc::new(text, &self.segmenter);
        let valid = |s: Span| {
            s.start < s.end
                && s.end <= text.len()
                && text.is_char_boundary(s.start)
                && text.is_char_boundary(s.end)
        };
        let of = |kind: TagKind| -> Vec<Span> {
            let mut v: Vec<Span> = tags
                .iter()
                .filter(|t| t.kind == kind && valid(t.span))
                .map(|t| match kind {
                    TagKind::Content => wordy_lines(text, t.span),
                    _ => trim(text, t.span, &[]),
                })
                .filter(|s| {
                    let x = &text[s.start..s.end];
                    // A cue may be a colon or a dash; a content or a source has a word.
                    x.chars().any(char::is_alphanumeric)
                        || (kind == TagKind::Cue && !x.chars().all(is_quote_mark))
                })
                .collect();
            v.sort();
            v
        };
        let (sources, cues, contents) =
            (of(TagKind::Source), of(TagKind::Cue), of(TagKind::Content));
        let in_sentences = |s: Span, (a, b): (usize, usize)| {
            let lo = doc.sentences.get(a).map_or(0, |x| x.start);
            let hi = doc.sentences.get(b).map_or(text.len(), |x| x.end);
            s.start >= lo && s.end <= hi
        };
        let cue_for = |c: Span| -> Option<Span> {
            let range = sentence_range(&doc, c);
            let near = cues
                .iter()
                .filter(|u| in_sentences(**u, range))
                .min_by_key(|u| gap(c, **u))
                .copied();
            near.or_else(|| {
                // "He said:" ending the sentence before.
                let prev = range.0.checked_sub(1)?;
                let s = doc.sentences[prev];
                let ends_colon = text[s.start..s.end].trim_end().ends_with(':');
                let u = cues
                    .iter()
                    .rev()
                    .find(|u| u.start >= s.start && u.end <= s.end);
                u.copied().filter(|_| ends_colon)
            })
        };
        let source_for = |cue: Option<Span>, content: Span| -> Option<Span> {
            let anchor = cue.unwrap_or(content);
            let range = sentence_range(&doc, anchor);
            // Next to the anchor even across a sentence cut ("…” ― Jane Roe", "“…?” Trump").
            let adjacent = |s: Span| {
                let (a, b) = if s.end <= anchor.start {
                    (s.end, anchor.start)
                } else {
                    (anchor.end.min(s.start), s.start)
                };
                b - a <= 8 && !text[a..b].contains('\n')
            };
            let near =
                |s: &&Span| gap(**s, content) > 0 && (in_sentences(**s, range) || adjacent(**s));
            // "X told city leaders that …": with the content after the cue, a mention between
            // them is its object; the source comes before the cue when there is one.
            let before = cue.filter(|u| u.end <= content.start).and_then(|u| {
                sources
                    .iter()
                    .filter(near)
                    .filter(|s| s.end <= u.start)
                    .min_by_key(|s| gap(u, **s))
            });
            before
                .or_else(|| sources.iter().filter(near).min_by_key(|s| gap(anchor, **s)))
                .copied()
        };
        let mut found: Vec<(Option<Span>, Attribution)> = Vec::new();
        for &c in &contents {
            let cue = cue_for(c);
            let joined = found.last_mut().filter(|(last_cue, last)| {
                if cue.is_some() {
                    return *last_cue == cue;
                }
                // "“A,” Baker said. “B.”": a content without a cue right after an attribution
                // in the same paragraph continues it.
                let reach = last
                    .content
                    .iter()
                    .chain(&last.cue)
                    .chain(&last.source)
                    .map(|s| s.end)
                    .max()
                    .unwrap_or(0);
                reach <= c.start && {
                    let between = &text[reach..c.start];
                    between.len() <= 24 && !between.contains('\n')
                }
            });
            if let Some((_, last)) = joined {
                last.content.push(c);
                last.direct |= text[c.start..c.end].chars().any(is_quote_mark);
                continue;
            }
            let source = source_for(cue, c);
            found.push((
                cue,
                Attribution {
                    content: vec![c],
                    cue: cue.into_iter().collect(),
                    source,
                    speaker: None,
                    role: None,
                    direct: text[c.start..c.end].chars().any(is_quote_mark),
                },
            ));
        }
        let mut found: Vec<Attribution> = found.into_iter().map(|(_, a)| a).collect();
        // A source inside a content joined later is no source.
        for a in &mut found {
            if a.source
                .is_some_and(|s| a.content.iter().any(|c| gap(*c, s) == 0))
            {
                a.source = None;
            }
        }
        self.rule_sources(&doc, &mut found);
        subject_sources(&doc, &mut found);
        speakers::resolve(&doc, &mut found);
        found
    }

    /// A content the tagger found no source for takes the rules' source for the same content
    /// (each covering at least half of the other), if the rules find one outside it.
    fn rule_sources(&self, doc: &Doc<'_>, found: &mut [Attribution]) {
        if found.iter().all(|a| a.source.is_some()) {
            return;
        }
        let overlap = |a: &[Span], b: &[Span]| -> usize {
            a.iter()
                .flat_map(|x| b.iter().map(move |y| (x, y)))
                .map(|(x, y)| x.end.min(y.end).saturating_sub(x.start.max(y.start)))
                .sum()
        };
        let size = |a: &[Span]| a.iter().map(|s| s.end - s.start).sum::<usize>();
        let rules = self.attribute_doc(doc);
        for a in found.iter_mut().filter(|a| a.source.is_none()) {
            let best = rules
                .iter()
                .filter(|r| r.source.is_some())
                .map(|r| (overlap(&a.content, &r.content), r))
                .filter(|(o, r)| 2 * o >= size(&a.content) && 2 * o >= size(&r.content))
                .max_by_key(|(o, _)| *o);
            if let Some((_, r)) = best {
                if r.source
                    .is_some_and(|s| a.content.iter().all(|c| gap(*c, s) > 0))
                {
                    a.source = r.source;
                }
            }
        }
    }
}

/// The subject of a cue in its sentence: the mention before it (past auxiliaries and an
/// aside), or a relative pronoun right before it ("… voters who say …": the pronoun is the
/// source, its antecedent the speaker).
fn cue_subject(doc: &Doc<'_>, cue: Span) -> Option<Span> {
    let text = doc.text;
    let sent = doc.sentence_at(cue.start)?;
    let toks = tokens(text, sent);
    let i = toks.iter().position(|t| t.start >= cue.start)?;
    let relative = || {
        let e = mention_end(&toks, i, 0, text);
        let w = toks.get(e.checked_sub(1)?)?;
        matches!(w.text(text).to_lowercase().as_str(), "who" | "which").then_some((e - 1, e))
    };
    let (s0, s1) = subject_of(&toks, i, text).or_else(relative)?;
    Some(span_of(&toks, s0, s1))
}

impl Attributor {
    /// The two paths combined: of `tagged` (a tagger's attributions, [`from_tags`]), the
    /// direct quotes and the attributions whose cue holds a reporting word of the rules ("said",
    /// "according to", "criticized"; not "unveiled", "features"), and then the rules'
    /// attributions of `text` whose contents overlap none of those kept. The tagger finds more
    /// (stance acts and reported speech the rules miss), the rules are surer; on PolNeAR dev
    /// this is the path whose speakers are right most often (docs/attribution.md).
    ///
    /// [`from_tags`]: Attributor::from_tags
    ///
    /// ```
    /// use standpoint_attribute::{Attributor, Span, Tag, TagKind};
    /// let text = "The senator unveiled a plan on Monday. \u{201c}We stay,\u{201d} Ann Lee said.";
    /// let tag = |kind, piece: &str| {
    ///     let start = text.find(piece).unwrap();
    ///     Tag { kind, span: Span { start, end: start + piece.len() } }
    /// };
    /// // The tagger reads the first sentence as an attribution with the cue "unveiled" and
    /// // misses the quote.
    /// let tags = [tag(TagKind::Source, "The senator"), tag(TagKind::Cue, "unveiled"),
    ///             tag(TagKind::Content, "a plan on Monday")];
    /// let a = Attributor::default();
    /// let found = a.combine(text, a.from_tags(text, &tags));
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(found[0].speaker.as_deref(), Some("Ann Lee"));
    /// ```
    pub fn combine(&self, text: &str, tagged: Vec<Attribution>) -> Vec<Attribution> {
        let reporting = |a: &Attribution| {
            a.direct
                || a.cue.iter().any(|c| {
                    text.get(c.start..c.end).is_some_and(|cue| {
                        cue.split(|ch: char| !ch.is_alphabetic())
                            .any(|w| !w.is_empty() && crate::cues::is_cue(w))
                    })
                })
        };
        let mut kept: Vec<Attribution> = tagged.into_iter().filter(reporting).collect();
        let overlaps = |a: &Attribution, kept: &[Attribution]| {
            a.content.iter().any(|x| {
                kept.iter()
                    .flat_map(|k| &k.content)
                    .any(|y| x.start < y.end && y.start < x.end)
            })
        };
        let rules: Vec<Attribution> = self
            .attribute(text)
            .into_iter()
            .filter(|a| !overlaps(a, &kept))
            .collect();
        kept.extend(rules);
        kept.sort_by_key(|a| a.content.first().map_or(0, |s| s.start));
        kept
    }
}

/// A content still without a source whose cue has a subject ("Kasich is trumpeting …", "Trump,
/// who leads in delegates, mocked …") takes that subject, if it lies outside the contents.
fn subject_sources(doc: &Doc<'_>, found: &mut [Attribution]) {
    for a in found.iter_mut().filter(|a| a.source.is_none()) {
        let Some(cue) = a.cue.first().copied() else {
            continue;
        };
        if let Some(s) = cue_subject(doc, cue) {
            if a.content.iter().all(|c| gap(*c, s) > 0) {
                a.source = Some(s);
            }
        }
    }
}
