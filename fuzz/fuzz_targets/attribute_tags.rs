#![no_main]
//! Attributions from a tagger's spans: any text and any spans (outside the text, off char
//! boundaries, reversed, overlapping) give spans inside the text on char boundaries and no
//! panic, alone or combined with the rules. The first byte gives the number of spans, five bytes each (kind, start, end).
use libfuzzer_sys::fuzz_target;
use standpoint_attribute::{Attributor, Span, Tag, TagKind};

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n % 32);
    if rest.len() < n * 5 {
        return;
    }
    let (raw, text) = rest.split_at(n * 5);
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let tags: Vec<Tag> = raw
        .chunks(5)
        .map(|c| Tag {
            kind: TagKind::ALL[usize::from(c[0] % 3)],
            span: Span {
                start: usize::from(u16::from_le_bytes([c[1], c[2]])),
                end: usize::from(u16::from_le_bytes([c[3], c[4]])),
            },
        })
        .collect();
    let attributor = Attributor::default();
    let tagged = attributor.from_tags(text, &tags);
    // The combined path keeps some of these and adds the rules' where none overlaps.
    let combined = attributor.combine(text, tagged.clone());
    for (i, a) in combined.iter().enumerate() {
        for b in &combined[i + 1..] {
            let clash = a.content.iter().any(|x| b.content.iter().any(|y| x.start < y.end && y.start < x.end));
            let both_tagged = tagged.contains(a) && tagged.contains(b);
            assert!(!clash || both_tagged, "a rules attribution overlaps a kept one");
        }
    }
    for a in tagged.into_iter().chain(combined) {
        assert!(!a.content.is_empty());
        for s in a.content.iter().chain(&a.cue).chain(a.source.iter()) {
            assert!(s.start < s.end && s.end <= text.len());
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
    }
});
