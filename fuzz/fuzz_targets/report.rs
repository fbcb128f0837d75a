#![no_main]
//! A run folder of arbitrary files (run.json, groups.json, documents.jsonl, errors.jsonl,
//! state.json: the input split at 0xFF bytes) gives a report or an error, never a panic; a
//! report is one HTML page with no script but its own.
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use standpoint_report::{render, Limits, Options, RunFolder};

const FILES: [&str; 5] = [
    "run.json",
    "groups.json",
    "documents.jsonl",
    "errors.jsonl",
    "state.json",
];

fn dir() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("standpoint-fuzz-report-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = dir();
    let mut parts = data.split(|b| *b == 0xFF);
    for name in FILES {
        let p = dir.join(name);
        match parts.next() {
            Some(bytes) if !bytes.is_empty() => std::fs::write(&p, bytes).unwrap(),
            _ => {
                let _ = std::fs::remove_file(&p);
            }
        }
    }
    let limits = Limits { documents: 50, errors: 5 };
    if let Ok(run) = RunFolder::load(dir, limits) {
        let html = render(&run, &Options::default());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert_eq!(html.matches("<script").count(), 1);
    }
});
