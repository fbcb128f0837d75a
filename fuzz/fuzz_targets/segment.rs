//! Fuzz the segmenter: any UTF-8 input, every configuration; checks the same invariants as the
//! property tests (no panic, no lost text, ordered disjoint spans on char boundaries).
#![no_main]

use libfuzzer_sys::fuzz_target;
use standpoint_segment::{Config, Newlines, Segmenter};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for seg in [
        Segmenter::default(),
        Segmenter::new(Config::default().newlines(Newlines::BlankLine)),
        Segmenter::new(Config::default().lists(false)),
    ] {
        let mut covered = vec![false; text.len()];
        let mut prev = 0;
        for s in seg.sentences(text) {
            assert!(s.start < s.end && s.start >= prev);
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            let t = s.text(text);
            assert_eq!(t, t.trim());
            covered[s.start..s.end].iter_mut().for_each(|c| *c = true);
            prev = s.end;
        }
        for (i, c) in text.char_indices() {
            assert!(c.is_whitespace() || covered[i], "lost {c:?} at {i}");
        }
    }
});
