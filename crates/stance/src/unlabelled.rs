//! Unlabelled news for distillation: each article's sentences paired with the names it keeps
//! coming back to (the targets an analyst would ask about) and with a target from elsewhere,
//! each sentence with the context a run would give it. A teacher labels them; a student
//! learns the teacher's readings of real news, which no stance set has.
//!
//! ```
//! use standpoint_stance::unlabelled::{article_targets, news_pairs};
//! let text = "Hillary Clinton spoke in Ohio. Donald Trump replied. Clinton said the plan works. \
//!             Trump disagreed with Clinton again.";
//! assert_eq!(article_targets(text, 2), vec!["Hillary Clinton", "Donald Trump"]);
//! let pairs = news_pairs(&[("a", text)], &["a carbon tax".to_string()], 100, 13);
//! assert!(pairs.iter().any(|p| p.target == "Hillary Clinton"));
//! assert!(pairs.iter().any(|p| p.target == "a carbon tax"));
//! assert!(pairs.iter().all(|p| !p.sentence.is_empty()));
//! ```

use std::collections::HashMap;

use crate::metrics::SplitMix64;

/// One unlabelled (sentence, context, target) pair, borrowing from its article.
#[derive(Debug, Clone, PartialEq)]
pub struct NewsPair<'a> {
    /// The article's id.
    pub doc: &'a str,
    /// The sentence.
    pub sentence: &'a str,
    /// What comes before it ([`standpoint_segment::context_before`], two sentences).
    pub context: &'a str,
    /// The target.
    pub target: String,
}

/// Titles and openers that precede names.
const ROLES: &[&str] = &[
    "Spokeswoman",
    "Spokesman",
    "State",
    "Director",
    "Senator",
    "Secretary",
    "Year",
    "Then",
    "Exclusive",
    "Former",
    "Vice",
    "Chairman",
    "Governor",
    "General",
    "Representative",
    "Speaker",
    "Justice",
    "Judge",
    "Mayor",
    "Minister",
    "Chief",
    "Candidate",
    "Nominee",
    "Presidential",
    "Democrat",
    "Attorney",
    "Leader",
    "Chair",
    "Congressman",
    "Congresswoman",
];

/// Words that open sentences or name no one.
const NOT_NAMES: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "But",
    "And",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "This",
    "That",
    "These",
    "Those",
    "His",
    "Her",
    "Their",
    "Our",
    "Its",
    "If",
    "When",
    "As",
    "For",
    "With",
    "After",
    "Before",
    "While",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "So",
    "Yet",
    "Or",
    "To",
    "Of",
    "By",
    "From",
    "Not",
    "No",
    "Yes",
    "What",
    "Who",
    "Why",
    "How",
    "There",
    "Here",
    "Some",
    "Many",
    "Most",
    "All",
    "One",
    "Two",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Republican",
    "Democratic",
    "Republicans",
    "Democrats",
    "American",
    "Americans",
    "Washington",
    "United",
    "States",
    "President",
    "Sen",
    "Gov",
    "Rep",
    "Secretary",
    "New",
    "CNN",
    "AP",
    "Reuters",
];

/// The `n` names an article mentions most (two or three capitalised words, e.g. "Hillary
/// Clinton"; a one-word name counts toward the fuller name that ends with it), each seen at
/// least twice, most frequent first (ties in order of first mention).
pub fn article_targets(text: &str, n: usize) -> Vec<String> {
    // Words, and whether a sentence or clause ends after each (a name does not run across).
    let mut words: Vec<(&str, bool)> = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || "'-.,;:!?".contains(c))) {
        let w = raw.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if w.is_empty() {
            continue;
        }
        let ends = w.len() < raw.len() && !(w.len() == 1 && raw.ends_with('.'));
        words.push((w, ends));
    }
    let is_cap = |w: &str| {
        w.len() > 1
            && w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .skip(1)
                .all(|c| c.is_lowercase() || c == '\'' || c == '-')
            && !NOT_NAMES.contains(&w)
    };
    let mut full: Vec<(String, usize)> = Vec::new();
    let mut single: HashMap<&str, usize> = HashMap::new();
    let mut i = 0;
    while i < words.len() {
        if !is_cap(words[i].0) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < words.len() && j - i < 3 && is_cap(words[j].0) {
            j += 1;
            if words[j - 1].1 {
                break;
            }
        }
        // Titles and stray openers before a name go ("Spokeswoman Haley Morris"); a longer
        // run keeps its last two words.
        let mut k = i;
        while k < j && ROLES.contains(&words[k].0) {
            k += 1;
        }
        let k = k.max(j.saturating_sub(2));
        if j - k >= 2 {
            let name = words[k..j]
                .iter()
                .map(|w| w.0)
                .collect::<Vec<_>>()
                .join(" ");
            match full.iter_mut().find(|(f, _)| *f == name) {
                Some((_, c)) => *c += 1,
                None => full.push((name, 1)),
            }
        } else {
            *single.entry(words[j - 1].0).or_default() += 1;
        }
        i = j;
    }
    for (name, count) in full.iter_mut() {
        let last = name.rsplit(' ').next().unwrap_or("");
        *count += single.get(last).copied().unwrap_or(0);
    }
    let mut order: Vec<(usize, &(String, usize))> = full.iter().enumerate().collect();
    order.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(&b.0)));
    order
        .into_iter()
        .filter(|(_, (_, c))| *c >= 2)
        .take(n)
        .map(|(_, (name, _))| name.clone())
        .collect()
}

/// Up to `limit` seeded pairs from `docs` (id, text): every sentence of 3 to 60 words with one
/// of its article's top two names, and with one of `other_targets` (most sentences take no
/// side toward either; some do, which is what the teacher is asked).
pub fn news_pairs<'a>(
    docs: &[(&'a str, &'a str)],
    other_targets: &[String],
    limit: usize,
    seed: u64,
) -> Vec<NewsPair<'a>> {
    let mut rng = SplitMix64::new(seed ^ 0x6e65_7773);
    let segmenter = standpoint_segment::Segmenter::default();
    let mut out = Vec::new();
    for &(doc, text) in docs {
        let names = article_targets(text, 2);
        let sentences = segmenter.segment(text);
        for i in 0..sentences.len() {
            let sentence = sentences[i].text(text).trim();
            let words = sentence.split_whitespace().count();
            if !(3..=60).contains(&words) {
                continue;
            }
            let context = text
                .get(standpoint_segment::context_before(&sentences, i, 2))
                .unwrap_or("")
                .trim();
            if !names.is_empty() {
                out.push(NewsPair {
                    doc,
                    sentence,
                    context,
                    target: names[rng.below(names.len())].clone(),
                });
            }
            if !other_targets.is_empty() {
                out.push(NewsPair {
                    doc,
                    sentence,
                    context,
                    target: other_targets[rng.below(other_targets.len())].clone(),
                });
            }
        }
    }
    // A seeded sample, in input order.
    if out.len() > limit {
        let mut keep: Vec<usize> = (0..out.len()).collect();
        for i in (1..keep.len()).rev() {
            keep.swap(i, rng.below(i + 1));
        }
        keep.truncate(limit);
        keep.sort_unstable();
        out = keep.into_iter().map(|i| out[i].clone()).collect();
    }
    out
}
