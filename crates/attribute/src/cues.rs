//! Cue words, source mentions and reported speech without a quotation ("X said that …",
//! "…, sources said.", "According to X, …"), and mixed quotes ("X called it “a betrayal”").

use crate::words::{tokens, trim, Doc, Tok};
use crate::{Attribution, Span};

/// Verbs of saying and believing that introduce reported content.
const CUES: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "tell",
    "telling",
    "added",
    "adds",
    "adding",
    "wrote",
    "writes",
    "write",
    "writing",
    "noted",
    "notes",
    "warned",
    "warns",
    "warning",
    "explained",
    "explains",
    "argued",
    "argues",
    "arguing",
    "argue",
    "claimed",
    "claims",
    "claim",
    "claiming",
    "insisted",
    "insists",
    "asked",
    "asks",
    "replied",
    "replies",
    "responded",
    "responds",
    "stated",
    "states",
    "announced",
    "announces",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "suggested",
    "suggests",
    "believes",
    "believe",
    "believed",
    "thinks",
    "think",
    "thought",
    "reported",
    "reports",
    "declared",
    "declares",
    "predicted",
    "predicts",
    "stressed",
    "stresses",
    "contended",
    "contends",
    "emphasized",
    "recalled",
    "recalls",
    "continued",
    "continues",
    "complained",
    "complains",
    "countered",
    "agreed",
    "agrees",
    "tweeted",
    "tweets",
    "posted",
    "joked",
    "quipped",
    "vowed",
    "vows",
    "promised",
    "promises",
    "conceded",
    "concedes",
    "maintained",
    "maintains",
    "charged",
    "alleged",
    "alleges",
    "observed",
    "remarked",
    "confirmed",
    "confirms",
    "denied",
    "denies",
    "urged",
    "urges",
    "cautioned",
    "pointed",
    "testified",
    "explaining",
    "noting",
    "calling",
    "called",
    "calls",
    "described",
    "describes",
    "blasted",
    "accused",
    "accuses",
    "hopes",
    "hoped",
    "feels",
    "felt",
    "knows",
    "expects",
    "expected",
    "estimated",
    "estimates",
    "showed",
    "shows",
    "found",
    "finds",
    "learned",
    "added:",
    "concluded",
    "concludes",
    "indicated",
    "indicates",
    "mentioned",
    "demanded",
    "demands",
    "announcing",
    "promising",
    "seemed",
    "declined",
    "endorsed",
    "criticized",
    "appears",
    "appeared",
    "wants",
    "citing",
    "defended",
    "cited",
    "seems",
    "supporting",
    "suggesting",
    "praised",
    "proposed",
    "refused",
    "supported",
    "opposed",
    "revealed",
    "sought",
    "sees",
    "offered",
    "questioned",
    "showing",
    "pledged",
    "wanted",
    "asking",
    "dismissed",
    "fear",
    "fears",
    "named",
    "backing",
    "blamed",
    "rejected",
    "saw",
    "attacked",
    "recalling",
    "expressed",
    "seeking",
    "oppose",
    "opposes",
    "insist",
    "ordered",
    "backed",
    "assured",
    "mocked",
    "discussed",
    "seeks",
    "feel",
    "supports",
    "stating",
    "describing",
    "denounced",
    "prefer",
    "hoping",
    "denouncing",
    "acknowledging",
    "reiterated",
    "identified",
    "asserted",
    "asserting",
    "considered",
    "thanked",
    "slams",
    "decried",
    "lamented",
    "questioning",
    "urging",
    "accusing",
    "worried",
    "attacking",
    "preferred",
    "praises",
    "repeated",
    "highlighted",
    "declaring",
    "cites",
    "reminded",
    "echoed",
    "compared",
    "portrayed",
    "requested",
    "condemned",
    "emailed",
    "reveals",
    "quoted",
    "shouted",
    "chanted",
    "warning",
    "encouraged",
    "heralded",
    "projects",
    "projected",
    "affirms",
    "affirmed",
    "reads",
    "insisting",
    "slammed",
    "published",
    "challenged",
    "vowing",
    "shared",
    "touted",
    "touts",
    "boasted",
    "boasts",
    "mused",
    "wondered",
    "speculated",
    "texted",
    "advised",
    "cautions",
    "exclaimed",
    "exclaims",
    "retorted",
    "snapped",
    "scoffed",
    "pleaded",
    "begged",
    "demanding",
    "proclaimed",
    "proclaims",
    "reasoned",
    "surmised",
    "predicting",
    "describe",
    "dismisses",
    "put",
    "yelled",
    "yells",
    "cry",
    "cried",
    "cries",
    "screamed",
    "shouted",
    "muttered",
    "bemoaned",
    "bemoans",
    "referred",
    "refers",
    "dubbed",
    "labeled",
    "labelled",
    "branded",
    "termed",
    "hailed",
    "hails",
    "lauded",
    "derided",
    "ridiculed",
    "lambasted",
    "criticizes",
];

/// Verbs that may come before their source in a frame (", said the minister"): only verbs of
/// saying, never "rejected the idea".
const SAY_FIRST: &[&str] = &[
    "said",
    "says",
    "added",
    "adds",
    "wrote",
    "writes",
    "told",
    "asked",
    "asks",
    "replied",
    "replies",
    "explained",
    "noted",
    "notes",
    "continued",
    "recalled",
    "warned",
    "insisted",
    "acknowledged",
    "declared",
    "according",
    "argued",
    "countered",
    "responded",
    "stressed",
    "cautioned",
    "conceded",
    "complained",
    "admitted",
    "claimed",
    "tweeted",
    "exclaimed",
];

/// Whether the cue at token `i` may open a frame before its source.
pub(crate) fn says_first(toks: &[Tok], i: usize, text: &str) -> bool {
    toks.get(i)
        .is_some_and(|t| SAY_FIRST.contains(&t.text(text).to_lowercase().as_str()))
}

/// Auxiliaries and adverbs that may sit between a source and its cue.
const BETWEEN: &[&str] = &[
    "has",
    "have",
    "had",
    "also",
    "later",
    "then",
    "previously",
    "once",
    "repeatedly",
    "would",
    "will",
    "reportedly",
    "recently",
    "publicly",
    "privately",
    "often",
    "has",
    "is",
    "was",
    "were",
    "are",
    "been",
    "frequently",
    "first",
    "again",
    "even",
    "still",
    "just",
    "already",
    "never",
    "flatly",
    "quickly",
    "openly",
    "initially",
    "only",
    "may",
    "might",
    "could",
];

/// Words that end a source mention when reading leftwards.
const NOT_IN_SOURCE: &[&str] = &[
    "and", "but", "or", "so", "yet", "that", "which", "who", "because", "when", "while", "if",
    "as", "where", "after", "before", "since", "though", "although", "than", "not",
];

/// Prepositions that open asides between a speaker and the cue.
const PREPOSITIONS: &[&str] = &[
    "in",
    "at",
    "on",
    "during",
    "after",
    "before",
    "from",
    "with",
    "by",
    "for",
    "speaking",
    "according",
    "while",
    "through",
    "via",
    "under",
    "over",
    "to",
    "of",
    "about",
];

/// Pronouns that can be sources.
pub(crate) const PRONOUNS: &[&str] = &["he", "she", "they", "we", "i", "it", "you"];

/// Determiners that can open a source mention without a capitalised word.
const DETERMINERS: &[&str] = &[
    "the",
    "a",
    "an",
    "another",
    "some",
    "one",
    "two",
    "three",
    "several",
    "many",
    "his",
    "her",
    "their",
    "its",
    "our",
    "other",
    "most",
    "few",
    "both",
    "senior",
    "top",
    "officials",
    "sources",
    "critics",
    "experts",
    "analysts",
    "supporters",
    "aides",
    "advisers",
    "voters",
    "polls",
    "democrats",
    "republicans",
    "people",
];

/// Where the mention before a cue at token `k` ends: past the auxiliaries and adverbs between
/// them ("has also said"), never below token `floor`.
pub(crate) fn mention_end(toks: &[Tok], k: usize, floor: usize, text: &str) -> usize {
    let mut e = k;
    while e > floor && BETWEEN.contains(&lower(&toks[e - 1], text).as_str()) {
        // "Theresa May said": a capitalised word after a capitalised one is a name, not the
        // modal.
        if e - 1 > floor
            && matches!(toks[e - 1].text(text), "May" | "Will")
            && capitalised(&toks[e - 2], text)
        {
            break;
        }
        e -= 1;
    }
    e
}

pub(crate) fn is_preposition(word: &str) -> bool {
    PREPOSITIONS.contains(&word.to_lowercase().as_str())
}

pub(crate) fn is_determiner(word: &str) -> bool {
    DETERMINERS.contains(&word.to_lowercase().as_str())
}

pub(crate) fn is_cue(word: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    let set = SET.get_or_init(|| CUES.iter().copied().collect());
    if word.bytes().any(|b| b.is_ascii_uppercase()) {
        set.contains(word.to_lowercase().as_str())
    } else {
        set.contains(word)
    }
}

fn lower(t: &Tok, text: &str) -> String {
    t.text(text).to_lowercase()
}

fn capitalised(t: &Tok, text: &str) -> bool {
    t.word
        && t.text(text)
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase())
}

/// Whether token `k`, an "and" or "&", joins the words of an organisation's name: capitalised
/// words on both sides and an organisation's head noun among the capitalised words after it
/// ("House Oversight and Government Reform Committee", "Securities and Exchange Commission").
fn joins_org_name(toks: &[Tok], k: usize, text: &str) -> bool {
    matches!(lower(&toks[k], text).as_str(), "and" | "&")
        && k > 0
        && capitalised(&toks[k - 1], text)
        && toks[k + 1..]
            .iter()
            .take(5)
            .take_while(|t| capitalised(t, text))
            .any(|t| crate::speakers::is_org_head(t.text(text)))
}

/// A source mention that ends right before token `end` (exclusive), reading leftwards at most
/// 9 tokens, stopping at punctuation and clause words. Requires a pronoun, a capitalised word or
/// an opening determiner; returns the token range.
pub(crate) fn source_before(toks: &[Tok], end: usize, text: &str) -> Option<(usize, usize)> {
    let mut i = end;
    while i > 0 && end - i < 14 {
        let t = &toks[i - 1];
        let s = t.text(text);
        if !t.word && !matches!(s, "’" | "'" | "(" | ")" | "-") {
            break;
        }
        // "GENEVA, March 9 (Wire) - Negotiators said": a spaced dash ends a dateline.
        let spaced =
            |at: usize| text[..at].ends_with(' ') && text[at..].chars().nth(1) == Some(' ');
        if s == "-" && spaced(t.start) {
            break;
        }
        // A mention never holds a clause word or a verb of saying ("… said Washington").
        if (NOT_IN_SOURCE.contains(&s.to_lowercase().as_str())
            && !joins_org_name(toks, i - 1, text))
            || is_cue(s)
        {
            break;
        }
        i -= 1;
    }
    // An opening bracket without its closing one is not part of the mention.
    while i < end && toks[i].text(text) == ")" {
        i += 1;
    }
    // Drop leading conjunctions and adverbs ("But he", "Later, Smith").
    while i < end
        && matches!(
            lower(&toks[i], text).as_str(),
            "but" | "and" | "so" | "yet" | "however" | "also" | "now" | "later" | "then" | "here"
        )
    {
        i += 1;
    }
    if i >= end {
        return None;
    }
    let first = lower(&toks[i], text);
    // "in Kentucky", "in a statement": a prepositional phrase, not a speaker.
    if PREPOSITIONS.contains(&first.as_str()) {
        return None;
    }
    let ok = (end - i == 1 && PRONOUNS.contains(&first.as_str()))
        || toks[i..end].iter().any(|t| capitalised(t, text))
        || DETERMINERS.contains(&first.as_str());
    // A lone lowercase word that is not a pronoun is not a source ("it is said").
    let lone_word = end - i == 1
        && !capitalised(&toks[i], text)
        && !PRONOUNS.contains(&first.as_str())
        && !DETERMINERS.contains(&first.as_str());
    if !ok || lone_word {
        return None;
    }
    Some((i, end))
}

/// A source mention that starts at token `start`: up to the next comma, period, quote mark or
/// clause word (at most 10 tokens).
pub(crate) fn source_after(toks: &[Tok], start: usize, text: &str) -> Option<(usize, usize)> {
    let mut j = start;
    while j < toks.len() && j - start < 10 {
        let t = &toks[j];
        if !t.word && !matches!(t.text(text), "’" | "'" | "(" | ")" | "-") {
            break;
        }
        if j > start
            && NOT_IN_SOURCE.contains(&lower(t, text).as_str())
            && !joins_org_name(toks, j, text)
        {
            break;
        }
        j += 1;
    }
    (j > start).then_some((start, j))
}

/// The cue at token `i` and any particle after it ("pointed out", "said in a statement"),
/// as a span; `None` when token `i` is not a cue.
pub(crate) fn cue_at(toks: &[Tok], i: usize, text: &str) -> Option<Span> {
    let t = toks.get(i)?;
    if !t.word || !is_cue(t.text(text)) {
        return None;
    }
    let mut end = t.end;
    if let Some(n) = toks.get(i + 1) {
        let w = lower(n, text);
        if matches!(w.as_str(), "out" | "for" | "on") && n.word {
            end = n.end;
        }
    }
    Some(Span {
        start: t.start,
        end,
    })
}

/// Span of tokens `a..b`.
pub(crate) fn span_of(toks: &[Tok], a: usize, b: usize) -> Span {
    Span {
        start: toks[a].start,
        end: toks[b - 1].end,
    }
}

/// Reported speech in sentences outside direct quotes.
pub(crate) fn indirect(doc: &Doc<'_>, direct: &[Attribution]) -> Vec<Attribution> {
    let text = doc.text;
    let mut out = Vec::new();
    let mut taken = crate::words::SpanSet::default();
    for a in direct {
        for &c in a.content.iter().chain(a.source.iter()) {
            taken.insert(c);
        }
    }
    for &sent in &doc.sentences {
        if taken.overlaps(sent) {
            continue;
        }
        let toks = tokens(text, sent);
        out.extend(reported(&toks, sent, text));
    }
    out
}

/// Reported speech in one sentence: "According to X, …", "X said (that) …", "…, X said."
pub(crate) fn reported(toks: &[Tok], sent: Span, text: &str) -> Option<Attribution> {
    if toks.len() < 4 {
        return None;
    }
    let mut a = according_to(toks, sent, text)
        .or_else(|| source_then_cue(toks, sent, text))
        .or_else(|| content_then_source(toks, text))?;
    a.direct = a
        .content
        .iter()
        .any(|s| s.text(text).contains(crate::words::is_quote_mark));
    Some(a)
}

/// Final punctuation and spaces that content spans leave out.
const CONTENT_TRIM: &[char] = &['.', ',', ';', ':'];

/// "According to X, content." and "Content, according to X."
fn according_to(toks: &[Tok], sent: Span, text: &str) -> Option<Attribution> {
    let k = (0..toks.len().saturating_sub(1))
        .find(|&k| lower(&toks[k], text) == "according" && lower(&toks[k + 1], text) == "to")?;
    let cue = span_of(toks, k, k + 2);
    let (s0, s1) = source_after(toks, k + 2, text)?;
    let source = Some(span_of(toks, s0, s1));
    let content = if k == 0 {
        // According to X, content.
        let start = toks
            .get(s1 + 1)
            .filter(|_| toks[s1].text(text) == ",")?
            .start;
        Span {
            start,
            end: sent.end,
        }
    } else {
        Span {
            start: sent.start,
            end: toks[k - 1].end,
        }
    };
    let content = trim(text, content, CONTENT_TRIM);
    (content.end > content.start).then(|| Attribution {
        content: vec![content],
        cue: vec![cue],
        source,
        speaker: None,
        role: None,
        direct: false,
    })
}

/// The subject of a cue at token `i`: the mention before it, past auxiliaries and adverbs
/// ("has also said") and an aside between commas ("A local commander, who asked not to be
/// named, said"); the token range.
pub(crate) fn subject_of(toks: &[Tok], i: usize, text: &str) -> Option<(usize, usize)> {
    let mut e = mention_end(toks, i, 0, text);
    if e > 1 && toks[e - 1].text(text) == "," {
        if let Some(j) = (0..e - 1).rev().find(|&j| toks[j].text(text) == ",") {
            let w = lower(&toks[j + 1], text);
            if matches!(w.as_str(), "who" | "which" | "a" | "an" | "the") || is_preposition(&w) {
                e = j;
            }
        }
    }
    source_before(toks, e, text)
}

/// "X said (that) content." — the cue within the first 12 tokens, after a source mention.
fn source_then_cue(toks: &[Tok], sent: Span, text: &str) -> Option<Attribution> {
    for i in 1..toks.len().min(12) {
        let Some(cue) = cue_at(toks, i, text) else {
            continue;
        };
        let Some((s0, s1)) = subject_of(toks, i, text) else {
            continue;
        };
        // The source must open the sentence (after a conjunction or an introductory phrase
        // ending in a comma).
        let opens = s0 == 0
            || toks[..s0].iter().all(|t| {
                matches!(
                    lower(t, text).as_str(),
                    "but" | "and" | "so" | "yet" | "however" | "also"
                )
            })
            || matches!(toks[s0 - 1].text(text), "," | "-");
        if !opens {
            return None;
        }
        // Content: after the cue, its object for "told"/"asked" ("told reporters"), an optional
        // "that" or comma.
        let mut c = i + 1;
        while c < toks.len() && toks[c].end <= cue.end {
            c += 1;
        }
        let verb = lower(&toks[i], text);
        if matches!(
            verb.as_str(),
            "told" | "tells" | "tell" | "asked" | "asks" | "warned" | "urged"
        ) {
            let limit = (c + 5).min(toks.len());
            if let Some(that) =
                (c..limit).find(|&k| matches!(lower(&toks[k], text).as_str(), "that" | ","))
            {
                c = that;
            } else if c < toks.len() {
                c += 1;
            }
        }
        // "said in a statement (that)", "said Tuesday (that)", "said on Fox News that".
        if let Some(that) = (c..(c + 7).min(toks.len())).find(|&k| lower(&toks[k], text) == "that")
        {
            let between_ok = toks[c..that].iter().all(|t| t.word || t.text(text) == ",");
            if between_ok && that > c {
                c = that;
            }
        }
        while c < toks.len() && matches!(toks[c].text(text), "," | ":" | "that") {
            c += 1;
        }
        let start = toks.get(c)?.start;
        // "… and argued that …": a second verb of saying starts another attribution.
        let end = (c..toks.len().saturating_sub(1))
            .find(|&k| toks[k].text(text) == "and" && is_cue(toks[k + 1].text(text)))
            .map_or(sent.end, |k| toks[k].start);
        let content = trim(text, Span { start, end }, CONTENT_TRIM);
        if toks.len() - c < 3 || content.end <= content.start {
            return None;
        }
        return Some(Attribution {
            content: vec![content],
            cue: vec![cue],
            source: Some(span_of(toks, s0, s1)),
            speaker: None,
            role: None,
            direct: false,
        });
    }
    None
}

/// "Content, X said." and "Content, said X." — the frame after the last comma.
fn content_then_source(toks: &[Tok], text: &str) -> Option<Attribution> {
    let comma = toks.iter().rposition(|t| t.text(text) == ",")?;
    if comma < 3 {
        return None;
    }
    let end = toks.iter().rposition(|t| t.word).filter(|&e| e > comma)? + 1;
    let frame = &toks[comma + 1..end];
    if frame.is_empty() || frame.len() > 10 {
        return None;
    }
    let say_first = says_first(toks, comma + 1, text);
    let (cue, source) = if let Some(cue) = cue_at(toks, comma + 1, text).filter(|_| say_first) {
        // ", said X." — X a short mention without a verb in it.
        let (s0, s1) = source_after(toks, comma + 1 + 1, text)?;
        let verb = toks[s0..s1].iter().any(|t| {
            matches!(
                lower(t, text).as_str(),
                "is" | "are" | "was" | "were" | "has" | "have" | "had" | "will" | "would"
            )
        });
        if verb || s1 - s0 > 8 {
            return None;
        }
        (cue, span_of(toks, s0, s1))
    } else {
        // ", X said."
        let last = end - 1;
        let cue = cue_at(toks, last, text)?;
        let e = mention_end(toks, last, comma + 1, text);
        let (s0, s1) = source_before(toks, e, text)?;
        if s0 != comma + 1 {
            return None;
        }
        (cue, span_of(toks, s0, s1))
    };
    let content = trim(
        text,
        Span {
            start: toks[0].start,
            end: toks[comma].start,
        },
        CONTENT_TRIM,
    );
    Some(Attribution {
        content: vec![content],
        cue: vec![cue],
        source: Some(source),
        speaker: None,
        role: None,
        direct: false,
    })
}
