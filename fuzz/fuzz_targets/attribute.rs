#![no_main]
//! Attribution: any UTF-8 text gives spans inside the text on char boundaries, contents that do
//! not overlap, and no panic.
use libfuzzer_sys::fuzz_target;
use standpoint_attribute::Attributor;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let found = Attributor::default().attribute(text);
    let mut contents = Vec::new();
    for a in &found {
        for s in a.content.iter().chain(&a.cue).chain(a.source.iter()) {
            assert!(s.start <= s.end && s.end <= text.len());
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
        contents.extend(a.content.iter().copied());
    }
    contents.sort();
    for w in contents.windows(2) {
        assert!(w[0].end <= w[1].start);
    }
});
