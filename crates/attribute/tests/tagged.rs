//! `Attributor::from_tags`: attributions from a tagger's labelled spans.

use proptest::prelude::*;
use standpoint_attribute::{Attribution, Attributor, Span, Tag, TagKind};

/// Tags for the given (kind, piece) pairs, each piece found after the previous one.
fn tags(text: &str, pieces: &[(TagKind, &str)]) -> Vec<Tag> {
    let mut from = 0;
    pieces
        .iter()
        .map(|&(kind, piece)| {
            let start = from + text[from..].find(piece).expect(piece);
            from = start + piece.len();
            Tag {
                kind,
                span: Span {
                    start,
                    end: start + piece.len(),
                },
            }
        })
        .collect()
}

fn decode(text: &str, pieces: &[(TagKind, &str)]) -> Vec<Attribution> {
    Attributor::default().from_tags(text, &tags(text, pieces))
}

use TagKind::{Content as C, Cue as U, Source as S};

#[test]
fn a_quote_continued_after_its_frame_in_the_next_sentence_is_one_attribution() {
    let t = "\"This is the time,\" Baker said. \"We will educate voters.\"\n\nShe said no.";
    let found = decode(
        t,
        &[
            (C, "\"This is the time,\""),
            (S, "Baker"),
            (U, "said"),
            (C, "\"We will educate voters.\""),
            (S, "She"),
            (U, "said"),
            (C, "no"),
        ],
    );
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].content.len(), 2);
    assert_eq!(found[0].speaker.as_deref(), Some("Baker"));
    // "She" is resolved like the rules resolve pronouns: to the last named person.
    assert_eq!(found[1].content_text(t), ["no"]);
    assert_eq!(found[1].source.map(|s| s.text(t)), Some("She"));
    assert!(found[0].direct && !found[1].direct);
}

#[test]
fn each_content_takes_the_cue_of_its_own_sentence() {
    let t = "\u{201c}We stay,\u{201d} he said. Later she added, \u{201c}We go.\u{201d}";
    let found = decode(
        t,
        &[
            (C, "\u{201c}We stay,\u{201d}"),
            (S, "he"),
            (U, "said"),
            (S, "she"),
            (U, "added"),
            (C, "\u{201c}We go.\u{201d}"),
        ],
    );
    assert_eq!(found.len(), 2);
    assert_eq!(
        found[1].cue.iter().map(|c| c.text(t)).collect::<Vec<_>>(),
        ["added"]
    );
    assert_eq!(found[1].source.map(|s| s.text(t)), Some("she"));
}

#[test]
fn a_signature_after_a_quote_is_its_source() {
    let t = "\u{201c}Maybe we can build a wall around him.\u{201d} \u{2015} Steve Quinlan\n\nNext.";
    let found = decode(
        t,
        &[
            (C, "\u{201c}Maybe we can build a wall around him.\u{201d}"),
            (S, "Steve Quinlan"),
        ],
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].speaker.as_deref(), Some("Steve Quinlan"));
}

#[test]
fn a_colon_frame_in_the_sentence_before_gives_the_cue() {
    let t = "The senator said:\n\n\u{201c}No deal.\u{201d}";
    let found = decode(
        t,
        &[
            (S, "The senator"),
            (U, "said"),
            (C, "\u{201c}No deal.\u{201d}"),
        ],
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].source.map(|s| s.text(t)), Some("The senator"));
}

#[test]
fn a_cue_without_a_tagged_source_takes_its_subject() {
    // No source tag: the subject before the cue (past "is") is the source.
    let t = "Kasich is trumpeting a positive-only message on the campaign trail.";
    let found = decode(
        t,
        &[
            (U, "is trumpeting"),
            (C, "a positive-only message on the campaign trail"),
        ],
    );
    assert_eq!(found[0].source.map(|s| s.text(t)), Some("Kasich"));
    assert_eq!(found[0].speaker.as_deref(), Some("Kasich"));
    // A relative pronoun right before the cue is the source.
    let t = "Activists who say the law targets gay people marched on Sunday.";
    let found = decode(t, &[(U, "say"), (C, "the law targets gay people")]);
    assert_eq!(found[0].source.map(|s| s.text(t)), Some("who"));
    // Nothing before the cue: no source.
    let t = "Saying the plan failed, the party left.";
    let found = decode(t, &[(U, "Saying"), (C, "the plan failed")]);
    assert_eq!(found[0].source, None);
}

#[test]
fn a_relative_pronoun_source_speaks_for_its_antecedent() {
    let t = "Activists joined Maria Lopez, who says the law is unfair.";
    let found = decode(t, &[(S, "who"), (U, "says"), (C, "the law is unfair")]);
    assert_eq!(found[0].source.map(|s| s.text(t)), Some("who"));
    assert_eq!(found[0].speaker.as_deref(), Some("Maria Lopez"));
}

#[test]
fn a_description_speaker_drops_its_aside_and_relative_clause() {
    let t = "\"Most of the men want a truce,\" said a local commander, who asked not to be named.";
    let found = decode(
        t,
        &[
            (C, "\"Most of the men want a truce,\""),
            (U, "said"),
            (S, "a local commander, who asked not to be named"),
        ],
    );
    assert_eq!(found[0].speaker.as_deref(), Some("a local commander"));
    let t = "The three men who will decide said the talks were over.";
    let found = decode(
        t,
        &[
            (S, "The three men who will"),
            (U, "said"),
            (C, "the talks were over"),
        ],
    );
    assert_eq!(found[0].speaker.as_deref(), Some("The three men"));
}

#[test]
fn a_mention_between_the_cue_and_its_content_is_an_object_not_the_source() {
    let t = "Clinton told city leaders that the country should be governed well.";
    let found = decode(
        t,
        &[
            (S, "Clinton"),
            (U, "told"),
            (S, "city leaders"),
            (C, "the country should be governed well"),
        ],
    );
    assert_eq!(found[0].source.map(|s| s.text(t)), Some("Clinton"));
    // Content first: the nearest mention, after the cue too ("…,” said Bolton").
    let t = "\"We will win,\" said Bolton, a former envoy.";
    let found = decode(t, &[(C, "\"We will win,\""), (U, "said"), (S, "Bolton")]);
    assert_eq!(found[0].source.map(|s| s.text(t)), Some("Bolton"));
}

#[test]
fn spans_outside_the_text_or_off_char_boundaries_are_ignored() {
    let t = "\u{201c}Yes,\u{201d} he said.";
    let bad = [
        Tag {
            kind: C,
            span: Span { start: 1, end: 5 },
        },
        Tag {
            kind: S,
            span: Span {
                start: 10,
                end: 999,
            },
        },
        Tag {
            kind: U,
            span: Span { start: 4, end: 2 },
        },
    ];
    assert!(Attributor::default().from_tags(t, &bad).is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any tags on any text: no panic, every span inside the text on char boundaries, sources
    /// outside their contents.
    #[test]
    fn arbitrary_tags_give_well_formed_attributions(
        text in "[a-z\u{201c}\u{201d}\u{e9}.,: \n]{0,80}",
        raw in proptest::collection::vec((0usize..3, 0usize..90, 0usize..30), 0..12),
    ) {
        let tags: Vec<Tag> = raw
            .iter()
            .map(|&(k, start, len)| Tag {
                kind: TagKind::ALL[k],
                span: Span { start, end: start + len },
            })
            .collect();
        for a in Attributor::default().from_tags(&text, &tags) {
            prop_assert!(!a.content.is_empty());
            for s in a.content.iter().chain(&a.cue).chain(&a.source) {
                prop_assert!(s.start < s.end && s.end <= text.len());
                prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            }
            if let Some(src) = a.source {
                prop_assert!(a.content.iter().all(|c| c.end <= src.start || src.end <= c.start));
            }
        }
    }
}
