//! Counterfactual and context augmentation of labelled training data, with labels derived by
//! rule (model-free, seeded).
//!
//! Stance data teaches a model which targets come with which side ("ceasefire" nearly always
//! in calls for one), so a plain "We oppose a ceasefire." reads as FAVOR. These generators edit
//! **real training sentences** so that the same sentence and target appear with another label,
//! and add the framings that news is full of:
//!
//! | kind | what | label |
//! |---|---|---|
//! | `swap` | a stance cue right before the target swapped for its opposite (support ↔ oppose, back ↔ reject, welcome ↔ condemn, endorse ↔ denounce, praise ↔ criticise, in favour of ↔ opposed to, vote for ↔ vote against, support for ↔ opposition to) | flipped |
//! | `negate` | negation inserted before the cue ("supports" → "does not support") | FAVOR cue → AGAINST; AGAINST cue → NONE |
//! | `unnegate` | negation removed ("did not oppose" → "opposed") | the cue's side |
//! | `difficulty` | the target in a sentence about obstacles, delays or slim chances (this module's own wording; version 3 adds two more per target) | NONE |
//! | `question` | the target asked about, or a comment on it declined | NONE |
//! | `reported` | a short stanced training sentence quoted with a speaker | unchanged |
//! | `pronoun` | the target's mention replaced by "it"/"they", a sentence naming the target given as context | unchanged |
//! | `guard` | a NONE sentence with a stanced sentence on the same target as context | NONE |
//! | `context` | a stanced sentence with an unrelated training sentence as context | unchanged |
//! | `unrelated` (version 4) | a sentence of another target's example that neither names this target nor refers back to anything (no pronoun or demonstrative), with a stanced sentence naming this target as its context | NONE |
//!
//! A cue only counts when its side agrees with the example's label and it is not already
//! negated (for `swap` and `negate`), so a mislabelled or sarcastic row is skipped rather than
//! turned around. Nothing here reads the behavioural suite: its templates and targets are kept
//! out so that it stays a fair test.
//!
//! ```
//! use standpoint_stance::augment::{augment, Kind};
//! use standpoint_stance::{data::Example, Label};
//! let ex = |text: &str, label| Example { id: "1".into(), text: text.into(),
//!     target: "the pipeline".into(), label, seen: None, context: String::new(), source_label: None };
//! let out = augment(&[ex("The unions strongly oppose the pipeline.", Label::Against)], 13);
//! let swap = out.iter().find(|a| a.kind == Kind::Swap).unwrap();
//! assert_eq!(swap.example.text, "The unions strongly support the pipeline.");
//! assert_eq!(swap.example.label, Label::Favor);
//! let neg = out.iter().find(|a| a.kind == Kind::Negate).unwrap();
//! assert_eq!(neg.example.text, "The unions do not strongly oppose the pipeline.");
//! assert_eq!(neg.example.label, Label::None);
//! ```

use crate::data::Example;
use crate::metrics::SplitMix64;
use crate::Label;

/// Which generator made an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Stance cue swapped for its opposite.
    Swap,
    /// Negation inserted.
    Negate,
    /// Negation removed.
    Unnegate,
    /// Obstacles and delays: NONE.
    Difficulty,
    /// Asked about, comment declined: NONE.
    Question,
    /// A stanced sentence quoted with a speaker.
    Reported,
    /// A stanced sentence reported in indirect speech (version 2).
    Indirect,
    /// The target named only in the context.
    Pronoun,
    /// A NONE sentence after a stanced one.
    Guard,
    /// An unrelated context.
    Context,
    /// A sentence about something else after a stanced sentence on the target: NONE
    /// (version 4).
    Unrelated,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 11] = [
        Kind::Swap,
        Kind::Negate,
        Kind::Unnegate,
        Kind::Difficulty,
        Kind::Question,
        Kind::Reported,
        Kind::Indirect,
        Kind::Pronoun,
        Kind::Guard,
        Kind::Context,
        Kind::Unrelated,
    ];

    /// Its name (in ids and manifests).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Swap => "swap",
            Kind::Negate => "negate",
            Kind::Unnegate => "unnegate",
            Kind::Difficulty => "difficulty",
            Kind::Question => "question",
            Kind::Reported => "reported",
            Kind::Indirect => "indirect",
            Kind::Pronoun => "pronoun",
            Kind::Guard => "guard",
            Kind::Context => "context",
            Kind::Unrelated => "unrelated",
        }
    }
}

/// A generated example and its generator.
#[derive(Debug, Clone, PartialEq)]
pub struct Augmented {
    /// The example (id `aug-KIND-N-SOURCEID`).
    pub example: Example,
    /// The generator.
    pub kind: Kind,
}

/// Verb forms: base, third person, past, -ing.
type Forms = [&'static str; 4];

/// Stance verbs: forms, side, index of the opposite in this table.
const VERBS: &[(Forms, Label, usize)] = &[
    (
        ["support", "supports", "supported", "supporting"],
        Label::Favor,
        1,
    ),
    (
        ["oppose", "opposes", "opposed", "opposing"],
        Label::Against,
        0,
    ),
    (["back", "backs", "backed", "backing"], Label::Favor, 3),
    (
        ["reject", "rejects", "rejected", "rejecting"],
        Label::Against,
        2,
    ),
    (
        ["welcome", "welcomes", "welcomed", "welcoming"],
        Label::Favor,
        5,
    ),
    (
        ["condemn", "condemns", "condemned", "condemning"],
        Label::Against,
        4,
    ),
    (
        ["endorse", "endorses", "endorsed", "endorsing"],
        Label::Favor,
        7,
    ),
    (
        ["denounce", "denounces", "denounced", "denouncing"],
        Label::Against,
        6,
    ),
    (
        ["praise", "praises", "praised", "praising"],
        Label::Favor,
        9,
    ),
    (
        ["criticize", "criticizes", "criticized", "criticizing"],
        Label::Against,
        8,
    ),
    (
        ["criticise", "criticises", "criticised", "criticising"],
        Label::Against,
        8,
    ),
    (["favor", "favors", "favored", "favoring"], Label::Favor, 1),
    (
        ["favour", "favours", "favoured", "favouring"],
        Label::Favor,
        1,
    ),
    (
        ["defend", "defends", "defended", "defending"],
        Label::Favor,
        14,
    ),
    (
        ["attack", "attacks", "attacked", "attacking"],
        Label::Against,
        13,
    ),
    (["fight", "fights", "fought", "fighting"], Label::Against, 0),
];

/// Multi-word cues: words, side, replacement.
const PHRASES: &[(&[&str], Label, &str)] = &[
    (&["in", "favor", "of"], Label::Favor, "opposed to"),
    (&["in", "favour", "of"], Label::Favor, "opposed to"),
    (&["opposed", "to"], Label::Against, "in favor of"),
    (&["support", "for"], Label::Favor, "opposition to"),
    (&["opposition", "to"], Label::Against, "support for"),
    (&["vote", "for"], Label::Favor, "vote against"),
    (&["voted", "for"], Label::Favor, "voted against"),
    (&["vote", "against"], Label::Against, "vote for"),
    (&["voted", "against"], Label::Against, "voted for"),
];

const AMBIGUOUS_BASE: &[&str] = &["back", "fight", "attack", "favor", "favour", "praise"];

/// Words allowed between a cue and the target ("support **the new** pipeline").
const GAP_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "their",
    "our",
    "its",
    "my",
    "your",
    "any",
    "all",
    "new",
    "proposed",
    "planned",
    "such",
    "mr",
    "mrs",
    "ms",
    "dr",
    "president",
    "senator",
    "sen",
    "gov",
    "governor",
];

const NEGATIONS: &[&str] = &[
    "not",
    "n't",
    "never",
    "no",
    "nobody",
    "neither",
    "nor",
    "without",
    "hardly",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "wouldn't",
    "can't",
    "cannot",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "shouldn't",
    "couldn't",
];

const MODALS: &[&str] = &[
    "will", "would", "can", "could", "should", "must", "may", "might", "shall", "to",
];
const BE_HAVE: &[&str] = &[
    "is", "are", "am", "was", "were", "be", "been", "has", "have", "had",
];
const SUBJECTS: &[&str] = &["i", "we", "you", "they"];

/// A word of a text: its byte span and lowercase form.
#[derive(Debug)]
struct Word {
    start: usize,
    end: usize,
    lower: String,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let inside = c.is_alphanumeric() || c == '\'' || c == '’' || c == '-';
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Word {
                    start: s,
                    end: i,
                    lower: text[s..i].to_lowercase().replace('’', "'"),
                });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Word {
            start: s,
            end: text.len(),
            lower: text[s..].to_lowercase().replace('’', "'"),
        });
    }
    out
}

/// Byte offset of the first whole-word, case-insensitive occurrence of `needle` in `text`.
fn find_word(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() || !needle.is_ascii() {
        return None;
    }
    let hay = text.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let bytes = hay.as_bytes();
    let mut from = 0;
    while let Some(i) = hay[from..].find(&needle) {
        let i = from + i;
        let j = i + needle.len();
        let before = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let after = j >= bytes.len() || !bytes[j].is_ascii_alphanumeric();
        if before && after {
            return Some(i);
        }
        from = i + 1;
        if from >= hay.len() {
            break;
        }
    }
    None
}

/// Where the example names its target: the whole target, else the last word of a name
/// ("Trump" for "Donald Trump").
fn target_mention(text: &str, target: &str) -> Option<(usize, usize)> {
    let t = target.trim();
    if let Some(i) = find_word(text, t) {
        return Some((i, i + t.len()));
    }
    let last = t.split_whitespace().last()?;
    let is_name = t.split_whitespace().count() > 1
        && last.len() > 3
        && last.chars().next().is_some_and(char::is_uppercase);
    if is_name {
        find_word(text, last).map(|i| (i, i + last.len()))
    } else {
        None
    }
}

/// A stance cue found before a target mention.
#[derive(Debug)]
struct Cue {
    /// First and last word index of the cue.
    first: usize,
    last: usize,
    side: Label,
    /// `Some((row, form))` for a verb of [`VERBS`], `None` for a phrase.
    verb: Option<(usize, usize)>,
    /// The phrase's replacement.
    phrase_swap: &'static str,
}

/// The nearest stance cue at most four words before the word at `target_word`, within its
/// clause.
fn cue_before(ws: &[Word], text: &str, target_word: usize) -> Option<Cue> {
    let lo = target_word.saturating_sub(4);
    for end in (lo..target_word).rev() {
        if ws[end + 1..target_word]
            .iter()
            .any(|w| !GAP_WORDS.contains(&w.lower.as_str()))
        {
            return None;
        }
        // No clause break between the cue and the target.
        let gap = &text[ws[end].end..ws[target_word].start];
        if gap.contains(['.', ',', ';', ':', '!', '?', '"', '“', '”', '(', ')']) {
            return None;
        }
        for (pw, side, swap) in PHRASES {
            let n = pw.len();
            if end + 1 >= n && (0..n).all(|k| ws[end + 1 - n + k].lower == pw[k]) {
                let first = end + 1 - n;
                let inner = &text[ws[first].start..ws[end].end];
                if inner.split_whitespace().count() == n {
                    return Some(Cue {
                        first,
                        last: end,
                        side: *side,
                        verb: None,
                        phrase_swap: swap,
                    });
                }
            }
        }
        for (row, (forms, side, _)) in VERBS.iter().enumerate() {
            if let Some(form) = forms.iter().position(|f| *f == ws[end].lower) {
                // "back", "fight", "attack" and "favor" are nouns and adverbs too often.
                if form == 0 && AMBIGUOUS_BASE.contains(&forms[0]) {
                    continue;
                }
                return Some(Cue {
                    first: end,
                    last: end,
                    side: *side,
                    verb: Some((row, form)),
                    phrase_swap: "",
                });
            }
        }
    }
    None
}

fn negated(ws: &[Word], first: usize) -> bool {
    ws[first.saturating_sub(3)..first]
        .iter()
        .any(|w| NEGATIONS.contains(&w.lower.as_str()) || w.lower.ends_with("n't"))
}

/// `replacement` in the case of `original` (first letter).
fn cased(original: &str, replacement: &str) -> String {
    if original.chars().next().is_some_and(char::is_uppercase) {
        let mut c = replacement.chars();
        match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
            None => String::new(),
        }
    } else {
        replacement.to_string()
    }
}

fn splice(text: &str, start: usize, end: usize, with: &str) -> String {
    format!("{}{}{}", &text[..start], with, &text[end..])
}

fn flip(l: Label) -> Label {
    match l {
        Label::Favor => Label::Against,
        Label::Against => Label::Favor,
        Label::None => Label::None,
    }
}

/// The cue swapped for its opposite.
fn swap_cue(text: &str, ws: &[Word], cue: &Cue) -> String {
    let (s, e) = (ws[cue.first].start, ws[cue.last].end);
    let original = &text[s..e];
    let with = match cue.verb {
        Some((row, form)) => VERBS[VERBS[row].2].0[form],
        None => cue.phrase_swap,
    };
    splice(text, s, e, &cased(original, with))
}

/// Negation inserted before the cue, or `None` when the grammar is unclear. Up to two adverbs
/// before a verb stay after the negation ("strongly opposed" -> "did not strongly oppose").
fn negate_cue(text: &str, ws: &[Word], cue: &Cue) -> Option<String> {
    let Some((row, form)) = cue.verb else {
        // "is in favour of" -> "is not in favour of"; other phrases need a verb.
        let prev = cue.first.checked_sub(1).map(|i| ws[i].lower.as_str());
        let be = prev.is_some_and(|p| BE_HAVE[..6].contains(&p));
        let phrase = ws[cue.first].lower.as_str();
        let s = ws[cue.first].start;
        return (be && (phrase == "in" || phrase == "opposed")).then(|| splice(text, s, s, "not "));
    };
    let mut k = cue.first;
    while k > 0 && cue.first - k < 2 && ws[k - 1].lower.ends_with("ly") {
        k -= 1;
    }
    let prev = k.checked_sub(1).map(|i| ws[i].lower.as_str());
    let aux = prev.is_some_and(|p| MODALS.contains(&p) || BE_HAVE.contains(&p));
    // An auxiliary further back ("has aggressively defended") makes the tense unclear.
    let aux_before = ws[k.saturating_sub(3)..k]
        .iter()
        .any(|w| BE_HAVE.contains(&w.lower.as_str()) || MODALS.contains(&w.lower.as_str()));
    let base = VERBS[row].0[0];
    let verb = &text[ws[cue.first].start..ws[cue.first].end];
    let (insert, new_verb) = match form {
        _ if aux => ("not ", verb.to_string()),
        _ if aux_before => return None,
        0 if prev.is_some_and(|p| SUBJECTS.contains(&p) || plural_noun(p)) => {
            ("do not ", base.to_string())
        }
        0 => return None,
        1 => ("does not ", base.to_string()),
        2 => ("did not ", base.to_string()),
        _ => ("not ", verb.to_string()),
    };
    let at = ws[k].start;
    let first_word = &text[at..ws[k].end];
    let capital = at == 0 || text[..at].trim().is_empty();
    let (insert, between) = if capital && first_word.chars().next().is_some_and(char::is_uppercase)
    {
        // The negation now opens the sentence: "Strongly opposed" -> "Did not strongly oppose".
        let between = &text[at..ws[cue.first].start];
        (cased("X", insert), lower_first(between))
    } else {
        (
            insert.to_string(),
            text[at..ws[cue.first].start].to_string(),
        )
    };
    let new_verb = if k == cue.first && capital {
        lower_first(&new_verb)
    } else {
        new_verb
    };
    Some(format!(
        "{}{insert}{between}{new_verb}{}",
        &text[..at],
        &text[ws[cue.first].end..]
    ))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A lowercase word that looks like a plural noun ("unions", "critics").
fn plural_noun(w: &str) -> bool {
    w.len() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("'s")
        && !matches!(
            w,
            "this"
                | "is"
                | "was"
                | "has"
                | "does"
                | "its"
                | "his"
                | "hers"
                | "as"
                | "us"
                | "yes"
                | "thus"
                | "always"
                | "perhaps"
        )
}

/// The negation before a verb cue removed ("does not support" -> "supports").
fn unnegate_cue(text: &str, ws: &[Word], cue: &Cue) -> Option<String> {
    let (row, form) = cue.verb?;
    if form != 0 {
        // "not supporting", "never supported": drop the negation word.
        let p = cue.first.checked_sub(1)?;
        if matches!(ws[p].lower.as_str(), "not" | "never") {
            return Some(splice(text, ws[p].start, ws[cue.first].start, ""));
        }
        return None;
    }
    let forms = VERBS[row].0;
    let p = cue.first.checked_sub(1)?;
    let (aux_first, form_after) = match ws[p].lower.as_str() {
        "don't" | "doesn't" | "didn't" => (p, ws[p].lower.as_str()),
        "not" if p >= 1 && matches!(ws[p - 1].lower.as_str(), "do" | "does" | "did") => {
            (p - 1, ws[p - 1].lower.as_str())
        }
        "not" if p >= 1 && MODALS.contains(&ws[p - 1].lower.as_str()) => {
            return Some(splice(text, ws[p].start, ws[cue.first].start, ""));
        }
        "won't" => {
            let with = cased(&text[ws[p].start..ws[p].end], "will");
            return Some(splice(text, ws[p].start, ws[p].end, &with));
        }
        _ => return None,
    };
    let verb = match form_after {
        "do" | "don't" => forms[0],
        "does" | "doesn't" => forms[1],
        _ => forms[2],
    };
    let original = &text[ws[aux_first].start..ws[cue.first].end];
    Some(splice(
        text,
        ws[aux_first].start,
        ws[cue.first].end,
        &cased(original, verb),
    ))
}

/// Sentences about obstacles and slim chances: no side taken ({t} is the target).
const DIFFICULTY: &[&str] = &[
    "Negotiations over {t} stalled again on Thursday.",
    "There is little chance of {t} before the end of the year, analysts said.",
    "It could take months to settle the details of {t}.",
    "Obstacles to {t} remain, according to people familiar with the talks.",
    "Lawmakers have yet to find the votes for {t}.",
    "Neither camp expects {t} any time soon.",
    "The timetable for {t} keeps slipping.",
    "Talks on {t} broke off without a date to resume.",
    "Previous attempts at {t} collapsed within weeks.",
    "{T} is unlikely to be settled before the election, observers said.",
];

/// The target asked about, or a comment on it declined.
const QUESTION: &[&str] = &[
    "Asked about {t}, the minister declined to comment.",
    "Whether {t} will survive the vote is unclear.",
    "Reporters pressed the spokeswoman on {t} but got no answer.",
    "Is {t} a good idea? Readers wrote in with their views.",
    "The panel will hear testimony on {t} in March.",
    "A spokesman would not say whether the party has a position on {t}.",
];

/// Speakers for quoted sentences.
const SPEAKERS: &[&str] = &[
    "the senator said",
    "a spokeswoman for the group said",
    "the mayor told reporters",
    "one delegate said",
    "the union's leader said",
    "a resident said",
];

fn fill(frame: &str, target: &str) -> String {
    let t = target.trim();
    frame.replace("{T}", &cased("X", t)).replace("{t}", t)
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// A target usable in a frame or as "it": a short common-noun phrase (lowercase, not a name,
/// a pronoun or a whole claim).
fn frame_target(t: &str) -> bool {
    let t = t.trim();
    let n = word_count(t);
    (1..=4).contains(&n)
        && t.len() >= 4
        && t.chars().next().is_some_and(char::is_lowercase)
        && !t.contains(['?', '!', '.', ',', '"', '#', '@'])
        && !is_pronoun(t)
}

fn is_pronoun(t: &str) -> bool {
    matches!(
        t.trim().to_lowercase().as_str(),
        "he" | "she" | "they" | "him" | "her" | "them" | "it" | "his" | "its" | "i" | "we" | "you"
    )
}

/// Tweets (hashtags, handles, links) are left out of the news-style kinds.
fn tweet(t: &str) -> bool {
    t.contains(['#', '@']) || t.contains("http")
}

/// A text usable as a sentence or context: one short line without quotes.
fn short_text(t: &str, max_words: usize) -> bool {
    let n = word_count(t);
    (4..=max_words).contains(&n) && !t.contains(['"', '“', '”', '\n'])
}

fn plural(target: &str) -> bool {
    let last = target
        .split_whitespace()
        .last()
        .unwrap_or("")
        .to_lowercase();
    last.ends_with('s') && !last.ends_with("ss") && !last.ends_with("us") && last.len() > 3
}

/// The mention at `(s, e)` replaced by a pronoun (subject or object form by position).
fn pronoun_for(text: &str, (s, e): (usize, usize), target: &str) -> Option<String> {
    let before = text[..s].trim_end();
    let at_start = before.is_empty() || before.ends_with(['.', '!', '?']);
    // Only a whole noun phrase: "outdoor advertising" does not become "outdoor it".
    let prev = before
        .rsplit(|c: char| !c.is_alphanumeric() && c != '\'')
        .next()
        .unwrap_or("")
        .to_lowercase();
    const LEAD: &[&str] = &[
        "", "of", "to", "for", "on", "about", "and", "or", "that", "is", "are", "was", "were",
        "support", "supports", "oppose", "opposes", "against", "with", "by", "from", "in", "if",
        "because", "but", "so", "why", "when", "whether", "than", "like", "ban", "banning",
    ];
    if !at_start && !LEAD.contains(&prev.as_str()) {
        return None;
    }
    let followed_by_verb = {
        let rest = text[e..].trim_start().to_lowercase();
        [
            "is ", "are ", "was ", "were ", "will ", "would ", "has ", "have ",
        ]
        .iter()
        .any(|v| rest.starts_with(v))
    };
    let subject = at_start || followed_by_verb;
    let p = match (plural(target), subject) {
        (true, true) => "they",
        (true, false) => "them",
        (false, _) => "it",
    };
    let p = if at_start {
        cased("X", p)
    } else {
        p.to_string()
    };
    Some(splice(text, s, e, &p))
}

/// The newest generator version ([`augment_version`]).
pub const LATEST: u32 = 4;

/// Every generated example for `examples` with the first generator version (what the runs
/// that recorded "rules v1" were trained on). See [`augment_version`].
pub fn augment(examples: &[Example], seed: u64) -> Vec<Augmented> {
    augment_version(examples, seed, 1)
}

/// Every generated example for `examples` (seeded: the same input, seed and version give the
/// same output, in the same order). Frame kinds use each distinct short target once per frame
/// drawn; context kinds pair examples of the same target. Version 2 adds [`Kind::Indirect`]
/// after version 1's output, which it leaves unchanged; version 3 adds two more
/// [`Kind::Difficulty`] sentences per frame target after version 2's output, in other wordings
/// (difficult, not easy, slow, slim chances: words that read as opposition to a model that has
/// only seen them in stanced text); version 4 adds [`Kind::Unrelated`] after version 3's output
/// (a stance read through the context must not spill onto the next sentence when that one is
/// about something else: "Read the rest here." after an attack on a candidate is not an attack).
pub fn augment_version(examples: &[Example], seed: u64, version: u32) -> Vec<Augmented> {
    let mut out = augment_v1(examples, seed);
    if version >= 2 {
        indirect(examples, seed, &mut out);
    }
    if version >= 3 {
        more_difficulty(examples, seed, &mut out);
    }
    if version >= 4 {
        unrelated(examples, seed, &mut out);
    }
    out
}

/// Words that may refer back to something named before (so a sentence holding one may be about
/// the context's target): personal and possessive pronouns, demonstratives, "one", "such".
const REFERRING: &[&str] = &[
    "he",
    "she",
    "it",
    "they",
    "him",
    "her",
    "them",
    "his",
    "hers",
    "its",
    "their",
    "theirs",
    "himself",
    "herself",
    "itself",
    "themselves",
    "this",
    "that",
    "these",
    "those",
    "one",
    "such",
    "it's",
    "he's",
    "she's",
    "they're",
    "they've",
    "there",
    "here",
    "so",
    "too",
    "either",
    "neither",
    "nothing",
    "none",
    "idea",
    "plan",
    "deal",
    "proposal",
    "move",
];

/// [`Kind::Unrelated`]: for each stanced example whose short text names its target, one short
/// sentence of an example with another target that names none of this
/// target's words and holds no [`REFERRING`] word, read with the stanced text as its context:
/// NONE toward this target, whatever the context says.
fn unrelated(examples: &[Example], seed: u64, out: &mut Vec<Augmented>) {
    let mut rng = SplitMix64::new(seed ^ 0x756e_7265_6c61_7465);
    let candidates: Vec<usize> = examples
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            short_text(&e.text, 25)
                && !tweet(&e.text)
                && !words(&e.text)
                    .iter()
                    .any(|w| REFERRING.contains(&w.lower.as_str()))
        })
        .map(|(i, _)| i)
        .collect();
    if candidates.is_empty() {
        return;
    }
    for e in examples {
        if e.label == Label::None
            || !short_text(&e.text, 40)
            || is_pronoun(&e.target)
            || find_word(&e.text, e.target.trim()).is_none()
        {
            continue;
        }
        // A few draws for a sentence that shares no word of the target with it.
        let target_words: Vec<String> = words(&e.target)
            .into_iter()
            .map(|w| w.lower)
            .filter(|w| w.len() > 3)
            .collect();
        for _ in 0..4 {
            let o = &examples[candidates[rng.below(candidates.len())]];
            let lower = o.text.to_lowercase();
            if o.target.trim().eq_ignore_ascii_case(e.target.trim())
                || o.text == e.text
                || target_words.iter().any(|w| lower.contains(w.as_str()))
            {
                continue;
            }
            push(
                out,
                Kind::Unrelated,
                e,
                o.text.clone(),
                e.text.clone(),
                Label::None,
            );
            break;
        }
    }
}

/// Version 3's difficulty frames (this module's own wording, as [`DIFFICULTY`]).
const DIFFICULTY_V3: &[&str] = &[
    "It will not be easy for the two camps to agree on {t}.",
    "Diplomats describe the path to {t} as complicated and slow.",
    "Even its strongest backers concede that {t} faces long odds.",
    "Securing {t} has proved harder than negotiators expected.",
    "{T} remains a distant prospect, according to diplomats.",
    "Agreeing on {t} is proving difficult for the coalition partners.",
    "Money for {t} has been difficult to find.",
    "Progress toward {t} has been painfully slow, mediators said.",
    "Opposition in the upper house makes {t} difficult to pass.",
    "Both governments say {t} will require difficult compromises.",
    "The chances of {t} look slim after the latest round of talks.",
    "Aides acknowledged that winning approval for {t} would be a hard fight.",
];

/// Version 3: two distinct [`DIFFICULTY_V3`] frames for each frame target of version 1.
fn more_difficulty(examples: &[Example], seed: u64, out: &mut Vec<Augmented>) {
    let mut rng = SplitMix64::new(seed ^ 0x6469_6666_6963_756c);
    for e in frame_sources(examples) {
        let first = rng.below(DIFFICULTY_V3.len());
        let second = (first + 1 + rng.below(DIFFICULTY_V3.len() - 1)) % DIFFICULTY_V3.len();
        for f in [first, second] {
            let text = fill(DIFFICULTY_V3[f], &e.target);
            push(out, Kind::Difficulty, e, text, String::new(), Label::None);
        }
    }
}

/// One example per distinct short target written as it is in its own text (natural phrases,
/// not lemmas): the sources of the frame kinds.
fn frame_sources(examples: &[Example]) -> Vec<&Example> {
    let mut seen_targets = std::collections::BTreeSet::new();
    let mut sources: Vec<&Example> = Vec::new();
    for e in examples {
        if frame_target(&e.target)
            && (word_count(&e.target) > 1 || e.target.len() > 7)
            && !["this ", "that ", "these ", "those "]
                .iter()
                .any(|d| e.target.trim().to_lowercase().starts_with(d))
            && find_word(&e.text, e.target.trim()).is_some()
            && seen_targets.insert(e.target.trim().to_lowercase())
        {
            sources.push(e);
        }
    }
    sources
}

/// Speakers and verbs of indirect speech.
const INDIRECT: &[&str] = &[
    "The minister said that",
    "Party officials argued that",
    "A spokesman for the coalition told reporters that",
    "Several lawmakers said that",
    "The mayor insisted that",
    "Union leaders said on Tuesday that",
];

/// First words that may be lowercased after "said that" without harming a name.
const LOWER_OK: &[&str] = &[
    "The", "This", "These", "That", "Those", "A", "An", "Our", "Their", "Its", "It", "Such",
    "Every", "No", "Any", "All", "There", "We",
];

/// [`Kind::Indirect`]: a short stanced sentence naming its target, reported as someone's
/// indirect speech ("Our schools need the levy." -> "The mayor insisted that their schools need
/// the levy."); first person plural becomes third. The label stays: the sentence states the
/// speaker's stance, as a run attributes it.
fn indirect(examples: &[Example], seed: u64, out: &mut Vec<Augmented>) {
    let mut rng = SplitMix64::new(seed ^ 0x696e_6469_7265_6374);
    for e in examples {
        if e.label == Label::None
            || !short_text(&e.text, 30)
            || tweet(&e.text)
            || is_pronoun(&e.target)
            || find_word(&e.text, e.target.trim()).is_none()
            || !e.text.trim_end().ends_with('.')
            || rng.below(3) != 0
        {
            continue;
        }
        let text = e.text.trim();
        // Only sentences that state a stance in so many words (a stance verb, "should",
        // "must", "need"): a sentiment-laden report wrapped in "X said that" says nothing of X.
        let ws = words(text);
        let explicit = ws.iter().any(|w| {
            matches!(w.lower.as_str(), "should" | "must" | "need" | "needs")
                || VERBS
                    .iter()
                    .any(|(forms, _, _)| forms.contains(&w.lower.as_str()))
        });
        if !explicit {
            continue;
        }
        let first = text.split_whitespace().next().unwrap_or("");
        let target_first = e.target.split_whitespace().next().unwrap_or("");
        let lower_ok = LOWER_OK.contains(&first)
            || (first.eq_ignore_ascii_case(target_first)
                && e.target
                    .trim()
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase));
        if !lower_ok {
            continue;
        }
        let body = lower_first(text);
        // "we" / "our" / "us" of the speaker become "they" / "their" / "them".
        let body: String = words_and_gaps(&body)
            .into_iter()
            .map(|w| match w {
                "we" => "they",
                "We" => "They",
                "our" => "their",
                "Our" => "Their",
                "us" => "them",
                "ours" => "theirs",
                other => other,
            })
            .collect();
        let frame = INDIRECT[rng.below(INDIRECT.len())];
        let text = format!("{frame} {body}");
        push(out, Kind::Indirect, e, text, String::new(), e.label);
    }
}

/// The text cut into words and the gaps between them, in order (joined, it is the text).
fn words_and_gaps(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = None;
    for (i, c) in text.char_indices() {
        let w = c.is_alphanumeric() || c == '\'';
        match (w, in_word) {
            (true, None) | (false, Some(true)) => {
                if i > start {
                    out.push(&text[start..i]);
                }
                start = i;
                in_word = Some(w);
            }
            (false, None) => in_word = Some(false),
            _ => {}
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Appends a generated example of `src`'s target, with id `aug-KIND-N-SOURCEID` (N: its
/// position in `out`).
fn push(
    out: &mut Vec<Augmented>,
    kind: Kind,
    src: &Example,
    text: String,
    context: String,
    label: Label,
) {
    let n = out.len();
    out.push(Augmented {
        example: Example {
            id: format!("aug-{}-{n}-{}", kind.as_str(), src.id),
            text,
            target: src.target.clone(),
            label,
            seen: None,
            context,
            source_label: None,
        },
        kind,
    });
}

fn augment_v1(examples: &[Example], seed: u64) -> Vec<Augmented> {
    let mut rng = SplitMix64::new(seed ^ 0x0061_7567_6d65_6e74);
    let mut out = Vec::new();

    // Edits of cues before the target, in short non-tweet texts (in a long text or a tweet
    // one verb does not carry the stance).
    for e in examples {
        if word_count(&e.text) > 40 || tweet(&e.text) || is_pronoun(&e.target) {
            continue;
        }
        let Some((ms, _)) = target_mention(&e.text, &e.target) else {
            continue;
        };
        let ws = words(&e.text);
        let Some(tw) = ws.iter().position(|w| w.start == ms) else {
            continue;
        };
        let Some(cue) = cue_before(&ws, &e.text, tw) else {
            continue;
        };
        if negated(&ws, cue.first) {
            let flipped_ok = match cue.side {
                Label::Favor => e.label == Label::Against,
                _ => e.label != Label::Against,
            };
            if flipped_ok {
                if let Some(t) = unnegate_cue(&e.text, &ws, &cue) {
                    push(&mut out, Kind::Unnegate, e, t, String::new(), cue.side);
                }
            }
            continue;
        }
        if cue.side != e.label {
            continue;
        }
        push(
            &mut out,
            Kind::Swap,
            e,
            swap_cue(&e.text, &ws, &cue),
            String::new(),
            flip(e.label),
        );
        if let Some(t) = negate_cue(&e.text, &ws, &cue) {
            let label = match cue.side {
                Label::Favor => Label::Against,
                _ => Label::None,
            };
            push(&mut out, Kind::Negate, e, t, String::new(), label);
        }
    }

    // Frames over distinct short targets.
    let frame_sources = frame_sources(examples);
    for e in &frame_sources {
        let d = DIFFICULTY[rng.below(DIFFICULTY.len())];
        push(
            &mut out,
            Kind::Difficulty,
            e,
            fill(d, &e.target),
            String::new(),
            Label::None,
        );
        if rng.below(2) == 0 {
            let q = QUESTION[rng.below(QUESTION.len())];
            push(
                &mut out,
                Kind::Question,
                e,
                fill(q, &e.target),
                String::new(),
                Label::None,
            );
        }
    }

    // Quoted stanced sentences that name their target.
    for e in examples {
        if e.label == Label::None
            || !short_text(&e.text, 30)
            || tweet(&e.text)
            || is_pronoun(&e.target)
            || find_word(&e.text, e.target.trim()).is_none()
            || !e.text.trim_end().ends_with(['.', '!', '?'])
            || rng.below(3) != 0
        {
            continue;
        }
        let body = e.text.trim().trim_end_matches(['.', '!']);
        let speaker = SPEAKERS[rng.below(SPEAKERS.len())];
        push(
            &mut out,
            Kind::Reported,
            e,
            format!("\"{body},\" {speaker}."),
            String::new(),
            e.label,
        );
    }

    // Context: texts grouped by target.
    let mut by_target: std::collections::HashMap<String, Vec<usize>> = Default::default();
    for (i, e) in examples.iter().enumerate() {
        if short_text(&e.text, 40) {
            by_target
                .entry(e.target.trim().to_lowercase())
                .or_default()
                .push(i);
        }
    }
    let short: Vec<usize> = examples
        .iter()
        .enumerate()
        .filter(|(_, e)| short_text(&e.text, 40))
        .map(|(i, _)| i)
        .collect();
    for (i, e) in examples.iter().enumerate() {
        if !short_text(&e.text, 40) || is_pronoun(&e.target) {
            continue;
        }
        let same: Vec<usize> = by_target
            .get(&e.target.trim().to_lowercase())
            .map(|v| v.iter().copied().filter(|&j| j != i).collect())
            .unwrap_or_default();
        let naming: Vec<usize> = same
            .iter()
            .copied()
            .filter(|&j| {
                examples[j].text != e.text
                    && find_word(&examples[j].text, e.target.trim()).is_some()
            })
            .collect();
        match e.label {
            Label::Favor | Label::Against => {
                let full = find_word(&e.text, e.target.trim())
                    .filter(|_| frame_target(&e.target) && !tweet(&e.text))
                    .map(|s| (s, s + e.target.trim().len()));
                let replaced = full.and_then(|m| pronoun_for(&e.text, m, &e.target));
                if let (Some(t), false) = (replaced, naming.is_empty()) {
                    let ctx = &examples[naming[rng.below(naming.len())]].text;
                    push(&mut out, Kind::Pronoun, e, t, ctx.clone(), e.label);
                } else if rng.below(4) == 0 && !short.is_empty() {
                    let j = short[rng.below(short.len())];
                    let other = &examples[j];
                    if j != i && !other.target.eq_ignore_ascii_case(&e.target) {
                        push(
                            &mut out,
                            Kind::Context,
                            e,
                            e.text.clone(),
                            other.text.clone(),
                            e.label,
                        );
                    }
                }
            }
            Label::None => {
                let stanced: Vec<usize> = same
                    .iter()
                    .copied()
                    .filter(|&j| examples[j].label != Label::None)
                    .collect();
                if !stanced.is_empty() {
                    let ctx = &examples[stanced[rng.below(stanced.len())]].text;
                    push(
                        &mut out,
                        Kind::Guard,
                        e,
                        e.text.clone(),
                        ctx.clone(),
                        Label::None,
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(text: &str, target: &str, label: Label) -> Example {
        Example {
            id: "s".into(),
            text: text.into(),
            target: target.into(),
            label,
            seen: None,
            context: String::new(),
            source_label: None,
        }
    }

    fn of(out: &[Augmented], kind: Kind) -> Vec<(String, Label)> {
        out.iter()
            .filter(|a| a.kind == kind)
            .map(|a| (a.example.text.clone(), a.example.label))
            .collect()
    }

    #[test]
    fn cues_swap_and_negate_by_rule() {
        let out = augment(
            &[
                ex("Trump backs the wall.", "the wall", Label::Favor),
                ex(
                    "Critics strongly opposed the levy.",
                    "the levy",
                    Label::Against,
                ),
                ex("We welcomed the decision.", "the decision", Label::Favor),
                ex("They voted against the bill.", "the bill", Label::Against),
                ex("I am in favor of gun control.", "gun control", Label::Favor),
            ],
            1,
        );
        let swaps = of(&out, Kind::Swap);
        assert!(swaps.contains(&("Trump rejects the wall.".into(), Label::Against)));
        assert!(swaps.contains(&("We condemned the decision.".into(), Label::Against)));
        assert!(swaps.contains(&("They voted for the bill.".into(), Label::Favor)));
        assert!(swaps.contains(&("I am opposed to gun control.".into(), Label::Against)));
        let neg = of(&out, Kind::Negate);
        assert!(neg.contains(&("Trump does not back the wall.".into(), Label::Against)));
        assert!(neg.contains(&("We did not welcome the decision.".into(), Label::Against)));
        assert!(neg.contains(&("I am not in favor of gun control.".into(), Label::Against)));
        assert!(neg.contains(&(
            "Critics did not strongly oppose the levy.".into(),
            Label::None
        )));
    }

    #[test]
    fn a_cue_against_the_label_or_across_a_clause_is_left_alone() {
        let out = augment(
            &[
                // Sarcasm or a label error: the cue's side disagrees with the label.
                ex("Sure, I support the tax.", "the tax", Label::Against),
                // The cue belongs to another clause.
                ex(
                    "We oppose it, but the tax is fine.",
                    "the tax",
                    Label::Favor,
                ),
            ],
            1,
        );
        assert!(of(&out, Kind::Swap).is_empty());
        assert!(of(&out, Kind::Negate).is_empty());
    }

    #[test]
    fn negation_is_removed_with_the_right_verb_form() {
        let out = augment(
            &[
                ex(
                    "She doesn't support Obamacare.",
                    "Obamacare",
                    Label::Against,
                ),
                ex("We did not oppose the merger.", "the merger", Label::Favor),
                ex(
                    "They will not endorse the plan.",
                    "the plan",
                    Label::Against,
                ),
            ],
            1,
        );
        let un = of(&out, Kind::Unnegate);
        assert!(un.contains(&("She supports Obamacare.".into(), Label::Favor)));
        assert!(un.contains(&("We opposed the merger.".into(), Label::Against)));
        assert!(un.contains(&("They will endorse the plan.".into(), Label::Favor)));
    }

    #[test]
    fn pronoun_context_names_the_target_only_before_the_sentence() {
        let out = augment(
            &[
                ex(
                    "The death penalty is cruel and must end now.",
                    "the death penalty",
                    Label::Against,
                ),
                ex(
                    "Voters will decide on the death penalty in May.",
                    "the death penalty",
                    Label::None,
                ),
            ],
            1,
        );
        let p: Vec<&Augmented> = out.iter().filter(|a| a.kind == Kind::Pronoun).collect();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].example.text, "It is cruel and must end now.");
        assert_eq!(
            p[0].example.context,
            "Voters will decide on the death penalty in May."
        );
        assert_eq!(p[0].example.label, Label::Against);
        let g: Vec<&Augmented> = out.iter().filter(|a| a.kind == Kind::Guard).collect();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].example.label, Label::None);
        assert_eq!(
            g[0].example.context,
            "The death penalty is cruel and must end now."
        );
    }

    #[test]
    fn frames_fill_targets_and_capitalise_at_the_start() {
        assert_eq!(
            fill("{T} is unlikely soon.", "rent caps"),
            "Rent caps is unlikely soon."
        );
        assert_eq!(
            fill("Talks on {t} stalled.", "rent caps"),
            "Talks on rent caps stalled."
        );
        let out = augment(&[ex("Rent caps now!", "rent caps", Label::Favor)], 3);
        let d = of(&out, Kind::Difficulty);
        assert_eq!(d.len(), 1);
        assert!(d[0].0.to_lowercase().contains("rent caps"));
        assert_eq!(d[0].1, Label::None);
    }

    #[test]
    fn version_two_adds_indirect_speech_and_keeps_version_one() {
        let data: Vec<Example> = (0..30)
            .map(|i| {
                ex(
                    &format!("We need the levy on sugar for school {i}."),
                    "the levy on sugar",
                    Label::Favor,
                )
            })
            .collect();
        let v1 = augment_version(&data, 5, 1);
        let v2 = augment_version(&data, 5, 2);
        assert_eq!(v1, augment(&data, 5));
        assert_eq!(&v2[..v1.len()], &v1[..]);
        let ind: Vec<&Augmented> = v2[v1.len()..].iter().collect();
        assert!(!ind.is_empty());
        for a in ind {
            assert_eq!(a.kind, Kind::Indirect);
            assert_eq!(a.example.label, Label::Favor);
            assert!(
                a.example.text.contains(" that they need the levy on sugar"),
                "{}",
                a.example.text
            );
        }
        assert_eq!(words_and_gaps("We, us.").concat(), "We, us.");
    }

    #[test]
    fn version_three_adds_two_other_difficulty_frames_per_target() {
        let data = vec![
            ex(
                "We need the levy on sugar now.",
                "the levy on sugar",
                Label::Favor,
            ),
            ex(
                "The sugar levy is a tax grab.",
                "the levy on sugar",
                Label::Against,
            ),
            ex(
                "We reject the new pipeline.",
                "the new pipeline",
                Label::Against,
            ),
        ];
        let v2 = augment_version(&data, 5, 2);
        let v3 = augment_version(&data, 5, 3);
        assert_eq!(&v3[..v2.len()], &v2[..]);
        let added = &v3[v2.len()..];
        assert_eq!(added.len(), 4, "{added:?}");
        for pair in added.chunks(2) {
            assert_ne!(pair[0].example.text, pair[1].example.text);
            assert_eq!(pair[0].example.target, pair[1].example.target);
        }
        for a in added {
            assert_eq!(a.kind, Kind::Difficulty);
            assert_eq!(a.example.label, Label::None);
            assert!(a.example.text.to_lowercase().contains(&a.example.target));
        }
        let ids: std::collections::HashSet<_> = v3.iter().map(|a| &a.example.id).collect();
        assert_eq!(ids.len(), v3.len(), "ids are unique");
    }

    #[test]
    fn version_four_reads_an_unrelated_sentence_after_a_stanced_one_as_none() {
        let mut data: Vec<Example> = (0..40)
            .map(|i| {
                ex(
                    &format!("We strongly support the levy on sugar in district {i}."),
                    "the levy on sugar",
                    Label::Favor,
                )
            })
            .collect();
        data.push(ex(
            "The museum opens its new wing on Friday.",
            "the museum",
            Label::None,
        ));
        data.push(ex(
            "The river flooded three villages overnight.",
            "the river",
            Label::None,
        ));
        data.push(ex(
            "The sugar harvest was late again.",
            "farming",
            Label::None,
        ));
        let v3 = augment_version(&data, 5, 3);
        let v4 = augment_version(&data, 5, 4);
        assert_eq!(&v4[..v3.len()], &v3[..]);
        let added = &v4[v3.len()..];
        assert!(!added.is_empty());
        for a in added {
            assert_eq!(a.kind, Kind::Unrelated);
            assert_eq!(a.example.label, Label::None);
            assert_eq!(a.example.target, "the levy on sugar");
            assert!(a.example.context.contains("support the levy on sugar"));
            // Never a sentence with a pronoun ("its new wing") or a word of the target.
            assert_eq!(
                a.example.text, "The river flooded three villages overnight.",
                "{a:?}"
            );
        }
        assert_eq!(v4, augment_version(&data, 5, 4), "seeded");
        let ids: std::collections::HashSet<_> = v4.iter().map(|a| &a.example.id).collect();
        assert_eq!(ids.len(), v4.len(), "ids are unique");
    }

    #[test]
    fn seeded_and_deterministic() {
        let data: Vec<Example> = (0..50)
            .map(|i| {
                ex(
                    &format!("Group {i} strongly supports the levy on sugar."),
                    "the levy on sugar",
                    Label::Favor,
                )
            })
            .collect();
        assert_eq!(augment(&data, 5), augment(&data, 5));
    }
}
