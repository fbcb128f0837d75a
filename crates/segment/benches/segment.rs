//! Single-thread segmentation throughput on about 10 MB of text.
//!
//! The text is built by repeating the UD GUM dev documents from the shared data folder (the same
//! recipe as `score.py --throughput`: documents separated by a blank line). When the shared data
//! is not there, the example corpus in `tests/data` is repeated instead.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use standpoint_segment::Segmenter;

fn corpus() -> (String, &'static str) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = std::env::var_os("STANDPOINT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/data"));
    let ud = shared.join("segmentation/ud_gum_dev.jsonl");
    let (docs, name): (Vec<String>, _) = match std::fs::read_to_string(&ud) {
        Ok(text) => (
            text.lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter_map(|v| v["text"].as_str().map(str::to_string))
                .collect(),
            "ud_gum_dev",
        ),
        Err(_) => {
            let dir = root.join("tests/data/corpus");
            let mut docs = Vec::new();
            for entry in std::fs::read_dir(&dir).expect("example corpus") {
                docs.push(std::fs::read_to_string(entry.expect("entry").path()).expect("read"));
            }
            (docs, "example_corpus")
        }
    };
    let mut out = String::with_capacity(10_500_000);
    while out.len() < 10_000_000 {
        for d in &docs {
            out.push_str(d);
            out.push_str("\n\n");
        }
    }
    (out, name)
}

fn bench(c: &mut Criterion) {
    let (text, name) = corpus();
    let seg = Segmenter::default();
    let mut group = c.benchmark_group("segment");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function(format!("{name}_10MB"), |b| {
        b.iter(|| seg.sentences(std::hint::black_box(&text)).count())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
