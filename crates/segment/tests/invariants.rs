//! Property tests: no panics, no lost text, ordered disjoint spans on char boundaries.

use proptest::prelude::*;
use standpoint_segment::{Config, Newlines, Segmenter, Sentence};

fn check(text: &str, sentences: &[Sentence]) {
    let mut covered = vec![false; text.len()];
    let mut prev_end = 0;
    let mut prev_par = 0;
    for s in sentences {
        assert!(s.start < s.end, "empty sentence {s:?}");
        assert!(s.start >= prev_end, "overlap or disorder at {s:?}");
        assert!(s.paragraph >= prev_par, "paragraph went back at {s:?}");
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        let t = s.text(text);
        assert_eq!(t, t.trim(), "sentence has outer whitespace: {t:?}");
        covered[s.start..s.end].iter_mut().for_each(|c| *c = true);
        prev_end = s.end;
        prev_par = s.paragraph;
    }
    for (i, c) in text.char_indices() {
        if !c.is_whitespace() {
            assert!(
                covered[i],
                "non-whitespace char {c:?} at {i} not in any sentence"
            );
        }
    }
}

fn segmenters() -> [Segmenter; 3] {
    [
        Segmenter::default(),
        Segmenter::new(Config::default().newlines(Newlines::BlankLine)),
        Segmenter::new(Config::default().lists(false).abbreviation("Xyz")),
    ]
}

/// Text drawn from the characters the rules care about.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("."),
        Just(". "),
        Just("?"),
        Just("!"),
        Just("..."),
        Just(". . ."),
        Just("…"),
        Just(" "),
        Just("\n"),
        Just("\n\n"),
        Just("\r\n"),
        Just("\u{a0}"),
        Just("\""),
        Just("'"),
        Just("“"),
        Just("”"),
        Just("‘"),
        Just("’"),
        Just("("),
        Just(")"),
        Just("["),
        Just("]"),
        Just("Mr"),
        Just("U.S"),
        Just("a.m"),
        Just("The"),
        Just("he"),
        Just("1"),
        Just("2"),
        Just("a"),
        Just("b"),
        Just("•"),
        Just("⁃"),
        Just("-"),
        Just("—"),
        Just("[1]"),
        Just("[...]"),
        Just("é"),
        Just("日本"),
        Just("\t"),
        Just("e.g"),
        Just("No"),
        Just("$1.2bn"),
        Just("`"),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn invariants_on_tricky_text(text in tricky_text()) {
        for seg in segmenters() {
            check(&text, &seg.segment(&text));
        }
    }

    #[test]
    fn invariants_on_any_string(text in any::<String>()) {
        for seg in segmenters() {
            check(&text, &seg.segment(&text));
        }
    }

    #[test]
    fn iterator_equals_vec(text in tricky_text()) {
        let seg = Segmenter::default();
        let a: Vec<_> = seg.sentences(&text).collect();
        prop_assert_eq!(a, seg.segment(&text));
    }
}

#[test]
fn empty_and_whitespace_only() {
    for seg in segmenters() {
        assert!(seg.segment("").is_empty());
        assert!(seg.segment(" \n\t\n  ").is_empty());
    }
}
