#![no_main]
//! Unlabelled news pairs: any article text gives no panic, sentences and contexts that are
//! slices of the article, and names that occur in it.
use libfuzzer_sys::fuzz_target;
use standpoint_stance::unlabelled::{article_targets, news_pairs};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for name in article_targets(text, 3) {
        for word in name.split(' ') {
            assert!(text.contains(word), "{word:?}");
        }
    }
    let base = text.as_ptr() as usize;
    for p in news_pairs(&[("a", text)], &["a carbon tax".to_string()], 1000, 13) {
        for s in [p.sentence, p.context] {
            let at = s.as_ptr() as usize;
            assert!(s.is_empty() || (at >= base && at + s.len() <= base + text.len()));
        }
    }
});
