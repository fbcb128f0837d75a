//! Mergeable stance summaries: per document, and per group (source, date bucket, any metadata
//! field) and target.
//!
//! Sentence-level results go into a [`Tally`]; tallies of documents go into [`Aggregates`],
//! keyed by grouping, group value and target. Both merge associatively and commutatively, and
//! exactly: probabilities are summed as integer millionths, and evidence lists are the top `k`
//! of a total order, so shards computed in any order, on any machine, merge into the same bytes
//! as a single run.
//!
//! ```
//! use standpoint_aggregate::{Aggregates, DecisionRule, Decision, GroupBy, Observation, Tally};
//! use standpoint_types::Probs;
//!
//! let mut doc = Tally::new(2);
//! doc.add(&Observation { seq: 0, doc: "d1", index: 0, start: 0, end: 20,
//!     text: "A ceasefire now.", speaker: None, probs: Probs::new(0.8, 0.1, 0.1) });
//! doc.add(&Observation { seq: 0, doc: "d1", index: 1, start: 21, end: 40,
//!     text: "Markets fell.", speaker: None, probs: Probs::new(0.05, 0.05, 0.9) });
//! let s = doc.summary(&DecisionRule::default());
//! assert_eq!(s.decision, Decision::Favor);
//! assert_eq!(s.counts.favor, 1);
//!
//! let mut all = Aggregates::new(vec![GroupBy::All, GroupBy::parse("source").unwrap()], 2);
//! let meta = [("source".to_string(), "Wire".to_string())].into_iter().collect();
//! all.add_document(&meta, [("a ceasefire", &doc)]);
//! let shard = all.clone();
//! all.merge(shard); // two shards holding the same document
//! let g = all.get("source", "Wire", "a ceasefire").unwrap();
//! assert_eq!((g.sentences.sentences(), g.documents.favor), (4, 2));
//! ```
#![deny(missing_docs)]

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use standpoint_types::{Label, Probs};

mod group;
mod interval;

pub use group::{groupings, DateBucket, GroupBy, CROSS_SEPARATOR};
pub use interval::{wilson, Interval};

/// Errors of the aggregation crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A grouping specification could not be parsed.
    #[error("bad grouping {spec:?}: {message}")]
    GroupSpec {
        /// The specification as given.
        spec: String,
        /// What is wrong.
        message: String,
    },
}

/// Fixed-point scale of summed probabilities (millionths).
pub const SCALE: u64 = 1_000_000;

fn micros(p: f32) -> u64 {
    (p.clamp(0.0, 1.0) as f64 * SCALE as f64).round() as u64
}

/// One sentence's stance toward one target.
#[derive(Debug, Clone, Copy)]
pub struct Observation<'a> {
    /// Position of the document in the input (orders evidence deterministically).
    pub seq: u64,
    /// Document id.
    pub doc: &'a str,
    /// Sentence index within the document.
    pub index: u32,
    /// Byte offset of the sentence in the document.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Sentence text.
    pub text: &'a str,
    /// Who says it, when attributed to a speaker.
    pub speaker: Option<&'a str>,
    /// Probabilities.
    pub probs: Probs,
}

/// A sentence kept as evidence for one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Probability of the side, in millionths.
    pub score: u64,
    /// Position of the document in the input.
    pub seq: u64,
    /// Document id.
    pub doc: String,
    /// Sentence index.
    pub index: u32,
    /// Byte offsets in the document.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Sentence text.
    pub text: String,
    /// Who says it, when attributed to a speaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// The document's metadata (source, date, ...): set in group aggregates, so that evidence
    /// can be shown with its source and date without reading the documents again; empty in a
    /// document's own summary.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

impl Evidence {
    /// Total order: higher score first, then input order.
    fn rank(&self) -> (std::cmp::Reverse<u64>, u64, u32, &str) {
        (
            std::cmp::Reverse(self.score),
            self.seq,
            self.index,
            &self.doc,
        )
    }
}

/// The `k` best evidence sentences of a side, best first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TopK(pub Vec<Evidence>);

impl TopK {
    /// Whether evidence of this rank would enter the top `k` (so that a sentence that would
    /// not is never copied).
    fn admits(&self, rank: (std::cmp::Reverse<u64>, u64, u32, &str), k: usize) -> bool {
        k > 0 && (self.0.len() < k || rank < self.0[k - 1].rank())
    }

    fn push(&mut self, e: Evidence, k: usize) {
        if !self.admits(e.rank(), k) {
            return;
        }
        let pos = self.0.partition_point(|x| x.rank() < e.rank());
        self.0.insert(pos, e);
        self.0.truncate(k);
    }

    fn merge(&mut self, other: TopK, k: usize) {
        for e in other.0 {
            self.push(e, k);
        }
    }
}

/// Label counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Sentences labelled FAVOR.
    pub favor: u64,
    /// Sentences labelled AGAINST.
    pub against: u64,
    /// Sentences labelled NONE.
    pub none: u64,
}

/// Mean probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Means {
    /// Mean P(FAVOR).
    pub favor: f64,
    /// Mean P(AGAINST).
    pub against: f64,
    /// Mean P(NONE).
    pub none: f64,
}

/// Mergeable statistics of many sentences toward one target.
///
/// A sentence is *stance-bearing* when its most probable label is FAVOR or AGAINST; its counts,
/// net score and evidence come from those sentences. All sums are integers, so
/// [`Tally::merge`] is exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    k: usize,
    counts: Counts,
    /// Summed probabilities (millionths): favor, against, none.
    sums: [u64; 3],
    /// Summed P(FAVOR) - P(AGAINST) over stance-bearing sentences (millionths).
    net: i64,
    favor_evidence: TopK,
    against_evidence: TopK,
}

impl Tally {
    /// An empty tally keeping `k` evidence sentences per side.
    pub fn new(k: usize) -> Tally {
        Tally {
            k,
            counts: Counts::default(),
            sums: [0; 3],
            net: 0,
            favor_evidence: TopK::default(),
            against_evidence: TopK::default(),
        }
    }

    /// Adds one sentence.
    pub fn add(&mut self, o: &Observation<'_>) {
        let p = o.probs;
        let m = [micros(p.favor), micros(p.against), micros(p.none)];
        for (s, x) in self.sums.iter_mut().zip(m) {
            *s += x;
        }
        let label = p.label();
        match label {
            Label::Favor => self.counts.favor += 1,
            Label::Against => self.counts.against += 1,
            Label::None => self.counts.none += 1,
        }
        if label == Label::None {
            return;
        }
        self.net += m[0] as i64 - m[1] as i64;
        let (side, score) = if label == Label::Favor {
            (&mut self.favor_evidence, m[0])
        } else {
            (&mut self.against_evidence, m[1])
        };
        let rank = (std::cmp::Reverse(score), o.seq, o.index, o.doc);
        if side.admits(rank, self.k) {
            let e = Evidence {
                score,
                seq: o.seq,
                doc: o.doc.to_string(),
                index: o.index,
                start: o.start,
                end: o.end,
                text: o.text.to_string(),
                speaker: o.speaker.map(str::to_string),
                meta: BTreeMap::new(),
            };
            side.push(e, self.k);
        }
    }

    /// Sets `meta` on every evidence sentence (they all come from one document).
    fn with_meta(mut self, meta: &BTreeMap<String, String>) -> Tally {
        if !meta.is_empty() {
            for e in self
                .favor_evidence
                .0
                .iter_mut()
                .chain(&mut self.against_evidence.0)
            {
                e.meta = meta.clone();
            }
        }
        self
    }

    /// Merges another tally in (associative, commutative, exact). The larger `k` is kept.
    pub fn merge(&mut self, other: Tally) {
        self.k = self.k.max(other.k);
        self.counts.favor += other.counts.favor;
        self.counts.against += other.counts.against;
        self.counts.none += other.counts.none;
        for (s, x) in self.sums.iter_mut().zip(other.sums) {
            *s += x;
        }
        self.net += other.net;
        let k = self.k;
        self.favor_evidence.merge(other.favor_evidence, k);
        self.against_evidence.merge(other.against_evidence, k);
    }

    /// Sentences seen.
    pub fn sentences(&self) -> u64 {
        self.counts.favor + self.counts.against + self.counts.none
    }

    /// Label counts.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Net stance in [-1, 1]: the mean of P(FAVOR) - P(AGAINST) over stance-bearing sentences
    /// (0 when there are none).
    pub fn net(&self) -> f64 {
        let stance = self.counts.favor + self.counts.against;
        if stance == 0 {
            0.0
        } else {
            self.net as f64 / SCALE as f64 / stance as f64
        }
    }

    /// The decision under a rule (as in [`Tally::summary`], without building the summary).
    pub fn decision(&self, rule: &DecisionRule) -> Decision {
        let stance = self.counts.favor + self.counts.against;
        let net = self.net();
        if stance < rule.min_stance_sentences.max(1) {
            Decision::None
        } else if net >= rule.margin {
            Decision::Favor
        } else if net <= -rule.margin {
            Decision::Against
        } else {
            Decision::Mixed
        }
    }

    /// Summarises the tally under a decision rule.
    pub fn summary(&self, rule: &DecisionRule) -> Summary {
        let n = self.sentences();
        let mean = |s: u64| {
            if n == 0 {
                0.0
            } else {
                s as f64 / SCALE as f64 / n as f64
            }
        };
        let stance = self.counts.favor + self.counts.against;
        let net = self.net();
        let decision = self.decision(rule);
        Summary {
            sentences: n,
            counts: self.counts,
            mean: Means {
                favor: mean(self.sums[0]),
                against: mean(self.sums[1]),
                none: mean(self.sums[2]),
            },
            net,
            decision,
            favor_share: (stance > 0).then(|| wilson(self.counts.favor, stance, rule.z)),
            stance_share: (n > 0).then(|| wilson(stance, n, rule.z)),
            favor_evidence: self.favor_evidence.0.clone(),
            against_evidence: self.against_evidence.0.clone(),
        }
    }
}

/// How a tally becomes a decision.
///
/// Stance-bearing sentences (most probable label FAVOR or AGAINST) are the only ones that
/// count; NONE-dominated sentences are ignored. The net score is the mean of P(FAVOR) -
/// P(AGAINST) over them, in [-1, 1]. With fewer than `min_stance_sentences` stance-bearing
/// sentences the decision is NONE; otherwise FAVOR if net >= `margin`, AGAINST if
/// net <= -`margin`, else MIXED.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecisionRule {
    /// Net score needed for a FAVOR or AGAINST decision.
    pub margin: f64,
    /// Stance-bearing sentences needed for any decision but NONE.
    pub min_stance_sentences: u64,
    /// z of the Wilson intervals (1.96 for 95%).
    pub z: f64,
}

impl Default for DecisionRule {
    fn default() -> Self {
        DecisionRule {
            margin: 0.2,
            min_stance_sentences: 1,
            z: 1.96,
        }
    }
}

/// A decision about a document's or group's stance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Decision {
    /// Mostly for the target.
    Favor,
    /// Mostly against it.
    Against,
    /// Stance-bearing sentences on both sides, within the margin.
    Mixed,
    /// No (or too few) stance-bearing sentences.
    None,
}

impl Decision {
    /// The decision's name.
    ///
    /// ```
    /// assert_eq!(standpoint_aggregate::Decision::Mixed.as_str(), "MIXED");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Favor => "FAVOR",
            Decision::Against => "AGAINST",
            Decision::Mixed => "MIXED",
            Decision::None => "NONE",
        }
    }
}

/// A readable summary of a [`Tally`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Sentences seen.
    pub sentences: u64,
    /// Sentences per most probable label.
    pub counts: Counts,
    /// Mean probabilities over all sentences.
    pub mean: Means,
    /// Net stance in [-1, 1] over stance-bearing sentences.
    pub net: f64,
    /// The decision.
    pub decision: Decision,
    /// Share of FAVOR among stance-bearing sentences, with its Wilson interval.
    pub favor_share: Option<Interval>,
    /// Share of stance-bearing sentences among all, with its Wilson interval.
    pub stance_share: Option<Interval>,
    /// Strongest FAVOR sentences.
    pub favor_evidence: Vec<Evidence>,
    /// Strongest AGAINST sentences.
    pub against_evidence: Vec<Evidence>,
}

/// Document decisions counted in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DecisionCounts {
    /// Documents decided FAVOR.
    pub favor: u64,
    /// Documents decided AGAINST.
    pub against: u64,
    /// Documents decided MIXED.
    pub mixed: u64,
    /// Documents decided NONE.
    pub none: u64,
}

impl DecisionCounts {
    fn add(&mut self, d: Decision) {
        match d {
            Decision::Favor => self.favor += 1,
            Decision::Against => self.against += 1,
            Decision::Mixed => self.mixed += 1,
            Decision::None => self.none += 1,
        }
    }

    fn merge(&mut self, o: DecisionCounts) {
        self.favor += o.favor;
        self.against += o.against;
        self.mixed += o.mixed;
        self.none += o.none;
    }

    /// Documents counted.
    pub fn total(&self) -> u64 {
        self.favor + self.against + self.mixed + self.none
    }
}

/// One group's summary toward one target: a row of a run's groups.json
/// ([`Aggregates::summaries`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    /// The grouping (`all`, `source`, `date:month`, `source+date:month`, ...).
    pub grouping: String,
    /// The group (`Wire`, `2026-03`, `Wire | 2026-03`).
    pub group: String,
    /// The target.
    pub target: String,
    /// Document decisions.
    pub documents: DecisionCounts,
    /// The sentences' summary.
    pub summary: Summary,
    /// For a speaker group: the other names folded into it ("Dvorak" into "Marek Dvorak",
    /// [`speaker_aliases`]); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// A group's statistics toward one target: the sentences of all its documents, and the
/// documents' own decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTally {
    /// All sentences of the group's documents.
    pub sentences: Tally,
    /// Per-document decisions.
    pub documents: DecisionCounts,
}

impl GroupTally {
    fn merge(&mut self, o: GroupTally) {
        self.sentences.merge(o.sentences);
        self.documents.merge(o.documents);
    }
}

/// Group-level partial results: grouping -> group value -> target -> [`GroupTally`], plus the
/// document count. Serialisable and exactly mergeable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregates {
    groupings: Vec<GroupBy>,
    k: usize,
    rule: DecisionRule,
    documents: u64,
    groups: BTreeMap<String, BTreeMap<String, BTreeMap<String, GroupTally>>>,
}

/// The speaker aliases [`Aggregates::fold_speaker_aliases`] folds, as (alias, key), from the
/// set of speaker names seen. Two rules, both about names that look like a person's (two to four
/// words, each capitalised or an initial: "Marek Dvorak", "Donald J. Trump"; not "The
/// conversation meandered from United"):
///
/// - a name with a middle part ("Donald J. Trump", "Hillary Rodham Clinton") joins its first
///   and last words ("Donald Trump") when that name was seen too;
/// - a one-word name ("Dvorak") joins the one such name, after the first rule, that ends with
///   it ("Marek Dvorak"); when two do ("Anna Brik", "Karl Brik") it stays its own key.
///
/// A function of the set of names alone, so shards merged in any order fold the same way.
/// Anything that reads a run's sentences and groups them by speaker uses it to find the groups
/// of groups.json.
///
/// ```
/// let aliases = standpoint_aggregate::speaker_aliases(
///     ["Marek Dvorak", "Dvorak", "Sorel", "Anna Brik", "Karl Brik", "Brik"].into_iter(),
/// );
/// assert_eq!(aliases, [("Dvorak".to_string(), "Marek Dvorak".to_string())].into());
/// let aliases = standpoint_aggregate::speaker_aliases(
///     ["Donald Trump", "Donald J. Trump", "Trump", "United", "Crowds from the United"].into_iter(),
/// );
/// assert_eq!(aliases.get("Donald J. Trump").map(String::as_str), Some("Donald Trump"));
/// assert_eq!(aliases.get("Trump").map(String::as_str), Some("Donald Trump"));
/// assert_eq!(aliases.get("United"), None);
/// ```
pub fn speaker_aliases<'a>(
    names: impl Iterator<Item = &'a str>,
) -> std::collections::BTreeMap<String, String> {
    let names: std::collections::BTreeSet<&str> = names.collect();
    let person = |n: &str| {
        let words: Vec<&str> = n.split(' ').collect();
        (2..=4).contains(&words.len())
            && words.iter().enumerate().all(|(i, w)| {
                let lower = w.to_lowercase();
                (name_word(w) || initial(w))
                    && !NOT_NAME_WORDS.contains(&lower.as_str())
                    && !(i == 0 && NOT_FIRST_WORDS.contains(&lower.as_str()))
            })
    };
    let persons: Vec<&str> = names.iter().copied().filter(|n| person(n)).collect();
    let mut out = std::collections::BTreeMap::new();
    for full in &persons {
        let words: Vec<&str> = full.split(' ').collect();
        if words.len() >= 3 {
            let short = format!("{} {}", words[0], words[words.len() - 1]);
            if names.contains(short.as_str()) {
                out.insert(full.to_string(), short);
            }
        }
    }
    // The person names that are keys (not middle-name variants), by last word.
    let mut by_last: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for full in persons.iter().filter(|n| !out.contains_key(**n)) {
        by_last
            .entry(full.rsplit(' ').next().unwrap_or(full))
            .or_default()
            .push(full);
    }
    let surname = |n: &str| {
        !n.contains(' ') && name_word(n) && !NOT_NAME_WORDS.contains(&n.to_lowercase().as_str())
    };
    for short in names.iter().filter(|n| surname(n)) {
        if let Some([full]) = by_last.get(short).map(Vec::as_slice) {
            out.insert(short.to_string(), full.to_string());
        }
    }
    out
}

/// Folds each alias's group into its key's group (`aliases`: [`speaker_aliases`]).
fn fold_groups(
    groups: &mut BTreeMap<String, BTreeMap<String, GroupTally>>,
    aliases: &BTreeMap<String, String>,
) {
    for (short, full) in aliases {
        if let Some(targets) = groups.remove(short) {
            let into = groups.entry(full.clone()).or_default();
            for (target, tally) in targets {
                match into.get_mut(&target) {
                    Some(t) => t.merge(tally),
                    None => {
                        into.insert(target, tally);
                    }
                }
            }
        }
    }
}

/// A word of a person's name: capitalised, with lowercase letters after the first ("Dvorak",
/// "McDonald", "O’Donnell", "Ki-moon"), not an acronym ("FBI", "POLITICO") nor a possessive.
fn name_word(w: &str) -> bool {
    let mut chars = w.chars();
    chars.next().is_some_and(char::is_uppercase)
        && w.chars().any(char::is_lowercase)
        && w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
        && !w.ends_with(['\'', '’'])
}

/// An initial ("J.").
fn initial(w: &str) -> bool {
    let mut chars = w.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(c), Some('.'), None) if c.is_uppercase())
}

/// Words that start a description, not a name ("The White House", "Many Republicans").
const NOT_FIRST_WORDS: &[&str] = &[
    "the", "a", "an", "many", "several", "some", "one", "two", "three", "all", "most", "other",
    "few", "both", "any", "each", "every", "no", "plus", "but", "and", "or", "former", "new",
];

/// Words of organisations and places, never of a person's name, and places that are
/// surnames too ("Israel": the country, or Steve Israel): a speaker named by one of them alone
/// is never joined to a person.
const NOT_NAME_WORDS: &[&str] = &[
    "house",
    "office",
    "agency",
    "council",
    "media",
    "university",
    "hill",
    "post",
    "times",
    "news",
    "press",
    "court",
    "department",
    "committee",
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
    "party",
    "street",
    "states",
    "state",
    "board",
    "bank",
    "group",
    "fund",
    "campaign",
    "network",
    "company",
    "service",
    "services",
    "ministry",
    "government",
    "administration",
    "commission",
    "police",
    "army",
    "senate",
    "congress",
    "parliament",
    "school",
    "college",
    "church",
    "magazine",
    "journal",
    "radio",
    "television",
    "channel",
    "republicans",
    "democrats",
    "officials",
    "germany",
    "france",
    "britain",
    "england",
    "israel",
    "china",
    "russia",
    "japan",
    "india",
    "iran",
    "iraq",
    "syria",
    "mexico",
    "canada",
    "cuba",
    "ukraine",
    "europe",
    "america",
    "africa",
    "asia",
    "korea",
    "turkey",
    "egypt",
    "brazil",
    "italy",
    "spain",
    "poland",
    "washington",
    "alabama",
    "alaska",
    "arizona",
    "arkansas",
    "california",
    "colorado",
    "connecticut",
    "delaware",
    "florida",
    "georgia",
    "hawaii",
    "idaho",
    "illinois",
    "indiana",
    "iowa",
    "kansas",
    "kentucky",
    "louisiana",
    "maine",
    "maryland",
    "massachusetts",
    "michigan",
    "minnesota",
    "mississippi",
    "missouri",
    "montana",
    "nebraska",
    "nevada",
    "hampshire",
    "jersey",
    "york",
    "carolina",
    "dakota",
    "ohio",
    "oklahoma",
    "oregon",
    "pennsylvania",
    "rhode",
    "tennessee",
    "texas",
    "utah",
    "vermont",
    "virginia",
    "wisconsin",
    "wyoming",
    "chicago",
    "boston",
    "london",
    "paris",
    "moscow",
    "beijing",
    "geneva",
    "brussels",
];

impl Aggregates {
    /// Empty aggregates for these groupings, keeping `k` evidence sentences per side and
    /// deciding documents with the default [`DecisionRule`].
    pub fn new(groupings: Vec<GroupBy>, k: usize) -> Aggregates {
        Aggregates::with_rule(groupings, k, DecisionRule::default())
    }

    /// Empty aggregates deciding documents with `rule`.
    pub fn with_rule(groupings: Vec<GroupBy>, k: usize, rule: DecisionRule) -> Aggregates {
        Aggregates {
            groupings,
            k,
            rule,
            documents: 0,
            groups: BTreeMap::new(),
        }
    }

    /// The decision rule.
    pub fn rule(&self) -> &DecisionRule {
        &self.rule
    }

    /// Adds one document: its metadata and its tally per target.
    pub fn add_document<'t>(
        &mut self,
        meta: &BTreeMap<String, String>,
        tallies: impl IntoIterator<Item = (&'t str, &'t Tally)>,
    ) {
        self.documents += 1;
        let keys: Vec<(String, String)> = self
            .groupings
            .iter()
            .map(|g| (g.name(), g.key(meta)))
            .collect();
        for (target, tally) in tallies {
            let stamped = tally.clone().with_meta(meta);
            for (name, value) in &keys {
                self.add_to(name, value, target, &stamped);
            }
        }
    }

    /// Adds one document whose sentences are attributed to speakers (`speakers`: each
    /// speaker's name, `(none)` for the reporter's own voice, with a tally per target in the
    /// order of `targets`). Every grouping takes its key from the metadata, except a `speaker`
    /// grouping when the metadata has no speaker: then each speaker's sentences go to that
    /// speaker's group, and the document counts once per speaker.
    ///
    /// ```
    /// use standpoint_aggregate::{Aggregates, GroupBy, Tally};
    /// let mut agg = Aggregates::new(vec![GroupBy::All, GroupBy::parse("speaker").unwrap()], 2);
    /// let (doc, rubio) = (Tally::new(2), Tally::new(2));
    /// let speakers = [("Marco Rubio", std::slice::from_ref(&rubio))];
    /// agg.add_document_with_speakers(&Default::default(), &["x"], &[doc], &speakers);
    /// assert!(agg.get("speaker", "Marco Rubio", "x").is_some());
    /// assert!(agg.get("speaker", "(none)", "x").is_none());
    /// ```
    pub fn add_document_with_speakers(
        &mut self,
        meta: &BTreeMap<String, String>,
        targets: &[&str],
        tallies: &[Tally],
        speakers: &[(&str, &[Tally])],
    ) {
        self.documents += 1;
        let stamp =
            |ts: &[Tally]| -> Vec<Tally> { ts.iter().map(|t| t.clone().with_meta(meta)).collect() };
        let tallies = stamp(tallies);
        let speaker_tallies: Vec<Vec<Tally>> = speakers.iter().map(|(_, ts)| stamp(ts)).collect();
        let groupings = self.groupings.clone();
        for g in &groupings {
            let name = g.name();
            let detected = matches!(g, GroupBy::Field { field } if field == "speaker")
                && g.key(meta) == "(none)";
            if detected {
                for ((speaker, _), per_target) in speakers.iter().zip(&speaker_tallies) {
                    for (target, tally) in targets.iter().zip(per_target) {
                        self.add_to(&name, speaker, target, tally);
                    }
                }
            } else {
                let key = g.key(meta);
                for (target, tally) in targets.iter().zip(&tallies) {
                    self.add_to(&name, &key, target, tally);
                }
            }
        }
    }

    /// Adds a document's tally (its evidence already stamped with the document's metadata).
    fn add_to(&mut self, grouping: &str, value: &str, target: &str, tally: &Tally) {
        let decision = tally.decision(&self.rule);
        let k = self.k;
        let g = self
            .groups
            .entry(grouping.to_string())
            .or_default()
            .entry(value.to_string())
            .or_default()
            .entry(target.to_string())
            .or_insert_with(|| GroupTally {
                sentences: Tally::new(k),
                documents: DecisionCounts::default(),
            });
        g.sentences.merge(tally.clone());
        g.documents.add(decision);
    }

    /// Folds speaker groups named by one word ("Dvorak") into the one fuller name that ends
    /// with it ("Marek Dvorak"), when exactly one does, so that a person whose name was
    /// resolved document by document is one group. A function of the groups alone, so shards
    /// merged in any order fold the same way.
    ///
    /// ```
    /// use standpoint_aggregate::{Aggregates, GroupBy, Tally};
    /// let mut agg = Aggregates::new(vec![GroupBy::parse("speaker").unwrap()], 2);
    /// for name in ["Marek Dvorak", "Dvorak", "Sorel"] {
    ///     let speakers = [(name, &[Tally::new(2)][..])];
    ///     agg.add_document_with_speakers(&Default::default(), &["x"], &[Tally::new(2)], &speakers);
    /// }
    /// agg.fold_speaker_aliases();
    /// assert_eq!(agg.get("speaker", "Marek Dvorak", "x").unwrap().documents.total(), 2);
    /// assert!(agg.get("speaker", "Dvorak", "x").is_none());
    /// assert!(agg.get("speaker", "Sorel", "x").is_some());
    /// ```
    pub fn fold_speaker_aliases(&mut self) {
        if let Some(groups) = self.groups.get_mut("speaker") {
            let aliases = speaker_aliases(groups.keys().map(String::as_str));
            fold_groups(groups, &aliases);
        }
    }

    /// Every group's summary toward every target under the decision rule, speaker names
    /// folded ([`Aggregates::fold_speaker_aliases`], each speaker row listing the names folded
    /// into it), in grouping, group and target order: the rows of a run's groups.json.
    ///
    /// ```
    /// use standpoint_aggregate::{Aggregates, GroupBy, Tally};
    /// let mut agg = Aggregates::new(vec![GroupBy::All], 2);
    /// agg.add_document(&Default::default(), [("x", &Tally::new(2))]);
    /// let rows = agg.summaries();
    /// assert_eq!((rows[0].grouping.as_str(), rows[0].group.as_str()), ("all", "all"));
    /// assert_eq!(rows[0].documents.total(), 1);
    ///
    /// let mut agg = Aggregates::new(vec![GroupBy::parse("speaker").unwrap()], 2);
    /// for name in ["Marek Dvorak", "Dvorak"] {
    ///     let speakers = [(name, &[Tally::new(2)][..])];
    ///     agg.add_document_with_speakers(&Default::default(), &["x"], &[Tally::new(2)], &speakers);
    /// }
    /// let rows = agg.summaries();
    /// assert_eq!((rows[0].group.as_str(), &rows[0].aliases[..]), ("Marek Dvorak", &["Dvorak".to_string()][..]));
    /// ```
    pub fn summaries(&self) -> Vec<GroupSummary> {
        self.summaries_iter().collect()
    }

    /// The rows of [`Aggregates::summaries`] one at a time, so that a run with thousands of
    /// targets writes its groups.json without holding every row (nor a second copy of the
    /// aggregates: only the speaker grouping is copied, to fold its aliases).
    ///
    /// ```
    /// use standpoint_aggregate::{Aggregates, GroupBy, Tally};
    /// let mut agg = Aggregates::new(vec![GroupBy::All], 2);
    /// agg.add_document(&Default::default(), [("x", &Tally::new(2))]);
    /// assert_eq!(agg.summaries_iter().count(), agg.summaries().len());
    /// ```
    pub fn summaries_iter(&self) -> impl Iterator<Item = GroupSummary> + '_ {
        let rule = self.rule;
        let row =
            move |grouping: &str, group: &str, target: &str, tally: &GroupTally| GroupSummary {
                grouping: grouping.to_string(),
                group: group.to_string(),
                target: target.to_string(),
                documents: tally.documents,
                summary: tally.sentences.summary(&rule),
                aliases: Vec::new(),
            };
        // The speaker grouping folded (a copy), each key with the other names folded into it.
        let mut speakers: Vec<GroupSummary> = self
            .groups
            .get("speaker")
            .map(|groups| {
                let aliases = speaker_aliases(groups.keys().map(String::as_str));
                let mut folded_in: BTreeMap<&str, Vec<String>> = BTreeMap::new();
                for (short, full) in &aliases {
                    folded_in.entry(full).or_default().push(short.clone());
                }
                let mut values = groups.clone();
                fold_groups(&mut values, &aliases);
                values
                    .iter()
                    .flat_map(|(v, targets)| {
                        let aliases = folded_in.get(v.as_str()).cloned().unwrap_or_default();
                        targets.iter().map(move |(t, tally)| GroupSummary {
                            aliases: aliases.clone(),
                            ..row("speaker", v, t, tally)
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.groups.iter().flat_map(
            move |(g, values)| -> Box<dyn Iterator<Item = GroupSummary> + '_> {
                if g == "speaker" {
                    return Box::new(std::mem::take(&mut speakers).into_iter());
                }
                Box::new(values.iter().flat_map(move |(v, targets)| {
                    targets.iter().map(move |(t, tally)| row(g, v, t, tally))
                }))
            },
        )
    }

    /// The speaker grouping with its aliases folded ([`Aggregates::fold_speaker_aliases`]),
    /// copied; `None` without a speaker grouping.
    pub fn folded_speakers(&self) -> Option<BTreeMap<String, BTreeMap<String, GroupTally>>> {
        let mut speakers = self.groups.get("speaker")?.clone();
        let aliases = speaker_aliases(speakers.keys().map(String::as_str));
        fold_groups(&mut speakers, &aliases);
        Some(speakers)
    }

    /// Merges another partial in (associative, commutative, exact).
    pub fn merge(&mut self, other: Aggregates) {
        for g in other.groupings {
            if !self.groupings.contains(&g) {
                self.groupings.push(g);
            }
        }
        self.k = self.k.max(other.k);
        self.documents += other.documents;
        for (name, values) in other.groups {
            let mine = self.groups.entry(name).or_default();
            for (value, targets) in values {
                let mine = mine.entry(value).or_default();
                for (target, tally) in targets {
                    match mine.get_mut(&target) {
                        Some(t) => t.merge(tally),
                        None => {
                            mine.insert(target, tally);
                        }
                    }
                }
            }
        }
    }

    /// Documents added.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// The groupings.
    pub fn groupings(&self) -> &[GroupBy] {
        &self.groupings
    }

    /// The statistics of one group and target.
    pub fn get(&self, grouping: &str, value: &str, target: &str) -> Option<&GroupTally> {
        self.groups.get(grouping)?.get(value)?.get(target)
    }

    /// Every (grouping, value, target, statistics), in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &str, &GroupTally)> {
        self.groups.iter().flat_map(|(g, values)| {
            values.iter().flat_map(move |(v, targets)| {
                targets
                    .iter()
                    .map(move |(t, tally)| (g.as_str(), v.as_str(), t.as_str(), tally))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::speaker_aliases;

    /// The wrong joins a run over PolNeAR's 840 train articles showed, and the right ones.
    #[test]
    fn only_person_names_take_aliases() {
        let names = [
            "POLITICO Florida",
            "Florida",
            "An FBI",
            "FBI",
            "The White House",
            "The House",
            "Steve Israel",
            "Israel",
            "Capitol Hill",
            "Hill",
            "Many Latino Republicans",
            "Many Republicans",
            "Nathan Deal",
            "Deal",
            "Donald J. Trump",
            "Donald Trump",
            "Trump",
            "Eric Trump",
            "Paul D. Ryan",
            "Paul Ryan",
            "Ryan",
            "Bernie Sanders’",
            "Sanders’",
            "Brett O’Donnell",
            "O’Donnell",
        ];
        let aliases = speaker_aliases(names.into_iter());
        let got: Vec<(&str, &str)> = aliases
            .iter()
            .map(|(a, k)| (a.as_str(), k.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Deal", "Nathan Deal"),
                ("Donald J. Trump", "Donald Trump"),
                ("O’Donnell", "Brett O’Donnell"),
                ("Paul D. Ryan", "Paul Ryan"),
                ("Ryan", "Paul Ryan"),
            ]
        );
    }
}
