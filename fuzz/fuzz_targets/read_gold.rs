#![no_main]
//! PolNeAR-format gold: any bytes give documents whose spans lie inside their text on char
//! boundaries, bad lines reported with their number, and no panic.
use libfuzzer_sys::fuzz_target;
use standpoint_pipeline::attributions::read_gold;

fuzz_target!(|data: &[u8]| {
    let mut lines = 0;
    let Ok(docs) = read_gold(data, |n, _| {
        assert!(n >= 1);
        lines += 1;
    }) else {
        return;
    };
    for d in docs {
        for t in d.tags {
            assert!(t.span.start <= t.span.end && t.span.end <= d.text.len());
            assert!(d.text.is_char_boundary(t.span.start) && d.text.is_char_boundary(t.span.end));
        }
    }
});
