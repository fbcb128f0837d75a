#![no_main]
//! JSONL reader: any bytes give items in order, line numbers never go back, every bad record
//! names its line, and no input panics.
use libfuzzer_sys::fuzz_target;
use standpoint_pipeline::read::{read_stream, Fields, Format};

fuzz_target!(|data: &[u8]| {
    let items = read_stream(
        "fuzz".into(),
        Box::new(std::io::Cursor::new(data.to_vec())),
        Format::Jsonl,
        Fields::default(),
        64,
    );
    let lines = data.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let mut last = 0;
    for item in items {
        let line = match &item {
            Ok(d) => {
                assert!(!d.text.trim().is_empty() && d.text.len() <= 64);
                d.line
            }
            Err(b) => {
                let _ = b.to_string();
                b.line
            }
        };
        assert!(line > last && line <= lines, "line {line} after {last} of {lines}");
        last = line;
    }
});
