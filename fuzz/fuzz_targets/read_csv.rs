#![no_main]
//! Strict CSV reader: any bytes give items whose line numbers lie in the input, documents have
//! non-empty text within the size limit, and no input panics or loops.
use libfuzzer_sys::fuzz_target;
use standpoint_pipeline::read::{read_stream, Fields, Format};

fuzz_target!(|data: &[u8]| {
    let items = read_stream(
        "fuzz".into(),
        Box::new(std::io::Cursor::new(data.to_vec())),
        Format::Csv,
        Fields::default(),
        64,
    );
    let lines = data.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let mut count = 0u64;
    for item in items {
        count += 1;
        assert!(count <= lines, "more records than lines");
        match &item {
            Ok(d) => {
                assert!(!d.text.trim().is_empty() && d.text.len() <= 64);
                assert!(d.line >= 1 && d.line <= lines);
            }
            Err(b) => {
                let _ = b.to_string();
                assert!(b.line <= lines + 1, "line {} of {lines}", b.line);
            }
        }
    }
});
