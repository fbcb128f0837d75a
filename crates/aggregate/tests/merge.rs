//! Property tests: partials merge associatively, commutatively and exactly, and survive serde,
//! so shards combine into exactly the single-run result.

use std::collections::BTreeMap;

use proptest::prelude::*;
use standpoint_aggregate::{Aggregates, Decision, DecisionRule, GroupBy, Observation, Tally};
use standpoint_types::Probs;

#[derive(Debug, Clone)]
struct Doc {
    id: String,
    meta: BTreeMap<String, String>,
    sentences: Vec<(String, [f32; 3])>,
}

fn doc_strategy() -> impl Strategy<Value = Doc> {
    let sentence = ("[a-z ]{0,12}", (0.0f32..1.0, 0.0f32..1.0, 0.0f32..1.0))
        .prop_map(|(t, (a, b, c))| (t, [a, b, c]));
    (
        "[a-z0-9]{1,6}",
        prop::option::of(prop::sample::select(vec!["Wire", "Daily", "Post"])),
        prop::option::of((2019i32..2026, 1u32..13, 1u32..29)),
        prop::collection::vec(sentence, 0..6),
    )
        .prop_map(|(id, source, date, sentences)| {
            let mut meta = BTreeMap::new();
            if let Some(s) = source {
                meta.insert("source".to_string(), s.to_string());
            }
            if let Some((y, m, d)) = date {
                meta.insert("date".to_string(), format!("{y:04}-{m:02}-{d:02}"));
            }
            Doc {
                id,
                meta,
                sentences,
            }
        })
}

const TARGETS: &[&str] = &["a ceasefire", "concessions"];

fn groupings() -> Vec<GroupBy> {
    [
        "all",
        "source",
        "date:week",
        "date:month",
        "source+date:month",
    ]
    .iter()
    .map(|s| GroupBy::parse(s).unwrap())
    .collect()
}

/// Tallies of one document per target (the second target sees the probabilities rotated).
fn doc_tallies(seq: u64, d: &Doc, k: usize) -> Vec<Tally> {
    TARGETS
        .iter()
        .enumerate()
        .map(|(j, _)| {
            let mut t = Tally::new(k);
            for (i, (text, p)) in d.sentences.iter().enumerate() {
                let p = [p[j % 3], p[(j + 1) % 3], p[(j + 2) % 3]];
                t.add(&Observation {
                    seq,
                    doc: &d.id,
                    index: i as u32,
                    start: i * 10,
                    end: i * 10 + text.len(),
                    text,
                    speaker: (i % 2 == 0).then_some("Amira Haddad"),
                    probs: Probs::new(p[0], p[1], p[2]),
                });
            }
            t
        })
        .collect()
}

fn aggregate(docs: &[(u64, &Doc)], k: usize) -> Aggregates {
    let mut a = Aggregates::new(groupings(), k);
    for (seq, d) in docs {
        let tallies = doc_tallies(*seq, d, k);
        a.add_document(&d.meta, TARGETS.iter().copied().zip(tallies.iter()));
    }
    a
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn shards_merged_in_any_order_equal_one_run(
        docs in prop::collection::vec(doc_strategy(), 0..25),
        assignment in prop::collection::vec(0usize..4, 25),
        order in Just(vec![3usize, 1, 0, 2]).prop_shuffle(),
        k in 0usize..4,
    ) {
        let indexed: Vec<(u64, &Doc)> = docs.iter().enumerate().map(|(i, d)| (i as u64, d)).collect();
        let single = aggregate(&indexed, k);
        let mut shards: Vec<Vec<(u64, &Doc)>> = vec![Vec::new(); 4];
        for (i, d) in &indexed {
            shards[assignment[*i as usize]].push((*i, d));
        }
        // Each shard goes through JSON, as shard files do.
        let partials: Vec<Aggregates> = shards
            .iter()
            .map(|s| serde_json::from_str(&serde_json::to_string(&aggregate(s, k)).unwrap()).unwrap())
            .collect();
        // Left fold in a shuffled order ...
        let mut merged = Aggregates::new(groupings(), k);
        for &i in &order {
            merged.merge(partials[i].clone());
        }
        prop_assert_eq!(&merged, &single);
        // ... and a tree: (a+b)+(c+d).
        let mut ab = partials[0].clone();
        ab.merge(partials[1].clone());
        let mut cd = partials[2].clone();
        cd.merge(partials[3].clone());
        cd.merge(ab);
        prop_assert_eq!(&cd, &single);
        prop_assert_eq!(serde_json::to_string(&cd).unwrap(), serde_json::to_string(&single).unwrap());
    }

    #[test]
    fn tally_split_anywhere_merges_exactly(
        doc in doc_strategy(),
        cut in 0usize..6,
        k in 0usize..4,
    ) {
        let whole = doc_tallies(0, &doc, k).remove(0);
        let cut = cut.min(doc.sentences.len());
        let mut head = doc.clone();
        let tail_sentences = head.sentences.split_off(cut);
        let mut a = doc_tallies(0, &head, k).remove(0);
        // The tail keeps its original sentence indices through a shifted document.
        let mut b = Tally::new(k);
        for (i, (text, p)) in tail_sentences.iter().enumerate() {
            let i = i + cut;
            b.add(&Observation { seq: 0, doc: &doc.id, index: i as u32, start: i * 10,
                end: i * 10 + text.len(), text,
                speaker: (i % 2 == 0).then_some("Amira Haddad"), probs: Probs::new(p[0], p[1], p[2]) });
        }
        let mut ba = b.clone();
        ba.merge(a.clone());
        a.merge(b);
        prop_assert_eq!(&a, &whole);
        prop_assert_eq!(&ba, &whole);
        let s = whole.summary(&DecisionRule::default());
        prop_assert!(s.net >= -1.0 && s.net <= 1.0);
        prop_assert!(s.favor_evidence.len() <= k && s.against_evidence.len() <= k);
        prop_assert!(s.favor_evidence.windows(2).all(|w| w[0].score >= w[1].score));
    }
}

fn tally(probs: &[(f32, f32, f32)]) -> Tally {
    let mut t = Tally::new(2);
    for (i, p) in probs.iter().enumerate() {
        t.add(&Observation {
            seq: 7,
            doc: "d",
            index: i as u32,
            start: 0,
            end: 1,
            text: "x",
            speaker: None,
            probs: Probs::new(p.0, p.1, p.2),
        });
    }
    t
}

#[test]
fn decision_rule_cases() {
    let rule = DecisionRule::default();
    // Only NONE-dominated sentences: no decision, whatever their small stance probabilities.
    let s = tally(&[(0.3, 0.1, 0.6), (0.25, 0.05, 0.7)]).summary(&rule);
    assert_eq!(s.decision, Decision::None);
    assert_eq!(s.net, 0.0);
    assert!(s.favor_share.is_none());
    // Two FAVOR (net .8 and .6) and one AGAINST (net -.5): mean net .3 -> FAVOR.
    let s = tally(&[
        (0.9, 0.1, 0.0),
        (0.7, 0.1, 0.2),
        (0.2, 0.7, 0.1),
        (0.0, 0.0, 1.0),
    ])
    .summary(&rule);
    assert!((s.net - 0.3).abs() < 1e-9, "{}", s.net);
    assert_eq!(s.decision, Decision::Favor);
    assert_eq!((s.counts.favor, s.counts.against, s.counts.none), (2, 1, 1));
    assert!((s.mean.favor - 0.45).abs() < 1e-9);
    let fs = s.favor_share.unwrap();
    assert!(
        (fs.estimate - 2.0 / 3.0).abs() < 1e-12 && fs.low < fs.estimate && fs.high > fs.estimate
    );
    assert_eq!(s.favor_evidence.len(), 2);
    assert_eq!(s.favor_evidence[0].index, 0);
    // Balanced: MIXED; a higher bar for stance-bearing sentences: NONE.
    let t = tally(&[(0.8, 0.2, 0.0), (0.2, 0.8, 0.0)]);
    assert_eq!(t.summary(&rule).decision, Decision::Mixed);
    let strict = DecisionRule {
        min_stance_sentences: 3,
        ..rule
    };
    assert_eq!(t.summary(&strict).decision, Decision::None);
}

#[test]
fn group_evidence_carries_the_speaker_and_the_documents_metadata() {
    let mut t = Tally::new(2);
    t.add(&Observation {
        seq: 3,
        doc: "d3",
        index: 1,
        start: 0,
        end: 9,
        text: "Yes, now.",
        speaker: Some("Amira Haddad"),
        probs: Probs::new(0.9, 0.05, 0.05),
    });
    let meta: BTreeMap<String, String> = [("source", "Wire"), ("date", "2024-03-07")]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into_iter()
        .collect();
    let mut a = Aggregates::new(groupings(), 2);
    a.add_document(&meta, [("a ceasefire", &t)]);
    let doc_ev = &t.summary(&DecisionRule::default()).favor_evidence[0];
    assert_eq!(doc_ev.speaker.as_deref(), Some("Amira Haddad"));
    assert!(
        doc_ev.meta.is_empty(),
        "a document's own evidence does not repeat its metadata"
    );
    let g = a
        .get("source+date:month", "Wire | 2024-03", "a ceasefire")
        .unwrap();
    let ev = &g.sentences.summary(&DecisionRule::default()).favor_evidence[0];
    assert_eq!(ev.meta, meta);
    assert_eq!(ev.speaker.as_deref(), Some("Amira Haddad"));
}
