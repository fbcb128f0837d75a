//! Speakers: source mentions linked within the document to the fullest name given, with the
//! role or title that came with it.

use crate::words::{tokens, Doc, WordSet};
use crate::{Attribution, Span};

/// Words of titles and roles that come before a name.
const TITLE_WORDS: &[&str] = &[
    "president",
    "secretary",
    "minister",
    "prime",
    "foreign",
    "defense",
    "defence",
    "state",
    "sen.",
    "senator",
    "rep.",
    "representative",
    "gov.",
    "governor",
    "gen.",
    "general",
    "dr.",
    "mr.",
    "mrs.",
    "ms.",
    "prof.",
    "professor",
    "chief",
    "director",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "mayor",
    "judge",
    "justice",
    "attorney",
    "vice",
    "former",
    "leader",
    "chairman",
    "chairwoman",
    "chair",
    "ambassador",
    "commander",
    "lt.",
    "col.",
    "colonel",
    "captain",
    "lieutenant",
    "sergeant",
    "admiral",
    "adm.",
    "brigadier",
    "marshal",
    "maj.",
    "capt.",
    "sgt.",
    "speaker",
    "deputy",
    "acting",
    "candidate",
    "nominee",
    "democratic",
    "republican",
    "gop",
    "us",
    "u.s.",
    "sheriff",
    "officer",
    "adviser",
    "advisor",
    "aide",
    "manager",
    "campaign",
    "executive",
    "ceo",
    "founder",
    "head",
    "senior",
    "house",
    "senate",
    "white",
    "of",
    "the",
    "for",
    "and",
    "presidential",
    "vice-presidential",
    "majority",
    "minority",
    "whip",
    "pope",
    "king",
    "queen",
    "prince",
    "rev.",
    "gen",
    "dr",
    "mr",
    "mrs",
    "ms",
    "sen",
    "rep",
    "gov",
    "national",
    "security",
    "homeland",
    "health",
    "interior",
    "treasury",
    "energy",
    "economic",
    "finance",
    "trade",
    "army",
    "navy",
    "coordinator",
    "democrat",
    "rival",
    "presumptive",
    "hopeful",
    "billionaire",
    "businessman",
    "businesswoman",
    "mogul",
    "tycoon",
    "challenger",
    "opponent",
    "front-runner",
    "frontrunner",
    "fellow",
    "independent",
    "conservative",
    "liberal",
    "progressive",
    "libertarian",
    "activist",
    "host",
    "anchor",
    "columnist",
    "commentator",
    "pundit",
    "strategist",
    "pollster",
    "lawmaker",
    "congressman",
    "congresswoman",
    "author",
    "editor",
    "reporter",
    "correspondent",
    "analyst",
    "economist",
    "lawyer",
    "actor",
    "actress",
    "singer",
    "comedian",
    "staffer",
    "surrogate",
    "delegate",
    "del.",
    "donor",
];

/// Words that open a sentence or a clause before a mention ("So Donald Trump", "Despite Ted
/// Cruz"): never part of a name or a role.
const OPENERS: &[&str] = &[
    "so",
    "then",
    "maybe",
    "perhaps",
    "despite",
    "but",
    "and",
    "or",
    "if",
    "as",
    "when",
    "while",
    "because",
    "though",
    "although",
    "since",
    "after",
    "before",
    "meanwhile",
    "instead",
    "even",
    "now",
    "still",
    "yet",
    "also",
    "later",
    "indeed",
    "however",
    "unlike",
    "like",
    "with",
    "for",
    "in",
    "on",
    "at",
    "by",
    "from",
    "to",
    "is",
    "are",
    "was",
    "were",
    "does",
    "did",
    "do",
    "can",
    "could",
    "should",
    "has",
    "have",
    "had",
    "why",
    "how",
    "what",
    "where",
    "not",
    "no",
    "yes",
    "dear",
    "thank",
    "thanks",
    "neither",
    "either",
    "both",
];

/// Words of place, organisation and event names ("New Hampshire", "Fox News", "Super
/// Tuesday"): such a name is nobody "he" or "she" refers to.
const NOT_PERSON: &[&str] = &[
    "new",
    "united",
    "states",
    "state",
    "north",
    "south",
    "east",
    "west",
    "street",
    "party",
    "house",
    "post",
    "times",
    "news",
    "press",
    "court",
    "department",
    "committee",
    "university",
    "center",
    "centre",
    "institute",
    "foundation",
    "association",
    "club",
    "city",
    "county",
    "republic",
    "union",
    "council",
    "campaign",
    "caucus",
    "caucuses",
    "super",
    "tuesday",
    "monday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "iowa",
    "hampshire",
    "carolina",
    "florida",
    "texas",
    "york",
    "america",
    "american",
    "americans",
    "washington",
    "california",
    "ohio",
    "virginia",
    "nevada",
    "island",
    "islands",
    "kingdom",
    "nations",
    "europe",
    "european",
    "africa",
    "asia",
    "middle",
    "media",
    "network",
    "group",
    "company",
    "inc",
    "corp",
    "bank",
    "fund",
    "agency",
    "office",
    "ministry",
    "army",
    "force",
    "forces",
    "police",
    "airport",
    "hall",
    "square",
    "park",
    "river",
    "lake",
    "mountain",
    "district",
    "valley",
    "beach",
    "bay",
    "research",
    "poll",
    "survey",
    "report",
    "journal",
    "magazine",
    "channel",
    "tv",
    "radio",
    "twitter",
    "facebook",
    "google",
    "democrats",
    "republicans",
    "gop",
    "pac",
    "fbi",
    "cia",
    "obamacare",
    "act",
    "bill",
    "day",
    "week",
    "year",
    "war",
    "debate",
    "convention",
    "bros",
    "bros.",
    "ltd",
    "ltd.",
    "inc",
    "inc.",
    "corp",
    "corp.",
    "llc",
    "plc",
    "co.",
];

/// Pronouns that refer back to a man, a woman, or to a noun just before them (relative
/// pronouns); other pronouns ("I", "they", "it") name no speaker the document can resolve.
const HE: &[&str] = &["he", "him", "his", "himself"];
const SHE: &[&str] = &["she", "her", "hers", "herself"];
const RELATIVE: &[&str] = &["who", "whom", "whose", "which", "that"];
const OTHER_PRONOUNS: &[&str] = &[
    "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "you", "your", "yours", "they",
    "them", "their", "theirs", "it", "its", "this", "these", "those", "one",
];

/// Honorifics dropped from roles ("Mr. Smith", "Dr. Haddad" have no role).
const HONORIFICS: &[&str] = &[
    "mr.", "mrs.", "ms.", "mr", "mrs", "ms", "dr.", "dr", "prof.", "prof",
];

/// Abbreviated titles written out in roles ("Gen. Viktor Oren": role "General").
const TITLE_ABBREVIATIONS: &[(&str, &str)] = &[
    ("Gen.", "General"),
    ("Sen.", "Senator"),
    ("Rep.", "Representative"),
    ("Gov.", "Governor"),
    ("Col.", "Colonel"),
    ("Lt.", "Lieutenant"),
    ("Capt.", "Captain"),
    ("Sgt.", "Sergeant"),
    ("Adm.", "Admiral"),
    ("Maj.", "Major"),
    ("Pres.", "President"),
    ("Amb.", "Ambassador"),
    ("Atty.", "Attorney"),
    ("Supt.", "Superintendent"),
    ("Del.", "Delegate"),
];

/// Words of time: a mention made of them alone names nobody ("Monday", "last week").
const TIME_NOUNS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mondays",
    "tuesdays",
    "wednesdays",
    "thursdays",
    "fridays",
    "saturdays",
    "sundays",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "sept.",
    "oct.",
    "nov.",
    "dec.",
    "today",
    "tonight",
    "yesterday",
    "tomorrow",
    "week",
    "weekend",
    "month",
    "year",
    "night",
    "morning",
    "afternoon",
    "evening",
    "day",
    "days",
    "weeks",
    "months",
    "years",
];

/// Words that lead a time phrase ("last week", "on Sunday", "earlier this month").
const TIME_MODIFIERS: &[&str] = &[
    "last",
    "next",
    "this",
    "on",
    "early",
    "late",
    "earlier",
    "later",
    "throughout",
    "since",
    "until",
    "ago",
    "recent",
    "recently",
    "then",
    "a",
    "few",
    "several",
    "the",
    "of",
    "in",
];

/// Whether every word of `s` is a word of time ("Monday", "Last week", "Sept. 9").
fn only_time(s: &str) -> bool {
    time_phrase(&s.split_whitespace().collect::<Vec<_>>())
}

/// A word of time naming a time itself: a weekday, a month, "week", a number ("Sept. 9").
fn time_noun(word: &str) -> bool {
    let w = word.trim_matches(|c: char| matches!(c, ',' | '.' | ';'));
    TIME.contains(w) || (!w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
}

/// A word of a time phrase: a noun of time or a word leading one ("last", "on").
fn time_word(word: &str) -> bool {
    time_noun(word) || TIME_LEAD.contains(word.trim_matches(|c: char| matches!(c, ',' | '.' | ';')))
}

/// Words that are a time phrase: only words of time, one of them a noun of time ("last week",
/// "on Sunday"); "the", "a", "several" alone lead descriptions.
fn time_phrase(words: &[&str]) -> bool {
    words.iter().all(|w| time_word(w)) && words.iter().any(|w| time_noun(w))
}

/// Lowercase words that end a source mention: what follows is its verb, an adverbial or a
/// clause ("Clinton now says", "Trump took to Twitter", "people were mistakenly").
const MENTION_BREAKS: &[&str] = &[
    "now",
    "also",
    "then",
    "again",
    "still",
    "recently",
    "already",
    "later",
    "today",
    "yesterday",
    "tonight",
    "once",
    "on",
    "during",
    "after",
    "before",
    "while",
    "as",
    "is",
    "was",
    "were",
    "are",
    "be",
    "been",
    "has",
    "had",
    "have",
    "will",
    "would",
    "could",
    "can",
    "may",
    "might",
    "must",
    "shall",
    "should",
    "did",
    "does",
    "do",
    "who",
    "whom",
    "which",
    "that",
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "took",
    "takes",
    "went",
    "goes",
    "made",
    "makes",
    "gave",
    "gives",
    "got",
    "gets",
    "came",
    "comes",
    "saw",
    "sees",
    "wrote",
    "writes",
    "called",
    "calls",
    "put",
    "puts",
    "not",
    "never",
    "even",
    "just",
    "only",
    "too",
    "so",
    "but",
    "and",
    "if",
];

static TIME: WordSet = WordSet::new(TIME_NOUNS);
static TIME_LEAD: WordSet = WordSet::new(TIME_MODIFIERS);
static BREAKS: WordSet = WordSet::new(MENTION_BREAKS);

/// A source mention as a speaker can be named by: a leading time phrase dropped ("Last week
/// Stumpf", "On Sunday, Rubio"), and cut before the first word that cannot belong to its noun
/// phrase: a verb, adverb or clause ("Clinton now", "Trump unleashed a series of", "Gingrich
/// cynically"). Empty when nothing of a name or description is left ("Monday", "last week").
/// Parenthesised asides ("Rep. Jim Clyburn (D-S.C.)") are dropped too, and quotation marks or a
/// list dash left before the mention ("''I", "-Lynn Vavreck"); a single letter (a transcript's
/// "Q:") names no one.
///
/// ```
/// # use standpoint_attribute::clean_mention;
/// assert_eq!(clean_mention("Clinton now"), "Clinton");
/// assert_eq!(clean_mention("Trump unleashed a series of"), "Trump");
/// assert_eq!(clean_mention("Last week Stumpf in a televised interview"), "Stumpf");
/// assert_eq!(clean_mention("on Sunday, Rubio"), "Rubio");
/// assert_eq!(clean_mention("The Democratic nominee aggressively"), "The Democratic nominee");
/// assert_eq!(clean_mention("Rep. Jim Clyburn (D-S.C.), the assistant leader"), "Rep. Jim Clyburn, the assistant leader");
/// assert_eq!(clean_mention("Monday"), "");
/// assert_eq!(clean_mention("Ltd. He"), "He");
/// assert_eq!(clean_mention("the retired general"), "the retired general");
/// assert_eq!(clean_mention("US Secretary of State Marco Rubio"), "US Secretary of State Marco Rubio");
/// assert_eq!(clean_mention("''I"), "I");
/// assert_eq!(clean_mention("-Lynn Vavreck"), "Lynn Vavreck");
/// assert_eq!(clean_mention("Q"), "");
/// ```
pub fn clean_mention(mention: &str) -> String {
    let mention = mention.trim_start_matches([
        '\'', '"', '\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}', '-', '\u{2013}', '\u{2014}', ' ',
    ]);
    if mention.chars().filter(|c| c.is_alphanumeric()).count() == 1
        && mention.chars().all(|c| c.is_uppercase() || c == '.')
        && mention != "I"
    {
        // "Q:" in an interview transcript: the interviewer, unnamed.
        return String::new();
    }
    // Parenthesised asides out.
    let mut plain = String::with_capacity(mention.len());
    let mut depth = 0usize;
    for c in mention.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let plain = plain.replace(" ,", ",");
    // Leading comma parts that are only a time phrase ("On Sunday, Rubio").
    let parts: Vec<&str> = plain.split(", ").collect();
    let first = parts
        .iter()
        .position(|p| {
            let ws: Vec<&str> = p.split_whitespace().collect();
            !time_phrase(&ws)
        })
        .unwrap_or(parts.len());
    let rest = parts[first..].join(", ");
    let words: Vec<&str> = rest.split_whitespace().collect();
    // A leading time phrase ("Last week Stumpf").
    let run = words.iter().take_while(|w| time_word(w)).count();
    let mut start = 0;
    if time_phrase(&words[..run]) {
        start = run;
    }
    if start == words.len() {
        return String::new();
    }
    // "Pike Bros. Ltd. He said": a new sentence's pronoun after an abbreviation's period starts
    // the mention.
    if let Some(i) = (start + 1..words.len()).rev().find(|&i| {
        matches!(words[i], "He" | "She" | "They" | "We" | "I" | "It") && words[i - 1].ends_with('.')
    }) {
        start = i;
    }
    let mut end = words.len();
    for i in start + 1..words.len() {
        let w = words[i];
        if capitalised(w) {
            continue;
        }
        let bare = w.trim_end_matches([',', ';', ':', '.']);
        let prev_name = capitalised(words[i - 1]) && words[i - 1] != "I";
        // "in a televised interview", "in his speech": an adverbial; "officials in the city"
        // is still the noun phrase.
        let adverbial_in = bare == "in"
            && words.get(i + 1).is_some_and(|n| {
                matches!(
                    n.to_lowercase().as_str(),
                    "a" | "an" | "his" | "her" | "their" | "its" | "this" | "that"
                )
            });
        // "the House Oversight and Government Reform Committee", "the Commission on
        // Presidential Debates": a connector inside an organisation's name.
        let in_org = matches!(bare, "and" | "on" | "for" | "&")
            && org_run(&words[start..]).is_some_and(|(a, b)| a + start < i && i < b + start);
        if (BREAKS.contains(bare) && !in_org)
            || adverbial_in
            || (bare.len() > 3 && bare.ends_with("ly") && bare != "family")
            || (prev_name && bare.len() > 3 && bare.ends_with("ed"))
        {
            end = i;
            break;
        }
    }
    words[start..end]
        .join(" ")
        .trim_end_matches([',', ';', ':'])
        .to_string()
}

/// Title words of a person ("Chamber of Commerce President Tom Donohue"): an organisation's
/// name never runs through them.
const PERSON_TITLES: &[&str] = &[
    "president",
    "secretary",
    "minister",
    "senator",
    "sen.",
    "rep.",
    "representative",
    "gov.",
    "governor",
    "chairman",
    "chairwoman",
    "chair",
    "director",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "mayor",
    "leader",
    "chief",
    "ambassador",
    "executive",
    "ceo",
    "founder",
    "head",
    "speaker",
    "deputy",
    "adviser",
    "advisor",
    "aide",
    "manager",
    "dr.",
    "mr.",
    "mrs.",
    "ms.",
    "prof.",
    "professor",
    "judge",
    "attorney",
    "general",
    "gen.",
    "commissioner",
];
static PERSON_TITLE_WORDS: WordSet = WordSet::new(PERSON_TITLES);

/// The organisation's name that ends `words` (word indices `start..end`, `end` the length),
/// if there is one: a run of capitalised words joined by "of", "on", "for", "and", "&" (and
/// "the" after "of" or "for"), holding an organisation's head noun ([`ORG_HEADS`]) that is its
/// last word or is followed by its complement ("Securities and Exchange Commission",
/// "Commission on Presidential Debates", "Center for Media and Public Affairs"), never through
/// a person's title, and with nothing capitalised before it but an opening "The".
fn org_run(words: &[&str]) -> Option<(usize, usize)> {
    let end = words.len();
    let bare = |w: &str| w.trim_end_matches([',', ';', ':', '.']).to_string();
    let cap = |i: usize| capitalised(words[i]) && !PERSON_TITLE_WORDS.contains(&bare(words[i]));
    if end == 0 || !cap(end - 1) {
        return None;
    }
    let mut start = end - 1;
    while start > 0 && end - start < 10 {
        let w = bare(words[start - 1]);
        let connector = match w.as_str() {
            "of" | "on" | "for" | "and" | "&" => start >= 2 && cap(start - 2),
            "the" => start >= 2 && matches!(words[start - 2], "of" | "for"),
            _ => false,
        };
        if (cap(start - 1) && !words[start - 1].ends_with(',')) || connector {
            start -= 1;
        } else {
            break;
        }
    }
    while start < end && !capitalised(words[start]) {
        start += 1;
    }
    if words[start].eq_ignore_ascii_case("the") {
        start += 1;
    }
    let head = (start..end).position(|i| ORG_HEAD_WORDS.contains(&bare(words[i])))?;
    // "Stephen Vladeck of the University of Texas": a name before the first "of" that holds no
    // head noun is a person's, the organisation comes after it.
    if let Some(of) = (start..end).find(|&i| matches!(words[i], "of" | "on" | "for")) {
        if head + start > of {
            return None;
        }
    }
    let connectors = (start..end).any(|i| !capitalised(words[i]) || words[i] == "&");
    // Nothing capitalised before the run but "The" ("the nonpartisan Commission on ...").
    let clear_before = words[..start]
        .iter()
        .all(|w| !capitalised(w) || w.eq_ignore_ascii_case("the"));
    (connectors && head + start + 1 < end || ORG_HEAD_WORDS.contains(&bare(words[end - 1])))
        .then_some((start, end))
        .filter(|&(a, b)| b - a >= 2 && clear_before && connectors)
}

/// Head nouns of organisations whose names go on with "of" ("Bureau of Prisons", "Bank of
/// England", "Conference of Mayors").
const ORG_HEADS: &[&str] = &[
    "academy",
    "agency",
    "alliance",
    "association",
    "bank",
    "board",
    "bureau",
    "center",
    "centre",
    "chamber",
    "church",
    "coalition",
    "college",
    "commission",
    "committee",
    "conference",
    "council",
    "court",
    "department",
    "federation",
    "foundation",
    "institute",
    "league",
    "ministry",
    "office",
    "organization",
    "organisation",
    "school",
    "society",
    "union",
    "university",
];
static ORG_HEAD_WORDS: WordSet = WordSet::new(ORG_HEADS);

/// Whether `word` is an organisation's head noun ("Committee", "Bureau").
pub(crate) fn is_org_head(word: &str) -> bool {
    ORG_HEAD_WORDS.contains(word.trim_end_matches([',', ';', ':', '.']))
}
static TITLES: WordSet = WordSet::new(TITLE_WORDS);
static OPENER_WORDS: WordSet = WordSet::new(OPENERS);
static HONORIFIC_WORDS: WordSet = WordSet::new(HONORIFICS);
static NOT_PERSON_WORDS: WordSet = WordSet::new(NOT_PERSON);
static FEMALE_MENTIONS: WordSet = WordSet::new(FEMALE_WORDS);
static MALE_MENTIONS: WordSet = WordSet::new(MALE_WORDS);

fn is_title(word: &str) -> bool {
    TITLES.contains(word)
}

/// Title words that are also surnames ("Charlie King", "Jim Justice", "Jack White").
const SURNAME_TITLES: &[&str] = &[
    "king", "justice", "judge", "marshal", "prince", "pope", "white", "mayor",
];
static SURNAME_TITLE_WORDS: WordSet = WordSet::new(SURNAME_TITLES);

/// Whether `words[i]`, a title word, is a surname here: capitalised, right after a capitalised
/// word that is neither a title nor an organisation's head noun, and ending the capitalised
/// run ("Charlie King, a Democrat"; not "the Obama White House", "Supreme Court Justice").
fn surname_title(words: &[&str], i: usize) -> bool {
    SURNAME_TITLE_WORDS.contains(words[i])
        && capitalised(words[i])
        && i > 0
        && capitalised(words[i - 1])
        && !is_title(words[i - 1])
        && !ORG_HEAD_WORDS.contains(words[i - 1])
        && !words[i - 1].ends_with(['.', ','])
        && words
            .get(i + 1)
            .is_none_or(|w| !capitalised(w) && !matches!(*w, "of" | "for"))
}

/// Whether `words[i]` can be a word of a name: capitalised and not a title (unless the title is
/// a surname here, [`surname_title`]).
fn name_word(words: &[&str], i: usize) -> bool {
    capitalised(words[i]) && (!is_title(words[i]) || surname_title(words, i))
}

fn is_opener(word: &str) -> bool {
    OPENER_WORDS.contains(word)
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

/// Splits a mention into its role and its name: the name is the trailing run of capitalised
/// words that are not title words (at most four), the role what precedes it (honorifics left
/// out). A mention without such a name gives `(None, None)`.
///
/// ```
/// use standpoint_attribute::split_name;
/// assert_eq!(split_name("US Secretary of State Marco Rubio"),
///            (Some("US Secretary of State".into()), Some("Marco Rubio".into())));
/// assert_eq!(split_name("Mr. Smith"), (None, Some("Smith".into())));
/// assert_eq!(split_name("the minister"), (None, None));
/// assert_eq!(split_name("a meeting scheduled for Monday"), (None, None));
/// assert_eq!(split_name("Mayor Tomas Reyes of Brenn"),
///            (Some("Mayor of Brenn".into()), Some("Tomas Reyes".into())));
/// assert_eq!(split_name("the Federal Bureau of Prisons"),
///            (None, Some("Federal Bureau of Prisons".into())));
/// assert_eq!(split_name("The Bank of England"), (None, Some("Bank of England".into())));
/// ```
pub fn split_name(mention: &str) -> (Option<String>, Option<String>) {
    let mut words: Vec<&str> = mention
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, ',' | '(' | ')' | '"')))
        .filter(|w| !w.is_empty())
        .collect();
    // "So Donald Trump", "Despite Ted Cruz": the opener is neither name nor role.
    let opener = words.iter().take_while(|w| is_opener(w)).count();
    words.drain(..opener);
    // "Media Research Center’s Brent Bozell": the name comes after the possessive.
    if let Some(p) = words[..words.len().saturating_sub(1)]
        .iter()
        .rposition(|w| w.ends_with("’s") || w.ends_with("'s"))
    {
        let (role, name) = split_name(&words[p + 1..].join(" "));
        if name.is_some() {
            let owner = words[..=p].join(" ");
            return (
                Some(role.map_or(owner.clone(), |r| format!("{owner} {r}"))),
                name,
            );
        }
    }
    // "the House Oversight and Government Reform Committee": an organisation's name with its
    // connectors.
    if let Some((start, end)) = org_run(&words) {
        return name_and_role(&words, start, end);
    }
    let is_name = |i: usize| name_word(&words, i);
    // "the Federal Bureau of Prisons", "Bank of England", "the United States Conference of
    // Mayors": an organisation's name runs through its "of" when the word before it is an
    // organisation's head noun and a capitalised word follows.
    let of = words.iter().position(|w| *w == "of");
    // "the Commission on Presidential Debates", "the Center for American Progress" too.
    let org_of = words
        .iter()
        .position(|w| matches!(*w, "of" | "on" | "for"))
        .filter(|&p| p >= 1 && ORG_HEAD_WORDS.contains(words[p - 1]));
    if let Some(of) = org_of.or(of).filter(|&of| of >= 1) {
        // Title words are names here: "Department of Justice", "of Homeland Security".
        let after = words[of + 1..]
            .iter()
            .take_while(|w| capitalised(w))
            .count();
        let end = of + 1 + after.min(3);
        if after > 0
            && end == words.len()
            && capitalised(words[of - 1])
            && ORG_HEAD_WORDS.contains(words[of - 1])
        {
            return name_and_role(&words, name_start(&words, of - 1, 3), end);
        }
    }
    // "Sen. Maria Lopez of the U.S. Senate foreign relations committee": the name before "of",
    // the rest joins the role.
    if let Some(of) = of {
        if of >= 1 && is_name(of - 1) && of + 1 < words.len() {
            let (role, name) = split_name(&words[..of].join(" "));
            // A person: a full name or a titled one ("Residents of Brenn" is not).
            let person = name.as_ref().is_some_and(|n| n.contains(' ')) || role.is_some();
            if person {
                let tail = words[of..].join(" ");
                let role = Some(role.map_or(tail.clone(), |r| format!("{r} {tail}")));
                return (role, name);
            }
        }
    }
    let mut end = words.len();
    while end > 0 && !is_name(end - 1) {
        end -= 1;
    }
    let start = name_start(&words, end, 4);
    if start == end || only_time(&words[start..end].join(" ")) {
        // No name; a weekday or a month is none ("a meeting scheduled for Monday").
        return (None, None);
    }
    // "Several speakers", "Residents of the town of Brenn", "Smith's office": a description,
    // not a name (words after the capitalised run, or an of-phrase before it).
    let trailing = words[end..].iter().any(|w| !is_title(w));
    let of_phrase = start > 0 && matches!(words[start - 1], "of" | "in" | "from" | "at");
    if of_phrase && !trailing && start >= 2 && is_name(start - 2) {
        // "Mayor Tomas Reyes of Brenn": the name comes before the place.
        let (role, name) = split_name(&words[..start - 1].join(" "));
        let place = words[start - 1..end].join(" ");
        let role = Some(role.map_or(place.clone(), |r| format!("{r} {place}")));
        return (role, name);
    }
    if trailing || of_phrase {
        return (None, None);
    }
    name_and_role(&words, start, end)
}

/// Where the run of at most `max` capitalised words (not titles, not openers) that ends before
/// `end` starts.
fn name_start(words: &[&str], end: usize, max: usize) -> usize {
    let mut start = end;
    while start > 0
        && end - start < max
        && name_word(words, start - 1)
        && !is_opener(words[start - 1])
    {
        start -= 1;
    }
    start
}

/// The name `words[start..end]` (a possessive "'s" dropped) and the role before it: honorifics
/// and a leading article left out, abbreviated titles written out, and none unless a word of it
/// is capitalised or a title.
fn name_and_role(words: &[&str], start: usize, end: usize) -> (Option<String>, Option<String>) {
    let name: Vec<&str> = words[start..end]
        .iter()
        .map(|w| w.trim_end_matches("’s").trim_end_matches("'s"))
        .collect();
    let role: Vec<&str> = words[..start]
        .iter()
        .copied()
        .filter(|w| !HONORIFIC_WORDS.contains(w))
        .skip_while(|w| ["the", "a", "an"].iter().any(|d| d.eq_ignore_ascii_case(w)))
        .map(|w| {
            TITLE_ABBREVIATIONS
                .iter()
                .find(|(short, _)| *short == w)
                .map_or(w, |(_, long)| *long)
        })
        .collect();
    let role = (!role.is_empty() && role.iter().any(|w| capitalised(w) || is_title(w)))
        .then(|| role.join(" "));
    (role, Some(name.join(" ")))
}

/// A person (or organisation) named in the document.
#[derive(Debug, Clone)]
struct Entity {
    name: String,
    role: Option<String>,
    /// `Some(true)` for a woman, `Some(false)` for a man, when the mention says so.
    female: Option<bool>,
}

/// Words of a mention that say a woman is meant.
const FEMALE_WORDS: &[&str] = &[
    "mrs.",
    "mrs",
    "ms.",
    "ms",
    "miss",
    "madam",
    "spokeswoman",
    "chairwoman",
    "congresswoman",
    "businesswoman",
    "councilwoman",
    "queen",
    "princess",
    "sister",
    "mother",
    "wife",
    "daughter",
    "grandmother",
    "woman",
    "lady",
    "first lady",
];

/// Words of a mention that say a man is meant.
const MALE_WORDS: &[&str] = &[
    "mr.",
    "mr",
    "sir",
    "spokesman",
    "chairman",
    "congressman",
    "businessman",
    "councilman",
    "king",
    "prince",
    "brother",
    "father",
    "husband",
    "son",
    "grandfather",
    "man",
    "pope",
];

/// Frequent first names (news of the 2010s and the project's example corpus).
const FEMALE_NAMES: &[&str] = &[
    "Hillary",
    "Amira",
    "Lena",
    "Paula",
    "Nancy",
    "Elizabeth",
    "Kellyanne",
    "Sarah",
    "Nikki",
    "Carly",
    "Michelle",
    "Melania",
    "Ivanka",
    "Chelsea",
    "Huma",
    "Jennifer",
    "Mary",
    "Maria",
    "Susan",
    "Karen",
    "Linda",
    "Barbara",
    "Patricia",
    "Lisa",
    "Donna",
    "Debbie",
    "Jill",
    "Kamala",
    "Angela",
    "Theresa",
    "Marine",
    "Christine",
    "Ursula",
    "Megyn",
    "Katy",
    "Loretta",
    "Janet",
    "Condoleezza",
    "Madeleine",
    "Samantha",
    "Susana",
    "Ana",
    "Anna",
    "Emma",
    "Olivia",
    "Sophie",
    "Julia",
    "Laura",
    "Claire",
    "Anne",
    "Ann",
    "Margaret",
    "Catherine",
    "Katherine",
    "Kate",
    "Rachel",
    "Rebecca",
    "Amy",
    "Emily",
    "Jessica",
    "Ashley",
    "Stephanie",
    "Heather",
    "Nicole",
    "Helen",
    "Diane",
    "Joan",
    "Ruth",
    "Carol",
    "Sharon",
    "Michele",
    "Tulsi",
    "Dana",
    "Rosie",
    "Gennifer",
    "Alicia",
    "Ava",
    "Eva",
    "Irina",
    "Olga",
    "Fatima",
    "Aisha",
    "Leila",
    "Yuki",
];

const MALE_NAMES: &[&str] = &[
    "Donald",
    "Barack",
    "Bernie",
    "Ted",
    "Marco",
    "Jeb",
    "Ben",
    "John",
    "Mike",
    "Paul",
    "Chris",
    "Rand",
    "Joe",
    "Tim",
    "Bill",
    "George",
    "Mitt",
    "Newt",
    "Rudy",
    "Reince",
    "Corey",
    "Steve",
    "Jim",
    "James",
    "Robert",
    "Michael",
    "William",
    "David",
    "Richard",
    "Joseph",
    "Thomas",
    "Charles",
    "Daniel",
    "Matthew",
    "Mark",
    "Anthony",
    "Kevin",
    "Jason",
    "Brian",
    "Eric",
    "Scott",
    "Jeff",
    "Ryan",
    "Gary",
    "Larry",
    "Frank",
    "Peter",
    "Harry",
    "Jack",
    "Henry",
    "Vladimir",
    "Emmanuel",
    "Boris",
    "Xi",
    "Kim",
    "Justin",
    "Viktor",
    "Marek",
    "Anton",
    "Hal",
    "Tomas",
    "Mohammed",
    "Muhammad",
    "Ahmed",
    "Ali",
    "Omar",
    "Carlos",
    "Jorge",
    "Luis",
    "Juan",
    "Pedro",
    "Francisco",
    "Sergei",
    "Dmitry",
    "Ivan",
    "Hans",
    "Karl",
    "Martin",
    "Lindsey",
    "Mitch",
    "Harold",
    "Howard",
    "Lester",
    "Wolf",
    "Sean",
    "Jake",
    "Chuck",
    "Elijah",
    "Trey",
    "Rick",
];

/// What a mention (role words and name) says about a person's sex.
fn female(mention: &str) -> Option<bool> {
    female_named(mention, split_name(mention).1.as_deref())
}

/// [`female`] for a mention already split: `name` is its name part.
fn female_named(mention: &str, name: Option<&str>) -> Option<bool> {
    let words = || {
        mention
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| matches!(c, ',' | '(' | ')' | '"')))
    };
    if words().any(|w| FEMALE_MENTIONS.contains(w)) {
        return Some(true);
    }
    if words().any(|w| MALE_MENTIONS.contains(w)) {
        return Some(false);
    }
    let first = name?.split_whitespace().next()?;
    if FEMALE_NAMES.contains(&first) {
        Some(true)
    } else if MALE_NAMES.contains(&first) {
        Some(false)
    } else {
        None
    }
}

/// Runs of capitalised words anywhere in the document, split into role and name: the names a
/// later short mention ("Rubio", "the secretary") can refer to.
fn named(text: &str) -> Vec<(usize, Entity)> {
    let toks = tokens(
        text,
        Span {
            start: 0,
            end: text.len(),
        },
    );
    // Title-case lines ("The Contract Donald Trump Signed") run words into names.
    let headlines: Vec<(usize, usize)> = text
        .split_inclusive('\n')
        .scan(0, |at, line| {
            let start = *at;
            *at += line.len();
            Some((start, line))
        })
        .filter(|(_, line)| {
            // Every long word capitalised and no sentence end: "… Foreign Minister Lena Sorel
            // met Gen. Viktor Oren in Geneva." is a sentence. Prose fails at its first long
            // lowercase word.
            if line.trim_end().ends_with(['.', '"', '\u{201d}']) {
                return false;
            }
            let mut long = 0;
            for w in line.split_whitespace() {
                if w.len() >= 4 && w.chars().filter(|c| c.is_alphabetic()).count() >= 4 {
                    if !capitalised(w) {
                        return false;
                    }
                    long += 1;
                }
            }
            long >= 3
        })
        .map(|(start, line)| (start, start + line.len()))
        .collect();
    // Headlines are disjoint and in order: one binary search per token.
    let in_headline = |at: usize| {
        let i = headlines.partition_point(|&(a, _)| a <= at);
        i > 0 && at < headlines[i - 1].1
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].text(text);
        if !(toks[i].word && capitalised(t)) || in_headline(toks[i].start) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < toks.len() {
            let w = toks[j].text(text);
            let inner = matches!(w, "of" | "the") && j > i;
            let new_line = j > i && text[toks[j - 1].end..toks[j].start].contains('\n');
            if toks[j].word && (capitalised(w) || inner) && !new_line {
                j += 1;
                // A middle initial ("Donald J. Trump"): its period does not end the name.
                let initial = w.len() == 1 && w.chars().all(|c| c.is_ascii_uppercase());
                if initial
                    && j + 1 < toks.len()
                    && toks[j].text(text) == "."
                    && toks[j].start == toks[j - 1].end
                    && toks[j + 1].word
                    && capitalised(toks[j + 1].text(text))
                    && text[toks[j].end..toks[j + 1].start] == *" "
                {
                    j += 1;
                }
            } else {
                break;
            }
        }
        let mention = &text[toks[i].start..toks[j - 1].end];
        if let (role, Some(name)) = split_name(mention) {
            if name.split_whitespace().count() >= 2 {
                let female = female_named(mention, Some(&name));
                out.push((toks[i].start, Entity { name, role, female }));
            }
        }
        i = j.max(i + 1);
    }
    // A weekday, a month or "Last week" names no one.
    // "Pike Bros. Ltd. He": a sentence's pronoun after an abbreviation is not part of a name.
    out.retain(|(_, e)| {
        !only_time(&e.name)
            && !e
                .name
                .split_whitespace()
                .any(|w| matches!(w, "He" | "She" | "They" | "We" | "It"))
    });
    out
}

/// The document's names (`named`, in text order) and, by last word, where each is: a mention
/// looks up only the names that can be its fuller form.
struct Names {
    all: Vec<(usize, Entity)>,
    by_last: std::collections::HashMap<String, Vec<usize>>,
}

impl Names {
    fn new(all: Vec<(usize, Entity)>) -> Names {
        let mut by_last: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, (_, e)) in all.iter().enumerate() {
            let last = e.name.split_whitespace().last().unwrap_or("");
            by_last.entry(last.to_string()).or_default().push(i);
        }
        Names { all, by_last }
    }
}

/// The entity a mention with a name refers to: the fullest name in the document (`names`)
/// ending with the mention's name, with the mention's role if it has one.
fn by_name(names: &Names, mention: &str) -> Option<Entity> {
    let (role, Some(name)) = split_name(mention) else {
        return None;
    };
    // The names of the document that end with `name` word for word ("Eric Trump" is not
    // "Donald Trump"); of several ("Trump": "Donald Trump", "Melania Trump"), the one the
    // document names most often, then the longest, then the first.
    let fullest = |name: &str| {
        let last = name.split_whitespace().last().unwrap_or("");
        // Per name: how often it occurs and its first occurrence (`by_last` is in text order).
        let mut counts: std::collections::HashMap<&str, (usize, usize)> = Default::default();
        for &i in names.by_last.get(last).into_iter().flatten() {
            let e = &names.all[i].1;
            let ends = e.name == name
                || e.name
                    .strip_suffix(name)
                    .is_some_and(|head| head.ends_with(' '));
            if ends {
                counts.entry(e.name.as_str()).or_insert((0, i)).0 += 1;
            }
        }
        let (_, &(_, first)) = counts
            .iter()
            .max_by_key(|(n, (count, i))| (*count, n.len(), usize::MAX - names.all[*i].0))?;
        Some(names.all[first].1.clone())
    };
    // A name in capitals (a transcript's "PENCE:") is the document's "Mike Pence" when it has
    // one; otherwise it stays as written (it may be an acronym: "FBI").
    // A first name alone ("Krystal", after "Krystal Correa, 24, said") is the document's one
    // person of that first name, when all its names of that first word share one surname.
    let by_first = || {
        // Only a bare name ("Krystal", "Mr. Lou"): "the Florida senator" is no first name.
        let bare = mention
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.'))
            .filter(|w| !w.is_empty() && !HONORIFIC_WORDS.contains(w))
            .eq(std::iter::once(name.as_str()));
        // Nor an acronym ("ESPN"), nor a headline's run ("HUFFPOLLSTER VIA EMAIL", "ESPN Fires
        // Schilling Over").
        let acronym = |w: &str| w.len() > 1 && !w.chars().any(char::is_lowercase);
        if !bare
            || name.contains(' ')
            || !capitalised(&name)
            || acronym(&name)
            || ORG_HEAD_WORDS.contains(&name)
        {
            return None;
        }
        let mut same = names.all.iter().map(|(_, e)| &e.name).filter(|n| {
            n.split_whitespace().count() >= 2 && n.split_whitespace().next() == Some(&name)
        });
        let first = same.next()?;
        if first.split_whitespace().count() > 3 || first.split_whitespace().any(acronym) {
            return None;
        }
        let last = first.split_whitespace().last();
        same.all(|n| n.split_whitespace().last() == last)
            .then(|| fullest(first))
            .flatten()
    };
    let full = fullest(&name).or_else(by_first).or_else(|| {
        let capitals = name.chars().any(char::is_alphabetic)
            && !name.chars().any(char::is_lowercase)
            && !name.contains(' ');
        capitals
            .then(|| {
                let mut c = name.chars();
                c.next().map(|f| f.to_string() + &c.as_str().to_lowercase())
            })
            .flatten()
            .and_then(|title| fullest(&title))
    });
    Some(match full {
        Some(mut e) => {
            e.role = role.or(e.role);
            e.female = e.female.or(female(mention));
            e
        }
        None => Entity {
            name,
            role,
            female: female(mention),
        },
    })
}

/// The mention right before a relative pronoun at byte `at` ("Christie, who"): the run of
/// capitalised words (and inner "of", "the") ending there, past a comma.
fn antecedent(text: &str, at: usize) -> Option<String> {
    let before = text[..at].trim_end_matches([' ', ',']);
    let from = before
        .char_indices()
        .rev()
        .take(120)
        .find(|(_, c)| matches!(c, '.' | ';' | '\n' | '“' | '"' | '('))
        .map_or(before.len().saturating_sub(120), |(i, c)| i + c.len_utf8());
    let from = (0..=from)
        .rev()
        .find(|&i| before.is_char_boundary(i))
        .unwrap_or(0);
    let words: Vec<&str> = before[from..].split_whitespace().collect();
    let mut start = words.len();
    while start > 0 {
        let w = words[start - 1];
        let inner = matches!(w, "of" | "the") && start < words.len();
        if capitalised(w) || inner {
            start -= 1;
        } else {
            break;
        }
    }
    while start < words.len() && matches!(words[start], "of" | "the") {
        start += 1;
    }
    (start < words.len()).then(|| words[start..].join(" "))
}

/// Fills `speaker` and `role` of each attribution with a source in `doc` (a pronoun's
/// referent is looked for by sentence).
pub(crate) fn resolve(doc: &Doc<'_>, found: &mut [Attribution]) {
    let text = doc.text;
    let sentence_start = |at: usize| doc.sentence_at(at).map_or(0, |s| s.start);
    let names = Names::new(named(text));
    // The direct quotes' words: a pronoun in the narrative ("he said") does not refer to
    // someone the quoted speaker named ("… we supported Stalin against Hitler,” he writes).
    let mut quoted: Vec<(usize, usize)> = found
        .iter()
        .filter(|a| a.direct)
        .flat_map(|a| a.content.iter().map(|c| (c.start, c.end)))
        .collect();
    quoted.sort_unstable();
    let in_quote = |at: usize| {
        let i = quoted.partition_point(|&(start, _)| start <= at);
        quoted[..i].iter().rev().take(4).any(|&(_, end)| at < end)
    };
    // The most recent person spoken of as a source, for pronouns.
    let mut last_person: Option<(usize, Entity)> = None;
    for a in found.iter_mut() {
        let Some(src) = a.source else {
            continue;
        };
        let cleaned = clean_mention(src.text(text));
        let mention = cleaned.as_str();
        if mention.is_empty() {
            // "Monday", "last week": no one.
            a.speaker = None;
            a.role = None;
            continue;
        }
        let lower = mention.to_lowercase();
        if RELATIVE.contains(&lower.as_str()) {
            // "… Christie, who has campaigned …, said": the mention before the pronoun.
            let entity = antecedent(text, src.start).and_then(|m| by_name(&names, &m));
            a.speaker = entity.as_ref().map(|e| e.name.clone());
            a.role = entity.as_ref().and_then(|e| e.role.clone());
            if let Some(e) = entity {
                last_person = Some((src.start, e));
            }
            continue;
        }
        let function_only = lower.split_whitespace().all(|w| {
            is_opener(w)
                || OTHER_PRONOUNS.contains(&w)
                || matches!(w, "the" | "a" | "an" | "this" | "that" | "some" | "all")
        });
        if function_only && cleaned.len() < src.text(text).len() {
            // "All this has led the Latvian journalist Dainis Ivans to": no one before the
            // verb, but a full name after it.
            let full = named(src.text(text))
                .into_iter()
                .map(|(_, e)| e)
                .find(|e| e.name.contains(' '));
            if let Some(e) = full {
                a.speaker = Some(e.name.clone());
                a.role = e.role.clone();
                last_person = Some((src.start, e));
                continue;
            }
        }
        if OTHER_PRONOUNS.contains(&lower.as_str()) || function_only {
            // "I", "they", "it": no speaker this document resolves.
            a.speaker = None;
            a.role = None;
            continue;
        }
        // "he", "his", "she", "her": what is left of the pronouns.
        let he = HE.contains(&lower.as_str());
        let pronoun = he || SHE.contains(&lower.as_str());
        // "Trump, who leads in delegates,": the mention before an aside.
        let head = mention.split(", ").next().unwrap_or(mention);
        let entity = if pronoun {
            // The person named most recently before the pronoun: a name in the text or the
            // last speaker, whichever came later, skipping people the document shows to be of
            // the other sex.
            let want = !he;
            let person = |e: &Entity| {
                !e.name
                    .split_whitespace()
                    .any(|w| NOT_PERSON_WORDS.contains(w) || ORG_HEAD_WORDS.contains(w))
            };
            let fits = |e: &Entity| e.female.is_none_or(|f| f == want) && person(e);
            // The names are in text order: the last before the pronoun that fits.
            let before = names.all.partition_point(|(at, _)| *at < src.start);
            let last_named = names.all[..before]
                .iter()
                .rev()
                .find(|(at, e)| fits(e) && !in_quote(*at));
            // Centering: of the fitting people named in the sentence of that last name (up to
            // the pronoun), the first, the sentence's subject as a rule ("Trump is like George
            // Patton. He hates losing": Trump).
            let named_before = last_named.and_then(|(last_at, _)| {
                let from = sentence_start(*last_at);
                let first = names.all.partition_point(|(at, _)| *at < from);
                names.all[first..before]
                    .iter()
                    .find(|(at, e)| fits(e) && !in_quote(*at))
            });
            let last_person = last_person.as_ref().filter(|(_, e)| fits(e)).cloned();
            match (named_before, &last_person) {
                (Some((at, _)), Some((p, last))) if *p > *at => Some(last.clone()),
                (Some((_, e)), _) => Some(e.clone()),
                (None, Some((_, last))) => Some(last.clone()),
                (None, None) => None,
            }
        } else {
            by_name(&names, head)
                .or_else(|| {
                    // A description ("the senator"): the last person whose role has its noun.
                    let noun = lower.split_whitespace().last().unwrap_or("").to_string();
                    last_person.clone().map(|(_, p)| p).filter(|p| {
                        p.role
                            .as_ref()
                            .is_some_and(|r| r.to_lowercase().contains(&noun))
                    })
                })
                .or_else(|| {
                    // "Majority Leader Mitch McConnell lied": the full name inside a longer
                    // mention.
                    named(head).into_iter().next().map(|(_, e)| e)
                })
        };
        match entity {
            Some(e) => {
                a.speaker = Some(e.name.clone());
                a.role = e.role.clone();
                last_person = Some((src.start, e));
            }
            // An unresolved "he" names nobody; a description ("officials") is its own speaker.
            None if pronoun => {
                a.speaker = None;
            }
            // The description without its aside or relative clause ("A local commander, who
            // asked not to be named").
            None => {
                let head = [" who ", " which ", " that "]
                    .iter()
                    .filter_map(|w| head.find(w))
                    .min()
                    .map_or(head, |i| &head[..i]);
                a.speaker = Some(head.trim().to_string());
            }
        }
    }
}
