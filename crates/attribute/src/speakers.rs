//! Speakers: source mentions linked within the document to the fullest name given, with the
//! role or title that came with it.

use crate::cues::PRONOUNS;
use crate::words::tokens;
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
    "capt.",
    "sgt.",
    "speaker",
    "press",
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
];

/// Honorifics dropped from roles ("Mr. Smith" has no role).
const HONORIFICS: &[&str] = &["mr.", "mrs.", "ms.", "mr", "mrs", "ms"];

fn is_title(word: &str) -> bool {
    TITLE_WORDS.contains(&word.to_lowercase().as_str())
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

/// Splits a mention into its role and its name: the name is the trailing run of capitalised
/// words that are not title words (at most three), the role what precedes it (honorifics left
/// out). A mention without such a name gives `(None, None)`.
///
/// ```
/// use standpoint_attribute::split_name;
/// assert_eq!(split_name("US Secretary of State Marco Rubio"),
///            (Some("US Secretary of State".into()), Some("Marco Rubio".into())));
/// assert_eq!(split_name("Mr. Smith"), (None, Some("Smith".into())));
/// assert_eq!(split_name("the minister"), (None, None));
/// assert_eq!(split_name("Mayor Tomas Reyes of Brenn"),
///            (Some("Mayor of Brenn".into()), Some("Tomas Reyes".into())));
/// ```
pub fn split_name(mention: &str) -> (Option<String>, Option<String>) {
    let words: Vec<&str> = mention
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, ',' | '(' | ')' | '"')))
        .filter(|w| !w.is_empty())
        .collect();
    let is_name = |w: &str| capitalised(w) && !is_title(w);
    // "Sen. Maria Lopez of the U.S. Senate foreign relations committee": the name before "of",
    // the rest joins the role.
    if let Some(of) = words.iter().position(|w| *w == "of") {
        if of >= 1 && is_name(words[of - 1]) && of + 1 < words.len() {
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
    while end > 0 && !is_name(words[end - 1]) {
        end -= 1;
    }
    let mut start = end;
    while start > 0
        && end - start < 3
        && capitalised(words[start - 1])
        && !is_title(words[start - 1])
    {
        start -= 1;
    }
    if start == end {
        return (None, None);
    }
    // "Several speakers", "Residents of the town of Brenn", "Smith's office": a description,
    // not a name (words after the capitalised run, or an of-phrase before it).
    let trailing = words[end..].iter().any(|w| !is_title(w));
    let of_phrase = start > 0 && matches!(words[start - 1], "of" | "in" | "from" | "at");
    if of_phrase && !trailing && start >= 2 && is_name(words[start - 2]) {
        // "Mayor Tomas Reyes of Brenn": the name comes before the place.
        let (role, name) = split_name(&words[..start - 1].join(" "));
        let place = words[start - 1..end].join(" ");
        let role = Some(role.map_or(place.clone(), |r| format!("{r} {place}")));
        return (role, name);
    }
    if trailing || of_phrase {
        return (None, None);
    }
    let name: Vec<&str> = words[start..end]
        .iter()
        .map(|w| w.trim_end_matches("’s").trim_end_matches("'s"))
        .collect();
    let role: Vec<&str> = words[..start]
        .iter()
        .copied()
        .filter(|w| !HONORIFICS.contains(&w.to_lowercase().as_str()))
        .skip_while(|w| matches!(w.to_lowercase().as_str(), "the" | "a" | "an"))
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
    let lower = mention.to_lowercase();
    let words: Vec<&str> = lower
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, ',' | '(' | ')' | '"')))
        .collect();
    if words.iter().any(|w| FEMALE_WORDS.contains(w)) {
        return Some(true);
    }
    if words.iter().any(|w| MALE_WORDS.contains(w)) {
        return Some(false);
    }
    let (_, name) = split_name(mention);
    let first = name?.split_whitespace().next()?.to_string();
    if FEMALE_NAMES.contains(&first.as_str()) {
        Some(true)
    } else if MALE_NAMES.contains(&first.as_str()) {
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
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].text(text);
        if !(toks[i].word && capitalised(t)) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < toks.len() {
            let w = toks[j].text(text);
            let inner = matches!(w, "of" | "the") && j > i;
            if toks[j].word && (capitalised(w) || inner) {
                j += 1;
            } else {
                break;
            }
        }
        let mention = &text[toks[i].start..toks[j - 1].end];
        if let (role, Some(name)) = split_name(mention) {
            if name.split_whitespace().count() >= 2 {
                let female = female(mention);
                out.push((toks[i].start, Entity { name, role, female }));
            }
        }
        i = j.max(i + 1);
    }
    out
}

/// Fills `speaker` and `role` of each attribution with a source.
pub(crate) fn resolve(text: &str, found: &mut [Attribution]) {
    let names = named(text);
    // The most recent person spoken of as a source, for pronouns.
    let mut last_person: Option<(usize, Entity)> = None;
    for a in found.iter_mut() {
        let Some(src) = a.source else {
            continue;
        };
        let mention = src.text(text);
        let lower = mention.to_lowercase();
        let entity = if PRONOUNS.contains(&lower.as_str()) {
            match lower.as_str() {
                // The person named most recently before the pronoun: a name in the text or
                // the last speaker, whichever came later.
                "he" | "she" => {
                    // Skip people the document shows to be of the other sex.
                    let want = lower == "she";
                    let fits = |e: &Entity| e.female.is_none_or(|f| f == want);
                    let named_before = names
                        .iter()
                        .filter(|(at, e)| *at < src.start && fits(e))
                        .max_by_key(|(at, _)| *at);
                    let last_person = last_person.as_ref().filter(|(_, e)| fits(e)).cloned();
                    match (named_before, &last_person) {
                        (Some((at, _)), Some((p, last))) if *p > *at => Some(last.clone()),
                        (Some((_, e)), _) => Some(e.clone()),
                        (None, Some((_, last))) => Some(last.clone()),
                        (None, None) => None,
                    }
                }
                _ => None,
            }
        } else {
            match split_name(mention) {
                (role, Some(name)) => {
                    // The fullest earlier (or later) name ending with this one.
                    let last = name.split_whitespace().last().unwrap_or("");
                    let full = names
                        .iter()
                        .filter(|(_, e)| {
                            e.name.split_whitespace().last() == Some(last)
                                && e.name.len() >= name.len()
                        })
                        .max_by_key(|(at, e)| (e.name.len(), usize::MAX - at))
                        .map(|(_, e)| e.clone());
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
                _ => {
                    // A description ("the senator"): the last person whose role has its noun.
                    let noun = lower.split_whitespace().last().unwrap_or("").to_string();
                    last_person.clone().map(|(_, p)| p).filter(|p| {
                        p.role
                            .as_ref()
                            .is_some_and(|r| r.to_lowercase().contains(&noun))
                    })
                }
            }
        };
        match entity {
            Some(e) => {
                a.speaker = Some(e.name.clone());
                a.role = e.role.clone();
                last_person = Some((src.start, e));
            }
            None => {
                a.speaker = Some(mention.trim().to_string());
            }
        }
    }
}
