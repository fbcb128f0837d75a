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

    /// Whether the quote is a full statement, not a scare quote or a title: five words or more,
    /// or sentence punctuation inside.
    fn is_statement(&self, text: &str) -> bool {
        self.words(text) >= 5
            || self.spans.iter().any(|s| {
                let inner = s.text(text).trim_end_matches(['\u{201d}', '"', ',']);
                inner.contains(['.', '?', '!'])
            })
    }
}

impl Quote {
    /// Whether the quote is a title or name in quotation marks ("“Face the Nation”"): not a
    /// statement, two to six words, every word of four letters or more capitalised, no comma
    /// closing it inside the marks.
    fn is_title(&self, text: &str) -> bool {
        if self.is_statement(text) || self.spans.len() != 1 {
            return false;
        }
        let quoted = self.spans[0].text(text);
        // "“Judge,” he said" and "“Your Honor,”" address someone: speech, not a title.
        let inner_comma = quoted
            .trim_end_matches(['\u{201d}', '"', '\''])
            .trim_end()
            .ends_with(',');
        let inner = quoted.trim_matches(|c: char| !c.is_alphanumeric());
        let words: Vec<&str> = inner.split_whitespace().collect();
        !inner_comma
            && (2..=6).contains(&words.len())
            && words[0].chars().next().is_some_and(char::is_uppercase)
            && words
                .iter()
                .all(|w| w.chars().count() < 4 || w.chars().next().is_some_and(char::is_uppercase))
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

/// The most sentences an unclosed quotation mark is taken to run over when its paragraph goes
/// on (a closing mark was lost, or the text's line breaks were).
pub(crate) const MAX_UNCLOSED_SENTENCES: usize = 5;

/// Cuts a quote whose opening mark is never closed (in its paragraph, nor continued by the next)
/// at the end of the fifth sentence from its opening: a lost closing mark must not make a whole
/// long paragraph direct speech (a paragraph of 600 sentences after one stray “ was all quoted).
pub(crate) fn cap_unclosed(doc: &Doc<'_>, quoted: &mut Quoted) {
    let text = doc.text;
    for q in quoted.iter_mut() {
        let Some(last) = q.spans.last_mut() else {
            continue;
        };
        let closed = text[last.start..last.end].ends_with(['\u{201d}', '"']);
        if closed || last.end - last.start <= 1 {
            continue;
        }
        let first = doc.sentences.partition_point(|s| s.end <= last.start);
        if let Some(cut) = doc.sentences.get(first + MAX_UNCLOSED_SENTENCES - 1) {
            if cut.end < last.end {
                last.end = cut.end;
            }
        }
    }
}

/// Source and cue found around a quote.
struct Frame {
    cue: Span,
    source: Span,
}

/// The largest char boundary of `s` at or below `at`.
fn floor_boundary(s: &str, at: usize) -> usize {
    let mut i = at.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A signature: "“…” ― Jane Roe" (or an em dash), the name alone on the rest of its line, as
/// reader quotes and epigraphs are signed. The dash is the cue.
fn signature(text: &str, q: &Quote) -> Option<(Frame, usize)> {
    let end = q.end();
    // The dash must come first (cheap), and a signature line is short: never scan a long
    // paragraph to its end for every quote (that made long documents quadratic).
    let first = text[end..].trim_start_matches(|c: char| c.is_whitespace() && c != '\n');
    first
        .chars()
        .next()
        .filter(|c| matches!(c, '\u{2015}' | '\u{2014}'))?;
    const MAX_LINE: usize = 256;
    let rest_of_text = &text[end..];
    let window = &rest_of_text[..floor_boundary(rest_of_text, MAX_LINE)];
    let line = match window.find('\n') {
        Some(i) => &window[..i],
        None if window.len() == rest_of_text.len() => window,
        None => return None,
    };
    let after = line.trim_start();
    let dash = after
        .chars()
        .next()
        .filter(|c| matches!(c, '\u{2015}' | '\u{2014}'))?;
    let cue_start = end + (line.len() - after.len());
    let cue = Span {
        start: cue_start,
        end: cue_start + dash.len_utf8(),
    };
    let rest = &text[cue.end..end + line.len()];
    let name = rest.trim_start();
    let name_start = cue.end + (rest.len() - name.len());
    let name = name.trim_end_matches(|c: char| c.is_whitespace() || c == '.');
    let words = name.split_whitespace().count();
    let name_like = name.chars().next().is_some_and(char::is_uppercase)
        && (1..=6).contains(&words)
        && name
            .chars()
            .all(|c| c.is_alphabetic() || c.is_whitespace() || ".-'\u{2019}".contains(c))
        && name.split_whitespace().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || !c.is_alphabetic())
                || matches!(w, "de" | "da" | "del" | "van" | "von" | "der" | "la" | "le")
        });
    name_like.then_some((
        Frame {
            cue,
            source: Span {
                start: name_start,
                end: name_start + name.len(),
            },
        },
        name_start + name.len(),
    ))
}

/// "…,” he said." / "…,” said Smith." / "…,” Smith, a delegate, said." right after the quote,
/// in its sentence (or, after a quote that ends a sentence, in a short next sentence).
fn frame_after(doc: &Doc<'_>, q: &Quote, allow_next: bool) -> Option<(Frame, usize)> {
    let text = doc.text;
    let para = doc.paragraph_at(q.end().saturating_sub(1))?;
    let rest = &text[q.end()..para.end];
    let from = q.end() + (rest.len() - rest.trim_start().len());
    if from >= para.end {
        return None;
    }
    let sent = doc.sentence_at(from)?;
    let end = sent.end.min(para.end).max(from);
    let toks = tokens(
        text,
        Span {
            start: q.end(),
            end,
        },
    );
    // After a quote that ends its sentence ("…?” Trump said of Apple."), only a frame with a
    // verb of saying that opens the next sentence counts ("… seemed unperturbed" does not).
    let next_sentence = doc.sentence_at(q.end().saturating_sub(1)) != Some(sent);
    if next_sentence {
        if !allow_next {
            return None;
        }
        // The next sentence must be the frame itself: a verb of saying among its first words,
        // then the end, a comma or a prepositional phrase ("Trump said of Apple …"), never a
        // new clause ("He said the FBI …").
        let k = (0..toks.len().min(8)).find(|&k| crate::cues::says_first(&toks, k, text))?;
        let after = toks.get(k + 1).map(|t| t.text(text).to_lowercase());
        let told = matches!(toks[k].text(text), "told" | "asked" | "tells" | "asks");
        let new_clause = (k + 1..toks.len().min(k + 6)).any(|j| toks[j].text(text) == "that");
        let frame_only = match after.as_deref() {
            None | Some("." | "," | ";") => true,
            Some(_) if told && !new_clause => true,
            Some(w) => crate::cues::is_preposition(w),
        };
        if !frame_only {
            return None;
        }
    }
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
    if let Some(cue) = cue_at(&toks, i, text).filter(|_| crate::cues::says_first(&toks, i, text)) {
        let after = toks
            .iter()
            .position(|t| t.end > cue.end)
            .unwrap_or(toks.len());
        let (s0, s1) = source_after(&toks, after, text)?;
        let frame = Frame {
            cue,
            source: span_of(&toks, s0, s1),
        };
        return Some((frame, frame_end(&toks, s1)));
    }
    // ", X said" (within 9 tokens)
    for k in i + 1..(i + 10).min(toks.len()) {
        if !toks[k].word {
            break;
        }
        if let Some(cue) = cue_at(&toks, k, text) {
            let e = crate::cues::mention_end(&toks, k, i + 1, text);
            let (s0, s1) = source_before(&toks, e, text)?;
            if s0 != i {
                return None;
            }
            let after = toks
                .iter()
                .position(|t| t.end > cue.end)
                .unwrap_or(toks.len());
            let frame = Frame {
                cue,
                source: span_of(&toks, s0, s1),
            };
            return Some((frame, frame_end(&toks, after)));
        }
    }
    // ", Smith, a delegate wearing a hat, said": a name, an aside, the cue after a comma.
    let (s0, s1) = source_after(&toks, i, text)?;
    if !toks[s0..s1]
        .iter()
        .any(|t| t.text(text).starts_with(char::is_uppercase))
    {
        return None;
    }
    let k = (s1..toks.len().min(s1 + 45))
        .find(|&k| toks[k - 1].text(text) == "," && cue_at(&toks, k, text).is_some())?;
    let cue = cue_at(&toks, k, text)?;
    let frame = Frame {
        cue,
        source: span_of(&toks, s0, s1),
    };
    Some((frame, frame_end(&toks, k + 1)))
}

/// Byte where a frame's clause ends: the token index `k` onwards up to a comma or the end.
fn frame_end(toks: &[Tok], k: usize) -> usize {
    toks.get(k.saturating_sub(1)).map_or(0, |t| t.end)
}

/// "He said: “…" / "Smith told reporters, “…" / "X called it “…”" before the quote, in its
/// sentence; or a frame sentence just before it ("Smith told CNN. “…”", "She added: “…”").
/// Returns the frame and whether the quote is mixed (words between cue and quote).
fn frame_before(doc: &Doc<'_>, q: &Quote) -> Option<(Frame, bool)> {
    let text = doc.text;
    let sent = doc.sentence_at(q.start())?;
    if text[sent.start..q.start()].trim().is_empty() {
        return frame_in_previous(doc, sent, q).map(|f| (f, false));
    }
    let toks = tokens(
        text,
        Span {
            start: sent.start,
            end: q.start(),
        },
    );
    let n = toks.len();
    let opens = |s0: usize| {
        s0 == 0
            || matches!(toks[s0 - 1].text(text), "," | "and" | "but")
            || toks[..s0].iter().all(|t| {
                matches!(
                    t.text(text).to_lowercase().as_str(),
                    "but" | "and" | "so" | "yet"
                )
            })
    };
    let mut chosen = None;
    // The cue nearest the quote whose source opens a clause ("a woman asked for a photo and
    // Clinton said, “…”" is Clinton's); a participle after a comma takes the subject.
    for k in (1..n).rev() {
        let Some(cue) = cue_at(&toks, k, text) else {
            continue;
        };
        let mut e = crate::cues::mention_end(&toks, k, 0, text);
        // "Kasich (R-OH), said": one comma between the mention and its cue; "Trump, in
        // Kentucky, said" / "Lemkin, who coined the word, said": an aside between commas.
        if e > 1 && toks[e - 1].text(text) == "," {
            e -= 1;
            let aside = (0..e).rev().find(|&j| toks[j].text(text) == ",");
            let starts_aside = aside.is_some_and(|j| {
                toks.get(j + 1).is_some_and(|t| {
                    let w = t.text(text).to_lowercase();
                    crate::cues::is_preposition(&w)
                        || matches!(w.as_str(), "who" | "which" | "a" | "an" | "the")
                })
            });
            if let (true, Some(j)) = (starts_aside, aside) {
                e = j;
            }
        }
        // "Rubio stated that … with Ukrainian representatives …, saying, “…”": a participle
        // after a comma belongs to the sentence's subject, not to the words before it.
        let participle = toks[k].text(text).ends_with("ing") && toks[k - 1].text(text) == ",";
        if participle {
            if let Some((s0, s1)) = subject(&toks, text) {
                chosen = Some((k, cue, span_of(&toks, s0, s1)));
                break;
            }
        }
        if let Some((s0, s1)) = source_before(&toks, e, text).filter(|(s0, _)| opens(*s0)) {
            chosen = Some((k, cue, span_of(&toks, s0, s1)));
            break;
        }
        // "X caucused on Saturday and says …": the subject speaks.
        let coordinated = e > 0 && matches!(toks[e - 1].text(text), "and" | "but");
        if coordinated {
            if let Some((s0, s1)) = subject(&toks, text) {
                chosen = Some((k, cue, span_of(&toks, s0, s1)));
                break;
            }
        }
    }
    // "Kaine has adopted the stance …: “…”": a colon before the quote, the subject speaks.
    if chosen.is_none() && toks.last().is_some_and(|t| t.text(text) == ":") {
        let (s0, s1) = subject(&toks, text)?;
        let colon = toks[n - 1];
        let cue = Span {
            start: colon.start,
            end: colon.end,
        };
        return Some((
            Frame {
                cue,
                source: span_of(&toks, s0, s1),
            },
            false,
        ));
    }
    let (k, cue, source) = chosen?;
    let rest: Vec<&Tok> = toks[k + 1..].iter().filter(|t| t.end > cue.end).collect();
    let mixed = rest
        .iter()
        .any(|t| t.word && !matches!(t.text(text), "reporters" | "that"));
    Some((Frame { cue, source }, mixed))
}

/// The subject opening a sentence: a pronoun, or a run of words with a capitalised one, up to
/// the first lowercase verb-like word (at most 8 tokens).
fn subject(toks: &[Tok], text: &str) -> Option<(usize, usize)> {
    let mut i = 0;
    while toks
        .get(i)
        .is_some_and(|t| matches!(t.text(text), "But" | "And" | "So" | "Yet"))
    {
        i += 1;
    }
    // "Speaking to reporters, Bush …", "While the talks went on, he …": an introductory
    // phrase before a comma is not the subject.
    let opener = toks.get(i)?.text(text).to_lowercase();
    let intro = crate::cues::is_preposition(&opener)
        || opener.ends_with("ing")
        || matches!(
            opener.as_str(),
            "while" | "as" | "when" | "after" | "if" | "although"
        );
    if intro {
        let comma = (i..toks.len().min(i + 15)).find(|&k| toks[k].text(text) == ",")?;
        i = comma + 1;
    }
    let first = toks.get(i)?.text(text).to_lowercase();
    if PRONOUNS.contains(&first.as_str()) {
        return Some((i, i + 1));
    }
    let mut j = i;
    while j < toks.len() && j - i < 8 {
        let w = toks[j].text(text);
        let keep = toks[j].word
            && (w.starts_with(char::is_uppercase)
                || matches!(
                    w,
                    "of" | "the" | "a" | "an" | "state" | "former" | "campaign"
                )
                || (j == i && crate::cues::is_determiner(w)));
        if !keep {
            break;
        }
        j += 1;
    }
    let named = toks[i..j]
        .iter()
        .any(|t| t.text(text).starts_with(char::is_uppercase));
    (j > i && named).then_some((i, j))
}

/// The sentence before `sent` (one of the document's).
fn sentence_before(doc: &Doc<'_>, sent: Span) -> Option<Span> {
    let i = doc.sentences.partition_point(|s| s.start < sent.start);
    (doc.sentences.get(i) == Some(&sent)).then_some(())?;
    doc.sentences.get(i.checked_sub(1)?).copied()
}

/// A quote opening its sentence, framed by the sentence before it in the same paragraph (or
/// the paragraph before, when that ends with a colon): "Smith told CNN. “…”", "He added: “…”".
fn frame_in_previous(doc: &Doc<'_>, sent: Span, q: &Quote) -> Option<Frame> {
    let text = doc.text;
    let prev = sentence_before(doc, sent)?;
    let between = &text[prev.end..q.start()];
    let same_para = !between.contains('\n');
    let colon = prev.text(text).trim_end().ends_with(':');
    if !(same_para || colon) {
        return None;
    }
    let toks = tokens(text, prev);
    let last = toks.iter().rposition(|t| t.word)?;
    // The cue must end the sentence or be followed only by its object ("told CNN").
    let k = (last.saturating_sub(3)..=last).find(|&k| cue_at(&toks, k, text).is_some())?;
    if !colon
        && !matches!(
            toks[k].text(text).to_lowercase().as_str(),
            "told" | "said" | "says" | "added" | "wrote" | "tweeted" | "asked"
        )
    {
        return None;
    }
    let cue = cue_at(&toks, k, text)?;
    let e = crate::cues::mention_end(&toks, k, 0, text);
    let (s0, s1) = source_before(&toks, e, text).or_else(|| subject(&toks, text))?;
    Some(Frame {
        cue,
        source: span_of(&toks, s0, s1),
    })
}

/// A paragraph "SPEAKER: text" (transcripts).
fn transcript(doc: &Doc<'_>, para: Span) -> Option<Attribution> {
    let text = doc.text;
    let full = para.text(text);
    // '"PENCE: …': transcripts printed inside a quotation open each paragraph with its mark.
    let skip = full.len() - full.trim_start_matches(['"', '\u{201c}']).len();
    let para = Span {
        start: para.start + skip,
        end: para.end,
    };
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
    let mut seen = Seen::default();
    let mut i = 0;
    while i < quoted.len() {
        let q = &quoted[i];
        // A title in quotation marks before a statement in its sentence ("In an interview
        // with CBS’s “Face the Nation” ..., Rubio said, “…”") is a name, not speech: it takes
        // no frame and joins no quote.
        let statement_follows = quoted.get(i + 1).is_some_and(|n| {
            n.is_statement(text) && doc.sentence_at(n.start()) == doc.sentence_at(q.start())
        });
        if statement_follows && q.is_title(text) {
            i += 1;
            continue;
        }
        let mut content = q.spans.clone();
        let mut frame = None;
        let before = || frame_before(doc, q);
        let after_same = signature(text, q).or_else(|| frame_after(doc, q, false));
        let before_found = if after_same.is_none() { before() } else { None };
        let after_next = if after_same.is_none() && before_found.is_none() {
            frame_after(doc, q, true)
        } else {
            None
        };
        if let Some((f, frame_end)) = after_same.or(after_next) {
            // "“A,” she said, “B.”": the next quote right after the frame joins this one.
            if let Some(next) = quoted.get(i + 1) {
                let gap = &text[frame_end.min(next.start())..next.start()];
                let joined = gap.trim().trim_matches([',', '.', ':']).trim().is_empty()
                    && !gap.contains('\n');
                if joined && frame_end <= next.start() {
                    content.extend(next.spans.iter().copied());
                    i += 1;
                }
            }
            frame = Some(f);
        } else if let Some((f, mixed)) = before_found {
            let end_sent = doc.sentence_at(q.end().saturating_sub(1));
            let sent_end = end_sent.map_or(q.end(), |s| s.end);
            // Words after the quote in its sentence belong to the content ("says “…” despite
            // his loss"); so do the words between the cue and the quote of a mixed quote.
            let tail_words = text[q.end().min(sent_end)..sent_end]
                .chars()
                .any(char::is_alphanumeric);
            if mixed || (tail_words && q.spans.len() == 1) {
                let start = if mixed {
                    after_object(text, f.cue, q.start())
                } else {
                    q.start()
                };
                let end = if tail_words {
                    coordination_end(text, q.end(), sent_end)
                } else {
                    q.end()
                };
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
        let mut reported = match frame {
            None if q.is_statement(text) => {
                seen.sync(&out);
                reported_before(doc, &seen.spans, q)
            }
            _ => None,
        };
        let attribution = match frame {
            Some(f) => Some(Attribution {
                content,
                cue: vec![f.cue],
                source: Some(f.source),
                speaker: None,
                role: None,
                direct: true,
            }),
            // "A commander said the men were tired. “Most want a truce.”": the quote goes on in
            // the voice of the reported speech just before it.
            None if reported.is_some() => {
                let reported = reported.take();
                let source = reported.as_ref().and_then(|r| r.source);
                out.extend(reported);
                Some(unframed(content, source))
            }
            None if q.is_statement(text) => {
                let source = previous_source(doc, &out, q.start());
                // The speaker quoted just before goes on: one attribution with several
                // content spans, as news annotation has it; so does a passage of unframed
                // quoted paragraphs.
                if let (Some(_), Some(last)) = (source, out.last_mut()) {
                    if last.direct && !last.cue.is_empty() {
                        last.content.extend(content);
                        i += 1;
                        continue;
                    }
                }
                if let Some(last) = out.last_mut() {
                    let unframed = last.direct && last.cue.is_empty() && last.source.is_none();
                    let para_of = |b: usize| doc.paragraphs.partition_point(|p| p.start <= b);
                    let last_end = last.content.last().map_or(0, |c| c.end.saturating_sub(1));
                    let next_para = para_of(q.start()) <= para_of(last_end) + 1;
                    if unframed && source.is_none() && next_para {
                        last.content.extend(content);
                        i += 1;
                        continue;
                    }
                }
                Some(unframed(content, source))
            }
            None => None,
        };
        out.extend(attribution);
        i += 1;
    }
    let mut contents = crate::words::SpanSet::default();
    for a in &out {
        for &c in &a.content {
            contents.insert(c);
        }
    }
    for &para in &doc.paragraphs {
        if contents.overlaps(para) {
            // '"PENCE: Well, look, …': the transcript's quotation mark opened a quote nobody
            // framed; the paragraph is the transcript speaker's.
            let opens = para.text(doc.text).starts_with(['"', '\u{201c}']);
            let inside = |a: &Attribution| {
                a.content
                    .iter()
                    .any(|c| c.start < para.end && c.end > para.start)
            };
            let unframed = out.iter().filter(|a| inside(a)).all(|a| a.source.is_none());
            let Some(t) = transcript(doc, para).filter(|_| opens && unframed) else {
                continue;
            };
            out.retain(|a| !inside(a));
            out.push(t);
            continue;
        }
        if let Some(t) = transcript(doc, para) {
            for &c in &t.content {
                contents.insert(c);
            }
            out.push(t);
        }
    }
    out
}

/// Where the content of a mixed quote starts after its cue: past the object of "told" or
/// "asked" ("told The Times he …", "told reporters that …") and a "that".
fn after_object(text: &str, cue: Span, quote: usize) -> usize {
    let verb = cue.text(text).to_lowercase();
    let toks = tokens(
        text,
        Span {
            start: cue.end,
            end: quote,
        },
    );
    // "said on Twitter Thursday that …", "said in a statement that …".
    let near_that = (0..toks.len().min(7)).find(|&k| toks[k].text(text) == "that");
    if let Some(k) = near_that.filter(|&k| k > 0) {
        let opener = toks[0].text(text).to_lowercase();
        if crate::cues::is_preposition(&opener) && toks[..k].iter().all(|t| t.word) {
            return toks[k].end;
        }
    }
    if !matches!(
        verb.as_str(),
        "told" | "tells" | "tell" | "asked" | "asks" | "telling"
    ) {
        return cue.end;
    }
    let limit = toks.len().min(5);
    if let Some(k) = (0..limit).find(|&k| matches!(toks[k].text(text), "that" | ",")) {
        return toks[k].end;
    }
    // The object: a pronoun, "reporters", or a capitalised name.
    let mut k = 0;
    while k < limit {
        let w = toks[k].text(text);
        let object = w.starts_with(char::is_uppercase)
            || matches!(
                w,
                "reporters" | "him" | "her" | "them" | "us" | "me" | "the" | "a"
            );
        if !object || (k > 0 && !w.starts_with(char::is_uppercase) && w != "the") {
            break;
        }
        k += 1;
    }
    toks.get(k).map_or(cue.end, |t| t.start)
}

/// Where a mixed quote's content ends after its quote: the sentence end, or earlier at a
/// coordinated second verb ("… a “faker” and questioning how …", "… and threatened to …").
fn coordination_end(text: &str, from: usize, sent_end: usize) -> usize {
    let toks = tokens(
        text,
        Span {
            start: from,
            end: sent_end,
        },
    );
    // "“fantastic,” telling reporters …": a participle right after the closing mark.
    if toks
        .first()
        .is_some_and(|t| t.text(text).ends_with("ing") && t.text(text).len() > 4)
    {
        return from;
    }
    for k in 0..toks.len().saturating_sub(1) {
        let next = toks[k + 1].text(text);
        // "… a “prayer” … but did not …", "— a play on words", "while Trump refers …".
        if matches!(
            toks[k].text(text),
            "\u{2014}" | "while" | "but" | "until" | "when"
        ) {
            return toks[k].start;
        }
        let cut = match toks[k].text(text) {
            "and" => crate::cues::is_cue(next) || next.ends_with("ing") || next.ends_with("ed"),
            // ", referring to …", ", a swipe at …", ", until …": an aside after the quote.
            "," => {
                next.ends_with("ing")
                    || matches!(
                        next,
                        "a" | "an" | "which" | "where" | "until" | "when" | "as"
                    )
            }
            _ => false,
        };
        if cut {
            return toks[k].start;
        }
    }
    sent_end
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

/// A direct quote without a frame of its own, spoken by `source` (if known).
fn unframed(content: Vec<Span>, source: Option<Span>) -> Attribution {
    Attribution {
        content,
        cue: Vec::new(),
        source,
        speaker: None,
        role: None,
        direct: true,
    }
}

/// Reported speech with a source in the sentence right before a quote that opens its own
/// sentence, in the same paragraph, when nothing found so far touches that sentence.
/// The spans (content, cue, source) of the attributions found so far, brought up to date
/// before each use: attributions are only appended, and only the last one is extended in
/// place, so adding the ones since the last sync (and the last again) keeps it exact.
#[derive(Default)]
struct Seen {
    spans: crate::words::SpanSet,
    synced: usize,
}

impl Seen {
    fn sync(&mut self, out: &[Attribution]) {
        for a in &out[self.synced.saturating_sub(1).min(out.len())..] {
            for &s in a.content.iter().chain(&a.cue).chain(a.source.iter()) {
                self.spans.insert(s);
            }
        }
        self.synced = out.len();
    }
}

fn reported_before(doc: &Doc<'_>, found: &crate::words::SpanSet, q: &Quote) -> Option<Attribution> {
    let text = doc.text;
    let sent = doc.sentence_at(q.start())?;
    if !text[sent.start..q.start()].trim().is_empty() {
        return None;
    }
    let prev = sentence_before(doc, sent)?;
    if text[prev.end..q.start()].contains('\n') {
        return None;
    }
    if found.overlaps(prev) {
        return None;
    }
    let a = crate::cues::reported(&tokens(text, prev), prev, text)?;
    a.source.is_some().then_some(a)
}

/// The source of the last attribution if it lies in this paragraph or the previous one, for a
/// quote that continues a speaker's words without a new frame. Pronoun sources are kept as
/// they are (speaker resolution links them).
fn previous_source(doc: &Doc<'_>, found: &[Attribution], at: usize) -> Option<Span> {
    let last = found.last()?;
    let src = last.source?;
    let para_of = |b: usize| doc.paragraphs.partition_point(|p| p.start <= b);
    let (pa, pq) = (para_of(src.start), para_of(at));
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

    /// Issue 23: one stray opening mark in a long paragraph quoted everything after it (501
    /// sentences read as direct speech); now the quote stops after five sentences.
    #[test]
    fn an_unclosed_quote_in_a_long_paragraph_stops_after_five_sentences() {
        let rest: Vec<String> = (0..600).map(|i| format!("Sentence {i} is here.")).collect();
        let t = format!("He said: \u{201c}We will never give up. {}", rest.join(" "));
        let found = crate::Attributor::default().attribute(&t);
        let content: Vec<&str> = found.iter().flat_map(|a| a.content_text(&t)).collect();
        assert_eq!(
            content,
            ["\u{201c}We will never give up. Sentence 0 is here. Sentence 1 is here. Sentence 2 is here. Sentence 3 is here."]
        );
    }
}
