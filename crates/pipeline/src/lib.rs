//! The standpoint pipeline as a library: corpus readers ([`read`]), segmentation, stance
//! classification toward every target and per-document summaries ([`Pipeline`]), output sinks
//! ([`sink`]), and resumable, shardable runs into an output folder ([`run`], [`merge`]).
//!
//! The `standpoint` binary is a thin layer over this crate. The crate never prints, exits or
//! panics on input: bad records come back as [`read::Bad`] values, everything else as
//! [`Error`].
//!
//! A corpus through the pipeline, with any [`StanceClassifier`] (here a toy one; in practice
//! one loaded from a model manifest by `standpoint-stance`):
//!
//! ```
//! use standpoint_pipeline::read::{Fields, Format, Reader};
//! use standpoint_pipeline::{sink::Collect, Pipeline};
//! use standpoint_types::{CountMismatch, Probs, StanceClassifier};
//!
//! struct Keyword; // FAVOR when a sentence says "support", else NONE
//! impl StanceClassifier for Keyword {
//!     type Error = CountMismatch;
//!     fn name(&self) -> &str { "keyword" }
//!     fn predict(&self, s: &[&str], t: &[&str]) -> Result<Vec<Probs>, CountMismatch> {
//!         let p = |s: &str| if s.contains("support") { Probs::new(1.0, 0.0, 0.0) } else { Probs::new(0.0, 0.0, 1.0) };
//!         Ok(s.iter().flat_map(|s| t.iter().map(move |_| p(s))).collect())
//!     }
//! }
//!
//! let corpus = std::env::temp_dir().join(format!("standpoint-lib-doc-{}.jsonl", std::process::id()));
//! std::fs::write(&corpus, "{\"id\": \"a\", \"text\": \"We support a ceasefire. Talks go on.\"}\n").unwrap();
//! let reader = Reader::new(vec![corpus.clone()], Format::Auto, Fields::default(), 1 << 20);
//!
//! let pipeline = Pipeline::new(Keyword, vec!["a ceasefire".to_string()]);
//! let mut sink = Collect::default();
//! let counts = pipeline.run(reader, &mut sink).unwrap();
//!
//! assert_eq!((counts.documents, counts.sentences), (1, 2));
//! let doc = &sink.documents[0];
//! assert_eq!(doc.summaries[0].decision.as_str(), "FAVOR");
//! assert_eq!(doc.sentence_text(0), "We support a ceasefire.");
//! # std::fs::remove_file(&corpus).unwrap();
//! ```
#![deny(missing_docs)]

pub mod attributions;
pub mod checkpoint;
mod error;
pub mod hash;
pub mod lines;
pub mod lock;
pub mod merge;
pub mod read;
pub mod report;
pub mod run;
pub mod safe;
pub mod sentences;
pub mod shard;
pub mod sink;
pub mod speakers;
pub mod targets;

pub use error::{Error, Result};
pub use standpoint_types::{Label, Probs, StanceClassifier};

use standpoint_aggregate::{DecisionRule, Observation, Summary, Tally};
use standpoint_attribute::{Attribution, Attributor};
use standpoint_segment::{Segmenter, Sentence};
use std::sync::Arc;

use crate::read::{Doc, Item};
use crate::sink::Sink;

/// Probabilities as the outputs record them: rounded to 4 decimals (so the numbers written and
/// the numbers aggregated are the same).
///
/// ```
/// use standpoint_pipeline::{quantized, Probs};
/// let p = quantized(Probs { favor: 0.123456, against: 0.5, none: 0.376544 });
/// assert_eq!(p.favor, 0.1235);
/// ```
pub fn quantized(p: Probs) -> Probs {
    let q = |p: f32| (p * 10_000.0).round() / 10_000.0;
    Probs {
        favor: q(p.favor),
        against: q(p.against),
        none: q(p.none),
    }
}

/// A document and its sentences, ready to classify.
#[derive(Debug, Clone)]
pub struct Segmented {
    /// Position of the record in the input (0-based, counting bad records too).
    pub seq: u64,
    /// The document.
    pub doc: Doc,
    /// Its sentences (byte spans into `doc.text`).
    pub sentences: Vec<Sentence>,
    /// Who speaks in each sentence.
    pub voices: Vec<Voice>,
}

/// Sentences before a sentence that a context-reading classifier is given (see
/// [`standpoint_segment::context_before`]).
pub const CONTEXT_SENTENCES: usize = 2;

/// Finds who says what in a document: the rules ([`Attributor`], the default) or a trained
/// tagger behind the same decoding (the CLI's `run --tagger`). Shared by a run's reader
/// threads, so `Send + Sync`.
///
/// ```
/// use standpoint_pipeline::Attribute;
/// let found = standpoint_attribute::Attributor::default()
///     .find("\u{201c}We stay,\u{201d} the minister said.")
///     .unwrap();
/// assert_eq!(found[0].speaker.as_deref(), Some("the minister"));
/// assert!(found[0].direct);
/// ```
pub trait Attribute: Send + Sync {
    /// The attributions of `text` (byte spans into it), or why they could not be found.
    fn find(&self, text: &str) -> std::result::Result<Vec<Attribution>, String>;
}

impl Attribute for Attributor {
    fn find(&self, text: &str) -> std::result::Result<Vec<Attribution>, String> {
        Ok(self.attribute(text))
    }
}

/// The text work done before classification: sentences, and who speaks in each. Cheap to
/// clone, `Send + Sync`, so a run's reader pool does it in parallel.
#[derive(Clone)]
pub struct Splitter {
    segmenter: Segmenter,
    attribution: Arc<dyn Attribute>,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter {
            segmenter: Segmenter::default(),
            attribution: Arc::new(Attributor::default()),
        }
    }
}

impl std::fmt::Debug for Splitter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Splitter")
            .field("segmenter", &self.segmenter)
            .finish_non_exhaustive()
    }
}

impl Splitter {
    /// Splits a document into sentences and finds their speakers; a document whose
    /// attributions cannot be found comes back as a bad record naming it.
    pub fn split(&self, seq: u64, doc: Doc) -> std::result::Result<Segmented, read::Bad> {
        let found = match self.attribution.find(&doc.text) {
            Ok(found) => found,
            Err(message) => {
                return Err(read::Bad {
                    file: doc.file,
                    line: doc.line,
                    id: Some(doc.id),
                    error: read::ReadError::Attribution(message),
                })
            }
        };
        let sentences = self.segmenter.segment(&doc.text);
        let voices = voices(&sentences, &found);
        Ok(Segmented {
            seq,
            doc,
            sentences,
            voices,
        })
    }
}

/// How a sentence is attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentenceAttribution {
    /// Mostly inside a direct (or mixed) quote.
    Direct,
    /// Mostly reported speech without quotation marks.
    Indirect,
    /// The reporter's own voice.
    None,
}

/// Who speaks in a sentence: `speaker` is `None` for the reporter's own voice (or a quote
/// whose speaker is unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voice {
    /// The resolved speaker.
    pub speaker: Option<String>,
    /// The speaker's role or title where the document gives one ("US Secretary of State").
    pub role: Option<String>,
    /// How the sentence is attributed.
    pub attribution: SentenceAttribution,
}

impl SentenceAttribution {
    /// `direct`, `indirect` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            SentenceAttribution::Direct => "direct",
            SentenceAttribution::Indirect => "indirect",
            SentenceAttribution::None => "none",
        }
    }
}

/// The voice of each sentence: the attribution whose content covers most of the sentence, when
/// it covers at least half of it.
pub fn voices(sentences: &[Sentence], found: &[Attribution]) -> Vec<Voice> {
    sentences
        .iter()
        .map(|s| {
            let len = s.end.saturating_sub(s.start).max(1);
            let inside = |x: &standpoint_attribute::Span| x.start >= s.start && x.end <= s.end;
            // The attribution covering most of the sentence: at least half of it, or some of it
            // when the sentence also holds its frame ("“…,” said X, standing outside.").
            let best = found
                .iter()
                .map(|a| {
                    let covered: usize = a
                        .content
                        .iter()
                        .map(|c| c.end.min(s.end).saturating_sub(c.start.max(s.start)))
                        .sum();
                    let framed = a.cue.iter().chain(a.source.iter()).any(inside);
                    (covered, framed, a)
                })
                .filter(|(covered, framed, _)| 2 * covered >= len || (*covered > 0 && *framed))
                .max_by_key(|(covered, _, _)| *covered)
                .map(|(covered, _, a)| (covered, a));
            match best {
                Some((_, a)) => Voice {
                    speaker: a.speaker.clone(),
                    role: a.speaker.as_ref().and(a.role.clone()),
                    attribution: if a.direct {
                        SentenceAttribution::Direct
                    } else {
                        SentenceAttribution::Indirect
                    },
                },
                None => Voice {
                    speaker: None,
                    role: None,
                    attribution: SentenceAttribution::None,
                },
            }
        })
        .collect()
}

impl Segmented {
    /// Sentence `i` with its probabilities toward one target, as aggregation observes it.
    pub fn observation(&self, i: usize, probs: Probs) -> Observation<'_> {
        let s = self.sentences[i];
        Observation {
            seq: self.seq,
            doc: &self.doc.id,
            index: i as u32,
            start: s.start,
            end: s.end,
            text: s.text(&self.doc.text),
            speaker: self.voices.get(i).and_then(|v| v.speaker.as_deref()),
            probs,
        }
    }
}

/// One document's results toward every target.
#[derive(Debug, Clone)]
pub struct DocResult {
    /// Position of the record in the input.
    pub seq: u64,
    /// The document.
    pub doc: Doc,
    /// Its sentences.
    pub sentences: Vec<Sentence>,
    /// Probabilities (4 decimals), sentence-major: sentence `i`, target `j` at
    /// `i * targets + j`.
    pub probs: Vec<Probs>,
    /// Per target: the sentence tally (what group aggregates add up).
    pub tallies: Vec<Tally>,
    /// Per target: the document's summary under the pipeline's decision rule.
    pub summaries: Vec<Summary>,
    /// Per sentence: who speaks.
    pub voices: Vec<Voice>,
    /// Per speaker (`(none)`: the reporter or an unknown speaker), in name order: the tally
    /// and summary per target of that speaker's sentences.
    pub speakers: Vec<(String, Vec<Tally>, Vec<Summary>)>,
}

impl DocResult {
    /// The probabilities of sentence `i` toward target `j`.
    pub fn stance(&self, i: usize, j: usize) -> Probs {
        self.probs[i * self.tallies.len() + j]
    }

    /// The text of sentence `i`.
    pub fn sentence_text(&self, i: usize) -> &str {
        self.sentences[i].text(&self.doc.text)
    }
}

/// How many records a [`Pipeline::run`] saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Documents classified.
    pub documents: u64,
    /// Their sentences.
    pub sentences: u64,
    /// Bad records skipped.
    pub skipped: u64,
}

/// Segmentation, classification toward every target and per-document summaries.
///
/// Every sentence is classified against all targets in one call per batch, so a classifier
/// that encodes sentences once (the default encoder + head) pays one encoder pass per sentence
/// whatever the number of targets.
pub struct Pipeline<C> {
    classifier: C,
    targets: Vec<String>,
    splitter: Splitter,
    evidence: usize,
    rule: DecisionRule,
    batch_sentences: usize,
}

impl<C: StanceClassifier> Pipeline<C> {
    /// A pipeline with the default segmenter, 3 evidence sentences per side, the default
    /// decision rule and batches of 256 sentences.
    pub fn new(classifier: C, targets: Vec<String>) -> Pipeline<C> {
        Pipeline {
            classifier,
            targets,
            splitter: Splitter::default(),
            evidence: run::defaults::EVIDENCE,
            rule: DecisionRule::default(),
            batch_sentences: run::defaults::BATCH_SENTENCES,
        }
    }

    /// The pipeline of a run: its targets, evidence and decision rule from `spec` (what the
    /// run folder records, so that a resume classifies as the run began).
    pub fn for_run(classifier: C, spec: &checkpoint::RunSpec) -> Pipeline<C> {
        Pipeline::new(classifier, spec.targets.clone())
            .evidence(spec.evidence)
            .rule(spec.rule)
    }

    /// Evidence sentences kept per side and target.
    pub fn evidence(mut self, n: usize) -> Self {
        self.evidence = n;
        self
    }

    /// The document decision rule.
    pub fn rule(mut self, rule: DecisionRule) -> Self {
        self.rule = rule;
        self
    }

    /// Sentences per classifier call (at least 1).
    pub fn batch_sentences(mut self, n: usize) -> Self {
        self.batch_sentences = n.max(1);
        self
    }

    /// The segmenter.
    pub fn segmenter(mut self, segmenter: Segmenter) -> Self {
        self.splitter.segmenter = segmenter;
        self
    }

    /// What finds speakers (default: the rules). A run records which in its
    /// [`RunSpec`](checkpoint::RunSpec); set both together.
    pub fn attribution(mut self, attribution: Arc<dyn Attribute>) -> Self {
        self.splitter.attribution = attribution;
        self
    }

    /// What splits documents before classification (a run's reader pool uses a clone).
    pub fn splitter(&self) -> &Splitter {
        &self.splitter
    }

    /// The targets, in order.
    pub fn targets(&self) -> &[String] {
        &self.targets
    }

    /// The classifier.
    pub fn classifier(&self) -> &C {
        &self.classifier
    }

    /// Splits a document into sentences and finds their speakers (a bad record when its
    /// attributions cannot be found).
    pub fn segment(&self, seq: u64, doc: Doc) -> std::result::Result<Segmented, read::Bad> {
        self.splitter.split(seq, doc)
    }

    /// Classifies every sentence of the documents toward every target and summarises each
    /// document.
    pub fn classify(&self, docs: Vec<Segmented>) -> Result<Vec<DocResult>> {
        let targets: Vec<&str> = self.targets.iter().map(String::as_str).collect();
        let texts: Vec<&str> = docs
            .iter()
            .flat_map(|d| d.sentences.iter().map(|s| s.text(&d.doc.text)))
            .collect();
        // What the reader has just read before each sentence, for classifiers that read it.
        let contexts: Vec<&str> = if self.classifier.reads_context() {
            docs.iter()
                .flat_map(|d| {
                    (0..d.sentences.len()).map(|i| {
                        let r =
                            standpoint_segment::context_before(&d.sentences, i, CONTEXT_SENTENCES);
                        d.doc.text.get(r).unwrap_or("")
                    })
                })
                .collect()
        } else {
            vec![""; texts.len()]
        };
        let mut probs: Vec<Probs> = Vec::with_capacity(texts.len() * targets.len());
        for (batch, ctx) in texts
            .chunks(self.batch_sentences)
            .zip(contexts.chunks(self.batch_sentences))
        {
            let p = self
                .classifier
                .predict_in_context(batch, ctx, &targets)
                .map_err(|e| Error::Classifier(Box::new(e)))?;
            probs.extend(p.into_iter().map(quantized));
        }
        if probs.len() != texts.len() * targets.len() {
            return Err(Error::ClassifierCount {
                got: probs.len(),
                sentences: texts.len(),
                targets: targets.len(),
            });
        }
        let mut out = Vec::with_capacity(docs.len());
        let mut rest = probs.as_slice();
        for d in docs {
            let (mine, tail) = rest.split_at(d.sentences.len() * targets.len());
            rest = tail;
            let mut tallies: Vec<Tally> =
                targets.iter().map(|_| Tally::new(self.evidence)).collect();
            for i in 0..d.sentences.len() {
                for (j, tally) in tallies.iter_mut().enumerate() {
                    tally.add(&d.observation(i, mine[i * targets.len() + j]));
                }
            }
            let summaries = tallies.iter().map(|t| t.summary(&self.rule)).collect();
            let speakers = self.speaker_tallies(&d, mine, targets.len());
            out.push(DocResult {
                seq: d.seq,
                doc: d.doc,
                sentences: d.sentences,
                probs: mine.to_vec(),
                tallies,
                summaries,
                voices: d.voices,
                speakers,
            });
        }
        Ok(out)
    }

    /// Each speaker's tallies and summaries over their sentences of one document.
    fn speaker_tallies(
        &self,
        d: &Segmented,
        probs: &[Probs],
        targets: usize,
    ) -> Vec<(String, Vec<Tally>, Vec<Summary>)> {
        let mut by: std::collections::BTreeMap<&str, Vec<Tally>> = Default::default();
        for (i, v) in d.voices.iter().enumerate() {
            let name = v.speaker.as_deref().unwrap_or("(none)");
            let tallies = by
                .entry(name)
                .or_insert_with(|| (0..targets).map(|_| Tally::new(self.evidence)).collect());
            for (j, tally) in tallies.iter_mut().enumerate() {
                tally.add(&d.observation(i, probs[i * targets + j]));
            }
        }
        by.into_iter()
            .map(|(name, tallies)| {
                let summaries = tallies.iter().map(|t| t.summary(&self.rule)).collect();
                (name.to_string(), tallies, summaries)
            })
            .collect()
    }

    /// Reads every item, classifies the documents in chunks of 64 and hands each result and
    /// each bad record, in input order, to the sink. Serial and in memory: for resumable,
    /// shardable runs into a folder see [`run`].
    pub fn run<S: Sink>(
        &self,
        items: impl IntoIterator<Item = Item>,
        sink: &mut S,
    ) -> Result<Counts> {
        let mut counts = Counts::default();
        let mut items = items.into_iter().enumerate().peekable();
        while items.peek().is_some() {
            let mut docs = Vec::new();
            for (seq, item) in items.by_ref() {
                match item.and_then(|doc| self.segment(seq as u64, doc)) {
                    Ok(doc) => docs.push(doc),
                    Err(bad) => {
                        // Bad records go to the sink in order: flush what comes before them.
                        self.flush(std::mem::take(&mut docs), sink, &mut counts)?;
                        counts.skipped += 1;
                        sink.skipped(seq as u64, &bad)?;
                    }
                }
                if docs.len() == 64 {
                    break;
                }
            }
            self.flush(docs, sink, &mut counts)?;
        }
        Ok(counts)
    }

    fn flush<S: Sink>(
        &self,
        docs: Vec<Segmented>,
        sink: &mut S,
        counts: &mut Counts,
    ) -> Result<()> {
        for r in self.classify(docs)? {
            counts.documents += 1;
            counts.sentences += r.sentences.len() as u64;
            sink.document(&self.targets, &r)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Bad, ReadError};
    use crate::sink::Collect;
    use standpoint_types::CountMismatch;

    /// FAVOR for sentences with "yes", AGAINST with "no"; fails on "boom"; returns one result
    /// too few on "short".
    struct Toy;

    #[derive(Debug, thiserror::Error)]
    enum ToyError {
        #[error("boom")]
        Boom,
        #[error(transparent)]
        Count(#[from] CountMismatch),
    }

    impl StanceClassifier for Toy {
        type Error = ToyError;
        fn name(&self) -> &str {
            "toy"
        }
        fn predict(&self, s: &[&str], t: &[&str]) -> std::result::Result<Vec<Probs>, ToyError> {
            if s.iter().any(|s| s.contains("boom")) {
                return Err(ToyError::Boom);
            }
            let mut out: Vec<Probs> = s
                .iter()
                .flat_map(|s| {
                    let p = if s.contains("yes") {
                        Probs::new(0.9, 0.05, 0.05)
                    } else if s.contains("no") {
                        Probs::new(0.05, 0.9, 0.05)
                    } else {
                        Probs::new(0.1, 0.1, 0.8)
                    };
                    t.iter().map(move |_| p)
                })
                .collect();
            if s.iter().any(|s| s.contains("short")) {
                out.pop();
            }
            Ok(out)
        }
    }

    fn doc(id: &str, text: &str) -> Item {
        Ok(Doc {
            file: "f".into(),
            line: 1,
            id: id.into(),
            text: text.into(),
            meta: Default::default(),
        })
    }

    #[test]
    fn results_and_bad_records_reach_the_sink_in_input_order() {
        let p = Pipeline::new(Toy, vec!["t1".into(), "t2".into()]).batch_sentences(1);
        let bad = Err(Bad {
            file: "f".into(),
            line: 2,
            id: None,
            error: ReadError::Empty,
        });
        let items = vec![
            doc("a", "We say yes. We say yes again. We say no."),
            bad,
            doc("b", "We say no. Nothing here."),
        ];
        let mut sink = Collect::default();
        let counts = p.run(items, &mut sink).unwrap();
        assert_eq!(
            counts,
            Counts {
                documents: 2,
                sentences: 5,
                skipped: 1
            }
        );
        assert_eq!(sink.skipped, vec![(1, "f:2: empty document".to_string())]);
        let a = &sink.documents[0];
        assert_eq!(
            (a.seq, a.probs.len(), a.stance(2, 1).label()),
            (0, 6, Label::Against)
        );
        assert_eq!(a.summaries[0].decision.as_str(), "FAVOR");
        let b = &sink.documents[1];
        assert_eq!((b.seq, b.summaries[1].decision.as_str()), (2, "AGAINST"));
    }

    /// Speakers from a stand-in for a tagger: "Ann" speaks every sentence with "yes"; fails
    /// on documents holding "fail".
    struct Stub;

    impl Attribute for Stub {
        fn find(&self, text: &str) -> std::result::Result<Vec<Attribution>, String> {
            if text.contains("fail") {
                return Err("the tagger failed".into());
            }
            Ok(text
                .match_indices("yes")
                .map(|(at, _)| Attribution {
                    content: vec![standpoint_attribute::Span {
                        start: at,
                        end: at + 3,
                    }],
                    cue: Vec::new(),
                    source: None,
                    speaker: Some("Ann".into()),
                    role: None,
                    direct: false,
                })
                .collect())
        }
    }

    #[test]
    fn another_attribution_finds_the_speakers_and_its_failures_are_bad_records() {
        let p = Pipeline::new(Toy, vec!["t".into()]).attribution(Arc::new(Stub));
        let items = vec![
            doc("a", "yes. We say no."),
            doc("b", "This will fail."),
            doc("c", "Nothing."),
        ];
        let mut sink = Collect::default();
        let counts = p.run(items, &mut sink).unwrap();
        assert_eq!((counts.documents, counts.skipped), (2, 1));
        assert_eq!(
            sink.skipped,
            vec![(
                1,
                "f:1 (id b): attribution failed: the tagger failed".to_string()
            )]
        );
        let a = &sink.documents[0];
        let speakers: Vec<Option<&str>> = a.voices.iter().map(|v| v.speaker.as_deref()).collect();
        assert_eq!(speakers, [Some("Ann"), None]);
    }

    #[test]
    fn classifier_failures_keep_their_typed_source() {
        let p = Pipeline::new(Toy, vec!["t".into()]);
        let err = p
            .run(vec![doc("a", "It went boom.")], &mut Collect::default())
            .unwrap_err();
        let Error::Classifier(source) = &err else {
            panic!("{err:?}")
        };
        assert!(matches!(
            source.downcast_ref::<ToyError>(),
            Some(ToyError::Boom)
        ));
        let err = p
            .run(vec![doc("a", "Too short.")], &mut Collect::default())
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::ClassifierCount {
                    got: 0,
                    sentences: 1,
                    targets: 1
                }
            ),
            "{err:?}"
        );
    }

    /// FAVOR when the text before the sentence says "yes"; reads context.
    struct Reader;

    impl StanceClassifier for Reader {
        type Error = CountMismatch;
        fn name(&self) -> &str {
            "reader"
        }
        fn predict(
            &self,
            s: &[&str],
            t: &[&str],
        ) -> std::result::Result<Vec<Probs>, CountMismatch> {
            self.predict_in_context(s, &vec![""; s.len()], t)
        }
        fn predict_in_context(
            &self,
            s: &[&str],
            c: &[&str],
            t: &[&str],
        ) -> std::result::Result<Vec<Probs>, CountMismatch> {
            Ok(s.iter()
                .zip(c)
                .flat_map(|(_, c)| {
                    let p = if c.contains("yes") {
                        Probs::new(0.9, 0.05, 0.05)
                    } else {
                        Probs::new(0.1, 0.1, 0.8)
                    };
                    t.iter().map(move |_| p)
                })
                .collect())
        }
        fn reads_context(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_context_reading_classifier_reads_what_comes_before_each_sentence() {
        for batch in [1, 2, 64] {
            let p = Pipeline::new(Reader, vec!["t".into()]).batch_sentences(batch);
            let items = vec![
                doc("a", "They say yes. We agree.\n\nSo do they. Fine."),
                doc("b", "Fine. Yes, we do."),
            ];
            let mut sink = Collect::default();
            p.run(items, &mut sink).unwrap();
            let favor: Vec<Vec<bool>> = sink
                .documents
                .iter()
                .map(|d| d.probs.iter().map(|p| p.favor > 0.5).collect())
                .collect();
            // a: nothing before the first; "They say yes." before the second; the last
            // sentence of the previous paragraph before the third; "So do they." before the
            // fourth. b: "Yes" has no context; its sentence is not its own context.
            assert_eq!(
                favor,
                [vec![false, true, false, false], vec![false, false]],
                "batch {batch}"
            );
        }
    }
}
