#![no_main]
//! Augmentation: any texts and targets (split from the input at NUL bytes: text, target, text,
//! target, ...) give no panic, and every generated example keeps its source's target and has a
//! non-empty text.
use libfuzzer_sys::fuzz_target;
use standpoint_stance::augment::{augment_version, LATEST};
use standpoint_stance::{data::Example, Label};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let parts: Vec<&str> = input.split('\0').collect();
    let examples: Vec<Example> = parts
        .chunks(2)
        .enumerate()
        .map(|(i, c)| Example {
            id: i.to_string(),
            text: c[0].to_string(),
            target: c.get(1).copied().unwrap_or("the plan").to_string(),
            label: Label::ALL[i % 3],
            seen: None,
            context: String::new(),
            source_label: None,
        })
        .collect();
    let targets: Vec<&str> = examples.iter().map(|e| e.target.as_str()).collect();
    // Every generator version (the newest holds all earlier ones' output).
    for a in augment_version(&examples, 13, LATEST) {
        assert!(targets.contains(&a.example.target.as_str()));
        assert!(!a.example.text.is_empty());
    }
});
